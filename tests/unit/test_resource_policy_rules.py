"""aws-resource-policy-not-public through the real runtime: bucket, queue, topic, key, secret and
repository policies (resources and inline), and layer-version permissions."""

import json

import pytest

from policypack.core import types as t
from policypack.rules.resource_policies import resource_policy_not_public
from tests.support.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze

NAME = "aws-resource-policy-not-public"
ACCOUNT = "123456789012"
BUCKET_ARN = "arn:aws:s3:::site-1a2b3c4"
QUEUE_ARN = f"arn:aws:sqs:us-west-2:{ACCOUNT}:jobs-1a2b3c4"
TOPIC_ARN = f"arn:aws:sns:us-west-2:{ACCOUNT}:alerts-1a2b3c4"
FIX = ("name the principals (account or role ARNs, or a service with an `aws:SourceArn` condition), or add a "
       "condition that limits the caller (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, ...)")
PUBLIC_BUCKETS_HINT = ", or list the bucket in `publicBuckets` if it serves public reads by design"


def document(*statements, as_text=True):
    doc = {"Version": "2012-10-17", "Statement": list(statements)}
    return json.dumps(doc) if as_text else doc


def violation(message):
    return Violation(NAME, "mandatory", message, "")


def check(resource_type, props, **kwargs):
    return analyze(resource_policy_not_public, resource_type, props, **kwargs)


# -- what users rely on: never reported ----------------------------------------------------------------

