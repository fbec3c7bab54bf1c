import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()
uploads = aws.s3.Bucket("uploads")

# --- reported
env = {"UPLOADS_BUCKET": uploads.bucket}
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"),
                          environment={"variables": {"variables": env}})  # wrapped twice
# reported on fn: `environment.variables.variables` is a nested map: the variables were wrapped in "variables"
#   twice. Pass `environment={"variables": env}` where `env` is the plain name-to-value map (or
#   `aws.lambda_.FunctionEnvironmentArgs(variables=env)`).

# --- passes
env = {"UPLOADS_BUCKET": uploads.bucket}
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"),
                          environment=aws.lambda_.FunctionEnvironmentArgs(variables=env))
