"""The scanner with hostile and odd input: it never leaks, hangs, lies or overwrites.

Each case runs the real CLI (`policypack scan`, in this process or as a user would start it) and
asserts the exact exit code and the single error line, or what the program could see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policypack.engine.runner import program_environment
from tests.scan.conftest import CORPUS, write_program
from tests.scan.test_cli import run

REPO = Path(__file__).resolve().parents[2]
EXPORT = CORPUS / "spacedog__pulumi-test__history-checkpoint-kms-s3.json"


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def program(folder: Path, main: str, project: str = "name: probe\nruntime: python\n", **files: str) -> Path:
    return write_program(folder, main, project, **files)


# -- the program's environment ---------------------------------------------------------------------

ENV_PROBE = """
    import json, os
    import pulumi
    seen = {k: os.environ.get(k, "<absent>") for k in json.loads(os.environ["PROBE_NAMES"])}
    pulumi.export("seen", seen)
    """
CREDENTIALS = {"AWS_SECRET_ACCESS_KEY": "canary-aws-secret", "AWS_ACCESS_KEY_ID": "AKIACANARY",
               "PULUMI_ACCESS_TOKEN": "pul-canary", "GOOGLE_APPLICATION_CREDENTIALS": "/canary/gcp.json",
               "AZURE_CLIENT_SECRET": "az-canary", "ARM_CLIENT_SECRET": "arm-canary", "GITHUB_TOKEN": "ghp_canary",
               "MY_SERVICE_PASSWORD": "pw-canary"}


def test_the_program_runs_without_cloud_or_pulumi_credentials(tmp_path, monkeypatch):
    from policypack.engine.program import run_program

    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("APP_STAGE", "blue")  # an ordinary variable the program may read
    names = [*CREDENTIALS, "APP_STAGE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"]
    monkeypatch.setenv("PROBE_NAMES", json.dumps(names))
    captured = run_program(program(tmp_path / "p", ENV_PROBE))
    assert captured.outputs["seen"] == {**{k: "<absent>" for k in CREDENTIALS}, "APP_STAGE": "blue",
                                        "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull}


def test_pass_env_passes_the_named_variables_through(tmp_path, monkeypatch):
    from policypack.engine.program import run_program

    monkeypatch.setenv("AWS_PROFILE", "sandbox")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_canary")
    monkeypatch.setenv("PROBE_NAMES", json.dumps(["AWS_PROFILE", "GITHUB_TOKEN"]))
    captured = run_program(program(tmp_path / "p", ENV_PROBE), pass_env=["AWS_PROFILE"])
    assert captured.outputs["seen"] == {"AWS_PROFILE": "sandbox", "GITHUB_TOKEN": "<absent>"}


def test_the_stripped_environment_keeps_what_a_program_needs():
    env = program_environment({"PATH": "/usr/bin", "HOME": "/home/u", "LANG": "C.UTF-8", "AWS_REGION": "us-west-2",
                               "PULUMI_CONFIG_PASSPHRASE": "x", "DB_PASSWORD": "y"}, pass_env=["AWS_REGION"])
    assert {k: env[k] for k in ("PATH", "HOME", "LANG", "AWS_REGION")} == {
        "PATH": "/usr/bin", "HOME": "/home/u", "LANG": "C.UTF-8", "AWS_REGION": "us-west-2"}
    assert "PULUMI_CONFIG_PASSPHRASE" not in env and "DB_PASSWORD" not in env


# -- a program that never ends ---------------------------------------------------------------------

HANGS = """
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    open("grandchild.pid", "w").write(str(child.pid))
    time.sleep(300)
    """


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (killed, not yet reaped by its dead parent's init) is not running
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_a_program_that_never_ends_is_stopped_with_its_children_and_exits_2(tmp_path):
    folder = program(tmp_path / "hangs", HANGS)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "policypack", "scan", "--timeout", "10",
                           "--config", "dbPassword=canary-config-value", str(folder)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (f"{folder}: the program did not finish within 10 s and was stopped "
                                     "(--timeout SECONDS allows longer)")
    assert "canary-config-value" not in proc.stderr + proc.stdout
    assert elapsed < 45  # the time limit, the grace period and start-up on a busy machine; not 300 s
    pid = int((folder / "grandchild.pid").read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), "the program's own child outlived the scan"


# -- what the program prints -----------------------------------------------------------------------

NOISY = """
    import os, sys
    import pulumi
    import pulumi_aws as aws
    print('{"project": "not-the-result", "resources": []}')
    os.write(1, b"raw bytes on fd 1\\n")
    sys.stdout.write("no newline at the end")
    aws.sqs.Queue("orders")
    """


def test_what_the_program_prints_never_corrupts_the_scan(capsys, tmp_path):
    folder = program(tmp_path / "noisy", NOISY)
    code, out, err = run(capsys, "scan", "--format", "json", str(folder))
    report = json.loads(out)
    assert (code, err) == (1, "")
    assert [v["resourceName"] for v in report["targets"][0]["violations"]] == ["orders"]
    assert "not-the-result" not in out


# -- project and state files that are not what they seem --------------------------------------------

def test_a_pulumi_yaml_that_is_not_utf8_exits_2_with_one_line(capsys, tmp_path):
    folder = program(tmp_path / "latin1", "import pulumi\n")
    (folder / "Pulumi.yaml").write_bytes("name: caf\xe9\nruntime: python\n".encode("latin-1"))
    code, out, err = run(capsys, "scan", str(folder))
    assert (code, out) == (2, "")
    assert one_line(err) == f"{folder / 'Pulumi.yaml'}: is not a text file (not UTF-8)"


def _scan_promptly(path: Path, cwd: Path):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "policypack", "scan", str(path)], capture_output=True, text=True,
                          cwd=cwd, timeout=60)
    return proc, time.monotonic() - started


@pytest.mark.parametrize("make, reason", [
    (lambda p: os.mkfifo(p), "is not a regular file (it is a FIFO)"),
    (lambda p: os.symlink("/dev/zero", p), "is not a regular file (it is a device)"),
    (lambda p: os.symlink("/dev/null", p), "is not a regular file (it is a device)"),
    (lambda p: os.truncate(p.open("wb").name, 600 * 1024 * 1024), "is 600 MiB, more than the 512 MiB the scanner reads"),
], ids=["fifo", "link-to-dev-zero", "device", "huge"])
def test_a_state_file_that_is_not_a_bounded_regular_file_exits_2_promptly(tmp_path, make, reason):
    path = tmp_path / "prod.stack.json"
    make(path)
    proc, elapsed = _scan_promptly(path, tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_line(proc.stderr) == f"{path}: {reason}"
    assert elapsed < 30


def test_a_policy_config_that_is_a_fifo_exits_2_naming_the_option(capsys, tmp_path):
    config = tmp_path / "config.json"
    os.mkfifo(config)
    code, out, err = run(capsys, "scan", "--policy-config", str(config), str(EXPORT))
    assert (code, out) == (2, "")
    assert one_line(err) == f"--policy-config {config}: is not a regular file (it is a FIFO)"


# -- terminal escapes in names and messages ---------------------------------------------------------

def test_escape_sequences_in_resource_names_never_reach_the_terminal(capsys, tmp_path):
    evil = "evil\x1b[2J\x1b]0;pwned\x07\u202egnp.exe"
    path = tmp_path / "stack.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": [
        {"urn": f"urn:pulumi:dev::p::aws:kms/key:Key::{evil}", "custom": True, "type": "aws:kms/key:Key",
         "inputs": {"enableKeyRotation": False, "description": "k\x1b[31m"}}]}}))
    code, out, err = run(capsys, "scan", str(path))
    assert code == 1
    assert not any(ch in out for ch in ("\x1b", "\x07", "\u202e"))
    assert "aws:kms/key:Key  evil\\x1b[2J\\x1b]0;pwned\\x07\\u202egnp.exe  line " in out


# -- --output ---------------------------------------------------------------------------------------

def test_output_never_overwrites_an_input_file(capsys, tmp_path):
    state = tmp_path / "stack.json"
    state.write_bytes(EXPORT.read_bytes())
    code, out, err = run(capsys, "scan", "--format", "sarif", "--output", str(state), str(state))
    assert (code, out) == (2, "")
    assert one_line(err) == (f"--output {state}: is an input of this scan; it would be overwritten "
                             "- write the report to another file")
    assert state.read_bytes() == EXPORT.read_bytes()


def test_output_never_overwrites_a_file_of_a_scanned_program(capsys, tmp_path):
    folder = program(tmp_path / "app", "import pulumi\n")
    before = (folder / "__main__.py").read_text()
    code, out, err = run(capsys, "scan", "--output", str(folder / "__main__.py"), str(folder))
    assert (code, out) == (2, "")
    assert one_line(err) == (f"--output {folder / '__main__.py'}: is a file of the scanned program {folder}; it "
                             "would be overwritten - write the report to another file")
    assert (folder / "__main__.py").read_text() == before


def test_output_never_overwrites_the_policy_config(capsys, tmp_path):
    config = tmp_path / "policy.json"
    config.write_text('{"all": "advisory"}')
    code, out, err = run(capsys, "scan", "--policy-config", str(config), "--output", str(config), str(EXPORT))
    assert code == 2 and config.read_text() == '{"all": "advisory"}'
    assert one_line(err).startswith(f"--output {config}: is an input of this scan")


# -- other runtimes, config errors ------------------------------------------------------------------

@pytest.mark.parametrize("runtime", ["nodejs", "go", "dotnet", "yaml", "java", "{name: nodejs, options: {typescript: true}}"])
def test_a_program_in_another_language_exits_2_saying_how_to_scan_it(capsys, tmp_path, runtime):
    folder = program(tmp_path / "ts", "print('never run as Python')\n", project=f"name: web\nruntime: {runtime}\n")
    code, out, err = run(capsys, "scan", str(folder))
    assert (code, out) == (2, "")
    name = "nodejs" if runtime.startswith("{") else runtime
    assert one_line(err) == (
        f"{folder}: a {name} program - program mode runs Pulumi Python programs only; to scan it, run "
        "`pulumi preview --json > preview.json` in it and `policypack scan preview.json` (or scan a "
        "`pulumi stack export` of its stack)")


def test_a_python_project_without_its_main_file_names_it_relative_to_the_project(capsys, tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: app\nruntime: python\nmain: src/\n")
    (folder / "src").mkdir()
    code, out, err = run(capsys, "scan", str(folder))
    assert (code, out) == (2, "")
    assert one_line(err) == f"{folder}: no src/__main__.py to run"


@pytest.mark.parametrize("content, expected", [
    ("", "is empty, expected a JSON object of policy names and levels"),
    ("[1]", "expected a JSON object of policy names, found a list"),
    ('{"aws-kms-key-rotation-enabled": "loud"}',
     '"aws-kms-key-rotation-enabled": enforcement level "loud" is not one of advisory, mandatory, remediate, disabled'),
])
def test_policy_config_errors_name_the_option(capsys, tmp_path, content, expected):
    config = tmp_path / "policy.json"
    config.write_text(content)
    code, out, err = run(capsys, "scan", "--policy-config", str(config), str(EXPORT))
    assert (code, out) == (2, "")
    assert one_line(err) == f"--policy-config {config}: {expected}"
