"""Stack rules about CloudWatch alarms on Lambda functions and on their dead-letter queues."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Set, Tuple

from ...core.graph import Node, StackGraph
from ...core.props import UNKNOWN, as_list
from ...core.rule import HIGH, MANDATORY, MEDIUM, Config, StackViolation, stack_rule
from ...core.types import EVENT_INVOKE_CONFIG, EVENT_SOURCE_MAPPING, FUNCTION, METRIC_ALARM, QUEUE
from .links import link, names, shared

ANY_METRIC = "*"  # an alarm whose metric name is not known yet may watch any metric
LAMBDA_METRICS = ["Errors", "Throttles", "Duration", "Invocations"]
QUEUE_METRIC = "ApproximateNumberOfMessagesVisible"


@dataclass
class Watched:
    """Which metrics of a namespace the stack's alarms watch, per resource of one dimension."""

    by_target: Dict[str, Set[str]] = field(default_factory=lambda: defaultdict(set))
    floating: Set[str] = field(default_factory=set)  # alarms whose resource is not known (preview)
    elsewhere: Set[str] = field(default_factory=set)  # alarms on a known name no resource has
    groups_read: Set[Tuple[int, str]] = field(default_factory=set)  # (shared dependency list, metric)

    def may_watch(self, target: Node, metric: str, name_known: bool) -> bool:
        own = self.by_target.get(target.urn, set())
        pools = [own, self.floating] + ([] if name_known else [self.elsewhere])
        return any(metric in pool or ANY_METRIC in pool for pool in pools)


def watched(graph: StackGraph, namespace: str, dimension: str, target_type: str) -> Watched:
    """Every MetricAlarm (plain or metric math) on `namespace`, linked through `dimensions.<dimension>`
    (by the known name, else through the property dependencies of `dimensions` / `metricQueries`)."""

    def build(g: StackGraph) -> Watched:
        out = Watched()
        for alarm in g.of_type(METRIC_ALARM):
            _watch(g, out, alarm, "", alarm.props, namespace, dimension, target_type)
            queries = alarm.get("metricQueries")
            if queries is UNKNOWN:
                out.floating.add(ANY_METRIC)
            for i, query in enumerate(queries if isinstance(queries, list) else []):
                metric = query.get("metric") if isinstance(query, dict) else None
                if metric is UNKNOWN or isinstance(metric, dict):
                    _watch(g, out, alarm, f"metricQueries.{i}.metric.", metric, namespace, dimension, target_type)
        return out

    return shared(graph, f"watched:{namespace}:{dimension}", build)


def _watch(graph: StackGraph, out: Watched, alarm: Node, prefix: str, metric_props: Any, namespace: str,
           dimension: str, target_type: str) -> None:
    if metric_props is UNKNOWN:
        out.floating.add(ANY_METRIC)
        return
    if not isinstance(metric_props, dict):
        return
    ns = metric_props.get("namespace")
    if ns is not UNKNOWN and ns != namespace:
        return
    dimensions = metric_props.get("dimensions")
    if dimensions is not UNKNOWN and not (isinstance(dimensions, dict) and dimension in dimensions):
        return  # not a per-resource alarm
    metric = metric_props.get("metricName")
    metric = metric if isinstance(metric, str) and ns is not UNKNOWN else ANY_METRIC
    found = link(graph, alarm, f"{prefix}dimensions.{dimension}", target_type)
    for target in found.nodes:
        out.by_target[target.urn].add(metric)
    # the queries of one metric-math alarm share its dependencies: read them once per metric
    if found.maybe and (id(found.maybe), metric) not in out.groups_read:
        out.groups_read.add((id(found.maybe), metric))
        for target in found.maybe:
            out.by_target[target.urn].add(metric)
    if found.open or dimensions is UNKNOWN:
        out.floating.add(metric)
    elif not found.candidates:
        out.elsewhere.add(metric)


def _required_metrics(config: Config) -> List[str]:
    value = as_list(config.get("requiredMetrics", LAMBDA_METRICS))
    if value is UNKNOWN or not isinstance(value, list):
        return list(LAMBDA_METRICS)
    return [m for m in value if isinstance(m, str) and m]


