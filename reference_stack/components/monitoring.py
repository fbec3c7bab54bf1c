"""Alarms that reach someone: an encrypted SNS topic, and alarms for every function (Errors,
Throttles, Duration, Invocations), for the dead-letter queue (failed image processing) and for
the API's server errors - each with the topic as its alarm and OK action.
"""

from __future__ import annotations

from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from .functions import VpcFunction

ONE_MINUTE = 60
FIVE_MINUTES = 300


class AlertTopic(pulumi.ComponentResource):
    def __init__(self, name: str, *, key_arn: pulumi.Input[str], email: Optional[str] = None,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:monitoring:AlertTopic", name, None, opts)
        self.topic = aws.sns.Topic(name, kms_master_key_id=key_arn, opts=pulumi.ResourceOptions(parent=self))
        if email:
            # the address receives a confirmation mail; alarms reach it once confirmed
            aws.sns.TopicSubscription(f"{name}-email", topic=self.topic.arn, protocol="email", endpoint=email,
                                      opts=pulumi.ResourceOptions(parent=self))
        self.arn: pulumi.Output[str] = self.topic.arn
        self.register_outputs({"arn": self.topic.arn})


def _alarm(name: str, *, parent: pulumi.Resource, topic_arn: pulumi.Input[str], namespace: str, metric: str,
           dimensions: Mapping[str, pulumi.Input[str]], statistic: str, threshold: float, period: int,
           description: str) -> aws.cloudwatch.MetricAlarm:
    return aws.cloudwatch.MetricAlarm(
        name,
        namespace=namespace,
        metric_name=metric,
        dimensions=dict(dimensions),
        statistic=statistic,
        period=period,
        evaluation_periods=1,
        comparison_operator="GreaterThanThreshold",
        threshold=threshold,
        treat_missing_data="notBreaching",
        alarm_description=description,
        actions_enabled=True,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        opts=pulumi.ResourceOptions(parent=parent),
    )


class FunctionAlarms(pulumi.ComponentResource):
    """Errors, Throttles, Duration (80 % of the timeout) and Invocations (a traffic spike or an
    invocation loop) for one function."""

    def __init__(self, name: str, *, function: VpcFunction, topic_arn: pulumi.Input[str],
                 invocations_threshold: int, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:monitoring:FunctionAlarms", name, None, opts)
        dimensions = {"FunctionName": function.name}
        common = dict(parent=self, topic_arn=topic_arn, namespace="AWS/Lambda", dimensions=dimensions)
        _alarm(f"{name}-errors", metric="Errors", statistic="Sum", threshold=0, period=ONE_MINUTE,
               description="The function raised (failed images go to the dead-letter queue)", **common)
        _alarm(f"{name}-throttles", metric="Throttles", statistic="Sum", threshold=0, period=ONE_MINUTE,
               description="Invocations were throttled: reserved concurrency is exhausted", **common)
        _alarm(f"{name}-duration", metric="Duration", statistic="Maximum",
               threshold=function.timeout_seconds * 1000 * 0.8, period=ONE_MINUTE,
               description="An invocation came within 20 % of the timeout", **common)
        _alarm(f"{name}-invocations", metric="Invocations", statistic="Sum", threshold=invocations_threshold,
               period=FIVE_MINUTES, description="More invocations than expected: a spike or an invocation loop",
               **common)
        self.register_outputs({})


class DeadLetterQueueAlarm(pulumi.ComponentResource):
    """Any message in the dead-letter queue is an event that failed every retry."""

    def __init__(self, name: str, *, queue: aws.sqs.Queue, topic_arn: pulumi.Input[str],
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:monitoring:DeadLetterQueueAlarm", name, None, opts)
        _alarm(name, parent=self, topic_arn=topic_arn, namespace="AWS/SQS",
               metric="ApproximateNumberOfMessagesVisible", dimensions={"QueueName": queue.name},
               statistic="Maximum", threshold=0, period=ONE_MINUTE,
               description="Events failed every retry and wait in the dead-letter queue")
        self.register_outputs({})


class ApiErrorAlarm(pulumi.ComponentResource):
    def __init__(self, name: str, *, api_id: pulumi.Input[str], topic_arn: pulumi.Input[str],
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:monitoring:ApiErrorAlarm", name, None, opts)
        _alarm(name, parent=self, topic_arn=topic_arn, namespace="AWS/ApiGateway", metric="5xx",
               dimensions={"ApiId": api_id}, statistic="Sum", threshold=0, period=ONE_MINUTE,
               description="The API answered with server errors")
        self.register_outputs({})
