import pytest

from policypack.core.rule import Resource
from policypack.core.types import KMS_KEY, SSM_PARAMETER
from policypack.rules.ssm import parameter_secure_string
from tests.support.harness import UNKNOWN_STRING, Violation, analyze, secret

NAME = "aws-ssm-parameter-secure-string"

KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET_VALUE = "hunter2-not-for-messages"
MAKE_SECURE = 'make it "SecureString" with `keyId` set to a customer-managed KMS key.'
CMK_FIX = "set `keyId` to a customer-managed KMS key (e.g. `key.arn`)."


def violation(message: str) -> Violation:
    return Violation(NAME, "mandatory", message, "")


def check(props, **kwargs):
    violations = analyze(parameter_secure_string, SSM_PARAMETER, props, **kwargs)
    for v in violations:
        assert SECRET_VALUE not in v.message  # never quote the parameter value
    return violations


def test_secret_secure_string_with_customer_key_passes():
    props = {"name": "/app/db-password", "type": "SecureString", "keyId": KEY_ARN, "value": secret(SECRET_VALUE)}
    assert check(props) == []


def test_custom_key_alias_passes():
    props = {"name": "/app/api-token", "type": "SecureString", "keyId": "alias/app-secrets", "value": SECRET_VALUE}
    assert check(props) == []


def test_plain_configuration_parameter_is_not_applicable():
    assert check({"name": "/app/log-level", "type": "String", "value": "INFO"}) == []


def test_secret_name_in_a_plain_string_is_reported():
    props = {"name": "/app/db-password", "type": "String", "value": SECRET_VALUE}
    assert check(props) == [
        violation(f'`name` "/app/db-password" marks it as a secret ("password"), but `type` is "String": {MAKE_SECURE}')
    ]


def test_secret_name_in_a_string_list_is_reported():
    props = {"name": "ApiKeys", "type": "StringList", "insecureValue": "a,b"}
    assert check(props) == [
        violation(f'`name` "ApiKeys" marks it as a secret ("apikey"), but `type` is "StringList": {MAKE_SECURE}')
    ]


def test_secret_description_is_reported():
    props = {"name": "/app/stripe", "description": "Stripe token", "type": "String", "value": SECRET_VALUE}
    assert check(props) == [
        violation(f'`description` marks it as a secret ("token"), but `type` is "String": {MAKE_SECURE}')
    ]


def test_autonamed_parameter_is_judged_by_its_logical_name():
    # mocks send no `name`: Pulumi will autoname it from the logical name
    props = {"type": "String", "value": secret(SECRET_VALUE)}
    assert check(props, name="dbPassword") == [
        violation(f'The logical name "dbPassword" marks it as a secret ("password"), but `type` is "String": {MAKE_SECURE}')
    ]


def test_engine_autoname_is_judged_like_an_explicit_name():
    props = {"name": "dbPassword-1a2b3c4", "type": "String", "value": SECRET_VALUE}
    assert check(props, name="dbPassword") == [
        violation(f'`name` "dbPassword-1a2b3c4" marks it as a secret ("password"), but `type` is "String": {MAKE_SECURE}')
    ]


def test_missing_type_is_reported():
    assert check({"name": "/app/db-passwd", "value": SECRET_VALUE}) == [
        violation(f'`name` "/app/db-passwd" marks it as a secret ("passwd"), but `type` is not set: {MAKE_SECURE}')
    ]


def test_secure_string_without_key_is_reported():
    props = {"name": "/app/db-password", "type": "SecureString", "value": secret(SECRET_VALUE)}
    assert check(props) == [
        violation(
            '`name` "/app/db-password" marks it as a secret ("password"), but `keyId` is not set, so it is '
            "encrypted with the AWS-managed key alias/aws/ssm, which lets every IAM principal in the account "
            f"decrypt it: {CMK_FIX}"
        )
    ]


@pytest.mark.parametrize(
    "key_id",
    ["alias/aws/ssm", "arn:aws:kms:us-west-2:123456789012:alias/aws/ssm"],
)
def test_secure_string_with_the_aws_managed_key_is_reported(key_id):
    props = {"name": "/app/db-password", "type": "SecureString", "keyId": key_id, "value": SECRET_VALUE}
    assert check(props) == [
        violation(
            f'`name` "/app/db-password" marks it as a secret ("password"), but `keyId` is "{key_id}", an '
            f"AWS-managed key that lets every IAM principal in the account decrypt it: {CMK_FIX}"
        )
    ]


