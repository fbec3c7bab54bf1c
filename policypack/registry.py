"""The pack: every policy, in one list. Adding a rule = adding it to its module's POLICIES."""

from __future__ import annotations

from typing import Dict, List

from .core.rule import PackPolicy
from .rules import apigateway, cloudwatch, iam, kms, lambda_, messaging, naming, outputs, region, s3, ssm
from .rules.stack import apigateway_wiring, lambda_wiring, monitoring, s3_notifications, s3_wiring

RESOURCE_POLICIES: List[PackPolicy] = [
    *lambda_.POLICIES,
    *iam.POLICIES,
    *outputs.POLICIES,
    *s3.POLICIES,
    *kms.POLICIES,
    *cloudwatch.POLICIES,
    *messaging.POLICIES,
    *ssm.POLICIES,
    *apigateway.POLICIES,
    *naming.POLICIES,
    *region.POLICIES,
]

STACK_POLICIES: List[PackPolicy] = [
    *lambda_wiring.POLICIES,
    *s3_wiring.POLICIES,
    *s3_notifications.POLICIES,
    *monitoring.POLICIES,
    *apigateway_wiring.POLICIES,
]

ALL_POLICIES: List[PackPolicy] = [*RESOURCE_POLICIES, *STACK_POLICIES]

BY_NAME: Dict[str, PackPolicy] = {p.name: p for p in ALL_POLICIES}
