import pulumi_aws as aws

# --- reported
items = aws.dynamodb.Table("items", hash_key="id", billing_mode="PAY_PER_REQUEST",
                           attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")])
# reported on items: `pointInTimeRecovery.enabled` is not set, so a bad write or delete cannot be undone (no
#   continuous backups to restore from): set it to true.

# --- passes
items = aws.dynamodb.Table("items", hash_key="id", billing_mode="PAY_PER_REQUEST",
                           attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
                           point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True))
