"""aws-apigatewayv2-route-wiring."""

from policypack.core.types import API_INTEGRATION, API_ROUTE, HTTP_API, PERMISSION
from policypack.rules.stack.apigateway_wiring import route_wiring
from tests.stack.builders import function, function_arn, res, urn
from tests.support.harness import UNKNOWN_STRING, Violation, analyze_stack

RULE = "aws-apigatewayv2-route-wiring"
EXECUTION_ARN = "arn:aws:execute-api:us-west-2:123456789012:a1b2c3"
INVOKE_ARN = f"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/{function_arn('fn-1a2b3c4')}/invocations"


def api_stack(*, preview=False, target=None, permission=True, source_arn=None, uri=None, outputs=True):
    """An HTTP API with one route -> integration -> function -> permission.

    `outputs`: the API's and integration's own `id` / `executionArn` are in the state (a real update);
    without them only the references (and their dependencies) tell the links, as in the stand-ins."""
    api = res(HTTP_API, "api", {"name": "api-1a2b3c4", "protocolType": "HTTP",
                                **({"id": "a1b2c3", "executionArn": EXECUTION_ARN} if outputs and not preview else {})})
    fn = function()
    unknown_or = (lambda value: UNKNOWN_STRING if preview else value)
    integration = res(API_INTEGRATION, "integration", {
        "apiId": unknown_or("a1b2c3"), "integrationType": "AWS_PROXY",
        "integrationUri": uri if uri is not None else unknown_or(INVOKE_ARN),
        **({"id": "i9z8"} if outputs and not preview else {})},
        refs={"apiId": [api], "integrationUri": [fn] if uri is None else []})
    route = res(API_ROUTE, "route", {"apiId": unknown_or("a1b2c3"), "routeKey": "GET /hello",
                                     "target": target if target is not None else unknown_or("integrations/i9z8")},
                refs={"apiId": [api], "target": [integration] if target is None else []})
    stack = [api, fn, integration, route]
    if permission:
        stack.append(res(PERMISSION, "allow-api", {
            "action": "lambda:InvokeFunction", "function": "fn-1a2b3c4", "principal": "apigateway.amazonaws.com",
            "sourceArn": source_arn if source_arn is not None else unknown_or(f"{EXECUTION_ARN}/*/*")},
            refs={"function": [fn], "sourceArn": [api] if source_arn is None else []}))
    return stack


def test_wired_api_passes_in_update_preview_and_without_outputs():
    assert analyze_stack(route_wiring, api_stack()) == []
    assert analyze_stack(route_wiring, api_stack(preview=True)) == []
    assert analyze_stack(route_wiring, api_stack(outputs=False)) == []


def test_route_without_target_is_reported():
    stack = api_stack(target="")
    assert analyze_stack(route_wiring, stack) == [
        Violation(RULE, "mandatory", (
            '`target` is not set, so the route "GET /hello" reaches nothing: set it to "integrations/<id>" of an '
            "Integration of the same API."), urn(API_ROUTE, "route")),
    ]


def test_route_target_of_the_wrong_form_is_reported():
    assert analyze_stack(route_wiring, api_stack(target="hello")) == [
        Violation(RULE, "mandatory", '`target` is "hello": it must be "integrations/<integration id>".',
                  urn(API_ROUTE, "route")),
    ]


def test_route_target_written_as_a_string_is_reported():
    assert analyze_stack(route_wiring, api_stack(target="integrations/hello")) == [
        Violation(RULE, "mandatory", (
            '`target` "integrations/hello" names no Integration of the stack: build it from the Integration '
            "resource (`integration.id`), not from a string."), urn(API_ROUTE, "route")),
    ]


def test_route_targeting_an_integration_of_another_api_is_reported():
    stack = api_stack()
    admin = res(HTTP_API, "admin", {"name": "admin-1", "id": "d4e5f6"})
    route = res(API_ROUTE, "admin-route", {"apiId": "d4e5f6", "routeKey": "GET /", "target": "integrations/i9z8"},
                refs={"apiId": [admin], "target": [stack[2]]})
    assert analyze_stack(route_wiring, [*stack, admin, route]) == [
        Violation(RULE, "mandatory", (
            '`target` names Integration "integration", which belongs to another API than this route\'s `apiId`: '
            'use an Integration of Api "admin".'), urn(API_ROUTE, "admin-route")),
    ]


