"""The serving benchmark's measurements: start-up, Analyze and AnalyzeStack, interleaved across packs.

Each loop goes round-robin - over request kinds and packs, the order rotating every round - so that
whatever else the machine does falls on every pack alike. CPU time is the served process's own
(serving_packs.cpu_seconds); latency is each request's wall time at the client.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import serving_packs as packs
import serving_requests
from policypack.engine.requests import analyze_stack_request
from tests.stack.synthetic import synthetic_stack

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
