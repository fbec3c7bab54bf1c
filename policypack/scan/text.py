"""The report for a terminal: one block per scanned input, violations grouped by resource.

    examples/image-pipeline  (program, stack dev, preview)

      aws:s3/bucket:Bucket  uploads  __main__.py:14
        mandatory  aws-s3-bucket-public-access-block  [high]
          S3 buckets block all public access.
          No `BucketPublicAccessBlock` refers to this bucket: ...

      2 mandatory, 1 advisory violations in 14 resources (3 policies)

Colour only for a terminal: `color=True` is decided by the caller (stdout is a TTY and NO_COLOR
is not set, see https://no-color.org).
"""

from __future__ import annotations

from typing import Dict, List

from .report import ScanReport, TargetReport, Violation

RESET = "\033[0m"
STYLES = {"mandatory": "\033[1;31m", "advisory": "\033[33m", "heading": "\033[1m", "dim": "\033[2m", "ok": "\033[32m"}


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return f"{STYLES[style]}{text}{RESET}" if self.color and text else text


def render_text(report: ScanReport, color: bool = False) -> str:
    paint = _Painter(color)
    blocks = [_target_block(t, report, paint) for t in report.targets]
    if len(report.targets) > 1:
        blocks.append("total: " + _summary_line(report.mandatory, report.advisory, report.resource_count,
                                                report.policies_violated, report.policies_enabled, paint))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _target_block(target: TargetReport, report: ScanReport, paint: _Painter) -> str:
    details = [target.kind]
    if target.format_version is not None:
        details[0] += f" v{target.format_version}"
    details += [f"stack {target.stack}", target.mode]
    skipped = ", ".join(f"{n} {why} skipped" for why, n in sorted(target.skipped.items()))
    if skipped:
        details.append(skipped)
    lines = [paint("heading", target.path) + f"  ({', '.join(details)})"]
    for urn, violations in _by_resource(target).items():
        lines.append("")
        lines.append("  " + _resource_heading(urn, violations[0], target, paint))
        for v in violations:
            lines.extend(_violation_lines(v, paint))
    lines.append("")
    lines.append("  " + _summary_line(target.mandatory, target.advisory, target.resource_count,
                                      target.policies_violated, report.policies_enabled, paint))
    return "\n".join(lines)


def _by_resource(target: TargetReport) -> Dict[str, List[Violation]]:
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
    if not urn:
        return paint("heading", "stack") + (f"  {paint('dim', where)}" if where else "")
    heading = f"{first.resource_type}  {paint('heading', first.resource_name)}"
    return heading + (f"  {paint('dim', where)}" if where else "")


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
    severity = f"  [{v.severity}]" if v.severity else ""
    lines = [f"    {paint(v.level, v.level)}  {v.policy}{severity}"]
    if v.description:
        lines.append("      " + paint("dim", v.description))
    for text in v.message.splitlines() or []:
        lines.append("      " + text)
    return lines


def _summary_line(mandatory: int, advisory: int, resources: int, violated: int, enabled: int, paint: _Painter) -> str:
    noun = "resource" if resources == 1 else "resources"
    if not mandatory and not advisory:
        return paint("ok", "no violations") + f" in {resources} {noun} ({enabled} policies checked)"
    counts = f"{paint('mandatory', f'{mandatory} mandatory') if mandatory else '0 mandatory'}, " + (
        paint("advisory", f"{advisory} advisory") if advisory else "0 advisory")
    return f"{counts} violations in {resources} {noun} ({violated} {'policy' if violated == 1 else 'policies'})"
