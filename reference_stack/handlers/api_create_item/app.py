"""POST /items: record an item and hand out a presigned URL to upload its image.

Body: {"filename": "cat.jpg"}. The item ({"id", "filename", "key", "contentType", "status":
"pending", "createdAt"}) goes into ITEMS_TABLE; the upload goes to UPLOAD_BUCKET under UPLOAD_PREFIX
as `<id><suffix>`, which the image pipeline then processes and marks "processed". Only requests with
the write token get here: the API's authorizer (api_authorizer) checks it before API Gateway invokes
this function.
"""

from __future__ import annotations

import datetime
import os
import uuid
from typing import Any, Dict

import boto3
from botocore.config import Config

import http_helpers

CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
URL_LIFETIME_SECONDS = 300
MAX_FILENAME = 200

_clients: Dict[str, Any] = {}


def s3_client() -> Any:
    if "s3" not in _clients:
        _clients["s3"] = boto3.client("s3", config=Config(signature_version="s3v4"))
    return _clients["s3"]


def dynamodb_client() -> Any:
    if "dynamodb" not in _clients:
        _clients["dynamodb"] = boto3.client("dynamodb")
    return _clients["dynamodb"]


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    try:
        body = http_helpers.json_body(event) or {}
    except ValueError:
        return http_helpers.response(400, {"message": "the body must be JSON"})
    filename = body.get("filename") if isinstance(body, dict) else None
    suffix = os.path.splitext(filename)[1].lower() if isinstance(filename, str) else ""
    if suffix not in CONTENT_TYPES or len(filename) > MAX_FILENAME:
        return http_helpers.response(400, {"message": f"filename must end with one of {', '.join(CONTENT_TYPES)}"
                                                      f" and have at most {MAX_FILENAME} characters"})

    item_id = uuid.uuid4().hex
    key = f"{os.environ['UPLOAD_PREFIX']}{item_id}{suffix}"
    dynamodb_client().put_item(
        TableName=os.environ["ITEMS_TABLE"],
        Item={"id": {"S": item_id}, "filename": {"S": filename}, "key": {"S": key},
              "contentType": {"S": CONTENT_TYPES[suffix]}, "status": {"S": "pending"},
              "createdAt": {"S": datetime.datetime.now(datetime.timezone.utc).isoformat()}},
        ConditionExpression="attribute_not_exists(id)",  # never overwrite an item
    )
    url = s3_client().generate_presigned_url(
        "put_object",
        Params={"Bucket": os.environ["UPLOAD_BUCKET"], "Key": key, "ContentType": CONTENT_TYPES[suffix]},
        ExpiresIn=URL_LIFETIME_SECONDS,
    )
    return http_helpers.response(201, {"id": item_id, "key": key, "uploadUrl": url,
                                       "contentType": CONTENT_TYPES[suffix], "expiresIn": URL_LIFETIME_SECONDS})
