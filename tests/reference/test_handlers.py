"""The reference stack's handler code against moto's S3, SSM and DynamoDB (no AWS account needed).

Each test loads the handler the way Lambda does - its folder plus the shared code bundled with it
on the path, `app` imported fresh (so module-level clients and caches start empty).
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import urllib.parse
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws
from PIL import Image, UnidentifiedImageError

HANDLERS = Path(__file__).resolve().parents[2] / "reference_stack" / "handlers"
REGION = "us-west-2"
UPLOADS = "uploads-bucket"
IMAGES = "images-bucket"
CACHE_CONTROL = "public, max-age=31536000, immutable"
READ_TOKEN_PARAMETER = "/serverless-reference/dev/api/read-token"
WRITE_TOKEN_PARAMETER = "/serverless-reference/dev/api/write-token"
READ_TOKEN = "read-token-value-123"
WRITE_TOKEN = "write-token-value-456"
SHARED_MODULES = ("ssm_parameters", "http_helpers")
ITEMS_TABLE = "serverless-reference-dev-items"


@pytest.fixture
def aws(monkeypatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3")
        for bucket in (UPLOADS, IMAGES):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        boto3.client("dynamodb").create_table(  # as storage.ItemsTable declares it
            TableName=ITEMS_TABLE, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        monkeypatch.setenv("ITEMS_TABLE", ITEMS_TABLE)
        yield


def load_handler(name: str, monkeypatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(HANDLERS / "shared"))
    for module in SHARED_MODULES:
        sys.modules.pop(module, None)  # a fresh execution environment: empty caches
    spec = importlib.util.spec_from_file_location(f"reference_handler_{name}", HANDLERS / name / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the image processor --------------------------------------------------------------------------------

@pytest.fixture
def processor(aws, monkeypatch) -> ModuleType:
    for name, value in {"SOURCE_PREFIX": "uploads/", "DESTINATION_BUCKET": IMAGES, "DESTINATION_PREFIX": "processed/",
                        "CACHE_CONTROL": CACHE_CONTROL, "MAX_DIMENSION": "1024"}.items():
        monkeypatch.setenv(name, value)
    return load_handler("image_processor", monkeypatch)


def image_bytes(image_format: str, size, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    color = (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)
    Image.new(mode, size, color=color).save(out, format=image_format)
    return out.getvalue()


def s3_event(bucket: str, key: str) -> Dict[str, Any]:
    """What S3 sends: the key URL-encoded (spaces as '+')."""
    return {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                         "s3": {"bucket": {"name": bucket}, "object": {"key": urllib.parse.quote_plus(key)}}}]}


@pytest.mark.parametrize("key, source_format, size, mode, content_type, output_format, output_size", [
    ("uploads/holiday/my cat.jpg", "JPEG", (2000, 1000), "RGB", "image/jpeg", "JPEG", (1024, 512)),
    ("uploads/a.jpeg", "JPEG", (800, 1200), "RGB", "image/jpeg", "JPEG", (683, 1024)),
    ("uploads/logo.png", "PNG", (1600, 1600), "RGBA", "image/png", "PNG", (1024, 1024)),
    ("uploads/small.webp", "WEBP", (300, 200), "RGB", "image/webp", "WEBP", (300, 200)),
    ("uploads/transparent.jpg", "PNG", (400, 400), "RGBA", "image/jpeg", "JPEG", (400, 400)),
])
def test_the_processor_writes_a_resized_copy_with_cache_control_and_content_type(
        processor, capsys, key, source_format, size, mode, content_type, output_format, output_size):
    s3 = boto3.client("s3")
    s3.put_object(Bucket=UPLOADS, Key=key, Body=image_bytes(source_format, size, mode))

    result = processor.handler(s3_event(UPLOADS, key), None)

    destination = "processed/" + key[len("uploads/"):]
    written = s3.get_object(Bucket=IMAGES, Key=destination)
    assert written["ContentType"] == content_type
    assert written["CacheControl"] == CACHE_CONTROL
    body = written["Body"].read()
    # uploads made outside the API have no item: processed all the same
    assert result == {"processed": [{"source": key, "destination": destination, "bytes": len(body), "item": None}]}
    with Image.open(io.BytesIO(body)) as image:
        assert (image.format, image.size) == (output_format, output_size)
    metrics = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (metrics["ImagesProcessed"], metrics["BytesWritten"]) == (1, len(body))
    assert metrics["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "ServerlessReference/ImagePipeline"


def items() -> Dict[str, Dict[str, str]]:
    found = boto3.client("dynamodb").scan(TableName=ITEMS_TABLE)["Items"]
    return {i["id"]["S"]: {k: v["S"] for k, v in i.items()} for i in found}


def put_item(item_id: str, **fields: str) -> None:
    item = {"id": item_id, "status": "pending", **fields}
    boto3.client("dynamodb").put_item(TableName=ITEMS_TABLE, Item={k: {"S": v} for k, v in item.items()})


def test_the_processor_marks_the_uploads_item_processed(processor):
    put_item("0a1b2c", filename="cat.png", key="uploads/0a1b2c.png")
    boto3.client("s3").put_object(Bucket=UPLOADS, Key="uploads/0a1b2c.png", Body=image_bytes("PNG", (20, 20)))
    result = processor.handler(s3_event(UPLOADS, "uploads/0a1b2c.png"), None)
    assert result["processed"][0]["item"] == "0a1b2c"
    item = items()["0a1b2c"]
    assert (item["status"], item["processedKey"]) == ("processed", "processed/0a1b2c.png")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item["processedAt"])


def test_a_failed_item_update_raises(processor, monkeypatch):
    monkeypatch.setenv("ITEMS_TABLE", "no-such-table")
    boto3.client("s3").put_object(Bucket=UPLOADS, Key="uploads/a.png", Body=image_bytes("PNG", (10, 10)))
    with pytest.raises(ClientError) as raised:
        processor.handler(s3_event(UPLOADS, "uploads/a.png"), None)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def _nothing_written() -> bool:
    return "Contents" not in boto3.client("s3").list_objects_v2(Bucket=IMAGES)


def test_a_missing_upload_raises_so_the_event_goes_to_the_dead_letter_queue(processor):
    with pytest.raises(ClientError) as raised:
        processor.handler(s3_event(UPLOADS, "uploads/gone.jpg"), None)
    assert raised.value.response["Error"]["Code"] == "NoSuchKey"
    assert _nothing_written()


def test_an_upload_that_is_not_an_image_raises(processor):
    boto3.client("s3").put_object(Bucket=UPLOADS, Key="uploads/fake.png", Body=b"<html>not an image</html>")
    with pytest.raises(UnidentifiedImageError):
        processor.handler(s3_event(UPLOADS, "uploads/fake.png"), None)
    assert _nothing_written()


@pytest.mark.parametrize("key, message", [
    ("other/a.jpg", "'other/a.jpg' is outside 'uploads/'"),
    ("uploads/anim.gif", "'uploads/anim.gif' does not have an image suffix (.jpg, .jpeg, .png, .webp)"),
])
def test_events_the_processor_must_not_handle_raise(processor, key, message):
    boto3.client("s3").put_object(Bucket=UPLOADS, Key=key, Body=image_bytes("PNG", (10, 10)))
    with pytest.raises(processor.UnsupportedUpload, match=f"^{message.replace('(', '[(]').replace(')', '[)]')}$"):
        processor.handler(s3_event(UPLOADS, key), None)
    assert _nothing_written()


def test_an_event_without_records_raises(processor):
    with pytest.raises(processor.UnsupportedUpload, match="^the event has no S3 records$"):
        processor.handler({"Records": []}, None)


def test_a_failed_write_raises(processor, monkeypatch):
    monkeypatch.setenv("DESTINATION_BUCKET", "no-such-bucket")
    boto3.client("s3").put_object(Bucket=UPLOADS, Key="uploads/a.png", Body=image_bytes("PNG", (10, 10)))
    with pytest.raises(ClientError) as raised:
        processor.handler(s3_event(UPLOADS, "uploads/a.png"), None)
    assert raised.value.response["Error"]["Code"] == "NoSuchBucket"


# -- the API handlers ------------------------------------------------------------------------------------

@pytest.fixture
def parameters(aws) -> Any:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=READ_TOKEN_PARAMETER, Value=READ_TOKEN, Type="SecureString")
    ssm.put_parameter(Name=WRITE_TOKEN_PARAMETER, Value=WRITE_TOKEN, Type="SecureString")
    return ssm


@pytest.fixture
def authorizer(parameters, monkeypatch) -> ModuleType:
    # the parameter NAMES, never the values
    monkeypatch.setenv("TOKEN_PARAMETERS", json.dumps({
        "GET /items": READ_TOKEN_PARAMETER, "POST /items": WRITE_TOKEN_PARAMETER, "GET /health": READ_TOKEN_PARAMETER}))
    monkeypatch.setenv("PARAMETER_CACHE_TTL_SECONDS", "300")
    return load_handler("api_authorizer", monkeypatch)


@pytest.fixture
def list_items(aws, monkeypatch) -> ModuleType:
    return load_handler("api_list_items", monkeypatch)


@pytest.fixture
def create_item(aws, monkeypatch) -> ModuleType:
    monkeypatch.setenv("UPLOAD_BUCKET", UPLOADS)
    monkeypatch.setenv("UPLOAD_PREFIX", "uploads/")
    return load_handler("api_create_item", monkeypatch)


def request(token: str = "", body: Any = None, query: Dict[str, str] = None) -> Dict[str, Any]:
    """An HTTP API (payload 2.0) event, as the function receives it once the authorizer let it through."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return {"version": "2.0", "headers": headers, "queryStringParameters": query,
            "body": body if body is None or isinstance(body, str) else json.dumps(body), "isBase64Encoded": False}


