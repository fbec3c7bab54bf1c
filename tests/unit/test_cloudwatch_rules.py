from policypack.core.types import LOG_GROUP, METRIC_ALARM
from policypack.rules.cloudwatch import alarm_actions, log_group_encrypted, log_group_retention
from tests.support.harness import UNKNOWN_ARRAY, UNKNOWN_BOOL, UNKNOWN_NUMBER, UNKNOWN_STRING, Violation, analyze

ALARM = "aws-cloudwatch-alarm-actions"
RETENTION = "aws-cloudwatch-log-group-retention"

TOPIC_ARN = "arn:aws:sns:us-west-2:123456789012:alerts"
NO_ONE_TOLD = (
    "so nobody is told when the alarm fires: add the ARN of an SNS topic that notifies the team (e.g. `alerts.arn`)."
)
ACTIONS_DISABLED = (
    "`actionsEnabled` is false, so the alarm changes state without telling anyone: remove it or set it to true."
)


def alarm(**props):
    return {
        "namespace": "AWS/Lambda",
        "metricName": "Errors",
        "dimensions": {"FunctionName": "resize"},
        "comparisonOperator": "GreaterThanThreshold",
        "threshold": 0,
        "evaluationPeriods": 1,
        "period": 60,
        "statistic": "Sum",
        **props,
    }


def alarm_violation(message: str) -> Violation:
    return Violation(ALARM, "mandatory", message, "")


# -- aws-cloudwatch-alarm-actions -------------------------------------------------------------


def test_alarm_with_an_action_passes():
    assert analyze(alarm_actions, METRIC_ALARM, alarm(alarmActions=[TOPIC_ARN])) == []


def test_alarm_with_actions_explicitly_enabled_passes():
    assert analyze(alarm_actions, METRIC_ALARM, alarm(alarmActions=[TOPIC_ARN], actionsEnabled=True)) == []


def test_alarm_without_actions_is_reported():
    # seed 004: alarms without alarm actions / notification targets
    assert analyze(alarm_actions, METRIC_ALARM, alarm()) == [alarm_violation(f"`alarmActions` is not set, {NO_ONE_TOLD}")]


def test_alarm_with_empty_actions_is_reported():
    assert analyze(alarm_actions, METRIC_ALARM, alarm(alarmActions=[])) == [
        alarm_violation(f"`alarmActions` is empty, {NO_ONE_TOLD}")
    ]


def test_alarm_whose_actions_are_blank_strings_is_reported():
    assert analyze(alarm_actions, METRIC_ALARM, alarm(alarmActions=["", " "])) == [
        alarm_violation(f"`alarmActions` is empty, {NO_ONE_TOLD}")
    ]


def test_alarm_with_actions_disabled_is_reported():
    props = alarm(alarmActions=[TOPIC_ARN], actionsEnabled=False)
    assert analyze(alarm_actions, METRIC_ALARM, props) == [alarm_violation(ACTIONS_DISABLED)]


def test_alarm_disabled_and_without_actions_reports_both():
    assert analyze(alarm_actions, METRIC_ALARM, alarm(actionsEnabled=False)) == [
        alarm_violation(ACTIONS_DISABLED),
        alarm_violation(f"`alarmActions` is not set, {NO_ONE_TOLD}"),
    ]


def test_alarm_actions_that_are_not_a_list_are_reported():
    assert analyze(alarm_actions, METRIC_ALARM, alarm(alarmActions=TOPIC_ARN)) == [
        alarm_violation(
            f'`alarmActions` is "{TOPIC_ARN}", not a list of action ARNs: pass a list such as `[alerts.arn]`.'
        )
    ]


def test_unknown_actions_in_preview_are_deferred():
    assert analyze(alarm_actions, METRIC_ALARM, alarm(alarmActions=UNKNOWN_ARRAY, actionsEnabled=UNKNOWN_BOOL)) == []


