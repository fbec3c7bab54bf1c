"""`--policy-config`: the `--policy-pack-config` format, validated, with `all` expanded like the CLI."""

from __future__ import annotations

import pytest

from policypack.core.rule import ADVISORY, MANDATORY, HIGH, resource_rule
from policypack.scan.policy_config import load_policy_config, validate_policy_config
from policypack.scan.readers import ScanInputError


def _rule(name, level, options=None):
    return resource_rule(name=name, description="d", resource_types=["aws:sqs/queue:Queue"], enforcement_level=level,
                         severity=HIGH, remediation_steps="r", url="https://example.com",
                         config_options=options)(lambda resource, config: iter(()))


POLICIES = [
    _rule("aws-one", MANDATORY, {"minSubnets": {"type": "integer", "minimum": 1, "default": 2},
                                 "allowed": {"type": "array", "items": {"type": "string"}, "default": []}}),
    _rule("aws-two", ADVISORY),
    _rule("aws-three", ADVISORY, {"strict": {"type": "boolean", "default": False}}),
]


def test_levels_options_and_all_are_expanded_as_the_cli_does():
    document = {"all": "mandatory", "aws-one": {"minSubnets": 3}, "aws-two": "disabled",
                "aws-three": {"enforcementLevel": "advisory", "strict": True}}
    assert validate_policy_config(document, POLICIES) == {
        "aws-one": {"enforcementLevel": "mandatory", "minSubnets": 3},
        "aws-two": "disabled",
        "aws-three": {"enforcementLevel": "advisory", "strict": True},
    }


def test_without_all_only_the_named_policies_are_configured():
    assert validate_policy_config({"aws-one": {"allowed": ["a"]}}, POLICIES) == {"aws-one": {"allowed": ["a"]}}
    assert validate_policy_config({"all": {"enforcementLevel": "advisory"}}, POLICIES) == {
        "aws-one": "advisory", "aws-two": "advisory", "aws-three": "advisory"}


@pytest.mark.parametrize("document, message", [
    ({"aws-onee": "advisory"}, 'unknown policy "aws-onee" (did you mean "aws-one"?)'),
    ({"nothing-like-it": "advisory"}, 'unknown policy "nothing-like-it"'),
    ({"aws-one": "blocking"}, '"aws-one": enforcement level "blocking" is not one of advisory, mandatory, remediate, disabled'),
    ({"aws-one": {"enforcementLevel": 1}}, '"aws-one": enforcement level 1 is not one of advisory, mandatory, remediate, disabled'),
    ({"aws-one": {"minSubnet": 3}}, '"aws-one" has no option "minSubnet" (did you mean "minSubnets"?) '
                                  '(options: allowTagExemptions, allowed, exemptions, maxExemptionDays, minSubnets)'),
    ({"aws-two": {"x": 1}}, '"aws-two" has no option "x" (options: allowTagExemptions, exemptions, maxExemptionDays)'),
    ({"aws-one": {"minSubnets": "3"}}, "\"aws-one\".minSubnets: '3' is not of type 'integer'"),
    ({"aws-one": {"minSubnets": 0}}, '"aws-one".minSubnets: 0 is less than the minimum of 1'),
    ({"aws-one": {"allowed": [1]}}, "\"aws-one\".allowed: 1 is not of type 'string'"),
    ({"aws-one": 3}, '"aws-one": expected a level or an object, found a number'),
    ({"all": {"strict": True}}, '"all" takes only an enforcement level, not "strict"'),
    ({"all": "everything"}, '"all": enforcement level "everything" is not one of advisory, mandatory, remediate, disabled'),
    (["aws-one"], "expected a JSON object of policy names, found a list"),
])
def test_mistakes_are_one_clear_error(document, message):
    with pytest.raises(ScanInputError) as error:
        validate_policy_config(document, POLICIES, source="cfg.json")
    assert str(error.value) == f"cfg.json: {message}"


def test_the_file_is_read_like_any_json_input(tmp_path):
    path = tmp_path / "policy-config.json"
    path.write_text('{"aws-two": "mandatory"}')
    assert load_policy_config(path, POLICIES) == {"aws-two": "mandatory"}
    path.write_text('{"aws-two": ')
    with pytest.raises(ScanInputError, match="not valid JSON"):
        load_policy_config(path, POLICIES)
    with pytest.raises(ScanInputError, match="no such policy config file"):
        load_policy_config(tmp_path / "missing.json", POLICIES)
