"""Synthetic stacks of any size, made of the catalog's resource types, compliant with every stack rule.

Each "cell" is one serverless slice: an encrypted, blocked, TLS-only bucket that triggers a function
(role, log and S3 policies, log group, four alarms, dead-letter queue with its alarm, S3 permission)
behind an HTTP API route (API, integration, route, permission) and a REST API method (API, stage,
integration, permission scoped through the stage), plus a secret with its rotation. Even cells look like an update
(known ARNs and names), odd cells like a preview (ARNs unknown, linked by property dependencies).
Used by the linearity tests and by benchmarks/bench_stack.py.
"""

from __future__ import annotations

import json
from typing import Dict, List, Optional

from policypack.core import types as t
from policypack.engine.model import ResourceState
from tests.support.harness import UNKNOWN_STRING

ACCOUNT = "123456789012"
REGION = "us-west-2"
PROJECT, STACK = "bench", "bench"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
CELL_SIZE = 29


def _urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack${resource_type}::{name}"


class _Cell:
    def __init__(self, index: int) -> None:
        self.i = index
        self.preview = index % 2 == 1
        self.states: List[ResourceState] = []

    def add(self, resource_type: str, name: str, props: Dict, refs: Optional[Dict[str, List[ResourceState]]] = None,
            depends_on: List[ResourceState] = ()) -> ResourceState:
        property_dependencies = {k: [r.urn for r in v] for k, v in (refs or {}).items()}
        dependencies = list(dict.fromkeys([u for us in property_dependencies.values() for u in us]
                                          + [r.urn for r in depends_on]))
        state = ResourceState(type=resource_type, urn=_urn(resource_type, f"{name}-{self.i}"), name=f"{name}-{self.i}",
                              props=props, parent=STACK_URN, dependencies=dependencies,
                              property_dependencies=property_dependencies)
        self.states.append(state)
        return state

    def known(self, value: str) -> str:
        return UNKNOWN_STRING if self.preview else value


