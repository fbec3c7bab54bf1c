"""SQS and SNS resource rules: messages at rest are encrypted with a KMS key."""

from __future__ import annotations

from typing import Any, Iterator

from ..core.props import UNKNOWN, get, show
from ..core.rule import HIGH, MANDATORY, Config, Resource, resource_rule
from ..core.types import QUEUE, TOPIC


def _key_state(key_id: Any) -> str | None:
    """How `kmsMasterKeyId` fails ("is not set", "is empty", ...); None when a key is set or unknown."""
    if key_id is UNKNOWN or (isinstance(key_id, str) and key_id.strip()):
        return None
    if key_id is None:
        return "is not set"
    if key_id == "":
        return "is empty"
    return f"is {show(key_id)}"


@resource_rule(
    name="aws-sqs-queue-encrypted",
    description="SQS queues encrypt messages at rest with a KMS key.",
    resource_types=[QUEUE],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Create an `aws.kms.Key` (with `enable_key_rotation=True`) and pass `kms_master_key_id=key.arn` to the "
        "`aws.sqs.Queue`; grant the producers and consumers `kms:GenerateDataKey` and `kms:Decrypt` on it."
    ),
    url=(
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
        "sqs-server-side-encryption.html"
    ),
    config_options={
        "allowSqsManagedSse": {
            "type": "boolean",
            "default": False,
            "description": "Accept SQS-managed encryption (`sqsManagedSseEnabled: true`) in place of a KMS key.",
        },
    },
    tags=["sqs", "encryption"],
)
def sqs_queue_encrypted(resource: Resource, config: Config) -> Iterator[str]:
    state = _key_state(get(resource.props, "kmsMasterKeyId"))
    if state is None:
        return
    managed_sse = get(resource.props, "sqsManagedSseEnabled")
    if config.get("allowSqsManagedSse") is True:
        if managed_sse is True or managed_sse is UNKNOWN:
            return
        yield (
            f"`kmsMasterKeyId` {state} and `sqsManagedSseEnabled` is not true: set `kmsMasterKeyId` to a "
            "customer-managed KMS key (e.g. `key.arn`), or set `sqsManagedSseEnabled` to true."
        )
    elif managed_sse is True:
        yield (
            f"`kmsMasterKeyId` {state}: the queue relies on SQS-managed encryption (`sqsManagedSseEnabled`), "
            "whose key belongs to SQS, so no key policy of yours controls who can decrypt; set "
            "`kmsMasterKeyId` to a customer-managed KMS key (e.g. `key.arn`)."
        )
    else:
        yield (
            f"`kmsMasterKeyId` {state}, so no key you control protects the queued messages: "
            "set it to a customer-managed KMS key (e.g. `key.arn`)."
        )


@resource_rule(
    name="aws-sns-topic-encrypted",
    description="SNS topics encrypt messages at rest with a KMS key.",
    resource_types=[TOPIC],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Create an `aws.kms.Key` (with `enable_key_rotation=True`) and pass `kms_master_key_id=key.arn` to the "
        "`aws.sns.Topic`; let the services that publish to it (e.g. `cloudwatch.amazonaws.com`) use the key "
        "through its key policy."
    ),
    url="https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html",
    tags=["sns", "encryption"],
)
def sns_topic_encrypted(resource: Resource, config: Config) -> Iterator[str]:
    state = _key_state(get(resource.props, "kmsMasterKeyId"))
    if state is not None:
        yield (
            f"`kmsMasterKeyId` {state}, so the topic stores messages unencrypted: "
            "set it to a customer-managed KMS key (e.g. `key.arn`)."
        )


POLICIES = [sqs_queue_encrypted, sns_topic_encrypted]
