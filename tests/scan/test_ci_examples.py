"""The CI gate examples are well-formed and use the scanner the way it works."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from policypack.registry import BY_NAME
from policypack.scan.cli import build_parser
from policypack.scan.policy_config import load_policy_config

REPO = Path(__file__).resolve().parents[2]


def _steps(job):
    return {step.get("uses", "").split("@")[0] or step.get("name"): step for step in job["steps"]}


def test_workflow_shows_both_gates():
    workflow = yaml.safe_load((REPO / ".github/workflows/policy.yml").read_text())
    jobs = workflow["jobs"]
    scan_steps = _steps(jobs["offline-scan"])
    upload = scan_steps["github/codeql-action/upload-sarif"]
    assert upload["with"]["sarif_file"] == "policypack.sarif"
    assert jobs["offline-scan"]["permissions"]["security-events"] == "write"
    commands = [s.get("run", "") for s in jobs["offline-scan"]["steps"]]
    assert any("--format sarif --output policypack.sarif" in c for c in commands)
    preview = _steps(jobs["pulumi-preview"])["pulumi/actions"]["with"]
    assert preview["command"] == "preview" and "policyPacks" in preview and "policyPackConfigs" in preview


def test_workflow_scan_commands_parse_with_the_real_cli():
    workflow = yaml.safe_load((REPO / ".github/workflows/policy.yml").read_text())
    parser = build_parser()
    for step in workflow["jobs"]["offline-scan"]["steps"]:
        for line in step.get("run", "").splitlines():
            if line.startswith("policypack "):
                argv = line.split("||")[0].split()[1:]
                parser.parse_args(argv)


def test_the_policy_config_of_the_workflow_is_valid():
    assert load_policy_config(REPO / ".github/policy-config.json", list(BY_NAME.values()))


def test_pre_commit_hooks_run_the_scanner():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    program = hooks["policypack-scan"]
    assert (program["entry"], program["language"], program["pass_filenames"]) == ("policypack scan", "python", False)
    files = re.compile(program["files"])
    assert all(files.search(p) for p in ("infra/__main__.py", "Pulumi.yaml", "infra/Pulumi.dev.yaml"))
    assert not files.search("README.md")
    state = re.compile(hooks["policypack-scan-state"]["files"])
    assert state.search("stacks/prod-stack-export.json") and not state.search("package.json")
