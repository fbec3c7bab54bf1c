"""aws-lambda-async-failure-destination and aws-lambda-function-logging-permissions."""

from policypack.core.types import (
    BUCKET,
    BUCKET_NOTIFICATION,
    EVENT_INVOKE_CONFIG,
    EVENT_TARGET,
    FUNCTION,
    IAM_POLICY,
    LOG_GROUP,
    QUEUE,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    TOPIC_SUBSCRIPTION,
)
from policypack.rules.stack.lambda_wiring import async_failure_destination, function_logging_permissions
from tests.stack.builders import allow, function, function_arn, policy, queue_arn, res, role, urn
from tests.support.harness import UNKNOWN_NUMBER, UNKNOWN_STRING, Violation, analyze_stack

ASYNC = "aws-lambda-async-failure-destination"
LOGGING = "aws-lambda-function-logging-permissions"


# -- aws-lambda-async-failure-destination ----------------------------------------------------------

def _async_message(source: str, state: str = "is not set") -> str:
    return (
        f"`deadLetterConfig.targetArn` {state} and no FunctionEventInvokeConfig sets "
        f"`destinationConfig.onFailure.destination` for it, {source}: events that still fail after "
        "Lambda's two retries are lost. Set `deadLetterConfig.targetArn` to an SQS queue or SNS topic "
        "ARN, or add a FunctionEventInvokeConfig with an on-failure destination."
    )


def _notification(fn, arn=None, name="uploads-notification"):
    bucket = res(BUCKET, "uploads", {"bucket": "uploads-1a2b3c4"})
    notification = res(BUCKET_NOTIFICATION, name, {
        "bucket": "uploads-1a2b3c4",
        "lambdaFunctions": [{"lambdaFunctionArn": arn or function_arn(fn.props["name"]),
                             "events": ["s3:ObjectCreated:*"], "filterSuffix": ".jpg"}],
    }, refs={"bucket": [bucket], "lambdaFunctions": [fn]})
    return [bucket, notification]


def test_function_triggered_by_s3_with_dead_letter_queue_passes():
    queue = res(QUEUE, "dlq", {"name": "dlq-1a2b3c4"})
    fn = res(FUNCTION, "fn", {"name": "fn-1a2b3c4", "deadLetterConfig": {"targetArn": queue_arn("dlq-1a2b3c4")}},
             refs={"deadLetterConfig": [queue]})
    assert analyze_stack(async_failure_destination, [queue, fn, *_notification(fn)]) == []


def test_function_triggered_by_s3_without_failure_handling_is_reported():
    fn = function()
    assert analyze_stack(async_failure_destination, [fn, *_notification(fn)]) == [
        Violation(ASYNC, "mandatory",
                  _async_message('yet BucketNotification "uploads-notification" invokes it asynchronously'),
                  urn(FUNCTION, "fn")),
    ]


def test_empty_dead_letter_target_is_quoted():
    fn = function(deadLetterConfig={"targetArn": ""})
    assert analyze_stack(async_failure_destination, [fn, *_notification(fn)]) == [
        Violation(ASYNC, "mandatory",
                  _async_message('yet BucketNotification "uploads-notification" invokes it asynchronously',
                                 state='is ""'),
                  urn(FUNCTION, "fn")),
    ]


def test_on_failure_destination_of_an_event_invoke_config_passes():
    fn = function()
    queue = res(QUEUE, "dlq", {"name": "dlq-1a2b3c4"})
    config = res(EVENT_INVOKE_CONFIG, "fn-async", {
        "functionName": "fn-1a2b3c4",
        "destinationConfig": {"onFailure": {"destination": queue_arn("dlq-1a2b3c4")}},
    }, refs={"functionName": [fn], "destinationConfig": [queue]})
    assert analyze_stack(async_failure_destination, [fn, queue, config, *_notification(fn)]) == []


def test_event_invoke_config_with_only_a_success_destination_is_reported():
    fn = function()
    queue = res(QUEUE, "done", {"name": "done-1a2b3c4"})
    config = res(EVENT_INVOKE_CONFIG, "fn-async", {
        "functionName": "fn-1a2b3c4",
        "destinationConfig": {"onSuccess": {"destination": queue_arn("done-1a2b3c4")}},
    }, refs={"functionName": [fn], "destinationConfig": [queue]})
    assert analyze_stack(async_failure_destination, [fn, queue, config, *_notification(fn)]) == [
        Violation(ASYNC, "mandatory",
                  _async_message('yet BucketNotification "uploads-notification" invokes it asynchronously'),
                  urn(FUNCTION, "fn")),
    ]


