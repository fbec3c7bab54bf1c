"""How the stack rules scale: the realistic stack and the hostile shapes, at 1,000 / 5,000 / 20,000 resources.

    .venv/bin/python benchmarks/bench_stack.py [--sizes 1000 5000 20000] [--runs 3]
        [--shapes realistic fan-in fan-out repeated chain policies alarms] [--modes update preview]
        [--only protocol|rules] [--processes 3]

Two measurements of the same stacks (see tests/stack/synthetic.py for the realistic serverless cells,
tests/stack/shapes.py for the hostile shapes: fan-in, fan-out, repeated identities, long chains, many
policies on one role, many alarms), each the median of `--runs` after one warm-up (more runs for a
small stack, so that each measurement spans at least 40,000 resources):

- protocol: the pack started as the engine starts it (`tests.support.engine.PackProcess`), fresh
  processes for each stack (the engine starts one per preview; the median of `--processes`), each
  stack sent as one AnalyzeStack request (built once, so only the pack's work and the transport are
  timed); the pack process's CPU seconds (from /proc: a busy machine does not distort it) and the
  wall-clock seconds. This includes turning the request into trees and sending the diagnostics back.
- rules: in this process, the stack graph built once per run (not timed), then every stack policy
  run on it in the registry's order (sharing its indexes, as in an analysis), each timed in CPU
  seconds: the rules' own cost.

Each row gives CPU microseconds per resource, the ratio to the realistic stack of the same size, and
the ratio to the same stack at the first size. Goals (issue 8): realistic and every shape flat
from 1,000 to 20,000 resources (ratio <= 1.3), and a fan-in stack of 5,000 resources no more than
1.3x the realistic stack's cost per resource. The exit code is 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policypack.core.graph import analysis_scope  # noqa: E402
from policypack.engine.model import ResourceState  # noqa: E402
from policypack.engine.requests import analyze_stack_request, diagnostics  # noqa: E402
from policypack.registry import STACK_POLICIES  # noqa: E402
from serving_packs import cpu_seconds  # noqa: E402
from tests.stack.shapes import SHAPES, stack_graph  # noqa: E402
from tests.stack.synthetic import synthetic_stack  # noqa: E402

GOAL = 1.3
REALISTIC = "realistic"

Stack = Tuple[str, str, int]  # (shape, mode, requested size)


def build(shape: str, mode: str, size: int) -> List[ResourceState]:
    if shape == REALISTIC:
        return synthetic_stack(size)  # half of its cells in update form, half in preview form
    return SHAPES[shape](size, preview=mode == "preview")


# -- measurements ----------------------------------------------------------------------------------

# /proc counts CPU in clock ticks (10 ms): each measurement repeats the request until it spans at
# least this many resources, so a small stack's cost is not a tick or two
MIN_RESOURCES_MEASURED = 40_000


def through_protocol(pack, request, count: int, runs: int, compliant: bool) -> Tuple[float, float]:
    """(median pack CPU s, median wall s) of one AnalyzeStack request of `count` resources."""
    found = diagnostics(pack.stub.AnalyzeStack(request, timeout=3600))  # warm-up
    if compliant and found:
        raise SystemExit(f"the realistic stack is not compliant: {found[0]}")
    repeat = max(1, -(-MIN_RESOURCES_MEASURED // max(count, 1)))
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = cpu_seconds(pack.process.pid), time.perf_counter()
        for _ in range(repeat):
            pack.stub.AnalyzeStack(request, timeout=3600)
        walls.append((time.perf_counter() - start) / repeat)
        cpus.append((cpu_seconds(pack.process.pid) - cpu) / repeat)
    return statistics.median(cpus), statistics.median(walls)


def rules_in_process(states: List[ResourceState], runs: int) -> Tuple[float, Dict[str, float]]:
    """(median CPU s of all stack policies, median CPU s of each) on a graph built once per run."""
    totals, each = [], {p.name: [] for p in STACK_POLICIES}
    runs = max(runs, -(-MIN_RESOURCES_MEASURED // max(len(states), 1)))  # a small stack's run is a few ms: take more
    for _ in range(runs + 1):  # the first run warms up
        graph = stack_graph(states)
        spent = {}
        with analysis_scope():
            for policy in STACK_POLICIES:
                start = time.process_time()
                for _ in policy.violations(graph, None):
                    pass
                spent[policy.name] = time.process_time() - start
        totals.append(sum(spent.values()))
        for name, seconds in spent.items():
            each[name].append(seconds)
    return statistics.median(totals[1:]), {name: statistics.median(s[1:]) for name, s in each.items()}


# -- report ------------------------------------------------------------------------------------------

def table(title: str, rows: Dict[Stack, Tuple[int, float]], sizes: Sequence[int],
          extra: Callable[[Stack], str] = lambda key: "", extra_title: str = "") -> float:
    """Print one table; return the worst ratio to the first size."""
    print(f"\n{title}\n")
    print(f"| shape | mode | resources | CPU s | CPU µs/resource | vs realistic | vs {sizes[0]:,} |{extra_title}")
    print("|---|---|---:|---:|---:|---:|---:|" + ("---|" if extra_title else ""))
    worst = 0.0
    for key, (count, cpu) in rows.items():
        shape, mode, size = key
        per = cpu / count
        realistic = rows.get((REALISTIC, "mixed", size))
        vs_realistic = per / (realistic[1] / realistic[0]) if realistic else float("nan")
        first = rows[(shape, mode, sizes[0])]
        vs_first = per / (first[1] / first[0])
        worst = max(worst, vs_first)
        print(f"| {shape} | {mode} | {count:,} | {cpu:.3f} | {per * 1e6:.1f} | {vs_realistic:.2f} | {vs_first:.2f} |"
              f"{extra(key)}")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench_stack")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=3, help="fresh pack processes per stack (protocol)")
    parser.add_argument("--shapes", nargs="+", default=[REALISTIC, *SHAPES], choices=[REALISTIC, *SHAPES])
    parser.add_argument("--modes", nargs="+", default=["update", "preview"], choices=["update", "preview"])
    parser.add_argument("--only", choices=["protocol", "rules"])
    args = parser.parse_args()
    shapes = [REALISTIC] + [s for s in args.shapes if s != REALISTIC]
    stacks = [(shape, mode, size) for shape in shapes
              for mode in (["mixed"] if shape == REALISTIC else args.modes) for size in args.sizes]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPU(s); "
          f"CPython {sys.version.split()[0]}; median of {args.runs} runs after one warm-up")
    worst: Dict[str, float] = {}
    fan_in: Dict[str, float] = {}

    if args.only != "protocol":
        rows, slowest = {}, {}
        for key in stacks:
            states = build(*key)
            total, each = rules_in_process(states, args.runs)
            rows[key] = (len(states), total)
            name, seconds = max(each.items(), key=lambda item: item[1])
            slowest[key] = f" {name} {seconds / len(states) * 1e6:.1f} |"
        worst["rules"] = table("Stack rules in-process (graph built once, every stack policy timed):", rows,
                               args.sizes, lambda key: slowest[key], " slowest policy (µs/resource) |")
        fan_in["rules"] = _fan_in_ratio(rows)

    if args.only != "rules":
        from tests.support.engine import PackProcess

        requests = {}
        for key in stacks:
            states = build(*key)
            requests[key] = (len(states), analyze_stack_request(states))
        # Fresh packs, as the engine starts one per `pulumi preview`. One process differs from the next
        # by up to 10% (its memory layout and hash seed), and a machine drifts over minutes: each stack
        # takes the median of several processes, started in rounds that visit every stack once.
        cpus: Dict[Stack, List[float]] = {key: [] for key in stacks}
        for _ in range(args.processes):
            for key, (count, request) in requests.items():
                with PackProcess(ROOT) as pack:
                    cpus[key].append(through_protocol(pack, request, count, args.runs, key[0] == REALISTIC)[0])
        rows = {key: (requests[key][0], statistics.median(cpus[key])) for key in stacks}
        worst["protocol"] = table("Through the protocol (pack process CPU per AnalyzeStack):", rows, args.sizes)
        fan_in["protocol"] = _fan_in_ratio(rows)

    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    met = True
    for kind in worst:
        print(f"{kind}: worst ratio to {args.sizes[0]:,} resources {worst[kind]:.2f} (goal <= {GOAL}); "
              f"fan-in at 5,000 vs realistic {fan_in[kind]:.2f} (goal <= {GOAL})")
        met = met and worst[kind] <= GOAL and fan_in[kind] <= GOAL
    return 0 if met else 1


def _fan_in_ratio(rows: Dict[Stack, Tuple[int, float]]) -> float:
    """Cost per resource of the fan-in stack at 5,000 resources over the realistic stack's (worst mode)."""
    realistic = rows.get((REALISTIC, "mixed", 5000))
    ratios = [(cpu / count) / (realistic[1] / realistic[0]) for (shape, _mode, size), (count, cpu) in rows.items()
              if shape == "fan-in" and size == 5000 and realistic]
    return max(ratios, default=float("nan"))


if __name__ == "__main__":
    sys.exit(main())
