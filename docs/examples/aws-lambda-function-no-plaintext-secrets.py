import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
fn = aws.lambda_.Function(
    "fn",
    role=role.arn,
    runtime="python3.14",
    handler="app.handler",
    code=pulumi.FileArchive("./app"),
    environment=aws.lambda_.FunctionEnvironmentArgs(variables={"DB_PASSWORD": "correct-horse-battery"}),
)
# reported on fn: `environment.variables.DB_PASSWORD` holds a literal value and its name marks it as a secret
#   (readable by anyone who can read the function's configuration): put it in Secrets Manager or an SSM
#   SecureString and pass its ARN or name instead (if it already is a parameter or secret name, say so in the
#   variable's name: end it with _ARN, _NAME or _PARAM).

# --- passes
key = aws.kms.Key("secrets", enable_key_rotation=True)
db_password = aws.secretsmanager.Secret("db-password", kms_key_id=key.arn)
fn = aws.lambda_.Function(
    "fn",
    role=role.arn,  # allowed secretsmanager:GetSecretValue on db_password
    runtime="python3.14",
    handler="app.handler",
    code=pulumi.FileArchive("./app"),
    environment=aws.lambda_.FunctionEnvironmentArgs(variables={"DB_PASSWORD_SECRET_ARN": db_password.arn}),
)
