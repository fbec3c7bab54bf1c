"""Rules about how a Pulumi program builds its values, whatever the resource type."""

from __future__ import annotations

import re
from typing import Any, Iterator, List, Tuple

from ..core.iam import UNRESOLVED_OUTPUT_MARKERS
from ..core.rule import ALL_TYPES, HIGH, MANDATORY, Config, Resource, resource_rule

MAX_REPORTED = 10  # paths listed before "and N more": one mistake in a loop can stringify many values
_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_\-$]*")


@resource_rule(
    name="pulumi-no-unresolved-outputs",
    description="No property holds the text of a stringified Pulumi Output instead of its value.",
    resource_types=[ALL_TYPES],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Never pass an Output through `str()`, an f-string or `+`: build the value with "
    "`pulumi.Output.concat(\"arn:aws:s3:::\", bucket.id, \"/*\")`, `pulumi.Output.format(...)`, "
    "`bucket.arn.apply(lambda arn: f\"{arn}/*\")` or, for JSON documents, `pulumi.Output.json_dumps({...})`; "
    "key dicts by plain strings, not by Outputs.",
    url="https://www.pulumi.com/docs/iac/concepts/inputs-outputs/helpers/",
    tags=["pulumi", "correctness"],
)
def no_unresolved_outputs(resource: Resource, config: Config) -> Iterator[str]:
    hits = list(_stringified_outputs(resource.props))
    for path, in_key in hits[:MAX_REPORTED]:
        # The value is never quoted: the rest of the string may be a secret.
        what = f"`{path}` has a key that holds" if in_key else f"`{path}` holds"
        yield (f"{what} the text of a Pulumi Output turned into a string (\"Calling __str__ on an Output[...]\" or "
               "\"<pulumi.output.Output object at ...>\"), not its value: build it with `Output.concat`, "
               "`Output.format`, `.apply` or `Output.json_dumps` instead of str() or an f-string.")
    if len(hits) > MAX_REPORTED:
        yield f"{len(hits) - MAX_REPORTED} more properties hold the text of a stringified Output (same fix)."


def _stringified_outputs(props: Any) -> Iterator[Tuple[str, bool]]:
    """(property path, whether a key) for each string carrying an Output marker, keys in sorted order."""
    if not holds_stringified_output(props):  # the common case, on every resource: no paths to build
        return
    stack: List[Tuple[str, Any]] = [("", props)]
    while stack:  # iterative: property trees can be deep
        path, value = stack.pop()
        if isinstance(value, str):
            if _has_marker(value):
                yield path, False
        elif isinstance(value, dict):
            children = []
            for key, child in sorted(value.items(), key=lambda item: str(item[0])):
                child_path = _join(path, key)
                if _has_marker(key):
                    yield path or "(top level)", True
                children.append((child_path, child))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", child) for i, child in enumerate(value)]))


def holds_stringified_output(value: Any) -> bool:
    """Whether a string anywhere in `value` (a key or a value) is the text of a stringified Output."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "Output" in value and _has_marker(value):
                return True
        elif isinstance(value, dict):
            for key, child in value.items():
                if "Output" in key and _has_marker(key):
                    return True
                stack.append(child)
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _has_marker(text: Any) -> bool:
    return isinstance(text, str) and any(marker in text for marker in UNRESOLVED_OUTPUT_MARKERS)


def _join(path: str, key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]" if len(key) <= 40 else f"{path}[<key>]"


POLICIES = [no_unresolved_outputs]
