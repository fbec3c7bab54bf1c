import pulumi
import pulumi_aws as aws

assets = aws.s3.Bucket("assets")
distribution_arn = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"

# --- reported
# (a preview cannot read this document yet: it holds the bucket's ARN, known once the bucket exists)
aws.s3.BucketPolicy("assets", bucket=assets.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": pulumi.Output.concat(assets.arn, "/*")}],
}))
# reported on assets in update: `policy` Statement[0] allows "s3:GetObject" to anyone (`Principal` "*"): name
#   the principals (account or role ARNs, or a service with an `aws:SourceArn` condition), or add a condition
#   that limits the caller (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, ...), or list the
#   bucket in `publicBuckets` if it serves public reads by design.

# --- passes
aws.s3.BucketPolicy("assets", bucket=assets.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                   "Resource": pulumi.Output.concat(assets.arn, "/*"),
                   "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}}}],
}))
