"""How AnalyzeStack scales: synthetic stacks of 1,000 / 5,000 / 20,000 resources through the protocol.

    .venv/bin/python benchmarks/bench_stack.py [--sizes 1000 5000 20000] [--runs 3]

Starts the pack as the engine does (`tests.support.engine.PackProcess`), sends each stack as one
AnalyzeStack request (built once, so only the pack's work and the transport are timed) and times the
reply: wall-clock seconds and the CPU seconds the pack process spent (from /proc, so a busy machine
does not distort it), each the median of `--runs` after one warm-up. The stacks are made of the
catalog's resource types and comply with every stack rule (see tests/stack/synthetic.py), so each
rule does all of its work. Prints resources, seconds, microseconds per resource, and the ratio of
that cost to the first row's: the goal is <= 1.5 at 20,000 resources (judged on CPU time).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policypack.engine.requests import analyze_stack_request, diagnostics  # noqa: E402
from serving_packs import cpu_seconds  # noqa: E402
from tests.stack.synthetic import synthetic_stack  # noqa: E402
from tests.support.engine import PackProcess  # noqa: E402

GOAL = 1.5


def time_stack(pack: PackProcess, size: int, runs: int) -> tuple:
    states = synthetic_stack(size)
    request = analyze_stack_request(states)
    found = diagnostics(pack.stub.AnalyzeStack(request, timeout=600))  # warm-up, and proof of a clean run
    if found:
        raise SystemExit(f"the synthetic stack is not compliant: {found[0]}")
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = cpu_seconds(pack.process.pid), time.perf_counter()
        pack.stub.AnalyzeStack(request, timeout=600)
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds(pack.process.pid) - cpu)
    return len(states), statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench_stack")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with PackProcess(ROOT) as pack:
        for size in args.sizes:
            rows.append(time_stack(pack, size, args.runs))
    wall_base, cpu_base = rows[0][1] / rows[0][0], rows[0][2] / rows[0][0]
    print(f"| resources | wall s | wall µs/resource | wall ratio | pack CPU s | CPU µs/resource | CPU ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count, wall, cpu in rows:
        print(f"| {count:,} | {wall:.2f} | {wall / count * 1e6:.0f} | {wall / count / wall_base:.2f} "
              f"| {cpu:.2f} | {cpu / count * 1e6:.0f} | {cpu / count / cpu_base:.2f} |")
    worst = max(cpu / count for count, _, cpu in rows) / cpu_base
    print(f"\nmedian of {args.runs} runs each; worst CPU ratio {worst:.2f} (goal <= {GOAL})")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
