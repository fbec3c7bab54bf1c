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


def test_other_types_are_not_applicable_to_the_topic_rule():
    assert analyze(sns_topic_encrypted, QUEUE, {}) == []
