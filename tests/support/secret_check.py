"""Every violating case of every rule, re-run with what its message quotes marked secret.

When a unit test's `analyze` / `analyze_stack` call reports violations whose messages quote a
property value (as `show()` renders it, `"value"`), the call is repeated with every occurrence of
that value marked secret, as the engine sends secrets. The same policies must report the same
number of violations at the same levels, no message may contain the value any more (quoted, or bare
when it has six characters or more), and each message that quoted it must now say `[secret]`. Values inside a JSON document (a policy) are
checked by marking the whole document secret.

Enabled for the unit tests of every rule (`tests/unit/conftest.py`, `tests/stack/conftest.py`).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Callable, Dict, Iterator, List, Tuple

SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
MIN_LENGTH = 2  # a one-character value ("*") is quoted too often by the rules' own advice to tell apart


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and not _is_special(value):
        for child in value.values():
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)


def _is_special(value: Dict[str, Any]) -> bool:
    return "4dabf18193072939515e22adb298388d" in value


def _inner_strings(text: str) -> List[str]:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return []
    try:
        return list(_strings(json.loads(stripped)))
    except ValueError:
        return []


def _mark(value: Any, target: str) -> Any:
    """`value` with every string equal to `target`, or a JSON document quoting it, secret-marked."""
    if isinstance(value, str):
        if value == target or target in _inner_strings(value):
            return {**SECRET_SIG, "value": value}
        return value
    if isinstance(value, dict):
        if _is_special(value):
            return value
        return {k: _mark(v, target) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v, target) for v in value]
    return value


def quoted_values(props_list: List[Any], messages: List[str]) -> List[Tuple[str, bool]]:
    """(value, whether it is a property value rather than a string inside a JSON document) for the
    strings of the properties and of their JSON documents that a message quotes."""
    leaves, inner = set(), set()
    for props in props_list:
        for text in _strings(props):
            leaves.add(text)
            inner.update(_inner_strings(text))
    found = []
    for value in sorted(leaves | inner):
        if len(value) < MIN_LENGTH:
            continue
        if any(form in m for form in _quoted_forms(value) for m in messages):
            found.append((value, value in leaves))
    return found


def _quoted_forms(value: str) -> Tuple[str, str]:
    """How a message quotes a string: `show()`'s JSON form, or a repr inside a container."""
    return json.dumps(value, ensure_ascii=False), repr(value)


def check(run: Callable[[Callable[[Any], Any]], List[Any]], props_list: List[Any], violations: List[Any]) -> None:
    """`run(mark)` repeats the call with `mark` applied to every property tree it sends."""
    messages = [v.message for v in violations]
    for value, is_property_value in quoted_values(props_list, messages):
        rerun = run(lambda props: _mark(props, value))
        assert _shape(rerun) == _shape(violations), (
            f"marking {value!r} secret changed what was reported:\n{rerun}\nvs\n{violations}")
        forms = _quoted_forms(value)
        for before, after in zip(_by_shape(violations), _by_shape(rerun)):
            assert not any(form in after.message for form in forms), f"secret {value!r} quoted: {after.message}"
            # bare, a string from inside a document may be the rule's own word ("scope `s3:PutObject`")
            if is_property_value and len(value) >= 6:
                assert value not in after.message, f"secret {value!r} shown: {after.message}"
            if any(form in before.message for form in forms):
                assert "[secret]" in after.message, f"no [secret] where {value!r} was: {after.message}"


def _shape(violations: List[Any]) -> Counter:
    return Counter((v.policy, v.level, v.urn) for v in violations)


def _by_shape(violations: List[Any]) -> List[Any]:
    # stable: within one policy and resource, messages keep their order; sorting only aligns the groups
    return sorted(violations, key=lambda v: (v.policy, v.level, v.urn))
