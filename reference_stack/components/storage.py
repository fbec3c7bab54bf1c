"""A private, KMS-encrypted, TLS-only S3 bucket: the one way this stack makes a bucket."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

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


class ItemsTable(pulumi.ComponentResource):
    """The API's items: one DynamoDB item per upload (`id` = the upload key's random part), written
    by POST /items, marked processed by the image processor, listed by GET /items. Encrypted with
    the stack's customer-managed key, with point-in-time recovery (any second of the last 35 days),
    on-demand capacity and deletion protection. Its name carries `<project>-<stack>`."""

    def __init__(self, name: str, *, table_name: str, key_arn: pulumi.Input[str],
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:storage:ItemsTable", name, None, opts)
        self.table = aws.dynamodb.Table(
            name,
            name=table_name,
            billing_mode="PAY_PER_REQUEST",
            hash_key="id",
            attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=key_arn),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            deletion_protection_enabled=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn: pulumi.Output[str] = self.table.arn
        self.name: pulumi.Output[str] = self.table.name
        self._key_arn = key_arn
        self.register_outputs({"arn": self.table.arn, "name": self.table.name})

    def access(self, sid: str, actions: Sequence[str], region: str) -> List[Dict[str, Any]]:
        """IAM statements for `actions` on this table, and the key use DynamoDB makes on the caller's
        behalf (reads decrypt; writes also need new data keys), through DynamoDB only."""
        writes = any(not a.startswith(("dynamodb:Get", "dynamodb:Query", "dynamodb:Scan")) for a in actions)
        return [
            {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": self.arn},
            {"Sid": f"{sid}Key", "Effect": "Allow",
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"] if writes else ["kms:Decrypt"],
             "Resource": self._key_arn,
             "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}}},
        ]
