"""What the scanner reads, turned into the resources the engine would hand the analyzer.

Three inputs, told apart by content (never by file name):

- a Pulumi Python program (a folder with `Pulumi.yaml`): run under mocks, see `engine.program`;
- state: a `pulumi stack export` (`{"version", "deployment"}`) or a local backend checkpoint, any
  format version 0-4 (v0 `{"target", "latest"}`, v1-v4 `{"version", "checkpoint": {"latest"}}`);
- a plan: `pulumi preview --json` (`{"steps": [...]}`): each step's `newState`.

Every reader yields `ResourceState`s with the properties as the engine marshals them for an
analyzer (`values`): secrets kept as secrets, never decrypted - a state file's secret and a
preview's "[secret]" become secrets whose value is unknown, so rules treat it as a value they
cannot see and never print it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from ..engine import files
from ..engine.files import MiB
from ..engine.model import ResourceState, name_of_urn, provider_urn, type_of_urn
from .values import PREVIEW_SECRET, SECRET_PLACEHOLDER, analyzer_props, preview_secrets

__all__ = ["SECRET_PLACEHOLDER", "ScanInputError", "ScanTarget", "analyzer_props", "read_preview", "read_state",
           "read_state_file"]

SUPPORTED_VERSIONS = (0, 1, 2, 3, 4)

# Preview steps whose resource will not exist after the operation (`display.StepOp` names).
GONE_OPS = {"delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"}
# Steps that only read a resource: the engine never sends those to `Analyze`.
READ_OPS = {"read", "read-replacement", "read-discard"}

KINDS = ("program", "stack-export", "checkpoint", "preview")


class ScanInputError(Exception):
    """An input the scanner cannot read; the message is one line meant for the user."""


@dataclass
class ScanTarget:
    """One scanned input: the stack it describes and what the engine would analyse."""

    path: Path
    kind: str  # one of KINDS
    project: str
    stack: str
    dry_run: bool
    resources: List[ResourceState]
    stack_config: Dict[str, str] = field(default_factory=dict)
    not_analyzed: Set[str] = field(default_factory=set)  # read-only resources: in the stack, not analysed
    format_version: Optional[int] = None
    skipped: Dict[str, int] = field(default_factory=dict)  # why some entries are not resources, how many
    artifact: Optional[Path] = None  # the file locations point into
    locations: Dict[str, Tuple[Path, int]] = field(default_factory=dict)  # URN -> (file, line)
    secret_keys: FrozenSet[str] = frozenset()  # stack config keys whose values are secrets

    @property
    def mode(self) -> str:
        return "preview" if self.dry_run else "update"

    def location(self, urn: str) -> Tuple[Optional[Path], int]:
        return self.locations.get(urn) or (self.artifact, 1)


# -- reading files ----------------------------------------------------------------------------------

MAX_STATE_BYTES = 512 * MiB  # a stack export of tens of thousands of resources is far below this


def read_text(path: Path, limit: int = MAX_STATE_BYTES) -> str:
    """A regular file's text (UTF-8, or UTF-16 with BOM): never a FIFO or device, never past `limit`."""
    try:
        return files.read_text(path, limit)
    except files.UnreadableFile as err:
        raise ScanInputError(f"{path}: {err}") from None


STATE_KINDS = "a stack export, checkpoint or preview JSON"


