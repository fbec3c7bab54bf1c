import pulumi_aws as aws
from _common import alert_topic, lambda_function

fn = lambda_function()
alerts = alert_topic()

# --- reported
aws.cloudwatch.MetricAlarm("fn-errors", namespace="AWS/Lambda", metric_name="Errors",
                           dimensions={"FunctionName": fn.name}, statistic="Sum", period=60,
                           evaluation_periods=1, comparison_operator="GreaterThanThreshold", threshold=0)
# reported on fn-errors: `alarmActions` is not set, so nobody is told when the alarm fires: add the ARN of an
#   SNS topic that notifies the team (e.g. `alerts.arn`).

# --- passes
aws.cloudwatch.MetricAlarm("fn-errors", namespace="AWS/Lambda", metric_name="Errors",
                           dimensions={"FunctionName": fn.name}, statistic="Sum", period=60,
                           evaluation_periods=1, comparison_operator="GreaterThanThreshold", threshold=0,
                           alarm_actions=[alerts.arn])