def authorizer_request(route_key: str, authorization: str = "") -> Dict[str, Any]:
    """What API Gateway sends a REQUEST authorizer (payload 2.0) for a route."""
    headers = {"authorization": authorization} if authorization else {}
    return {"version": "2.0", "type": "REQUEST", "routeKey": route_key, "headers": headers,
            "identitySource": [authorization, route_key] if authorization else [route_key],
            "routeArn": f"arn:aws:execute-api:{REGION}:123456789012:a1b2c3d4e5/$default/{route_key.replace(' ', '')}"}


def authorized(authorizer: ModuleType, route_key: str, token: str) -> bool:
    answer = authorizer.handler(authorizer_request(route_key, f"Bearer {token}" if token else ""), None)
    assert set(answer) == {"isAuthorized"}  # a simple response, nothing else
    return answer["isAuthorized"]


def test_the_secure_string_is_read_decrypted_at_run_time(parameters):
    # without WithDecryption SSM returns ciphertext, so the token check below would fail
    raw = parameters.get_parameter(Name=READ_TOKEN_PARAMETER)["Parameter"]["Value"]
    assert raw != READ_TOKEN


@pytest.mark.parametrize("route_key, token", [("GET /items", READ_TOKEN), ("POST /items", WRITE_TOKEN),
                                              ("GET /health", READ_TOKEN)])
