"""How a rule is declared: one function plus its metadata, turned into a `pulumi_policy` policy.

    @resource_rule(name="aws-...", description=..., resource_types=[FUNCTION], ...)
    def check(resource: Resource, config: Config) -> Iterator[str]:
        yield "message naming the property, the offending value and what to do"

The decorator returns a real `ResourceValidationPolicy` (or `StackValidationPolicy`) that carries
all metadata on itself (no parallel table), the resource types it applies to as data, the config
defaults, and the raw `check` function for direct tests. The policy never raises: a bug in a check
is written to stderr (the engine logs plugin stderr) instead of breaking the user's preview.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .props import plain

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

LOW, MEDIUM, HIGH, CRITICAL = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL

Config = Mapping[str, Any]

ALL_TYPES = "*"  # as `resource_types=[ALL_TYPES]`: a resource rule that applies to every resource type


@dataclass(frozen=True)
class Resource:
    """What a resource rule sees: plain properties (unknowns are `UNKNOWN`) and identity."""

    type: str
    name: str
    urn: str
    props: Dict[str, Any]
    provider_props: Optional[Dict[str, Any]] = None  # the explicit provider's properties, if any


class StackViolation(NamedTuple):
    """One violation a stack rule reports (a tuple: a stack may report thousands of them)."""

    urn: Optional[str]
    message: str


def _with_exemptions(options: Optional[Mapping[str, Mapping[str, Any]]]) -> Dict[str, Mapping[str, Any]]:
    """A policy's own options, then the exemption options every policy of the pack takes."""
    from ..exemptions.model import OPTIONS  # local: exemptions read props, which this module also uses

    return {**dict(options or {}), **OPTIONS}


def _schema(options: Optional[Mapping[str, Mapping[str, Any]]]) -> Optional[PolicyConfigSchema]:
    return PolicyConfigSchema(properties={k: dict(v) for k, v in _with_exemptions(options).items()})


def _defaults(options: Optional[Mapping[str, Mapping[str, Any]]]) -> Dict[str, Any]:
    return {k: v["default"] for k, v in _with_exemptions(options).items() if "default" in v}


