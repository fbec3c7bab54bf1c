import pytest

from policypack.core.rule import Resource
from policypack.core.types import (
    API_STAGE,
    BUCKET,
    BUCKET_CORS,
    BUCKET_CORS_V2,
    BUCKET_V2,
    FUNCTION_URL,
    HTTP_API,
    REST_INTEGRATION_RESPONSE,
)
from policypack.rules.apigateway import cors_no_wildcard_origin, stage_access_logging
from tests.support.harness import (
    UNKNOWN_ARRAY,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Violation,
    analyze,
)

CORS = "aws-cors-no-wildcard-origin"
STAGE = "aws-apigatewayv2-stage-access-logging"

APP = "https://app.example.com"
LIST_EXACT = 'list the exact https:// origins of the web apps that call it (e.g. "https://app.example.com").'
USE_HTTPS = "serve the web app over HTTPS and list that origin."


def cors_violation(message: str) -> Violation:
    return Violation(CORS, "mandatory", message, "")


def api(*origins):
    return {"protocolType": "HTTP", "corsConfiguration": {"allowOrigins": list(origins), "allowMethods": ["GET"]}}


# -- aws-cors-no-wildcard-origin --------------------------------------------------------------


def test_api_with_named_https_origins_passes():
    assert analyze(cors_no_wildcard_origin, HTTP_API, api(APP, "https://admin.example.com")) == []


def test_api_allowing_any_origin_is_reported():
    # seed 004: CORS defaults to allow_origins ["*"]
    assert analyze(cors_no_wildcard_origin, HTTP_API, api("*")) == [
        cors_violation(f'`corsConfiguration.allowOrigins` allows any origin ("*"): {LIST_EXACT}')
    ]


@pytest.mark.parametrize("origin", ["https://*", "http://*", " * "])
def test_scheme_wide_wildcards_are_reported_as_any_origin(origin):
    assert analyze(cors_no_wildcard_origin, HTTP_API, api(origin)) == [
        cors_violation(f'`corsConfiguration.allowOrigins` allows any origin ("{origin}"): {LIST_EXACT}')
    ]


def test_plain_http_origin_is_reported():
    assert analyze(cors_no_wildcard_origin, HTTP_API, api(APP, "http://app.example.com")) == [
        cors_violation(
            f'`corsConfiguration.allowOrigins` holds "http://app.example.com", which is not an https:// origin: '
            f"{USE_HTTPS}"
        )
    ]


def test_function_url_allowing_any_origin_is_reported():
    props = {"functionName": "resize", "authorizationType": "AWS_IAM", "cors": {"allowOrigins": ["*"]}}
    assert analyze(cors_no_wildcard_origin, FUNCTION_URL, props) == [
        cors_violation(f'`cors.allowOrigins` allows any origin ("*"): {LIST_EXACT}')
    ]


@pytest.mark.parametrize("resource_type", [BUCKET_CORS, BUCKET_CORS_V2])
def test_bucket_cors_configuration_rules_are_checked_by_index(resource_type):
    props = {
        "bucket": "site",
        "corsRules": [
            {"allowedMethods": ["GET"], "allowedOrigins": [APP]},
            {"allowedMethods": ["PUT"], "allowedOrigins": ["http://localhost:3000", "*"]},
        ],
    }
    assert analyze(cors_no_wildcard_origin, resource_type, props) == [
        cors_violation(
            f'`corsRules[1].allowedOrigins` holds "http://localhost:3000", which is not an https:// origin: {USE_HTTPS}'
        ),
        cors_violation(f'`corsRules[1].allowedOrigins` allows any origin ("*"): {LIST_EXACT}'),
    ]


@pytest.mark.parametrize("resource_type", [BUCKET, BUCKET_V2])
def test_inline_bucket_cors_rules_are_checked(resource_type):
    props = {"corsRules": [{"allowedMethods": ["GET"], "allowedOrigins": ["*"]}]}
    assert analyze(cors_no_wildcard_origin, resource_type, props) == [
        cors_violation(f'`corsRules[0].allowedOrigins` allows any origin ("*"): {LIST_EXACT}')
    ]


