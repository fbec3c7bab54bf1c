import pytest

from policypack.core.rule import Resource
from policypack.core.types import BUCKET, BUCKET_NOTIFICATION, BUCKET_OBJECT, BUCKET_OBJECT_V2
from policypack.rules.s3 import notification_filter, object_cache_control
from tests.support.harness import UNKNOWN_ARRAY, UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze

FILTER = "aws-s3-notification-filter"
CACHE = "aws-s3-object-cache-control"

FN_ARN = "arn:aws:lambda:us-west-2:123456789012:function:resize"
QUEUE_ARN = "arn:aws:sqs:us-west-2:123456789012:uploads"
TOPIC_ARN = "arn:aws:sns:us-west-2:123456789012:uploads"

NO_SUFFIX = 'so objects of any type trigger this destination: set the suffix of the objects it handles (e.g. ".jpg").'
NO_PREFIX = (
    'so objects under any key trigger this destination: set the prefix of the keys it handles (e.g. "uploads/").'
)


def filter_violation(message: str) -> Violation:
    return Violation(FILTER, "mandatory", message, "")


def notification(**destinations):
    return {"bucket": "uploads-123456789012", **destinations}


# -- aws-s3-notification-filter ---------------------------------------------------------------


def test_every_destination_with_a_suffix_passes():
    props = notification(
        lambdaFunctions=[{"lambdaFunctionArn": FN_ARN, "events": ["s3:ObjectCreated:*"], "filterSuffix": ".jpg"}],
        queues=[{"queueArn": QUEUE_ARN, "events": ["s3:ObjectCreated:*"], "filterSuffix": ".csv"}],
        topics=[{"topicArn": TOPIC_ARN, "events": ["s3:ObjectRemoved:*"], "filterSuffix": ".png"}],
    )
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props) == []


def test_lambda_destination_without_suffix_is_reported():
    props = notification(lambdaFunctions=[{"lambdaFunctionArn": FN_ARN, "events": ["s3:ObjectCreated:*"]}])
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props) == [
        filter_violation(f"`lambdaFunctions[0].filterSuffix` is not set, {NO_SUFFIX}")
    ]


def test_blank_suffix_next_to_a_prefix_is_reported():
    # seed 000: filter_prefix="uploads/" and a blank suffix
    props = notification(
        lambdaFunctions=[{"lambdaFunctionArn": FN_ARN, "filterPrefix": "uploads/", "filterSuffix": ""}]
    )
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props) == [
        filter_violation(f"`lambdaFunctions[0].filterSuffix` is empty, {NO_SUFFIX}")
    ]


def test_each_unfiltered_queue_and_topic_is_reported_by_index():
    props = notification(
        queues=[{"queueArn": QUEUE_ARN, "filterSuffix": ".csv"}, {"queueArn": QUEUE_ARN}],
        topics=[{"topicArn": TOPIC_ARN}],
    )
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props) == [
        filter_violation(f"`queues[1].filterSuffix` is not set, {NO_SUFFIX}"),
        filter_violation(f"`topics[0].filterSuffix` is not set, {NO_SUFFIX}"),
    ]


def test_suffix_of_the_wrong_type_is_reported():
    props = notification(topics=[{"topicArn": TOPIC_ARN, "filterSuffix": 5}])
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props) == [
        filter_violation(
            '`topics[0].filterSuffix` is 5, not a key filter: set the suffix of the objects it handles (e.g. ".jpg").'
        )
    ]


def test_unknown_filters_and_destinations_in_preview_are_deferred():
    props = notification(
        lambdaFunctions=[{"lambdaFunctionArn": UNKNOWN_STRING, "filterSuffix": UNKNOWN_STRING}, UNKNOWN_OBJECT],
        queues=UNKNOWN_ARRAY,
    )
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props) == []


def test_eventbridge_only_notification_is_not_applicable():
    assert analyze(notification_filter, BUCKET_NOTIFICATION, notification(eventbridge=True)) == []


def test_other_types_are_not_applicable_to_the_filter_rule():
    assert analyze(notification_filter, BUCKET, {"lambdaFunctions": [{"lambdaFunctionArn": FN_ARN}]}) == []


def test_require_prefix_reports_missing_prefixes():
    props = notification(
        lambdaFunctions=[{"lambdaFunctionArn": FN_ARN, "filterPrefix": "uploads/", "filterSuffix": ".jpg"}],
        queues=[{"queueArn": QUEUE_ARN, "filterSuffix": ".csv"}],
    )
    config = {FILTER: {"requirePrefix": True}}
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props, config=config) == [
        filter_violation(f"`queues[0].filterPrefix` is not set, {NO_PREFIX}")
    ]


def test_require_suffix_false_accepts_prefix_only_filters():
    props = notification(lambdaFunctions=[{"lambdaFunctionArn": FN_ARN, "filterPrefix": "uploads/"}])
    config = {FILTER: {"requirePrefix": True, "requireSuffix": False}}
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props, config=config) == []


def test_require_suffix_false_with_empty_prefix_reports_the_prefix_only():
    props = notification(lambdaFunctions=[{"lambdaFunctionArn": FN_ARN, "filterPrefix": ""}])
    config = {FILTER: {"requirePrefix": True, "requireSuffix": False}}
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props, config=config) == [
        filter_violation(f"`lambdaFunctions[0].filterPrefix` is empty, {NO_PREFIX}")
    ]


def test_nothing_required_accepts_unfiltered_destinations():
    props = notification(queues=[{"queueArn": QUEUE_ARN}])
    config = {FILTER: {"requireSuffix": False}}
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props, config=config) == []