@stack_rule(
    name="aws-lambda-function-alarms",
    description="Every function has CloudWatch alarms on its key metrics.",
    resource_types=[FUNCTION, METRIC_ALARM],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps=(
        "For each metric in `requiredMetrics` add `aws.cloudwatch.MetricAlarm(namespace=\"AWS/Lambda\", "
        "metric_name=<metric>, dimensions={\"FunctionName\": fn.name}, ...)` with a threshold and "
        "`alarm_actions` that notify someone."
    ),
    url="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    config_options={
        "requiredMetrics": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(LAMBDA_METRICS),
            "description": "The `AWS/Lambda` metrics every function needs an alarm on.",
        }
    },
    tags=["lambda", "monitoring", "cloudwatch", "stack"],
)
def function_alarms(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    required = _required_metrics(config)
    if not required:
        return
    alarms = watched(graph, "AWS/Lambda", "FunctionName", FUNCTION)
    for function in graph.of_type(FUNCTION):
        name_known = isinstance(function.get("name"), str)
        missing = [m for m in required if not alarms.may_watch(function, m, name_known)]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            yield StackViolation(function.urn, (
                f"no MetricAlarm watches {listed} in `AWS/Lambda` with `dimensions.FunctionName` set to "
                f"this function's name: add one alarm per missing metric "
                "(`dimensions={\"FunctionName\": fn.name}`)."))


# -- aws-lambda-dead-letter-queue-alarm -------------------------------------------------------------

def failure_queues(graph: StackGraph) -> Dict[str, List[Node]]:
    """Queue URN -> the functions / invoke configs that send it their failed events."""
    out: Dict[str, List[Node]] = defaultdict(list)
    for function in graph.of_type(FUNCTION):
        for queue in link(graph, function, "deadLetterConfig.targetArn", QUEUE).nodes:
            out[queue.urn].append(function)
    for config in graph.of_type(EVENT_INVOKE_CONFIG):
        for queue in link(graph, config, "destinationConfig.onFailure.destination", QUEUE).nodes:
            out[queue.urn].append(config)
    # a stream's event source mapping sends the batches its function failed on to its own destination
    for mapping in graph.of_type(EVENT_SOURCE_MAPPING):
        for queue in link(graph, mapping, "destinationConfig.onFailure.destinationArn", QUEUE).nodes:
            out[queue.urn].append(mapping)
    return out


@stack_rule(
    name="aws-lambda-dead-letter-queue-alarm",
    description="Every SQS queue that receives a function's failed events has an alarm on its depth.",
    resource_types=[QUEUE, FUNCTION, EVENT_INVOKE_CONFIG, EVENT_SOURCE_MAPPING, METRIC_ALARM],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Add `aws.cloudwatch.MetricAlarm(namespace=\"AWS/SQS\", "
        "metric_name=\"ApproximateNumberOfMessagesVisible\", dimensions={\"QueueName\": queue.name}, "
        "comparison_operator=\"GreaterThanThreshold\", threshold=0, ...)` with `alarm_actions`."
    ),
    url="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
    tags=["lambda", "sqs", "monitoring", "cloudwatch", "stack"],
)
def dead_letter_queue_alarm(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    senders = failure_queues(graph)
    if not senders:
        return
    alarms = watched(graph, "AWS/SQS", "QueueName", QUEUE)
    for queue in graph.of_type(QUEUE):
        users = senders.get(queue.urn)
        if not users or alarms.may_watch(queue, QUEUE_METRIC, isinstance(queue.get("name"), str)):
            continue
        yield StackViolation(queue.urn, (
            f"receives the failed events of {names(users)} but no MetricAlarm watches its "
            f"`AWS/SQS` `{QUEUE_METRIC}` (`dimensions.QueueName` set to this queue's name): add one with "
            "threshold 0, so failures are noticed."))


POLICIES = [function_alarms, dead_letter_queue_alarm]
