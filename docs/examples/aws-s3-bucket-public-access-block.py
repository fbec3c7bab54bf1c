import pulumi_aws as aws

# --- reported
uploads = aws.s3.Bucket("uploads")
# reported on uploads: has no BucketPublicAccessBlock: S3 turns the four settings on for buckets created since
#   April 2023, but nothing in the stack keeps them on, so a change made outside it can turn them off unseen:
#   add one for it with `blockPublicAcls`, `blockPublicPolicy`, `ignorePublicAcls` and `restrictPublicBuckets`
#   all true.

# --- passes
uploads = aws.s3.Bucket("uploads")
aws.s3.BucketPublicAccessBlock("uploads-public-access-block", bucket=uploads.id, block_public_acls=True,
                               block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
