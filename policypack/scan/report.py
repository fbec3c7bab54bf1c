"""The scan's result, independent of how it is shown: what was scanned and what each policy found.

`to_json` is the `--format json` document, described in docs/scan-output.md and checked against
`report.schema.json` (its `schemaVersion` changes only when a field is removed or changes meaning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

from .. import PACK_NAME, __version__
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from ..core.secrets import SECRET_TEXT, Redactor, is_secret
from ..engine.model import name_of_urn, secret_strings, type_of_urn
from ..engine.requests import Diagnostic
from .readers import ScanTarget

SCHEMA_VERSION = 1
TOOL_NAME = "policypack"


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str  # "mandatory" | "advisory"
    severity: str  # "low" | "medium" | "high" | "critical" | "" (not set)
    description: str
    message: str  # the rule's message; the engine shows description + "\n" + message
    urn: str  # "" for a violation of the stack as a whole
    file: Optional[str] = None
    line: Optional[int] = None
    exemption: Optional["Exempted"] = None  # the valid exemption that made it advisory

    @property
    def resource_type(self) -> str:
        return type_of_urn(self.urn) if self.urn else ""

    @property
    def resource_name(self) -> str:
        return name_of_urn(self.urn) if self.urn else ""


@dataclass(frozen=True)
class Exempted:
    """A valid exemption, as reports show it (SARIF: a suppression)."""

    source: str  # "tag" (in the program) | "config" (in the policy config)
    expires: str  # YYYY-MM-DD, inclusive
    reason: str

    @classmethod
    def of(cls, exemption: Any, secrets: Any) -> Optional["Exempted"]:
        if exemption is None or not exemption.applies:
            return None
        reason = SECRET_TEXT if is_secret(exemption.reason) else secrets(str(exemption.reason))
        return cls(exemption.source, exemption.expires.isoformat(), reason)


@dataclass
class PolicyInfo:
    name: str
    kind: str  # "resource" | "stack"
    description: str
    level: str  # effective level in this scan (after --policy-config)
    severity: str
    url: str
    remediation: str
    tags: List[str] = field(default_factory=list)


@dataclass
class TargetReport:
    path: str
    kind: str
    format_version: Optional[int]
    project: str
    stack: str
    mode: str
    resource_count: int
    violations: List[Violation]
    skipped: Dict[str, int] = field(default_factory=dict)
    stack_urn: str = ""
    resource_order: Dict[str, int] = field(default_factory=dict)  # URN -> position in the scanned input
    name: str = ""  # the scanned folder's or file's own name (a report never calls a program ".")

    @property
    def mandatory(self) -> int:
        return sum(1 for v in self.violations if v.level == "mandatory")

    @property
    def advisory(self) -> int:
        return sum(1 for v in self.violations if v.level == "advisory")

    @property
    def exempted(self) -> int:
        return sum(1 for v in self.violations if v.exemption is not None)

    @property
    def policies_violated(self) -> int:
        return len({v.policy for v in self.violations})


@dataclass(frozen=True)
class InputError:
    path: str
    message: str


@dataclass
class ScanReport:
    policies: List[PolicyInfo]
    targets: List[TargetReport] = field(default_factory=list)
    errors: List[InputError] = field(default_factory=list)

    @property
    def mandatory(self) -> int:
        return sum(t.mandatory for t in self.targets)

    @property
    def advisory(self) -> int:
        return sum(t.advisory for t in self.targets)

    @property
    def resource_count(self) -> int:
        return sum(t.resource_count for t in self.targets)

    @property
    def policies_violated(self) -> int:
        return len({v.policy for t in self.targets for v in t.violations})

    @property
    def policies_enabled(self) -> int:
        return sum(1 for p in self.policies if p.level != "disabled")

    def exit_code(self) -> int:
        """0 = no mandatory violation, 1 = mandatory violations, 2 = an input could not be scanned."""
        if self.errors:
            return 2
        return 1 if self.mandatory else 0


# -- building -------------------------------------------------------------------------------------

def display_path(path: Optional[Path]) -> str:
    """Relative to the working directory when below it (stable in CI logs and SARIF), else absolute."""
    if path is None:
        return ""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:  # outside the working directory (or on another drive)
        return str(resolved)


def policy_infos(policies: Sequence[Any], levels: Dict[str, str]) -> List[PolicyInfo]:
    out = []
    for p in policies:
        out.append(PolicyInfo(
            name=p.name,
            kind="stack" if _is_stack_policy(p) else "resource",
            description=p.description,
            level=levels.get(p.name) or (p.enforcement_level.value if p.enforcement_level else "advisory"),
            severity=p.severity.value if p.severity is not None else "",
            url=p.url or "",
            remediation=p.remediation_steps or "",
            tags=list(p.tags or []),
        ))
    return out


def _is_stack_policy(policy: Any) -> bool:
    from pulumi_policy import StackValidationPolicy

    return isinstance(policy, StackValidationPolicy)


def target_report(target: ScanTarget, diagnostics: Iterable[Diagnostic], descriptions: Dict[str, str]) -> TargetReport:
    """The target's violations in input order: by resource as the input lists them (the stack as a
    whole last), then by policy in the pack's order, then by message - the same input always gives
    the same report, whatever order the evaluation produced them in."""
    stack_urn = next((r.urn for r in target.resources if r.type == "pulumi:pulumi:Stack"), "")
    resource_order = {}
    for i, r in enumerate(target.resources):
        resource_order.setdefault(r.urn, i)
    policy_order = {name: i for i, name in enumerate(descriptions)}
    # a secret's value never reaches a report, whatever a rule quotes (the unknown sentinel is no value)
    secrets = Redactor(secret_strings(target.resources) - {UNKNOWN_STRING_VALUE})
    shown: Dict[Path, str] = {}  # a few files, many violations: resolve each path once
    violations = []
    for d in diagnostics:
        file, line = target.location(d.urn or stack_urn)
        if file is not None and file not in shown:
            shown[file] = display_path(file)
        violations.append(Violation(
            policy=d.policy, level=d.level, severity=d.severity, description=descriptions.get(d.policy, ""),
            message=secrets(d.message), urn=d.urn, file=shown[file] if file else None,
            line=line if file else None, exemption=Exempted.of(d.exemption, secrets),
        ))
    last = len(resource_order)
    violations.sort(key=lambda v: (resource_order.get(v.urn, last) if v.urn else last + 1,
                                   v.urn, policy_order.get(v.policy, len(policy_order)), v.policy, v.message))
    return TargetReport(
        path=display_path(target.path), kind=target.kind, format_version=target.format_version,
        project=target.project, stack=target.stack, mode=target.mode, resource_count=len(target.resources),
        violations=violations, skipped=dict(target.skipped), stack_urn=stack_urn,
        resource_order=resource_order, name=Path(target.path).resolve().name,
    )


# -- JSON -------------------------------------------------------------------------------------------

def _summary(mandatory: int, advisory: int, resources: int, policies: int, exempted: int) -> Dict[str, Any]:
    return {
        "mandatory": mandatory,
        "advisory": advisory,
        "exempted": exempted,
        "resources": resources,
        "policiesViolated": policies,
        "passed": mandatory == 0,
    }


def _violation_json(v: Violation) -> Dict[str, Any]:
    return {
        "policy": v.policy,
        "enforcementLevel": v.level,
        "severity": v.severity or None,
        "description": v.description,
        "message": v.message,
        "urn": v.urn,
        "resourceType": v.resource_type,
        "resourceName": v.resource_name,
        "location": {"file": v.file, "line": v.line} if v.file else None,
        "exemption": ({"source": v.exemption.source, "expires": v.exemption.expires, "reason": v.exemption.reason}
                      if v.exemption else None),
    }


def _target_json(t: TargetReport) -> Dict[str, Any]:
    return {
        "path": t.path,
        "kind": t.kind,
        "formatVersion": t.format_version,
        "project": t.project,
        "stack": t.stack,
        "mode": t.mode,
        "resources": t.resource_count,
        "skipped": dict(t.skipped),
        "summary": _summary(t.mandatory, t.advisory, t.resource_count, t.policies_violated, t.exempted),
        "violations": [_violation_json(v) for v in t.violations],
    }


def to_json(report: ScanReport) -> Dict[str, Any]:
    summary = _summary(report.mandatory, report.advisory, report.resource_count, report.policies_violated,
                       sum(t.exempted for t in report.targets))
    summary["passed"] = summary["passed"] and not report.errors
    summary["targets"] = len(report.targets)
    summary["errors"] = len(report.errors)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__, "policyPack": PACK_NAME},
        "summary": summary,
        "targets": [_target_json(t) for t in report.targets],
        "errors": [{"path": e.path, "message": e.message} for e in report.errors],
        "policies": [
            {
                "name": p.name,
                "kind": p.kind,
                "description": p.description,
                "enforcementLevel": p.level,
                "severity": p.severity or None,
                "url": p.url or None,
                "remediation": p.remediation or None,
                "tags": list(p.tags),
            }
            for p in report.policies
        ],
    }
