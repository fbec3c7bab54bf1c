"""The rules as a library: `examples/org_pack`, an organization's own pack built with
`policypack.library.build_policies`, served exactly as the CLI serves a pack."""

from __future__ import annotations

import pytest
from pulumi.runtime.proto import analyzer_pb2

from policypack.library import build_policies
from policypack.registry import ALL_POLICIES, BY_NAME
from tests.support.engine import REPO, PackProcess

from .states import state

ORG_PACK = REPO / "examples" / "org_pack"
FUNCTION = "aws:lambda/function:Function"


@pytest.fixture(scope="module")
def org_pack():
    with PackProcess(ORG_PACK) as process:
        yield process


def test_the_pack_describes_itself_with_its_own_name_version_and_policies(org_pack):
    info = org_pack.info()
    assert (info.name, info.version) == ("acme-aws-guard", "1.0.0")
    names = [p.name for p in info.policies]
    assert "acme-cost-center-tag" in names and "aws-s3-object-cache-control" not in names
    assert sorted(names) == sorted([p.name for p in ALL_POLICIES if p.name != "aws-s3-object-cache-control"]
                                   + ["acme-cost-center-tag"])
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels["aws-lambda-function-in-vpc"] == analyzer_pb2.ADVISORY
    assert levels["acme-cost-center-tag"] == analyzer_pb2.MANDATORY


def test_its_defaults_its_rule_and_the_librarys_exemptions_apply(org_pack):
    org_pack.configure({})
    function = state(FUNCTION, "worker", {
        "runtime": "python3.13", "reservedConcurrentExecutions": 150, "tracingConfig": {"mode": "Active"},
        "tags": {"policy-exemption:aws-lambda-function-alarms": "2099-01-01 too far"}})
    found = {(d.policy, d.level): d.message for d in org_pack.analyze(function)}
    assert found[("acme-cost-center-tag", "mandatory")] == (
        'no "cost-center" tag: add one naming the team that pays for this resource.')
    assert ("aws-lambda-function-in-vpc", "advisory") in found
    assert not any(policy == "aws-lambda-function-concurrency-limit" for policy, _ in found)  # 150 <= max 200
    tagged = state(FUNCTION, "worker", {"runtime": "python3.13", "tags": {
        "cost-center": "cc-42", "policy-exemption:acme-cost-centre-tag": "2026-12-31 typo"}})
    messages = {d.policy: d.message for d in org_pack.analyze(tagged)}
    assert "acme-cost-center-tag" not in messages
    assert messages["pulumi-policy-exemption-tag-valid"].startswith(
        'tag "policy-exemption:acme-cost-centre-tag" names no policy of this pack (did you mean '
        '"policy-exemption:acme-cost-center-tag"?)')


def test_build_policies_never_changes_the_registrys_own_policies():
    before = (BY_NAME["aws-lambda-function-in-vpc"].enforcement_level,
              dict(BY_NAME["aws-lambda-function-concurrency-limit"].config_defaults))
    built = {p.name: p for p in build_policies(levels={"aws-lambda-function-in-vpc": "disabled"},
                                               options={"aws-lambda-function-concurrency-limit": {"max": 7}})}
    assert built["aws-lambda-function-in-vpc"].enforcement_level.value == "disabled"
    assert built["aws-lambda-function-concurrency-limit"].config_defaults["max"] == 7
    assert built["aws-lambda-function-concurrency-limit"].config_schema.properties["max"]["default"] == 7
    assert (BY_NAME["aws-lambda-function-in-vpc"].enforcement_level,
            dict(BY_NAME["aws-lambda-function-concurrency-limit"].config_defaults)) == before


@pytest.mark.parametrize("kwargs, error", [
    ({"levels": {"aws-lambda-functon-in-vpc": "advisory"}}, "levels: no policy named 'aws-lambda-functon-in-vpc'"),
    ({"options": {"aws-lambda-function-in-vpc": {"minSubnet": 3}}}, "aws-lambda-function-in-vpc has no option 'minSubnet'"),
    ({"exclude": ["nothing"]}, "exclude: no policy named 'nothing'"),
    ({"extra": [BY_NAME["aws-kms-key-rotation-enabled"]]}, "policy names must be unique"),
])
def test_mistakes_are_errors(kwargs, error):
    with pytest.raises(ValueError, match=error):
        build_policies(**kwargs)
