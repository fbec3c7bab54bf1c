"""SQS and SNS resource rules: messages at rest are encrypted with a customer-managed KMS key.

Not with the AWS-managed key (`alias/aws/sqs`, `alias/aws/sns`): its key policy cannot be changed, so
the AWS services that deliver to a queue or topic (SNS, S3 event notifications, EventBridge,
CloudWatch alarms) cannot use it, and what they send is lost.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ..core.arn import aws_managed_key_alias
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


ALLOW_AWS_MANAGED_KEY = {
    "type": "boolean",
    "default": False,
    "description": "Accept the AWS-managed key (`alias/aws/<service>`), for queues and topics that only principals "
    "of this account use.",
}


def _aws_managed_key_message(key_id: Any, config: Config, senders: str, verb: str, fallback: str) -> Optional[str]:
    """The message for an AWS-managed key, None when the key is another one or the option allows it."""
    alias = aws_managed_key_alias(key_id)
    if alias is None or config.get("allowAwsManagedKey") is True:
        return None
    return (
        f"`kmsMasterKeyId` is {show(key_id, 200)}, an AWS-managed key whose key policy cannot be changed: "
        f"{senders} cannot use it, so what they {verb} is lost. Set it to a customer-managed KMS key (e.g. `key.arn`) "
        f"whose key policy lets them, or set `allowAwsManagedKey` if only {fallback}."
    )


@resource_rule(
    name="aws-sqs-queue-encrypted",
    description="SQS queues encrypt messages at rest with a customer-managed KMS key.",
    resource_types=[QUEUE],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Create an `aws.kms.Key` (with `enable_key_rotation=True`) and pass `kms_master_key_id=key.arn` to the "
        "`aws.sqs.Queue`; grant the producers and consumers `kms:GenerateDataKey` and `kms:Decrypt` on it."
    ),
    url=(
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
        "sqs-key-management.html#compatibility-with-aws-services"
    ),
    config_options={
        "allowSqsManagedSse": {
            "type": "boolean",
            "default": False,
            "description": "Accept SQS-managed encryption (`sqsManagedSseEnabled: true`) in place of a KMS key.",
        },
        "allowAwsManagedKey": ALLOW_AWS_MANAGED_KEY,
    },
    tags=["sqs", "encryption"],
)
def sqs_queue_encrypted(resource: Resource, config: Config) -> Iterator[str]:
    key_id = get(resource.props, "kmsMasterKeyId")
    state = _key_state(key_id)
    if state is None:
        message = _aws_managed_key_message(
            key_id, config, "the services that send to a queue (SNS, S3 event notifications, EventBridge)", "send",
            "principals of this account send to the queue")
        if message:
            yield message
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
    description="SNS topics encrypt messages at rest with a customer-managed KMS key.",
    resource_types=[TOPIC],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Create an `aws.kms.Key` (with `enable_key_rotation=True`) and pass `kms_master_key_id=key.arn` to the "
        "`aws.sns.Topic`; let the services that publish to it (e.g. `cloudwatch.amazonaws.com`) use the key "
        "through its key policy."
    ),
    url="https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
    config_options={"allowAwsManagedKey": ALLOW_AWS_MANAGED_KEY},
    tags=["sns", "encryption"],
)
def sns_topic_encrypted(resource: Resource, config: Config) -> Iterator[str]:
    key_id = get(resource.props, "kmsMasterKeyId")
    state = _key_state(key_id)
    if state is None:
        message = _aws_managed_key_message(
            key_id, config, "the services that publish to a topic (CloudWatch alarms, EventBridge, S3 event "
            "notifications)", "publish", "principals of this account publish to the topic")
        if message:
            yield message
    else:
        yield (
            f"`kmsMasterKeyId` {state}, so the topic stores messages unencrypted: "
            "set it to a customer-managed KMS key (e.g. `key.arn`)."
        )


POLICIES = [sqs_queue_encrypted, sns_topic_encrypted]
