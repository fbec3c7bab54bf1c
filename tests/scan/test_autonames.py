"""The provider-Check emulation names every autonamed pulumi-aws type, from data derived from the
installed SDK (scripts/gen_autonames.py), and a program's `table.name` is a name, not a null."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from policypack.engine.program import run_program
from policypack.engine.provider_check import AUTONAMES_FILE, apply_check, autonamed
from policypack.registry import BY_NAME
from policypack.engine.evaluate import StackContext, evaluate
from tests.scan.conftest import write_program

REPO = Path(__file__).resolve().parents[2]
URN = "urn:pulumi:dev::shop::{}::{}".format


def _generator():
    spec = importlib.util.spec_from_file_location("gen_autonames", REPO / "scripts" / "gen_autonames.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_data_file_is_what_the_installed_provider_sdk_says():
    """Stale after a pulumi-aws upgrade: run `make docs` (python scripts/gen_autonames.py)."""
    assert AUTONAMES_FILE.read_text() == _generator().render(_generator().derive())


def test_the_data_covers_the_provider_not_a_hand_list():
    data = json.loads(AUTONAMES_FILE.read_text())
    version = json.loads((Path(_generator().sdk_root()) / "pulumi-plugin.json").read_text())["version"]
    assert data["source"].startswith(f"pulumi-aws {version} ")
    assert len(data["types"]) > 500
    assert {t: data["types"].get(t) for t in (
        "aws:dynamodb/table:Table", "aws:s3/bucket:Bucket", "aws:sqs/queue:Queue", "aws:sns/topic:Topic",
        "aws:lb/targetGroup:TargetGroup", "aws:rds/instance:Instance", "aws:lambda/layerVersion:LayerVersion",
        "aws:s3/bucketObjectv2:BucketObjectv2")} == {
        "aws:dynamodb/table:Table": {"property": "name"},
        "aws:s3/bucket:Bucket": {"property": "bucket", "lowercase": True, "maxLength": 63},
        "aws:sqs/queue:Queue": {"property": "name", "maxLength": 80, "fifoFlag": "fifoQueue"},
        "aws:sns/topic:Topic": {"property": "name", "maxLength": 256, "fifoFlag": "fifoTopic"},
        "aws:lb/targetGroup:TargetGroup": {"property": "name", "maxLength": 32},
        "aws:rds/instance:Instance": {"property": "identifier"},
        "aws:lambda/layerVersion:LayerVersion": None,  # `layer_name` is required: the provider never names it
        "aws:s3/bucketObjectv2:BucketObjectv2": None,  # objects have keys, not names
    }


def test_the_policy_pack_never_imports_the_provider_sdk_for_it():
    source = (REPO / "policypack" / "engine" / "provider_check.py").read_text()
    assert "pulumi_aws" not in source


@pytest.mark.parametrize("resource_type, logical, inputs, expected", [
    ("aws:dynamodb/table:Table", "orders", {}, r"orders-[0-9a-f]{7}"),
    ("aws:sqs/queue:Queue", "jobs", {"fifoQueue": True}, r"jobs-[0-9a-f]{7}\.fifo"),
    ("aws:sns/topic:Topic", "events", {"fifoTopic": True}, r"events-[0-9a-f]{7}\.fifo"),
    ("aws:s3/bucket:Bucket", "Uploads", {}, r"uploads-[0-9a-f]{7}"),
    ("aws:lb/targetGroup:TargetGroup", "a-very-long-target-group-name-indeed", {}, r"a-very-long-target-group-[0-9a-f]{7}"),
    ("aws:sfn/stateMachine:StateMachine", "flow", {}, r"flow-[0-9a-f]{7}"),
])
def test_check_names_a_resource_the_program_left_unnamed(resource_type, logical, inputs, expected):
    prop = autonamed(resource_type)["property"]
    checked = apply_check(resource_type, logical, URN(resource_type, logical), dict(inputs))
    assert re.fullmatch(expected, checked[prop]), checked[prop]
    assert len(checked[prop]) <= (autonamed(resource_type).get("maxLength") or 255)


@pytest.mark.parametrize("inputs", [{"name": "mine"}, {"namePrefix": "mine-"}])
def test_check_keeps_a_name_or_prefix_the_program_chose(inputs):
    checked = apply_check("aws:dynamodb/table:Table", "orders", URN("aws:dynamodb/table:Table", "orders"), inputs)
    assert checked == inputs


def test_a_table_name_in_a_function_environment_is_a_name_in_preview_and_update(tmp_path):
    folder = write_program(
        tmp_path / "app",
        "import pulumi\nimport pulumi_aws as aws\n"
        "table = aws.dynamodb.Table('orders', attributes=[{'name': 'id', 'type': 'S'}], hash_key='id',\n"
        "                           billing_mode='PAY_PER_REQUEST')\n"
        "aws.lambda_.Function('reader', role='arn:aws:iam::123456789012:role/reader', runtime='python3.12',\n"
        "                     handler='index.handler', code=pulumi.AssetArchive({}),\n"
        "                     environment={'variables': {'TABLE_NAME': table.name}})\n")
    policy = BY_NAME["aws-lambda-function-environment-valid"]
    for preview in (True, False):
        captured = run_program(folder, preview=preview)
        [function] = [r for r in captured.resources if r.type == "aws:lambda/function:Function"]
        [table] = [r for r in captured.resources if r.type == "aws:dynamodb/table:Table"]
        assert re.fullmatch(r"orders-[0-9a-f]{7}", table.props["name"])
        assert function.props["environment"] == {"variables": {"TABLE_NAME": table.props["name"]}}
        context = StackContext(captured.project, captured.stack, preview, captured.config)
        assert evaluate(captured.resources, policies=[policy], context=context) == []
