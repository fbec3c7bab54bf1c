"""The helpers the stack rules share: following references, and intersecting IAM patterns."""

from policypack.core.graph import Node, StackGraph
from policypack.core.props import UNKNOWN
from policypack.core.types import FUNCTION, QUEUE, ROLE
from policypack.rules.stack.links import by_value, identity_keys, label, link
from policypack.rules.stack.patterns import (
    MARKER,
    STAR,
    arn_pattern_reaches,
    glob,
    intersects,
    literal,
    trigger_keys,
)


def node(resource_type, name, props, property_dependencies=None):
    return Node(type=resource_type, urn=f"urn:{name}", name=name, props=props,
                property_dependencies=property_dependencies or {})


FN = node(FUNCTION, "fn", {"name": "fn-1a2b3c4"})
ROLE_NODE = node(ROLE, "role", {"name": "role-1a2b3c4"})
Q1, Q2 = node(QUEUE, "q1", {"name": "q1-1"}), node(QUEUE, "q2", {"name": "q2-1"})


def graph(*extra):
    return StackGraph([FN, ROLE_NODE, Q1, Q2, *extra])


def test_identity_keys_of_arns():
    assert list(identity_keys("arn:aws:lambda:us-west-2:1:function:fn-1")) == [
        "arn:aws:lambda:us-west-2:1:function:fn-1", "function:fn-1", "fn-1"]
    assert list(identity_keys("arn:aws:iam::1:role/path/r-1")) == [
        "arn:aws:iam::1:role/path/r-1", "role/path/r-1", "path/r-1", "r-1"]
    invoke = "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:1:function:f/invocations"
    assert "f" in list(identity_keys(invoke))


def test_known_values_link_by_arn_name_or_id():
    g = graph()
    assert by_value(g, "arn:aws:lambda:us-west-2:1:function:fn-1a2b3c4", FUNCTION) == (FN,)
    assert by_value(g, "arn:aws:iam::1:role/role-1a2b3c4", ROLE) == (ROLE_NODE,)
    assert by_value(g, "role-1a2b3c4", FUNCTION) == ()


def test_a_value_held_by_several_identity_properties_finds_the_resource_once():
    bucket = node("aws:s3/bucket:Bucket", "uploads", {"bucket": "uploads-1", "id": "uploads-1",
                                                      "arn": "arn:aws:s3:::uploads-1"})
    g = graph(bucket)
    assert list(g.find_by_value("uploads-1")) == [bucket]
    assert list(g.find_by_value("uploads-1", "aws:s3/bucket:Bucket")) == [bucket]
    assert list(by_value(g, "arn:aws:s3:::uploads-1")) == [bucket]


def test_unknown_value_follows_the_property_dependencies():
    holder = node("x", "holder", {"role": UNKNOWN}, {"role": ["urn:role"]})
    found = link(graph(holder), holder, "role", ROLE)
    assert found.nodes == (ROLE_NODE,) and found.settled


def test_unknown_value_without_dependencies_is_open():
    holder = node("x", "holder", {"role": UNKNOWN})
    found = link(graph(holder), holder, "role", ROLE)
    assert found.open and not found.candidates and not found.settled


def test_known_value_outside_the_stack_links_to_nothing():
    holder = node("x", "holder", {"role": "arn:aws:iam::1:role/elsewhere"})
    found = link(graph(holder), holder, "role", ROLE)
    assert found.settled and found.nodes == ()


def test_sibling_references_in_one_property_are_only_maybe():
    holder = node("x", "cfg", {"destinationConfig": {"onSuccess": {"destination": UNKNOWN},
                                                     "onFailure": {"destination": UNKNOWN}}},
                  {"destinationConfig": ["urn:q1", "urn:q2"]})
    found = link(graph(holder), holder, "destinationConfig.onFailure.destination", QUEUE)
    assert found.nodes == () and found.maybe == (Q1, Q2) and not found.settled


def test_label_names_kind_and_logical_name():
    assert label(FN) == 'Function "fn"'


def test_glob_intersections():
    assert intersects(glob("a*"), glob("*b"))
    assert not intersects(glob("a*"), literal("ba"))
    assert intersects(glob("a?c"), literal("abc"))
    assert not intersects(glob("a?c"), literal("ac"))
    assert intersects(literal("x/") + [STAR], glob("x/*.png"))


def test_arn_patterns_compare_the_resource_part_segment_true():
    group = literal("log-group:/aws/lambda/a:log-stream:") + [STAR]
    assert arn_pattern_reaches("arn:aws:logs:*:*:log-group:/aws/lambda/a:*", "logs", group)
    assert not arn_pattern_reaches("arn:aws:logs:*:*:log-group:/aws/lambda/b:*", "logs", group)
    assert not arn_pattern_reaches("arn:aws:s3:::*", "logs", group)
    assert arn_pattern_reaches("*", "logs", group)


def test_trigger_keys_and_unknown_names():
    keys = trigger_keys("b", "in/", ".jpg")
    assert arn_pattern_reaches("arn:aws:s3:::b/in/*", "s3", keys)
    assert not arn_pattern_reaches("arn:aws:s3:::b/out/*", "s3", keys)
    unknown_bucket = trigger_keys(None, "in/", ".jpg")
    assert not arn_pattern_reaches("arn:aws:s3:::b/*", "s3", unknown_bucket)
    assert arn_pattern_reaches("arn:aws:s3:::*/*", "s3", unknown_bucket)
    assert not arn_pattern_reaches("arn:aws:s3:::b/*.png", "s3", trigger_keys("b", MARKER, ".jpg"))
