from policypack.core.types import KMS_KEY
from policypack.rules.kms import key_rotation_enabled
from tests.support.harness import UNKNOWN_BOOL, Violation, analyze

NAME = "aws-kms-key-rotation-enabled"


def test_rotating_symmetric_key_passes():
    assert analyze(key_rotation_enabled, KMS_KEY, {"enableKeyRotation": True}) == []


def test_key_without_rotation_is_reported():
    assert analyze(key_rotation_enabled, KMS_KEY, {"description": "k"}) == [
        Violation(NAME, "mandatory",
                  "`enableKeyRotation` is not set (AWS defaults to no rotation): set it to true.",
                  "")  # the SDK reports resource violations without a URN: the engine adds it
    ]


def test_key_with_rotation_false_is_reported_exactly():
    assert analyze(key_rotation_enabled, KMS_KEY, {"enableKeyRotation": False}) == [
        Violation(NAME, "mandatory", "`enableKeyRotation` is false: set it to true.", "")
    ]


def test_unknown_rotation_in_preview_is_deferred():
    assert analyze(key_rotation_enabled, KMS_KEY, {"enableKeyRotation": UNKNOWN_BOOL}) == []


def test_asymmetric_key_is_not_applicable():
    props = {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"}
    assert analyze(key_rotation_enabled, KMS_KEY, props) == []


def test_other_types_are_not_applicable():
    assert analyze(key_rotation_enabled, "aws:s3/bucket:Bucket", {}) == []
