"""aws-serverless-guard: a CrossGuard policy pack for serverless systems on AWS.

`policypack.registry.ALL_POLICIES` is the pack; `policypack.serving.serve()` serves it to the engine.
Nothing here imports `pulumi_aws`.
"""

PACK_NAME = "aws-serverless-guard"
__version__ = "0.1.0"
