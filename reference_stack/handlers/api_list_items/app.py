"""GET /items: the items and whether each image is processed yet.

Only requests with the read token get here: the API's authorizer (api_authorizer) checks it before
API Gateway invokes this function. Items come from ITEMS_TABLE, a page at a time (`limit`, and
`next` from the previous page). A DynamoDB failure raises (a 500 for the caller, the Errors alarm
for the operators).
"""

from __future__ import annotations

import os
from typing import Any, Dict

import boto3

import http_helpers

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
FIELDS = ("id", "filename", "status", "key", "processedKey", "createdAt", "processedAt")

_clients: Dict[str, Any] = {}


def dynamodb_client() -> Any:
    if "dynamodb" not in _clients:
        _clients["dynamodb"] = boto3.client("dynamodb")
    return _clients["dynamodb"]


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    try:
        limit = min(max(int(query.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except ValueError:
        return http_helpers.response(400, {"message": "limit must be a number"})

    request: Dict[str, Any] = {"TableName": os.environ["ITEMS_TABLE"], "Limit": limit}
    if query.get("next"):
        request["ExclusiveStartKey"] = {"id": {"S": query["next"]}}
    page = dynamodb_client().scan(**request)
    items = [{name: item[name]["S"] for name in FIELDS if name in item} for item in page.get("Items", [])]
    last = page.get("LastEvaluatedKey")
    return http_helpers.response(200, {"items": items, "next": last["id"]["S"] if last else None})