def test_sns_and_eventbridge_sources_are_named():
    fn = function()
    subscription = res(TOPIC_SUBSCRIPTION, "greetings-fn", {
        "protocol": "lambda", "endpoint": function_arn("fn-1a2b3c4"), "topic": "arn:aws:sns:us-west-2:1:t"},
        refs={"endpoint": [fn]})
    target = res(EVENT_TARGET, "hourly-fn", {"rule": "hourly", "arn": function_arn("fn-1a2b3c4")},
                 refs={"arn": [fn]})
    assert analyze_stack(async_failure_destination, [fn, subscription, target]) == [
        Violation(ASYNC, "mandatory",
                  _async_message('yet TopicSubscription "greetings-fn", EventTarget "hourly-fn" invoke it '
                                 "asynchronously"),
                  urn(FUNCTION, "fn")),
    ]


def test_subscription_of_another_protocol_is_not_an_asynchronous_invocation():
    fn = function()
    subscription = res(TOPIC_SUBSCRIPTION, "greetings-queue", {
        "protocol": "sqs", "endpoint": function_arn("fn-1a2b3c4")}, refs={"endpoint": [fn]})
    assert analyze_stack(async_failure_destination, [fn, subscription]) == []


def test_function_not_invoked_asynchronously_is_not_applicable():
    assert analyze_stack(async_failure_destination, [function()]) == []


def test_require_for_all_reports_every_function():
    violations = analyze_stack(async_failure_destination, [function()], config={ASYNC: {"requireForAll": True}})
    assert violations == [
        Violation(ASYNC, "mandatory", _async_message("and the config `requireForAll` is true"),
                  urn(FUNCTION, "fn")),
    ]


def test_preview_links_through_dependencies_and_accepts_unknown_targets():
    fn = function(deadLetterConfig={"targetArn": UNKNOWN_STRING})
    other = function("other", "other-1a2b3c4")
    bucket = res(BUCKET, "uploads", {"bucket": "uploads-1a2b3c4"})
    notification = res(BUCKET_NOTIFICATION, "n", {
        "bucket": UNKNOWN_STRING,
        "lambdaFunctions": [{"lambdaFunctionArn": UNKNOWN_STRING, "events": ["s3:ObjectCreated:*"]},
                            {"lambdaFunctionArn": UNKNOWN_STRING, "events": ["s3:ObjectCreated:*"]}],
    }, refs={"bucket": [bucket], "lambdaFunctions": [fn, other]})
    assert analyze_stack(async_failure_destination, [fn, other, bucket, notification]) == [
        Violation(ASYNC, "mandatory",
                  _async_message('yet BucketNotification "n" invokes it asynchronously'), urn(FUNCTION, "other")),
    ]


def test_preview_defers_when_an_invoke_config_cannot_be_placed_yet():
    fn = function()
    config = res(EVENT_INVOKE_CONFIG, "some-async", {
        "functionName": UNKNOWN_STRING, "destinationConfig": {"onFailure": {"destination": UNKNOWN_STRING}}})
    assert analyze_stack(async_failure_destination, [fn, config, *_notification(fn)]) == []


# -- aws-lambda-function-logging-permissions --------------------------------------------------------

LOG_ARN = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/fn-1a2b3c4:*"


def _logging_stack(actions=("logs:CreateLogStream", "logs:PutLogEvents"), resource=LOG_ARN, retention=14.0,
                   log_group=True, preview=False):
    r = role()
    fn = function(role_res=r, preview=preview)
    inline = res(ROLE_POLICY, "fn-logging", {
        "role": UNKNOWN_STRING if preview else "fn-role-1a2b3c4", "name": "fn-logging-1",
        "policy": UNKNOWN_STRING if preview else policy(allow(list(actions), resource)),
    }, refs={"role": [r]})
    stack = [r, fn, inline]
    if log_group:
        stack.append(res(LOG_GROUP, "fn-logs", {"name": "/aws/lambda/fn-1a2b3c4", "retentionInDays": retention},
                         refs={"name": [fn]}))
    return stack


def test_role_with_scoped_log_permissions_and_log_group_passes():
    assert analyze_stack(function_logging_permissions, _logging_stack()) == []


def _permission_message(actions: str) -> str:
    return (
        f'does not allow {actions} on log group "/aws/lambda/fn-1a2b3c4" of Function "fn", which runs with this '
        f"role and has no AWS-managed policy to fall back on: allow {actions} on "
        "`arn:aws:logs:<region>:<account>:log-group:/aws/lambda/fn-1a2b3c4:*` in an inline policy or a RolePolicy."
    )


def test_role_without_put_log_events_is_reported_on_the_role():
    stack = _logging_stack(actions=["logs:CreateLogStream"])
    assert analyze_stack(function_logging_permissions, stack) == [
        Violation(LOGGING, "mandatory", _permission_message("`logs:PutLogEvents`"), urn(ROLE, "fn-role")),
    ]


def test_log_group_arn_without_streams_does_not_give_put_log_events():
    stack = _logging_stack(resource="arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/fn-1a2b3c4")
    assert analyze_stack(function_logging_permissions, stack) == [
        Violation(LOGGING, "mandatory", _permission_message("`logs:PutLogEvents`"), urn(ROLE, "fn-role")),
    ]


