import json
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
aws.iam.RolePolicy("fn-uploads", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObjects"], "Resource": "arn:aws:s3:::acme-uploads/incoming/*"}],
}))
# reported on fn-uploads: `policy` Statement[0] names "s3:GetObjects" in `Action`, which is not an action of
#   Amazon S3 (`s3`), so it allows nothing: did you mean "s3:GetObject"?

# --- passes
aws.iam.RolePolicy("fn-uploads", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-uploads/incoming/*"}],
}))
