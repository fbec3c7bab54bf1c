"""Exemptions through the pack's server (in-process, real protobuf requests): in code and in config,
valid, expired, malformed, too distant and refused, for resource and stack rules. Today is pinned to
2026-12-01 (UTC), as `AWS_SERVERLESS_GUARD_TODAY` pins it for the served pack."""

from __future__ import annotations

import pytest

from policypack.core.clock import TODAY_ENV
from policypack.core.types import BUCKET, BUCKET_PUBLIC_ACCESS_BLOCK, KMS_KEY
from policypack.exemptions.tag_rule import NAME as TAG_RULE
from policypack.registry import BY_NAME, RESOURCE_POLICIES
from policypack.rules.kms import key_rotation_enabled
from tests.support.harness import (
    UNKNOWN_STRING,
    StackResource,
    Violation,
    analyze,
    analyze_stack,
    secret,
    urn_of,
)

ROTATION = "aws-kms-key-rotation-enabled"
VIOLATION = "`enableKeyRotation` is false: set it to true."
TAG = f"policy-exemption:{ROTATION}"
PAB = "aws-s3-bucket-public-access-block"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2026-12-01")


def key(tags=None, **config):
    props = {"enableKeyRotation": False}
    if tags is not None:
        props["tags"] = tags
    return analyze(key_rotation_enabled, KMS_KEY, props, name="signing-key",
                   config={ROTATION: config} if config else None)


def mandatory(message: str) -> list:
    return [Violation(ROTATION, "mandatory", message)]


def advisory(message: str) -> list:
    return [Violation(ROTATION, "advisory", message)]


# -- in code ----------------------------------------------------------------------------------

def test_no_exemption_no_change():
    assert key() == mandatory(VIOLATION)
    assert key({"team": "payments"}) == mandatory(VIOLATION)


def test_a_valid_tag_reports_the_violation_at_advisory_level_with_its_expiry_and_reason():
    assert key({TAG: "2026-12-31 rotation handled by the HSM team (SEC-42)"}) == advisory(
        f"exempt until 2026-12-31 (tag: rotation handled by the HSM team (SEC-42)): {VIOLATION}")


def test_the_date_is_inclusive():
    assert key({TAG: "2026-12-01 last day"}) == advisory(f"exempt until 2026-12-01 (tag: last day): {VIOLATION}")


def test_an_expired_tag_exempts_nothing_and_says_so():
    assert key({TAG: "2026-11-30 was fixed last week"}) == mandatory(f"exemption expired on 2026-11-30: {VIOLATION}")


@pytest.mark.parametrize("value", ["soon", "2026-12-31", "2026-12-31   ", "2026-02-30 no such day", "31.12.2026 x",
                                   "2026-1-31 short month", ""])
def test_a_malformed_tag_exempts_nothing_and_says_what_is_wrong(value):
    assert key({TAG: value}) == mandatory(
        f'exemption tag `{TAG}` is "{value}", not "<YYYY-MM-DD> <reason>": {VIOLATION}')


def test_a_tag_beyond_max_exemption_days_exempts_nothing():
    assert key({TAG: "2027-12-02 a year and a day"}) == mandatory(
        f"exemption until 2027-12-02 is more than 365 days ahead (`maxExemptionDays`): {VIOLATION}")
    assert key({TAG: "2027-12-01 exactly a year"}) == advisory(
        f"exempt until 2027-12-01 (tag: exactly a year): {VIOLATION}")
    assert key({TAG: "2026-12-20 soon"}, maxExemptionDays=10) == mandatory(
        f"exemption until 2026-12-20 is more than 10 days ahead (`maxExemptionDays`): {VIOLATION}")


def test_tags_refused_by_the_administrator_exempt_nothing():
    assert key({TAG: "2026-12-31 fine"}, allowTagExemptions=False) == mandatory(
        f"exemption tag refused (`allowTagExemptions` is false for this policy): {VIOLATION}")


def test_only_the_resources_own_tags_count_not_provider_default_tags():
    found = analyze(key_rotation_enabled, KMS_KEY, {"enableKeyRotation": False, "tagsAll": {TAG: "2026-12-31 x"}})
    assert found == mandatory(VIOLATION)


def test_a_tag_for_another_policy_does_not_exempt_this_one():
    assert key({"policy-exemption:aws-lambda-function-in-vpc": "2026-12-31 other"}) == mandatory(VIOLATION)


def test_a_tag_not_known_in_preview_is_no_exemption():
    assert key({TAG: UNKNOWN_STRING}) == mandatory(VIOLATION)
    assert key(UNKNOWN_STRING) == mandatory(VIOLATION)


def test_a_secret_reason_is_never_shown():
    assert key({TAG: secret("2026-12-31 vault ticket 7781-ALPHA")}) == advisory(
        f"exempt until 2026-12-31 (tag: [secret]): {VIOLATION}")


# -- in config --------------------------------------------------------------------------------

def exemption(resource, expires="2026-12-15", reason="key policy migration, PLAT-9"):
    return {"resource": resource, "expires": expires, "reason": reason}


@pytest.mark.parametrize("resource", [
    "signing-key",
    urn_of(KMS_KEY, "signing-key"),
    "signing-*",
    "*::aws:kms/key:Key::*",
    "sign?ng-[a-z]ey",
])
def test_a_config_exemption_matches_by_name_urn_or_glob(resource):
    assert key(exemptions=[exemption(resource)]) == advisory(
        f"exempt until 2026-12-15 (config: key policy migration, PLAT-9): {VIOLATION}")


