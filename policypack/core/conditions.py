"""Condition blocks of policy statements: does a condition really limit who can use a grant?

A statement's `Condition` is `{operator: {key: value or [values]}}`; every test must pass (AND), and
the values of one test are alternatives (OR). Operators can carry a set prefix (`ForAnyValue:`,
`ForAllValues:`) and an `IfExists` suffix; keys are case-insensitive (`AWS:SourceOwner` is
`aws:SourceOwner`).

A test *limits* the caller through a key only when:
- its operator matches positively (`StringEquals`, `StringEqualsIgnoreCase`, `StringLike`, `ArnEquals`,
  `ArnLike`, `IpAddress`): `StringNotEquals` and the other negated operators admit every caller but a
  few, `Null` and `Bool` only ask whether a key is there or true;
- it has no `IfExists` suffix (a request without the key passes: an anonymous request carries no
  `aws:SourceArn`) and no `ForAllValues:` prefix (true when the key is absent);
- none of its values matches every caller (`*` under a `Like`/`Arn` operator, `arn:aws:s3:::*`,
  `o-*` for an organization ID, `0.0.0.0/0` for `aws:SourceIp`).

Verdicts are `True` (limits), `False` (limits nothing) or `None` (it depends on a value not known
until the update: callers never report a violation on `None`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from .arn import parse_arn
from .props import UNKNOWN, show

Verdict = Optional[bool]

# How a key's values identify a caller, which decides when a pattern matches every caller.
ARN_VALUE = "arn"  # an ARN pattern: specific when it names an account or a resource
ID_VALUE = "id"  # an account, organization, VPC or endpoint ID: specific unless only wildcards
CIDR_VALUE = "cidr"  # aws:SourceIp: specific unless a /0 range
TEXT_VALUE = "text"  # any other value: specific unless only wildcards
SUBJECT_VALUE = "subject"  # a web-identity token's subject: also broad when it names no repository owner
GITHUB_SUBJECT_VALUE = "github-subject"  # a GitHub Actions subject: broad unless it names a repository or owner

# Keys that limit a grant to known callers. The list follows AWS's own definition of a non-public
# policy (S3 "The meaning of public", which IAM Access Analyzer also applies): a fixed source ARN,
# account, owner, VPC or VPC endpoint, a set of IP ranges, a principal's organization, account or ARN,
# a fixed user ID; plus `kms:CallerAccount` (the AWS-managed key policies' own scoping) and the S3
# access-point keys (delegating a bucket's access control to its access points).
CALLER_KEYS: Dict[str, str] = {
    "aws:sourcearn": ARN_VALUE,
    "aws:sourceaccount": ID_VALUE,
    "aws:sourceowner": ID_VALUE,
    "aws:sourceorgid": ID_VALUE,
    "aws:sourceorgpaths": ID_VALUE,
    "aws:sourcevpc": ID_VALUE,
    "aws:sourcevpcarn": ARN_VALUE,
    "aws:sourcevpce": ID_VALUE,
    "aws:sourceip": CIDR_VALUE,
    "aws:principalorgid": ID_VALUE,
    "aws:principalorgpaths": ID_VALUE,
    "aws:principalaccount": ID_VALUE,
    "aws:principalarn": ARN_VALUE,
    "aws:userid": ID_VALUE,
    "kms:calleraccount": ID_VALUE,
    "s3:dataaccesspointaccount": ID_VALUE,
    "s3:dataaccesspointarn": ARN_VALUE,
}

# The keys that say who the calling principal is (what a trust policy can rely on).
PRINCIPAL_KEYS: Dict[str, str] = {
    key: CALLER_KEYS[key]
    for key in ("aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
                "aws:userid")
}

POSITIVE_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike",
                                "ipaddress"})
WILDCARD_OPERATORS = frozenset({"stringlike", "arnequals", "arnlike"})  # ArnEquals takes wildcards too
NEGATED_OPERATORS = frozenset({"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals",
                               "arnnotlike", "notipaddress"})

# Prefixes every value of an ID kind has: `o-*` matches every organization, `vpce-*` every endpoint.
ID_PREFIXES = ("o-", "ou-", "vpce-", "vpc-", "r-")


@dataclass(frozen=True)
class ConditionTest:
    operator: str  # as written, e.g. "ForAnyValue:StringLikeIfExists"
    base: str  # lower case, without set prefix or IfExists: "stringlike"
    set_operator: str  # "" | "foranyvalue" | "forallvalues"
    if_exists: bool
    key: str  # lower case
    written_key: str  # as written, for messages
    values: Tuple[Any, ...]  # UNKNOWN entries kept; a value that is not a list becomes one entry
    unknown: bool  # the whole value list is unknown


def parse_operator(operator: str) -> Tuple[str, str, bool]:
    """("foranyvalue", "stringlike", True) for "ForAnyValue:StringLikeIfExists"."""
    text = operator.strip()
    set_operator = ""
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in ("foranyvalue", "forallvalues"):
        set_operator, text = prefix.lower(), rest
    base = text.lower()
    if_exists = base.endswith("ifexists") and base != "ifexists"
    if if_exists:
        base = base[: -len("ifexists")]
    return set_operator, base, if_exists


def condition_tests(condition: Any) -> Tuple[List[ConditionTest], bool]:
    """The tests of a `Condition` block and whether part of it is not known yet (an unknown
    block, operator body or key)."""
    tests: List[ConditionTest] = []
    if condition is UNKNOWN:
        return tests, True
    if not isinstance(condition, dict):
        return tests, False
    unknown = False
    for operator, body in condition.items():
        if body is UNKNOWN:
            unknown = True
            continue
        if not isinstance(body, dict):
            continue
        set_operator, base, if_exists = parse_operator(str(operator))
        for key, value in body.items():
            values = tuple(value) if isinstance(value, list) else (value,)
            tests.append(ConditionTest(str(operator), base, set_operator, if_exists, str(key).strip().lower(),
                                       str(key), values, value is UNKNOWN))
    return tests, unknown


def limits_caller(condition: Any, keys: Mapping[str, str] = CALLER_KEYS) -> Verdict:
    """Whether a `Condition` limits callers through one of `keys` (see the module docstring)."""
    tests, unknown = condition_tests(condition)
    verdicts = [test_limits(test, keys[test.key]) for test in tests if test.key in keys]
    if any(v is True for v in verdicts):
        return True
    if unknown or any(v is None for v in verdicts):
        return None
    return False


def test_limits(test: ConditionTest, value_kind: str) -> Verdict:
    if test.if_exists or test.set_operator == "forallvalues" or test.base not in POSITIVE_OPERATORS:
        return False
    if test.unknown:
        return None
    if (test.base == "ipaddress") != (value_kind == CIDR_VALUE):
        return False  # an IP operator on another key, or a string operator on aws:SourceIp
    wildcards = test.base in WILDCARD_OPERATORS
    if any(matches_every_caller(v, value_kind, wildcards) for v in test.values if v is not UNKNOWN):
        return False
    if any(v is UNKNOWN for v in test.values):
        return None
    return True


def matches_every_caller(value: Any, value_kind: str, wildcards: bool = True) -> bool:
    """Whether one condition value admits every caller. Without wildcards (StringEquals) only a
    CIDR can: `*` is then the literal string `*`, which no real caller has."""
    if value_kind == CIDR_VALUE:
        return isinstance(value, str) and value.strip().endswith("/0")
    if value_kind == GITHUB_SUBJECT_VALUE and isinstance(value, str):
        # even matched literally, a subject without its repository is every repository's subject
        return not _names_a_github_repository(value.strip(), wildcards)
    if not wildcards or not isinstance(value, str):
        return False
    text = value.strip()
    if value_kind == ARN_VALUE and parse_arn(text) is not None:
        return arn_pattern_matches_everything(text)
    if value_kind == SUBJECT_VALUE:
        return only_wildcards(text) or text[:1] in ("*", "?") or _any_owner(text)
    if value_kind == ID_VALUE:
        for prefix in ID_PREFIXES:
            if text.lower().startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix):]
                break
    return only_wildcards(text)


# Subjects of the CI identity providers start with the owner of the repository or project:
# `repo:<owner>/<repo>:...` (GitHub), `project_path:<group>/<project>:...` (GitLab).
OWNER_SUBJECT_PREFIXES = ("repo:", "project_path:")


def _any_owner(subject: str) -> bool:
    """`repo:*`, `repo:*/app:ref:refs/heads/main`, `project_path:my*/...`: any owner's repository matches."""
    lowered = subject.lower()
    for prefix in OWNER_SUBJECT_PREFIXES:
        if lowered.startswith(prefix):
            owner = subject[len(prefix):].split("/", 1)[0].split(":", 1)[0]
            return not owner or bool(set(owner) & set("*?"))
    return False


