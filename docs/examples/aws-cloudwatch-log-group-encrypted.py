import pulumi_aws as aws

key = aws.kms.Key("logs", enable_key_rotation=True)  # its policy lets CloudWatch Logs use it

# --- reported
logs = aws.cloudwatch.LogGroup("api-access-logs", retention_in_days=30)
# reported on api-access-logs: `kmsKeyId` is not set, so the logs (which often carry request data and
#   identifiers) are encrypted only with a key CloudWatch Logs owns, and no key policy of yours limits who can
#   read them: set it to the ARN of a customer-managed KMS key that CloudWatch Logs may use.

# --- passes
logs = aws.cloudwatch.LogGroup("api-access-logs", retention_in_days=30, kms_key_id=key.arn)
