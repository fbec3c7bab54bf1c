import pulumi_aws as aws

key = aws.kms.Key("topics", enable_key_rotation=True)

# --- reported
alerts = aws.sns.Topic("alerts")
# reported on alerts: `kmsMasterKeyId` is not set, so the topic stores messages unencrypted: set it to a
#   customer-managed KMS key (e.g. `key.arn`).

# --- passes
alerts = aws.sns.Topic("alerts", kms_master_key_id=key.arn)
