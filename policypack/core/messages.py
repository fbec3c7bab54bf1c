"""Pieces of violation messages that several rules share."""

from __future__ import annotations

from typing import Any, Iterable

from .props import show

MAX_QUOTED = 5  # values quoted in one message before "and N more"
ARN_LIMIT = 200  # characters of an ARN quoted in a message (ARNs run longer than show()'s default)


def quoted(values: Iterable[Any], limit: int = ARN_LIMIT) -> str:
    """`"a", "b", "c", "d", "e" and 2 more`: each value through `show()`, at most MAX_QUOTED of them."""
    values = list(values)
    text = ", ".join(show(v, limit) for v in values[:MAX_QUOTED])
    if len(values) > MAX_QUOTED:
        text += f" and {len(values) - MAX_QUOTED} more"
    return text
