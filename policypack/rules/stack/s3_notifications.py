"""Stack rules about the wiring of S3 bucket notifications to Lambda functions: S3's permission
to invoke each destination, and no destination that writes back where it is triggered."""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Tuple

from ...core.graph import Node, StackGraph
from ...core.iam import covers_any
from ...core.props import UNKNOWN, get, show
from ...core.rule import CRITICAL, HIGH, MANDATORY, Config, StackViolation, stack_rule
from ...core.types import BUCKET_NOTIFICATION, BUCKET_TYPES, FUNCTION, PERMISSION, ROLE
from .access import YES, AccessIndex, RoleAccess, access_index, find_grant
from .indexes import ScopeWording, Scopes, Unscoped, function_permissions, invokes, scopes
from .links import MAX_NAMED, Link, by_value, label, link, link_each, union
from .patterns import MARKER, trigger_keys

S3 = "s3.amazonaws.com"


# -- aws-s3-notification-lambda-permission ---------------------------------------------------------------------

def _lambda_destinations(graph: StackGraph, notification: Node) -> List[Tuple[int, Link]]:
    return link_each(graph, notification, "lambdaFunctions", "lambdaFunctionArn", FUNCTION)


def _bucket_of(graph: StackGraph, notification: Node) -> Link:
    return link(graph, notification, "bucket", *BUCKET_TYPES)


def _bucket_arns(notification: Node, buckets: List[Node]) -> List[str]:
    arns = []
    for bucket in buckets:
        if isinstance(bucket.get("arn"), str):
            arns.append(bucket.get("arn"))
        if isinstance(bucket.get("bucket"), str):
            arns.append("arn:aws:s3:::" + bucket.get("bucket"))
    if not buckets and isinstance(notification.get("bucket"), str):
        arns.append("arn:aws:s3:::" + notification.get("bucket"))
    return arns


NAMES_NO_BUCKET = ("no bucket of the stack",)  # scope key of a known `sourceArn` no bucket holds


def _source_keys(graph: StackGraph, permission: Node) -> Optional[FrozenSet[Any]]:
    """Where the permission's `sourceArn` points: its ARN and the buckets it names; None when it may
    be any bucket's (unknown in preview, or a name too many buckets hold); empty when none."""
    source = permission.get("sourceArn")
    if source is UNKNOWN:
        return None
    if not isinstance(source, str) or not source:
        return frozenset()
    linked = by_value(graph, source, *BUCKET_TYPES)
    if len(linked) > MAX_NAMED:
        return None
    return frozenset([("arn", source), *(("bucket", b.urn) for b in linked)] + ([] if linked else [NAMES_NO_BUCKET]))


def _notification_keys(notification: Node, buckets: List[Node]) -> FrozenSet[Any]:
    """The scope keys of a permission meant for this notification's bucket (see `_source_keys`):
    its ARN, the bucket itself; while the bucket cannot be told, any ARN no bucket holds."""
    keys = [("arn", arn) for arn in _bucket_arns(notification, buckets)] + [("bucket", b.urn) for b in buckets]
    if not buckets and not isinstance(notification.get("bucket"), str):
        keys.append(NAMES_NO_BUCKET)
    return frozenset(keys)


def _s3_scopes(graph: StackGraph, function: Node) -> Scopes:
    return scopes(graph, function, S3, lambda permission: _source_keys(graph, permission))


