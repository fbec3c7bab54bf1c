import pulumi_aws as aws

account_id = aws.get_caller_identity().account_id

# --- reported
uploads = aws.s3.Bucket("uploads", bucket="acme-uploads")
# reported on uploads: `bucket` is "acme-uploads", which carries neither an account ID nor a random suffix,
#   and bucket names are shared by every AWS account: add the account ID
#   (`aws.get_caller_identity().account_id`) or a random suffix, or drop `bucket` so Pulumi autonames the
#   bucket (or use `bucketPrefix`).

# --- passes
uploads = aws.s3.Bucket("uploads", bucket=f"acme-uploads-{account_id}")
