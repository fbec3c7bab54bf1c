"""aws-iam-actions-exist, run through the SDK's servicer (tests/support/harness.py)."""

import json

import pytest

from policypack.core import types as t
from policypack.rules.iam_documents import actions_exist
from tests.support.harness import UNKNOWN_ARRAY, UNKNOWN_STRING, Violation, analyze

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
LOOK_UP = "look the action up in the Service Authorization Reference."


def advisory(message):
    return Violation(actions_exist.name, "advisory", message, "")


def policy(*statements):
    return {"role": "handler-role", "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


def allow(actions, resource="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def test_real_actions_and_wildcards_pass():
    props = policy(allow(["s3:GetObject", "S3:putobject", "s3:Get*", "s3:*", "*", "xray:PutT*", "sqs:?endMessage",
                          "ssmmessages:CreateControlChannel", "logs:CreateLogDelivery"]),
                   {"Effect": "Deny", "NotAction": ["iam:PassRole"], "Resource": "*"})
    assert analyze(actions_exist, t.ROLE_POLICY, props) == []
    assert analyze(actions_exist, t.ROLE, {"assumeRolePolicy": json.dumps(TRUST)}) == []


def test_misspelled_action_is_reported_with_the_nearest_one():
    props = policy(allow(["dynamodb:GetItems", "dynamodb:PutItem"], "arn:aws:dynamodb:us-west-2:123456789012:table/t"))
    assert analyze(actions_exist, t.ROLE_POLICY, props) == [advisory(
        "`policy` Statement[0] names \"dynamodb:GetItems\" in `Action`, which is not an action of Amazon DynamoDB "
        "(`dynamodb`), so it allows nothing: did you mean \"dynamodb:GetItem\"?")]


def test_unknown_service_prefix_is_reported_with_the_nearest_service():
    props = policy(allow("lamda:InvokeFunction"), allow("zzzzzz:Get"))
    assert analyze(actions_exist, t.IAM_POLICY, props) == [
        advisory("`policy` Statement[0] names \"lamda:InvokeFunction\" in `Action`, but AWS has no service prefix "
                 "\"lamda\", so it allows nothing: did you mean \"lambda:InvokeFunction\"?"),
        advisory(f"`policy` Statement[1] names \"zzzzzz:Get\" in `Action`, but AWS has no service prefix \"zzzzzz\", "
                 f"so it allows nothing: {LOOK_UP}"),
    ]


def test_wildcard_that_matches_nothing_is_reported():
    props = policy(allow(["s3:Gte*", "s3:*Objetc"]))
    assert analyze(actions_exist, t.ROLE_POLICY, props) == [
        advisory("`policy` Statement[0] names \"s3:Gte*\" in `Action`, which matches no action of Amazon S3 (`s3`), "
                 "so it allows nothing: did you mean \"s3:Get*\"?"),
        advisory(f"`policy` Statement[0] names \"s3:*Objetc\" in `Action`, which matches no action of Amazon S3 "
                 f"(`s3`), so it allows nothing: {LOOK_UP}"),
    ]


def test_deny_and_not_action_say_what_the_typo_costs():
    props = policy({"Effect": "Deny", "Action": "s3:DeleteObjcet", "Resource": "*"},
                   {"Effect": "Allow", "NotAction": "iam:PasRole", "Resource": "*"})
    assert analyze(actions_exist, t.ROLE_POLICY, props) == [
        advisory("`policy` Statement[0] names \"s3:DeleteObjcet\" in `Action`, which is not an action of Amazon S3 "
                 "(`s3`), so it denies nothing: did you mean \"s3:DeleteObject\"?"),
        advisory("`policy` Statement[1] names \"iam:PasRole\" in `NotAction`, which is not an action of AWS Identity "
                 "and Access Management (IAM) (`iam`), so it excludes nothing: did you mean \"iam:PassRole\"?"),
    ]


@pytest.mark.parametrize("resource_type, props", [
    (t.BUCKET_POLICY, {"bucket": "b", "policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObjects",
         "Resource": "arn:aws:s3:::b/*"}]})}),
    (t.ROLE, {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "s3:GetObjects"}]})}),
])
def test_resource_based_and_trust_policies_are_checked(resource_type, props):
    path = "assumeRolePolicy" if resource_type == t.ROLE else "policy"
    assert analyze(actions_exist, resource_type, props) == [advisory(
        f"`{path}` Statement[0] names \"s3:GetObjects\" in `Action`, which is not an action of Amazon S3 (`s3`), so "
        "it allows nothing: did you mean \"s3:GetObject\"?")]


def test_each_entry_is_reported_once_per_statement():
    props = policy(allow(["s3:GetObjet", "S3:GETOBJET"]))
    assert analyze(actions_exist, t.ROLE_POLICY, props) == [advisory(
        "`policy` Statement[0] names \"s3:GetObjet\" in `Action`, which is not an action of Amazon S3 (`s3`), so it "
        "allows nothing: did you mean \"s3:GetObject\"?")]


def test_malformed_entries_and_stringified_outputs_are_left_to_other_rules():
    """aws-iam-policy-document-valid reports entries that are not `service:Action`; pulumi-no-unresolved-outputs
    a stringified Output."""
    props = policy(allow(["s3", ":", "s3:", "s3:Get Object", 7, "s*:GetObject"]))
    assert analyze(actions_exist, t.ROLE_POLICY, props) == []
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjets", ' \
           '"Resource": "Calling __str__ on an Output[T] is not supported."}]}'
    assert analyze(actions_exist, t.ROLE_POLICY, {"role": "r", "policy": text}) == []


def test_unknowns_in_preview_are_deferred():
    raw = {"Version": "2012-10-17", "Statement": [allow(UNKNOWN_ARRAY), allow([UNKNOWN_STRING, "s3:GetObject"])]}
    assert analyze(actions_exist, t.ROLE_POLICY, {"policy": raw}) == []
    assert analyze(actions_exist, t.ROLE_POLICY, {"policy": UNKNOWN_STRING}) == []


def test_not_applicable_to_other_types():
    assert analyze(actions_exist, t.FUNCTION, policy(allow("s3:GetObjets"))) == []
    assert analyze(actions_exist, t.ROLE_POLICY_ATTACHMENT, {"policyArn": "arn:aws:iam::aws:policy/s3:GetObjets"}) == []
