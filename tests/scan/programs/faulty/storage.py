"""Storage for the faulty program (a second module, so findings point at the right file)."""

import pulumi_aws as aws


def make_bucket(name: str) -> aws.s3.Bucket:
    return aws.s3.Bucket(
        "uploads",
        bucket=name,
    )
