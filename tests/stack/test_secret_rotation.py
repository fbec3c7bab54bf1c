"""aws-secretsmanager-secret-rotation."""

from policypack.core.types import SECRET, SECRET_ROTATION
from policypack.rules.stack.secret_rotation import secret_rotation
from tests.stack.builders import function, function_arn, res, urn
from tests.support.harness import UNKNOWN_STRING, Violation, analyze_stack

RULE = "aws-secretsmanager-secret-rotation"
SECRET_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-creds-dev-AbCdEf"
UNROTATED = Violation(RULE, "advisory", (
    "no SecretRotation rotates this secret, so a leaked value stays valid until someone changes it by hand: add "
    "an aws.secretsmanager.SecretRotation with `secretId` set to this secret (`secret.id`) and a rotation "
    "function."), urn(SECRET, "db-creds"))


def secret_stack(*, preview=False, rotation=True, secret_id=None, linked=True):
    secret = res(SECRET, "db-creds", {"name": "db-creds-dev", "kmsKeyId": "alias/orders-dev",
                                      **({} if preview else {"id": SECRET_ARN, "arn": SECRET_ARN})})
    rotator = function("rotator", "rotator-1a2b3c4")
    stack = [secret, rotator]
    if rotation:
        stack.append(res(SECRET_ROTATION, "db-creds-rotation", {
            "secretId": secret_id if secret_id is not None else (UNKNOWN_STRING if preview else SECRET_ARN),
            "rotationLambdaArn": UNKNOWN_STRING if preview else function_arn("rotator-1a2b3c4"),
            "rotationRules": {"automaticallyAfterDays": 30}},
            refs={"secretId": [secret] if linked else [], "rotationLambdaArn": [rotator]}))
    return stack


def test_rotated_secret_passes_in_update_and_preview():
    assert analyze_stack(secret_rotation, secret_stack()) == []
    assert analyze_stack(secret_rotation, secret_stack(preview=True)) == []
    assert analyze_stack(secret_rotation, secret_stack(secret_id="db-creds-dev", linked=False)) == []


def test_secret_without_rotation_is_reported():
    assert analyze_stack(secret_rotation, secret_stack(rotation=False)) == [UNROTATED]
    assert analyze_stack(secret_rotation, secret_stack(rotation=False, preview=True)) == [UNROTATED]


def test_rotation_of_another_secret_does_not_count():
    other = "arn:aws:secretsmanager:us-west-2:123456789012:secret:elsewhere-XyZ123"
    assert analyze_stack(secret_rotation, secret_stack(secret_id=other, linked=False)) == [UNROTATED]


def test_preview_rotation_of_a_secret_not_known_yet_is_deferred():
    assert analyze_stack(secret_rotation, secret_stack(preview=True, linked=False)) == []


def test_stack_without_secrets_is_not_applicable():
    assert analyze_stack(secret_rotation, [function()]) == []
