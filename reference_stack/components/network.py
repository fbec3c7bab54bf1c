"""A private network for the functions: two subnets in two Availability Zones, no internet path.

There is no internet gateway and no NAT. The functions reach S3 and DynamoDB through gateway
endpoints whose policies only admit this stack's buckets and tables, and the other AWS APIs they
call (SSM Parameter Store, X-Ray) through interface endpoints. Their security group allows HTTPS out to those endpoints
only, and nothing in.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

import pulumi
import pulumi_aws as aws

HTTPS = 443


def s3_endpoint_policy(bucket_arns: Sequence[pulumi.Input[str]]) -> pulumi.Output[str]:
    resources: List[pulumi.Input[str]] = []
    for arn in bucket_arns:
        resources += [arn, pulumi.Output.concat(arn, "/*")]
    return pulumi.Output.json_dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyThisStacksBuckets",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
            "Resource": resources,
        }],
    })


def dynamodb_endpoint_policy(table_arns: Sequence[pulumi.Input[str]]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyThisStacksTables",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"],
            "Resource": list(table_arns),
        }],
    })


class PrivateNetwork(pulumi.ComponentResource):
    def __init__(self, name: str, *, region: str, s3_bucket_arns: Sequence[pulumi.Input[str]],
                 dynamodb_table_arns: Sequence[pulumi.Input[str]] = (),
                 interface_services: Sequence[str] = ("ssm", "xray"), cidr_block: str = "10.20.0.0/16",
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:network:PrivateNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zones = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(parent=self)).names[:2]
        if len(zones) < 2:
            raise ValueError(f"region {region} has fewer than two available Availability Zones")

        self.vpc = aws.ec2.Vpc(name, cidr_block=cidr_block, enable_dns_support=True,
                               enable_dns_hostnames=True,  # interface endpoints need private DNS
                               tags={"Name": name}, opts=child)
        route_table = aws.ec2.RouteTable(f"{name}-private", vpc_id=self.vpc.id, tags={"Name": f"{name}-private"},
                                         opts=child)  # local routes only: no internet path
        self.subnets = [self._private_subnet(name, index, zone, cidr_block, route_table) for index, zone in enumerate(zones)]
        self.subnet_ids: List[pulumi.Output[str]] = [s.id for s in self.subnets]

        self.function_security_group = aws.ec2.SecurityGroup(
            f"{name}-functions", vpc_id=self.vpc.id,
            description="Lambda functions: no inbound, HTTPS out to the VPC endpoints only", opts=child)
        endpoint_security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints", vpc_id=self.vpc.id,
            description="Interface endpoints: HTTPS in from the functions only", opts=child)

        s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3", vpc_id=self.vpc.id, service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway", route_table_ids=[route_table.id],
            policy=s3_endpoint_policy(s3_bucket_arns), opts=child)
        gateways = [s3_endpoint]
        if dynamodb_table_arns:
            gateways.append(aws.ec2.VpcEndpoint(
                f"{name}-dynamodb", vpc_id=self.vpc.id, service_name=f"com.amazonaws.{region}.dynamodb",
                vpc_endpoint_type="Gateway", route_table_ids=[route_table.id],
                policy=dynamodb_endpoint_policy(dynamodb_table_arns), opts=child))
        for service in interface_services:
            aws.ec2.VpcEndpoint(
                f"{name}-{service}", vpc_id=self.vpc.id, service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Interface", private_dns_enabled=True, subnet_ids=self.subnet_ids,
                security_group_ids=[endpoint_security_group.id], opts=child)

        for gateway, (service, title) in zip(gateways, (("s3", "S3"), ("dynamodb", "DynamoDB"))):
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-functions-to-{service}", security_group_id=self.function_security_group.id,
                description=f"HTTPS to {title} through the gateway endpoint", ip_protocol="tcp",
                from_port=HTTPS, to_port=HTTPS, prefix_list_id=gateway.prefix_list_id, opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-functions-to-endpoints", security_group_id=self.function_security_group.id,
            description="HTTPS to the interface endpoints", ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS,
            referenced_security_group_id=endpoint_security_group.id, opts=child)
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-from-functions", security_group_id=endpoint_security_group.id,
            description="HTTPS from the functions", ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS,
            referenced_security_group_id=self.function_security_group.id, opts=child)

        self.security_group_ids: List[pulumi.Output[str]] = [self.function_security_group.id]
        self.register_outputs({"vpcId": self.vpc.id, "subnetIds": self.subnet_ids})

    def _private_subnet(self, name: str, index: int, zone: str, cidr_block: str,
                        route_table: aws.ec2.RouteTable) -> aws.ec2.Subnet:
        child = pulumi.ResourceOptions(parent=self)
        base = cidr_block.split(".")
        subnet = aws.ec2.Subnet(
            f"{name}-private-{index + 1}", vpc_id=self.vpc.id, availability_zone=zone,
            cidr_block=f"{base[0]}.{base[1]}.{index * 16}.0/20", map_public_ip_on_launch=False,
            tags={"Name": f"{name}-private-{zone}"}, opts=child)
        aws.ec2.RouteTableAssociation(f"{name}-private-{index + 1}", subnet_id=subnet.id,
                                      route_table_id=route_table.id, opts=child)
        return subnet
