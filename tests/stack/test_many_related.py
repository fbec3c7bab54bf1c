"""Stack rules where one resource is related to many: messages name a handful, each finding is
reported once, and a value many resources hold is followed only as far as it can be told."""

from policypack.core.graph import Node, StackGraph
from policypack.core.types import (
    API_INTEGRATION,
    BUCKET,
    BUCKET_NOTIFICATION,
    FUNCTION,
    HTTP_API,
    PERMISSION,
    QUEUE,
    ROLE_POLICY,
)
from policypack.rules.stack.apigateway_wiring import route_wiring
from policypack.rules.stack.lambda_wiring import async_failure_destination
from policypack.rules.stack.links import MAX_NAMED, label, link, listing, names
from policypack.rules.stack.monitoring import dead_letter_queue_alarm
from policypack.rules.stack.s3_notifications import notification_lambda_permission, notification_no_recursion
from tests.stack.builders import allow, function, function_arn, policy, queue_arn, res, role, urn
from tests.support.harness import UNKNOWN_STRING, Violation, analyze_stack

ASYNC = "aws-lambda-async-failure-destination"
DLQ_ALARM = "aws-lambda-dead-letter-queue-alarm"
PERMISSION_RULE = "aws-s3-notification-lambda-permission"
RECURSION = "aws-s3-notification-no-recursion"
ROUTES = "aws-apigatewayv2-route-wiring"


# -- one way to list ---------------------------------------------------------------------------------

def test_a_listing_names_three_and_counts_the_rest():
    assert listing([]) == ""
    assert listing(["a", "b", "c"]) == "a, b, c"
    assert listing(["a", "b", "c", "d"]) == "a, b, c and 1 more"
    assert listing([f"n{i}" for i in range(1598)]) == "n0, n1, n2 and 1,595 more"
    nodes = [Node(FUNCTION, f"urn:f{i}", f"f{i}", {}) for i in range(5)]
    assert names(nodes) == 'Function "f0", Function "f1", Function "f2" and 2 more'


def test_a_label_cuts_a_very_long_logical_name():
    assert label(Node(FUNCTION, "urn:x", "x" * 500, {})) == 'Function "' + "x" * 79 + '…"'


# -- rules that list related resources ------------------------------------------------------------------

def _notifications(fn, count):
    out = []
    for i in range(count):
        bucket = res(BUCKET, f"b{i}", {"bucket": f"b{i}-1a2b3c4"})
        out += [bucket, res(BUCKET_NOTIFICATION, f"b{i}-notification", {
            "bucket": f"b{i}-1a2b3c4", "lambdaFunctions": [{"lambdaFunctionArn": function_arn(fn.props["name"]),
                                                            "events": ["s3:ObjectCreated:*"]}]},
            refs={"bucket": [bucket], "lambdaFunctions": [fn]})]
    return out


def test_a_function_many_buckets_invoke_names_three_of_them():
    fn = function()
    assert analyze_stack(async_failure_destination, [fn, *_notifications(fn, 5)]) == [
        Violation(ASYNC, "mandatory", (
            "`deadLetterConfig.targetArn` is not set and no FunctionEventInvokeConfig sets "
            "`destinationConfig.onFailure.destination` for it, yet BucketNotification \"b0-notification\", "
            "BucketNotification \"b1-notification\", BucketNotification \"b2-notification\" and 2 more invoke it "
            "asynchronously: events that still fail after Lambda's two retries are lost. Set "
            "`deadLetterConfig.targetArn` to an SQS queue or SNS topic ARN, or add a FunctionEventInvokeConfig "
            "with an on-failure destination."), urn(FUNCTION, "fn")),
    ]


def test_a_queue_many_functions_send_failures_to_names_three_of_them():
    queue = res(QUEUE, "dlq", {"name": "dlq-1"})
    functions = [res(FUNCTION, f"fn{i}", {"name": f"fn{i}-1", "deadLetterConfig": {"targetArn": queue_arn("dlq-1")}},
                     refs={"deadLetterConfig": [queue]}) for i in range(6)]
    assert analyze_stack(dead_letter_queue_alarm, [queue, *functions]) == [
        Violation(DLQ_ALARM, "mandatory", (
            'receives the failed events of Function "fn0", Function "fn1", Function "fn2" and 3 more but no '
            "MetricAlarm watches its `AWS/SQS` `ApproximateNumberOfMessagesVisible` (`dimensions.QueueName` set "
            "to this queue's name): add one with threshold 0, so failures are noticed."), urn(QUEUE, "dlq")),
    ]