def test_subdomain_wildcard_over_https_passes():
    props = {"corsRules": [{"allowedMethods": ["GET"], "allowedOrigins": ["https://*.example.com"]}]}
    assert analyze(cors_no_wildcard_origin, BUCKET_CORS_V2, props) == []


def test_unknown_origins_in_preview_are_deferred():
    assert analyze(cors_no_wildcard_origin, HTTP_API, {"corsConfiguration": {"allowOrigins": UNKNOWN_ARRAY}}) == []
    assert analyze(cors_no_wildcard_origin, HTTP_API, api(UNKNOWN_STRING, APP)) == []
    assert analyze(cors_no_wildcard_origin, HTTP_API, {"corsConfiguration": UNKNOWN_OBJECT}) == []
    assert analyze(cors_no_wildcard_origin, BUCKET_CORS_V2, {"corsRules": [UNKNOWN_OBJECT]}) == []


def test_known_wildcard_is_reported_next_to_an_unknown_origin():
    assert analyze(cors_no_wildcard_origin, HTTP_API, api(UNKNOWN_STRING, "*")) == [
        cors_violation(f'`corsConfiguration.allowOrigins` allows any origin ("*"): {LIST_EXACT}')
    ]


def test_resources_without_cors_are_not_applicable():
    assert analyze(cors_no_wildcard_origin, HTTP_API, {"protocolType": "HTTP"}) == []
    assert analyze(cors_no_wildcard_origin, BUCKET_V2, {"bucket": "site-123456789012"}) == []
    assert analyze(cors_no_wildcard_origin, FUNCTION_URL, {"functionName": "f", "authorizationType": "NONE"}) == []


def test_other_types_are_not_applicable_to_the_cors_rule():
    assert analyze(cors_no_wildcard_origin, API_STAGE, api("*")) == []


def test_allowed_origins_accepts_listed_origins_ignoring_case_and_trailing_slash():
    config = {CORS: {"allowedOrigins": ["https://App.Example.com/"]}}
    assert analyze(cors_no_wildcard_origin, HTTP_API, api("https://app.example.com"), config=config) == []


def test_allowed_origins_reports_unlisted_origins():
    config = {CORS: {"allowedOrigins": [APP]}}
    assert analyze(cors_no_wildcard_origin, HTTP_API, api(APP, "https://evil.example.net"), config=config) == [
        cors_violation(
            '`corsConfiguration.allowOrigins` holds "https://evil.example.net", which is not in the '
            "`allowedOrigins` option: remove it, or add it to `allowedOrigins` if it is a trusted web app."
        )
    ]


def test_allowed_origins_never_admits_a_wildcard():
    config = {CORS: {"allowedOrigins": ["*"]}}
    assert analyze(cors_no_wildcard_origin, HTTP_API, api("*"), config=config) == [
        cors_violation(f'`corsConfiguration.allowOrigins` allows any origin ("*"): {LIST_EXACT}')
    ]


# -- REST API integration responses ------------------------------------------------------------

ALLOW_ORIGIN = "method.response.header.Access-Control-Allow-Origin"
HEADER_PATH = f'`responseParameters["{ALLOW_ORIGIN}"]`'


def integration_response(value, **more):
    return {"restApi": "a1b2c3", "resourceId": "r1", "httpMethod": "OPTIONS", "statusCode": "200",
            "responseParameters": {ALLOW_ORIGIN: value, **more}}


def test_rest_integration_response_with_a_named_origin_passes():
    assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, integration_response(f"'{APP}'")) == []


def test_rest_integration_response_allowing_any_origin_is_reported():
    assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, integration_response("'*'")) == [
        cors_violation(f'{HEADER_PATH} allows any origin ("*"): set it to the quoted https:// origin of the web '
                       "app that calls it (e.g. \"'https://app.example.com'\").")
    ]


