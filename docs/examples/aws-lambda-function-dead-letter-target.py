import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()
dlq = aws.sqs.Queue("dlq", sqs_managed_sse_enabled=True)

# --- reported
fn = aws.lambda_.Function(
    "fn",
    role=role.arn,
    runtime="python3.14",
    handler="app.handler",
    code=pulumi.FileArchive("./app"),
    dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=dlq.name),  # a name, not an ARN
)
# reported on fn: `deadLetterConfig.targetArn` is "dlq-443043f", not an SQS queue or SNS topic ARN: pass the
#   queue's or topic's `arn` (not its name or URL).

# --- passes
fn = aws.lambda_.Function(
    "fn",
    role=role.arn,
    runtime="python3.14",
    handler="app.handler",
    code=pulumi.FileArchive("./app"),
    dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=dlq.arn),
)
