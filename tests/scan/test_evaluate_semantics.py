"""The evaluator keeps every rule of `pulumi_policy` 1.21's servicer, shown on policies made for it.

Reference: the SDK's own `_PolicyAnalyzerServicer`, called in-process with the requests the engine
sends (`policypack.engine.requests`) and the environment the CLI gives the policy process
(PULUMI_PROJECT / PULUMI_STACK / PULUMI_DRY_RUN / PULUMI_CONFIG). Both paths must agree on
enforcement levels (disabled, remediate -> mandatory), config merging (numbers as floats), the
unknown-checking proxy and its "can't run policy ... during preview" note, secrets, assets,
not-applicable, async validations, parents / dependencies / providers in stack policies, and what
`pulumi.get_stack()` and `pulumi.Config("aws")` return. On top, it does its work once.
"""

from __future__ import annotations

import contextvars
import json
from collections import Counter
from typing import List

import pulumi
import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policypack import PACK_NAME, __version__ as PACK_VERSION
from policypack.core import graph as graph_module
from policypack.core.rule import ADVISORY, MANDATORY, HIGH, StackViolation, resource_rule, stack_rule
from policypack.engine import evaluate as evaluate_module
from policypack.core.secrets import Redactor
from policypack.engine.evaluate import StackContext, evaluate
from policypack.engine.model import ResourceState
from policypack.engine.requests import analyze_request, analyze_stack_request, configure_request, diagnostics
from tests.support.harness import SECRET_SIG, UNKNOWN_NUMBER, UNKNOWN_STRING

PROJECT, STACK = "shop", "qa"


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{resource_type}::{name}"


SECRET_KEY_ID = "alias/secret-key"
PROVIDER = ResourceState("pulumi:providers:aws", urn("pulumi:providers:aws", "eu"), "eu",
                         {"region": "eu-west-1", "version": "7.0.0"})
STACK_RESOURCE = ResourceState("pulumi:pulumi:Stack", urn("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}"),
                               f"{PROJECT}-{STACK}", custom=False)
QUEUE = ResourceState("aws:sqs/queue:Queue", urn("aws:sqs/queue:Queue", "jobs"), "jobs",
                      {"name": "jobs", "delaySeconds": 5, "tags": {"team": "a"},
                       "kmsMasterKeyId": {**SECRET_SIG, "value": SECRET_KEY_ID}},
                      parent=STACK_RESOURCE.urn, provider=PROVIDER.urn)
FUNCTION = ResourceState("aws:lambda/function:Function", urn("aws:lambda/function:Function", "worker"), "worker",
                         {"name": "worker", "memorySize": 256, "timeout": UNKNOWN_NUMBER, "role": UNKNOWN_STRING,
                          "code": {"4dabf18193072939515e22adb298388d": "0def7320c3a5731c473e5ecbe6d01bc7",
                                   "assets": {"__main__.py": {"4dabf18193072939515e22adb298388d":
                                                              "c44067f5952c0a294b673a41bacd8c17", "text": "x = 1"}}},
                          "environment": {"variables": {"QUEUE": "jobs"}}},
                         parent=STACK_RESOURCE.urn, dependencies=[QUEUE.urn, "urn:pulumi:qa::shop::x:y:Z::gone"],
                         property_dependencies={"environment": [QUEUE.urn], "role": []})
STATES = [STACK_RESOURCE, PROVIDER, QUEUE, FUNCTION]
CONTEXT = StackContext(PROJECT, STACK, True, {"aws:region": "us-west-2", f"{PROJECT}:tier": "gold"})


# -- policies written the plain pulumi_policy way ------------------------------------------------------

def _reads_timeout(args, report):
    if args.resource_type != "aws:lambda/function:Function":
        return
    report(f"timeout is {args.props['timeout']}")  # unknown in preview: UnknownValueError


def _reads_config(args, report):
    config = args.get_config()
    report(f"limit={config.get('limit')!r} names={config.get('names')!r} all={sorted(config)}")


def _reads_runtime(args, report):
    report(f"stack={pulumi.get_stack()} project={pulumi.get_project()} dry_run={pulumi.runtime.is_dry_run()} "
           f"region={pulumi.Config('aws').get('region')} tier={pulumi.Config().get('tier')}")


def _reads_props(args, report):
    if args.resource_type != "aws:sqs/queue:Queue":
        args.not_applicable("queues only")
    props = args.props
    report(f"delay={props['delaySeconds']!r} key={props['kmsMasterKeyId']!r} tags={dict(props['tags'])!r} "
           f"provider={args.provider.name if args.provider else None}:{args.provider.props['region'] if args.provider else None} "
           f"parent={args.opts.parent}", None)


def _reports_other_urn(args, report):
    report("", urn("aws:sqs/queue:Queue", "elsewhere"))


async def _async_check(args, report):
    report(f"async saw {args.name}")


def _reads_asset(args, report):
    if "code" in args.props:
        code = args.props["code"]
        report(f"code is {type(code).__name__} with {sorted(code.assets)}")


