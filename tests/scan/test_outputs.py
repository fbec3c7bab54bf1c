"""The three outputs: text for a terminal, JSON against its published schema, SARIF 2.1.0."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from policypack.registry import ALL_POLICIES
from policypack.scan.cli import render, scan
from policypack.scan.report import PolicyInfo, ScanReport, TargetReport, Violation, display_path
from policypack.scan.sarif import SECURITY_SEVERITY
from policypack.scan.text import render_text
from tests.scan.conftest import BROKEN, CORPUS, CORPUS_FILES, FAULTY, SCHEMAS, write_program

REPORT_SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "policypack/scan/report.schema.json").read_text())
SARIF_SCHEMA = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


@pytest.fixture(scope="module")
def report():
    """A program (preview), every corpus file and one input error, in one scan."""
    return scan([FAULTY, *CORPUS_FILES, BROKEN], policies=ALL_POLICIES, policy_config={"aws-kms-key-rotation-enabled": "remediate"})


def test_the_json_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)


def test_json_follows_its_schema(report):
    document = json.loads(render(report, "json"))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    assert document["summary"]["targets"] == len(CORPUS_FILES) + 1 and document["summary"]["errors"] == 1
    assert {t["kind"] for t in document["targets"]} == {"program", "stack-export", "checkpoint", "preview"}
    levels = {p["name"]: p["enforcementLevel"] for p in document["policies"]}
    assert levels["aws-kms-key-rotation-enabled"] == "remediate"
    assert {v["enforcementLevel"] for t in document["targets"] for v in t["violations"]
            if v["policy"] == "aws-kms-key-rotation-enabled"} == {"mandatory"}


def test_json_summary_adds_up(report):
    document = json.loads(render(report, "json"))
    violations = [v for t in document["targets"] for v in t["violations"]]
    summary = document["summary"]
    assert summary["mandatory"] == sum(v["enforcementLevel"] == "mandatory" for v in violations)
    assert summary["advisory"] == sum(v["enforcementLevel"] == "advisory" for v in violations)
    assert summary["resources"] == sum(t["resources"] for t in document["targets"])
    assert summary["policiesViolated"] == len({v["policy"] for v in violations})
    assert summary["passed"] is False


def test_schema_rejects_a_report_that_breaks_the_contract(report):
    document = json.loads(render(report, "json"))
    document["targets"][0]["violations"].append({"policy": "x", "enforcementLevel": "blocking"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)


def test_sarif_is_valid_sarif_2_1_0(report):
    document = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1


def test_sarif_rules_carry_help_links_and_security_severity(report):
    run = json.loads(render(report, "sarif"))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert list(rules) == [p.name for p in ALL_POLICIES]
    for policy in ALL_POLICIES:
        rule = rules[policy.name]
        assert rule["shortDescription"]["text"] == policy.description
        assert rule.get("helpUri") == (policy.url or None)
        assert rule["properties"].get("security-severity") == SECURITY_SEVERITY.get(policy.severity.value if policy.severity else "")
        assert "security" in rule["properties"]["tags"]


def test_sarif_results_have_levels_and_locations(report):
    run = json.loads(render(report, "sarif"))["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    violations = [(t, v) for t in report.targets for v in t.violations]
    assert len(run["results"]) == len(violations)
    for result, (target, violation) in zip(run["results"], violations):
        assert result["ruleId"] == violation.policy == rule_ids[result["ruleIndex"]]
        assert result["level"] == {"mandatory": "error", "advisory": "warning"}[violation.level]
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] in (violation.file, "file://" + str(violation.file))
        assert location["physicalLocation"]["region"]["startLine"] == violation.line
        assert location["logicalLocations"][0]["fullyQualifiedName"] == (violation.urn or target.stack_urn)
    assert run["invocations"][0]["executionSuccessful"] is False
    assert "the program failed" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]


def test_state_file_locations_point_at_the_resource_entry(report):
    target = next(t for t in report.targets if t.path.endswith("spacedog__pulumi-test__history-checkpoint-kms-s3.json"))
    key = next(v for v in target.violations if v.policy == "aws-kms-key-rotation-enabled")
    lines = Path(CORPUS / "spacedog__pulumi-test__history-checkpoint-kms-s3.json").read_text().splitlines()
    assert '"urn": "urn:pulumi:dev::tutorial::aws:kms/key:Key::my-sse-key"' in lines[key.line - 1]


def test_program_locations_point_at_the_constructor_call_of_the_resource(report):
    # the SDK's source position is the first line of the constructor call; the logical name is
    # its first argument, on that line or the next
    target = next(t for t in report.targets if t.kind == "program")
    for violation in target.violations:
        if violation.urn and violation.resource_type != "pulumi:pulumi:Stack" and violation.file:
            lines = Path(violation.file).read_text().splitlines()
            call = "\n".join(lines[violation.line - 1: violation.line + 1])
            assert f'"{violation.resource_name}"' in call


# -- text -------------------------------------------------------------------------------------------

def _report() -> ScanReport:
    urn = "urn:pulumi:dev::shop::aws:s3/bucket:Bucket::{}".format
    target = TargetReport(
        path="stack.json", kind="stack-export", format_version=3, project="shop", stack="dev", mode="update",
        resource_count=14, skipped={"pending delete": 1},
        stack_urn="urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev",
        resource_order={urn("a"): 1, urn("b"): 2},
        violations=[
            Violation("p-two", "mandatory", "high", "Two.", "b is wrong:\nfix it.", urn("b"), "stack.json", 40),
            Violation("p-one", "advisory", "", "One.", "a is wrong.", urn("a"), "stack.json", 12),
            Violation("p-three", "mandatory", "low", "Three.", "the stack is wrong.", "", "stack.json", 3),
        ],
    )
    policies = [PolicyInfo(n, "resource", "d", "mandatory", "high", "", "") for n in ("p-one", "p-two", "p-three", "p-four")]
    return ScanReport(policies=policies, targets=[target])


def test_text_groups_by_resource_in_input_order_with_the_stack_last():
    assert render_text(_report()) == (
        "levels: mandatory = fails the deployment (exit 1) · advisory = reported only; "
        "severity: low < medium < high < critical\n"
        "\n"
        "stack.json  (stack-export v3, stack dev, update, 1 pending delete skipped)\n"
        "\n"
        "  aws:s3/bucket:Bucket  a  line 12\n"
        "    advisory   p-one\n"
        "      a is wrong.\n"
        "\n"
        "  aws:s3/bucket:Bucket  b  line 40\n"
        "    mandatory  high      p-two\n"
        "      b is wrong:\n"
        "      fix it.\n"
        "\n"
        "  stack dev  line 3\n"
        "    mandatory  low       p-three\n"
        "      the stack is wrong.\n"
        "\n"
        "  policies violated (3)\n"
        "    p-one  mandatory, high - 1 finding\n"
        "      d\n"
        "    p-two  mandatory, high - 1 finding\n"
        "      d\n"
        "    p-three  mandatory, high - 1 finding\n"
        "      d\n"
        "\n"
        "summary: 14 resources scanned, 3 with findings (4 policies checked)\n"
        "  2 mandatory violations (1 high, 1 low), 1 advisory violation\n"
        "  next: fix the 2 mandatory violations first - they fail `pulumi preview` and `pulumi up` with this pack; "
        "each message says what to change; then review the advisory ones "
        "(rule reference: docs/rules.md; `--format sarif` for code scanning)\n"
    )


def test_text_colours_levels_only_when_asked():
    coloured = render_text(_report(), color=True)
    assert "\033[1;31mmandatory\033[0m  high      p-two" in coloured and "\033[33madvisory\033[0m   p-one" in coloured
    assert "\033[" not in render_text(_report(), color=False)


def test_secret_values_never_reach_any_output(tmp_path):
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps({"version": 3, "checkpoint": {"latest": {"resources": [
        {"urn": "urn:pulumi:dev::p::aws:lambda/function:Function::f", "custom": True, "type": "aws:lambda/function:Function",
         "inputs": {"runtime": "python3.12", "environment": {**SECRET_SIG, "plaintext": '{"variables":{"DB_PASSWORD":"pl41n-s3cret"}}'}}},
        {"urn": "urn:pulumi:dev::p::aws:ssm/parameter:Parameter::db", "custom": True, "type": "aws:ssm/parameter:Parameter",
         "inputs": {"name": "/db/password", "type": "String", "value": {**SECRET_SIG, "ciphertext": "v1:c1ph3r:t3xt"}}},
    ]}}}))
    result = scan([path], policies=ALL_POLICIES, policy_config={})
    for fmt in ("text", "json", "sarif"):
        rendered = render(result, fmt)
        assert "pl41n-s3cret" not in rendered and "c1ph3r" not in rendered


# -- where a resource is, what the program is called ------------------------------------------------

LIBRARY = '''
import pulumi
import pulumi_aws as aws


class Uploads(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("lib:index:Uploads", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
'''


def _component_program(tmp_path: Path) -> Path:
    (tmp_path / "lib" / "uploadlib").mkdir(parents=True)
    (tmp_path / "lib" / "uploadlib" / "__init__.py").write_text(LIBRARY)
    return write_program(
        tmp_path / "app",
        "import os, sys\n"
        "sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))\n"
        "import uploadlib\n"
        "\n"
        "photos = uploadlib.Uploads('photos')\n")


def test_a_resource_a_library_component_creates_points_at_the_programs_line(tmp_path):
    app = _component_program(tmp_path)
    report = scan([app], policies=ALL_POLICIES, policy_config={})
    [target] = report.targets
    located = {(v.resource_name, v.file, v.line) for v in target.violations if v.resource_type == "aws:s3/bucket:Bucket"}
    assert located == {("photos-bucket", display_path(app / "__main__.py"), 5)}


def test_a_program_scanned_as_dot_is_named_by_its_folder(tmp_path, monkeypatch):
    app = _component_program(tmp_path)
    monkeypatch.chdir(app)
    text = render(scan([Path(".")], policies=ALL_POLICIES, policy_config={}), "text")
    assert text.split("\n\n")[1].splitlines()[0] == "app (.)  (program app, stack dev, preview)"
