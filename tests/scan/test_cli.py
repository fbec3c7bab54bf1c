"""`policypack scan` / `policypack demo` as a user runs them: exit codes, error lines, reports."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from policypack.registry import ALL_POLICIES
from policypack.scan import cli
from policypack.scan.report import display_path
from tests.scan.conftest import BROKEN, CORPUS, FAULTY, copy_program

REPO = Path(__file__).resolve().parents[2]
MANDATORY_EXPORT = CORPUS / "spacedog__pulumi-test__history-checkpoint-kms-s3.json"  # KMS key without rotation
PREVIEW = CORPUS / "dundalek__stratify__sample-preview-creates.json"


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def shown(path: Path) -> str:
    """How reports name a path: relative to the working directory when below it."""
    return display_path(path)


def clean_export(tmp_path: Path) -> Path:
    path = tmp_path / "clean.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": [
        {"urn": "urn:pulumi:dev::clean::pulumi:pulumi:Stack::clean-dev", "custom": False, "type": "pulumi:pulumi:Stack"}]}}))
    return path


def assert_one_error_line(err: str, expected: str) -> None:
    assert err.splitlines() == [expected]
    assert "Traceback" not in err


# -- exit codes ---------------------------------------------------------------------------------------

def test_nothing_mandatory_exits_0(capsys, tmp_path):
    code, out, err = run(capsys, "scan", str(clean_export(tmp_path)))
    assert (code, err) == (0, "")
    assert out.splitlines()[-3:] == [f"summary: 1 resource scanned, 0 with findings ({len(ALL_POLICIES)} policies checked)",
                                     "  no violations", "  next: nothing to do - every enabled policy passes"]


def test_mandatory_violations_exit_1(capsys):
    code, out, err = run(capsys, "scan", str(MANDATORY_EXPORT))
    assert (code, err) == (1, "")
    assert "    mandatory  high      aws-kms-key-rotation-enabled\n" in out


def test_disabling_the_mandatory_policies_exits_0(capsys, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"all": "advisory"}))
    code, out, err = run(capsys, "scan", "--policy-config", str(config), str(MANDATORY_EXPORT))
    assert (code, err) == (0, "")
    assert "    advisory   high      aws-kms-key-rotation-enabled\n" in out and "mandatory violations" not in out


@pytest.mark.parametrize("make_input, expected", [
    (lambda d: d / "missing.json", "{p}: no such file or folder"),
    (lambda d: (d / "folder").mkdir() or d / "folder", "{p}: not a Pulumi project (no Pulumi.yaml) and not a JSON file"),
    (lambda d: _write(d / "t.json", '{"version": 3, "deployment": {"resources": [{"urn": "urn:pul'),
     "{p}: not valid JSON (line 1, column 53: Unterminated string starting at) - the file looks truncated"),
    (lambda d: _write(d / "m.json", "{'version': 3}"),
     "{p}: not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes)"),
    (lambda d: _write(d / "k.json", '{"name": "my-project", "runtime": "python"}'),
     "{p}: JSON of the wrong kind - expected a `pulumi stack export`, a checkpoint or `pulumi preview --json` output"),
    (lambda d: _write(d / "Pulumi.yaml.bak", "name: x\nruntime: python\n"),
     "{p}: not valid JSON (line 1, column 1: Expecting value)"),
])
def test_bad_inputs_are_one_line_and_exit_2(capsys, tmp_path, make_input, expected):
    path = make_input(tmp_path)
    code, out, err = run(capsys, "scan", str(path))
    assert (code, out) == (2, "")
    assert_one_error_line(err, expected.format(p=path))


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_an_unreadable_file_exits_2(capsys, tmp_path, monkeypatch):
    path = _write(tmp_path / "state.json", "{}")
    real = os.open
    monkeypatch.setattr(os, "open", lambda name, *a, **k: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if Path(name) == path else real(name, *a, **k))  # tests run as root: chmod would not deny
    code, out, err = run(capsys, "scan", str(path))
    assert code == 2
    assert_one_error_line(err, f"{path}: cannot read it (permission denied)")


def test_a_program_that_raises_shows_its_error_and_exits_2(capsys):
    code, out, err = run(capsys, "scan", str(BROKEN))
    assert code == 2
    assert_one_error_line(
        err, f"{BROKEN}: the program failed (__main__.py:3): ValueError: the bucket name is missing from config")


def test_a_policy_config_naming_an_unknown_policy_exits_2(capsys, tmp_path):
    config = _write(tmp_path / "cfg.json", json.dumps({"aws-lambda-function-in-vpcc": "disabled"}))
    code, out, err = run(capsys, "scan", "--policy-config", str(config), str(MANDATORY_EXPORT))
    assert (code, out) == (2, "")
    assert_one_error_line(
        err, f'--policy-config {config}: unknown policy "aws-lambda-function-in-vpcc" (did you mean "aws-lambda-function-in-vpc"?)')


@pytest.mark.parametrize("argv, expected", [
    (["scan"], "policypack scan: give at least one PATH (a program folder or a JSON file) (see --help)"),
    (["scan", "--format", "xml", "x"], "policypack scan: argument --format: invalid choice: 'xml' (choose from 'text', 'json', 'sarif') (see --help)"),
    (["scan", "--config", "region", "x"], "--config 'region': expected KEY=VALUE (e.g. aws:region=us-west-2)"),
    (["scan", "--preview", "--update", "x"], "policypack scan: argument --update: not allowed with argument --preview (see --help)"),
    (["lint"], "policypack: argument command: invalid choice: 'lint' (choose from 'scan', 'demo') (see --help)"),
])
def test_usage_errors_are_one_line_and_exit_2(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert_one_error_line(err, expected)


def test_a_rule_of_another_pack_that_raises_is_an_input_error_not_a_traceback(capsys, monkeypatch):
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    def broken(args, report):
        raise KeyError("bucket")

    policy = ResourceValidationPolicy(name="raises", description="d", validate=broken,
                                      enforcement_level=EnforcementLevel.MANDATORY)
    monkeypatch.setattr("policypack.registry.ALL_POLICIES", [policy])
    code, out, err = run(capsys, "scan", str(MANDATORY_EXPORT))
    assert code == 2
    assert_one_error_line(err, f"{MANDATORY_EXPORT}: policy 'raises' failed on "
                               "urn:pulumi:dev::tutorial::pulumi:pulumi:Stack::tutorial-dev: KeyError: 'bucket'")


# -- several paths, output file, formats ----------------------------------------------------------------

def test_several_paths_print_each_report_and_a_total(capsys, tmp_path):
    code, out, err = run(capsys, "scan", str(MANDATORY_EXPORT), str(clean_export(tmp_path)), str(PREVIEW))
    assert (code, err) == (1, "")
    blocks = out.split("\n\n")
    headings = [b.splitlines()[0] for b in blocks if b and not b.startswith((" ", "levels:", "summary:"))]
    assert [h.split("  ")[0] for h in headings] == [shown(MANDATORY_EXPORT), str(tmp_path / "clean.json"), shown(PREVIEW)]
    assert "(checkpoint v3, stack dev, update)" in headings[0] and "(preview, stack dev, preview)" in headings[2]
    assert [line for line in out.splitlines() if line.startswith("summary: ")] == [
        f"summary: 21 resources scanned in 3 inputs, 15 with findings ({len(ALL_POLICIES)} policies checked)"]


def test_one_bad_path_among_good_ones_still_reports_the_good_ones(capsys, tmp_path):
    code, out, err = run(capsys, "scan", "--format", "json", str(MANDATORY_EXPORT), str(tmp_path / "nope.json"))
    report = json.loads(out)
    assert code == 2
    assert [t["path"] for t in report["targets"]] == [shown(MANDATORY_EXPORT)]
    assert report["errors"] == [{"path": str(tmp_path / "nope.json"), "message": f"{tmp_path / 'nope.json'}: no such file or folder"}]
    assert report["summary"]["passed"] is False
    assert_one_error_line(err, f"{tmp_path / 'nope.json'}: no such file or folder")


def test_output_file_gets_the_report_and_stdout_stays_empty(capsys, tmp_path):
    target = tmp_path / "out" / "report.sarif"
    target.parent.mkdir()
    code, out, err = run(capsys, "scan", "--format", "sarif", "--output", str(target), str(MANDATORY_EXPORT))
    assert (code, out, err) == (1, "", "")
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_an_unwritable_output_is_one_line_and_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, "scan", "--output", str(tmp_path / "no-such-dir" / "r.txt"), str(MANDATORY_EXPORT))
    assert code == 2
    assert_one_error_line(err, f"--output {tmp_path / 'no-such-dir' / 'r.txt'}: cannot write it (No such file or directory)")


# -- programs --------------------------------------------------------------------------------------------

def test_a_program_is_run_with_its_stack_config_and_overrides(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, err = run(capsys, "scan", "--format", "json", "--update", "--stack", "prod",
                         "--config", "bucketName=uploads-prod-123456789012", "--config", "aws:region=eu-west-1", str(FAULTY))
    report = json.loads(out)
    target = report["targets"][0]
    assert (target["kind"], target["project"], target["stack"], target["mode"]) == ("program", "scan-faulty", "prod", "update")
    bucket = [v for v in target["violations"] if v["resourceName"] == "uploads"]
    assert bucket and all(v["location"] == {"file": "tests/scan/programs/faulty/storage.py", "line": 7} for v in bucket)
    assert all("uploads-static" not in v["message"] for v in target["violations"])
    assert code in (0, 1) and err == ""


def test_pulumi_yaml_as_path_scans_its_program(capsys, tmp_path):
    program = copy_program(FAULTY, tmp_path / "prog")
    code, out, err = run(capsys, "scan", "--format", "json", str(program / "Pulumi.yaml"))
    assert err == ""
    assert json.loads(out)["targets"][0]["path"] == str(program.resolve())


# -- colour and progress ---------------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_levels_are_coloured_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    for stream, no_color, coloured in [(io.StringIO(), None, False), (_Terminal(), None, True), (_Terminal(), "1", False)]:
        if no_color:
            monkeypatch.setenv("NO_COLOR", no_color)
        monkeypatch.setattr(sys, "stdout", stream)
        assert cli.main(["scan", str(MANDATORY_EXPORT)]) == 1
        assert ("\033[1;31mmandatory\033[0m" in stream.getvalue()) is coloured
        assert ("\033[" in stream.getvalue()) is coloured


def test_progress_goes_to_a_terminal_stderr_only_for_slow_work(monkeypatch, capsys):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["scan", "--format", "json", str(MANDATORY_EXPORT)]) == 1
    assert terminal.getvalue() == ""  # a small file: nothing to wait for
    assert cli.main(["scan", "--format", "json", str(BROKEN)]) == 2
    assert "running 1 program(s) under mocks (preview)…" in terminal.getvalue()


# -- demo ------------------------------------------------------------------------------------------------

def test_demo_scans_the_reference_stack_and_every_example(capsys, tmp_path, monkeypatch):
    copy_program(FAULTY, tmp_path / "reference_stack")
    (tmp_path / "examples").mkdir()
    copy_program(FAULTY, tmp_path / "examples" / "one")
    (tmp_path / "examples" / "not-a-program").mkdir()
    monkeypatch.setattr(cli, "demo_roots", lambda: [tmp_path])
    code, out, err = run(capsys, "demo", "--format", "json")
    assert code == 0  # the examples are faulty on purpose: the demo shows them, it does not fail
    assert [Path(t["path"]).name for t in json.loads(out)["targets"]] == ["reference_stack", "one"]
    assert err.startswith("demo: scanned 2 program(s) with aws-serverless-guard (")


def test_demo_without_anything_to_scan_says_so(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "demo_roots", lambda: [tmp_path])
    code, out, err = run(capsys, "scan", "--demo")
    assert (code, out) == (2, "")
    assert_one_error_line(err, f"demo: nothing to scan - no reference_stack/ or examples/*/ Pulumi project in {tmp_path}")


# -- the real entry points --------------------------------------------------------------------------------

def test_python_dash_m_policypack_end_to_end(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "policypack", "scan", "--format", "json", str(MANDATORY_EXPORT),
                           str(clean_export(tmp_path))], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert [t["kind"] for t in json.loads(proc.stdout)["targets"]] == ["checkpoint", "stack-export"]


def test_the_console_script_points_at_the_cli():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert project["project"]["scripts"] == {"policypack": "policypack.scan.cli:main"}
    assert project["tool"]["setuptools"]["package-data"]["policypack.scan"] == ["report.schema.json"]
    assert {"pulumi", "pulumi-policy"} <= {d.split(">")[0].split("=")[0].split("<")[0] for d in project["project"]["dependencies"]}


def test_without_a_command_help_goes_to_stderr(capsys):
    code, out, err = run(capsys)
    assert code == 2 and out == "" and "scan" in err and "demo" in err