# The claims of a GitHub Actions subject that tie it to a repository or its owner. A subject made
# only of other claims (`environment:prod`, `ref:refs/heads/main`, `job_workflow_ref:...` - a reusable
# workflow any repository can call) is shared by every repository on GitHub.
GITHUB_REPOSITORY_CLAIMS = ("repo", "repository", "repository_owner", "repository_owner_id", "repository_id")


def _names_a_github_repository(subject: str, wildcards: bool = True) -> bool:
    """`repo:org/app:ref:...`, `repository_owner:org:...`: names a repository or owner (without
    wildcards, when the operator has them)."""
    parts = subject.split(":")
    for claim, value in zip(parts, parts[1:]):
        owner = value.split("/", 1)[0]
        if claim.lower() in GITHUB_REPOSITORY_CLAIMS and owner and not (wildcards and set(owner) & set("*?")):
            return True
    return False


def only_wildcards(text: str) -> bool:
    return bool(text) and set(text) <= set("*?")


def arn_pattern_matches_everything(text: str) -> bool:
    """An ARN pattern that names neither an account nor a resource: `arn:aws:s3:::*`,
    `arn:aws:sns:*:*:*`, `arn:aws:lambda:us-west-2:*:function:*`. A pattern that names an
    account (`arn:aws:sns:us-west-2:123456789012:*`) or a resource (`arn:aws:s3:::uploads-1a2b`)
    is specific."""
    arn = parse_arn(text.strip())
    if arn is None:
        return only_wildcards(text.strip())
    if arn.account and not set(arn.account) & set("*?"):
        return False
    return not _names_a_resource(arn.service, arn.resource)


