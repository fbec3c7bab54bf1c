"""Stack rule about API Gateway v2 wiring: route -> integration -> function -> permission."""

from __future__ import annotations

from typing import FrozenSet, Iterator, List, Optional, Tuple

from ...core.arn import parse_arn
from ...core.graph import Node, StackGraph
from ...core.props import UNKNOWN, show
from ...core.rule import HIGH, MANDATORY, Config, StackViolation, stack_rule
from ...core.types import API_INTEGRATION, API_ROUTE, FUNCTION, HTTP_API, PERMISSION
from .indexes import ScopeWording, Scopes, Unscoped, function_permissions, invokes, scopes
from .links import MAX_NAMED, Link, by_value, label, link

TARGET_PREFIX = "integrations/"
EXECUTION_SLASHES = 8
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
    found = Unscoped(API_SCOPE)
    for integration in graph.of_type(API_INTEGRATION):
        _integration_violations(graph, integration, floating, found)
    yield from found.violations()


API_SCOPE = ScopeWording(not_scoped="not scoped to the execution ARN of", nor="to those of the APIs of",
                         fix="set it to `api.execution_arn` + \"/*/*\"", unit="API")


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


def _integration_violations(graph: StackGraph, integration: Node, floating: bool, found: Unscoped) -> None:
    if integration.get("integrationType") != "AWS_PROXY":
        return
    uri = integration.get("integrationUri")
    functions = link(graph, integration, "integrationUri", FUNCTION)
    if not functions.candidates:
        if _is_lambda_uri(uri):
            found.add(StackViolation(integration.urn, (
                f"`integrationUri` {show(uri, 200)} is not a Function of this stack: point it at one "
                "(`fn.invoke_arn`), so its permission and wiring can be checked and kept.")))
        return
    apis = link(graph, integration, "apiId", HTTP_API)
    if floating or not apis.settled or not apis.nodes:
        return
    for function in functions.nodes:
        _permission_violations(graph, integration, function, apis.nodes, found)


def _permission_violations(graph: StackGraph, integration: Node, function: Node, apis, found: Unscoped) -> None:
    function_scopes = _api_scopes(graph, function)
    if not function_scopes.permissions:
        found.add(StackViolation(integration.urn, (
            f"`integrationUri` points at {label(function)}, which has no Permission that lets "
            f"`{APIGATEWAY}` invoke it: add one with `sourceArn` {label(apis[0])}'s `executionArn` + \"/*/*\".")))
    elif function_scopes.first_scoped(_api_keys(apis)) is None:
        found.add_unscoped(function, function_scopes.permissions, label(apis[0]), integration)


def _api_scopes(graph: StackGraph, function: Node) -> Scopes:
    return scopes(graph, function, APIGATEWAY, lambda permission: _source_keys(graph, permission))


def _source_keys(graph: StackGraph, permission: Node) -> Optional[FrozenSet[Tuple[str, str]]]:
    """What `sourceArn` is scoped to (see `_api_keys`): an execution ARN it is or is under, the API
    id it names, the APIs it was computed from; None when it may be any API's (unknown)."""
    source = permission.get("sourceArn")
    if source is UNKNOWN:
        return None
    if not isinstance(source, str) or not source:
        return frozenset()
    keys = {("execution", source)}  # and under it: an execution ARN holds no "/" (a few, at most)
    end = source.find("/")
    for _ in range(EXECUTION_SLASHES):
        if end < 0:
            break
        keys.add(("execution", source[:end]))
        end = source.find("/", end + 1)
    part = _api_id_part(source)
    if part is not None:
        keys.add(("id", part))
        if not part.startswith("*"):  # computed from this API's outputs, which this stack does not hold
            keys.update(("dep", api.urn) for api in graph.referenced_by_property(permission, "sourceArn", HTTP_API))
    return frozenset(keys)


def _api_keys(apis) -> FrozenSet[Tuple[str, str]]:
    """The keys a permission scoped to one of `apis` has: its execution ARN when known, else its
    id when known, else the API itself."""
    keys = set()
    for api in apis:
        execution, api_id = api.get("executionArn"), api.get("id")
        if isinstance(execution, str) and execution:
            keys.add(("execution", execution))
        elif isinstance(api_id, str) and api_id:
            keys.add(("id", api_id))
        else:
            keys.add(("dep", api.urn))
    return frozenset(keys)


def _api_id_part(source: str) -> Optional[str]:
    """`arn:aws:execute-api:r:a:<api id>/<stage>/<method>/<path>` -> the API id part."""
    arn = parse_arn(source)
    if arn is None or arn.service != "execute-api":
        return None
    return arn.resource.split("/", 1)[0]


POLICIES = [route_wiring]
