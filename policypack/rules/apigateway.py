"""HTTP-facing resource rules: CORS origins (API Gateway v2 and REST APIs, Lambda function URLs, S3)
and HTTP API stages.

REST API stage and method rules live in `rules/apigateway_rest.py`; the stack-level wiring rules in
`rules/stack/apigateway_wiring.py`.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, List, Optional, Tuple

from ..core.props import UNKNOWN, as_list, get, show
from ..core.rule import ADVISORY, HIGH, MANDATORY, MEDIUM, Config, Resource, resource_rule
from ..core.types import (
    API_STAGE,
    BUCKET,
    BUCKET_CORS,
    BUCKET_CORS_V2,
    BUCKET_V2,
    FUNCTION_URL,
    HTTP_API,
    REST_INTEGRATION_RESPONSE,
)

# `*`, and API Gateway's scheme-wide forms `https://*` / `http://*`: each admits any site.
ANY_ORIGIN = re.compile(r"\s*(?:https?://)?\*\s*", re.IGNORECASE)

# Resource type -> where its list of allowed origins sits.
SINGLE_ORIGIN_LISTS = {
    HTTP_API: "corsConfiguration.allowOrigins",
    FUNCTION_URL: "cors.allowOrigins",
}
S3_CORS_TYPES = (BUCKET_CORS, BUCKET_CORS_V2, BUCKET, BUCKET_V2)

# REST APIs set CORS headers as integration response parameters: a static value is a quoted
# literal (`'https://app.example.com'`), anything else a mapping expression. A MethodResponse only
# declares which headers exist (true/false), and a GatewayResponse's headers go on API Gateway's own
# error responses (no data of yours): neither grants an origin anything, so neither is checked.
ALLOW_ORIGIN_PARAMETER = "method.response.header.access-control-allow-origin"
# Mapping the caller's own Origin header back admits whichever origin asks: any origin.
MIRRORED_ORIGINS = ("method.request.header.origin",)
RESPONSE_PARAMETERS = "responseParameters"


def _origin_lists(resource: Resource) -> Iterator[Tuple[str, Any]]:
    """(property path, list of origins) for each CORS origin list of the resource."""
    if resource.type == REST_INTEGRATION_RESPONSE:
        yield from _integration_response_origins(resource)
        return
    path = SINGLE_ORIGIN_LISTS.get(resource.type)
    if path is not None:
        yield path, get(resource.props, path)
        return
    rules = get(resource.props, "corsRules")
    if isinstance(rules, list):
        for index, rule in enumerate(rules):
            yield f"corsRules[{index}].allowedOrigins", get(rule, "allowedOrigins")


def _integration_response_origins(resource: Resource) -> Iterator[Tuple[str, Any]]:
    parameters = get(resource.props, RESPONSE_PARAMETERS)
    if not isinstance(parameters, dict):
        return
    for key, value in parameters.items():
        if key.lower() != ALLOW_ORIGIN_PARAMETER or not isinstance(value, str):
            continue
        path = f'{RESPONSE_PARAMETERS}["{key}"]'
        literal = value.strip()
        if len(literal) >= 2 and literal[0] == literal[-1] == "'":
            yield path, [literal[1:-1]]
        elif literal.lower() in MIRRORED_ORIGINS:
            yield path, [MirroredOrigin(literal)]


class MirroredOrigin(str):
    """A response header that repeats the request's `Origin`: whatever site asks is allowed."""


