"""Run policies exactly as the engine runs them, in-process and fast.

The harness builds the pack's own analyzer server (`policypack.engine.server.AnalyzerServer`, what
`pulumi preview --policy-pack` talks to) with the given policies and calls its `Analyze` /
`AnalyzeStack` with real protobuf requests. So each rule meets what it meets in a preview: the
request's Struct, secrets marked, every number a float, policy config as the CLI sends it, the
description prefixed to each message. `sdk_analyze` / `sdk_analyze_stack` do the same through
`pulumi_policy`'s own servicer (the unknown-checking proxy, secrets unwrapped), the reference the
server must agree with.

    violations = analyze(policy, "aws:lambda/function:Function", {"runtime": "python3.9"})
    assert violations == [Violation("aws-lambda-...", "mandatory", "message...", urn)]

Values: `UNKNOWN_STRING` etc. mark preview unknowns; `secret(v)` wraps a value as the engine
sends a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

from policypack import PACK_NAME, __version__
from policypack.core.graph import analysis_scope
from policypack.engine.model import ResourceState
from policypack.engine.server import AnalyzerServer
from tests.support import secret_check
from policypack.engine.requests import analyze_stack_request, configure_request, diagnostics

# When True (the rules' unit tests), every call that reports violations quoting a property value is
# repeated with that value secret-marked: see `tests.support.secret_check`.
CHECK_SECRETS = False

UNKNOWN_STRING = UNKNOWN_STRING_VALUE
UNKNOWN_NUMBER = UNKNOWN_NUMBER_VALUE
UNKNOWN_BOOL = UNKNOWN_BOOLEAN_VALUE
UNKNOWN_ARRAY = UNKNOWN_ARRAY_VALUE
UNKNOWN_OBJECT = UNKNOWN_OBJECT_VALUE

SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}

def secret(value: Any) -> Dict[str, Any]:
    """A value as the engine sends a secret (the SDK unwraps it before the policy sees it)."""
    return {**SECRET_SIG, "value": value}


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str
    message: str  # the rule's own message (the description prefix removed)
    urn: str = ""


def urn_of(resource_type: str, name: str, project: str = "proj", stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::{project}::{resource_type}::{name}"


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(_jsonable(dict(props)))
    return s


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _servicer(policies: Sequence[Any], config: Optional[Mapping[str, Any]] = None, *, sdk: bool = False) -> Any:
    if sdk:
        servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.0.1", list(policies), EnforcementLevel.ADVISORY)
    else:
        servicer = AnalyzerServer(PACK_NAME, __version__, list(policies))
    if config:
        levels = {p.name: (p.enforcement_level.value if p.enforcement_level else "advisory") for p in policies}
        servicer.Configure(configure_request(config, levels), None)
    return servicer


def _violations(response: analyzer_pb2.AnalyzeResponse) -> List[Violation]:
    return [Violation(d.policy, d.level, d.message, d.urn) for d in diagnostics(response)]


def analyze(
    policies: Any,
    resource_type: str,
    props: Mapping[str, Any],
    *,
    name: str = "res",
    config: Optional[Mapping[str, Any]] = None,
    provider: Optional[Mapping[str, Any]] = None,
    sdk: bool = False,
    _check_secrets: bool = True,
) -> List[Violation]:
    """Run resource policies on one resource through the pack's `Analyze` (the SDK's with `sdk=True`)."""
    policies = policies if isinstance(policies, (list, tuple)) else [policies]
    violations = _analyze(policies, resource_type, props, name=name, config=config, provider=provider, sdk=sdk)
    if CHECK_SECRETS and _check_secrets and not sdk and violations:
        secret_check.check(
            lambda mark: _analyze(policies, resource_type, mark(props), name=name, config=config,
                                  provider=mark(provider) if provider is not None else None, sdk=False),
            [props, provider], violations)
    return violations


def _analyze(policies: Sequence[Any], resource_type: str, props: Mapping[str, Any], *, name: str,
             config: Optional[Mapping[str, Any]], provider: Optional[Mapping[str, Any]], sdk: bool) -> List[Violation]:
    request = analyzer_pb2.AnalyzeRequest(
        type=resource_type, urn=urn_of(resource_type, name), name=name, properties=to_struct(props)
    )
    if provider is not None:
        request.provider.CopyFrom(
            analyzer_pb2.AnalyzerProviderResource(
                type="pulumi:providers:aws", urn=urn_of("pulumi:providers:aws", "prov"), name="prov",
                properties=to_struct(provider),
            )
        )
    return _violations(_servicer(policies, config, sdk=sdk).Analyze(request, None))


@dataclass
class StackResource:
    type: str
    name: str
    props: Dict[str, Any]
    dependencies: Sequence[str] = ()
    property_dependencies: Mapping[str, Sequence[str]] = None  # type: ignore[assignment]
    parent: str = ""
    urn: str = ""

    def __post_init__(self) -> None:
        if not self.urn:
            self.urn = urn_of(self.type, self.name)


def stack_request(resources: Iterable[StackResource]) -> analyzer_pb2.AnalyzeStackRequest:
    return analyze_stack_request(
        ResourceState(
            type=r.type, urn=r.urn, name=r.name, props=_jsonable(r.props), parent=r.parent,
            dependencies=list(r.dependencies),
            property_dependencies={k: list(v) for k, v in (r.property_dependencies or {}).items()},
        )
        for r in resources
    )


def analyze_stack(
    policies: Any, resources: Iterable[StackResource], *, config: Optional[Mapping[str, Any]] = None,
    sdk: bool = False,
) -> List[Violation]:
    """Run stack policies through the pack's `AnalyzeStack` (the SDK's with `sdk=True`, sharing one
    graph as the pack did on it)."""
    policies = policies if isinstance(policies, (list, tuple)) else [policies]
    resources = list(resources)
    violations = _analyze_stack(policies, resources, config, sdk)
    if CHECK_SECRETS and not sdk and violations:
        secret_check.check(
            lambda mark: _analyze_stack(policies, [_marked(r, mark) for r in resources], config, False),
            [r.props for r in resources], violations)
    return violations


def _analyze_stack(policies: Sequence[Any], resources: List["StackResource"], config: Optional[Mapping[str, Any]],
                   sdk: bool) -> List[Violation]:
    servicer = _servicer(policies, config, sdk=sdk)
    with analysis_scope():
        return _violations(servicer.AnalyzeStack(stack_request(resources), None))


def _marked(resource: "StackResource", mark: Any) -> "StackResource":
    return StackResource(resource.type, resource.name, mark(resource.props), resource.dependencies,
                         resource.property_dependencies, resource.parent, resource.urn)
