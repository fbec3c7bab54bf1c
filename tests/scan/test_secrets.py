"""Secrets in every way in: preview JSON's "[secret]", `Output.secret(...)`, secure stack config.

Each reader hands the evaluation secrets in the engine's form (`{sig: secret, value: ...}`, the value
unknown where the scanner cannot know it), and no output of the scanner - text, JSON, SARIF, error
lines - ever holds a secret's value (canary values below).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policypack.registry import ALL_POLICIES
from policypack.scan import cli
from policypack.scan.cli import load_target, render, scan
from policypack.scan.readers import SECRET_PLACEHOLDER
from tests.scan.conftest import write_program

SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
CANARIES = ("canary-origin", "canary-password-value", "canary-not-json", "canary-bucket-name", "canary-in-error")


def _preview(tmp_path: Path) -> Path:
    urn = "urn:pulumi:dev::shop::{}::{}".format
    path = tmp_path / "preview.json"
    path.write_text(json.dumps({"config": {"aws:region": "us-west-2", "shop:apiToken": "[secret]"}, "steps": [
        {"op": "create", "urn": urn("aws:apigatewayv2/api:Api", "api"), "newState": {
            "urn": urn("aws:apigatewayv2/api:Api", "api"), "type": "aws:apigatewayv2/api:Api", "custom": True,
            "inputs": {"name": "api-1a2b3c4", "protocolType": "HTTP",
                       "corsConfiguration": {"allowOrigins": ["[secret]", "https://app.example.com"]}}}},
        {"op": "create", "urn": urn("aws:iam/rolePolicy:RolePolicy", "access"), "newState": {
            "urn": urn("aws:iam/rolePolicy:RolePolicy", "access"), "type": "aws:iam/rolePolicy:RolePolicy",
            "custom": True, "inputs": {"name": "access-1a2b3c4", "role": "r", "policy": "[secret]"}}},
    ]}))
    return path


def test_preview_secrets_are_secrets_of_unknown_value(tmp_path):
    target = load_target(_preview(tmp_path))
    api, policy = target.resources
    assert api.props["corsConfiguration"]["allowOrigins"] == [SECRET_PLACEHOLDER, "https://app.example.com"]
    assert policy.props["policy"] == {**SECRET, "value": UNKNOWN_STRING_VALUE}
    assert target.secret_keys == frozenset({"shop:apiToken"})
    assert target.stack_config["shop:apiToken"] == UNKNOWN_STRING_VALUE


def test_a_preview_secret_is_no_cors_origin_and_no_invalid_policy(tmp_path):
    result = scan([_preview(tmp_path)], policies=ALL_POLICIES, policy_config={})
    [target] = result.targets
    reported = sorted((v.policy, v.resource_name) for v in target.violations)
    assert ("aws-cors-no-wildcard-origin", "api") not in reported
    assert ("aws-iam-policy-document-valid", "access") not in reported
    assert "[secret]" not in render(result, "text").replace('"[secret]"', "")


PROGRAM = """
    import pulumi
    import pulumi_aws as aws

    config = pulumi.Config()
    origin = config.require_secret("allowedOrigin")
    aws.apigatewayv2.Api("api", protocol_type="HTTP", cors_configuration={
        "allow_origins": [origin, pulumi.Output.secret("http://canary-origin.example")]})
    aws.ssm.Parameter("db-password", type="String", value=pulumi.Output.secret("canary-password-value"))
    aws.iam.RolePolicy("access", role="r", policy=pulumi.Output.secret("canary-not-json"))
    aws.s3.Bucket("uploads", bucket=pulumi.Output.secret("canary-bucket-name"))
    """


def _program(tmp_path: Path, main: str = PROGRAM) -> Path:
    return write_program(tmp_path / "shop", main, "name: shop\nruntime: python\n",
                         **{"Pulumi.dev.yaml": "config:\n  shop:allowedOrigin:\n    secure: AAABAHNlY3JldA==\n"})


def test_program_secrets_reach_the_evaluation_as_secrets(tmp_path):
    target = load_target(_program(tmp_path), preview=False)
    by_name = {r.name: r for r in target.resources}
    assert by_name["api"].props["corsConfiguration"]["allowOrigins"] == [
        {**SECRET, "value": UNKNOWN_STRING_VALUE},  # the secure config value: not decryptable offline
        {**SECRET, "value": "http://canary-origin.example"}]
    assert by_name["db-password"].props["value"] == {**SECRET, "value": "canary-password-value"}
    assert by_name["uploads"].props["bucket"] == {**SECRET, "value": "canary-bucket-name"}
    # outputs built from a secret name are secrets too: no ARN spells the name out
    assert by_name["uploads"].outputs["arn"] == {**SECRET, "value": "arn:aws:s3:::canary-bucket-name"}
    assert target.secret_keys == frozenset({"shop:allowedOrigin"})


@pytest.mark.parametrize("mode", ["--preview", "--update"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_output_holds_a_secret_value(capsys, tmp_path, mode, fmt):
    code = cli.main(["scan", mode, "--format", fmt, str(_program(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 1
    assert [c for c in CANARIES if c in out + err] == []


def test_a_failing_program_error_line_holds_no_secret_it_registered(capsys, tmp_path):
    failing = textwrap.dedent(PROGRAM) + '\nraise RuntimeError("could not use canary-password-value")\n'
    code = cli.main(["scan", "--update", str(_program(tmp_path, failing))])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"{tmp_path / 'shop'}: the program failed (__main__.py:13): RuntimeError: "
                                "could not use [secret]"]


def test_a_rule_that_raises_quoting_a_secret_never_prints_it(capsys, tmp_path, monkeypatch):
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    def broken(args, report):
        if args.resource_type == "aws:ssm/parameter:Parameter":
            value = args.props.get("value")
            raise ValueError(f"cannot judge {getattr(value, 'value', value)}")  # Secret or its plain value

    policy = ResourceValidationPolicy(name="raises", description="d", validate=broken,
                                      enforcement_level=EnforcementLevel.MANDATORY)
    monkeypatch.setattr("policypack.registry.ALL_POLICIES", [policy])
    code = cli.main(["scan", "--update", str(_program(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 2
    assert "canary-password-value" not in out + err and "cannot judge [secret]" in err
