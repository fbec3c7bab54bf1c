"""The README promises what the code does: its rules table and its two commands."""

import re
from pathlib import Path

from policypack.registry import ALL_POLICIES

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def test_the_rules_table_lists_every_policy_with_its_kind_and_default_level():
    rows = {m.group(1): (m.group(2), m.group(3))
            for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (resource|stack) \| (mandatory|advisory) \|", README, re.M)}
    expected = {p.name: (p.kind, p.enforcement_level.value) for p in ALL_POLICIES}
    assert rows == expected


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"^make (\w+)\s+#", README, re.M)
    assert commands[:2] == ["demo", "test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
