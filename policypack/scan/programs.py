"""Scanning a Pulumi Python program: run it under mocks, then point each resource at its source line.

The program runs in its own interpreter (`engine.program.run_program`), in preview mode by default
(IDs and ARNs unknown, as in `pulumi preview`) or as an update. Its stack config comes from
`Pulumi.yaml`, `Pulumi.<stack>.yaml` and `--config`, and the policies see the same config.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Sequence, Tuple
from urllib.parse import unquote, urlparse

from ..engine.model import ResourceState
from ..engine.program import ProgramError, read_project, run_program
from ..engine.project import project_file
from ..engine.runner import DEFAULT_TIMEOUT
from .readers import ScanInputError, ScanTarget

SKIP_DIRS = {".venv", "venv", "env", "node_modules", "__pycache__", ".git", "build", "dist", ".build", ".tox"}
MAX_SOURCE_FILES = 500
_STRING_LITERAL = re.compile(r"""(?<![\w])[rRbBuU]?(["'])((?:(?!\1)[^\\\n])+)\1""")


def is_program_dir(path: Path) -> bool:
    return path.is_dir() and project_file(path) is not None


def read_program(path: Path, stack: str, preview: bool, config: Mapping[str, str],
                 timeout: float = DEFAULT_TIMEOUT, pass_env: Sequence[str] = ()) -> ScanTarget:
    try:
        project = read_project(path)
        main_file = main_file_of(path, project)
        if not main_file.is_file():
            shown = main_file.relative_to(path) if main_file.is_relative_to(path) else main_file
            raise ProgramError(f"{path}: no {shown} to run")
        captured = run_program(path, stack=stack, preview=preview, config_overrides=dict(config),
                               timeout=timeout, pass_env=pass_env)
    except ProgramError as err:
        raise ScanInputError(_one_line(f"{path}: {err}" if str(path) not in str(err) else str(err))) from None
    target = ScanTarget(
        path=path, kind="program", project=captured.project, stack=captured.stack, dry_run=captured.preview,
        resources=captured.resources, stack_config=dict(captured.config), artifact=main_file,
        secret_keys=frozenset(captured.secret_keys),
    )
    target.locations = source_locations(path, main_file, captured.resources, captured.stack)
    return target


def main_file_of(project_dir: Path, project: Mapping[str, object]) -> Path:
    main = project_dir / str(project.get("main") or "")
    return main / "__main__.py" if main.is_dir() else main


def source_files(project_dir: Path, main_file: Path) -> Iterator[Path]:
    """The program's Python files, `__main__.py` first; virtualenvs and build output skipped."""
    yield main_file
    count = 0
    for root, dirs, files in os.walk(project_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.endswith(".py") and path != main_file:
                count += 1
                if count > MAX_SOURCE_FILES:
                    return
                yield path


def source_locations(project_dir: Path, main_file: Path, resources: Sequence[ResourceState],
                     stack: str = "dev") -> Dict[str, Tuple[Path, int]]:
    """URN -> (file, line) where the program declares the resource.

    The SDK sends the line of the constructor call with each registration (`sourcePosition`); when
    the runner recorded it (`source_position`), that line is used. Otherwise the first string
    literal equal to the resource's logical name, which misses names built at run time (an
    f-string, a loop): those, and the stack itself, point at `__main__.py` line 1.
    """
    project_root = project_dir.resolve()
    first: Optional[Dict[str, Tuple[Path, int]]] = None
    out: Dict[str, Tuple[Path, int]] = {}
    for state in resources:
        if state.type == "pulumi:pulumi:Stack":
            out[state.urn] = (main_file, 1)
            continue
        if state.type.startswith("pulumi:providers:") and (state.name == "default" or state.name.startswith("default_")):
            configured = config_line(project_dir, stack, state.type.split(":")[-1])
            if configured is not None:  # a default provider is made of the stack's `<package>:*` config
                out[state.urn] = configured
                continue
        declared = declared_at(getattr(state, "source_position", ""), project_root)
        if declared is not None:
            out[state.urn] = declared
            continue
        if first is None:
            first = _first_literals(project_dir, main_file)
        if state.name in first:
            out[state.urn] = first[state.name]
    return out


def config_line(project_dir: Path, stack: str, package: str) -> Optional[Tuple[Path, int]]:
    """The first `<package>:<key>:` line of `Pulumi.<stack>.yaml`, else of `Pulumi.yaml`."""
    key = re.compile(rf"^\s*{re.escape(package)}:[A-Za-z0-9_]+\s*:")
    for name in (f"Pulumi.{stack}.yaml", "Pulumi.yaml", "Pulumi.yml"):
        path = project_dir / name
        if not path.is_file():
            continue
        for number, line in _lines(path):
            if key.match(line):
                return path, number
    return None


def _lines(path: Path) -> Iterator[Tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    yield from enumerate(text.splitlines(), start=1)


def declared_at(position: str, project_root: Path) -> Optional[Tuple[Path, int]]:
    """`file:///.../storage.py#8` (or `#8,5`) -> (path, 8), if the file is part of the project."""
    uri, _, where = (position or "").rpartition("#")
    line = where.split(",")[0]
    if not uri.startswith("file://") or not line.isdigit() or int(line) < 1:
        return None
    path = Path(unquote(urlparse(uri).path))
    try:
        path.resolve().relative_to(project_root)
    except (ValueError, OSError):
        return None  # the SDK's own frames, a virtualenv outside the project
    return path, int(line)


def _first_literals(project_dir: Path, main_file: Path) -> Dict[str, Tuple[Path, int]]:
    first: Dict[str, Tuple[Path, int]] = {}
    for path in source_files(project_dir, main_file):
        for literal, line in _literals(path):
            first.setdefault(literal, (path, line))
    return first


def _literals(path: Path) -> Iterator[Tuple[str, int]]:
    for number, line in _lines(path):
        if "'" in line or '"' in line:
            for match in _STRING_LITERAL.finditer(line):
                yield match.group(2), number


def _one_line(text: str) -> str:
    return " ".join(text.split())


def config_overrides(items: Optional[list]) -> Dict[str, str]:
    """`--config key=value` options (a bare key is namespaced with the project, as in Pulumi)."""
    out: Dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ScanInputError(f"--config {item!r}: expected KEY=VALUE (e.g. aws:region=us-west-2)")
        out[key.strip()] = value
    return out
