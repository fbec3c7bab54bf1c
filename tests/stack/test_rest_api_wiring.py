"""aws-apigateway-lambda-wiring: REST API integrations -> function -> permission scoped to the REST API."""

from policypack.core.types import PERMISSION, REST_API, REST_INTEGRATION, REST_STAGE
from policypack.rules.stack.apigateway_wiring import rest_lambda_wiring
from tests.stack.builders import function, function_arn, res, urn
from tests.support.harness import UNKNOWN_STRING, Violation, analyze_stack

RULE = "aws-apigateway-lambda-wiring"
API_ID = "r3st4p1"
EXECUTION_ARN = f"arn:aws:execute-api:us-west-2:123456789012:{API_ID}"
INVOKE_ARN = f"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/{function_arn('fn-1a2b3c4')}/invocations"


def rest_stack(*, preview=False, permission=True, source_arn=None, via="api", kind="AWS_PROXY", uri=None,
               methods=("GET",)):
    """A REST API with one integration per method -> function -> permission.

    `via`: what the permission's `sourceArn` is computed from - the RestApi (`execution_arn` + "/*/*") or
    its Stage (`stage.execution_arn` + "*/*", as Pulumi's REST API examples write it)."""
    unknown_or = (lambda value: UNKNOWN_STRING if preview else value)
    api = res(REST_API, "orders-api", {"name": "orders-api-1a2b3c4",
                                       **({} if preview else {"id": API_ID, "executionArn": EXECUTION_ARN})})
    fn = function()
    stage = res(REST_STAGE, "prod", {"restApi": unknown_or(API_ID), "stageName": "prod",
                                     **({} if preview else {"executionArn": f"{EXECUTION_ARN}/prod"})},
                refs={"restApi": [api]})
    integrations = [
        res(REST_INTEGRATION, f"{method.lower()}-orders", {
            "restApi": unknown_or(API_ID), "resourceId": unknown_or("res1"), "httpMethod": method, "type": kind,
            "integrationHttpMethod": "POST", "uri": uri if uri is not None else unknown_or(INVOKE_ARN)},
            refs={"restApi": [api], "uri": [fn] if uri is None else []})
        for method in methods]
    stack = [api, fn, stage, *integrations]
    if permission:
        default = f"{EXECUTION_ARN}/*/*" if via == "api" else f"{EXECUTION_ARN}/prod*/*"
        stack.append(res(PERMISSION, "orders-from-api", {
            "action": "lambda:InvokeFunction", "function": "fn-1a2b3c4", "principal": "apigateway.amazonaws.com",
            "sourceArn": source_arn if source_arn is not None else unknown_or(default)},
            refs={"function": [fn], "sourceArn": ([api] if via == "api" else [stage]) if source_arn is None else []}))
    return stack


def test_wired_rest_api_passes_in_update_and_preview():
    for via in ("api", "stage"):
        assert analyze_stack(rest_lambda_wiring, rest_stack(via=via)) == []
        assert analyze_stack(rest_lambda_wiring, rest_stack(via=via, preview=True)) == []


def test_a_source_narrowed_to_a_stage_method_and_path_passes():
    assert analyze_stack(rest_lambda_wiring, rest_stack(source_arn=f"{EXECUTION_ARN}/prod/GET/orders")) == []


def test_function_without_permission_is_reported_once_on_the_first_integration():
    for preview in (False, True):
        assert analyze_stack(rest_lambda_wiring, rest_stack(permission=False, preview=preview,
                                                            methods=("GET", "POST"))) == [
            Violation(RULE, "mandatory", (
                '`uri` points at Function "fn" (as does Integration "post-orders"), which has no Permission that '
                'lets `apigateway.amazonaws.com` invoke it: add one with `sourceArn` RestApi "orders-api"\'s '
                '`executionArn` + "/*/*".'), urn(REST_INTEGRATION, "get-orders"))]


def _unscoped(state, integrations='Integration "get-orders" invokes'):
    return Violation(RULE, "mandatory", (
        f'`sourceArn` {state}, not scoped to the execution ARN of RestApi "orders-api", whose {integrations} '
        'Function "fn": set it to `api.execution_arn` + "/*/*".'), urn(PERMISSION, "orders-from-api"))


def test_permission_without_source_is_reported_on_the_permission():
    stack = rest_stack(methods=("GET", "POST"))
    permission = stack[-1]
    del permission.props["sourceArn"]
    permission.property_dependencies.clear()
    assert analyze_stack(rest_lambda_wiring, stack) == [
        _unscoped("is not set", 'Integrations "get-orders" and "post-orders" invoke')]


def test_permission_for_any_api_is_reported_on_the_permission():
    wildcard = "arn:aws:execute-api:us-west-2:123456789012:*/*/*"
    assert analyze_stack(rest_lambda_wiring, rest_stack(source_arn=wildcard)) == [
        _unscoped(f'is "{wildcard}" (any API)')]


def test_permission_scoped_to_another_rest_api_of_the_stack_is_reported_on_the_integration():
    stack = rest_stack(permission=False)
    fn = stack[1]
    admin = res(REST_API, "admin-api", {"name": "admin-api-1", "id": "adm1n00001",
                                        "executionArn": "arn:aws:execute-api:us-west-2:123456789012:adm1n00001"})
    permission = res(PERMISSION, "admin-invoke", {
        "action": "lambda:InvokeFunction", "function": "fn-1a2b3c4", "principal": "apigateway.amazonaws.com",
        "sourceArn": "arn:aws:execute-api:us-west-2:123456789012:adm1n00001/*/*"},
        refs={"function": [fn], "sourceArn": [admin]})
    assert analyze_stack(rest_lambda_wiring, [*stack, admin, permission]) == [Violation(RULE, "mandatory", (
        '`uri` points at Function "fn", whose Permissions for `apigateway.amazonaws.com` are scoped to other APIs '
        '(Permission "admin-invoke"), so RestApi "orders-api" may not invoke it: add one with `sourceArn` RestApi '
        '"orders-api"\'s `executionArn` + "/*/*".'), urn(REST_INTEGRATION, "get-orders"))]


def test_non_proxy_lambda_integrations_are_checked_too():
    assert analyze_stack(rest_lambda_wiring, rest_stack(kind="AWS", permission=False)) == [
        Violation(RULE, "mandatory", (
            '`uri` points at Function "fn", which has no Permission that lets `apigateway.amazonaws.com` invoke it: '
            'add one with `sourceArn` RestApi "orders-api"\'s `executionArn` + "/*/*".'),
            urn(REST_INTEGRATION, "get-orders"))]


def test_preview_with_a_source_of_unknown_origin_is_deferred():
    assert analyze_stack(rest_lambda_wiring, rest_stack(preview=True, source_arn=UNKNOWN_STRING)) == []


def test_http_and_mock_integrations_are_not_applicable():
    for kind in ("HTTP_PROXY", "MOCK"):
        assert analyze_stack(rest_lambda_wiring, rest_stack(kind=kind, uri="https://example.com",
                                                            permission=False)) == []


def test_a_function_outside_the_stack_is_not_applicable():
    uri = f"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/{function_arn('legacy')}/invocations"
    assert analyze_stack(rest_lambda_wiring, rest_stack(uri=uri, permission=False)) == []


def test_stack_without_rest_api_resources_is_not_applicable():
    assert analyze_stack(rest_lambda_wiring, [function()]) == []
