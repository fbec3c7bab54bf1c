"""Helpers the rule examples call, so that each example shows only what its rule is about.

docs/rules.md does not show this file; it names the helpers and links here. Each builds what a
program would write for it, in a few resources. The examples are checked for their own rule only,
so what a helper builds decides no example's verdict on another rule.
"""

from __future__ import annotations

import json
from typing import List, Tuple

import pulumi
import pulumi_aws as aws

RUNTIME = "python3.14"

LAMBDA_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


def lambda_role(name: str = "fn-role") -> aws.iam.Role:
    """A role that Lambda may assume, with no permissions yet."""
    return aws.iam.Role(name, assume_role_policy=LAMBDA_TRUST_POLICY)


def lambda_function(name: str = "fn", **args) -> aws.lambda_.Function:
    """A Python function with its own role; `args` are more of the function's arguments."""
    args.setdefault("role", lambda_role(f"{name}-role").arn)
    return aws.lambda_.Function(name, runtime=RUNTIME, handler="app.handler", code=pulumi.FileArchive("./app"),
                                **args)


def private_subnets() -> Tuple[List[aws.ec2.Subnet], aws.ec2.SecurityGroup]:
    """Two private subnets in different Availability Zones, and a security group for functions."""
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", enable_dns_hostnames=True, enable_dns_support=True)
    zones = aws.get_availability_zones(state="available").names
    subnets = [aws.ec2.Subnet(f"private-{i}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=zone)
               for i, zone in enumerate(zones[:2])]
    group = aws.ec2.SecurityGroup("functions", vpc_id=vpc.id, description="Lambda functions",
                                  egress=[aws.ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443,
                                                                          cidr_blocks=["10.0.0.0/16"])])
    return subnets, group


def alert_topic() -> aws.sns.Topic:
    """An encrypted SNS topic that alarms notify."""
    key = aws.kms.Key("alerts-key", enable_key_rotation=True)
    return aws.sns.Topic("alerts", kms_master_key_id=key.arn)
