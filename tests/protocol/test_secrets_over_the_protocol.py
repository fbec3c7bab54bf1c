"""Through the pack served as the CLI serves it: random properties secret-marked, never quoted,
never a gRPC error; property trees deeper than the SDK can follow, analysed as far as they go.

The fuzz draws a policy, a resource (or a stack) for it from the robustness strategies (values
aimed at what the policy reads), marks random subtrees secret as the engine sends them
(`KeepSecrets`), and sends `Analyze` / `AnalyzeStack` over gRPC. No message may quote a string that
arrived secret - as `"value"` or `'value'`, or bare when it is a property value of six characters
or more - nor a string inside a secret JSON document (as `"value"`). Every call must answer.
"""

from __future__ import annotations

import json
import random
from typing import Any, Iterator, List, Tuple

import grpc
import pytest
from google.protobuf import struct_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policypack.core import types as t
from policypack.core.secrets import SECRET_TEXT
from policypack.engine.model import ResourceState
from pulumi.runtime.proto import analyzer_pb2

from policypack.engine.requests import analyze_request, analyze_stack_request, diagnostics
from policypack.registry import ALL_POLICIES
from tests.robustness.strategies import engine_safe, resource_cases, stack_cases
from tests.support.engine import PackProcess
from tests.support.harness import SECRET_SIG, urn_of

RESOURCE_POLICIES = [p for p in ALL_POLICIES if p.kind == "resource"]
STACK_POLICIES = [p for p in ALL_POLICIES if p.kind == "stack"]
BUDGET = min(settings.default.max_examples, 600)  # each example is a few gRPC round trips
FUZZ = settings(max_examples=BUDGET, deadline=None, suppress_health_check=list(HealthCheck))


def mark_properties(props: Any, rng: random.Random, rate: float) -> Any:
    """Random properties, or parts of them, secret-marked (the property map itself never is)."""
    if not isinstance(props, dict):
        return props
    return {key: mark_randomly(value, rng, rate) for key, value in props.items()}


def mark_randomly(value: Any, rng: random.Random, rate: float) -> Any:
    """`value` with random subtrees wrapped as engine secrets (the whole subtree becomes secret)."""
    if isinstance(value, dict) and SECRET_SIG.keys() <= value.keys():
        return value
    if rng.random() < rate and not (isinstance(value, str) and value.startswith("04da6b54")):
        return {**SECRET_SIG, "value": value}
    if isinstance(value, dict):
        return {k: mark_randomly(v, rng, rate) for k, v in value.items()}
    if isinstance(value, list):
        return [mark_randomly(v, rng, rate) for v in value]
    return value


def secret_strings(value: Any, inside: bool = False) -> Iterator[Tuple[str, bool]]:
    """(string, whether it is a property value rather than text inside a JSON document) for every
    string that sits inside a secret."""
    if isinstance(value, dict):
        if SECRET_SIG.keys() <= value.keys():
            yield from secret_strings(value.get("value"), True)
            return
        for child in value.values():
            yield from secret_strings(child, inside)
    elif isinstance(value, list):
        for child in value:
            yield from secret_strings(child, inside)
    elif isinstance(value, str) and inside:
        yield value, True
        stripped = value.strip()
        if stripped[:1] in ("{", "["):
            try:
                document = json.loads(stripped)
            except (ValueError, RecursionError):  # as the pack's net: a document it cannot read
                return
            for text, _ in secret_strings({**SECRET_SIG, "value": document}):
                yield text, False


def leaks(messages: List[str], secrets: List[Tuple[str, bool]]) -> List[str]:
    found = []
    for message in messages:
        for text, is_property_value in secrets:
            if len(text) < 2 or text == SECRET_TEXT:  # a secret whose value is the mark itself shows nothing
                continue
            forms = [json.dumps(text, ensure_ascii=False)]
            if is_property_value:
                forms.append(f"'{text}'")
                if len(text) >= 6:
                    forms.append(text)
            if any(form in message for form in forms):
                found.append(f"{text!r} in: {message}")
    return found


@pytest.fixture(scope="module")
def served() -> Iterator[PackProcess]:
    with PackProcess(dry_run=True, config={"aws:region": "us-west-2"}) as process:
        yield process


def resource_examples() -> st.SearchStrategy:
    return st.sampled_from(RESOURCE_POLICIES).flatmap(
        lambda policy: st.tuples(st.just(policy), resource_cases(policy), st.randoms(use_true_random=False),
                                 st.sampled_from((0.1, 0.3, 0.7))))


def stack_examples() -> st.SearchStrategy:
    return st.sampled_from(STACK_POLICIES).flatmap(
        lambda policy: st.tuples(st.just(policy), stack_cases(policy), st.randoms(use_true_random=False),
                                 st.sampled_from((0.1, 0.3, 0.7))))


def test_no_message_quotes_a_secret_marked_value_in_analyze(served):
    seen = []

    @FUZZ
    @given(resource_examples())
    def fuzz(example):
        policy, case, rng, rate = example
        props = mark_properties(engine_safe(case.props), rng, rate)
        provider = mark_properties(engine_safe(case.provider), rng, rate) if case.provider is not None else None
        states = [ResourceState(case.type, urn_of(case.type, case.name), case.name, props)]
        if provider is not None:
            provider_state = ResourceState(t.AWS_PROVIDER, urn_of(t.AWS_PROVIDER, "prov"), "prov", provider)
            states[0].provider = provider_state.urn
            states.append(provider_state)
        served.configure({policy.name: dict(case.config)} if case.config else {})
        found = served.analyze(states[0], states)  # a gRPC error fails here
        seen.append(len(found))
        secrets = list(secret_strings(props)) + list(secret_strings(provider))
        assert leaks([d.message for d in found], secrets) == []

    fuzz()
    assert len(seen) >= BUDGET and sum(seen) > 0, "the fuzz reached the rules"


