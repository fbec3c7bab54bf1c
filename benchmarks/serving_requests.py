"""`Analyze` requests as the engine sends them for four everyday resources of a serverless stack.

Properties are what the AWS provider (7.51.1) hands the engine after its `Check`, marshalled as the
engine marshals them for an analyzer (pkg/resource/plugin/analyzer_plugin.go: internal keys such
as `__defaults` skipped, numbers as doubles): autonamed physical names (`<logical name>-<7 hex>`),
the provider's defaults filled in, and the default provider and the resource options attached.
They describe a resource as a careful team writes it (encryption, tracing, a dead-letter queue, a
scoped inline policy), so every applicable rule runs to the end.

Each kind has many variants (a different logical name, hence URN and autoname, per variant) so a
benchmark sends distinct resources, as a real `pulumi preview` does, rather than one request again
and again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Mapping

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

PROJECT, STACK = "media", "prod"
ACCOUNT, REGION = "123456789012", "us-west-2"
PROVIDER_VERSION = "7.51.1"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
PROVIDER_NAME = f"default_{PROVIDER_VERSION.replace('.', '_')}"
PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::{PROVIDER_NAME}"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/4f3c2b1a-8d7e-4c6b-9a5f-1e2d3c4b5a69"
TAGS = {"project": PROJECT, "environment": STACK, "owner": "platform-team", "cost-center": "cc-4711"}
# An asset archive as the engine marshals it: the archive signature, its content hash and its path.
ARCHIVE_SIG = ("4dabf18193072939515e22adb298388d", "0def7320c3a5731c473e5ecbe6d01bc7")


def _urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{resource_type}::{name}"


def _autoname(logical_name: str) -> str:
    return f"{logical_name}-{hashlib.sha1(logical_name.encode()).hexdigest()[:7]}"


def _document(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def bucket(i: int) -> Dict[str, Any]:
    name = _autoname(f"uploads-{i}")
    return {
        "bucket": name,
        "acl": "private",
        "forceDestroy": False,
        "objectLockEnabled": False,
        "region": REGION,
        "tags": TAGS,
        "versioning": {"enabled": True, "mfaDelete": False},
        "serverSideEncryptionConfiguration": {"rule": {
            "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN},
            "bucketKeyEnabled": True}},
        "corsRules": [{"allowedHeaders": ["Content-Type", "Authorization"], "allowedMethods": ["GET", "PUT"],
                       "allowedOrigins": ["https://app.example.com"], "exposeHeaders": ["ETag"],
                       "maxAgeSeconds": 3000.0}],
        "lifecycleRules": [{"id": "expire-incoming", "enabled": True, "prefix": "incoming/",
                            "expirations": [{"days": 30.0}],
                            "noncurrentVersionExpirations": [{"days": 7.0}]}],
        "policy": _document({
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        "requestPayer": "BucketOwner",
    }


def key(i: int) -> Dict[str, Any]:
    return {
        "description": f"Encrypts the media pipeline's objects and queues ({i})",
        "enableKeyRotation": True,
        "rotationPeriodInDays": 365.0,
        "deletionWindowInDays": 30.0,
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "keyUsage": "ENCRYPT_DECRYPT",
        "isEnabled": True,
        "multiRegion": False,
        "bypassPolicyLockoutSafetyCheck": False,
        "region": REGION,
        "tags": TAGS,
        "policy": _document(
            {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "S3UsesTheKey", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
             "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}),
    }


def function(i: int) -> Dict[str, Any]:
    name = _autoname(f"thumbnailer-{i}")
    return {
        "name": name,
        "description": "Makes thumbnails of uploaded images",
        "role": f"arn:aws:iam::{ACCOUNT}:role/{_autoname(f'thumbnailer-role-{i}')}",
        "runtime": "python3.12",
        "handler": "thumbnailer.handler",
        "architectures": ["arm64"],
        "code": {ARCHIVE_SIG[0]: ARCHIVE_SIG[1], "path": "./handlers/thumbnailer",
                 "hash": hashlib.sha256(name.encode()).hexdigest()},
        "memorySize": 1024.0,
        "timeout": 60.0,
        "packageType": "Zip",
        "publish": False,
        "skipDestroy": False,
        "reservedConcurrentExecutions": 50.0,
        "ephemeralStorage": {"size": 512.0},
        "environment": {"variables": {
            "THUMBNAIL_BUCKET": _autoname(f"uploads-{i}"), "THUMBNAIL_PREFIX": "thumbnails/",
            "POWERTOOLS_SERVICE_NAME": "thumbnailer", "LOG_LEVEL": "INFO"}},
        "vpcConfig": {"subnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
                      "securityGroupIds": ["sg-0123456789abcdef0"], "ipv6AllowedForDualStack": False},
        "tracingConfig": {"mode": "Active"},
        "deadLetterConfig": {"targetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{_autoname(f'thumbnailer-dlq-{i}')}"},
        "loggingConfig": {"logFormat": "JSON", "applicationLogLevel": "INFO", "systemLogLevel": "WARN",
                          "logGroup": f"/aws/lambda/{name}"},
        "kmsKeyArn": KEY_ARN,
        "layers": [f"arn:aws:lambda:{REGION}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"],
        "region": REGION,
        "tags": TAGS,
    }


def role(i: int) -> Dict[str, Any]:
    uploads = f"arn:aws:s3:::{_autoname(f'uploads-{i}')}"
    return {
        "name": _autoname(f"thumbnailer-role-{i}"),
        "description": "Runs the thumbnailer function",
        "path": "/",
        "maxSessionDuration": 3600.0,
        "forceDetachPolicies": False,
        "assumeRolePolicy": _document({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                       "Action": "sts:AssumeRole"}),
        "inlinePolicies": [{"name": "thumbnailer-access", "policy": _document(
            {"Sid": "ReadIncoming", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"{uploads}/incoming/*"},
            {"Sid": "WriteThumbnails", "Effect": "Allow", "Action": ["s3:PutObject"],
             "Resource": f"{uploads}/thumbnails/*"},
            {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{_autoname(f'thumbnailer-{i}')}:*"},
            {"Sid": "DeadLetters", "Effect": "Allow", "Action": ["sqs:SendMessage"],
             "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{_autoname(f'thumbnailer-dlq-{i}')}"},
            {"Sid": "UseKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
             "Resource": KEY_ARN})}],
        "tags": TAGS,
    }


# request kind -> (resource type, logical-name stem, property builder)
KINDS: Dict[str, tuple] = {
    "S3 bucket": ("aws:s3/bucket:Bucket", "uploads", bucket),
    "KMS key": ("aws:kms/key:Key", "media-key", key),
    "Lambda function": ("aws:lambda/function:Function", "thumbnailer", function),
    "IAM role + inline policy": ("aws:iam/role:Role", "thumbnailer-role", role),
}


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(dict(props))
    return s


def analyze_request(kind: str, i: int) -> analyzer_pb2.AnalyzeRequest:
    resource_type, stem, build = KINDS[kind]
    name = f"{stem}-{i}"
    return analyzer_pb2.AnalyzeRequest(
        type=resource_type, urn=_urn(resource_type, name), name=name, properties=_struct(build(i)),
        options=analyzer_pb2.AnalyzerResourceOptions(
            parent=STACK_URN, customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts()),
        provider=analyzer_pb2.AnalyzerProviderResource(
            type="pulumi:providers:aws", urn=PROVIDER_URN, name=PROVIDER_NAME,
            properties=_struct({"region": REGION, "version": PROVIDER_VERSION})),
    )


def variants(kind: str, count: int) -> List[analyzer_pb2.AnalyzeRequest]:
    return [analyze_request(kind, i) for i in range(count)]


def property_count(kind: str) -> int:
    return len(KINDS[kind][2](0))

