"""Run the pack in-process, with exactly the semantics the engine gives it over gRPC.

`pulumi preview --policy-pack` starts the pack and talks to `pulumi_policy`'s servicer
(`pulumi_policy/policy.py`, `_PolicyAnalyzerServicer`, version 1.21). For each resource the engine
calls `Analyze`, then `AnalyzeStack` once with every resource. The servicer, per call:

- takes each policy's enforcement level from the policy config (`Configure`), else the policy's
  own, else the pack's (advisory); skips `disabled`; reports `remediate` as `mandatory`;
- gives each policy its configured properties (or nothing: the rule merges its defaults);
- turns the request's Struct into Python (every number a float, secrets unwrapped, assets and
  archives as `pulumi` objects) behind the unknown-checking proxy;
- runs the policy; an `UnknownValueError` becomes an advisory "can't run policy ... during preview"
  note, a not-applicable signal is dropped;
- reports each violation as `description + "\\n" + message` at the policy's level and severity.

`evaluate` reproduces all of that, but does the expensive work once instead of once per policy:
each resource's properties are converted once (`engine_props`), resource policies whose
`resource_types` do not include the resource's type are skipped before any work, and the stack
graph is built once for all stack policies. Policies that are not this pack's own kind (plain
`pulumi_policy` policies) go through the SDK's own objects, exactly as the servicer builds them.

Like the policy process, the evaluation sees the stack's project, name, dry-run flag and config
through the Pulumi runtime (`pulumi.get_stack()`, `pulumi.Config("aws")`), set in a private copy
of the runtime's context so nothing leaks into the caller.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
from dataclasses import dataclass, field
from inspect import isawaitable
from types import MappingProxyType
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import pulumi
import pulumi.runtime
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.deserialize import (
    SPECIAL_ARCHIVE_SIG,
    SPECIAL_ASSET_SIG,
    SPECIAL_SECRET_SIG,
    SPECIAL_SIG_KEY,
    _deserialize_archive,
    _deserialize_asset,
    deserialize_properties,
)
from pulumi_policy.policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
    _NotApplicableError,
)
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from .. import PACK_NAME
from ..core.graph import Node, StackGraph, analysis_scope, use_graph
from ..core.props import UNKNOWN, UNKNOWN_SENTINELS
from ..core.rule import PackResourcePolicy, PackStackPolicy, Resource
from .model import ResourceState
from .requests import Diagnostic

# `PolicyPack` always hands its servicer this version; it appears in the "can't run" note.
PACK_VERSION = "0.0.1"
PACK_DEFAULT_LEVEL = EnforcementLevel.ADVISORY  # what serving.py gives PolicyPack

LEVEL_NAMES = {EnforcementLevel.ADVISORY: "advisory", EnforcementLevel.MANDATORY: "mandatory"}


class EvaluationError(Exception):
    """Properties the engine could not have sent (the servicer would fail on them too)."""


# -- policy configuration -------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicySettings:
    """What the servicer keeps from `Configure`: a level and properties per configured policy."""

    levels: Mapping[str, EnforcementLevel]
    properties: Mapping[str, Mapping[str, Any]]

    @classmethod
    def from_document(cls, policies: Sequence[Any], document: Optional[Mapping[str, Any]]) -> "PolicySettings":
        """From a `--policy-pack-config` document, as the CLI sends it and the servicer stores it.

        A policy given as a bare level keeps no properties; an object without `enforcementLevel`
        keeps the policy's own level. Properties travel as a protobuf Struct, so numbers arrive as
        floats. (`"all"` must already be expanded: see `policypack.scan.policy_config`.)
        """
        defaults = {p.name: _default_level(p) for p in policies}
        levels: Dict[str, EnforcementLevel] = {}
        properties: Dict[str, Dict[str, Any]] = {}
        for name, value in dict(document or {}).items():
            if isinstance(value, (str, EnforcementLevel)):
                levels[name] = EnforcementLevel(value)
                properties[name] = {}
                continue
            value = dict(value)
            level = value.pop("enforcementLevel", None)
            levels[name] = EnforcementLevel(level) if level else defaults.get(name, PACK_DEFAULT_LEVEL)
            properties[name] = {k: struct_value(v) for k, v in value.items()}
        return cls(levels, properties)

    def level(self, policy: Any) -> EnforcementLevel:
        return self.levels.get(policy.name) or _default_level(policy)

    def config(self, policy: Any) -> Optional[Dict[str, Any]]:
        """The servicer's `_get_policy_config`: a copy of the properties, or None when empty."""
        props = self.properties.get(policy.name)
        return dict(props) if props else None


