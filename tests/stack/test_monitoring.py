"""aws-lambda-function-alarms and aws-lambda-dead-letter-queue-alarm."""

from policypack.core.types import EVENT_INVOKE_CONFIG, EVENT_SOURCE_MAPPING, FUNCTION, METRIC_ALARM, QUEUE, TOPIC
from policypack.rules.stack.monitoring import dead_letter_queue_alarm, function_alarms
from tests.stack.builders import function, queue_arn, res, urn
from tests.support.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze_stack

ALARMS = "aws-lambda-function-alarms"
DLQ_ALARM = "aws-lambda-dead-letter-queue-alarm"
ALL_METRICS = ("Errors", "Throttles", "Duration", "Invocations")


def lambda_alarm(fn, metric, *, preview=False, name=None):
    value = UNKNOWN_STRING if preview else fn.props["name"]
    return res(METRIC_ALARM, name or f"{fn.name}-{metric.lower()}", {
        "namespace": "AWS/Lambda", "metricName": metric, "dimensions": {"FunctionName": value},
        "threshold": 0.0, "comparisonOperator": "GreaterThanThreshold"}, refs={"dimensions": [fn]})


def _missing(metrics: str) -> str:
    return (f"no MetricAlarm watches {metrics} in `AWS/Lambda` with `dimensions.FunctionName` set to this "
            "function's name: add one alarm per missing metric (`dimensions={\"FunctionName\": fn.name}`).")


# -- aws-lambda-function-alarms ----------------------------------------------------------------------

def test_function_with_all_alarms_passes():
    fn = function()
    assert analyze_stack(function_alarms, [fn, *[lambda_alarm(fn, m) for m in ALL_METRICS]]) == []


def test_function_without_alarms_is_reported_with_every_metric():
    assert analyze_stack(function_alarms, [function()]) == [
        Violation(ALARMS, "mandatory", _missing("`Errors`, `Throttles`, `Duration`, `Invocations`"), urn(FUNCTION, "fn")),
    ]


def test_partial_alarms_name_the_missing_metrics():
    fn = function()
    stack = [fn, lambda_alarm(fn, "Errors"), lambda_alarm(fn, "Duration")]
    assert analyze_stack(function_alarms, stack) == [
        Violation(ALARMS, "mandatory", _missing("`Throttles`, `Invocations`"), urn(FUNCTION, "fn")),
    ]


def test_alarms_of_another_function_or_namespace_do_not_count():
    fn, other = function(), function("other", "other-1")
    wrong_namespace = res(METRIC_ALARM, "custom", {"namespace": "Custom/App", "metricName": "Errors",
                                                   "dimensions": {"FunctionName": "fn-1a2b3c4"}})
    stack = [fn, other, wrong_namespace, *[lambda_alarm(other, m) for m in ALL_METRICS]]
    assert analyze_stack(function_alarms, stack) == [
        Violation(ALARMS, "mandatory", _missing("`Errors`, `Throttles`, `Duration`, `Invocations`"), urn(FUNCTION, "fn")),
    ]


def test_metric_math_alarms_count():
    fn = function()
    query = {"id": "errors", "returnData": True, "metric": {
        "namespace": "AWS/Lambda", "metricName": "Errors", "dimensions": {"FunctionName": "fn-1a2b3c4"},
        "period": 60.0, "stat": "Sum"}}
    math = res(METRIC_ALARM, "fn-error-rate", {"metricQueries": [query, {"id": "rate", "expression": "errors"}]})
    stack = [fn, math, *[lambda_alarm(fn, m) for m in ALL_METRICS[1:]]]
    assert analyze_stack(function_alarms, stack) == []


def test_preview_links_alarms_through_dimensions_dependencies():
    fn = function()
    assert analyze_stack(function_alarms, [fn, *[lambda_alarm(fn, m, preview=True) for m in ALL_METRICS]]) == []


def test_preview_defers_metrics_an_unplaced_alarm_may_cover():
    fn = function()
    floating = res(METRIC_ALARM, "somewhere", {"namespace": "AWS/Lambda", "metricName": "Throttles",
                                               "dimensions": {"FunctionName": UNKNOWN_STRING}})
    whole = res(METRIC_ALARM, "unknown-dimensions", {"namespace": "AWS/Lambda", "metricName": "Duration",
                                                     "dimensions": UNKNOWN_OBJECT})
    assert analyze_stack(function_alarms, [fn, floating, whole]) == [
        Violation(ALARMS, "mandatory", _missing("`Errors`, `Invocations`"), urn(FUNCTION, "fn")),
    ]


def test_required_metrics_are_configurable():
    fn = function()
    config = {ALARMS: {"requiredMetrics": ["Errors", "ConcurrentExecutions"]}}
    assert analyze_stack(function_alarms, [fn, lambda_alarm(fn, "Errors")], config=config) == [
        Violation(ALARMS, "mandatory", _missing("`ConcurrentExecutions`"), urn(FUNCTION, "fn")),
    ]
    assert analyze_stack(function_alarms, [fn], config={ALARMS: {"requiredMetrics": []}}) == []


def test_stack_without_functions_is_not_applicable():
    assert analyze_stack(function_alarms, [res(QUEUE, "q", {"name": "q-1"})]) == []


# -- aws-lambda-dead-letter-queue-alarm --------------------------------------------------------------

