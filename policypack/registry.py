"""The pack: every policy, in one list. Adding a rule = adding it to its module's POLICIES."""

from __future__ import annotations

from typing import Dict, List

from .core.rule import PackPolicy
from .exemptions.tag_rule import exemption_tag_rule
from .rules import (
    api_routes,
    apigateway,
    apigateway_rest,
    cloudwatch,
    dynamodb,
    iam,
    iam_documents,
    kms,
    lambda_,
    lambda_access,
    messaging,
    naming,
    outputs,
    region,
    resource_policies,
    role_trust,
    s3,
    secretsmanager,
    ssm,
    stepfunctions,
)
from .rules.stack import (apigateway_wiring, lambda_wiring, monitoring, s3_notifications, s3_wiring,
                          secret_rotation)

RESOURCE_POLICIES: List[PackPolicy] = [
    *lambda_.POLICIES,
    *iam.POLICIES,
    *iam_documents.POLICIES,
    *outputs.POLICIES,
    *s3.POLICIES,
    *kms.POLICIES,
    *cloudwatch.POLICIES,
    *messaging.POLICIES,
    *ssm.POLICIES,
    *apigateway.POLICIES,
    *apigateway_rest.POLICIES,
    *dynamodb.POLICIES,
    *secretsmanager.POLICIES,
    *stepfunctions.POLICIES,
    *naming.POLICIES,
    *region.POLICIES,
    # public exposure (catalog v2)
    *lambda_access.POLICIES,
    *resource_policies.POLICIES,
    *role_trust.POLICIES,
    *api_routes.POLICIES,
    exemption_tag_rule(lambda: BY_NAME),
]

STACK_POLICIES: List[PackPolicy] = [
    *lambda_wiring.POLICIES,
    *s3_wiring.POLICIES,
    *s3_notifications.POLICIES,
    *monitoring.POLICIES,
    *apigateway_wiring.POLICIES,
    *secret_rotation.POLICIES,
]

ALL_POLICIES: List[PackPolicy] = [*RESOURCE_POLICIES, *STACK_POLICIES]

BY_NAME: Dict[str, PackPolicy] = {p.name: p for p in ALL_POLICIES}
