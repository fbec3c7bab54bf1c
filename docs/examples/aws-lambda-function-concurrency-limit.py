import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"))
# reported on fn: `reservedConcurrentExecutions` is -1 (unreserved), so the function can take the whole
#   account's concurrency: set `reserved_concurrent_executions` between 1 and 1000, read from stack config.

# --- passes
config = pulumi.Config()
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"),
                          reserved_concurrent_executions=config.get_int("reservedConcurrency") or 10)
