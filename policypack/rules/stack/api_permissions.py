"""Which API a Lambda permission for API Gateway is for - one notion for HTTP APIs (v2) and REST
APIs (v1) - and what is wrong when an API's integrations cannot invoke their function.

API Gateway invokes a function with the caller's execution ARN as the source:
`arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>`. A permission is scoped to
an API when its `sourceArn` starts with that API's ID, followed by `/`, `*` or nothing: API IDs have
a fixed length, so `<execution ARN>*/*` (no slash before the star, as several of Pulumi's own
examples write it) admits that API only. Which API that is, is told

1. by the property dependencies of `sourceArn` - computed from an API, or from one of its stages or
   deployments (`stage.execution_arn`) - known in preview as in update;
2. by the API ID in the ARN, when the value and the stack's API IDs are known.

A value that contradicts its dependencies (an ARN for any API, `*`) wins: it is what AWS reads.

Preview decides through the dependencies, so it reports what the update will (issue 12: it used to
stay quiet and let `pulumi up` fail). Where neither tells - a `sourceArn` computed from outside the
stack, unknown in preview - the rules say nothing until the update: a policy has one level, so a
mandatory rule cannot add an advisory "cannot tell yet", and such a note in every preview of every
such stack would be noise that teaches people to skip the pack's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Sequence, Tuple

from ...core.arn import parse_arn
from ...core.graph import Node, StackGraph
from ...core.props import UNKNOWN, show
from ...core.rule import StackViolation
from ...core.types import API_STAGE, HTTP_API, REST_API, REST_DEPLOYMENT, REST_STAGE
from .indexes import function_permissions, invokes
from .links import label, link, shared, unique

APIGATEWAY = "apigateway.amazonaws.com"
API_TYPES = (HTTP_API, REST_API)
# Resources whose `executionArn` is their API's plus a stage, and the property naming their API.
API_CHILDREN = {API_STAGE: "apiId", REST_STAGE: "restApi", REST_DEPLOYMENT: "restApi"}
SOURCE_FIX = '`sourceArn` {api}\'s `executionArn` + "/*/*"'
MAX_NAMED = 3  # resources a message names before "... and N more"

SCOPED, UNSCOPED, UNDECIDED = "scoped", "unscoped", "undecided"
ARN_LIMIT = 200


@dataclass(frozen=True)
class Scope:
    """What a permission's `sourceArn` admits: the APIs it is scoped to (none of the stack's: an
    API elsewhere), any API (`reason` says how), or not known yet (preview)."""

    state: str
    apis: Tuple[Node, ...] = ()
    reason: str = ""
    api_id: str = ""  # the API ID in a known `sourceArn`

    def covers(self, apis: Sequence[Node]) -> bool:
        """Scoped to one of `apis` - or, by an ID no API of the stack holds, maybe to one of them
        whose ID the stack does not hold either (outputs missing from a state)."""
        urns = {a.urn for a in self.apis}
        if any(a.urn in urns for a in apis):
            return True
        return not self.apis and bool(self.api_id) and any(not _ids_of(a) for a in apis)


def api_ids(graph: StackGraph) -> Dict[str, List[Node]]:
    """API ID -> the stack's APIs with that ID (from their known `id` or `executionArn`)."""

    def build(g: StackGraph) -> Dict[str, List[Node]]:
        out: Dict[str, List[Node]] = {}
        for api in g.of_type(*API_TYPES):
            for api_id in _ids_of(api):
                out.setdefault(api_id, []).append(api)
        return out

    return shared(graph, "api-ids", build)


def _ids_of(api: Node) -> List[str]:
    ids = []
    api_id = api.get("id")
    if isinstance(api_id, str) and api_id:
        ids.append(api_id)
    execution = parse_arn(api.get("executionArn"))
    if execution is not None and execution.service == "execute-api" and execution.resource:
        ids.append(execution.resource.split("/", 1)[0])
    return list(dict.fromkeys(ids))


def apis_behind(graph: StackGraph, permission: Node) -> List[Node]:
    """The APIs a permission's `sourceArn` was computed from, directly or through a stage."""
    found: List[Node] = []
    for node in graph.referenced_by_property(permission, "sourceArn"):
        if node.type in API_TYPES:
            found.append(node)
        elif node.type in API_CHILDREN:
            found.extend(link(graph, node, API_CHILDREN[node.type], *API_TYPES).candidates)
    return unique(found)


def permission_scope(graph: StackGraph, permission: Node) -> Scope:
    source = permission.get("sourceArn")
    behind = tuple(apis_behind(graph, permission))
    if source is UNKNOWN:
        return Scope(SCOPED, behind) if behind else Scope(UNDECIDED)
    if source is None or source == "":
        return Scope(UNSCOPED, reason="is not set")
    if not isinstance(source, str):
        return Scope(UNSCOPED, reason=f"is {show(source)}")
    shown = f"is {show(source, ARN_LIMIT)}"
    arn = parse_arn(source)
    if arn is None:
        # not an ARN the stack can read (e.g. built from an output the engine stand-in does not
        # hold): the dependencies say which API it is for
        return Scope(SCOPED, behind) if behind else Scope(UNSCOPED, reason=shown)
    if arn.service != "execute-api":
        return Scope(UNSCOPED, reason=f"{shown} (not an execution ARN: API Gateway invokes with one)")
    literal = arn.resource.split("/", 1)[0].rstrip("*")
    if not literal or "*" in literal or "?" in literal:
        return Scope(UNSCOPED, reason=f"{shown} (any API)")
    by_id = api_ids(graph).get(literal)
    if by_id:
        return Scope(SCOPED, tuple(by_id), api_id=literal)
    unheld = tuple(a for a in behind if not _ids_of(a))  # computed from an API whose ID the stack does not hold
    return Scope(SCOPED, unheld, api_id=literal)


