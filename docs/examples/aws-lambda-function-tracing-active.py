import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"))
# reported on fn: `tracingConfig` is not set, so X-Ray tracing is off: set `tracing_config` with mode
#   "Active".

# --- passes
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"),
                          tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"))
