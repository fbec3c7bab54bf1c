"""Plain, safe views of resource properties.

`pulumi_policy` hands policies a read-only proxy that raises `UnknownValueError` on any access to
a value not known during preview (and `in`, `.get`, `dict()` all access values). Rules instead work
on a plain tree made once per resource, where every unknown value is the `UNKNOWN` marker: a rule
can then check what is known and skip, on purpose, only what needs the unknown part.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Union

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    _DictProxy,
    _ListProxy,
)
from pulumi_policy.secret import Secret

from .secrets import SECRET_TEXT, is_secret, mark_secret

UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


class _Unknown:
    """A value the engine does not know yet (preview). Falsy, equal only to itself."""

    _instance: "_Unknown | None" = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<unknown>"

    def __reduce__(self):  # keep the singleton across copy/pickle
        return (_Unknown, ())


UNKNOWN = _Unknown()

Tree = Any
Path = Union[str, Sequence[Union[str, int]]]


def plain(value: Any) -> Tree:
    """Copy a property value into plain dicts/lists, unknown sentinels becoming `UNKNOWN`.

    Accepts the policy proxies, secret wrappers (whose values stay marked secret: see `secrets`),
    plain JSON-like values and Pulumi assets. Never raises on well-formed or ill-formed input:
    unexpected leaf objects are kept as they are.
    """
    if isinstance(value, (_DictProxy, _ListProxy)):
        value = value["__target"]  # the proxy's raw container: no unknown check on access
    if isinstance(value, Secret):
        return mark_secret(plain(value.value))
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in _raw_items(value)}
    if isinstance(value, (list, tuple, _ListProxy)):
        return [plain(v) for v in _raw_list(value)]
    return value


def _raw_items(mapping: Mapping) -> list:
    try:
        return list(mapping.items())
    except Exception:  # a proxy-like mapping that checks on access: fall back to its keys only
        return [(k, UNKNOWN) for k in list(mapping)]


def _raw_list(seq: Any) -> list:
    if isinstance(seq, _ListProxy):
        return list(seq["__target"])
    return list(seq)


def _segments(path: Path) -> Sequence:
    if isinstance(path, str):
        return parsed_path(path)
    return path


@functools.lru_cache(maxsize=4096)
def parsed_path(path: str) -> tuple:
    """`a.b.0` -> ("a", "b", 0); rules read the same few paths on every resource."""
    return tuple(int(s) if s.isdigit() else s for s in path.split(".") if s != "")


def get(tree: Tree, path: Path, default: Any = None) -> Any:
    """Read `a.b.0.c` from a plain tree.

    Returns `UNKNOWN` as soon as the walk meets an unknown value (the value *may* exist),
    `default` when a step is missing or of the wrong type (the value does not exist).
    """
    if type(path) is str and "." not in path and not path.isdigit():  # one key: most reads, made cheap
        if type(tree) is dict:
            return tree.get(path, default)
        return UNKNOWN if tree is UNKNOWN else default
    current = tree
    for segment in _segments(path):
        if current is UNKNOWN:
            return UNKNOWN
        if isinstance(current, dict) and isinstance(segment, str):
            if segment not in current:
                return default
            current = current[segment]
        elif isinstance(current, list) and isinstance(segment, int):
            if segment >= len(current):
                return default
            current = current[segment]
        else:
            return default
    return current


def as_list(value: Any) -> Any:
    """Normalise the AWS "string or list of strings" shape: a str becomes [str]; UNKNOWN stays."""
    if value is None:
        return []
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, list):
        return value
    return [value]


def as_int(value: Any) -> Any:
    """Numbers arrive as floats from the engine: 100.0 -> 100. UNKNOWN stays; anything else -> None."""
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def show(value: Any, limit: int = 80) -> str:
    """Render a value for a violation message: JSON-like, quoted, cut at `limit` characters.

    A value that arrived secret-marked (or a container holding one) is rendered as `[secret]`.
    Rules never pass the values of secret-bearing properties here (environment values, parameter
    values, passwords, tokens), marked or not.
    """
    if value is UNKNOWN:
        return "<unknown>"
    if is_secret(value):
        return SECRET_TEXT
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)  # escapes newlines and quotes: one line per value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and math.isfinite(value) and value == int(value):
        text = str(int(value))
    elif value is None:
        text = "null"
    else:
        text = repr(value)  # a secret inside a container has a repr of `[secret]`
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
