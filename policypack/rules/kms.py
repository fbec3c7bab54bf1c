"""KMS rules."""

from __future__ import annotations

from typing import Iterator

from ..core.props import UNKNOWN, get, show
from ..core.rule import HIGH, MANDATORY, Config, Resource, resource_rule
from ..core.types import KMS_KEY

SYMMETRIC = "SYMMETRIC_DEFAULT"


@resource_rule(
    name="aws-kms-key-rotation-enabled",
    description="Symmetric KMS keys rotate their key material every year.",
    resource_types=[KMS_KEY],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Set `enable_key_rotation=True` on the `aws.kms.Key` (optionally `rotation_period_in_days`).",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    tags=["kms", "encryption"],
)
def key_rotation_enabled(resource: Resource, config: Config) -> Iterator[str]:
    spec = get(resource.props, "customerMasterKeySpec", SYMMETRIC)
    usage = get(resource.props, "keyUsage", "ENCRYPT_DECRYPT")
    if spec is UNKNOWN or usage is UNKNOWN:
        return  # applicability needs the unknown value: decide in the update
    if spec != SYMMETRIC or usage != "ENCRYPT_DECRYPT":
        return  # asymmetric and HMAC keys cannot rotate automatically
    rotation = get(resource.props, "enableKeyRotation")
    if rotation is UNKNOWN or rotation is True:
        return
    if rotation is None:
        yield "`enableKeyRotation` is not set (AWS defaults to no rotation): set it to true."
    else:
        yield f"`enableKeyRotation` is {show(rotation)}: set it to true."


POLICIES = [key_rotation_enabled]
