"""No rule raises, whatever the engine sends: property-based, per policy of the registry.

Each example runs the rule's raw `check` (plain tree, no safety net; NaN and infinity included,
which only a program under mocks could hand it) and then the real servicer through the harness
(engine form: sentinels, secrets, numbers as floats; NaN and infinity replaced, as protobuf
cannot carry them). With HYPOTHESIS_PROFILE=ci each policy gets 2,000 examples,
reproducibly (derandomized).
"""

from __future__ import annotations

import pytest
from hypothesis import given

from policypack.registry import ALL_POLICIES, BY_NAME

from . import running
from .strategies import resource_cases, stack_cases

RESOURCE_POLICY_NAMES = [p.name for p in ALL_POLICIES if p.kind == "resource"]
STACK_POLICY_NAMES = [p.name for p in ALL_POLICIES if p.kind == "stack"]


@pytest.mark.parametrize("name", RESOURCE_POLICY_NAMES)
def test_resource_rule_never_raises(name: str) -> None:
    policy = BY_NAME[name]

    @given(resource_cases(policy, finite=False))
    def engine_input(case):
        running.check_resource(policy, case)
        running.analyze_resource(policy, case)

    with running.safety_net_fails():
        engine_input()


@pytest.mark.parametrize("name", STACK_POLICY_NAMES)
def test_stack_rule_never_raises(name: str) -> None:
    policy = BY_NAME[name]

    @given(stack_cases(policy, finite=False))
    def engine_input(case):
        running.check_stack(policy, case)
        running.analyze_stack(policy, case)

    with running.safety_net_fails():
        engine_input()
