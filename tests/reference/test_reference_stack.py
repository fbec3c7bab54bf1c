"""The reference stack, run under mocks as `pulumi preview` and `pulumi up` would run it: it
registers what the two documented systems need, built right, and the WHOLE policy pack (every
resource and stack policy, mandatory and advisory) reports nothing about it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Dict, List

import pytest
from pulumi.runtime.proto import analyzer_pb2

from policypack.data.lambda_runtimes import RUNTIMES
from policypack.engine.model import ResourceState
from policypack.engine.program import CapturedStack, ProgramError

from .stacks import (
    ACCOUNT_ID,
    DEFAULT_AWS_PROVIDER,
    named,
    of_type,
    plain,
    policy_document,
    prop_sources,
)

FUNCTION = "aws:lambda/function:Function"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
BUCKET = "aws:s3/bucket:Bucket"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
PROVIDER = "pulumi:providers:aws"

DYNAMODB_TABLE = "aws:dynamodb/table:Table"
ITEMS_TABLE_ARN = f"arn:aws:dynamodb:us-west-2:{ACCOUNT_ID}:table/serverless-reference-dev-items"
PROCESSOR = "image-pipeline-processor"
API_FUNCTIONS = ["items-api-list-items", "items-api-create-item", "items-api-health", "items-api-authorizer"]
ALL_FUNCTIONS = [PROCESSOR, *API_FUNCTIONS]
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's "unknown during preview" marker
MODES = ["reference-preview", "reference-update"]


@pytest.fixture(params=MODES)
def stack(request, runs) -> CapturedStack:
    return runs.get(request.param)


@pytest.fixture
def update(runs) -> CapturedStack:
    return runs.get("reference-update")


# -- the whole pack ---------------------------------------------------------------------------------

@pytest.mark.parametrize("run", [*MODES, "reference-defaults", "reference-other-region"])
def test_the_whole_pack_reports_nothing(runs, packs, run):
    assert packs.analyze(runs.get(run)) == []


def test_the_example_policy_config_is_met_too(packs, update):
    """The stricter pack config the README suggests (allowed regions, concurrency 1-50)."""
    config = json.loads((Path(__file__).resolve().parents[2] / "reference_stack" / "policy-config.example.json").read_text())
    assert packs.analyze(update, config) == []


def test_the_pack_ran_every_policy_over_it(packs, update):
    """No policy is missing or disabled: the empty result above is the pack's verdict."""
    from policypack.registry import ALL_POLICIES

    info = packs.get(update.project, update.stack, update.preview).info()
    assert sorted(p.name for p in info.policies) == sorted(p.name for p in ALL_POLICIES)
    assert all(p.enforcementLevel != analyzer_pb2.DISABLED for p in info.policies)


# -- 2. the image pipeline ----------------------------------------------------------------------------

def test_uploads_notify_the_processor_once_per_image_suffix_after_the_permission_exists(stack):
    notification = named(stack, "aws:s3/bucketNotification:BucketNotification", "image-pipeline-uploads-notification")
    destinations = notification.props["lambdaFunctions"]
    assert [(d["filterPrefix"], d["filterSuffix"], d["events"]) for d in destinations] == [
        ("uploads/", suffix, ["s3:ObjectCreated:*"]) for suffix in (".jpg", ".jpeg", ".png", ".webp")]
    permission = named(stack, "aws:lambda/permission:Permission", "image-pipeline-s3-invoke")
    assert permission.urn in notification.dependencies
    processor = named(stack, FUNCTION, PROCESSOR)
    assert prop_sources(stack, notification, "lambdaFunctions", FUNCTION) == [processor]
    assert prop_sources(stack, notification, "bucket", BUCKET) == [named(stack, BUCKET, "uploads")]


