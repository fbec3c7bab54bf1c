"""`Remediate`: the engine asks the policies at level `remediate` to rewrite a resource's properties.

As `pulumi_policy`'s servicer does: policies run in pack order on the properties as the previous
remediation left them; each one that changes them adds a `Remediation` with the whole new property
set; a policy without a remediation is reported not applicable. A policy of this pack remediates
with `fix(resource, config)`, returning the top-level properties it changes (or nothing): only
those are replaced in the request's `Struct`, so every other property - secrets included - goes
back exactly as it came, and a resource exempted from the policy is not remediated. A stack policy
of this pack may fix the resources its `fix_types` names (e.g. a public access block). A plain
`pulumi_policy` policy gets the SDK's objects.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from inspect import isawaitable
from typing import Any, Dict, Optional

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy
from pulumi_policy.deserialize import deserialize_properties, serialize_properties
from pulumi_policy.policy import ResourceValidationArgs, _NotApplicableError
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from ..core.props import get
from ..core.rule import PackResourcePolicy, PackStackPolicy, Resource
from .sdk_compat import options_of_request, provider_of_request
from .tree import to_engine, tree_from_struct

NO_REMEDIATION = "Policy does not implement remediate"


def remediate(server: Any, request: Any, response: analyzer_pb2.RemediateResponse) -> None:
    settings = server.settings
    policies = [p for p in server.policies
                if (isinstance(p, ResourceValidationPolicy) or getattr(p, "fix", None) is not None)
                and settings.level(p) == EnforcementLevel.REMEDIATE]
    if not policies:
        return
    current = struct_pb2.Struct()
    current.CopyFrom(request.properties)
    for policy in policies:
        if not _has_remediation(policy):
            response.not_applicable.append(analyzer_pb2.PolicyNotApplicable(policy_name=policy.name,
                                                                            reason=NO_REMEDIATION))
            continue
        config = server.evaluator.config(policy)
        diagnostic = ""
        try:
            if isinstance(policy, (PackResourcePolicy, PackStackPolicy)):
                changed = _pack_fix(policy, request, current, config, server.evaluator.exemptions)
            else:
                changed = _sdk_fix(policy, request, current, config, server.stack_tags)
        except UnknownValueError as err:
            changed = None
            diagnostic = (f"can't run remediation '{policy.name}' from policy pack "
                          f"'{server.name}@v{server.version}' during preview: {err.message}")
        except _NotApplicableError as err:
            response.not_applicable.append(analyzer_pb2.PolicyNotApplicable(policy_name=policy.name,
                                                                            reason=err.reason or ""))
            continue
        except Exception:  # a failed remediation leaves the properties as they were
            sys.stderr.write(f"remediation {policy.name!r} failed on {request.urn}:\n" + traceback.format_exc())
            sys.stderr.flush()
            continue
        if changed is not None or diagnostic:
            remediation = analyzer_pb2.Remediation(
                policyName=policy.name, policyPackName=server.name, policyPackVersion=server.version,
                description=policy.description, diagnostic=diagnostic)
            if changed is not None:
                current = changed
                remediation.properties.CopyFrom(current)
            response.remediations.append(remediation)


def _has_remediation(policy: Any) -> bool:
    if isinstance(policy, (PackResourcePolicy, PackStackPolicy)):
        return policy.fix is not None
    return policy.has_remediation()


def _pack_fix(policy: Any, request: Any, current: struct_pb2.Struct, config: Optional[Dict[str, Any]],
              exemptions: Any) -> Optional[struct_pb2.Struct]:
    """This pack's `fix`, on the properties as they are now; an exempted resource is left alone."""
    if request.type not in policy.fix_types:
        return None
    provider = tree_from_struct(request.provider.properties) if request.HasField("provider") else None
    resource = Resource(type=request.type, name=request.name, urn=request.urn,
                        props=tree_from_struct(current), provider_props=provider)
    if exemptions.exempts(policy, resource.urn, resource.name, get(resource.props, "tags")):
        return None
    changes = policy.fixes(resource, config)
    if not changes:
        return None
    fixed = struct_pb2.Struct()
    fixed.CopyFrom(current)
    fixed.update(to_engine(changes))
    return fixed if fixed != current else None


def _sdk_fix(policy: Any, request: Any, current: struct_pb2.Struct, config: Optional[Dict[str, Any]],
             stack_tags: Any) -> Optional[struct_pb2.Struct]:
    props = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(current), True))
    args = ResourceValidationArgs(request.type, props, request.urn, request.name, options_of_request(request),
                                  provider_of_request(request), config, stack_tags)
    result = policy.remediate(args)
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            result = loop.run_until_complete(asyncio.ensure_future(result, loop=loop))
        finally:
            loop.close()
    if not result:
        return None
    fixed = struct_pb2.Struct()
    for key, value in serialize_properties(result).items():
        fixed[key] = value
    return fixed