CLOUDFRONT_OAC = document({
    "Sid": "AllowCloudFrontServicePrincipalReadOnly", "Effect": "Allow",
    "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*",
    "Condition": {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/EDFDVBD6EXAMPLE"}}})
TLS_ONLY = document({
    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
SNS_DEFAULT = document({
    "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
    "Action": ["SNS:GetTopicAttributes", "SNS:Subscribe", "SNS:Publish"], "Resource": TOPIC_ARN,
    "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}}})
S3_TO_QUEUE = document({
    "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": QUEUE_ARN,
    "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-1a2b3c4"},
                  "StringEquals": {"aws:SourceAccount": ACCOUNT}}})
TOPIC_TO_QUEUE = document({
    "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": QUEUE_ARN,
    "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}}})
KMS_DEFAULT = document({
    "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*", "Resource": "*"})
KMS_THROUGH_SERVICE = document({
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
    "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT,
                                                    "kms:ViaService": "sqs.us-west-2.amazonaws.com"}}})
ACCESS_POINT_DELEGATION = document({
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
    "Condition": {"StringEquals": {"s3:DataAccessPointAccount": ACCOUNT}}})
ORGANIZATION_ONLY = document({
    "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}})
NAMED_ROLE = document({
    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/reader"},
    "Action": "secretsmanager:GetSecretValue", "Resource": "*"})


@pytest.mark.parametrize("resource_type, props", [
    (t.BUCKET_POLICY, {"bucket": "site-1a2b3c4", "policy": CLOUDFRONT_OAC}),
    (t.BUCKET_POLICY, {"bucket": "site-1a2b3c4", "policy": TLS_ONLY}),
    (t.BUCKET_POLICY, {"bucket": "site-1a2b3c4", "policy": ACCESS_POINT_DELEGATION}),
    (t.BUCKET, {"bucket": "site-1a2b3c4", "policy": TLS_ONLY}),
    (t.TOPIC_POLICY, {"arn": TOPIC_ARN, "policy": SNS_DEFAULT}),
    (t.TOPIC, {"name": "alerts-1a2b3c4", "policy": SNS_DEFAULT}),
    (t.QUEUE_POLICY, {"queueUrl": "https://sqs", "policy": S3_TO_QUEUE}),
    (t.QUEUE_POLICY, {"queueUrl": "https://sqs", "policy": TOPIC_TO_QUEUE}),
    (t.QUEUE, {"name": "jobs-1a2b3c4", "policy": TOPIC_TO_QUEUE}),
    (t.KMS_KEY, {"policy": KMS_DEFAULT}),
    (t.KMS_KEY_POLICY, {"keyId": "k", "policy": KMS_THROUGH_SERVICE}),
    (t.ECR_REPOSITORY_POLICY, {"repository": "app", "policy": ORGANIZATION_ONLY}),
    (t.SECRET_POLICY, {"secretArn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:db", "policy": NAMED_ROLE}),
    (t.BUCKET_POLICY, {"bucket": "site-1a2b3c4", "policy": json.loads(CLOUDFRONT_OAC)}),  # an object, not text
    (t.LAYER_VERSION_PERMISSION, {"principal": "*", "organizationId": "o-a1b2c3d4e5", "action": "lambda:GetLayerVersion"}),
    (t.LAYER_VERSION_PERMISSION, {"principal": ACCOUNT, "action": "lambda:GetLayerVersion"}),
    (t.QUEUE, {"name": "jobs-1a2b3c4"}),  # no policy at all
])
def test_scoped_policies_pass(resource_type, props):
    assert check(resource_type, props) == []


# -- public grants ------------------------------------------------------------------------------------

def test_a_public_read_bucket_policy_is_reported():
    props = {"bucket": "site-1a2b3c4", "policy": document({
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"})}
    assert check(t.BUCKET_POLICY, props) == [violation(
        f'`policy` Statement[0] allows "s3:GetObject" to anyone (`Principal` "*"): {FIX}{PUBLIC_BUCKETS_HINT}.')]


def test_a_queue_open_to_anyone_through_conditions_that_limit_nothing_is_reported():
    props = {"policy": document({
        "Sid": "FromAnyBucket", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["sqs:SendMessage"],
        "Resource": QUEUE_ARN,
        "Condition": {"StringLike": {"aws:SourceArn": "*"},
                      "StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}})}
    assert check(t.QUEUE_POLICY, props) == [violation(
        '`policy` Statement[0] (Sid "FromAnyBucket") allows "sqs:SendMessage" to anyone (`Principal.AWS` "*"); its '
        'condition limits no caller ("aws:SourceArn" "*" under "StringLike" matches every caller; '
        '"StringEqualsIfExists" on "aws:SourceAccount" lets requests without that key through): '
        f"{FIX}.")]


def test_a_condition_on_other_keys_limits_no_caller():
    props = {"policy": document({
        "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "kms:Decrypt", "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}}})}
    assert check(t.KMS_KEY, props) == [violation(
        f'`policy` Statement[0] allows "kms:Decrypt" to anyone (`Principal.AWS` "*"); its condition limits no '
        f"caller: {FIX}.")]


def test_only_the_public_statements_of_an_inline_topic_policy_are_reported():
    props = {"name": "alerts-1a2b3c4", "policy": document(
        json.loads(SNS_DEFAULT)["Statement"][0],
        {"Sid": "AnyonePublishes", "Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC_ARN},
        as_text=False)}
    assert check(t.TOPIC, props) == [violation(
        f'`policy` Statement[1] (Sid "AnyonePublishes") allows "sns:Publish" to anyone (`Principal` "*"): {FIX}.')]


def test_not_principal_with_allow_is_everyone_else():
    props = {"secretArn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:db", "policy": document({
        "Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/blocked"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*"})}
    assert check(t.SECRET_POLICY, props) == [violation(
        '`policy` Statement[0] allows "secretsmanager:GetSecretValue" to anyone (`NotPrincipal`, i.e. everyone but '
        f"the principals it lists): {FIX}.")]


def test_not_action_grants_every_other_action():
    props = {"repository": "app", "policy": document({
        "Effect": "Allow", "Principal": "*", "NotAction": ["ecr:DeleteRepository"]})}
    assert check(t.ECR_REPOSITORY_POLICY, props) == [violation(
        f'`policy` Statement[0] allows every action not in `NotAction` to anyone (`Principal` "*"): {FIX}.')]


def test_a_public_layer_version_is_reported():
    assert check(t.LAYER_VERSION_PERMISSION, {"principal": "*", "action": "lambda:GetLayerVersion",
                                              "layerName": "pillow", "versionNumber": 3}) == [violation(
        '`principal` is "*" and `organizationId` is not set: every AWS account may use this layer version and '
        "download its code. Set `organization_id` to your organization, or name the account in `principal`.")]


# -- publicBuckets --------------------------------------------------------------------------------------

PUBLIC_READ = document({"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": f"{BUCKET_ARN}/*"})


@pytest.mark.parametrize("resource_type, props, logical, listed", [
    (t.BUCKET_POLICY, {"bucket": "site-1a2b3c4", "policy": PUBLIC_READ}, "site-policy", ["site-1a2b3c4"]),
    (t.BUCKET_POLICY, {"bucket": UNKNOWN_STRING, "policy": PUBLIC_READ}, "site-policy", ["site-policy"]),
    (t.BUCKET, {"bucket": "site-1a2b3c4", "policy": PUBLIC_READ}, "site", ["site"]),
    (t.BUCKET_V2, {"bucket": "site-1a2b3c4", "policy": PUBLIC_READ}, "site", ["site-1a2b3c4"]),
])
def test_listed_buckets_may_serve_public_reads(resource_type, props, logical, listed):
    assert check(resource_type, props, name=logical, config={NAME: {"publicBuckets": listed}}) == []


def test_a_listed_bucket_may_not_grant_the_public_more_than_reads():
    props = {"bucket": "site-1a2b3c4", "policy": document({
        "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"{BUCKET_ARN}/*"})}
    assert check(t.BUCKET_POLICY, props, config={NAME: {"publicBuckets": ["site-1a2b3c4"]}}) == [violation(
        f'`policy` Statement[0] allows "s3:GetObject", "s3:PutObject" to anyone (`Principal` "*"): {FIX} '
        "(`publicBuckets` lets a bucket grant the public `s3:GetObject` only).")]


def test_an_unlisted_bucket_is_still_reported_when_others_are_listed():
    props = {"bucket": "data-1a2b3c4", "policy": PUBLIC_READ}
    assert check(t.BUCKET_POLICY, props, config={NAME: {"publicBuckets": ["site-1a2b3c4"]}}) == [violation(
        f'`policy` Statement[0] allows "s3:GetObject" to anyone (`Principal` "*"): {FIX}{PUBLIC_BUCKETS_HINT}.')]


def test_public_buckets_does_not_apply_to_queues():
    props = {"policy": document({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})}
    assert check(t.QUEUE_POLICY, props, name="site", config={NAME: {"publicBuckets": ["site"]}}) == [violation(
        f'`policy` Statement[0] allows "s3:GetObject" to anyone (`Principal` "*"): {FIX}.')]


# -- preview ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("resource_type, props, config", [
    (t.BUCKET_POLICY, {"bucket": UNKNOWN_STRING, "policy": UNKNOWN_STRING}, None),
    (t.QUEUE_POLICY, {"policy": document({"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                                          "Condition": {"ArnEquals": {"aws:SourceArn": UNKNOWN_STRING}}},
                                         as_text=False)}, None),
    (t.QUEUE_POLICY, {"policy": document({"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                                          "Condition": UNKNOWN_OBJECT}, as_text=False)}, None),
    (t.TOPIC_POLICY, {"policy": document({"Effect": "Allow", "Principal": UNKNOWN_OBJECT, "Action": "sns:Publish"},
                                         as_text=False)}, None),
    (t.TOPIC_POLICY, {"policy": document({"Effect": UNKNOWN_STRING, "Principal": "*", "Action": "sns:Publish"},
                                         as_text=False)}, None),
    (t.BUCKET_POLICY, {"bucket": UNKNOWN_STRING, "policy": document(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": UNKNOWN_STRING}, as_text=False)},
     {NAME: {"publicBuckets": ["site-1a2b3c4"]}}),
    (t.BUCKET_POLICY, {"bucket": "site-1a2b3c4", "policy": document(
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", UNKNOWN_STRING]}, as_text=False)},
     {NAME: {"publicBuckets": ["site-1a2b3c4"]}}),
    (t.LAYER_VERSION_PERMISSION, {"principal": "*", "organizationId": UNKNOWN_STRING}, None),
    (t.LAYER_VERSION_PERMISSION, {"principal": UNKNOWN_STRING}, None),
])
def test_what_is_not_known_yet_is_deferred(resource_type, props, config):
    assert check(resource_type, props, name="site-policy", config=config) == []


def test_a_known_public_grant_is_reported_even_with_other_parts_unknown():
    props = {"bucket": UNKNOWN_STRING, "policy": document(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": UNKNOWN_STRING}, as_text=False)}
    assert check(t.BUCKET_POLICY, props) == [violation(
        f'`policy` Statement[0] allows "s3:PutObject" to anyone (`Principal` "*"): {FIX}.')]


# -- not applicable -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("resource_type", [t.ROLE, t.ROLE_POLICY, t.FUNCTION])
def test_identity_and_trust_documents_are_not_applicable(resource_type):
    props = {"policy": PUBLIC_READ, "assumeRolePolicy": PUBLIC_READ}
    assert check(resource_type, props) == []
