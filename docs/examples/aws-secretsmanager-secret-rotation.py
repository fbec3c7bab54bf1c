import pulumi_aws as aws
from _common import lambda_function

key = aws.kms.Key("secrets", enable_key_rotation=True)

# --- reported
db_password = aws.secretsmanager.Secret("db-password", kms_key_id=key.arn)
# reported on db-password: no SecretRotation rotates this secret, so a leaked value stays valid until someone
#   changes it by hand: add an aws.secretsmanager.SecretRotation with `secretId` set to this secret
#   (`secret.id`) and a rotation function.

# --- passes
db_password = aws.secretsmanager.Secret("db-password", kms_key_id=key.arn)
rotator = lambda_function("rotate-db-password")  # from AWS's rotation templates
allow_rotation = aws.lambda_.Permission("secretsmanager-invokes-rotator", action="lambda:InvokeFunction",
                                        function=rotator.name, principal="secretsmanager.amazonaws.com",
                                        source_arn=db_password.arn)
aws.secretsmanager.SecretRotation(
    "db-password",
    secret_id=db_password.id,
    rotation_lambda_arn=rotator.arn,
    rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(automatically_after_days=30),
)
