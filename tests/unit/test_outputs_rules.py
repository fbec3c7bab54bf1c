"""pulumi-no-unresolved-outputs, run through the SDK's servicer (tests/support/harness.py)."""

from policypack.core.rule import ALL_TYPES, PackResourcePolicy
from policypack.core.types import BUCKET_V2, FUNCTION, ROLE_POLICY
from policypack.rules.outputs import no_unresolved_outputs
from tests.support.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Violation, analyze, secret

STR_OUTPUT = ("Calling __str__ on an Output[T] is not supported.\n\nTo get the value of an Output[T] as an Output[str] "
              "consider:\n1. o.apply(lambda v: f\"prefix{v}suffix\")")
REPR_OUTPUT = "<pulumi.output.Output object at 0x7f3a2c1d0e50>"


def unresolved(path, key=False):
    what = f"`{path}` has a key that holds" if key else f"`{path}` holds"
    return Violation(
        no_unresolved_outputs.name, "mandatory",
        f"{what} the text of a Pulumi Output turned into a string (\"Calling __str__ on an Output[...]\" or "
        "\"<pulumi.output.Output object at ...>\"), not its value: build it with `Output.concat`, `Output.format`, "
        "`.apply` or `Output.json_dumps` instead of str() or an f-string.", "")


def test_resolved_values_pass():
    props = {"runtime": "python3.13", "environment": {"variables": {"TABLE_NAME": "orders-1a2b3c4"}},
             "tags": {"Name": "handler"}, "layers": ["arn:aws:lambda:us-west-2:123456789012:layer:pillow:3"]}
    assert analyze(no_unresolved_outputs, FUNCTION, props) == []


def test_stringified_output_in_a_nested_value_is_reported_by_path():
    props = {"environment": {"variables": {"BUCKET": f"s3://{STR_OUTPUT}/uploads", "TABLE_NAME": "orders"}}}
    assert analyze(no_unresolved_outputs, FUNCTION, props) == [unresolved("environment.variables.BUCKET")]


def test_output_repr_in_a_list_is_reported_with_its_index():
    props = {"layers": ["arn:aws:lambda:us-west-2:123456789012:layer:pillow:3", REPR_OUTPUT]}
    assert analyze(no_unresolved_outputs, FUNCTION, props) == [unresolved("layers[1]")]


def test_policy_json_mixing_outputs_and_strings_of_seed_004_is_reported():
    policy = '{"Version": "2012-10-17", "Statement": [{"Resource": "' + REPR_OUTPUT + '"}]}'
    assert analyze(no_unresolved_outputs, ROLE_POLICY, {"role": "r", "policy": policy}) == [unresolved("policy")]


def test_output_used_as_a_map_key_of_seed_004_is_reported():
    props = {"tags": {STR_OUTPUT: "handler", "Team": "images"}}
    assert analyze(no_unresolved_outputs, BUCKET_V2, props) == [unresolved("tags", key=True)]


def test_keys_that_are_not_identifiers_are_bracketed():
    props = {"tags": {"app.kubernetes.io/name": REPR_OUTPUT}}
    assert analyze(no_unresolved_outputs, BUCKET_V2, props) == [unresolved("tags['app.kubernetes.io/name']")]


def test_secret_values_are_searched_and_never_quoted():
    props = {"environment": {"variables": {"DSN": secret(f"postgres://app:pa55@{STR_OUTPUT}")}}}
    violations = analyze(no_unresolved_outputs, FUNCTION, props)
    assert violations == [unresolved("environment.variables.DSN")]
    assert "pa55" not in violations[0].message


def test_many_hits_are_capped_with_a_count():
    props = {"tags": {f"Tag{i:02}": STR_OUTPUT for i in range(13)}}
    assert analyze(no_unresolved_outputs, BUCKET_V2, props) == [
        *[unresolved(f"tags.Tag{i:02}") for i in range(10)],
        Violation(no_unresolved_outputs.name, "mandatory",
                  "3 more properties hold the text of a stringified Output (same fix).", ""),
    ]


def test_unknowns_in_preview_are_not_outputs():
    props = {"environment": {"variables": {"BUCKET": UNKNOWN_STRING}}, "vpcConfig": UNKNOWN_OBJECT}
    assert analyze(no_unresolved_outputs, FUNCTION, props) == []


def test_applies_to_every_resource_type():
    for resource_type in (FUNCTION, "random:index/randomString:RandomString", "pulumi:providers:aws"):
        assert no_unresolved_outputs.applies_to(resource_type)
        assert analyze(no_unresolved_outputs, resource_type, {"description": REPR_OUTPUT}) == [
            unresolved("description")]


def test_resource_without_strings_has_nothing_to_report():
    assert analyze(no_unresolved_outputs, BUCKET_V2, {"forceDestroy": True, "count": 3}) == []


def test_all_types_marker_is_opt_in_for_other_rules():
    policy = PackResourcePolicy(name="x-only-functions", description="d", check=lambda r, c: iter(()),
                                resource_types=[FUNCTION], enforcement_level=no_unresolved_outputs.enforcement_level,
                                severity=no_unresolved_outputs.severity, remediation_steps="r", url="https://x")
    assert policy.applies_to(FUNCTION)
    assert not policy.applies_to(BUCKET_V2)
    assert ALL_TYPES == "*"