def _names_a_resource(service: str, resource: str) -> bool:
    # S3 ARNs start with the bucket name; other services' often with a resource type (`function:`,
    # `distribution/`, a word without digits) that names no particular resource on its own.
    if service != "s3":
        resource = re.sub(r"^[A-Za-z\-]+[:/]", "", resource, count=1)
    return any(ch not in "*?/:" for ch in resource)


def why_not_limiting(test: ConditionTest, value_kind: str) -> Optional[str]:
    """A short reason a test on a caller key limits nothing, for messages (None when it limits)."""
    operator, key = show(test.operator), show(test.written_key)
    if test.if_exists:
        return f"{operator} on {key} lets requests without that key through"
    if test.set_operator == "forallvalues":
        return f"{operator} on {key} is true when the request has no such key"
    if test.base in NEGATED_OPERATORS:
        return f"{operator} on {key} admits every other caller"
    if test.base not in POSITIVE_OPERATORS:
        return f"{operator} on {key} does not say who the caller is"
    if (test.base == "ipaddress") != (value_kind == CIDR_VALUE):
        return f"{operator} does not apply to {key}"
    wildcards = test.base in WILDCARD_OPERATORS
    broad = [v for v in test.values if v is not UNKNOWN and matches_every_caller(v, value_kind, wildcards)]
    if broad:
        return f"{key} {show(broad[0], 120)} under {operator} matches every caller"
    return None


def caller_key_reasons(condition: Any, keys: Mapping[str, str] = CALLER_KEYS) -> Iterator[str]:
    """Why each test on a caller key of `condition` limits nothing (for a statement judged public)."""
    tests, _ = condition_tests(condition)
    for test in tests:
        if test.key in keys:
            reason = why_not_limiting(test, keys[test.key])
            if reason:
                yield reason
