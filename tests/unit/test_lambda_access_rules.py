"""aws-lambda-permission-not-public and aws-lambda-function-url-authenticated, through the real runtime."""

import pytest

from policypack.core.types import FUNCTION, FUNCTION_URL, PERMISSION
from policypack.rules.lambda_access import function_url_authenticated, permission_not_public
from tests.support.harness import UNKNOWN_BOOL, UNKNOWN_STRING, Violation, analyze

PERMISSION_RULE = "aws-lambda-permission-not-public"
URL_RULE = "aws-lambda-function-url-authenticated"

FUNCTION_ARN = "arn:aws:lambda:us-west-2:123456789012:function:webhook-1a2b3c4"
NOT_SCOPED = ("`principal` is \"*\" and none of `sourceArn`, `sourceAccount` and `principalOrgId` is set: anyone, in "
              "any AWS account, may call {action} on this function. Name the invoking service or account in "
              "`principal`, or set `source_arn` to the resource that invokes it (or `source_account` / "
              "`principal_org_id`).")


def permission(**props):
    return {"action": "lambda:InvokeFunction", "function": "webhook-1a2b3c4", **props}


def permission_violation(message):
    return Violation(PERMISSION_RULE, "mandatory", message, "")


# -- aws-lambda-permission-not-public --------------------------------------------------------------

@pytest.mark.parametrize("props", [
    permission(principal="*", sourceArn="arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5/*/*"),
    permission(principal="*", sourceAccount="123456789012"),
    permission(principal="*", principalOrgId="o-a1b2c3d4e5"),
    permission(principal="s3.amazonaws.com", sourceArn="arn:aws:s3:::uploads-1a2b3c4", sourceAccount="123456789012"),
    permission(principal="123456789012"),
    permission(principal="arn:aws:iam::123456789012:role/caller"),
])
def test_scoped_or_named_permissions_pass(props):
    assert analyze(permission_not_public, PERMISSION, props) == []


def test_a_permission_for_anyone_without_a_source_is_reported():
    assert analyze(permission_not_public, PERMISSION, permission(principal="*")) == [
        permission_violation(NOT_SCOPED.format(action='"lambda:InvokeFunction"'))
    ]


def test_a_permission_for_anyone_with_blank_sources_is_reported():
    props = permission(principal=" * ", sourceArn="", sourceAccount="  ", principalOrgId="")
    assert analyze(permission_not_public, PERMISSION, props) == [
        permission_violation(NOT_SCOPED.format(action='"lambda:InvokeFunction"'))
    ]


def test_a_source_arn_that_matches_everything_is_reported():
    props = permission(principal="*", sourceArn="arn:aws:s3:::*")
    assert analyze(permission_not_public, PERMISSION, props) == [
        permission_violation(
            '`principal` is "*" and `sourceArn` is "arn:aws:s3:::*", which matches every source: anyone, in any AWS '
            'account, may call "lambda:InvokeFunction" on this function. Set `source_arn` to the ARN of the resource '
            "that invokes it (or `source_account` / `principal_org_id`), or name the invoking service or account in "
            "`principal`.")
    ]


def test_a_function_url_permission_for_iam_callers_of_any_account_is_reported():
    props = permission(principal="*", action="lambda:InvokeFunctionUrl", functionUrlAuthType="AWS_IAM")
    assert analyze(permission_not_public, PERMISSION, props) == [
        permission_violation(NOT_SCOPED.format(action='"lambda:InvokeFunctionUrl"'))
    ]


@pytest.mark.parametrize("props", [
    permission(principal="*", action="lambda:InvokeFunctionUrl", functionUrlAuthType="NONE"),
    permission(principal="*", action="lambda:InvokeFunction", invokedViaFunctionUrl=True),
])
def test_the_permissions_of_a_public_function_url_are_the_url_rules_business(props):
    assert analyze(permission_not_public, PERMISSION, props) == []