def _document(*statements: Dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def cell(index: int) -> List[ResourceState]:
    c = _Cell(index)
    i = index
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k-{i}"
    key = c.add(t.KMS_KEY, "key", {"enableKeyRotation": True, "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                                   "keyUsage": "ENCRYPT_DECRYPT"})
    bucket_name = f"uploads-{i}-1a2b3c4"
    bucket = c.add(t.BUCKET, "uploads", {"bucket": bucket_name})
    on_bucket = {"bucket": [bucket]}
    c.add(t.BUCKET_SSE, "uploads-sse", {"bucket": c.known(bucket_name), "rules": [{"applyServerSideEncryptionByDefault": {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyId": c.known(key_arn)}}]}, refs={**on_bucket, "rules": [key]})
    c.add(t.BUCKET_PUBLIC_ACCESS_BLOCK, "uploads-pab", {"bucket": c.known(bucket_name), "blockPublicAcls": True,
                                                        "blockPublicPolicy": True, "ignorePublicAcls": True,
                                                        "restrictPublicBuckets": True}, refs=on_bucket)
    c.add(t.BUCKET_POLICY, "uploads-policy", {"bucket": c.known(bucket_name), "policy": c.known(_document({
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::{bucket_name}/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))}, refs={**on_bucket, "policy": [bucket]})

    role_name = f"fn-role-{i}-1a2b3c4"
    role = c.add(t.ROLE, "fn-role", {"name": role_name, "assumeRolePolicy": _document({
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})})
    queue_name = f"dlq-{i}-1a2b3c4"
    queue = c.add(t.QUEUE, "dlq", {"name": queue_name, "kmsMasterKeyId": c.known(key_arn)}, refs={"kmsMasterKeyId": [key]})
    function_name = f"fn-{i}-1a2b3c4"
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}"
    function = c.add(t.FUNCTION, "fn", {
        "name": function_name, "runtime": "python3.12", "handler": "index.handler",
        "role": c.known(f"arn:aws:iam::{ACCOUNT}:role/{role_name}"),
        "deadLetterConfig": {"targetArn": c.known(f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_name}")}},
        refs={"role": [role], "deadLetterConfig": [queue]})
    c.add(t.ROLE_POLICY, "fn-logs", {"role": role_name, "policy": _document({
        "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{function_name}:*"})},
        refs={"role": [role], "policy": [function]})
    c.add(t.ROLE_POLICY, "fn-s3", {"role": role_name, "policy": c.known(_document(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket_name}/incoming/*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket_name}/thumbnails/*"}))},
        refs={"role": [role], "policy": [bucket]})
    c.add(t.LOG_GROUP, "fn-logs", {"name": f"/aws/lambda/{function_name}", "retentionInDays": 30.0},
          refs={"name": [function]})
    for metric in ("Errors", "Throttles", "Duration", "Invocations"):
        c.add(t.METRIC_ALARM, f"fn-{metric.lower()}", {
            "namespace": "AWS/Lambda", "metricName": metric, "dimensions": {"FunctionName": function_name},
            "threshold": 0.0, "comparisonOperator": "GreaterThanThreshold"}, refs={"dimensions": [function]})
    c.add(t.METRIC_ALARM, "dlq-depth", {"namespace": "AWS/SQS", "metricName": "ApproximateNumberOfMessagesVisible",
                                        "dimensions": {"QueueName": queue_name}, "threshold": 0.0},
          refs={"dimensions": [queue]})
    permission = c.add(t.PERMISSION, "s3-invokes-fn", {
        "action": "lambda:InvokeFunction", "function": function_name, "principal": "s3.amazonaws.com",
        "sourceArn": c.known(f"arn:aws:s3:::{bucket_name}"), "sourceAccount": ACCOUNT},
        refs={"function": [function], "sourceArn": [bucket]})
    c.add(t.BUCKET_NOTIFICATION, "uploads-notification", {"bucket": c.known(bucket_name), "lambdaFunctions": [{
        "lambdaFunctionArn": c.known(function_arn), "events": ["s3:ObjectCreated:*"],
        "filterPrefix": "incoming/", "filterSuffix": ".jpg"}]},
        refs={**on_bucket, "lambdaFunctions": [function]}, depends_on=[permission])

    api_id = f"api{i}"
    execution_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}"
    api = c.add(t.HTTP_API, "api", {"name": f"api-{i}-1a2b3c4", "protocolType": "HTTP"})
    integration = c.add(t.API_INTEGRATION, "integration", {
        "apiId": c.known(api_id), "integrationType": "AWS_PROXY",
        "integrationUri": c.known(f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations")},
        refs={"apiId": [api], "integrationUri": [function]})
    c.add(t.API_ROUTE, "route", {"apiId": c.known(api_id), "routeKey": "GET /hello",
                                 "target": c.known(f"integrations/integration-{i}")},
          refs={"apiId": [api], "target": [integration]})
    c.add(t.PERMISSION, "api-invokes-fn", {
        "action": "lambda:InvokeFunction", "function": function_name, "principal": "apigateway.amazonaws.com",
        "sourceArn": c.known(f"{execution_arn}/*/*")}, refs={"function": [function], "sourceArn": [api]})
    c.add(t.API_STAGE, "stage", {"apiId": c.known(api_id), "name": "$default", "autoDeploy": True}, refs={"apiId": [api]})

    rest_id = f"rest{i}"
    rest_execution_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{rest_id}"
    rest_api = c.add(t.REST_API, "rest-api", {"name": f"rest-api-{i}-1a2b3c4", "id": c.known(rest_id),
                                              "executionArn": c.known(rest_execution_arn)})
    on_rest_api = {"restApi": [rest_api]}
    rest_stage = c.add(t.REST_STAGE, "rest-stage", {"restApi": c.known(rest_id), "stageName": "prod",
                                                    "executionArn": c.known(f"{rest_execution_arn}/prod")},
                       refs=on_rest_api)
    c.add(t.REST_INTEGRATION, "rest-integration", {
        "restApi": c.known(rest_id), "httpMethod": "GET", "type": "AWS_PROXY", "integrationHttpMethod": "POST",
        "uri": c.known(f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations")},
        refs={**on_rest_api, "uri": [function]})
    c.add(t.PERMISSION, "rest-api-invokes-fn", {
        "action": "lambda:InvokeFunction", "function": function_name, "principal": "apigateway.amazonaws.com",
        "sourceArn": c.known(f"{rest_execution_arn}/prod*/*")}, refs={"function": [function], "sourceArn": [rest_stage]})
    secret_arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-{i}-AbCdEf"
    secret = c.add(t.SECRET, "db-secret", {"name": f"db-{i}", "id": c.known(secret_arn), "arn": c.known(secret_arn),
                                           "kmsKeyId": c.known(key_arn)}, refs={"kmsKeyId": [key]})
    c.add(t.SECRET_ROTATION, "db-secret-rotation", {
        "secretId": c.known(secret_arn), "rotationLambdaArn": c.known(function_arn),
        "rotationRules": {"automaticallyAfterDays": 30.0}}, refs={"secretId": [secret], "rotationLambdaArn": [function]})
    assert len(c.states) == CELL_SIZE
    return c.states


def synthetic_stack(resources: int) -> List[ResourceState]:
    """About `resources` resources (whole cells), plus the stack resource."""
    cells = max(1, round(resources / CELL_SIZE))
    states = [ResourceState(type=t.STACK, urn=STACK_URN, name=f"{PROJECT}-{STACK}", custom=False)]
    for index in range(cells):
        states.extend(cell(index))
    return states
