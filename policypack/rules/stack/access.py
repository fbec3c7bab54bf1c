"""What a role in the stack may do: its identity documents, wherever they are attached from.

One index per graph (shared by the stack rules): for every `aws:iam/role:Role`, its inline policies,
`RolePolicy`s, customer `Policy`s attached through `managedPolicyArns`, `RolePolicyAttachment` or
`PolicyAttachment`, and the AWS-managed policies attached to it. Built in one pass over those
resources (each document parsed once, however many attachments share it), so asking about a role
costs only that role's documents - and, through `ActionGrants`, only the statements whose
`Resource` can reach what is asked about (a role shared by a thousand functions, with a policy per
function, is asked about each function's log group without reading the other 999 policies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from ...core.graph import Node, StackGraph
from ...core.iam import (
    PolicyDocument,
    Statement,
    aws_managed_policy_path,
    covers_any,
    has_unknown,
    identity_documents,
    known_strings,
)
from ...core.props import UNKNOWN
from ...core.types import IAM_POLICY, POLICY_ATTACHMENT, ROLE, ROLE_POLICY, ROLE_POLICY_ATTACHMENT
from .links import Link, link, link_each, shared
from .patterns import PatternIndex, Token, has_policy_variable

@dataclass(frozen=True)
class Grant:
    """One identity document that applies to a role."""

    source: Node  # the resource holding the document (Role, RolePolicy, Policy)
    path: str  # the document's property path on `source`
    document: PolicyDocument
    sure: bool  # False when, in preview, the document may belong to another role instead


@dataclass
class RoleAccess:
    role: Node
    grants: List[Grant] = field(default_factory=list)
    managed: List[str] = field(default_factory=list)  # AWS-managed policy ARNs attached, each once
    open: bool = False  # something is attached that cannot be read (unknown, or outside the stack)
    _seen: Set[Any] = field(default_factory=set, repr=False)
    _by_action: Dict[Tuple[str, bool], "ActionGrants"] = field(default_factory=dict, repr=False)

    def grant(self, source: Node, path: str, document: PolicyDocument, sure: bool) -> None:
        """Add a document (once: the same policy attached twice grants nothing more)."""
        key = (source.urn, path, sure)
        if key not in self._seen:
            self._seen.add(key)
            self.grants.append(Grant(source, path, document, sure))

    def attach_managed(self, arn: str) -> None:
        if ("managed", arn) not in self._seen:
            self._seen.add(("managed", arn))
            self.managed.append(arn)

    def for_action(self, action: str, sure_only: bool = False) -> "ActionGrants":
        key = (action, sure_only)
        found = self._by_action.get(key)
        if found is None:
            found = self._by_action[key] = ActionGrants(self, action, sure_only)
        return found


@dataclass
class AccessIndex:
    roles: Dict[str, RoleAccess]
    floating: bool  # a document or attachment whose role cannot be told (preview)

    def of(self, role: Node) -> RoleAccess:
        found = self.roles.get(role.urn)
        if found is None:
            found = self.roles[role.urn] = RoleAccess(role)
        return found


def is_aws_managed(arn: object) -> bool:
    return aws_managed_policy_path(arn) is not None


def access_index(graph: StackGraph) -> AccessIndex:
    return shared(graph, "role-access", _build)


def _build(graph: StackGraph) -> AccessIndex:
    roles = {r.urn: RoleAccess(r) for r in graph.of_type(ROLE)}
    index = AccessIndex(roles, floating=False)
    documents = _Documents()
    for role in graph.of_type(ROLE):
        _read_role(graph, index, documents, role)
    for holder in graph.of_type(ROLE_POLICY):
        targets = _roles_of(index, [link(graph, holder, "role", ROLE)])
        for path, document in documents.of(ROLE_POLICY, holder):
            for target, sure in targets:
                target.grant(holder, path, document, sure)
    for holder in graph.of_type(ROLE_POLICY_ATTACHMENT):
        targets = _roles_of(index, [link(graph, holder, "role", ROLE)])
        _attach(graph, documents, holder, targets)
    for holder in graph.of_type(POLICY_ATTACHMENT):
        targets = _roles_of(index, [found for _, found in link_each(graph, holder, "roles", None, ROLE)])
        _attach(graph, documents, holder, targets)
    return index


class _Documents:
    """Each resource's identity documents, parsed once (a policy attached to many roles)."""

    def __init__(self) -> None:
        self._parsed: Dict[str, List[Tuple[str, PolicyDocument]]] = {}

    def of(self, resource_type: str, node: Node) -> List[Tuple[str, PolicyDocument]]:
        found = self._parsed.get(node.urn)
        if found is None:
            found = self._parsed[node.urn] = list(identity_documents(resource_type, node.props))
        return found


