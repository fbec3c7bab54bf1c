"""The serving benchmark runs end to end and prints every row it promises.

Tiny numbers, the two Python packs only: AWSGuard needs an `npm install` and a 5-second Node start-up
per process, too slow for the suite (it is measured by the benchmark itself). No timing is
asserted - performance goals live in the benchmark's output, not in timed tests.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from policypack.registry import ALL_POLICIES

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_serving  # noqa: E402
from serving_measure import KINDS  # noqa: E402
import serving_packs  # noqa: E402

PACKS = ["this pack", "floor"]
# `--sizes 23,46` asks for synthetic stacks of about that size: the rows name the real resource counts
from tests.stack.synthetic import synthetic_stack  # noqa: E402

SIZES = tuple(str(len(synthetic_stack(n))) for n in (23, 46))
NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?×?$")
# a ratio to a CPU time too short for the clock's 10 ms tick (tiny runs) is shown as "—"
RATIO = re.compile(r"^(\d[\d,]*(\.\d+)?×|—)$")


def table(output: str, heading: str) -> List[Dict[str, str]]:
    """The rows of the markdown table under `heading`, as dicts keyed by the header cells."""
    lines = output[output.index(heading):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| "))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))))
    return rows


@pytest.fixture(scope="module")
def output() -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = bench_serving.main(["--no-node", "--requests", "6", "--batch", "3", "--warmup", "1",
                                   "--startup-runs", "1", "--stack-runs", "1", "--sizes", "23,46"])
    assert code == 0
    return printed.getvalue()


def test_startup_row_per_pack_with_its_policies(output):
    rows = table(output, "### Start-up")
    assert [(r["pack"], r["policies"]) for r in rows] == [("this pack", str(len(ALL_POLICIES))), ("floor", "2")]
    assert all(NUMBER.match(r[c]) for r in rows for c in ("median s", "min s", "max s", "median / floor"))


def test_analyze_row_per_request_kind_and_pack(output):
    rows = table(output, "### Analyze")
    assert [(r["request"].split(" (")[0], r["pack"]) for r in rows] == [
        (kind, pack) for kind in KINDS for pack in PACKS]
    assert "(6 requests per pack and kind)" in output
    for r in rows:
        assert all(NUMBER.match(r[c]) for c in ("p50 ms", "p99 ms", "CPU µs/request", "p50 / floor")), r
        assert RATIO.match(r["CPU / floor"]), r


def test_benchmark_resources_comply_with_the_pack(output):
    """The requests describe well-built resources, so every rule runs to its end on them."""
    rows = table(output, "### Analyze")
    assert [r["diagnostics"] for r in rows if r["pack"] == "this pack"] == ["0"] * len(KINDS)
    assert "Diagnostics reported: none." in output


def test_analyze_stack_row_per_size_and_pack(output):
    rows = table(output, "### AnalyzeStack")
    small, large = SIZES
    assert [(r["resources"], r["pack"]) for r in rows] == [(small, "this pack"), (small, "floor"),
                                                           (large, "this pack"), (large, "floor")]
    assert all(NUMBER.match(r[c]) for r in rows for c in ("wall s", "CPU s", "CPU µs/resource", "peak RSS MB"))
    assert all(RATIO.match(r[c]) for r in rows for c in ("µs/resource vs smallest", "CPU / floor"))
    assert all(int(r["peak RSS MB"]) > 0 for r in rows)


def test_machine_command_and_goals_are_printed(output):
    assert "Command: `" in output and "benchmarks/bench_serving.py --no-node --requests 6" in output
    assert re.search(r"- CPU: .+, \d+ cores", output)
    assert re.search(r"- load average \(1 / 5 / 15 min\): [\d.]+ / [\d.]+ / [\d.]+ before", output)
    goals = [r["goal (issue 8)"] for r in table(output, "### Goals")]
    assert goals == [f"Analyze {kind}: p50 ≤ 1.5× floor" for kind in KINDS] + [
        f"AnalyzeStack {SIZES[1]}: CPU ≤ 2× floor", f"AnalyzeStack CPU/resource {SIZES[0]} → {SIZES[1]}: ratio ≤ 1.3",
        "start-up ≤ 1.3× floor"]


def test_node_pack_is_started_as_the_cli_starts_it(monkeypatch, tmp_path):
    """`pulumi-analyzer-policy`: node runs the pack's own run-policy-pack with `<engine> .`, with the
    PULUMI_NODEJS_* variables beside the PULUMI_* ones."""
    monkeypatch.setattr(serving_packs, "resolve_run_script", lambda folder: f"{folder}/run-policy-pack/index.js")
    spec = serving_packs.PackSpec("AWSGuard", tmp_path, "nodejs")
    assert spec.command() == ["node", f"{tmp_path}/run-policy-pack/index.js", serving_packs.ENGINE_ADDRESS, "."]
    env = spec.environment()
    for name, value in {"PROJECT": "media", "STACK": "prod", "DRY_RUN": "true", "ORGANIZATION": "organization"}.items():
        assert env[f"PULUMI_{name}"] == value and env[f"PULUMI_NODEJS_{name}"] == value
    assert env["PULUMI_CONFIG"] == '{"aws:region": "us-west-2"}'


def test_python_pack_is_started_as_the_cli_starts_it(tmp_path):
    spec = serving_packs.floor_pack(tmp_path / "floor", python="/venv/bin/python")
    assert spec.command() == ["/venv/bin/python", "-u", "-m", "pulumi.policy", serving_packs.ENGINE_ADDRESS, "."]
    env = spec.environment()
    assert env["PATH"].split(":")[0] == "/venv/bin" and "PULUMI_NODEJS_STACK" not in env
    assert (tmp_path / "floor" / "__main__.py").exists()


def test_writing_a_section_keeps_the_others(tmp_path):
    from docs_section import replace_section

    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nintro\n\n## A\n\nold a\n\n## B\n\nb stays\n")
    replace_section("## A", "## A\n\nnew a\n### sub\n", doc)
    replace_section("## C", "## C\n\nc\n", doc)
    assert doc.read_text() == "# Benchmarks\n\nintro\n\n## A\n\nnew a\n### sub\n\n## B\n\nb stays\n\n## C\n\nc\n"
