import pulumi
import pulumi_aws as aws
from _common import lambda_role

role = lambda_role()
logs = aws.cloudwatch.LogGroup("fn-logs", retention_in_days=30)

# --- reported
aws.iam.RolePolicyAttachment("fn-basic-execution", role=role.name,
                             policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
# reported on fn-basic-execution: `policyArn` attaches the AWS-managed policy
#   "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", written for every AWS customer and
#   broader than this workload needs: attach an inline or customer-managed policy scoped to its own resources,
#   or list it in `allowedManagedPolicies`.

# --- passes
aws.iam.RolePolicy("fn-logging", role=role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": pulumi.Output.concat(logs.arn, ":*"),
    }],
}))