def _read_role(graph: StackGraph, index: AccessIndex, documents: _Documents, role: Node) -> None:
    access = index.roles[role.urn]
    for path, document in documents.of(ROLE, role):
        access.grant(role, path, document, True)
    arns = role.get("managedPolicyArns")
    if arns is UNKNOWN:
        access.open = True
        return
    if not isinstance(arns, list):
        return
    groups = set()  # entries that only follow the list's shared dependencies: read those once
    for i, arn in enumerate(arns):
        if is_aws_managed(arn):
            access.attach_managed(arn)
            continue
        policy_link = link(graph, role, f"managedPolicyArns.{i}", IAM_POLICY)
        if policy_link.maybe and not policy_link.nodes:
            if id(policy_link.maybe) in groups:
                continue
            groups.add(id(policy_link.maybe))
        _attach_policy(documents, [(access, True)], policy_link)


def _roles_of(index: AccessIndex, role_links: List[Link]) -> List[Tuple[RoleAccess, bool]]:
    """The roles the links name (sure) or may name (not sure), each maybe-group read once."""
    found: List[Tuple[RoleAccess, bool]] = []
    groups = set()
    for role_link in role_links:
        if role_link.open:
            index.floating = True
        found += [(index.roles[n.urn], True) for n in role_link.nodes if n.urn in index.roles]
        if role_link.maybe and id(role_link.maybe) not in groups:
            groups.add(id(role_link.maybe))
            found += [(index.roles[n.urn], False) for n in role_link.maybe if n.urn in index.roles]
    return found


def _attach(graph: StackGraph, documents: _Documents, holder: Node, targets: List[Tuple[RoleAccess, bool]]) -> None:
    arn = holder.get("policyArn")
    if is_aws_managed(arn):
        for access, _sure in targets:
            access.attach_managed(arn)
        return
    _attach_policy(documents, targets, link(graph, holder, "policyArn", IAM_POLICY))


def _attach_policy(documents: _Documents, targets: List[Tuple[RoleAccess, bool]], policy_link: Link) -> None:
    if not policy_link.candidates:
        # unknown (preview), or a customer policy that lives outside the stack: unreadable
        if policy_link.open or isinstance(policy_link.value, str):
            for access, _sure in targets:
                access.open = True
        return
    for policy in policy_link.candidates:
        policy_sure = policy in policy_link.nodes
        for path, document in documents.of(IAM_POLICY, policy):
            for access, sure in targets:
                access.grant(policy, path, document, sure and policy_sure)


# -- what a statement allows ---------------------------------------------------------------------

YES, MAYBE, NO = "yes", "maybe", "no"


def allows_action(statement: Statement, action: str) -> str:
    """Does this statement allow `action` (ignoring resources)? Unknown parts answer MAYBE."""
    if statement.effect is UNKNOWN:
        return MAYBE
    if statement.effect != "Allow":
        return NO
    if statement.actions is not None:
        if covers_any(statement.actions, (action,)):
            return YES
        return MAYBE if has_unknown(statement.actions) else NO
    if statement.not_actions is not None:
        if has_unknown(statement.not_actions):
            return MAYBE
        return NO if covers_any(statement.not_actions, (action,)) else YES
    return NO


