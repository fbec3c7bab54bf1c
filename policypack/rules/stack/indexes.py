"""Indexes several stack rules share, each built in one pass and once per graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List

from ...core.graph import Node, StackGraph
from ...core.iam import action_matches
from ...core.props import UNKNOWN
from ...core.types import BUCKET_TYPES, EVENT_INVOKE_CONFIG, FUNCTION, PERMISSION
from .links import link, shared


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


# -- asynchronous invocation configs ---------------------------------------------------------------

def event_invoke_configs(graph: StackGraph) -> Attached:
    """`FunctionEventInvokeConfig`s by function (`functionName` is a name, ARN or partial ARN)."""
    return attached(graph, (EVENT_INVOKE_CONFIG,), "functionName", (FUNCTION,))


def has_failure_destination(config: Node) -> bool:
    """`destinationConfig.onFailure.destination` is set (or may be, in preview)."""
    destination = config.get("destinationConfig.onFailure.destination")
    return destination is UNKNOWN or (isinstance(destination, str) and bool(destination))
