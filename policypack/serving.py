"""Serving the pack to the Pulumi engine (what the root `__main__.py` runs)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyPack

from . import PACK_NAME
from .core.graph import analysis_scope
from .registry import ALL_POLICIES

DESCRIPTION = (
    "Guardrails for serverless systems on AWS: Lambda isolation, runtimes, dead-letter handling and "
    "alarms; least-privilege IAM; S3 encryption, public access and event wiring; KMS, SQS, SNS, SSM; "
    "API Gateway CORS and route wiring; collision-safe names and allowed regions."
)


def share_graph_per_analysis() -> bool:
    """Make all stack policies of one `AnalyzeStack` call share one stack graph.

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


def serve() -> None:
    """Start the gRPC server the engine talks to. Never returns."""
    share_graph_per_analysis()
    PolicyPack(
        name=PACK_NAME,
        policies=list(ALL_POLICIES),
        enforcement_level=EnforcementLevel.ADVISORY,
        description=DESCRIPTION,
    )