@stack_rule(
    name="aws-s3-notification-lambda-permission",
    description="S3 may invoke each Lambda destination of a bucket notification, and the notification "
                "is created after that permission.",
    resource_types=[BUCKET_NOTIFICATION, PERMISSION, FUNCTION],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "For each Lambda destination add `aws.lambda_.Permission(action=\"lambda:InvokeFunction\", "
        "function=fn.name, principal=\"s3.amazonaws.com\", source_arn=bucket.arn, "
        "source_account=<account id>)` and create the notification with "
        "`opts=pulumi.ResourceOptions(depends_on=[permission])`."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
    tags=["s3", "lambda", "events", "stack"],
)
def notification_lambda_permission(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    permissions = function_permissions(graph)
    if any(invokes(p, S3) for p in permissions.floating):
        return  # a permission whose function is not known yet may be any destination's
    found = Unscoped(S3_SCOPE)
    for notification in graph.of_type(BUCKET_NOTIFICATION):
        buckets = list(_bucket_of(graph, notification).candidates)
        bucket_name = label(buckets[0]) if buckets else f"bucket {show(notification.get('bucket'))}"
        keys = _notification_keys(notification, buckets)
        for function in union(entry for _, entry in _lambda_destinations(graph, notification)):
            function_scopes = _s3_scopes(graph, function)
            if not function_scopes.permissions:
                found.add(StackViolation(notification.urn, (
                    f"its Lambda destination {label(function)} (`lambdaFunctions`) has no Permission that lets "
                    f"`{S3}` invoke it: add one with `sourceArn` the ARN of {bucket_name} and list "
                    "it in this notification's `depends_on`.")))
                continue
            first = function_scopes.first_scoped(keys)
            if first is None:
                found.add_unscoped(function, function_scopes.permissions, bucket_name, notification)
            elif not function_scopes.waited_for(graph, notification, keys):
                found.add(StackViolation(notification.urn, (
                    f"does not depend on {label(first)}, which lets {bucket_name} invoke its Lambda "
                    f"destination {label(function)}: add it to the notification's `depends_on` (S3 checks the "
                    "permission when the notification is created).")))
    yield from found.violations()


S3_SCOPE = ScopeWording(not_scoped="not the ARN of", nor="of the buckets of",
                        fix="set `sourceArn` to that bucket's ARN", unit="bucket")


# -- aws-s3-notification-no-recursion --------------------------------------------------------------

WRITE_ANYWHERE = ("/AdministratorAccess", "/AmazonS3FullAccess", "/PowerUserAccess")


def _fires_on_writes(events: Any) -> Optional[bool]:
    if events is UNKNOWN:
        return None
    if not isinstance(events, list):
        return False
    if any(e is UNKNOWN for e in events):
        return None
    return any(isinstance(e, str) and (e.startswith("s3:ObjectCreated") or e == "s3:*") for e in events)


def _filter_part(value: Any) -> str:
    if value is UNKNOWN:
        return MARKER
    return value if isinstance(value, str) else ""


def _bucket_physical_name(notification: Node, bucket_link: Link) -> Optional[str]:
    for bucket in bucket_link.nodes:
        name = bucket.get("bucket")
        if isinstance(name, str) and name:
            return name
    value = notification.get("bucket")
    if not bucket_link.candidates and isinstance(value, str) and value:
        return value
    return None


@stack_rule(
    name="aws-s3-notification-no-recursion",
    description="A function triggered by a bucket cannot write back into that bucket under keys that "
                "trigger it again (an endless invocation loop).",
    resource_types=[BUCKET_NOTIFICATION, FUNCTION, ROLE],
    enforcement_level=MANDATORY,
    severity=CRITICAL,
    remediation_steps=(
        "Write the function's output to another bucket, or under a prefix / suffix that its trigger's "
        "`filter_prefix` / `filter_suffix` excludes, and scope the role's `s3:PutObject` statement to "
        "exactly that place (no `s3:*`, no `*`)."
    ),
    url="https://docs.aws.amazon.com/lambda/latest/dg/with-s3-example.html",
    tags=["s3", "lambda", "events", "cost", "stack"],
)
def notification_no_recursion(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    writes = _Writes(access_index(graph))
    reported = set()
    for notification in graph.of_type(BUCKET_NOTIFICATION):
        bucket = _bucket_physical_name(notification, _bucket_of(graph, notification))
        destinations = _Destinations(_lambda_destinations(graph, notification))
        for function in destinations.functions:
            if (function.urn, notification.urn) in reported:
                continue
            evidence = _loop(graph, writes, notification, bucket, function, destinations.entries_of(function))
            if evidence:
                reported.add((function.urn, notification.urn))
                yield StackViolation(function.urn, evidence)


class _Destinations:
    """A notification's Lambda destinations: each function with the entries of `lambdaFunctions`
    that name it surely, and the entries that only may name it (in preview, entries that follow
    the list's dependencies share them: one group, read once, however long the list)."""

    def __init__(self, entries: List[Tuple[int, Link]]) -> None:
        self._functions: Dict[str, Node] = {}
        self._sure: Dict[str, List[int]] = defaultdict(list)  # function URN -> entry indexes
        self._groups: Dict[str, List[List[int]]] = defaultdict(list)  # function URN -> groups of entry indexes
        group_of: Dict[int, List[int]] = {}  # id of a shared `maybe` tuple -> its entries
        for index, found in entries:
            for function in found.nodes:
                self._functions.setdefault(function.urn, function)
                self._sure[function.urn].append(index)
            if not found.maybe:
                continue
            group = group_of.get(id(found.maybe))
            if group is None:
                group = group_of[id(found.maybe)] = []
                for function in found.maybe:
                    self._functions.setdefault(function.urn, function)
                    groups = self._groups[function.urn]
                    if not groups or groups[-1] is not group:
                        groups.append(group)
            group.append(index)

    @property
    def functions(self) -> List[Node]:
        return list(self._functions.values())

    def entries_of(self, function: Node) -> Iterator[Tuple[int, bool]]:
        """(index, sure) of the entries that name `function`, in the list's order."""
        sure = ((index, True) for index in self._sure.get(function.urn, ()))
        maybe = [((index, False) for index in group) for group in self._groups.get(function.urn, ())]
        return heapq.merge(sure, *maybe)


def _loop(graph: StackGraph, writes: "_Writes", notification: Node, bucket: Optional[str], function: Node,
          entries: Iterator[Tuple[int, bool]]) -> Optional[str]:
    """A message when the function surely may write where it is triggered, else None.

    In preview, a notification with several Lambda destinations has one dependency list for all
    of them: a function named only through it loops only if it does under every such entry (past
    MAX_NAMED such entries, it is left to the update, which knows each entry's function)."""
    roles = link(graph, function, "role", ROLE).nodes
    if not roles:
        return None
    maybe_messages: List[str] = []
    for index, sure in entries:
        if index < 0:
            return None  # `lambdaFunctions` itself is not known yet
        if not sure and len(maybe_messages) == MAX_NAMED:
            return None
        entry = notification.get(f"lambdaFunctions.{index}")
        message = _entry_loop(writes, roles, notification, bucket, index, entry)
        if sure:
            if message:
                return message
        elif not message:
            return None
        else:
            maybe_messages.append(message)
    return maybe_messages[0] if maybe_messages else None


def _entry_loop(writes: "_Writes", roles: Tuple[Node, ...], notification: Node, bucket: Optional[str],
                index: int, entry: Any) -> Optional[str]:
    if _fires_on_writes(get(entry, "events")) is not True:
        return None
    keys = trigger_keys(bucket, _filter_part(get(entry, "filterPrefix")), _filter_part(get(entry, "filterSuffix")))
    reason = writes.reason(roles, keys)
    return _loop_message(notification, index, entry, reason) if reason else None


class _Writes:
    """Why a function's roles may write to the keys that trigger it (answers kept per question)."""

    def __init__(self, access: AccessIndex) -> None:
        self.access = access
        self._anywhere: Dict[str, Optional[str]] = {}

    def reason(self, roles: Tuple[Node, ...], keys) -> Optional[str]:
        for role in roles:
            role_access = self.access.of(role)
            arn = self._writes_anywhere(role_access)
            if arn is not None:
                return f"its role {label(role)} has the AWS-managed policy {show(arn)}"
            answer, evidence = find_grant(role_access, "s3:PutObject", [("s3", keys)], sure_only=True)
            if answer == YES and evidence is not None:
                statement = evidence.statement
                if isinstance(statement.actions, tuple):
                    action = show(covers_any(statement.actions, ("s3:PutObject",))[0])
                else:
                    action = "every action outside its `NotAction`"
                return (f"{label(evidence.grant.source)} `{evidence.grant.path}` {statement.label} "
                        f"allows {action} on {show(evidence.pattern)}")
        return None

    def _writes_anywhere(self, role_access: RoleAccess) -> Optional[str]:
        urn = role_access.role.urn
        if urn not in self._anywhere:
            self._anywhere[urn] = next((arn for arn in role_access.managed if arn.endswith(WRITE_ANYWHERE)), None)
        return self._anywhere[urn]


def _loop_message(notification: Node, index: int, entry: Any, reason: str) -> str:
    prefix, suffix = get(entry, "filterPrefix"), get(entry, "filterSuffix")
    where = ", ".join(f"`{key}` {show(value)}" for key, value in (("filterPrefix", prefix), ("filterSuffix", suffix))
                      if value is UNKNOWN or (isinstance(value, str) and value)) or "no filter"
    return (
        f"is triggered by BucketNotification \"{notification.name}\" (`lambdaFunctions[{index}]`, {where}) "
        f"and may write back into that bucket under keys that trigger it again: {reason}. Write elsewhere "
        "(another bucket, or a prefix/suffix the filter excludes) and scope `s3:PutObject` to that place."
    )


POLICIES = [
    notification_lambda_permission,
    notification_no_recursion,
]
