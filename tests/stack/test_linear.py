"""Every stack rule's cost grows linearly with the stack, whatever its shape; no message grows.

Cost is counted, not timed (the machine is shared): the Python calls, lines and calls into C a
policy makes on a stack of each hostile shape (tests/stack/shapes.py), per resource, at two sizes
four times apart. A rule that is quadratic in some shape does four times as much per resource on
the bigger stack. (Work done inside one C call - a slice, `in` on a list - is not counted: those
spots were found by profiling, see docs/benchmarks.md.)
"""

import sys

import pytest

from policypack.engine.evaluate import StackContext, evaluate
from policypack.registry import STACK_POLICIES
from tests.stack.shapes import SHAPES, stack_graph

SMALL, LARGE = 600, 2400
RATIO = 1.3
MAX_MESSAGE = 2000


def calls(policy, states) -> int:
    """Python calls, lines run (each turn of a loop or comprehension) and calls into C."""
    graph = stack_graph(states)
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "c_call":
            count += 1

    def trace(frame, event, arg):
        nonlocal count
        count += 1
        return trace

    sys.setprofile(profile)
    sys.settrace(trace)
    try:
        for _ in policy.violations(graph, None):
            pass
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("mode", ["update", "preview"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_stack_policy_costs_the_same_per_resource_at_four_times_the_size(shape, mode):
    small = SHAPES[shape](SMALL, preview=mode == "preview")
    large = SHAPES[shape](LARGE, preview=mode == "preview")
    ratios = {}
    for policy in STACK_POLICIES:
        per_small = calls(policy, small) / len(small)
        per_large = calls(policy, large) / len(large)
        ratios[policy.name] = round(per_large / per_small, 2)
    assert {name: r for name, r in ratios.items() if r > RATIO} == {}


def test_no_message_is_longer_than_2000_characters_whatever_the_shape():
    longest = {}
    for mode in ("update", "preview"):
        for build in SHAPES.values():
            states = build(1500, preview=mode == "preview")
            for d in evaluate(states, context=StackContext(dry_run=mode == "preview")):
                if len(d.message) > len(longest.get(d.policy, "")):
                    longest[d.policy] = d.message
    assert {name: len(m) for name, m in longest.items() if len(m) > MAX_MESSAGE} == {}
    # the shapes do make the listing rules name many resources: each list is cut to a handful
    listing = ["aws-lambda-async-failure-destination", "aws-lambda-dead-letter-queue-alarm",
               "aws-s3-notification-lambda-permission", "aws-apigatewayv2-route-wiring"]
    assert {name: " more" in longest[name] for name in listing} == {name: True for name in listing}
