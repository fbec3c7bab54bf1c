import pulumi_aws as aws

key = aws.kms.Key("uploads", enable_key_rotation=True)

# --- reported
uploads = aws.s3.Bucket("uploads")  # S3's default: SSE-S3, a key AWS owns
# reported on uploads: has no default encryption configuration, so S3 encrypts its new objects with S3-managed
#   keys (SSE-S3, S3's default since January 2023), whose use no key policy restricts or audits: add a
#   BucketServerSideEncryptionConfiguration for it with `sseAlgorithm` "aws:kms" and `kmsMasterKeyId` set to a
#   customer-managed KMS key.

# --- passes
uploads = aws.s3.Bucket("uploads")
aws.s3.BucketServerSideEncryptionConfiguration(
    "uploads-encryption",
    bucket=uploads.id,
    rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
        "bucket_key_enabled": True,  # one KMS request per bucket key, not per object
    }],
)
