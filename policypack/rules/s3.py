"""S3 resource rules: notification key filters and object caching headers.

The stack-level S3 rules live in `rules/stack/s3_wiring.py` (encryption, public access block,
TLS) and `rules/stack/s3_notifications.py` (notification wiring).
"""

from __future__ import annotations

from typing import Any, Iterator, List, Optional

from ..core.props import UNKNOWN, get, show
from ..core.rule import ADVISORY, LOW, MANDATORY, MEDIUM, Config, Resource, resource_rule
from ..core.types import BUCKET_NOTIFICATION, BUCKET_OBJECT, BUCKET_OBJECT_V2

# The destination lists of a BucketNotification; EventBridge delivery (`eventbridge: true`) has no
# key filter of its own, so it is not one of them.
NOTIFICATION_DESTINATIONS = ("lambdaFunctions", "queues", "topics")

FILTER_ADVICE = {
    # field: (what happens without it, what to do)
    "filterSuffix": (
        "objects of any type trigger this destination",
        'set the suffix of the objects it handles (e.g. ".jpg")',
    ),
    "filterPrefix": (
        "objects under any key trigger this destination",
        'set the prefix of the keys it handles (e.g. "uploads/")',
    ),
}


def _required_filters(config: Config) -> List[str]:
    required = []
    if config.get("requirePrefix") is True:
        required.append("filterPrefix")
    if config.get("requireSuffix") is True:
        required.append("filterSuffix")
    return required


def _filter_problem(list_name: str, index: int, field: str, value: Any) -> str | None:
    """A message when a filter value is missing or blank; None when it is set or unknown."""
    if value is UNKNOWN or (isinstance(value, str) and value != ""):
        return None
    path = f"{list_name}[{index}].{field}"
    effect, fix = FILTER_ADVICE[field]
    if value is None or value == "":
        state = "is not set" if value is None else "is empty"
        return f"`{path}` {state}, so {effect}: {fix}."
    return f"`{path}` is {show(value)}, not a key filter: {fix}."


@resource_rule(
    name="aws-s3-notification-filter",
    description="Every destination of an S3 bucket notification filters the object keys that trigger it.",
    resource_types=[BUCKET_NOTIFICATION],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps=(
        "Give each entry of `lambda_functions`, `queues` and `topics` on the `aws.s3.BucketNotification` a "
        '`filter_suffix` (e.g. `filter_suffix=".jpg"`) and, where the pack requires it, a `filter_prefix` '
        '(e.g. `filter_prefix="uploads/"`), so only the objects the destination handles trigger it.'
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html",
    config_options={
        "requirePrefix": {
            "type": "boolean",
            "default": False,
            "description": "Also require `filterPrefix` on every destination.",
        },
        "requireSuffix": {
            "type": "boolean",
            "default": True,
            "description": "Require `filterSuffix` on every destination.",
        },
    },
    tags=["s3", "events"],
)
def notification_filter(resource: Resource, config: Config) -> Iterator[str]:
    required = _required_filters(config)
    for list_name in NOTIFICATION_DESTINATIONS:
        destinations = get(resource.props, list_name)
        if not isinstance(destinations, list):
            continue  # absent, or unknown in preview
        for index, destination in enumerate(destinations):
            if not isinstance(destination, dict):
                continue  # an unknown element: its filters are decided in the update
            for field in required:
                problem = _filter_problem(list_name, index, field, destination.get(field))
                if problem:
                    yield problem


HEADER_ADVICE = {
    "cacheControl": (
        "browsers and CDNs then guess how long to keep it; set it "
        '(e.g. "public, max-age=31536000, immutable" for versioned files, "no-cache" for ones that change)'
    ),
    "contentType": 'S3 then serves it as binary/octet-stream; set its media type (e.g. "image/jpeg")',
}


def _is_folder_marker(props: Any) -> bool:
    """A zero-byte `prefix/` object only makes a folder show in the console: it is never served."""
    key = get(props, "key")
    return isinstance(key, str) and key.endswith("/")


# What browsers and CDNs fetch: pages, styles, scripts, the data pages load, images, fonts, media.
# Other objects a program uploads - job scripts (Glue, EMR), code archives, SQL, CSV/Parquet data - are
# read by a service or an SDK, which ignores Cache-Control and Content-Type.
WEB_EXTENSIONS = frozenset({
    "html", "htm", "css", "js", "mjs", "map", "json", "webmanifest", "xml", "txt", "wasm", "pdf",
    "svg", "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp",
    "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wav",
})
WEB_MEDIA_TYPES = ("text/html", "text/css", "text/javascript", "text/plain", "text/xml", "application/javascript",
                   "application/json", "application/manifest+json", "application/xml", "application/wasm",
                   "application/pdf", "image/", "font/", "audio/", "video/")


def _web_content(resource: Resource) -> Optional[bool]:
    """Whether the object is served to browsers, judged by its own content type or else by the extension
    of its key (the resource's name when `key` is not set: the provider's default) or of its source file;
    None when nothing that tells is known yet (preview)."""
    content_type = get(resource.props, "contentType")
    if isinstance(content_type, str) and content_type.strip():
        media_type = content_type.split(";", 1)[0].strip().lower()
        return media_type.startswith(WEB_MEDIA_TYPES)
    key = get(resource.props, "key")
    names = [key if key is not None else resource.name, _source_path(resource.props)]
    known = [n for n in names if isinstance(n, str) and n]
    if any(_extension(n) in WEB_EXTENSIONS for n in known):
        return True
    return False if known else None


def _source_path(props: Any) -> Optional[str]:
    """The file a FileAsset source uploads (`source=pulumi.FileAsset("www/index.html")`)."""
    source = props.get("source") if isinstance(props, dict) else None
    path = getattr(source, "path", None)
    return path if isinstance(path, str) else None


def _extension(name: str) -> str:
    last = name.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


@resource_rule(
    name="aws-s3-object-cache-control",
    description=(
        "S3 objects managed as resources declare the Cache-Control and Content-Type headers they are served with."
    ),
    resource_types=[BUCKET_OBJECT, BUCKET_OBJECT_V2],
    enforcement_level=ADVISORY,
    severity=LOW,
    remediation_steps=(
        "Pass `cache_control` and `content_type` to the `aws.s3.BucketObjectv2`, e.g. "
        '`aws.s3.BucketObjectv2("logo", bucket=site.id, key="logo.png", source=pulumi.FileAsset("logo.png"), '
        'content_type="image/png", cache_control="public, max-age=86400")`. '
        "The rule asks this of web content only: an object whose `contentType` is a web media type (HTML, CSS, "
        "JavaScript, JSON, XML, text, images, fonts, audio, video, PDF, WebAssembly) or, without a content type, "
        "whose key (the resource name when `key` is not set) or source file has such an extension. Job scripts "
        "(a Glue job's `.py`), code archives and data files are read by services and SDKs, which ignore both "
        "headers, so they are not reported; whether a bucket is served (website hosting, CloudFront) is not "
        "visible to a resource rule, so the object's own type decides."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html",
    tags=["s3", "caching"],
)
def object_cache_control(resource: Resource, config: Config) -> Iterator[str]:
    if _is_folder_marker(resource.props) or not _web_content(resource):
        return
    for field, advice in HEADER_ADVICE.items():
        value = get(resource.props, field)
        if value is UNKNOWN or (isinstance(value, str) and value.strip()):
            continue
        state = "is not set" if value is None else f"is {show(value)}"
        yield f"`{field}` {state}: {advice}."


POLICIES = [notification_filter, object_cache_control]
