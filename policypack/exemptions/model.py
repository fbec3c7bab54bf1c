"""Exemptions: what they look like, when one applies, and what is wrong with one that does not.

In code, a resource tag `policy-exemption:<policy-name>` whose value is `<YYYY-MM-DD> <reason>`.
In policy config, every policy's `exemptions` option: `{"resource": <URN, logical name or glob>,
"expires": "YYYY-MM-DD", "reason": "..."}`. The expiry is inclusive (the whole day, UTC), and may
be at most `maxExemptionDays` ahead of today; `allowTagExemptions: false` refuses the tags of a
policy (its config exemptions still apply).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Mapping, Optional

from ..core.props import UNKNOWN, show
from ..core.secrets import SECRET_TEXT, is_secret, like

TAG_PREFIX = "policy-exemption:"
TAG_SOURCE, CONFIG_SOURCE = "tag", "config"
DEFAULT_MAX_DAYS = 365

_TAG_VALUE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(\S.*?)\s*$", re.S)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Added to every policy's config schema (see `core.rule`).
OPTIONS: Dict[str, Dict[str, Any]] = {
    "exemptions": {
        "type": "array",
        "default": [],
        "items": {
            "type": "object",
            "properties": {
                "resource": {"type": "string", "minLength": 1},
                "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                "reason": {"type": "string", "minLength": 1},
            },
            "required": ["resource", "expires", "reason"],
            "additionalProperties": False,
        },
        "description": "Resources exempt from this policy until a date: each {\"resource\": URN, logical name or "
        "shell-style glob (matched against both), \"expires\": \"YYYY-MM-DD\" (inclusive, UTC), \"reason\": "
        "\"...\"}. An exempted violation is still reported, at advisory level, with its expiry and reason.",
    },
    "maxExemptionDays": {
        "type": "integer",
        "minimum": 0,
        "default": DEFAULT_MAX_DAYS,
        "description": "An exemption (tag or config) that expires more than this many days after today exempts "
        "nothing.",
    },
    "allowTagExemptions": {
        "type": "boolean",
        "default": True,
        "description": "Accept in-code exemptions (the resource tag `policy-exemption:<policy-name>` = "
        "\"<YYYY-MM-DD> <reason>\"); when false only config exemptions apply.",
    },
}


@dataclass(frozen=True)
class Exemption:
    source: str  # TAG_SOURCE | CONFIG_SOURCE
    expires: Optional[date]
    reason: str
    problem: Optional[str] = None  # why it exempts nothing; None when it applies

    @property
    def applies(self) -> bool:
        return self.problem is None

    def label(self, message: str) -> str:
        """The violation's message as reported with this exemption."""
        if self.applies:
            reason = SECRET_TEXT if is_secret(self.reason) else self.reason
            return f"exempt until {self.expires.isoformat()} ({self.source}: {reason}): {message}"
        return f"{self.problem}: {message}"


@dataclass(frozen=True)
class Options:
    """A policy's exemption options, read once per configuration."""

    entries: tuple
    max_days: int
    allow_tags: bool

    @classmethod
    def of(cls, config: Optional[Mapping[str, Any]]) -> "Options":
        config = config or {}
        entries = config.get("exemptions")
        max_days = config.get("maxExemptionDays", DEFAULT_MAX_DAYS)
        if isinstance(max_days, float) and max_days.is_integer():
            max_days = int(max_days)  # numbers arrive as floats from the engine
        if not isinstance(max_days, int) or isinstance(max_days, bool) or max_days < 0:
            max_days = DEFAULT_MAX_DAYS
        return cls(tuple(e for e in entries if isinstance(e, dict)) if isinstance(entries, list) else (),
                   max_days, config.get("allowTagExemptions", True) is not False)


def from_tag(policy: str, value: Any, options: Options, today: date) -> Optional[Exemption]:
    """The exemption a resource's tag `policy-exemption:<policy>` gives, if it has one."""
    if value is None or value is UNKNOWN:
        return None
    if not options.allow_tags:
        return Exemption(TAG_SOURCE, None, "", "exemption tag refused (`allowTagExemptions` is false for this "
                                                "policy)")
    match = _TAG_VALUE.match(value) if isinstance(value, str) else None
    expires = _date(match.group(1)) if match else None
    if expires is None:
        return Exemption(TAG_SOURCE, None, "", f"exemption tag `{TAG_PREFIX}{policy}` is {show(value)}, not "
                                                "\"<YYYY-MM-DD> <reason>\"")
    return _dated(TAG_SOURCE, expires, like(value, match.group(2)), options, today)


def from_config(entry: Mapping[str, Any], options: Options, today: date) -> Exemption:
    expires_text, reason = entry.get("expires"), entry.get("reason")
    expires = _date(expires_text) if isinstance(expires_text, str) and _DATE.match(expires_text) else None
    if expires is None:
        return Exemption(CONFIG_SOURCE, None, "", f"config exemption for {show(entry.get('resource'))} expires "
                                                   f"{show(expires_text)}, not a date \"YYYY-MM-DD\"")
    if not isinstance(reason, str) or not reason.strip():
        return Exemption(CONFIG_SOURCE, expires, "", f"config exemption for {show(entry.get('resource'))} gives "
                                                      "no reason")
    return _dated(CONFIG_SOURCE, expires, reason.strip(), options, today)


def matches(entry: Mapping[str, Any], urn: str, name: str) -> bool:
    """A config entry's `resource`: a URN, a logical name, or a glob matched against both."""
    pattern = entry.get("resource")
    if not isinstance(pattern, str) or not pattern:
        return False
    return pattern in (urn, name) or fnmatch.fnmatchcase(urn, pattern) or fnmatch.fnmatchcase(name, pattern)


def deciding(found: List[Exemption]) -> Optional[Exemption]:
    """Of all exemptions for one violation: the valid one that expires first; else the first invalid."""
    valid = [e for e in found if e.applies]
    if valid:
        return min(valid, key=lambda e: e.expires)
    return found[0] if found else None


def _dated(source: str, expires: date, reason: str, options: Options, today: date) -> Exemption:
    if expires < today:
        return Exemption(source, expires, reason, f"exemption expired on {expires.isoformat()}")
    if (expires - today).days > options.max_days:
        return Exemption(source, expires, reason,
                         f"exemption until {expires.isoformat()} is more than {options.max_days} days ahead "
                         "(`maxExemptionDays`)")
    return Exemption(source, expires, reason)


def _date(text: str) -> Optional[date]:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
