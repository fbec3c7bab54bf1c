"""The catalog the tests read is the project's own copy (`docs/catalog.md`), read whole, with the
rules other branches are adding now named in one place (`PENDING_V2_RULES`).

(`tests/test_self_contained.py` compares the copy with the team's shared catalog where that exists.)
"""

from __future__ import annotations

from policypack.registry import BY_NAME

from .catalog import CATALOG, PENDING_V2_RULES, REPO, catalog_rules, served_catalog_rules


def test_the_catalog_is_the_projects_own_copy():
    assert CATALOG == REPO / "docs" / "catalog.md" and CATALOG.is_file()


def test_both_table_shapes_are_read():
    rules = {r.name: r for r in catalog_rules()}
    assert rules["aws-lambda-function-in-vpc"].seed == '000 "Lambda VPC deployment missing"'
    # a v2 row: four columns, no seed
    assert (rules["aws-iam-actions-exist"].kind, rules["aws-iam-actions-exist"].level) == ("resource", "advisory")
    assert rules["aws-apigateway-lambda-wiring"].kind == "stack"
    assert len(rules) == 51


def test_pending_rules_are_catalog_rules_the_registry_lacks():
    """PENDING_V2_RULES only ever names catalog rules not registered yet: empty it as they arrive."""
    names = {r.name for r in catalog_rules()}
    assert sorted(PENDING_V2_RULES - names) == []
    assert sorted(PENDING_V2_RULES & set(BY_NAME)) == []


def test_every_other_catalog_rule_is_served():
    assert sorted(r.name for r in served_catalog_rules() if r.name not in BY_NAME) == []

