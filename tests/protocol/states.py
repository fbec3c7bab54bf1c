"""Resource states for the protocol tests, as the engine describes resources to the analyzer."""

from __future__ import annotations

from typing import Any, Dict

from policypack.engine.model import ResourceState
from tests.support.harness import urn_of

FUNCTION = "aws:lambda/function:Function"
ROLE_ARN = "arn:aws:iam::123456789012:role/fn-role-7c1d2e3"


def state(resource_type: str, name: str, props: Dict[str, Any], **links: Any) -> ResourceState:
    return ResourceState(type=resource_type, urn=urn_of(resource_type, name), name=name, props=props, **links)


def function(**props: Any) -> ResourceState:
    """A function every resource rule accepts; keyword arguments replace its properties."""
    base = {
        "name": "fn-1a2b3c4", "runtime": "python3.12", "handler": "app.handler", "role": ROLE_ARN,
        "vpcConfig": {"subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1"]},
        "reservedConcurrentExecutions": 10, "tracingConfig": {"mode": "Active"},
        "deadLetterConfig": {"targetArn": "arn:aws:sqs:us-west-2:123456789012:dlq-9f8e7d6"},
        "environment": {"variables": {"TABLE": "orders", "DB_PASSWORD_PARAM": "/app/db/password"}},
    }
    return state(FUNCTION, "fn", {**base, **props})