def test_the_s3_permission_names_the_bucket_and_the_account(stack):
    permission = named(stack, "aws:lambda/permission:Permission", "image-pipeline-s3-invoke")
    assert permission.props["principal"] == "s3.amazonaws.com"
    assert permission.props["action"] == "lambda:InvokeFunction"
    assert permission.props["sourceAccount"] == ACCOUNT_ID
    assert prop_sources(stack, permission, "sourceArn", BUCKET) == [named(stack, BUCKET, "uploads")]
    if not stack.preview:
        assert permission.props["sourceArn"] == f"arn:aws:s3:::{named(stack, BUCKET, 'uploads').props['bucket']}"


def newest_python_runtime() -> str:
    pythons = [(tuple(int(p) for p in rid[len("python"):].split(".")), rid)
               for rid, (family, _, flags) in RUNTIMES.items() if family == "python" and rid.startswith("python3")]
    return max(pythons)[1]


def test_the_processor_runs_the_newest_python_in_private_subnets_of_two_zones(stack):
    processor = named(stack, FUNCTION, PROCESSOR)
    props = processor.props
    assert props["runtime"] == newest_python_runtime() == "python3.14"
    assert props["tracingConfig"] == {"mode": "Active"}
    assert props["reservedConcurrentExecutions"] == 10  # Pulumi.dev.yaml
    assert len(props["layers"]) == 1
    subnets = prop_sources(stack, processor, "vpcConfig", "aws:ec2/subnet:Subnet")
    assert sorted(s.props["availabilityZone"] for s in subnets) == ["us-west-2a", "us-west-2b"]
    assert all(s.props["mapPublicIpOnLaunch"] is False for s in subnets)
    assert len(props["vpcConfig"]["subnetIds"]) == 2 and len(props["vpcConfig"]["securityGroupIds"]) == 1


