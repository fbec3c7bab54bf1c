"""The items API's Lambda authorizer (HTTP API, payload 2.0, simple responses).

API Gateway calls it before a route's function: a request is let through only with the bearer
token of its route. TOKEN_PARAMETERS maps each route key to the NAME of the SSM SecureString that
holds that route's token (`{"GET /items": "/serverless-reference/dev/api/read-token", ...}`); the
value is read and decrypted at run time (ssm_parameters, cached for its TTL). A route without a
token is refused. API Gateway caches each answer per (Authorization header, route key), so one
route's token never opens another route.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict

import http_helpers
import ssm_parameters


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, bool]:
    parameters = json.loads(os.environ["TOKEN_PARAMETERS"])
    parameter = parameters.get(event.get("routeKey") or "")
    if not parameter:
        return {"isAuthorized": False}
    token = ssm_parameters.get_parameter(parameter)
    return {"isAuthorized": http_helpers.authorized(event, token)}
