"""`--format sarif`: SARIF 2.1.0 as GitHub code scanning takes it (`github/codeql-action/upload-sarif`).

One run for all scanned inputs (GitHub rejects several runs of one tool in one upload). Every policy
of the pack is a rule (`helpUri` = its documentation page, `security-severity` from its severity);
each violation is a result at `error` (mandatory) or `warning` (advisory), located in the scanned
file (the resource's entry in a stack export or preview, or the line of the program that names the
resource, else the program's `__main__.py`) with the resource's URN as its logical location.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import Any, Dict, List

from .. import PACK_NAME, __version__
from .report import TOOL_NAME, InputError, PolicyInfo, ScanReport, TargetReport, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

# GitHub's bands: critical >= 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
RESULT_LEVEL = {"mandatory": "error", "advisory": "warning"}
DEFAULT_LEVEL = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}


def to_sarif(report: ScanReport) -> Dict[str, Any]:
    index = {p.name: i for i, p in enumerate(report.policies)}
    results: List[Dict[str, Any]] = []
    for target in report.targets:
        for v in target.violations:
            results.append(_result(v, target, index))
    run: Dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "fullName": f"{TOOL_NAME} offline scan with the {PACK_NAME} policy pack",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(p) for p in report.policies],
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/{PACK_NAME}/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(report.errors)],
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(policy: PolicyInfo) -> Dict[str, Any]:
    rule: Dict[str, Any] = {
        "id": policy.name,
        "name": "".join(part.capitalize() for part in policy.name.split("-")),
        "shortDescription": {"text": policy.description},
        "fullDescription": {"text": policy.description},
        "help": {"text": policy.remediation or policy.description, "markdown": _help_markdown(policy)},
        "defaultConfiguration": {"level": DEFAULT_LEVEL.get(policy.level, "warning")},
        "properties": {
            "tags": ["security", f"{policy.kind}-policy", *policy.tags],
            "precision": "high",
            "problem.severity": "error" if policy.level in ("mandatory", "remediate") else "warning",
        },
    }
    if policy.url:
        rule["helpUri"] = policy.url
    if policy.severity in SECURITY_SEVERITY:
        rule["properties"]["security-severity"] = SECURITY_SEVERITY[policy.severity]
    return rule


def _help_markdown(policy: PolicyInfo) -> str:
    parts = [f"**{policy.description}**"]
    if policy.remediation:
        parts.append(policy.remediation)
    if policy.url:
        parts.append(f"[Documentation]({policy.url})")
    return "\n\n".join(parts)


def _result(v: Violation, target: TargetReport, index: Dict[str, int]) -> Dict[str, Any]:
    subject = f"`{v.resource_name}` ({v.resource_type})" if v.urn else f"stack `{target.stack}`"
    result: Dict[str, Any] = {
        "ruleId": v.policy,
        "level": RESULT_LEVEL.get(v.level, "warning"),
        "message": {"text": f"{subject}: {v.message or v.description}"},
        "locations": [_location(v, target)],
        "partialFingerprints": {"policypackViolation/v1": _fingerprint(v, target)},
        "properties": {
            "enforcementLevel": v.level,
            "urn": v.urn,
            "project": target.project,
            "stack": target.stack,
            "input": target.path,
        },
    }
    if v.policy in index:
        result["ruleIndex"] = index[v.policy]
    if v.exemption is not None:  # code scanning shows it as suppressed, with the reason
        result["suppressions"] = [{
            "kind": "inSource" if v.exemption.source == "tag" else "external",
            "status": "accepted",
            "justification": v.exemption.reason,
            "properties": {"expires": v.exemption.expires},
        }]
    return result


def _location(v: Violation, target: TargetReport) -> Dict[str, Any]:
    location: Dict[str, Any] = {}
    file = v.file or target.path
    location["physicalLocation"] = {
        "artifactLocation": {"uri": _uri(file)},
        "region": {"startLine": max(1, v.line or 1)},
    }
    urn = v.urn or target.stack_urn
    if urn:
        location["logicalLocations"] = [{
            "fullyQualifiedName": urn,
            "name": v.resource_name or target.stack,
            "kind": "resource",
        }]
    return location


def _uri(path: str) -> str:
    """Relative paths stay relative (GitHub resolves them from the repository root)."""
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return "file://" + posix.as_posix()
    return posix.as_posix()


def _fingerprint(v: Violation, target: TargetReport) -> str:
    key = "\0".join([v.policy, v.urn or target.stack_urn, v.message])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _invocation(errors: List[InputError]) -> Dict[str, Any]:
    invocation: Dict[str, Any] = {"executionSuccessful": not errors}
    if errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": e.message}}
            for e in errors
        ]
    return invocation
