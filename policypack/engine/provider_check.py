"""What the AWS provider's Check adds to a program's inputs before policies see them.

The real engine hands analyzers the inputs *after* Check: autonamed physical names
(`<logical-name>-<7 hex>`, known already in preview) and schema defaults. Programs run under
mocks give raw inputs, so the stand-in adds the same here. The suffix is derived from the URN
(stable across runs) instead of random, so results are reproducible.
"""

from __future__ import annotations

import hashlib
from typing import Any, Dict

# type -> the property the provider autonames
AUTONAMED: Dict[str, str] = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:lambda/function:Function": "name",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/rolePolicy:RolePolicy": "name",
    "aws:iam/user:User": "name",
    "aws:iam/group:Group": "name",
    "aws:sqs/queue:Queue": "name",
    "aws:sns/topic:Topic": "name",
    "aws:ssm/parameter:Parameter": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:apigatewayv2/api:Api": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:lambda/layerVersion:LayerVersion": "layerName",
}

# the props whose presence means the program chose its own naming (no autoname is added)
NAME_PREFIX_PROPS = ("namePrefix", "bucketPrefix", "layerNamePrefix")

# schema defaults the provider fills in, by type
DEFAULTS: Dict[str, Dict[str, Any]] = {
    "aws:lambda/function:Function": {
        "reservedConcurrentExecutions": -1,
        "memorySize": 128,
        "timeout": 3,
        "packageType": "Zip",
        "publish": False,
    },
    "aws:kms/key:Key": {
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "keyUsage": "ENCRYPT_DECRYPT",
        "isEnabled": True,
        "enableKeyRotation": False,
    },
    "aws:sqs/queue:Queue": {
        "visibilityTimeoutSeconds": 30,
        "messageRetentionSeconds": 345600,
        "fifoQueue": False,
    },
    "aws:cloudwatch/logGroup:LogGroup": {"retentionInDays": 0, "skipDestroy": False},
    "aws:cloudwatch/metricAlarm:MetricAlarm": {"actionsEnabled": True, "treatMissingData": "missing"},
    "aws:ssm/parameter:Parameter": {"tier": "Standard"},
    "aws:iam/role:Role": {"path": "/", "maxSessionDuration": 3600, "forceDetachPolicies": False},
}


def autoname(logical_name: str, urn: str, resource_type: str) -> str:
    suffix = hashlib.sha1(urn.encode()).hexdigest()[:7]
    name = f"{logical_name}-{suffix}"
    if resource_type in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        name = name.lower()
    return name


def apply_check(resource_type: str, logical_name: str, urn: str, inputs: Dict[str, Any]) -> Dict[str, Any]:
    """Inputs as the provider's Check returns them: autonamed and with defaults filled in."""
    checked = dict(inputs)
    for key, value in DEFAULTS.get(resource_type, {}).items():
        checked.setdefault(key, value)
    prop = AUTONAMED.get(resource_type)
    if prop and prop not in checked and not any(p in checked for p in NAME_PREFIX_PROPS):
        if resource_type == "aws:sqs/queue:Queue" and checked.get("fifoQueue") is True:
            checked[prop] = autoname(logical_name, urn, resource_type) + ".fifo"
        else:
            checked[prop] = autoname(logical_name, urn, resource_type)
    return checked
