"""What the AWS provider's Check adds to a program's inputs before policies see them.

The real engine hands analyzers the inputs *after* Check: autonamed physical names
(`<logical-name>-<7 hex>`, known already in preview) and schema defaults. Programs run under
mocks give raw inputs, so the stand-in adds the same here. The suffix is derived from the URN
(stable across runs) instead of random, so results are reproducible.

Which property of which type is autonamed, and how (lowercase, maximum length, `.fifo`), is data
derived from the installed provider SDK (`policypack/data/aws_autonames.json`, written by
`scripts/gen_autonames.py`; a test keeps it fresh): every pulumi-aws type, not a hand list.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

AUTONAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "aws_autonames.json"


@lru_cache(maxsize=1)
def autonames() -> Dict[str, Any]:
    """The data file, read once (only the program runner needs it)."""
    return json.loads(AUTONAMES_FILE.read_text(encoding="utf-8"))


def autonamed(resource_type: str) -> Optional[Mapping[str, Any]]:
    """How the provider names a resource of this type when the program gives no name (or None)."""
    return autonames()["types"].get(resource_type)


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


def autoname(logical_name: str, urn: str, rule: Mapping[str, Any], fifo: bool = False) -> str:
    """`<logical>-<7 hex>` as the provider makes it: cut to the type's maximum length, lowercase
    where the type needs it, `.fifo` for FIFO queues and topics."""
    data = autonames()
    random_length = data["randomHexLength"]
    suffix = hashlib.sha1(urn.encode()).hexdigest()[:random_length]
    prefix = f"{logical_name}{data['separator']}"
    limit = rule.get("maxLength")
    if limit:
        limit -= len(".fifo") if fifo else 0
        prefix = prefix[:max(0, limit - random_length)]
    name = prefix + suffix
    if rule.get("lowercase"):
        name = name.lower()
    return name + (".fifo" if fifo else "")


def physical_name(resource_type: str, inputs: Mapping[str, Any]) -> Any:
    """The resource's physical name among its inputs, if it has one."""
    rule = autonamed(resource_type)
    if rule is not None and inputs.get(rule["property"]) is not None:
        return inputs[rule["property"]]
    return inputs.get("bucket") or inputs.get("name")


def apply_check(resource_type: str, logical_name: str, urn: str, inputs: Dict[str, Any]) -> Dict[str, Any]:
    """Inputs as the provider's Check returns them: autonamed and with defaults filled in."""
    checked = dict(inputs)
    for key, value in DEFAULTS.get(resource_type, {}).items():
        checked.setdefault(key, value)
    rule = autonamed(resource_type)
    if rule is not None:
        prop = rule["property"]
        if checked.get(prop) is None and checked.get(f"{prop}Prefix") is None:
            fifo = bool(rule.get("fifoFlag")) and checked.get(rule.get("fifoFlag")) is True
            checked[prop] = autoname(logical_name, urn, rule, fifo)
    return checked
