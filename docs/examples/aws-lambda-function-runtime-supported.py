import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.8", handler="app.handler",
                          code=pulumi.FileArchive("./app"))
# reported on fn: `runtime` is "python3.8", deprecated by AWS on 2024-10-14 (no more security patches; AWS
#   then blocks creating and updating functions on it): move to "python3.14".

# --- passes
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"))
