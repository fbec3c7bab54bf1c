"""Stack rules about S3 buckets and what is attached to them: default encryption, public access
block, TLS-only bucket policy, and the wiring of bucket notifications to Lambda functions."""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Tuple

from ...core.graph import Node, StackGraph
from ...core.iam import covers_any, documents_of, parse_document
from ...core.props import UNKNOWN, get, show
from ...core.rule import ADVISORY, CRITICAL, HIGH, MANDATORY, MEDIUM, Config, StackViolation, stack_rule
from ...core.types import (
    BUCKET_NOTIFICATION,
    BUCKET_POLICY,
    BUCKET_PUBLIC_ACCESS_BLOCK,
    BUCKET_SSE_TYPES,
    BUCKET_TYPES,
    FUNCTION,
    PERMISSION,
    ROLE,
)
from .access import YES, AccessIndex, RoleAccess, access_index, find_grant
from .indexes import ScopeWording, Scopes, Unscoped, bucket_attachments, function_permissions, invokes, scopes
from .links import MAX_NAMED, Link, by_value, label, link, link_each, union
from .patterns import MARKER, trigger_keys

S3 = "s3.amazonaws.com"

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
AWS_MANAGED_S3_KEY = "alias/aws/s3"

# -- aws-s3-bucket-encryption-kms ------------------------------------------------------------------

OK = "ok"


def _encryption_defaults(node: Node) -> Iterator[Tuple[str, Any]]:
    """(path, `applyServerSideEncryptionByDefault` value) of a bucket's inline configuration
    (pulumi-aws 7 `Bucket` and 6 `Bucket`: one rule; 6 `BucketV2`: lists) or of an SSE resource."""
    if node.type in BUCKET_SSE_TYPES:
        rules = node.get("rules")
        if rules is UNKNOWN:
            yield "rules", UNKNOWN
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            yield f"rules[{i}].applyServerSideEncryptionByDefault", get(rule, "applyServerSideEncryptionByDefault")
        return
    single = node.get("serverSideEncryptionConfiguration")
    if single is UNKNOWN:
        yield "serverSideEncryptionConfiguration", UNKNOWN
    elif isinstance(single, dict):
        path = "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault"
        yield path, get(single, "rule.applyServerSideEncryptionByDefault")
    many = node.get("serverSideEncryptionConfigurations")
    if many is UNKNOWN:
        yield "serverSideEncryptionConfigurations", UNKNOWN
    for i, conf in enumerate(many if isinstance(many, list) else []):
        rules = get(conf, "rules")
        if rules is UNKNOWN:
            yield f"serverSideEncryptionConfigurations[{i}].rules", UNKNOWN
        for j, rule in enumerate(rules if isinstance(rules, list) else []):
            defaults = get(rule, "applyServerSideEncryptionByDefaults")
            if defaults is UNKNOWN:
                yield f"serverSideEncryptionConfigurations[{i}].rules[{j}]", UNKNOWN
            for k, value in enumerate(defaults if isinstance(defaults, list) else []):
                yield (f"serverSideEncryptionConfigurations[{i}].rules[{j}]"
                       f".applyServerSideEncryptionByDefaults[{k}]", value)


def _encryption_problem(path: str, defaults: Any, whose: str = "") -> str:
    """OK, or what is wrong with one `applyServerSideEncryptionByDefault` block."""
    if defaults is UNKNOWN:
        return OK
    algorithm = get(defaults, "sseAlgorithm")
    key = get(defaults, "kmsMasterKeyId")
    if algorithm is UNKNOWN:
        return OK
    if algorithm not in KMS_ALGORITHMS:
        state = "is not set" if algorithm is None else f"is {show(algorithm)}"
        return (f"`{path}.sseAlgorithm` {state}{whose}: use \"aws:kms\" with `kmsMasterKeyId` set to a "
                "customer-managed KMS key (S3-managed AES256 keys cannot be scoped or audited per bucket).")
    if key is UNKNOWN:
        return OK
    if not isinstance(key, str) or not key.strip():
        return (f"`{path}.kmsMasterKeyId` is not set{whose}, so S3 uses the AWS-managed key "
                f"\"{AWS_MANAGED_S3_KEY}\": set it to the ARN of a customer-managed aws.kms.Key.")
    if key == AWS_MANAGED_S3_KEY or key.endswith(":" + AWS_MANAGED_S3_KEY):
        return (f"`{path}.kmsMasterKeyId` is {show(key)}{whose}, the AWS-managed key: set it to the ARN of a "
                "customer-managed aws.kms.Key.")
    return OK


