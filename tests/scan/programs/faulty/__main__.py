"""A deliberately faulty image pipeline: the scanner tests expect what the pack says about it."""

import json

import pulumi
import pulumi_aws as aws

from storage import make_bucket

config = pulumi.Config()
uploads = make_bucket(config.get("bucketName") or "uploads-default")

role = aws.iam.Role(
    "processor-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }),
)
aws.iam.RolePolicyAttachment(
    "processor-basic",
    role=role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
)

processor = aws.lambda_.Function(
    "processor",
    runtime="python3.8",
    handler="app.handler",
    role=role.arn,
    code=pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(event, context):\n    return None\n")}),
    environment={"variables": {"BUCKET": uploads.bucket, "API_TOKEN": "hunter2-not-a-real-token"}},
)

aws.kms.Key("data-key", description="data key")

pulumi.export("bucket", uploads.bucket)