def test_an_unscoped_s3_permission_is_reported_once_for_all_the_buckets_that_need_it():
    fn = function()
    permission = res(PERMISSION, "allow-s3", {"action": "lambda:InvokeFunction", "function": "fn-1a2b3c4",
                                              "principal": "s3.amazonaws.com"}, refs={"function": [fn]})
    stack = [fn, permission, *_notifications(fn, 5)]
    for item in stack:
        if item.type == BUCKET_NOTIFICATION:
            item.dependencies = [*item.dependencies, permission.urn]
    assert analyze_stack(notification_lambda_permission, stack) == [
        Violation(PERMISSION_RULE, "mandatory", (
            '`sourceArn` is not set, not the ARN of Bucket "b0", whose BucketNotification "b0-notification" '
            'invokes Function "fn" (nor of the buckets of BucketNotification "b1-notification", BucketNotification '
            '"b2-notification", BucketNotification "b3-notification" and 1 more, which invoke it too): set '
            "`sourceArn` to that bucket's ARN, with one Permission per bucket."), urn(PERMISSION, "allow-s3")),
    ]


def test_an_unscoped_api_permission_is_reported_once_for_all_the_apis_that_need_it():
    fn = function()
    stack = [fn, res(PERMISSION, "allow-api", {"action": "lambda:InvokeFunction", "function": "fn-1a2b3c4",
                                               "principal": "apigateway.amazonaws.com"}, refs={"function": [fn]})]
    invoke_arn = f"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/{function_arn('fn-1a2b3c4')}/invocations"
    for i in range(2):
        api = res(HTTP_API, f"api{i}", {"name": f"api{i}", "id": f"a{i}",
                                        "executionArn": f"arn:aws:execute-api:us-west-2:123456789012:a{i}"})
        stack += [api, res(API_INTEGRATION, f"integration{i}", {
            "apiId": f"a{i}", "integrationType": "AWS_PROXY", "integrationUri": invoke_arn},
            refs={"apiId": [api], "integrationUri": [fn]})]
    assert analyze_stack(route_wiring, stack) == [
        Violation(ROUTES, "mandatory", (
            '`sourceArn` is not set, not scoped to the execution ARN of Apis "api0" and "api1", whose Integrations '
            '"integration0" and "integration1" invoke Function "fn": set it to `api.execution_arn` + "/*/*".'),
            urn(PERMISSION, "allow-api")),
    ]


# -- a value several resources hold --------------------------------------------------------------------

def test_a_value_more_resources_hold_than_a_rule_can_tell_apart_is_followed_by_dependency_or_not_at_all():
    def graph_with(copies, depends_on=None):
        functions = [Node(FUNCTION, f"urn:fn{i}", f"fn{i}", {"name": "fn-1"}) for i in range(copies)]
        deps = {"function": (functions[depends_on].urn,)} if depends_on is not None else {}
        holder = Node(PERMISSION, "urn:p", "p", {"function": "fn-1"}, property_dependencies=deps)
        return StackGraph([*functions, holder]), holder, functions

    # the same name in a few regions: each copy may be the one meant
    graph, holder, functions = graph_with(MAX_NAMED, depends_on=3)
    assert link(graph, holder, "function", FUNCTION).nodes == tuple(functions)
    # more copies: the one the value was computed from, if the dependencies say which...
    graph, holder, functions = graph_with(MAX_NAMED + 1, depends_on=3)
    assert link(graph, holder, "function", FUNCTION).nodes == (functions[3],)
    # ... else none: the rules treat the reference as one they cannot follow
    graph, holder, _ = graph_with(MAX_NAMED + 1)
    found = link(graph, holder, "function", FUNCTION)
    assert found.open and found.candidates == ()


# -- preview: a notification with many destinations ---------------------------------------------------

def _many_destinations(count):
    """One notification whose `count` destinations are all unknown in preview, each function's role
    allowed to write anywhere in the bucket that triggers them."""
    bucket = res(BUCKET, "uploads", {"bucket": "uploads-1a2b3c4"})
    stack = [bucket]
    functions = []
    for i in range(count):
        r = role(f"role{i}", f"role{i}-1")
        fn = function(f"fn{i}", f"fn{i}-1", role_res=r, preview=True)
        stack += [r, fn, res(ROLE_POLICY, f"role{i}-s3", {
            "role": f"role{i}-1", "policy": policy(allow("s3:PutObject", "arn:aws:s3:::uploads-1a2b3c4/*"))},
            refs={"role": [r]})]
        functions.append(fn)
    stack.append(res(BUCKET_NOTIFICATION, "n", {"bucket": UNKNOWN_STRING, "lambdaFunctions": [
        {"lambdaFunctionArn": UNKNOWN_STRING, "events": ["s3:ObjectCreated:*"]} for _ in functions]},
        refs={"bucket": [bucket], "lambdaFunctions": functions}))
    return stack


def test_preview_decides_a_loop_through_up_to_max_named_shared_destinations_and_leaves_more_to_the_update():
    found = analyze_stack(notification_no_recursion, _many_destinations(MAX_NAMED))
    assert [(v.urn, v.message.split(":")[0]) for v in found] == [
        (urn(FUNCTION, f"fn{i}"), 'is triggered by BucketNotification "n" (`lambdaFunctions[0]`, no filter) and may '
                                  "write back into that bucket under keys that trigger it again")
        for i in range(MAX_NAMED)]
    assert analyze_stack(notification_no_recursion, _many_destinations(MAX_NAMED + 1)) == []
