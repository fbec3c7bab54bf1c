"""Property values as the engine marshals them for an analyzer (`MarshalProperties` with
`KeepUnknowns`, `KeepSecrets`, `SkipInternalKeys`, no `KeepResources`), from what state files and
previews hold: internal keys (`__defaults`) dropped, resource references sent as their ID (or
URN), assets and archives the SDK could not rebuild as unknowns, and secrets kept as secrets whose
value the scanner does not know (it never decrypts one).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

from pulumi_policy.proxy import UNKNOWN_ARCHIVE_VALUE, UNKNOWN_ASSET_VALUE, UNKNOWN_STRING_VALUE

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"

# A secret as the analyzer receives it, with a value the scanner cannot (and must not) know.
SECRET_PLACEHOLDER = {SIG_KEY: SECRET_SIG, "value": UNKNOWN_STRING_VALUE}
PREVIEW_SECRET = "[secret]"  # how `pulumi preview --json` writes a secret value


def analyzer_props(props: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: analyzer_value(v) for k, v in props.items() if not str(k).startswith("__")}


def analyzer_value(value: Any) -> Any:
    if isinstance(value, list):
        return [analyzer_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if SIG_KEY not in value:
        return analyzer_props(value)
    sig = value.get(SIG_KEY)
    if sig == SECRET_SIG:
        return dict(SECRET_PLACEHOLDER)
    if sig == RESOURCE_REF_SIG:
        return _resource_reference(value)
    if sig == ASSET_SIG:
        return value if _asset_readable(value) else UNKNOWN_ASSET_VALUE
    if sig == ARCHIVE_SIG:
        return value if _archive_readable(value) else UNKNOWN_ARCHIVE_VALUE
    return UNKNOWN_STRING_VALUE  # a kind of value this scanner does not know: treat as not known


def _resource_reference(value: Mapping[str, Any]) -> Any:
    """Without `KeepResources` the engine sends a reference as the resource's ID, else its URN."""
    ref_id = value.get("id")
    if isinstance(ref_id, str) and ref_id:
        return ref_id
    urn = value.get("urn")
    return urn if isinstance(urn, str) and urn else UNKNOWN_STRING_VALUE


def _asset_readable(value: Mapping[str, Any]) -> bool:
    """The SDK can rebuild it (it needs one of path/text/uri as a string)."""
    return any(isinstance(value.get(k), str) for k in ("path", "text", "uri"))


def _archive_readable(value: Mapping[str, Any]) -> bool:
    assets = value.get("assets")
    if isinstance(assets, dict):
        for member in assets.values():
            if not isinstance(member, dict):
                return False
            sig = member.get(SIG_KEY)
            if sig == ASSET_SIG and _asset_readable(member):
                continue
            if sig == ARCHIVE_SIG and _archive_readable(member):
                continue
            return False
        return True
    return any(isinstance(value.get(k), str) for k in ("path", "uri"))


def preview_secrets(value: Any) -> Any:
    """`pulumi preview --json` prints every secret as the text "[secret]": a secret whose value the
    scanner does not know - never a value a rule could judge ("[secret]" is no https:// origin)."""
    if value == PREVIEW_SECRET:
        return dict(SECRET_PLACEHOLDER)
    if isinstance(value, list):
        return [preview_secrets(v) for v in value]
    if isinstance(value, dict) and SIG_KEY not in value:
        return {k: preview_secrets(v) for k, v in value.items()}
    return value
