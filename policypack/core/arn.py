"""ARN parsing: `arn:partition:service:region:account:resource`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .secrets import like


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """`function` of `function:name`, `` for S3 and SQS (their resource is the name)."""
        for sep in (":", "/"):
            if sep in self.resource:
                return self.resource.split(sep, 1)[0]
        return ""


def parse_arn(value: Any) -> Optional[Arn]:
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) != 6 or not parts[1] or not parts[2]:
        return None
    return Arn(*(like(value, part) for part in parts[1:]))  # the parts of a secret ARN stay secret


def s3_bucket_and_key(value: Any) -> Optional[tuple]:
    """`arn:aws:s3:::bucket/key/prefix*` -> ("bucket", "key/prefix*"); ("bucket", None) for a bucket ARN."""
    arn = parse_arn(value)
    if arn is None or arn.service != "s3":
        return None
    bucket, sep, key = arn.resource.partition("/")
    return like(value, bucket), (like(value, key) if sep else None)


def aws_managed_key_alias(key_id: Any) -> Optional[str]:
    """`alias/aws/sqs` for a reference to an AWS-managed KMS key - its alias name or its alias ARN
    (`arn:aws:kms:us-west-2:123456789012:alias/aws/sqs`) - None for anything else (a key ID or ARN,
    a customer alias). The `alias/aws/` prefix is reserved for AWS-managed keys."""
    if not isinstance(key_id, str):
        return None
    text = key_id.strip()
    arn = parse_arn(text)
    alias = arn.resource if arn is not None and arn.service == "kms" else text
    return alias if alias.lower().startswith("alias/aws/") else None
