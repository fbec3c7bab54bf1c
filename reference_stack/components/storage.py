"""A private, KMS-encrypted, TLS-only S3 bucket: the one way this stack makes a bucket."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws


def tls_only_policy(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """Deny every request that does not use TLS (the `aws:SecureTransport` condition)."""
    return pulumi.Output.json_dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyRequestsWithoutTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })


class SecureBucket(pulumi.ComponentResource):
    """An autonamed bucket (globally unique name) with default SSE-KMS under the given
    customer-managed key, all four public-access blocks, a TLS-only policy and, when asked,
    versioning (replication needs it)."""

    def __init__(self, name: str, *, key_arn: pulumi.Input[str], versioned: bool = False,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:storage:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(name, opts=child)  # no `bucket=`: the provider adds a random suffix
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms",
                    kms_master_key_id=key_arn,
                ),
                bucket_key_enabled=True,  # one KMS call per bucket key, not per object
            )],
            opts=child,
        )
        public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=self.bucket.id,
            policy=tls_only_policy(self.bucket.arn),
            # S3 rejects policy writes that race the public-access-block update
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access_block]),
        )
        self.versioning: Optional[aws.s3.BucketVersioning] = None
        if versioned:
            self.versioning = aws.s3.BucketVersioning(
                f"{name}-versioning",
                bucket=self.bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=child,
            )
        self.arn: pulumi.Output[str] = self.bucket.arn
        self.name: pulumi.Output[str] = self.bucket.bucket
        self.register_outputs({"arn": self.bucket.arn, "name": self.bucket.bucket})