def _stack_links(args, report):
    for r in args.resources:
        parent = r.parent.urn if r.parent is not None else None
        deps = [d.name for d in r.dependencies]
        prop_deps = {k: [d.name for d in v] for k, v in r.property_dependencies.items()}
        provider = r.provider.name if r.provider is not None else None
        report(f"{r.name}: parent={parent} deps={deps} propdeps={prop_deps} provider={provider}", r.urn)


def _stack_reads_unknown(args, report):
    for r in args.resources:
        if r.resource_type == "aws:lambda/function:Function":
            report(str(r.props["role"]))


def sdk_policies() -> List:
    def rvp(name, validate, level=EnforcementLevel.ADVISORY, **kw):
        return ResourceValidationPolicy(name=name, description=f"{name} description", validate=validate,
                                        enforcement_level=level, **kw)

    return [
        rvp("reads-timeout", _reads_timeout, EnforcementLevel.MANDATORY, severity=Severity.HIGH),
        rvp("reads-config", _reads_config, config_schema=PolicyConfigSchema(
            properties={"limit": {"type": "integer"}, "names": {"type": "array"}})),
        rvp("reads-runtime", _reads_runtime),
        rvp("reads-props", _reads_props, EnforcementLevel.REMEDIATE),
        rvp("reports-other-urn", _reports_other_urn),
        rvp("async-check", _async_check, EnforcementLevel.MANDATORY),
        rvp("reads-asset", [_reads_asset, _reads_timeout], severity=Severity.LOW),
        rvp("disabled-by-default", _reads_runtime, EnforcementLevel.DISABLED),
        ResourceValidationPolicy(name="remediation-only", description="d", remediate=lambda args: None),
        StackValidationPolicy(name="stack-links", description="stack links", validate=_stack_links,
                              enforcement_level=EnforcementLevel.MANDATORY, severity=Severity.CRITICAL),
        StackValidationPolicy(name="stack-unknown", description="stack unknown", validate=_stack_reads_unknown),
    ]


# -- this pack's kind of policy, reading the runtime too -------------------------------------------------

@resource_rule(name="pack-runtime", description="pack runtime", resource_types=["aws:sqs/queue:Queue"],
               enforcement_level=MANDATORY, severity=HIGH, remediation_steps="r", url="https://example.com",
               config_options={"limit": {"type": "integer", "default": 7}})
def pack_runtime(resource, config):
    yield (f"{resource.name} stack={pulumi.get_stack()} region={pulumi.Config('aws').get('region')} "
           f"limit={config['limit']!r} delay={resource.props['delaySeconds']!r} "
           f"provider_region={(resource.provider_props or {}).get('region')}")


@stack_rule(name="pack-stack", description="pack stack", resource_types=["aws:lambda/function:Function"],
            enforcement_level=ADVISORY, severity=HIGH, remediation_steps="r", url="https://example.com")
def pack_stack(graph, config):
    for node in graph.of_type("aws:lambda/function:Function"):
        yield StackViolation(node.urn, f"deps={node.dependencies} propdeps={node.property_dependencies} "
                                       f"parent={node.parent} timeout={node.get('timeout')!r}")
    yield StackViolation(None, f"stack {pulumi.get_stack()} has {len(graph)} resources")


def servicer_diagnostics(policies, states, config_document, context: StackContext, not_analyzed=()):
    """The SDK's servicer, in the environment the CLI gives the policy process."""
    import os

    def run():
        pulumi.runtime.set_all_config({})  # a fresh config map for this context (the default is shared)
        servicer = _PolicyAnalyzerServicer(PACK_NAME, PACK_VERSION, list(policies), EnforcementLevel.ADVISORY)
        default_levels = {p.name: (p.enforcement_level or EnforcementLevel.ADVISORY).value for p in policies}
        servicer.Configure(configure_request(config_document, default_levels), None)
        by_urn = {s.urn: s for s in states}
        out = []
        for state in states:
            if state.urn not in not_analyzed:
                response = servicer.Analyze(analyze_request(state, by_urn), None)
                out.extend(d if d.urn else d.__class__(d.policy, d.level, d.message, state.urn, d.severity)
                           for d in diagnostics(response))
        with graph_module.analysis_scope():
            out.extend(diagnostics(servicer.AnalyzeStack(analyze_stack_request(states), None)))
        return out

    env = {"PULUMI_PROJECT": context.project, "PULUMI_STACK": context.stack,
           "PULUMI_DRY_RUN": "true" if context.dry_run else "false", "PULUMI_CONFIG": json.dumps(dict(context.config))}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return contextvars.copy_context().run(run)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


POLICIES = sdk_policies() + [pack_runtime, pack_stack]


@pytest.mark.parametrize("config_document", [
    {},
    {"reads-config": {"limit": 3, "names": ["a", 2]}, "reads-runtime": "disabled", "disabled-by-default": "mandatory",
     "pack-runtime": {"limit": 12}, "stack-links": "advisory", "async-check": "remediate"},
    {"reads-timeout": "disabled", "stack-unknown": "remediate", "pack-stack": "disabled", "reads-config": {}},
], ids=["defaults", "levels-and-options", "more-levels"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "update"])
def test_same_diagnostics_as_the_sdk_servicer(config_document, dry_run):
    context = StackContext(CONTEXT.project, CONTEXT.stack, dry_run, CONTEXT.config)
    offline = evaluate(STATES, policies=POLICIES, policy_config=config_document, context=context)
    reference = servicer_diagnostics(POLICIES, STATES, config_document, context)
    assert Counter(offline) == Counter(secrets_aside(reference))


