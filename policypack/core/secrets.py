"""Values that arrived secret-marked: usable in every check, never shown.

The engine sends an analyzer its properties with secrets marked. The evaluation core keeps that
mark on the plain property tree: a secret string becomes a `SecretStr` (a `str` in every way that
matters to a check - equality, hashing, `startswith`, regexes, JSON), a secret number a
`SecretFloat` / `SecretInt`. `props.show()` renders them as `[secret]`, so a rule that quotes
values through `show()` never quotes a secret. Values derived from a secret by the pack's own
readers (the statements of a secret policy document, the parts of a secret ARN) are marked too.

Booleans cannot carry the mark (`bool` cannot be subclassed) and stay plain; `null` and unknowns
have no value to hide.

`Redactor` is the net under that: the core gives it every secret value of what a policy saw and
runs every message through it, so a value that a rule copied into a message some other way (an
f-string, a `.strip()`ed copy) is replaced by `[secret]` too.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, List, Set, Tuple

SECRET_TEXT = "[secret]"


class SecretStr(str):
    """A string that arrived secret-marked."""

    __slots__ = ()

    def __repr__(self) -> str:  # a stray `{value!r}` shows the mark, not the value
        return repr(SECRET_TEXT)

    def __reduce__(self):
        return (SecretStr, (str(self),))


class SecretFloat(float):
    """A number that arrived secret-marked (the engine sends every number as a float)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return SECRET_TEXT

    __str__ = __repr__

    def __reduce__(self):
        return (SecretFloat, (float(self),))


class SecretInt(int):
    """An integer parsed from a secret document (e.g. a policy JSON)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return SECRET_TEXT

    __str__ = __repr__

    def __reduce__(self):
        return (SecretInt, (int(self),))


SECRET_TYPES = (SecretStr, SecretFloat, SecretInt)


def is_secret(value: Any) -> bool:
    return isinstance(value, SECRET_TYPES)


def mark_secret(value: Any, found: List[str] | None = None) -> Any:
    """`value` with every string and number in it marked secret (containers copied).

    Secret strings are appended to `found` when given (what the `Redactor` needs).
    """
    kind = type(value)
    if kind is str or kind is SecretStr:
        marked = value if kind is SecretStr else SecretStr(value)
        if found is not None:
            found.append(marked)
        return marked
    if kind is float:
        return SecretFloat(value)
    if kind is int:
        return SecretInt(value)
    if kind is dict:
        return {k: mark_secret(v, found) for k, v in value.items()}
    if kind is list:
        return [mark_secret(v, found) for v in value]
    return value  # bool, None, UNKNOWN, assets, already-marked numbers


def like(source: Any, derived: Any) -> Any:
    """`derived`, marked secret when `source` is: for values a reader computes from a secret."""
    if is_secret(source):
        return mark_secret(derived)
    return derived


def contains_secret(value: Any, _depth: int = 0) -> bool:
    if is_secret(value):
        return True
    if _depth > 200:
        return False
    if isinstance(value, dict):
        return any(contains_secret(v, _depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(contains_secret(v, _depth + 1) for v in value)
    return False


# -- the net under every message ------------------------------------------------------------------

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\'\n]*\'')  # "json" or 'repr' quoting
RAW_MIN = 6  # shorter secrets are redacted only where a message quotes them ("..."): "dev" is a word too
_PREFIX = 4


class Redactor:
    """Replaces every secret value a message contains by `[secret]`, in linear time.

    Quoted occurrences (`"value"`, as `show()` renders a string, or `'value'`, as `repr` does) are
    redacted whatever the length;
    bare occurrences of secrets of at least `RAW_MIN` characters are redacted too, case-insensitively,
    also in their trimmed and JSON-escaped forms. Strings found inside a secret JSON document
    (`inner`) are redacted where quoted only: bare, "Allow" or "Resource" are words of the message.
    """

    def __init__(self, secrets: Iterable[str] = (), inner: Iterable[str] = ()) -> None:
        self._quoted: Set[str] = set()
        self._raw: Dict[str, List[str]] = {}
        for value in secrets:
            self._add(value, raw=True)
            for nested in _json_strings(value):
                self._add(nested, raw=False)
        for value in inner:
            self._add(value, raw=False)
        for bucket in self._raw.values():
            bucket.sort(key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._quoted)

    def _add(self, value: str, raw: bool) -> None:
        for form in {str(value), str(value).strip()}:
            if not form:
                continue
            self._quoted.add(form.casefold())
            if raw and len(form) >= RAW_MIN:
                for text in {form, json.dumps(form, ensure_ascii=False)[1:-1]}:
                    folded = text.casefold()
                    if len(folded) == len(text):
                        self._raw.setdefault(folded[:_PREFIX], []).append(folded)

    def __call__(self, message: str) -> str:
        if not self._quoted or not message:
            return message
        spans = self._quoted_spans(message) + self._raw_spans(message)
        if not spans:
            return message
        return _replace(message, spans)

    def _quoted_spans(self, message: str) -> List[Tuple[int, int]]:
        spans = []
        for match in _QUOTED.finditer(message):
            literal = match.group(0)
            try:
                text = json.loads(literal) if literal[0] == '"' else literal[1:-1]
            except ValueError:
                text = literal[1:-1]
            if isinstance(text, str) and (text.casefold() in self._quoted or text.strip().casefold() in self._quoted):
                spans.append(match.span())
        return spans

    def _raw_spans(self, message: str) -> List[Tuple[int, int]]:
        if not self._raw:
            return []
        folded = message.casefold()
        if len(folded) != len(message):  # case folding changed lengths: compare as written
            folded = message
        spans = []
        i, end = 0, len(folded) - RAW_MIN + 1
        while i < end:
            bucket = self._raw.get(folded[i:i + _PREFIX])
            if bucket:
                for form in bucket:
                    if folded.startswith(form, i):
                        spans.append((i, i + len(form)))
                        i += len(form) - 1
                        break
            i += 1
        return spans


def _replace(message: str, spans: List[Tuple[int, int]]) -> str:
    out, last = [], 0
    for start, stop in sorted(spans):
        if start < last:  # overlaps a span already replaced
            if stop > last:
                last = stop
            continue
        out.append(message[last:start])
        out.append(SECRET_TEXT)
        last = stop
    out.append(message[last:])
    return "".join(out)


def _json_strings(value: str) -> List[str]:
    """The strings inside `value` when it is a JSON object or array (a secret policy document)."""
    text = value.strip()
    if not text or text[0] not in "{[":
        return []
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return []
    found: List[str] = []
    stack = [parsed]
    while stack and len(found) < 10_000:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
