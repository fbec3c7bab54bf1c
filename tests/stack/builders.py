"""Small builders for stack-rule tests: resources that reference each other as the engine says.

    bucket = res(BUCKET, "uploads", {"bucket": "uploads-1a2b3c4"})
    block = res(BUCKET_PUBLIC_ACCESS_BLOCK, "uploads-pab", {"bucket": UNKNOWN_STRING, ...},
                refs={"bucket": [bucket]})

`refs` become property dependencies (and dependencies), `depends_on` explicit dependencies only.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence

from policypack.core.types import FUNCTION, ROLE
from tests.support.harness import StackResource, urn_of

ACCOUNT = "123456789012"
REGION = "us-west-2"


def res(resource_type: str, name: str, props: Optional[Dict[str, Any]] = None, *,
        refs: Optional[Mapping[str, Sequence[StackResource]]] = None,
        depends_on: Sequence[StackResource] = ()) -> StackResource:
    property_dependencies = {k: [r.urn for r in v] for k, v in (refs or {}).items()}
    dependencies: List[str] = []
    for urn in [u for urns in property_dependencies.values() for u in urns] + [r.urn for r in depends_on]:
        if urn not in dependencies:
            dependencies.append(urn)
    return StackResource(resource_type, name, dict(props or {}), dependencies=dependencies,
                         property_dependencies=property_dependencies)


def urn(resource_type: str, name: str) -> str:
    return urn_of(resource_type, name)


def policy(*statements: Dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: Any, resources: Any) -> Dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


TRUST = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})


def role(name: str = "fn-role", physical: str = "fn-role-1a2b3c4", **props: Any) -> StackResource:
    return res(ROLE, name, {"name": physical, "assumeRolePolicy": TRUST, **props})


def function(name: str = "fn", physical: str = "fn-1a2b3c4", role_res: Optional[StackResource] = None,
             preview: bool = False, **props: Any) -> StackResource:
    """A function whose `role` is `role_res`'s ARN: unknown in preview (linked by dependency)."""
    from tests.support.harness import UNKNOWN_STRING

    body: Dict[str, Any] = {"name": physical, "runtime": "python3.12", "handler": "index.handler"}
    refs: Dict[str, List[StackResource]] = {}
    if role_res is not None:
        body["role"] = UNKNOWN_STRING if preview else role_arn(role_res.props["name"])
        refs["role"] = [role_res]
    body.update(props)
    return res(FUNCTION, name, body, refs=refs)
