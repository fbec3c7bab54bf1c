"""aws-secretsmanager-secret-encrypted-kms (rotation, a stack rule: tests/stack/test_secret_rotation.py)."""

from policypack.core.types import SECRET
from policypack.rules.secretsmanager import secret_encrypted_kms
from tests.support.harness import UNKNOWN_STRING, Violation, analyze, secret

RULE = "aws-secretsmanager-secret-encrypted-kms"
KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MANAGED = (
    "so the secret is encrypted with the AWS-managed key aws/secretsmanager, which every principal of the "
    "account allowed to read the secret may use: set it to a customer-managed KMS key (e.g. `key.arn`), whose "
    "key policy you control."
)


def violation(message):
    return Violation(RULE, "mandatory", message)


def test_secret_under_a_customer_managed_key_passes():
    assert analyze(secret_encrypted_kms, SECRET, {"name": "db-creds-dev", "kmsKeyId": KEY_ARN}) == []
    assert analyze(secret_encrypted_kms, SECRET, {"kmsKeyId": "alias/orders-dev"}) == []


def test_secret_without_a_key_is_reported():
    assert analyze(secret_encrypted_kms, SECRET, {"name": "db-creds-dev"}) == [
        violation(f"`kmsKeyId` is not set, {MANAGED}")]


def test_secret_under_the_aws_managed_key_is_reported():
    assert analyze(secret_encrypted_kms, SECRET, {"kmsKeyId": "alias/aws/secretsmanager"}) == [
        violation(f'`kmsKeyId` is "alias/aws/secretsmanager", an AWS-managed key, {MANAGED}')]


def test_replica_without_its_own_key_is_reported():
    props = {"kmsKeyId": KEY_ARN, "replicas": [{"region": "eu-west-1"}]}
    assert analyze(secret_encrypted_kms, SECRET, props) == [
        violation('`replicas[0].kmsKeyId` is not set, so the replica in "eu-west-1" is encrypted with the '
                  "AWS-managed key of its region: set it to a customer-managed KMS key of that region.")]


def test_unknown_key_in_preview_is_deferred():
    assert analyze(secret_encrypted_kms, SECRET, {"kmsKeyId": UNKNOWN_STRING}) == []


def test_a_secret_key_reference_is_still_read_and_no_value_is_quoted():
    assert analyze(secret_encrypted_kms, SECRET, {"kmsKeyId": secret(KEY_ARN)}) == []


def test_other_resources_are_not_applicable():
    assert analyze(secret_encrypted_kms, "aws:secretsmanager/secretVersion:SecretVersion",
                   {"secretString": "hunter2"}) == []
