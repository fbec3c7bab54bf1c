"""aws-iam-role-trust-scoped through the real runtime."""

import json

import pytest

from policypack.core import types as t
from policypack.rules.role_trust import role_trust_scoped
from tests.support.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze

NAME = "aws-iam-role-trust-scoped"
ACCOUNT = "123456789012"
OTHER = "210987654321"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deployer-1a2b3c4"
GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
GITLAB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.com"
EKS = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def trust(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trusting(*statements):
    """The document as an object (what a program passes as a dict, with Outputs inside)."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal, action="sts:AssumeRole", condition=None, **extra):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def check(policy, arn=ROLE_ARN, **kwargs):
    props = {"assumeRolePolicy": policy, "name": "deployer-1a2b3c4"}
    if arn is not None:
        props["arn"] = arn
    return analyze(role_trust_scoped, t.ROLE, props, **kwargs)


def violation(message):
    return Violation(NAME, "mandatory", message, "")


GITHUB_CONDITION = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/app:ref:refs/heads/main"}}


# -- compliant ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    allow({"Service": "lambda.amazonaws.com"}),
    allow({"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]}),
    allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/ci"}),  # a named role of the same account
    allow({"AWS": f"arn:aws:iam::{OTHER}:role/ci"}),  # a named role of another account
    allow({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),  # the role's own account
    allow({"AWS": ACCOUNT}),
    allow({"AWS": f"arn:aws:iam::{OTHER}:root"}, condition={"StringEquals": {"sts:ExternalId": "a1b2c3"}}),
    allow({"AWS": OTHER}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
    allow({"AWS": f"arn:aws:iam::{OTHER}:root"},
          condition={"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:role/ci"}}),
    allow("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
    allow({"AWS": "*"}, condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ci-*"}}),
    allow({"Federated": GITHUB}, "sts:AssumeRoleWithWebIdentity", GITHUB_CONDITION),
    allow({"Federated": GITHUB}, "sts:AssumeRoleWithWebIdentity", {"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repository_owner:my-org:environment:prod"}}),
    allow({"Federated": GITHUB}, "sts:AssumeRoleWithWebIdentity", {"StringEquals": {
        "Token.Actions.GithubUserContent.com:AUD": "sts.amazonaws.com",  # keys are case-insensitive
        "token.actions.githubusercontent.com:sub": ["repo:my-org/app:environment:prod"]}}),
    allow({"Federated": GITLAB}, "sts:AssumeRoleWithWebIdentity", {"StringEquals": {
        "gitlab.com:aud": "https://gitlab.com"},
        "StringLike": {"gitlab.com:sub": "project_path:my-group/app:ref_type:branch:ref:main"}}),
    allow({"Federated": EKS}, "sts:AssumeRoleWithWebIdentity", {"StringEquals": {
        "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
        "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
            "system:serviceaccount:default:uploader"}}),
    allow({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity", {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-west-2:12345678-1234-1234-1234-123456789012"},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}),
    allow({"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"}, "sts:AssumeRoleWithSAML",
          {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}),
    {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
])
def test_named_principals_pass(statement):
    assert check(trust(statement)) == []


def test_a_trust_policy_given_as_an_object_is_read_too():
    assert check(trusting(allow({"Service": "lambda.amazonaws.com"}))) == []


# -- violations -----------------------------------------------------------------------------------------

def test_anyone_is_reported():
    assert check(trust(allow("*"), allow({"AWS": ["*"]}))) == [
        violation('`assumeRolePolicy` Statement[0] lets anyone with AWS credentials, in any account, assume the role '
                  '(`Principal` "*"): name the roles or accounts that assume it, or limit it with an '
                  "`aws:PrincipalOrgID` or `aws:PrincipalArn` condition."),
        violation('`assumeRolePolicy` Statement[1] lets anyone with AWS credentials, in any account, assume the role '
                  '(`Principal.AWS` "*"): name the roles or accounts that assume it, or limit it with an '
                  "`aws:PrincipalOrgID` or `aws:PrincipalArn` condition."),
    ]


def test_anyone_with_a_condition_that_does_not_say_who_is_reported():
    # aws:SourceAccount is the account of a calling service's resource, not of the caller
    statement = allow("*", condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    assert check(trust(statement)) == [
        violation('`assumeRolePolicy` Statement[0] lets anyone with AWS credentials, in any account, assume the role '
                  '(`Principal` "*"): name the roles or accounts that assume it, or limit it with an '
                  "`aws:PrincipalOrgID` or `aws:PrincipalArn` condition."),
    ]


CROSS_ACCOUNT = ("lets account \"{account}\" as a whole assume the role (`Principal.AWS` \"{value}\") - any principal "
                 "that account's IAM allows - with no `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:PrincipalArn` "
                 "condition: name the role that assumes it, or add `\"Condition\": {{\"StringEquals\": "
                 "{{\"sts:ExternalId\": \"<id the third party gave you>\"}}}}` (or `aws:PrincipalOrgID` for your "
                 "organization).")


@pytest.mark.parametrize("value, condition", [
    (f"arn:aws:iam::{OTHER}:root", None),
    (OTHER, None),
    (OTHER, {"StringEqualsIfExists": {"sts:ExternalId": "a1b2c3"}}),
    (OTHER, {"StringLike": {"sts:ExternalId": "*"}}),
])
def test_another_account_as_a_whole_is_reported(value, condition):
    assert check(trust(allow({"AWS": value}, condition=condition))) == [
        violation("`assumeRolePolicy` Statement[0] " + CROSS_ACCOUNT.format(account=OTHER, value=value))]


def test_not_principal_is_reported():
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/x"}, "Action": "sts:AssumeRole"}
    assert check(trust(statement)) == [
        violation("`assumeRolePolicy` Statement[0] uses `NotPrincipal` with Allow: everyone but the principals it "
                  "lists may assume the role. List the principals that may assume it in `Principal` instead.")]


GITHUB_FIX = ('add `"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", '
              '"token.actions.githubusercontent.com:sub": "repo:<org>/<repo>:ref:refs/heads/main"}`.')
NO_GITHUB_SUBJECT = 'a condition on "token.actions.githubusercontent.com:sub" that names a specific subject'
NO_GITHUB_AUDIENCE = 'an audience condition ("token.actions.githubusercontent.com:aud")'


def web_identity(missing, provider=GITHUB, fix=GITHUB_FIX):
    return violation(f"`assumeRolePolicy` Statement[0] lets every holder of a token from the identity provider "
                     f'"{provider}" assume the role without {missing}: {fix}')


@pytest.mark.parametrize("condition, missing", [
    (None, f"{NO_GITHUB_AUDIENCE} or {NO_GITHUB_SUBJECT}"),
    ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}, NO_GITHUB_SUBJECT),
    ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "*"}}, NO_GITHUB_SUBJECT),
    ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}, NO_GITHUB_SUBJECT),
    ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:my-org/app:*", "repo:*/app:*"]}},
     NO_GITHUB_SUBJECT),
    ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:my-org/app:*"}}, NO_GITHUB_SUBJECT),
    ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/app:*",
                     "token.actions.githubusercontent.com:aud": "*"}}, NO_GITHUB_AUDIENCE),
    # a customized subject without the repository: every repository with a "prod" environment
    ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                       "token.actions.githubusercontent.com:sub": "environment:prod"}}, NO_GITHUB_SUBJECT),
])
def test_github_trust_without_audience_and_a_specific_subject_is_reported(condition, missing):
    statement = allow({"Federated": GITHUB}, "sts:AssumeRoleWithWebIdentity", condition)
    assert check(trust(statement)) == [web_identity(missing)]


def test_gitlab_and_other_providers_get_their_own_example():
    statement = allow({"Federated": GITLAB}, "sts:AssumeRoleWithWebIdentity",
                      {"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}})
    assert check(trust(statement)) == [web_identity(
        'a condition on "gitlab.com:sub" that names a specific subject', GITLAB,
        'add `"StringEquals": {"gitlab.com:aud": "https://gitlab.com", "gitlab.com:sub": '
        '"project_path:<group>/<project>:ref_type:branch:ref:main"}`.')]
    statement = allow({"Federated": "accounts.google.com"}, "sts:AssumeRoleWithWebIdentity")
    assert check(trust(statement)) == [web_identity(
        'an audience condition ("accounts.google.com:aud") or a condition on "accounts.google.com:sub" that names a '
        "specific subject", "accounts.google.com",
        'add `"StringEquals": {"accounts.google.com:aud": "<your client ID>", "accounts.google.com:sub": '
        '"<the one subject that may assume it>"}`.')]


def test_a_cognito_identity_pool_needs_its_audience():
    statement = allow({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity",
                      {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}})
    assert check(trust(statement)) == [web_identity(
        'an audience condition ("cognito-identity.amazonaws.com:aud")', "cognito-identity.amazonaws.com",
        'add `"StringEquals": {"cognito-identity.amazonaws.com:aud": "<your client ID>"}`.')]


# -- preview -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("policy, arn", [
    (UNKNOWN_STRING, ROLE_ARN),
    (trust(allow({"AWS": f"arn:aws:iam::{OTHER}:root"})), UNKNOWN_STRING),  # own account not known yet
    (trust(allow({"AWS": f"arn:aws:iam::{OTHER}:root"})), None),  # mocks send no ARN in a preview
    # documents given as objects: the engine sends unknowns inside them as such (in a JSON string, an
    # unknown part makes the whole string unknown)
    (trusting(allow({"Federated": GITHUB}, "sts:AssumeRoleWithWebIdentity", UNKNOWN_OBJECT)), ROLE_ARN),
    (trusting(allow({"Federated": GITHUB}, "sts:AssumeRoleWithWebIdentity", {"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": UNKNOWN_STRING}})), ROLE_ARN),
    (trusting(allow("*", condition={"StringEquals": {"aws:PrincipalOrgID": UNKNOWN_STRING}})), ROLE_ARN),
    (trusting(allow({"Federated": UNKNOWN_STRING}, "sts:AssumeRoleWithWebIdentity")), ROLE_ARN),
])
def test_what_is_not_known_yet_is_deferred(policy, arn):
    assert check(policy, arn=arn) == []


def test_a_document_with_unknown_parts_is_judged_on_what_is_known():
    policy = trusting(allow({"AWS": UNKNOWN_STRING}), allow("*"))
    assert check(policy, arn=UNKNOWN_STRING) == [
        violation('`assumeRolePolicy` Statement[1] lets anyone with AWS credentials, in any account, assume the role '
                  '(`Principal` "*"): name the roles or accounts that assume it, or limit it with an '
                  "`aws:PrincipalOrgID` or `aws:PrincipalArn` condition.")]


# -- not applicable ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("resource_type", [t.ROLE_POLICY, t.BUCKET_POLICY, t.FUNCTION])
def test_other_types_are_not_applicable(resource_type):
    assert analyze(role_trust_scoped, resource_type, {"assumeRolePolicy": trust(allow("*")),
                                                      "policy": trust(allow("*"))}) == []


def test_a_role_without_a_trust_policy_is_not_reported():
    assert analyze(role_trust_scoped, t.ROLE, {"name": "r"}) == []