def _default_level(policy: Any) -> EnforcementLevel:
    return policy.enforcement_level if policy.enforcement_level is not None else PACK_DEFAULT_LEVEL


def reported_level(level: EnforcementLevel) -> Optional[str]:
    """The level a violation is reported at; None when the policy does not run."""
    if level == EnforcementLevel.DISABLED:
        return None
    if level == EnforcementLevel.REMEDIATE:  # a remediation that still violates is mandatory
        return "mandatory"
    return LEVEL_NAMES[level]


def _severity(policy: Any) -> str:
    return policy.severity.value if policy.severity is not None else ""


# -- properties as the policy sees them -----------------------------------------------------------

def struct_value(value: Any) -> Any:
    """A JSON value after a trip through `google.protobuf.Struct`: every number a float."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): struct_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [struct_value(v) for v in value]
    return value


def engine_props(props: Mapping[str, Any]) -> Dict[str, Any]:
    """One resource's properties as a pack rule sees them, in one walk.

    Equal to `plain(unknown_checking_proxy(deserialize_properties(<Struct round trip>)))`, which
    the servicer computes once per policy: numbers become floats, secrets their value, unknown
    sentinels `UNKNOWN`, assets and archives `pulumi` objects.
    """
    return {str(k): _tree(v) for k, v in props.items()}


def _tree(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if kind is dict:
        if SPECIAL_SIG_KEY in value:
            return _special(value)
        return {str(k): _tree(v) for k, v in value.items()}
    if kind is list:
        return [_tree(v) for v in value]
    if kind is bool or value is None or kind is float:
        return value
    if kind is int:
        return float(value)
    return _tree(struct_value(value))  # other JSON-like containers or number types


def _special(value: Dict[str, Any]) -> Any:
    sig = value[SPECIAL_SIG_KEY]
    try:
        if sig == SPECIAL_SECRET_SIG:
            if "value" not in value:
                raise AssertionError("Invalid secret encountered when unmarshaling resource property")
            return _tree(value["value"])
        if sig == SPECIAL_ASSET_SIG:
            return _deserialize_asset(value)
        if sig == SPECIAL_ARCHIVE_SIG:
            return _deserialize_archive(value, False)
        raise AssertionError(f"Unrecognized signature '{sig}' when unmarshaling resource property")
    except AssertionError as err:
        raise EvaluationError(str(err)) from None


def _sdk_props(props: Mapping[str, Any]) -> Any:
    """What the servicer hands a plain `pulumi_policy` policy: the unknown-checking proxy."""
    try:
        return unknown_checking_proxy(deserialize_properties(struct_value(dict(props))))
    except AssertionError as err:
        raise EvaluationError(str(err)) from None


# -- the evaluation ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class StackContext:
    """What the CLI puts in the policy process's environment (PULUMI_PROJECT, _STACK, _DRY_RUN, _CONFIG)."""

    project: str = "project"
    stack: str = "stack"
    dry_run: bool = True
    config: Mapping[str, str] = field(default_factory=dict)
    organization: str = "organization"
    secret_keys: frozenset[str] = frozenset()  # config keys whose values are secrets (PULUMI_CONFIG_SECRET_KEYS)


def evaluate(
    states: Sequence[ResourceState],
    *,
    policies: Optional[Sequence[Any]] = None,
    policy_config: Optional[Mapping[str, Any]] = None,
    context: Optional[StackContext] = None,
    not_analyzed: Iterable[str] = (),
) -> List[Diagnostic]:
    """The diagnostics a preview (or update) with this pack reports for `states`.

    `Analyze` runs for every resource except those in `not_analyzed` (resources the engine only
    reads, never registers), then `AnalyzeStack` over all of them. Resource diagnostics carry the
    resource's URN, as the engine attaches it.
    """
    if policies is None:
        from ..registry import ALL_POLICIES

        policies = ALL_POLICIES
    policies = list(policies)
    settings = PolicySettings.from_document(policies, policy_config)
    run = _Evaluation(list(states), policies, settings, set(not_analyzed))
    return contextvars.copy_context().run(_in_runtime, context or StackContext(), run.diagnostics)


