"""One core, two ways in, and the SDK's servicer as the reference: all report the same.

Each case runs the same resources, stack context and policy config through
`policypack.engine.evaluate.evaluate` (the scanner's way in), through the pack started as the CLI
starts it (`tests.support.engine.PackProcess`: the pack's own server), and through the same pack
served by `pulumi_policy`'s own servicer, and compares the diagnostics (policy, level, message,
URN, severity). Within one policy, messages may come in another order after the protocol's Struct
round trip, so the lists are compared as multisets. Secrets aside: the SDK's servicer would let a
rule quote a secret-marked value, the pack's server shows `[secret]`, so the reference's messages
are compared after the same net.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench_scan import synthetic_export
from policypack.core.secrets import Redactor
from policypack.engine.evaluate import StackContext, evaluate
from policypack.engine.model import ResourceState
from policypack.engine.requests import Diagnostic
from policypack.engine.tree import tree_from_json
from policypack.registry import ALL_POLICIES
from policypack.scan.policy_config import validate_policy_config
from policypack.scan.readers import read_state, read_state_file
from tests.scan.conftest import CORPUS_FILES


def assert_same(packs, states, context, policy_config=None, not_analyzed=(), sdk_packs=None):
    offline = evaluate(states, policy_config=policy_config, context=context, not_analyzed=not_analyzed)
    protocol = packs.diagnostics(context, states, policy_config, not_analyzed)
    assert Counter(offline) == Counter(protocol)
    if sdk_packs is not None:
        reference = secrets_aside(sdk_packs.diagnostics(context, states, policy_config, not_analyzed), states)
        assert Counter(protocol) == Counter(reference)
    return offline


def secrets_aside(found, states):
    secrets = []
    for state in states:
        tree_from_json(state.props, secrets)
        if state.outputs is not None:
            tree_from_json(state.outputs, secrets)
    redact = Redactor(secrets)
    return [Diagnostic(d.policy, d.level, redact(d.message), d.urn, d.severity) for d in found]


def context_of(target) -> StackContext:
    return StackContext(target.project, target.stack, target.dry_run, target.stack_config)


def exercising_config() -> dict:
    """A policy config touching every policy of the registry as it is today: levels of every kind
    (including "remediate" and "disabled") and a non-default value for every option."""
    levels = ["mandatory", "advisory", "remediate", "disabled"]
    document = {}
    for i, policy in enumerate(ALL_POLICIES):
        entry = {"enforcementLevel": levels[i % len(levels)]}
        schema = policy.config_schema.properties if policy.config_schema else {}
        for option, spec in schema.items():
            entry[option] = _other_value(spec)
        # an exemption that matches no resource: the SDK's servicer knows no exemptions
        entry["exemptions"] = [{"resource": "no-such-resource", "expires": "2099-01-01", "reason": "unused"}]
        document[policy.name] = entry if len(entry) > 1 or i % 2 else entry["enforcementLevel"]
    return validate_policy_config(document, ALL_POLICIES)


def _other_value(spec: dict):
    kind = spec.get("type")
    default = spec.get("default")
    if kind == "boolean":
        return not default
    if kind == "integer":
        return max(spec.get("minimum", 0), 1) + 2
    if kind == "number":
        return 2.5
    if kind == "array":
        return ["us-west-2", "python3.12", "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", "https://app.example.com"]
    if kind == "string":
        return "x"
    return default


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_file_gives_the_protocol_diagnostics(packs, sdk_packs, path):
    target = read_state_file(path)
    assert_same(packs, target.resources, context_of(target), not_analyzed=target.not_analyzed,
                sdk_packs=sdk_packs)


@pytest.mark.parametrize("name", [
    "plsalvado__my-first-webiny__pulumi-export.json",
    "pulumi__pulumi__todo-checkpoint-v0.json",
    "dundalek__stratify__sample-preview-creates.json",
])
def test_corpus_with_policy_config_gives_the_protocol_diagnostics(packs, sdk_packs, name):
    target = read_state_file(next(p for p in CORPUS_FILES if p.name == name))
    assert_same(packs, target.resources, context_of(target), exercising_config(), target.not_analyzed,
                sdk_packs=sdk_packs)


def test_captured_program_in_preview_gives_the_protocol_diagnostics(packs, sdk_packs, faulty_preview):
    context = StackContext(faulty_preview.project, faulty_preview.stack, True, faulty_preview.config)
    diagnostics = assert_same(packs, faulty_preview.resources, context, sdk_packs=sdk_packs)
    assert diagnostics, "the faulty program is expected to violate some policy"


def test_captured_program_in_update_gives_the_protocol_diagnostics(packs, sdk_packs, faulty_update):
    context = StackContext(faulty_update.project, faulty_update.stack, False, faulty_update.config)
    assert_same(packs, faulty_update.resources, context, sdk_packs=sdk_packs)
    assert_same(packs, faulty_update.resources, context, exercising_config(), sdk_packs=sdk_packs)


def test_captured_program_with_all_level_config(packs, sdk_packs, faulty_preview):
    context = StackContext(faulty_preview.project, faulty_preview.stack, True, faulty_preview.config)
    config = validate_policy_config({"all": "advisory", ALL_POLICIES[0].name: "mandatory"}, ALL_POLICIES)
    diagnostics = assert_same(packs, faulty_preview.resources, context, config, sdk_packs=sdk_packs)
    assert {d.level for d in diagnostics if d.policy != ALL_POLICIES[0].name} <= {"advisory"}


def test_synthetic_export_gives_the_protocol_diagnostics(packs, sdk_packs, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(synthetic_export(240)))
    target = read_state_file(path)
    diagnostics = assert_same(packs, target.resources, context_of(target), sdk_packs=sdk_packs)
    assert len({d.policy for d in diagnostics}) > 5


def test_stack_name_and_region_config_reach_the_rules_as_in_the_policy_process(packs, sdk_packs):
    """Rules that read `pulumi.get_stack()` / `pulumi.Config("aws")` see the same in both paths."""
    stack = "staging"
    provider = ResourceState(type="pulumi:providers:aws", urn=f"urn:pulumi:{stack}::shop::pulumi:providers:aws::default_7_0_0",
                             name="default_7_0_0", props={"version": "7.0.0"})
    bucket = ResourceState(type="aws:s3/bucket:Bucket", urn=f"urn:pulumi:{stack}::shop::aws:s3/bucket:Bucket::assets",
                           name="assets", props={"bucket": "shop-assets"}, provider=provider.urn)
    role = ResourceState(type="aws:iam/role:Role", urn=f"urn:pulumi:{stack}::shop::aws:iam/role:Role::app",
                         name="app", props={"name": f"app-{stack}", "assumeRolePolicy": "{}"}, provider=provider.urn)
    states = [provider, bucket, role]
    for region in ("us-wst-2", "eu-west-1"):
        context = StackContext("shop", stack, True, {"aws:region": region})
        assert_same(packs, states, context, sdk_packs=sdk_packs)
        assert_same(packs, states, context, validate_policy_config(
            {"aws-provider-region-allowed": {"allowedRegions": ["us-west-2"]}}, ALL_POLICIES), sdk_packs=sdk_packs)


def test_read_only_resources_are_in_the_stack_but_not_analysed(packs, sdk_packs):
    data = {"version": 3, "deployment": {"resources": [
        {"urn": "urn:pulumi:dev::p::aws:kms/key:Key::shared", "custom": True, "type": "aws:kms/key:Key",
         "external": True, "inputs": {}},
        {"urn": "urn:pulumi:dev::p::aws:kms/key:Key::own", "custom": True, "type": "aws:kms/key:Key",
         "inputs": {"enableKeyRotation": False}},
    ]}}
    target = read_state(Path("state.json"), data, "stack-export")
    diagnostics = assert_same(packs, target.resources, context_of(target), not_analyzed=target.not_analyzed,
                              sdk_packs=sdk_packs)
    assert "urn:pulumi:dev::p::aws:kms/key:Key::shared" not in {d.urn for d in diagnostics}
