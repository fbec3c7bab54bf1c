import pulumi_aws as aws

key = aws.kms.Key("queues", enable_key_rotation=True)

# --- reported
orders = aws.sqs.Queue("orders", kms_master_key_id="alias/aws/sqs")
# reported on orders: `kmsMasterKeyId` is "alias/aws/sqs", an AWS-managed key whose key policy cannot be
#   changed: the services that send to a queue (SNS, S3 event notifications, EventBridge) cannot use it, so
#   what they send is lost. Set it to a customer-managed KMS key (e.g. `key.arn`) whose key policy lets them,
#   or set `allowAwsManagedKey` if only principals of this account send to the queue.

# --- passes
orders = aws.sqs.Queue("orders", kms_master_key_id=key.arn)
