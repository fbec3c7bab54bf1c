"""Hypothesis strategies: random resources and stacks in the engine's JSON form.

Trees are what an analyzer can receive and worse: wrong types, nulls, empty and huge strings and
lists, deep nesting, unknown sentinels anywhere, secrets, assets, floats for ints, IAM documents
that are valid, truncated, of the wrong JSON kind or with odd statement shapes. Generation is biased
toward the property paths and values each rule's module mentions (see `vocabulary`), so the random
input reaches the code that reads it instead of bouncing off the first `get`.

Everything here produces the engine form (sentinel strings, secret signature objects). `to_plain`
turns it into what a rule's `check` sees (what `PackResourcePolicy.validate` hands it).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from hypothesis import strategies as st
from pulumi_policy.deserialize import (
    SPECIAL_ARCHIVE_SIG,
    SPECIAL_ASSET_SIG,
    SPECIAL_SECRET_SIG,
    SPECIAL_SIG_KEY,
    deserialize_properties,
)
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

from policypack.core import types as t
from policypack.core.props import plain

from . import vocabulary as vocab

UNKNOWNS = (
    UNKNOWN_STRING_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_ARRAY_VALUE,
    UNKNOWN_OBJECT_VALUE, UNKNOWN_ASSET_VALUE, UNKNOWN_ARCHIVE_VALUE,
)
MAX_DEPTH = 40  # below protobuf's nesting limit for a Struct on the wire (100 levels of Value/Struct)


def secret(value: Any) -> Dict[str, Any]:
    return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": value}


def engine_safe(value: Any) -> Any:
    """The tree with NaN and infinities replaced: protobuf's Struct cannot carry them to the SDK."""
    if isinstance(value, float) and not math.isfinite(value):
        return 0.0
    if isinstance(value, dict):
        return {k: engine_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [engine_safe(v) for v in value]
    return value


def to_plain(props: Dict[str, Any]) -> Dict[str, Any]:
    """Engine form -> the plain tree a rule's `check` receives (secrets unwrapped, `UNKNOWN`)."""
    return plain(deserialize_properties(props))


# -- fixed odd values ------------------------------------------------------------------------------

OUTPUT_TEXT = (
    "Calling __str__ on an Output[T] is not supported.\n\nTo get the value of an Output[T] as an "
    "Output[str] consider:\n1. o.apply(lambda v: f\"prefix{v}suffix\")"
)
HUGE_STRINGS = (
    "x" * 100_000,
    "arn:aws:s3:::" + "b" * 20_000 + "/*",
    "é☃\U0001F600\x00" * 5_000,
    "a" * 5_000 + OUTPUT_TEXT,
)
HUGE_LISTS = (  # big enough to show a quadratic walk, small enough for 2,000 examples per rule
    ["s3:GetObject"] * 2_000,
    list(range(2_000)),
    ["arn:aws:s3:::bucket/uploads/*", None, 1.5, UNKNOWN_STRING_VALUE] * 500,
    [{"a": i} for i in range(500)],
)
HUGE_DICTS = ({f"K{i}": "v" * 10 for i in range(1_000)},)
ASSETS = (
    {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "path": "./handler.py"},
    {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "text": "print('hi')"},
    {SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG, "path": "./app"},
    {SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG,
     "assets": {"index.py": {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "text": "x"}}},
)
ODD_STRINGS = (
    "", " ", "*", "?", "-1", "0", "true", "null", "None", "arn:", "arn:aws", "arn:::::", "arn:aws:s3:::",
    ":", "::", "/", "${aws:username}", "\x00", "\t\n", "ümlaut", "UPPER", "a" * 300,
    "<pulumi.output.Output object at 0x7f>", OUTPUT_TEXT,
)
INTS = (-(2**63), -1, 0, 1, 2, 3, 5, 100, 128, 900, 1000, 4096, 4097, 2**31, 2**53 + 1, 10**20)
FLOATS = (-1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 99.9, 100.0, 1e15, 1e300, -0.0)

SERVICES = ("s3", "sqs", "sns", "lambda", "iam", "kms", "logs", "execute-api", "apigateway",
            "secretsmanager", "ssm", "events", "dynamodb", "xray", "", "*", "S3")
REGIONS = ("", "us-west-2", "us-east-1", "eu-central-1", "*", "moon-1", "US-WEST-2")
ACCOUNTS = ("", "123456789012", "210987654321", "aws", "*", "12345")
ARN_RESOURCES = (
    "", "*", "function:fn-1", "function:fn-1:$LATEST", "fn-1", "q-1", "topic-1", "bucket-1",
    "bucket-1/*", "bucket-1/uploads/*", "bucket-1/uploads/", "role/role-1", "policy/AWSLambdaBasicExecutionRole",
    "policy/service-role/AWSLambdaBasicExecutionRole", "root", "key/1234", "alias/aws/s3", "alias/my-key",
    "parameter/db/password", "secret:db-AbCdEf", "log-group:/aws/lambda/fn-1:*", "api-1/*/*",
    "api-1/*/POST/items", "rule/r-1",
)

# What statements say, with the shapes IAM allows and some it does not.
ACTIONS = (
    "*", "s3:*", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:Get*", "s3:Put*", "s3:ListBucket",
    "S3:PUTOBJECT", "s3:*Object", "logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup",
    "logs:*", "lambda:InvokeFunction", "lambda:*", "ec2:CreateNetworkInterface", "ec2:Describe*",
    "ec2:DescribeNetworkInterfaces", "xray:PutTraceSegments", "cloudwatch:PutMetricData", "kms:*",
    "kms:Decrypt", "ssm:GetParameter", "iam:PassRole", "sqs:SendMessage", "sns:Publish", "", "s3:", ":",
    "s3", "*:*", "s3:Get?bject",
)
PRINCIPALS = (
    "*", {"Service": "lambda.amazonaws.com"}, {"Service": ["lambda.amazonaws.com", "s3.amazonaws.com"]},
    {"AWS": "*"}, {"AWS": ["arn:aws:iam::123456789012:root"]}, {"AWS": "123456789012"},
    {"Federated": "cognito-identity.amazonaws.com"}, {"CanonicalUser": "abc"}, {}, [], "lambda.amazonaws.com",
)
CONDITIONS = (
    {"Bool": {"aws:SecureTransport": "false"}}, {"Bool": {"aws:SecureTransport": False}},
    {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket-1"}}, {"StringLike": {"s3:prefix": ["uploads/*"]}},
    {}, [], "yes",
)
WRONG_DOCUMENT_TEXTS = (
    "", " ", "{", "}", "[]", "[{}]", "3", "-1.5", '"a string"', "null", "true", "not json", "{'single': 'quotes'}",
    '{"Statement": "x"}', '{"Statement": 5}', '{"Statement": null}', '{"Statement": [1, "a", null, []]}',
    '{"Version": "2012-10-17"}', '{"Version": 2012, "Statement": {}}',
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":{"a":1},"Resource":"*"}]}',
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":["*",7]}}',
    '{"Version":"2012-10-17","Statement":[{"Effect":["Allow"],"NotAction":"*","NotResource":"*"}]}',
    "[" * 5_000 + "]" * 5_000,
    '{"a":' * 3_000 + "1" + "}" * 3_000,
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' + "x",
    OUTPUT_TEXT,
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"'
    + OUTPUT_TEXT.replace('"', "'").replace("\n", " ") + '"}]}',
)


# -- building blocks --------------------------------------------------------------------------------

def _nest(leaf: Any, depth: int) -> Any:
    for level in range(depth):
        leaf = {"a": leaf} if level % 2 else [leaf]
    return leaf


@lru_cache(maxsize=None)
def arns(extra: Tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    resource = st.one_of(st.sampled_from(ARN_RESOURCES), st.text(max_size=12),
                         *( [st.sampled_from(extra)] if extra else []))
    built = st.builds(lambda s, r, a, res: f"arn:aws:{s}:{r}:{a}:{res}",
                      st.sampled_from(SERVICES), st.sampled_from(REGIONS), st.sampled_from(ACCOUNTS), resource)
    return st.one_of(built, st.sampled_from(("arn:", "arn:aws", "arn:::::", "arn:aws:s3:::bucket-1/uploads/*")))


def _string_or_list(element: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    junk = st.sampled_from((None, 3, 1.5, True, {}, {"a": "b"}, UNKNOWN_STRING_VALUE, UNKNOWN_ARRAY_VALUE))
    return st.one_of(element, st.lists(st.one_of(element, junk), max_size=4), junk)


@lru_cache(maxsize=None)
def policy_documents() -> st.SearchStrategy[Any]:
    """IAM documents as objects or JSON text: valid, odd, truncated, of the wrong kind."""
    actions = _string_or_list(st.sampled_from(ACTIONS))
    resources = _string_or_list(st.one_of(arns(), st.sampled_from(("*", "arn:aws:s3:::bucket-1/*"))))
    statement = st.fixed_dictionaries(
        {"Effect": st.sampled_from(("Allow", "Allow", "Deny", "allow", "", None, 1, UNKNOWN_STRING_VALUE))},
        optional={
            "Action": actions, "NotAction": actions, "Resource": resources, "NotResource": resources,
            "Principal": st.sampled_from(PRINCIPALS + (UNKNOWN_OBJECT_VALUE,)),
            "NotPrincipal": st.sampled_from(PRINCIPALS),
            "Condition": st.sampled_from(CONDITIONS + (UNKNOWN_OBJECT_VALUE,)),
            "Sid": st.sampled_from(("", "S1", 3, None)),
        },
    )
    odd_statement = st.sampled_from(("x", 5, None, [], UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE))
    statements = st.one_of(
        st.lists(st.one_of(statement, statement, odd_statement), max_size=4),
        statement,
        odd_statement,
        st.just(UNKNOWN_ARRAY_VALUE),
    )
    document = st.fixed_dictionaries(
        {},
        optional={
            "Version": st.sampled_from(("2012-10-17", "2012-10-17", "2008-10-17", "", 1, None, UNKNOWN_STRING_VALUE)),
            "Statement": statements,
            "Id": st.text(max_size=5),
        },
    )
    as_text = document.map(json.dumps)
    truncated = st.tuples(as_text, st.integers(0, 200)).map(lambda pair: pair[0][: pair[1]])
    return st.one_of(
        document,
        as_text,
        as_text,
        truncated,
        st.sampled_from(WRONG_DOCUMENT_TEXTS),
        st.sampled_from(UNKNOWNS[:1] + UNKNOWNS[4:5]),
        st.lists(document, max_size=2),
    )


@dataclass(frozen=True)
class Vocabulary:
    """What one rule's module reads: paths, their keys, and the strings it compares with."""

    paths: Tuple[str, ...]
    keys: Tuple[str, ...]
    values: Tuple[str, ...]
    types: Tuple[str, ...]  # the resource types the rule applies to (or all, for "*")
    pool: Tuple[str, ...] = field(default=())  # identity values shared by the nodes of a stack


ALL_TYPES: Tuple[str, ...] = tuple(sorted(
    {v for v in vars(t).values() if isinstance(v, str) and ":" in v}
    | {v for vs in vars(t).values() if isinstance(vs, tuple) for v in vs if isinstance(v, str)}
))

# Identity values the nodes of a random stack share, so that links by value (ARN, name) happen.
IDENTITY_POOL = (
    "fn-1", "arn:aws:lambda:us-west-2:123456789012:function:fn-1", "fn-2",
    "arn:aws:lambda:us-west-2:123456789012:function:fn-2",
    "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:fn-1/invocations",
    "bucket-1", "arn:aws:s3:::bucket-1", "q-1", "arn:aws:sqs:us-west-2:123456789012:q-1",
    "https://sqs.us-west-2.amazonaws.com/123456789012/q-1", "topic-1", "arn:aws:sns:us-west-2:123456789012:topic-1",
    "role-1", "arn:aws:iam::123456789012:role/role-1", "api-1", "arn:aws:execute-api:us-west-2:123456789012:api-1",
    "integrations/int-1", "int-1", "/aws/lambda/fn-1", "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/fn-1",
    "key-1", "arn:aws:kms:us-west-2:123456789012:key/key-1", "alias/key-1",
)


@lru_cache(maxsize=None)
def vocabulary_for(policy: Any) -> Vocabulary:
    own = vocab.module_strings(vocab.policy_module(policy))
    everything = vocab.pack_strings()
    paths = tuple(sorted(vocab.paths_of(own))) or ("name",)
    keys = tuple(sorted(vocab.keys_of(vocab.paths_of(own)) | set(vocab.COMMON_KEYS)))
    values = tuple(sorted(set(own) | {s for s in everything if len(s) <= 40}))
    declared = tuple(getattr(policy, "resource_types", ()) or ())
    types = tuple(x for x in declared if x != "*") if "*" not in declared else ALL_TYPES
    return Vocabulary(paths=paths, keys=keys, values=values, types=types or ALL_TYPES, pool=IDENTITY_POOL)


# -- trees -------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def leaves(v: Vocabulary, *, finite: bool = True) -> st.SearchStrategy[Any]:
    """Scalars, mostly what the rule compares with; odd and costly values (huge, deep) now and then.

    `finite=False` adds NaN and infinities (only a raw check can meet them).
    """
    vocabulary = st.sampled_from(v.values)
    rare = st.one_of(
        st.sampled_from(HUGE_STRINGS),
        st.sampled_from(HUGE_LISTS + HUGE_DICTS),
        st.builds(_nest, vocabulary, st.integers(5, MAX_DEPTH)),
        st.sampled_from(ASSETS),
        st.floats(allow_nan=not finite, allow_infinity=not finite),
        st.text(max_size=12),
    )
    return st.one_of(
        vocabulary,
        st.none(),
        st.booleans(),
        st.sampled_from(INTS),
        st.sampled_from(FLOATS),
        st.sampled_from(ODD_STRINGS),
        vocabulary,
        arns(v.values),
        st.sampled_from(v.pool) if v.pool else vocabulary,
        st.sampled_from(UNKNOWNS),
        vocabulary,
        policy_documents(),
        rare,
    )


def _key(v: Vocabulary) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(v.keys), st.sampled_from(v.keys), st.text(max_size=8))


@lru_cache(maxsize=None)
def trees(v: Vocabulary, *, finite: bool = True) -> st.SearchStrategy[Any]:
    """Any JSON-like value, containers keyed by what the rule reads, secrets anywhere."""
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(_key(v), children, max_size=4),
            st.builds(secret, children),
        )

    return st.recursive(leaves(v, finite=finite), extend, max_leaves=6)


def _value_for(segment: str, v: Vocabulary, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value that fits the last segment of a path, often; anything, sometimes."""
    lowered = segment.lower()
    if "polic" in lowered:
        return st.one_of(policy_documents(), policy_documents(), values)
    if lowered.endswith("arn") or lowered.endswith("arns") or lowered.endswith("uri"):
        pool = [st.sampled_from(v.pool)] if v.pool else []
        return st.one_of(arns(v.values), st.lists(arns(v.values), max_size=3), *pool, values)
    return values


def _plant(tree: Dict[str, Any], segments: List[str], value: Any, draw: Any) -> None:
    """Set `value` at `segments`, making dicts (or one-element lists, or secrets) on the way."""
    node: Any = tree
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment.isdigit():
            continue  # an index in a path: the list is made by the `wrap` below
        if last:
            node[segment] = value
            return
        child = node.get(segment)
        if not isinstance(child, dict):
            child = {}
            shape = draw(st.sampled_from(("dict", "dict", "dict", "list", "secret", "unknown")))
            if shape == "list":
                node[segment] = [child]
            elif shape == "secret":
                node[segment] = secret(child)
            elif shape == "unknown":
                node[segment] = UNKNOWN_OBJECT_VALUE
                return
            else:
                node[segment] = child
        node = child


@st.composite
def property_trees(draw: Any, v: Vocabulary, finite: bool = True) -> Dict[str, Any]:
    """A resource's properties: some noise, then values planted at the paths the rule reads."""
    values = trees(v, finite=finite)
    props: Dict[str, Any] = draw(st.dictionaries(_key(v), values, max_size=3))
    for path in draw(st.lists(st.sampled_from(v.paths), max_size=6)):
        segments = path.split(".")
        _plant(props, segments, draw(_value_for(segments[-1], v, values)), draw)
    return props


# -- config ------------------------------------------------------------------------------------------

def _option_values(default: Any, v: Vocabulary) -> st.SearchStrategy[Any]:
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, (int, float)):
        return st.one_of(st.integers(-5, 5000), st.integers(-5, 5000).map(float), st.sampled_from((0, -1, 10**6)))
    if isinstance(default, list):
        return st.lists(st.one_of(st.sampled_from(v.values), st.text(max_size=8)), max_size=4)
    if isinstance(default, str):
        return st.one_of(st.sampled_from(v.values), st.text(max_size=8))
    return st.one_of(st.none(), st.text(max_size=8))


def configs(policy: Any) -> st.SearchStrategy[Optional[Dict[str, Any]]]:
    """User config for a policy, as typed as the config schema allows (the CLI checks the types)."""
    defaults = getattr(policy, "config_defaults", {}) or {}
    if not defaults:
        return st.none()
    v = vocabulary_for(policy)
    options = {name: _option_values(default, v) for name, default in sorted(defaults.items())}
    return st.one_of(st.none(), st.fixed_dictionaries({}, optional=options))


# -- resources and stacks ----------------------------------------------------------------------------

NAMES = st.one_of(st.sampled_from(("res", "fn-1", "bucket-1", "my_bucket", "A")),
                  st.from_regex(re.compile(r"[A-Za-z0-9_-]{1,20}"), fullmatch=True))


@dataclass
class ResourceCase:
    type: str
    name: str
    props: Dict[str, Any]  # engine form
    provider: Optional[Dict[str, Any]]
    config: Optional[Dict[str, Any]]


@st.composite
def resource_cases(draw: Any, policy: Any, finite: bool = True) -> ResourceCase:
    v = vocabulary_for(policy)
    provider = draw(st.one_of(st.none(), property_trees(PROVIDER_VOCABULARY, finite=finite)))
    return ResourceCase(
        type=draw(st.sampled_from(v.types)),
        name=draw(NAMES),
        props=draw(property_trees(v, finite=finite)),
        provider=provider,
        config=draw(configs(policy)),
    )


PROVIDER_VOCABULARY = Vocabulary(
    paths=("region", "profile", "allowedAccountIds", "defaultTags.tags", "assumeRole.roleArn", "version"),
    keys=("region", "profile", "allowedAccountIds", "defaultTags", "tags", "assumeRole", "roleArn", "version"),
    values=REGIONS + ("us-west-2", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"),
    types=(t.AWS_PROVIDER,),
    pool=(),
)


@dataclass
class NodeCase:
    type: str
    name: str
    urn: str
    props: Dict[str, Any]  # engine form
    dependencies: List[str]
    property_dependencies: Dict[str, List[str]]
    parent: str
    provider: str


@dataclass
class StackCase:
    nodes: List[NodeCase]
    config: Optional[Dict[str, Any]]


MISSING_URN = "urn:pulumi:dev::proj::aws:lambda/function:Function::not-in-stack"


def urn_of(resource_type: str, name: str) -> str:
    return f"urn:pulumi:dev::proj::{resource_type}::{name}"


@st.composite
def stack_cases(draw: Any, policy: Any, finite: bool = True, max_nodes: int = 8) -> StackCase:
    v = vocabulary_for(policy)
    own_types = st.sampled_from(v.types)
    node_type = st.one_of(own_types, own_types, own_types, st.sampled_from(ALL_TYPES))
    types = draw(st.lists(node_type, max_size=max_nodes))
    urns = [urn_of(rt, f"r{i}") for i, rt in enumerate(types)]
    targets = st.sampled_from(urns + [MISSING_URN]) if urns else st.just(MISSING_URN)
    identity = st.sampled_from(v.pool)
    nodes = []
    for i, (rt, urn) in enumerate(zip(types, urns)):
        props = draw(property_trees(v, finite=finite))
        for key in draw(st.lists(st.sampled_from(("arn", "id", "name", "bucket", "invokeArn", "executionArn")),
                                 max_size=2)):
            props[key] = draw(st.one_of(identity, st.sampled_from(UNKNOWNS[:1])))
        nodes.append(NodeCase(
            type=rt, name=f"r{i}", urn=urn, props=props,
            dependencies=draw(st.lists(targets, max_size=3)),
            property_dependencies=draw(st.dictionaries(_key(v), st.lists(targets, max_size=3), max_size=3)),
            parent=draw(st.one_of(st.just(""), targets)),
            provider=draw(st.one_of(st.just(""), targets)),
        ))
    return StackCase(nodes=nodes, config=draw(configs(policy)))