def test_no_message_quotes_a_secret_marked_value_in_analyze_stack(served):
    seen = []

    @FUZZ
    @given(stack_examples())
    def fuzz(example):
        policy, case, rng, rate = example
        states = []
        for node in case.nodes:
            states.append(ResourceState(node.type, node.urn, node.name, mark_properties(engine_safe(node.props), rng, rate),
                                        parent=node.parent, dependencies=list(node.dependencies),
                                        property_dependencies={k: list(v) for k, v in node.property_dependencies.items()}))
        served.configure({policy.name: dict(case.config)} if case.config else {})
        found = served.analyze_stack(states)
        seen.append(len(found))
        secrets = [s for state in states for s in secret_strings(state.props)]
        assert leaks([d.message for d in found], secrets) == []

    fuzz()
    assert len(seen) >= BUDGET and sum(seen) > 0, "the fuzz reached the rules"


# -- depth ------------------------------------------------------------------------------------

def nested(depth: int) -> struct_pb2.Value:
    """`{"k": {"k": ... "leaf"}}`, built bottom-up: the client's own `Struct.update` recurses."""
    value = struct_pb2.Value(string_value="leaf")
    for _ in range(depth):
        level = struct_pb2.Struct()
        level.fields["k"].CopyFrom(value)
        value = struct_pb2.Value(struct_value=level)
    return value


DEEP_FUNCTION = {"runtime": "python3.9", "handler": "app.handler", "role": "arn:aws:iam::123456789012:role/r",
                 "tags": {"deep": "x"}, "environment": {"variables": {"A": "b"}}}


def deep_function(depth: int) -> ResourceState:
    return ResourceState(t.FUNCTION, urn_of(t.FUNCTION, "deep"), "deep", dict(DEEP_FUNCTION))


def analyze_deep(pack: PackProcess, depth: int) -> List[Any]:
    state = deep_function(depth)
    request = analyze_request(state, {})
    request.properties.fields["imageConfig"].CopyFrom(nested(depth))
    return diagnostics(pack.stub.Analyze(request, timeout=60))


@pytest.mark.parametrize("depth", [50, 199, 250, 900, 3000])
def test_a_deep_property_tree_is_analysed_as_far_as_it_goes(served, depth):
    """The SDK's deserializer recurses per level (from about 199 levels of maps: RecursionError, a
    gRPC error, a failed preview). The pack reads what it can: the runtime rule still reports."""
    served.configure({})
    found = analyze_deep(served, depth)
    assert "aws-lambda-function-runtime-supported" in {d.policy for d in found}
    request = analyze_stack_request([deep_function(depth)])
    request.resources[0].properties.fields["imageConfig"].CopyFrom(nested(depth))
    stack = diagnostics(served.stub.AnalyzeStack(request, timeout=60))
    assert all(d.message for d in stack)


def test_the_sdk_servicer_fails_the_request_on_such_a_tree():
    """Why the depth test exists: the same request through `pulumi_policy`'s servicer is a gRPC error."""
    with PackProcess(server="sdk") as sdk, pytest.raises(grpc.RpcError):
        analyze_deep(sdk, 250)


# -- secret stack config ----------------------------------------------------------------------

DEFAULT_PROVIDER = ResourceState(t.AWS_PROVIDER, urn_of(t.AWS_PROVIDER, "default_7_0_0"), "default_7_0_0",
                                 {"version": "7.0.0"})
REGION_MESSAGE = ("`region` (from the stack's `aws:region` config) is {}, which is not an AWS Region code: "
                  "{}.")


def region_messages(pack: PackProcess) -> List[str]:
    return [d.message for d in pack.analyze(DEFAULT_PROVIDER, [DEFAULT_PROVIDER])
            if d.policy == "aws-provider-region-allowed"]


def test_a_secret_region_in_the_policy_process_environment_is_never_shown():
    """The CLI names secret config keys in PULUMI_CONFIG_SECRET_KEYS: the rule still judges the value."""
    with PackProcess(config={"aws:region": "us-wst-2"}) as plain_pack:
        assert region_messages(plain_pack) == [REGION_MESSAGE.format('"us-wst-2"', 'did you mean "us-west-2"')]
    with PackProcess(config={"aws:region": "us-wst-2"}, secret_keys={"aws:region"}) as secret_pack:
        assert region_messages(secret_pack) == [REGION_MESSAGE.format("[secret]", 'use one such as "us-west-2"')]


def test_a_secret_region_sent_with_configure_stack_is_never_shown():
    """Newer engines send the stack's config and its secret keys in ConfigureStack."""
    with PackProcess() as pack:
        pack.stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
            stack="dev", project="proj", organization="org", dry_run=True,
            config={"aws:region": "moon-base-1"}, config_secret_keys=["aws:region"]), timeout=30)
        messages = region_messages(pack)
    assert messages == [REGION_MESSAGE.format("[secret]", 'use one such as "us-west-2"')]
