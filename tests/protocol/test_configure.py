"""Configure with `--policy-pack-config` documents: levels and rule options change what Analyze says.

The documents are written as users write them (`{"policy": "advisory"}` or
`{"policy": {"enforcementLevel": ..., "option": ...}}`); the stand-in sends them as the CLI does,
each configured policy with a level (the given one, else the policy's default).
"""

from __future__ import annotations

from policypack.engine.requests import Diagnostic

from .states import function, state

KMS = "aws-kms-key-rotation-enabled"
IN_VPC = "aws-lambda-function-in-vpc"
CONCURRENCY = "aws-lambda-function-concurrency-limit"
ROTATION_OFF = "`enableKeyRotation` is false: set it to true."


def key_without_rotation():
    return state("aws:kms/key:Key", "key", {"enableKeyRotation": False})


def test_mandatory_policy_can_be_made_advisory(pack):
    key = key_without_rotation()
    pack.configure({KMS: "advisory"})
    assert pack.analyze(key) == [Diagnostic(KMS, "advisory", ROTATION_OFF, key.urn, "high")]


def test_policy_can_be_disabled_by_level_or_by_object(pack):
    key = key_without_rotation()
    pack.configure({KMS: "disabled"})
    assert pack.analyze(key) == []
    pack.configure({KMS: {"enforcementLevel": "disabled"}})
    assert pack.analyze(key) == []


def test_advisory_policy_can_be_made_mandatory(pack):
    fn = function(tracingConfig={"mode": "PassThrough"})
    pack.configure({"aws-lambda-function-tracing-active": "mandatory"})
    assert pack.analyze(fn) == [
        Diagnostic("aws-lambda-function-tracing-active", "mandatory",
                   '`tracingConfig.mode` is "PassThrough": set it to "Active".', fn.urn, "low"),
    ]


def test_a_new_configure_replaces_the_previous_one(pack):
    key = key_without_rotation()
    pack.configure({KMS: "disabled"})
    pack.configure({})
    assert pack.analyze(key) == [Diagnostic(KMS, "mandatory", ROTATION_OFF, key.urn, "high")]


def test_min_subnets_option_is_applied(pack):
    two_subnets = function()  # 2 subnets: compliant by default
    assert pack.analyze(two_subnets) == []
    pack.configure({IN_VPC: {"minSubnets": 3}})
    assert pack.analyze(two_subnets) == [
        Diagnostic(IN_VPC, "mandatory",
                   "`vpcConfig.subnetIds` lists 2 subnet(s), fewer than 3 (`minSubnets`): add subnets in other "
                   "Availability Zones so the function survives the loss of one zone.", two_subnets.urn, "medium"),
    ]


def test_min_subnets_can_be_lowered(pack):
    one_subnet = function(vpcConfig={"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]})
    pack.configure({IN_VPC: {"minSubnets": 1}})
    assert pack.analyze(one_subnet) == []


def test_concurrency_bounds_are_applied_with_the_configured_level(pack):
    fn = function(reservedConcurrentExecutions=500)
    assert pack.analyze(fn) == []  # inside the default [1, 1000]
    pack.configure({CONCURRENCY: {"max": 100}})
    assert pack.analyze(fn) == [
        Diagnostic(CONCURRENCY, "advisory",
                   "`reservedConcurrentExecutions` is 500, above the maximum 100 (`max`): lower it or raise `max`.",
                   fn.urn, "low"),
    ]
    pack.configure({CONCURRENCY: {"enforcementLevel": "mandatory", "min": 600, "max": 800}})
    assert pack.analyze(fn) == [
        Diagnostic(CONCURRENCY, "mandatory",
                   "`reservedConcurrentExecutions` is 500, below the minimum 600 (`min`): raise it.", fn.urn, "low"),
    ]


def test_stack_policy_level_and_options_are_applied(pack):
    fn = state("aws:lambda/function:Function", "fn", {"name": "fn-1a2b3c4", "runtime": "python3.12"})
    pack.configure({"aws-lambda-function-alarms": {"enforcementLevel": "advisory", "requiredMetrics": ["Errors"]},
                    "aws-lambda-async-failure-destination": "disabled"})
    assert pack.analyze_stack([fn]) == [
        Diagnostic("aws-lambda-function-alarms", "advisory",
                   "no MetricAlarm watches `Errors` in `AWS/Lambda` with `dimensions.FunctionName` set to this "
                   'function\'s name: add one alarm per missing metric (`dimensions={"FunctionName": fn.name}`).',
                   fn.urn, "medium"),
    ]
