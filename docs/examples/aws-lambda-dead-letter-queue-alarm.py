import pulumi_aws as aws
from _common import alert_topic, lambda_function

alerts = alert_topic()

# --- reported
failed = aws.sqs.Queue("failed-images", sqs_managed_sse_enabled=True)
fn = lambda_function("thumbnailer",
                     dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=failed.arn))
# reported on failed-images: receives the failed events of Function "thumbnailer" but no MetricAlarm watches
#   its `AWS/SQS` `ApproximateNumberOfMessagesVisible` (`dimensions.QueueName` set to this queue's name): add
#   one with threshold 0, so failures are noticed.

# --- passes
failed = aws.sqs.Queue("failed-images", sqs_managed_sse_enabled=True)
fn = lambda_function("thumbnailer",
                     dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=failed.arn))
aws.cloudwatch.MetricAlarm("failed-images-depth", namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible",
                           dimensions={"QueueName": failed.name}, statistic="Maximum", period=60,
                           evaluation_periods=1, comparison_operator="GreaterThanThreshold", threshold=0,
                           alarm_actions=[alerts.arn])
