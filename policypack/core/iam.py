"""One reader for IAM policy documents, shared by every rule that looks into one.

Accepts what programs really produce: a JSON string or an object, `Statement` as one object or a
list, `Action`/`NotAction`/`Resource`/`NotResource` as a string or a list, `Principal` as "*", a
string or a map, `Condition` blocks. Unknown values (preview) are kept as `UNKNOWN` so callers can
skip exactly what is not known yet. Malformed documents produce a list of problems, never an error.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .arn import parse_arn
from .props import UNKNOWN, UNKNOWN_SENTINELS, plain
from .secrets import SecretStr, is_secret, like


@dataclass(frozen=True)
class Statement:
    index: int
    effect: Any  # "Allow" | "Deny" | UNKNOWN | other (invalid)
    actions: Any  # tuple of str, UNKNOWN, or None when absent
    not_actions: Any
    resources: Any
    not_resources: Any
    principal: Any  # raw value (None when absent)
    not_principal: Any
    condition: Any  # dict, UNKNOWN or None
    sid: Optional[str] = None

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def label(self) -> str:
        return f'Statement[{self.index}]' + (f' (Sid "{self.sid}")' if self.sid else "")


@dataclass
class PolicyDocument:
    statements: List[Statement] = field(default_factory=list)
    version: Any = None
    problems: List[str] = field(default_factory=list)  # why it is not a valid document
    unknown: bool = False  # the whole document is not known yet (preview)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.unknown


UNRESOLVED_OUTPUT_MARKERS = ("Calling __str__ on an Output[", "<pulumi.output.Output object at")


def parse_document(value: Any) -> PolicyDocument:
    """Parse a policy document given as a JSON string or as an object (plain tree).

    Several rules read the same document of a resource: a document given as text is parsed once
    and the result shared (callers only read a `PolicyDocument`).
    """
    if isinstance(value, str) and value not in UNKNOWN_SENTINELS:
        return _parse_text(str(value), is_secret(value))
    return _parse(plain(value))


@functools.lru_cache(maxsize=512)
def _parse_text(text: str, secret: bool) -> PolicyDocument:
    return _parse(SecretStr(text) if secret else text)


def _parse(value: Any) -> PolicyDocument:
    if value is UNKNOWN:
        return PolicyDocument(unknown=True)
    if isinstance(value, str):
        if not value.strip():
            return PolicyDocument(problems=["is an empty string, not a JSON policy document"])
        if any(marker in value for marker in UNRESOLVED_OUTPUT_MARKERS):
            return PolicyDocument(problems=["contains the text of an unresolved Pulumi Output, not a value: "
                                            "build the document with pulumi.Output.json_dumps or .apply"])
        try:
            # what a secret document says is secret too: its actions, resources and principals
            value = like(value, json.loads(value))
        except (ValueError, RecursionError) as err:
            return PolicyDocument(problems=[f"is not valid JSON ({_short(err)})"])
    if not isinstance(value, dict):
        return PolicyDocument(problems=[f"is a JSON {_json_kind(value)}, not an object"])

    doc = PolicyDocument(version=value.get("Version"))
    raw_statements = value.get("Statement")
    if raw_statements is UNKNOWN:
        doc.unknown = True
        return doc
    if raw_statements is None:
        doc.problems.append('has no "Statement"')
        return doc
    if isinstance(raw_statements, dict):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        doc.problems.append(f'has a "Statement" that is a JSON {_json_kind(raw_statements)}, not an object or a list')
        return doc
    for index, raw in enumerate(raw_statements):
        if raw is UNKNOWN:
            doc.unknown = True
            continue
        if not isinstance(raw, dict):
            doc.problems.append(f"has Statement[{index}] that is a JSON {_json_kind(raw)}, not an object")
            continue
        doc.statements.append(
            Statement(
                index=index,
                effect=raw.get("Effect"),
                actions=_string_list(raw, "Action"),
                not_actions=_string_list(raw, "NotAction"),
                resources=_string_list(raw, "Resource"),
                not_resources=_string_list(raw, "NotResource"),
                principal=raw.get("Principal"),
                not_principal=raw.get("NotPrincipal"),
                condition=raw.get("Condition"),
                sid=raw.get("Sid") if isinstance(raw.get("Sid"), str) else None,
            )
        )
    return doc


def _string_list(raw: Dict[str, Any], key: str) -> Any:
    """`None` when absent, `UNKNOWN` when unknown, else a tuple (non-strings kept for validation)."""
    if key not in raw:
        return None
    value = raw[key]
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, list):
        return tuple(value)
    return (value,)


def known_strings(values: Any) -> List[str]:
    """The known string entries of an Action/Resource list (skips UNKNOWN and junk)."""
    if values is None or values is UNKNOWN:
        return []
    return [v for v in values if isinstance(v, str)]


def has_unknown(values: Any) -> bool:
    if values is UNKNOWN:
        return True
    return isinstance(values, tuple) and any(v is UNKNOWN for v in values)


# -- action matching ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _action_regex(pattern: str) -> "re.Pattern[str]":
    return re.compile(fnmatch.translate(pattern.lower()))


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, `*` and `?` wildcards (`s3:Get*` covers `s3:GetObject`)."""
    if not isinstance(pattern, str) or not isinstance(action, str):
        return False
    return bool(_action_regex(pattern).match(action.lower()))


