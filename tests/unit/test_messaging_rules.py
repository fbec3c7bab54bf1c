import pytest

from policypack.core.types import QUEUE, TOPIC
from policypack.rules.messaging import sns_topic_encrypted, sqs_queue_encrypted
from tests.support.harness import UNKNOWN_BOOL, UNKNOWN_STRING, Violation, analyze

SQS = "aws-sqs-queue-encrypted"
SNS = "aws-sns-topic-encrypted"

KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NO_KEY_YOU_CONTROL = (
    "so no key you control protects the queued messages: set it to a customer-managed KMS key (e.g. `key.arn`)."
)
SSE_SQS = (
    "`kmsMasterKeyId` is not set: the queue relies on SQS-managed encryption (`sqsManagedSseEnabled`), "
    "whose key belongs to SQS, so no key policy of yours controls who can decrypt; set "
    "`kmsMasterKeyId` to a customer-managed KMS key (e.g. `key.arn`)."
)
ALLOW_SSE = {SQS: {"allowSqsManagedSse": True}}


def sqs_violation(message: str) -> Violation:
    return Violation(SQS, "mandatory", message, "")


# -- aws-sqs-queue-encrypted ------------------------------------------------------------------


def test_queue_with_kms_key_passes():
    assert analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": KEY_ARN}) == []


def test_queue_without_key_is_reported():
    assert analyze(sqs_queue_encrypted, QUEUE, {"visibilityTimeoutSeconds": 30}) == [
        sqs_violation(f"`kmsMasterKeyId` is not set, {NO_KEY_YOU_CONTROL}")
    ]


def test_queue_with_empty_key_is_reported():
    assert analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": ""}) == [
        sqs_violation(f"`kmsMasterKeyId` is empty, {NO_KEY_YOU_CONTROL}")
    ]


def test_queue_with_sqs_managed_encryption_is_reported_by_default():
    assert analyze(sqs_queue_encrypted, QUEUE, {"sqsManagedSseEnabled": True}) == [sqs_violation(SSE_SQS)]


def test_unknown_key_in_preview_is_deferred():
    assert analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": UNKNOWN_STRING}) == []


def test_allow_sqs_managed_sse_accepts_sse_sqs():
    assert analyze(sqs_queue_encrypted, QUEUE, {"sqsManagedSseEnabled": True}, config=ALLOW_SSE) == []


def test_allow_sqs_managed_sse_still_reports_a_queue_with_neither():
    assert analyze(sqs_queue_encrypted, QUEUE, {"sqsManagedSseEnabled": False}, config=ALLOW_SSE) == [
        sqs_violation(
            "`kmsMasterKeyId` is not set and `sqsManagedSseEnabled` is not true: set `kmsMasterKeyId` to a "
            "customer-managed KMS key (e.g. `key.arn`), or set `sqsManagedSseEnabled` to true."
        )
    ]


def test_allow_sqs_managed_sse_defers_an_unknown_flag():
    assert analyze(sqs_queue_encrypted, QUEUE, {"sqsManagedSseEnabled": UNKNOWN_BOOL}, config=ALLOW_SSE) == []


def test_unknown_sse_flag_does_not_excuse_a_missing_key_by_default():
    # the violation rests on the known missing key, not on the unknown flag
    assert analyze(sqs_queue_encrypted, QUEUE, {"sqsManagedSseEnabled": UNKNOWN_BOOL}) == [
        sqs_violation(f"`kmsMasterKeyId` is not set, {NO_KEY_YOU_CONTROL}")
    ]


AWS_MANAGED_SQS = (
    "an AWS-managed key whose key policy cannot be changed: the services that send to a queue (SNS, S3 event "
    "notifications, EventBridge) cannot use it, so what they send is lost. Set it to a customer-managed KMS key "
    "(e.g. `key.arn`) whose key policy lets them, or set `allowAwsManagedKey` if only principals of this account "
    "send to the queue."
)


