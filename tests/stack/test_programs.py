"""Every stack rule against real Pulumi programs (pulumi_aws under mocks), in preview and in update,
through the pack's gRPC protocol - as `pulumi preview` / `pulumi up` would run them.

Each program under tests/fixtures/programs/ is compliant by default; its `variant` config breaks one
thing. For each (program, variant, mode) the exact set of (policy, resource) the stack rules report is
asserted; a preview never reports a mandatory violation the update does not.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Set, Tuple

import pytest

from policypack.registry import BY_NAME, STACK_POLICIES
from tests.stack.conftest import capture_all

STACK_RULES = {p.name for p in STACK_POLICIES}
ASYNC = "aws-lambda-async-failure-destination"
LOGGING = "aws-lambda-function-logging-permissions"
KMS = "aws-s3-bucket-encryption-kms"
PAB = "aws-s3-bucket-public-access-block"
TLS = "aws-s3-bucket-tls-only"
PERMISSION = "aws-s3-notification-lambda-permission"
RECURSION = "aws-s3-notification-no-recursion"
ALARMS = "aws-lambda-function-alarms"
DLQ_ALARM = "aws-lambda-dead-letter-queue-alarm"
ROUTES = "aws-apigatewayv2-route-wiring"
REST_WIRING = "aws-apigateway-lambda-wiring"
ROTATION = "aws-secretsmanager-secret-rotation"

Found = FrozenSet[Tuple[str, str]]  # (policy, logical name of the resource reported)
BOTH = "both"

# (program, variant) -> what the stack rules report, by mode ("both" when preview and update agree).
# A preview may report less than the update: values built from ARNs are unknown until then.
EXPECTED: Dict[Tuple[str, str], Dict[str, Set[Tuple[str, str]]]] = {
    ("pipeline", "compliant"): {BOTH: set()},
    ("pipeline", "invoke-config"): {BOTH: set()},
    ("pipeline", "no-dead-letter"): {BOTH: {(ASYNC, "resize")}},
    ("pipeline", "no-log-permission"): {"update": {(LOGGING, "resize-role")}, "preview": set()},
    ("pipeline", "no-log-group"): {BOTH: {(LOGGING, "resize")}},
    ("pipeline", "log-retention-unset"): {BOTH: {(LOGGING, "resize-logs")}},
    ("pipeline", "aes256"): {BOTH: {(KMS, "uploads-encryption")}},
    ("pipeline", "no-public-access-block"): {BOTH: {(PAB, "uploads")}},
    ("pipeline", "no-tls-policy"): {"update": {(TLS, "uploads-policy")}, "preview": set()},
    ("pipeline", "notification-without-depends-on"): {BOTH: {(PERMISSION, "uploads-notification")}},
    ("pipeline", "no-permission"): {BOTH: {(PERMISSION, "uploads-notification")}},
    ("pipeline", "recursive-write"): {"update": {(RECURSION, "resize")}, "preview": set()},
    ("pipeline", "recursive-write-by-name"): {BOTH: {(RECURSION, "resize")}},
    ("pipeline", "missing-alarms"): {BOTH: {(ALARMS, "resize")}},
    ("pipeline", "dead-letter-queue-without-alarm"): {BOTH: {(DLQ_ALARM, "resize-dead-letters")}},
    ("http_api", "compliant"): {BOTH: set()},
    ("http_api", "string-target"): {BOTH: {(ROUTES, "hello-route")}},
    ("http_api", "other-api-target"): {BOTH: {(ROUTES, "hello-route")}},
    ("http_api", "external-function"): {BOTH: {(ROUTES, "hello-integration")}},
    ("http_api", "no-permission"): {BOTH: {(ROUTES, "hello-integration")}},
    ("http_api", "unscoped-permission"): {BOTH: {(ROUTES, "hello-from-api")}},
    ("http_api", "event-rule-without-dead-letter"): {BOTH: {(ASYNC, "hello")}},
    ("http_api", "topic-without-dead-letter"): {BOTH: {(ASYNC, "hello")}},
    # issue 12: both APIs' permissions end in "*/*" right after the ID, the REST API's built from its stage;
    # before, the update reported both as "not scoped" to the HTTP API (and the preview nothing)
    ("rest_api", "compliant"): {BOTH: set()},
    ("rest_api", "no-http-permission"): {BOTH: {(ROUTES, "hello-http-integration")}},
    ("rest_api", "no-rest-permission"): {BOTH: {(REST_WIRING, "hello-rest-integration")}},
    ("rest_api", "unscoped-rest-permission"): {BOTH: {(REST_WIRING, "hello-from-rest-api")}},
    ("rest_api", "unrotated-secret"): {BOTH: {(ROTATION, "api-credentials")}},
    ("rest_api", "scheduled-without-dead-letter"): {BOTH: {(ASYNC, "hello")}},
}
CASES = sorted(EXPECTED)
MODES = ("preview", "update")


@pytest.fixture(scope="module")
def results(pack):
    """(program, variant, mode) -> the stack rules' diagnostics, each program run once."""
    captured = capture_all((program, variant, mode) for program, variant in CASES for mode in MODES)
    out = {}
    for key in ((p, v, m) for p, v in CASES for m in MODES):
        stack = captured[key]
        names = {r.urn: r.name for r in stack.resources}
        diagnostics = [d for d in pack.analyze_stack(stack.resources) if d.policy in STACK_RULES]
        out[key] = (diagnostics, names)
    return out


