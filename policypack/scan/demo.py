"""`policypack demo`: the story of what the pack catches, told from the faulty examples.

Both faulty examples are scanned in preview and in update mode (some values, like a policy
document built from ARNs, are known only in an update), each with its own policy config
(`examples/<name>/policy-config.json`, e.g. the image pipeline's `allowedRegions`), and the
reference stack in both modes. The report follows `examples/failures.json`: for each documented
failure of the seeds, the rule that reports it, the resource it is on, where the program creates
it, and what to do (the rule's message); or the reference-stack test that proves the fix where no
analyzer can see the failure. The reference stack must come out clean.

Exit 0 when every documented failure is reported and the reference stack is clean, 1 when not,
2 when a program could not be run.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import PACK_NAME
from ..engine.project import read_project
from .readers import ScanInputError
from .report import ScanReport, TargetReport, Violation, display_path
from .text import LEGEND, _Painter, message_lines, plural, safe

MODES = ("preview", "update")
FAILURE_MAP = Path("examples") / "failures.json"


@dataclass
class ExampleRun:
    folder: Path
    seed: str
    seed_file: str
    description: str
    policy_config: Optional[Path]
    failures: List[Dict[str, Any]]
    reports: Dict[str, TargetReport] = field(default_factory=dict)  # mode -> report


def find_root(roots: Sequence[Path]) -> Path:
    for root in roots:
        if (root / FAILURE_MAP).is_file() and (root / "reference_stack" / "Pulumi.yaml").is_file():
            return root
    where = " or ".join(str(r) for r in roots)
    raise ScanInputError(f"demo: nothing to show - no examples/failures.json and reference_stack/ in {where}")


def load_examples(root: Path) -> List[ExampleRun]:
    data = json.loads((root / FAILURE_MAP).read_text(encoding="utf-8"))
    runs = []
    for name, example in data["examples"].items():
        folder = root / "examples" / name
        config = folder / example["policyConfig"] if example.get("policyConfig") else None
        description = str(read_project(folder).get("description") or "")
        runs.append(ExampleRun(folder, example["seed"], example["seedFile"], description, config, example["failures"]))
    return runs


def run_demo(roots: Sequence[Path], policies: Sequence[Any], color: bool = False) -> Tuple[str, int]:
    """(the story as text, the exit code)."""
    from .cli import scan
    from .policy_config import load_policy_config

    root = find_root(roots)
    examples = load_examples(root)
    reference = root / "reference_stack"
    jobs: List[Tuple[Path, str, Dict[str, Any]]] = []
    for example in examples:
        config = load_policy_config(example.policy_config, policies) if example.policy_config else {}
        jobs += [(example.folder, mode, config) for mode in MODES]
    jobs += [(reference, mode, {}) for mode in MODES]

    def one(job: Tuple[Path, str, Dict[str, Any]]) -> ScanReport:
        folder, mode, config = job
        return scan([_shown(folder)], policies=policies, policy_config=config, preview=mode == "preview")

    with ThreadPoolExecutor(max_workers=2) as pool:  # each job runs its program in its own process
        reports = list(pool.map(one, jobs))
    errors = [e.message for r in reports for e in r.errors]
    if errors:
        return "\n".join(errors) + "\n", 2
    by_job = {(folder, mode): report.targets[0] for (folder, mode, _), report in zip(jobs, reports)}
    for example in examples:
        example.reports = {mode: by_job[(example.folder, mode)] for mode in MODES}
    paint = _Painter(color)
    blocks = [f"{PACK_NAME} demo: the two faulty programs of the documented failures and the reference stack, "
              f"each scanned in preview and in update mode with {plural(len(policies), 'policy')}; a finding "
              "marked [update only] needs values a preview does not know yet", LEGEND]
    missing = 0
    for example in examples:
        text, not_reported = _example_block(example, paint)
        blocks.append(text)
        missing += not_reported
    reference_block, clean = _reference_block({m: by_job[(reference, m)] for m in MODES}, paint)
    blocks.append(reference_block)
    total = sum(len(f.get("reported", [])) > 0 for e in examples for f in e.failures)
    if missing or not clean:
        verdict = paint("mandatory", f"demo: {plural(missing, 'expected finding')} not reported"
                        + ("" if clean else "; the reference stack is not clean"))
    else:
        verdict = paint("ok", f"demo: every documented failure the examples reproduce is reported "
                              f"({total} failures, by the rule and on the resource the map names); "
                              "the reference stack is clean in preview and update")
    blocks.append(verdict)
    return "\n\n".join(blocks) + "\n", 1 if missing or not clean else 0


def _shown(path: Path) -> Path:
    shown = display_path(path)
    return Path(shown)


def _example_block(example: ExampleRun, paint: _Painter) -> Tuple[str, int]:
    name = display_path(example.folder)
    config = f"; policy config {display_path(example.policy_config)}" if example.policy_config else ""
    lines = [paint("heading", name) + f"  seed {example.seed} ({example.seed_file}){config}"]
    if example.description:
        lines.append(f"  {safe(example.description)}")
    shown: Dict[Tuple[str, str, str], int] = {}  # finding -> the failure it was first shown under
    not_reported = 0
    for number, failure in enumerate(example.failures, start=1):
        lines += ["", f"  {number}. " + paint("heading", safe(failure["title"]))]
        found: List[Tuple[Violation, List[str]]] = []
        for expected in failure.get("reported", []):
            for pattern in expected["resources"]:
                hits = _found(example, expected["policy"], pattern, expected.get("modes", list(MODES)))
                if not hits:
                    not_reported += 1
                    lines.append(f"     {paint('mandatory', 'NOT REPORTED')}  {expected['policy']} on {pattern}")
                found += hits
        earlier = sorted({shown[_key(v)] for v, _ in found if _key(v) in shown})
        fresh = [(v, modes) for v, modes in found if _key(v) not in shown]
        for v, _ in fresh:
            shown[_key(v)] = number
        if earlier and not fresh:
            lines.append(f"     the same findings as {' and '.join(str(n) for n in earlier)} above")
        for group in _grouped(fresh):
            lines += _finding_lines(group, example, paint)
        for test in failure.get("fixedBy", []):
            lines.append(f"     {paint('ok', 'fixed in the reference stack')}: {test}")
        if failure.get("note"):
            lines.append(f"     {paint('dim', safe(failure['note']))}")
    others: Dict[Tuple[str, str, str], Violation] = {}
    for mode in reversed(MODES):  # the update's finding when both have it
        for v in example.reports[mode].violations:
            if _key(v) not in shown:
                others.setdefault(_key(v), v)
    if others:
        lines += ["", f"  also reported, beyond the documented failures ({plural(len(others), 'finding')}; "
                      f"`policypack scan --update {name}` shows each with what to do):"]
        by_policy: Dict[str, List[Violation]] = {}
        for v in others.values():
            by_policy.setdefault(v.policy, []).append(v)
        for policy, found in by_policy.items():
            v = found[0]
            names = ", ".join(dict.fromkeys(safe(f.resource_name) for f in found))
            severity = f"{v.severity:<8}  " if v.severity else ""
            lines.append(f"     {paint(v.level, v.level)}{' ' * (9 - len(v.level))}  {severity}{safe(policy)}  on {names}")
    return "\n".join(lines), not_reported


def _key(v: Violation) -> Tuple[str, str, str]:
    return v.policy, v.urn, _normalized(v.message)


def _grouped(found: List[Tuple[Violation, List[str]]]) -> List[List[Tuple[Violation, List[str]]]]:
    """Findings of one policy with the same message and modes on several resources, together."""
    groups: Dict[Tuple[str, str, Tuple[str, ...]], List[Tuple[Violation, List[str]]]] = {}
    for v, modes in found:
        groups.setdefault((v.policy, _normalized(v.message), tuple(modes)), []).append((v, modes))
    return list(groups.values())


def _found(example: ExampleRun, policy: str, pattern: str, modes: Sequence[str]) -> List[Tuple[Violation, List[str]]]:
    """The violations of `policy` on resources named like `pattern`, each once, with the modes it
    was reported in (the update's message when both have it: more values are known then)."""
    found: Dict[Tuple[str, str, str], Tuple[Violation, set]] = {}
    for mode in reversed(MODES):
        for v in example.reports[mode].violations:
            if v.policy == policy and fnmatchcase(v.resource_name, pattern):
                found.setdefault(_key(v), (v, set()))[1].add(mode)
    return [(v, [m for m in MODES if m in seen]) for v, seen in found.values() if seen & set(modes)]


def _normalized(message: str) -> str:
    return message.replace("04da6b54-80e4-46f7-96ec-b56ff0331ba9", "")


def _finding_lines(group: List[Tuple[Violation, List[str]]], example: ExampleRun, paint: _Painter) -> List[str]:
    v, modes = group[0]
    where = sorted({_where(g, example) for g, _ in group} - {""})
    when = "" if len(modes) == len(MODES) else f"  {paint('dim', f'[{modes[0]} only]')}"
    names = ", ".join(paint("heading", safe(g.resource_name)) for g, _ in group)
    severity = f"{v.severity:<8}  " if v.severity else ""
    head = (f"     {paint(v.level, v.level)}{' ' * (9 - len(v.level))}  {severity}{safe(v.policy)}  on {names}"
            + (f"  {paint('dim', safe(', '.join(where)))}" if where else "") + when)
    return [head] + ["       " + line for line in message_lines(v.message)]


def _where(v: Violation, example: ExampleRun) -> str:
    if not v.file:
        return ""
    prefix = display_path(example.folder).rstrip("/") + "/"
    return (v.file[len(prefix):] if v.file.startswith(prefix) else v.file) + f":{v.line}"


def _reference_block(reports: Dict[str, TargetReport], paint: _Painter) -> Tuple[str, bool]:
    first = reports["preview"]
    lines = [paint("heading", first.path) + "  both documented systems built right (reference_stack/README.md)"]
    clean = True
    for mode in MODES:
        report = reports[mode]
        if report.violations:
            clean = False
            lines.append(f"  {mode}: " + paint("mandatory", plural(len(report.violations), "violation")))
            for v in report.violations:
                lines.append(f"    {v.level}  {safe(v.policy)}  on {safe(v.resource_name)}: "
                             f"{' '.join(message_lines(v.message))}")
        else:
            lines.append(f"  {mode}: " + paint("ok", "no violations") + f" in {plural(report.resource_count, 'resource')}")
    return "\n".join(lines), clean