def test_the_authorizer_lets_each_route_through_with_its_own_token(authorizer, route_key, token):
    assert authorized(authorizer, route_key, token) is True


@pytest.mark.parametrize("route_key, authorization", [
    ("GET /items", ""), ("GET /items", "Bearer wrong-token"), ("GET /items", f"Bearer {WRITE_TOKEN}"),
    ("GET /items", f"Basic {READ_TOKEN}"), ("POST /items", f"Bearer {READ_TOKEN}"),
    ("DELETE /items", f"Bearer {WRITE_TOKEN}"),  # a route without a token is refused
])
def test_the_authorizer_refuses_other_tokens(authorizer, route_key, authorization):
    assert authorizer.handler(authorizer_request(route_key, authorization), None) == {"isAuthorized": False}


def test_list_items_returns_the_items_and_their_status(list_items):
    put_item("a1", filename="a.jpg", key="uploads/a1.jpg")
    put_item("b2", filename="b.png", key="uploads/b2.png", status="processed", processedKey="processed/b2.png")
    response = list_items.handler(request(READ_TOKEN), None)
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert sorted((i["id"], i["filename"], i["status"]) for i in body["items"]) == [
        ("a1", "a.jpg", "pending"), ("b2", "b.png", "processed")]
    assert body["next"] is None
    assert response["headers"]["cache-control"] == "no-store"


