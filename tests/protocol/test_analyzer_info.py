"""GetAnalyzerInfo, as the CLI asks it of the running pack: every catalog policy, with its metadata.

Checked against the catalog (`docs/catalog.md`), not against the registry: the catalog
is the public contract (names people write into `--policy-pack-config` files).
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

from policypack import PACK_NAME
from policypack.registry import ALL_POLICIES

from .catalog import CATALOG_OPTIONS, UNNAMED_OPTIONS, served_catalog_rules

CATALOG = served_catalog_rules()
POLICY_TYPES = {"resource": analyzer_pb2.PolicyType.POLICY_TYPE_RESOURCE,
                "stack": analyzer_pb2.PolicyType.POLICY_TYPE_STACK}
LEVELS = {"mandatory": analyzer_pb2.MANDATORY, "advisory": analyzer_pb2.ADVISORY}


@pytest.fixture(scope="module")
def policies(pack_process) -> Dict[str, Any]:
    return {p.name: p for p in pack_process.info().policies}


def schema_of(policy_info: Any) -> Dict[str, Any]:
    return json_format.MessageToDict(policy_info.configSchema.properties)


def test_the_catalog_is_read():
    assert len(CATALOG) >= 41
    assert len({r.name for r in CATALOG}) == len(CATALOG)
    # v1 rows (with a seed column) and the built v2 sections (without one)
    assert {"aws-lambda-function-in-vpc", "aws-lambda-permission-not-public",
            "aws-apigatewayv2-route-authorized"} <= {r.name for r in CATALOG}


def test_the_pack_describes_itself(pack_process):
    info = pack_process.info()
    assert info.name == PACK_NAME
    assert info.supportsConfig is True
    assert info.description


def test_the_pack_serves_every_catalog_policy_and_only_registered_ones(policies):
    missing = sorted({r.name for r in CATALOG} - set(policies))
    assert missing == []
    assert sorted(policies) == sorted(p.name for p in ALL_POLICIES)


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.name)
def test_policy_kind_and_default_level_are_the_catalogs(policies, rule):
    info = policies[rule.name]
    assert info.policy_type == POLICY_TYPES[rule.kind]
    assert info.enforcementLevel == LEVELS[rule.level]


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.name)
def test_policy_metadata_reaches_the_engine(policies, rule):
    info = policies[rule.name]
    assert info.description.strip()
    assert info.remediation_steps.strip()
    assert info.url.startswith("https://")
    assert info.severity != analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED


@pytest.mark.parametrize("name", sorted(CATALOG_OPTIONS))
def test_catalog_options_are_in_the_config_schema_with_their_defaults(policies, name):
    schema = schema_of(policies[name])
    for option, default in CATALOG_OPTIONS[name].items():
        assert option in schema, f"{name}: no `{option}` in its config schema"
        assert "default" in schema[option]
        if default is not None:
            assert schema[option]["default"] == default


@pytest.mark.parametrize("name", sorted(UNNAMED_OPTIONS))
def test_configurable_rules_without_named_options_have_them(policies, name):
    assert len(schema_of(policies[name])) >= UNNAMED_OPTIONS[name]


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.name)
def test_every_config_option_has_a_type_and_a_default(policies, rule):
    for option, spec in schema_of(policies[rule.name]).items():
        assert "type" in spec and "default" in spec, f"{rule.name}.{option}: {spec}"


def test_config_defaults_match_the_policies_own(policies):
    for policy in ALL_POLICIES:
        served = {k: v.get("default") for k, v in schema_of(policies[policy.name]).items()}
        # protobuf's Struct carries numbers as doubles: 2 comes back as 2.0 (equal in Python)
        assert served == policy.config_defaults, policy.name