def test_the_network_has_no_internet_path(stack):
    types = {r.type for r in stack.resources}
    assert not types & {"aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway",
                        "aws:ec2/eip:Eip", "aws:ec2/route:Route"}
    route_table = named(stack, "aws:ec2/routeTable:RouteTable", "network-private")
    assert "routes" not in route_table.props or route_table.props["routes"] in ([], UNKNOWN)
    endpoints = {r.props["serviceName"]: r.props["vpcEndpointType"]
                 for r in of_type(stack, "aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert endpoints == {"com.amazonaws.us-west-2.s3": "Gateway", "com.amazonaws.us-west-2.dynamodb": "Gateway",
                         "com.amazonaws.us-west-2.ssm": "Interface", "com.amazonaws.us-west-2.xray": "Interface"}
    egress = of_type(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert [(r.props["fromPort"], r.props["toPort"], r.props["ipProtocol"]) for r in egress] == [(443, 443, "tcp")] * 3
    assert not any("cidrIpv4" in r.props for r in egress)  # only to the S3 and DynamoDB prefix lists and the endpoints


def test_the_dead_letter_queue_is_encrypted_and_is_the_processors_target(stack):
    queue = named(stack, "aws:sqs/queue:Queue", "image-pipeline-dlq")
    processor = named(stack, FUNCTION, PROCESSOR)
    key = named(stack, "aws:kms/key:Key", "data-key")
    assert prop_sources(stack, queue, "kmsMasterKeyId", "aws:kms/key:Key") == [key]
    assert prop_sources(stack, processor, "deadLetterConfig", "aws:sqs/queue:Queue") == [queue]
    if not stack.preview:
        assert processor.props["deadLetterConfig"]["targetArn"].startswith("arn:aws:sqs:us-west-2:")


def test_the_key_rotates_and_lets_logs_and_alarms_use_it(stack):
    key = named(stack, "aws:kms/key:Key", "data-key")
    assert key.props["enableKeyRotation"] is True
    statements = {s["Sid"]: s for s in json.loads(key.props["policy"])["Statement"]}
    assert statements["AccountAdministersTheKeyThroughIam"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}
    assert statements["CloudWatchLogsEncryptsThisAccountsLogGroups"]["Principal"] == {
        "Service": "logs.us-west-2.amazonaws.com"}
    assert statements["CloudWatchAlarmsPublishToTheEncryptedTopic"]["Principal"] == {
        "Service": "cloudwatch.amazonaws.com"}


def test_every_bucket_is_kms_encrypted_private_and_tls_only(stack):
    buckets = of_type(stack, BUCKET)
    assert sorted(b.name for b in buckets) == ["images", "replicas-us-east-2-images", "uploads"]
    for bucket in buckets:
        attached = {r.type: r for r in stack.resources if prop_sources(stack, r, "bucket", BUCKET) == [bucket]}
        sse = attached["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"]
        default = sse.props["rules"][0]["applyServerSideEncryptionByDefault"]
        assert default["sseAlgorithm"] == "aws:kms" and default["kmsMasterKeyId"]
        block = attached["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]
        assert all(block.props[flag] is True for flag in
                   ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        policy = attached["aws:s3/bucketPolicy:BucketPolicy"]
        if not stack.preview:
            [deny] = policy_document(policy)["Statement"]
            assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            assert deny["Resource"] == [f"arn:aws:s3:::{bucket.props['bucket']}", f"arn:aws:s3:::{bucket.props['bucket']}/*"]


def test_every_function_has_its_log_group_with_retention_and_the_key(stack):
    key = named(stack, "aws:kms/key:Key", "data-key")
    for name in ALL_FUNCTIONS:
        function = named(stack, FUNCTION, name)
        group = named(stack, LOG_GROUP, f"{name}-logs")
        assert group.props["name"] == f"/aws/lambda/{function.props['name']}"
        assert group.props["retentionInDays"] == 90  # Pulumi.dev.yaml
        assert prop_sources(stack, group, "kmsKeyId", "aws:kms/key:Key") == [key]
        assert group.urn in function.dependencies  # exists before the first invocation


def test_alarms_watch_every_function_and_the_queue_and_notify_the_encrypted_topic(stack):
    topic = named(stack, "aws:sns/topic:Topic", "alerts")
    assert prop_sources(stack, topic, "kmsMasterKeyId", "aws:kms/key:Key") == [named(stack, "aws:kms/key:Key", "data-key")]
    alarms = of_type(stack, ALARM)
    for alarm in alarms:
        assert prop_sources(stack, alarm, "alarmActions", "aws:sns/topic:Topic") == [topic]
        assert alarm.props["actionsEnabled"] is True
    for name in ALL_FUNCTIONS:
        function = named(stack, FUNCTION, name)
        watched = sorted(a.props["metricName"] for a in alarms
                         if a.props["namespace"] == "AWS/Lambda" and prop_sources(stack, a, "dimensions", FUNCTION) == [function])
        assert watched == ["Duration", "Errors", "Invocations", "Throttles"]
    [depth] = [a for a in alarms if a.props["namespace"] == "AWS/SQS"]
    assert depth.props["metricName"] == "ApproximateNumberOfMessagesVisible"
    assert prop_sources(stack, depth, "dimensions", "aws:sqs/queue:Queue") == [named(stack, "aws:sqs/queue:Queue", "image-pipeline-dlq")]


def test_each_function_has_its_own_role_and_no_aws_managed_policy(stack):
    roles = [prop_sources(stack, named(stack, FUNCTION, n), "role", ROLE) for n in ALL_FUNCTIONS]
    assert all(len(r) == 1 for r in roles) and len({r[0].urn for r in roles}) == len(ALL_FUNCTIONS)
    assert of_type(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []
    assert of_type(stack, "aws:iam/policyAttachment:PolicyAttachment") == []
    assert not any("managedPolicyArns" in r.props for r in of_type(stack, ROLE))


def _statements(stack: CapturedStack, function_name: str) -> Dict[str, dict]:
    role = prop_sources(stack, named(stack, FUNCTION, function_name), "role", ROLE)[0]
    [policy] = [p for p in of_type(stack, ROLE_POLICY) if prop_sources(stack, p, "role", ROLE) == [role]]
    return {s["Sid"]: s for s in policy_document(policy)["Statement"]}


def test_the_processor_role_grants_exactly_the_prefixes_the_key_the_queue_and_its_logs(update):
    uploads, images = (named(update, BUCKET, n).props["bucket"] for n in ("uploads", "images"))
    queue = named(update, "aws:sqs/queue:Queue", "image-pipeline-dlq").props["name"]
    statements = _statements(update, PROCESSOR)
    grants = {sid: (s["Action"], s["Resource"]) for sid, s in statements.items()}
    key_arn = "arn:aws:kms:us-west-2:123456789012:key/data-key-0000"
    assert grants == {
        "ReadUploads": (["s3:GetObject"], f"arn:aws:s3:::{uploads}/uploads/*"),
        "WriteProcessedImages": (["s3:PutObject"], f"arn:aws:s3:::{images}/processed/*"),
        "UseTheStackKeyForSseKms": (["kms:Decrypt", "kms:GenerateDataKey"], key_arn),
        "ParkFailedEvents": (["sqs:SendMessage"], f"arn:aws:sqs:us-west-2:{ACCOUNT_ID}:{queue}"),
        "MarkItemsProcessed": (["dynamodb:UpdateItem"], ITEMS_TABLE_ARN),
        "MarkItemsProcessedKey": (["kms:Decrypt", "kms:GenerateDataKey"], key_arn),
        "WriteOwnLogGroup": (["logs:CreateLogStream", "logs:PutLogEvents"],
                             f"arn:aws:logs:us-west-2:{ACCOUNT_ID}:log-group:/aws/lambda/serverless-reference-dev-image-processor:*"),
        "ManageVpcNetworkInterfaces": (["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                                        "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                                        "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], "*"),
        "SendTraces": (["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
    }


def test_the_items_table_is_encrypted_with_the_stack_key_and_keeps_continuous_backups(stack):
    table = named(stack, DYNAMODB_TABLE, "items")
    assert table.props["name"] == "serverless-reference-dev-items"
    assert table.props["pointInTimeRecovery"] == {"enabled": True}
    assert table.props["serverSideEncryption"]["enabled"] is True
    assert prop_sources(stack, table, "serverSideEncryption", "aws:kms/key:Key") == [named(stack, "aws:kms/key:Key", "data-key")]
    assert table.props["deletionProtectionEnabled"] is True
    endpoint = next(r for r in of_type(stack, "aws:ec2/vpcEndpoint:VpcEndpoint") if r.props["serviceName"].endswith(".dynamodb"))
    assert prop_sources(stack, endpoint, "policy", DYNAMODB_TABLE) == [table]


def test_each_function_may_do_exactly_its_part_on_the_items_table(update):
    through_dynamodb = {"StringEquals": {"kms:ViaService": "dynamodb.us-west-2.amazonaws.com"}}
    for function_name, sid, actions, key_actions in [
            (PROCESSOR, "MarkItemsProcessed", ["dynamodb:UpdateItem"], ["kms:Decrypt", "kms:GenerateDataKey"]),
            ("items-api-create-item", "RecordItems", ["dynamodb:PutItem"], ["kms:Decrypt", "kms:GenerateDataKey"]),
            ("items-api-list-items", "ReadItems", ["dynamodb:Scan"], ["kms:Decrypt"])]:
        statements = _statements(update, function_name)
        assert (statements[sid]["Action"], statements[sid]["Resource"]) == (actions, ITEMS_TABLE_ARN)
        key = statements[f"{sid}Key"]
        assert (key["Action"], key["Condition"]) == (key_actions, through_dynamodb)
        variables = named(update, FUNCTION, function_name).props["environment"]["variables"]
        assert variables["ITEMS_TABLE"] == "serverless-reference-dev-items"
    assert not any(s.startswith(("ReadItems", "RecordItems", "MarkItems"))
                   for s in _statements(update, "items-api-health"))


def test_the_handler_writes_cache_headers_from_the_configured_values(stack):
    variables = named(stack, FUNCTION, PROCESSOR).props["environment"]["variables"]
    assert variables["CACHE_CONTROL"] == "public, max-age=31536000, immutable"
    assert (variables["SOURCE_PREFIX"], variables["DESTINATION_PREFIX"]) == ("uploads/", "processed/")


# -- 3. the API ---------------------------------------------------------------------------------------

def test_each_route_reaches_its_own_function_through_its_own_integration(stack):
    api = named(stack, "aws:apigatewayv2/api:Api", "items-api")
    assert api.props["protocolType"] == "HTTP"
    routes = {r.props["routeKey"]: r for r in of_type(stack, "aws:apigatewayv2/route:Route")}
    expected = {"GET /items": "items-api-list-items", "POST /items": "items-api-create-item",
                "GET /health": "items-api-health"}
    assert set(routes) == set(expected)
    for key, function_name in expected.items():
        [integration] = prop_sources(stack, routes[key], "target", "aws:apigatewayv2/integration:Integration")
        assert integration.props["integrationType"] == "AWS_PROXY"
        assert prop_sources(stack, integration, "integrationUri", FUNCTION) == [named(stack, FUNCTION, function_name)]
        assert prop_sources(stack, integration, "apiId", "aws:apigatewayv2/api:Api") == [api]


def test_api_permissions_are_scoped_to_the_apis_execution_arn_and_route(stack):
    api = named(stack, "aws:apigatewayv2/api:Api", "items-api")
    permissions = [p for p in of_type(stack, "aws:lambda/permission:Permission")
                   if p.props["principal"] == "apigateway.amazonaws.com"]
    assert len(permissions) == 4  # one per route, one for the authorizer
    for permission in permissions:
        assert prop_sources(stack, permission, "sourceArn", "aws:apigatewayv2/api:Api") == [api]
    authorizer = named(stack, "aws:apigatewayv2/authorizer:Authorizer", "items-api-token-authorizer")
    assert prop_sources(stack, named(stack, "aws:lambda/permission:Permission", "items-api-authorizer-invoke"),
                        "sourceArn", "aws:apigatewayv2/authorizer:Authorizer") == [authorizer]
    if not stack.preview:
        arns = sorted(p.props["sourceArn"] for p in permissions)
        base = f"arn:aws:execute-api:us-west-2:{ACCOUNT_ID}:items-api-api"
        assert arns[:3] == [f"{base}/*/GET/health", f"{base}/*/GET/items", f"{base}/*/POST/items"]
        assert re.fullmatch(re.escape(f"{base}/authorizers/") + r"[^/*]+", arns[3]), arns[3]


def test_every_route_is_authorized_by_the_token_authorizer_per_route_and_token(stack):
    authorizer = named(stack, "aws:apigatewayv2/authorizer:Authorizer", "items-api-token-authorizer")
    assert {k: authorizer.props[k] for k in ("authorizerType", "authorizerPayloadFormatVersion",
                                             "enableSimpleResponses", "identitySources",
                                             "authorizerResultTtlInSeconds")} == {
        "authorizerType": "REQUEST", "authorizerPayloadFormatVersion": "2.0", "enableSimpleResponses": True,
        # the route key in the cache key: a cached "yes" for the read token never opens POST /items
        "identitySources": ["$request.header.Authorization", "$context.routeKey"],
        "authorizerResultTtlInSeconds": 300}
    assert prop_sources(stack, authorizer, "authorizerUri", FUNCTION) == [named(stack, FUNCTION, "items-api-authorizer")]
    for route in of_type(stack, "aws:apigatewayv2/route:Route"):
        assert route.props["authorizationType"] == "CUSTOM"
        assert prop_sources(stack, route, "authorizerId", "aws:apigatewayv2/authorizer:Authorizer") == [authorizer]


def test_cors_origins_come_from_config(stack):
    cors = named(stack, "aws:apigatewayv2/api:Api", "items-api").props["corsConfiguration"]
    assert cors["allowOrigins"] == ["https://app.example.com"]  # Pulumi.dev.yaml


@pytest.mark.parametrize("run, origin", [("reference-cors-wildcard", "'*'"),
                                         ("reference-cors-http", "'http://app.example.com'")])
def test_a_wildcard_or_plain_http_origin_stops_the_program(runs, run, origin):
    error = runs.result(run)
    assert isinstance(error, ProgramError)
    assert f"SettingsError: config `corsAllowedOrigins`: {origin} is not an https origin" in str(error)


def test_the_stage_logs_access_and_throttles_the_default_route(stack):
    stage = named(stack, "aws:apigatewayv2/stage:Stage", "items-api-default-stage")
    assert stage.props["defaultRouteSettings"] == {"throttlingBurstLimit": 100, "throttlingRateLimit": 50}
    assert "$context.requestId" in stage.props["accessLogSettings"]["format"]
    assert prop_sources(stack, stage, "accessLogSettings", LOG_GROUP) == [named(stack, LOG_GROUP, "items-api-access-logs")]


def test_functions_get_parameter_names_never_values(stack):
    parameters = {p.name: p for p in of_type(stack, "aws:ssm/parameter:Parameter")}
    key = named(stack, "aws:kms/key:Key", "data-key")
    variables = named(stack, FUNCTION, "items-api-authorizer").props["environment"]["variables"]
    read, write = (parameters[f"items-api-{kind}-token"] for kind in ("read", "write"))
    # each route's token parameter, by NAME: the authorizer reads and decrypts the value at run time
    assert json.loads(variables["TOKEN_PARAMETERS"]) == {
        "GET /items": read.props["name"], "POST /items": write.props["name"], "GET /health": read.props["name"]}
    for parameter in (read, write):
        assert parameter.props["type"] == "SecureString"
        assert prop_sources(stack, parameter, "keyId", "aws:kms/key:Key") == [key]
        assert "4dabf18193072939515e22adb298388d" in parameter.props["value"]  # a secret in the state
        assert plain(parameter.props["value"]) not in json.dumps(variables)
    for function_name in API_FUNCTIONS:  # the data functions never see a token
        if function_name != "items-api-authorizer":
            assert "TOKEN" not in json.dumps(named(stack, FUNCTION, function_name).props["environment"])
    if not stack.preview:  # the policy names the parameters' ARNs, known after the update
        statements = _statements(stack, "items-api-authorizer")
        assert statements["ReadTokenParameters"]["Action"] == ["ssm:GetParameter"]
        assert [arn.rsplit(":parameter", 1)[1] for arn in statements["ReadTokenParameters"]["Resource"]] == [
            read.props["name"], write.props["name"]]


def test_the_api_url_is_a_stack_output(runs):
    update = runs.get("reference-update")
    assert update.outputs["apiUrl"] == "https://items-api-api.execute-api.us-west-2.amazonaws.com"
    assert runs.get("reference-preview").outputs["apiUrl"] == UNKNOWN  # known once the API exists


# -- 4. region, regions and names ----------------------------------------------------------------------

def test_the_region_defaults_to_us_west_2_without_any_stack_config(runs):
    defaults = runs.get("reference-defaults")
    assert defaults.config["aws:region"] == "us-west-2"
    assert defaults.outputs["region"] == "us-west-2"
    assert [p.name for p in of_type(defaults, PROVIDER)] == [DEFAULT_AWS_PROVIDER]  # no `regions`: no extra provider
    assert named(defaults, FUNCTION, PROCESSOR).props["reservedConcurrentExecutions"] == 10  # the Pulumi.yaml default


def test_the_region_and_limits_follow_the_stack_config(runs):
    other = runs.get("reference-other-region")
    assert other.outputs["region"] == "eu-west-1"
    endpoints = sorted(r.props["serviceName"] for r in of_type(other, "aws:ec2/vpcEndpoint:VpcEndpoint"))
    assert endpoints == ["com.amazonaws.eu-west-1.dynamodb", "com.amazonaws.eu-west-1.s3",
                         "com.amazonaws.eu-west-1.ssm", "com.amazonaws.eu-west-1.xray"]
    assert named(other, FUNCTION, PROCESSOR).props["reservedConcurrentExecutions"] == 3
    assert {named(other, FUNCTION, n).props["reservedConcurrentExecutions"] for n in API_FUNCTIONS} == {2}
    logs = json.loads(named(other, "aws:kms/key:Key", "data-key").props["policy"])["Statement"][1]
    assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}


def test_each_extra_region_gets_an_explicit_provider_and_its_replica_through_it(runs):
    other = runs.get("reference-other-region")
    providers = {p.name: p for p in of_type(other, PROVIDER)}
    assert {n: p.props.get("region") for n, p in providers.items()} == {
        DEFAULT_AWS_PROVIDER: "eu-west-1", "aws-us-east-2": "us-east-2", "aws-ap-southeast-2": "ap-southeast-2"}
    for region in ("us-east-2", "ap-southeast-2"):
        provider = providers[f"aws-{region}"]
        replica_resources = [r for r in other.resources if r.custom and f"replicas-{region}-" in r.name]
        assert sorted(r.type.split(":")[-1] for r in replica_resources) == sorted([
            "Key", "Alias", "Bucket", "BucketServerSideEncryptionConfiguration", "BucketPublicAccessBlock",
            "BucketPolicy", "BucketVersioning"])
        assert {r.provider for r in replica_resources} == {provider.urn}
    config = named(other, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "replicas-config")
    assert [rule["filter"]["prefix"] for rule in config.props["rules"]] == ["processed/", "processed/"]
    assert prop_sources(other, config, "bucket", BUCKET) == [named(other, BUCKET, "images")]
    assert all(r.provider.endswith("::" + DEFAULT_AWS_PROVIDER) for r in of_type(other, FUNCTION))


AUTONAME = re.compile(r"^[a-z0-9-]+-[0-9a-f]{7}$")


def test_names_are_autonamed_or_carry_the_stack(stack):
    for bucket in of_type(stack, BUCKET):
        assert AUTONAME.match(bucket.props["bucket"]), bucket.props["bucket"]
    explicit = [(r.type, r.props["name"]) for r in stack.resources
                if r.type in (FUNCTION, LOG_GROUP, "aws:ssm/parameter:Parameter", DYNAMODB_TABLE)]
    assert explicit and all("-dev-" in name or "/dev/" in name for _, name in explicit), explicit
    for resource in stack.resources:
        if resource.type in (ROLE, ROLE_POLICY, "aws:sqs/queue:Queue", "aws:sns/topic:Topic", ALARM):
            assert AUTONAME.match(resource.props["name"].lower()), resource.props["name"]


# -- 5. reproducible packaging -------------------------------------------------------------------------

def test_functions_and_the_layer_are_archives_the_program_built_with_their_hash(runs, stack):
    archives: List[ResourceState] = [*of_type(stack, FUNCTION), *of_type(stack, "aws:lambda/layerVersion:LayerVersion")]
    assert len(archives) == 6  # four API functions (with the authorizer), the processor, the layer
    for resource in archives:
        path = Path(resource.props["code"]["path"])
        assert path.parent == runs.build_dir and path.suffix == ".zip"
        digest = hashlib.sha256(path.read_bytes()).digest()
        assert resource.props["sourceCodeHash"] == base64.b64encode(digest).decode()


def test_preview_and_update_deploy_the_same_packages(runs):
    def hashes(run: str) -> Dict[str, str]:
        captured = runs.get(run)
        return {r.name: r.props["sourceCodeHash"] for r in captured.resources if "sourceCodeHash" in r.props}

    assert hashes("reference-preview") == hashes("reference-update")
    assert len(hashes("reference-preview")) == 6