def test_integration_with_a_function_outside_the_stack_is_reported():
    uri = f"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/{function_arn('legacy')}/invocations"
    assert analyze_stack(route_wiring, api_stack(uri=uri, permission=False)) == [
        Violation(RULE, "mandatory", (
            f"`integrationUri` \"{uri}\" is not a Function of this stack: point it at one (`fn.invoke_arn`), so "
            "its permission and wiring can be checked and kept."), urn(API_INTEGRATION, "integration")),
    ]


def test_http_integration_is_not_applicable():
    stack = api_stack(uri="https://example.com", permission=False)
    stack[2].props["integrationType"] = "HTTP_PROXY"
    assert analyze_stack(route_wiring, stack) == []


def test_function_without_api_gateway_permission_is_reported_on_the_integration():
    for stack in (api_stack(permission=False), api_stack(permission=False, preview=True)):
        assert analyze_stack(route_wiring, stack) == [
            Violation(RULE, "mandatory", (
                '`integrationUri` points at Function "fn", which has no Permission that lets '
                '`apigateway.amazonaws.com` invoke it: add one with `sourceArn` Api "api"\'s `executionArn` + "/*/*".'),
                urn(API_INTEGRATION, "integration")),
        ]


def _unscoped(state):
    return Violation(RULE, "mandatory", (
        f'`sourceArn` {state}, not scoped to the execution ARN of Api "api", whose Integration "integration" '
        'invokes Function "fn": set it to `api.execution_arn` + "/*/*".'), urn(PERMISSION, "allow-api"))


def test_permission_for_any_api_is_reported_on_the_permission():
    wildcard = "arn:aws:execute-api:us-west-2:123456789012:*/*/*"
    expected = [_unscoped(f'is "{wildcard}" (any API)')]
    assert analyze_stack(route_wiring, api_stack(source_arn=wildcard)) == expected
    assert analyze_stack(route_wiring, api_stack(source_arn=wildcard, outputs=False)) == expected


def test_permission_scoped_to_the_management_arn_is_reported():
    management = "arn:aws:apigateway:us-west-2::/apis/a1b2c3"
    assert analyze_stack(route_wiring, api_stack(source_arn=management)) == [
        _unscoped(f'is "{management}" (not an execution ARN: API Gateway invokes with one)')]


def _other_apis_only(permissions='Permission "allow-api"'):
    return Violation(RULE, "mandatory", (
        '`integrationUri` points at Function "fn", whose Permissions for `apigateway.amazonaws.com` are scoped to '
        f'other APIs ({permissions}), so Api "api" may not invoke it: add one with `sourceArn` Api "api"\'s '
        '`executionArn` + "/*/*".'), urn(API_INTEGRATION, "integration"))


def test_a_function_whose_only_permission_is_for_another_api_is_reported_on_the_integration():
    # the permission is right for the API it names: what is missing is one for this API
    other = "arn:aws:execute-api:us-west-2:123456789012:zzz999/*/*"
    assert analyze_stack(route_wiring, api_stack(source_arn=other)) == [_other_apis_only()]


# -- issue 12: "scoped to this API" -------------------------------------------------------------------

def test_a_star_right_after_the_api_id_is_scoped_to_that_api():
    # `api.execution_arn.apply(lambda arn: arn + "*/*")`: API IDs have a fixed length, so only this API
    slashless = f"{EXECUTION_ARN}*/*"
    assert analyze_stack(route_wiring, api_stack(source_arn=slashless)) == []
    assert analyze_stack(route_wiring, api_stack(source_arn=slashless, outputs=False)) == []
    assert analyze_stack(route_wiring, api_stack(source_arn=f"{EXECUTION_ARN}*")) == []


def test_a_longer_id_after_the_api_id_is_another_api():
    longer = f"{EXECUTION_ARN}x/*/*"
    assert analyze_stack(route_wiring, api_stack(source_arn=longer)) == [_other_apis_only()]


