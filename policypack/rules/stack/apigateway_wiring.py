"""Stack rules about API Gateway wiring: HTTP API route -> integration -> function -> permission (v2),
and REST API integration -> function -> permission (v1). Which API a permission is for is one
notion for both (`api_permissions`)."""

from __future__ import annotations

from typing import Iterator, List, Optional, Sequence, Tuple

from ...core.arn import parse_arn
from ...core.graph import Node, StackGraph
from ...core.props import UNKNOWN, show
from ...core.rule import HIGH, MANDATORY, Config, StackViolation, stack_rule
from ...core.types import API_INTEGRATION, API_ROUTE, FUNCTION, HTTP_API, PERMISSION, REST_API, REST_INTEGRATION
from .api_permissions import permission_violations
from .links import MAX_NAMED, Link, by_value, label, link

TARGET_PREFIX = "integrations/"


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
    yield from _integration_violations(graph)


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
    if len(found) > MAX_NAMED:  # an ID too many integrations hold: only the dependencies can tell
        return graph.referenced_by_property(route, "target", API_INTEGRATION) or None
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


def _http_proxies(graph: StackGraph) -> Iterator[Tuple[Node, Optional[Node], Sequence[Node]]]:
    """(integration, function, APIs) for each Lambda proxy integration of an HTTP API whose function
    and API are settled; function None: the URI names a function outside the stack."""
    for integration in graph.of_type(API_INTEGRATION):
        if integration.get("integrationType") != "AWS_PROXY":
            continue
        functions = link(graph, integration, "integrationUri", FUNCTION)
        if not functions.candidates:
            if _is_lambda_uri(integration.get("integrationUri")):
                yield integration, None, ()
            continue
        apis = link(graph, integration, "apiId", HTTP_API)
        if apis.settled and apis.nodes:
            for function in functions.nodes:
                yield integration, function, apis.nodes


def _integration_violations(graph: StackGraph) -> Iterator[StackViolation]:
    proxies = []
    for integration, function, apis in _http_proxies(graph):
        if function is None:
            uri = integration.get("integrationUri")
            yield StackViolation(integration.urn, (
                f"`integrationUri` {show(uri, 200)} is not a Function of this stack: point it at one "
                "(`fn.invoke_arn`), so its permission and wiring can be checked and kept."))
        else:
            proxies.append((integration, function, apis))
    yield from permission_violations(graph, proxies, "integrationUri")


# -- aws-apigateway-lambda-wiring (REST APIs) -------------------------------------------------------

LAMBDA_INTEGRATION_TYPES = ("AWS_PROXY", "AWS")


@stack_rule(
    name="aws-apigateway-lambda-wiring",
    description="Each REST API integration that proxies to a Lambda function of the stack may invoke it, "
                "through a permission scoped to that REST API.",
    resource_types=[REST_INTEGRATION, REST_API, FUNCTION, PERMISSION],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "For each `aws.apigateway.Integration` of `type` \"AWS_PROXY\" (or \"AWS\") whose `uri` is a function's "
        "`invoke_arn`, add `aws.lambda_.Permission(action=\"lambda:InvokeFunction\", function=fn.name, "
        "principal=\"apigateway.amazonaws.com\", source_arn=rest_api.execution_arn.apply(lambda arn: "
        "f\"{arn}/*/*\"))` (or narrower: `/<stage>/<method>/<path>`); build it from the RestApi (or its "
        "Stage's `execution_arn`), not from a string."
    ),
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html",
    tags=["apigateway", "lambda", "stack"],
)
def rest_lambda_wiring(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    proxies = []
    for integration in graph.of_type(REST_INTEGRATION):
        kind = integration.get("type")
        if not (isinstance(kind, str) and kind.upper() in LAMBDA_INTEGRATION_TYPES):
            continue
        functions = link(graph, integration, "uri", FUNCTION)
        apis = link(graph, integration, "restApi", REST_API)
        if apis.settled and apis.nodes:
            proxies.extend((integration, function, apis.nodes) for function in functions.nodes)
    yield from permission_violations(graph, proxies, "uri")


POLICIES = [route_wiring, rest_lambda_wiring]
