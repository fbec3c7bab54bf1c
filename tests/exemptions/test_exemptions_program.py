"""A program with valid, expired, malformed and refused exemptions - tags and config, resource and
stack rules - in preview and update, through the protocol (the pack served as the CLI serves it) and
through the in-process evaluator the scanner uses: exactly the levels and messages of the contract.
Evaluated as of 2026-12-01 (AWS_SERVERLESS_GUARD_TODAY)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from policypack.core.clock import TODAY_ENV
from policypack.engine.evaluate import StackContext, evaluate
from policypack.engine.program import CapturedStack, run_program
from policypack.registry import ALL_POLICIES
from policypack.scan.policy_config import load_policy_config
from tests.support.engine import PackProcess

PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "programs" / "exemptions"
CONFIG = PROGRAM / "policy-config.json"
ROTATION = "`enableKeyRotation` is false: set it to true."
NO_PAB = ("has no BucketPublicAccessBlock: S3 turns the four settings on for buckets created since April 2023, but "
          "nothing in the stack keeps them on, so a change made outside it can turn them off unseen: add one for it "
          "with `blockPublicAcls`, `blockPublicPolicy`, `ignorePublicAcls` and `restrictPublicBuckets` all true.")
UNENCRYPTED_QUEUE = ("`kmsMasterKeyId` is not set, so no key you control protects the queued messages: set it to a "
                     "customer-managed KMS key (e.g. `key.arn`).")

EXPECTED: Set[Tuple[str, str, str, str]] = {
    ("aws-kms-key-rotation-enabled", "advisory", "hsm-key",
     f"exempt until 2026-12-31 (tag: rotated by the HSM team, SEC-42): {ROTATION}"),
    ("aws-kms-key-rotation-enabled", "mandatory", "old-key", f"exemption expired on 2026-11-30: {ROTATION}"),
    ("aws-kms-key-rotation-enabled", "mandatory", "typo-key",
     'exemption tag `policy-exemption:aws-kms-key-rotation-enabled` is "end of quarter", not "<YYYY-MM-DD> '
     f'<reason>": {ROTATION}'),
    ("pulumi-policy-exemption-tag-valid", "advisory", "misnamed-key",
     'tag "policy-exemption:aws-kms-key-rotaton-enabled" names no policy of this pack (did you mean '
     '"policy-exemption:aws-kms-key-rotation-enabled"?), so it exempts nothing: use the exact policy name, or remove '
     "the tag."),
    ("aws-sqs-queue-encrypted", "mandatory", "legacy-jobs",
     f"exemption tag refused (`allowTagExemptions` is false for this policy): {UNENCRYPTED_QUEUE}"),
    ("aws-s3-bucket-public-access-block", "advisory", "site",
     f"exempt until 2026-12-24 (tag: public website until the CDN move, WEB-7): {NO_PAB}"),
    ("aws-s3-bucket-public-access-block", "advisory", "assets-pab",
     "exempt until 2026-12-15 (config: the bucket policy is public on purpose, DATA-3): `blockPublicPolicy` is false "
     'for Bucket "assets": set all four flags to true.'),
}
POLICIES = {policy for policy, *_ in EXPECTED}
EXEMPTED = {"hsm-key", "site", "assets-pab"}


@pytest.fixture(scope="module", params=["preview", "update"])
def captured(request) -> CapturedStack:
    return run_program(PROGRAM, preview=request.param == "preview")


@pytest.fixture(autouse=True, scope="module")
def today():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TODAY_ENV, "2026-12-01")
        yield


def found(diagnostics, stack: CapturedStack) -> List[Tuple[str, str, str, str]]:
    names = {s.urn: s.name for s in stack.resources}
    return sorted((d.policy, d.level, names[d.urn], d.message) for d in diagnostics if d.policy in POLICIES)


def test_through_the_protocol(captured):
    config = json.loads(CONFIG.read_text())
    with PackProcess(dry_run=captured.preview) as pack:
        pack.configure(config)
        assert found(pack.analyze_all(captured.resources), captured) == sorted(EXPECTED)


def test_through_the_scanners_evaluator(captured):
    config = load_policy_config(CONFIG, ALL_POLICIES)  # validated as the scanner validates it
    diagnostics = evaluate(captured.resources, policy_config=config,
                           context=StackContext(captured.project, captured.stack, captured.preview, captured.config))
    assert found(diagnostics, captured) == sorted(EXPECTED)
    exempted = {(d.policy, d.urn.rsplit("::", 1)[-1]): d.exemption for d in diagnostics
                if d.policy in POLICIES and d.exemption is not None and d.exemption.applies}
    assert {name for _, name in exempted} == EXEMPTED
    assert {(e.source, e.expires.isoformat(), e.reason) for e in exempted.values()} == {
        ("tag", "2026-12-31", "rotated by the HSM team, SEC-42"),
        ("tag", "2026-12-24", "public website until the CDN move, WEB-7"),
        ("config", "2026-12-15", "the bucket policy is public on purpose, DATA-3")}


# -- through the scanner's reports -------------------------------------------------------------

def scan(capsys, mode: str, output: str):
    from policypack.scan import cli

    argv = ["scan", "--policy-config", str(CONFIG), "--format", output, str(PROGRAM)]
    code = cli.main(argv + (["--update"] if mode == "update" else []))
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")  # the expired, malformed and refused exemptions leave mandatory violations
    return out


@pytest.mark.parametrize("mode", ["preview", "update"])
def test_the_json_report_lists_each_exemption(capsys, mode):
    report = json.loads(scan(capsys, mode, "json"))
    violations = [v for t in report["targets"] for v in t["violations"] if v["policy"] in POLICIES]
    assert sorted((v["policy"], v["enforcementLevel"], v["resourceName"], v["message"]) for v in violations) == sorted(
        EXPECTED)
    assert sorted((v["resourceName"], v["exemption"]["source"], v["exemption"]["expires"], v["exemption"]["reason"])
                  for v in violations if v["exemption"]) == [
        ("assets-pab", "config", "2026-12-15", "the bucket policy is public on purpose, DATA-3"),
        ("hsm-key", "tag", "2026-12-31", "rotated by the HSM team, SEC-42"),
        ("site", "tag", "2026-12-24", "public website until the CDN move, WEB-7")]
    assert report["summary"]["exempted"] == 3


@pytest.mark.parametrize("mode", ["preview", "update"])
def test_sarif_shows_exempted_results_as_suppressed(capsys, mode):
    results = json.loads(scan(capsys, mode, "sarif"))["runs"][0]["results"]
    suppressed = {(r["ruleId"], r["properties"]["urn"].rsplit("::", 1)[-1]): r["suppressions"]
                  for r in results if "suppressions" in r}
    assert suppressed == {
        ("aws-kms-key-rotation-enabled", "hsm-key"): [
            {"kind": "inSource", "status": "accepted", "justification": "rotated by the HSM team, SEC-42",
             "properties": {"expires": "2026-12-31"}}],
        ("aws-s3-bucket-public-access-block", "site"): [
            {"kind": "inSource", "status": "accepted", "justification": "public website until the CDN move, WEB-7",
             "properties": {"expires": "2026-12-24"}}],
        ("aws-s3-bucket-public-access-block", "assets-pab"): [
            {"kind": "external", "status": "accepted",
             "justification": "the bucket policy is public on purpose, DATA-3", "properties": {"expires": "2026-12-15"}}],
    }
    levels = {(r["ruleId"], r["properties"]["urn"].rsplit("::", 1)[-1]): r["properties"]["enforcementLevel"]
              for r in results if r["ruleId"] in POLICIES}
    assert levels[("aws-kms-key-rotation-enabled", "old-key")] == "mandatory"


def test_the_text_report_says_what_is_exempted(capsys):
    text = scan(capsys, "update", "text")
    assert ("exempt until 2026-12-31 (tag: rotated by the HSM team, SEC-42): `enableKeyRotation` is false: set it "
            "to true.") in text
    assert "exemption expired on 2026-11-30: `enableKeyRotation` is false" in text
    assert "3 of them exempted (advisory until the date each exemption names)" in text
