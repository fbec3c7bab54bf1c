import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role("fn-role")

# --- reported
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"))
# reported on fn: no LogGroup named "/aws/lambda/fn-6b6cb3e" is in the stack (`loggingConfig.logGroup`, else
#   `/aws/lambda/<name>`): Lambda then creates it on first use, kept forever. Declare an
#   aws.cloudwatch.LogGroup with that name and `retentionInDays` set.
# reported on fn-role: does not allow `logs:CreateLogStream` and `logs:PutLogEvents` on log group
#   "/aws/lambda/fn-6b6cb3e" of Function "fn", which runs with this role and has no AWS-managed policy to fall
#   back on: allow `logs:CreateLogStream` and `logs:PutLogEvents` on
#   `arn:aws:logs:<region>:<account>:log-group:/aws/lambda/fn-6b6cb3e:*` in an inline policy or a RolePolicy.

# --- passes
logs = aws.cloudwatch.LogGroup("fn-logs", retention_in_days=30)
logging = aws.iam.RolePolicy("fn-logging", role=role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                   "Resource": pulumi.Output.concat(logs.arn, ":*")}],
}))
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"),
                          logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text",
                                                                               log_group=logs.name),
                          opts=pulumi.ResourceOptions(depends_on=[logging]))