def _normalized(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def _allowed_origins(config: Config) -> List[str]:
    option = as_list(config.get("allowedOrigins"))
    if not isinstance(option, list):
        return []
    return [_normalized(o) for o in option if isinstance(o, str) and o.strip()]


def _origin_problem(path: str, origin: str, allowed: List[str]) -> Optional[str]:
    if isinstance(origin, MirroredOrigin):
        return (
            f"`{path}` is {show(str(origin))}, which repeats the caller's own Origin header and so allows any "
            "origin: return a fixed, quoted https:// origin (e.g. \"'https://app.example.com'\")."
        )
    if ANY_ORIGIN.fullmatch(origin):
        fix = ("set it to the quoted https:// origin of the web app that calls it (e.g. \"'https://app.example.com'\")"
               if path.startswith(RESPONSE_PARAMETERS) else
               'list the exact https:// origins of the web apps that call it (e.g. "https://app.example.com")')
        return f"`{path}` allows any origin ({show(origin)}): {fix}."
    if not origin.strip().lower().startswith("https://"):
        return (
            f"`{path}` holds {show(origin)}, which is not an https:// origin: "
            "serve the web app over HTTPS and list that origin."
        )
    if allowed and _normalized(origin) not in allowed:
        return (
            f"`{path}` holds {show(origin)}, which is not in the `allowedOrigins` option: "
            "remove it, or add it to `allowedOrigins` if it is a trusted web app."
        )
    return None


@resource_rule(
    name="aws-cors-no-wildcard-origin",
    description="CORS configurations allow only named https:// origins, never any origin (`*`).",
    resource_types=[HTTP_API, FUNCTION_URL, *S3_CORS_TYPES, REST_INTEGRATION_RESPONSE],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Read the web app's origins from config and pass only those, e.g. "
        "`cors_configuration=aws.apigatewayv2.ApiCorsConfigurationArgs("
        'allow_origins=config.require_object("allowedOrigins"), allow_methods=["GET", "POST"])` on '
        "`aws.apigatewayv2.Api` (likewise `cors` on `aws.lambda_.FunctionUrl` and `allowed_origins` in the "
        "`cors_rules` of `aws.s3.BucketCorsConfiguration`, and the quoted value \"'https://app.example.com'\" of "
        "`method.response.header.Access-Control-Allow-Origin` in an `aws.apigateway.IntegrationResponse`'s "
        "`response_parameters`), with every origin starting with `https://`."
    ),
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html",
    config_options={
        "allowedOrigins": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "When not empty, the only origins a CORS configuration may list "
            "(compared without case or a trailing slash).",
        },
    },
    tags=["cors", "apigateway", "lambda", "s3"],
)
def cors_no_wildcard_origin(resource: Resource, config: Config) -> Iterator[str]:
    allowed = _allowed_origins(config)
    for path, origins in _origin_lists(resource):
        if not isinstance(origins, list):
            continue  # no CORS here, or the whole list is unknown in preview
        for origin in origins:
            if not isinstance(origin, str):
                continue  # an origin not known yet (preview)
            problem = _origin_problem(path, origin, allowed)
            if problem:
                yield problem


def missing_fields(settings: Any, prefix: str, fields: Tuple[str, ...]) -> List[str]:
    """The paths of `fields` that are not set in `settings` (an unknown block or field counts as set)."""
    if settings is UNKNOWN:
        return []
    missing = []
    for field in fields:
        value = get(settings, field) if isinstance(settings, dict) else None
        if value is None or value == "":
            missing.append(f"`{prefix}.{field}`")
    return missing


def join_paths(paths: List[str]) -> Tuple[str, str]:
    """("`a` and `b`", "are") or ("`a`", "is")."""
    if len(paths) == 1:
        return paths[0], "is"
    return ", ".join(paths[:-1]) + " and " + paths[-1], "are"


THROTTLING_LIMITS = ("throttlingBurstLimit", "throttlingRateLimit")


def _throttles_routes(route_settings: Any) -> bool:
    """Whether `routeSettings` gives at least one route both limits (an unknown list or entry may)."""
    if route_settings is UNKNOWN:
        return True
    if not isinstance(route_settings, list):
        return False
    return any(entry is UNKNOWN
               or (isinstance(entry, dict) and not missing_fields(entry, "routeSettings", THROTTLING_LIMITS))
               for entry in route_settings)


@resource_rule(
    name="aws-apigatewayv2-stage-access-logging",
    description="API Gateway v2 stages write access logs and throttle requests by default.",
    resource_types=[API_STAGE],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "On the `aws.apigatewayv2.Stage` pass `access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs("
        'destination_arn=access_logs.arn, format=json.dumps({"requestId": "$context.requestId", '
        '"status": "$context.status", "routeKey": "$context.routeKey"}))` with an `aws.cloudwatch.LogGroup` '
        "(set `retention_in_days`), and `default_route_settings=aws.apigatewayv2.StageDefaultRouteSettingsArgs("
        "throttling_burst_limit=100, throttling_rate_limit=50)` sized for the API. Limits set per route in "
        "`route_settings` count too: a stage that gives a route both limits there throttles on purpose (a resource "
        "rule cannot see which routes the API has, so it does not ask for defaults then); still, defaults also "
        "cover the routes added later."
    ),
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
    tags=["apigateway", "logging", "throttling"],
)
def stage_access_logging(resource: Resource, config: Config) -> Iterator[str]:
    logging = missing_fields(
        get(resource.props, "accessLogSettings"), "accessLogSettings", ("destinationArn", "format")
    )
    if logging:
        paths, verb = join_paths(logging)
        yield (
            f"{paths} {verb} not set, so requests to this stage leave no access log: send them to a "
            "CloudWatch log group with a format that includes $context.requestId."
        )
    throttling = missing_fields(get(resource.props, "defaultRouteSettings"), "defaultRouteSettings",
                                THROTTLING_LIMITS)
    if throttling and not _throttles_routes(get(resource.props, "routeSettings")):
        paths, verb = join_paths(throttling)
        yield (
            f"{paths} {verb} not set, so only the account-wide limit throttles this stage: set limits sized "
            "for the API so that a burst of requests cannot overwhelm the integrations behind it."
        )


POLICIES = [cors_no_wildcard_origin, stage_access_logging]
