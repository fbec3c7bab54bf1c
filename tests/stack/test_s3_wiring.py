"""The S3 stack rules: encryption, public access block, TLS-only, notification wiring, recursion."""

from policypack.core.types import (
    BUCKET,
    BUCKET_NOTIFICATION,
    BUCKET_POLICY,
    BUCKET_PUBLIC_ACCESS_BLOCK,
    BUCKET_SSE,
    BUCKET_V2,
    FUNCTION,
    PERMISSION,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
)
from policypack.rules.stack.s3_notifications import notification_lambda_permission, notification_no_recursion
from policypack.rules.stack.s3_wiring import bucket_encryption_kms, bucket_public_access_block, bucket_tls_only
from tests.stack.builders import allow, function, function_arn, policy, res, role, urn
from tests.support.harness import UNKNOWN_BOOL, UNKNOWN_STRING, Violation, analyze_stack

KMS = "aws-s3-bucket-encryption-kms"
PAB = "aws-s3-bucket-public-access-block"
TLS = "aws-s3-bucket-tls-only"
PERMISSION_RULE = "aws-s3-notification-lambda-permission"
RECURSION = "aws-s3-notification-no-recursion"
KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def bucket(name="uploads", physical="uploads-1a2b3c4", **props):
    return res(BUCKET, name, {"bucket": physical, **props})


def attached(resource_type, name, b, props, preview=False):
    """A resource attached to bucket `b` through `bucket` (the bucket's ID: unknown in preview)."""
    value = UNKNOWN_STRING if preview else b.props["bucket"]
    return res(resource_type, name, {"bucket": value, **props}, refs={"bucket": [b]})


def sse(b, algorithm="aws:kms", key=KEY_ARN, name=None, preview=False):
    defaults = {"sseAlgorithm": algorithm}
    if key is not None:
        defaults["kmsMasterKeyId"] = key
    return attached(BUCKET_SSE, name or f"{b.name}-encryption", b,
                    {"rules": [{"applyServerSideEncryptionByDefault": defaults}]}, preview)


# -- aws-s3-bucket-encryption-kms --------------------------------------------------------------------

def test_bucket_with_customer_managed_kms_key_passes():
    b = bucket()
    assert analyze_stack(bucket_encryption_kms, [b, sse(b)]) == []


def test_bucket_without_encryption_configuration_is_reported():
    assert analyze_stack(bucket_encryption_kms, [bucket()]) == [
        Violation(KMS, "mandatory", (
            "has no default encryption configuration, so S3 encrypts its new objects with S3-managed keys "
            "(SSE-S3, S3's default since January 2023), whose use no key policy restricts or audits: add a "
            'BucketServerSideEncryptionConfiguration for it with `sseAlgorithm` "aws:kms" and `kmsMasterKeyId` set '
            "to a customer-managed KMS key."),
            urn(BUCKET, "uploads")),
    ]


def test_aes256_is_reported_on_the_configuration():
    b = bucket()
    assert analyze_stack(bucket_encryption_kms, [b, sse(b, "AES256", key=None)]) == [
        Violation(KMS, "mandatory", (
            '`rules[0].applyServerSideEncryptionByDefault.sseAlgorithm` is "AES256" for Bucket "uploads": use '
            '"aws:kms" with `kmsMasterKeyId` set to a customer-managed KMS key (AES256 is SSE-S3, what S3 applies '
            "anyway: its keys cannot be scoped or audited per bucket)."), urn(BUCKET_SSE, "uploads-encryption")),
    ]


def test_kms_without_key_and_aws_managed_key_are_reported():
    a, b = bucket("a", "a-1a2b3c4"), bucket("b", "b-1a2b3c4")
    assert analyze_stack(bucket_encryption_kms, [a, sse(a, key=None), b, sse(b, key="alias/aws/s3")]) == [
        Violation(KMS, "mandatory", (
            '`rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId` is not set for Bucket "a", so S3 uses '
            'the AWS-managed key "alias/aws/s3": set it to the ARN of a customer-managed aws.kms.Key.'),
            urn(BUCKET_SSE, "a-encryption")),
        Violation(KMS, "mandatory", (
            '`rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId` is "alias/aws/s3" for Bucket "b", '
            "the AWS-managed key: set it to the ARN of a customer-managed aws.kms.Key."),
            urn(BUCKET_SSE, "b-encryption")),
    ]


