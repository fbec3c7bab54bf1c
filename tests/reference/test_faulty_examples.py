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


@pytest.mark.parametrize("example", ["faulty-image-pipeline", "faulty-api"])
def test_every_mandatory_violation_of_the_examples_is_mandatory_by_default(runs, packs, example):
    """The examples fail a preview: at least one mandatory violation each, none from a disabled policy."""
    captured = runs.get(f"{example}-update")
    levels = {d.level for d in packs.analyze(captured)}
    assert "mandatory" in levels and "disabled" not in levels
