"""The report for a terminal: findings grouped by resource, each policy explained once, a summary.

    levels: mandatory = fails the deployment (exit 1) · advisory = reported only; severity: low < medium < high < critical

    examples/faulty_api  (program faulty-api, stack dev, update)

      aws:s3/bucket:Bucket  data-bucket  __main__.py:25
        mandatory  critical  aws-s3-bucket-public-access-block
          has no BucketPublicAccessBlock: add one for it with ...

      policies violated (3)
        aws-s3-bucket-public-access-block  mandatory, critical - 1 finding
          Every bucket has a public access block with all four settings on.
          https://...

    summary: 28 resources scanned, 1 with findings
      2 mandatory violations (1 critical, 1 high), 1 advisory violation (1 low)
      next: fix the mandatory violations ...

What it takes from other tools: ruff's one line per finding under its location; Trivy's counts by
severity and its "see <url>" once per check; Checkov's resource-first grouping with the file and
line; cfn-lint's level before the rule id. Every string that came from the input is made safe for a
terminal (control characters and escape sequences shown, never sent), and escaped newlines inside
a quoted value are shown as spaces.

Colour only for a terminal: `color=True` is decided by the caller (stdout is a TTY and NO_COLOR
is not set, see https://no-color.org).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

from .report import PolicyInfo, ScanReport, TargetReport, Violation

RESET = "\033[0m"
STYLES = {"mandatory": "\033[1;31m", "advisory": "\033[33m", "heading": "\033[1m", "dim": "\033[2m", "ok": "\033[32m"}
SEVERITIES = ("critical", "high", "medium", "low")
LEGEND = ("levels: mandatory = fails the deployment (exit 1) · advisory = reported only; "
          "severity: low < medium < high < critical")

# C0 and C1 control characters, DEL, and the Unicode controls that reorder or hide text on screen
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_ESCAPED_NEWLINES = re.compile(r"(?:\\r|\\n|\\t)+")


def safe(text: str) -> str:
    """`text` as it may reach a terminal: no control character, no escape sequence, on one line."""
    return _UNSAFE.sub(lambda m: _visible(m.group(0)), text)


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def message_lines(message: str) -> List[str]:
    """A rule's message, one safe line per line it has; escaped newlines inside a quoted value
    (`"...\\n\\nTo get..."`, the text of a stringified Output) read as one space."""
    return [safe(_ESCAPED_NEWLINES.sub(" ", line)) for line in message.splitlines()] or [""]


def plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    if noun.endswith("y") and not noun.endswith(("ay", "ey", "oy")):
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}s"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return f"{STYLES[style]}{text}{RESET}" if self.color and text else text


def render_text(report: ScanReport, color: bool = False) -> str:
    if not report.targets:
        return ""
    paint = _Painter(color)
    policies = {p.name: p for p in report.policies}
    blocks = [LEGEND]
    blocks += [_target_block(t, policies, paint, alone=len(report.targets) == 1) for t in report.targets]
    blocks.append(_summary(report.targets, report.resource_count, report.policies_enabled, paint,
                           errors=len(report.errors)))
    return "\n\n".join(blocks) + "\n"


def heading_of(target: TargetReport) -> str:
    """What the user scanned, by name: `.` and `..` say nothing, the folder's own name does."""
    shown = target.path
    if shown in ("", ".") or Path(shown).name in ("", ".", ".."):
        return f"{target.name or target.project} ({shown or '.'})"
    return shown


def _target_block(target: TargetReport, policies: Dict[str, PolicyInfo], paint: _Painter, alone: bool) -> str:
    details = [f"{target.kind}" + (f" v{target.format_version}" if target.format_version is not None else "")]
    if target.kind == "program":
        details[0] += f" {target.project}"
    details += [f"stack {target.stack}", target.mode]
    details += [f"{n} {why} skipped" for why, n in sorted(target.skipped.items())]
    lines = [paint("heading", safe(heading_of(target))) + f"  ({safe(', '.join(details))})"]
    for urn, violations in by_resource(target).items():
        lines.append("")
        lines.append("  " + _resource_heading(urn, violations[0], target, paint))
        for v in violations:
            lines.extend(_violation_lines(v, paint))
    violated = _violated(target.violations, policies)
    if violated:
        lines += ["", f"  policies violated ({len(violated)})"]
        for policy, count in violated:
            lines.extend(_policy_lines(policy, count, paint))
    if not alone:
        lines += ["", "  " + _counts_line(target.violations, paint) if target.violations else
                  "  " + paint("ok", "no violations") + f" in {plural(target.resource_count, 'resource')}"]
    return "\n".join(lines)


