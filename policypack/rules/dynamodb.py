"""DynamoDB rules: tables are encrypted under a customer-managed key and can be restored to any
second of the last days (point-in-time recovery). Global tables: every replica too."""

from __future__ import annotations

from typing import Any, Iterator, List, Tuple

from ..core.props import UNKNOWN, get, show
from ..core.rule import HIGH, MANDATORY, MEDIUM, Config, Resource, resource_rule
from ..core.types import DYNAMODB_TABLE
from .shared import block, customer_key_state, value_state


def _replicas(props: Any) -> List[Tuple[int, Any, dict]]:
    """(index, region, replica) for each replica of a global table whose entry is readable."""
    replicas = get(props, "replicas")
    if not isinstance(replicas, list):
        return []
    return [(i, get(r, "regionName"), r) for i, r in enumerate(replicas) if isinstance(r, dict)]


def _region(region: Any) -> str:
    return f"in {show(region)}" if isinstance(region, str) else "of this table"


@resource_rule(
    name="aws-dynamodb-table-encrypted-kms",
    description="DynamoDB tables are encrypted at rest with a customer-managed KMS key.",
    resource_types=[DYNAMODB_TABLE],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Pass `server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, "
        "kms_key_arn=key.arn)` with a customer-managed `aws.kms.Key` (rotation on); for a global table give "
        "each `replicas` entry the `kms_key_arn` of a key in its region. Grant the functions that use the "
        "table `kms:Decrypt` (and `kms:GenerateDataKey` for writers) on that key."
    ),
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html",
    tags=["dynamodb", "encryption"],
)
def table_encrypted_kms(resource: Resource, config: Config) -> Iterator[str]:
    sse = block(resource.props, "serverSideEncryption")
    enabled = get(sse, "enabled")
    if enabled is UNKNOWN:
        return
    if enabled is not True:
        yield (
            f"`serverSideEncryption.enabled` {value_state(enabled)}, so the table is encrypted with a key AWS owns, which no "
            "key policy of yours controls and CloudTrail does not show: set it to true with "
            "`serverSideEncryption.kmsKeyArn` a customer-managed KMS key (e.g. `key.arn`)."
        )
        return
    state = customer_key_state(get(sse, "kmsKeyArn"))
    if state is not None:
        yield (
            f"`serverSideEncryption.kmsKeyArn` {state}, so the table is encrypted with the AWS-managed key "
            "alias/aws/dynamodb, whose key policy lets every principal of the account that may read the table "
            "decrypt it: set it to a customer-managed KMS key (e.g. `key.arn`)."
        )
        return
    for index, region, replica in _replicas(resource.props):
        replica_state = customer_key_state(get(replica, "kmsKeyArn"))
        if replica_state is not None:
            yield (
                f"`replicas[{index}].kmsKeyArn` {replica_state}, so the replica {_region(region)} is encrypted "
                "with the AWS-managed key alias/aws/dynamodb of its region, although the table uses a "
                "customer-managed key: set it to a customer-managed key of that region."
            )


@resource_rule(
    name="aws-dynamodb-table-point-in-time-recovery",
    description="DynamoDB tables keep continuous backups (point-in-time recovery).",
    resource_types=[DYNAMODB_TABLE],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps=(
        "Pass `point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True)` to the "
        "`aws.dynamodb.Table` (and `point_in_time_recovery=True` on each `replicas` entry of a global table)."
    ),
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html",
    tags=["dynamodb", "backup", "reliability"],
)
def table_point_in_time_recovery(resource: Resource, config: Config) -> Iterator[str]:
    enabled = get(block(resource.props, "pointInTimeRecovery"), "enabled")
    if enabled is not UNKNOWN and enabled is not True:
        yield (
            f"`pointInTimeRecovery.enabled` {value_state(enabled)}, so a bad write or delete cannot be undone (no continuous "
            "backups to restore from): set it to true."
        )
    for index, region, replica in _replicas(resource.props):
        replica_recovery = get(replica, "pointInTimeRecovery")
        if replica_recovery is not UNKNOWN and replica_recovery is not True:
            yield (
                f"`replicas[{index}].pointInTimeRecovery` {value_state(replica_recovery)}, so the replica "
                f"{_region(region)} keeps no continuous backups: set it to true."
            )


POLICIES = [table_encrypted_kms, table_point_in_time_recovery]
