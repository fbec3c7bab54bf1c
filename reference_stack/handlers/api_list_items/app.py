"""GET /items: the processed images.

Only requests with the read token get here: the API's authorizer (api_authorizer) checks it before
API Gateway invokes this function. An S3 failure raises (a 500 for the caller, the Errors alarm for
the operators).
"""

from __future__ import annotations

import os
from typing import Any, Dict

import boto3

import http_helpers

DEFAULT_LIMIT = 50
MAX_LIMIT = 100

_clients: Dict[str, Any] = {}


def s3_client() -> Any:
    if "s3" not in _clients:
        _clients["s3"] = boto3.client("s3")
    return _clients["s3"]


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    try:
        limit = min(max(int(query.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except ValueError:
        return http_helpers.response(400, {"message": "limit must be a number"})

    prefix = os.environ["IMAGES_PREFIX"]
    request = {"Bucket": os.environ["IMAGES_BUCKET"], "Prefix": prefix, "MaxKeys": limit}
    if query.get("next"):
        request["ContinuationToken"] = query["next"]
    listing = s3_client().list_objects_v2(**request)
    items = [
        {"key": item["Key"][len(prefix):], "size": item["Size"], "lastModified": item["LastModified"].isoformat()}
        for item in listing.get("Contents", [])
    ]
    return http_helpers.response(200, {"items": items, "next": listing.get("NextContinuationToken")})