# -- integrations that cannot invoke their function -------------------------------------------------

class _Permissions:
    """A function's permissions for API Gateway, read once, however many integrations invoke it."""

    def __init__(self, graph: StackGraph, function: Node, permissions: Sequence[Node]) -> None:
        self.scopes = [(p, permission_scope(graph, p)) for p in permissions if invokes(p, APIGATEWAY)]
        self.undecided = any(s.state == UNDECIDED for _, s in self.scopes)
        self.scoped = {a.urn for _, s in self.scopes if s.state == SCOPED for a in s.apis}
        # scoped by an ID no API of the stack holds: maybe one whose ID the stack does not hold either
        self.unheld = any(s.state == SCOPED and not s.apis and s.api_id for _, s in self.scopes)
        self.unscoped = [(p, s) for p, s in self.scopes if s.state == UNSCOPED]

    def cover(self, apis: Sequence[Node]) -> bool:
        if self.undecided or any(a.urn in self.scoped for a in apis):
            return True
        return self.unheld and any(not _ids_of(a) for a in apis)


@dataclass
class _Relying:
    """The integrations (and their APIs) that rely on a function's unscoped permissions."""

    function: Node
    apis: Dict[str, Node] = field(default_factory=dict)
    integrations: Dict[str, Node] = field(default_factory=dict)


@dataclass
class _Missing:
    """A function that no permission lets one API invoke, and that API's integrations of it."""

    function: Node
    api: Node
    elsewhere: str  # its permissions for API Gateway, scoped to other APIs, as a message names them
    integrations: List[Node] = field(default_factory=list)


Proxy = Tuple[Node, Node, Sequence[Node]]  # (integration, the function it invokes, the integration's APIs)


def permission_violations(graph: StackGraph, proxies: Iterable[Proxy], uri_prop: str) -> Iterator[StackViolation]:
    """One violation per cause: per unscoped permission (naming every integration that relies on
    it), and per function that an API may not invoke (on its first integration, naming the rest).
    Each function's permissions are read once, and each list a message names is rendered once, so
    the cost grows with the stack whatever its shape (one function behind thousands of APIs)."""
    permissions = function_permissions(graph)
    if any(invokes(p, APIGATEWAY) for p in permissions.floating):
        return  # a permission whose function is not known yet (preview) may be any function's
    of_function: Dict[str, _Permissions] = {}
    relying: Dict[str, _Relying] = {}
    missing: Dict[Tuple[str, str], _Missing] = {}
    elsewhere: Dict[str, str] = {}
    for integration, function, apis in proxies:
        own = of_function.get(function.urn)
        if own is None:
            own = of_function[function.urn] = _Permissions(graph, function, permissions.of(function))
        if own.cover(apis):
            continue
        if own.unscoped:
            entry = relying.setdefault(function.urn, _Relying(function))
            entry.integrations.setdefault(integration.urn, integration)
            for api in apis:
                entry.apis.setdefault(api.urn, api)
            continue
        key = (function.urn, apis[0].urn)
        if key not in missing:
            if function.urn not in elsewhere:
                elsewhere[function.urn] = listing([p for p, _ in own.scopes]) if own.scopes else ""
            missing[key] = _Missing(function, apis[0], elsewhere[function.urn])
        missing[key].integrations.append(integration)
    for urn, entry in relying.items():
        many = len(entry.integrations) > 1
        apis, integrations = listing(list(entry.apis.values())), listing(list(entry.integrations.values()))
        for permission, scope in of_function[urn].unscoped:
            yield StackViolation(permission.urn, (
                f"`sourceArn` {scope.reason}, not scoped to the execution ARN of {apis}, whose {integrations} "
                f"invoke{'' if many else 's'} {label(entry.function)}: set it to `api.execution_arn` + \"/*/*\"."))
    for entry in missing.values():
        first, others = entry.integrations[0], entry.integrations[1:]
        also = f" (as {'do' if len(others) > 1 else 'does'} {listing(others)})" if others else ""
        fix = SOURCE_FIX.format(api=label(entry.api))
        if entry.elsewhere:
            yield StackViolation(first.urn, (
                f"`{uri_prop}` points at {label(entry.function)}{also}, whose Permissions for `{APIGATEWAY}` "
                f"are scoped to other APIs ({entry.elsewhere}), so {label(entry.api)} may not invoke it: "
                f"add one with {fix}."))
        else:
            yield StackViolation(first.urn, (
                f"`{uri_prop}` points at {label(entry.function)}{also}, which has no Permission that lets "
                f"`{APIGATEWAY}` invoke it: add one with {fix}."))


def listing(nodes: Sequence[Node]) -> str:
    """`Integration "a"`, `Integrations "a", "b" and "c"`, `... and 2 more`; kinds named once."""
    nodes = unique(nodes)
    kinds = {label(n).split(" ", 1)[0] for n in nodes}
    shown = nodes[:MAX_NAMED]
    if len(kinds) == 1 and len(nodes) > 1:
        kind = kinds.pop()
        parts = [label(n).split(" ", 1)[1] for n in shown]
        prefix = f"{kind}s "
    else:
        parts = [label(n) for n in shown]
        prefix = ""
    rest = len(nodes) - len(shown)
    if rest:
        return prefix + ", ".join(parts) + f" and {rest} more"
    if len(parts) == 1:
        return prefix + parts[0]
    return prefix + ", ".join(parts[:-1]) + " and " + parts[-1]
