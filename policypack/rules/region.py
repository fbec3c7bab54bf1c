"""Region rule: every AWS provider deploys to a real AWS Region, inside `allowedRegions` if set.

Where the stack's `aws:region` config is checked: on the *default* AWS provider. The engine
registers that provider as a resource (`pulumi:providers:aws::default_<version>`) and fills its
`region` from `aws:region`, so the config is checked once, on the provider that actually uses it,
and a stack that never uses the default provider is not told about config it does not use.
If the default provider carries no `region` (as under mocks), the config is read in the policy
process (`PULUMI_CONFIG`, as `pulumi.Config("aws")` reads it; a secret `aws:region` stays secret).
Explicit providers are checked on their own `region`; one without a `region` takes it from the
environment (`AWS_REGION`), which no analyzer sees, so it is not reported.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterator, List, Optional

from ..core.props import UNKNOWN, as_list, get, show
from ..core.secrets import is_secret
from ..core.rule import ADVISORY, MEDIUM, Config, Resource, resource_rule
from ..core.stack_config import config_value
from ..core.types import AWS_PROVIDER
from ..data.aws_regions import REGIONS, is_region

STACK_CONFIG_LABEL = "`region` (from the stack's `aws:region` config)"


def is_default_provider(resource: Resource) -> bool:
    """The engine names default providers `default` or `default_<version>` (e.g. `default_7_0_0`)."""
    return resource.name == "default" or resource.name.startswith("default_")


def stack_region() -> Optional[str]:
    """The stack's `aws:region` config as the policy process sees it; None if unset or unreadable."""
    return config_value("aws:region") or None


def _allowed_regions(config: Config) -> List[str]:
    option = as_list(config.get("allowedRegions"))
    if not isinstance(option, list):
        return []
    return [r.strip() for r in option if isinstance(r, str) and r.strip()]


def _suggestion(region: str) -> Optional[str]:
    """`did you mean "us-west-2"` for a typo such as "us-west2" or "US-WEST-2"."""
    close = difflib.get_close_matches(region.strip().lower(), list(REGIONS), n=1, cutoff=0.75)
    return f"did you mean {show(close[0])}" if close else None


def _region_problem(label: str, region: Any, allowed: List[str]) -> Optional[str]:
    if not isinstance(region, str) or not is_region(region):
        # a suggestion close to a secret value would tell most of it
        near = _suggestion(region) if isinstance(region, str) and not is_secret(region) else None
        fix = near or 'use one such as "us-west-2"'
        return f"{label} is {show(region)}, which is not an AWS Region code: {fix}."
    if allowed and region not in allowed:
        listed = ", ".join(show(r) for r in allowed)
        return (
            f"{label} is {show(region)}, outside the `allowedRegions` option ({listed}): "
            "deploy to one of those."
        )
    return None


@resource_rule(
    name="aws-provider-region-allowed",
    description="AWS providers, and the stack's `aws:region` config, name a real AWS Region that the pack allows.",
    resource_types=[AWS_PROVIDER],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "Take the Region from stack config with a default instead of hard-coding it, e.g. "
        '`region = pulumi.Config("aws").get("region") or "us-west-2"`, set it per stack with '
        "`pulumi config set aws:region us-west-2`, and for other Regions create explicit providers "
        '(`aws.Provider("eu", region="eu-west-1")`) passed with `opts=pulumi.ResourceOptions(provider=...)`.'
    ),
    url="https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
    config_options={
        "allowedRegions": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "When not empty, the only Region codes a provider may use (e.g. [\"us-west-2\"]).",
        },
    },
    tags=["region", "provider"],
)
def provider_region_allowed(resource: Resource, config: Config) -> Iterator[str]:
    region = get(resource.props, "region")
    label = "`region`"
    if is_default_provider(resource):
        label = STACK_CONFIG_LABEL
        if region is None:
            region = stack_region()
    if region is None or region is UNKNOWN:
        return  # the Region comes from the environment, or is not known yet
    problem = _region_problem(label, region, _allowed_regions(config))
    if problem:
        yield problem


POLICIES = [provider_region_allowed]
