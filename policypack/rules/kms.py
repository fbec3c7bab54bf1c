"""KMS rules."""

from __future__ import annotations

from typing import Iterator

from ..core.props import UNKNOWN, get, show
from ..core.rule import HIGH, MANDATORY, Config, Resource, resource_rule
from ..core.types import KMS_KEY

SYMMETRIC = "SYMMETRIC_DEFAULT"


def _rotates_automatically(resource: Resource) -> bool | None:
    """Whether AWS can rotate the key (symmetric encryption keys only); None while unknown."""
    spec = get(resource.props, "customerMasterKeySpec", SYMMETRIC)
    usage = get(resource.props, "keyUsage", "ENCRYPT_DECRYPT")
    if spec is UNKNOWN or usage is UNKNOWN:
        return None
    return spec == SYMMETRIC and usage == "ENCRYPT_DECRYPT"


def rotation_on(resource: Resource, config: Config) -> dict | None:
    """Remediation: turn rotation on - only on keys that can rotate, never on asymmetric or HMAC keys."""
    rotation = get(resource.props, "enableKeyRotation")
    if _rotates_automatically(resource) and rotation is not True and rotation is not UNKNOWN:
        return {"enableKeyRotation": True}
    return None


@resource_rule(
    name="aws-kms-key-rotation-enabled",
    description="Symmetric KMS keys rotate their key material every year.",
    resource_types=[KMS_KEY],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Set `enable_key_rotation=True` on the `aws.kms.Key` (optionally `rotation_period_in_days`).",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    tags=["kms", "encryption"],
    fix=rotation_on,
)
def key_rotation_enabled(resource: Resource, config: Config) -> Iterator[str]:
    if not _rotates_automatically(resource):
        return  # asymmetric and HMAC keys cannot rotate automatically; unknown: decide in the update
    rotation = get(resource.props, "enableKeyRotation")
    if rotation is UNKNOWN or rotation is True:
        return
    if rotation is None:
        yield "`enableKeyRotation` is not set (AWS defaults to no rotation): set it to true."
    else:
        yield f"`enableKeyRotation` is {show(rotation)}: set it to true."


POLICIES = [key_rotation_enabled]
