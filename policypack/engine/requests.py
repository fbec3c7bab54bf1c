"""Analyzer protocol messages built from `ResourceState`s, exactly as the engine builds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from .model import ResourceState

LEVEL_NAMES = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
LEVEL_VALUES = {v: k for k, v in LEVEL_NAMES.items()}


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    level: str
    message: str  # the rule's message, without the description the SDK prefixes
    urn: str = ""
    severity: str = ""
    # the exemption that decided this violation's level (`exemptions.Exemption`); what the engine
    # sees of it is in `level` and `message`, so it takes no part in comparisons
    exemption: Optional[Any] = field(default=None, compare=False)

    def __init__(self, policy: str, level: str, message: str, urn: str = "", severity: str = "",
                 exemption: Optional[Any] = None) -> None:
        # a frozen dataclass's own __init__ sets each field through object.__setattr__: 2.4x slower,
        # on every one of the thousands of violations a stack can report
        fields = self.__dict__
        fields["policy"], fields["level"], fields["message"] = policy, level, message
        fields["urn"], fields["severity"], fields["exemption"] = urn, severity, exemption


def struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(dict(props))
    return s


def _provider(state: ResourceState, by_urn: Mapping[str, ResourceState]) -> Optional[analyzer_pb2.AnalyzerProviderResource]:
    provider = by_urn.get(state.provider) if state.provider else None
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type, urn=provider.urn, name=provider.name, properties=struct(provider.props)
    )


def analyze_request(state: ResourceState, by_urn: Mapping[str, ResourceState]) -> analyzer_pb2.AnalyzeRequest:
    request = analyzer_pb2.AnalyzeRequest(type=state.type, urn=state.urn, name=state.name, properties=struct(state.props))
    provider = _provider(state, by_urn)
    if provider is not None:
        request.provider.CopyFrom(provider)
    if state.parent:
        request.options.parent = state.parent
    return request


def analyze_stack_request(states: Iterable[ResourceState]) -> analyzer_pb2.AnalyzeStackRequest:
    states = list(states)
    by_urn = {s.urn: s for s in states}
    request = analyzer_pb2.AnalyzeStackRequest()
    for s in states:
        resource = analyzer_pb2.AnalyzerResource(
            type=s.type, urn=s.urn, name=s.name, properties=struct(s.stack_props),
            dependencies=list(s.dependencies), parent=s.parent or "",
        )
        for key, urns in s.property_dependencies.items():
            resource.propertyDependencies[key].urns.extend(list(urns))
        provider = _provider(s, by_urn)
        if provider is not None:
            resource.provider.CopyFrom(provider)
        request.resources.append(resource)
    return request


def configure_request(config: Mapping[str, Any], default_levels: Mapping[str, str]) -> analyzer_pb2.ConfigureAnalyzerRequest:
    """A `--policy-pack-config` document -> the request the CLI sends.

    Like the CLI, every configured policy gets an enforcement level: the one given, else the
    policy's default (`default_levels`).
    """
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, value in config.items():
        policy_config = analyzer_pb2.PolicyConfig()
        if isinstance(value, str):
            level, properties = value, {}
        else:
            properties = dict(value)
            level = properties.pop("enforcementLevel", None) or default_levels.get(name, "advisory")
        policy_config.enforcementLevel = LEVEL_VALUES[level]
        if properties:
            policy_config.properties.update(properties)
        request.policyConfig[name].CopyFrom(policy_config)
    return request


def diagnostics(response: analyzer_pb2.AnalyzeResponse) -> List[Diagnostic]:
    out = []
    for d in response.diagnostics:
        message = d.message
        if d.description and message.startswith(d.description):
            message = message[len(d.description):].lstrip("\n")
        severity = analyzer_pb2.PolicySeverity.Name(d.severity).replace("POLICY_SEVERITY_", "").lower()
        out.append(Diagnostic(d.policyName, LEVEL_NAMES.get(d.enforcementLevel, str(d.enforcementLevel)),
                              message, d.urn, "" if severity == "unspecified" else severity))
    return out