@pytest.mark.parametrize(
    "name, word",
    [
        ("/app/client-secret", "secret"),
        ("/app/DB_PASSWD", "passwd"),
        ("/app/github-token", "token"),
        ("/app/maps-api-key", "api-key"),
        ("/app/maps_api_key", "api_key"),
        ("/app/credentials", "credential"),
        ("/app/signing-private-key", "private-key"),
        ("/app/jwtPrivateKey", "privatekey"),
    ],
)
def test_each_secret_word_marks_a_parameter(name, word):
    assert check({"name": name, "type": "String", "value": SECRET_VALUE}) == [
        violation(f'`name` "{name}" marks it as a secret ("{word}"), but `type` is "String": {MAKE_SECURE}')
    ]


def test_unknown_type_in_preview_is_deferred():
    assert check({"name": "/app/db-password", "type": UNKNOWN_STRING, "value": SECRET_VALUE}) == []


def test_unknown_key_in_preview_is_deferred():
    props = {"name": "/app/db-password", "type": "SecureString", "keyId": UNKNOWN_STRING, "value": UNKNOWN_STRING}
    assert check(props) == []


def test_unknown_name_without_other_marks_is_deferred():
    assert check({"name": UNKNOWN_STRING, "type": "String", "value": "x"}, name="setting") == []


def test_require_for_all_covers_plain_parameters():
    props = {"name": "/app/log-level", "type": "String", "value": "INFO"}
    assert check(props, config={NAME: {"requireForAll": True}}) == [
        violation(f'The `requireForAll` option covers every parameter, but `type` is "String": {MAKE_SECURE}')
    ]


def test_require_for_all_accepts_customer_managed_secure_strings():
    props = {"name": "/app/log-level", "type": "SecureString", "keyId": KEY_ARN, "value": "INFO"}
    assert check(props, config={NAME: {"requireForAll": True}}) == []


def test_malformed_parameter_does_not_raise():
    # the raw check, so that an exception would fail the test instead of being logged by the policy
    resource = Resource(SSM_PARAMETER, "x", "urn", {"name": ["/app/password"], "description": 7, "type": None})
    assert list(parameter_secure_string.check(resource, parameter_secure_string.config_defaults)) == []


def test_other_types_are_not_applicable():
    assert analyze(parameter_secure_string, KMS_KEY, {"description": "password key"}) == []


# -- every SecureString, whatever its name (catalog v2) ------------------------------------------

SECURE_STRING_REASON = 'Choosing `type` "SecureString" says its value is sensitive'


def test_secure_string_with_an_ordinary_name_and_no_key_is_reported():
    props = {"name": "/app/feature-flags", "type": "SecureString", "value": "on"}
    assert check(props) == [
        violation(
            f"{SECURE_STRING_REASON}, but `keyId` is not set, so it is encrypted with the AWS-managed key "
            f"alias/aws/ssm, which lets every IAM principal in the account decrypt it: {CMK_FIX}"
        )
    ]


def test_secure_string_with_an_ordinary_name_and_the_aws_managed_alias_arn_is_reported():
    key_id = "arn:aws:kms:eu-west-1:123456789012:alias/aws/ssm"
    props = {"name": "/app/feature-flags", "type": "SecureString", "keyId": key_id, "value": "on"}
    assert check(props) == [
        violation(
            f'{SECURE_STRING_REASON}, but `keyId` is "{key_id}", an AWS-managed key that lets every IAM principal '
            f"in the account decrypt it: {CMK_FIX}"
        )
    ]


@pytest.mark.parametrize("key_id", [KEY_ARN, "1234abcd-12ab-34cd-56ef-1234567890ab", "alias/app-config",
                                    "arn:aws:kms:us-west-2:123456789012:alias/app-config"])
def test_secure_string_with_an_ordinary_name_and_a_customer_key_passes(key_id):
    assert check({"name": "/app/feature-flags", "type": "SecureString", "keyId": key_id, "value": "on"}) == []


def test_secure_string_with_an_unknown_key_and_an_ordinary_name_is_deferred():
    props = {"name": UNKNOWN_STRING, "type": "SecureString", "keyId": UNKNOWN_STRING, "value": UNKNOWN_STRING}
    assert check(props, name="flags") == []
