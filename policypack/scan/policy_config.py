"""`--policy-config FILE`: the same document as `pulumi preview --policy-pack-config`.

    {"all": "advisory",
     "aws-lambda-function-in-vpc": {"enforcementLevel": "mandatory", "minSubnets": 3},
     "aws-lambda-function-tracing-active": "disabled"}

Each key is a policy name (or `all`, which sets every policy's level first, as the CLI does); each
value a level or an object with an optional `enforcementLevel` and the policy's options. The scanner
is stricter than the CLI where the CLI would silently ignore a mistake: an unknown policy name, an
unknown option or a value of the wrong type is an error.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence

from ..engine import files
from .readers import ScanInputError, parse_json

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


OPTION = "--policy-config"
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def load_policy_config(path: Path, policies: Sequence[Any]) -> Dict[str, Any]:
    """Read, validate and expand a policy config file into the document the evaluator takes.

    Every error names the option (`--policy-config FILE: ...`): the file is not a scanned input.
    """
    where = f"{OPTION} {path}"
    if not path.exists():
        raise ScanInputError(f"{where}: no such policy config file")
    if path.is_dir():
        raise ScanInputError(f"{where}: is a folder, expected a policy config JSON file")
    try:
        text = files.read_text(path, MAX_CONFIG_BYTES)
    except files.UnreadableFile as err:
        raise ScanInputError(f"{where}: {err}") from None
    document = parse_json(path, text, expected="a JSON object of policy names and levels", label=OPTION)
    return validate_policy_config(document, policies, source=where)


def validate_policy_config(document: Any, policies: Sequence[Any], source: str = "policy config") -> Dict[str, Any]:
    """The document with `all` expanded onto every policy; ScanInputError on the first problem."""
    if not isinstance(document, dict):
        raise ScanInputError(f"{source}: expected a JSON object of policy names, found {_json_kind(document)}")
    by_name = {p.name: p for p in policies}
    expanded: Dict[str, Any] = {}
    if "all" in document:
        level = _level_of_all(document["all"], source)
        if level is not None:
            expanded = {name: level for name in by_name}
    for name, value in document.items():
        if name == "all":
            continue
        policy = by_name.get(name)
        if policy is None:
            raise ScanInputError(f"{source}: unknown policy {json.dumps(name)}{_did_you_mean(name, by_name)}")
        expanded[name] = _merge(expanded.get(name), _checked_value(policy, value, source))
    return expanded


def _level_of_all(value: Any, source: str) -> Optional[str]:
    if isinstance(value, dict):
        extra = sorted(k for k in value if k != "enforcementLevel")
        if extra:
            raise ScanInputError(f'{source}: "all" takes only an enforcement level, not {json.dumps(extra[0])}')
        value = value.get("enforcementLevel")
        if value is None:
            return None
    return _checked_level(value, '"all"', source)


def _checked_level(value: Any, where: str, source: str) -> str:
    if not isinstance(value, str) or value not in LEVELS:
        raise ScanInputError(
            f"{source}: {where}: enforcement level {json.dumps(value)} is not one of {', '.join(LEVELS)}"
        )
    return value


def _checked_value(policy: Any, value: Any, source: str) -> Any:
    where = json.dumps(policy.name)
    if isinstance(value, str):
        return _checked_level(value, where, source)
    if not isinstance(value, dict):
        raise ScanInputError(f"{source}: {where}: expected a level or an object, found {_json_kind(value)}")
    value = dict(value)
    out: Dict[str, Any] = {}
    if "enforcementLevel" in value:
        out["enforcementLevel"] = _checked_level(value.pop("enforcementLevel"), where, source)
    schema = policy.config_schema.properties if policy.config_schema is not None else {}
    for option, option_value in value.items():
        if option not in schema:
            known = ", ".join(sorted(schema)) or "none"
            raise ScanInputError(
                f"{source}: {where} has no option {json.dumps(option)}{_did_you_mean(option, schema)} "
                f"(options: {known})"
            )
        _check_option(policy.name, option, schema[option], option_value, source)
        out[option] = option_value
    return out


def _check_option(policy: str, option: str, schema: Mapping[str, Any], value: Any, source: str) -> None:
    import jsonschema

    checked = {k: v for k, v in schema.items() if k not in ("default", "description")}
    try:
        jsonschema.validate(value, checked, cls=jsonschema.Draft7Validator)
    except jsonschema.ValidationError as err:
        raise ScanInputError(f"{source}: {json.dumps(policy)}.{option}: {err.message}") from None
    except jsonschema.SchemaError:
        return  # the rule's own schema is not checkable here; the rule validates its config itself


def _merge(previous: Any, value: Any) -> Any:
    """A policy's own entry over the level `all` gave it (the CLI's `applyConfig`)."""
    if isinstance(value, str) or previous is None:
        return value
    if "enforcementLevel" not in value and isinstance(previous, str):
        return {"enforcementLevel": previous, **value}
    return value


def _did_you_mean(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {json.dumps(close[0])}?)" if close else ""


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "an object"
