"""ACME's pack: aws-serverless-guard's rules with ACME's defaults, one rule left out, one added."""

from acme_rules import cost_center_tag
from policypack.library import build_policies, serve

serve(
    build_policies(
        levels={
            "aws-lambda-function-in-vpc": "advisory",  # ACME runs most functions outside VPCs
            "acme-cost-center-tag": "mandatory",
        },
        options={"aws-lambda-function-concurrency-limit": {"max": 200}},
        exclude=["aws-s3-object-cache-control"],  # ACME serves no web content from S3
        extra=[cost_center_tag],
    ),
    name="acme-aws-guard",
    version="1.0.0",
)
