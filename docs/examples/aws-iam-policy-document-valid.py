import json
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()

# --- reported
aws.iam.RolePolicy("fn-queue", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Action": ["sqs:SendMessage"], "Resource": "arn:aws:sqs:us-west-2:123456789012:orders"}],
}))
# reported on fn-queue: `policy` Statement[0] has no `Effect`: set "Allow" or "Deny".

# --- passes
aws.iam.RolePolicy("fn-queue", role=role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage"],
                   "Resource": "arn:aws:sqs:us-west-2:123456789012:orders"}],
}))
