"""Applying exemptions to violations: an exempted violation is reported at advisory level, its message
beginning with the exemption; one whose exemption is invalid keeps its level and says what is wrong."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ..core.props import UNKNOWN
from . import model
from .model import Exemption, Options


class Exemptions:
    """The exemptions of one policy configuration (options read once per policy)."""

    def __init__(self, config_of: Callable[[Any], Optional[Mapping[str, Any]]],
                 today: Callable[[], date]) -> None:
        self._config_of = config_of
        self._today = today
        self._options: Dict[str, Tuple[Options, str]] = {}

    def options(self, policy: Any) -> Options:
        return self._read(policy)[0]

    def _read(self, policy: Any) -> Tuple[Options, str]:
        """The policy's options and the name of its exemption tag, read once."""
        found = self._options.get(policy.name)
        if found is None:
            defaults = getattr(policy, "config_defaults", {}) or {}
            options = Options.of({**defaults, **(self._config_of(policy) or {})})
            found = self._options[policy.name] = (options, model.TAG_PREFIX + policy.name)
        return found

    def deciding(self, policy: Any, urn: str, name: str, tags: Any) -> Optional[Exemption]:
        """The exemption that decides for `policy` on this resource (None: there is none)."""
        options, tag_name = self._read(policy)
        tag = tags.get(tag_name) if tags and isinstance(tags, dict) else None
        if tag is None and not options.entries:
            return None  # the common case, on every violation (thousands in a stack): nothing to match or date
        entries = [entry for entry in options.entries if model.matches(entry, urn, name)]
        if tag is None and not entries:
            return None
        today = self._today()
        found: List[Exemption] = []
        tagged = model.from_tag(policy.name, tag, options, today)
        if tagged is not None:
            found.append(tagged)
        found.extend(model.from_config(entry, options, today) for entry in entries)
        return model.deciding(found)

    def apply(self, policy: Any, diagnostic: Any, urn: str, name: str, tags: Any) -> Any:
        """`diagnostic` as reported once its resource's exemptions are taken into account."""
        if tags is UNKNOWN:
            tags = None
        exemption = self.deciding(policy, urn, name, tags)
        if exemption is None:
            return diagnostic
        level = "advisory" if exemption.applies else diagnostic.level
        return replace(diagnostic, level=level, message=exemption.label(diagnostic.message), exemption=exemption)

    def exempts(self, policy: Any, urn: str, name: str, tags: Any) -> bool:
        """Whether a valid exemption covers this resource (an exempted resource is not remediated)."""
        exemption = self.deciding(policy, urn, name, None if tags is UNKNOWN else tags)
        return exemption is not None and exemption.applies
