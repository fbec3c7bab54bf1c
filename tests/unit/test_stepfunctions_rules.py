"""aws-sfn-state-machine-logging, and its documented fix against the whole pack."""

import json

from policypack.core.types import KMS_KEY, LOG_GROUP, ROLE, ROLE_POLICY, STATE_MACHINE
from policypack.registry import RESOURCE_POLICIES, STACK_POLICIES
from policypack.rules.stepfunctions import state_machine_logging
from tests.stack.builders import res
from tests.support.harness import UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze, analyze_stack

RULE = "aws-sfn-state-machine-logging"
LOG_GROUP_ARN = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/vendedlogs/states/orders"
LOGGING = {"level": "ERROR", "includeExecutionData": False, "logDestination": f"{LOG_GROUP_ARN}:*"}
TRACING = {"enabled": True}
NO_TRACE = ("so executions leave no X-Ray trace across the functions and services they call: set it to true.")
SET_LEVEL = ('set it to "ERROR" (or "ALL") with `loggingConfiguration.logDestination` set to a log group\'s '
             'ARN followed by ":*".')


def machine(**props):
    return {"roleArn": "arn:aws:iam::123456789012:role/orders-sfn", "definition": "{}", **props}


def violation(message):
    return Violation(RULE, "advisory", message)


def test_logged_and_traced_state_machine_passes():
    assert analyze(state_machine_logging, STATE_MACHINE, machine(loggingConfiguration=LOGGING,
                                                                 tracingConfiguration=TRACING)) == []
    everything = {**LOGGING, "level": "ALL"}
    assert analyze(state_machine_logging, STATE_MACHINE, machine(loggingConfiguration=everything,
                                                                 tracingConfiguration=TRACING)) == []


def test_state_machine_without_logging_or_tracing_is_reported():
    assert analyze(state_machine_logging, STATE_MACHINE, machine()) == [
        violation(f"`loggingConfiguration.level` is not set, so executions leave no log of their steps and "
                  f"errors: {SET_LEVEL}"),
        violation(f"`tracingConfiguration.enabled` is not set, {NO_TRACE}"),
    ]


def test_logging_off_or_fatal_only_is_reported():
    off = machine(loggingConfiguration={"level": "OFF"}, tracingConfiguration=TRACING)
    assert analyze(state_machine_logging, STATE_MACHINE, off) == [
        violation(f'`loggingConfiguration.level` is "OFF", so executions leave no log of their steps and '
                  f"errors: {SET_LEVEL}")]
    fatal = machine(loggingConfiguration={**LOGGING, "level": "FATAL"}, tracingConfiguration=TRACING)
    assert analyze(state_machine_logging, STATE_MACHINE, fatal) == [
        violation(f'`loggingConfiguration.level` is "FATAL", which logs only executions that fail as a whole: '
                  f"{SET_LEVEL}")]


def test_a_level_without_a_destination_is_reported():
    props = machine(loggingConfiguration={"level": "ERROR"}, tracingConfiguration=TRACING)
    assert analyze(state_machine_logging, STATE_MACHINE, props) == [
        violation('`loggingConfiguration.logDestination` is not set, so the level "ERROR" sends the logs nowhere: '
                  'set it to a log group\'s ARN followed by ":*" (`log_group.arn.apply(lambda arn: f"{arn}:*")`).')]


def test_a_destination_without_the_stream_wildcard_is_reported():
    props = machine(loggingConfiguration={**LOGGING, "logDestination": LOG_GROUP_ARN}, tracingConfiguration=TRACING)
    assert analyze(state_machine_logging, STATE_MACHINE, props) == [
        violation(f'`loggingConfiguration.logDestination` is "{LOG_GROUP_ARN}", which Step Functions rejects: the '
                  'log group ARN must end with ":*" (`log_group.arn.apply(lambda arn: f"{arn}:*")`).')]


def test_tracing_disabled_is_reported():
    props = machine(loggingConfiguration=LOGGING, tracingConfiguration={"enabled": False})
    assert analyze(state_machine_logging, STATE_MACHINE, props) == [
        violation(f"`tracingConfiguration.enabled` is false, {NO_TRACE}")]


def test_unknown_settings_in_preview_are_deferred():
    preview_logging = {"level": "ERROR", "logDestination": UNKNOWN_STRING}
    for logging, tracing in ((UNKNOWN_OBJECT, UNKNOWN_OBJECT), (preview_logging, {"enabled": UNKNOWN_BOOL}),
                             ({"level": UNKNOWN_STRING}, TRACING)):
        props = machine(loggingConfiguration=logging, tracingConfiguration=tracing)
        assert analyze(state_machine_logging, STATE_MACHINE, props) == []


def test_other_resources_are_not_applicable():
    assert analyze(state_machine_logging, "aws:lambda/function:Function", {}) == []


# -- the documented fix passes the whole pack -----------------------------------------------------

def test_the_documented_state_machine_role_and_logging_pass_the_whole_pack():
    """The remediation's role (logs delivery and X-Ray actions on "*", which support no resource-level
    permissions) must not be blocked by the IAM rules: every policy of the pack, resource and stack."""
    key_arn = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]})
    role_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "InvokeOrderFunctions", "Effect": "Allow", "Action": "lambda:InvokeFunction",
         "Resource": "arn:aws:lambda:us-west-2:123456789012:function:orders-charge-dev"},
        {"Sid": "DeliverExecutionLogs", "Effect": "Allow", "Resource": "*", "Action": [
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups"]},
        {"Sid": "SendTraces", "Effect": "Allow", "Resource": "*", "Action": [
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]},
    ]})
    key = res(KMS_KEY, "key", {"enableKeyRotation": True, "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                               "keyUsage": "ENCRYPT_DECRYPT"})
    log_group = res(LOG_GROUP, "orders-executions", {
        "name": "/aws/vendedlogs/states/orders-1a2b3c4", "retentionInDays": 30, "kmsKeyId": key_arn},
        refs={"kmsKeyId": [key]})
    role = res(ROLE, "orders-sfn-role", {"name": "orders-sfn-role-1a2b3c4", "assumeRolePolicy": trust})
    policy = res(ROLE_POLICY, "orders-sfn-policy", {"name": "orders-sfn-policy-1a2b3c4",
                                                    "role": "orders-sfn-role-1a2b3c4", "policy": role_policy},
                 refs={"role": [role]})
    machine = res(STATE_MACHINE, "orders", {
        "name": "orders-1a2b3c4", "roleArn": "arn:aws:iam::123456789012:role/orders-sfn-role-1a2b3c4",
        "definition": "{}", "loggingConfiguration": {**LOGGING, "logDestination": f"{LOG_GROUP_ARN}-1a2b3c4:*"},
        "tracingConfiguration": TRACING}, refs={"roleArn": [role], "loggingConfiguration": [log_group]})
    stack = [key, log_group, role, policy, machine]
    for resource in stack:
        assert analyze(RESOURCE_POLICIES, resource.type, resource.props, name=resource.name) == [], resource.name
    assert analyze_stack(STACK_POLICIES, stack) == []
