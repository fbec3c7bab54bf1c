"""Hostile stack shapes of any size: the ones that make a careless stack rule quadratic.

Each shape takes a target size and a mode (`preview`: ARNs and IDs unknown, linked by property
dependencies; update: known values) and returns about that many `ResourceState`s. Unlike the
realistic cells of `synthetic.py`, the shapes are not compliant: some units are faulty on
purpose, so the rules' reporting paths (and their messages) run at scale too.

- `fan_in`: one function triggered by N buckets (each with its notification and S3 permission)
  and served by N HTTP APIs (each with its integration, route and API Gateway permission).
- `fan_out`: one bucket whose notifications invoke N functions (one notification with many
  entries, and many notifications of one entry), each with its role, policy and permission.
- `repeated`: many resources sharing one identity value (function name and ARN, bucket name,
  role name, log group name), referenced by many others; update mode without property
  dependencies, as a hand-made export may be.
- `chain`: a long dependency chain (each resource depends on, and is the child of, the previous),
  functions whose failure destinations are the next function.
- `policies`: one role shared by N functions, with N role policies (and N attachments of one
  shared policy) granting on N buckets that trigger those functions (the recursion rule's worst).
- `alarms`: N functions sending failures to one queue, each with its alarms, subscribed to one
  topic; and many alarms (plain and metric math) on one function.
"""

from __future__ import annotations

import json
from typing import Callable, Dict, List, Optional, Sequence

from policypack.core import types as t
from policypack.engine.model import ResourceState
from tests.support.harness import UNKNOWN_STRING

ACCOUNT = "123456789012"
REGION = "us-west-2"
PROJECT, STACK = "shape", "shape"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def document(*statements: Dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resources) -> Dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def log_arn(function_name: str) -> str:
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{function_name}:*"


class Builder:
    """Resources of one stack; `refs` become property dependencies (and dependencies)."""

    def __init__(self, preview: bool, property_dependencies: bool = True) -> None:
        self.preview = preview
        self.with_refs = property_dependencies
        self.states: List[ResourceState] = [
            ResourceState(type=t.STACK, urn=STACK_URN, name=f"{PROJECT}-{STACK}", custom=False)]

    def add(self, resource_type: str, name: str, props: Dict, refs: Optional[Dict[str, List[ResourceState]]] = None,
            depends_on: Sequence[ResourceState] = (), parent: str = STACK_URN) -> ResourceState:
        property_dependencies = {k: [r.urn for r in v] for k, v in (refs or {}).items()} if self.with_refs else {}
        dependencies = list(dict.fromkeys([u for us in property_dependencies.values() for u in us]
                                          + [r.urn for r in depends_on]))
        urn = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack${resource_type}::{name}"
        state = ResourceState(type=resource_type, urn=urn, name=name, props=props, parent=parent,
                              dependencies=dependencies, property_dependencies=property_dependencies)
        self.states.append(state)
        return state

    def known(self, value: str) -> str:
        return UNKNOWN_STRING if self.preview else value

    def full(self, size: int) -> bool:
        return len(self.states) >= size


def _role(b: Builder, name: str) -> ResourceState:
    return b.add(t.ROLE, name, {"name": f"{name}-1a2b3c4", "assumeRolePolicy": TRUST})


def _function(b: Builder, name: str, role: ResourceState, refs: Optional[Dict[str, List[ResourceState]]] = None,
              **props) -> ResourceState:
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{role.props['name']}"
    return b.add(t.FUNCTION, name, {"name": f"{name}-1a2b3c4", "runtime": "python3.12", "handler": "index.handler",
                                    "role": b.known(role_arn), **props}, refs={"role": [role], **(refs or {})})


def _bucket(b: Builder, name: str) -> ResourceState:
    return b.add(t.BUCKET, name, {"bucket": f"{name}-1a2b3c4", "arn": b.known(f"arn:aws:s3:::{name}-1a2b3c4")})


def _s3_permission(b: Builder, name: str, function: ResourceState, bucket: Optional[ResourceState]) -> ResourceState:
    props = {"action": "lambda:InvokeFunction", "function": function.props["name"], "principal": "s3.amazonaws.com"}
    refs = {"function": [function]}
    if bucket is not None:
        props["sourceArn"] = b.known(f"arn:aws:s3:::{bucket.props['bucket']}")
        refs["sourceArn"] = [bucket]
    return b.add(t.PERMISSION, name, props, refs=refs)