def test_rest_integration_response_header_names_are_matched_without_case():
    props = {"responseParameters": {"method.response.header.access-control-allow-origin": "'http://app.example.com'"}}
    assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, props) == [
        cors_violation('`responseParameters["method.response.header.access-control-allow-origin"]` holds '
                       f'"http://app.example.com", which is not an https:// origin: {USE_HTTPS}')
    ]


def test_rest_integration_response_mirroring_the_request_origin_is_reported():
    props = integration_response("method.request.header.Origin")
    assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, props) == [
        cors_violation(f'{HEADER_PATH} is "method.request.header.Origin", which repeats the caller\'s own Origin '
                       "header and so allows any origin: return a fixed, quoted https:// origin "
                       "(e.g. \"'https://app.example.com'\").")
    ]


def test_rest_integration_response_other_headers_and_mappings_are_not_applicable():
    props = integration_response("integration.response.header.Origin",
                                 **{"method.response.header.Access-Control-Allow-Headers": "'*'"})
    assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, props) == []
    assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, {"statusCode": "200"}) == []


def test_rest_integration_response_unknown_in_preview_is_deferred():
    for props in ({"responseParameters": UNKNOWN_OBJECT}, integration_response(UNKNOWN_STRING)):
        assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, props) == []


def test_rest_integration_response_honours_allowed_origins():
    config = {CORS: {"allowedOrigins": [APP]}}
    props = integration_response("'https://evil.example.net'")
    assert analyze(cors_no_wildcard_origin, REST_INTEGRATION_RESPONSE, props, config=config) == [
        cors_violation(f'{HEADER_PATH} holds "https://evil.example.net", which is not in the `allowedOrigins` '
                       "option: remove it, or add it to `allowedOrigins` if it is a trusted web app.")
    ]


def test_method_responses_only_declare_headers_and_are_not_applicable():
    props = {"responseParameters": {ALLOW_ORIGIN: True}}
    assert analyze(cors_no_wildcard_origin, "aws:apigateway/methodResponse:MethodResponse", props) == []


def test_malformed_cors_does_not_raise():
    # the raw check, so that an exception would fail the test instead of being logged by the policy
    for resource_type, props in [
        (HTTP_API, {"corsConfiguration": {"allowOrigins": "*"}}),
        (HTTP_API, {"corsConfiguration": ["*"]}),
        (BUCKET_CORS, {"corsRules": [None, "x", {"allowedOrigins": [None, 3]}]}),
        (BUCKET, {"corsRules": {"allowedOrigins": ["*"]}}),
        (REST_INTEGRATION_RESPONSE, {"responseParameters": {ALLOW_ORIGIN: 5}}),
        (REST_INTEGRATION_RESPONSE, {"responseParameters": {ALLOW_ORIGIN: "'"}}),
        (REST_INTEGRATION_RESPONSE, {"responseParameters": ["'*'"]}),
    ]:
        resource = Resource(resource_type, "r", "urn", props)
        assert list(cors_no_wildcard_origin.check(resource, {"allowedOrigins": "https://a.example"})) == []


# -- aws-apigatewayv2-stage-access-logging ----------------------------------------------------

LOG_GROUP_ARN = "arn:aws:logs:us-west-2:123456789012:log-group:api-access"
NO_ACCESS_LOG = (
    "so requests to this stage leave no access log: send them to a CloudWatch log group with a format that "
    "includes $context.requestId."
)
NO_THROTTLING = (
    "so only the account-wide limit throttles this stage: set limits sized for the API so that a burst of "
    "requests cannot overwhelm the integrations behind it."
)


def stage_violation(message: str) -> Violation:
    return Violation(STAGE, "advisory", message, "")


def stage(**props):
    return {"apiId": "a1b2c3", "name": "$default", "autoDeploy": True, **props}


FULL_LOGGING = {"destinationArn": LOG_GROUP_ARN, "format": '{"requestId":"$context.requestId"}'}
FULL_THROTTLING = {"throttlingBurstLimit": 100, "throttlingRateLimit": 50.5}