@stack_rule(
    name="aws-s3-bucket-encryption-kms",
    description="Every bucket encrypts objects by default with a customer-managed KMS key.",
    resource_types=[*BUCKET_TYPES, *BUCKET_SSE_TYPES],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Add an `aws.s3.BucketServerSideEncryptionConfiguration` for the bucket with a rule "
        "`apply_server_side_encryption_by_default` of `sse_algorithm=\"aws:kms\"` and "
        "`kms_master_key_id=key.arn` for an `aws.kms.Key` of the stack (optionally `bucket_key_enabled=True`)."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    tags=["s3", "encryption", "kms", "stack"],
)
def bucket_encryption_kms(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    configurations = bucket_attachments(graph, *BUCKET_SSE_TYPES)
    for bucket in graph.of_type(*BUCKET_TYPES):
        problems: List[StackViolation] = []
        compliant = False
        for holder in [bucket, *configurations.of(bucket)]:
            blocks = list(_encryption_defaults(holder))
            if not blocks and holder is not bucket:
                problems.append(StackViolation(holder.urn, (
                    f"`rules` is empty for {label(bucket)}: add a rule whose "
                    "`applyServerSideEncryptionByDefault` has `sseAlgorithm` \"aws:kms\" and a "
                    "customer-managed `kmsMasterKeyId`.")))
            for path, defaults in blocks:
                whose = "" if holder is bucket else f" for {label(bucket)}"
                problem = _encryption_problem(path, defaults, whose)
                if problem == OK:
                    compliant = True
                else:
                    problems.append(StackViolation(holder.urn, problem))
        if compliant:
            continue
        if problems:
            yield from problems
        elif not configurations.floating:
            yield StackViolation(bucket.urn, (
                "has no default encryption configuration (no BucketServerSideEncryptionConfiguration "
                "for it): add one with `sseAlgorithm` \"aws:kms\" and `kmsMasterKeyId` set to a "
                "customer-managed KMS key."))


# -- aws-s3-bucket-public-access-block -------------------------------------------------------------

PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _flags_not_true(block: Node) -> List[str]:
    return [f for f in PUBLIC_ACCESS_FLAGS if block.get(f) is not True and block.get(f) is not UNKNOWN]


@stack_rule(
    name="aws-s3-bucket-public-access-block",
    description="Every bucket has a public access block with all four settings on.",
    resource_types=[*BUCKET_TYPES, BUCKET_PUBLIC_ACCESS_BLOCK],
    enforcement_level=MANDATORY,
    severity=CRITICAL,
    remediation_steps=(
        "Add `aws.s3.BucketPublicAccessBlock(bucket=bucket.id, block_public_acls=True, "
        "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)` for each bucket."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    tags=["s3", "public-access", "stack"],
)
def bucket_public_access_block(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    blocks = bucket_attachments(graph, BUCKET_PUBLIC_ACCESS_BLOCK)
    for bucket in graph.of_type(*BUCKET_TYPES):
        own = blocks.of(bucket)
        if not own:
            if not blocks.floating:
                yield StackViolation(bucket.urn, (
                    "has no BucketPublicAccessBlock: add one for it with `blockPublicAcls`, "
                    "`blockPublicPolicy`, `ignorePublicAcls` and `restrictPublicBuckets` all true."))
            continue
        if any(not _flags_not_true(block) for block in own):
            continue
        for block in own:
            states = [f"`{flag}` is {'not set' if block.get(flag) is None else show(block.get(flag))}"
                      for flag in _flags_not_true(block)]
            yield StackViolation(block.urn, f"{', '.join(states)} for {label(bucket)}: set all four flags to true.")


# -- aws-s3-bucket-tls-only ------------------------------------------------------------------------

def _denies_insecure_transport(document_value: Any) -> Optional[bool]:
    """True when a Deny statement covers S3 requests with `aws:SecureTransport` false; None if unknown."""
    document = parse_document(document_value)
    if document.unknown:
        return None
    for statement in document.statements:
        if statement.effect is UNKNOWN or statement.condition is UNKNOWN:
            return None
        if statement.effect != "Deny" or not isinstance(statement.condition, dict):
            continue
        if statement.actions is UNKNOWN:
            return None
        if not covers_any(statement.actions, ("s3:GetObject",)):
            continue
        if _secure_transport_false(statement.condition):
            return True
    return False


def _secure_transport_false(condition: dict) -> bool:
    for operator, block in condition.items():
        if str(operator).lower() not in ("bool", "boolifexists") or not isinstance(block, dict):
            continue
        for key, value in block.items():
            if str(key).lower() != "aws:securetransport":
                continue
            values = value if isinstance(value, list) else [value]
            if any(v is UNKNOWN or str(v).lower() == "false" for v in values):
                return True
    return False


@stack_rule(
    name="aws-s3-bucket-tls-only",
    description="Every bucket's policy denies requests that do not use TLS.",
    resource_types=[*BUCKET_TYPES, BUCKET_POLICY],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "Add an `aws.s3.BucketPolicy` for the bucket with a statement `{\"Effect\": \"Deny\", "
        "\"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": [bucket ARN, bucket ARN + \"/*\"], "
        "\"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}` (build it with "
        "`pulumi.Output.json_dumps`)."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
    tags=["s3", "encryption-in-transit", "stack"],
)
def bucket_tls_only(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    policies = bucket_attachments(graph, BUCKET_POLICY)
    for bucket in graph.of_type(*BUCKET_TYPES):
        holders = [(bucket, raw) for _, _, raw in documents_of(bucket.type, bucket.props)]
        holders += [(p, p.get("policy")) for p in policies.of(bucket)]
        answers = [(holder, _denies_insecure_transport(raw)) for holder, raw in holders]
        if any(answer is not False for _, answer in answers):
            continue
        if not answers:
            if not policies.floating:
                yield StackViolation(bucket.urn, (
                    "has no bucket policy: add a BucketPolicy whose statement denies `s3:*` when "
                    "`aws:SecureTransport` is \"false\"."))
            continue
        for holder, _ in answers:
            whose = "" if holder is bucket else f" of {label(bucket)}"
            yield StackViolation(holder.urn, (
                f"`policy`{whose} has no Deny statement for requests with `aws:SecureTransport` "
                "\"false\": add one (Action `s3:*`, Condition `{\"Bool\": {\"aws:SecureTransport\": \"false\"}}`)."))


# -- notifications to Lambda ---------------------------------------------------------------------

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
        self._sure: Dict[str, List[Tuple[int, Link]]] = defaultdict(list)
        self._groups: Dict[str, List[List[Tuple[int, Link]]]] = defaultdict(list)
        group_entries: Dict[int, List[Tuple[int, Link]]] = {}
        for index, found in entries:
            for function in found.nodes:
                self._functions.setdefault(function.urn, function)
                self._sure[function.urn].append((index, found))
            if not found.maybe:
                continue
            group = group_entries.get(id(found.maybe))
            if group is None:
                group = group_entries[id(found.maybe)] = []
                for function in found.maybe:
                    self._functions.setdefault(function.urn, function)
                    groups = self._groups[function.urn]
                    if not groups or groups[-1] is not group:
                        groups.append(group)
            group.append((index, found))

    @property
    def functions(self) -> List[Node]:
        return list(self._functions.values())

    def entries_of(self, function: Node) -> Iterator[Tuple[int, bool]]:
        """(index, sure) of the entries that name `function`, in the list's order."""
        sure = ((index, True) for index, _ in self._sure.get(function.urn, ()))
        maybe = [((index, False) for index, _ in group) for group in self._groups.get(function.urn, ())]
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
    bucket_encryption_kms,
    bucket_public_access_block,
    bucket_tls_only,
    notification_lambda_permission,
    notification_no_recursion,
]
