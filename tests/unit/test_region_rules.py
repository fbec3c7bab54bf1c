import json

import pulumi.runtime
import pytest
from pulumi.runtime.config import CONFIG

from policypack.core.types import AWS_PROVIDER, FUNCTION
from policypack.data.aws_regions import REGIONS
from policypack.rules.region import provider_region_allowed
from tests.support.harness import UNKNOWN_STRING, Violation, analyze

NAME = "aws-provider-region-allowed"
DEFAULT_PROVIDER = "default_7_51_1"
FROM_CONFIG = "`region` (from the stack's `aws:region` config)"
ONLY_US_WEST_2 = {NAME: {"allowedRegions": ["us-west-2"]}}


@pytest.fixture(autouse=True)
def isolated_stack_config(monkeypatch):
    """Start each test with no stack config; the SDK copies PULUMI_CONFIG into process-wide config."""
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    saved = dict(CONFIG.get())
    pulumi.runtime.set_all_config({})
    yield
    pulumi.runtime.set_all_config(saved)


def set_stack_config(monkeypatch, values):
    """What the engine gives the analyzer process: the stack's config as JSON in PULUMI_CONFIG."""
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(values))


def violation(message: str) -> Violation:
    return Violation(NAME, "advisory", message, "")


def check(props, name="regional", **kwargs):
    return analyze(provider_region_allowed, AWS_PROVIDER, props, name=name, **kwargs)


# -- explicit providers -----------------------------------------------------------------------


def test_explicit_provider_in_a_real_region_passes():
    assert check({"region": "us-west-2"}) == []


@pytest.mark.parametrize(
    "region", ["us-gov-west-1", "cn-northwest-1", "ap-southeast-7", "mx-central-1", "ca-west-1", "eusc-de-east-1"]
)
def test_govcloud_china_and_recent_regions_are_real(region):
    assert check({"region": region}) == []


def test_typo_in_region_is_reported_with_a_suggestion():
    assert check({"region": "us-west2"}) == [
        violation('`region` is "us-west2", which is not an AWS Region code: did you mean "us-west-2".')
    ]


def test_upper_case_region_is_reported_with_the_lower_case_code():
    assert check({"region": "US-EAST-1"}) == [
        violation('`region` is "US-EAST-1", which is not an AWS Region code: did you mean "us-east-1".')
    ]


def test_made_up_region_is_reported():
    assert check({"region": "mars-north-1"}) == [
        violation('`region` is "mars-north-1", which is not an AWS Region code: use one such as "us-west-2".')
    ]


def test_non_string_region_is_reported():
    assert check({"region": 1}) == [
        violation('`region` is 1, which is not an AWS Region code: use one such as "us-west-2".')
    ]


def test_explicit_provider_without_region_is_not_reported(monkeypatch):
    # it takes the Region from AWS_REGION, which the analyzer cannot see; it never reads aws:region
    set_stack_config(monkeypatch, {"aws:region": "nowhere-1"})
    assert check({"profile": "ci"}) == []


def test_unknown_region_in_preview_is_deferred():
    assert check({"region": UNKNOWN_STRING}) == []


# -- the stack's aws:region, on the default provider ------------------------------------------


def test_default_provider_region_is_reported_as_the_stack_config():
    # seed 000: the stack config fixes a Region; here one that does not exist
    assert check({"region": "us-east1", "version": "7.51.1"}, name=DEFAULT_PROVIDER) == [
        violation(f'{FROM_CONFIG} is "us-east1", which is not an AWS Region code: did you mean "us-east-1".')
    ]


def test_default_provider_with_a_real_region_passes():
    assert check({"region": "us-west-2", "version": "7.51.1"}, name="default") == []


def test_stack_config_is_read_when_the_default_provider_carries_no_region(monkeypatch):
    set_stack_config(monkeypatch, {"aws:region": "eu-wst-1", "proj:name": "x"})
    assert check({"version": "7.51.1"}, name=DEFAULT_PROVIDER) == [
        violation(f'{FROM_CONFIG} is "eu-wst-1", which is not an AWS Region code: did you mean "eu-west-1".')
    ]


def test_real_stack_config_region_passes(monkeypatch):
    set_stack_config(monkeypatch, {"aws:region": "us-west-2"})
    assert check({"version": "7.51.1"}, name=DEFAULT_PROVIDER) == []


def test_default_provider_without_any_region_is_not_reported():
    assert check({"version": "7.51.1"}, name=DEFAULT_PROVIDER) == []


# -- allowedRegions ---------------------------------------------------------------------------


def test_allowed_region_passes():
    assert check({"region": "us-west-2"}, config=ONLY_US_WEST_2) == []


def test_region_outside_allowed_regions_is_reported():
    config = {NAME: {"allowedRegions": ["us-west-2", "us-east-2"]}}
    assert check({"region": "eu-west-1"}, config=config) == [
        violation(
            '`region` is "eu-west-1", outside the `allowedRegions` option ("us-west-2", "us-east-2"): '
            "deploy to one of those."
        )
    ]


def test_stack_config_outside_allowed_regions_is_reported(monkeypatch):
    # seed 000: Region hard-coded to us-east-1 where us-west-2 was wanted
    set_stack_config(monkeypatch, {"aws:region": "us-east-1"})
    assert check({}, name=DEFAULT_PROVIDER, config=ONLY_US_WEST_2) == [
        violation(f'{FROM_CONFIG} is "us-east-1", outside the `allowedRegions` option ("us-west-2"): deploy to one of those.')
    ]


def test_config_level_override_reaches_the_violation():
    config = {NAME: {"allowedRegions": ["us-west-2"], "enforcementLevel": "mandatory"}}
    assert check({"region": "eu-west-1"}, config=config) == [
        Violation(
            NAME,
            "mandatory",
            '`region` is "eu-west-1", outside the `allowedRegions` option ("us-west-2"): deploy to one of those.',
            "",
        )
    ]


# -- applicability and data -------------------------------------------------------------------


def test_other_types_are_not_applicable():
    assert analyze(provider_region_allowed, FUNCTION, {"region": "nowhere-1"}) == []


def test_region_table_is_well_formed():
    partitions = {partition for partition, _ in REGIONS.values()}
    assert {"aws", "aws-us-gov", "aws-cn"} <= partitions
    assert all(code == code.lower() and code.count("-") >= 2 for code in REGIONS)
