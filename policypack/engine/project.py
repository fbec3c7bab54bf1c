"""A Pulumi project on disk: `Pulumi.yaml`, its stack config, and what running it recorded.

Project files are read safely (regular files of bounded size, UTF-8) and a project whose runtime is
not Python is refused with the way to scan it instead: the program runner runs Python only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import files
from .model import ResourceState

MAX_PROJECT_FILE_BYTES = 1024 * 1024
# What a secure config value (`secure: <ciphertext>`) holds offline: the engine's unknown. The
# scanner has no key to decrypt it; the program gets it as a secret whose value is not known.
UNKNOWN_SECRET_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi.runtime.rpc.UNKNOWN


class ProgramError(Exception):
    """The program could not be run: its own error, or not a Pulumi Python project."""


@dataclass
class CapturedStack:
    project: str
    stack: str
    preview: bool
    resources: List[ResourceState] = field(default_factory=list)
    outputs: Dict[str, Any] = field(default_factory=dict)
    config: Dict[str, str] = field(default_factory=dict)
    secret_keys: List[str] = field(default_factory=list)  # config keys whose values are secrets

    def to_json(self) -> Dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "preview": self.preview,
            "resources": [r.to_json() for r in self.resources],
            "outputs": self.outputs,
            "config": self.config,
            "secretKeys": list(self.secret_keys),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "CapturedStack":
        return cls(
            project=data["project"],
            stack=data["stack"],
            preview=data["preview"],
            resources=[ResourceState.from_json(r) for r in data["resources"]],
            outputs=dict(data.get("outputs") or {}),
            config=dict(data.get("config") or {}),
            secret_keys=list(data.get("secretKeys") or []),
        )


# -- Pulumi.yaml ------------------------------------------------------------------------------------

def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        text = files.read_text(path, MAX_PROJECT_FILE_BYTES)
    except files.UnreadableFile as err:
        raise ProgramError(f"{path}: {err}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ProgramError(f"{path}: not valid YAML ({err.__class__.__name__})") from None
    except RecursionError:
        raise ProgramError(f"{path}: YAML nested too deeply to read") from None


def project_file(project_dir: Path) -> Optional[Path]:
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        path = project_dir / name
        if path.exists() and not path.is_dir():
            return path
    return None


def runtime_name(project: Mapping[str, Any]) -> str:
    """`runtime: python` or `runtime: {name: python, options: ...}`; "" when missing."""
    runtime = project.get("runtime")
    if isinstance(runtime, dict):
        runtime = runtime.get("name")
    return runtime.strip().lower() if isinstance(runtime, str) else ""


def read_project(project_dir: Path) -> Dict[str, Any]:
    path = project_file(project_dir)
    if path is None:
        raise ProgramError(f"{project_dir}: not a Pulumi project (no Pulumi.yaml)")
    data = _load_yaml(path) or {}
    if not isinstance(data, dict) or not data.get("name"):
        raise ProgramError(f"{path}: has no project `name`")
    runtime = runtime_name(data)
    if runtime != "python":
        what = f"a {runtime} program" if runtime else "a program without a `runtime`"
        raise ProgramError(
            f"{project_dir}: {what} - program mode runs Pulumi Python programs only; to scan it, run "
            "`pulumi preview --json > preview.json` in it and `policypack scan preview.json` "
            "(or scan a `pulumi stack export` of its stack)"
        )
    return data


# -- stack config -----------------------------------------------------------------------------------

def _config_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def stack_config(project_dir: Path, project: Dict[str, Any], stack: str,
                 overrides: Optional[Mapping[str, str]] = None) -> Tuple[Dict[str, str], List[str]]:
    """(config, secret keys): project defaults, then `Pulumi.<stack>.yaml`, then `--config`.

    Keys are namespaced (`project:key`). A `secure:` value is a secret the scanner cannot decrypt:
    its key is a secret key and its value the engine's unknown.
    """
    name = project["name"]

    def full(key: str) -> str:
        return key if ":" in key else f"{name}:{key}"

    config: Dict[str, str] = {}
    secret: List[str] = []
    for key, spec in (project.get("config") or {}).items():
        if isinstance(spec, dict):
            if "value" in spec:
                config[full(key)] = _config_value(spec["value"])
            elif "default" in spec:
                config[full(key)] = _config_value(spec["default"])
        elif spec is not None:
            config[full(key)] = _config_value(spec)
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if stack_file.exists():
        data = _load_yaml(stack_file) or {}
        values = data.get("config") if isinstance(data, dict) else None
        for key, value in (values if isinstance(values, dict) else {}).items():
            if isinstance(value, dict) and set(value) == {"secure"}:
                secret.append(full(key))
                value = UNKNOWN_SECRET_VALUE
            config[full(key)] = _config_value(value)
    for key, value in (overrides or {}).items():
        config[full(key)] = value  # a secure key given a value here stays a secret, now a known one
    return config, sorted(secret)