def _in_runtime(context: StackContext, work: Callable[[], List[Diagnostic]]) -> List[Diagnostic]:
    """Run `work` as the servicer's `_configure_runtime_settings` leaves the policy process."""
    pulumi.runtime.set_all_config(dict(context.config))
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            project=context.project,
            stack=context.stack,
            dry_run=context.dry_run,
            organization=os.environ.get("PULUMI_ORGANIZATION", context.organization),
        )
    )
    return work()


class _Evaluation:
    def __init__(self, states: List[ResourceState], policies: List[Any], settings: PolicySettings,
                 not_analyzed: Set[str]) -> None:
        self.states = states
        self.by_urn = {s.urn: s for s in states}
        self.settings = settings
        self.not_analyzed = not_analyzed
        self.resource_policies = [
            (p, level) for p in policies if isinstance(p, ResourceValidationPolicy)
            for level in [reported_level(settings.level(p))] if level
        ]
        self.stack_policies = [
            (p, level) for p in policies if isinstance(p, StackValidationPolicy)
            for level in [reported_level(settings.level(p))] if level
        ]
        self._trees: Dict[str, Dict[str, Any]] = {}
        self._output_trees: Dict[str, Dict[str, Any]] = {}
        self._by_type: Dict[str, List[Tuple[Any, str]]] = {}

    def diagnostics(self) -> List[Diagnostic]:
        out: List[Diagnostic] = []
        for state in self.states:
            if state.urn not in self.not_analyzed:
                out.extend(self.analyze(state))
        out.extend(self.analyze_stack())
        return out

    # -- shared per-resource work -------------------------------------------------------------

    def tree(self, state: ResourceState) -> Dict[str, Any]:
        tree = self._trees.get(state.urn)
        if tree is None:
            tree = self._trees[state.urn] = engine_props(state.props)
        return tree

    def stack_tree(self, state: ResourceState) -> Dict[str, Any]:
        """The tree AnalyzeStack sees: the resource's outputs when they are known separately."""
        if state.outputs is None:
            return self.tree(state)
        tree = self._output_trees.get(state.urn)
        if tree is None:
            tree = self._output_trees[state.urn] = engine_props(state.outputs)
        return tree

    def provider_of(self, state: ResourceState) -> Optional[ResourceState]:
        """The request carries a provider only when its resource is part of the same stack."""
        return self.by_urn.get(state.provider) if state.provider else None

    def policies_for(self, resource_type: str) -> List[Tuple[Any, str]]:
        found = self._by_type.get(resource_type)
        if found is None:
            found = self._by_type[resource_type] = [
                (p, level) for p, level in self.resource_policies
                if not isinstance(p, PackResourcePolicy) or applies_to(p, resource_type)
            ]
        return found

    # -- Analyze ------------------------------------------------------------------------------

    def analyze(self, state: ResourceState) -> List[Diagnostic]:
        out: List[Diagnostic] = []
        applicable = self.policies_for(state.type)
        if not applicable:
            return out
        resource = None
        for policy, level in applicable:
            if isinstance(policy, PackResourcePolicy):
                if resource is None:
                    resource = self.pack_resource(state)
                for message in policy.messages(resource, self.settings.config(policy)):
                    out.append(Diagnostic(policy.name, level, message, state.urn, _severity(policy)))
            else:
                out.extend(self.analyze_with_sdk(policy, level, state))
        return out

    def pack_resource(self, state: ResourceState) -> Resource:
        provider = self.provider_of(state)
        return Resource(
            type=state.type,
            name=state.name,
            urn=state.urn,
            props=self.tree(state),
            provider_props=self.tree(provider) if provider is not None else None,
        )

    def analyze_with_sdk(self, policy: Any, level: str, state: ResourceState) -> List[Diagnostic]:
        if not policy.has_validation():
            return []  # a remediation-only policy: reported as not applicable, no diagnostic
        found: List[Diagnostic] = []
        report = _reporter(found, policy, level, state.urn)
        provider = self.provider_of(state)
        args = ResourceValidationArgs(
            state.type, _sdk_props(state.props), state.urn, state.name, _options(state.parent),
            _sdk_provider(provider), self.settings.config(policy), MappingProxyType({}),
        )
        _run_sdk_validation(policy, args, report, found, state.urn)
        return found

    # -- AnalyzeStack -------------------------------------------------------------------------

    def analyze_stack(self) -> List[Diagnostic]:
        if not self.stack_policies:
            return []
        out: List[Diagnostic] = []
        graph = self.graph()
        with analysis_scope():
            use_graph(graph)  # a rule that asks `graph_for(args)` gets this same graph
            for policy, level in self.stack_policies:
                if isinstance(policy, PackStackPolicy):
                    for violation in policy.violations(graph, self.settings.config(policy)):
                        out.append(Diagnostic(policy.name, level, violation.message, violation.urn or "",
                                              _severity(policy)))
                else:
                    out.extend(self.analyze_stack_with_sdk(policy, level))
        return out

    def graph(self) -> StackGraph:
        """The stack graph, built once, with the links the servicer would resolve.

        A parent, dependency or provider that is not part of the stack is dropped, as the servicer
        drops URNs it cannot resolve to a resource of the request.
        """
        urns = self.by_urn
        nodes = []
        for s in self.states:
            provider = s.provider if s.provider in urns else None
            nodes.append(Node(
                type=s.type,
                urn=s.urn,
                name=s.name,
                props=self.stack_tree(s),
                parent=s.parent if s.parent in urns else None,
                provider=provider,
                dependencies=tuple(d for d in s.dependencies if d in urns),
                property_dependencies={
                    k: tuple(d for d in v if d in urns) for k, v in s.property_dependencies.items()
                },
            ))
        return StackGraph(nodes)

    def analyze_stack_with_sdk(self, policy: Any, level: str) -> List[Diagnostic]:
        found: List[Diagnostic] = []
        report = _reporter(found, policy, level, "")
        args = StackValidationArgs(self.sdk_resources(), self.settings.config(policy), MappingProxyType({}))
        _run_sdk_validation(policy, args, report, found, "")
        return found

    def sdk_resources(self) -> List[PolicyResource]:
        """`StackValidationArgs.resources` as the servicer builds them (fresh for each policy)."""
        resources: Dict[str, PolicyResource] = {}
        for s in self.states:
            resources[s.urn] = PolicyResource(s.type, _sdk_props(s.stack_props), s.urn, s.name, _options(""),
                                              _sdk_provider(self.provider_of(s)), None, [], {})
        for s in self.states:
            resource = resources[s.urn]
            if s.parent in resources:
                resource.parent = resources[s.parent]
            resource.dependencies.extend(resources[d] for d in s.dependencies if d in resources)
            for key, urns in s.property_dependencies.items():
                resource.property_dependencies[key] = [resources[d] for d in urns if d in resources]
        return list(resources.values())


