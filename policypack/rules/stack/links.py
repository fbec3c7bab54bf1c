"""How stack rules follow a reference from one resource to another, in preview and in update.

A reference (`role`, `lambdaFunctions[0].lambdaFunctionArn`, `dimensions.FunctionName`, ...) is
followed by its value when the value is known and names a resource of the stack (by ARN, name or
ID, as the graph indexes them), else through the property dependencies of its top-level property,
which preview knows too. The answer says how sure it is:

- `nodes`: the resources the reference surely points to;
- `maybe`: in preview, a property with several references (two Lambda destinations, `onSuccess` and
  `onFailure`) has one dependency list for all of them: each is one of these;
- `open`: nothing can be followed: the value is unknown (decide in the update), or it names more
  resources of the stack than a rule can tell apart (see `MAX_NAMED`).

Rules report a *missing* link only when nothing is open or maybe, and a *harmful* link only through
`nodes`, so a preview never reports a mandatory violation that the update would not.

A value several resources hold (the same function name in two regions, a resource read with `get`
beside the one declared) points to all of them, up to `MAX_NAMED`. Past that, a link that fanned
out to every copy would make each rule's work grow with the square of the stack: the reference
points to those of them its property was computed from, when the property dependencies say so,
else it is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, TypeVar

from ...core.arn import parse_arn
from ...core.graph import Node, StackGraph
from ...core.props import UNKNOWN, parsed_path

T = TypeVar("T")


@dataclass(frozen=True)
class Link:
    nodes: Tuple[Node, ...] = ()
    maybe: Tuple[Node, ...] = ()
    open: bool = False
    value: Any = None

    @property
    def candidates(self) -> Tuple[Node, ...]:
        return self.nodes + self.maybe

    @property
    def settled(self) -> bool:
        """Nothing left to learn: `nodes` is the whole answer (possibly empty)."""
        return not self.maybe and not self.open


NO_LINK = Link()


def link(graph: StackGraph, holder: Node, path: Any, *types: str) -> Link:
    """Follow the reference at `path` (e.g. "deadLetterConfig.targetArn") of `holder` to `types`.

    Answered once per graph: several rules follow the same references (a notification's bucket and
    destinations, a route's integration)."""
    answers = graph.shared.get("links")
    if answers is None:
        answers = graph.shared["links"] = {}
    key = (holder.urn, path if isinstance(path, str) else tuple(path), types)
    found = answers.get(key)
    if found is None:
        found = answers[key] = _link(graph, holder, path, types)
    return found


def _link(graph: StackGraph, holder: Node, path: Any, types: Tuple[str, ...]) -> Link:
    segments = _segments(path)
    if not segments or not isinstance(segments[0], str):
        return NO_LINK
    value = holder.get(segments)
    prop = segments[0]
    if value is None or (isinstance(value, str) and not value):
        return NO_LINK
    if value is UNKNOWN:
        return _through_dependencies(graph, holder, prop, segments, types, value, if_none=Link(open=True))
    if not isinstance(value, str):
        return NO_LINK
    found = by_value(graph, value, *types)
    if len(found) > MAX_NAMED:
        found = _narrowed(graph, holder, prop, found, types)
        if not found:
            return Link(open=True, value=value)
    if found:
        return Link(nodes=tuple(found), value=value)
    # a known value that names nothing the graph indexes (an ARN or ID in a form no resource's
    # identity property holds): follow the property's dependencies instead
    return _through_dependencies(graph, holder, prop, segments, types, value, if_none=Link(value=value))


def link_each(graph: StackGraph, holder: Node, list_path: str, item_key: Optional[str], *types: str) -> List[Tuple[int, Link]]:
    """`link` for every entry of the list at `list_path` (entry `.item_key` when given)."""
    entries = holder.get(list_path)
    if entries is UNKNOWN:
        prop = _segments(list_path)[0]
        deps = graph.referenced_by_property(holder, str(prop), *types)
        return [(-1, Link(maybe=tuple(deps), open=not deps))]
    if not isinstance(entries, list):
        return []
    out = []
    for index in range(len(entries)):
        path = f"{list_path}.{index}" + (f".{item_key}" if item_key else "")
        out.append((index, link(graph, holder, path, *types)))
    return out


MAX_NAMED = 16  # a value naming more resources than this (and no dependency to tell them apart) is open


def _narrowed(graph: StackGraph, holder: Node, prop: str, found: Tuple[Node, ...],
              types: Sequence[str]) -> Tuple[Node, ...]:
    """Of the many resources holding the value, those the property was computed from (in the
    stack's order), found in the shorter of the two lists."""
    deps = graph.referenced_by_property(holder, prop, *types)
    if len(found) <= len(deps):
        dep_urns = graph.urns(deps)
        return tuple(n for n in found if n.urn in dep_urns)
    found_urns = graph.urns(found)
    return tuple(sorted(unique([n for n in deps if n.urn in found_urns]), key=graph.position))


def _through_dependencies(graph: StackGraph, holder: Node, prop: str, segments: Sequence[Any],
                          types: Sequence[str], value: Any, if_none: Link) -> Link:
    deps = graph.referenced_by_property(holder, prop, *types)
    if not deps:
        return if_none
    if _alone(graph, holder, prop, tuple(segments[1:])):
        return Link(nodes=deps, value=value)
    return Link(maybe=deps, value=value)


def _alone(graph: StackGraph, holder: Node, prop: str, own_path: Tuple[Any, ...]) -> bool:
    """No other leaf of the property looks like a reference (unknown, or an ARN)."""
    references = _reference_leaves(graph, holder, prop)
    return not references or (len(references) == 1 and references[0] == own_path)


def _reference_leaves(graph: StackGraph, holder: Node, prop: str) -> Tuple[Tuple[Any, ...], ...]:
    """The paths of the first two leaves of `prop` that look like references, found once per
    property (each entry of a long list asks; walking the list for each would be quadratic)."""
    cache = shared(graph, "reference-leaves", lambda g: {})
    key = (holder.urn, prop)
    found = cache.get(key)
    if found is None:
        tree = holder.props.get(prop) if isinstance(holder.props, dict) else None
        paths = []
        for path, leaf in _leaves(tree, ()):
            if leaf is UNKNOWN or (isinstance(leaf, str) and leaf.startswith("arn:")):
                paths.append(path)
                if len(paths) == 2:
                    break
        found = cache[key] = tuple(paths)
    return found


def _leaves(tree: Any, prefix: Tuple[Any, ...]) -> Iterator[Tuple[Tuple[Any, ...], Any]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, prefix + (key,))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _leaves(value, prefix + (index,))
    else:
        yield prefix, tree


def _segments(path: Any) -> Sequence[Any]:
    if isinstance(path, str):
        return parsed_path(path)  # cached: rules follow the same few paths on every resource
    return tuple(path)


# -- by value ----------------------------------------------------------------------------------

def by_value(graph: StackGraph, value: Any, *types: str) -> Tuple[Node, ...]:
    """Resources of `types` that a known ARN / name / ID string identifies (each once; a value
    many resources reference - one function's ARN in a thousand notifications - is read once)."""
    if not isinstance(value, str) or not value:
        return ()
    answers = shared(graph, "by-value", lambda g: {})
    found = answers.get((value, types))
    if found is None:
        found = ()
        for key in identity_keys(value):
            found = graph.find_by_value(key, *types)
            if found:
                break
        answers[(value, types)] = found
    return found


def identity_keys(value: str) -> Iterator[str]:
    """The forms under which a reference can match a resource's arn / name / id.

    `arn:aws:lambda:r:a:function:fn-1` -> itself, `function:fn-1`, `fn-1`;
    `arn:aws:iam::a:role/path/r-1` -> ..., `r-1`; an API Gateway invoke ARN -> its function ARN's keys.
    """
    seen = set()
    for key in _identity_keys(value):
        if key and key not in seen:
            seen.add(key)
            yield key


def _identity_keys(value: str) -> Iterator[str]:
    yield value
    if "/functions/" in value and value.endswith("/invocations"):
        inner = value.split("/functions/", 1)[1][: -len("/invocations")]
        yield from _identity_keys(inner)
        return
    arn = parse_arn(value)
    if arn is None:
        return
    resource = arn.resource
    yield resource
    for sep in (":", "/"):
        if sep in resource:
            yield resource.split(sep, 1)[1]
    yield resource.rsplit("/", 1)[-1]
    yield resource.rsplit(":", 1)[-1]


def union(links: Iterable[Link]) -> List[Node]:
    """Every resource any of the links may point to, once, in order of first appearance.

    The entries of one list property that follow its dependencies share one `maybe` tuple: it is
    read once, not once per entry (a notification with N destinations costs N, not N * N)."""
    seen: Dict[str, Node] = {}
    groups = set()
    for found in links:
        for node in found.nodes:
            seen.setdefault(node.urn, node)
        if found.maybe and id(found.maybe) not in groups:
            groups.add(id(found.maybe))
            for node in found.maybe:
                seen.setdefault(node.urn, node)
    return list(seen.values())


# -- naming and sharing ------------------------------------------------------------------------

NAME_LIMIT = 80  # characters of a logical name shown in a message
SHOWN = 3  # names a message lists before "and N more"


def label(node: Node) -> str:
    """`Function "resize"`: the resource's kind and Pulumi logical name, for messages."""
    kind = node.type.rsplit(":", 1)[-1] if ":" in node.type else node.type
    name = node.name if len(node.name) <= NAME_LIMIT else node.name[: NAME_LIMIT - 1] + "…"
    return f'{kind} "{name}"'


def listing(items: Sequence[Any], render: Callable[[Any], str] = str, shown: int = SHOWN,
            total: Optional[int] = None) -> str:
    """`a, b, c`, or past `shown` items `a, b, c and 1,595 more`: a message names a handful, and
    renders only those (a list of thousands costs nothing more). `total`: how many there are,
    when `items` holds only the first few."""
    head = ", ".join(render(item) for item in items[:shown])
    rest = (len(items) if total is None else total) - shown
    return head if rest <= 0 else f"{head} and {rest:,} more"


def names(nodes: Sequence[Node], shown: int = SHOWN, total: Optional[int] = None) -> str:
    """The labels of `nodes` for a message, at most `shown` of them (see `listing`)."""
    return listing(nodes, label, shown, total)


def shared(graph: StackGraph, key: str, build: Callable[[StackGraph], T]) -> T:
    """An index computed once per graph and shared by every stack rule of the analysis."""
    cache = graph.shared
    if key not in cache:
        cache[key] = build(graph)
    return cache[key]


def unique(nodes: Sequence[Node]) -> List[Node]:
    seen = set()
    out = []
    for node in nodes:
        if node.urn not in seen:
            seen.add(node.urn)
            out.append(node)
    return out
