"""Run one generated case through a rule: its raw `check`, and the real servicer (harness).

The pack's safety nets (`rule._log_rule_error`, which turns a rule's exception into a stderr note,
and the server's `_log_failure`, which keeps any other failure from becoming a gRPC error) must not
be what keeps these tests green: `safety_net_fails` makes reaching either a test failure.
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from typing import Any, Iterator, List
from unittest import mock

from policypack.core import rule
from policypack.engine import server
from policypack.core.graph import Node, StackGraph
from policypack.core.rule import Resource, StackViolation, merged_config
from tests.support import harness
from tests.support.harness import urn_of

from .strategies import ResourceCase, StackCase, engine_safe, to_plain


class RuleRaised(AssertionError):
    """A rule raised: the safety net caught it, which only hides the bug from users."""


def _fail(name: str, where: str) -> None:
    raise RuleRaised(f"policy {name!r} raised on {where}:\n{traceback.format_exc()}")


def _server_fail(call: str, where: str) -> None:
    raise RuleRaised(f"{call} failed on {where}:\n{traceback.format_exc()}")


@contextmanager
def safety_net_fails() -> Iterator[None]:
    with mock.patch.object(rule, "_log_rule_error", _fail), mock.patch.object(server, "_log_failure", _server_fail):
        yield


# -- resource rules ----------------------------------------------------------------------------

def resource_of(case: ResourceCase) -> Resource:
    return Resource(
        type=case.type, name=case.name, urn=urn_of(case.type, case.name), props=to_plain(case.props),
        provider_props=to_plain(case.provider) if case.provider is not None else None,
    )


def check_resource(policy: Any, case: ResourceCase) -> List[str]:
    """The raw check, no safety net: what it yields must be messages (strings)."""
    config = merged_config(policy.config_defaults, case.config)
    messages = list(policy.check(resource_of(case), config))
    for message in messages:
        assert isinstance(message, str), f"{policy.name} yielded {message!r}, not a message"
    return messages


def analyze_resource(policy: Any, case: ResourceCase) -> List[harness.Violation]:
    provider = engine_safe(case.provider) if case.provider is not None else None
    violations = harness.analyze(policy, case.type, engine_safe(case.props), name=case.name,
                                 config=_config(policy, case.config), provider=provider)
    _assert_ran(policy, violations)
    return violations


# -- stack rules -------------------------------------------------------------------------------

def graph_of(case: StackCase) -> StackGraph:
    return StackGraph(
        Node(type=n.type, urn=n.urn, name=n.name, props=to_plain(n.props), parent=n.parent or None,
             provider=n.provider or None, dependencies=tuple(n.dependencies),
             property_dependencies={k: tuple(v) for k, v in n.property_dependencies.items()})
        for n in case.nodes
    )


def check_stack(policy: Any, case: StackCase) -> List[StackViolation]:
    config = merged_config(policy.config_defaults, case.config)
    violations = list(policy.check(graph_of(case), config))
    for violation in violations:
        assert isinstance(violation, StackViolation), f"{policy.name} yielded {violation!r}"
        assert isinstance(violation.message, str) and (violation.urn is None or isinstance(violation.urn, str))
    return violations


def analyze_stack(policy: Any, case: StackCase) -> List[harness.Violation]:
    resources = [
        harness.StackResource(type=n.type, name=n.name, props=engine_safe(n.props), dependencies=n.dependencies,
                              property_dependencies=n.property_dependencies, parent=n.parent, urn=n.urn)
        for n in case.nodes
    ]
    violations = harness.analyze_stack(policy, resources, config=_config(policy, case.config))
    _assert_ran(policy, violations)
    return violations


# -- shared ------------------------------------------------------------------------------------

def _config(policy: Any, options: Any) -> Any:
    return {policy.name: dict(options)} if options else None


def _assert_ran(policy: Any, violations: List[harness.Violation]) -> None:
    """Every diagnostic is the policy's own, at its level (advisory when an exemption applies): no
    'can't run during preview' note."""
    level = policy.enforcement_level.value
    for violation in violations:
        assert "can't run policy" not in violation.message, violation.message
        exempted = violation.level == "advisory" and violation.message.startswith("exempt until ")
        assert violation.policy == policy.name and (violation.level == level or exempted), violation
