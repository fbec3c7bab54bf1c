"""An HTTP API over three functions, one route and one role each, behind a token authorizer.

    GET  /items   lists the items and whether each image is processed yet   (the read token)
    POST /items   records an item and returns a presigned upload URL for it  (the write token)
    GET  /health  liveness                                                    (the read token: the API has no anonymous surface)

The items live in a DynamoDB table under the stack's key, with point-in-time recovery
(storage.ItemsTable); the image processor marks an item processed.

Every route is authorized by a Lambda authorizer (handlers/api_authorizer) before its function
runs, so requests without the route's bearer token never reach - or bill - the functions that
touch data. The tokens are SSM SecureString parameters under the stack's KMS key: the authorizer
receives only the parameter NAMES (environment) and fetches and decrypts the values at run time,
cached for a few minutes (handlers/shared/ssm_parameters.py). CORS origins come from config
(https only); the stage writes access logs and throttles the default route; each function may be
invoked by this API's own route (or authorizer) only.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Dict, List, Optional

import pulumi
import pulumi_aws as aws

from .artifacts import function_code
from .functions import Statement, VpcFunction
from .image_pipeline import UPLOAD_PREFIX
from .network import PrivateNetwork
from .settings import Settings
from .storage import ItemsTable, SecureBucket

ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "integrationError": "$context.integrationErrorMessage",
})


# How long API Gateway keeps an authorizer's answer, per (Authorization header, route key).
AUTHORIZER_RESULT_TTL_SECONDS = 300


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: VpcFunction
    token: "SecureParameter"  # the bearer token this route accepts

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def slug(self) -> str:
        return f"{self.method.lower()}-{self.path.strip('/').replace('/', '-') or 'root'}"


class SecureParameter(pulumi.ComponentResource):
    """A SecureString encrypted with the stack's key. Its value is set once (from the secret
    config value, else random) and then managed out of band (`aws ssm put-parameter
    --overwrite`): rotating it needs no deployment, and the functions pick it up after their
    cache TTL."""

    def __init__(self, name: str, *, parameter_name: str, description: str, key_arn: pulumi.Input[str],
                 initial_value: Optional[pulumi.Input[str]] = None,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:api:SecureParameter", name, None, opts)
        self.parameter_name = parameter_name
        self.parameter = aws.ssm.Parameter(
            name,
            name=parameter_name,
            description=description,
            type="SecureString",
            key_id=key_arn,
            value=pulumi.Output.secret(initial_value or secrets.token_urlsafe(32)),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["value"]),
        )
        self.name: pulumi.Output[str] = self.parameter.name
        self.arn: pulumi.Output[str] = self.parameter.arn
        self.register_outputs({"name": self.parameter.name})


def read_parameters(parameters: List[SecureParameter], key_arn: pulumi.Input[str], region: str) -> List[Statement]:
    return [
        {"Sid": "ReadTokenParameters", "Effect": "Allow", "Action": ["ssm:GetParameter"],
         "Resource": [parameter.arn for parameter in parameters]},
        {"Sid": "DecryptThroughSsmOnly", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:ViaService": f"ssm.{region}.amazonaws.com"}}},
    ]


class ItemsApi(pulumi.ComponentResource):
    def __init__(self, name: str, *, settings: Settings, uploads: SecureBucket, items: ItemsTable,
                 key_arn: pulumi.Input[str], network: PrivateNetwork,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:api:ItemsApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._settings, self._network, self._key_arn = settings, network, key_arn
        secret_config = pulumi.Config()
        parameter_path = f"/{settings.project}/{settings.stack}/api"

        read_token = SecureParameter(
            f"{name}-read-token", parameter_name=f"{parameter_path}/read-token",
            description="Bearer token for GET /items", key_arn=key_arn,
            initial_value=secret_config.get_secret("apiReadToken"), opts=child)
        write_token = SecureParameter(
            f"{name}-write-token", parameter_name=f"{parameter_path}/write-token",
            description="Bearer token for POST /items", key_arn=key_arn,
            initial_value=secret_config.get_secret("apiWriteToken"), opts=child)

        list_items = self._function(
            f"{name}-list-items", "api_list_items", "Lists the items",
            statements=[
                *items.access("ReadItems", ["dynamodb:Scan"], settings.region),
            ],
            environment={"ITEMS_TABLE": items.name})
        create_item = self._function(
            f"{name}-create-item", "api_create_item", "Records an item and hands out its upload URL",
            statements=[
                *items.access("RecordItems", ["dynamodb:PutItem"], settings.region),
                # a presigned URL carries the signer's rights: exactly "put under uploads/"
                {"Sid": "PresignUploads", "Effect": "Allow", "Action": ["s3:PutObject"],
                 "Resource": pulumi.Output.concat(uploads.arn, "/", UPLOAD_PREFIX, "*")},
                {"Sid": "EncryptUploadsWithTheStackKey", "Effect": "Allow", "Action": ["kms:GenerateDataKey"],
                 "Resource": key_arn,
                 "Condition": {"StringEquals": {"kms:ViaService": f"s3.{settings.region}.amazonaws.com"}}},
            ],
            environment={"UPLOAD_BUCKET": uploads.name, "UPLOAD_PREFIX": UPLOAD_PREFIX, "ITEMS_TABLE": items.name})
        health = self._function(f"{name}-health", "api_health", "Liveness probe", statements=[], environment={},
                                with_shared_code=False)
        routes = [Route("GET", "/items", list_items, read_token), Route("POST", "/items", create_item, write_token),
                  Route("GET", "/health", health, read_token)]
        authorizer_function = self._function(
            f"{name}-authorizer", "api_authorizer", "Checks the bearer token of each route",
            statements=read_parameters([read_token, write_token], key_arn, settings.region),
            environment={
                # route key -> parameter NAME (known before deployment: plain JSON)
                "TOKEN_PARAMETERS": json.dumps({route.key: route.token.parameter_name for route in routes}),
                "PARAMETER_CACHE_TTL_SECONDS": str(settings.parameter_cache_ttl_seconds),
            })
        self.functions: List[VpcFunction] = [list_items, create_item, health, authorizer_function]

        self.api = aws.apigatewayv2.Api(
            name,
            protocol_type="HTTP",
            description=f"Image items API of {settings.base_name}",
            cors_configuration=self._cors(settings),
            opts=child,
        )
        self.authorizer = self._authorizer(name, authorizer_function)
        created_routes = [self._route(name, route) for route in routes]

        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs", name=f"/aws/apigateway/{settings.base_name}-items-api",
            retention_in_days=settings.log_retention_days, kms_key_id=key_arn, opts=child)
        self.stage = aws.apigatewayv2.Stage(
            f"{name}-default-stage",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn, format=ACCESS_LOG_FORMAT),
            default_route_settings=aws.apigatewayv2.StageDefaultRouteSettingsArgs(
                throttling_rate_limit=settings.api_throttling_rate_limit,
                throttling_burst_limit=settings.api_throttling_burst_limit),
            opts=pulumi.ResourceOptions(parent=self, depends_on=created_routes),
        )
        self.url: pulumi.Output[str] = self.api.api_endpoint
        self.register_outputs({"url": self.url})

    def _function(self, name: str, handler: str, description: str, *, statements: List[Statement],
                  environment: Dict[str, pulumi.Input[str]], with_shared_code: bool = True) -> VpcFunction:
        settings = self._settings
        return VpcFunction(
            name,
            function_name=f"{settings.base_name}-{handler.replace('_', '-')}",
            description=description,
            code=function_code(handler, with_shared_code=with_shared_code),
            statements=statements,
            environment=environment,
            network=self._network,
            key_arn=self._key_arn,
            log_retention_days=settings.log_retention_days,
            reserved_concurrency=settings.api_reserved_concurrency,
            timeout_seconds=10,
            opts=pulumi.ResourceOptions(parent=self),
        )

    @staticmethod
    def _cors(settings: Settings) -> Optional[aws.apigatewayv2.ApiCorsConfigurationArgs]:
        if not settings.cors_allowed_origins:
            return None  # no browser origin configured: browsers get no CORS grant at all
        return aws.apigatewayv2.ApiCorsConfigurationArgs(
            allow_origins=list(settings.cors_allowed_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["authorization", "content-type"],
            max_age=300,
        )

    def _authorizer(self, name: str, function: VpcFunction) -> aws.apigatewayv2.Authorizer:
        child = pulumi.ResourceOptions(parent=self)
        authorizer = aws.apigatewayv2.Authorizer(
            f"{name}-token-authorizer",
            api_id=self.api.id,
            authorizer_type="REQUEST",
            authorizer_uri=function.invoke_arn,
            authorizer_payload_format_version="2.0",
            enable_simple_responses=True,
            # the route key is part of the cache key: the read token must not open POST /items
            identity_sources=["$request.header.Authorization", "$context.routeKey"],
            authorizer_result_ttl_in_seconds=AUTHORIZER_RESULT_TTL_SECONDS,
            opts=child,
        )
        # this API's token authorizer only
        self._invoke_permission(f"{name}-authorizer-invoke", function,
                                pulumi.Output.concat(self.api.execution_arn, "/authorizers/", authorizer.id))
        return authorizer

    def _invoke_permission(self, name: str, function: VpcFunction, source_arn: pulumi.Input[str]) -> None:
        aws.lambda_.Permission(
            name,
            action="lambda:InvokeFunction",
            function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=source_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _route(self, name: str, route: Route) -> aws.apigatewayv2.Route:
        child = pulumi.ResourceOptions(parent=self)
        integration = aws.apigatewayv2.Integration(
            f"{name}-{route.slug}",
            api_id=self.api.id,
            integration_type="AWS_PROXY",
            integration_uri=route.function.arn,
            integration_method="POST",
            payload_format_version="2.0",
            opts=child,
        )
        # this API, any stage, this route only
        self._invoke_permission(f"{name}-{route.slug}-invoke", route.function,
                                pulumi.Output.concat(self.api.execution_arn, "/*/", route.method, route.path))
        return aws.apigatewayv2.Route(
            f"{name}-{route.slug}-route",
            api_id=self.api.id,
            route_key=route.key,
            target=pulumi.Output.concat("integrations/", integration.id),
            authorization_type="CUSTOM",
            authorizer_id=self.authorizer.id,
            opts=child,
        )
