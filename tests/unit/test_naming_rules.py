import pulumi
import pulumi.runtime.settings
import pytest

from policypack.core.rule import Resource
from policypack.core.types import (
    BUCKET,
    BUCKET_V2,
    DYNAMODB_TABLE,
    FUNCTION,
    REST_API,
    SECRET,
    STATE_MACHINE,
    IAM_POLICY,
    KMS_KEY,
    LOG_GROUP,
    QUEUE,
    ROLE,
    SSM_PARAMETER,
    TOPIC,
)
from policypack.rules.naming import current_stack_name, resource_name_unique
from tests.support.harness import UNKNOWN_STRING, Violation, analyze

NAME = "aws-resource-name-unique"
COLLIDES = "so a second stack of this program in the same account collides with it"


@pytest.fixture(autouse=True)
def unknown_stack(monkeypatch):
    """A fresh policy process outside any stack: no PULUMI_STACK, the SDK's placeholder stack name."""
    for variable in ("PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_DRY_RUN"):
        monkeypatch.delenv(variable, raising=False)
    saved = pulumi.get_stack()
    pulumi.runtime.settings._set_stack("stack")
    yield
    pulumi.runtime.settings._set_stack(saved)


@pytest.fixture
def dev_stack(monkeypatch):
    """What the engine gives the analyzer process of stack `dev`."""
    monkeypatch.setenv("PULUMI_STACK", "dev")


def violation(message: str) -> Violation:
    return Violation(NAME, "mandatory", message, "")


def bucket_message(name: str) -> str:
    return (
        f'`bucket` is "{name}", which carries neither an account ID nor a random suffix, and bucket names are '
        "shared by every AWS account: add the account ID (`aws.get_caller_identity().account_id`) or a random "
        "suffix, or drop `bucket` so Pulumi autonames the bucket (or use `bucketPrefix`)."
    )


def scoped_message(name: str, stack: str = "", prefix: bool = True) -> str:
    stack_text = f'the stack name "{stack}"' if stack else "the stack name"
    alternative = " (or use `namePrefix`)" if prefix else ""
    return (
        f'`name` is "{name}", which carries neither {stack_text} nor a random suffix, {COLLIDES}: '
        f"add `pulumi.get_stack()` to it, or drop `name` so Pulumi autonames the resource{alternative}."
    )


def check(resource_type, props, **kwargs):
    return analyze(resource_name_unique, resource_type, props, **kwargs)


# -- S3 buckets (global names) ----------------------------------------------------------------


@pytest.mark.parametrize("resource_type", [BUCKET, BUCKET_V2])
def test_static_bucket_name_is_reported(resource_type):
    # seed 000 "Bucket naming non-unique"
    assert check(resource_type, {"bucket": "image-uploads"}) == [violation(bucket_message("image-uploads"))]


@pytest.mark.parametrize(
    "bucket",
    [
        "image-uploads-123456789012",
        "image-uploads-123456789012-us-west-2-an",  # S3 account regional namespace
        "123456789012-image-uploads",
        "image-uploads-1a2b3c4",  # Pulumi autoname after the provider's Check
        "image-uploads-9f86d081884c",  # random.RandomId hex
    ],
)
def test_bucket_with_account_id_or_random_suffix_passes(bucket):
    assert check(BUCKET_V2, {"bucket": bucket}) == []


def test_stack_name_alone_does_not_make_a_bucket_name_unique(dev_stack):
    assert check(BUCKET_V2, {"bucket": "image-uploads-dev"}) == [violation(bucket_message("image-uploads-dev"))]


def test_autonamed_bucket_under_mocks_passes():
    assert check(BUCKET_V2, {"forceDestroy": True}) == []


def test_bucket_prefix_passes():
    assert check(BUCKET, {"bucketPrefix": "image-uploads-"}) == []


def test_unknown_bucket_name_in_preview_is_deferred():
    assert check(BUCKET_V2, {"bucket": UNKNOWN_STRING}) == []
    assert check(BUCKET_V2, {"bucketPrefix": UNKNOWN_STRING, "bucket": "fixed"}) == []


# -- account-scoped names ---------------------------------------------------------------------


@pytest.mark.parametrize("resource_type", [ROLE, IAM_POLICY, QUEUE, TOPIC, LOG_GROUP, SECRET, STATE_MACHINE])
def test_static_account_scoped_name_is_reported(resource_type):
    assert check(resource_type, {"name": "image-processor"}) == [violation(scoped_message("image-processor"))]


@pytest.mark.parametrize("resource_type", [FUNCTION, SSM_PARAMETER, DYNAMODB_TABLE])
def test_static_name_of_a_type_without_name_prefix_is_reported(resource_type):
    assert check(resource_type, {"name": "image-processor"}) == [
        violation(scoped_message("image-processor", prefix=False))
    ]


def test_known_stack_name_is_named_in_the_message(dev_stack):
    assert check(ROLE, {"name": "image-processor"}) == [violation(scoped_message("image-processor", "dev"))]


