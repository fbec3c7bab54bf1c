"""What `pulumi_policy` 1.21's servicer does for a plain policy, for policies that are not this pack's.

The core runs this pack's own policies on one plain tree per resource. A policy written the plain
`pulumi_policy` way (an organization's own, added to a pack built from this library) expects the
SDK's objects instead - the unknown-checking proxy, `PolicyResource`s, `report_violation` - so
these helpers build them exactly as the servicer does (`pulumi_policy/policy.py`) and turn what it
reports into the core's diagnostics, including the servicer's "can't run policy ... during preview"
note when the policy reads a value unknown in preview.
"""

from __future__ import annotations

import asyncio
from inspect import isawaitable
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from google.protobuf import json_format
from pulumi_policy.deserialize import deserialize_properties
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

from .requests import Diagnostic


class EvaluationError(Exception):
    """A plain policy failed, or properties the engine could not have sent (the servicer fails too)."""


def severity_name(policy: Any) -> str:
    return policy.severity.value if policy.severity is not None else ""


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


def sdk_props(props: Mapping[str, Any]) -> Any:
    """What the servicer hands a plain policy, from the JSON form of the properties."""
    try:
        return unknown_checking_proxy(deserialize_properties(struct_value(dict(props))))
    except (AssertionError, RecursionError) as err:
        raise EvaluationError(f"the properties cannot be deserialized: {err}") from None


def sdk_props_of_struct(struct: Any) -> Any:
    """The same from a protobuf `Struct`, as the servicer does it."""
    try:
        return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))
    except (AssertionError, RecursionError) as err:
        raise EvaluationError(f"the properties cannot be deserialized: {err}") from None


def options_of_request(request: Any) -> PolicyResourceOptions:
    """The servicer's `_get_resource_options`."""
    opts = request.options
    delete_before_replace = None if not opts.deleteBeforeReplaceDefined else opts.deleteBeforeReplace
    timeouts = (PolicyCustomTimeouts(opts.customTimeouts.create, opts.customTimeouts.update,
                                     opts.customTimeouts.delete) if opts.HasField("customTimeouts")
                else PolicyCustomTimeouts(0, 0, 0))
    return PolicyResourceOptions(opts.protect, opts.ignoreChanges, delete_before_replace, opts.aliases, timeouts,
                                 opts.additionalSecretOutputs, opts.parent or None)


def parent_only_options(parent: str) -> PolicyResourceOptions:
    """`_get_resource_options` of a request that sets no option but the parent."""
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent or None)


def provider_of_request(request: Any) -> Optional[PolicyProviderResource]:
    if not request.HasField("provider"):
        return None
    provider = request.provider
    return PolicyProviderResource(provider.type, sdk_props_of_struct(provider.properties), provider.urn,
                                  provider.name)


def resource_args_of_request(request: Any, config: Optional[Dict[str, Any]],
                             stack_tags: Mapping[str, str]) -> ResourceValidationArgs:
    return ResourceValidationArgs(request.type, sdk_props_of_struct(request.properties), request.urn,
                                  request.name, options_of_request(request), provider_of_request(request),
                                  config, stack_tags)


def stack_args_of_request(request: Any, config: Optional[Dict[str, Any]],
                          stack_tags: Mapping[str, str]) -> StackValidationArgs:
    """`StackValidationArgs` as the servicer builds them (fresh for each policy)."""
    resources: Dict[str, PolicyResource] = {}
    links = []
    for r in request.resources:
        resource = PolicyResource(r.type, sdk_props_of_struct(r.properties), r.urn, r.name, options_of_request(r),
                                  provider_of_request(r), None, [], {})
        resources[r.urn] = resource
        links.append((resource, r.parent, list(r.dependencies),
                       {k: list(v.urns) for k, v in r.propertyDependencies.items()}))
    link(resources, links)
    return StackValidationArgs(list(resources.values()), config, stack_tags)


def link(resources: Mapping[str, PolicyResource], links: Sequence[Any]) -> None:
    """Parents, dependencies and property dependencies as resource objects (unresolvable URNs dropped)."""
    for resource, parent, dependencies, property_dependencies in links:
        if parent in resources:
            resource.parent = resources[parent]
        resource.dependencies.extend(resources[d] for d in dependencies if d in resources)
        for key, urns in property_dependencies.items():
            resource.property_dependencies[key] = [resources[d] for d in urns if d in resources]


def run_sdk_policy(policy: Any, level: str, args: Any, default_urn: str,
                   pack_label: str) -> Tuple[List[Diagnostic], Optional[str]]:
    """Run one plain policy as the servicer does: its diagnostics, and its not-applicable reason if
    it said it does not apply. Its failure is an `EvaluationError`."""
    found: List[Diagnostic] = []
    severity = severity_name(policy)

    def report_violation(message: str, urn: Optional[str] = None) -> None:
        if message and not isinstance(message, str):
            raise TypeError("Expected message to be a string")
        if urn is not None and not isinstance(urn, str):
            raise TypeError("Expected urn to be a string")
        found.append(Diagnostic(policy.name, level, message or "", urn or default_urn, severity))

    try:
        result = policy.validate(args, report_violation)
        if isawaitable(result):
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(asyncio.ensure_future(result, loop=loop))
            finally:
                loop.close()
    except UnknownValueError as err:
        found.append(Diagnostic(
            policy.name, "advisory",
            f"can't run policy '{policy.name}' from policy pack '{pack_label}' during preview: {err.message}",
            default_urn, "",
        ))
    except _NotApplicableError as err:
        return found, err.reason or ""
    except Exception as err:  # the servicer's call fails on this, and with it the engine's preview
        where = f" on {default_urn}" if default_urn else ""
        raise EvaluationError(f"policy {policy.name!r} failed{where}: {err.__class__.__name__}: {err}") from None
    return found, None


NO_TAGS: Mapping[str, str] = MappingProxyType({})
