import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()
table = aws.dynamodb.Table("items", hash_key="id", billing_mode="PAY_PER_REQUEST",
                           attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")])

# --- reported
aws.iam.RolePolicy("fn-items", role=role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": "*"}],
}))
# reported on fn-items: `policy` Statement[0] allows "dynamodb:GetItem", "dynamodb:PutItem" on "*": name the
#   resources (ARNs) it needs; only actions without resource-level permissions (such as
#   "xray:PutTraceSegments") may use "*".

# --- passes
aws.iam.RolePolicy("fn-items", role=role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": table.arn},
        # actions without resource-level permissions take "*"
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ],
}))
