"""aws-sfn-state-machine-logging."""

from policypack.core.types import STATE_MACHINE
from policypack.rules.stepfunctions import state_machine_logging
from tests.support.harness import UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze

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
