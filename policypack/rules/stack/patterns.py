"""Do two IAM-style patterns (`*`, `?`) have a string in common?

Stack rules ask "can this statement's Resource reach that log group / those trigger keys?" where
both sides are patterns: the statement's `arn:aws:s3:::uploads-1/*` against the keys a trigger
fires on (`arn:aws:s3:::uploads-1/incoming/` + anything + `.jpg`). The answer is the emptiness of
the intersection of two glob languages, found on the product of the two patterns (O(len * len)).
"""

from __future__ import annotations

import bisect
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

STAR = object()  # any run of characters
ONE = object()  # any one character
Token = Union[str, object]


def glob(pattern: str) -> List[Token]:
    """Tokens of an IAM pattern: `*` and `?` are wildcards, everything else is literal."""
    return [STAR if c == "*" else ONE if c == "?" else c for c in pattern]


def literal(text: str) -> List[Token]:
    return list(text)


def intersects(a: List[Token], b: List[Token]) -> bool:
    """Some string matches both token lists."""
    stack: List[Tuple[int, int]] = [(0, 0)]
    seen = {(0, 0)}
    end_a, end_b = len(a), len(b)

    def push(state: Tuple[int, int]) -> None:
        if state not in seen:
            seen.add(state)
            stack.append(state)

    while stack:
        i, j = stack.pop()
        if i == end_a and j == end_b:
            return True
        if i < end_a and a[i] is STAR:
            push((i + 1, j))
        if j < end_b and b[j] is STAR:
            push((i, j + 1))
        if i < end_a and j < end_b and _compatible(a[i], b[j]):
            push((i if a[i] is STAR else i + 1, j if b[j] is STAR else j + 1))
    return False


def _compatible(x: Token, y: Token) -> bool:
    if x is STAR or x is ONE or y is STAR or y is ONE:
        return True
    return x == y


def has_policy_variable(pattern: str) -> bool:
    """`${aws:username}` and friends: the value is only known when the request is made."""
    return "${" in pattern


def arn_pattern_reaches(pattern: str, service: str, resource: List[Token]) -> bool:
    """Can the statement Resource `pattern` match an ARN of `service` whose resource part matches
    `resource`? Region and account are not checked (the stack's are not known to a rule); the
    resource part is compared segment-true, so `log-group:/aws/lambda/a:*` never reaches `.../b`.
    """
    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        if not intersects(glob(parts[2]), literal(service)):
            return False
        return intersects(glob(parts[5]), resource)
    # a shorter pattern such as `arn:aws:s3:*`: compare the whole string
    whole = literal(f"arn:aws:{service}:") + [STAR, ":", STAR, ":"] + resource
    return intersects(glob(pattern), whole)


# Stands for a name or filter not known yet: no literal matches it, so only a wildcard reaches it
# (a preview never guesses that an unknown name equals a known one).
MARKER = "\x00" * 64


def trigger_keys(bucket: Optional[str], prefix: Optional[str], suffix: Optional[str]) -> List[Token]:
    """The resource part (`bucket/key`) of the objects a notification fires on."""
    return literal(bucket or MARKER) + ["/"] + literal(prefix or "") + [STAR] + literal(suffix or "")


# -- many patterns, one question ---------------------------------------------------------------------

def _literal_prefix(pattern: str) -> str:
    """The characters before the first wildcard: every string the pattern matches starts with them."""
    for i, c in enumerate(pattern):
        if c in "*?":
            return pattern[:i]
    return pattern


def _tokens_prefix(tokens: List[Token]) -> str:
    """The literal characters before the first wildcard token (searched for in C, not token by token)."""
    end = len(tokens)
    for wildcard in (STAR, ONE):
        try:
            end = min(end, tokens.index(wildcard, 0, end))
        except ValueError:
            pass
    return "".join(tokens[:end])  # type: ignore[arg-type]


class PatternIndex:
    """IAM `Resource` patterns, each with a value, asked "which of you reach this ARN?".

    A role with a thousand statements is asked about each of a thousand buckets or log groups:
    scanning every pattern for every question is quadratic. Two strings can only have a match in
    common when the literal part before the first wildcard of one is a prefix of the other's, so
    patterns are filed by service and by that literal prefix, and a question reads only the files
    its own prefix is compatible with (then checks those exactly, in the order they were added).
    A few patterns (most roles) are simply read in order: filing them would cost more.
    """

    FEW = 8

    def __init__(self) -> None:
        self._patterns: List[Tuple[int, str, Any]] = []
        self._files: Optional[Dict[Tuple[str, Optional[str]], Dict[str, List[Tuple[int, str, Any]]]]] = None
        self._sorted: Dict[Tuple[str, Optional[str]], List[str]] = {}
        self._lengths: Dict[Tuple[str, Optional[str]], List[int]] = {}

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, pattern: str, value: Any) -> None:
        self._patterns.append((len(self._patterns), pattern, value))
        self._files = None

    def reaching(self, service: str, resource: List[Token]) -> Iterator[Tuple[int, str, Any]]:
        """(order added, pattern, value) of every pattern that reaches `service` ARNs whose resource
        part matches `resource` (as `arn_pattern_reaches` decides), in the order they were added."""
        if len(self._patterns) <= self.FEW:
            candidates = self._patterns
        else:
            own = _tokens_prefix(resource)
            candidates = [*self._compatible(("arn", service), own), *self._compatible(("arn", None), own),
                          *self._compatible(("whole", None), f"arn:aws:{service}:")]
            candidates.sort(key=lambda entry: entry[0])
        for order, pattern, value in candidates:
            if arn_pattern_reaches(pattern, service, resource):
                yield order, pattern, value

    def _file(self) -> Dict[Tuple[str, Optional[str]], Dict[str, List[Tuple[int, str, Any]]]]:
        if self._files is None:
            self._files, self._sorted, self._lengths = {}, {}, {}
            for entry in self._patterns:
                pattern = entry[1]
                parts = pattern.split(":", 5)
                if len(parts) == 6 and parts[0] == "arn":
                    service = parts[2] if not any(c in parts[2] for c in "*?") else None
                    space, prefix = ("arn", service), _literal_prefix(parts[5])
                else:  # `*`, `arn:aws:s3:*`, ...: compared as a whole (see `arn_pattern_reaches`)
                    space, prefix = ("whole", None), _literal_prefix(pattern)
                self._files.setdefault(space, {}).setdefault(prefix, []).append(entry)
        return self._files

    def _compatible(self, space: Tuple[str, Optional[str]], prefix: str) -> List[Tuple[int, str, Any]]:
        files = self._file().get(space)
        if not files:
            return []
        found: List[Tuple[int, str, Any]] = []
        ordered = self._sorted.get(space)
        if ordered is None:
            ordered = self._sorted[space] = sorted(files)
        # file prefixes that are prefixes of `prefix` (including "")...
        lengths = self._lengths.get(space)
        if lengths is None:
            lengths = self._lengths[space] = sorted({len(p) for p in files})
        for length in lengths:
            if length > len(prefix):
                break
            found.extend(files.get(prefix[:length], ()))
        # ... and those that extend it
        for position in range(bisect.bisect_right(ordered, prefix), len(ordered)):
            if not ordered[position].startswith(prefix):
                break
            found.extend(files[ordered[position]])
        return found
