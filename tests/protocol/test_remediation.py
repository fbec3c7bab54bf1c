"""`Remediate`, as the engine calls it on the served pack when a policy's level is `remediate`.

For each policy whose fix is safe and deterministic: the fixed properties (every other property
untouched, secrets still secret), no violation of that policy left on the fixed resource, nothing
done where nothing is wrong or the fix would not be safe, and nothing done to an exempted resource.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
from google.protobuf import json_format

from policypack.core.clock import TODAY_ENV
from policypack.engine.model import ResourceState
from policypack.engine.requests import analyze_request
from tests.support.engine import PackProcess
from tests.support.harness import SECRET_SIG, UNKNOWN_STRING, urn_of

KMS = "aws-kms-key-rotation-enabled"
TRACING = "aws-lambda-function-tracing-active"
RETENTION = "aws-cloudwatch-log-group-retention"
ALARM = "aws-cloudwatch-alarm-actions"
PAB = "aws-s3-bucket-public-access-block"
REMEDIATING = {KMS: "remediate", TRACING: "remediate", RETENTION: "remediate", ALARM: "remediate", PAB: "remediate"}

KEY, FUNCTION, LOG_GROUP, ALARM_TYPE = ("aws:kms/key:Key", "aws:lambda/function:Function",
                                        "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm")
BUCKET, BLOCK = "aws:s3/bucket:Bucket", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"


@pytest.fixture(scope="module")
def pack():
    import os

    os.environ[TODAY_ENV] = "2026-12-01"
    try:
        with PackProcess(dry_run=False) as process:
            yield process
    finally:
        os.environ.pop(TODAY_ENV, None)


def remediate(pack: PackProcess, resource_type: str, props: Dict[str, Any], config=None,
              name: str = "res") -> Tuple[List[Tuple[str, Dict[str, Any]]], List[Tuple[str, str]]]:
    pack.configure(config or REMEDIATING)
    state = ResourceState(resource_type, urn_of(resource_type, name), name, props)
    response = pack.stub.Remediate(analyze_request(state, {}), timeout=30)
    return ([(r.policyName, json_format.MessageToDict(r.properties)) for r in response.remediations],
            [(n.policy_name, n.reason) for n in response.not_applicable])


def violations_of(pack: PackProcess, resource_type: str, props: Dict[str, Any], policy: str, name: str = "res"):
    state = ResourceState(resource_type, urn_of(resource_type, name), name, props)
    return [d for d in pack.analyze(state, [state]) if d.policy == policy]


SECRET_DESCRIPTION = {**SECRET_SIG, "value": "rotation owner: team-x"}


@pytest.mark.parametrize("resource_type, props, policy, fixed", [
    (KEY, {"enableKeyRotation": False, "description": SECRET_DESCRIPTION, "deletionWindowInDays": 30},
     KMS, {"enableKeyRotation": True, "description": SECRET_DESCRIPTION, "deletionWindowInDays": 30}),
    (KEY, {"description": "k"}, KMS, {"description": "k", "enableKeyRotation": True}),
    (FUNCTION, {"runtime": "python3.13", "tracingConfig": {"mode": "PassThrough"}, "memorySize": 256},
     TRACING, {"runtime": "python3.13", "tracingConfig": {"mode": "Active"}, "memorySize": 256}),
    (FUNCTION, {"runtime": "python3.13"}, TRACING, {"runtime": "python3.13", "tracingConfig": {"mode": "Active"}}),
    (LOG_GROUP, {"name": "/aws/lambda/fn"}, RETENTION, {"name": "/aws/lambda/fn", "retentionInDays": 30}),
    (LOG_GROUP, {"name": "/aws/lambda/fn", "retentionInDays": 45}, RETENTION,
     {"name": "/aws/lambda/fn", "retentionInDays": 30}),
    (ALARM_TYPE, {"alarmActions": ["arn:aws:sns:us-west-2:123456789012:alerts"], "actionsEnabled": False,
                  "metricName": "Errors"}, ALARM,
     {"alarmActions": ["arn:aws:sns:us-west-2:123456789012:alerts"], "actionsEnabled": True, "metricName": "Errors"}),
], ids=["key-rotation-false", "key-rotation-unset", "tracing-passthrough", "tracing-unset", "retention-unset",
        "retention-invalid", "alarm-actions-disabled"])
def test_the_fix_changes_only_what_the_policy_needs(pack, resource_type, props, policy, fixed):
    remediations, _ = remediate(pack, resource_type, props)
    assert remediations == [(policy, fixed)]
    pack.configure({})
    assert violations_of(pack, resource_type, props, policy) != []
    assert violations_of(pack, resource_type, fixed, policy) == []


def test_the_retention_comes_from_the_option(pack):
    config = {RETENTION: {"enforcementLevel": "remediate", "remediationRetentionDays": 90}}
    assert remediate(pack, LOG_GROUP, {"name": "g"}, config) == ([(RETENTION, {"name": "g", "retentionInDays": 90})],
                                                                 [])


@pytest.mark.parametrize("resource_type, props", [
    (KEY, {"enableKeyRotation": True}),
    (KEY, {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY", "enableKeyRotation": False}),  # asymmetric
    (KEY, {"customerMasterKeySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"}),  # HMAC
    (KEY, {"enableKeyRotation": False, "customerMasterKeySpec": UNKNOWN_STRING}),  # preview: not known to be safe
    (FUNCTION, {"tracingConfig": {"mode": "Active"}}),
    (LOG_GROUP, {"retentionInDays": 14}),
    (ALARM_TYPE, {"actionsEnabled": False}),  # no actions: none is ever invented
    (ALARM_TYPE, {"actionsEnabled": False, "alarmActions": []}),
    (ALARM_TYPE, {"alarmActions": ["arn:aws:sns:us-west-2:123456789012:alerts"]}),
], ids=["rotating", "asymmetric", "hmac", "unknown-spec", "active", "retention-set", "no-actions", "empty-actions",
        "enabled"])
def test_nothing_is_done_where_nothing_is_wrong_or_the_fix_is_not_safe(pack, resource_type, props):
    assert remediate(pack, resource_type, props) == ([], [])


def test_an_exempted_resource_is_not_remediated(pack):
    tags = {f"policy-exemption:{KMS}": "2026-12-31 rotation by the HSM team"}
    assert remediate(pack, KEY, {"enableKeyRotation": False, "tags": tags}) == ([], [])
    config = {KMS: {"enforcementLevel": "remediate",
                    "exemptions": [{"resource": "res", "expires": "2026-12-31", "reason": "HSM"}]}}
    assert remediate(pack, KEY, {"enableKeyRotation": False}, config) == ([], [])
    expired = {f"policy-exemption:{KMS}": "2026-11-30 over"}
    assert remediate(pack, KEY, {"enableKeyRotation": False, "tags": expired}) == (
        [(KMS, {"enableKeyRotation": True, "tags": expired})], [])


def test_only_policies_at_level_remediate_remediate(pack):
    assert remediate(pack, KEY, {"enableKeyRotation": False}, {KMS: "mandatory"}) == ([], [])


def test_a_policy_without_a_fix_at_level_remediate_is_not_applicable(pack):
    config = {**REMEDIATING, "aws-lambda-function-in-vpc": "remediate"}
    remediations, not_applicable = remediate(pack, FUNCTION, {"runtime": "python3.13"}, config)
    assert remediations == [(TRACING, {"runtime": "python3.13", "tracingConfig": {"mode": "Active"}})]
    assert not_applicable == [("aws-lambda-function-in-vpc", "Policy does not implement remediate")]


def test_the_public_access_block_stack_policy_turns_every_flag_on(pack):
    """A stack policy, remediated where the engine remediates: on the BucketPublicAccessBlock itself."""
    block = {"bucket": "assets-1a2b3c4", "blockPublicAcls": True, "blockPublicPolicy": False}
    fixed = {"bucket": "assets-1a2b3c4", "blockPublicAcls": True, "blockPublicPolicy": True,
             "ignorePublicAcls": True, "restrictPublicBuckets": True}
    assert remediate(pack, BLOCK, block) == ([(PAB, fixed)], [])
    assert remediate(pack, BLOCK, fixed) == ([], [])
    assert remediate(pack, BUCKET, {"bucket": "assets-1a2b3c4"}) == ([], [])  # no block is ever invented
    pack.configure({})
    bucket = ResourceState(BUCKET, urn_of(BUCKET, "assets"), "assets", {"bucket": "assets-1a2b3c4"})
    before = ('`blockPublicPolicy` is false, `ignorePublicAcls` is not set, `restrictPublicBuckets` is not set for '
              'Bucket "assets": set all four flags to true.')
    for props, expected in ((block, [before]), (fixed, [])):
        state = ResourceState(BLOCK, urn_of(BLOCK, "assets-pab"), "assets-pab", props)
        assert [(d.message, d.urn) for d in pack.analyze_stack([bucket, state]) if d.policy == PAB] == [
            (message, state.urn) for message in expected]