def secrets_aside(found):
    """The servicer quotes what a plain policy reports; the core never lets a secret value through."""
    redact = Redactor([SECRET_KEY_ID])
    return [d.__class__(d.policy, d.level, redact(d.message), d.urn, d.severity) for d in found]


def test_the_servicer_semantics_are_visible_in_the_diagnostics():
    found = evaluate(STATES, policies=POLICIES, context=CONTEXT)
    by_policy = {}
    for d in found:
        by_policy.setdefault(d.policy, []).append(d)
    note = by_policy["reads-timeout"][0]
    assert (note.level, note.severity, note.urn) == ("advisory", "", FUNCTION.urn)
    assert note.message == (f"can't run policy 'reads-timeout' from policy pack '{PACK_NAME}@v{PACK_VERSION}' "
                            "during preview: number value at .timeout can't be known during preview")
    props = by_policy["reads-props"][0]
    assert props.level == "mandatory"  # remediate is reported as mandatory
    assert props.message == ("delay=5.0 key=[secret] tags={'team': 'a'} provider=eu:eu-west-1 "
                             f"parent={STACK_RESOURCE.urn}")
    assert by_policy["reads-runtime"][0].message.startswith(
        "stack=qa project=shop dry_run=True region=us-west-2 tier=gold")
    assert by_policy["reports-other-urn"][0].urn == urn("aws:sqs/queue:Queue", "elsewhere")
    assert by_policy["pack-runtime"][0].message == (
        "jobs stack=qa region=us-west-2 limit=7 delay=5.0 provider_region=eu-west-1")
    assert "disabled-by-default" not in by_policy and "remediation-only" not in by_policy
    links = {d.urn: d.message for d in by_policy["stack-links"]}
    assert links[FUNCTION.urn] == (f"worker: parent={STACK_RESOURCE.urn} deps=['jobs'] "
                                   "propdeps={'environment': ['jobs'], 'role': []} provider=None")
    assert links[QUEUE.urn].endswith("provider=eu")


def test_config_numbers_arrive_as_floats_like_through_the_struct():
    found = evaluate(STATES, policies=POLICIES, context=CONTEXT,
                     policy_config={"reads-config": {"limit": 3, "names": ["a", 2]}, "pack-runtime": {"limit": 12}})
    messages = {d.policy: d.message for d in found if d.urn == QUEUE.urn}
    assert messages["reads-config"] == "limit=3.0 names=['a', 2.0] all=['limit', 'names']"
    assert "limit=12.0" in messages["pack-runtime"]


def test_runtime_settings_do_not_leak_into_the_caller():
    before = (pulumi.get_stack(), dict(pulumi.runtime.config.CONFIG.get()))
    evaluate(STATES, policies=POLICIES, context=CONTEXT)
    assert (pulumi.get_stack(), dict(pulumi.runtime.config.CONFIG.get())) == before


def test_each_resource_is_converted_once_and_the_graph_built_once(monkeypatch):
    calls = Counter()
    real_props, real_init = evaluate_module.engine_props, graph_module.StackGraph.__init__

    def counting_props(props, secrets=None):
        calls["props"] += 1
        return real_props(props, secrets)

    def counting_init(self, nodes):
        calls["graph"] += 1
        real_init(self, nodes)

    monkeypatch.setattr(evaluate_module, "engine_props", counting_props)
    monkeypatch.setattr(graph_module.StackGraph, "__init__", counting_init)
    second_stack_rule = stack_rule(name="pack-stack-2", description="d", resource_types=["aws:sqs/queue:Queue"],
                                   enforcement_level=ADVISORY, severity=HIGH, remediation_steps="r",
                                   url="https://example.com")(lambda graph, config: iter(()))
    evaluate(STATES, policies=[pack_runtime, pack_stack, second_stack_rule], context=CONTEXT)
    assert calls == Counter({"props": len(STATES), "graph": 1})


def test_resource_policies_for_other_types_are_skipped_before_any_work(monkeypatch):
    seen = []
    monkeypatch.setattr(pack_runtime, "messages", lambda resource, config: seen.append(resource.type) or iter(()))
    evaluate(STATES, policies=[pack_runtime], context=CONTEXT)
    assert seen == ["aws:sqs/queue:Queue"]


def test_a_rule_for_every_type_runs_on_every_analysed_resource():
    @resource_rule(name="every-type", description="d", resource_types=["*"], enforcement_level=ADVISORY,
                   severity=HIGH, remediation_steps="r", url="https://example.com")
    def every_type(resource, config):
        yield resource.type

    found = evaluate(STATES, policies=[every_type], context=CONTEXT, not_analyzed={PROVIDER.urn})
    assert [d.message for d in found] == ["pulumi:pulumi:Stack", "aws:sqs/queue:Queue", "aws:lambda/function:Function"]