def test_list_items_pages(list_items):
    for item_id in ("a1", "b2"):
        put_item(item_id, filename=f"{item_id}.jpg")
    first = json.loads(list_items.handler(request(READ_TOKEN, query={"limit": "1"}), None)["body"])
    second = json.loads(list_items.handler(request(READ_TOKEN, query={"limit": "1", "next": first["next"]}), None)["body"])
    assert sorted(i["id"] for i in first["items"] + second["items"]) == ["a1", "b2"]


def test_a_missing_parameter_raises(authorizer, parameters):
    parameters.delete_parameter(Name=READ_TOKEN_PARAMETER)
    with pytest.raises(ClientError) as raised:
        authorized(authorizer, "GET /items", READ_TOKEN)
    assert raised.value.response["Error"]["Code"] == "ParameterNotFound"


def test_the_parameter_is_cached_for_its_ttl_then_read_again(authorizer, parameters):
    cache = authorizer.ssm_parameters
    now = [1000.0]
    cache.clock = lambda: now[0]
    assert authorized(authorizer, "GET /items", READ_TOKEN)
    parameters.put_parameter(Name=READ_TOKEN_PARAMETER, Value="rotated-token", Type="SecureString", Overwrite=True)

    now[0] += 299  # within the TTL: the cached value, no SSM call
    assert authorized(authorizer, "GET /items", READ_TOKEN)
    assert not authorized(authorizer, "GET /items", "rotated-token")

    now[0] += 2  # past the TTL: read again, the rotated value applies
    assert authorized(authorizer, "GET /items", "rotated-token")
    assert not authorized(authorizer, "GET /items", READ_TOKEN)


def test_the_cache_spares_ssm_calls(authorizer, parameters):
    calls = []
    client = authorizer.ssm_parameters.ssm_client()
    original = client.get_parameter

    def counting(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    client.get_parameter = counting
    for route_key in ("GET /items", "GET /health", "GET /items"):
        authorized(authorizer, route_key, READ_TOKEN)
    assert calls == [{"Name": READ_TOKEN_PARAMETER, "WithDecryption": True}]


def test_create_item_records_the_item_and_hands_out_a_working_presigned_upload_url(create_item):
    response = create_item.handler(request(WRITE_TOKEN, {"filename": "Holiday Cat.PNG"}), None)
    assert response["statusCode"] == 201
    body = json.loads(response["body"])
    assert body["key"] == f"uploads/{body['id']}.png"
    item = items()[body["id"]]
    assert {k: item[k] for k in ("filename", "key", "contentType", "status")} == {
        "filename": "Holiday Cat.PNG", "key": body["key"], "contentType": "image/png", "status": "pending"}
    assert (body["contentType"], body["expiresIn"]) == ("image/png", 300)
    assert "X-Amz-Signature=" in body["uploadUrl"]

    upload = requests.put(body["uploadUrl"], data=image_bytes("PNG", (5, 5)), headers={"Content-Type": "image/png"})
    assert upload.status_code == 200
    stored = boto3.client("s3").head_object(Bucket=UPLOADS, Key=body["key"])
    assert stored["ContentType"] == "image/png"


BAD_NAME = "filename must end with one of .jpg, .jpeg, .png, .webp and have at most 200 characters"


@pytest.mark.parametrize("event, status, message", [
    (request(WRITE_TOKEN, {"filename": "notes.txt"}), 400, BAD_NAME),
    (request(WRITE_TOKEN, {}), 400, BAD_NAME),
    (request(WRITE_TOKEN, {"filename": "x" * 200 + ".jpg"}), 400, BAD_NAME),
    (request(WRITE_TOKEN, "{not json"), 400, "the body must be JSON"),
])
def test_create_item_refuses_bad_requests(create_item, event, status, message):
    response = create_item.handler(event, None)
    assert (response["statusCode"], json.loads(response["body"])) == (status, {"message": message})
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=UPLOADS)
    assert items() == {}


def test_health_answers_without_any_secret(monkeypatch):
    health = load_handler("api_health", monkeypatch)
    response = health.handler({}, None)
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["status"] == "ok"