@pytest.mark.parametrize(
    "resource_type, name",
    [
        (ROLE, "image-processor-dev"),
        (IAM_POLICY, "dev-image-processor"),
        (FUNCTION, "imageProcessorDev"),
        (QUEUE, "image-jobs-dev.fifo"),
        (TOPIC, "alerts_dev"),
        (SSM_PARAMETER, "/image-app/dev/db-password"),
        (LOG_GROUP, "/aws/lambda/image-processor-dev"),
        (LOG_GROUP, "/image-app/dev/access"),
        (DYNAMODB_TABLE, "orders-dev"),
        (SECRET, "/orders/dev/db-credentials"),
        (STATE_MACHINE, "OrdersWorkflowDev"),
    ],
)
def test_names_carrying_the_stack_name_pass(dev_stack, resource_type, name):
    assert check(resource_type, {"name": name}) == []


def test_stack_name_inside_another_word_does_not_count(dev_stack):
    assert check(ROLE, {"name": "developer-role"}) == [violation(scoped_message("developer-role", "dev"))]


def test_stack_name_from_the_sdk_is_used_when_the_environment_has_none():
    # a program run under mocks: `pulumi.get_stack()` knows the stack, PULUMI_STACK is not set
    pulumi.runtime.settings._set_stack("prod")
    assert current_stack_name() == "prod"
    assert check(FUNCTION, {"name": "image-processor-prod"}) == []


def test_stack_name_with_other_separators_matches(monkeypatch):
    monkeypatch.setenv("PULUMI_STACK", "eu_prod")
    assert check(ROLE, {"name": "image-processor-eu-prod"}) == []


@pytest.mark.parametrize(
    "resource_type, name",
    [
        (ROLE, "image-processor-1a2b3c4"),  # Pulumi autoname after the provider's Check
        (FUNCTION, "image-processor-9f86d081884c"),
        (QUEUE, "image-jobs-1a2b3c4.fifo"),  # autonamed FIFO queue
        (TOPIC, "alerts-0f1e2d3.fifo"),
        (SSM_PARAMETER, "dbPassword-1a2b3c4"),
        (SSM_PARAMETER, "/image-app/5f0c2e9a/db-password"),
        (LOG_GROUP, "/aws/lambda/image-processor-1a2b3c4"),
    ],
)
def test_names_with_a_random_suffix_pass_without_a_stack_name(resource_type, name):
    assert check(resource_type, {"name": name}) == []


def test_static_fifo_queue_is_reported():
    assert check(QUEUE, {"name": "image-jobs.fifo", "fifoQueue": True}) == [
        violation(scoped_message("image-jobs.fifo"))
    ]


def test_lambda_log_group_is_judged_by_its_function_name():
    assert check(LOG_GROUP, {"name": "/aws/lambda/image-processor", "retentionInDays": 30}) == [
        violation(
            '`name` is "/aws/lambda/image-processor", whose function name carries neither the stack name nor a '
            f"random suffix, {COLLIDES}: let the function be autonamed and name the log group after it "
            '(`fn.name.apply(lambda n: f"/aws/lambda/{n}")`).'
        )
    ]


def test_stack_named_like_a_path_segment_does_not_excuse_a_lambda_log_group(monkeypatch):
    monkeypatch.setenv("PULUMI_STACK", "lambda")
    assert check(LOG_GROUP, {"name": "/aws/lambda/image-processor"}) == [
        violation(
            '`name` is "/aws/lambda/image-processor", whose function name carries neither the stack name '
            f'"lambda" nor a random suffix, {COLLIDES}: let the function be autonamed and name the log group after '
            'it (`fn.name.apply(lambda n: f"/aws/lambda/{n}")`).'
        )
    ]


@pytest.mark.parametrize("resource_type", [ROLE, IAM_POLICY, FUNCTION, QUEUE, TOPIC, SSM_PARAMETER, LOG_GROUP,
                                           DYNAMODB_TABLE, SECRET, STATE_MACHINE])
def test_autonamed_resources_under_mocks_pass(resource_type):
    assert check(resource_type, {"tags": {"app": "images"}}) == []


@pytest.mark.parametrize("resource_type", [ROLE, IAM_POLICY, QUEUE, TOPIC, LOG_GROUP, SECRET, STATE_MACHINE])
def test_name_prefix_passes(resource_type):
    assert check(resource_type, {"namePrefix": "image-processor-"}) == []


def test_unknown_names_in_preview_are_deferred():
    assert check(FUNCTION, {"name": UNKNOWN_STRING}) == []
    assert check(ROLE, {"namePrefix": UNKNOWN_STRING}) == []


def test_other_types_are_not_applicable():
    assert check(KMS_KEY, {"description": "static"}) == []


def test_api_names_are_not_unique_in_aws_so_cannot_collide():
    # CreateRestApi with a name in use creates a second API with its own ID
    assert check(REST_API, {"name": "orders-api"}) == []


def test_malformed_names_do_not_raise():
    # the raw check, so that an exception would fail the test instead of being logged by the policy
    def run(resource_type, props):
        return list(resource_name_unique.check(Resource(resource_type, "r", "urn", props), {}))

    assert run(BUCKET, {"bucket": 12}) == []
    assert run(ROLE, {"name": ["x"], "namePrefix": 3}) == []
    assert run(QUEUE, {"name": ".fifo"}) == [scoped_message(".fifo")]