REST_EXECUTION_ARN = "arn:aws:execute-api:us-west-2:123456789012:r3st4p1"


def with_rest_permission(stack, *, preview=False, http_permission=True):
    """The same function behind a REST API too, its permission built from the REST stage's
    `execution_arn` + "*/*" (as aws-py-apigateway-lambda-serverless does)."""
    fn = stack[1]
    rest_api = res("aws:apigateway/restApi:RestApi", "rest-api", {
        "name": "rest-api-1a2b3c4", **({} if preview else {"id": "r3st4p1", "executionArn": REST_EXECUTION_ARN})})
    stage = res("aws:apigateway/stage:Stage", "rest-stage", {
        "restApi": UNKNOWN_STRING if preview else "r3st4p1", "stageName": "example",
        **({} if preview else {"executionArn": f"{REST_EXECUTION_ARN}/example"})}, refs={"restApi": [rest_api]})
    permission = res(PERMISSION, "allow-rest-api", {
        "action": "lambda:invokeFunction", "function": "fn-1a2b3c4", "principal": "apigateway.amazonaws.com",
        "sourceArn": UNKNOWN_STRING if preview else f"{REST_EXECUTION_ARN}/example*/*"},
        refs={"function": [fn], "sourceArn": [stage]})
    kept = [r for r in stack if http_permission or r.type != PERMISSION]
    return [*kept, rest_api, stage, permission]


def test_a_rest_api_permission_is_not_blamed_for_the_http_api():
    for preview in (False, True):
        assert analyze_stack(route_wiring, with_rest_permission(api_stack(preview=preview), preview=preview)) == []


def test_without_its_own_permission_the_http_api_is_reported_on_the_integration_in_preview_and_update():
    for preview in (False, True):
        stack = with_rest_permission(api_stack(preview=preview), preview=preview, http_permission=False)
        assert analyze_stack(route_wiring, stack) == [_other_apis_only('Permission "allow-rest-api"')]


# -- issue 13: one cause, one finding -------------------------------------------------------------------

def three_integrations(source_arn=None, permission=True):
    """Three routes' integrations that all invoke the same function (seed 004's fallback)."""
    stack = api_stack(source_arn=source_arn, permission=permission)
    api, fn = stack[0], stack[1]
    extra = [res(API_INTEGRATION, name, {"apiId": "a1b2c3", "integrationType": "AWS_PROXY",
                                         "integrationUri": INVOKE_ARN, "id": f"{name}-id"},
                 refs={"apiId": [api], "integrationUri": [fn]}) for name in ("integration-2", "integration-3")]
    return [*stack, *extra]


def test_one_unscoped_permission_behind_three_integrations_is_one_finding():
    stack = three_integrations()
    permission = next(r for r in stack if r.type == PERMISSION)
    del permission.props["sourceArn"]
    permission.property_dependencies.pop("sourceArn")
    assert analyze_stack(route_wiring, stack) == [Violation(RULE, "mandatory", (
        '`sourceArn` is not set, not scoped to the execution ARN of Api "api", whose Integrations "integration", '
        '"integration-2" and "integration-3" invoke Function "fn": set it to `api.execution_arn` + "/*/*".'),
        urn(PERMISSION, "allow-api"))]


def test_one_missing_permission_behind_three_integrations_is_one_finding():
    assert analyze_stack(route_wiring, three_integrations(permission=False)) == [Violation(RULE, "mandatory", (
        '`integrationUri` points at Function "fn" (as do Integrations "integration-2" and "integration-3"), which '
        'has no Permission that lets `apigateway.amazonaws.com` invoke it: add one with `sourceArn` Api "api"\'s '
        '`executionArn` + "/*/*".'), urn(API_INTEGRATION, "integration"))]


def test_preview_with_a_source_of_unknown_origin_is_deferred():
    assert analyze_stack(route_wiring, api_stack(preview=True, source_arn=UNKNOWN_STRING)) == []


def test_preview_with_an_unplaced_route_target_is_deferred():
    assert analyze_stack(route_wiring, api_stack(preview=True, target=UNKNOWN_STRING)) == []


def test_stack_without_api_resources_is_not_applicable():
    assert analyze_stack(route_wiring, [function()]) == []
