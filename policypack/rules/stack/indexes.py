"""Indexes several stack rules share, each built in one pass and once per graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from ...core.graph import Node, StackGraph
from ...core.iam import action_matches
from ...core.props import UNKNOWN, show
from ...core.rule import StackViolation
from ...core.types import BUCKET_TYPES, EVENT_INVOKE_CONFIG, FUNCTION, PERMISSION
from .links import SHOWN, label, link, names, shared


@dataclass
class Attached:
    """Resources attached to other resources through one reference property."""

    by_target: Dict[str, List[Node]] = field(default_factory=lambda: defaultdict(list))
    floating: List[Node] = field(default_factory=list)  # target cannot be told yet (preview)

    def of(self, target: Node) -> List[Node]:
        return self.by_target.get(target.urn, [])


def attached(graph: StackGraph, holder_types: tuple, prop: str, target_types: tuple) -> Attached:
    """Resources of `holder_types` by the resource their `prop` references (e.g. a bucket's
    `BucketPublicAccessBlock`s by `bucket`). In preview, every possible target counts."""

    def build(g: StackGraph) -> Attached:
        out = Attached()
        for holder in g.of_type(*holder_types):
            found = link(g, holder, prop, *target_types)
            for target in found.candidates:
                out.by_target[target.urn].append(holder)
            if found.open:
                out.floating.append(holder)
        return out

    return shared(graph, f"attached:{','.join(holder_types)}:{prop}", build)


def bucket_attachments(graph: StackGraph, *holder_types: str) -> Attached:
    return attached(graph, tuple(holder_types), "bucket", BUCKET_TYPES)


# -- Lambda permissions ------------------------------------------------------------------------

def function_permissions(graph: StackGraph) -> Attached:
    """`aws:lambda/permission`s by the function they let someone invoke."""
    return attached(graph, (PERMISSION,), "function", (FUNCTION,))


def invokes(permission: Node, principal: str) -> bool:
    """The permission lets `principal` call lambda:InvokeFunction (or may, in preview)."""
    who = permission.get("principal")
    if who is not UNKNOWN and who != principal:
        return False
    action = permission.get("action")
    if action is UNKNOWN:
        return True
    return isinstance(action, str) and action_matches(action, "lambda:InvokeFunction")


class Scopes:
    """One function's permissions for one principal, by what their `sourceArn` is scoped to.

    `keys_of(permission)` says where a permission points: a set of keys (an ARN, a bucket's URN,
    ...), or None when it may point anywhere (unknown in preview). A notification or integration
    asks with its own keys, so the question costs its keys, not the function's permissions
    (one function triggered by a thousand buckets has a thousand permissions).
    """

    def __init__(self, permissions: Sequence[Node], keys_of: Callable[[Node], Optional[FrozenSet[Any]]]) -> None:
        self.permissions = list(permissions)
        self._position: Dict[str, int] = {}
        self._keys: Dict[str, Optional[FrozenSet[Any]]] = {}
        self._anywhere: List[Node] = []
        self._by_key: Dict[Any, List[Node]] = defaultdict(list)
        for permission in self.permissions:
            if permission.urn in self._position:
                continue
            self._position[permission.urn] = len(self._position)
            keys = self._keys[permission.urn] = keys_of(permission)
            if keys is None:
                self._anywhere.append(permission)
            else:
                for key in keys:
                    self._by_key[key].append(permission)

    def scoped(self, permission: Node, keys: FrozenSet[Any]) -> bool:
        own = self._keys.get(permission.urn, frozenset())
        return own is None or not own.isdisjoint(keys)

    def first_scoped(self, keys: FrozenSet[Any]) -> Optional[Node]:
        """The first permission (in the stack's order) scoped to one of `keys`, or None."""
        heads = self._anywhere[:1] + [self._by_key[k][0] for k in keys if self._by_key.get(k)]
        return min(heads, key=lambda p: self._position[p.urn]) if heads else None

    def waited_for(self, graph: StackGraph, consumer: Node, keys: FrozenSet[Any]) -> bool:
        """`consumer` depends on one of the permissions scoped to `keys` (reads the shorter list)."""
        waits = graph.waits_for(consumer)
        if len(self.permissions) <= len(waits):
            return any(p.urn in waits and self.scoped(p, keys) for p in self.permissions)
        return any(urn in self._position and self.scoped(graph.nodes[urn], keys) for urn in waits)


def scopes(graph: StackGraph, function: Node, principal: str,
           keys_of: Callable[[Node], Optional[FrozenSet[Any]]]) -> Scopes:
    """The `Scopes` of the permissions that let `principal` invoke `function`, built once per graph."""
    cache = shared(graph, f"scopes:{principal}", lambda g: {})
    found = cache.get(function.urn)
    if found is None:
        candidates = [p for p in function_permissions(graph).of(function) if invokes(p, principal)]
        found = cache[function.urn] = Scopes(candidates, keys_of)
    return found


@dataclass(frozen=True)
class ScopeWording:
    """How a rule says that a permission is not scoped to what invokes its function."""

    not_scoped: str  # "not the ARN of"
    nor: str  # "of the buckets of"
    fix: str  # "set `sourceArn` to that bucket's ARN"
    unit: str  # "bucket"


class Unscoped:
    """A rule's findings in order, where a permission scoped to none of the notifications or
    integrations that invoke its function is one finding, placed where the first of them comes
    and naming the others (not one finding per permission per invoker: that grows as N * N)."""

    def __init__(self, wording: ScopeWording) -> None:
        self.wording = wording
        self._found: List[Any] = []
        self._invokers: Dict[str, List[Tuple[str, Node]]] = {}  # function URN -> (target name, invoker)

    def add(self, violation: StackViolation) -> None:
        self._found.append(violation)

    def add_unscoped(self, function: Node, permissions: Sequence[Node], target: str, invoker: Node) -> None:
        invokers = self._invokers.get(function.urn)
        if invokers is None:
            invokers = self._invokers[function.urn] = []
            self._found.append((function, permissions, invokers))
        invokers.append((target, invoker))

    def violations(self) -> Iterator[StackViolation]:
        for item in self._found:
            if isinstance(item, StackViolation):
                yield item
                continue
            function, permissions, invokers = item
            said = self.wording
            target, invoker = invokers[0]
            whose = f"{said.not_scoped} {target}, whose {label(invoker)} invokes {label(function)}"
            if len(invokers) == 1:
                ending = f": {said.fix}."
            else:  # the same for each permission of the function: worded once
                others = names([other for _, other in invokers[1:SHOWN + 1]], total=len(invokers) - 1)
                ending = f" (nor {said.nor} {others}, which invoke it too): {said.fix}, with one Permission per {said.unit}."
            for permission in permissions:
                source = permission.get("sourceArn")
                state = "is not set" if source in (None, "") else f"is {show(source)}"
                yield StackViolation(permission.urn, f"`sourceArn` {state}, {whose}{ending}")


# -- asynchronous invocation configs ---------------------------------------------------------------

def event_invoke_configs(graph: StackGraph) -> Attached:
    """`FunctionEventInvokeConfig`s by function (`functionName` is a name, ARN or partial ARN)."""
    return attached(graph, (EVENT_INVOKE_CONFIG,), "functionName", (FUNCTION,))


def has_failure_destination(config: Node) -> bool:
    """`destinationConfig.onFailure.destination` is set (or may be, in preview)."""
    destination = config.get("destinationConfig.onFailure.destination")
    return destination is UNKNOWN or (isinstance(destination, str) and bool(destination))
