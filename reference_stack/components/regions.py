"""The multi-region pattern: one explicit `aws.Provider` per region listed in config `regions`.

The stack's own region is `aws:region` (default us-west-2). For every other region in `regions`
the program creates an explicit provider pinned to that region and, through it, a replica of the
processed images: a KMS key of that region and a SecureBucket, filled by S3 replication from the
images bucket. Adding a region is one config change (`pulumi config set --path 'regions[1]'
eu-west-1`); nothing in the code names a region.
"""

from __future__ import annotations

import json
from typing import List, Optional

import pulumi
import pulumi_aws as aws

from .encryption import StackKey
from .image_pipeline import OUTPUT_PREFIX
from .settings import Settings
from .storage import SecureBucket

S3_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


class RegionalReplica(pulumi.ComponentResource):
    """What one extra region holds; every child is created through that region's provider."""

    def __init__(self, name: str, *, region: str, settings: Settings, partition: str, account_id: str,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:regions:RegionalReplica", name, None, opts)
        self.region = region
        self.provider = aws.Provider(f"aws-{region}", region=region, opts=pulumi.ResourceOptions(parent=self))
        in_region = pulumi.ResourceOptions(parent=self, providers=[self.provider])
        self.key = StackKey(f"{name}-key", alias=f"{settings.base_name}-replica-{region}", partition=partition,
                            account_id=account_id, region=region, for_logs_and_alarms=False, opts=in_region)
        self.bucket = SecureBucket(f"{name}-images", key_arn=self.key.arn, versioned=True, opts=in_region)
        self.register_outputs({"bucket": self.bucket.name})


class RegionalReplicas(pulumi.ComponentResource):
    def __init__(self, name: str, *, settings: Settings, source: SecureBucket, source_key_arn: pulumi.Input[str],
                 partition: str, account_id: str, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:regions:RegionalReplicas", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.replicas: List[RegionalReplica] = [
            RegionalReplica(f"{name}-{region}", region=region, settings=settings, partition=partition,
                            account_id=account_id, opts=child)
            for region in settings.replica_regions
        ]
        if not self.replicas:
            self.register_outputs({})
            return
        if source.versioning is None:
            raise ValueError("replication needs a versioned source bucket (SecureBucket(versioned=True))")

        role = aws.iam.Role(f"{name}-role", description="S3 replication of processed images",
                            assume_role_policy=S3_TRUST_POLICY, opts=child)
        policy = aws.iam.RolePolicy(f"{name}-policy", role=role.id,
                                    policy=self._replication_policy(settings, source, source_key_arn), opts=child)
        aws.s3.BucketReplicationConfig(
            f"{name}-config",
            bucket=source.bucket.id,
            role=role.arn,
            rules=[self._rule(index, replica) for index, replica in enumerate(self.replicas)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[source.versioning, policy]),
        )
        self.register_outputs({"buckets": {r.region: r.bucket.name for r in self.replicas}})

    def _replication_policy(self, settings: Settings, source: SecureBucket,
                            source_key_arn: pulumi.Input[str]) -> pulumi.Output[str]:
        return pulumi.Output.json_dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ReadReplicationConfiguration", "Effect": "Allow",
                 "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": source.arn},
                {"Sid": "ReadProcessedImageVersions", "Effect": "Allow",
                 "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                            "s3:GetObjectVersionTagging"],
                 "Resource": pulumi.Output.concat(source.arn, "/", OUTPUT_PREFIX, "*")},
                {"Sid": "WriteReplicas", "Effect": "Allow",
                 "Action": ["s3:ReplicateObject", "s3:ReplicateTags"],
                 "Resource": [pulumi.Output.concat(r.bucket.arn, "/", OUTPUT_PREFIX, "*") for r in self.replicas]},
                {"Sid": "DecryptSourceObjects", "Effect": "Allow", "Action": ["kms:Decrypt"],
                 "Resource": source_key_arn,
                 "Condition": {"StringEquals": {"kms:ViaService": f"s3.{settings.region}.amazonaws.com"}}},
                {"Sid": "EncryptReplicas", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                 "Resource": [r.key.arn for r in self.replicas],
                 "Condition": {"StringEquals": {
                     "kms:ViaService": [f"s3.{r.region}.amazonaws.com" for r in self.replicas]}}},
            ],
        })

    @staticmethod
    def _rule(index: int, replica: RegionalReplica) -> aws.s3.BucketReplicationConfigRuleArgs:
        return aws.s3.BucketReplicationConfigRuleArgs(
            id=f"processed-images-to-{replica.region}",
            status="Enabled",
            priority=index + 1,
            filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=OUTPUT_PREFIX),
            delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Disabled"),
            source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                    status="Enabled"),
            ),
            destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                bucket=replica.bucket.arn,
                storage_class="STANDARD",
                encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                    replica_kms_key_id=replica.key.arn),
            ),
        )
