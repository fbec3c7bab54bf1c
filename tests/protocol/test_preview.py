"""Preview (`PULUMI_DRY_RUN=true`): values not known yet never make a mandatory violation.

Two views: resources whose every value a rule reads is unknown, sent to a pack started for a
preview; and real programs run under mocks in preview and in update, where each mandatory
diagnostic of the preview must also be one of the update (an unknown may hide a violation until
the update, never invent one).
"""

from __future__ import annotations

from pathlib import Path
import json
from typing import Iterator, List, Set, Tuple

import pytest

from policypack.engine.program import run_program
from policypack.engine.requests import Diagnostic
from tests.support.engine import REPO, PackProcess
from tests.support.harness import UNKNOWN_ARRAY, UNKNOWN_BOOL, UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING

from .states import FUNCTION, state

CANT_RUN = "can't run policy"


def unknown_everywhere():
    """One resource per type the resource rules know, with what they read unknown."""
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": UNKNOWN_STRING}]}
    return [
        state(FUNCTION, "fn", {
            "name": UNKNOWN_STRING, "runtime": UNKNOWN_STRING, "role": UNKNOWN_STRING,
            "vpcConfig": {"subnetIds": UNKNOWN_ARRAY, "securityGroupIds": [UNKNOWN_STRING]},
            "deadLetterConfig": {"targetArn": UNKNOWN_STRING}, "environment": {"variables": UNKNOWN_OBJECT},
            "tracingConfig": {"mode": UNKNOWN_STRING}, "reservedConcurrentExecutions": UNKNOWN_NUMBER}),
        state(FUNCTION, "fn-partly", {
            "name": "fn-partly-1a2b3c4", "runtime": "python3.12",
            "vpcConfig": {"subnetIds": [UNKNOWN_STRING, UNKNOWN_STRING], "securityGroupIds": [UNKNOWN_STRING]},
            "deadLetterConfig": {"targetArn": UNKNOWN_STRING},
            "environment": {"variables": {"DB_PASSWORD_ARN": UNKNOWN_STRING, "TABLE": UNKNOWN_STRING}},
            "tracingConfig": {"mode": "Active"}, "reservedConcurrentExecutions": 10}),
        state("aws:iam/role:Role", "role", {
            "name": UNKNOWN_STRING, "assumeRolePolicy": UNKNOWN_STRING, "managedPolicyArns": UNKNOWN_ARRAY,
            "inlinePolicies": [{"name": "inline", "policy": UNKNOWN_STRING}]}),
        state("aws:iam/rolePolicy:RolePolicy", "text", {"role": UNKNOWN_STRING, "policy": UNKNOWN_STRING}),
        state("aws:iam/rolePolicy:RolePolicy", "object", {"role": UNKNOWN_STRING, "policy": document}),
        state("aws:iam/policy:Policy", "doc", {"name": UNKNOWN_STRING, "policy": UNKNOWN_STRING}),
        state("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach",
              {"role": UNKNOWN_STRING, "policyArn": UNKNOWN_STRING}),
        state("aws:lambda/permission:Permission", "perm", {
            "action": "lambda:InvokeFunction", "function": UNKNOWN_STRING, "principal": "s3.amazonaws.com",
            "sourceArn": UNKNOWN_STRING, "sourceAccount": UNKNOWN_STRING}),
        state("aws:sqs/queue:Queue", "queue", {"name": UNKNOWN_STRING, "kmsMasterKeyId": UNKNOWN_STRING}),
        state("aws:sns/topic:Topic", "topic", {"name": UNKNOWN_STRING, "kmsMasterKeyId": UNKNOWN_STRING}),
        state("aws:ssm/parameter:Parameter", "param", {
            "name": "db-password-1a2b3c4", "type": UNKNOWN_STRING, "keyId": UNKNOWN_STRING, "value": UNKNOWN_STRING}),
        state("aws:s3/bucketNotification:BucketNotification", "notify", {
            "bucket": UNKNOWN_STRING, "lambdaFunctions": [{"lambdaFunctionArn": UNKNOWN_STRING,
                                                           "filterSuffix": UNKNOWN_STRING}]}),
        state("aws:s3/bucketNotification:BucketNotification", "notify-all", {
            "bucket": UNKNOWN_STRING, "lambdaFunctions": UNKNOWN_ARRAY}),
        state("aws:apigatewayv2/api:Api", "api", {"name": UNKNOWN_STRING, "protocolType": "HTTP",
                                                  "corsConfiguration": {"allowOrigins": UNKNOWN_ARRAY}}),
        state("aws:lambda/functionUrl:FunctionUrl", "url", {"functionName": UNKNOWN_STRING,
                                                            "cors": {"allowOrigins": [UNKNOWN_STRING]}}),
        state("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", {
            "name": UNKNOWN_STRING, "alarmActions": [UNKNOWN_STRING], "actionsEnabled": UNKNOWN_BOOL}),
        state("aws:kms/key:Key", "key", {"enableKeyRotation": UNKNOWN_BOOL}),
        state("aws:kms/key:Key", "key-spec", {"customerMasterKeySpec": UNKNOWN_STRING, "enableKeyRotation": False}),
        state("aws:s3/bucketV2:BucketV2", "bucket", {"bucket": UNKNOWN_STRING}),
        state("aws:s3/bucket:Bucket", "bucket-v1", {"bucket": UNKNOWN_STRING, "policy": UNKNOWN_STRING,
                                                    "corsRules": UNKNOWN_ARRAY}),
        state("aws:s3/bucketPolicy:BucketPolicy", "bucket-policy", {"bucket": UNKNOWN_STRING, "policy": UNKNOWN_STRING}),
        state("aws:cloudwatch/logGroup:LogGroup", "logs", {"name": UNKNOWN_STRING, "retentionInDays": 14}),
        state("aws:apigatewayv2/stage:Stage", "stage", {"apiId": UNKNOWN_STRING, "accessLogSettings": UNKNOWN_OBJECT,
                                                        "defaultRouteSettings": UNKNOWN_OBJECT}),
        state("pulumi:providers:aws", "provider", {"region": UNKNOWN_STRING}),
        state("aws:dynamodb/table:Table", "table", {"name": UNKNOWN_STRING, "serverSideEncryption": UNKNOWN_OBJECT,
                                                    "pointInTimeRecovery": {"enabled": UNKNOWN_BOOL},
                                                    "replicas": UNKNOWN_ARRAY}),
        state("aws:secretsmanager/secret:Secret", "secret", {"name": UNKNOWN_STRING, "kmsKeyId": UNKNOWN_STRING}),
        state("aws:secretsmanager/secretRotation:SecretRotation", "rotation", {"secretId": UNKNOWN_STRING}),
        state("aws:sfn/stateMachine:StateMachine", "machine", {
            "name": UNKNOWN_STRING, "loggingConfiguration": {"level": UNKNOWN_STRING, "logDestination": UNKNOWN_STRING},
            "tracingConfiguration": UNKNOWN_OBJECT}),
        state("aws:apigateway/stage:Stage", "rest-stage", {"restApi": UNKNOWN_STRING, "accessLogSettings": UNKNOWN_OBJECT}),
        state("aws:apigateway/method:Method", "rest-method", {"httpMethod": "GET", "authorization": UNKNOWN_STRING}),
        state("aws:apigateway/integration:Integration", "rest-integration", {
            "restApi": UNKNOWN_STRING, "type": "AWS_PROXY", "uri": UNKNOWN_STRING}),
        state("aws:apigateway/integrationResponse:IntegrationResponse", "rest-cors", {
            "responseParameters": {"method.response.header.Access-Control-Allow-Origin": UNKNOWN_STRING}}),
        state("aws:lambda/permission:Permission", "rest-invoke", {
            "function": UNKNOWN_STRING, "principal": "apigateway.amazonaws.com", "action": "lambda:InvokeFunction",
            "sourceArn": UNKNOWN_STRING}),
        # public exposure (catalog v2): who may call is not known yet
        state("aws:lambda/permission:Permission", "perm-anyone", {
            "action": "lambda:InvokeFunction", "function": UNKNOWN_STRING, "principal": "*",
            "sourceArn": UNKNOWN_STRING}),
        state("aws:lambda/permission:Permission", "perm-url", {
            "action": "lambda:InvokeFunctionUrl", "function": UNKNOWN_STRING, "principal": "*",
            "functionUrlAuthType": UNKNOWN_STRING}),
        state("aws:lambda/functionUrl:FunctionUrl", "url-auth", {"functionName": UNKNOWN_STRING,
                                                                 "authorizationType": UNKNOWN_STRING}),
        state("aws:iam/role:Role", "role-trust", {"arn": UNKNOWN_STRING, "assumeRolePolicy": {
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sts:AssumeRole"},
                {"Effect": "Allow", "Principal": {"Federated": UNKNOWN_STRING},
                 "Action": "sts:AssumeRoleWithWebIdentity"},
                {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": UNKNOWN_STRING}}},
                {"Effect": UNKNOWN_STRING, "Principal": "*", "Action": "sts:AssumeRole"}]}}),
        state("aws:s3/bucketPolicy:BucketPolicy", "bucket-policy-object", {"bucket": UNKNOWN_STRING, "policy": {
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": UNKNOWN_STRING,
                 "Condition": {"StringEquals": {"aws:SourceVpce": UNKNOWN_STRING}}},
                {"Effect": "Allow", "Principal": UNKNOWN_OBJECT, "Action": "s3:PutObject", "Resource": UNKNOWN_STRING}]}}),
        state("aws:sqs/queuePolicy:QueuePolicy", "queue-policy", {"queueUrl": UNKNOWN_STRING, "policy": {
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": UNKNOWN_STRING,
                 "Condition": UNKNOWN_OBJECT}]}}),
        state("aws:secretsmanager/secretPolicy:SecretPolicy", "secret-policy", {"secretArn": UNKNOWN_STRING,
                                                                                "policy": UNKNOWN_STRING}),
        state("aws:ecr/repositoryPolicy:RepositoryPolicy", "repo-policy", {"repository": UNKNOWN_STRING,
                                                                           "policy": UNKNOWN_STRING}),
        state("aws:lambda/layerVersionPermission:LayerVersionPermission", "layer-share", {
            "layerName": UNKNOWN_STRING, "versionNumber": UNKNOWN_NUMBER, "principal": "*",
            "organizationId": UNKNOWN_STRING, "action": "lambda:GetLayerVersion"}),
        state("aws:apigatewayv2/route:Route", "route", {"apiId": UNKNOWN_STRING, "routeKey": UNKNOWN_STRING,
                                                        "target": UNKNOWN_STRING,
                                                        "authorizationType": UNKNOWN_STRING}),
        state("aws:ssm/parameter:Parameter", "param-config", {
            "name": UNKNOWN_STRING, "type": "SecureString", "keyId": UNKNOWN_STRING, "value": UNKNOWN_STRING}),
    ]