def test_inline_configurations_of_both_bucket_shapes_are_read():
    legacy = bucket("legacy", "legacy-1", serverSideEncryptionConfiguration={
        "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}})
    v2 = res(BUCKET_V2, "v2", {"bucket": "v2-1", "serverSideEncryptionConfigurations": [
        {"rules": [{"applyServerSideEncryptionByDefaults": [{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}]}]}]})
    assert analyze_stack(bucket_encryption_kms, [legacy, v2]) == [
        Violation(KMS, "mandatory", (
            '`serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm` is '
            '"AES256": use "aws:kms" with `kmsMasterKeyId` set to a customer-managed KMS key (AES256 is SSE-S3, '
            "what S3 applies anyway: its keys cannot be scoped or audited per bucket)."), urn(BUCKET, "legacy")),
    ]


def test_preview_links_by_dependency_and_accepts_an_unknown_key():
    b = bucket()
    assert analyze_stack(bucket_encryption_kms, [b, sse(b, key=UNKNOWN_STRING, preview=True)]) == []


def test_preview_defers_when_a_configuration_cannot_be_placed_yet():
    floating = res(BUCKET_SSE, "somewhere", {"bucket": UNKNOWN_STRING, "rules": []})
    assert analyze_stack(bucket_encryption_kms, [bucket(), floating]) == []


def test_stack_without_buckets_is_not_applicable():
    assert analyze_stack(bucket_encryption_kms, [function()]) == []


# -- aws-s3-bucket-public-access-block --------------------------------------------------------------

FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}


def test_bucket_with_full_public_access_block_passes():
    b = bucket()
    assert analyze_stack(bucket_public_access_block, [b, attached(BUCKET_PUBLIC_ACCESS_BLOCK, "pab", b, FLAGS)]) == []


def test_bucket_without_public_access_block_is_reported():
    assert analyze_stack(bucket_public_access_block, [bucket()]) == [
        Violation(PAB, "mandatory", (
            "has no BucketPublicAccessBlock: S3 turns the four settings on for buckets created since April 2023, "
            "but nothing in the stack keeps them on, so a change made outside it can turn them off unseen: add one "
            "for it with `blockPublicAcls`, `blockPublicPolicy`, `ignorePublicAcls` and `restrictPublicBuckets` all "
            "true."), urn(BUCKET, "uploads")),
    ]


def test_partial_block_names_each_flag():
    b = bucket()
    block = attached(BUCKET_PUBLIC_ACCESS_BLOCK, "pab", b, {"blockPublicAcls": True, "blockPublicPolicy": False,
                                                            "ignorePublicAcls": True})
    assert analyze_stack(bucket_public_access_block, [b, block]) == [
        Violation(PAB, "mandatory", (
            '`blockPublicPolicy` is false, `restrictPublicBuckets` is not set for Bucket "uploads": set all four '
            "flags to true."), urn(BUCKET_PUBLIC_ACCESS_BLOCK, "pab")),
    ]


def test_preview_with_unknown_flags_passes():
    b = bucket()
    flags = {**FLAGS, "blockPublicPolicy": UNKNOWN_BOOL}
    assert analyze_stack(bucket_public_access_block,
                         [b, attached(BUCKET_PUBLIC_ACCESS_BLOCK, "pab", b, flags, preview=True)]) == []


def test_public_access_block_of_another_bucket_does_not_count():
    a, b = bucket("a", "a-1"), bucket("b", "b-1")
    assert analyze_stack(bucket_public_access_block, [a, b, attached(BUCKET_PUBLIC_ACCESS_BLOCK, "pab", a, FLAGS)]) == [
        Violation(PAB, "mandatory", (
            "has no BucketPublicAccessBlock: S3 turns the four settings on for buckets created since April 2023, "
            "but nothing in the stack keeps them on, so a change made outside it can turn them off unseen: add one "
            "for it with `blockPublicAcls`, `blockPublicPolicy`, `ignorePublicAcls` and `restrictPublicBuckets` all "
            "true."), urn(BUCKET, "b")),
    ]


def test_bucket_whose_id_is_its_name_is_reported_once():
    """On real AWS a bucket's `id` is its name: in an update both identity properties hold the value
    the attached resources reference, and each violation is still reported once (issue 12)."""
    b = bucket(id="uploads-1a2b3c4")
    block = attached(BUCKET_PUBLIC_ACCESS_BLOCK, "pab", b, {**FLAGS, "restrictPublicBuckets": False})
    assert analyze_stack(bucket_public_access_block, [b, block]) == [
        Violation(PAB, "mandatory", (
            '`restrictPublicBuckets` is false for Bucket "uploads": set all four flags to true.'),
            urn(BUCKET_PUBLIC_ACCESS_BLOCK, "pab")),
    ]
    assert analyze_stack(bucket_encryption_kms, [b, sse(b, algorithm="AES256")]) == [
        Violation(KMS, "mandatory", (
            '`rules[0].applyServerSideEncryptionByDefault.sseAlgorithm` is "AES256" for Bucket "uploads": use '
            '"aws:kms" with `kmsMasterKeyId` set to a customer-managed KMS key (AES256 is SSE-S3, what S3 applies '
            "anyway: its keys cannot be scoped or audited per bucket)."), urn(BUCKET_SSE, "uploads-encryption")),
    ]


# -- aws-s3-bucket-tls-only --------------------------------------------------------------------------

def deny_insecure(condition=None):
    return {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::uploads-1a2b3c4", "arn:aws:s3:::uploads-1a2b3c4/*"],
            "Condition": condition or {"Bool": {"aws:SecureTransport": "false"}}}


def test_bucket_policy_denying_insecure_transport_passes():
    b = bucket()
    assert analyze_stack(bucket_tls_only, [b, attached(BUCKET_POLICY, "bp", b, {"policy": policy(deny_insecure())})]) == []


def test_inline_bucket_policy_counts():
    b = bucket(policy=policy(deny_insecure({"Bool": {"aws:SecureTransport": False}})))
    assert analyze_stack(bucket_tls_only, [b]) == []


def test_bucket_without_policy_is_reported_as_advisory():
    assert analyze_stack(bucket_tls_only, [bucket()]) == [
        Violation(TLS, "advisory", (
            'has no bucket policy: add a BucketPolicy whose statement denies `s3:*` when `aws:SecureTransport` '
            'is "false".'), urn(BUCKET, "uploads")),
    ]


def test_bucket_policy_without_the_condition_is_reported_on_the_policy():
    b = bucket()
    document = policy(deny_insecure({"StringNotEquals": {"aws:PrincipalAccount": "123456789012"}}))
    assert analyze_stack(bucket_tls_only, [b, attached(BUCKET_POLICY, "bp", b, {"policy": document})]) == [
        Violation(TLS, "advisory", (
            '`policy` of Bucket "uploads" has no Deny statement for requests with `aws:SecureTransport` "false": '
            'add one (Action `s3:*`, Condition `{"Bool": {"aws:SecureTransport": "false"}}`).'),
            urn(BUCKET_POLICY, "bp")),
    ]


def test_preview_with_unknown_policy_passes():
    b = bucket()
    assert analyze_stack(bucket_tls_only, [b, attached(BUCKET_POLICY, "bp", b, {"policy": UNKNOWN_STRING}, True)]) == []


def test_tls_only_can_be_made_mandatory():
    assert analyze_stack(bucket_tls_only, [bucket()], config={TLS: "mandatory"}) == [
        Violation(TLS, "mandatory", (
            'has no bucket policy: add a BucketPolicy whose statement denies `s3:*` when `aws:SecureTransport` '
            'is "false".'), urn(BUCKET, "uploads")),
    ]


# -- aws-s3-notification-lambda-permission ---------------------------------------------------------------

def notification_stack(*, preview=False, permission=True, source_arn=None, depends=True, principal="s3.amazonaws.com"):
    b = bucket()
    fn = function()
    stack = [b, fn]
    perm = None
    if permission:
        source = source_arn if source_arn is not None else (UNKNOWN_STRING if preview else "arn:aws:s3:::uploads-1a2b3c4")
        props = {"action": "lambda:InvokeFunction", "function": "fn-1a2b3c4", "principal": principal,
                 "sourceAccount": "123456789012"}
        if source != "":
            props["sourceArn"] = source
        perm = res(PERMISSION, "allow-s3", props, refs={"function": [fn], "sourceArn": [b] if source_arn is None else []})
        stack.append(perm)
    notification = res(BUCKET_NOTIFICATION, "uploads-notification", {
        "bucket": UNKNOWN_STRING if preview else "uploads-1a2b3c4",
        "lambdaFunctions": [{"lambdaFunctionArn": UNKNOWN_STRING if preview else function_arn("fn-1a2b3c4"),
                             "events": ["s3:ObjectCreated:*"], "filterPrefix": "incoming/", "filterSuffix": ".jpg"}],
    }, refs={"bucket": [b], "lambdaFunctions": [fn]}, depends_on=[perm] if perm and depends else [])
    stack.append(notification)
    return stack


def test_notification_with_scoped_permission_it_depends_on_passes():
    assert analyze_stack(notification_lambda_permission, notification_stack()) == []
    assert analyze_stack(notification_lambda_permission, notification_stack(preview=True)) == []


def test_missing_permission_is_reported_on_the_notification():
    assert analyze_stack(notification_lambda_permission, notification_stack(permission=False)) == [
        Violation(PERMISSION_RULE, "mandatory", (
            'its Lambda destination Function "fn" (`lambdaFunctions`) has no Permission that lets '
            '`s3.amazonaws.com` invoke it: add one with `sourceArn` the ARN of Bucket "uploads" and list it in '
            "this notification's `depends_on`."), urn(BUCKET_NOTIFICATION, "uploads-notification")),
    ]


def test_permission_for_another_principal_does_not_count():
    assert analyze_stack(notification_lambda_permission, notification_stack(principal="sns.amazonaws.com")) == [
        Violation(PERMISSION_RULE, "mandatory", (
            'its Lambda destination Function "fn" (`lambdaFunctions`) has no Permission that lets '
            '`s3.amazonaws.com` invoke it: add one with `sourceArn` the ARN of Bucket "uploads" and list it in '
            "this notification's `depends_on`."), urn(BUCKET_NOTIFICATION, "uploads-notification")),
    ]


def test_missing_dependency_on_the_permission_is_reported():
    assert analyze_stack(notification_lambda_permission, notification_stack(depends=False)) == [
        Violation(PERMISSION_RULE, "mandatory", (
            'does not depend on Permission "allow-s3", which lets Bucket "uploads" invoke its Lambda destination '
            'Function "fn": add it to the notification\'s `depends_on` (S3 checks the permission when the '
            "notification is created)."), urn(BUCKET_NOTIFICATION, "uploads-notification")),
    ]


def test_permission_scoped_to_another_bucket_is_reported_on_the_permission():
    stack = notification_stack(source_arn="arn:aws:s3:::elsewhere")
    assert analyze_stack(notification_lambda_permission, stack) == [
        Violation(PERMISSION_RULE, "mandatory", (
            '`sourceArn` is "arn:aws:s3:::elsewhere", not the ARN of Bucket "uploads", whose BucketNotification '
            '"uploads-notification" invokes Function "fn": set `sourceArn` to that bucket\'s ARN.'),
            urn(PERMISSION, "allow-s3")),
    ]


def test_unscoped_permission_is_reported():
    assert analyze_stack(notification_lambda_permission, notification_stack(source_arn="")) == [
        Violation(PERMISSION_RULE, "mandatory", (
            '`sourceArn` is not set, not the ARN of Bucket "uploads", whose BucketNotification '
            '"uploads-notification" invokes Function "fn": set `sourceArn` to that bucket\'s ARN.'),
            urn(PERMISSION, "allow-s3")),
    ]


def test_preview_with_unknown_source_of_unknown_origin_is_deferred():
    assert analyze_stack(notification_lambda_permission,
                         notification_stack(preview=True, source_arn=UNKNOWN_STRING)) == []


def test_notification_without_lambda_destinations_is_not_applicable():
    b = bucket()
    notification = res(BUCKET_NOTIFICATION, "n", {"bucket": "uploads-1a2b3c4", "queues": [
        {"queueArn": "arn:aws:sqs:us-west-2:123456789012:q", "events": ["s3:ObjectCreated:*"]}]}, refs={"bucket": [b]})
    assert analyze_stack(notification_lambda_permission, [b, notification]) == []


# -- aws-s3-notification-no-recursion -------------------------------------------------------------------

def recursion_stack(write_resource, *, actions=("s3:PutObject",), prefix="incoming/", suffix=".jpg",
                    events=("s3:ObjectCreated:*",), preview=False, managed=None):
    b = bucket()
    out = bucket("thumbnails", "thumbnails-1a2b3c4")
    r = role()
    fn = function(role_res=r, preview=preview)
    grant = res(ROLE_POLICY, "fn-s3", {"role": "fn-role-1a2b3c4", "name": "fn-s3-1",
                                       "policy": policy(allow(list(actions), write_resource))}, refs={"role": [r]})
    entry = {"lambdaFunctionArn": UNKNOWN_STRING if preview else function_arn("fn-1a2b3c4"), "events": list(events)}
    if prefix is not None:
        entry["filterPrefix"] = prefix
    if suffix is not None:
        entry["filterSuffix"] = suffix
    notification = res(BUCKET_NOTIFICATION, "uploads-notification", {
        "bucket": UNKNOWN_STRING if preview else "uploads-1a2b3c4", "lambdaFunctions": [entry]},
        refs={"bucket": [b], "lambdaFunctions": [fn]})
    stack = [b, out, r, fn, grant, notification]
    if managed:
        stack.append(res(ROLE_POLICY_ATTACHMENT, "fn-managed", {"role": "fn-role-1a2b3c4", "policyArn": managed},
                         refs={"role": [r]}))
    return stack


def _loop_message(where, reason):
    return (
        f'is triggered by BucketNotification "uploads-notification" (`lambdaFunctions[0]`, {where}) and may write '
        f"back into that bucket under keys that trigger it again: {reason}. Write elsewhere (another bucket, or a "
        "prefix/suffix the filter excludes) and scope `s3:PutObject` to that place."
    )


FILTER = '`filterPrefix` "incoming/", `filterSuffix` ".jpg"'


def test_function_writing_to_another_bucket_passes():
    assert analyze_stack(notification_no_recursion, recursion_stack("arn:aws:s3:::thumbnails-1a2b3c4/*")) == []


def test_function_writing_into_its_trigger_bucket_is_reported():
    assert analyze_stack(notification_no_recursion, recursion_stack("arn:aws:s3:::uploads-1a2b3c4/*")) == [
        Violation(RECURSION, "mandatory", _loop_message(
            FILTER, 'RolePolicy "fn-s3" `policy` Statement[0] allows "s3:PutObject" on "arn:aws:s3:::uploads-1a2b3c4/*"'),
            urn(FUNCTION, "fn")),
    ]


def test_wildcard_action_and_resource_are_reported():
    assert analyze_stack(notification_no_recursion, recursion_stack("*", actions=["s3:*"])) == [
        Violation(RECURSION, "mandatory", _loop_message(
            FILTER, 'RolePolicy "fn-s3" `policy` Statement[0] allows "s3:*" on "*"'), urn(FUNCTION, "fn")),
    ]


def test_writing_outside_the_trigger_filter_passes():
    assert analyze_stack(notification_no_recursion, recursion_stack("arn:aws:s3:::uploads-1a2b3c4/out/*")) == []
    assert analyze_stack(notification_no_recursion, recursion_stack("arn:aws:s3:::uploads-1a2b3c4/*.png")) == []


def test_notification_on_deletes_only_cannot_loop():
    stack = recursion_stack("arn:aws:s3:::uploads-1a2b3c4/*", events=["s3:ObjectRemoved:*"])
    assert analyze_stack(notification_no_recursion, stack) == []


def test_aws_managed_full_access_is_reported():
    stack = recursion_stack("arn:aws:s3:::thumbnails-1a2b3c4/*", prefix=None, suffix=None,
                            managed="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    assert analyze_stack(notification_no_recursion, stack) == [
        Violation(RECURSION, "mandatory", (
            'is triggered by BucketNotification "uploads-notification" (`lambdaFunctions[0]`, no filter) and may '
            'write back into that bucket under keys that trigger it again: its role Role "fn-role" has the '
            'AWS-managed policy "arn:aws:iam::aws:policy/AmazonS3FullAccess". Write elsewhere (another bucket, '
            "or a prefix/suffix the filter excludes) and scope `s3:PutObject` to that place."), urn(FUNCTION, "fn")),
    ]


def test_preview_links_through_dependencies_and_knows_the_autonamed_bucket():
    stack = recursion_stack("arn:aws:s3:::uploads-1a2b3c4/incoming/*", preview=True)
    assert analyze_stack(notification_no_recursion, stack) == [
        Violation(RECURSION, "mandatory", _loop_message(
            FILTER, 'RolePolicy "fn-s3" `policy` Statement[0] allows "s3:PutObject" on '
                    '"arn:aws:s3:::uploads-1a2b3c4/incoming/*"'), urn(FUNCTION, "fn")),
    ]


def test_preview_with_unknown_resource_is_deferred():
    assert analyze_stack(notification_no_recursion, recursion_stack(UNKNOWN_STRING, preview=True)) == []


def test_preview_with_unknown_filter_only_reports_writes_everywhere():
    narrow = recursion_stack("arn:aws:s3:::uploads-1a2b3c4/incoming/*", prefix=UNKNOWN_STRING, preview=True)
    assert analyze_stack(notification_no_recursion, narrow) == []
    wide = recursion_stack("arn:aws:s3:::uploads-1a2b3c4/*", prefix=UNKNOWN_STRING, suffix=None, preview=True)
    assert analyze_stack(notification_no_recursion, wide) == [
        Violation(RECURSION, "mandatory", _loop_message(
            "`filterPrefix` <unknown>",
            'RolePolicy "fn-s3" `policy` Statement[0] allows "s3:PutObject" on "arn:aws:s3:::uploads-1a2b3c4/*"'),
            urn(FUNCTION, "fn")),
    ]


def test_function_without_a_role_in_the_stack_is_not_applicable():
    b = bucket()
    fn = res(FUNCTION, "fn", {"name": "fn-1", "role": "arn:aws:iam::123456789012:role/shared"})
    notification = res(BUCKET_NOTIFICATION, "n", {"bucket": "uploads-1a2b3c4", "lambdaFunctions": [
        {"lambdaFunctionArn": function_arn("fn-1"), "events": ["s3:ObjectCreated:*"]}]}, refs={"bucket": [b]})
    assert analyze_stack(notification_no_recursion, [b, fn, notification]) == []


def test_two_destinations_in_preview_loop_only_if_every_filter_loops():
    b = bucket()
    r = role()
    first, second = function("first", "first-1", role_res=r, preview=True), function("second", "second-1", preview=True)
    grant = res(ROLE_POLICY, "first-s3", {"role": "fn-role-1a2b3c4",
                                          "policy": policy(allow("s3:PutObject", "arn:aws:s3:::uploads-1a2b3c4/a/*"))})
    def notification(prefix_b):
        return res(BUCKET_NOTIFICATION, "n", {"bucket": UNKNOWN_STRING, "lambdaFunctions": [
            {"lambdaFunctionArn": UNKNOWN_STRING, "events": ["s3:ObjectCreated:*"], "filterPrefix": "a/"},
            {"lambdaFunctionArn": UNKNOWN_STRING, "events": ["s3:ObjectCreated:*"], "filterPrefix": prefix_b}]},
            refs={"bucket": [b], "lambdaFunctions": [first, second]})
    # `first` may be the destination with prefix "b/", where its writes to "a/" do not trigger it
    assert analyze_stack(notification_no_recursion, [b, r, first, second, grant, notification("b/")]) == []
    assert analyze_stack(notification_no_recursion, [b, r, first, second, grant, notification("a/x")]) == [
        Violation(RECURSION, "mandatory", (
            'is triggered by BucketNotification "n" (`lambdaFunctions[0]`, `filterPrefix` "a/") and may write '
            "back into that bucket under keys that trigger it again: RolePolicy \"first-s3\" `policy` "
            'Statement[0] allows "s3:PutObject" on "arn:aws:s3:::uploads-1a2b3c4/a/*". Write elsewhere (another '
            "bucket, or a prefix/suffix the filter excludes) and scope `s3:PutObject` to that place."),
            urn(FUNCTION, "first")),
    ]
