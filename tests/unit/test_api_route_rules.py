"""aws-apigatewayv2-route-authorized through the real runtime."""

import pytest

from policypack.core import types as t
from policypack.rules.api_routes import route_authorized
from tests.support.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze

NAME = "aws-apigatewayv2-route-authorized"


def route(route_key, **props):
    return {"apiId": "a1b2c3d4e5", "routeKey": route_key, "target": "integrations/abc123", **props}


def violation(route_key, state="is not set (NONE)"):
    return Violation(NAME, "advisory",
                     f"`authorizationType` {state} on route \"{route_key}\": anyone who finds the API can call it. "
                     "Set \"AWS_IAM\", \"JWT\" or \"CUSTOM\" with an authorizer, or list the route key in "
                     "`publicRoutes` if it is public by design.", "")


@pytest.mark.parametrize("props", [
    route("GET /items", authorizationType="AWS_IAM"),
    route("POST /items", authorizationType="JWT", authorizerId="auth1"),
    route("ANY /{proxy+}", authorizationType="CUSTOM", authorizerId="auth1"),
    route("$connect", authorizationType="CUSTOM", authorizerId="auth1"),
])
def test_authorized_routes_pass(props):
    assert analyze(route_authorized, t.API_ROUTE, props) == []


@pytest.mark.parametrize("props, key, state", [
    (route("GET /items"), "GET /items", "is not set (NONE)"),
    (route("POST /items", authorizationType="NONE"), "POST /items", 'is "NONE"'),
    (route("ANY /{proxy+}", authorizationType="none"), "ANY /{proxy+}", 'is "none"'),
    (route("get  /items"), "GET /items", "is not set (NONE)"),
    (route("$default"), "$default", "is not set (NONE)"),  # an HTTP API's catch-all
    (route("$connect", authorizationType="NONE"), "$connect", 'is "NONE"'),
])
def test_routes_without_authorization_are_reported(props, key, state):
    assert analyze(route_authorized, t.API_ROUTE, props) == [violation(key, state)]


@pytest.mark.parametrize("props", [
    route("OPTIONS /items"),  # a CORS preflight carries no credentials
    route("options /{proxy+}"),
    route("$disconnect"),  # WebSocket routes other than $connect take no authorizer
    route("sendMessage"),
    route("$default", routeResponseSelectionExpression="$default"),  # a WebSocket API's $default
    route("$default", requestModels={"$default": "Message"}),
])
def test_routes_that_cannot_or_must_not_be_authorized_pass(props):
    assert analyze(route_authorized, t.API_ROUTE, props) == []


@pytest.mark.parametrize("listed, key", [
    (["GET /health"], "GET /health"),
    (["get /health"], "GET /health"),
    (["$default"], "$default"),
    (["POST /webhook", "GET /health"], "POST /webhook"),
])
def test_public_routes_are_not_reported(listed, key):
    assert analyze(route_authorized, t.API_ROUTE, route(key), config={NAME: {"publicRoutes": listed}}) == []


def test_only_the_listed_routes_are_public():
    config = {NAME: {"publicRoutes": ["GET /health"]}}
    assert analyze(route_authorized, t.API_ROUTE, route("GET /items"), config=config) == [violation("GET /items")]


@pytest.mark.parametrize("props", [
    route(UNKNOWN_STRING),
    route("GET /items", authorizationType=UNKNOWN_STRING),
    route("$default", routeResponseSelectionExpression=UNKNOWN_STRING),
    route("$default", requestModels=UNKNOWN_OBJECT),
    {"apiId": "a1b2c3d4e5"},  # no route key at all: the provider rejects it
])
def test_unknown_or_missing_values_are_not_reported(props):
    assert analyze(route_authorized, t.API_ROUTE, props) == []


def test_other_types_are_not_applicable():
    assert analyze(route_authorized, t.HTTP_API, {"routeKey": "GET /items"}) == []
