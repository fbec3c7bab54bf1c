"""Stack rules about how Lambda functions are wired: failure handling of asynchronous
invocations, and the permissions and log group a function needs to write its logs."""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, Iterator, List, Optional

from ...core.graph import Node, StackGraph
from ...core.props import UNKNOWN, as_int, show
from ...core.rule import HIGH, MANDATORY, MEDIUM, Config, StackViolation, stack_rule
from ...core.types import (
    BUCKET_NOTIFICATION,
    EVENT_TARGET,
    FUNCTION,
    IOT_TOPIC_RULE,
    LOG_GROUP,
    LOG_SUBSCRIPTION_FILTER,
    METRIC_ALARM,
    ROLE,
    SCHEDULE,
    SES_RECEIPT_RULE,
    TOPIC_SUBSCRIPTION,
)
from .access import NO, Target, access_index, find_grant
from .indexes import event_invoke_configs, has_failure_destination
from .links import MAX_NAMED, label, link, link_each, names, shared, union, unique
from .patterns import STAR, literal

# -- aws-lambda-async-failure-destination ----------------------------------------------------------


# Where each service that invokes Lambda asynchronously names the function: (type, list property or
# "" for a single reference, the reference's path in each entry or in the resource). From the Lambda
# Developer Guide's list of asynchronous invokers: S3, SNS, EventBridge (rules and Scheduler),
# CloudWatch Logs subscriptions, CloudWatch alarm actions, SES receipt rules and IoT rules.
# Not asynchronous, so not here: API Gateway, function URLs, Step Functions tasks (`lambda:invoke`
# waits for the result), Secrets Manager rotation, and event source mappings (SQS, Kinesis, DynamoDB
# streams: the poller invokes synchronously, and failures go to the mapping's own destination).
ASYNC_SOURCES = (
    (BUCKET_NOTIFICATION, "lambdaFunctions", "lambdaFunctionArn"),
    (TOPIC_SUBSCRIPTION, "", "endpoint"),
    (EVENT_TARGET, "", "arn"),
    (SCHEDULE, "", "target.arn"),
    (LOG_SUBSCRIPTION_FILTER, "", "destinationArn"),
    (METRIC_ALARM, "alarmActions", None),
    (METRIC_ALARM, "okActions", None),
    (METRIC_ALARM, "insufficientDataActions", None),
    (SES_RECEIPT_RULE, "lambdaActions", "functionArn"),
    (IOT_TOPIC_RULE, "lambdas", "functionArn"),
)
ASYNC_SOURCE_TYPES = tuple(dict.fromkeys(t for t, _, _ in ASYNC_SOURCES))


def _invokes_asynchronously(source: Node, list_prop: str, index: int) -> bool:
    """The source's own settings can make it synchronous: an SNS subscription of another protocol,
    an SES action with `invocationType` "RequestResponse"."""
    if source.type == TOPIC_SUBSCRIPTION:
        return source.get("protocol") == "lambda"
    if source.type == SES_RECEIPT_RULE and index >= 0:
        return source.get(f"{list_prop}.{index}.invocationType") != "RequestResponse"
    return True


def async_invokers(graph: StackGraph) -> Dict[str, List[Node]]:
    """Function URN -> the resources that invoke it asynchronously (see ASYNC_SOURCES)."""

    def build(g: StackGraph) -> Dict[str, List[Node]]:
        out: Dict[str, Dict[str, Node]] = defaultdict(dict)  # function URN -> {source URN: source}
        for source_type, list_prop, path in ASYNC_SOURCES:
            for source in g.of_type(source_type):
                if list_prop:
                    # every function a list property depends on is one of its targets; the entries
                    # that follow one dependency list share it, read once (`union`)
                    entries = [reference for index, reference in link_each(g, source, list_prop, path, FUNCTION)
                               if _invokes_asynchronously(source, list_prop, index)]
                    functions = union(entries)
                elif _invokes_asynchronously(source, list_prop, -1):
                    functions = link(g, source, path, FUNCTION).candidates
                else:
                    functions = []
                for function in functions:
                    out[function.urn][source.urn] = source
        return {urn: list(sources.values()) for urn, sources in out.items()}

    return shared(graph, "async-invokers", build)


