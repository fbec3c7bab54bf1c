"""Serving cost, side by side: this pack, a floor pack and Pulumi's own AWSGuard, over the analyzer protocol.

Every pack is started exactly as the Pulumi CLI starts it (see serving_packs.py) and driven only
through the protocol, as the engine drives it, so the benchmark measures whatever serves the pack.
In one run, interleaved (round-robin over packs and request kinds, the pack order rotating each
round, so machine noise falls on all alike), it measures:

- start-up: spawn -> port printed on stdout, median of `--startup-runs` (after one untimed start each);
- `Analyze` for four engine-shaped resources (serving_requests.py), `--requests` each per pack in
  batches of `--batch`: p50/p99 of each request's wall latency (client included, the same client for
  every pack) and the pack process's CPU time per request (its /proc CPU delta over the batches
  divided by the requests in them);
- `AnalyzeStack` on the synthetic serverless stacks of bench_stack.py at each of `--sizes`: a fresh
  process per size and pack (so the peak RSS, VmHWM, is that size's), one warm-up then
  `--stack-runs` timed runs, medians of wall and process CPU.

The floor pack is a Python pack of one trivial resource policy and one trivial stack policy, served
from a temporary folder with the same interpreter: what any Python pack pays. AWSGuard runs where
`node` and `npm` are found (its `npm install` is kept in benchmarks/.cache/).

    .venv/bin/python benchmarks/bench_serving.py              # the full run (several minutes)
    .venv/bin/python benchmarks/bench_serving.py --quick      # a smoke run
    .venv/bin/python benchmarks/bench_serving.py --write      # ... and rewrite docs/benchmarks.md's section

Prints the tables, the machine, the command and issue 8's goals (met or not); exits 0 unless
`--check` is given and a goal is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import serving_packs as packs  # noqa: E402
from serving_measure import Options, run  # noqa: E402
from serving_report import command_line, goals, load_average, machine_facts, render, write_section  # noqa: E402


def parse(argv: Sequence[str]) -> Tuple[argparse.Namespace, Options]:
    parser = argparse.ArgumentParser(prog="bench_serving", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, help="Analyze requests per pack and kind (default 3000)")
    parser.add_argument("--batch", type=int, help="requests per CPU reading (default 100)")
    parser.add_argument("--warmup", type=int, help="untimed Analyze requests per pack and kind (default 100)")
    parser.add_argument("--startup-runs", type=int, help="timed starts per pack (default 10)")
    parser.add_argument("--stack-runs", type=int, help="timed AnalyzeStack runs per size and pack (default 3)")
    parser.add_argument("--sizes", help="AnalyzeStack sizes, comma-separated (default 1000,5000,20000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: few requests, small stacks")
    parser.add_argument("--no-node", action="store_true", help="leave AWSGuard out even where node is found")
    parser.add_argument("--python", default=sys.executable, help="the interpreter the Python packs run on")
    parser.add_argument("--write", action="store_true", help="rewrite docs/benchmarks.md's serving section")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    options = Options(requests=200, batch=50, warmup=20, startup_runs=2, stack_runs=1, sizes=(230, 1000)) \
        if args.quick else Options()
    for name in ("requests", "batch", "warmup", "startup_runs", "stack_runs"):
        if getattr(args, name) is not None:
            setattr(options, name, getattr(args, name))
    if args.sizes:
        options.sizes = tuple(int(s) for s in args.sizes.split(","))
    return args, options


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args, options = parse(argv)
    load_before, started = load_average(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="floor-pack-") as floor_dir:
        specs = [packs.this_pack(args.python), packs.floor_pack(Path(floor_dir), args.python)]
        left_out = "--no-node given" if args.no_node else None if packs.node_available() else "node or npm not found"
        if left_out is None:
            specs.append(packs.awsguard_pack())
        report = run(specs, options)
        facts = machine_facts(specs)
    if left_out:
        facts["AWSGuard"] = f"left out: {left_out}"
    body = render(report, facts, load_before, load_average(), command_line(argv), options,
                  time.perf_counter() - started)
    print(body)
    if args.write:
        write_section(body)
    missed = [goal for goal, _, met in goals(report) if met is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
