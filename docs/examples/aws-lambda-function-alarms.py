import pulumi_aws as aws
from _common import alert_topic, lambda_function

alerts = alert_topic()

# --- reported
fn = lambda_function("fn")
aws.cloudwatch.MetricAlarm("fn-errors", namespace="AWS/Lambda", metric_name="Errors",
                           dimensions={"FunctionName": fn.name}, statistic="Sum", period=60,
                           evaluation_periods=1, comparison_operator="GreaterThanThreshold", threshold=0,
                           alarm_actions=[alerts.arn])
# reported on fn: no MetricAlarm watches `Throttles`, `Duration`, `Invocations` in `AWS/Lambda` with
#   `dimensions.FunctionName` set to this function's name: add one alarm per missing metric
#   (`dimensions={"FunctionName": fn.name}`).

# --- passes
fn = lambda_function("fn", timeout=30)
thresholds = {"Errors": 0, "Throttles": 0, "Duration": 24_000, "Invocations": 10_000}  # Duration: 80 % of 30 s
for metric, threshold in thresholds.items():
    aws.cloudwatch.MetricAlarm(f"fn-{metric.lower()}", namespace="AWS/Lambda", metric_name=metric,
                               dimensions={"FunctionName": fn.name},
                               statistic="Maximum" if metric == "Duration" else "Sum", period=60,
                               evaluation_periods=1, comparison_operator="GreaterThanThreshold",
                               threshold=threshold, alarm_actions=[alerts.arn])
