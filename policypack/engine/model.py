"""One resource as the engine describes it to an analyzer.

`props` are in the engine's JSON form: camelCase keys, unknown values as the SDK's sentinel strings,
secrets as `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": ...}`
objects, assets/archives as their signature objects. Every reader (program under mocks, stack
export, preview JSON) yields these; every consumer (gRPC stand-in, offline evaluator) takes them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Set


@dataclass
class ResourceState:
    type: str
    urn: str
    name: str
    props: Dict[str, Any] = field(default_factory=dict)
    custom: bool = True
    parent: str = ""
    provider: str = ""  # the provider resource's URN ("" = default provider)
    dependencies: List[str] = field(default_factory=list)
    property_dependencies: Dict[str, List[str]] = field(default_factory=dict)
    source_position: str = ""  # "file:///path/__main__.py#12" where the program registered it
    # What AnalyzeStack sees: the engine analyses the stack on each resource's final *outputs*
    # (Analyze sees the inputs). None = not known separately, use the inputs.
    outputs: Optional[Dict[str, Any]] = None

    @property
    def stack_props(self) -> Dict[str, Any]:
        return self.outputs if self.outputs is not None else self.props

    def to_json(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "ResourceState":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def provider_urn(reference: Optional[str]) -> str:
    """`urn:pulumi:...::name::id` provider reference -> its URN part."""
    if not reference:
        return ""
    urn, sep, _id = reference.rpartition("::")
    return urn if sep and urn.startswith("urn:") else reference


def type_of_urn(urn: str) -> str:
    """The resource type from a URN (`...::parent$type::name`)."""
    parts = urn.split("::")
    if len(parts) < 4:
        return ""
    return parts[2].rsplit("$", 1)[-1]


def name_of_urn(urn: str) -> str:
    parts = urn.split("::")
    return parts[3] if len(parts) >= 4 else ""


SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
MIN_REDACTED = 4  # shorter secret strings ("", "1", "dev") would blank out ordinary words


def secret_strings(states: Iterable[ResourceState]) -> Set[str]:
    """Every string held inside a secret anywhere in the resources' inputs and outputs."""
    found: Set[str] = set()
    for state in states:
        _secrets_in(state.props, found)
        if state.outputs:
            _secrets_in(state.outputs, found)
    return {s for s in found if len(s) >= MIN_REDACTED}


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with each of `secrets` replaced by `[secret]` (the core's net: quoted forms, and bare
    forms of longer secrets, in one linear pass)."""
    from ..core.secrets import Redactor  # local: the model stays importable without the core

    return Redactor(secrets)(text)


def _secrets_in(value: Any, found: Set[str]) -> None:
    if isinstance(value, dict):
        if value.get(SECRET_SIG[0]) == SECRET_SIG[1]:
            _strings(value.get("value"), found)
            return
        for item in value.values():
            _secrets_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _secrets_in(item, found)


def _strings(value: Any, found: Set[str]) -> None:
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)
