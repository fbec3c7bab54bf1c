"""The same input gives byte-identical text, JSON and SARIF, in input order, run after run.

Two separate processes (own hash seeds, own thread timing) scan the same programs (preview and
update) and state files; their outputs are compared byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from tests.scan.conftest import CORPUS

REPO = Path(__file__).resolve().parents[2]

# one process: scan once, render every format (the CLI's `render` is what `--format` writes)
SCRIPT = """
import json, sys
from functools import lru_cache
from pathlib import Path
from policypack.registry import ALL_POLICIES
from policypack.scan.cli import render, scan
out = {}
for preview in (True, False):
    report = scan([Path(p) for p in sys.argv[1:]], policies=ALL_POLICIES, policy_config={}, preview=preview)
    for fmt in ("text", "json", "sarif"):
        out[f"{'preview' if preview else 'update'}.{fmt}"] = render(report, fmt)
print(json.dumps(out))
"""
INPUTS = ["examples/faulty_api", "reference_stack", str(CORPUS / "pulumi__pulumi__checkpoint-secrets.json"),
          str(CORPUS / "dundalek__stratify__sample-preview-update.json")]


@lru_cache(maxsize=None)
def _run(seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, *INPUTS], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_two_runs_give_byte_identical_output_in_every_format():
    first, second = _run("1"), _run("2")
    assert sorted(first) == ["preview.json", "preview.sarif", "preview.text", "update.json", "update.sarif",
                             "update.text"]
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs"


def test_findings_follow_the_input_order():
    report = json.loads(_run("1")["update.json"])
    for target in report["targets"]:
        urns = [v["urn"] for v in target["violations"] if v["urn"]]
        order = list(dict.fromkeys(urns))
        assert urns == [u for u in order for _ in range(urns.count(u))], f"{target['path']}: not grouped"
    sarif = json.loads(_run("1")["update.sarif"])
    assert "startTimeUtc" not in json.dumps(sarif) and "endTimeUtc" not in json.dumps(sarif)
