import pulumi
import pulumi_aws as aws
from _common import lambda_role, private_subnets

role = lambda_role()
subnets, lambda_sg = private_subnets()

# --- reported
fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"))
# reported on fn: `vpcConfig` is not set: the function runs outside your VPC. Set `vpc_config` with subnet IDs
#   in at least two Availability Zones and a security group ID.

# --- passes
fn = aws.lambda_.Function(
    "fn",
    role=role.arn,
    runtime="python3.14",
    handler="app.handler",
    code=pulumi.FileArchive("./app"),
    vpc_config=aws.lambda_.FunctionVpcConfigArgs(
        subnet_ids=[subnet.id for subnet in subnets],  # two Availability Zones
        security_group_ids=[lambda_sg.id],
    ),
)
