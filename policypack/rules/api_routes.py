"""API Gateway v2 routes that anyone can call: `authorizationType` NONE.

Routes that cannot or must not carry an authorizer are not reported:
- `OPTIONS ...` (a CORS preflight: browsers send it without credentials);
- WebSocket routes other than `$connect` (`$disconnect`, custom route keys such as `sendMessage`,
  and a `$default` route with a route-response selection expression or request models): API Gateway
  authorizes a WebSocket connection once, on `$connect`.
An HTTP API's `$default` route catches every request no other route matches, so it is reported like
any other route (if it belongs to a WebSocket API, authorize `$connect` and list `$default` in
`publicRoutes`).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..core.options import allow_list, allow_list_option
from ..core.props import UNKNOWN, get, show
from ..core.rule import ADVISORY, HIGH, Config, Resource, resource_rule
from ..core.types import API_ROUTE

HTTP_ROUTE_KEY = re.compile(r"(?P<method>[A-Za-z]+)\s+(?P<path>/\S*)")
WEBSOCKET_ONLY_PROPS = ("routeResponseSelectionExpression", "modelSelectionExpression", "requestModels")


def _normalized(route_key: str) -> str:
    """`get  /items` -> `GET /items`: methods are upper case, one space before the path."""
    text = route_key.strip()
    match = HTTP_ROUTE_KEY.fullmatch(text)
    return f"{match['method'].upper()} {match['path']}" if match else text


@resource_rule(
    name="aws-apigatewayv2-route-authorized",
    description="API Gateway v2 routes require an authorizer, except CORS preflight routes and the routes listed as "
    "public.",
    resource_types=[API_ROUTE],
    enforcement_level=ADVISORY,
    severity=HIGH,
    remediation_steps="Give the `aws.apigatewayv2.Route` an authorizer: `authorization_type=\"AWS_IAM\"` (callers sign "
    "with SigV4), or `\"JWT\"` with an `aws.apigatewayv2.Authorizer` for your identity provider, or `\"CUSTOM\"` with a "
    "Lambda authorizer (`authorizer_id=authorizer.id`). Routes that are public by design (a health check, a "
    "webhook that verifies its own signature) go into `publicRoutes` by route key, e.g. \"GET /health\".",
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html",
    config_options={
        "publicRoutes": allow_list_option(
            "Route keys that may be called without authorization, e.g. \"GET /health\" or \"$default\" (methods "
            "compared in upper case)."),
    },
    tags=["apigateway", "public-access", "authentication"],
)
def route_authorized(resource: Resource, config: Config) -> Iterator[str]:
    props = resource.props
    authorization = get(props, "authorizationType")
    if authorization is UNKNOWN or (isinstance(authorization, str) and authorization.strip().upper() != "NONE"):
        return
    route_key = get(props, "routeKey")
    if not isinstance(route_key, str) or not route_key.strip():
        return  # not known yet (or absent: the provider rejects the route)
    key = _normalized(route_key)
    if key.startswith("OPTIONS ") or not _can_be_authorized(key, props):
        return
    if key in {_normalized(k) for k in allow_list(config, "publicRoutes")}:
        return
    state = "is not set (NONE)" if authorization is None else f"is {show(authorization)}"
    yield (f"`authorizationType` {state} on route {show(key)}: anyone who finds the API can call it. Set "
           "\"AWS_IAM\", \"JWT\" or \"CUSTOM\" with an authorizer, or list the route key in `publicRoutes` if it is "
           "public by design.")


def _can_be_authorized(key: str, props: Any) -> bool:
    if HTTP_ROUTE_KEY.fullmatch(key) or key == "$connect":
        return True
    if key == "$default":
        return not any(get(props, name) not in (None, "", {}) for name in WEBSOCKET_ONLY_PROPS)
    return False  # $disconnect and custom WebSocket route keys take no authorizer


POLICIES = [route_authorized]
