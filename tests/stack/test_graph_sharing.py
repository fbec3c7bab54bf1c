"""One stack graph per AnalyzeStack, however many stack policies run, and no rule that walks the
whole stack once per resource."""

from __future__ import annotations

import pytest
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policypack import PACK_NAME, __version__
from policypack.core import graph as graph_module
from policypack.engine.requests import analyze_stack_request
from policypack.registry import ALL_POLICIES, STACK_POLICIES
from policypack.serving import share_graph_per_analysis
from tests.stack.synthetic import synthetic_stack


def _servicer():
    return _PolicyAnalyzerServicer(PACK_NAME, __version__, list(ALL_POLICIES), EnforcementLevel.ADVISORY)


def _builds(servicer, request) -> int:
    before = graph_module.BUILD_COUNT[0]
    response = servicer.AnalyzeStack(request, None)
    assert [d.policyName for d in response.diagnostics] == []  # the synthetic stack is compliant
    return graph_module.BUILD_COUNT[0] - before


def test_pack_has_several_stack_policies():
    assert len(STACK_POLICIES) == 12


def test_graph_is_built_once_per_analyze_stack_when_shared():
    assert share_graph_per_analysis() is True
    servicer = _servicer()
    request = analyze_stack_request(synthetic_stack(100))
    assert _builds(servicer, request) == 1
    assert _builds(servicer, request) == 1  # a new analysis builds a new graph, once


def test_without_sharing_each_stack_policy_builds_its_own(monkeypatch):
    """The counter is real: with the servicer's original AnalyzeStack, one graph per policy."""
    share_graph_per_analysis()
    servicer_class = _PolicyAnalyzerServicer
    wrapped = servicer_class.AnalyzeStack
    cells = [c.cell_contents for c in (wrapped.__closure__ or ())]
    original = next(f for f in cells if getattr(f, "__name__", "") == "AnalyzeStack")
    monkeypatch.setattr(servicer_class, "AnalyzeStack", original)
    assert _builds(_servicer(), analyze_stack_request(synthetic_stack(100))) == len(STACK_POLICIES)


@pytest.fixture
def graph_calls(monkeypatch):
    """Counts the graph's whole-stack questions (each returns or walks a list of the stack's size)."""
    counts = {"of_type": 0, "iter": 0}
    StackGraph = graph_module.StackGraph
    of_type, iterate = StackGraph.of_type, StackGraph.__iter__

    def counted_of_type(self, *types):
        counts["of_type"] += 1
        return of_type(self, *types)

    def counted_iter(self):
        counts["iter"] += 1
        return iterate(self)

    monkeypatch.setattr(StackGraph, "of_type", counted_of_type)
    monkeypatch.setattr(StackGraph, "__iter__", counted_iter)
    return counts


def test_whole_stack_questions_do_not_grow_with_the_stack(graph_calls):
    share_graph_per_analysis()
    servicer = _servicer()
    servicer.AnalyzeStack(analyze_stack_request(synthetic_stack(100)), None)
    small = dict(graph_calls)
    for key in graph_calls:
        graph_calls[key] = 0
    servicer.AnalyzeStack(analyze_stack_request(synthetic_stack(1000)), None)
    assert graph_calls == small