def test_permissions_on_another_functions_log_group_are_reported():
    stack = _logging_stack(resource="arn:aws:logs:*:*:log-group:/aws/lambda/other-9f8e7d6:*")
    assert analyze_stack(function_logging_permissions, stack) == [
        Violation(LOGGING, "mandatory", _permission_message("`logs:CreateLogStream` and `logs:PutLogEvents`"),
                  urn(ROLE, "fn-role")),
    ]


def test_wildcards_that_cover_the_log_group_pass():
    assert analyze_stack(function_logging_permissions, _logging_stack(actions=["logs:*"], resource="*")) == []


def test_missing_log_group_is_reported_on_the_function():
    assert analyze_stack(function_logging_permissions, _logging_stack(log_group=False)) == [
        Violation(LOGGING, "mandatory", (
            'no LogGroup named "/aws/lambda/fn-1a2b3c4" is in the stack (`loggingConfig.logGroup`, else '
            "`/aws/lambda/<name>`): Lambda then creates it on first use, kept forever. Declare an "
            "aws.cloudwatch.LogGroup with that name and `retentionInDays` set."), urn(FUNCTION, "fn")),
    ]


def test_log_group_without_retention_is_reported_on_the_log_group():
    assert analyze_stack(function_logging_permissions, _logging_stack(retention=0.0)) == [
        Violation(LOGGING, "mandatory", (
            '`retentionInDays` is 0 (logs never expire) on the log group of Function "fn": set it (e.g. 30) '
            "so its logs do not pile up forever."), urn(LOG_GROUP, "fn-logs")),
    ]


def test_custom_log_group_from_logging_config_is_the_one_checked():
    r = role()
    group = res(LOG_GROUP, "shared-logs", {"name": "/app/shared", "retentionInDays": 7.0})
    fn = res(FUNCTION, "fn", {"name": "fn-1a2b3c4", "role": "arn:aws:iam::123456789012:role/fn-role-1a2b3c4",
                              "loggingConfig": {"logFormat": "JSON", "logGroup": "/app/shared"}},
             refs={"role": [r], "loggingConfig": [group]})
    inline = res(ROLE_POLICY, "fn-logging", {"role": "fn-role-1a2b3c4", "policy": policy(
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:*:*:log-group:/aws/lambda/fn-1a2b3c4:*"))})
    assert analyze_stack(function_logging_permissions, [r, group, fn, inline]) == [
        Violation(LOGGING, "mandatory", (
            'does not allow `logs:CreateLogStream` and `logs:PutLogEvents` on log group "/app/shared" of '
            'Function "fn", which runs with this role and has no AWS-managed policy to fall back on: allow '
            "`logs:CreateLogStream` and `logs:PutLogEvents` on "
            "`arn:aws:logs:<region>:<account>:log-group:/app/shared:*` in an inline policy or a RolePolicy."),
            urn(ROLE, "fn-role")),
    ]


def test_customer_policy_attached_in_preview_counts():
    r = role()
    fn = function(role_res=r, preview=True)
    managed = res(IAM_POLICY, "fn-logging", {"name": "fn-logging-1", "policy": policy(
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], LOG_ARN))})
    attachment = res(ROLE_POLICY_ATTACHMENT, "fn-logging-attach", {"role": "fn-role-1a2b3c4",
                                                                   "policyArn": UNKNOWN_STRING},
                     refs={"role": [r], "policyArn": [managed]})
    group = res(LOG_GROUP, "fn-logs", {"name": UNKNOWN_STRING, "retentionInDays": UNKNOWN_NUMBER},
                refs={"name": [fn]})
    assert analyze_stack(function_logging_permissions, [r, fn, managed, attachment, group]) == []


def test_preview_with_unknown_policy_defers_the_permission_check():
    stack = _logging_stack(actions=["logs:CreateLogStream"], preview=True)
    assert analyze_stack(function_logging_permissions, stack) == []


def test_role_with_an_aws_managed_policy_is_not_applicable():
    r = role(managedPolicyArns=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])
    fn = function(role_res=r)
    assert analyze_stack(function_logging_permissions, [r, fn]) == []


def test_managed_policy_attached_by_attachment_is_not_applicable():
    r = role()
    fn = function(role_res=r)
    attachment = res(ROLE_POLICY_ATTACHMENT, "basic", {
        "role": "fn-role-1a2b3c4", "policyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"})
    assert analyze_stack(function_logging_permissions, [r, fn, attachment]) == []


def test_function_whose_role_is_outside_the_stack_is_not_applicable():
    fn = res(FUNCTION, "fn", {"name": "fn-1a2b3c4", "role": "arn:aws:iam::123456789012:role/shared"})
    assert analyze_stack(function_logging_permissions, [fn]) == []
