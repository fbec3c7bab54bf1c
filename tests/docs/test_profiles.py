"""The ready-made policy configs (profiles/strict.json, profiles/baseline.json) and the example configs
of the docs: valid as the engine validates them, saying what docs/profiles.md says, and doing on the
faulty examples what the baseline promises."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import pytest

from policypack.engine.evaluate import StackContext, evaluate
from policypack.engine.model import name_of_urn
from policypack.engine.program import run_program
from policypack.registry import ALL_POLICIES, BY_NAME
from policypack.scan.policy_config import validate_policy_config

from .snippets import REPO

PROFILES = REPO / "profiles"
PROFILE_NAMES = ("strict", "baseline")
PROFILES_DOC = REPO / "docs" / "profiles.md"
DEFAULT_LEVELS = {p.name: p.enforcement_level.value for p in ALL_POLICIES}

EXPOSURE = "security exposure"
BREAKS = "breaks the deployment"
PRACTICE = "operational practice"


def read_profile(name: str) -> Dict[str, Any]:
    """The profile's JSON, refusing a policy named twice (json.loads would keep the last silently)."""

    def no_duplicates(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"{name}.json names {sorted(k for k in keys if keys.count(k) > 1)} twice"
        return dict(pairs)

    return json.loads((PROFILES / f"{name}.json").read_text(), object_pairs_hook=no_duplicates)


def level_and_options(value: Any) -> Tuple[str, Dict[str, Any]]:
    if isinstance(value, str):
        return value, {}
    options = dict(value)
    return options.pop("enforcementLevel"), options


# -- the profiles themselves --------------------------------------------------------------------

@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_a_profile_is_a_valid_policy_config_naming_every_rule_once(name):
    profile = read_profile(name)
    assert validate_policy_config(profile, ALL_POLICIES, source=f"profiles/{name}.json")
    assert sorted(profile) == sorted(DEFAULT_LEVELS)


def test_strict_is_every_rule_at_its_catalog_level():
    assert read_profile("strict") == DEFAULT_LEVELS


def test_the_baseline_never_raises_a_level_and_blocks_fewer_rules():
    baseline = {rule: level_and_options(value)[0] for rule, value in read_profile("baseline").items()}
    raised = [r for r, level in baseline.items() if level == "mandatory" and DEFAULT_LEVELS[r] != "mandatory"]
    assert raised == []
    assert set(baseline.values()) <= {"mandatory", "advisory"}
    assert 0 < sum(level == "mandatory" for level in baseline.values()) < sum(
        level == "mandatory" for level in DEFAULT_LEVELS.values())


# -- docs/profiles.md says what the files do ----------------------------------------------------

ROW = re.compile(r"^\| `(?P<rule>[a-z0-9-]+)` \| (?P<strict>\w+) \| (?P<baseline>[^|]+?) \| (?P<finding>[^|]+?) \| "
                 r"(?P<why>[^|]+?) \|$")
CELL_OPTION = re.compile(r"`(\w+)` ([^\s,)]+)")


def documented() -> Dict[str, Dict[str, Any]]:
    rows: Dict[str, Dict[str, Any]] = {}
    for line in PROFILES_DOC.read_text().splitlines():
        match = ROW.match(line)
        if match:
            assert match["rule"] not in rows, f"docs/profiles.md lists {match['rule']} twice"
            level, _, options = match["baseline"].partition(" ")
            rows[match["rule"]] = {
                "strict": match["strict"], "baseline": level, "finding": match["finding"], "why": match["why"],
                "options": {k: json.loads(v) for k, v in CELL_OPTION.findall(options)},
            }
    return rows


def test_the_profiles_table_lists_every_rule_with_its_strict_and_baseline_level():
    rows = documented()
    assert sorted(rows) == sorted(DEFAULT_LEVELS)
    assert {r: row["strict"] for r, row in rows.items()} == DEFAULT_LEVELS
    baseline = {rule: level_and_options(value) for rule, value in read_profile("baseline").items()}
    assert {r: (row["baseline"], row["options"]) for r, row in rows.items()} == baseline


def test_the_baseline_blocks_exactly_the_exposures_and_the_breakages_the_catalog_blocks():
    rows = documented()
    assert {row["finding"] for row in rows.values()} <= {EXPOSURE, BREAKS, PRACTICE}
    assert all(row["why"].endswith(".") for row in rows.values())
    mandatory = {r for r, row in rows.items() if row["baseline"] == "mandatory"}
    assert mandatory == {r for r, row in rows.items()
                         if row["finding"] in (EXPOSURE, BREAKS) and DEFAULT_LEVELS[r] == "mandatory"}


def test_the_profiles_doc_counts_what_the_baseline_blocks():
    text = " ".join(PROFILES_DOC.read_text().split())
    rows = documented()
    blocked = sum(row["baseline"] == "mandatory" for row in rows.values())
    assert f"The baseline blocks {blocked} of the {sum(v == 'mandatory' for v in DEFAULT_LEVELS.values())} rules" in text


# -- on the faulty examples ---------------------------------------------------------------------

FAULTY = ("faulty_image_pipeline", "faulty_api", "faulty_orders_api")
MODES = ("preview", "update")

# The security exposures the faulty examples carry, read from their code: (example, policy, resource).
# Each must stay a mandatory violation under the baseline, in both modes unless marked.
EXPOSURES = {
    ("faulty_image_pipeline", "aws-lambda-permission-source-scoped", "allow-s3-invoke"): MODES,
    ("faulty_image_pipeline", "aws-resource-policy-not-public", "processed-bucket-public-read"): MODES,
    ("faulty_image_pipeline", "aws-s3-bucket-public-access-block", "processed-bucket"): MODES,
    ("faulty_image_pipeline", "aws-s3-bucket-public-access-block", "upload-bucket"): MODES,
    ("faulty_image_pipeline", "aws-iam-no-wildcard-actions", "s3-access"): ("update",),  # an Output in preview
    ("faulty_image_pipeline", "aws-lambda-function-runtime-supported", "image-processor"): MODES,
    ("faulty_api", "aws-cors-no-wildcard-origin", "http-api"): MODES,
    ("faulty_api", "aws-iam-role-trust-scoped", "deploy-role"): MODES,
    ("faulty_api", "aws-lambda-function-no-plaintext-secrets", "create-item-function"): MODES,
    ("faulty_api", "aws-lambda-function-no-plaintext-secrets", "get-items-function"): MODES,
    ("faulty_api", "aws-lambda-function-no-plaintext-secrets", "health-function"): MODES,
    ("faulty_api", "aws-lambda-function-runtime-supported", "create-item-function"): MODES,
    ("faulty_api", "aws-lambda-function-runtime-supported", "get-items-function"): MODES,
    ("faulty_api", "aws-lambda-function-runtime-supported", "health-function"): MODES,
    ("faulty_api", "aws-lambda-function-url-authenticated", "health-url"): MODES,
    ("faulty_api", "aws-lambda-permission-not-public", "health-invoke"): MODES,
    ("faulty_api", "aws-lambda-permission-source-scoped", "api-invoke"): MODES,
    ("faulty_api", "aws-s3-bucket-public-access-block", "data-bucket"): MODES,
    ("faulty_api", "aws-ssm-parameter-secure-string", "api-key"): MODES,
    ("faulty_api", "aws-ssm-parameter-secure-string", "db-password"): MODES,
    ("faulty_orders_api", "aws-cors-no-wildcard-origin", "options-orders-cors"): MODES,
    ("faulty_orders_api", "aws-iam-no-wildcard-actions", "order-workflow-policy"): MODES,
    ("faulty_orders_api", "aws-iam-no-wildcard-resources", "order-workflow-policy"): MODES,
}

Found = Tuple[str, str, str, str]  # (policy, level, urn, message)


@pytest.fixture(scope="session")
def faulty_runs():
    keys = [(example, mode) for example in FAULTY for mode in MODES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        stacks = pool.map(lambda key: run_program(REPO / "examples" / key[0], preview=key[1] == "preview"), keys)
        return dict(zip(keys, stacks))


def reported(stack, config) -> Set[Found]:
    context = StackContext(stack.project, stack.stack, stack.preview, stack.config)
    return {(d.policy, d.level, d.urn, d.message) for d in evaluate(stack.resources, policy_config=config,
                                                                     context=context)}


def mandatory(found: Set[Found]) -> Set[Found]:
    return {f for f in found if f[1] == "mandatory"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("example", FAULTY)
def test_on_a_faulty_example_strict_is_the_default_and_the_baseline_blocks_only_its_mandatory_rules(
        faulty_runs, example, mode):
    stack = faulty_runs[(example, mode)]
    strict = reported(stack, validate_policy_config(read_profile("strict"), ALL_POLICIES))
    baseline = reported(stack, validate_policy_config(read_profile("baseline"), ALL_POLICIES))
    assert strict == reported(stack, None)
    blocking = {r for r, v in read_profile("baseline").items() if level_and_options(v)[0] == "mandatory"}
    # the baseline blocks what strict blocks of its mandatory rules, and reports the rest as advisory
    assert mandatory(baseline) == {f for f in mandatory(strict) if f[0] in blocking}
    assert {(p, u, m) for p, _, u, m in baseline} == {(p, u, m) for p, _, u, m in strict}
    assert len(mandatory(baseline)) < len(mandatory(strict))


@pytest.mark.parametrize("mode", MODES)
def test_the_baseline_still_blocks_every_security_exposure_of_the_faulty_examples(faulty_runs, mode):
    config = validate_policy_config(read_profile("baseline"), ALL_POLICIES)
    blocked = {(example, policy, name_of_urn(urn))
               for example in FAULTY
               for policy, level, urn, _ in reported(faulty_runs[(example, mode)], config) if level == "mandatory"}
    expected = {key for key, modes in EXPOSURES.items() if mode in modes}
    assert expected - blocked == set()
    # and the exposure rules block nothing else of these examples that the list above leaves out
    exposure_rules = {r for r, row in documented().items() if row["finding"] == EXPOSURE}
    assert {b for b in blocked if b[1] in exposure_rules} == expected


# -- the example configs of the docs (9.5) --------------------------------------------------------

DOC_FILES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
JSON_BLOCK = re.compile(r"^```json\n(.*?)^```", re.M | re.S)
POLICY_KEY = re.compile(r'^\s*"(all|(?:aws|pulumi)-[a-z0-9-]+)"\s*:', re.M)


def policy_config_blocks() -> List[Tuple[str, str]]:
    """(where, text) of every fenced JSON block of the docs whose top-level keys look like policy names."""
    blocks = []
    for path in DOC_FILES:
        for match in JSON_BLOCK.finditer(path.read_text()):
            if POLICY_KEY.search(match.group(1)):
                line = path.read_text()[: match.start()].count("\n") + 1
                blocks.append((f"{path.relative_to(REPO)}:{line}", match.group(1)))
    return blocks


BLOCKS = policy_config_blocks()


def test_the_docs_have_example_policy_configs():
    where = {w.split(":")[0] for w, _ in BLOCKS}
    assert {"README.md", "docs/rules.md"} <= where
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize("where, text", BLOCKS, ids=[w for w, _ in BLOCKS])
def test_every_example_policy_config_of_the_docs_is_valid(where, text):
    document = json.loads(text)
    assert validate_policy_config(document, ALL_POLICIES, source=where)


@pytest.mark.parametrize("path", [".github/policy-config.json", "reference_stack/policy-config.example.json"])
def test_the_policy_config_files_of_the_repository_are_valid(path):
    assert validate_policy_config(json.loads((REPO / path).read_text()), ALL_POLICIES, source=path)
