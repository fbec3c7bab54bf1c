"""What `pulumi policy publish` uploads runs on its own.

`pulumi policy publish` archives the pack folder (what `.gitignore` does not exclude: in a clone,
the tracked files) and the engine runs it in a virtual environment made from `requirements.txt`
only. This test builds exactly that: the tracked files the engine needs (no tests, benchmarks,
examples or reference stack), a fresh virtual environment from `requirements.txt` alone, and serves
the pack from there as the CLI does - so a runtime import of a development-only package (pulumi_aws,
pytest, jsonschema, ...) or a file missing from the package fails here, not in a customer's preview.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from policypack import __version__
from policypack.registry import ALL_POLICIES
from tests.support.engine import REPO, PackProcess

NOT_PUBLISHED = ("tests/", "benchmarks/", "examples/", "reference_stack/", "docs/", "scripts/", ".github/", ".ci/")
ENGINE_NEEDS = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt", "policypack/__init__.py",
                "policypack/registry.py")


def published_files() -> list:
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [f for f in tracked.splitlines() if f and not f.startswith(NOT_PUBLISHED)]


def test_the_published_folder_has_what_the_engine_needs():
    files = set(published_files())
    assert set(ENGINE_NEEDS) <= files
    assert ".venv" not in {f.split("/")[0] for f in files}
    ignored = (REPO / ".gitignore").read_text().split()
    assert {".venv/", "__pycache__/"} <= set(ignored)


@pytest.fixture(scope="module")
def published_pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("published") / "aws-serverless-guard"
    for name in published_files():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    venv.EnvBuilder(with_pip=True).create(folder / ".venv")
    python = folder / ".venv" / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              "-r", str(folder / "requirements.txt")], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    return folder


def test_the_published_pack_serves_from_its_requirements_alone(published_pack):
    python = published_pack / ".venv" / "bin" / "python"
    assert subprocess.run([str(python), "-c", "import pulumi_aws"], capture_output=True).returncode != 0
    with PackProcess(published_pack, python=str(python)) as pack:
        info = pack.info()
        assert (info.name, info.version) == ("aws-serverless-guard", __version__)
        assert sorted(p.name for p in info.policies) == sorted(p.name for p in ALL_POLICIES)
        from .protocol.states import state

        key = state("aws:kms/key:Key", "key", {"enableKeyRotation": False})
        assert [d.policy for d in pack.analyze(key)] == ["aws-kms-key-rotation-enabled"]
    assert "Traceback" not in "".join(pack.stderr_lines)


def test_the_published_pack_is_not_this_checkout(published_pack):
    """The served process imports the package from the published folder, not from the repository."""
    python = published_pack / ".venv" / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import policypack, sys; print(policypack.__file__)"],
                           cwd=published_pack, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(published_pack)) and sys.prefix not in where