def test_stage_with_logging_and_throttling_passes():
    props = stage(accessLogSettings=FULL_LOGGING, defaultRouteSettings=FULL_THROTTLING)
    assert analyze(stage_access_logging, API_STAGE, props) == []


def test_bare_stage_reports_logging_and_throttling():
    assert analyze(stage_access_logging, API_STAGE, stage()) == [
        stage_violation(
            f"`accessLogSettings.destinationArn` and `accessLogSettings.format` are not set, {NO_ACCESS_LOG}"
        ),
        stage_violation(
            "`defaultRouteSettings.throttlingBurstLimit` and `defaultRouteSettings.throttlingRateLimit` are not "
            f"set, {NO_THROTTLING}"
        ),
    ]


def test_partial_settings_report_the_missing_fields_only():
    props = stage(
        accessLogSettings={"destinationArn": LOG_GROUP_ARN, "format": ""},
        defaultRouteSettings={"throttlingBurstLimit": 100, "detailedMetricsEnabled": True},
    )
    assert analyze(stage_access_logging, API_STAGE, props) == [
        stage_violation(f"`accessLogSettings.format` is not set, {NO_ACCESS_LOG}"),
        stage_violation(f"`defaultRouteSettings.throttlingRateLimit` is not set, {NO_THROTTLING}"),
    ]


def test_zero_limits_count_as_set():
    props = stage(
        accessLogSettings=FULL_LOGGING, defaultRouteSettings={"throttlingBurstLimit": 0, "throttlingRateLimit": 0}
    )
    assert analyze(stage_access_logging, API_STAGE, props) == []


def test_unknown_settings_in_preview_are_deferred():
    props = stage(accessLogSettings=UNKNOWN_OBJECT, defaultRouteSettings=UNKNOWN_OBJECT)
    assert analyze(stage_access_logging, API_STAGE, props) == []
    props = stage(
        accessLogSettings={"destinationArn": UNKNOWN_STRING, "format": "$context.requestId"},
        defaultRouteSettings={"throttlingBurstLimit": UNKNOWN_NUMBER, "throttlingRateLimit": UNKNOWN_NUMBER},
    )
    assert analyze(stage_access_logging, API_STAGE, props) == []


def test_other_types_are_not_applicable_to_the_stage_rule():
    assert analyze(stage_access_logging, HTTP_API, {"protocolType": "HTTP"}) == []


def test_stage_throttling_its_routes_through_route_settings_passes():
    """The shape of pulumi/examples aws-py-apigateway-lambda-serverless: no default limits, the API's route
    throttled in `routeSettings`."""
    props = stage(accessLogSettings=FULL_LOGGING, routeSettings=[
        {"routeKey": "ANY /{proxy+}", "throttlingBurstLimit": 1, "throttlingRateLimit": 0.5}])
    assert analyze(stage_access_logging, API_STAGE, props) == []


def test_route_settings_without_both_limits_do_not_throttle():
    props = stage(accessLogSettings=FULL_LOGGING, routeSettings=[
        {"routeKey": "GET /items", "detailedMetricsEnabled": True},
        {"routeKey": "POST /items", "throttlingBurstLimit": 10}])
    assert analyze(stage_access_logging, API_STAGE, props) == [
        stage_violation(
            "`defaultRouteSettings.throttlingBurstLimit` and `defaultRouteSettings.throttlingRateLimit` are not "
            f"set, {NO_THROTTLING}"),
    ]


def test_unknown_route_settings_in_preview_are_deferred():
    assert analyze(stage_access_logging, API_STAGE, stage(accessLogSettings=FULL_LOGGING,
                                                          routeSettings=UNKNOWN_ARRAY)) == []
    props = stage(accessLogSettings=FULL_LOGGING, routeSettings=[
        {"routeKey": UNKNOWN_STRING, "throttlingBurstLimit": UNKNOWN_NUMBER, "throttlingRateLimit": 5}])
    assert analyze(stage_access_logging, API_STAGE, props) == []
