"""Deterministic Lambda packages, built by the program itself and cached by content.

Same sources -> a byte-identical zip (and so the same `source_code_hash`): entries are sorted,
every timestamp is 1980-01-01, permissions are normalised (0644, or 0755 when the source is
executable), compression is fixed. Each archive is written once to the build directory under a
name that carries the hash of its inputs, so a `pulumi preview` does not rebuild what did not
change.

Plain Python (no Pulumi import): the Pulumi side is in `artifacts.py`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755
COMPRESS_LEVEL = 9
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", "tests"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")
SKIPPED_NAMES = frozenset({".DS_Store"})

# Bump when the archive layout changes, so cached archives of the old layout are not reused.
BUILDER_VERSION = "1"

LAYER_SOURCE_ENV = "REFERENCE_STACK_LAYER_SOURCE"  # offline: a folder of packages for the layer
BUILD_DIR_ENV = "REFERENCE_STACK_BUILD_DIR"  # where archives are cached (default: reference_stack/.build)

Entry = Tuple[str, Path]  # (name inside the archive, file on disk)
PipRunner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


class PackagingError(Exception):
    """A package could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class Source:
    """A folder whose files go into an archive under `prefix` (e.g. "python" for a layer)."""

    root: Path
    prefix: str = ""


@dataclass(frozen=True)
class BuiltArchive:
    path: Path
    sha256: str  # hex digest of the zip file

    @property
    def source_code_hash(self) -> str:
        """What Lambda reports as `CodeSha256`: the base64 SHA-256 of the zip."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


# -- collecting files -----------------------------------------------------------------------------

def _skipped(relative: Path) -> bool:
    if any(part in SKIPPED_DIRS for part in relative.parts[:-1]):
        return True
    return relative.name in SKIPPED_NAMES or relative.suffix in SKIPPED_SUFFIXES


def collect_entries(sources: Iterable[Source]) -> List[Entry]:
    """Every file of the sources as (archive name, path), sorted; the same name twice is an error."""
    entries = {}
    for source in sources:
        root = Path(source.root)
        if not root.is_dir():
            raise PackagingError(f"package source {root} is not a folder")
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            relative = path.relative_to(root)
            if _skipped(relative):
                continue
            name = "/".join(filter(None, [source.prefix.strip("/"), relative.as_posix()]))
            if name in entries:
                raise PackagingError(f"{name!r} comes from two sources: {entries[name]} and {path}")
            entries[name] = path
    return sorted(entries.items())


def _mode(path: Path) -> int:
    return EXECUTABLE_MODE if path.stat().st_mode & stat.S_IXUSR else FILE_MODE


def content_key(entries: Sequence[Entry], salt: str = "") -> str:
    """A hash of everything that ends up in the archive: names, normalised modes, bytes."""
    digest = hashlib.sha256(f"{BUILDER_VERSION}\0{salt}\0".encode())
    for name, path in entries:
        digest.update(f"{name}\0{_mode(path):o}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# -- writing the zip ------------------------------------------------------------------------------

def write_zip(entries: Sequence[Entry], destination: Path) -> None:
    """Write a reproducible zip: the bytes depend only on the entries' names, modes and contents."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=destination.name, suffix=".tmp", dir=destination.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w") as archive:
            for name, path in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
                info.create_system = 3  # unix, so the mode below is honoured on every OS
                info.external_attr = (stat.S_IFREG | _mode(path)) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED,
                                 compresslevel=COMPRESS_LEVEL)
        os.chmod(tmp_name, FILE_MODE)  # mkstemp makes it private; the archive is no secret
        os.replace(tmp_name, destination)  # atomic: a reader never sees half an archive
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def default_build_dir() -> Path:
    configured = os.environ.get(BUILD_DIR_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / ".build"


def _cached_or_built(name: str, key: str, build_dir: Path, build: Callable[[Path], None]) -> BuiltArchive:
    path = Path(build_dir) / f"{name}-{key[:20]}.zip"
    if not path.is_file():
        build(path)
    return BuiltArchive(path=path, sha256=sha256_of(path))


# -- function archives ----------------------------------------------------------------------------

def build_archive(name: str, sources: Sequence[Source], build_dir: Optional[Path] = None) -> BuiltArchive:
    """A function package from its handler folder (plus shared code), cached by content."""
    entries = collect_entries(sources)
    if not entries:
        raise PackagingError(f"package {name!r} has no files")
    key = content_key(entries)
    return _cached_or_built(name, key, build_dir or default_build_dir(), lambda path: write_zip(entries, path))


# -- the layer ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerSpec:
    """Which packages a layer holds and for which Lambda platform they are installed."""

    name: str
    requirements: Tuple[str, ...]
    python_version: str  # "3.13": the runtime the layer is for
    platforms: Tuple[str, ...] = ("manylinux_2_28_x86_64", "manylinux2014_x86_64")

    @property
    def key_salt(self) -> str:
        return "\n".join([*sorted(self.requirements), self.python_version, *self.platforms])


def pip_install_command(spec: LayerSpec, target: Path, extra_args: Sequence[str] = ()) -> List[str]:
    """Binary wheels for the Lambda platform, whatever machine runs the program."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-input", "--no-compile", "--only-binary=:all:", "--implementation", "cp",
               "--python-version", spec.python_version, "--target", str(target),
               "--timeout", "30", "--retries", "1"]
    for platform in spec.platforms:
        command += ["--platform", platform]
    return command + list(extra_args) + list(spec.requirements)


def _run_pip(command: Sequence[str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(list(command), capture_output=True, text=True, timeout=600)


def _pip_failure(spec: LayerSpec, result: "subprocess.CompletedProcess[str]") -> PackagingError:
    said = [line for line in (result.stderr or result.stdout or "").strip().splitlines() if line.strip()]
    tail = " | ".join(said[-3:]) or f"exit status {result.returncode}"
    return PackagingError(
        f"could not build the Lambda layer {spec.name!r}: pip could not install "
        f"{', '.join(spec.requirements)} for Python {spec.python_version} on {spec.platforms[0]}. "
        f"Is PyPI reachable? To build offline, point {LAYER_SOURCE_ENV} at a folder that holds the "
        f"packages. pip said: {tail}"
    )


def _build_layer_with_pip(spec: LayerSpec, destination: Path, run: PipRunner, extra_args: Sequence[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="layer-") as tmp:
        target = Path(tmp) / "python"
        try:
            result = run(pip_install_command(spec, target, extra_args))
        except (OSError, subprocess.SubprocessError) as err:
            raise PackagingError(f"could not build the Lambda layer {spec.name!r}: pip did not run ({err})") from None
        if result.returncode != 0:
            raise _pip_failure(spec, result)
        shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: useless in a layer
        write_zip(collect_entries([Source(target, "python")]), destination)


def build_layer(spec: LayerSpec, build_dir: Optional[Path] = None, local_source: Optional[Path] = None,
                run: PipRunner = _run_pip, pip_args: Sequence[str] = ()) -> BuiltArchive:
    """The layer zip (`python/...`), from PyPI wheels for the Lambda platform or a local folder.

    Cached by what determines its content: the requirements, Python version and platform (pip
    runs only on a cache miss), or the local folder's files.
    """
    build_dir = build_dir or default_build_dir()
    if local_source is None and os.environ.get(LAYER_SOURCE_ENV):
        local_source = Path(os.environ[LAYER_SOURCE_ENV])
    if local_source is not None:
        entries = collect_entries([Source(Path(local_source), "python")])
        if not entries:
            raise PackagingError(f"the layer source {local_source} has no files")
        key = content_key(entries, spec.key_salt)
        return _cached_or_built(spec.name, key, build_dir, lambda path: write_zip(entries, path))
    key = hashlib.sha256(f"{BUILDER_VERSION}\0pip\0{spec.key_salt}".encode()).hexdigest()
    return _cached_or_built(spec.name, key, build_dir,
                            lambda path: _build_layer_with_pip(spec, path, run, pip_args))