def test_action_arn_unknown_in_preview_counts_as_an_action():
    # `alarm_actions=[topic.arn]` for a topic created in the same preview
    assert analyze(alarm_actions, METRIC_ALARM, alarm(alarmActions=[UNKNOWN_STRING])) == []


def test_other_types_are_not_applicable_to_the_alarm_rule():
    assert analyze(alarm_actions, LOG_GROUP, {"name": "x"}) == []


# -- aws-cloudwatch-log-group-retention -------------------------------------------------------


def retention_violation(message: str) -> Violation:
    return Violation(RETENTION, "advisory", message, "")


def test_log_group_with_retention_passes():
    assert analyze(log_group_retention, LOG_GROUP, {"name": "/aws/lambda/resize", "retentionInDays": 30}) == []


def test_log_group_with_the_longest_retention_passes():
    assert analyze(log_group_retention, LOG_GROUP, {"retentionInDays": 3653}) == []


def test_log_group_without_retention_is_reported():
    assert analyze(log_group_retention, LOG_GROUP, {"name": "/aws/lambda/resize"}) == [
        retention_violation(
            "`retentionInDays` is not set, so the logs are kept (and billed) forever: set it, e.g. to 30."
        )
    ]


def test_log_group_with_zero_retention_is_reported():
    # what the engine sends after the provider's Check when the program sets nothing
    assert analyze(log_group_retention, LOG_GROUP, {"retentionInDays": 0}) == [
        retention_violation("`retentionInDays` is 0, which keeps the logs (and bills them) forever: set it, e.g. to 30.")
    ]


def test_log_group_with_a_value_cloudwatch_rejects_is_reported():
    assert analyze(log_group_retention, LOG_GROUP, {"retentionInDays": 45}) == [
        retention_violation(
            "`retentionInDays` is 45, which CloudWatch Logs rejects: use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, "
            "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
        )
    ]


def test_log_group_with_a_non_number_retention_is_reported():
    assert analyze(log_group_retention, LOG_GROUP, {"retentionInDays": "month"}) == [
        retention_violation(
            '`retentionInDays` is "month", which CloudWatch Logs rejects: use one of 1, 3, 5, 7, 14, 30, 60, 90, '
            "120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
        )
    ]


def test_unknown_retention_in_preview_is_deferred():
    assert analyze(log_group_retention, LOG_GROUP, {"retentionInDays": UNKNOWN_NUMBER}) == []


def test_other_types_are_not_applicable_to_the_retention_rule():
    assert analyze(log_group_retention, METRIC_ALARM, alarm()) == []


# -- aws-cloudwatch-log-group-encrypted -------------------------------------------------------------

ENCRYPTED = "aws-cloudwatch-log-group-encrypted"
KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OWNED = ("so the logs (which often carry request data and identifiers) are encrypted only with a key CloudWatch "
         "Logs owns, and no key policy of yours limits who can read them: set it to the ARN of a customer-managed "
         "KMS key that CloudWatch Logs may use.")


def test_log_group_under_a_customer_managed_key_passes():
    assert analyze(log_group_encrypted, LOG_GROUP, {"name": "/aws/lambda/fn", "kmsKeyId": KEY_ARN}) == []


def test_log_group_without_a_key_is_reported():
    assert analyze(log_group_encrypted, LOG_GROUP, {"name": "/aws/lambda/fn", "retentionInDays": 30}) == [
        Violation(ENCRYPTED, "advisory", f"`kmsKeyId` is not set, {OWNED}")]
    assert analyze(log_group_encrypted, LOG_GROUP, {"kmsKeyId": ""}) == [
        Violation(ENCRYPTED, "advisory", f"`kmsKeyId` is empty, {OWNED}")]


def test_unknown_key_in_preview_is_deferred():
    assert analyze(log_group_encrypted, LOG_GROUP, {"kmsKeyId": UNKNOWN_STRING}) == []


def test_log_group_encryption_is_not_applicable_to_alarms():
    assert analyze(log_group_encrypted, METRIC_ALARM, alarm()) == []
