"""IAM resource rules, run through the SDK's servicer (tests/support/harness.py)."""

import json

import pytest

from policypack.core import types as t
from policypack.rules.iam import (
    no_aws_managed_policies,
    no_wildcard_actions,
    no_wildcard_resources,
    s3_access_prefix_scoped,
)
from policypack.rules.iam_documents import policy_document_valid
from policypack.rules.outputs import no_unresolved_outputs
from tests.support.harness import UNKNOWN_ARRAY, UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}


def mandatory(policy, message):
    return Violation(policy.name, "mandatory", message, "")


def document(*statements, version="2012-10-17"):
    return json.dumps({"Version": version, "Statement": list(statements)})


def allow(actions, resources):
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def role_policy(*statements):
    return {"role": "handler-role", "policy": document(*statements)}


# -- aws-iam-no-aws-managed-policies ---------------------------------------------------------------

def managed(path, arn):
    return mandatory(
        no_aws_managed_policies,
        f"`{path}` attaches the AWS-managed policy \"{arn}\", written for every AWS customer and broader than this "
        "workload needs: attach an inline or customer-managed policy scoped to its own resources, or list it in "
        "`allowedManagedPolicies`.")


def test_managed_customer_policy_attachment_passes():
    props = {"role": "r", "policyArn": "arn:aws:iam::123456789012:policy/handler-logs"}
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY_ATTACHMENT, props) == []


def test_managed_basic_execution_role_of_seeds_is_reported():
    props = {"role": "r", "policyArn": BASIC_EXECUTION}
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY_ATTACHMENT, props) == [managed("policyArn", BASIC_EXECUTION)]


@pytest.mark.parametrize("resource_type", [t.POLICY_ATTACHMENT, t.USER_POLICY_ATTACHMENT, t.GROUP_POLICY_ATTACHMENT])
def test_managed_policy_on_every_attachment_type_is_reported(resource_type):
    arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    assert analyze(no_aws_managed_policies, resource_type, {"policyArn": arn}) == [managed("policyArn", arn)]


def test_managed_policy_in_other_partitions_is_reported():
    arn = "arn:aws-cn:iam::aws:policy/AdministratorAccess"
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY_ATTACHMENT, {"policyArn": arn}) == [managed("policyArn", arn)]


def test_managed_policy_arns_on_a_role_are_reported_by_index():
    props = {"assumeRolePolicy": json.dumps(TRUST),
             "managedPolicyArns": ["arn:aws:iam::123456789012:policy/own", BASIC_EXECUTION]}
    assert analyze(no_aws_managed_policies, t.ROLE, props) == [managed("managedPolicyArns[1]", BASIC_EXECUTION)]


@pytest.mark.parametrize("entry", [BASIC_EXECUTION, "service-role/AWSLambdaBasicExecutionRole",
                                   "AWSLambdaBasicExecutionRole"])
def test_managed_policy_allowed_by_config(entry):
    config = {no_aws_managed_policies.name: {"allowedManagedPolicies": [entry]}}
    props = {"policyArn": BASIC_EXECUTION}
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY_ATTACHMENT, props, config=config) == []


EKS_ROLE_POLICIES = ["AmazonEKSClusterPolicy", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy",
                     "AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryPullOnly",
                     "AmazonEKSVPCResourceController", "AmazonEKSWorkerNodeMinimalPolicy"]


@pytest.mark.parametrize("policy", EKS_ROLE_POLICIES)
def test_managed_policies_eks_requires_for_its_roles_pass_by_default(policy):
    """The shape of pulumi/examples aws-py-eks: the cluster and node roles the EKS User Guide prescribes."""
    props = {"role": "ec2-nodegroup-iam-role", "policyArn": f"arn:aws:iam::aws:policy/{policy}"}
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY_ATTACHMENT, props) == []


def test_managed_policies_eks_requires_are_reported_when_not_accepted():
    config = {no_aws_managed_policies.name: {"allowServiceRequiredPolicies": False}}
    arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY_ATTACHMENT, {"policyArn": arn}, config=config) == [
        managed("policyArn", arn)]


