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


def test_ci_runs_both_readme_commands_in_a_clone_with_nothing_beside_it():
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r'^git clone --quiet "\$PWD" "\$tmp/aws-serverless-guard"$', ci, re.M)
    assert re.search(r'^cd "\$tmp/aws-serverless-guard"$', ci, re.M)
    assert ci.index("make demo") < ci.rindex("make test")


def test_the_text_report_excerpt_in_the_docs_is_what_the_scanner_prints(capsys, monkeypatch):
    from policypack.scan import cli

    docs = (REPO / "docs" / "scan-output.md").read_text()
    command, excerpt = re.search(r"<!-- excerpt: policypack (scan \S+) -->\n```\n(.*?)```\n", docs, re.S).groups()
    monkeypatch.chdir(REPO)
    cli.main(command.split())
    assert capsys.readouterr().out == excerpt
