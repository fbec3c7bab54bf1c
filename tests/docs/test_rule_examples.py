"""The examples of docs/rules.md give the verdicts the docs state, as real programs.

Every rule of the registry has `docs/examples/<rule>.py`: a snippet the rule reports, with the
exact violations it gets, and a snippet it passes. Each is run as a Pulumi program under mocks
(the pack's own program runner, provider Check emulated) in preview and in update, and evaluated
with the whole pack at its default levels, on its own (tests/docs/snippets.py): the reported
snippet gets exactly the violations its comments state, of that rule, at the rule's default level,
on the resources they name; the passing snippet gets no violation of that rule.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Tuple

import pytest

from policypack.engine.evaluate import StackContext, evaluate
from policypack.engine.model import name_of_urn
from policypack.engine.program import run_program
from policypack.registry import ALL_POLICIES, BY_NAME

from .snippets import EXAMPLES_DIR, PROGRAM_DIR, SnippetIndex, load_examples

DOCS = load_examples()
EXAMPLES = DOCS.read_examples(EXAMPLES_DIR)
MODES = DOCS.MODES

Found = Tuple[str, str, str, str]  # (policy, level, resource's logical name, message)


@pytest.fixture(scope="session")
def runs() -> Dict[str, SnippetIndex]:
    """The examples program, run once per mode (both at once)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        stacks = dict(zip(MODES, pool.map(lambda mode: run_program(PROGRAM_DIR, preview=mode == "preview"), MODES)))
    return {mode: SnippetIndex(stack) for mode, stack in stacks.items()}


def violations(index: SnippetIndex, rule: str, kind: str) -> List[Found]:
    """The pack's violations of `rule` on the snippet, run as a program of its own."""
    stack = index.stack
    states = index.states(rule, kind)
    diagnostics = evaluate(states, context=StackContext(stack.project, stack.stack, stack.preview, stack.config))
    own = {r.urn for r in index.snippet_resources(rule, kind)}
    outside = [d for d in diagnostics if d.policy == rule and d.urn not in own]
    assert outside == [], f"{rule} reports resources outside the snippet: {outside}"
    return sorted((d.policy, d.level, name_of_urn(d.urn), d.message) for d in diagnostics if d.policy == rule)


def mismatch(example, found: List[Found]) -> str:
    """What to write in the example file if the violations found are right."""
    lines = [DOCS.expectation_comment(DOCS.Expected(name, message)) for _, _, name, message in found]
    return f"{example.path.name} states other violations; what the pack reports:\n" + "\n".join(lines)


def test_every_rule_has_an_example_and_every_example_a_rule():
    assert sorted(EXAMPLES) == sorted(p.name for p in ALL_POLICIES)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rule", sorted(EXAMPLES))
def test_the_reported_snippet_gets_exactly_the_stated_violations(runs, rule, mode):
    example = EXAMPLES[rule]
    level = BY_NAME[rule].enforcement_level.value
    # (a violation stated for one mode only is one the other mode must not report)
    expected = sorted((rule, level, e.resource, e.message) for e in example.expected if mode in e.modes)
    found = violations(runs[mode], rule, "reported")
    assert found == expected, mismatch(example, found)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rule", sorted(EXAMPLES))
def test_the_passing_snippet_gets_no_violation_of_its_rule(runs, rule, mode):
    found = violations(runs[mode], rule, "passes")
    assert found == [], f"{EXAMPLES[rule].path.name}: the passing snippet is reported: {found}"


@pytest.mark.parametrize("mode", MODES)
def test_every_snippet_ran_and_created_resources(runs, mode):
    index = runs[mode]
    empty = [f"{rule} {kind}" for rule in EXAMPLES for kind in DOCS.SNIPPET_KINDS
             if not index.snippet_resources(rule, kind)]
    assert empty == []
