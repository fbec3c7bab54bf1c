"""What a role in the stack may do: its identity documents, wherever they are attached from.

One index per graph (shared by the stack rules): for every `aws:iam/role:Role`, its inline policies,
`RolePolicy`s, customer `Policy`s attached through `managedPolicyArns`, `RolePolicyAttachment` or
`PolicyAttachment`, and the AWS-managed policies attached to it. Built in one pass over those
resources, so asking about a role costs only that role's documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

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
from .patterns import has_policy_variable

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
    managed: List[str] = field(default_factory=list)  # AWS-managed policy ARNs attached
    open: bool = False  # something is attached that cannot be read (unknown, or outside the stack)


@dataclass
class AccessIndex:
    roles: Dict[str, RoleAccess]
    floating: bool  # a document or attachment whose role cannot be told (preview)

    def of(self, role: Node) -> RoleAccess:
        return self.roles.get(role.urn) or RoleAccess(role)


def is_aws_managed(arn: object) -> bool:
    return aws_managed_policy_path(arn) is not None


def access_index(graph: StackGraph) -> AccessIndex:
    return shared(graph, "role-access", _build)


def _build(graph: StackGraph) -> AccessIndex:
    roles = {r.urn: RoleAccess(r) for r in graph.of_type(ROLE)}
    index = AccessIndex(roles, floating=False)
    for role in graph.of_type(ROLE):
        _read_role(graph, index, role)
    for holder in graph.of_type(ROLE_POLICY):
        for target, sure in _roles_of(index, link(graph, holder, "role", ROLE)):
            for path, document in identity_documents(ROLE_POLICY, holder.props):
                target.grants.append(Grant(holder, path, document, sure))
    for holder in graph.of_type(ROLE_POLICY_ATTACHMENT):
        targets = _roles_of(index, link(graph, holder, "role", ROLE))
        _attach(graph, holder, targets)
    for holder in graph.of_type(POLICY_ATTACHMENT):
        targets = []
        for _, role_link in link_each(graph, holder, "roles", None, ROLE):
            targets.extend(_roles_of(index, role_link))
        _attach(graph, holder, targets)
    return index


def _read_role(graph: StackGraph, index: AccessIndex, role: Node) -> None:
    access = index.roles[role.urn]
    for path, document in identity_documents(ROLE, role.props):
        access.grants.append(Grant(role, path, document, True))
    arns = role.get("managedPolicyArns")
    if arns is UNKNOWN:
        access.open = True
        return
    if not isinstance(arns, list):
        return
    for i, arn in enumerate(arns):
        if is_aws_managed(arn):
            access.managed.append(arn)
            continue
        _attach_policy(graph, [(access, True)], link(graph, role, f"managedPolicyArns.{i}", IAM_POLICY))


def _roles_of(index: AccessIndex, role_link: Link) -> List[Tuple[RoleAccess, bool]]:
    if role_link.open:
        index.floating = True
    found = [(index.roles[n.urn], True) for n in role_link.nodes if n.urn in index.roles]
    found += [(index.roles[n.urn], False) for n in role_link.maybe if n.urn in index.roles]
    return found


def _attach(graph: StackGraph, holder: Node, targets: List[Tuple[RoleAccess, bool]]) -> None:
    arn = holder.get("policyArn")
    if is_aws_managed(arn):
        for access, _sure in targets:
            access.managed.append(arn)
        return
    _attach_policy(graph, targets, link(graph, holder, "policyArn", IAM_POLICY))


def _attach_policy(graph: StackGraph, targets: List[Tuple[RoleAccess, bool]], policy_link: Link) -> None:
    if not policy_link.candidates:
        # unknown (preview), or a customer policy that lives outside the stack: unreadable
        if policy_link.open or isinstance(policy_link.value, str):
            for access, _sure in targets:
                access.open = True
        return
    for policy in policy_link.candidates:
        policy_sure = policy in policy_link.nodes
        for path, document in identity_documents(IAM_POLICY, policy.props):
            for access, sure in targets:
                access.grants.append(Grant(policy, path, document, sure and policy_sure))


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


def reaches(statement: Statement, reach: Callable[[str], bool]) -> Tuple[str, Optional[str]]:
    """Does a `Resource` entry reach what `reach` accepts? (answer, the entry that does)."""
    if statement.resources is not None:
        if statement.resources is UNKNOWN:
            return MAYBE, None
        unsure = has_unknown(statement.resources)
        for pattern in known_strings(statement.resources):
            if has_policy_variable(pattern):
                unsure = True
            elif reach(pattern):
                return YES, pattern
        return (MAYBE if unsure else NO), None
    if statement.not_resources is not None:
        return MAYBE, None  # everything but a list: not worth guessing
    return NO, None


@dataclass(frozen=True)
class Evidence:
    grant: Grant
    statement: Statement
    pattern: str


def find_grant(access: RoleAccess, action: str, reach: Callable[[str], bool],
               sure_only: bool = False) -> Tuple[str, Optional[Evidence]]:
    """YES with the statement that allows `action` on a resource `reach` accepts; MAYBE when an
    unknown part could; NO when the role's readable documents surely do not."""
    answer = MAYBE if access.open else NO
    for grant in access.grants:
        if sure_only and not grant.sure:
            continue
        if not grant.document.valid:
            if grant.document.unknown:
                answer = MAYBE
            # invalid documents grant nothing (the document rule reports them); known statements do
        for statement in grant.document.statements:
            allowed = allows_action(statement, action)
            if allowed == NO:
                continue
            reached, pattern = reaches(statement, reach)
            if reached == NO:
                continue
            if allowed == YES and reached == YES and pattern is not None:
                return YES, Evidence(grant, statement, pattern)
            answer = MAYBE
    return answer, None
