"""Resize an uploaded image into a web-ready copy.

Invoked by S3 for objects created under SOURCE_PREFIX with an image suffix. Writes the copy to
DESTINATION_BUCKET under DESTINATION_PREFIX with `Cache-Control` and `Content-Type`, so browsers
and CDNs cache it correctly, then marks the upload's item (ITEMS_TABLE, `id` = the key's name
without suffix, as POST /items made it) processed; an upload no item was made for is only processed. Every failure raises: Lambda retries the asynchronous event, then
sends it to the dead-letter queue, and the Errors alarm fires - nothing fails silently.

Pillow comes from the image-library layer.
"""

from __future__ import annotations

import io
import json
import os
import time
import urllib.parse
from typing import Any, Dict, Tuple

import boto3
from botocore.exceptions import ClientError
from PIL import Image, ImageOps

# suffix -> (Pillow format, Content-Type)
FORMATS: Dict[str, Tuple[str, str]] = {
    ".jpg": ("JPEG", "image/jpeg"),
    ".jpeg": ("JPEG", "image/jpeg"),
    ".png": ("PNG", "image/png"),
    ".webp": ("WEBP", "image/webp"),
}
SAVE_OPTIONS: Dict[str, Dict[str, Any]] = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}
METRICS_NAMESPACE = "ServerlessReference/ImagePipeline"

_clients: Dict[str, Any] = {}


def client(service: str) -> Any:
    """One client per service and execution environment, created on first use."""
    if service not in _clients:
        _clients[service] = boto3.client(service)
    return _clients[service]


def s3_client() -> Any:
    return client("s3")


class UnsupportedUpload(ValueError):
    """An event for an object this function must not process (raising sends it to the DLQ)."""


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    records = event.get("Records") or []
    if not records:
        raise UnsupportedUpload("the event has no S3 records")
    results = [process_record(record) for record in records]
    emit_metrics(len(results), sum(r["bytes"] for r in results))
    return {"processed": results}


def process_record(record: Dict[str, Any]) -> Dict[str, Any]:
    source_bucket = record["s3"]["bucket"]["name"]
    key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])  # S3 URL-encodes event keys
    source_prefix = os.environ["SOURCE_PREFIX"]
    if not key.startswith(source_prefix):
        raise UnsupportedUpload(f"{key!r} is outside {source_prefix!r}")
    image_format, content_type = format_of(key)

    body = s3_client().get_object(Bucket=source_bucket, Key=key)["Body"].read()
    output = resize(body, image_format, int(os.environ.get("MAX_DIMENSION", "1024")))

    destination_key = os.environ["DESTINATION_PREFIX"] + key[len(source_prefix):]
    s3_client().put_object(
        Bucket=os.environ["DESTINATION_BUCKET"],
        Key=destination_key,
        Body=output,
        ContentType=content_type,
        CacheControl=os.environ["CACHE_CONTROL"],
    )
    item = mark_processed(item_id_of(key[len(source_prefix):]), destination_key)
    return {"source": key, "destination": destination_key, "bytes": len(output), "item": item}


def item_id_of(name: str) -> str:
    return os.path.splitext(name)[0]


def mark_processed(item_id: str, destination_key: str) -> Any:
    """Set the item's status; None when no item has this id (an upload not made through the API)."""
    try:
        client("dynamodb").update_item(
            TableName=os.environ["ITEMS_TABLE"],
            Key={"id": {"S": item_id}},
            UpdateExpression="SET #status = :processed, processedKey = :key, processedAt = :at",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":processed": {"S": "processed"}, ":key": {"S": destination_key},
                                       ":at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return None
        raise
    return item_id


def format_of(key: str) -> Tuple[str, str]:
    suffix = os.path.splitext(key)[1].lower()
    if suffix not in FORMATS:
        raise UnsupportedUpload(f"{key!r} does not have an image suffix ({', '.join(FORMATS)})")
    return FORMATS[suffix]


def resize(data: bytes, image_format: str, max_dimension: int) -> bytes:
    """Fit the image into max_dimension x max_dimension, upright, in the format of its suffix.

    Pillow refuses decompression bombs (images far above Image.MAX_IMAGE_PIXELS) by raising.
    """
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)  # camera orientation applied, EXIF dropped
        image.thumbnail((max_dimension, max_dimension))
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")  # JPEG has no alpha channel
        out = io.BytesIO()
        image.save(out, format=image_format, **SAVE_OPTIONS[image_format])
        return out.getvalue()


def emit_metrics(images: int, bytes_written: int) -> None:
    """CloudWatch Embedded Metric Format: metrics through the log stream the function already
    writes - no cloudwatch:PutMetricData permission, no API call from inside the VPC."""
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    print(json.dumps({
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [{
                "Namespace": METRICS_NAMESPACE,
                "Dimensions": [["FunctionName"]],
                "Metrics": [{"Name": "ImagesProcessed", "Unit": "Count"},
                            {"Name": "BytesWritten", "Unit": "Bytes"}],
            }],
        },
        "FunctionName": function_name,
        "ImagesProcessed": images,
        "BytesWritten": bytes_written,
    }))