def test_config_level_override_reaches_the_violation():
    props = notification(queues=[{"queueArn": QUEUE_ARN}])
    config = {FILTER: {"enforcementLevel": "advisory"}}
    assert analyze(notification_filter, BUCKET_NOTIFICATION, props, config=config) == [
        Violation(FILTER, "advisory", f"`queues[0].filterSuffix` is not set, {NO_SUFFIX}", "")
    ]


def test_malformed_notification_does_not_raise():
    # the raw check, so that an exception would fail the test instead of being logged by the policy
    props = {"lambdaFunctions": "not-a-list", "queues": [None, 3, "x"], "topics": {"a": 1}}
    resource = Resource(BUCKET_NOTIFICATION, "n", "urn", props)
    assert list(notification_filter.check(resource, notification_filter.config_defaults)) == []


# -- aws-s3-object-cache-control --------------------------------------------------------------

NO_CACHE_CONTROL = (
    "browsers and CDNs then guess how long to keep it; set it "
    '(e.g. "public, max-age=31536000, immutable" for versioned files, "no-cache" for ones that change).'
)
NO_CONTENT_TYPE = 'S3 then serves it as binary/octet-stream; set its media type (e.g. "image/jpeg").'


def cache_violation(message: str) -> Violation:
    return Violation(CACHE, "advisory", message, "")


def test_object_with_both_headers_passes():
    props = {"bucket": "site", "key": "logo.png", "cacheControl": "public, max-age=86400", "contentType": "image/png"}
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, props) == []


def test_object_without_headers_is_reported_for_each():
    props = {"bucket": "site", "key": "resized/cat.jpg"}
    assert analyze(object_cache_control, BUCKET_OBJECT, props) == [
        cache_violation(f"`cacheControl` is not set: {NO_CACHE_CONTROL}"),
        cache_violation(f"`contentType` is not set: {NO_CONTENT_TYPE}"),
    ]


def test_blank_cache_control_is_reported_with_its_value():
    props = {"bucket": "site", "key": "index.html", "cacheControl": " ", "contentType": "text/html"}
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, props) == [
        cache_violation(f'`cacheControl` is " ": {NO_CACHE_CONTROL}')
    ]


def test_unknown_headers_in_preview_are_deferred():
    props = {"bucket": UNKNOWN_STRING, "key": UNKNOWN_STRING, "cacheControl": UNKNOWN_STRING, "contentType": UNKNOWN_STRING}
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, props) == []


def test_folder_marker_object_is_not_applicable():
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, {"bucket": "site", "key": "uploads/"}) == []


def test_other_types_are_not_applicable_to_the_cache_rule():
    assert analyze(object_cache_control, BUCKET, {"bucket": "site"}) == []


def file_asset(path: str) -> dict:
    """A `pulumi.FileAsset` as the engine sends it."""
    return {"4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", "path": path}


def test_etl_script_object_is_not_web_content():
    """The shape of pulumi/examples aws-py-redshift-glue-etl: a Glue job's script uploaded with no key (the
    provider uses the resource name) and no headers. Glue reads it; no browser ever does."""
    props = {"bucket": "glue-jobs-1a2b3c4", "source": file_asset("./glue-job.py")}
    assert analyze(object_cache_control, BUCKET_OBJECT, props, name="glue-job.py") == []
    props = {"bucket": "glue-jobs-1a2b3c4", "key": "scripts/etl.py", "source": file_asset("etl.py")}
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, props, name="etl-script") == []


@pytest.mark.parametrize("props", [
    {"bucket": "b", "key": "layers/pillow.zip", "source": file_asset("build/pillow.zip")},
    {"bucket": "b", "key": "schema.sql"},
    {"bucket": "b", "key": "data/2024/events.csv"},
    {"bucket": "b", "key": "handler", "contentType": "application/zip"},
    {"bucket": "b", "key": "job.py", "contentType": "text/x-python"},
])
def test_objects_that_are_not_web_content_are_not_applicable(props):
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, props, name="data") == []


def test_web_content_is_recognised_by_name_source_or_content_type():
    # no key: the provider names the object after the resource ("index.html"), as in aws-py-s3-folder
    assert analyze(object_cache_control, BUCKET_OBJECT, {"bucket": "site", "source": file_asset("www/index.html")},
                   name="index.html") == [cache_violation(f"`cacheControl` is not set: {NO_CACHE_CONTROL}"),
                                          cache_violation(f"`contentType` is not set: {NO_CONTENT_TYPE}")]
    # a key without an extension, uploaded from a stylesheet
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, {"bucket": "site", "key": "theme",
                                                            "source": file_asset("www/theme.css")}) == [
        cache_violation(f"`cacheControl` is not set: {NO_CACHE_CONTROL}"),
        cache_violation(f"`contentType` is not set: {NO_CONTENT_TYPE}")]
    # the content type says it is served, whatever the key
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, {"bucket": "site", "key": "latest",
                                                            "contentType": "image/webp; q=1"}) == [
        cache_violation(f"`cacheControl` is not set: {NO_CACHE_CONTROL}")]


def test_unknown_key_without_other_evidence_is_deferred():
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, {"bucket": "site", "key": UNKNOWN_STRING}) == []
    # ... but a known source file still tells
    assert analyze(object_cache_control, BUCKET_OBJECT_V2, {"bucket": "site", "key": UNKNOWN_STRING,
                                                            "source": file_asset("www/app.js"),
                                                            "contentType": "text/javascript"}) == [
        cache_violation(f"`cacheControl` is not set: {NO_CACHE_CONTROL}")]
