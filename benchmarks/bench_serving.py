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
import math
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import serving_packs as packs  # noqa: E402
import serving_requests  # noqa: E402
from policypack.engine.requests import analyze_stack_request  # noqa: E402
from tests.stack.synthetic import synthetic_stack  # noqa: E402

SECTION = "## Serving (analyzer protocol, side by side)"
FLOOR = "floor"
THIS = "this pack"
KINDS = list(serving_requests.KINDS)
VARIANTS = 64  # distinct resources per request kind, sent in turn


@dataclass
class Options:
    requests: int = 3000
    batch: int = 100
    warmup: int = 100
    startup_runs: int = 10
    stack_runs: int = 3
    sizes: Tuple[int, ...] = (1000, 5000, 20000)


@dataclass
class AnalyzeResult:
    latencies: List[float] = field(default_factory=list)
    cpu: float = 0.0
    fired: List[str] = field(default_factory=list)  # the policies reporting on the request

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / len(self.latencies)


@dataclass
class StackResult:
    resources: int
    walls: List[float] = field(default_factory=list)
    cpus: List[float] = field(default_factory=list)
    peak_rss: int = 0
    fired: List[str] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


@dataclass
class Report:
    labels: List[str]
    policies: Dict[str, int] = field(default_factory=dict)
    startup: Dict[str, List[float]] = field(default_factory=dict)
    analyze: Dict[Tuple[str, str], AnalyzeResult] = field(default_factory=dict)
    stack: Dict[Tuple[int, str], StackResult] = field(default_factory=dict)


def rotated(items: Sequence, turn: int) -> list:
    """The same items, starting at a different one each turn: no pack always goes first."""
    k = turn % len(items) if items else 0
    return list(items[k:]) + list(items[:k])


# -- measuring ---------------------------------------------------------------------------------------

def measure_startup(specs: Sequence[packs.PackSpec], runs: int, report: Report) -> None:
    for spec in specs:  # untimed: warm the file cache and compiled code, measure starts not installs
        with packs.launch(spec) as served:
            report.policies[spec.label] = len(served.attach().policies)
    for turn in range(runs):
        for spec in rotated(specs, turn):
            with packs.launch(spec) as served:
                report.startup.setdefault(spec.label, []).append(served.startup_seconds)


def measure_analyze(specs: Sequence[packs.PackSpec], options: Options, report: Report) -> None:
    requests = {kind: serving_requests.variants(kind, VARIANTS) for kind in KINDS}
    served = [packs.launch(spec) for spec in specs]
    try:
        for pack in served:
            pack.attach()
            for kind in KINDS:
                result = report.analyze.setdefault((pack.spec.label, kind), AnalyzeResult())
                result.fired = fired(pack.stub.Analyze(requests[kind][0], timeout=60))
                for i in range(options.warmup):
                    pack.stub.Analyze(requests[kind][i % VARIANTS], timeout=60)
        sent = 0
        for turn in range(math.ceil(options.requests / options.batch)):
            size = min(options.batch, options.requests - sent)
            for kind in rotated(KINDS, turn):
                for pack in rotated(served, turn):
                    _analyze_batch(pack, requests[kind], sent, size, report.analyze[(pack.spec.label, kind)])
            sent += size
    finally:
        for pack in served:
            pack.close()


def fired(response) -> List[str]:
    return sorted(d.policyName for d in response.diagnostics)


def _analyze_batch(pack: packs.ServedPack, requests: list, start: int, size: int, result: AnalyzeResult) -> None:
    analyze, clock = pack.stub.Analyze, time.perf_counter
    latencies = result.latencies
    cpu_before = pack.cpu_seconds()
    for i in range(start, start + size):
        request = requests[i % len(requests)]
        began = clock()
        analyze(request, timeout=60)
        latencies.append(clock() - began)
    result.cpu += pack.cpu_seconds() - cpu_before


def measure_stack(specs: Sequence[packs.PackSpec], options: Options, report: Report) -> None:
    for size in options.sizes:
        states = synthetic_stack(size)
        request = analyze_stack_request(states)
        served = [packs.launch(spec) for spec in specs]  # fresh: the peak memory is this size's
        try:
            for pack in served:
                pack.attach()
                result = report.stack[(size, pack.spec.label)] = StackResult(len(states))
                result.fired = fired(pack.stub.AnalyzeStack(request, timeout=3600))
            for turn in range(options.stack_runs):
                for pack in rotated(served, turn):
                    result = report.stack[(size, pack.spec.label)]
                    cpu_before, began = pack.cpu_seconds(), time.perf_counter()
                    pack.stub.AnalyzeStack(request, timeout=3600)
                    result.walls.append(time.perf_counter() - began)
                    result.cpus.append(pack.cpu_seconds() - cpu_before)
            for pack in served:
                report.stack[(size, pack.spec.label)].peak_rss = pack.peak_rss_bytes()
        finally:
            for pack in served:
                pack.close()


