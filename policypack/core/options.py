"""Reading policy-config options the same way in every rule."""

from __future__ import annotations

from typing import Any, FrozenSet, Mapping


def allow_list(config: Mapping[str, Any], key: str) -> FrozenSet[str]:
    """The non-empty strings of a list option (`publicFunctions`, ...), stripped; anything else is ignored."""
    value = config.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return frozenset()
    return frozenset(v.strip() for v in value if isinstance(v, str) and v.strip())


def allow_list_option(description: str) -> dict:
    """The config-schema entry of an allow-list option (defaults to an empty list)."""
    return {"type": "array", "items": {"type": "string"}, "default": [], "description": description}