@pytest.mark.parametrize("props", [
    permission(principal=UNKNOWN_STRING),
    permission(principal="*", sourceArn=UNKNOWN_STRING),
    permission(principal="*", sourceAccount=UNKNOWN_STRING),
    permission(principal="*", principalOrgId=UNKNOWN_STRING),
    permission(principal="*", action="lambda:InvokeFunctionUrl", functionUrlAuthType=UNKNOWN_STRING),
    permission(principal="*", invokedViaFunctionUrl=UNKNOWN_BOOL),
])
def test_unknown_values_in_preview_are_deferred(props):
    assert analyze(permission_not_public, PERMISSION, props) == []


def test_the_permission_rule_does_not_apply_to_functions():
    assert analyze(permission_not_public, FUNCTION, {"principal": "*"}) == []


# -- aws-lambda-function-url-authenticated ---------------------------------------------------------

PUBLIC_URL = ("`authorizationType` is \"NONE\": anyone on the internet who finds the URL{of} can invoke the function "
              "(and run up its bill). Set it to \"AWS_IAM\" and sign the requests, or, if the function is public by "
              "design, add its name to `publicFunctions`.")


def url_violation(of=""):
    return Violation(URL_RULE, "mandatory", PUBLIC_URL.format(of=of), "")


def test_an_iam_authenticated_url_passes():
    assert analyze(function_url_authenticated, FUNCTION_URL, {"functionName": "webhook-1a2b3c4",
                                                              "authorizationType": "AWS_IAM"}) == []


def test_a_public_url_is_reported():
    props = {"functionName": "webhook-1a2b3c4", "authorizationType": "NONE"}
    assert analyze(function_url_authenticated, FUNCTION_URL, props) == [url_violation(' of "webhook-1a2b3c4"')]


def test_a_public_url_of_a_function_not_known_yet_is_reported_when_nothing_is_listed():
    # with an empty `publicFunctions` the unknown name cannot matter: the URL is public either way
    props = {"functionName": UNKNOWN_STRING, "authorizationType": "NONE"}
    assert analyze(function_url_authenticated, FUNCTION_URL, props) == [url_violation()]


@pytest.mark.parametrize("listed, function, logical", [
    (["webhook-1a2b3c4"], "webhook-1a2b3c4", "url"),
    (["webhook-1a2b3c4"], FUNCTION_ARN, "url"),
    (["webhook-1a2b3c4"], FUNCTION_ARN + ":live", "url"),
    (["webhook-url"], UNKNOWN_STRING, "webhook-url"),
    ([" webhook-url "], "webhook-1a2b3c4", "webhook-url"),
])
def test_public_functions_may_have_a_public_url(listed, function, logical):
    props = {"functionName": function, "authorizationType": "NONE"}
    config = {URL_RULE: {"publicFunctions": listed}}
    assert analyze(function_url_authenticated, FUNCTION_URL, props, name=logical, config=config) == []


def test_a_function_missing_from_public_functions_is_reported():
    props = {"functionName": "admin-1a2b3c4", "authorizationType": "NONE"}
    config = {URL_RULE: {"publicFunctions": ["webhook-1a2b3c4"]}}
    assert analyze(function_url_authenticated, FUNCTION_URL, props, name="admin-url", config=config) == [
        url_violation(' of "admin-1a2b3c4"')]


def test_a_listed_set_with_a_function_name_not_known_yet_is_deferred():
    props = {"functionName": UNKNOWN_STRING, "authorizationType": "NONE"}
    config = {URL_RULE: {"publicFunctions": ["webhook-1a2b3c4"]}}
    assert analyze(function_url_authenticated, FUNCTION_URL, props, name="admin-url", config=config) == []


@pytest.mark.parametrize("auth", [UNKNOWN_STRING, None])
def test_an_unknown_or_missing_authorization_type_is_not_reported(auth):
    props = {"functionName": "webhook-1a2b3c4"}
    if auth is not None:
        props["authorizationType"] = auth
    assert analyze(function_url_authenticated, FUNCTION_URL, props) == []


def test_the_url_rule_does_not_apply_to_permissions():
    assert analyze(function_url_authenticated, PERMISSION, {"authorizationType": "NONE"}) == []
