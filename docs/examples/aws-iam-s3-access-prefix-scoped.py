import json
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
aws.iam.RolePolicy("fn-uploads", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-uploads/*"}],
}))
# reported on fn-uploads: `policy` Statement[0] grants "s3:GetObject" on "arn:aws:s3:::acme-uploads/*", every
#   object of the bucket: grant them on the key prefix the workload uses (e.g.
#   "arn:aws:s3:::acme-uploads/uploads/*").

# --- passes
aws.iam.RolePolicy("fn-uploads", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-uploads/incoming/*"}],
}))
