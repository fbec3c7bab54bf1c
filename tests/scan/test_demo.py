"""`policypack demo` (what `make demo` runs) tells the story of every documented failure.

The real demo runs both faulty examples in preview and update mode (the image pipeline with its
`allowedRegions` config) and the reference stack; the story follows examples/failures.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from policypack.scan import cli
from policypack.scan.demo import ExampleRun, _example_block
from policypack.scan.report import TargetReport, Violation
from policypack.scan.text import _Painter

REPO = Path(__file__).resolve().parents[2]
MAP = json.loads((REPO / "examples" / "failures.json").read_text())


def test_the_demo_shows_every_documented_failure_by_rule_and_resource_and_a_clean_reference(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code = cli.main(["demo"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "NOT REPORTED" not in out
    for folder, example in MAP["examples"].items():
        block = out[out.index(f"examples/{folder}  seed {example['seed']}"):]
        titles = [f"  {n}. {f['title']}" for n, f in enumerate(example["failures"], start=1)]
        positions = [block.index(title + "\n") for title in titles]
        assert positions == sorted(positions), f"{folder}: failures out of order"
    # the region rule runs with the example's own config, and what a preview cannot know is shown from the update
    assert ("policy config examples/faulty_image_pipeline/policy-config.json" in out and
            '`region` (from the stack\'s `aws:region` config) is "us-east-1", outside the `allowedRegions` option' in out)
    assert re.search(r"aws-iam-no-wildcard-actions  on s3-access  __main__\.py:\d+  \[update only\]\n", out)
    assert re.search(r"aws-provider-region-allowed  on default_\d+_\d+_\d+  Pulumi\.yaml:7\n", out)
    assert "reference_stack  both documented systems built right" in out
    assert re.search(r"  preview: no violations in \d+ resources\n  update: no violations in \d+ resources\n", out)
    assert out.rstrip().endswith("the reference stack is clean in preview and update")


def _target(mode: str, violations) -> TargetReport:
    return TargetReport(path="examples/x", kind="program", format_version=None, project="x", stack="dev", mode=mode,
                        resource_count=3, violations=list(violations))


def test_a_documented_failure_the_pack_misses_is_shown_and_counted():
    urn = "urn:pulumi:dev::x::aws:s3/bucket:Bucket::{}".format
    found = Violation("aws-s3-bucket-public-access-block", "mandatory", "critical", "d", "has no block.", urn("a"),
                      "examples/x/__main__.py", 4)
    example = ExampleRun(Path("examples/x"), "999", "docs/seeds/999.txt", "", None, failures=[
        {"title": "Buckets are public", "reported": [
            {"policy": "aws-s3-bucket-public-access-block", "resources": ["a", "b"]}]}])
    example.reports = {"preview": _target("preview", [found]), "update": _target("update", [found])}
    text, missing = _example_block(example, _Painter(False))
    assert missing == 1
    assert text.splitlines()[2:] == [
        "  1. Buckets are public",
        "     NOT REPORTED  aws-s3-bucket-public-access-block on b",
        "     mandatory  critical  aws-s3-bucket-public-access-block  on a  __main__.py:4",
        "       has no block.",
    ]