def run(specs: Sequence[packs.PackSpec], options: Options) -> Report:
    """The whole measurement; `specs` in the order their columns are printed."""
    report = Report([s.label for s in specs])
    measure_startup(specs, options.startup_runs, report)
    measure_analyze(specs, options, report)
    measure_stack(specs, options, report)
    return report


# -- reporting ---------------------------------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def _ratio(value: float, base: Optional[float]) -> str:
    return f"{value / base:.2f}×" if base else "—"


def render_tables(report: Report) -> str:
    lines = ["### Start-up (spawn → port printed)", "",
             "| pack | policies | median s | min s | max s | median / floor |", "|---|---:|---:|---:|---:|---:|"]
    floor_start = statistics.median(report.startup[FLOOR]) if FLOOR in report.startup else None
    for label in report.labels:
        times = report.startup[label]
        lines.append(f"| {label} | {report.policies[label]} | {statistics.median(times):.3f} | {min(times):.3f} "
                     f"| {max(times):.3f} | {_ratio(statistics.median(times), floor_start)} |")

    count = len(next(iter(report.analyze.values())).latencies)
    lines += ["", f"### Analyze ({count:,} requests per pack and kind)", "",
              "p50 / p99: wall latency of each request at the client; CPU: the pack process's CPU time "
              "per request (CPU over the batches ÷ requests).", "",
              "| request | pack | diagnostics | p50 ms | p99 ms | CPU µs/request | p50 / floor | CPU / floor |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for kind in KINDS:
        floor = report.analyze.get((FLOOR, kind))
        for label in report.labels:
            r = report.analyze[(label, kind)]
            lines.append(
                f"| {kind} ({serving_requests.property_count(kind)} props) | {label} | {len(r.fired)} "
                f"| {_ms(r.p50)} | {_ms(r.p99)} | {r.cpu_per_request * 1e6:.0f} "
                f"| {_ratio(r.p50, floor and floor.p50)} | {_ratio(r.cpu_per_request, floor and floor.cpu_per_request)} |")

    lines += ["", "### AnalyzeStack (synthetic serverless stacks, fresh process per size)", "",
              "| resources | pack | diagnostics | wall s | CPU s | CPU µs/resource | µs/resource vs smallest "
              "| CPU / floor | peak RSS MB |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    sizes = sorted({size for size, _ in report.stack})
    for size in sizes:
        floor = report.stack.get((size, FLOOR))
        for label in report.labels:
            r = report.stack[(size, label)]
            first = report.stack[(sizes[0], label)]
            lines.append(
                f"| {r.resources:,} | {label} | {len(r.fired)} | {r.wall:.2f} | {r.cpu:.2f} "
                f"| {r.cpu / r.resources * 1e6:.0f} | {_ratio(r.cpu / r.resources, first.cpu / first.resources)} "
                f"| {_ratio(r.cpu, floor and floor.cpu)} | {r.peak_rss / 2**20:.0f} |")
    reported = [f"{label} on the {kind}: {', '.join(sorted(set(report.analyze[(label, kind)].fired)))}"
                for kind in KINDS for label in report.labels if report.analyze[(label, kind)].fired]
    reported += [f"{label} on the {report.stack[(size, label)].resources:,}-resource stack: "
                 f"{', '.join(sorted(set(report.stack[(size, label)].fired)))}"
                 for size in sizes for label in report.labels if report.stack[(size, label)].fired]
    lines += ["", "Diagnostics reported: " + ("; ".join(reported) if reported else "none") + "."]
    return "\n".join(lines)


def _goal(goal: str, value: float, base: float, limit: float, strictly: bool = False) -> Tuple[str, str, Optional[bool]]:
    """A goal on the ratio value / base; None = not measurable (a CPU time under the clock's tick)."""
    if not base or not value:
        return goal, "— (CPU time below the clock tick)", None
    ratio = value / base
    return goal, f"{ratio:.2f}×", ratio < limit if strictly else ratio <= limit


def goals(report: Report) -> List[Tuple[str, str, Optional[bool]]]:
    """Issue 8's serving goals: (goal, the measured ratio, met)."""
    out = [_goal(f"Analyze {kind}: p50 ≤ 1.5× floor", report.analyze[(THIS, kind)].p50,
                 report.analyze[(FLOOR, kind)].p50, 1.5) for kind in KINDS]
    awsguard = next((label for label in report.labels if label.startswith("AWSGuard")), None)
    if awsguard:
        out += [_goal(f"Analyze {kind}: p50 below AWSGuard's", report.analyze[(THIS, kind)].p50,
                      report.analyze[(awsguard, kind)].p50, 1.0, strictly=True) for kind in ("S3 bucket", "KMS key")]
    sizes = sorted({size for size, _ in report.stack})
    middle = min(sizes, key=lambda s: abs(s - 5000))
    this, floor = report.stack[(middle, THIS)], report.stack[(middle, FLOOR)]
    out.append(_goal(f"AnalyzeStack {this.resources:,}: CPU ≤ 2× floor", this.cpu, floor.cpu, 2.0))
    first, last = report.stack[(sizes[0], THIS)], report.stack[(sizes[-1], THIS)]
    out.append(_goal(f"AnalyzeStack CPU/resource {first.resources:,} → {last.resources:,}: ratio ≤ 1.3",
                     last.cpu / last.resources, first.cpu / first.resources, 1.3))
    out.append(_goal("start-up ≤ 1.3× floor", statistics.median(report.startup[THIS]),
                     statistics.median(report.startup[FLOOR]), 1.3))
    return out


def render_goals(report: Report) -> str:
    shown = {True: "yes", False: "**no**", None: "not measured"}
    lines = ["| goal (issue 8) | measured | met |", "|---|---:|---|"]
    lines += [f"| {goal} | {measured} | {shown[met]} |" for goal, measured, met in goals(report)]
    return "\n".join(lines)


def machine_facts(specs: Sequence[packs.PackSpec]) -> Dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    facts = {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}, "
                  f"pulumi {metadata.version('pulumi')}, pulumi-policy {metadata.version('pulumi-policy')}",
    }
    node = next((s for s in specs if s.runtime == "nodejs"), None)
    if node is not None:
        versions = ", ".join(f"{name} {v}" for name, v in packs.node_package_versions(node.directory).items())
        facts["Node"] = f"{packs.node_version()}, {versions}"
    return facts


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def command_line(argv: Sequence[str]) -> str:
    python = Path(sys.executable)
    shown = os.path.relpath(python, ROOT) if str(python).startswith(str(ROOT)) else str(python)
    return shlex.join([shown, "benchmarks/bench_serving.py", *argv])


def render(report: Report, facts: Dict[str, str], load_before: str, load_after: str, command: str,
           options: Options, seconds: float) -> str:
    machine = "\n".join(f"- {name}: {value}" for name, value in facts.items())
    return (
        f"Command: `{command}` ({seconds / 60:.1f} min)\n\n{machine}\n"
        f"- load average (1 / 5 / 15 min): {load_before} before, {load_after} after\n"
        f"- start-up runs {options.startup_runs}; Analyze batches of {options.batch} after {options.warmup} "
        f"warm-up requests per kind; AnalyzeStack: 1 warm-up + {options.stack_runs} runs per size\n\n"
        f"{render_tables(report)}\n\n### Goals\n\n{render_goals(report)}\n"
    )


def write_section(body: str) -> None:
    from docs_section import replace_section

    replace_section(SECTION, (
        f"{SECTION}\n\n"
        "`benchmarks/bench_serving.py`: this pack, a floor pack (one trivial resource policy and one trivial "
        "stack policy, same interpreter) and, where node and npm are found, Pulumi's own AWSGuard, each "
        "started exactly as the Pulumi CLI starts a pack of its language and driven only over the analyzer "
        "protocol; interleaved round-robin in one run; CPU is the pack process's own (/proc). Requests: "
        "engine-shaped `Analyze` requests (provider `Check` applied: autonames, defaults; default provider "
        "and options attached) for a bucket, a key, a function and a role with an inline policy "
        "(`benchmarks/serving_requests.py`), and bench_stack.py's synthetic serverless stacks.\n\n"
        f"{body}"
    ))


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
        if args.no_node:
            print("AWSGuard left out (--no-node)", file=sys.stderr)
        elif not packs.node_available():
            print("AWSGuard left out: node or npm not found", file=sys.stderr)
        else:
            specs.append(packs.awsguard_pack())
        report = run(specs, options)
        facts = machine_facts(specs)
    body = render(report, facts, load_before, load_average(), command_line(argv), options,
                  time.perf_counter() - started)
    print(body)
    if args.write:
        write_section(body)
    missed = [goal for goal, _, met in goals(report) if met is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
