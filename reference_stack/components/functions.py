"""One Lambda function as this stack deploys every function.

Each function gets: its own role with one inline policy (no AWS-managed policy) that grants what
its handler needs - passed in by the caller - plus what every function here needs (writing to
its own log group, the VPC network interfaces, X-Ray); its own log group `/aws/lambda/<name>`
with retention and the stack's KMS key, created before the function so Lambda never creates an
unmanaged one; the private subnets; active tracing; reserved concurrency from config.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from .artifacts import ARCHITECTURE, FunctionCode
from .network import PrivateNetwork
from .settings import LAMBDA_RUNTIME

Statement = Dict[str, Any]

LAMBDA_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }],
})

# Actions that support no resource-level permissions: "*" is the only valid Resource for them.
VPC_NETWORK_INTERFACE_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
]
TRACING_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


def write_own_logs(log_group_arn: pulumi.Input[str]) -> Statement:
    return {
        "Sid": "WriteOwnLogGroup",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": pulumi.Output.concat(log_group_arn, ":*"),
    }


def baseline_statements(log_group_arn: pulumi.Input[str]) -> List[Statement]:
    return [
        write_own_logs(log_group_arn),
        {"Sid": "ManageVpcNetworkInterfaces", "Effect": "Allow", "Action": VPC_NETWORK_INTERFACE_ACTIONS, "Resource": "*"},
        {"Sid": "SendTraces", "Effect": "Allow", "Action": TRACING_ACTIONS, "Resource": "*"},
    ]


class VpcFunction(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        function_name: str,
        description: str,
        code: FunctionCode,
        statements: Sequence[Statement],
        environment: Mapping[str, pulumi.Input[str]],
        network: PrivateNetwork,
        key_arn: pulumi.Input[str],
        log_retention_days: int,
        reserved_concurrency: int,
        timeout_seconds: int = 30,
        memory_size_mb: int = 256,
        layers: Sequence[pulumi.Input[str]] = (),
        dead_letter_queue_arn: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        super().__init__("reference:compute:VpcFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.logical_name = name
        self.timeout_seconds = timeout_seconds

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=log_retention_days,
            kms_key_id=key_arn,
            opts=child,
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            description=f"Runs {function_name}",
            assume_role_policy=LAMBDA_TRUST_POLICY,
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.id,
            policy=pulumi.Output.json_dumps({
                "Version": "2012-10-17",
                "Statement": [*statements, *baseline_statements(self.log_group.arn)],
            }),
            opts=child,
        )
        self.function = aws.lambda_.Function(
            name,
            name=function_name,
            description=description,
            role=self.role.arn,
            runtime=LAMBDA_RUNTIME,
            architectures=[ARCHITECTURE],
            handler="app.handler",
            code=code.archive,
            source_code_hash=code.source_code_hash,
            layers=list(layers) or None,
            timeout=timeout_seconds,
            memory_size=memory_size_mb,
            reserved_concurrent_executions=reserved_concurrency,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(environment)),
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(
                subnet_ids=network.subnet_ids,
                security_group_ids=network.security_group_ids,
            ),
            dead_letter_config=(aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=dead_letter_queue_arn)
                                if dead_letter_queue_arn is not None else None),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=self.log_group.name),
            # the role must be able to log, and the log group must exist, before the first invocation
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, self.log_group]),
        )
        self.name: pulumi.Output[str] = self.function.name
        self.arn: pulumi.Output[str] = self.function.arn
        self.invoke_arn: pulumi.Output[str] = self.function.invoke_arn
        self.register_outputs({"name": self.function.name, "arn": self.function.arn})
