"""Resource properties as the engine sends them -> the plain tree every rule reads, in one walk.

Two sources, one result: a protobuf `Struct` (what the engine sends over gRPC) and its JSON form
(what the scanner's readers produce). Both give what `pulumi_policy` gives a policy - every number
a float, unknown sentinels as `UNKNOWN`, assets and archives as `pulumi` objects - except that a
value that arrived secret stays marked secret (`core.secrets`), and each secret string is
collected so the core can keep it out of every message.

Never raises on what the engine can send: a secret object without a value, an unrecognised
signature, an asset that does not deserialize become `UNKNOWN` (a value the rules cannot know),
and a tree nested deeper than `MAX_DEPTH` is cut there (the part below becomes `UNKNOWN`): the
resource is analysed as far as it can be, never failed.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from google.protobuf import json_format, struct_pb2
from pulumi_policy.deserialize import (
    SPECIAL_ARCHIVE_SIG,
    SPECIAL_ASSET_SIG,
    SPECIAL_SECRET_SIG,
    SPECIAL_SIG_KEY,
    _deserialize_archive,
    _deserialize_asset,
)

from ..core.props import UNKNOWN, UNKNOWN_SENTINELS
from ..core.secrets import SecretFloat, SecretStr, is_secret

MAX_DEPTH = 64  # levels of maps/lists; AWS resource schemas nest fewer than 12
# A resource reference (a resource passed where its ID is expected): the rules see its ID, as the
# provider does; the URN when it has none (a component), unknown when neither is known.
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"


class Tree:
    """One conversion: the tree built and the secret strings met on the way."""

    __slots__ = ("secrets",)

    def __init__(self) -> None:
        self.secrets: List[str] = []

    # -- protobuf -----------------------------------------------------------------------------

    def from_struct(self, struct: struct_pb2.Struct) -> Dict[str, Any]:
        return {key: self._value(value, 1, False) for key, value in struct.fields.items()}

    def _value(self, value: struct_pb2.Value, depth: int, secret: bool) -> Any:
        kind = value.WhichOneof("kind")
        if kind == "string_value":
            return self._string(value.string_value, secret)
        if kind == "number_value":
            number = value.number_value
            return SecretFloat(number) if secret else number
        if kind == "bool_value":
            return value.bool_value
        if kind == "struct_value":
            fields = value.struct_value.fields
            if SPECIAL_SIG_KEY in fields:
                return self._special_struct(value.struct_value, depth, secret)
            if depth >= MAX_DEPTH:
                return UNKNOWN
            return {key: self._value(item, depth + 1, secret) for key, item in fields.items()}
        if kind == "list_value":
            if depth >= MAX_DEPTH:
                return UNKNOWN
            return [self._value(item, depth + 1, secret) for item in value.list_value.values]
        return None  # null_value, or no kind set

    def _special_struct(self, struct: struct_pb2.Struct, depth: int, secret: bool) -> Any:
        fields = struct.fields
        sig = fields[SPECIAL_SIG_KEY]
        if sig.WhichOneof("kind") == "string_value" and sig.string_value == SPECIAL_SECRET_SIG:
            if "value" not in fields:
                return UNKNOWN  # the SDK fails the whole request on this; the value is simply not known
            return self._value(fields["value"], depth, True)
        if depth >= MAX_DEPTH:
            return UNKNOWN
        return self._special_json(json_format.MessageToDict(struct), depth, secret)

    # -- JSON (the scanner's readers) ---------------------------------------------------------

    def from_json(self, props: Mapping[str, Any]) -> Dict[str, Any]:
        return {str(key): self._json(value, 1, False) for key, value in props.items()}

    def _json(self, value: Any, depth: int, secret: bool) -> Any:
        kind = type(value)
        if kind is str:
            return self._string(value, secret)
        if kind is float or kind is int:
            number = float(value)
            return SecretFloat(number) if secret else number
        if kind is bool or value is None:
            return value
        if kind is dict:
            if SPECIAL_SIG_KEY in value:
                return self._special_json(value, depth, secret)
            if depth >= MAX_DEPTH:
                return UNKNOWN
            return {str(key): self._json(item, depth + 1, secret) for key, item in value.items()}
        if kind is list or kind is tuple:
            if depth >= MAX_DEPTH:
                return UNKNOWN
            return [self._json(item, depth + 1, secret) for item in value]
        if isinstance(value, (int, float)):  # number types a reader may produce (Decimal aside)
            return self._json(float(value), depth, secret)
        if isinstance(value, Mapping):
            return self._json(dict(value), depth, secret)
        return value

    def _special_json(self, value: Dict[str, Any], depth: int, secret: bool) -> Any:
        sig = value[SPECIAL_SIG_KEY]
        if sig == SPECIAL_SECRET_SIG:
            if "value" not in value:
                return UNKNOWN
            return self._json(value["value"], depth, True)
        if sig == RESOURCE_REFERENCE_SIG:
            reference = value.get("id") or value.get("urn")
            return self._string(reference, secret) if isinstance(reference, str) and reference else UNKNOWN
        if depth >= MAX_DEPTH:
            return UNKNOWN
        return _asset_or_archive(value)

    # -- leaves -------------------------------------------------------------------------------

    def _string(self, text: str, secret: bool) -> Any:
        if text in UNKNOWN_SENTINELS:
            return UNKNOWN
        if secret:
            text = SecretStr(text)
            self.secrets.append(text)
        return text


def _asset_or_archive(value: Dict[str, Any]) -> Any:
    """Assets and archives as the SDK deserializes them; anything else it would reject: UNKNOWN."""
    try:
        sig = value.get(SPECIAL_SIG_KEY)
        if sig == SPECIAL_ASSET_SIG:
            return _deserialize_asset(value)
        if sig == SPECIAL_ARCHIVE_SIG:
            return _deserialize_archive(value, False)
    except Exception:  # a malformed asset: the SDK would fail the request; we only cannot read it
        return UNKNOWN
    return UNKNOWN


def tree_from_struct(struct: struct_pb2.Struct, secrets: Optional[List[str]] = None) -> Dict[str, Any]:
    """A `Struct`'s plain tree; secret strings met are appended to `secrets` when given."""
    tree = Tree()
    result = tree.from_struct(struct)
    if secrets is not None:
        secrets.extend(tree.secrets)
    return result


def tree_from_json(props: Mapping[str, Any], secrets: Optional[List[str]] = None) -> Dict[str, Any]:
    """The same tree from the engine's JSON form of the properties."""
    tree = Tree()
    result = tree.from_json(props)
    if secrets is not None:
        secrets.extend(tree.secrets)
    return result


def to_engine(value: Any) -> Any:
    """A plain value (what a remediation returns) in the engine's JSON form: a secret-marked value
    goes back as a secret, so a remediation never turns a secret into plaintext."""
    if is_secret(value):
        kind = str if isinstance(value, str) else float
        return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": kind(value)}
    if isinstance(value, dict):
        return {str(k): to_engine(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_engine(v) for v in value]
    return value
