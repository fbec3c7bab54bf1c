import json
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
aws.iam.RolePolicy("fn-uploads", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::acme-uploads/incoming/*"}],
}))
# reported on fn-uploads: `policy` Statement[0] allows "s3:*": list only the actions the workload calls (e.g.
#   "s3:GetObject").

# --- passes
aws.iam.RolePolicy("fn-uploads", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-uploads/incoming/*"}],
}))