@pytest.mark.parametrize("key_id", ["alias/aws/sqs", "arn:aws:kms:us-west-2:123456789012:alias/aws/sqs",
                                    " alias/aws/sqs", "ALIAS/AWS/SQS"])
def test_queue_with_the_aws_managed_key_is_reported(key_id):
    assert analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": key_id}) == [
        sqs_violation(f'`kmsMasterKeyId` is "{key_id}", {AWS_MANAGED_SQS}')
    ]


def test_allow_aws_managed_key_accepts_the_aws_managed_key_for_a_queue():
    config = {SQS: {"allowAwsManagedKey": True}}
    assert analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": "alias/aws/sqs"}, config=config) == []


def test_allow_aws_managed_key_still_requires_a_key():
    config = {SQS: {"allowAwsManagedKey": True}}
    assert analyze(sqs_queue_encrypted, QUEUE, {}, config=config) == [
        sqs_violation(f"`kmsMasterKeyId` is not set, {NO_KEY_YOU_CONTROL}")
    ]


@pytest.mark.parametrize("key_id", ["alias/app-queues", "arn:aws:kms:us-west-2:123456789012:alias/app-queues",
                                    "1234abcd-12ab-34cd-56ef-1234567890ab", "alias/awsome"])
def test_queue_with_a_customer_key_reference_passes(key_id):
    assert analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": key_id}) == []


def test_other_types_are_not_applicable_to_the_queue_rule():
    assert analyze(sqs_queue_encrypted, TOPIC, {}) == []


# -- aws-sns-topic-encrypted ------------------------------------------------------------------


def sns_violation(state: str) -> Violation:
    return Violation(
        SNS,
        "mandatory",
        f"`kmsMasterKeyId` {state}, so the topic stores messages unencrypted: "
        "set it to a customer-managed KMS key (e.g. `key.arn`).",
        "",
    )


def test_topic_with_kms_key_passes():
    assert analyze(sns_topic_encrypted, TOPIC, {"kmsMasterKeyId": "alias/alerts"}) == []


def test_topic_without_key_is_reported():
    assert analyze(sns_topic_encrypted, TOPIC, {"name": "alerts"}) == [sns_violation("is not set")]


def test_topic_with_empty_key_is_reported():
    assert analyze(sns_topic_encrypted, TOPIC, {"kmsMasterKeyId": ""}) == [sns_violation("is empty")]


def test_topic_with_a_non_string_key_is_reported():
    assert analyze(sns_topic_encrypted, TOPIC, {"kmsMasterKeyId": 42}) == [sns_violation("is 42")]


def test_unknown_topic_key_in_preview_is_deferred():
    assert analyze(sns_topic_encrypted, TOPIC, {"kmsMasterKeyId": UNKNOWN_STRING}) == []


AWS_MANAGED_SNS = (
    "an AWS-managed key whose key policy cannot be changed: the services that publish to a topic (CloudWatch "
    "alarms, EventBridge, S3 event notifications) cannot use it, so what they publish is lost. Set it to a "
    "customer-managed KMS key (e.g. `key.arn`) whose key policy lets them, or set `allowAwsManagedKey` if only "
    "principals of this account publish to the topic."
)


@pytest.mark.parametrize("key_id", ["alias/aws/sns", "arn:aws:kms:eu-central-1:123456789012:alias/aws/sns"])
def test_topic_with_the_aws_managed_key_is_reported(key_id):
    assert analyze(sns_topic_encrypted, TOPIC, {"kmsMasterKeyId": key_id}) == [
        Violation(SNS, "mandatory", f'`kmsMasterKeyId` is "{key_id}", {AWS_MANAGED_SNS}', "")
    ]


def test_allow_aws_managed_key_accepts_the_aws_managed_key_for_a_topic():
    config = {SNS: {"allowAwsManagedKey": True}}
    assert analyze(sns_topic_encrypted, TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}, config=config) == []


def test_other_types_are_not_applicable_to_the_topic_rule():
    assert analyze(sns_topic_encrypted, QUEUE, {}) == []