@pytest.mark.parametrize("resource", ["other-key", "signing", "urn:pulumi:dev::proj::aws:kms/key:Key::other"])
def test_a_config_exemption_for_another_resource_does_not_apply(resource):
    assert key(exemptions=[exemption(resource)]) == mandatory(VIOLATION)


def test_an_expired_config_exemption_exempts_nothing():
    assert key(exemptions=[exemption("signing-key", expires="2026-01-31")]) == mandatory(
        f"exemption expired on 2026-01-31: {VIOLATION}")


def test_a_config_exemption_without_a_date_or_reason_exempts_nothing():
    assert key(exemptions=[exemption("signing-key", expires="next week")]) == mandatory(
        f'config exemption for "signing-key" expires "next week", not a date "YYYY-MM-DD": {VIOLATION}')
    assert key(exemptions=[exemption("signing-key", reason=" ")]) == mandatory(
        f'config exemption for "signing-key" gives no reason: {VIOLATION}')


def test_a_config_exemption_beyond_max_exemption_days_exempts_nothing():
    assert key(exemptions=[exemption("signing-key", expires="2027-01-01")], maxExemptionDays=30) == mandatory(
        f"exemption until 2027-01-01 is more than 30 days ahead (`maxExemptionDays`): {VIOLATION}")


def test_config_applies_where_tags_are_refused():
    assert key({TAG: "2026-12-31 fine"}, allowTagExemptions=False,
               exemptions=[exemption("signing-key")]) == advisory(
        f"exempt until 2026-12-15 (config: key policy migration, PLAT-9): {VIOLATION}")


def test_of_several_valid_exemptions_the_one_that_expires_first_is_named():
    assert key({TAG: "2026-12-31 tag reason"}, exemptions=[exemption("signing-key", "2026-12-20", "later"),
                                                            exemption("signing-*", "2026-12-10", "first")]) == advisory(
        f"exempt until 2026-12-10 (config: first): {VIOLATION}")


def test_a_valid_exemption_wins_over_an_invalid_one():
    assert key({TAG: "2026-11-01 expired"}, exemptions=[exemption("signing-key")]) == advisory(
        f"exempt until 2026-12-15 (config: key policy migration, PLAT-9): {VIOLATION}")


def test_an_advisory_policy_stays_advisory_with_the_exemption_named():
    tracing = BY_NAME["aws-lambda-function-tracing-active"]
    found = analyze(tracing, "aws:lambda/function:Function",
                    {"tags": {"policy-exemption:aws-lambda-function-tracing-active": "2026-12-31 cost"}})
    assert found == [Violation(tracing.name, "advisory", "exempt until 2026-12-31 (tag: cost): `tracingConfig` is not "
                               "set, so X-Ray tracing is off: set `tracing_config` with mode \"Active\".")]


# -- stack rules ------------------------------------------------------------------------------

def test_a_stack_violation_is_exempted_by_a_tag_on_the_resource_it_is_reported_on():
    bucket = StackResource(BUCKET, "assets", {"bucket": "assets-1a2b3c4",
                                              "tags": {f"policy-exemption:{PAB}": "2026-12-24 public website, WEB-1"}})
    assert analyze_stack(BY_NAME[PAB], [bucket]) == [Violation(PAB, "advisory", (
        "exempt until 2026-12-24 (tag: public website, WEB-1): has no BucketPublicAccessBlock: S3 turns the four "
        "settings on for buckets created since April 2023, but nothing in the stack keeps them on, so a change made "
        "outside it can turn them off unseen: add one for it with `blockPublicAcls`, `blockPublicPolicy`, "
        "`ignorePublicAcls` and `restrictPublicBuckets` all true."),
        bucket.urn)]


def test_a_resource_without_tags_is_exempted_through_config():
    bucket = StackResource(BUCKET, "assets", {"bucket": "assets-1a2b3c4"})
    block = StackResource(BUCKET_PUBLIC_ACCESS_BLOCK, "assets-pab",
                          {"bucket": "assets-1a2b3c4", "blockPublicAcls": True, "blockPublicPolicy": False,
                           "ignorePublicAcls": True, "restrictPublicBuckets": True},
                          property_dependencies={"bucket": [bucket.urn]})
    message = '`blockPublicPolicy` is false for Bucket "assets": set all four flags to true.'
    assert analyze_stack(BY_NAME[PAB], [bucket, block]) == [Violation(PAB, "mandatory", message, block.urn)]
    config = {PAB: {"exemptions": [exemption("assets-pab", "2026-12-24", "public website, WEB-1")]}}
    assert analyze_stack(BY_NAME[PAB], [bucket, block], config=config) == [Violation(
        PAB, "advisory", f"exempt until 2026-12-24 (config: public website, WEB-1): {message}", block.urn)]


# -- typos surface ----------------------------------------------------------------------------

def test_a_tag_naming_no_policy_is_reported_with_the_likely_name():
    tags = {"policy-exemption:aws-kms-key-rotaton-enabled": "2026-12-31 typo", "policy-exemption:nothing-like": "x",
            TAG: "2026-12-31 fine"}
    found = [v for v in analyze(RESOURCE_POLICIES, KMS_KEY, {"enableKeyRotation": True, "tags": tags}, name="k")
             if v.policy == TAG_RULE]
    assert found == [
        Violation(TAG_RULE, "advisory", 'tag "policy-exemption:aws-kms-key-rotaton-enabled" names no policy of this '
                  'pack (did you mean "policy-exemption:aws-kms-key-rotation-enabled"?), so it exempts nothing: use the '
                  "exact policy name, or remove the tag."),
        Violation(TAG_RULE, "advisory", 'tag "policy-exemption:nothing-like" names no policy of this pack, so it '
                  "exempts nothing: use the exact policy name, or remove the tag."),
    ]
