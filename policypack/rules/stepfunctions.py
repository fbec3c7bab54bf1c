"""Step Functions rule: state machines log their executions and trace them.

The role a logging state machine needs (CloudWatch Logs delivery actions on "*") passes the IAM
rules: AWS's service authorization data (`core/iam_data.py`) says those actions support no
resource-level permissions.
"""

from __future__ import annotations

from typing import Iterator

from ..core.props import UNKNOWN, get, show
from ..core.rule import ADVISORY, MEDIUM, Config, Resource, resource_rule
from ..core.types import STATE_MACHINE
from .shared import block, value_state

LOGGED_LEVELS = ("ALL", "ERROR")


def _logging_problems(logging) -> Iterator[str]:
    level = get(logging, "level")
    if level is UNKNOWN:
        return
    if level not in LOGGED_LEVELS:
        why = ("which logs only executions that fail as a whole" if level == "FATAL"
               else "so executions leave no log of their steps and errors")
        yield (
            f"`loggingConfiguration.level` {value_state(level)}, {why}: set it to \"ERROR\" (or \"ALL\") with "
            "`loggingConfiguration.logDestination` set to a log group's ARN followed by \":*\"."
        )
        return
    destination = get(logging, "logDestination")
    if destination is None or destination == "":
        yield (
            f"`loggingConfiguration.logDestination` is not set, so the level {show(level)} sends the logs "
            "nowhere: set it to a log group's ARN followed by \":*\" "
            "(`log_group.arn.apply(lambda arn: f\"{arn}:*\")`)."
        )
    elif isinstance(destination, str) and destination.startswith("arn:") and not destination.endswith(":*"):
        yield (
            f"`loggingConfiguration.logDestination` is {show(destination, 200)}, which Step Functions "
            "rejects: the log group ARN must end with \":*\" (`log_group.arn.apply(lambda arn: f\"{arn}:*\")`)."
        )


@resource_rule(
    name="aws-sfn-state-machine-logging",
    description="Step Functions state machines log their executions to CloudWatch Logs and trace them with X-Ray.",
    resource_types=[STATE_MACHINE],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "Pass `logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(level=\"ERROR\", "
        "include_execution_data=False, log_destination=log_group.arn.apply(lambda arn: f\"{arn}:*\"))` with an "
        "`aws.cloudwatch.LogGroup` (retention set, e.g. under `/aws/vendedlogs/states/`) and "
        "`tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True)`. Its role needs "
        "`logs:CreateLogDelivery`, `logs:GetLogDelivery`, `logs:UpdateLogDelivery`, `logs:DeleteLogDelivery`, "
        "`logs:ListLogDeliveries`, `logs:PutResourcePolicy`, `logs:DescribeResourcePolicies` and "
        "`logs:DescribeLogGroups` on \"*\" (they support no resource-level permissions), and "
        "`xray:PutTraceSegments`, `xray:PutTelemetryRecords`, `xray:GetSamplingRules` and "
        "`xray:GetSamplingTargets` on \"*\"."
    ),
    url="https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
    tags=["stepfunctions", "logging", "tracing"],
)
def state_machine_logging(resource: Resource, config: Config) -> Iterator[str]:
    yield from _logging_problems(block(resource.props, "loggingConfiguration"))
    enabled = get(block(resource.props, "tracingConfiguration"), "enabled")
    if enabled is not UNKNOWN and enabled is not True:
        yield (
            f"`tracingConfiguration.enabled` {value_state(enabled)}, so executions leave no X-Ray trace "
            "across the functions and services they call: set it to true."
        )


POLICIES = [state_machine_logging]