def expected(program: str, variant: str, mode: str) -> Set[Tuple[str, str]]:
    by_mode = EXPECTED[(program, variant)]
    return by_mode.get(mode, by_mode.get(BOTH))


@pytest.mark.parametrize("program,variant", CASES, ids=[f"{p}:{v}" for p, v in CASES])
@pytest.mark.parametrize("mode", MODES)
def test_program_reports_exactly_the_expected_violations(results, program, variant, mode):
    diagnostics, names = results[(program, variant, mode)]
    found = {(d.policy, names.get(d.urn, d.urn)) for d in diagnostics}
    assert found == expected(program, variant, mode)
    for d in diagnostics:
        assert d.urn in names, "a stack violation points at a resource of the stack"
        assert d.level == BY_NAME[d.policy].enforcement_level.value
        assert d.message and "{" not in d.message.split(":")[0]


@pytest.mark.parametrize("program,variant", CASES, ids=[f"{p}:{v}" for p, v in CASES])
def test_preview_never_reports_a_mandatory_violation_the_update_does_not(results, program, variant):
    def mandatory(mode):
        diagnostics, names = results[(program, variant, mode)]
        return {(d.policy, names[d.urn]) for d in diagnostics if d.level == "mandatory"}

    assert mandatory("preview") <= mandatory("update")


def test_every_stack_rule_is_exercised_by_a_program():
    covered = {policy for by_mode in EXPECTED.values() for found in by_mode.values() for policy, _ in found}
    assert covered == STACK_RULES


def test_no_stack_rule_failed_on_any_program(results, pack):
    """A rule that raises is skipped and logged to the pack's stderr, not reported: none may."""
    assert [line for line in pack.stderr_lines if "failed on" in line] == []


@pytest.fixture(scope="module")
def sdk_pack():
    from tests.support.engine import PackProcess

    with PackProcess(server="sdk") as process:
        yield process


def test_every_program_gets_what_the_sdk_servicer_gives(pack, sdk_pack):
    """The pack's own server and `pulumi_policy`'s servicer: the same diagnostics, every policy,
    Analyze and AnalyzeStack, on every (program, variant, mode)."""
    from collections import Counter

    captured = capture_all((program, variant, mode) for program, variant in CASES for mode in MODES)
    for key, stack in sorted(captured.items()):
        if key[:2] not in EXPECTED:
            continue
        ours, reference = pack.analyze_all(stack.resources), sdk_pack.analyze_all(stack.resources)
        assert Counter(ours) == Counter(reference), key
