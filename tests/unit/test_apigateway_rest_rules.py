"""aws-apigateway-stage-access-logging and aws-apigateway-method-authorized (REST APIs)."""

from policypack.core.types import REST_METHOD, REST_STAGE
from policypack.rules.apigateway_rest import method_authorized, rest_stage_access_logging
from tests.support.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze, urn_of

STAGE = "aws-apigateway-stage-access-logging"
METHOD = "aws-apigateway-method-authorized"
LOG_GROUP_ARN = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/apigateway/orders"
NO_LOG = ("so requests to this stage leave no access log: send them to a CloudWatch log group with a format "
          "that includes $context.requestId.")


def stage(**props):
    return {"restApi": "a1b2c3", "deployment": "d1", "stageName": "prod", **props}


# -- aws-apigateway-stage-access-logging ------------------------------------------------------------

def test_stage_with_access_logs_passes():
    props = stage(accessLogSettings={"destinationArn": LOG_GROUP_ARN, "format": '{"requestId":"$context.requestId"}'})
    assert analyze(rest_stage_access_logging, REST_STAGE, props) == []


def test_stage_without_access_logs_is_reported():
    assert analyze(rest_stage_access_logging, REST_STAGE, stage()) == [
        Violation(STAGE, "advisory", f"`accessLogSettings.destinationArn` and `accessLogSettings.format` are not "
                                     f"set, {NO_LOG}")]


def test_stage_without_a_format_is_reported():
    props = stage(accessLogSettings={"destinationArn": LOG_GROUP_ARN})
    assert analyze(rest_stage_access_logging, REST_STAGE, props) == [
        Violation(STAGE, "advisory", f"`accessLogSettings.format` is not set, {NO_LOG}")]


def test_unknown_log_settings_in_preview_are_deferred():
    for settings in (UNKNOWN_OBJECT, {"destinationArn": UNKNOWN_STRING, "format": "$context.requestId"}):
        assert analyze(rest_stage_access_logging, REST_STAGE, stage(accessLogSettings=settings)) == []


def test_http_api_stages_are_not_applicable():
    assert analyze(rest_stage_access_logging, "aws:apigatewayv2/stage:Stage", {"name": "$default"}) == []


# -- aws-apigateway-method-authorized -------------------------------------------------------------------

def method(http_method="GET", authorization="NONE", **props):
    return {"restApi": "a1b2c3", "resourceId": "r1", "httpMethod": http_method, "authorization": authorization,
            **props}


def unauthorized(http_method, name="get-orders", note=""):
    return Violation(METHOD, "advisory", (
        f'`authorization` is "NONE", so anyone who has the URL can call "{http_method}" on this method{note}: '
        f'use "AWS_IAM", "COGNITO_USER_POOLS" or "CUSTOM" (a Lambda authorizer), or add "{name}" to the '
        "`publicMethods` option if it is public on purpose."))


def test_authorized_methods_pass():
    for authorization in ("AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"):
        assert analyze(method_authorized, REST_METHOD, method(authorization=authorization, authorizerId="az1"),
                       name="get-orders") == []


def test_method_without_authorization_is_reported():
    assert analyze(method_authorized, REST_METHOD, method("POST"), name="get-orders") == [unauthorized("POST")]


def test_an_api_key_is_not_authorization():
    note = (" (`apiKeyRequired` identifies callers for usage plans; an API key is not authorization)")
    assert analyze(method_authorized, REST_METHOD, method(apiKeyRequired=True), name="get-orders") == [
        unauthorized("GET", note=note)]


def test_cors_preflight_is_not_applicable():
    assert analyze(method_authorized, REST_METHOD, method("OPTIONS"), name="orders-options") == []
    assert analyze(method_authorized, REST_METHOD, method("options"), name="orders-options") == []


def test_public_methods_by_logical_name_glob_or_urn_pass():
    for listed in (["get-orders"], ["get-*"], [urn_of(REST_METHOD, "get-orders")]):
        config = {METHOD: {"publicMethods": listed}}
        assert analyze(method_authorized, REST_METHOD, method(), name="get-orders", config=config) == []
    config = {METHOD: {"publicMethods": ["health"]}}
    assert analyze(method_authorized, REST_METHOD, method(), name="get-orders", config=config) == [
        unauthorized("GET")]


def test_unknown_method_or_authorization_in_preview_is_deferred():
    assert analyze(method_authorized, REST_METHOD, method(authorization=UNKNOWN_STRING), name="get-orders") == []
    assert analyze(method_authorized, REST_METHOD, method(http_method=UNKNOWN_STRING), name="get-orders") == []


def test_other_resources_are_not_applicable():
    assert analyze(method_authorized, "aws:apigatewayv2/route:Route", {"authorizationType": "NONE"}) == []