@dataclass(frozen=True)
class Evidence:
    grant: Grant
    statement: Statement
    pattern: str


Target = Tuple[str, List[Token]]  # (service, what the resource part of its ARNs matches)


class ActionGrants:
    """One role's statements that may allow one action, their `Resource` patterns indexed.

    `find` answers as the statements would be read one by one in order: YES with the first
    statement (and its first pattern) that allows the action on a target; MAYBE when an unknown
    part could; NO when the role's readable documents surely do not. Answers are kept per target.
    """

    def __init__(self, access: RoleAccess, action: str, sure_only: bool) -> None:
        self.maybe = access.open  # MAYBE whatever the target
        self.allowing = PatternIndex()  # patterns of statements that allow the action: (grant, statement)
        self.may_allow = PatternIndex()  # patterns of statements that may allow it (unknown parts)
        self.first_allowing: Optional[Evidence] = None
        self._answers: Dict[Any, Tuple[str, Optional[Evidence]]] = {}
        for grant in access.grants:
            if sure_only and not grant.sure:
                continue
            if not grant.document.valid and grant.document.unknown:
                self.maybe = True
            # invalid documents grant nothing (the document rule reports them); known statements do
            for statement in grant.document.statements:
                self._read(grant, statement, allows_action(statement, action))

    def _read(self, grant: Grant, statement: Statement, allowed: str) -> None:
        if allowed == NO:
            return
        if statement.resources is None:
            if statement.not_resources is not None:
                self.maybe = True  # everything but a list: not worth guessing
            return
        if statement.resources is UNKNOWN or has_unknown(statement.resources):
            self.maybe = True
        for pattern in known_strings(statement.resources):
            if has_policy_variable(pattern):
                self.maybe = True
            elif allowed == YES:
                self.allowing.add(pattern, (grant, statement))
                if self.first_allowing is None:
                    self.first_allowing = Evidence(grant, statement, pattern)
            else:
                self.may_allow.add(pattern, (grant, statement))

    def find(self, targets: Optional[Sequence[Target]]) -> Tuple[str, Optional[Evidence]]:
        """`targets` None: on anything (the resource is not known yet)."""
        if not self.allowing and not self.may_allow:
            return (MAYBE if self.maybe else NO), None  # no pattern to reach anything with
        if len(self.allowing) + len(self.may_allow) <= PatternIndex.FEW:
            return self._find(targets)  # cheaper to answer again than to remember
        key = None if targets is None else tuple((service, tuple(resource)) for service, resource in targets)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._find(targets)
        return answer

    def _find(self, targets: Optional[Sequence[Target]]) -> Tuple[str, Optional[Evidence]]:
        if targets is None:
            if self.first_allowing is not None:
                return YES, self.first_allowing
            return (MAYBE if self.maybe or len(self.may_allow) else NO), None
        best: Optional[Tuple[int, Evidence]] = None
        for service, resource in targets:
            for order, pattern, (grant, statement) in self.allowing.reaching(service, resource):
                if best is None or order < best[0]:
                    best = (order, Evidence(grant, statement, pattern))
                break
        if best is not None:
            return YES, best[1]
        if self.maybe or any(next(self.may_allow.reaching(service, resource), None) is not None
                             for service, resource in targets):
            return MAYBE, None
        return NO, None


def find_grant(access: RoleAccess, action: str, targets: Optional[Sequence[Target]],
               sure_only: bool = False) -> Tuple[str, Optional[Evidence]]:
    """Does the role allow `action` on one of `targets` (None: on anything)? YES with the statement
    that does; MAYBE when an unknown part could; NO when its readable documents surely do not."""
    return access.for_action(action, sure_only).find(targets)
