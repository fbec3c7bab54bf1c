"""The faulty examples reproduce the documented failures of seeds 000 and 004, and the pack reports
each failure a catalog rule covers, by that rule, on the resource that carries it.

FAILURES maps every bullet of both seed files either to the (policy, resource) pairs that must be
reported - in preview and update, or in update only where the offending value is only known then -
or to the reference-stack test that proves the fix (the catalog's "reference stack's job").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from policypack.registry import BY_NAME

from .stacks import DEFAULT_AWS_PROVIDER, REPO

SEEDS = REPO / "docs" / "seeds"  # the documented failures, the project's own copy
BOTH = ("preview", "update")
UPDATE = ("update",)

# The pack config of the image-pipeline check: "use config or default to us-west-2" (seed 000).
IMAGE_PIPELINE_CONFIG = {"aws-provider-region-allowed": {"allowedRegions": ["us-west-2"]}}


@dataclass(frozen=True)
class Reported:
    policy: str
    resources: Tuple[str, ...]
    modes: Tuple[str, ...] = BOTH


@dataclass(frozen=True)
class ReferenceJob:
    test: str  # tests/reference/<module>::<test> that proves the reference stack's fix


API_FUNCTIONS = ("get-items-function", "create-item-function", "health-function")

FAILURES: Dict[Tuple[str, str], List[object]] = {
    # -- seed 000: examples/faulty_image_pipeline ----------------------------------------------------
    ("000", "Region configuration mismatch"): [
        Reported("aws-provider-region-allowed", (DEFAULT_AWS_PROVIDER,)),
        ReferenceJob("test_reference_stack.py::test_the_region_defaults_to_us_west_2_without_any_stack_config"),
    ],
    ("000", "Lambda VPC deployment missing"): [Reported("aws-lambda-function-in-vpc", ("image-processor",))],
    ("000", "IAM policy not fully least-privilege"): [
        Reported("aws-iam-no-aws-managed-policies", ("lambda-basic-execution",)),
        Reported("aws-iam-no-wildcard-actions", ("s3-access",), UPDATE),
        Reported("aws-iam-s3-access-prefix-scoped", ("s3-access",), UPDATE),
    ],
    ("000", "CloudWatch logging partially implemented"): [
        Reported("aws-cloudwatch-log-group-retention", ("image-processor-logs",)),
    ],
    ("000", "Dead-letter config incomplete"): [
        Reported("aws-lambda-function-dead-letter-target", ("image-processor",)),
        Reported("aws-lambda-async-failure-destination", ("image-processor",)),
    ],
    ("000", "Event trigger configuration not linked to bucket lifecycle"): [
        Reported("aws-s3-notification-lambda-permission", ("upload-notification",)),
    ],
    ("000", "S3 encryption key type"): [
        Reported("aws-s3-bucket-encryption-kms", ("upload-bucket-sse", "processed-bucket-sse")),
    ],
    ("000", "Destination bucket caching comment ambiguous"): [
        Reported("aws-s3-object-cache-control", ("placeholder-image",)),
        ReferenceJob("test_handlers.py::test_the_processor_writes_a_resized_copy_with_cache_control_and_content_type"),
    ],
    ("000", "Lambda concurrent execution hardcoded"): [
        ReferenceJob("test_reference_stack.py::test_the_region_and_limits_follow_the_stack_config"),
    ],
    ("000", "No explicit S3 notification filter test or condition"): [
        Reported("aws-s3-notification-filter", ("upload-notification",)),
    ],
    ("000", "CloudWatch alarms partial"): [
        Reported("aws-lambda-function-alarms", ("image-processor",)),
        Reported("aws-cloudwatch-alarm-actions", ("image-processor-duration", "image-processor-errors")),
    ],
    ("000", "KMS key usage missing"): [
        Reported("aws-s3-bucket-encryption-kms", ("upload-bucket-sse", "processed-bucket-sse")),
    ],
    ("000", "Lambda layer packaging assumes prebuilt directory"): [
        ReferenceJob("test_reference_stack.py::test_functions_and_the_layer_are_archives_the_program_built_with_their_hash"),
    ],
    ("000", "Bucket naming non-unique across regions/accounts"): [
        Reported("aws-resource-name-unique", ("upload-bucket", "processed-bucket")),
    ],
    # The AWS-managed policy the example attaches grants the logs permissions, so
    # aws-lambda-function-logging-permissions does not apply to it (it would once that policy goes).
    ("000", "No IAM policy for CloudWatch alarms or permissions"): [
        ReferenceJob("test_reference_stack.py::test_the_processor_role_grants_exactly_the_prefixes_the_key_the_queue_and_its_logs"),
    ],
    # -- seed 004: examples/faulty_api ---------------------------------------------------------------
    ("004", "Lambda runtime outdated"): [Reported("aws-lambda-function-runtime-supported", API_FUNCTIONS)],
    ("004", "IAM role scoping too broad / managed policy used"): [
        Reported("aws-iam-no-aws-managed-policies",
                 ("get-items-basic-execution", "create-item-basic-execution", "health-basic-execution")),
    ],
    ("004", "Lambda environment variables assigned incorrectly"): [
        Reported("aws-lambda-function-environment-valid", API_FUNCTIONS),
    ],
    ("004", "SSM parameter usage returns parameter resource name, not secret value"): [
        Reported("aws-ssm-parameter-secure-string", ("db-password", "api-key")),
        Reported("aws-lambda-function-no-plaintext-secrets", API_FUNCTIONS),
        ReferenceJob("test_handlers.py::test_the_parameter_is_cached_for_its_ttl_then_read_again"),
    ],
    ("004", "Function lookup mapping uses `Output` keys (unusable as dict keys)"): [
        Reported("pulumi-no-unresolved-outputs", ("items-integration", "item-integration", "health-integration")),
    ],
    ("004", "S3 buckets lack explicit public-access-block and encryption enforcement"): [
        Reported("aws-s3-bucket-public-access-block", ("data-bucket",)),
        Reported("aws-s3-bucket-encryption-kms", ("data-bucket",)),
    ],
    ("004", "Policy JSON construction mixes `Output`s and raw strings (fragile/invalid)"): [
        Reported("aws-iam-policy-document-valid",
                 ("get-items-data-access", "create-item-data-access", "health-data-access")),
        Reported("pulumi-no-unresolved-outputs",
                 ("get-items-data-access", "create-item-data-access", "health-data-access")),
    ],
    ("004", "CORS default allows `*` — security concern"): [Reported("aws-cors-no-wildcard-origin", ("http-api",))],
    ("004", "API Gateway route wiring brittle / may fail"): [
        Reported("aws-apigatewayv2-route-wiring", ("items-route", "item-route", "health-route", "api-invoke")),
        Reported("pulumi-no-unresolved-outputs", ("items-route", "item-route", "health-route")),
    ],
    ("004", "API URL / attribute mutation is non-idiomatic and brittle"): [
        ReferenceJob("test_reference_stack.py::test_the_api_url_is_a_stack_output"),
    ],
    ("004", "Region-agnostic claim not implemented concretely"): [
        ReferenceJob("test_reference_stack.py::test_each_extra_region_gets_an_explicit_provider_and_its_replica_through_it"),
    ],
    ("004", "Packaging / CI reproducibility not addressed"): [
        ReferenceJob("test_packaging.py::test_the_same_sources_give_a_byte_identical_archive"),
    ],
    ("004", "Some resource naming and access assumptions risk collisions"): [
        Reported("aws-resource-name-unique", ("data-bucket", "db-password", "api-key", "get-items-role",
                                              "create-item-role", "health-role", *API_FUNCTIONS)),
    ],
    ("004", "Metric/alarm creation incomplete / truncated in places"): [
        Reported("aws-lambda-function-alarms", API_FUNCTIONS),
        Reported("aws-cloudwatch-alarm-actions", ("api-errors",)),
    ],
}

EXAMPLES = {"000": ("faulty-image-pipeline", IMAGE_PIPELINE_CONFIG), "004": ("faulty-api", {})}


def seed_bullets(seed: str) -> List[str]:
    [path] = SEEDS.glob(f"{seed}_*.txt")
    return re.findall(r"^- \*\*(.+?)\*\*", path.read_text(), flags=re.MULTILINE)


@pytest.mark.parametrize("seed", ["000", "004"])
def test_the_table_covers_every_documented_failure(seed):
    assert [title for s, title in FAILURES if s == seed] == seed_bullets(seed)


def test_the_table_names_real_policies_and_real_tests():
    here = Path(__file__).parent
    for entries in FAILURES.values():
        for entry in entries:
            if isinstance(entry, Reported):
                assert entry.policy in BY_NAME, entry.policy
            else:
                module, test = entry.test.split("::")
                assert f"def {test}(" in (here / module).read_text(), entry.test


def _expected(seed: str, mode: str) -> Set[Tuple[str, str]]:
    return {(entry.policy, resource)
            for (s, _), entries in FAILURES.items() if s == seed
            for entry in entries if isinstance(entry, Reported) and mode in entry.modes
            for resource in entry.resources}


@pytest.mark.parametrize("mode", BOTH)
@pytest.mark.parametrize("seed", ["000", "004"])
def test_the_pack_reports_each_documented_failure_on_its_resource(runs, packs, seed, mode):
    example, config = EXAMPLES[seed]
    captured = runs.get(f"{example}-{mode}")  # the example ran to the end under mocks
    reported = {(d.policy, d.urn.rsplit("::", 1)[-1]) for d in packs.analyze(captured, config)}
    missing = _expected(seed, mode) - reported
    assert not missing, f"not reported: {sorted(missing)}"


@pytest.mark.parametrize("example", ["faulty-image-pipeline", "faulty-api"])
def test_every_mandatory_violation_of_the_examples_is_mandatory_by_default(runs, packs, example):
    """The examples fail a preview: at least one mandatory violation each, none from a disabled policy."""
    captured = runs.get(f"{example}-update")
    levels = {d.level for d in packs.analyze(captured)}
    assert "mandatory" in levels and "disabled" not in levels