def covers_any(patterns: Any, actions: Tuple[str, ...]) -> List[str]:
    """The patterns (of an Action list) that grant at least one of `actions`."""
    return [p for p in known_strings(patterns) if any(action_matches(p, a) for a in actions)]


def is_service_wildcard(action: str) -> bool:
    """`*`, or `service:*` - everything a service can do."""
    action = action.strip()
    return action == "*" or (action.endswith(":*") and action.count(":") == 1)


def resource_matches(pattern: str, arn: str) -> bool:
    """IAM resource matching (case-sensitive, `*`/`?` wildcards)."""
    if not isinstance(pattern, str) or not isinstance(arn, str):
        return False
    return fnmatch.fnmatchcase(arn, pattern)


# -- policy-document properties by resource type ---------------------------------------------------

IDENTITY = "identity"
RESOURCE_BASED = "resource"
TRUST = "trust"


def documents_of(resource_type: str, props: Dict[str, Any]) -> Iterator[Tuple[str, str, Any]]:
    """Yield (property path, document kind, raw value) for every policy document a resource holds."""
    from . import types as t

    if not isinstance(props, dict):
        return
    if resource_type == t.ROLE:
        if "assumeRolePolicy" in props:
            yield "assumeRolePolicy", TRUST, props["assumeRolePolicy"]
        inline = props.get("inlinePolicies")
        if isinstance(inline, list):
            for i, item in enumerate(inline):
                if isinstance(item, dict) and item.get("policy") not in (None, ""):
                    yield f"inlinePolicies[{i}].policy", IDENTITY, item["policy"]
    elif resource_type in (t.ROLE_POLICY, t.IAM_POLICY, t.USER_POLICY, t.GROUP_POLICY):
        if "policy" in props:
            yield "policy", IDENTITY, props["policy"]
    elif resource_type in (t.BUCKET_POLICY, t.QUEUE_POLICY, t.TOPIC_POLICY, t.KMS_KEY_POLICY, t.SECRET_POLICY,
                           t.ECR_REPOSITORY_POLICY):
        if "policy" in props:
            yield "policy", RESOURCE_BASED, props["policy"]
    elif resource_type in (t.KMS_KEY, t.QUEUE, t.TOPIC, *t.BUCKET_TYPES):
        if props.get("policy") not in (None, ""):
            yield "policy", RESOURCE_BASED, props["policy"]


IDENTITY_POLICY_TYPES = (
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)


def identity_documents(resource_type: str, props: Dict[str, Any]) -> Iterator[Tuple[str, PolicyDocument]]:
    """(property path, parsed document) for each identity-based document of a resource."""
    for path, kind, raw in documents_of(resource_type, props):
        if kind == IDENTITY:
            yield path, parse_document(raw)


def resource_documents(resource_type: str, props: Dict[str, Any]) -> Iterator[Tuple[str, PolicyDocument]]:
    """(property path, parsed document) for each resource-based document of a resource."""
    for path, kind, raw in documents_of(resource_type, props):
        if kind == RESOURCE_BASED:
            yield path, parse_document(raw)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return type(value).__name__


def _short(err: Exception) -> str:
    text = str(err)
    return text if len(text) <= 80 else text[:79] + "…"


# -- additions for the IAM rules ---------------------------------------------------------------------

def is_resource_wildcard(resource: Any) -> bool:
    """`*`, or an ARN that names no account and no resource (`arn:aws:s3:::*`, `arn:aws:logs:*:*:*`)."""
    if not isinstance(resource, str):
        return False
    text = resource.strip()
    if text == "*":
        return True
    arn = parse_arn(text)
    if arn is None:
        return False
    return arn.account in ("", "*") and arn.region in ("", "*") and set(arn.resource) <= set("*:/")


_AWS_MANAGED_POLICY = re.compile(r"arn:aws[a-z\-]*:iam::aws:policy/(.+)")


def aws_managed_policy_path(arn: Any) -> Optional[str]:
    """`service-role/AWSLambdaBasicExecutionRole` for an AWS-managed policy ARN, None for any other value."""
    if not isinstance(arn, str):
        return None
    match = _AWS_MANAGED_POLICY.fullmatch(arn.strip())
    return match.group(1) if match else None
