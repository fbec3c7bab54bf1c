"""Reproducible packaging: the same sources give a byte-identical zip (and `source_code_hash`),
whatever the files' timestamps, creation order or umask; archives are cached by content; the
layer is pip-installed for the Lambda platform, or fails with a message that says what to do.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import zipfile
from pathlib import Path
from typing import List

import pytest

from reference_stack.components import packaging
from reference_stack.components.artifacts import HANDLERS_DIR, LAYERS_DIR, read_requirements
from reference_stack.components.packaging import (
    LAYER_SOURCE_ENV,
    LayerSpec,
    PackagingError,
    Source,
    build_archive,
    build_layer,
    pip_install_command,
)
from reference_stack.components.settings import LAMBDA_RUNTIME

REPO = Path(__file__).resolve().parents[2]
SPEC = LayerSpec(name="image-library", requirements=("pillow==13.0.0",), python_version="3.14")


@pytest.fixture(autouse=True)
def no_layer_source(monkeypatch):
    monkeypatch.delenv(LAYER_SOURCE_ENV, raising=False)


def write_tree(root: Path, files: dict, mtime: int, reverse: bool = False) -> Path:
    for name in sorted(files, reverse=reverse):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
        os.utime(path, (mtime, mtime))
    return root


FILES = {"app.py": b"def handler(e, c):\n    return 1\n", "lib/util.py": b"X = 1\n", "lib/data.json": b"{}"}


def test_the_same_sources_give_a_byte_identical_archive(tmp_path):
    first = build_archive("fn", [Source(write_tree(tmp_path / "a", FILES, mtime=1_000_000))], tmp_path / "out-a")
    old_umask = os.umask(0o077)
    try:  # other timestamps, the reverse creation order, a stricter umask
        second = build_archive("fn", [Source(write_tree(tmp_path / "b", FILES, mtime=2_000_000_000, reverse=True))],
                               tmp_path / "out-b")
    finally:
        os.umask(old_umask)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()
    assert first.source_code_hash == base64.b64encode(hashlib.sha256(first.path.read_bytes()).digest()).decode()


def test_entries_are_sorted_dated_1980_with_fixed_permissions(tmp_path):
    root = write_tree(tmp_path / "src", {**FILES, "bin/run": b"#!/bin/sh\n", "__pycache__/app.cpython-311.pyc": b"x",
                                         "lib/__pycache__/util.pyc": b"x", "tests/test_app.py": b"x", "stale.pyc": b"x"},
                      mtime=1_500_000_000)
    (root / "bin/run").chmod(0o700)
    (root / "app.py").chmod(0o600)
    built = build_archive("fn", [Source(root)], tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["app.py", "bin/run", "lib/data.json", "lib/util.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [(i.external_attr >> 16) & 0o777 for i in infos] == [0o644, 0o755, 0o644, 0o644]
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_a_changed_file_gives_another_archive(tmp_path):
    root = write_tree(tmp_path / "src", FILES, mtime=1)
    before = build_archive("fn", [Source(root)], tmp_path / "out")
    (root / "lib/util.py").write_bytes(b"X = 2\n")
    after = build_archive("fn", [Source(root)], tmp_path / "out")
    assert after.sha256 != before.sha256 and after.path != before.path
    assert before.path.exists()  # the earlier build stays cached


def test_an_unchanged_package_is_not_rebuilt(tmp_path, monkeypatch):
    root = write_tree(tmp_path / "src", FILES, mtime=1)
    first = build_archive("fn", [Source(root)], tmp_path / "out")

    def must_not_run(*args, **kwargs):
        raise AssertionError("rebuilt an archive whose sources did not change")

    monkeypatch.setattr(packaging, "write_zip", must_not_run)
    os.utime(root / "app.py", (99, 99))  # a touched file is not a changed file
    assert build_archive("fn", [Source(root)], tmp_path / "out") == first


def test_sources_are_merged_and_a_name_from_two_sources_is_refused(tmp_path):
    handler = write_tree(tmp_path / "handler", {"app.py": b"import shared\n"}, mtime=1)
    shared = write_tree(tmp_path / "shared", {"shared.py": b"X = 1\n"}, mtime=1)
    built = build_archive("fn", [Source(handler), Source(shared)], tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        assert archive.namelist() == ["app.py", "shared.py"]
    clash = write_tree(tmp_path / "clash", {"app.py": b"other\n"}, mtime=1)
    with pytest.raises(PackagingError, match="^'app.py' comes from two sources: "):
        build_archive("fn", [Source(handler), Source(clash)], tmp_path / "out")


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "is not a folder"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "package 'fn' has no files"),
])
def test_missing_or_empty_sources_are_refused(tmp_path, make, message):
    with pytest.raises(PackagingError, match=message):
        build_archive("fn", [Source(make(tmp_path))], tmp_path / "out")


def test_the_real_handlers_package_reproducibly(tmp_path):
    for handler, shared in [("image_processor", False), ("api_list_items", True), ("api_create_item", True),
                            ("api_health", False)]:
        sources = [Source(HANDLERS_DIR / handler)] + ([Source(HANDLERS_DIR / "shared")] if shared else [])
        one = build_archive(handler, sources, tmp_path / "one")
        two = build_archive(handler, sources, tmp_path / "two")
        assert one.path.read_bytes() == two.path.read_bytes()
        with zipfile.ZipFile(one.path) as archive:
            names = archive.namelist()
        assert "app.py" in names and ("ssm_parameters.py" in names) == shared


# -- the layer ------------------------------------------------------------------------------------------

def test_the_layer_is_installed_as_binary_wheels_for_the_lambda_platform(tmp_path):
    command = pip_install_command(SPEC, tmp_path / "python")
    assert command[1:4] == ["-m", "pip", "install"]
    for option in (["--only-binary=:all:"], ["--implementation", "cp"], ["--python-version", "3.14"],
                   ["--platform", "manylinux_2_28_x86_64"], ["--target", str(tmp_path / "python")]):
        assert any(command[i:i + len(option)] == option for i in range(len(command))), option
    assert command[-1] == "pillow==13.0.0"


def test_the_layer_targets_the_functions_runtime_and_pins_the_tested_pillow():
    assert LAMBDA_RUNTIME == f"python{SPEC.python_version}"
    pinned = read_requirements(LAYERS_DIR / "image_library" / "requirements.txt")
    dev = [line.strip() for line in (REPO / "requirements-dev.in").read_text().splitlines()]
    locked = [line.split()[0] for line in (REPO / "requirements-dev.txt").read_text().splitlines()
              if line and not line[0].isspace() and not line.startswith("#")]
    assert pinned == SPEC.requirements and pinned[0] in dev and pinned[0] in locked


class FakePip:
    """Stands in for `pip install --target`: writes a package, or fails like pip offline."""

    def __init__(self, returncode: int = 0, stderr: str = "") -> None:
        self.returncode, self.stderr, self.calls = returncode, stderr, []

    def __call__(self, command: List[str]) -> subprocess.CompletedProcess:
        self.calls.append(command)
        if self.returncode == 0:
            target = Path(command[command.index("--target") + 1])
            write_tree(target, {"PIL/__init__.py": b"# pillow\n", "bin/tool": b"x"}, mtime=5)
        return subprocess.CompletedProcess(command, self.returncode, "", self.stderr)


def test_the_layer_zip_holds_the_packages_under_python_and_pip_runs_once(tmp_path):
    pip = FakePip()
    built = build_layer(SPEC, tmp_path / "out", run=pip)
    with zipfile.ZipFile(built.path) as archive:
        assert archive.namelist() == ["python/PIL/__init__.py"]  # console scripts dropped
    again = build_layer(SPEC, tmp_path / "out", run=pip)
    assert again == built and len(pip.calls) == 1  # cached by requirements + platform + Python


def test_a_failed_pip_install_says_what_to_do(tmp_path):
    pip = FakePip(returncode=1, stderr="WARNING: Retrying...\nERROR: Could not find a version that satisfies "
                                      "the requirement pillow==13.0.0 (from versions: none)\n"
                                      "ERROR: No matching distribution found for pillow==13.0.0\n")
    with pytest.raises(PackagingError) as raised:
        build_layer(SPEC, tmp_path / "out", run=pip)
    assert str(raised.value) == (
        "could not build the Lambda layer 'image-library': pip could not install pillow==13.0.0 for Python 3.14 "
        "on manylinux_2_28_x86_64. Is PyPI reachable? To build offline, point REFERENCE_STACK_LAYER_SOURCE at a "
        "folder that holds the packages. pip said: WARNING: Retrying... | ERROR: Could not find a version that "
        "satisfies the requirement pillow==13.0.0 (from versions: none) | ERROR: No matching distribution found "
        "for pillow==13.0.0")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_pip_that_cannot_start_is_a_packaging_error(tmp_path):
    def missing(command):
        raise FileNotFoundError(2, "No such file or directory", command[0])

    with pytest.raises(PackagingError, match="^could not build the Lambda layer 'image-library': pip did not run "):
        build_layer(SPEC, tmp_path / "out", run=missing)


def test_real_pip_without_an_index_fails_with_the_clear_message(tmp_path):
    """The real pip, offline (`--no-index`): no download, the same clear error."""
    with pytest.raises(PackagingError, match=r"pip could not install pillow==13\.0\.0 .* Is PyPI reachable\?"):
        build_layer(SPEC, tmp_path / "out", pip_args=["--no-index"])


def test_the_layer_from_a_local_folder_is_reproducible_and_needs_no_pip(tmp_path, monkeypatch):
    local = write_tree(tmp_path / "wheels", {"PIL/__init__.py": b"# offline\n"}, mtime=3)
    pip = FakePip(returncode=1)
    monkeypatch.setenv(LAYER_SOURCE_ENV, str(local))
    from_env = build_layer(SPEC, tmp_path / "one", run=pip)
    monkeypatch.delenv(LAYER_SOURCE_ENV)
    given = build_layer(SPEC, tmp_path / "two", local_source=local, run=pip)
    assert pip.calls == []
    assert from_env.path.read_bytes() == given.path.read_bytes()
    with zipfile.ZipFile(given.path) as archive:
        assert archive.namelist() == ["python/PIL/__init__.py"]
