import pulumi
import pulumi_aws as aws

# --- reported
uploads = aws.s3.Bucket("uploads")
# reported on uploads: has no bucket policy: add a BucketPolicy whose statement denies `s3:*` when
#   `aws:SecureTransport` is "false".

# --- passes
uploads = aws.s3.Bucket("uploads")
aws.s3.BucketPolicy("uploads-tls-only", bucket=uploads.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [uploads.arn, pulumi.Output.concat(uploads.arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }],
}))
