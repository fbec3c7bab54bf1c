"""aws-lambda-async-failure-destination: which services invoke a function asynchronously, and which do not."""

import json

import pytest

from policypack.core import types as t
from policypack.rules.stack.lambda_wiring import async_failure_destination
from tests.stack.builders import function, function_arn, res, urn
from tests.support.harness import UNKNOWN_ARRAY, UNKNOWN_STRING, Violation, analyze_stack

ASYNC = "aws-lambda-async-failure-destination"
FN_ARN = function_arn("fn-1a2b3c4")


def lost(sources: str) -> Violation:
    return Violation(ASYNC, "mandatory", (
        "`deadLetterConfig.targetArn` is not set and no FunctionEventInvokeConfig sets "
        f"`destinationConfig.onFailure.destination` for it, yet {sources} asynchronously: events that still fail "
        "after Lambda's two retries are lost. Set `deadLetterConfig.targetArn` to an SQS queue or SNS topic ARN, "
        "or add a FunctionEventInvokeConfig with an on-failure destination."), urn(t.FUNCTION, "fn"))


ASYNCHRONOUS = {
    "scheduler": (t.SCHEDULE, "nightly", lambda fn: {"target": {"arn": FN_ARN, "roleArn": "arn:aws:iam::1:role/r"},
                                                     "scheduleExpression": "rate(1 day)"}, "target"),
    "logs subscription": (t.LOG_SUBSCRIPTION_FILTER, "errors-to-fn",
                          lambda fn: {"logGroup": "/app", "filterPattern": "ERROR", "destinationArn": FN_ARN},
                          "destinationArn"),
    "alarm action": (t.METRIC_ALARM, "errors-alarm", lambda fn: {"namespace": "App", "metricName": "Errors",
                                                                  "alarmActions": [FN_ARN]}, "alarmActions"),
    "ses receipt rule": (t.SES_RECEIPT_RULE, "inbound", lambda fn: {"ruleSetName": "rules", "lambdaActions": [
        {"functionArn": FN_ARN, "position": 1}]}, "lambdaActions"),
    "iot rule": (t.IOT_TOPIC_RULE, "telemetry", lambda fn: {"sql": "SELECT * FROM 't'", "lambdas": [
        {"functionArn": FN_ARN}]}, "lambdas"),
}


@pytest.mark.parametrize("case", sorted(ASYNCHRONOUS))
def test_services_that_invoke_asynchronously_need_a_failure_destination(case):
    source_type, name, props, prop = ASYNCHRONOUS[case]
    fn = function()
    source = res(source_type, name, props(fn), refs={prop: [fn]})
    kind = source_type.rsplit(":", 1)[-1]
    assert analyze_stack(async_failure_destination, [fn, source]) == [lost(f'{kind} "{name}" invokes it')]


def test_in_preview_an_unknown_action_list_that_depends_on_the_function_counts():
    fn = function()
    alarm = res(t.METRIC_ALARM, "errors-alarm", {"namespace": "App", "alarmActions": UNKNOWN_ARRAY},
                refs={"alarmActions": [fn]})
    assert analyze_stack(async_failure_destination, [fn, alarm]) == [lost('MetricAlarm "errors-alarm" invokes it')]


def test_an_ses_action_that_waits_for_the_result_is_synchronous():
    fn = function()
    rule = res(t.SES_RECEIPT_RULE, "inbound", {"lambdaActions": [
        {"functionArn": FN_ARN, "invocationType": "RequestResponse", "position": 1}]}, refs={"lambdaActions": [fn]})
    assert analyze_stack(async_failure_destination, [fn, rule]) == []


def test_an_alarm_that_only_watches_the_function_does_not_invoke_it():
    fn = function()
    alarm = res(t.METRIC_ALARM, "fn-errors", {"namespace": "AWS/Lambda", "metricName": "Errors",
                                              "dimensions": {"FunctionName": "fn-1a2b3c4"},
                                              "alarmActions": ["arn:aws:sns:us-west-2:123456789012:alerts"]},
                refs={"dimensions": [fn]})
    assert analyze_stack(async_failure_destination, [fn, alarm]) == []


def test_step_functions_tasks_and_event_source_mappings_invoke_synchronously():
    fn = function()
    definition = json.dumps({"StartAt": "Charge", "States": {"Charge": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": FN_ARN, "Payload.$": "$"}, "End": True}}})
    machine = res(t.STATE_MACHINE, "orders", {"definition": definition, "roleArn": UNKNOWN_STRING},
                  refs={"definition": [fn]})
    table = res(t.DYNAMODB_TABLE, "orders-table", {"name": "orders-dev", "streamEnabled": True,
                                                   "streamArn": "arn:aws:dynamodb:us-west-2:123456789012:table/orders-dev/stream/1"})
    stream = res(t.EVENT_SOURCE_MAPPING, "orders-stream", {
        "eventSourceArn": table.props["streamArn"], "functionName": FN_ARN, "startingPosition": "LATEST"},
        refs={"eventSourceArn": [table], "functionName": [fn]})
    queue = res(t.QUEUE, "jobs", {"name": "jobs-1a2b3c4"})
    jobs = res(t.EVENT_SOURCE_MAPPING, "jobs-source", {
        "eventSourceArn": "arn:aws:sqs:us-west-2:123456789012:jobs-1a2b3c4", "functionName": FN_ARN},
        refs={"eventSourceArn": [queue], "functionName": [fn]})
    secret = res(t.SECRET, "db", {"name": "db-dev"})
    rotation = res(t.SECRET_ROTATION, "db-rotation", {"secretId": UNKNOWN_STRING, "rotationLambdaArn": FN_ARN},
                   refs={"secretId": [secret], "rotationLambdaArn": [fn]})
    assert analyze_stack(async_failure_destination, [fn, machine, table, stream, queue, jobs, secret, rotation]) == []
