"""Do two IAM-style patterns (`*`, `?`) have a string in common?

Stack rules ask "can this statement's Resource reach that log group / those trigger keys?" where
both sides are patterns: the statement's `arn:aws:s3:::uploads-1/*` against the keys a trigger
fires on (`arn:aws:s3:::uploads-1/incoming/` + anything + `.jpg`). The answer is the emptiness of
the intersection of two glob languages, found on the product of the two patterns (O(len * len)).
"""

from __future__ import annotations

from typing import List, Optional, Tuple, Union

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
