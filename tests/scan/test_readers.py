"""Reading real state files, checkpoints of every format version and preview JSON."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench_scan import synthetic_export
from policypack.scan.readers import (
    SECRET_PLACEHOLDER,
    ScanInputError,
    analyzer_props,
    read_preview,
    read_state,
    read_state_file,
)
from tests.scan.conftest import CORPUS, CORPUS_FILES, SCHEMAS
from tests.support.harness import UNKNOWN_STRING

SIG = "4dabf18193072939515e22adb298388d"

# file -> (kind, format version, project, stack, resources kept, skipped)
EXPECTED = {
    "dundalek__stratify__sample-export.json": ("stack-export", 3, "sample", "dev", 17, {}),
    "dundalek__stratify__sample-preview-creates.json": ("preview", None, "sample", "dev", 16, {}),
    "dundalek__stratify__sample-preview-update.json": ("preview", None, "sample", "dev", 16, {}),
    "plsalvado__my-first-webiny__pulumi-export.json": ("stack-export", 3, "api", "dev", 54, {}),
    "pulumi__pulumi-aws-apigateway__api-1.0.1-stack.json": ("stack-export", 3, "api", "test", 13, {}),
    "pulumi__pulumi-awsx__nodejs-cloudtrail-stack.json": ("stack-export", 3, "nodejs", "test", 16, {}),
    "pulumi__pulumi-tool-terraform-migrate__dns-to-db-flat-state.json": ("stack-export", 3, "dns-to-db", "dev", 93, {}),
    "pulumi__pulumi-tool-terraform-migrate__s3bucket-test-upsert-checkpoint.json":
        ("checkpoint", 3, "s3bucket-test", "test-upsert", 3, {}),
    "pulumi__pulumi__checkpoint-secrets.json": ("checkpoint", 3, "countdown", "foo", 30, {}),
    "pulumi__pulumi__checkpoint-v1.json": ("checkpoint", 1, "countdown", "foo", 30, {}),
    "pulumi__pulumi__checkpoint-v4-features.json": ("checkpoint", 4, "countdown", "foo", 30, {}),
    "pulumi__pulumi__todo-checkpoint-v0.json": ("checkpoint", 0, "todo", "foo", 44, {"pending delete": 1}),
    "spacedog__pulumi-test__history-checkpoint-kms-s3.json": ("checkpoint", 3, "tutorial", "dev", 4, {}),
    "spacedog__pulumi-test__stacks-dev-bak-pending-ops.json": ("checkpoint", 3, "tutorial", "dev", 1, {}),
    "tatendabakozw__paas-server__stack-backup.json": ("stack-export", 3, "paas-infrastructure", "dev", 14, {}),
}


def test_the_table_covers_the_whole_corpus():
    assert sorted(EXPECTED) == [p.name for p in CORPUS_FILES]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_file_is_read(path):
    target = read_state_file(path)
    kind, version, project, stack, count, skipped = EXPECTED[path.name]
    assert (target.kind, target.format_version, target.project, target.stack, len(target.resources), target.skipped) == (
        kind, version, project, stack, count, skipped)
    assert target.dry_run == (kind == "preview")
    urns = [r.urn for r in target.resources]
    assert len(set(urns)) == len(urns)
    for state in target.resources:
        assert target.locations[state.urn][0] == path and target.locations[state.urn][1] >= 1
        assert state.name == state.urn.split("::")[-1] and state.type
        assert not state.provider or (state.provider.startswith("urn:pulumi:") and state.provider.count("::") == 3)
        _assert_engine_form(state.props)


def _assert_engine_form(value, inside_archive=False):
    """No internal `__` keys (except asset names inside an archive), no ciphertext, no plaintext."""
    if isinstance(value, list):
        for v in value:
            _assert_engine_form(v)
    elif isinstance(value, dict):
        if value.get(SIG) == "1b47061264138c4ac30d75fd1eb44270":
            assert value == SECRET_PLACEHOLDER
            return
        assert "ciphertext" not in value and "plaintext" not in value
        for key, v in value.items():
            assert inside_archive or not key.startswith("__"), key
            _assert_engine_form(v, inside_archive=key == "assets" and value.get(SIG) == "0def7320c3a5731c473e5ecbe6d01bc7")


def test_encrypted_secrets_become_secrets_of_unknown_value():
    target = read_state_file(CORPUS / "pulumi__pulumi__checkpoint-secrets.json")
    role = next(r for r in target.resources if r.urn.endswith("::countDown_watcher-iamrole"))
    assert role.props["assumeRolePolicy"] == {SIG: "1b47061264138c4ac30d75fd1eb44270", "value": UNKNOWN_STRING}
    placeholders = json.dumps([r.props for r in target.resources]).count(UNKNOWN_STRING)
    assert placeholders == 6  # every ciphertext of the inputs (the file's 4 others are in outputs)


def test_plaintext_secrets_are_never_read():
    data = {"version": 3, "checkpoint": {"latest": {"resources": [{
        "urn": "urn:pulumi:dev::p::aws:ssm/parameter:Parameter::db", "custom": True,
        "type": "aws:ssm/parameter:Parameter",
        "inputs": {"name": "/db/password", "value": {SIG: "1b47061264138c4ac30d75fd1eb44270", "plaintext": "\"s3cr3t-value\""},
                   "tags": {"__defaults": [], "owner": {SIG: "1b47061264138c4ac30d75fd1eb44270", "value": "also-secret"}}}}]}}}
    target = read_state(Path("checkpoint.json"), data, "checkpoint")
    assert "s3cr3t" not in json.dumps(target.resources[0].props)
    assert "also-secret" not in json.dumps(target.resources[0].props)
    assert target.resources[0].props["tags"] == {"owner": SECRET_PLACEHOLDER}


def test_internal_keys_are_dropped_at_every_level_but_archive_members_keep_their_names():
    archive = {SIG: "0def7320c3a5731c473e5ecbe6d01bc7", "assets": {
        "__index.js": {SIG: "c44067f5952c0a294b673a41bacd8c17", "hash": "h", "text": "exports.handler = 1"}}}
    props = analyzer_props({"__defaults": ["name"], "name": "x", "code": archive,
                            "rules": [{"__defaults": [], "id": "r"}]})
    assert props == {"name": "x", "code": archive, "rules": [{"id": "r"}]}


def test_resource_references_are_sent_as_their_id_or_urn():
    ref = {SIG: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "packageVersion": ""}
    assert analyzer_props({"a": {**ref, "id": "bucket-123"}, "b": {**ref, "id": ""}, "c": [ref]}) == {
        "a": "bucket-123", "b": ref["urn"], "c": [ref["urn"]]}


def test_assets_the_sdk_could_not_rebuild_become_unknown():
    hash_only = {SIG: "c44067f5952c0a294b673a41bacd8c17", "hash": "h"}
    archive = {SIG: "0def7320c3a5731c473e5ecbe6d01bc7", "assets": {"a.txt": hash_only}}
    props = analyzer_props({"source": hash_only, "code": archive, "odd": {SIG: "not-a-known-signature"}})
    assert props == {"source": "030794c1-ac77-496b-92df-f27374a8bd58", "code": "e48ece36-62e2-4504-bad9-02848725956a",
                     "odd": UNKNOWN_STRING}


def test_old_checkpoints_get_property_dependencies_as_the_engine_migrates_them():
    data = {"version": 2, "checkpoint": {"stack": "dev", "latest": {"resources": [
        {"urn": "urn:pulumi:dev::p::aws:sqs/queue:Queue::q", "custom": True, "type": "aws:sqs/queue:Queue", "inputs": {}},
        {"urn": "urn:pulumi:dev::p::aws:lambda/function:Function::f", "custom": True,
         "type": "aws:lambda/function:Function", "inputs": {"name": "f", "__defaults": []},
         "dependencies": ["urn:pulumi:dev::p::aws:sqs/queue:Queue::q"]}]}}}
    function = read_state(Path("old.json"), data, "checkpoint").resources[1]
    assert function.property_dependencies == {"name": ["urn:pulumi:dev::p::aws:sqs/queue:Queue::q"]}


def test_property_dependencies_without_urns_are_not_sent():
    target = read_state_file(CORPUS / "pulumi__pulumi__checkpoint-secrets.json")  # `"action": null` entries
    assert all(all(urns for urns in r.property_dependencies.values()) for r in target.resources)


def test_default_provider_inputs_give_the_stack_config_the_policies_would_see():
    target = read_state_file(CORPUS / "spacedog__pulumi-test__history-checkpoint-kms-s3.json")
    assert target.stack_config == {"aws:profile": "abaranov", "aws:region": "ca-central-1"}


def test_preview_steps_delete_and_read_ops():
    steps = [
        {"op": "same", "urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
         "newState": {"urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "type": "pulumi:pulumi:Stack"}},
        {"op": "refresh", "newState": {"urn": "urn:pulumi:dev::p::aws:sqs/queue:Queue::q", "type": "aws:sqs/queue:Queue",
                                       "custom": True, "inputs": {"name": "old"}}},
        {"op": "update", "newState": {"urn": "urn:pulumi:dev::p::aws:sqs/queue:Queue::q", "type": "aws:sqs/queue:Queue",
                                      "custom": True, "inputs": {"name": "new", "__defaults": []}}},
        {"op": "delete", "oldState": {"urn": "urn:pulumi:dev::p::aws:sqs/queue:Queue::gone", "type": "aws:sqs/queue:Queue"}},
        {"op": "delete-replaced", "oldState": {"urn": "urn:pulumi:dev::p::aws:sns/topic:Topic::t"}},
        {"op": "create-replacement", "newState": {"urn": "urn:pulumi:dev::p::aws:sns/topic:Topic::t", "custom": True,
                                                  "type": "aws:sns/topic:Topic", "inputs": {"name": "t2"}}},
        {"op": "replace", "newState": {"urn": "urn:pulumi:dev::p::aws:sns/topic:Topic::t", "custom": True,
                                       "type": "aws:sns/topic:Topic", "inputs": {"name": "t2"}}},
        {"op": "read", "newState": {"urn": "urn:pulumi:dev::p::aws:kms/key:Key::shared", "custom": True,
                                    "type": "aws:kms/key:Key", "external": True, "inputs": {}}},
    ]
    target = read_preview(Path("plan.json"), {"config": {"aws:region": "us-west-2", "p:n": 3}, "steps": steps})
    assert [(r.name, r.props) for r in target.resources] == [
        ("p-dev", {}), ("q", {"name": "new"}), ("t", {"name": "t2"}), ("shared", {})]
    assert target.skipped == {"delete step": 1, "delete-replaced step": 1}
    assert target.not_analyzed == {"urn:pulumi:dev::p::aws:kms/key:Key::shared"}
    assert target.stack_config == {"aws:region": "us-west-2", "p:n": "3"} and target.dry_run


def test_kind_is_detected_from_content_not_the_file_name(tmp_path):
    for source, kind in [("dundalek__stratify__sample-export.json", "stack-export"),
                         ("pulumi__pulumi__todo-checkpoint-v0.json", "checkpoint"),
                         ("dundalek__stratify__sample-preview-update.json", "preview")]:
        copy = tmp_path / f"{kind}.txt"
        shutil.copy(CORPUS / source, copy)
        assert read_state_file(copy).kind == kind


def test_utf16_exports_from_powershell_are_read(tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes((CORPUS / "dundalek__stratify__sample-export.json").read_text().encode("utf-16"))
    assert len(read_state_file(path).resources) == 17


@pytest.mark.parametrize("content, message", [
    ('{"version": 3, "deployment": {"resources": [', "not valid JSON (line 1, column 45: Expecting value) - the file looks truncated"),
    ('{"version": 3, deployment: {}}', "not valid JSON (line 1, column 16: Expecting property name enclosed in double quotes)"),
    ("", "is empty, expected a stack export, checkpoint or preview JSON"),
    ("[1, 2]", "JSON of the wrong kind - expected a `pulumi stack export`, a checkpoint or `pulumi preview --json` output"),
    ('{"version": 9, "deployment": {"resources": []}}', "stack-export format version 9 is not supported (versions 0-4 are)"),
    ('{"version": "3", "deployment": {}}', 'stack-export has no valid `version` (found "3")'),
    ('{"version": 3, "deployment": {"resources": {}}}', "`resources` is not a list"),
    ('{"version": 3, "deployment": {"resources": [{"type": "x"}]}}', "resource #1 has no valid `urn`"),
    ('{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:a::b::c:d:E::n", "inputs": []}]}}',
     "resource urn:pulumi:a::b::c:d:E::n has `inputs` that are not an object"),
    ('{"steps": [1]}', "step #1 is not an object"),
])
def test_bad_files_are_one_clear_error(tmp_path, content, message):
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(ScanInputError) as error:
        read_state_file(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_json_schema_is_json_of_the_wrong_kind():
    with pytest.raises(ScanInputError, match="JSON of the wrong kind"):
        read_state_file(SCHEMAS / "deployments.json")


def test_an_unreadable_file_is_one_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    path.write_text("{}")

    def denied(name, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", denied)  # tests run as root, where chmod 000 does not deny
    with pytest.raises(ScanInputError) as error:
        read_state_file(path)
    assert str(error.value) == f"{path}: cannot read it (permission denied)"


def test_the_benchmark_exports_are_valid_pulumi_deployments():
    """The synthetic stacks the benchmark times follow Pulumi's published deployment schema."""
    import jsonschema
    from referencing import Registry, Resource

    base = "https://github.com/pulumi/pulumi/blob/master/sdk/go/common/apitype/"
    schemas = {name: json.loads((SCHEMAS / f"{name}.json").read_text())
               for name in ("deployments", "resources", "property-values")}
    registry = Registry().with_resources(
        [(f"{base}{name}.json", Resource.from_contents(schema)) for name, schema in schemas.items()])
    validator = jsonschema.Draft202012Validator(schemas["deployments"], registry=registry)
    errors = list(validator.iter_errors(synthetic_export(120)))
    assert errors == []
