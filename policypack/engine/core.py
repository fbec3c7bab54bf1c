"""The evaluation core: one resource, or one stack, in; the pack's diagnostics out.

Both ways in use it - the gRPC server the engine talks to (`engine.server`) and the offline
scanner (`engine.evaluate`) - each turning what it reads into the same subjects: a plain
`Resource` per resource (built once, secrets marked, unknowns explicit) and one `StackGraph` per
stack. For each subject the core runs the policies that apply, in pack order, at the level the
policy config gives them, exactly as `pulumi_policy`'s servicer would, but without its per-policy
re-deserialization: policies of this pack whose resource types do not include the resource's
type are skipped before any work, and every stack policy shares one graph.

Every message passes through the secret net (`core.secrets.Redactor`) with the secret values of
what the policy saw and the stack's secret config values: no message quotes a secret.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from ..core import clock, stack_config
from ..core.graph import StackGraph, analysis_scope, use_graph
from ..core.props import get
from ..core.rule import PackResourcePolicy, PackStackPolicy, Resource
from ..core.secrets import Redactor
from ..exemptions import Exemptions
from .model import name_of_urn
from .requests import Diagnostic
from .sdk_compat import EvaluationError, run_sdk_policy, severity_name, struct_value

PACK_DEFAULT_LEVEL = EnforcementLevel.ADVISORY  # the level of a policy that names none
LEVEL_NAMES = {EnforcementLevel.ADVISORY: "advisory", EnforcementLevel.MANDATORY: "mandatory"}


def reported_level(level: EnforcementLevel) -> Optional[str]:
    """The level a violation is reported at; None when the policy does not run."""
    if level == EnforcementLevel.DISABLED:
        return None
    if level == EnforcementLevel.REMEDIATE:  # a remediation that still violates is mandatory
        return "mandatory"
    return LEVEL_NAMES[level]


def default_level(policy: Any, pack_level: EnforcementLevel = PACK_DEFAULT_LEVEL) -> EnforcementLevel:
    return policy.enforcement_level if policy.enforcement_level is not None else pack_level


# -- policy configuration -------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicySettings:
    """What `Configure` leaves: a level and properties per configured policy (`pulumi_policy`'s rules)."""

    levels: Mapping[str, EnforcementLevel] = field(default_factory=dict)
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pack_level: EnforcementLevel = PACK_DEFAULT_LEVEL  # the pack's level, for policies that name none

    @classmethod
    def from_document(cls, policies: Sequence[Any], document: Optional[Mapping[str, Any]],
                      pack_level: EnforcementLevel = PACK_DEFAULT_LEVEL) -> "PolicySettings":
        """From a `--policy-pack-config` document, as the CLI sends it and the servicer stores it.

        A policy given as a bare level keeps no properties; an object without `enforcementLevel`
        keeps the policy's own level. Properties travel as a protobuf Struct, so numbers arrive as
        floats. (`"all"` must already be expanded: see `policypack.scan.policy_config`.)
        """
        defaults = {p.name: default_level(p, pack_level) for p in policies}
        levels: Dict[str, EnforcementLevel] = {}
        properties: Dict[str, Dict[str, Any]] = {}
        for name, value in dict(document or {}).items():
            if isinstance(value, (str, EnforcementLevel)):
                levels[name] = EnforcementLevel(value)
                properties[name] = {}
                continue
            value = dict(value)
            level = value.pop("enforcementLevel", None)
            levels[name] = EnforcementLevel(level) if level else defaults.get(name, pack_level)
            properties[name] = {k: struct_value(v) for k, v in value.items()}
        return cls(levels, properties, pack_level)

    def level(self, policy: Any) -> EnforcementLevel:
        return self.levels.get(policy.name) or default_level(policy, self.pack_level)

    def config(self, policy: Any) -> Optional[Dict[str, Any]]:
        """The servicer's `_get_policy_config`: a copy of the properties, or None when empty."""
        props = self.properties.get(policy.name)
        return dict(props) if props else None


# -- what the core evaluates ----------------------------------------------------------------------

@dataclass
class ResourceSubject:
    """One resource: its plain form for this pack's policies, the SDK's form (lazily) for others."""

    resource: Resource
    secrets: Sequence[str] = ()
    sdk_args: Optional[Callable[[Optional[Dict[str, Any]]], Any]] = None  # config -> ResourceValidationArgs
    default_urn: str = ""  # the URN a diagnostic of a plain policy carries when it names none


@dataclass
class StackSubject:
    graph: StackGraph
    secrets: Sequence[str] = ()
    sdk_args: Optional[Callable[[Optional[Dict[str, Any]]], Any]] = None  # config -> StackValidationArgs


@dataclass
class Outcome:
    """What one request gives: diagnostics, and (policy, reason) of the policies that said they do not apply."""

    diagnostics: List[Diagnostic] = field(default_factory=list)
    not_applicable: List[Tuple[str, str]] = field(default_factory=list)


NO_VALIDATION = "Policy does not implement validate"  # the servicer's reason for a remediation-only policy


class Evaluator:
    """The pack's policies under one policy configuration. Safe to share between threads."""

    def __init__(self, policies: Sequence[Any], settings: Optional[PolicySettings] = None, *,
                 pack_label: str, raise_errors: bool = False) -> None:
        self.settings = settings or PolicySettings()
        self.pack_label = pack_label  # `name@vversion`, as the servicer's "can't run" note names the pack
        self.raise_errors = raise_errors  # the scanner stops on a plain policy's failure; the server logs it
        self.resource_policies: List[Tuple[Any, str]] = []
        self.stack_policies: List[Tuple[Any, str]] = []
        for policy in policies:
            level = reported_level(self.settings.level(policy))
            if level is None:
                continue
            if isinstance(policy, ResourceValidationPolicy):
                self.resource_policies.append((policy, level))
            elif isinstance(policy, StackValidationPolicy):
                self.stack_policies.append((policy, level))
        self._configs = {p.name: self.settings.config(p) for p, _ in self.resource_policies + self.stack_policies}
        self._by_type: Dict[str, List[Tuple[Any, str]]] = {}
        self.exemptions = Exemptions(self.config, clock.today)

    def policies_for(self, resource_type: str) -> List[Tuple[Any, str]]:
        found = self._by_type.get(resource_type)
        if found is None:
            found = [(p, level) for p, level in self.resource_policies
                     if not isinstance(p, PackResourcePolicy) or p.applies_to(resource_type)]
            self._by_type[resource_type] = found
        return found

    def config(self, policy: Any) -> Optional[Dict[str, Any]]:
        props = self._configs.get(policy.name)
        return dict(props) if props else None

    # -- Analyze ------------------------------------------------------------------------------

    def analyze(self, subject: ResourceSubject) -> List[Diagnostic]:
        return self.analyze_outcome(subject).diagnostics

    def analyze_outcome(self, subject: ResourceSubject) -> Outcome:
        outcome = Outcome()
        applicable = self.policies_for(subject.resource.type)
        if not applicable:
            return outcome
        resource = subject.resource
        finish = self._finisher(subject.secrets)
        tags = get(resource.props, "tags")
        for policy, level in applicable:
            if isinstance(policy, PackResourcePolicy):
                found = [Diagnostic(policy.name, level, message, "", severity_name(policy))
                         for message in policy.messages(resource, self.config(policy))]
            elif not policy.has_validation():
                outcome.not_applicable.append((policy.name, NO_VALIDATION))
                continue
            elif subject.sdk_args is not None:
                found = self._run_sdk(outcome, policy, level, lambda: subject.sdk_args(self.config(policy)),
                                      subject.default_urn)
            else:
                continue
            outcome.diagnostics.extend(finish(policy, d, resource.urn, resource.name, tags) for d in found)
        return outcome

    # -- AnalyzeStack -------------------------------------------------------------------------

    def analyze_stack(self, subject: StackSubject) -> List[Diagnostic]:
        return self.analyze_stack_outcome(subject).diagnostics

    def analyze_stack_outcome(self, subject: StackSubject) -> Outcome:
        outcome = Outcome()
        if not self.stack_policies:
            return outcome
        graph = subject.graph
        nodes = graph.nodes
        finish = self._finisher(subject.secrets)
        with analysis_scope():
            use_graph(graph)  # a plain policy that asks `graph_for(args)` gets the same graph
            for policy, level in self.stack_policies:
                if isinstance(policy, PackStackPolicy):
                    severity = severity_name(policy)
                    found = [Diagnostic(policy.name, level, v.message, v.urn or "", severity)
                             for v in policy.violations(graph, self.config(policy))]
                elif subject.sdk_args is not None:
                    found = self._run_sdk(outcome, policy, level, lambda: subject.sdk_args(self.config(policy)), "")
                else:
                    continue
                # a stack may report thousands of violations: each costs two lookups here
                for d in found:
                    node = nodes.get(d.urn)
                    if node is not None:
                        name, tags = node.name, node.props.get("tags") if type(node.props) is dict else None
                    else:
                        name, tags = name_of_urn(d.urn), None
                    outcome.diagnostics.append(finish(policy, d, d.urn, name, tags))
        return outcome

    def _finisher(self, secrets: Sequence[str]) -> Callable[..., Diagnostic]:
        """What every violation goes through last: its resource's exemptions, then the secret net."""
        redact = _redactor(secrets)

        def finish(policy: Any, diagnostic: Diagnostic, urn: str, name: str, tags: Any) -> Diagnostic:
            diagnostic = self.exemptions.apply(policy, diagnostic, urn, name, tags)
            message = redact(diagnostic.message)
            return diagnostic if message == diagnostic.message else replace(diagnostic, message=message)

        return finish

    # -- plain pulumi_policy policies ---------------------------------------------------------

    def _run_sdk(self, outcome: Outcome, policy: Any, level: str, make_args: Callable[[], Any],
                 default_urn: str) -> List[Diagnostic]:
        try:
            found, not_applicable = run_sdk_policy(policy, level, make_args(), default_urn, self.pack_label)
        except EvaluationError:
            if self.raise_errors:
                raise
            sys.stderr.write(f"policy {policy.name!r} was skipped: {traceback.format_exc(limit=0)}")
            sys.stderr.flush()
            return []
        if not_applicable is not None:
            outcome.not_applicable.append((policy.name, not_applicable))
        return found


def _redactor(secrets: Iterable[str]) -> Callable[[str], str]:
    extra = stack_config.secret_values()
    if not secrets and not extra:
        return _unchanged
    return Redactor([*secrets, *extra])


def _unchanged(message: str) -> str:
    return message