def applies_to(policy: PackResourcePolicy, resource_type: str) -> bool:
    """The policy's own test, so the fast path skips exactly what `validate` would skip."""
    return policy.applies_to(resource_type)


def _options(parent: str) -> PolicyResourceOptions:
    """`_get_resource_options` of a request that sets no option but the parent."""
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent or None)


def _sdk_provider(state: Optional[ResourceState]) -> Optional[PolicyProviderResource]:
    if state is None:
        return None
    return PolicyProviderResource(state.type, _sdk_props(state.props), state.urn, state.name)


def _reporter(found: List[Diagnostic], policy: Any, level: str, default_urn: str):
    """The servicer's `report_violation`, with the engine attaching the resource's URN."""

    def report_violation(message: str, urn: Optional[str] = None) -> None:
        if message and not isinstance(message, str):
            raise TypeError("Expected message to be a string")
        if urn is not None and not isinstance(urn, str):
            raise TypeError("Expected urn to be a string")
        found.append(Diagnostic(policy.name, level, message or "", urn or default_urn, _severity(policy)))

    return report_violation


def _run_sdk_validation(policy: Any, args: Any, report: Any, found: List[Diagnostic], urn: str) -> None:
    try:
        result = policy.validate(args, report)
        if isawaitable(result):
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(asyncio.ensure_future(result, loop=loop))
            finally:
                loop.close()
    except UnknownValueError as err:
        found.append(Diagnostic(
            policy.name,
            "advisory",
            f"can't run policy '{policy.name}' from policy pack '{PACK_NAME}@v{PACK_VERSION}' "
            f"during preview: {err.message}",
            urn,
            "",
        ))
    except _NotApplicableError:
        pass
    except Exception as err:  # the servicer's call fails, and with it the engine's preview
        where = f" on {urn}" if urn else ""
        raise EvaluationError(f"policy {policy.name!r} failed{where}: {err.__class__.__name__}: {err}") from None

