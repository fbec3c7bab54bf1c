"""Build your organization's own pack from these rules: your defaults, your extra rules, one call.

    # __main__.py of an organization's pack (PulumiPolicy.yaml beside it, requirements.txt naming
    # aws-serverless-guard)
    from policypack.library import build_policies, serve
    from acme_rules import require_cost_center

    serve(build_policies(
        levels={"aws-lambda-function-in-vpc": "advisory"},
        options={"aws-lambda-function-concurrency-limit": {"max": 200}},
        exclude=["aws-s3-object-cache-control"],
        extra=[require_cost_center],
    ), name="acme-aws-guard", version="1.4.0")

What `build_policies` changes are the pack's *defaults*: a `--policy-pack-config` (or a policy
group's config in Pulumi Cloud) still overrides them. The registry's own policy objects are never
changed: each customised policy is a copy.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable, List, Mapping, Optional, Sequence

from pulumi_policy import EnforcementLevel, PolicyConfigSchema

from .core.rule import merged_config
from .exemptions.tag_rule import NAME as EXEMPTION_TAG_RULE
from .exemptions.tag_rule import exemption_tag_rule
from .serving import serve

__all__ = ["build_policies", "serve"]


def build_policies(
    *,
    levels: Optional[Mapping[str, str]] = None,
    options: Optional[Mapping[str, Mapping[str, Any]]] = None,
    exclude: Iterable[str] = (),
    extra: Sequence[Any] = (),
    base: Optional[Sequence[Any]] = None,
) -> List[Any]:
    """The pack's policies (or `base`) with other default levels and options, some left out, and
    `extra` policies (this pack's `resource_rule`/`stack_rule` kind, or plain `pulumi_policy` ones)
    added. Unknown policy or option names are errors, as in a policy config."""
    if base is None:
        from .registry import ALL_POLICIES

        base = ALL_POLICIES
    levels, options, excluded = dict(levels or {}), dict(options or {}), set(exclude)
    chosen = [p for p in base if p.name not in excluded and p.name != EXEMPTION_TAG_RULE]
    names = [p.name for p in chosen] + [p.name for p in extra]
    _check_names("exclude", excluded, [p.name for p in base])
    _check_names("levels", levels, names)
    _check_names("options", options, names)
    if len(set(names)) != len(names):
        raise ValueError(f"policy names must be unique: {sorted({n for n in names if names.count(n) > 1})}")
    policies = [_customised(p, levels.get(p.name), options.get(p.name)) for p in [*chosen, *extra]]
    final_names = [p.name for p in policies]
    if EXEMPTION_TAG_RULE not in excluded:
        policies.append(exemption_tag_rule(lambda: final_names))
    return policies


def _customised(policy: Any, level: Optional[str], options: Optional[Mapping[str, Any]]) -> Any:
    if level is None and not options:
        return policy
    policy = copy.copy(policy)
    if level is not None:
        policy.enforcement_level = EnforcementLevel(level)
    if options:
        schema = dict(policy.config_schema.properties) if policy.config_schema is not None else {}
        unknown = sorted(set(options) - set(schema))
        if unknown:
            raise ValueError(f"{policy.name} has no option {unknown[0]!r} (options: {', '.join(sorted(schema))})")
        schema = {name: ({**spec, "default": options[name]} if name in options else spec)
                  for name, spec in schema.items()}
        policy.config_schema = PolicyConfigSchema(properties=copy.deepcopy(schema),
                                                  required=list(policy.config_schema.required or []))
        if hasattr(policy, "config_defaults"):
            policy.config_defaults = merged_config(policy.config_defaults, options)
    return policy


def _check_names(what: str, given: Iterable[str], known: Sequence[str]) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"{what}: no policy named {unknown[0]!r} in this pack")
