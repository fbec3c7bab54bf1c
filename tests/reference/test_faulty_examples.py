"""The faulty examples reproduce the documented failures of seeds 000 and 004, and the pack reports
each failure a catalog rule covers, by that rule, on the resource that carries it.

`examples/failures.json` (also what `policypack demo` tells its story from) maps every bullet of both
seed files either to the (policy, resource) pairs that must be reported - in preview and update, or
in update only where the offending value is only known then - or to the reference-stack test that
proves the fix (the catalog's "reference stack's job").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from policypack.registry import BY_NAME

from .stacks import REPO

SEEDS = REPO / "docs" / "seeds"  # the documented failures, the project's own copy
MAP = json.loads((REPO / "examples" / "failures.json").read_text())
BOTH = ("preview", "update")
FOLDERS = {"000": "faulty_image_pipeline", "004": "faulty_api"}


@dataclass(frozen=True)
class Reported:
    policy: str
    resources: Tuple[str, ...]  # logical names; `default_*` is the default AWS provider
    modes: Tuple[str, ...] = BOTH


@dataclass(frozen=True)
class ReferenceJob:
    test: str  # tests/reference/<module>::<test> that proves the reference stack's fix


def _failures() -> Dict[Tuple[str, str], List[object]]:
    out: Dict[Tuple[str, str], List[object]] = {}
    for folder, example in MAP["examples"].items():
        for failure in example["failures"]:
            entries: List[object] = [Reported(r["policy"], tuple(r["resources"]), tuple(r.get("modes", BOTH)))
                                     for r in failure.get("reported", [])]
            entries += [ReferenceJob(test.split("tests/reference/", 1)[1]) for test in failure.get("fixedBy", [])]
            out[(example["seed"], failure["title"])] = entries
    return out


FAILURES = _failures()


def _policy_config(folder: str) -> dict:
    name = MAP["examples"][folder].get("policyConfig")
    return json.loads((REPO / "examples" / folder / name).read_text()) if name else {}


# The image pipeline is checked with "use config or default to us-west-2" (seed 000) as its region rule
EXAMPLES = {"000": ("faulty-image-pipeline", _policy_config("faulty_image_pipeline")),
            "004": ("faulty-api", _policy_config("faulty_api"))}


def test_the_map_names_each_seed_file_and_example():
    assert {e["seed"]: (folder, e["seedFile"]) for folder, e in MAP["examples"].items()} == {
        seed: (FOLDERS[seed], next(SEEDS.glob(f"{seed}_*.txt")).relative_to(REPO).as_posix()) for seed in FOLDERS}
    assert EXAMPLES["000"][1] == {"aws-provider-region-allowed": {"allowedRegions": ["us-west-2"]}}

# Public exposure (rule catalog v2): what the seeds' systems plausibly also got wrong, added to the
# examples (marked "Public exposure" there). These policies must report exactly these resources -
# nothing more, nothing less - in preview and in update.
EXPOSURE_POLICIES = (
    "aws-lambda-permission-not-public", "aws-lambda-function-url-authenticated", "aws-resource-policy-not-public",
    "aws-iam-role-trust-scoped", "aws-apigatewayv2-route-authorized", "aws-sqs-queue-encrypted",
    "aws-sns-topic-encrypted", "aws-ssm-parameter-secure-string",
)
EXPOSURE: Dict[str, Set[Tuple[str, str, str]]] = {
    "000": {
        # "optimized for web display": a public-read policy on the processed bucket
        ("aws-resource-policy-not-public", "mandatory", "processed-bucket-public-read"),
        # the dead-letter queue that is never wired, under the AWS-managed key
        ("aws-sqs-queue-encrypted", "mandatory", "image-processor-dlq"),
    },
    "004": {
        ("aws-apigatewayv2-route-authorized", "advisory", "items-route"),
        ("aws-apigatewayv2-route-authorized", "advisory", "item-route"),
        ("aws-apigatewayv2-route-authorized", "advisory", "health-route"),
        ("aws-lambda-function-url-authenticated", "mandatory", "health-url"),
        # the URL's own permission (function_url_auth_type NONE) is the URL rule's business; the plain
        # InvokeFunction one for "*" opens the function to direct invocation by anyone
        ("aws-lambda-permission-not-public", "mandatory", "health-invoke"),
        ("aws-iam-role-trust-scoped", "mandatory", "deploy-role"),
        ("aws-sns-topic-encrypted", "mandatory", "api-alerts"),
        # seed 004 "SSM parameter usage": the secret-named parameters (table above)
        ("aws-ssm-parameter-secure-string", "mandatory", "db-password"),
        ("aws-ssm-parameter-secure-string", "mandatory", "api-key"),
    },
}


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


def _missing(expected: Set[Tuple[str, str]], reported: Set[Tuple[str, str]]) -> List[Tuple[str, str]]:
    return sorted((policy, pattern) for policy, pattern in expected
                  if not any(p == policy and fnmatchcase(name, pattern) for p, name in reported))


@pytest.mark.parametrize("mode", BOTH)
@pytest.mark.parametrize("seed", ["000", "004"])
def test_the_pack_reports_each_documented_failure_on_its_resource(runs, packs, seed, mode):
    example, config = EXAMPLES[seed]
    captured = runs.get(f"{example}-{mode}")  # the example ran to the end under mocks
    reported = {(d.policy, d.urn.rsplit("::", 1)[-1]) for d in packs.analyze(captured, config)}
    missing = _missing(_expected(seed, mode), reported)
    assert not missing, f"not reported: {missing}"


# -- examples/faulty_orders_api: REST API, DynamoDB, Secrets Manager, Step Functions ----------------------
# Not from a seed: the typical mistakes with the rest of the serverless surface. Everything the whole
# pack reports, in preview and in update alike (every offending value is known in preview).
ORDERS_API_FINDINGS = {
    # the table: fixed name, AWS-owned key, no point-in-time recovery
    ("aws-resource-name-unique", "mandatory", "orders"),
    ("aws-dynamodb-table-encrypted-kms", "mandatory", "orders"),
    ("aws-dynamodb-table-point-in-time-recovery", "mandatory", "orders"),
    # the secret: fixed name, AWS-managed key, never rotated
    ("aws-resource-name-unique", "mandatory", "payment-api-key"),
    ("aws-secretsmanager-secret-encrypted-kms", "mandatory", "payment-api-key"),
    ("aws-secretsmanager-secret-rotation", "advisory", "payment-api-key"),
    # the REST API: an unauthorized method, CORS for any origin, no access logs, a permission for any API
    ("aws-apigateway-method-authorized", "advisory", "post-orders"),
    ("aws-cors-no-wildcard-origin", "mandatory", "options-orders-cors"),
    ("aws-apigateway-stage-access-logging", "advisory", "prod"),
    ("aws-apigateway-lambda-wiring", "mandatory", "orders-from-api"),
    # the workflow: fixed name, no logs or traces, a role that may invoke anything and do anything with logs
    ("aws-resource-name-unique", "mandatory", "order-workflow"),
    ("aws-sfn-state-machine-logging", "advisory", "order-workflow"),
    ("aws-iam-no-wildcard-actions", "mandatory", "order-workflow-policy"),
    ("aws-iam-no-wildcard-resources", "mandatory", "order-workflow-policy"),
    # the function, as in the other examples: no VPC, no alarms, no log group, no limits, no tracing
    ("aws-lambda-function-in-vpc", "mandatory", "orders-function"),
    ("aws-lambda-function-alarms", "mandatory", "orders-function"),
    ("aws-lambda-function-logging-permissions", "mandatory", "orders-function"),
    ("aws-lambda-function-concurrency-limit", "advisory", "orders-function"),
    ("aws-lambda-function-tracing-active", "advisory", "orders-function"),
}


@pytest.mark.parametrize("mode", BOTH)
def test_the_orders_api_example_shows_exactly_its_mistakes(runs, packs, mode):
    captured = runs.get(f"faulty-orders-api-{mode}")
    found = [(d.policy, d.level, d.urn.rsplit("::", 1)[-1]) for d in packs.analyze(captured)]
    assert set(found) == ORDERS_API_FINDINGS
    # one finding per cause: only the two rules with a finding per statement report a resource twice
    repeated = {f for f in found if found.count(f) > 1}
    assert repeated == {("aws-iam-no-wildcard-resources", "mandatory", "order-workflow-policy"),
                        ("aws-sfn-state-machine-logging", "advisory", "order-workflow")}


@pytest.mark.parametrize("example", ["faulty-image-pipeline", "faulty-api", "faulty-orders-api"])
def test_every_mandatory_violation_of_the_examples_is_mandatory_by_default(runs, packs, example):
    """The examples fail a preview: at least one mandatory violation each, none from a disabled policy."""
    captured = runs.get(f"{example}-update")
    levels = {d.level for d in packs.analyze(captured)}
    assert "mandatory" in levels and "disabled" not in levels


@pytest.mark.parametrize("mode", BOTH)
@pytest.mark.parametrize("seed", ["000", "004"])
def test_the_exposure_rules_report_exactly_the_exposed_resources(runs, packs, seed, mode):
    example, config = EXAMPLES[seed]
    captured = runs.get(f"{example}-{mode}")
    reported = {(d.policy, d.level, d.urn.rsplit("::", 1)[-1]) for d in packs.analyze(captured, config)
                if d.policy in EXPOSURE_POLICIES}
    assert sorted(reported) == sorted(EXPOSURE[seed])


@pytest.mark.parametrize("mode", BOTH)
def test_a_stringified_output_in_a_policy_is_reported_once(runs, packs, mode):
    """Issue 13: the faulty API's policies hold `str(table.arn)`; only pulumi-no-unresolved-outputs says so."""
    captured = runs.get(f"faulty-api-{mode}")
    reported = {(d.policy, d.urn.rsplit("::", 1)[-1]) for d in packs.analyze(captured)}
    data_access = ("get-items-data-access", "create-item-data-access", "health-data-access")
    assert {(p, r) for p, r in reported if r in data_access} == {
        ("pulumi-no-unresolved-outputs", r) for r in data_access}
