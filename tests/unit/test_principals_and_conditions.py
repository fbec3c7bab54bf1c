"""Who a statement names (policypack/core/principals.py) and whether its condition limits the caller
(policypack/core/conditions.py): the shapes IAM accepts, operators with their prefixes and suffixes,
case-insensitive keys, unknown values."""

import pytest

from policypack.core.arn import aws_managed_key_alias
from policypack.core.conditions import (
    ARN_VALUE,
    GITHUB_SUBJECT_VALUE,
    PRINCIPAL_KEYS,
    SUBJECT_VALUE,
    arn_pattern_matches_everything,
    caller_key_reasons,
    condition_tests,
    limits_caller,
    matches_every_caller,
    parse_operator,
)
from policypack.core.principals import (
    ACCOUNT,
    ANYONE,
    NAMED,
    PrincipalEntry,
    aws_principal_scope,
    identity_provider_host,
    is_saml_provider,
    principal_account,
    principal_entries,
)
from policypack.core.props import UNKNOWN

GITHUB_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


# -- Principal / NotPrincipal shapes ------------------------------------------------------------------

@pytest.mark.parametrize("value, entries", [
    ("*", [("AWS", "*")]),
    ({"AWS": "*"}, [("AWS", "*")]),
    ({"AWS": ["arn:aws:iam::123456789012:role/a", "*"]}, [("AWS", "arn:aws:iam::123456789012:role/a"), ("AWS", "*")]),
    ({"Service": "lambda.amazonaws.com"}, [("Service", "lambda.amazonaws.com")]),
    ({"Service": ["s3.amazonaws.com", "sns.amazonaws.com"]}, [("Service", "s3.amazonaws.com"),
                                                               ("Service", "sns.amazonaws.com")]),
    ({"Federated": GITHUB_PROVIDER}, [("Federated", GITHUB_PROVIDER)]),
    ({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
     [("CanonicalUser", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be")]),
    ({"AWS": "123456789012", "Service": "ec2.amazonaws.com"}, [("AWS", "123456789012"), ("Service", "ec2.amazonaws.com")]),
    ("lambda.amazonaws.com", [("Service", "lambda.amazonaws.com")]),  # invalid, read leniently
    ({"Other": "x", "AWS": " 123456789012 "}, [("AWS", "123456789012")]),
    (None, []), (5, []), ([], []), ({}, []),
])
def test_principal_shapes(value, entries):
    assert [(e.kind, e.value) for e in principal_entries(value)] == entries


def test_unknown_principals_are_entries_without_a_known_value():
    assert list(principal_entries(UNKNOWN)) == [PrincipalEntry("AWS", UNKNOWN)]
    assert list(principal_entries({"AWS": UNKNOWN, "Service": ["s3.amazonaws.com", UNKNOWN]})) == [
        PrincipalEntry("AWS", UNKNOWN), PrincipalEntry("Service", "s3.amazonaws.com"), PrincipalEntry("Service", UNKNOWN)]
    assert not PrincipalEntry("AWS", UNKNOWN).known and PrincipalEntry("AWS", "*").known


@pytest.mark.parametrize("value, scope, account", [
    ("*", ANYONE, None),
    ("arn:aws:iam::*:root", ANYONE, None),
    ("123456789012", ACCOUNT, "123456789012"),
    ("arn:aws:iam::123456789012:root", ACCOUNT, "123456789012"),
    ("arn:aws-cn:iam::123456789012:root", ACCOUNT, "123456789012"),
    ("arn:aws:iam::123456789012:role/deployer", NAMED, "123456789012"),
    ("arn:aws:iam::123456789012:user/ci", NAMED, "123456789012"),
    ("arn:aws:sts::123456789012:assumed-role/deployer/session", NAMED, "123456789012"),
    ("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL", NAMED, None),
    ("AROADBQP57FF2AEXAMPLE", NAMED, None),
])
def test_aws_principal_scope_and_account(value, scope, account):
    assert aws_principal_scope(value) == scope
    assert principal_account(value) == account


def test_identity_providers():
    assert identity_provider_host(GITHUB_PROVIDER) == "token.actions.githubusercontent.com"
    assert identity_provider_host(
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    ) == "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    assert identity_provider_host("cognito-identity.amazonaws.com") == "cognito-identity.amazonaws.com"
    assert is_saml_provider("arn:aws:iam::123456789012:saml-provider/Okta")
    assert not is_saml_provider(GITHUB_PROVIDER) and not is_saml_provider("accounts.google.com")


# -- operators --------------------------------------------------------------------------------------

@pytest.mark.parametrize("operator, parsed", [
    ("StringEquals", ("", "stringequals", False)),
    ("StringLikeIfExists", ("", "stringlike", True)),
    ("ForAnyValue:StringLike", ("foranyvalue", "stringlike", False)),
    ("ForAllValues:ArnLikeIfExists", ("forallvalues", "arnlike", True)),
    ("forallvalues:stringequals", ("forallvalues", "stringequals", False)),
    ("Null", ("", "null", False)),
    ("IfExists", ("", "ifexists", False)),
])
def test_operators_are_parsed_with_set_prefix_and_if_exists(operator, parsed):
    assert parse_operator(operator) == parsed


def test_condition_tests_keep_keys_case_insensitively_and_values_as_lists():
    tests, unknown = condition_tests({"StringEquals": {"AWS:SourceAccount": "123456789012",
                                                       "aws:SourceArn": ["a", UNKNOWN]},
                                      "Bool": UNKNOWN, "Junk": "x"})
    assert unknown is True  # the Bool block is unknown
    assert [(t.base, t.key, t.written_key, t.values) for t in tests] == [
        ("stringequals", "aws:sourceaccount", "AWS:SourceAccount", ("123456789012",)),
        ("stringequals", "aws:sourcearn", "aws:SourceArn", ("a", UNKNOWN)),
    ]
    assert condition_tests(UNKNOWN) == ([], True)
    assert condition_tests("yes") == ([], False)


# -- does a condition limit the caller? ---------------------------------------------------------------

LIMITS = [
    {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    {"StringEquals": {"AWS:SourceOwner": "123456789012"}},  # the SNS default topic policy's own spelling
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-1a2b3c4"}},
    {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-west-2:123456789012:*"}},  # an account's topics
    {"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-west-2:*:a1b2c3d4e5/*"}},  # one API
    {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}},
    {"StringEquals": {"aws:PrincipalAccount": ["123456789012", "210987654321"]}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/deployer-*"}},
    {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
    {"StringEquals": {"aws:SourceVpc": "vpc-111bbb22"}},
    {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}},
    {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "sqs.us-east-1.amazonaws.com"}},
    {"StringEquals": {"s3:DataAccessPointAccount": "123456789012"}},
    {"StringEquals": {"aws:SourceArn": "*"}},  # StringEquals takes "*" literally: no caller has that ARN
    {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": "123456789012"}},  # AND
]

LIMITS_NOTHING = [
    None, {}, "yes",
    {"StringLike": {"aws:SourceArn": "*"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:us-west-2:*:function:*"}},
    {"StringLike": {"aws:SourceArn": ["arn:aws:s3:::uploads-1a2b3c4", "*"]}},  # values are alternatives
    {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}},  # absent key: passes
    {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::uploads-1a2b3c4"}},
    {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},  # absent key: true
    {"StringNotEquals": {"aws:SourceAccount": "123456789012"}},
    {"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::uploads-1a2b3c4"}},
    {"Null": {"aws:SourceArn": "false"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"Bool": {"aws:PrincipalIsAWSService": "true"}},
    {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
    {"StringLike": {"aws:SourceAccount": "????????????"}},
    {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}},
    {"StringEquals": {"aws:SourceIp": "10.0.0.1"}},  # a string operator on an IP key
    {"IpAddress": {"aws:SourceAccount": "123456789012"}},
    {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},  # any account, through S3
    {"StringEquals": {"s3:prefix": "uploads/"}},
    {"NumericLessThan": {"aws:SourceAccount": "5"}},
]


@pytest.mark.parametrize("condition", LIMITS)
def test_conditions_that_limit_the_caller(condition):
    assert limits_caller(condition) is True


@pytest.mark.parametrize("condition", LIMITS_NOTHING)
def test_conditions_that_limit_nothing(condition):
    assert limits_caller(condition) is False


@pytest.mark.parametrize("condition", [
    UNKNOWN,
    {"StringEquals": UNKNOWN},
    {"StringEquals": {"aws:SourceAccount": UNKNOWN}},
    {"ArnLike": {"aws:SourceArn": [UNKNOWN]}},
    {"StringLike": {"aws:SourceArn": "*"}, "ArnEquals": UNKNOWN},  # the unknown block may limit
])
def test_unknown_conditions_are_undecided(condition):
    assert limits_caller(condition) is None


def test_a_broad_value_decides_even_next_to_an_unknown_one():
    assert limits_caller({"StringLike": {"aws:SourceArn": [UNKNOWN, "*"]}}) is False


def test_keys_can_be_narrowed_to_the_callers_identity():
    # aws:SourceAccount says nothing about who assumes a role
    assert limits_caller({"StringEquals": {"aws:SourceAccount": "123456789012"}}, PRINCIPAL_KEYS) is False
    assert limits_caller({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, PRINCIPAL_KEYS) is True


@pytest.mark.parametrize("arn, everything", [
    ("arn:aws:s3:::*", True), ("arn:aws:s3:::*/*", True), ("arn:*:*:*:*:*", True),
    ("arn:aws:cloudfront::*:distribution/*", True), ("arn:aws:lambda:us-west-2:*:function:*", True),
    ("arn:aws:s3:::uploads-*", False), ("arn:aws:sns:*:*:alerts", False),
    ("arn:aws:sns:us-west-2:123456789012:*", False), ("arn:aws:execute-api:us-west-2:*:a1b2c3d4e5/*", False),
    ("*", True), ("not-an-arn", False),
])
def test_arn_patterns_that_match_everything(arn, everything):
    assert arn_pattern_matches_everything(arn) is everything


@pytest.mark.parametrize("subject, everyone", [
    ("*", True), ("repo:*", True), ("repo:*/app:ref:refs/heads/main", True), ("repo:my*/app:*", True),
    ("project_path:*", True), ("repo:my-org/app:ref:refs/heads/main", False), ("repo:my-org/*", False),
    ("project_path:my-group/app:ref_type:branch:ref:main", False),
    ("system:serviceaccount:default:uploader", False), ("*:serviceaccount:default:uploader", True),
])
def test_web_identity_subjects_that_name_no_one(subject, everyone):
    assert matches_every_caller(subject, SUBJECT_VALUE) is everyone


@pytest.mark.parametrize("subject, everyone", [
    ("repo:my-org/app:ref:refs/heads/main", False), ("repo:my-org/*", False),
    ("repository_owner:my-org:environment:prod", False), ("repository_owner_id:1234:ref:refs/heads/main", False),
    ("repo:*", True), ("repo:*/app:*", True), ("*", True), ("*:ref:refs/heads/main", True),
    ("environment:prod", True), ("ref:refs/heads/main", True),
    ("job_workflow_ref:my-org/workflows/.github/workflows/deploy.yml@refs/heads/main", True),
])
def test_github_subjects_must_name_a_repository_or_owner(subject, everyone):
    assert matches_every_caller(subject, GITHUB_SUBJECT_VALUE) is everyone


def test_github_subjects_matched_literally():
    assert matches_every_caller("environment:prod", GITHUB_SUBJECT_VALUE, wildcards=False) is True
    assert matches_every_caller("repo:*", GITHUB_SUBJECT_VALUE, wildcards=False) is False  # "*" is no owner's name


def test_without_wildcards_only_literal_values_count():
    assert matches_every_caller("*", ARN_VALUE, wildcards=False) is False


def test_reasons_name_the_operator_and_key_that_limit_nothing():
    condition = {"StringLike": {"AWS:SourceArn": "*"}, "StringEqualsIfExists": {"aws:SourceAccount": "123456789012"},
                 "ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                 "StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}, "Null": {"aws:SourceArn": "false"},
                 "Bool": {"aws:SecureTransport": "true"}}
    assert list(caller_key_reasons(condition)) == [
        '"AWS:SourceArn" "*" under "StringLike" matches every caller',
        '"StringEqualsIfExists" on "aws:SourceAccount" lets requests without that key through',
        '"ForAllValues:StringEquals" on "aws:PrincipalOrgID" is true when the request has no such key',
        '"StringNotEquals" on "aws:SourceVpce" admits every other caller',
        '"Null" on "aws:SourceArn" does not say who the caller is',
    ]


# -- AWS-managed keys --------------------------------------------------------------------------------

@pytest.mark.parametrize("key_id, alias", [
    ("alias/aws/sqs", "alias/aws/sqs"), ("arn:aws:kms:us-west-2:123456789012:alias/aws/sns", "alias/aws/sns"),
    (" alias/aws/ssm ", "alias/aws/ssm"), ("alias/awsome", None), ("alias/app", None),
    ("arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", None), (UNKNOWN, None), (None, None),
])
def test_aws_managed_key_aliases(key_id, alias):
    assert aws_managed_key_alias(key_id) == alias
