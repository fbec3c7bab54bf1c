"""How AnalyzeStack scales: synthetic stacks of 1,000 / 5,000 / 20,000 resources through the protocol.

    .venv/bin/python benchmarks/bench_stack.py [--sizes 1000 5000 20000] [--runs 3]

Starts the pack as the engine does (`tests.support.engine.PackProcess`), sends each stack as one
AnalyzeStack request and times the reply (median of `--runs`, after one warm-up). The stacks are
made of the catalog's resource types and comply with every stack rule (see tests/stack/synthetic.py),
so each rule does all of its work. Prints resources, seconds, microseconds per resource, and the
ratio of that cost to the first row's: the goal is <= 1.5 at 20,000 resources.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.stack.synthetic import synthetic_stack  # noqa: E402
from tests.support.engine import PackProcess  # noqa: E402

GOAL = 1.5


def time_stack(pack: PackProcess, size: int, runs: int) -> tuple:
    states = synthetic_stack(size)
    diagnostics = pack.analyze_stack(states)  # warm-up, and proof that the rules ran clean
    if diagnostics:
        raise SystemExit(f"the synthetic stack is not compliant: {diagnostics[0]}")
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        pack.analyze_stack(states)
        timings.append(time.perf_counter() - start)
    return len(states), statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench_stack")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with PackProcess(ROOT) as pack:
        for size in args.sizes:
            rows.append(time_stack(pack, size, args.runs))
    base = rows[0][1] / rows[0][0]
    print(f"| resources | seconds (median of {args.runs}) | µs per resource | ratio to first row |")
    print("|---:|---:|---:|---:|")
    for count, seconds in rows:
        per = seconds / count
        print(f"| {count:,} | {seconds:.2f} | {per * 1e6:.0f} | {per / base:.2f} |")
    worst = max(seconds / count for count, seconds in rows) / base
    print(f"\nworst ratio {worst:.2f} (goal <= {GOAL})")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