def _notification(b: Builder, name: str, bucket: ResourceState, functions: Sequence[ResourceState],
                  depends_on: Sequence[ResourceState] = (), prefix: str = "incoming/") -> ResourceState:
    entries = [{"lambdaFunctionArn": b.known(function_arn(f.props["name"])), "events": ["s3:ObjectCreated:*"],
                "filterPrefix": prefix, "filterSuffix": ".jpg"} for f in functions]
    return b.add(t.BUCKET_NOTIFICATION, name, {"bucket": b.known(bucket.props["bucket"]), "lambdaFunctions": entries},
                 refs={"bucket": [bucket], "lambdaFunctions": list(functions)}, depends_on=depends_on)


def _api(b: Builder, i: int, function: ResourceState, scoped: bool) -> None:
    api_id = f"api{i}"
    api = b.add(t.HTTP_API, f"api-{i}", {"name": f"api-{i}-1a2b3c4", "protocolType": "HTTP",
                                         "id": b.known(api_id),
                                         "executionArn": b.known(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}")})
    uri = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn(function.props['name'])}/invocations"
    integration = b.add(t.API_INTEGRATION, f"api-{i}-integration", {
        "apiId": b.known(api_id), "integrationType": "AWS_PROXY", "integrationUri": b.known(uri),
        "id": b.known(f"integration{i}")}, refs={"apiId": [api], "integrationUri": [function]})
    b.add(t.API_ROUTE, f"api-{i}-route", {"apiId": b.known(api_id), "routeKey": "GET /items",
                                          "target": b.known(f"integrations/integration{i}")},
          refs={"apiId": [api], "target": [integration]})
    props = {"action": "lambda:InvokeFunction", "function": function.props["name"],
             "principal": "apigateway.amazonaws.com"}
    refs = {"function": [function]}
    if scoped:
        props["sourceArn"] = b.known(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*/*")
        refs["sourceArn"] = [api]
    b.add(t.PERMISSION, f"api-{i}-permission", props, refs=refs)


def _alarms(b: Builder, function: ResourceState, metrics: Sequence[str] = ("Errors", "Throttles", "Duration", "Invocations")) -> None:
    for metric in metrics:
        b.add(t.METRIC_ALARM, f"{function.name}-{metric.lower()}", {
            "namespace": "AWS/Lambda", "metricName": metric, "dimensions": {"FunctionName": b.known(function.props["name"])},
            "threshold": 0.0, "comparisonOperator": "GreaterThanThreshold"}, refs={"dimensions": [function]})


# -- the shapes --------------------------------------------------------------------------------------

def fan_in(size: int, preview: bool = False) -> List[ResourceState]:
    b = Builder(preview)
    role = _role(b, "fn-role")
    function = _function(b, "fn", role)  # no dead-letter target: every notification is listed
    b.add(t.ROLE_POLICY, "fn-logs", {"role": role.props["name"], "policy": document(
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], log_arn(function.props["name"])))}, refs={"role": [role]})
    b.add(t.LOG_GROUP, "fn-logs", {"name": f"/aws/lambda/{function.props['name']}", "retentionInDays": 30.0},
          refs={"name": [function]})
    _alarms(b, function)
    i = 0
    while not b.full(size):
        bucket = _bucket(b, f"uploads-{i}")
        # every 10th permission is not scoped to its bucket; every 10th notification does not wait for it
        permission = _s3_permission(b, f"s3-invokes-fn-{i}", function, None if i % 10 == 0 else bucket)
        _notification(b, f"uploads-{i}-notification", bucket, [function], depends_on=[] if i % 10 == 1 else [permission])
        if i % 2 == 0:
            _api(b, i, function, scoped=i % 10 != 4)
        i += 1
    return b.states


def fan_out(size: int, preview: bool = False) -> List[ResourceState]:
    b = Builder(preview)
    bucket = _bucket(b, "uploads")
    b.add(t.BUCKET_PUBLIC_ACCESS_BLOCK, "uploads-pab", {"bucket": b.known(bucket.props["bucket"]), "blockPublicAcls": True,
                                                        "blockPublicPolicy": True, "ignorePublicAcls": True,
                                                        "restrictPublicBuckets": False}, refs={"bucket": [bucket]})
    many: List[ResourceState] = []
    many_permissions: List[ResourceState] = []
    i = 0
    while len(b.states) + 2 < size:
        role = _role(b, f"fn-{i}-role")
        function = _function(b, f"fn-{i}", role)
        writes = f"arn:aws:s3:::{bucket.props['bucket']}/" + ("*" if i % 10 == 0 else f"out-{i}/*")
        b.add(t.ROLE_POLICY, f"fn-{i}-policy", {"role": role.props["name"], "policy": document(
            allow(["logs:CreateLogStream", "logs:PutLogEvents"], log_arn(function.props["name"])),
            allow("s3:PutObject", writes))}, refs={"role": [role]})
        permission = _s3_permission(b, f"s3-invokes-fn-{i}", function, None if i % 10 == 3 else bucket)
        if i % 2 == 0:
            many.append(function)
            many_permissions.append(permission)
        else:
            _notification(b, f"uploads-notification-{i}", bucket, [function], depends_on=[permission])
        i += 1
    _notification(b, "uploads-notification", bucket, many, depends_on=many_permissions)
    return b.states


def repeated(size: int, preview: bool = False) -> List[ResourceState]:
    """Units whose identities all repeat: in update, linked by value alone (no property dependencies)."""
    b = Builder(preview, property_dependencies=preview)
    i = 0
    while not b.full(size):
        role = b.add(t.ROLE, f"role-{i}", {"name": "shared-role", "arn": b.known(f"arn:aws:iam::{ACCOUNT}:role/shared-role"),
                                           "assumeRolePolicy": TRUST})
        function = b.add(t.FUNCTION, f"fn-{i}", {"name": "shared-fn", "arn": b.known(function_arn("shared-fn")),
                                                 "runtime": "python3.12", "role": b.known(role.props["arn"])},
                         refs={"role": [role]})
        b.add(t.ROLE_POLICY, f"role-{i}-logs", {"role": "shared-role", "policy": document(
            allow(["logs:CreateLogStream", "logs:PutLogEvents"], log_arn("shared-fn")))}, refs={"role": [role]})
        b.add(t.LOG_GROUP, f"fn-{i}-logs", {"name": "/aws/lambda/shared-fn", "retentionInDays": 0.0},
              refs={"name": [function]})
        bucket = b.add(t.BUCKET, f"bucket-{i}", {"bucket": "shared-bucket", "id": b.known("shared-bucket"),
                                                 "arn": b.known("arn:aws:s3:::shared-bucket")})
        b.add(t.BUCKET_PUBLIC_ACCESS_BLOCK, f"bucket-{i}-pab", {"bucket": b.known("shared-bucket"), "blockPublicAcls": False},
              refs={"bucket": [bucket]})
        permission = b.add(t.PERMISSION, f"permission-{i}", {
            "action": "lambda:InvokeFunction", "function": b.known("shared-fn"), "principal": "s3.amazonaws.com",
            "sourceArn": b.known("arn:aws:s3:::other-bucket")}, refs={"function": [function], "sourceArn": []})
        b.add(t.BUCKET_NOTIFICATION, f"notification-{i}", {"bucket": b.known("shared-bucket"), "lambdaFunctions": [{
            "lambdaFunctionArn": b.known(function_arn("shared-fn")), "events": ["s3:ObjectCreated:*"]}]},
              refs={"bucket": [bucket], "lambdaFunctions": [function]}, depends_on=[permission])
        b.add(t.METRIC_ALARM, f"alarm-{i}", {"namespace": "AWS/Lambda", "metricName": "Errors",
                                             "dimensions": {"FunctionName": b.known("shared-fn")}},
              refs={"dimensions": [function]})
        i += 1
    return b.states


def chain(size: int, preview: bool = False) -> List[ResourceState]:
    b = Builder(preview)
    role = _role(b, "chain-role")
    previous: Optional[ResourceState] = None
    i = 0
    while not b.full(size):
        parent = previous.urn if previous is not None else STACK_URN
        after = [previous] if previous is not None else []
        queue = b.add(t.QUEUE, f"dlq-{i}", {"name": f"dlq-{i}-1a2b3c4"}, depends_on=after, parent=parent)
        function = b.add(t.FUNCTION, f"fn-{i}", {
            "name": f"fn-{i}-1a2b3c4", "runtime": "python3.12", "role": b.known(f"arn:aws:iam::{ACCOUNT}:role/chain-role-1a2b3c4"),
            "deadLetterConfig": {"targetArn": b.known(f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq-{i}-1a2b3c4")}},
            refs={"role": [role], "deadLetterConfig": [queue]}, depends_on=[queue], parent=queue.urn)
        previous = b.add(t.EVENT_INVOKE_CONFIG, f"fn-{i}-async", {
            "functionName": b.known(function.props["name"]),
            "destinationConfig": {"onFailure": {"destination": b.known(function_arn(f"fn-{i + 1}-1a2b3c4"))}}},
            refs={"functionName": [function]}, depends_on=[function], parent=function.urn)
        i += 1
    return b.states


def policies(size: int, preview: bool = False) -> List[ResourceState]:
    b = Builder(preview)
    role = _role(b, "shared-role")
    shared_policy = b.add(t.IAM_POLICY, "common", {"name": "common-1a2b3c4", "arn": b.known(
        f"arn:aws:iam::{ACCOUNT}:policy/common-1a2b3c4"), "policy": document(allow("s3:GetObject", "arn:aws:s3:::assets/*"))})
    i = 0
    while not b.full(size):
        bucket = _bucket(b, f"uploads-{i}")
        function = _function(b, f"fn-{i}", role, deadLetterConfig={"targetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"})
        writes = f"arn:aws:s3:::{bucket.props['bucket']}/" + ("*" if i % 10 == 0 else "out/*")
        b.add(t.ROLE_POLICY, f"fn-{i}-policy", {"role": role.props["name"], "policy": document(
            allow(["logs:CreateLogStream", "logs:PutLogEvents"], log_arn(function.props["name"])),
            allow("s3:PutObject", writes))}, refs={"role": [role]})
        b.add(t.ROLE_POLICY_ATTACHMENT, f"fn-{i}-common", {"role": role.props["name"], "policyArn": b.known(
            shared_policy.props["arn"])}, refs={"role": [role], "policyArn": [shared_policy]})
        b.add(t.LOG_GROUP, f"fn-{i}-logs", {"name": f"/aws/lambda/{function.props['name']}", "retentionInDays": 30.0},
              refs={"name": [function]})
        permission = _s3_permission(b, f"s3-invokes-fn-{i}", function, bucket)
        _notification(b, f"uploads-{i}-notification", bucket, [function], depends_on=[permission])
        i += 1
    return b.states


def alarms(size: int, preview: bool = False) -> List[ResourceState]:
    b = Builder(preview)
    role = _role(b, "shared-role")
    queue = b.add(t.QUEUE, "dlq", {"name": "dlq-1a2b3c4"})  # no alarm: every sender is listed
    topic = b.add(t.TOPIC, "events", {"name": "events-1a2b3c4", "arn": b.known(f"arn:aws:sns:{REGION}:{ACCOUNT}:events")})
    watched = _function(b, "watched", role)
    functions: List[ResourceState] = []
    i = 0
    while not b.full(size):
        if i % 3 == 2:  # a metric-math alarm on the one watched function
            b.add(t.METRIC_ALARM, f"watched-math-{i}", {"metricQueries": [
                {"id": "e", "expression": "errors / invocations"},
                {"id": "errors", "metric": {"namespace": "AWS/Lambda", "metricName": "Errors",
                                            "dimensions": {"FunctionName": b.known(watched.props["name"])}}},
                {"id": "invocations", "metric": {"namespace": "AWS/Lambda", "metricName": "Invocations",
                                                 "dimensions": {"FunctionName": b.known(watched.props["name"])}}}]},
                refs={"metricQueries": [watched]})
        else:
            function = _function(b, f"fn-{i}", role, refs={"deadLetterConfig": [queue]}, deadLetterConfig={
                "targetArn": b.known(f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq-1a2b3c4")})
            b.add(t.TOPIC_SUBSCRIPTION, f"fn-{i}-subscription", {
                "topic": b.known(topic.props["name"]), "protocol": "lambda",
                "endpoint": b.known(function_arn(function.props["name"]))},
                refs={"topic": [topic], "endpoint": [function]})
            _alarms(b, function, ("Errors", "Throttles") if i % 2 else ("Duration", "Invocations"))
            functions.append(function)
        i += 1
    # and one metric-math alarm with a query per function (the size of the last units)
    b.add(t.METRIC_ALARM, "all-errors", {"metricQueries": [{"id": f"e{j}", "metric": {
        "namespace": "AWS/Lambda", "metricName": "Errors", "dimensions": {"FunctionName": b.known(f.props["name"])}}}
        for j, f in enumerate(functions)]}, refs={"metricQueries": functions})
    return b.states


SHAPES: Dict[str, Callable[..., List[ResourceState]]] = {
    "fan-in": fan_in,
    "fan-out": fan_out,
    "repeated": repeated,
    "chain": chain,
    "policies": policies,
    "alarms": alarms,
}


def stack_graph(states: Sequence[ResourceState]) -> "StackGraph":
    """The graph the evaluator builds for AnalyzeStack (see `policypack.engine.evaluate`)."""
    from policypack.core.graph import Node, StackGraph
    from policypack.engine.evaluate import engine_props

    urns = {s.urn for s in states}
    return StackGraph(Node(
        type=s.type, urn=s.urn, name=s.name, props=engine_props(s.stack_props),
        parent=s.parent if s.parent in urns else None, provider=s.provider if s.provider in urns else None,
        dependencies=tuple(d for d in s.dependencies if d in urns),
        property_dependencies={k: tuple(d for d in v if d in urns) for k, v in s.property_dependencies.items()},
    ) for s in states)
