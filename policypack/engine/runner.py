"""Run a program under mocks in a child interpreter that cannot reach the scanner's credentials,
cannot outlive its time, and cannot corrupt the result by what it prints.

- Environment: the scanner's environment without cloud and Pulumi credentials (`AWS_*`,
  `PULUMI_*`, `GOOGLE_*`, `AZURE_*`, `ARM_*`, tokens, passwords, ...; see `is_sensitive`), with AWS
  shared config files pointed at nothing, so an SDK the program calls finds no credentials either.
  Variables named in `pass_env` (`--pass-env NAME`) are passed through.
- Process group: the child leads its own session; when the time is up, the whole group is killed
  (grandchildren too).
- Request and result travel in files, not on the command line or stdout: `--config` values never
  show in `ps` or in an error, and the program's own prints go to a log the runner only reads the
  end of.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterable, Mapping, Optional

from .project import CapturedStack, ProgramError, read_project

DEFAULT_TIMEOUT = 120.0  # seconds; a program under mocks takes a few
KILL_GRACE = 2.0  # seconds between SIGTERM and SIGKILL for the program's process group

# Variables whose names start with these carry cloud or Pulumi credentials (or point at them).
SENSITIVE_PREFIXES = (
    "AWS_", "PULUMI_", "GOOGLE_", "GCLOUD_", "CLOUDSDK_", "GCP_", "AZURE_", "ARM_", "ALICLOUD_", "OCI_",
    "DIGITALOCEAN_", "HCLOUD_", "LINODE_", "SCW_", "CLOUDFLARE_", "VAULT_", "CONSUL_", "TF_", "DOCKER_",
)
# ... and so does any variable whose name says it holds a secret.
SENSITIVE_WORDS = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|API_?KEY|PRIVATE_?KEY|"
                             r"ACCESS_?KEY|AUTH|SESSION|COOKIE|SAS_|CONNECTION_?STRING", re.I)
# What the child gets instead of the AWS ones: no credential files, no instance metadata.
NO_CLOUD = {"AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true"}


def is_sensitive(name: str) -> bool:
    upper = name.upper()
    return upper.startswith(SENSITIVE_PREFIXES) or bool(SENSITIVE_WORDS.search(upper))


def program_environment(environ: Mapping[str, str], pass_env: Iterable[str] = ()) -> Dict[str, str]:
    """The child's environment: `environ` without credentials, plus the named pass-throughs."""
    keep = set(pass_env)
    env = {k: v for k, v in environ.items() if k in keep or not is_sensitive(k)}
    for key, value in NO_CLOUD.items():
        if key not in keep:
            env[key] = value
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_program(project_dir: Path, stack: str = "dev", preview: bool = True,
                config_overrides: Optional[Mapping[str, str]] = None, python: Optional[str] = None,
                timeout: float = DEFAULT_TIMEOUT, pass_env: Iterable[str] = ()) -> CapturedStack:
    """Run the program in a fresh interpreter and return what it registered (ProgramError else)."""
    project_dir = Path(project_dir)
    read_project(project_dir)  # fail fast, with a clear message, on a folder that is not a project
    with tempfile.TemporaryDirectory(prefix="policypack-run-") as work:
        request, result, log = Path(work, "request.json"), Path(work, "result.json"), Path(work, "program.log")
        request.write_text(json.dumps({"project_dir": str(project_dir.resolve()), "stack": stack,
                                       "preview": preview, "config": dict(config_overrides or {})}),
                           encoding="utf-8")
        os.chmod(request, 0o600)
        cmd = [python or sys.executable, "-m", "policypack.engine.program",
               "--request", str(request), "--result", str(result)]
        with open(log, "wb") as output:
            returncode = _run_in_own_group(cmd, program_environment(os.environ, pass_env), output, timeout)
        if returncode is None:
            raise ProgramError(f"the program did not finish within {timeout:g} s and was stopped "
                               "(--timeout SECONDS allows longer)")
        return _read_result(result, log, returncode)


def _run_in_own_group(cmd: list, env: Dict[str, str], output: object, timeout: float) -> Optional[int]:
    """The exit code, or None when the time ran out (the whole process group is killed then)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return None
    except BaseException:  # interrupted: never leave the program running
        _kill_group(proc)
        raise
    finally:
        _reap_group(proc.pid)


def _kill_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            if sig == signal.SIGKILL:
                return
        except subprocess.TimeoutExpired:
            continue


def _reap_group(pgid: int) -> None:
    """Children the program left behind in its group (a daemon it started) die with the run."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return
    time.sleep(0)  # let the kernel deliver it before the caller goes on


def _read_result(result: Path, log: Path, returncode: int) -> CapturedStack:
    try:
        document = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        document = None
    if isinstance(document, dict) and isinstance(document.get("stack"), dict) and returncode == 0:
        try:
            return CapturedStack.from_json(document["stack"])
        except (KeyError, TypeError) as err:
            raise ProgramError(f"the program runner wrote an unreadable stack ({err.__class__.__name__})") from None
    if isinstance(document, dict) and isinstance(document.get("error"), str):
        raise ProgramError(document["error"])
    raise ProgramError(_last_line(log) or f"the program runner exited with {returncode}")


def _last_line(log: Path, limit: int = 64 * 1024) -> str:
    """The last non-empty line the child printed (a crash of the interpreter itself)."""
    try:
        with open(log, "rb") as handle:
            handle.seek(max(0, os.path.getsize(log) - limit))
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""