def merged_config(defaults: Mapping[str, Any], configured: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    merged = dict(defaults)
    for key, value in dict(configured or {}).items():
        if value is not None:
            merged[key] = plain(value)
    return merged


def _log_rule_error(name: str, where: str) -> None:
    sys.stderr.write(
        f"policy {name!r} failed on {where} and was skipped for it; please report this:\n"
        + traceback.format_exc()
    )
    sys.stderr.flush()


def _sdk_metadata(
    *,
    name: str,
    description: str,
    enforcement_level: EnforcementLevel,
    severity: Severity,
    remediation_steps: str,
    url: str,
    config_options: Optional[Mapping[str, Mapping[str, Any]]] = None,
    tags: Optional[Sequence[str]] = None,
) -> Dict[str, Any]:
    """The metadata every policy of this pack carries, as the SDK's `Policy` takes it."""
    return dict(
        name=name,
        description=description,
        enforcement_level=enforcement_level,
        config_schema=_schema(config_options),
        severity=severity,
        tags=list(tags or []),
        remediation_steps=remediation_steps,
        url=url,
    )


Fix = Callable[[Resource, Config], Optional[Mapping[str, Any]]]


class _PackPolicy:
    """What both kinds of policy of this pack add to the SDK's: the check, its types, defaults."""

    kind = ""

    def _init_pack(self, check: Callable[..., Any], resource_types: Sequence[str],
                   config_options: Optional[Mapping[str, Mapping[str, Any]]], fix: Optional["Fix"],
                   fix_types: Sequence[str]) -> None:
        self.check = check
        # resource policies: the types they apply to; stack policies: the types whose presence
        # makes them worth running (documentation and fast skipping)
        self.resource_types: Tuple[str, ...] = tuple(resource_types)
        self.config_defaults: Dict[str, Any] = _defaults(config_options)
        self.fix = fix  # a safe, deterministic remediation: the top-level properties it sets
        self.fix_types: Tuple[str, ...] = tuple(fix_types) if fix is not None else ()

    def fixes(self, resource: "Resource", configured: Optional[Mapping[str, Any]] = None) -> Optional[Dict[str, Any]]:
        """The properties `fix` changes on `resource` (None: nothing to change); never raises."""
        if self.fix is None or resource.type not in self.fix_types:
            return None
        try:
            changes = self.fix(resource, merged_config(self.config_defaults, configured))
        except Exception:
            _log_rule_error(self.name, resource.urn or resource.type)
            return None
        return dict(changes) if changes else None


class PackResourcePolicy(_PackPolicy, ResourceValidationPolicy):
    """A resource policy of this pack: metadata, applicable types, a pure `check` and, for the
    policies whose fix is safe and deterministic, a pure `fix` (the top-level properties it sets)."""

    kind = "resource"

    def __init__(self, *, check: Callable[[Resource, Config], Iterable[str]], resource_types: Sequence[str],
                 config_options: Optional[Mapping[str, Mapping[str, Any]]] = None, fix: Optional[Fix] = None,
                 **metadata: Any) -> None:
        remediate = self._sdk_remediate if fix is not None else None
        super().__init__(remediate=remediate, **_sdk_metadata(config_options=config_options, **metadata))
        self._init_pack(check, resource_types, config_options, fix, resource_types)

    def _sdk_remediate(self, args: ResourceValidationArgs) -> Optional[Dict[str, Any]]:
        """`remediate` as `pulumi_policy`'s servicer calls it: the whole new property set."""
        changes = self.fixes(resource_from_args(args), args.get_config())
        if not changes:
            return None
        raw = args.props["__target"] if hasattr(args.props, "__getitem__") else dict(args.props)
        return {**raw, **changes}

    def applies_to(self, resource_type: str) -> bool:
        # "*" in resource_types: the rule looks at every resource type (e.g. a walk over all props).
        return ALL_TYPES in self.resource_types or resource_type in self.resource_types

    def messages(self, resource: Resource, configured: Optional[Mapping[str, Any]] = None) -> Iterator[str]:
        """Run the check on a plain resource; shared by the gRPC path and the offline scanner."""
        if not self.applies_to(resource.type):
            return
        config = merged_config(self.config_defaults, configured)
        try:
            for message in self.check(resource, config):
                if message:
                    yield str(message)
        except Exception:  # never break a preview: see the module docstring
            _log_rule_error(self.name, resource.urn or resource.type)

    def validate(self, args: ResourceValidationArgs, report_violation) -> None:
        if not self.applies_to(args.resource_type):
            return None
        resource = resource_from_args(args)
        for message in self.messages(resource, args.get_config()):
            report_violation(message, None)
        return None


class PackStackPolicy(_PackPolicy, StackValidationPolicy):
    """A stack policy of this pack: metadata and a pure `check` over the shared stack graph."""

    kind = "stack"

    def __init__(self, *, check: Callable[[Any, Config], Iterable[StackViolation]], resource_types: Sequence[str],
                 config_options: Optional[Mapping[str, Mapping[str, Any]]] = None, fix: Optional[Fix] = None,
                 fix_types: Sequence[str] = (), **metadata: Any) -> None:
        super().__init__(**_sdk_metadata(config_options=config_options, **metadata))
        self._init_pack(check, resource_types, config_options, fix, fix_types)

    def violations(self, graph: Any, configured: Optional[Mapping[str, Any]] = None) -> Iterator[StackViolation]:
        config = merged_config(self.config_defaults, configured)
        try:
            for violation in self.check(graph, config):
                if violation and violation.message:
                    yield violation
        except Exception:
            _log_rule_error(self.name, "the stack")

    def validate(self, args: StackValidationArgs, report_violation) -> None:
        from .graph import graph_for  # local: graph imports rule types

        graph = graph_for(args)
        for violation in self.violations(graph, args.get_config()):
            report_violation(violation.message, violation.urn or None)
        return None


def resource_from_args(args: ResourceValidationArgs) -> Resource:
    provider_props = None
    if args.provider is not None:
        provider_props = plain(args.provider.props)
    return Resource(
        type=args.resource_type,
        name=args.name,
        urn=args.urn,
        props=plain(args.props),
        provider_props=provider_props,
    )


def resource_rule(**metadata: Any) -> Callable[[Callable[[Resource, Config], Iterable[str]]], PackResourcePolicy]:
    """Declare a resource rule: `name`, `description`, `resource_types`, `enforcement_level`,
    `severity`, `remediation_steps`, `url`, optional `config_options`, `tags` and `fix`."""
    return lambda check: PackResourcePolicy(check=check, **metadata)


def stack_rule(**metadata: Any) -> Callable[[Callable[[Any, Config], Iterable[StackViolation]]], PackStackPolicy]:
    """Declare a stack rule; the same metadata as `resource_rule`, and for a remediation `fix` with the
    `fix_types` of the resources it rewrites (the engine remediates one resource at a time)."""
    return lambda check: PackStackPolicy(check=check, **metadata)


PackPolicy = Union[PackResourcePolicy, PackStackPolicy]
