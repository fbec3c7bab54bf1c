"""The shared IAM policy-document reader (policypack/core/iam.py)."""

import json

import pytest

from policypack.core import types as t
from policypack.core.iam import (
    IDENTITY,
    RESOURCE_BASED,
    TRUST,
    action_matches,
    aws_managed_policy_path,
    covers_any,
    documents_of,
    has_unknown,
    identity_documents,
    is_resource_wildcard,
    is_service_wildcard,
    known_strings,
    parse_document,
    resource_matches,
)
from policypack.core.props import UNKNOWN, plain
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE


# -- parse_document --------------------------------------------------------------------------------

def test_parse_json_string_with_single_statement_object():
    doc = parse_document(json.dumps({"Version": "2012-10-17", "Statement": {
        "Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}))
    assert doc.valid and doc.version == "2012-10-17"
    [statement] = doc.statements
    assert (statement.index, statement.effect, statement.actions, statement.resources) == (
        0, "Allow", ("s3:GetObject",), ("arn:aws:s3:::b/*",))
    assert statement.not_actions is None and statement.not_resources is None
    assert statement.is_allow and statement.label == 'Statement[0] (Sid "Read")'


def test_parse_object_with_lists_principal_and_condition():
    doc = parse_document({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "NotAction": ["s3:GetObject", "s3:PutObject"],
         "NotResource": ["arn:aws:s3:::b"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    [statement] = doc.statements
    assert not statement.is_allow and statement.label == "Statement[0]"
    assert statement.not_actions == ("s3:GetObject", "s3:PutObject")
    assert statement.not_resources == ("arn:aws:s3:::b",)
    assert statement.principal == "*"
    assert statement.condition == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("raw, problem", [
    ("", "is an empty string, not a JSON policy document"),
    ("  ", "is an empty string, not a JSON policy document"),
    ("{", "is not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
    ("[1]", "is a JSON array, not an object"),
    (7, "is a JSON number, not an object"),
    (None, "is a JSON null, not an object"),
    ("{}", 'has no "Statement"'),
    ('{"Statement": 3}', 'has a "Statement" that is a JSON number, not an object or a list'),
    ('{"Statement": [true]}', "has Statement[0] that is a JSON boolean, not an object"),
])
def test_parse_malformed_documents_give_problems_not_errors(raw, problem):
    doc = parse_document(raw)
    assert doc.problems == [problem] and not doc.valid and not doc.unknown


def test_parse_stringified_output_is_a_problem():
    doc = parse_document('{"Resource": "<pulumi.output.Output object at 0x1>"}')
    assert doc.problems == ["contains the text of an unresolved Pulumi Output, not a value: build the document "
                            "with pulumi.Output.json_dumps or .apply"]


def test_parse_deeply_nested_json_gives_a_problem():
    doc = parse_document("[" * 100_000 + "]" * 100_000)
    assert len(doc.problems) == 1 and doc.problems[0].startswith(("is not valid JSON", "is a JSON array"))


def test_parse_unknowns_are_kept():
    assert parse_document(UNKNOWN).unknown
    assert parse_document(UNKNOWN_STRING_VALUE).unknown  # the engine's sentinel, as in a raw proxy value
    assert parse_document({"Version": "2012-10-17", "Statement": UNKNOWN}).unknown
    doc = parse_document({"Statement": [UNKNOWN, {"Effect": "Allow", "Action": UNKNOWN, "Resource": [UNKNOWN, "*"]}]})
    assert doc.unknown and not doc.problems
    [statement] = doc.statements
    assert statement.index == 1 and statement.actions is UNKNOWN
    assert has_unknown(statement.resources) and known_strings(statement.resources) == ["*"]


# -- helpers ---------------------------------------------------------------------------------------

def test_known_strings_and_has_unknown():
    assert known_strings(None) == [] and known_strings(UNKNOWN) == []
    assert known_strings(("a", 1, UNKNOWN, "b")) == ["a", "b"]
    assert has_unknown(UNKNOWN) and has_unknown(("a", UNKNOWN)) and not has_unknown(("a",)) and not has_unknown(None)


@pytest.mark.parametrize("pattern, action, expected", [
    ("s3:GetObject", "s3:getobject", True),
    ("s3:Get*", "s3:GetObject", True),
    ("s3:*", "s3:PutObject", True),
    ("*", "kms:Decrypt", True),
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:GetObject", "s3:GetObjectVersion", False),
    ("ec2:Describe*", "ec2:Describe*", True),
    ("ec2:Describe*", "ec2:*", False),
    (7, "s3:GetObject", False),
])
def test_action_matches(pattern, action, expected):
    assert action_matches(pattern, action) is expected


def test_covers_any():
    assert covers_any(("s3:*", "sqs:SendMessage", UNKNOWN), ("s3:GetObject",)) == ["s3:*"]
    assert covers_any(UNKNOWN, ("s3:GetObject",)) == []


@pytest.mark.parametrize("action, expected", [
    ("*", True), ("s3:*", True), (" s3:* ", True), ("s3:Get*", False), ("s3:GetObject", False), ("a:b:*", False),
])
def test_is_service_wildcard(action, expected):
    assert is_service_wildcard(action) is expected


def test_resource_matches_is_case_sensitive():
    assert resource_matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/uploads/x.jpg")
    assert not resource_matches("arn:aws:s3:::B/*", "arn:aws:s3:::b/x")
    assert not resource_matches(None, "arn:aws:s3:::b/x")


@pytest.mark.parametrize("resource, expected", [
    ("*", True), ("arn:aws:s3:::*", True), ("arn:aws:logs:*:*:*", True), ("arn:aws:dynamodb:*:*:*/*", True),
    ("arn:aws:s3:::bucket/*", False), ("arn:aws:logs:us-west-2:123456789012:*", False),
    ("arn:aws:dynamodb:*:*:table/*", False), ("bucket", False), (None, False),
])
def test_is_resource_wildcard(resource, expected):
    assert is_resource_wildcard(resource) is expected


@pytest.mark.parametrize("arn, expected", [
    ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaBasicExecutionRole"),
    ("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"),
    ("arn:aws:iam::123456789012:policy/own", None),
    ("AWSLambdaBasicExecutionRole", None),
    (UNKNOWN, None),
])
def test_aws_managed_policy_path(arn, expected):
    assert aws_managed_policy_path(arn) == expected


# -- documents_of ----------------------------------------------------------------------------------

def test_documents_of_a_role():
    props = {"assumeRolePolicy": "{}", "inlinePolicies": [{"name": "a", "policy": "{1}"}, {"name": "empty"},
                                                          {"name": "b", "policy": ""}, "junk"]}
    assert list(documents_of(t.ROLE, props)) == [
        ("assumeRolePolicy", TRUST, "{}"), ("inlinePolicies[0].policy", IDENTITY, "{1}")]


@pytest.mark.parametrize("resource_type", [t.ROLE_POLICY, t.IAM_POLICY, t.USER_POLICY, t.GROUP_POLICY])
def test_documents_of_identity_policies(resource_type):
    assert list(documents_of(resource_type, {"policy": "{}"})) == [("policy", IDENTITY, "{}")]


@pytest.mark.parametrize("resource_type", [t.BUCKET_POLICY, t.QUEUE_POLICY, t.TOPIC_POLICY, t.KMS_KEY_POLICY,
                                           t.KMS_KEY, t.QUEUE, t.TOPIC, t.BUCKET, t.BUCKET_V2])
def test_documents_of_resource_policies(resource_type):
    assert list(documents_of(resource_type, {"policy": "{}"})) == [("policy", RESOURCE_BASED, "{}")]


def test_documents_of_skips_absent_and_other_types():
    assert list(documents_of(t.QUEUE, {"policy": ""})) == []
    assert list(documents_of(t.ROLE, {})) == []
    assert list(documents_of(t.FUNCTION, {"policy": "{}"})) == []
    assert list(documents_of(t.ROLE, "not a dict")) == []


def test_identity_documents_parse_only_identity_kinds():
    inline = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    props = plain({"assumeRolePolicy": "{}", "inlinePolicies": [{"name": "a", "policy": inline}]})
    [(path, doc)] = list(identity_documents(t.ROLE, props))
    assert path == "inlinePolicies[0].policy" and doc.valid and doc.statements[0].actions == ("*",)
