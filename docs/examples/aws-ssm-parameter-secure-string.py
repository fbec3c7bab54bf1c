import pulumi
import pulumi_aws as aws

key = aws.kms.Key("parameters", enable_key_rotation=True)
db_password = pulumi.Config().require_secret("dbPassword")

# --- reported
aws.ssm.Parameter("db-password", type="String", value=db_password)
# reported on db-password: `name` "db-password-6221595" marks it as a secret ("password"), but `type` is
#   "String": make it "SecureString" with `keyId` set to a customer-managed KMS key.

# --- passes
aws.ssm.Parameter("db-password", type="SecureString", value=db_password, key_id=key.arn)
