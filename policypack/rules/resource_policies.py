"""Resource-based policies that let anyone in: bucket, queue, topic, key, secret and repository
policies, and layer-version permissions.

A statement is public when it allows `"*"` / `{"AWS": "*"}` (or uses `NotPrincipal` with Allow) and
no condition limits the caller to known accounts, sources or networks (`core/conditions.py` says
which keys and operators do). Named principals, AWS services (a CloudFront origin access control,
S3 delivering to a queue) and `Deny` statements (the TLS-only deny) are never public here.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ..core import types as t
from ..core.conditions import Verdict, caller_key_reasons, limits_caller
from ..core.iam import Statement, known_strings, resource_documents
from ..core.messages import quoted
from ..core.options import allow_list, allow_list_option
from ..core.principals import ANYONE, aws_principal_scope, principal_entries
from ..core.props import UNKNOWN, get, show
from ..core.rule import CRITICAL, MANDATORY, Config, Resource, resource_rule

BUCKET_DOCUMENT_TYPES = (t.BUCKET_POLICY, *t.BUCKET_TYPES)
DOCUMENT_TYPES = (
    *BUCKET_DOCUMENT_TYPES, t.QUEUE_POLICY, t.QUEUE, t.TOPIC_POLICY, t.TOPIC, t.KMS_KEY_POLICY, t.KMS_KEY,
    t.SECRET_POLICY, t.ECR_REPOSITORY_POLICY,
)
PUBLIC_READ_ACTION = "s3:getobject"
FIX = ("name the principals (account or role ARNs, or a service with an `aws:SourceArn` condition), or add a "
       "condition that limits the caller (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, ...)")


@resource_rule(
    name="aws-resource-policy-not-public",
    description="Resource-based policies grant nothing to anyone (`*`) unless a condition limits the caller to known "
    "accounts, sources or networks.",
    resource_types=[*DOCUMENT_TYPES, t.LAYER_VERSION_PERMISSION],
    enforcement_level=MANDATORY,
    severity=CRITICAL,
    remediation_steps="Replace `\"Principal\": \"*\"` with the principals that need access - "
    "`{\"AWS\": role.arn}`, `{\"AWS\": \"arn:aws:iam::<account>:root\"}`, or `{\"Service\": \"sns.amazonaws.com\"}` "
    "with `\"Condition\": {\"ArnEquals\": {\"aws:SourceArn\": topic.arn}}` - or keep `*` with a condition on "
    "`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:SourceVpce` or `kms:CallerAccount`. A bucket "
    "that serves public reads by design (a website behind no CDN) goes into `publicBuckets` and grants "
    "`s3:GetObject` only; a layer version is shared with `organization_id` or named accounts.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html",
    config_options={
        "publicBuckets": allow_list_option(
            "Buckets whose policy may let anyone read objects (`s3:GetObject` only): bucket names, or the logical "
            "names of the bucket (inline `policy`) or of its `aws.s3.BucketPolicy`."),
    },
    tags=["iam", "s3", "sqs", "sns", "kms", "public-access"],
)
def resource_policy_not_public(resource: Resource, config: Config) -> Iterator[str]:
    if resource.type == t.LAYER_VERSION_PERMISSION:
        yield from _layer_permission_messages(resource.props)
        return
    public_buckets = allow_list(config, "publicBuckets")
    for path, document in resource_documents(resource.type, resource.props):
        for statement in document.statements:
            who = _grants_anyone(statement)
            if who is None or limits_caller(statement.condition) is not False:
                continue
            if resource.type in BUCKET_DOCUMENT_TYPES:
                allowed = _public_read_allowed(resource, statement, public_buckets)
                if allowed is not False:
                    continue
            yield _message(path, statement, who, resource.type in BUCKET_DOCUMENT_TYPES, public_buckets)


def _grants_anyone(statement: Statement) -> Optional[str]:
    """How an Allow statement names anyone (for the message), None when it names no one of that kind
    (or when that is not known yet)."""
    if not statement.is_allow:
        return None  # Deny (the TLS-only deny), or an Effect not known yet
    if statement.not_principal is not None:
        return "`NotPrincipal`, i.e. everyone but the principals it lists"
    for entry in principal_entries(statement.principal):
        if entry.kind == "AWS" and entry.known and aws_principal_scope(entry.value) == ANYONE:
            where = "`Principal`" if isinstance(statement.principal, str) else "`Principal.AWS`"
            return f"{where} {show(entry.value)}"
    return None


def _public_read_allowed(resource: Resource, statement: Statement, public_buckets: frozenset) -> Verdict:
    """Whether `publicBuckets` lets this bucket statement stand: True/False, None when that depends on a
    value not known yet (the bucket's name, an action)."""
    actions = statement.actions
    if not public_buckets or actions is None:
        return False  # nothing listed; or NotAction, which grants far more than reads
    if actions is UNKNOWN:
        return None
    named = known_strings(actions)
    if any(a.strip().lower() != PUBLIC_READ_ACTION for a in named):
        return False
    if len(named) != len(actions):
        return None  # an action not known yet: the update decides
    bucket = get(resource.props, "bucket")
    if resource.name in public_buckets or (isinstance(bucket, str) and bucket.strip() in public_buckets):
        return True
    return None if bucket is UNKNOWN else False


def _message(path: str, statement: Statement, who: str, is_bucket: bool, public_buckets: frozenset) -> str:
    if statement.actions is None:
        what = "every action not in `NotAction`"
    else:
        actions = known_strings(statement.actions)
        what = quoted(actions) if actions else "its actions"
    reasons = list(caller_key_reasons(statement.condition))
    if reasons:
        condition = f"; its condition limits no caller ({'; '.join(reasons[:2])})"
    elif statement.condition not in (None, {}):
        condition = "; its condition limits no caller"
    else:
        condition = ""
    fix = FIX
    if is_bucket and _only_public_reads(statement):
        fix += ", or list the bucket in `publicBuckets` if it serves public reads by design"
    elif is_bucket and public_buckets:
        fix += " (`publicBuckets` lets a bucket grant the public `s3:GetObject` only)"
    return f"`{path}` {statement.label} allows {what} to anyone ({who}){condition}: {fix}."


def _only_public_reads(statement: Statement) -> bool:
    actions = known_strings(statement.actions)
    return bool(actions) and all(a.strip().lower() == PUBLIC_READ_ACTION for a in actions)


def _layer_permission_messages(props: Any) -> Iterator[str]:
    principal = get(props, "principal")
    if not isinstance(principal, str) or principal.strip() != "*":
        return
    organization = get(props, "organizationId")
    if organization is UNKNOWN or (isinstance(organization, str) and organization.strip()):
        return
    yield ("`principal` is \"*\" and `organizationId` is not set: every AWS account may use this layer version and "
           "download its code. Set `organization_id` to your organization, or name the account in `principal`.")


POLICIES = [resource_policy_not_public]

