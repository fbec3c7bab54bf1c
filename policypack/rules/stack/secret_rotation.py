"""Stack rule: every Secrets Manager secret of the stack is rotated by a `SecretRotation`."""

from __future__ import annotations

from typing import Iterator

from ...core.graph import StackGraph
from ...core.rule import ADVISORY, MEDIUM, Config, StackViolation, stack_rule
from ...core.types import SECRET, SECRET_ROTATION
from .indexes import attached


@stack_rule(
    name="aws-secretsmanager-secret-rotation",
    description="Every Secrets Manager secret is rotated automatically.",
    resource_types=[SECRET, SECRET_ROTATION],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "Add `aws.secretsmanager.SecretRotation(secret_id=secret.id, rotation_lambda_arn=rotator.arn, "
        "rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(automatically_after_days=30))` "
        "with a rotation function (AWS publishes templates for RDS, Redshift, DocumentDB and others) that "
        "Secrets Manager may invoke. A secret that cannot be rotated (e.g. a third party's API key) is "
        "exempted with a reason and an expiry."
    ),
    url="https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",
    tags=["secretsmanager", "secrets", "stack"],
)
def secret_rotation(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    rotations = attached(graph, (SECRET_ROTATION,), "secretId", (SECRET,))
    if rotations.floating:
        return  # a rotation whose secret is not known yet (preview) may rotate any of them
    for secret in graph.of_type(SECRET):
        if not rotations.of(secret):
            yield StackViolation(secret.urn, (
                "no SecretRotation rotates this secret, so a leaked value stays valid until someone changes "
                "it by hand: add an aws.secretsmanager.SecretRotation with `secretId` set to this secret "
                "(`secret.id`) and a rotation function."))


POLICIES = [secret_rotation]