def test_managed_eks_service_policy_that_eks_no_longer_needs_is_reported():
    arn = "arn:aws:iam::aws:policy/AmazonEKSServicePolicy"
    props = {"assumeRolePolicy": json.dumps(TRUST), "managedPolicyArns": [
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", arn]}
    assert analyze(no_aws_managed_policies, t.ROLE, props) == [managed("managedPolicyArns[1]", arn)]


def test_managed_unknowns_in_preview_are_deferred():
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY_ATTACHMENT, {"policyArn": UNKNOWN_STRING}) == []
    assert analyze(no_aws_managed_policies, t.ROLE, {"managedPolicyArns": UNKNOWN_ARRAY}) == []
    assert analyze(no_aws_managed_policies, t.ROLE, {"managedPolicyArns": [UNKNOWN_STRING]}) == []


def test_managed_not_applicable_to_other_types():
    assert analyze(no_aws_managed_policies, t.ROLE_POLICY, {"policyArn": BASIC_EXECUTION}) == []


# -- aws-iam-no-wildcard-actions -------------------------------------------------------------------

def wildcard_actions(path, label, actions):
    return mandatory(no_wildcard_actions,
                     f"`{path}` {label} allows {actions}: list only the actions the workload calls (e.g. "
                     "\"s3:GetObject\").")


def test_wildcard_actions_named_actions_pass():
    props = role_policy(allow(["s3:GetObject", "s3:Get*"], "arn:aws:s3:::in/uploads/*"))
    assert analyze(no_wildcard_actions, t.ROLE_POLICY, props) == []


def test_wildcard_actions_service_wildcard_of_seed_000_is_reported():
    props = role_policy(allow("s3:*", "arn:aws:s3:::in/*"))
    assert analyze(no_wildcard_actions, t.ROLE_POLICY, props) == [
        wildcard_actions("policy", "Statement[0]", "\"s3:*\"")]


def test_wildcard_actions_star_in_a_role_inline_policy_is_reported_with_its_sid():
    inline = document({"Sid": "All", "Effect": "Allow", "Action": ["*", "sqs:*"], "Resource": "*"})
    props = {"assumeRolePolicy": json.dumps(TRUST), "inlinePolicies": [{"name": "all", "policy": inline}]}
    assert analyze(no_wildcard_actions, t.ROLE, props) == [
        wildcard_actions("inlinePolicies[0].policy", "Statement[0] (Sid \"All\")", "\"*\", \"sqs:*\"")]


def test_wildcard_actions_not_action_with_allow_is_reported():
    props = role_policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert analyze(no_wildcard_actions, t.IAM_POLICY, props) == [mandatory(
        no_wildcard_actions,
        "`policy` Statement[0] uses `NotAction` with Allow, which allows every action except \"iam:*\": list the "
        "allowed actions in `Action` instead.")]


def test_wildcard_actions_in_deny_statements_pass():
    props = role_policy({"Effect": "Deny", "Action": "*", "Resource": "*"},
                        {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"})
    assert analyze(no_wildcard_actions, t.USER_POLICY, props) == []


def test_wildcard_actions_known_part_is_checked_in_preview():
    raw = {"Version": "2012-10-17", "Statement": [allow([UNKNOWN_STRING, "s3:*"], UNKNOWN_STRING)]}
    assert analyze(no_wildcard_actions, t.GROUP_POLICY, {"policy": raw}) == [
        wildcard_actions("policy", "Statement[0]", "\"s3:*\"")]


def test_wildcard_actions_unknowns_in_preview_are_deferred():
    assert analyze(no_wildcard_actions, t.ROLE_POLICY, {"policy": UNKNOWN_STRING}) == []
    raw = {"Version": "2012-10-17", "Statement": [{"Effect": UNKNOWN_STRING, "Action": "*", "Resource": "*"}]}
    assert analyze(no_wildcard_actions, t.ROLE_POLICY, {"policy": raw}) == []


def test_wildcard_actions_resource_based_and_trust_documents_are_not_applicable():
    key_policy = document({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                           "Action": "kms:*", "Resource": "*"})
    assert analyze(no_wildcard_actions, t.KMS_KEY, {"policy": key_policy}) == []
    assert analyze(no_wildcard_actions, t.BUCKET_POLICY, {"bucket": "b", "policy": key_policy}) == []
    trust = document({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:*"})
    assert analyze(no_wildcard_actions, t.ROLE, {"assumeRolePolicy": trust}) == []


# -- aws-iam-no-wildcard-resources -----------------------------------------------------------------

def wildcard_resources(path, label, actions, resources):
    return mandatory(
        no_wildcard_resources,
        f"`{path}` {label} allows {actions} on {resources}: name the resources (ARNs) it needs; only actions without "
        "resource-level permissions (such as \"xray:PutTraceSegments\") may use \"*\".")


def test_wildcard_resources_named_resources_pass():
    props = role_policy(allow(["dynamodb:GetItem"], "arn:aws:dynamodb:us-west-2:123456789012:table/orders"))
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == []


def test_wildcard_resources_actions_without_resource_level_permissions_pass():
    props = role_policy(allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "ec2:CreateNetworkInterface",
                               "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
                               "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
                               "ec2:DescribeSubnets", "ec2:Describe*"], "*"),
                        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                         "Condition": {"StringEquals": {"cloudwatch:namespace": "Orders"}}})
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == []


def test_wildcard_resources_ecs_exec_channels_pass():
    """The shape of pulumi/examples aws-py-langserve: a task role's "ExecuteCommand" inline policy. AWS's data
    lists no resource type for the ssmmessages actions, so "*" is the only resource they can have."""
    execute_command = document(allow(["ssmmessages:CreateControlChannel", "ssmmessages:OpenControlChannel",
                                      "ssmmessages:CreateDataChannel", "ssmmessages:OpenDataChannel"], "*"))
    props = {"assumeRolePolicy": json.dumps(TRUST), "inlinePolicies": [{"name": "ExecuteCommand",
                                                                         "policy": execute_command}]}
    assert analyze(no_wildcard_resources, t.ROLE, props) == []


def test_wildcard_resources_step_functions_log_delivery_passes():
    """What AWS tells a state machine's role to allow for logging to CloudWatch Logs: all on "*"."""
    props = role_policy(allow(["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                               "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                               "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], "*"),
                        allow(["xray:Put*", "xray:GetSampling*", "ecr:GetAuthorizationToken"], "*"))
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == []


def test_wildcard_resources_wildcards_are_judged_by_what_they_cover():
    # ec2:*NetworkInterface also covers Attach/Detach/ModifyNetworkInterface, which name an ENI
    props = role_policy(allow(["s3:Get*", "ssmmessages:*", "logs:*LogDelivery*", "ec2:*NetworkInterface"], "*"))
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == [
        wildcard_resources("policy", "Statement[0]", "\"s3:Get*\", \"ec2:*NetworkInterface\"", "\"*\"")]


def test_wildcard_resources_actions_unknown_to_aws_count_as_scopable():
    props = role_policy(allow(["ssmmessages:CreateControlChanel", "*"], "*"))
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == [
        wildcard_resources("policy", "Statement[0]", "\"ssmmessages:CreateControlChanel\", \"*\"", "\"*\"")]


def test_wildcard_resources_star_is_reported_for_scopable_actions_only():
    props = role_policy(allow(["xray:PutTraceSegments", "s3:GetObject", "logs:PutLogEvents"], ["*"]))
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == [
        wildcard_resources("policy", "Statement[0]", "\"s3:GetObject\", \"logs:PutLogEvents\"", "\"*\"")]


def test_wildcard_resources_account_wide_arn_patterns_are_reported():
    props = role_policy(allow("logs:PutLogEvents", "arn:aws:logs:*:*:*"))
    assert analyze(no_wildcard_resources, t.IAM_POLICY, props) == [
        wildcard_resources("policy", "Statement[0]", "\"logs:PutLogEvents\"", "\"arn:aws:logs:*:*:*\"")]


def test_wildcard_resources_not_resource_with_allow_is_reported():
    props = role_policy({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"})
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == [mandatory(
        no_wildcard_resources,
        "`policy` Statement[0] uses `NotResource` with Allow, which allows \"s3:GetObject\" on every resource not "
        "listed: name the resources in `Resource` instead.")]


def test_wildcard_resources_not_action_on_star_is_reported():
    props = role_policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == [
        wildcard_resources("policy", "Statement[0]", "every action not in `NotAction`", "\"*\"")]


def test_wildcard_resources_in_deny_statements_pass():
    props = role_policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, props) == []


def test_wildcard_resources_unknown_actions_in_preview_are_deferred():
    raw = {"Version": "2012-10-17", "Statement": [allow(UNKNOWN_ARRAY, "*"),
                                                  allow([UNKNOWN_STRING, "xray:PutTraceSegments"], "*")]}
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, {"policy": raw}) == []
    assert analyze(no_wildcard_resources, t.ROLE_POLICY, {"policy": UNKNOWN_STRING}) == []


def test_wildcard_resources_resource_based_documents_are_not_applicable():
    key_policy = document({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                           "Action": "kms:*", "Resource": "*"})
    assert analyze(no_wildcard_resources, t.KMS_KEY_POLICY, {"keyId": "k", "policy": key_policy}) == []
    assert analyze(no_wildcard_resources, t.QUEUE, {"policy": key_policy}) == []


# -- aws-iam-s3-access-prefix-scoped ---------------------------------------------------------------

def whole_bucket(label, actions, arn, scope, example):
    return mandatory(
        s3_access_prefix_scoped,
        f"`policy` {label} grants {actions} on \"{arn}\", {scope}: grant them on the key prefix the workload uses "
        f"(e.g. \"{example}\").")


def test_s3_prefix_scoped_grants_pass():
    props = role_policy(allow(["s3:GetObject"], "arn:aws:s3:::in-bucket/uploads/*"),
                        allow(["s3:PutObject"], ["arn:aws:s3:::out-bucket/processed/*"]),
                        allow(["s3:ListBucket"], "arn:aws:s3:::in-bucket"))
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, props) == []


def test_s3_whole_bucket_grant_of_seed_000_is_reported():
    props = role_policy(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::in-bucket/*"))
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, props) == [
        whole_bucket("Statement[0]", "\"s3:GetObject\", \"s3:PutObject\"", "arn:aws:s3:::in-bucket/*",
                     "every object of the bucket", "arn:aws:s3:::in-bucket/uploads/*")]


def test_s3_wildcard_actions_covering_object_actions_are_reported():
    props = role_policy(allow(["s3:*"], ["arn:aws:s3:::in-bucket", "arn:aws:s3:::in-bucket/*"]),
                        allow(["s3:Get*"], "*"))
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, props) == [
        whole_bucket("Statement[0]", "\"s3:*\"", "arn:aws:s3:::in-bucket/*", "every object of the bucket",
                     "arn:aws:s3:::in-bucket/uploads/*"),
        mandatory(s3_access_prefix_scoped,
                  "`policy` Statement[1] grants \"s3:Get*\" on \"*\", every object of every bucket: grant them on the "
                  "key prefix the workload uses (e.g. \"arn:aws:s3:::<bucket>/uploads/*\")."),
    ]


def test_s3_object_actions_come_from_aws_data():
    """Every action whose resource type is an S3 object counts, not only the common ones (the hand list of
    17 missed these), and bucket-level actions on a bucket's objects do not."""
    props = role_policy(allow(["s3:PutObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:ReplicateDelete",
                               "s3:GetBucketTagging"], "arn:aws:s3:::b/*"))
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, props) == [
        whole_bucket("Statement[0]", "\"s3:PutObjectVersionAcl\", \"s3:GetObjectVersionTagging\", "
                     "\"s3:ReplicateDelete\"", "arn:aws:s3:::b/*", "every object of the bucket",
                     "arn:aws:s3:::b/uploads/*")]


def test_s3_bucket_name_wildcards_are_reported():
    props = role_policy(allow("s3:DeleteObject", "arn:aws:s3:::logs-*"))
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, props) == [
        whole_bucket("Statement[0]", "\"s3:DeleteObject\"", "arn:aws:s3:::logs-*",
                     "every object of the matching buckets", "arn:aws:s3:::<bucket>/uploads/*")]


def test_s3_bucket_level_actions_on_whole_bucket_pass():
    props = role_policy(allow(["s3:ListBucket", "s3:GetBucketLocation"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]))
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, props) == []


def test_s3_deny_statements_pass():
    props = role_policy({"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"})
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, props) == []


def test_s3_unknown_resources_in_preview_are_deferred():
    raw = {"Version": "2012-10-17", "Statement": [allow("s3:GetObject", [UNKNOWN_STRING]),
                                                  allow("s3:GetObject", UNKNOWN_ARRAY)]}
    assert analyze(s3_access_prefix_scoped, t.ROLE_POLICY, {"policy": raw}) == []


def test_s3_bucket_policies_are_not_applicable():
    policy = document({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    assert analyze(s3_access_prefix_scoped, t.BUCKET_POLICY, {"bucket": "b", "policy": policy}) == []


# -- aws-iam-policy-document-valid -----------------------------------------------------------------

def invalid(message):
    return mandatory(policy_document_valid, message)


def test_document_valid_role_and_policies_pass():
    inline = document(allow("s3:GetObject", "arn:aws:s3:::b/uploads/*"))
    role = {"assumeRolePolicy": json.dumps(TRUST), "inlinePolicies": [{"name": "s3", "policy": inline}]}
    assert analyze(policy_document_valid, t.ROLE, role) == []
    bucket_policy = document({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                              "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                              "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    assert analyze(policy_document_valid, t.BUCKET_POLICY, {"bucket": "b", "policy": bucket_policy}) == []
    assert analyze(policy_document_valid, t.ROLE, {"assumeRolePolicy": TRUST}) == []  # an object, not a string


def test_document_with_stringified_output_of_seed_004_is_reported_once_by_the_outputs_rule():
    """One cause, one finding: the document rule leaves a stringified Output to pulumi-no-unresolved-outputs."""
    text = '{"Version": "2012-10-17", "Statement": [{"Resource": "Calling __str__ on an Output[T] is not supported."}]}'
    as_object = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "<pulumi.output.Output object at 0x7f3a2c1d0e50>"}]}
    assert analyze(policy_document_valid, t.ROLE_POLICY, {"role": "r", "policy": text}) == []
    assert analyze(policy_document_valid, t.ROLE, {"assumeRolePolicy": TRUST, "inlinePolicies": [
        {"name": "s3", "policy": as_object}]}) == []
    assert analyze([policy_document_valid, no_unresolved_outputs], t.ROLE_POLICY, {"role": "r", "policy": text}) == [
        mandatory(no_unresolved_outputs,
                  "`policy` holds the text of a Pulumi Output turned into a string (\"Calling __str__ on an "
                  "Output[...]\" or \"<pulumi.output.Output object at ...>\"), not its value: build it with "
                  "`Output.concat`, `Output.format`, `.apply` or `Output.json_dumps` instead of str() or an f-string.")]


@pytest.mark.parametrize("raw, problem", [
    ("{\"Version\": ", "is not valid JSON (Expecting value: line 1 column 13 (char 12))"),
    ("", "is an empty string, not a JSON policy document"),
    ("[]", "is a JSON array, not an object"),
])
def test_document_that_is_not_a_json_object_is_reported(raw, problem):
    assert analyze(policy_document_valid, t.IAM_POLICY, {"policy": raw}) == [invalid(
        f"`policy` {problem}: build the document as a dict and serialise it with `pulumi.Output.json_dumps`.")]


def test_document_without_statement_is_reported():
    assert analyze(policy_document_valid, t.IAM_POLICY, {"policy": '{"Version": "2012-10-17"}'}) == [invalid(
        "`policy` has no \"Statement\": add a \"Statement\" list.")]


def test_document_version_is_checked():
    statement = allow("s3:GetObject", "arn:aws:s3:::b/uploads/*")
    for version in ("2012-10-17", "2008-10-17", None):  # IAM accepts both languages; no Version means 2008-10-17
        raw = {"Version": version, "Statement": [statement]} if version else {"Statement": [statement]}
        assert analyze(policy_document_valid, t.ROLE_POLICY, {"policy": json.dumps(raw)}) == []
    for version in ("2012-10-18", 2012):
        assert analyze(policy_document_valid, t.ROLE_POLICY, {"policy": document(statement, version=version)}) == [
            invalid(f"`policy` has `Version` {json.dumps(version)}, which is not a policy language IAM knows: use "
                    "\"2012-10-17\".")]


def test_document_in_the_2008_language_with_policy_variables_is_reported():
    """The one thing the 2008-10-17 language does differently: `${...}` is literal text, not a variable."""
    statement = allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")
    assert analyze(policy_document_valid, t.IAM_POLICY, {"policy": document(statement, version="2008-10-17")}) == [
        invalid("`policy` has `Version` \"2008-10-17\", which takes policy variables literally: \"${aws:username}\" "
                "would match only that text. Set \"Version\": \"2012-10-17\".")]
    assert analyze(policy_document_valid, t.IAM_POLICY, {"policy": json.dumps({"Statement": [statement]})}) == [
        invalid("`policy` has no `Version`, so IAM reads it in the 2008-10-17 language, which takes policy variables "
                "literally: \"${aws:username}\" would match only that text. Set \"Version\": \"2012-10-17\".")]
    assert analyze(policy_document_valid, t.IAM_POLICY, {"policy": document(statement)}) == []


def test_trust_policy_in_the_2008_language_passes():
    """The shape of pulumi/examples aws-py-fargate: a task execution role's trust policy in the 2008 language."""
    trust = {"Version": "2008-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Principal": {
        "Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    assert analyze(policy_document_valid, t.ROLE, {"assumeRolePolicy": json.dumps(trust)}) == []


def test_document_statement_effects_are_checked():
    props = {"policy": document({"Action": "s3:GetObject", "Resource": "*"},
                                {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"})}
    assert analyze(policy_document_valid, t.ROLE_POLICY, props) == [
        invalid("`policy` Statement[0] has no `Effect`: set \"Allow\" or \"Deny\"."),
        invalid("`policy` Statement[1] has `Effect` \"allow\": use \"Allow\" or \"Deny\"."),
    ]


def test_document_statement_actions_are_checked():
    props = {"policy": document({"Effect": "Allow", "Resource": "*"},
                                {"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject",
                                 "Resource": "*"},
                                {"Effect": "Allow", "Action": [], "Resource": "*"},
                                {"Effect": "Allow", "Action": ["s3GetObject", 7], "Resource": "*"})}
    assert analyze(policy_document_valid, t.ROLE_POLICY, props) == [
        invalid("`policy` Statement[0] has neither `Action` nor `NotAction`: list the actions it allows or denies."),
        invalid("`policy` Statement[1] has both `Action` and `NotAction`: keep one."),
        invalid("`policy` Statement[2] has an empty `Action` list: list the actions it allows or denies."),
        invalid("`policy` Statement[3] has \"s3GetObject\" in `Action`, not \"service:Action\" or \"*\"."),
        invalid("`policy` Statement[3] has 7 in `Action`, not a string."),
    ]


def test_document_identity_statement_resources_and_principal_are_checked():
    props = {"policy": document({"Effect": "Allow", "Action": "s3:GetObject"},
                                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket"},
                                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})}
    assert analyze(policy_document_valid, t.ROLE_POLICY, props) == [
        invalid("`policy` Statement[0] has neither `Resource` nor `NotResource`: name the resources (ARNs) it "
                "applies to."),
        invalid("`policy` Statement[1] has \"my-bucket\" in `Resource`, not an ARN or \"*\" (pass the resource's "
                "`arn`, not its name)."),
        invalid("`policy` Statement[2] has `Principal`, which an identity-based policy must not have (it applies to "
                "whoever it is attached to): remove it."),
    ]


def test_document_trust_policy_is_checked():
    trust = document({"Effect": "Allow", "Principal": "lambda.amazonaws.com", "Action": "sts:AssumeRole",
                      "Resource": "*"},
                     {"Effect": "Allow", "Action": "sts:AssumeRole"})
    assert analyze(policy_document_valid, t.ROLE, {"assumeRolePolicy": trust}) == [
        invalid("`assumeRolePolicy` Statement[0] has `Resource`, which a trust policy must not have: remove it."),
        invalid("`assumeRolePolicy` Statement[0] has `Principal` \"lambda.amazonaws.com\": write a service as "
                "{\"Service\": \"lambda.amazonaws.com\"}."),
        invalid("`assumeRolePolicy` Statement[1] has no `Principal`: a trust policy must say whom it applies to "
                "(e.g. {\"Service\": \"lambda.amazonaws.com\"})."),
    ]


@pytest.mark.parametrize("resource_type, props", [
    (t.BUCKET_POLICY, {"bucket": "b"}), (t.QUEUE_POLICY, {"queueUrl": "q"}), (t.TOPIC_POLICY, {"arn": "t"}),
    (t.KMS_KEY_POLICY, {"keyId": "k"}), (t.KMS_KEY, {}), (t.QUEUE, {}), (t.TOPIC, {}), (t.BUCKET, {}),
    (t.BUCKET_V2, {}),
])
def test_document_resource_policies_are_checked(resource_type, props):
    policy = document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
                      {"Effect": "Allow", "Principal": {"Account": "123456789012"}, "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::b/*"})
    assert analyze(policy_document_valid, resource_type, {**props, "policy": policy}) == [
        invalid("`policy` Statement[0] has no `Principal`: a resource-based policy must say whom it applies to "
                "(e.g. {\"Service\": \"lambda.amazonaws.com\"})."),
        invalid("`policy` Statement[1] has `Principal` with the key(s) \"Account\": use AWS, Service, Federated or "
                "CanonicalUser."),
    ]


def test_document_statement_that_is_not_an_object_is_reported():
    props = {"policy": json.dumps({"Version": "2012-10-17", "Statement": ["s3:GetObject"]})}
    assert analyze(policy_document_valid, t.ROLE_POLICY, props) == [invalid(
        "`policy` has Statement[0] that is a JSON string, not an object: build the document as a dict and serialise "
        "it with `pulumi.Output.json_dumps`.")]


def test_document_unknowns_in_preview_are_deferred():
    assert analyze(policy_document_valid, t.ROLE_POLICY, {"policy": UNKNOWN_STRING}) == []
    assert analyze(policy_document_valid, t.ROLE, {"assumeRolePolicy": UNKNOWN_OBJECT,
                                                   "inlinePolicies": [{"name": "x", "policy": UNKNOWN_STRING}]}) == []
    raw = {"Version": UNKNOWN_STRING,
           "Statement": [UNKNOWN_OBJECT,
                         {"Effect": UNKNOWN_STRING, "Action": [UNKNOWN_STRING], "Resource": [UNKNOWN_STRING]},
                         {"Effect": "Allow", "Action": UNKNOWN_ARRAY, "Resource": UNKNOWN_STRING}]}
    assert analyze(policy_document_valid, t.ROLE_POLICY, {"policy": raw}) == []


def test_document_known_statements_are_checked_in_preview():
    raw = {"Version": "2012-10-17",
           "Statement": [UNKNOWN_OBJECT, {"Effect": "Allow", "Action": "s3:GetObject"}]}
    assert analyze(policy_document_valid, t.ROLE_POLICY, {"policy": raw}) == [invalid(
        "`policy` Statement[1] has neither `Resource` nor `NotResource`: name the resources (ARNs) it applies to.")]


def test_document_not_applicable_to_other_types():
    assert analyze(policy_document_valid, t.FUNCTION, {"policy": "not json"}) == []
    assert analyze(policy_document_valid, t.ROLE_POLICY_ATTACHMENT, {"policy": "not json"}) == []