def parse_json(path: Path, text: str, expected: str = STATE_KINDS, label: str = "") -> Any:
    """The parsed document; `label` names the option that gave the path (`--policy-config FILE`)."""
    where = f"{label} {path}" if label else str(path)
    if not text.strip():
        raise ScanInputError(f"{where}: is empty, expected {expected}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        # the parser stopped at the end, or inside a string that never closes: the rest is missing
        truncated = err.pos >= len(text.rstrip()) or err.msg.startswith("Unterminated string")
        hint = " - the file looks truncated" if truncated else ""
        raise ScanInputError(f"{where}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}){hint}") from None
    except RecursionError:
        raise ScanInputError(f"{where}: JSON nested too deeply to read") from None


def detect_kind(data: Any) -> Optional[str]:
    """What a parsed JSON document is, from its shape alone."""
    if not isinstance(data, dict):
        return None
    if "deployment" in data:
        return "stack-export"
    if "checkpoint" in data or ("latest" in data and "target" in data):
        return "checkpoint"
    if "steps" in data and isinstance(data.get("steps"), list):
        return "preview"
    return None


def read_state_file(path: Path) -> ScanTarget:
    """A stack export, checkpoint or preview JSON file (told apart by content)."""
    text = read_text(path)
    data = parse_json(path, text)
    kind = detect_kind(data)
    if kind is None:
        raise ScanInputError(
            f"{path}: JSON of the wrong kind - expected a `pulumi stack export`, a checkpoint "
            "or `pulumi preview --json` output"
        )
    if kind == "preview":
        target = read_preview(path, data)
    else:
        target = read_state(path, data, kind)
    target.artifact = path
    target.locations = urn_lines(path, text)
    return target


# -- stack exports and checkpoints --------------------------------------------------------------------

def _version(path: Path, data: Mapping[str, Any], kind: str) -> int:
    if kind == "checkpoint" and "checkpoint" not in data:
        return 0  # v0: no envelope
    version = data.get("version", 0 if kind == "checkpoint" else None)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScanInputError(f"{path}: {kind} has no valid `version` (found {json.dumps(version)[:40]})")
    if version not in SUPPORTED_VERSIONS:
        raise ScanInputError(f"{path}: {kind} format version {version} is not supported (versions 0-4 are)")
    return version


def _state_resources(path: Path, data: Mapping[str, Any], kind: str) -> Any:
    if kind == "stack-export":
        deployment = data.get("deployment")
        if deployment is None:
            return []
        if not isinstance(deployment, dict):
            raise ScanInputError(f"{path}: `deployment` is not an object")
        return _or_empty(deployment.get("resources"))
    checkpoint = data.get("checkpoint", data)
    if checkpoint is None:
        return []
    if not isinstance(checkpoint, dict):
        raise ScanInputError(f"{path}: `checkpoint` is not an object")
    latest = checkpoint.get("latest")
    if latest is None:  # a stack that was never deployed
        return []
    if not isinstance(latest, dict):
        raise ScanInputError(f"{path}: `checkpoint.latest` is not an object")
    return _or_empty(latest.get("resources"))


def _or_empty(resources: Any) -> Any:
    return [] if resources is None else resources


def read_state(path: Path, data: Mapping[str, Any], kind: str) -> ScanTarget:
    version = _version(path, data, kind)
    raw = _state_resources(path, data, kind)
    if not isinstance(raw, list):
        raise ScanInputError(f"{path}: `resources` is not a list")
    states: List[ResourceState] = []
    external: Set[str] = set()
    skipped: Dict[str, int] = {}
    seen: Set[str] = set()
    for index, entry in enumerate(raw):
        state = resource_from_state(path, entry, index, version)
        if entry.get("delete"):  # pending deletion: gone once the next operation finishes
            skipped["pending delete"] = skipped.get("pending delete", 0) + 1
            continue
        if state.urn in seen:  # a replaced resource kept twice: the first is the live one
            skipped["duplicate URN"] = skipped.get("duplicate URN", 0) + 1
            continue
        seen.add(state.urn)
        if entry.get("external"):
            external.add(state.urn)
        states.append(state)
    project, stack = stack_identity(states)
    return ScanTarget(
        path=path, kind=kind, project=project, stack=stack, dry_run=False, resources=states,
        stack_config=default_provider_config(states), not_analyzed=external, format_version=version,
        skipped=skipped,
    )


def resource_from_state(path: Path, entry: Any, index: int, version: int) -> ResourceState:
    """One resource of a deployment (`apitype.ResourceV1`-`V4`) as the engine would analyse it."""
    if not isinstance(entry, dict):
        raise ScanInputError(f"{path}: resource #{index + 1} is not an object")
    urn = entry.get("urn")
    if not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
        raise ScanInputError(f"{path}: resource #{index + 1} has no valid `urn`")
    inputs = entry.get("inputs")
    if inputs is None:
        inputs = {}
    if not isinstance(inputs, dict):
        raise ScanInputError(f"{path}: resource {urn} has `inputs` that are not an object")
    dependencies = _urn_list(entry.get("dependencies"))
    property_dependencies = _property_dependencies(entry.get("propertyDependencies"))
    if version < 3 and dependencies and not property_dependencies:
        # the engine's v2->v3 migration: every input depends on all of the resource's dependencies
        property_dependencies = {k: list(dependencies) for k in inputs if not k.startswith("__")}
    resource_type = entry.get("type")
    parent = entry.get("parent")
    outputs = entry.get("outputs")
    return ResourceState(
        type=resource_type if isinstance(resource_type, str) and resource_type else type_of_urn(urn),
        urn=urn,
        name=urn_name(urn),
        props=analyzer_props(inputs),
        custom=bool(entry.get("custom")),
        parent=parent if isinstance(parent, str) else "",
        provider=provider_urn(entry.get("provider") if isinstance(entry.get("provider"), str) else ""),
        dependencies=dependencies,
        property_dependencies=property_dependencies,
        # AnalyzeStack sees outputs; a plan's create steps have none yet (then: the inputs)
        outputs=analyzer_props(outputs) if isinstance(outputs, dict) and outputs else None,
    )


def urn_name(urn: str) -> str:
    """The resource name: everything after the type (a name may itself contain `::`)."""
    parts = urn.split("::", 3)
    return parts[3] if len(parts) == 4 else name_of_urn(urn)


def _urn_list(value: Any) -> List[str]:
    if not isinstance(value, list):
        return []
    return [u for u in value if isinstance(u, str) and u]


def _property_dependencies(value: Any) -> Dict[str, List[str]]:
    """Only properties that have dependencies: the engine sends no entry for the others."""
    if not isinstance(value, dict):
        return {}
    out = {}
    for key, urns in value.items():
        urns = _urn_list(urns)
        if urns and not str(key).startswith("__"):
            out[str(key)] = urns
    return out


def stack_identity(states: Sequence[ResourceState]) -> Tuple[str, str]:
    """(project, stack) from the URNs: `urn:pulumi:<stack>::<project>::...`."""
    for state in states:
        parts = state.urn.split("::")
        if len(parts) >= 2:
            stack = parts[0][len("urn:pulumi:"):]
            return parts[1], stack
    return "project", "stack"


def default_provider_config(states: Sequence[ResourceState]) -> Dict[str, str]:
    """Stack config the policy process would have, recovered from the default providers.

    The engine fills a default provider's inputs from the stack's `<package>:*` config (e.g. the
    `default_7_0_0` AWS provider's `region` from `aws:region`), so their plain string inputs are
    that config. Secrets and the plugin `version` are not config.
    """
    config: Dict[str, str] = {}
    for state in states:
        if not state.type.startswith("pulumi:providers:"):
            continue
        if not (state.name == "default" or state.name.startswith("default_")):
            continue
        package = state.type[len("pulumi:providers:"):]
        for key, value in state.props.items():
            if key == "version" or not isinstance(value, (str, bool, int, float)):
                continue
            if isinstance(value, str) and value == UNKNOWN_STRING_VALUE:
                continue
            config.setdefault(f"{package}:{key}", value if isinstance(value, str) else json.dumps(value))
    return config


# -- `pulumi preview --json` -------------------------------------------------------------------------

def read_preview(path: Path, data: Mapping[str, Any]) -> ScanTarget:
    steps = data.get("steps") or []
    states: List[ResourceState] = []
    by_urn: Dict[str, int] = {}
    kept_ops: List[str] = []
    reads: Set[str] = set()
    skipped: Dict[str, int] = {}
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise ScanInputError(f"{path}: step #{index + 1} is not an object")
        op = step.get("op") if isinstance(step.get("op"), str) else ""
        if op in GONE_OPS:
            skipped[f"{op} step"] = skipped.get(f"{op} step", 0) + 1
            continue
        new_state = step.get("newState") or step.get("oldState")
        if not isinstance(new_state, dict):
            skipped["step without state"] = skipped.get("step without state", 0) + 1
            continue
        if "urn" not in new_state and isinstance(step.get("urn"), str):
            new_state = {**new_state, "urn": step["urn"]}
        new_state = {**new_state, **{k: preview_secrets(new_state[k]) for k in ("inputs", "outputs") if k in new_state}}
        state = resource_from_state(path, new_state, index, 3)
        if state.urn in by_urn:
            kept = by_urn[state.urn]
            if op != "refresh" and kept_ops[kept] == "refresh":
                states[kept], kept_ops[kept] = state, op  # the refresh only read it; this step decides
            continue
        by_urn[state.urn] = len(states)
        states.append(state)
        kept_ops.append(op)
        if op in READ_OPS or new_state.get("external"):
            reads.add(state.urn)
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    secret_keys = frozenset(str(k) for k, v in config.items() if v == PREVIEW_SECRET)
    stack_config = {str(k): UNKNOWN_STRING_VALUE if str(k) in secret_keys else v if isinstance(v, str) else json.dumps(v)
                    for k, v in config.items()}
    project, stack = stack_identity(states)
    for key, value in default_provider_config(states).items():
        stack_config.setdefault(key, value)
    return ScanTarget(
        path=path, kind="preview", project=project, stack=stack, dry_run=True, resources=states,
        stack_config=stack_config, not_analyzed=reads, format_version=None, skipped=skipped,
        secret_keys=secret_keys,
    )


# -- where each resource is written -------------------------------------------------------------------

_URN_KEY = re.compile(r'"urn"\s*:\s*"(urn:pulumi:[^"\\]*(?:\\.[^"\\]*)*)"')


def urn_lines(path: Path, text: str) -> Dict[str, Tuple[Path, int]]:
    """URN -> the line of its first `"urn": "..."` in the file (a resource's own entry comes first:
    the engine writes resources after everything they depend on)."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    found: Dict[str, Tuple[Path, int]] = {}
    for match in _URN_KEY.finditer(text):
        urn = match.group(1)
        if "\\" in urn:
            try:
                urn = json.loads(f'"{urn}"')
            except ValueError:
                continue
        if urn not in found:
            found[urn] = (path, bisect_right(newlines, match.start()) + 1)
    return found
