"""GET /items: the processed images, for callers that hold the read token.

The token is the SSM SecureString named by API_TOKEN_PARAMETER, read and decrypted at run time
(ssm_parameters). A wrong or missing token is a 401; an SSM or S3 failure raises (a 500 for the
caller, the Errors alarm for the operators).
"""

from __future__ import annotations

import os
from typing import Any, Dict

import boto3

import http_helpers
import ssm_parameters

DEFAULT_LIMIT = 50
MAX_LIMIT = 100

_clients: Dict[str, Any] = {}


def s3_client() -> Any:
    if "s3" not in _clients:
        _clients["s3"] = boto3.client("s3")
    return _clients["s3"]


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    token = ssm_parameters.get_parameter(os.environ["API_TOKEN_PARAMETER"])
    if not http_helpers.authorized(event, token):
        return http_helpers.response(401, {"message": "a valid bearer token is required"})
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
