"""IAM actions that may be allowed on Resource "*".

Actions that support no resource-level permissions (an empty "Resource types" column in the Service
Authorization Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html),
plus the EC2 network-interface actions Lambda needs for VPC access, which AWS's own least-privilege policy
(AWSLambdaVPCAccessExecutionRole) grants on "*". Checked on 2026-11-22. Patterns use IAM wildcards. Scope these with
conditions where the service offers one (e.g. `cloudwatch:namespace` for `cloudwatch:PutMetricData`).
"""

from __future__ import annotations

from typing import Dict

# action pattern -> why it may use "*"
ACTIONS_WITHOUT_RESOURCE_LEVEL: Dict[str, str] = {
    "ec2:CreateNetworkInterface": "Lambda VPC access: AWS grants it on * (AWSLambdaVPCAccessExecutionRole)",
    "ec2:DescribeNetworkInterfaces": "no resource-level permissions",
    "ec2:DeleteNetworkInterface": "Lambda VPC access: AWS grants it on * (AWSLambdaVPCAccessExecutionRole)",
    "ec2:AssignPrivateIpAddresses": "Lambda VPC access: AWS grants it on * (AWSLambdaVPCAccessExecutionRole)",
    "ec2:UnassignPrivateIpAddresses": "Lambda VPC access: AWS grants it on * (AWSLambdaVPCAccessExecutionRole)",
    "ec2:Describe*": "EC2 Describe actions support no resource-level permissions",
    "xray:PutTraceSegments": "no resource-level permissions",
    "xray:PutTelemetryRecords": "no resource-level permissions",
    "xray:GetSamplingRules": "no resource-level permissions",
    "xray:GetSamplingTargets": "no resource-level permissions",
    "xray:GetSamplingStatisticSummaries": "no resource-level permissions",
    "cloudwatch:PutMetricData": "no resource-level permissions; scope with the cloudwatch:namespace condition key",
    "cloudwatch:GetMetricData": "no resource-level permissions",
    "cloudwatch:GetMetricStatistics": "no resource-level permissions",
    "cloudwatch:ListMetrics": "no resource-level permissions",
    "s3:ListAllMyBuckets": "no resource-level permissions",
    "sts:GetCallerIdentity": "no resource-level permissions",
    "kms:ListKeys": "no resource-level permissions",
    "kms:ListAliases": "no resource-level permissions",
    "kms:GenerateRandom": "no resource-level permissions",
    "sqs:ListQueues": "no resource-level permissions",
    "sns:ListTopics": "no resource-level permissions",
    "lambda:ListFunctions": "no resource-level permissions",
    "lambda:GetAccountSettings": "no resource-level permissions",
    "ssm:DescribeParameters": "no resource-level permissions",
    "secretsmanager:GetRandomPassword": "no resource-level permissions",
    "secretsmanager:ListSecrets": "no resource-level permissions",
    "dynamodb:ListTables": "no resource-level permissions",
    "ecr:GetAuthorizationToken": "no resource-level permissions",
    "tag:GetResources": "no resource-level permissions",
    # CloudWatch Logs vended-log delivery: what a Step Functions state machine's role needs to log
    # (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy), so
    # that the fix `aws-sfn-state-machine-logging` documents passes this rule. None of them supports
    # resource-level permissions. (Until the hand list gives way to AWS's authorization data.)
    "logs:CreateLogDelivery": "no resource-level permissions (vended-log delivery, e.g. Step Functions logging)",
    "logs:GetLogDelivery": "no resource-level permissions (vended-log delivery)",
    "logs:UpdateLogDelivery": "no resource-level permissions (vended-log delivery)",
    "logs:DeleteLogDelivery": "no resource-level permissions (vended-log delivery)",
    "logs:ListLogDeliveries": "no resource-level permissions (vended-log delivery)",
    "logs:PutResourcePolicy": "no resource-level permissions (the log group's resource policy for delivery)",
    "logs:DescribeResourcePolicies": "no resource-level permissions",
    "logs:DescribeLogGroups": "no resource-level permissions",
}
