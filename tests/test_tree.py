"""The two ways in build the same tree: from the engine's `Struct` and from its JSON form.

Property-based: any JSON-like value (with unknown sentinels, secrets, nested secrets, assets,
resource references) gives the same plain tree, the same secret marks and the same secret strings
through `tree_from_struct(<Struct>)` and `tree_from_json(<JSON>)`; and both equal what
`pulumi_policy` hands a policy, apart from the secret marks it drops.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy.deserialize import deserialize_properties

from policypack.core.props import UNKNOWN, plain
from policypack.core.secrets import SecretStr, is_secret
from policypack.engine.tree import MAX_DEPTH, RESOURCE_REFERENCE_SIG, tree_from_json, tree_from_struct
from tests.support.harness import SECRET_SIG, UNKNOWN_NUMBER, UNKNOWN_STRING, to_struct

SIG = "4dabf18193072939515e22adb298388d"
scalars = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
                    st.integers(-10**6, 10**6), st.text(max_size=8), st.sampled_from([UNKNOWN_STRING, UNKNOWN_NUMBER]))


def secret(value: Any) -> Any:
    return {**SECRET_SIG, "value": value}


values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=5).filter(lambda k: k != SIG), children, max_size=4),
        children.map(secret),
    ),
    max_leaves=20,
)


def marks(value: Any) -> Any:
    """The tree with each secret-marked leaf shown as ("secret", value)."""
    if is_secret(value):
        return ("secret", float(value) if isinstance(value, float) else str(value))
    if isinstance(value, dict):
        return {k: marks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [marks(v) for v in value]
    return value


@given(st.dictionaries(st.text(max_size=5).filter(lambda k: k != SIG), values, max_size=5))
def test_struct_and_json_give_the_same_tree(props):
    from_struct, from_json = [], []
    struct_tree, json_tree = tree_from_struct(to_struct(props), from_struct), tree_from_json(props, from_json)
    assert marks(struct_tree) == marks(json_tree)
    assert sorted(from_struct) == sorted(from_json)
    assert all(isinstance(s, SecretStr) for s in from_json)
    # what pulumi_policy hands a policy, secrets unwrapped
    assert plain(deserialize_properties(struct_tree_json(props))) == strip_marks(json_tree)


def struct_tree_json(props: Any) -> Any:
    from google.protobuf import json_format

    return json_format.MessageToDict(to_struct(props))


def strip_marks(value: Any) -> Any:
    if is_secret(value):
        return float(value) if isinstance(value, float) else str(value)
    if isinstance(value, dict):
        return {k: strip_marks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_marks(v) for v in value]
    return value


def test_what_the_sdk_would_fail_on_is_unknown_here():
    props = {"a": {SIG: "1b47061264138c4ac30d75fd1eb44270"}, "b": {SIG: "not-a-signature"},
             "c": {SIG: "c44067f5952c0a294b673a41bacd8c17"}}
    assert tree_from_json(props) == {"a": UNKNOWN, "b": UNKNOWN, "c": UNKNOWN}
    assert tree_from_struct(to_struct(props)) == {"a": UNKNOWN, "b": UNKNOWN, "c": UNKNOWN}


def test_a_resource_reference_reads_as_its_id_or_urn():
    ref = {SIG: RESOURCE_REFERENCE_SIG, "urn": "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::main", "id": "vpc-0abc"}
    component = {SIG: RESOURCE_REFERENCE_SIG, "urn": "urn:pulumi:dev::p::acme:Net::net"}
    props = {"vpcId": ref, "parent": component, "hidden": secret(ref)}
    expected = {"vpcId": "vpc-0abc", "parent": "urn:pulumi:dev::p::acme:Net::net", "hidden": ("secret", "vpc-0abc")}
    assert marks(tree_from_json(props)) == expected
    assert marks(tree_from_struct(to_struct(props))) == expected


def test_a_tree_deeper_than_the_limit_is_cut_there():
    value: Any = "leaf"
    for _ in range(MAX_DEPTH + 10):
        value = {"k": value}
    tree = tree_from_json({"deep": value})
    depth, node = 0, tree["deep"]
    while isinstance(node, dict):
        node, depth = node["k"], depth + 1
    assert node is UNKNOWN and depth == MAX_DEPTH - 1
