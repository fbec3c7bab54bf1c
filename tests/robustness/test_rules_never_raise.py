"""No rule raises, whatever the engine sends: property-based, per policy of the registry.

Each example runs the rule's raw `check` (plain tree, no safety net; NaN and infinity included,
which only a program under mocks could hand it) and then the real servicer through the harness
(engine form: sentinels, secrets, numbers as floats; NaN and infinity replaced, as protobuf
cannot carry them). With HYPOTHESIS_PROFILE=ci each policy gets 2,000 examples,
reproducibly (derandomized).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from policypack.core import types as t
from policypack.core.props import get
from policypack.core.rule import LOW, MANDATORY, resource_rule
from policypack.registry import ALL_POLICIES, BY_NAME

from . import running
from .strategies import resource_cases, stack_cases

RESOURCE_POLICY_NAMES = [p.name for p in ALL_POLICIES if p.kind == "resource"]
STACK_POLICY_NAMES = [p.name for p in ALL_POLICIES if p.kind == "stack"]


@pytest.mark.parametrize("name", RESOURCE_POLICY_NAMES)
def test_resource_rule_never_raises(name: str) -> None:
    policy = BY_NAME[name]

    examples = []

    @given(resource_cases(policy, finite=False))
    def engine_input(case):
        examples.append(None)
        running.check_resource(policy, case)
        running.analyze_resource(policy, case)

    with running.safety_net_fails():
        engine_input()
    # the search ran in full: as many distinct inputs as the profile asks (2,000 in CI)
    assert len(examples) >= settings.default.max_examples


@pytest.mark.parametrize("name", STACK_POLICY_NAMES)
def test_stack_rule_never_raises(name: str) -> None:
    policy = BY_NAME[name]

    examples = []

    @given(stack_cases(policy, finite=False))
    def engine_input(case):
        examples.append(None)
        running.check_stack(policy, case)
        running.analyze_stack(policy, case)

    with running.safety_net_fails():
        engine_input()
    # the search ran in full: as many distinct inputs as the profile asks (2,000 in CI)
    assert len(examples) >= settings.default.max_examples


# -- the search itself: a fragile rule must not survive it ----------------------------------------

@resource_rule(
    name="test-fragile-subnets", description="Trusts its input.", resource_types=[t.FUNCTION],
    enforcement_level=MANDATORY, severity=LOW, remediation_steps="None.", url="https://example.com",
)
def fragile(resource, config):
    subnets = get(resource.props, "vpcConfig.subnetIds")
    if len(subnets) < 2:  # TypeError on a missing, unknown or non-list value
        yield "few subnets"


@pytest.mark.parametrize("path", ["raw check", "servicer"])
def test_a_fragile_rule_is_caught_on_each_path(path):
    @settings(max_examples=300, derandomize=True, database=None, deadline=None)
    @given(resource_cases(fragile, finite=True))
    def engine_input(case):
        if path == "raw check":
            running.check_resource(fragile, case)
        else:
            running.analyze_resource(fragile, case)

    with running.safety_net_fails(), pytest.raises((TypeError, running.RuleRaised)) as caught:
        engine_input()
    assert path == "raw check" or isinstance(caught.value, running.RuleRaised)
