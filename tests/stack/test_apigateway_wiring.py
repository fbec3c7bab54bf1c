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
    assert analyze_stack(route_wiring, api_stack(source_arn=wildcard)) == [_unscoped(f'is "{wildcard}"')]
    assert analyze_stack(route_wiring, api_stack(source_arn=wildcard, outputs=False)) == [_unscoped(f'is "{wildcard}"')]


def test_permission_for_another_api_is_reported():
    other = "arn:aws:execute-api:us-west-2:123456789012:zzz999/*/*"
    assert analyze_stack(route_wiring, api_stack(source_arn=other)) == [_unscoped(f'is "{other}"')]


def test_preview_with_a_source_of_unknown_origin_is_deferred():
    assert analyze_stack(route_wiring, api_stack(preview=True, source_arn=UNKNOWN_STRING)) == []


def test_preview_with_an_unplaced_route_target_is_deferred():
    assert analyze_stack(route_wiring, api_stack(preview=True, target=UNKNOWN_STRING)) == []


def test_stack_without_api_resources_is_not_applicable():
    assert analyze_stack(route_wiring, [function()]) == []
