"""The serving benchmark's report: markdown tables, issue 8's goals, the machine and the command."""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import sys
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import serving_packs as packs
import serving_requests
from serving_measure import KINDS, Options, Report

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Serving (analyzer protocol, side by side)"
FLOOR = "floor"
THIS = "this pack"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def _ratio(value: float, base: Optional[float]) -> str:
    return f"{value / base:.2f}×" if base else "—"


def _startup_table(report: Report) -> List[str]:
    floor = statistics.median(report.startup[FLOOR])
    lines = ["### Start-up (spawn → port printed)", "",
             "| pack | policies | median s | min s | max s | median / floor |", "|---|---:|---:|---:|---:|---:|"]
    for label in report.labels:
        times = report.startup[label]
        lines.append(f"| {label} | {report.policies[label]} | {statistics.median(times):.3f} | {min(times):.3f} "
                     f"| {max(times):.3f} | {_ratio(statistics.median(times), floor)} |")
    return lines


def _analyze_table(report: Report) -> List[str]:
    count = len(next(iter(report.analyze.values())).latencies)
    lines = [f"### Analyze ({count:,} requests per pack and kind)", "",
             "p50 / p99: wall latency of each request at the client; CPU: the pack process's CPU time "
             "per request (CPU over the batches ÷ requests).", "",
             "| request | pack | diagnostics | p50 ms | p99 ms | CPU µs/request | p50 / floor | CPU / floor |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for kind in KINDS:
        floor = report.analyze[(FLOOR, kind)]
        for label in report.labels:
            r = report.analyze[(label, kind)]
            lines.append(
                f"| {kind} ({serving_requests.property_count(kind)} props) | {label} | {len(r.fired)} "
                f"| {_ms(r.p50)} | {_ms(r.p99)} | {r.cpu_per_request * 1e6:.0f} "
                f"| {_ratio(r.p50, floor.p50)} | {_ratio(r.cpu_per_request, floor.cpu_per_request)} |")
    return lines


def _stack_table(report: Report) -> List[str]:
    lines = ["### AnalyzeStack (synthetic serverless stacks, fresh process per size)", "",
             "| resources | pack | diagnostics | wall s | CPU s | CPU µs/resource | µs/resource vs smallest "
             "| CPU / floor | peak RSS MB |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    sizes = sorted({size for size, _ in report.stack})
    for size in sizes:
        floor = report.stack[(size, FLOOR)]
        for label in report.labels:
            r, first = report.stack[(size, label)], report.stack[(sizes[0], label)]
            lines.append(
                f"| {r.resources:,} | {label} | {len(r.fired)} | {r.wall:.2f} | {r.cpu:.2f} "
                f"| {r.cpu / r.resources * 1e6:.0f} | {_ratio(r.cpu / r.resources, first.cpu / first.resources)} "
                f"| {_ratio(r.cpu, floor.cpu)} | {r.peak_rss / 2**20:.0f} |")
    return lines


def _fired_note(report: Report) -> str:
    """Which policies reported on the requests: proof that each pack evaluated them."""
    results = [(label, f"the {kind}", report.analyze[(label, kind)]) for kind in KINDS for label in report.labels]
    results += [(label, f"the {r.resources:,}-resource stack", r) for (_, label), r in sorted(report.stack.items())]
    reported = [f"{label} on {what}: {', '.join(sorted(set(r.fired)))}" for label, what, r in results if r.fired]
    return "Diagnostics reported: " + ("; ".join(reported) if reported else "none") + "."


def render_tables(report: Report) -> str:
    lines = [*_startup_table(report), "", *_analyze_table(report), "", *_stack_table(report), "", _fired_note(report)]
    return "\n".join(lines)


def _goal(goal: str, value: float, base: float, of: str, limit: float,
          strictly: bool = False) -> Tuple[str, str, Optional[bool]]:
    """A goal on the ratio value / base (`of` names the base); None = not measurable (a CPU time
    under the clock's tick)."""
    if not base or not value:
        return goal, "— (CPU time below the clock tick)", None
    ratio = value / base
    return goal, f"{ratio:.2f}× {of}", ratio < limit if strictly else ratio <= limit


def goals(report: Report) -> List[Tuple[str, str, Optional[bool]]]:
    """Issue 8's serving goals: (goal, the measured ratio, met)."""
    out = [_goal(f"Analyze {kind}: p50 ≤ 1.5× floor", report.analyze[(THIS, kind)].p50,
                 report.analyze[(FLOOR, kind)].p50, "floor", 1.5) for kind in KINDS]
    awsguard = next((label for label in report.labels if label.startswith("AWSGuard")), None)
    if awsguard:
        out += [_goal(f"Analyze {kind}: p50 below AWSGuard's", report.analyze[(THIS, kind)].p50,
                      report.analyze[(awsguard, kind)].p50, "AWSGuard", 1.0, strictly=True)
                for kind in ("S3 bucket", "KMS key")]
    sizes = sorted({size for size, _ in report.stack})
    middle = min(sizes, key=lambda s: abs(s - 5000))
    this, floor = report.stack[(middle, THIS)], report.stack[(middle, FLOOR)]
    out.append(_goal(f"AnalyzeStack {this.resources:,}: CPU ≤ 2× floor", this.cpu, floor.cpu, "floor", 2.0))
    first, last = report.stack[(sizes[0], THIS)], report.stack[(sizes[-1], THIS)]
    out.append(_goal(f"AnalyzeStack CPU/resource {first.resources:,} → {last.resources:,}: ratio ≤ 1.3",
                     last.cpu / last.resources, first.cpu / first.resources, f"at {first.resources:,}", 1.3))
    out.append(_goal("start-up ≤ 1.3× floor", statistics.median(report.startup[THIS]),
                     statistics.median(report.startup[FLOOR]), "floor", 1.3))
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


ABOUT = """\
`benchmarks/bench_serving.py` serves three packs side by side and drives them only over the analyzer
protocol, as the engine does, so it measures whatever serves this pack:

- **this pack**, started as the CLI starts a Python pack (`<venv>/bin/python -u -m pulumi.policy
  <engine-address> .` in the pack folder, `PULUMI_*` set);
- **floor**: a Python pack of one trivial resource policy and one trivial stack policy, written to a
  temporary folder and served the same way with the same interpreter - what any `pulumi_policy` pack pays;
- **AWSGuard 0.3.1** (`@pulumi/awsguard`, Pulumi's own Node pack, `{ all: "advisory" }` as the
  `awsguard-javascript` template writes it), where node and npm are found, started as the CLI's
  `pulumi-analyzer-policy` plugin starts a Node pack (node resolves the pack's own
  `@pulumi/pulumi/cmd/run-policy-pack`, then runs it with `<engine-address> .`; `PULUMI_*` and
  `PULUMI_NODEJS_*` set). AWSGuard 0.3.1 has rules for buckets (`s3-bucket-logging-enabled`) and KMS keys
  (`cmk-backing-key-rotation-enabled`) but none for Lambda functions or IAM roles: its function and role
  rows are what its SDK costs when every policy skips the resource.

Requests: `Analyze` for a bucket, a key, a function and a role with an inline policy, shaped as the engine
sends them after the AWS provider's `Check` (autonames, defaults, default provider and options attached;
64 variants of each, sent in turn; `benchmarks/serving_requests.py`), all compliant with this pack so
every rule runs to its end; `AnalyzeStack` on bench_stack.py's synthetic serverless stacks. Everything
is interleaved in one run (round-robin over packs and request kinds, the order rotating each round).
p50/p99 are wall latencies of single requests at the client (the same Python gRPC client for all
packs); CPU is the pack process's own user + system time from `/proc/<pid>/stat` (10 ms ticks, so it
is read over batches: CPU per request = the batches' CPU ÷ their requests); on a shared machine judge
by CPU, as wall times and p99s carry the other processes' load. Peak RSS is the process's `VmHWM`, a
fresh process per stack size.
"""


def write_section(body: str) -> None:
    from docs_section import replace_section

    replace_section(SECTION, f"{SECTION}\n\n{ABOUT}\n{body}")
