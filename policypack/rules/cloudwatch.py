"""CloudWatch resource rules: alarms that notify someone, log groups that expire their logs and
are encrypted under a key of yours."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Optional

from ..core.props import UNKNOWN, as_int, get, show
from ..core.rule import ADVISORY, LOW, MANDATORY, MEDIUM, Config, Resource, resource_rule
from ..core.types import LOG_GROUP, METRIC_ALARM
from .shared import customer_key_state

# The only values CloudWatch Logs accepts for a retention policy (PutRetentionPolicy).
VALID_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)


REMEDIATION_RETENTION_DAYS = 30


def _has_action(actions: Any) -> bool:
    """True when the list holds an action or a value not known yet (preview)."""
    return any(a is UNKNOWN or (isinstance(a, str) and a.strip()) for a in actions)


def actions_enabled(resource: Resource, config: Config) -> Optional[Dict[str, Any]]:
    """Remediation: `actionsEnabled` back on - only when the alarm has actions; none is ever invented."""
    actions = get(resource.props, "alarmActions")
    has_actions = isinstance(actions, list) and any(isinstance(a, str) and a.strip() for a in actions)
    if get(resource.props, "actionsEnabled") is False and has_actions:
        return {"actionsEnabled": True}
    return None


@resource_rule(
    name="aws-cloudwatch-alarm-actions",
    description="CloudWatch alarms tell someone when they fire: they have alarm actions, and actions are enabled.",
    resource_types=[METRIC_ALARM],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps=(
        "Create an `aws.sns.Topic` for alerts (with an `aws.sns.TopicSubscription` to the on-call address) and "
        "pass `alarm_actions=[alerts.arn]` (and usually `ok_actions=[alerts.arn]`) to the "
        "`aws.cloudwatch.MetricAlarm`; leave `actions_enabled` unset or `True`."
    ),
    url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html",
    tags=["cloudwatch", "monitoring"],
    fix=actions_enabled,
)
def alarm_actions(resource: Resource, config: Config) -> Iterator[str]:
    enabled = get(resource.props, "actionsEnabled")
    if enabled is False:
        yield (
            "`actionsEnabled` is false, so the alarm changes state without telling anyone: "
            "remove it or set it to true."
        )
    actions = get(resource.props, "alarmActions")
    if actions is UNKNOWN:
        return
    if actions is None or (isinstance(actions, list) and not _has_action(actions)):
        state = "is not set" if actions is None else "is empty"
        yield (
            f"`alarmActions` {state}, so nobody is told when the alarm fires: "
            "add the ARN of an SNS topic that notifies the team (e.g. `alerts.arn`)."
        )
    elif not isinstance(actions, list):
        yield f"`alarmActions` is {show(actions)}, not a list of action ARNs: pass a list such as `[alerts.arn]`."


def _retention_problem(days: Any) -> str | None:
    if days is UNKNOWN:
        return None
    if days is None:
        return "`retentionInDays` is not set, so the logs are kept (and billed) forever: set it, e.g. to 30."
    value = as_int(days)
    if value == 0:
        return "`retentionInDays` is 0, which keeps the logs (and bills them) forever: set it, e.g. to 30."
    if value not in VALID_RETENTION_DAYS:
        return (
            f"`retentionInDays` is {show(days)}, which CloudWatch Logs rejects: "
            "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, "
            "2192, 2557, 2922, 3288 or 3653."
        )
    return None


def retention_set(resource: Resource, config: Config) -> Optional[Dict[str, Any]]:
    """Remediation: a retention period (option `remediationRetentionDays`) where there is none or an invalid one."""
    if _retention_problem(get(resource.props, "retentionInDays")) is None:
        return None
    days = as_int(config.get("remediationRetentionDays"))
    return {"retentionInDays": days if days in VALID_RETENTION_DAYS else REMEDIATION_RETENTION_DAYS}


@resource_rule(
    name="aws-cloudwatch-log-group-retention",
    description="CloudWatch log groups expire their logs after a set number of days.",
    resource_types=[LOG_GROUP],
    enforcement_level=ADVISORY,
    severity=LOW,
    remediation_steps=(
        "Pass `retention_in_days` to the `aws.cloudwatch.LogGroup`, e.g. "
        '`aws.cloudwatch.LogGroup("fn-logs", name=fn.name.apply(lambda n: f"/aws/lambda/{n}"), '
        "retention_in_days=30)`."
    ),
    url=(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
        "Working-with-log-groups-and-streams.html#SettingLogRetention"
    ),
    config_options={
        "remediationRetentionDays": {
            "type": "integer",
            "enum": list(VALID_RETENTION_DAYS),
            "default": REMEDIATION_RETENTION_DAYS,
            "description": "The retention (days) the `remediate` level sets on a log group without a valid one.",
        },
    },
    tags=["cloudwatch", "logging", "cost"],
    fix=retention_set,
)
def log_group_retention(resource: Resource, config: Config) -> Iterator[str]:
    problem = _retention_problem(get(resource.props, "retentionInDays"))
    if problem:
        yield problem


@resource_rule(
    name="aws-cloudwatch-log-group-encrypted",
    description="CloudWatch log groups are encrypted with a customer-managed KMS key.",
    resource_types=[LOG_GROUP],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "Pass `kms_key_id=key.arn` (the ARN of a customer-managed `aws.kms.Key`) to the "
        "`aws.cloudwatch.LogGroup`, and let CloudWatch Logs use the key in its key policy: principal "
        "`logs.<region>.amazonaws.com`, actions `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, "
        "`kms:GenerateDataKey*`, `kms:Describe*`, with the condition `kms:EncryptionContext:aws:logs:arn` "
        "`ArnLike` `arn:aws:logs:<region>:<account>:log-group:*`."
    ),
    url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    tags=["cloudwatch", "logging", "encryption"],
)
def log_group_encrypted(resource: Resource, config: Config) -> Iterator[str]:
    state = customer_key_state(get(resource.props, "kmsKeyId"))
    if state is not None:
        yield (
            f"`kmsKeyId` {state}, so the logs (which often carry request data and identifiers) are encrypted "
            "only with a key CloudWatch Logs owns, and no key policy of yours limits who can read them: set it "
            "to the ARN of a customer-managed KMS key that CloudWatch Logs may use."
        )


POLICIES = [alarm_actions, log_group_retention, log_group_encrypted]