def by_resource(target: TargetReport) -> Dict[str, List[Violation]]:
    """Violations per URN, resources in scan order, the stack as a whole last."""
    grouped: Dict[str, List[Violation]] = {}
    last = len(target.resource_order)
    for v in sorted((v for v in target.violations if v.urn), key=lambda v: target.resource_order.get(v.urn, last)):
        grouped.setdefault(v.urn, []).append(v)
    stack_level = [v for v in target.violations if not v.urn]
    if stack_level:
        grouped[""] = stack_level
    return grouped


def _resource_heading(urn: str, first: Violation, target: TargetReport, paint: _Painter) -> str:
    where = _where(first, target)
    tail = f"  {paint('dim', safe(where))}" if where else ""
    if not urn:
        return paint("heading", "stack") + f" {safe(target.stack)}" + tail
    return f"{safe(first.resource_type)}  {paint('heading', safe(first.resource_name))}" + tail


def _where(v: Violation, target: TargetReport) -> str:
    """`line 154` in the scanned file itself, `components/api.py:12` inside a scanned program."""
    if not v.file:
        return ""
    if v.file == target.path:
        return f"line {v.line}"
    prefix = target.path.rstrip("/") + "/"
    shown = v.file[len(prefix):] if v.file.startswith(prefix) else v.file
    return f"{shown}:{v.line}"


def _violation_lines(v: Violation, paint: _Painter) -> List[str]:
    severity = f"{v.severity:<8}  " if v.severity else ""
    lines = [f"    {paint(v.level, v.level)}{' ' * (9 - len(v.level))}  {severity}{safe(v.policy)}"]
    lines += ["      " + line for line in message_lines(v.message or v.description)]
    return lines


def _violated(violations: Sequence[Violation], policies: Dict[str, PolicyInfo]) -> List[tuple]:
    counts = Counter(v.policy for v in violations)
    order = {name: i for i, name in enumerate(policies)}
    return [(policies.get(name) or PolicyInfo(name, "", _description(violations, name), "", "", "", ""), n)
            for name, n in sorted(counts.items(), key=lambda item: order.get(item[0], len(order)))]


def _description(violations: Iterable[Violation], name: str) -> str:
    return next((v.description for v in violations if v.policy == name), "")


def _policy_lines(policy: PolicyInfo, count: int, paint: _Painter) -> List[str]:
    level = ", ".join(x for x in (policy.level, policy.severity) if x)
    lines = [f"    {safe(policy.name)}  {paint('dim', level)} - {plural(count, 'finding')}"]
    if policy.description:
        lines.append(f"      {safe(policy.description)}")
    if policy.url:
        lines.append(f"      {paint('dim', safe(policy.url))}")
    return lines


def _counts_line(violations: Sequence[Violation], paint: _Painter) -> str:
    parts = []
    for level in ("mandatory", "advisory"):
        of_level = [v for v in violations if v.level == level]
        if not of_level:
            continue
        severities = Counter(v.severity for v in of_level)
        detail = ", ".join(f"{severities[s]} {s}" for s in SEVERITIES if severities[s])
        text = plural(len(of_level), f"{level} violation")
        parts.append(paint(level, text) + (f" ({detail})" if detail else ""))
    exempted = sum(1 for v in violations if v.exemption is not None)
    if exempted:
        parts.append(f"{exempted} of them exempted (advisory until the date each exemption names)")
    return ", ".join(parts)


def _summary(targets: Sequence[TargetReport], scanned: int, enabled: int, paint: _Painter, errors: int) -> str:
    violations = [v for t in targets for v in t.violations]
    with_findings = sum(len({v.urn for v in t.violations}) for t in targets)
    inputs = f" in {plural(len(targets), 'input')}" if len(targets) > 1 else ""
    lines = [paint("heading", "summary") + f": {plural(scanned, 'resource')} scanned{inputs}, "
             f"{with_findings} with findings ({plural(enabled, 'policy')} checked)"]
    if violations:
        lines.append("  " + _counts_line(violations, paint))
    else:
        lines.append("  " + paint("ok", "no violations"))
    lines.append("  next: " + _next_steps(violations, errors))
    return "\n".join(lines)


def _next_steps(violations: Sequence[Violation], errors: int) -> str:
    mandatory = sum(1 for v in violations if v.level == "mandatory")
    advisory = len(violations) - mandatory
    steps = []
    if errors:
        steps.append(f"fix the {plural(errors, 'input')} that could not be scanned (see the error lines)")
    if mandatory:
        steps.append(f"fix the {plural(mandatory, 'mandatory violation')} first - they fail `pulumi preview` "
                     "and `pulumi up` with this pack; each message says what to change")
    if advisory:
        steps.append("then review the advisory ones" if mandatory else
                     "no mandatory violation, so a deployment passes; review the advisory ones when you can")
    if not steps:
        return "nothing to do - every enabled policy passes"
    return "; ".join(steps) + " (rule reference: docs/rules.md; `--format sarif` for code scanning)"
