"""Secrets Manager resource rule: secrets are encrypted under a customer-managed key.

Messages quote key references only, never a secret's value. Rotation is a stack rule
(`rules/stack/secret_rotation.py`): it needs the `SecretRotation` resources of the stack.
"""

from __future__ import annotations

from typing import Iterator

from ..core.props import get, show
from ..core.rule import HIGH, MANDATORY, Config, Resource, resource_rule
from ..core.types import SECRET
from .shared import customer_key_state


@resource_rule(
    name="aws-secretsmanager-secret-encrypted-kms",
    description="Secrets Manager secrets are encrypted with a customer-managed KMS key.",
    resource_types=[SECRET],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Pass `kms_key_id=key.arn` (a customer-managed `aws.kms.Key` with rotation on) to the "
        "`aws.secretsmanager.Secret`, and `kms_key_id` to each `replicas` entry (a key of the replica's "
        "region); grant the functions that read the secret `kms:Decrypt` on the key with the condition "
        "`kms:ViaService` = `secretsmanager.<region>.amazonaws.com`."
    ),
    url="https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
    tags=["secretsmanager", "secrets", "encryption"],
)
def secret_encrypted_kms(resource: Resource, config: Config) -> Iterator[str]:
    state = customer_key_state(get(resource.props, "kmsKeyId"))
    if state is not None:
        yield (
            f"`kmsKeyId` {state}, so the secret is encrypted with the AWS-managed key aws/secretsmanager, "
            "which every principal of the account allowed to read the secret may use: set it to a "
            "customer-managed KMS key (e.g. `key.arn`), whose key policy you control."
        )
    replicas = get(resource.props, "replicas")
    for index, replica in enumerate(replicas if isinstance(replicas, list) else []):
        if not isinstance(replica, dict):
            continue
        replica_state = customer_key_state(get(replica, "kmsKeyId"))
        if replica_state is not None:
            region = get(replica, "region")
            where = f"in {show(region)} " if isinstance(region, str) else ""
            yield (
                f"`replicas[{index}].kmsKeyId` {replica_state}, so the replica {where}is encrypted with the "
                "AWS-managed key of its region: set it to a customer-managed KMS key of that region."
            )


POLICIES = [secret_encrypted_kms]
