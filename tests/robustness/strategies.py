"""Hypothesis strategies: random resources and stacks in the engine's JSON form.

Trees are what an analyzer can receive and worse: wrong types, nulls, empty and huge strings and
lists, deep nesting, unknown sentinels anywhere, secrets, assets, floats for ints, IAM documents
that are valid, truncated, of the wrong JSON kind or with odd statement shapes. Generation is biased
toward the property paths and values each rule's module mentions (see `vocabulary`), so the random
input reaches the code that reads it instead of bouncing off the first `get`.

Why two stages: Hypothesis spends ~0.1 ms per draw, and a tree built draw by draw costs a hundred
draws - too slow for 2,000 examples for each of ~40 rules. So a seeded generator (`Generator`)
builds, once per rule, a corpus of values (scalars, ARNs, IAM documents, small keyed trees with
secrets and unknowns, huge and deep values), of whole property trees - planted at the rule's paths,
or real ones (`shapes`: what the project's programs declare) mutated - and of stacks - coherent
random ones whose resources refer to each other, and mutated parts of the captured ones.
Hypothesis then composes an example from a few choices: a base tree, more values planted at more
paths, the shapes on the way, node links, dropped nodes, config. Shrinking works on those choices.

Everything here produces the engine form (sentinel strings, secret signature objects). `to_plain`
turns it into what a rule's `check` sees (what `PackResourcePolicy.validate` hands it).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from hypothesis import strategies as st
from pulumi_policy.deserialize import (
    SPECIAL_ARCHIVE_SIG,
    SPECIAL_ASSET_SIG,
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
from tests.support.harness import secret, urn_of  # the engine's secret form and the harness's URNs

from . import shapes
from . import vocabulary as vocab

UNKNOWNS = (
    UNKNOWN_STRING_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_ARRAY_VALUE,
    UNKNOWN_OBJECT_VALUE, UNKNOWN_ASSET_VALUE, UNKNOWN_ARCHIVE_VALUE,
)
MAX_DEPTH = 40  # well below protobuf's nesting limit for a Struct on the wire (100)


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
HUGE_CONTAINERS = (  # big enough to show a quadratic walk, small enough for 2,000 examples per rule
    ["s3:GetObject"] * 1_000,
    list(range(1_000)),
    ["arn:aws:s3:::bucket/uploads/*", None, 1.5, UNKNOWN_STRING_VALUE] * 250,
    [{"a": i} for i in range(300)],
    {f"K{i}": "v" * 10 for i in range(500)},
)
SHARED = frozenset(id(v) for v in HUGE_CONTAINERS)  # never copied, never mutated
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
SCALARS = (None, True, False, -(2**63), -1, 0, 1, 2, 3, 5, 100, 128, 900, 1000, 4096, 4097, 2**31,
           2**53 + 1, 10**20, -1.0, 0.0, -0.0, 0.5, 1.0, 2.0, 3.0, 99.9, 100.0, 1e15, 1e300)
NON_FINITE = (math.nan, math.inf, -math.inf)

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
    # AWS's data decides these: misspelled actions and services, wildcards that match nothing, case
    "s3:GetObjets", "lamda:InvokeFunction", "s3:Gte*", "S3:getobject", "ssmmessages:CreateControlChannel",
    "logs:CreateLogDelivery", "nosuchservice:Get", "s3:" + "*a" * 30 + "z", "../s3:Get", "s3:PutObjectVersionAcl",
)
PRINCIPALS = (
    "*", {"Service": "lambda.amazonaws.com"}, {"Service": ["lambda.amazonaws.com", "s3.amazonaws.com"]},
    {"AWS": "*"}, {"AWS": ["arn:aws:iam::123456789012:root"]}, {"AWS": "123456789012"},
    {"Federated": "cognito-identity.amazonaws.com"}, {"CanonicalUser": "abc"}, {}, [], "lambda.amazonaws.com",
    UNKNOWN_OBJECT_VALUE, {"Service": UNKNOWN_STRING_VALUE},
    # what the exposure rules tell apart: anyone, whole accounts, named principals, identity providers
    {"AWS": ["*"]}, {"AWS": "arn:aws:iam::*:root"}, {"AWS": ""}, {"AWS": ["123456789012", None, 5, {}]},
    {"AWS": ["arn:aws:iam::210987654321:root", "arn:aws:iam::123456789012:role/role-1", UNKNOWN_STRING_VALUE]},
    {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    {"Federated": "arn:aws:iam::123456789012:oidc-provider/"}, {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"},
    {"Federated": ["cognito-identity.amazonaws.com", "graph.facebook.com", UNKNOWN_STRING_VALUE]},
    {"CanonicalUser": ["79a59df9", {}]}, {"Service": "*"}, "arn:aws:iam::123456789012:root", " * ",
)
CONDITIONS = (
    {"Bool": {"aws:SecureTransport": "false"}}, {"Bool": {"aws:SecureTransport": False}},
    {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket-1"}}, {"StringLike": {"s3:prefix": ["uploads/*"]}},
    {}, [], "yes", UNKNOWN_OBJECT_VALUE,
    # operators with set prefixes and IfExists, keys in any case, values that limit nothing
    {"StringLike": {"aws:SourceArn": "*"}}, {"StringEqualsIfExists": {"AWS:SourceAccount": "123456789012"}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a1b2/*", UNKNOWN_STRING_VALUE]}},
    {"ForAllValues:StringEquals": {"AWS:PrincipalOrgID": "o-a1b2c3d4e5"}}, {"Null": {"aws:SourceArn": "false"}},
    {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0", 5, None]}}, {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
    {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
     "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:*", {}]}},
    {"StringEquals": {"sts:ExternalId": []}}, {"ArnLike": {"aws:SourceArn": [None, "arn:aws:s3:::*"]}},
    {"StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": "sqs.us-west-2.amazonaws.com"}},
    {"StringEquals": "x"}, {"ForAnyValue:": {"": ""}}, {":": {"aws:sourcearn": {"a": "b"}}},
    {"StringEquals": {"aws:SourceArn": UNKNOWN_STRING_VALUE}},
)
EFFECTS = ("Allow", "Allow", "Allow", "Deny", "allow", "", None, 1, UNKNOWN_STRING_VALUE)
VERSIONS = ("2012-10-17", "2012-10-17", "2012-10-17", "2008-10-17", "", 1, None, UNKNOWN_STRING_VALUE)
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
    "arn:aws:execute-api:us-west-2:123456789012:api-1/prod", "table-1",
    "arn:aws:dynamodb:us-west-2:123456789012:table/table-1", "alias/aws/dynamodb",
    "arn:aws:secretsmanager:us-west-2:123456789012:secret:secret-1-AbCdEf",
)
IDENTITY_KEYS = ("arn", "id", "name", "bucket", "invokeArn", "executionArn", "qualifiedArn", "url")
# What a node says about itself on top of its random tree: nothing, or one or two identity values.
IDENTITY_OVERLAYS = (
    {},
    *({key: value} for key in IDENTITY_KEYS for value in IDENTITY_POOL + UNKNOWNS[:1]),
    *({"arn": arn, "name": arn.rsplit(":", 1)[-1]} for arn in IDENTITY_POOL if arn.startswith("arn:")),
)


@dataclass(frozen=True)
class Vocabulary:
    """What one rule's module reads: paths, their keys, and the strings it compares with."""

    paths: Tuple[str, ...]  # the rule's own paths first, three times over: planting favours them
    keys: Tuple[str, ...]
    values: Tuple[str, ...]
    types: Tuple[str, ...]  # the resource types the rule applies to (all of them, for "*")


