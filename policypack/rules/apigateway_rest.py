"""REST API (API Gateway v1) resource rules: stages write access logs, methods require authorization.

The wiring of REST API integrations to functions is a stack rule (`rules/stack/apigateway_wiring.py`);
CORS headers of integration responses are `aws-cors-no-wildcard-origin`'s (`rules/apigateway.py`).
"""

from __future__ import annotations

import fnmatch
from typing import Iterator, List

from ..core.props import UNKNOWN, as_list, get, show
from ..core.rule import ADVISORY, MEDIUM, Config, Resource, resource_rule
from ..core.types import REST_METHOD, REST_STAGE
from .apigateway import join_paths, missing_fields

# CORS preflight requests carry no credentials: an OPTIONS method is public by design.
PREFLIGHT = "OPTIONS"
NO_AUTHORIZATION = "NONE"


@resource_rule(
    name="aws-apigateway-stage-access-logging",
    description="REST API stages write access logs.",
    resource_types=[REST_STAGE],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "On the `aws.apigateway.Stage` pass `access_log_settings=aws.apigateway.StageAccessLogSettingsArgs("
        'destination_arn=access_logs.arn, format=json.dumps({"requestId": "$context.requestId", '
        '"status": "$context.status", "resourcePath": "$context.resourcePath"}))` with an '
        "`aws.cloudwatch.LogGroup` (set `retention_in_days`); the account needs an "
        "`aws.apigateway.Account` whose CloudWatch role may write logs."
    ),
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    tags=["apigateway", "logging"],
)
def rest_stage_access_logging(resource: Resource, config: Config) -> Iterator[str]:
    missing = missing_fields(get(resource.props, "accessLogSettings"), "accessLogSettings",
                             ("destinationArn", "format"))
    if missing:
        paths, verb = join_paths(missing)
        yield (
            f"{paths} {verb} not set, so requests to this stage leave no access log: send them to a "
            "CloudWatch log group with a format that includes $context.requestId."
        )


def _public_methods(config: Config) -> List[str]:
    option = as_list(config.get("publicMethods"))
    if not isinstance(option, list):
        return []
    return [p for p in option if isinstance(p, str) and p.strip()]


def _listed(resource: Resource, patterns: List[str]) -> bool:
    return any(fnmatch.fnmatchcase(resource.name, p) or p == resource.urn for p in patterns)


@resource_rule(
    name="aws-apigateway-method-authorized",
    description="REST API methods require authorization, except CORS preflight (OPTIONS) and listed public methods.",
    resource_types=[REST_METHOD],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "Set `authorization` on the `aws.apigateway.Method` to \"AWS_IAM\", \"COGNITO_USER_POOLS\" (with "
        "`authorizer_id` of an `aws.apigateway.Authorizer`) or \"CUSTOM\" (a Lambda authorizer). A method that "
        "is public on purpose goes into the `publicMethods` option by its logical name."
    ),
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
    config_options={
        "publicMethods": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Logical names (shell-style globs allowed) or URNs of the Method resources that "
                           "may be called without authorization.",
        },
    },
    tags=["apigateway", "authentication"],
)
def method_authorized(resource: Resource, config: Config) -> Iterator[str]:
    method = get(resource.props, "httpMethod")
    authorization = get(resource.props, "authorization")
    if method is UNKNOWN or authorization is UNKNOWN:
        return
    if isinstance(method, str) and method.upper() == PREFLIGHT:
        return
    if not (isinstance(authorization, str) and authorization.upper() == NO_AUTHORIZATION):
        return  # AWS_IAM, CUSTOM, COGNITO_USER_POOLS (the provider requires the property)
    if _listed(resource, _public_methods(config)):
        return
    api_key = get(resource.props, "apiKeyRequired") is True
    note = (" (`apiKeyRequired` identifies callers for usage plans; an API key is not authorization)"
            if api_key else "")
    yield (
        f"`authorization` is {show(authorization)}, so anyone who has the URL can call {show(method)} on "
        f"this method{note}: use \"AWS_IAM\", \"COGNITO_USER_POOLS\" or \"CUSTOM\" (a Lambda authorizer), or "
        f"add {show(resource.name)} to the `publicMethods` option if it is public on purpose."
    )


POLICIES = [rest_stage_access_logging, method_authorized]
