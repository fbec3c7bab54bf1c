"""`pulumi-policy-exemption-tag-valid`: an exemption tag names a policy of the pack, so a typo surfaces
instead of silently exempting nothing."""

from __future__ import annotations

import difflib
from typing import Callable, Iterable, Iterator

from ..core.props import get, show
from ..core.rule import ADVISORY, ALL_TYPES, LOW, Config, PackResourcePolicy, Resource, resource_rule
from .model import TAG_PREFIX

NAME = "pulumi-policy-exemption-tag-valid"


def exemption_tag_rule(policy_names: Callable[[], Iterable[str]]) -> PackResourcePolicy:
    """The rule for a pack whose policies `policy_names()` lists (read when a tag is checked)."""

    @resource_rule(
        name=NAME,
        description="Exemption tags (`policy-exemption:<policy-name>`) name a policy of this pack.",
        resource_types=[ALL_TYPES],
        enforcement_level=ADVISORY,
        severity=LOW,
        remediation_steps="Write the policy's exact name after `policy-exemption:` (see docs/rules.md), e.g. "
        '`tags={"policy-exemption:aws-lambda-function-in-vpc": "2027-03-31 moves into the VPC with PLAT-1234"}`, '
        "or remove the tag.",
        url="https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/",
        tags=["exemptions"],
    )
    def exemption_tags_name_policies(resource: Resource, config: Config) -> Iterator[str]:
        tags = get(resource.props, "tags")
        if not isinstance(tags, dict):
            return
        known = None
        for key in sorted(tags):
            if not key.startswith(TAG_PREFIX):
                continue
            known = set(policy_names()) if known is None else known
            name = key[len(TAG_PREFIX):]
            if name in known:
                continue
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
            hint = f" (did you mean {show(TAG_PREFIX + close[0])}?)" if close else ""
            yield (f"tag {show(key)} names no policy of this pack{hint}, so it exempts nothing: use the exact "
                   "policy name, or remove the tag.")

    return exemption_tags_name_policies
