import json
import pulumi
import pulumi_aws as aws

role = aws.iam.Role("orders-workflow", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))
definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
logs = aws.cloudwatch.LogGroup("orders-workflow-logs", retention_in_days=30)

# --- reported
aws.sfn.StateMachine("orders", role_arn=role.arn, definition=definition)
# reported on orders: `loggingConfiguration.level` is not set, so executions leave no log of their steps and
#   errors: set it to "ERROR" (or "ALL") with `loggingConfiguration.logDestination` set to a log group's ARN
#   followed by ":*".
# reported on orders: `tracingConfiguration.enabled` is not set, so executions leave no X-Ray trace across the
#   functions and services they call: set it to true.

# --- passes
aws.sfn.StateMachine(
    "orders",
    role_arn=role.arn,
    definition=definition,
    logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
        level="ERROR", include_execution_data=False,
        log_destination=pulumi.Output.concat(logs.arn, ":*")),
    tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
)
