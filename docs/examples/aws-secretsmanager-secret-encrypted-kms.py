import pulumi_aws as aws

key = aws.kms.Key("secrets", enable_key_rotation=True)

# --- reported
db_password = aws.secretsmanager.Secret("db-password")
# reported on db-password: `kmsKeyId` is not set, so the secret is encrypted with the AWS-managed key
#   aws/secretsmanager, which every principal of the account allowed to read the secret may use: set it to a
#   customer-managed KMS key (e.g. `key.arn`), whose key policy you control.

# --- passes
db_password = aws.secretsmanager.Secret("db-password", kms_key_id=key.arn)