def dlq_stack(*, alarm=True, preview=False, metric="ApproximateNumberOfMessagesVisible"):
    queue = res(QUEUE, "dlq", {"name": "dlq-1a2b3c4"})
    fn = function(deadLetterConfig={"targetArn": UNKNOWN_STRING if preview else queue_arn("dlq-1a2b3c4")})
    fn.property_dependencies = {"deadLetterConfig": [queue.urn]}
    fn.dependencies = [queue.urn]
    stack = [queue, fn]
    if alarm:
        stack.append(res(METRIC_ALARM, "dlq-depth", {
            "namespace": "AWS/SQS", "metricName": metric,
            "dimensions": {"QueueName": UNKNOWN_STRING if preview else "dlq-1a2b3c4"}}, refs={"dimensions": [queue]}))
    return stack


DLQ_MESSAGE = (
    'receives the failed events of Function "fn" but no MetricAlarm watches its `AWS/SQS` '
    "`ApproximateNumberOfMessagesVisible` (`dimensions.QueueName` set to this queue's name): add one with "
    "threshold 0, so failures are noticed."
)


def test_dead_letter_queue_with_depth_alarm_passes():
    assert analyze_stack(dead_letter_queue_alarm, dlq_stack()) == []


def test_dead_letter_queue_without_alarm_is_reported_on_the_queue():
    assert analyze_stack(dead_letter_queue_alarm, dlq_stack(alarm=False)) == [
        Violation(DLQ_ALARM, "mandatory", DLQ_MESSAGE, urn(QUEUE, "dlq")),
    ]


def test_alarm_on_another_metric_does_not_count():
    assert analyze_stack(dead_letter_queue_alarm, dlq_stack(metric="NumberOfMessagesSent")) == [
        Violation(DLQ_ALARM, "mandatory", DLQ_MESSAGE, urn(QUEUE, "dlq")),
    ]


def test_on_failure_destination_queue_is_covered_too():
    queue = res(QUEUE, "failures", {"name": "failures-1"})
    fn = function()
    config = res(EVENT_INVOKE_CONFIG, "fn-async", {
        "functionName": "fn-1a2b3c4", "destinationConfig": {"onFailure": {"destination": queue_arn("failures-1")}}},
        refs={"functionName": [fn], "destinationConfig": [queue]})
    assert analyze_stack(dead_letter_queue_alarm, [queue, fn, config]) == [
        Violation(DLQ_ALARM, "mandatory", (
            'receives the failed events of FunctionEventInvokeConfig "fn-async" but no MetricAlarm watches its '
            "`AWS/SQS` `ApproximateNumberOfMessagesVisible` (`dimensions.QueueName` set to this queue's name): add "
            "one with threshold 0, so failures are noticed."), urn(QUEUE, "failures")),
    ]


def test_a_stream_mappings_on_failure_destination_is_covered_too():
    # a DynamoDB stream's poller invokes synchronously; the batches it gives up on go to this queue
    queue = res(QUEUE, "stream-failures", {"name": "stream-failures-1"})
    fn = function()
    mapping = res(EVENT_SOURCE_MAPPING, "orders-stream", {
        "functionName": "fn-1a2b3c4", "startingPosition": "LATEST",
        "eventSourceArn": "arn:aws:dynamodb:us-west-2:123456789012:table/orders-dev/stream/2026",
        "destinationConfig": {"onFailure": {"destinationArn": queue_arn("stream-failures-1")}}},
        refs={"functionName": [fn], "destinationConfig": [queue]})
    assert analyze_stack(dead_letter_queue_alarm, [queue, fn, mapping]) == [
        Violation(DLQ_ALARM, "mandatory", (
            'receives the failed events of EventSourceMapping "orders-stream" but no MetricAlarm watches its '
            "`AWS/SQS` `ApproximateNumberOfMessagesVisible` (`dimensions.QueueName` set to this queue's name): add "
            "one with threshold 0, so failures are noticed."), urn(QUEUE, "stream-failures")),
    ]


def test_preview_links_through_dependencies():
    assert analyze_stack(dead_letter_queue_alarm, dlq_stack(preview=True)) == []
    assert analyze_stack(dead_letter_queue_alarm, dlq_stack(preview=True, alarm=False)) == [
        Violation(DLQ_ALARM, "mandatory", DLQ_MESSAGE, urn(QUEUE, "dlq")),
    ]


def test_preview_does_not_guess_which_destination_is_the_failure_one():
    success, failure = res(QUEUE, "done", {"name": "done-1"}), res(QUEUE, "failed", {"name": "failed-1"})
    fn = function()
    config = res(EVENT_INVOKE_CONFIG, "fn-async", {"functionName": "fn-1a2b3c4", "destinationConfig": {
        "onSuccess": {"destination": UNKNOWN_STRING}, "onFailure": {"destination": UNKNOWN_STRING}}},
        refs={"functionName": [fn], "destinationConfig": [success, failure]})
    assert analyze_stack(dead_letter_queue_alarm, [success, failure, fn, config]) == []


def test_queues_that_are_no_dead_letter_target_and_topics_are_not_applicable():
    topic = res(TOPIC, "failures", {"name": "failures-1"})
    fn = function(deadLetterConfig={"targetArn": "arn:aws:sns:us-west-2:123456789012:failures-1"})
    assert analyze_stack(dead_letter_queue_alarm, [res(QUEUE, "work", {"name": "work-1"}), topic, fn]) == []
