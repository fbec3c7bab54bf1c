"""aws-dynamodb-table-encrypted-kms and aws-dynamodb-table-point-in-time-recovery."""

from policypack.core.types import DYNAMODB_TABLE
from policypack.rules.dynamodb import table_encrypted_kms, table_point_in_time_recovery
from tests.support.harness import UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze

KMS = "aws-dynamodb-table-encrypted-kms"
PITR = "aws-dynamodb-table-point-in-time-recovery"
KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPLICA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab"
BASE = {"name": "orders-dev", "hashKey": "id", "attributes": [{"name": "id", "type": "S"}],
        "billingMode": "PAY_PER_REQUEST"}
OWNED_KEY = (
    "so the table is encrypted with a key AWS owns, which no key policy of yours controls and CloudTrail does "
    "not show: set it to true with `serverSideEncryption.kmsKeyArn` a customer-managed KMS key (e.g. `key.arn`)."
)
MANAGED_KEY = (
    "so the table is encrypted with the AWS-managed key alias/aws/dynamodb, whose key policy lets every "
    "principal of the account that may read the table decrypt it: set it to a customer-managed KMS key "
    "(e.g. `key.arn`)."
)


def table(**props):
    return {**BASE, **props}


def kms(message):
    return Violation(KMS, "mandatory", message)


def pitr(message):
    return Violation(PITR, "mandatory", message)


# -- aws-dynamodb-table-encrypted-kms -----------------------------------------------------------

def test_table_under_a_customer_managed_key_passes():
    props = table(serverSideEncryption={"enabled": True, "kmsKeyArn": KEY_ARN})
    assert analyze(table_encrypted_kms, DYNAMODB_TABLE, props) == []


def test_table_without_encryption_settings_is_reported():
    assert analyze(table_encrypted_kms, DYNAMODB_TABLE, table()) == [
        kms(f"`serverSideEncryption.enabled` is not set, {OWNED_KEY}")]


def test_table_with_encryption_disabled_is_reported():
    props = table(serverSideEncryption={"enabled": False})
    assert analyze(table_encrypted_kms, DYNAMODB_TABLE, props) == [
        kms(f"`serverSideEncryption.enabled` is false, {OWNED_KEY}")]


def test_table_under_the_aws_managed_key_is_reported():
    assert analyze(table_encrypted_kms, DYNAMODB_TABLE, table(serverSideEncryption={"enabled": True})) == [
        kms(f"`serverSideEncryption.kmsKeyArn` is not set, {MANAGED_KEY}")]
    alias = "arn:aws:kms:us-west-2:123456789012:alias/aws/dynamodb"
    props = table(serverSideEncryption={"enabled": True, "kmsKeyArn": alias})
    assert analyze(table_encrypted_kms, DYNAMODB_TABLE, props) == [
        kms(f'`serverSideEncryption.kmsKeyArn` is "{alias}", an AWS-managed key, {MANAGED_KEY}')]


def test_replica_without_its_own_key_is_reported():
    props = table(serverSideEncryption={"enabled": True, "kmsKeyArn": KEY_ARN},
                  replicas=[{"regionName": "eu-west-1", "kmsKeyArn": REPLICA_KEY}, {"regionName": "us-east-2"}])
    assert analyze(table_encrypted_kms, DYNAMODB_TABLE, props) == [
        kms('`replicas[1].kmsKeyArn` is not set, so the replica in "us-east-2" is encrypted with the AWS-managed '
            "key alias/aws/dynamodb of its region, although the table uses a customer-managed key: set it to a "
            "customer-managed key of that region.")]


def test_old_exports_with_the_block_as_a_list_are_read():
    props = table(serverSideEncryption=[{"enabled": True, "kmsKeyArn": KEY_ARN}])
    assert analyze(table_encrypted_kms, DYNAMODB_TABLE, props) == []


def test_unknown_encryption_settings_in_preview_are_deferred():
    for sse in (UNKNOWN_OBJECT, {"enabled": UNKNOWN_BOOL}, {"enabled": True, "kmsKeyArn": UNKNOWN_STRING}):
        assert analyze(table_encrypted_kms, DYNAMODB_TABLE, table(serverSideEncryption=sse)) == []


def test_other_resources_are_not_applicable():
    assert analyze(table_encrypted_kms, "aws:sqs/queue:Queue", {}) == []


# -- aws-dynamodb-table-point-in-time-recovery ----------------------------------------------------

NO_BACKUPS = ("so a bad write or delete cannot be undone (no continuous backups to restore from): "
              "set it to true.")


def test_table_with_point_in_time_recovery_passes():
    assert analyze(table_point_in_time_recovery, DYNAMODB_TABLE, table(pointInTimeRecovery={"enabled": True})) == []


def test_table_without_point_in_time_recovery_is_reported():
    assert analyze(table_point_in_time_recovery, DYNAMODB_TABLE, table()) == [
        pitr(f"`pointInTimeRecovery.enabled` is not set, {NO_BACKUPS}")]
    assert analyze(table_point_in_time_recovery, DYNAMODB_TABLE, table(pointInTimeRecovery={"enabled": False})) == [
        pitr(f"`pointInTimeRecovery.enabled` is false, {NO_BACKUPS}")]


def test_replica_without_point_in_time_recovery_is_reported():
    props = table(pointInTimeRecovery={"enabled": True},
                  replicas=[{"regionName": "eu-west-1", "pointInTimeRecovery": True}, {"regionName": "us-east-2"}])
    assert analyze(table_point_in_time_recovery, DYNAMODB_TABLE, props) == [
        pitr('`replicas[1].pointInTimeRecovery` is not set, so the replica in "us-east-2" keeps no continuous '
             "backups: set it to true.")]


def test_unknown_recovery_settings_in_preview_are_deferred():
    for recovery in (UNKNOWN_OBJECT, {"enabled": UNKNOWN_BOOL}):
        assert analyze(table_point_in_time_recovery, DYNAMODB_TABLE, table(pointInTimeRecovery=recovery)) == []


def test_point_in_time_recovery_is_not_applicable_to_other_resources():
    assert analyze(table_point_in_time_recovery, "aws:s3/bucket:Bucket", {}) == []
