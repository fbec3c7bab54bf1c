"""Programs in the shape of public Pulumi programs (pulumi/examples aws-py-*) that the pack once reported
wrongly, run under mocks as a preview and as an update and served to the pack as the engine serves them.

Each program is correct in what it is about; the test asserts exactly what the rules in question report
(nothing). Before the fixes named here, each of them reported what is listed in the comments.
"""

from __future__ import annotations

import pytest

from policypack.registry import ALL_POLICIES
from tests.stack.conftest import capture_all

IAM_RULES = frozenset(p.name for p in ALL_POLICIES if p.name.startswith("aws-iam-"))

# program -> the rules whose findings on it are asserted
QUESTIONS = {
    # aws-iam-no-wildcard-resources: ssmmessages:CreateControlChannel & co. on "*" (mandatory, both modes);
    # aws-iam-policy-document-valid: the trust policy's Version "2008-10-17" (mandatory, both modes)
    "ecs_exec": IAM_RULES,
    # aws-iam-no-aws-managed-policies: the four policies EKS prescribes for its cluster and node roles
    "eks_roles": IAM_RULES,
    # aws-s3-object-cache-control: `cacheControl` and `contentType` of the Glue job's script
    "glue_etl": frozenset({"aws-s3-object-cache-control"}),
    # aws-apigatewayv2-stage-access-logging: "only the account-wide limit throttles this stage"
    "http_api_route_throttling": frozenset({"aws-apigatewayv2-stage-access-logging"}),
}
CASES = [(program, mode) for program in sorted(QUESTIONS) for mode in ("preview", "update")]


@pytest.fixture(scope="module")
def captured():
    return capture_all((program, "compliant", mode) for program, mode in CASES)


@pytest.mark.parametrize("program, mode", CASES)
def test_no_false_alarm(program, mode, captured, pack):
    stack = captured[(program, "compliant", mode)]
    names = {r.urn: r.name for r in stack.resources}
    found = [(d.policy, names.get(d.urn, d.urn), d.message)
             for d in pack.analyze_all(stack.resources) if d.policy in QUESTIONS[program]]
    assert found == []
