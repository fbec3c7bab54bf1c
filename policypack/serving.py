"""Serving the pack to the Pulumi engine (what the root `__main__.py` runs)."""

from __future__ import annotations

import os
from typing import Any, Optional, Sequence

from pulumi_policy import EnforcementLevel, PolicyPack

from . import PACK_NAME, __version__
from .core.graph import analysis_scope
from .registry import ALL_POLICIES

DESCRIPTION = (
    "Guardrails for serverless systems on AWS: Lambda isolation, runtimes, dead-letter handling and "
    "alarms; least-privilege IAM; public exposure; S3 encryption, public access and event wiring; KMS, SQS, "
    "SNS, SSM, DynamoDB, Secrets Manager, Step Functions; API Gateway CORS, authorization and route wiring; "
    "collision-safe names and allowed regions."
)

# `sdk`: serve with pulumi_policy's own servicer instead of the pack's server (a fallback, and the
# reference the equivalence tests compare against).
SERVER_ENV = "AWS_SERVERLESS_GUARD_SERVER"


def serve(policies: Optional[Sequence[Any]] = None, *, name: str = PACK_NAME, version: str = __version__,
          description: str = DESCRIPTION, enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY) -> None:
    """Start the gRPC server the engine talks to, with this pack's policies (or `policies`). Never returns."""
    policies = list(ALL_POLICIES if policies is None else policies)
    if os.environ.get(SERVER_ENV, "").strip().lower() == "sdk":
        share_graph_per_analysis()
        PolicyPack(name=name, policies=policies, enforcement_level=enforcement_level, description=description)
        return
    from .engine.server import AnalyzerServer, serve as serve_analyzer

    serve_analyzer(AnalyzerServer(name, version, policies, enforcement_level=enforcement_level,
                                  description=description))


def share_graph_per_analysis() -> bool:
    """With the SDK's servicer: make all stack policies of one `AnalyzeStack` call share one graph.

    `pulumi_policy` runs stack policies one after another inside its servicer's `AnalyzeStack`;
    wrapping that method in `analysis_scope` lets the first policy build the graph and the rest
    reuse it. If a future `pulumi_policy` renames the servicer, rules still work (each builds its
    own graph) - only slower - so this returns False instead of failing.
    """
    from pulumi_policy import policy as sdk

    servicer = getattr(sdk, "_PolicyAnalyzerServicer", None)
    original = getattr(servicer, "AnalyzeStack", None)
    if original is None:
        return False
    if getattr(original, "_shares_graph", False):
        return True

    def analyze_stack(self, request, context):
        with analysis_scope():
            return original(self, request, context)

    analyze_stack._shares_graph = True  # type: ignore[attr-defined]
    servicer.AnalyzeStack = analyze_stack
    return True