def has_dead_letter_target(function: Node) -> bool:
    target = function.get("deadLetterConfig.targetArn")
    return target is UNKNOWN or (isinstance(target, str) and bool(target.strip()))


@stack_rule(
    name="aws-lambda-async-failure-destination",
    description="Functions invoked asynchronously keep the events they fail to process.",
    resource_types=[FUNCTION, *ASYNC_SOURCE_TYPES],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Set `dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=queue.arn)` on the "
        "function (an SQS queue or SNS topic its role may send to), or add an "
        "`aws.lambda_.FunctionEventInvokeConfig` for it with "
        "`destination_config.on_failure.destination` set to a queue, topic, bucket or function ARN."
    ),
    url="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
    config_options={
        "requireForAll": {
            "type": "boolean",
            "default": False,
            "description": "Require a dead-letter target or on-failure destination on every function, "
                           "not only on those the stack wires to a service that invokes asynchronously "
                           "(S3, SNS, EventBridge, CloudWatch Logs and alarms, SES, IoT).",
        }
    },
    tags=["lambda", "reliability", "stack"],
)
def async_failure_destination(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    invokers = async_invokers(graph)
    configs = event_invoke_configs(graph)
    if any(has_failure_destination(c) for c in configs.floating):
        return  # an on-failure destination whose function is not known yet may be any function's
    require_all = config.get("requireForAll") is True
    for function in graph.of_type(FUNCTION):
        sources = invokers.get(function.urn, [])
        if not sources and not require_all:
            continue
        if has_dead_letter_target(function):
            continue
        if any(has_failure_destination(c) for c in configs.of(function)):
            continue
        yield StackViolation(function.urn, _failure_message(function, sources))


def _failure_message(function: Node, sources: List[Node]) -> str:
    target = function.get("deadLetterConfig.targetArn")
    state = "is not set" if target is None else f"is {show(target)}"
    why = (f"yet {names(sources)} invoke{'s' if len(sources) == 1 else ''} it asynchronously"
           if sources else "and the config `requireForAll` is true")
    return (
        f"`deadLetterConfig.targetArn` {state} and no FunctionEventInvokeConfig sets "
        f"`destinationConfig.onFailure.destination` for it, {why}: events that still fail after "
        "Lambda's two retries are lost. Set `deadLetterConfig.targetArn` to an SQS queue or SNS topic "
        "ARN, or add a FunctionEventInvokeConfig with an on-failure destination."
    )


# -- aws-lambda-function-logging-permissions --------------------------------------------------------

LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def log_group_name(function: Node) -> Optional[str]:
    """`loggingConfig.logGroup`, else `/aws/lambda/<name>`; None while not known (preview)."""
    custom = function.get("loggingConfig.logGroup")
    if isinstance(custom, str) and custom:
        return custom
    if custom is UNKNOWN:
        return None
    name = function.get("name")
    return f"/aws/lambda/{name}" if isinstance(name, str) and name else None


class LogGroups:
    """The stack's log groups: by known name, by the function their name was computed from."""

    def __init__(self, graph: StackGraph) -> None:
        self.by_name: Dict[str, List[Node]] = defaultdict(list)
        self.by_function: Dict[str, List[Node]] = defaultdict(list)
        self.unnamed = False  # a log group whose name is not known and not tied to a function
        for group in graph.of_type(LOG_GROUP):
            name = group.get("name")
            if isinstance(name, str):
                self.by_name[name].append(group)
            functions = graph.referenced_by_property(group, "name", FUNCTION)
            for function in functions:
                self.by_function[function.urn].append(group)
            if name is UNKNOWN and not functions:
                self.unnamed = True

    def of(self, graph: StackGraph, function: Node, name: Optional[str]) -> Optional[List[Node]]:
        """The function's log groups; None when that cannot be told yet (or when more log groups
        than `MAX_NAMED` share its name and no dependency tells which is its own)."""
        named = self.by_name.get(name, ()) if name is not None else ()
        ambiguous = len(named) > MAX_NAMED
        found = unique([*self.by_function.get(function.urn, ()), *(() if ambiguous else named),
                        *graph.referenced_by_property(function, "loggingConfig", LOG_GROUP)])
        if found:
            return found
        if ambiguous or self.unnamed or (name is None and self.by_name):
            return None
        return []


def _log_groups(graph: StackGraph) -> LogGroups:
    return shared(graph, "log-groups", LogGroups)


def _log_targets(name: Optional[str], action: str) -> Optional[List[Target]]:
    """The ARNs `action` must reach on the log group `name` (None: any, until the name is known)."""
    if name is None:
        return None  # decide on the actions alone until the name is known
    stream = ("logs", literal(f"log-group:{name}:log-stream:") + [STAR])
    if action == "logs:CreateLogStream":
        return [("logs", literal(f"log-group:{name}")), stream]
    return [stream]


@stack_rule(
    name="aws-lambda-function-logging-permissions",
    description="A function whose role has no AWS-managed policy can still write its logs, "
                "to a log group the stack manages with a retention period.",
    resource_types=[FUNCTION, ROLE, LOG_GROUP],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps=(
        "Allow `logs:CreateLogStream` and `logs:PutLogEvents` on "
        "`arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<function name>:*` in the function "
        "role's inline policy or a `RolePolicy`; declare that log group as an "
        "`aws.cloudwatch.LogGroup` (name `/aws/lambda/<function name>`, or the function's "
        "`logging_config.log_group`) with `retention_in_days` set."
    ),
    url="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html",
    tags=["lambda", "logging", "iam", "stack"],
)
def function_logging_permissions(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    access = access_index(graph)
    groups = _log_groups(graph)
    for function in graph.of_type(FUNCTION):
        role_link = link(graph, function, "role", ROLE)
        roles = [access.of(r) for r in role_link.nodes]
        if not role_link.settled or not roles or any(r.managed for r in roles):
            continue  # role unknown, outside the stack, or AWS-managed policies: not applicable
        name = log_group_name(function)
        if not access.floating:
            for role_access in roles:
                missing = _missing_log_actions(role_access, name)
                if missing:
                    yield StackViolation(role_access.role.urn, _permission_message(function, name, missing))
        yield from _log_group_violations(graph, groups, function, name)


def _missing_log_actions(role_access, name: Optional[str]) -> List[str]:
    if role_access.open:
        return []
    missing = []
    for action in LOG_ACTIONS:
        answer, _ = find_grant(role_access, action, _log_targets(name, action))
        if answer == NO:
            missing.append(action)
    return missing


def _permission_message(function: Node, name: Optional[str], missing: List[str]) -> str:
    actions = " and ".join(f"`{a}`" for a in missing)
    where = f"on log group {show(name)}" if name else "on the log group"
    pattern = f"arn:aws:logs:<region>:<account>:log-group:{name or '/aws/lambda/<function name>'}:*"
    return (
        f"does not allow {actions} {where} of {label(function)}, which runs with this role and has no "
        f"AWS-managed policy to fall back on: allow {actions} on `{pattern}` in an inline policy or a RolePolicy."
    )


def _log_group_violations(graph: StackGraph, groups: LogGroups, function: Node,
                          name: Optional[str]) -> Iterator[StackViolation]:
    found = groups.of(graph, function, name)
    if found is None:
        return
    if not found:
        shown = show(name) if name else "of the function"
        yield StackViolation(function.urn, (
            f"no LogGroup named {shown} is in the stack (`loggingConfig.logGroup`, else "
            "`/aws/lambda/<name>`): Lambda then creates it on first use, kept forever. Declare an "
            "aws.cloudwatch.LogGroup with that name and `retentionInDays` set."))
        return
    if any(_retention_set(g) for g in found):
        return
    for group in found:
        retention = group.get("retentionInDays")
        if retention is None:
            state = "is not set"
        elif as_int(retention) == 0:
            state = "is 0 (logs never expire)"
        else:
            state = f"is {show(retention)}, not a number of days"
        yield StackViolation(group.urn, (
            f"`retentionInDays` {state} on the log group of {label(function)}: "
            "set it (e.g. 30) so its logs do not pile up forever."))


def _retention_set(group: Node) -> bool:
    retention = group.get("retentionInDays")
    if retention is UNKNOWN:
        return True
    days = as_int(retention)
    return isinstance(days, int) and days > 0


POLICIES = [async_failure_destination, function_logging_permissions]
