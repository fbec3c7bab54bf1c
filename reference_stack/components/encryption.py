"""The stack's customer-managed KMS key: rotated yearly, with a key policy that lets exactly the
AWS services that encrypt with it on the stack's behalf (CloudWatch Logs for the log groups,
CloudWatch alarms publishing to the encrypted SNS topic) use it. Buckets, the queue and the SSM
parameters are used through IAM roles that the account root statement delegates to.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pulumi
import pulumi_aws as aws


def key_policy(partition: str, account_id: str, region: str, *, for_logs_and_alarms: bool) -> Dict[str, Any]:
    statements: List[Dict[str, Any]] = [
        {
            # Without it nobody in the account could manage the key; IAM policies grant the rest.
            "Sid": "AccountAdministersTheKeyThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if for_logs_and_alarms:
        statements += [
            {
                "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {"ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account_id}:log-group:*"}},
            },
            {
                "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


class StackKey(pulumi.ComponentResource):
    """A symmetric customer-managed key with automatic rotation and an alias."""

    def __init__(self, name: str, *, alias: str, partition: str, account_id: str, region: str,
                 for_logs_and_alarms: bool = True, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:security:StackKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = aws.kms.Key(
            name,
            description=f"Data at rest of {alias}",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=30,
            # every part is known before deployment: the policy is a plain JSON document
            policy=json.dumps(key_policy(partition, account_id, region, for_logs_and_alarms=for_logs_and_alarms)),
            opts=child,
        )
        self.alias = aws.kms.Alias(f"{name}-alias", name=f"alias/{alias}", target_key_id=self.key.key_id, opts=child)
        self.arn: pulumi.Output[str] = self.key.arn
        self.register_outputs({"arn": self.key.arn})