@lru_cache(maxsize=None)
def vocabulary_for(policy: Any) -> Vocabulary:
    own = vocab.module_strings(vocab.policy_module(policy))
    everything = vocab.pack_strings()
    primary = sorted(vocab.paths_of(vocab.check_strings(policy)))
    paths = (*primary * 3, *sorted(vocab.paths_of(own) | set(vocab.COMMON_PATHS)))
    keys = tuple(sorted(vocab.keys_of(paths) | set(vocab.COMMON_KEYS)))
    values = tuple(dict.fromkeys([*own, *(s for s in everything if len(s) <= 40)]))
    declared = tuple(getattr(policy, "resource_types", ()) or ())
    types = ALL_TYPES if "*" in declared else tuple(x for x in declared if x != "*")
    return Vocabulary(paths=paths, keys=keys, values=values, types=types or ALL_TYPES)


PROVIDER_VOCABULARY = Vocabulary(
    paths=("region", "profile", "allowedAccountIds", "defaultTags.tags", "assumeRole.roleArn", "version"),
    keys=("region", "profile", "allowedAccountIds", "defaultTags", "tags", "assumeRole", "roleArn", "version"),
    values=REGIONS + ("us-west-2", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"),
    types=(t.AWS_PROVIDER,),
)


# -- the seeded generator ---------------------------------------------------------------------------

class Generator:
    """Random values for one vocabulary, from a fixed seed (the corpora are reproducible)."""

    def __init__(self, v: Vocabulary, finite: bool, seed: str) -> None:
        self.v = v
        self.finite = finite
        self.rng = random.Random(seed)
        self.pool: Sequence[str] = IDENTITY_POOL  # names and ARNs values may refer to

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # scalars
    def text(self) -> str:
        alphabet = "abcXYZ019_-:/*.é \x00☃"
        return "".join(self.pick(alphabet) for _ in range(self.rng.randrange(0, 12)))

    def number(self) -> Any:
        kind = self.rng.randrange(4)
        if kind == 0:
            return self.rng.randrange(-10, 5000)
        if kind == 1:
            return float(self.rng.randrange(-10, 5000))
        if kind == 2:
            return self.rng.uniform(-1e6, 1e6)
        return self.pick(SCALARS[3:])

    def arn(self) -> str:
        if self.pool is not IDENTITY_POOL and self.chance(0.5):  # in a stack: often a sibling's ARN
            target = self.pick(self.pool)
            return target + self.pick(("", "", "/*", "/uploads/*", ":*", "/*/*", "*/*")) if target.startswith("arn:") else target
        resource = self.pick(ARN_RESOURCES) if self.chance(0.7) else self.pick(self.v.values)
        return f"arn:aws:{self.pick(SERVICES)}:{self.pick(REGIONS)}:{self.pick(ACCOUNTS)}:{resource}"

    def leaf(self) -> Any:
        roll = self.rng.random()
        if roll < 0.30:
            return self.pick(self.v.values)
        if roll < 0.38:
            return self.pick(SCALARS[:3])
        if roll < 0.48:
            return self.number()
        if roll < 0.55:
            return self.pick(ODD_STRINGS)
        if roll < 0.63:
            return self.arn()
        if roll < 0.68:
            return self.pick(self.pool)
        if roll < 0.78:
            return self.pick(UNKNOWNS)
        if roll < 0.87:
            return self.text()
        if roll < 0.96:
            return self.document()
        return self.rare()

    def rare(self) -> Any:
        roll = self.rng.randrange(5 if self.finite else 6)
        if roll == 0:
            return self.pick(HUGE_STRINGS)
        if roll == 1:
            return self.pick(HUGE_CONTAINERS)
        if roll == 2:
            return nest(self.pick(self.v.values), self.rng.randrange(5, MAX_DEPTH))
        if roll == 3:
            return self.pick(ASSETS)
        if roll == 4:
            return self.pick(WRONG_DOCUMENT_TEXTS)
        return self.pick(NON_FINITE)

    # containers
    def key(self) -> str:
        return self.pick(self.v.keys) if self.chance(0.8) else self.text()

    def tree(self, depth: int = 3) -> Any:
        if depth <= 0 or self.chance(0.55):
            return self.leaf()
        roll = self.rng.random()
        if roll < 0.45:
            return {self.key(): self.tree(depth - 1) for _ in range(self.rng.randrange(0, 4))}
        if roll < 0.85:
            return [self.tree(depth - 1) for _ in range(self.rng.randrange(0, 4))]
        return secret(self.tree(depth - 1))

    def string_or_list(self, element: Any) -> Any:
        roll = self.rng.random()
        if roll < 0.45:
            return element()
        if roll < 0.85:
            return [element() if self.chance(0.85) else self.pick(SCALARS[:8] + UNKNOWNS[:4] + ({}, {"a": "b"}))
                    for _ in range(self.rng.randrange(0, 4))]
        return self.pick((None, 3, 1.5, True, {}, {"a": "b"}, UNKNOWN_STRING_VALUE, UNKNOWN_ARRAY_VALUE))

    # IAM documents
    def statement(self) -> Any:
        if self.chance(0.08):
            return self.pick(("x", 5, None, [], UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE))
        stmt: Dict[str, Any] = {}
        if self.chance(0.95):
            stmt["Effect"] = self.pick(EFFECTS)
        action = lambda: self.pick(ACTIONS)  # noqa: E731
        resource = lambda: self.arn() if self.chance(0.5) else self.pick(("*", "arn:aws:s3:::bucket-1/*"))  # noqa: E731
        for key, p, element in (("Action", 0.85, action), ("NotAction", 0.1, action),
                                ("Resource", 0.8, resource), ("NotResource", 0.08, resource)):
            if self.chance(p):
                stmt[key] = self.string_or_list(element)
        if self.chance(0.3):
            stmt["Principal"] = self.pick(PRINCIPALS)
        if self.chance(0.05):
            stmt["NotPrincipal"] = self.pick(PRINCIPALS)
        if self.chance(0.3):
            stmt["Condition"] = self.pick(CONDITIONS)
        if self.chance(0.2):
            stmt["Sid"] = self.pick(("", "S1", 3, None))
        return stmt

    def document(self) -> Any:
        doc: Dict[str, Any] = {}
        if self.chance(0.9):
            doc["Version"] = self.pick(VERSIONS)
        roll = self.rng.random()
        if roll < 0.75:
            doc["Statement"] = [self.statement() for _ in range(self.rng.randrange(0, 4))]
        elif roll < 0.9:
            doc["Statement"] = self.statement()
        elif roll < 0.97:
            doc["Statement"] = self.pick(("x", 5, None, UNKNOWN_ARRAY_VALUE))
        form = self.rng.random()
        if form < 0.35:
            return doc
        text = json.dumps(doc)
        if form < 0.8:
            return text
        if form < 0.9:
            return text[: self.rng.randrange(0, len(text) + 1)]
        return self.pick(WRONG_DOCUMENT_TEXTS + (UNKNOWN_STRING_VALUE, [doc]))

    # values that fit what a path names
    def value_for(self, segment: str) -> Any:
        lowered = segment.lower()
        if "polic" in lowered and self.chance(0.7):
            return self.document()
        if lowered.endswith(("arn", "arns", "uri")) and self.chance(0.6):
            one = lambda: self.arn() if self.chance(0.4) else self.pick(self.pool)  # noqa: E731
            return one() if self.chance(0.6) else [one() for _ in range(self.rng.randrange(0, 3))]
        return self.tree()

    def property_tree(self) -> Dict[str, Any]:
        props: Dict[str, Any] = {}
        for _ in range(self.rng.randrange(0, 3)):
            props[self.key()] = self.tree()
        for _ in range(self.rng.randrange(1, 7)):
            segments = self.pick(self.v.paths).split(".")
            plant(props, segments, self.value_for(segments[-1]), self.rng.randrange(1 << 16))
        return props

    # real shapes, mutated
    def mutate(self, value: Any, rate: float, depth: int = 0) -> Any:
        """A copy of a real value with some parts replaced: leaves by random values (often
        unknowns), containers emptied or wrapped as secrets, keys dropped or added, documents broken."""
        roll = self.rng.random()
        if roll < rate * 0.5 and depth > 0:
            return self.leaf() if self.chance(0.5) else self.pick(UNKNOWNS)
        if roll < rate * 0.6 and depth > 0:
            return secret(self.mutate(value, rate, depth + 1))
        if isinstance(value, dict):
            if SPECIAL_SIG_KEY in value:
                return copy_tree(value)
            out = {k: self.mutate(v, rate, depth + 1) for k, v in value.items() if not self.chance(rate * 0.3)}
            if self.chance(rate * 0.3):
                out[self.key()] = self.tree()
            return out
        if isinstance(value, list):
            out = [self.mutate(v, rate, depth + 1) for v in value if not self.chance(rate * 0.3)]
            if out and self.chance(rate * 0.3):
                out.append(copy_tree(self.pick(out)))
            return out
        if isinstance(value, str) and value[:1] in "{[" and self.chance(0.5):
            try:
                document = json.loads(value)
            except ValueError:
                return value
            text = json.dumps(self.mutate(document, rate, depth + 1))
            return text[: self.rng.randrange(len(text) + 1)] if self.chance(0.1) else text
        if isinstance(value, bool) and self.chance(rate):
            return not value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and self.chance(rate):
            return self.number()
        return value

    def mutated_stack(self, states: Sequence[Any], types: Sequence[str], rate: float = 0.1,
                      max_nodes: int = 14) -> List["NodeCase"]:
        """Part of a captured stack: resources of the rule's types and what they link to (so the
        graph stays linked), a few others, each mutated; links to dropped resources dangle."""
        wanted = {s.urn for s in states if s.type in types}
        for s in states:
            if s.urn in wanted:
                wanted.update(s.dependencies)
                wanted.update(u for us in s.property_dependencies.values() for u in us)
        chosen = [s for s in states if (s.urn in wanted and not self.chance(0.1)) or self.chance(0.05)]
        if len(chosen) > max_nodes:
            self.rng.shuffle(chosen)
            chosen = chosen[:max_nodes]
        return [NodeCase(type=s.type, name=s.name, urn=s.urn, props=self.mutate(s.props, rate),
                         dependencies=list(s.dependencies),
                         property_dependencies={k: list(v) for k, v in s.property_dependencies.items()},
                         parent=s.parent, provider=s.provider) for s in chosen]

    # stacks whose resources refer to each other (what stack rules follow)
    def stack(self, types: Sequence[str], max_extra: int = 2) -> List["NodeCase"]:
        chosen = [rt for rt in types if self.chance(0.8)] + [self.pick(types) for _ in range(self.rng.randrange(0, 3))]
        chosen += [self.pick(ALL_TYPES) for _ in range(self.rng.randrange(0, max_extra + 1))]
        self.rng.shuffle(chosen)
        identities = [identity_of(rt, f"r{i}") for i, rt in enumerate(chosen)]
        urns = [urn_of(rt, f"r{i}") for i, rt in enumerate(chosen)]
        owner = {value: urns[i] for i, ident in enumerate(identities) for value in ident.values()}
        self.pool = tuple(owner)
        try:
            nodes = [self.linked_node(i, rt, urns, identities[i], owner) for i, rt in enumerate(chosen)]
        finally:
            self.pool = IDENTITY_POOL
        return nodes

    def linked_node(self, i: int, rt: str, urns: List[str], identity: Dict[str, str],
                    owner: Dict[str, str]) -> "NodeCase":
        props = self.property_tree()
        preview = self.chance(0.3)  # what AWS assigns (IDs, ARNs) is unknown in a preview
        for key, value in identity.items():
            if self.chance(0.85):
                props[key] = UNKNOWN_STRING_VALUE if preview and key in ("arn", "id") else value
        property_dependencies: Dict[str, List[str]] = {}
        for key, value in props.items():
            targets = sorted({owner[s] for s in strings_in(value) if s in owner and owner[s] != urns[i]}
                             | {owner[s.split("/*")[0].rstrip(":*")] for s in strings_in(value)
                                if s.split("/*")[0].rstrip(":*") in owner} - {urns[i]})
            if targets and self.chance(0.9):
                property_dependencies[key] = targets
                if preview and self.chance(0.7):
                    props[key] = unknown_references(value, owner)
        dependencies = sorted({u for us in property_dependencies.values() for u in us})
        if self.chance(0.2):
            dependencies.append(self.pick(urns + [MISSING_URN]))
        return NodeCase(type=rt, name=f"r{i}", urn=urns[i], props=props, dependencies=dependencies,
                        property_dependencies=property_dependencies,
                        parent=self.pick(urns) if self.chance(0.1) else "",
                        provider=self.pick(urns) if self.chance(0.05) else "")


def identity_of(resource_type: str, name: str) -> Dict[str, str]:
    """What a resource of this type says about itself once created: name, id, ARN (and a few more)."""
    module = resource_type.split(":")[1].split("/")[0] if resource_type.count(":") >= 2 else "x"
    physical = f"{name}-1a2b3c4"
    region, account = "us-west-2", "123456789012"
    arns = {
        "s3": f"arn:aws:s3:::{physical}", "iam": f"arn:aws:iam::{account}:role/{physical}",
        "lambda": f"arn:aws:lambda:{region}:{account}:function:{physical}",
        "sqs": f"arn:aws:sqs:{region}:{account}:{physical}", "sns": f"arn:aws:sns:{region}:{account}:{physical}",
        "cloudwatch": f"arn:aws:logs:{region}:{account}:log-group:{physical}",
        "kms": f"arn:aws:kms:{region}:{account}:key/{physical}",
        "apigatewayv2": f"arn:aws:apigateway:{region}::/apis/{physical}",
        "ssm": f"arn:aws:ssm:{region}:{account}:parameter/{physical}",
        "apigateway": f"arn:aws:apigateway:{region}::/restapis/{physical}",
        "dynamodb": f"arn:aws:dynamodb:{region}:{account}:table/{physical}",
        "secretsmanager": f"arn:aws:secretsmanager:{region}:{account}:secret:{physical}-AbCdEf",
        "sfn": f"arn:aws:states:{region}:{account}:stateMachine:{physical}",
    }
    identity = {"name": physical, "id": physical, "arn": arns.get(module, f"arn:aws:{module}:{region}:{account}:{physical}")}
    if module == "s3":
        identity["bucket"] = physical
    if module == "lambda":
        identity["invokeArn"] = (f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
                                 f"{identity['arn']}/invocations")
    if module in ("apigatewayv2", "apigateway"):
        identity["executionArn"] = f"arn:aws:execute-api:{region}:{account}:{physical}"
    if module == "secretsmanager":
        identity["id"] = identity["arn"]  # a secret's ID is its ARN
    return identity


def strings_in(value: Any) -> List[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def unknown_references(value: Any, owner: Dict[str, str]) -> Any:
    """The value as a preview sends it: what refers to another resource is not known yet."""
    if isinstance(value, str):
        return UNKNOWN_STRING_VALUE if any(key in value for key in owner) else value
    if isinstance(value, dict):
        return {k: unknown_references(v, owner) for k, v in value.items()}
    if isinstance(value, list):
        return [unknown_references(v, owner) for v in value]
    return value


def nest(leaf: Any, depth: int) -> Any:
    for level in range(depth):
        leaf = {"a": leaf} if level % 2 else [leaf]
    return leaf


SHAPES = ("dict", "dict", "dict", "dict", "list", "secret", "unknown", "wrong")


def plant(tree: Dict[str, Any], segments: List[str], value: Any, shape_bits: int) -> None:
    """Set `value` at `segments`, making containers on the way: mostly dicts, sometimes a
    one-element list, a secret, an unknown or a string (so the walk meets each shape)."""
    node: Any = tree
    for i, segment in enumerate(segments):
        if segment.isdigit():
            continue  # an index in a path: the list was made at the step before
        if i == len(segments) - 1:
            node[segment] = value
            return
        child = node.get(segment)
        if isinstance(child, dict) and SPECIAL_SIG_KEY not in child:
            node = child
            continue
        shape = SHAPES[(shape_bits >> (3 * i)) & 7]
        if segments[i + 1].isdigit() and shape == "dict":
            shape = "list"  # `inlinePolicies.0.policy`: a list of objects
        child = {}
        if shape == "list":
            node[segment] = [child]
        elif shape == "secret":
            node[segment] = secret(child)
        elif shape == "unknown":
            node[segment] = UNKNOWN_OBJECT_VALUE
            return
        elif shape == "wrong":
            node[segment] = "not-an-object"
            return
        else:
            node[segment] = child
        node = child


def copy_tree(value: Any) -> Any:
    """Copy the containers of a corpus value (the shared huge ones stay shared: nothing mutates them)."""
    if id(value) in SHARED:
        return value
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    return value


@dataclass(frozen=True)
class Corpus:
    values: Tuple[Any, ...]  # simple first: Hypothesis shrinks toward the start
    trees: Tuple[Dict[str, Any], ...]


@lru_cache(maxsize=None)
def stack_corpus(v: Vocabulary, finite: bool) -> Tuple[Tuple["NodeCase", ...], ...]:
    """Stacks of the rule's types whose resources refer to each other by value and by dependency."""
    gen = Generator(v, finite, seed=f"stacks|{v.paths}|{v.types}|{finite}")
    stacks = [tuple(gen.stack(v.types)) for _ in range(300)]
    captured = [s for s in shapes.captured_stacks() if any(r.type in v.types for r in s)]
    for i in range(300 if captured else 0):
        stacks.append(tuple(gen.mutated_stack(captured[i % len(captured)], v.types, rate=gen.pick((0.0, 0.05, 0.2)))))
    return tuple(stacks)


@lru_cache(maxsize=None)
def corpus_for(v: Vocabulary, finite: bool) -> Corpus:
    gen = Generator(v, finite, seed=f"{v.paths}|{v.types}|{finite}")
    values: List[Any] = [*SCALARS[:3], *v.values[:200], *UNKNOWNS]
    values += [gen.leaf() for _ in range(600)]
    values += [gen.arn() for _ in range(100)]
    values += [gen.document() for _ in range(200)]
    values += [gen.tree() for _ in range(500)]
    values += [gen.rare() for _ in range(60)]
    trees = [gen.property_tree() for _ in range(600)]
    real = [r.props for stack in shapes.captured_stacks() for r in stack if r.type in v.types]
    trees += [gen.mutate(real[i % len(real)], rate=gen.pick((0.0, 0.1, 0.3))) for i in range(400 if real else 0)]
    return Corpus(values=tuple(values), trees=tuple(trees))


# -- Hypothesis compositions -------------------------------------------------------------------------

def pick_from(options: Sequence[Any]) -> st.SearchStrategy[Any]:
    """`sampled_from` for big sequences: an index draw (Hypothesis labels a `sampled_from` by
    hashing all its elements, on every new strategy object)."""
    options = tuple(options)
    return st.integers(0, len(options) - 1).map(options.__getitem__)


@lru_cache(maxsize=None)
def property_trees(v: Vocabulary, finite: bool = True) -> st.SearchStrategy[Dict[str, Any]]:
    """A corpus tree, plus corpus values planted at more of the rule's paths."""
    corpus = corpus_for(v, finite)
    base = pick_from(corpus.trees)
    plantings = st.lists(st.tuples(pick_from(v.paths), pick_from(corpus.values), st.integers(0, 1 << 16)),
                         max_size=3)

    def build(parts: Tuple[Dict[str, Any], List[Tuple[str, Any, int]]]) -> Dict[str, Any]:
        tree, extra = parts
        props = copy_tree(tree)
        for path, value, shape_bits in extra:
            plant(props, path.split("."), copy_tree(value), shape_bits)
        return props

    return st.tuples(base, plantings).map(build)


def _option_values(default: Any, v: Vocabulary) -> st.SearchStrategy[Any]:
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, (int, float)):
        return st.one_of(st.integers(-5, 5000), st.integers(-5, 5000).map(float), st.sampled_from((0, -1, 10**6)))
    words = st.one_of(pick_from(v.values), st.text(max_size=8))
    if isinstance(default, list):
        return st.lists(words, max_size=4)
    return words


@lru_cache(maxsize=None)
def configs(policy: Any) -> st.SearchStrategy[Optional[Dict[str, Any]]]:
    """User config for a policy, as typed as its config schema allows (the CLI checks the types)."""
    defaults = getattr(policy, "config_defaults", {}) or {}
    if not defaults:
        return st.none()
    v = vocabulary_for(policy)
    options = {name: _option_values(default, v) for name, default in sorted(defaults.items())}
    return st.one_of(st.none(), st.fixed_dictionaries({}, optional=options))


NAMES = st.sampled_from(("res", "fn-1", "bucket-1", "my_bucket", "A", "x" * 60, "Weird.Name-1", "r0"))


@dataclass
class ResourceCase:
    type: str
    name: str
    props: Dict[str, Any]  # engine form
    provider: Optional[Dict[str, Any]]
    config: Optional[Dict[str, Any]]


def uses_provider(policy: Any) -> bool:
    return "provider_props" in vocab.module_source(vocab.policy_module(policy))


@lru_cache(maxsize=None)
def resource_cases(policy: Any, finite: bool = True) -> st.SearchStrategy[ResourceCase]:
    v = vocabulary_for(policy)
    provider = st.none()
    if uses_provider(policy):
        provider = st.one_of(st.none(), property_trees(PROVIDER_VOCABULARY, finite))
    return st.builds(ResourceCase, type=st.sampled_from(v.types), name=NAMES,
                     props=property_trees(v, finite), provider=provider, config=configs(policy))


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


@lru_cache(maxsize=None)
def stack_cases(policy: Any, finite: bool = True, max_nodes: int = 7) -> st.SearchStrategy[StackCase]:
    """Stacks of the rule's types (and others): mostly coherent ones from the corpus, whose
    resources refer to each other; sometimes loose ones, linked by random dependencies, parents and
    shared identity values, many links dangling."""
    v = vocabulary_for(policy)
    own_types = st.sampled_from(v.types)
    node_type = st.one_of(own_types, own_types, st.sampled_from(ALL_TYPES))
    corpus = corpus_for(v, finite)
    links = st.lists(st.integers(0, max_nodes), max_size=2)  # index max_nodes: a URN not in the stack
    node_parts = st.tuples(
        node_type,
        pick_from(corpus.trees),  # whole trees only: planting more per node costs too many draws
        pick_from(IDENTITY_OVERLAYS),
        links,
        st.dictionaries(pick_from(v.keys), links, max_size=2),
        st.integers(-1, max_nodes),  # parent (-1: none)
        st.integers(-1, max_nodes),  # provider (-1: the default provider)
    )

    def build(parts: Tuple[List[Tuple[Any, ...]], Optional[Dict[str, Any]]]) -> StackCase:
        raw_nodes, config = parts
        urns = [urn_of(raw[0], f"r{i}") for i, raw in enumerate(raw_nodes)]

        def urn(index: int) -> str:
            return urns[index] if 0 <= index < len(urns) else MISSING_URN

        nodes = []
        for i, (rt, props, identity, deps, prop_deps, parent, provider) in enumerate(raw_nodes):
            props = {**copy_tree(props), **identity}
            nodes.append(NodeCase(
                type=rt, name=f"r{i}", urn=urns[i], props=props,
                dependencies=[urn(d) for d in deps],
                property_dependencies={k: [urn(d) for d in ds] for k, ds in prop_deps.items()},
                parent=urn(parent) if parent >= 0 else "",
                provider=urn(provider) if provider >= 0 else "",
            ))
        return StackCase(nodes=nodes, config=config)

    loose = st.tuples(st.lists(node_parts, max_size=max_nodes), configs(policy)).map(build)
    return st.one_of(coherent_stacks(policy, finite), coherent_stacks(policy, finite), loose)


def coherent_stacks(policy: Any, finite: bool) -> st.SearchStrategy[StackCase]:
    """A corpus stack whose resources refer to each other, some of them dropped (links dangle)."""
    corpus = stack_corpus(vocabulary_for(policy), finite)

    def build(parts: Tuple[Tuple[NodeCase, ...], List[int], Optional[Dict[str, Any]]]) -> StackCase:
        nodes, dropped, config = parts
        kept = [NodeCase(n.type, n.name, n.urn, copy_tree(n.props), list(n.dependencies),
                         {k: list(v) for k, v in n.property_dependencies.items()}, n.parent, n.provider)
                for i, n in enumerate(nodes) if i not in dropped]
        return StackCase(nodes=kept, config=config)

    return st.tuples(pick_from(corpus), st.lists(st.integers(0, 12), max_size=2), configs(policy)).map(build)