def mandatory(diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    return [d for d in diagnostics if d.level == "mandatory"]


def test_unknown_values_give_no_mandatory_violation_in_preview(pack):
    states = unknown_everywhere()
    diagnostics = [d for s in states for d in pack.analyze(s, states)]
    assert mandatory(diagnostics) == []
    assert [d for d in diagnostics if CANT_RUN in d.message] == []


def test_unknown_links_give_no_mandatory_stack_violation_in_preview(pack):
    diagnostics = pack.analyze_stack(unknown_everywhere())
    assert [d for d in diagnostics if CANT_RUN in d.message] == []
    # what is missing for sure is still reported (these buckets have no encryption configuration or
    # public-access block at all; these functions no alarms): never what is merely unknown
    assert sorted({(d.policy, d.urn.rsplit("::", 1)[-1]) for d in mandatory(diagnostics)}) == [
        ("aws-lambda-function-alarms", "fn"), ("aws-lambda-function-alarms", "fn-partly"),
        ("aws-s3-bucket-encryption-kms", "bucket"), ("aws-s3-bucket-encryption-kms", "bucket-v1"),
        ("aws-s3-bucket-public-access-block", "bucket"), ("aws-s3-bucket-public-access-block", "bucket-v1"),
    ]


TRUST_LAMBDA = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
U = UNKNOWN_STRING


def alarm(name: str, namespace: str, metric: str, dimension: str, watched: str, topic: str):
    props = {"name": f"{name}-1a2b3c4", "namespace": namespace, "metricName": metric, "dimensions": {dimension: U},
             "alarmActions": [U], "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1,
             "threshold": 0, "period": 60, "statistic": "Sum"}
    return state("aws:cloudwatch/metricAlarm:MetricAlarm", name, props,
                 property_dependencies={"dimensions": [watched], "alarmActions": [topic]})


def compliant_stack_in_preview():
    """Every resource the stack rules want, linked only as a preview links them: by property
    dependencies, with the IDs, ARNs and names AWS assigns unknown."""
    key = state("aws:kms/key:Key", "key", {"enableKeyRotation": True, "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                                           "keyUsage": "ENCRYPT_DECRYPT"})
    encrypted = {"kmsMasterKeyId": [key.urn]}
    topic = state("aws:sns/topic:Topic", "alerts", {"name": "alerts-1a2b3c4", "kmsMasterKeyId": U},
                  property_dependencies=encrypted)
    dlq = state("aws:sqs/queue:Queue", "dlq", {"name": "dlq-1a2b3c4", "kmsMasterKeyId": U},
                property_dependencies=encrypted)
    role = state("aws:iam/role:Role", "role", {"name": "role-1a2b3c4", "assumeRolePolicy": TRUST_LAMBDA})
    bucket = state("aws:s3/bucketV2:BucketV2", "uploads", {"bucket": "uploads-1a2b3c4"})
    of_bucket = {"bucket": [bucket.urn]}
    fn = state(FUNCTION, "fn", {
        "name": "fn-1a2b3c4", "runtime": "python3.12", "handler": "app.handler", "role": U,
        "vpcConfig": {"subnetIds": [U, U], "securityGroupIds": [U]}, "deadLetterConfig": {"targetArn": U},
        "reservedConcurrentExecutions": 10, "tracingConfig": {"mode": "Active"},
        "environment": {"variables": {"BUCKET": U}},
    }, property_dependencies={"role": [role.urn], "deadLetterConfig": [dlq.urn], "environment": [bucket.urn]},
       dependencies=[role.urn, dlq.urn, bucket.urn])
    logs = state("aws:cloudwatch/logGroup:LogGroup", "logs", {"name": U, "retentionInDays": 14, "kmsKeyId": U},
                 property_dependencies={"name": [fn.urn], "kmsKeyId": [key.urn]})
    role_policy = state("aws:iam/rolePolicy:RolePolicy", "role-policy", {"role": U, "policy": U},
                        property_dependencies={"role": [role.urn], "policy": [logs.urn, bucket.urn, dlq.urn]})
    sse = state(
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "sse",
        {"bucket": U, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": U}}]},
        property_dependencies={**of_bucket, "rules": [key.urn]})
    pab = state("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {
        "bucket": U, "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True,
        "restrictPublicBuckets": True}, property_dependencies=of_bucket)
    tls = state("aws:s3/bucketPolicy:BucketPolicy", "tls", {"bucket": U, "policy": U},
                property_dependencies={**of_bucket, "policy": [bucket.urn]})
    permission = state("aws:lambda/permission:Permission", "s3-invoke", {
        "action": "lambda:InvokeFunction", "function": U, "principal": "s3.amazonaws.com", "sourceArn": U,
        "sourceAccount": "123456789012"}, property_dependencies={"function": [fn.urn], "sourceArn": [bucket.urn]})
    notification = state("aws:s3/bucketNotification:BucketNotification", "notify", {
        "bucket": U, "lambdaFunctions": [{"lambdaFunctionArn": U, "events": ["s3:ObjectCreated:*"],
                                          "filterPrefix": "incoming/", "filterSuffix": ".jpg"}],
    }, property_dependencies={**of_bucket, "lambdaFunctions": [fn.urn]},
       dependencies=[bucket.urn, fn.urn, permission.urn])
    alarms = [alarm(f"fn-{metric.lower()}", "AWS/Lambda", metric, "FunctionName", fn.urn, topic.urn)
              for metric in ("Errors", "Throttles", "Duration", "Invocations")]
    dlq_alarm = alarm("dlq-visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq.urn, topic.urn)
    return [key, topic, dlq, role, bucket, fn, logs, role_policy, sse, pab, tls, permission, notification,
            *alarms, dlq_alarm]


def test_compliant_stack_linked_by_property_dependencies_passes_in_preview(pack):
    assert pack.analyze_all(compliant_stack_in_preview()) == []


# -- real programs, preview against update ------------------------------------------------------

PROGRAMS = [REPO / "examples" / "faulty_image_pipeline", REPO / "examples" / "faulty_api", REPO / "reference_stack"]


@pytest.fixture(scope="module")
def preview_and_update_packs() -> Iterator[Tuple[PackProcess, PackProcess]]:
    with PackProcess(dry_run=True) as preview, PackProcess(dry_run=False) as update:
        yield preview, update


def mandatory_findings(pack: PackProcess, program: Path, preview: bool) -> Set[Tuple[str, str]]:
    captured = run_program(program, preview=preview)
    diagnostics = pack.analyze_all(captured.resources)
    assert [d for d in diagnostics if CANT_RUN in d.message] == []
    return {(d.policy, d.urn) for d in mandatory(diagnostics)}


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_preview_reports_no_mandatory_violation_the_update_does_not(preview_and_update_packs, program):
    preview_pack, update_pack = preview_and_update_packs
    in_preview = mandatory_findings(preview_pack, program, preview=True)
    in_update = mandatory_findings(update_pack, program, preview=False)
    assert sorted(in_preview - in_update) == []
