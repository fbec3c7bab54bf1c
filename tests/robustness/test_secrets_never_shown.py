"""No violation message of any policy shows a secret value.

Environment variable values, SSM parameter values, provider credentials and secret strings hold a
unique marker - as plain values and wrapped as secrets, in shapes that trip the rules (credential
patterns, PEM keys, connection strings, unresolved Output text, wrong types) - and every policy
of the pack runs on them through the real servicer. The marker must appear in no message.
"""

from __future__ import annotations

from typing import Any, Dict, List

from hypothesis import given
from hypothesis import strategies as st

from policypack.core import types as t
from policypack.registry import RESOURCE_POLICIES, STACK_POLICIES
from tests.support import harness
from tests.support.harness import secret

from . import running
from .strategies import OUTPUT_TEXT

MARK = "QX7MARKER7XQ"  # upper-case alphanumerics: it also completes an `AKIA…` access key ID

SECRET_VALUES = (
    MARK,
    f"AKIA{MARK}ABCD",
    f"-----BEGIN RSA PRIVATE KEY-----\nMIIEpA{MARK}\n-----END RSA PRIVATE KEY-----",
    f"postgres://admin:{MARK}@db.internal:5432/app",
    f"ghp_{MARK}abcdefghijklmnopqrstuvwxyz0123",
    f"arn:aws:ssm:us-west-2:123456789012:parameter/{MARK}",
    f"arn:aws:secretsmanager:us-west-2:123456789012:secret:{MARK}-AbCdEf",
    f"{OUTPUT_TEXT} {MARK}",
    f"<pulumi.output.Output object at 0x7f{MARK}>",
    f" {MARK} ",
    MARK * 40,
    f'{{"password": "{MARK}"}}',
    f"sk_live_{MARK}",
)
ODD_SECRET_VALUES = ([MARK], {"value": MARK}, [[MARK]])  # the wrong shape for an environment value
ENV_KEYS = (
    "DB_PASSWORD", "API_TOKEN", "SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "password", "GITHUB_TOKEN",
    "STRIPE_API_KEY", "CREDENTIALS", "PRIVATE_KEY", "aws_session_token", "CONFIG", "X", "AWS_REGION",
    "_HANDLER", "1BAD-KEY", "secret-name", "DB_PASSWORD_PARAM", "TABLE",
)
SECRET_PROVIDER_KEYS = ("accessKey", "secretKey", "token")

values = st.sampled_from(SECRET_VALUES)
maybe_secret = st.one_of(values, values.map(secret), st.sampled_from(ODD_SECRET_VALUES))


@st.composite
def functions(draw: Any) -> Dict[str, Any]:
    variables = draw(st.dictionaries(st.sampled_from(ENV_KEYS), maybe_secret, min_size=1, max_size=5))
    environment: Any = {"variables": variables}
    shape = draw(st.sampled_from(("plain", "plain", "secret-variables", "secret-environment")))
    if shape == "secret-variables":
        environment = {"variables": secret(variables)}
    elif shape == "secret-environment":
        environment = secret(environment)
    return {"name": "fn-1", "runtime": draw(st.sampled_from(("python3.12", "python3.7", "nodejs20.x"))),
            "handler": "app.handler", "role": "arn:aws:iam::123456789012:role/role-1", "environment": environment}


@st.composite
def parameters(draw: Any) -> Dict[str, Any]:
    props = {
        "name": draw(st.sampled_from(("db/password", "/app/secret-token", "param", "api-key"))),
        "type": draw(st.sampled_from(("String", "SecureString", "StringList"))),
        "description": draw(st.sampled_from(("the database password", "", "feature flag"))),
        "value": draw(maybe_secret),
    }
    if draw(st.booleans()):
        props["insecureValue"] = draw(values)
    return props


@st.composite
def providers(draw: Any) -> Dict[str, Any]:
    props: Dict[str, Any] = {"region": draw(st.sampled_from(("us-west-2", "moon-1")))}
    for key in draw(st.lists(st.sampled_from(SECRET_PROVIDER_KEYS), min_size=1, unique=True)):
        props[key] = draw(maybe_secret)
    return props


def secret_versions() -> st.SearchStrategy[Dict[str, Any]]:
    return st.fixed_dictionaries({"secretId": st.just("db-secret"), "secretString": maybe_secret})


SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"


@given(functions(), parameters(), providers(), secret_versions())
def test_no_policy_shows_a_secret_value(function, parameter, provider, secret_version) -> None:
    resources = [
        harness.StackResource(t.FUNCTION, "fn", function),
        harness.StackResource(t.SSM_PARAMETER, "param", parameter),
        harness.StackResource(t.AWS_PROVIDER, "prov", provider),
        harness.StackResource(SECRET_VERSION, "secret", secret_version),
    ]
    messages: List[str] = []
    with running.safety_net_fails():
        for r in resources:
            for violation in harness.analyze(RESOURCE_POLICIES, r.type, r.props, name=r.name, provider=provider):
                messages.append(f"{violation.policy}: {violation.message}")
        for violation in harness.analyze_stack(STACK_POLICIES, resources):
            messages.append(f"{violation.policy}: {violation.message}")
    leaked = [m for m in messages if MARK.lower() in m.lower()]
    assert leaked == []


def test_the_marker_reaches_the_rules() -> None:
    """The test above means something only if rules do report on these resources."""
    function = {"name": "fn-1", "runtime": "python3.12", "handler": "app.handler",
                "environment": {"variables": {"DB_PASSWORD": f"AKIA{MARK}ABCD", "1BAD-KEY": MARK}}}
    parameter = {"name": "db/password", "type": "String", "value": MARK}
    reported = {v.policy for v in harness.analyze(RESOURCE_POLICIES, t.FUNCTION, function)}
    reported |= {v.policy for v in harness.analyze(RESOURCE_POLICIES, t.SSM_PARAMETER, parameter)}
    assert {"aws-lambda-function-no-plaintext-secrets", "aws-lambda-function-environment-valid",
            "aws-ssm-parameter-secure-string"} <= reported
