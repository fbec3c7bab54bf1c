"""The offline way in: resource states (program, stack export, preview) -> the core -> diagnostics.

`pulumi preview --policy-pack` calls `Analyze` for each resource, then `AnalyzeStack` once with
every resource; the policy process sees the stack's project, name, dry-run flag and config through
the Pulumi runtime. `evaluate` does the same in-process with the same evaluation core as the
server the engine talks to (`engine.core`): each resource converted once (`engine.tree`, secrets
kept marked), one stack graph, the same levels, config and messages. The runtime settings live in
a private copy of the runtime's context, so nothing leaks into the caller.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence

import pulumi
import pulumi.runtime
from pulumi_policy.policy import PolicyProviderResource, PolicyResource, ResourceValidationArgs, StackValidationArgs

from .. import PACK_NAME, __version__
from ..core import stack_config
from ..core.graph import Node, StackGraph
from ..core.rule import Resource
from .core import Evaluator, PolicySettings, ResourceSubject, StackSubject
from .model import ResourceState
from .requests import Diagnostic
from .sdk_compat import NO_TAGS, EvaluationError, link, parent_only_options, sdk_props
from .tree import tree_from_json

__all__ = ["EvaluationError", "PolicySettings", "StackContext", "evaluate", "PACK_LABEL"]

PACK_LABEL = f"{PACK_NAME}@v{__version__}"


@dataclass(frozen=True)
class StackContext:
    """What the CLI puts in the policy process's environment (PULUMI_PROJECT, _STACK, _DRY_RUN, _CONFIG,
    _CONFIG_SECRET_KEYS)."""

    project: str = "project"
    stack: str = "stack"
    dry_run: bool = True
    config: Mapping[str, str] = field(default_factory=dict)
    organization: str = "organization"
    secret_keys: FrozenSet[str] = frozenset()  # config keys whose values are secrets (PULUMI_CONFIG_SECRET_KEYS)


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
    evaluator = Evaluator(policies, PolicySettings.from_document(policies, policy_config),
                          pack_label=PACK_LABEL, raise_errors=True)
    run = _Run(list(states), evaluator, set(not_analyzed))
    return contextvars.copy_context().run(_in_runtime, context or StackContext(), run.diagnostics)


def _in_runtime(context: StackContext, work: Callable[[], List[Diagnostic]]) -> List[Diagnostic]:
    """Run `work` as the servicer's `_configure_runtime_settings` leaves the policy process."""
    pulumi.runtime.set_all_config(dict(context.config), sorted(context.secret_keys))
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            project=context.project,
            stack=context.stack,
            dry_run=context.dry_run,
            organization=os.environ.get("PULUMI_ORGANIZATION", context.organization),
        )
    )
    saved = stack_config.secret_keys()
    stack_config.set_secret_keys(context.secret_keys)
    try:
        return work()
    finally:
        stack_config.set_secret_keys(saved)


class _Run:
    def __init__(self, states: List[ResourceState], evaluator: Evaluator, not_analyzed: set) -> None:
        self.states = states
        self.by_urn = {s.urn: s for s in states}
        self.evaluator = evaluator
        self.not_analyzed = not_analyzed
        self._trees: Dict[int, tuple] = {}  # id(props dict) -> (tree, secrets): each converted once

    def diagnostics(self) -> List[Diagnostic]:
        out: List[Diagnostic] = []
        for state in self.states:
            if state.urn not in self.not_analyzed:
                out.extend(self.analyze(state))
        out.extend(self.analyze_stack())
        return out

    def tree(self, props: Dict[str, Any]) -> tuple:
        found = self._trees.get(id(props))
        if found is None:
            secrets: List[str] = []
            found = self._trees[id(props)] = (engine_props(props, secrets), secrets, props)
        return found

    def provider_of(self, state: ResourceState) -> Optional[ResourceState]:
        """The request carries a provider only when its resource is part of the same stack."""
        return self.by_urn.get(state.provider) if state.provider else None

    # -- Analyze ------------------------------------------------------------------------------

    def analyze(self, state: ResourceState) -> List[Diagnostic]:
        if not self.evaluator.policies_for(state.type):
            return []
        props, secrets, _ = self.tree(state.props)
        provider = self.provider_of(state)
        provider_props = None
        if provider is not None:
            provider_props, provider_secrets, _ = self.tree(provider.props)
            secrets = [*secrets, *provider_secrets]
        subject = ResourceSubject(
            Resource(type=state.type, name=state.name, urn=state.urn, props=props, provider_props=provider_props),
            secrets, lambda config: self.sdk_resource_args(state, config), default_urn=state.urn,
        )
        return [d if d.urn else replace(d, urn=state.urn) for d in self.evaluator.analyze(subject)]

    def sdk_resource_args(self, state: ResourceState, config: Optional[Dict[str, Any]]) -> ResourceValidationArgs:
        return ResourceValidationArgs(state.type, sdk_props(state.props), state.urn, state.name,
                                      parent_only_options(state.parent), _sdk_provider(self.provider_of(state)),
                                      config, NO_TAGS)

    # -- AnalyzeStack -------------------------------------------------------------------------

    def analyze_stack(self) -> List[Diagnostic]:
        if not self.evaluator.stack_policies:
            return []
        nodes, secrets = [], []
        urns = self.by_urn
        for s in self.states:
            props, found, _ = self.tree(s.stack_props)
            secrets.extend(found)
            nodes.append(Node(
                type=s.type, urn=s.urn, name=s.name, props=props,
                parent=s.parent if s.parent in urns else None,
                provider=s.provider if s.provider in urns else None,
                dependencies=tuple(d for d in s.dependencies if d in urns),
                property_dependencies={k: tuple(d for d in v if d in urns)
                                       for k, v in s.property_dependencies.items()},
            ))
        subject = StackSubject(StackGraph(nodes), secrets, self.sdk_stack_args)
        return self.evaluator.analyze_stack(subject)

    def sdk_stack_args(self, config: Optional[Dict[str, Any]]) -> StackValidationArgs:
        """`StackValidationArgs.resources` as the servicer builds them (fresh for each policy)."""
        resources: Dict[str, PolicyResource] = {}
        links = []
        for s in self.states:
            resource = PolicyResource(s.type, sdk_props(s.stack_props), s.urn, s.name, parent_only_options(""),
                                      _sdk_provider(self.provider_of(s)), None, [], {})
            resources[s.urn] = resource
            links.append((resource, s.parent, s.dependencies, s.property_dependencies))
        link(resources, links)
        return StackValidationArgs(list(resources.values()), config, NO_TAGS)


def engine_props(props: Mapping[str, Any], secrets: Optional[List[str]] = None) -> Dict[str, Any]:
    """One resource's properties as a pack rule sees them (see `engine.tree`)."""
    return tree_from_json(props, secrets)


def _sdk_provider(state: Optional[ResourceState]) -> Optional[PolicyProviderResource]:
    if state is None:
        return None
    return PolicyProviderResource(state.type, sdk_props(state.props), state.urn, state.name)
