"""The collection as a whole: names, metadata, catalog coverage, types, options, no pulumi_aws."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policypack.registry import ALL_POLICIES, BY_NAME, RESOURCE_POLICIES, STACK_POLICIES
from tests.protocol.catalog import served_catalog_rules

PACKAGE = Path(__file__).resolve().parents[1] / "policypack"
CATALOG = served_catalog_rules()

NAME = re.compile(r"^(aws-[a-z0-9]+-[a-z0-9]+(-[a-z0-9]+)*|pulumi-[a-z0-9]+(-[a-z0-9]+)*)$")
TYPE_TOKEN = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z0-9/._-]+:[A-Za-z0-9._-]+$")  # pkg:module[/file]:Type
SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.!?](\s|$)")
JSON_SCHEMA_TYPES = {"string", "integer", "number", "boolean", "array", "object"}

ids = [p.name for p in ALL_POLICIES]


def test_names_are_unique():
    names = [p.name for p in ALL_POLICIES]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
    assert len(BY_NAME) == len(ALL_POLICIES)


def test_registry_lists_are_consistent():
    assert ALL_POLICIES == [*RESOURCE_POLICIES, *STACK_POLICIES]
    assert all(p.kind == "resource" for p in RESOURCE_POLICIES)
    assert all(p.kind == "stack" for p in STACK_POLICIES)


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=ids)
def test_name_is_kebab_case_with_a_service_prefix(policy):
    assert NAME.match(policy.name), policy.name


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=ids)
def test_description_is_one_sentence(policy):
    description = policy.description
    assert description and description == description.strip()
    assert description[0].isupper() and description.endswith(".")
    assert len(SENTENCE_END.findall(description)) == 1, description


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=ids)
def test_metadata_is_complete(policy):
    assert policy.remediation_steps and policy.remediation_steps.strip() == policy.remediation_steps
    assert policy.url and policy.url.startswith("https://") and " " not in policy.url
    assert policy.severity is not None
    assert policy.enforcement_level is not None


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.name)
def test_catalog_rule_is_present_with_its_kind_and_level(rule):
    assert rule.name in BY_NAME, f"{rule.name} is in the catalog but not in the registry"
    policy = BY_NAME[rule.name]
    assert (policy.kind, policy.enforcement_level.value) == (rule.kind, rule.level)


@pytest.mark.parametrize("policy", RESOURCE_POLICIES, ids=[p.name for p in RESOURCE_POLICIES])
def test_resource_policy_declares_the_types_it_applies_to(policy):
    assert policy.resource_types
    for token in policy.resource_types:
        assert token == "*" or TYPE_TOKEN.match(token), token


@pytest.mark.parametrize("policy", STACK_POLICIES, ids=[p.name for p in STACK_POLICIES])
def test_stack_policy_types_are_type_tokens(policy):
    assert policy.resource_types
    assert [t for t in policy.resource_types if not TYPE_TOKEN.match(t)] == []


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=ids)
def test_config_options_have_a_type_and_a_default(policy):
    properties = policy.config_schema.properties if policy.config_schema else {}
    for option, spec in properties.items():
        assert spec.get("type") in JSON_SCHEMA_TYPES, f"{policy.name}.{option}"
        assert "default" in spec, f"{policy.name}.{option}"
        assert spec.get("description"), f"{policy.name}.{option}"
    assert policy.config_defaults == {k: v["default"] for k, v in properties.items()}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            yield str(node.args[0].value)


def test_no_module_of_the_pack_imports_pulumi_aws():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 10
    offenders = [f"{path.relative_to(PACKAGE.parent)}: {module}" for path in sources
                 for module in imported_modules(path) if module.split(".")[0] == "pulumi_aws"]
    assert offenders == []


def test_rules_reference_is_generated_from_the_registry():
    """docs/rules.md is what scripts/gen_rules_doc.py makes of the registry (`make docs`)."""
    script = PACKAGE.parent / "scripts" / "gen_rules_doc.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    text = (PACKAGE.parent / "docs" / "rules.md").read_text()
    assert all(f"### `{p.name}`" in text for p in ALL_POLICIES)
