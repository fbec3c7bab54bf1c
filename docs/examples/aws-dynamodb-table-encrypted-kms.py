import pulumi_aws as aws

key = aws.kms.Key("tables", enable_key_rotation=True)

# --- reported
items = aws.dynamodb.Table("items", hash_key="id", billing_mode="PAY_PER_REQUEST",
                           attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")])
# reported on items: `serverSideEncryption.enabled` is not set, so the table is encrypted with a key AWS owns,
#   which no key policy of yours controls and CloudTrail does not show: set it to true with
#   `serverSideEncryption.kmsKeyArn` a customer-managed KMS key (e.g. `key.arn`).

# --- passes
items = aws.dynamodb.Table("items", hash_key="id", billing_mode="PAY_PER_REQUEST",
                           attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
                           server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                               enabled=True, kms_key_arn=key.arn))
