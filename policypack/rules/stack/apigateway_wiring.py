"""Stack rule about API Gateway v2 wiring: route -> integration -> function -> permission."""

from __future__ import annotations

from typing import Iterator, List, Optional

from ...core.arn import parse_arn
from ...core.graph import Node, StackGraph
from ...core.props import UNKNOWN, show
from ...core.rule import HIGH, MANDATORY, Config, StackViolation, stack_rule
from ...core.types import API_INTEGRATION, API_ROUTE, FUNCTION, HTTP_API, PERMISSION
from .indexes import function_permissions, invokes
from .links import Link, by_value, label, link

TARGET_PREFIX = "integrations/"
APIGATEWAY = "apigateway.amazonaws.com"


@stack_rule(
    name="aws-apigatewayv2-route-wiring",
    description="Each API route reaches a Lambda function of the stack that API Gateway may invoke.",
    resource_types=[API_ROUTE, API_INTEGRATION, FUNCTION, PERMISSION],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Give each `aws.apigatewayv2.Route` `target=integration.id.apply(lambda i: f\"integrations/{i}\")` "
        "for an `aws.apigatewayv2.Integration` of the same `api_id`; point each `AWS_PROXY` integration's "
        "`integration_uri` at a function of the stack (`fn.invoke_arn`); add "
        "`aws.lambda_.Permission(action=\"lambda:InvokeFunction\", function=fn.name, "
        "principal=\"apigateway.amazonaws.com\", source_arn=api.execution_arn.apply(lambda a: f\"{a}/*/*\"))`. "
        "Build these links from resource objects, not from strings or Output-keyed maps."
    ),
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html",
    tags=["apigateway", "lambda", "stack"],
)
def route_wiring(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    for route in graph.of_type(API_ROUTE):
        yield from _route_violations(graph, route)
    permissions = function_permissions(graph)
    floating = any(invokes(p, APIGATEWAY) for p in permissions.floating)
    for integration in graph.of_type(API_INTEGRATION):
        yield from _integration_violations(graph, integration, permissions, floating)


# -- routes ----------------------------------------------------------------------------------------

def _route_violations(graph: StackGraph, route: Node) -> Iterator[StackViolation]:
    target = route.get("target")
    if target is None or target == "":
        yield StackViolation(route.urn, (
            f"`target` is not set, so the route {show(route.get('routeKey'))} reaches nothing: set it to "
            "\"integrations/<id>\" of an Integration of the same API."))
        return
    if isinstance(target, str) and not target.startswith(TARGET_PREFIX):
        yield StackViolation(route.urn, f"`target` is {show(target)}: it must be \"integrations/<integration id>\".")
        return
    integrations = _integrations_of(graph, route, target)
    if integrations is None:
        return
    if not integrations:
        yield StackViolation(route.urn, (
            f"`target` {show(target)} names no Integration of the stack: build it from the Integration "
            "resource (`integration.id`), not from a string."))
        return
    route_apis = link(graph, route, "apiId", HTTP_API)
    for integration in integrations:
        if _different_apis(route, route_apis, integration, link(graph, integration, "apiId", HTTP_API)):
            yield StackViolation(route.urn, (
                f"`target` names {label(integration)}, which belongs to another API than this route's "
                f"`apiId`: use an Integration of {_api_name(route_apis, route)}."))


def _integrations_of(graph: StackGraph, route: Node, target) -> Optional[List[Node]]:
    """The integrations the route's target names; None while that cannot be told (preview)."""
    if target is UNKNOWN:
        found = graph.referenced_by_property(route, "target", API_INTEGRATION)
        return found or None
    if not isinstance(target, str):
        return []
    integration_id = target[len(TARGET_PREFIX):]
    found = by_value(graph, integration_id, API_INTEGRATION)
    return found or graph.referenced_by_property(route, "target", API_INTEGRATION)


def _different_apis(route: Node, route_apis: Link, integration: Node, integration_apis: Link) -> bool:
    if not route_apis.settled or not integration_apis.settled:
        return False
    if route_apis.nodes and integration_apis.nodes:
        return not set(n.urn for n in route_apis.nodes) & set(n.urn for n in integration_apis.nodes)
    ids = route.get("apiId"), integration.get("apiId")
    return not route_apis.nodes and not integration_apis.nodes and all(isinstance(i, str) for i in ids) \
        and ids[0] != ids[1]


def _api_name(apis: Link, route: Node) -> str:
    return label(apis.nodes[0]) if apis.nodes else f"API {show(route.get('apiId'))}"


# -- integrations ----------------------------------------------------------------------------------

def _is_lambda_uri(uri: object) -> bool:
    if not isinstance(uri, str):
        return False
    if ":lambda:path/" in uri:
        return True
    arn = parse_arn(uri)
    return arn is not None and arn.service == "lambda"


def _integration_violations(graph: StackGraph, integration: Node, permissions, floating: bool) -> Iterator[StackViolation]:
    if integration.get("integrationType") != "AWS_PROXY":
        return
    uri = integration.get("integrationUri")
    functions = link(graph, integration, "integrationUri", FUNCTION)
    if not functions.candidates:
        if _is_lambda_uri(uri):
            yield StackViolation(integration.urn, (
                f"`integrationUri` {show(uri, 200)} is not a Function of this stack: point it at one "
                "(`fn.invoke_arn`), so its permission and wiring can be checked and kept."))
        return
    apis = link(graph, integration, "apiId", HTTP_API)
    if floating or not apis.settled or not apis.nodes:
        return
    for function in functions.nodes:
        yield from _permission_violations(graph, integration, function, apis.nodes, permissions)


def _permission_violations(graph: StackGraph, integration: Node, function: Node, apis, permissions) -> Iterator[StackViolation]:
    candidates = [p for p in permissions.of(function) if invokes(p, APIGATEWAY)]
    if not candidates:
        yield StackViolation(integration.urn, (
            f"`integrationUri` points at {label(function)}, which has no Permission that lets "
            f"`{APIGATEWAY}` invoke it: add one with `sourceArn` {label(apis[0])}'s `executionArn` + \"/*/*\"."))
        return
    if any(_scoped_to_api(graph, p, apis) is not False for p in candidates):
        return
    for permission in candidates:
        source = permission.get("sourceArn")
        state = "is not set" if source in (None, "") else f"is {show(source)}"
        yield StackViolation(permission.urn, (
            f"`sourceArn` {state}, not scoped to the execution ARN of {label(apis[0])}, whose "
            f"{label(integration)} invokes {label(function)}: set it to `api.execution_arn` + \"/*/*\"."))


def _scoped_to_api(graph: StackGraph, permission: Node, apis) -> Optional[bool]:
    """Is `sourceArn` the API's execution ARN (or under it)? None: cannot tell yet."""
    source = permission.get("sourceArn")
    if source is None or source == "" or not (source is UNKNOWN or isinstance(source, str)):
        return False
    deps = graph.referenced_by_property(permission, "sourceArn", HTTP_API)
    if source is UNKNOWN:
        return True if any(a in deps for a in apis) else None
    for api in apis:
        execution = api.get("executionArn")
        if isinstance(execution, str) and execution:
            if source == execution or source.startswith(execution + "/"):
                return True
            continue
        api_id = api.get("id")
        if _api_id_part(source) is not None and isinstance(api_id, str) and api_id:
            if _api_id_part(source) == api_id:
                return True
            continue
        if api in deps and not (_api_id_part(source) or "*").startswith("*"):
            return True  # computed from this API's outputs, which this stack does not hold
    return False


def _api_id_part(source: str) -> Optional[str]:
    """`arn:aws:execute-api:r:a:<api id>/<stage>/<method>/<path>` -> the API id part."""
    arn = parse_arn(source)
    if arn is None or arn.service != "execute-api":
        return None
    return arn.resource.split("/", 1)[0]


POLICIES = [route_wiring]
