"""What the rules read, taken from their own source: the keys, paths and values random trees use.

Random property trees only find bugs when they reach the code that reads them, so generation is
biased toward the strings each rule's module mentions (`vpcConfig.subnetIds`, `"Active"`,
`"aws:kms"`...). They are read from the source with `ast`, so the tests follow the rules as they
change and need no list kept by hand.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Iterator, List, Optional, Tuple

PACKAGE = Path(__file__).resolve().parents[2] / "policypack"

PATH_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+))*$")

# Paths most resources have, and that the pack's shared readers look at.
COMMON_PATHS = ("name", "arn", "id", "tags", "policy", "assumeRolePolicy", "inlinePolicies.0.policy",
                "inlinePolicies.0.name")

# What the IAM reader and most rules look at, whatever module they live in.
COMMON_KEYS = (
    "name", "arn", "id", "bucket", "policy", "tags", "region", "description", "type", "value",
    "Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
    "NotPrincipal", "Condition", "Sid", "Service", "AWS",
)


# Helpers every rule imports whose strings say nothing about what a rule reads.
SKIPPED_HELPERS = ("rule.py", "props.py")


def _module_strings(tree: ast.AST) -> Iterator[str]:
    """String constants of a module, except docstrings and the literal parts of f-strings."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.value


def _data_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _data_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _data_strings(v)


@lru_cache(maxsize=None)
def strings_of_file(path: Path) -> Tuple[str, ...]:
    try:
        text = path.read_text()
    except OSError:
        return ()
    if path.suffix == ".py":
        try:
            return tuple(dict.fromkeys(_module_strings(ast.parse(text))))
        except SyntaxError:
            return ()
    if path.suffix == ".json":
        try:
            return tuple(dict.fromkeys(_data_strings(json.loads(text))))
        except ValueError:
            return ()
    return tuple(dict.fromkeys(re.findall(r"[A-Za-z0-9_.:/*-]{2,60}", text)))


def _short(strings: Any) -> List[str]:
    return [s for s in strings if 0 < len(s) <= 100 and "\n" not in s]


def _source_path(module_name: str) -> Optional[Path]:
    module = sys.modules.get(module_name)
    try:
        return Path(inspect.getsourcefile(module)) if module is not None else None
    except TypeError:
        return None


def _imported_pack_modules(path: Path) -> Iterator[Path]:
    """The files of this pack a module imports relatively (`from ..core.iam import ...`)."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            target = base.joinpath(*(node.module or "").split("."))
            for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                if candidate.is_file() and PACKAGE in candidate.parents:
                    yield candidate


@lru_cache(maxsize=None)
def module_strings(module_name: str) -> Tuple[str, ...]:
    """The strings of a rule's module and of the pack modules it imports (its helpers read paths too)."""
    path = _source_path(module_name)
    if path is None:
        return ()
    files = [path, *(p for p in _imported_pack_modules(path) if p.name not in SKIPPED_HELPERS)]
    return tuple(dict.fromkeys(s for f in files for s in _short(strings_of_file(f))))


@lru_cache(maxsize=None)
def pack_strings() -> Tuple[str, ...]:
    """Every short string of the rules, the core helpers and the rule data (runtimes, regions...)."""
    out: List[str] = []
    for folder in ("rules", "core", "data"):
        for path in sorted((PACKAGE / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".json", ".csv", ".txt"):
                out.extend(_short(strings_of_file(path)))
    return tuple(dict.fromkeys(out))


# Words that look like paths but are config-schema or IAM-document vocabulary, not resource properties.
NOT_PATHS = frozenset({"array", "boolean", "string", "number", "integer", "null", "object", "default",
                       "description", "items", "minimum", "maximum", "true", "false"})


def paths_of(strings: Any) -> FrozenSet[str]:
    """The strings that look like camelCase property paths (`vpcConfig.subnetIds`, `runtime`);
    capitalised words (`Statement`, `Effect`) belong to IAM documents, which are generated whole."""
    return frozenset(s for s in strings if PATH_RE.match(s) and len(s) <= 60 and ":" not in s
                     and s[0].islower() and s not in NOT_PATHS)


def keys_of(paths: Any) -> FrozenSet[str]:
    return frozenset(seg for p in paths for seg in p.split(".") if not seg.isdigit())


def policy_module(policy: Any) -> str:
    return getattr(policy.check, "__module__", "") or ""


@lru_cache(maxsize=None)
def module_source(module_name: str) -> str:
    path = _source_path(module_name)
    try:
        return path.read_text() if path is not None else ""
    except OSError:
        return ""


@lru_cache(maxsize=None)
def check_strings(policy: Any) -> Tuple[str, ...]:
    """The strings of a policy's own `check` and of the module functions it calls by name: the
    paths this one rule reads, as opposed to its module's other rules."""
    check = getattr(policy, "check", None)
    module = sys.modules.get(getattr(check, "__module__", "") or "")
    functions, seen, out = [check], set(), []
    while functions:
        function = functions.pop()
        if function is None or id(function) in seen:
            continue
        seen.add(id(function))
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        except (OSError, TypeError, SyntaxError):
            continue
        out.extend(_short(_module_strings(tree)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and module is not None:
                called = getattr(module, node.func.id, None)
                if inspect.isfunction(called) and called.__module__ == module.__name__ and len(seen) < 12:
                    functions.append(called)
    return tuple(dict.fromkeys(out))
