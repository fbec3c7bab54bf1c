"""Who may assume a role: its trust policy (`assumeRolePolicy`) names principals, not the world.

- `"*"` / `{"AWS": "*"}`: anyone with AWS credentials - unless a condition on the caller's identity
  (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`) limits it.
- Another account as a whole (`arn:aws:iam::<id>:root`, or the bare ID): whoever that account's IAM
  lets assume roles - only with `sts:ExternalId` (a third party, against the confused deputy),
  `aws:PrincipalOrgID` or `aws:PrincipalArn`. The role's own account is fine (its IAM policies still
  decide); it is read from the role's `arn`, so this part waits for the update when that is unknown.
- Web-identity federation (OIDC: GitHub Actions, GitLab, EKS, Google ...): every holder of a token from
  that provider - only with an audience condition and a subject condition that names a specific
  subject (`repo:org/repo:...`; `*` or `repo:*` names none, nor does a GitHub subject made only of
  claims every repository can have, such as `environment:prod`). Cognito identity pools need only the
  audience (the pool ID is yours); SAML providers are your own identity provider.
- Named roles and users (any account), AWS services: fine.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

from ..core.arn import parse_arn
from ..core.conditions import (
    GITHUB_SUBJECT_VALUE,
    ID_VALUE,
    PRINCIPAL_KEYS,
    SUBJECT_VALUE,
    TEXT_VALUE,
    limits_caller,
)
from ..core.iam import Statement, parse_document
from ..core.principals import (
    ACCOUNT,
    ANYONE,
    PrincipalEntry,
    aws_principal_scope,
    identity_provider_host,
    is_saml_provider,
    principal_account,
    principal_entries,
)
from ..core.props import UNKNOWN, get, show
from ..core.rule import CRITICAL, MANDATORY, Config, Resource, resource_rule
from ..core.types import ROLE

ARN_LIMIT = 200

# What may let another account in as a whole: a third party's external ID, your organization, or a
# named principal of that account.
CROSS_ACCOUNT_KEYS = {"sts:externalid": ID_VALUE, "aws:principalorgid": ID_VALUE,
                      "aws:principalorgpaths": ID_VALUE, "aws:principalarn": PRINCIPAL_KEYS["aws:principalarn"]}

# Providers whose audience and subject claims have other names than `aud` and `sub`.
PROVIDER_CLAIMS = {
    "cognito-identity.amazonaws.com": ("aud", None),  # the audience is your identity pool
    "graph.facebook.com": ("app_id", "id"),
    "www.amazon.com": ("app_id", "user_id"),
}
GITHUB = "token.actions.githubusercontent.com"


@resource_rule(
    name="aws-iam-role-trust-scoped",
    description="A role's trust policy lets only named principals assume it.",
    resource_types=[ROLE],
    enforcement_level=MANDATORY,
    severity=CRITICAL,
    remediation_steps="Name who assumes the role: a service (`{\"Service\": \"lambda.amazonaws.com\"}`), a role "
    "(`{\"AWS\": deployer_role.arn}`), or another account only with `\"Condition\": {\"StringEquals\": "
    "{\"sts:ExternalId\": <id>}}` or `aws:PrincipalOrgID`. For GitHub Actions: `{\"Federated\": provider.arn}` with "
    "`\"StringEquals\": {\"token.actions.githubusercontent.com:aud\": \"sts.amazonaws.com\", "
    "\"token.actions.githubusercontent.com:sub\": \"repo:<org>/<repo>:ref:refs/heads/main\"}`.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
    tags=["iam", "public-access", "trust"],
)
def role_trust_scoped(resource: Resource, config: Config) -> Iterator[str]:
    raw = get(resource.props, "assumeRolePolicy")
    if raw is None or raw is UNKNOWN:
        return
    own_account = _own_account(resource.props)
    for statement in parse_document(raw).statements:
        if not statement.is_allow:
            continue
        at = f"`assumeRolePolicy` {statement.label}"
        if statement.not_principal is not None:
            yield (f"{at} uses `NotPrincipal` with Allow: everyone but the principals it lists may assume the role. "
                   "List the principals that may assume it in `Principal` instead.")
            continue
        for entry in principal_entries(statement.principal):
            problem = _entry_problem(entry, statement, own_account)
            if problem:
                yield f"{at} {problem}"


def _own_account(props: Any) -> Any:
    """The role's account from its ARN; UNKNOWN when that is not known (yet)."""
    arn = parse_arn(get(props, "arn"))
    return arn.account if arn is not None and arn.account else UNKNOWN


def _entry_problem(entry: PrincipalEntry, statement: Statement, own_account: Any) -> Optional[str]:
    if not entry.known:
        return None
    if entry.kind == "AWS":
        return _aws_problem(entry.value, statement, own_account)
    if entry.kind == "Federated" and not is_saml_provider(entry.value):
        return _web_identity_problem(entry.value, statement.condition)
    return None  # AWS services, SAML providers, canonical users


def _aws_problem(value: str, statement: Statement, own_account: Any) -> Optional[str]:
    scope = aws_principal_scope(value)
    where = f"`Principal` {show(value)}" if isinstance(statement.principal, str) else f"`Principal.AWS` {show(value)}"
    if scope == ANYONE:
        if limits_caller(statement.condition, PRINCIPAL_KEYS) is not False:
            return None
        return (f"lets anyone with AWS credentials, in any account, assume the role ({where}): name the roles or "
                "accounts that assume it, or limit it with an `aws:PrincipalOrgID` or `aws:PrincipalArn` condition.")
    if scope != ACCOUNT:
        return None  # a named role or user
    account = principal_account(value)
    if own_account is UNKNOWN or account == own_account:
        return None  # its own account (or not known yet whether it is)
    if limits_caller(statement.condition, CROSS_ACCOUNT_KEYS) is not False:
        return None
    return (f"lets account {show(account)} as a whole assume the role ({where}) - any principal that account's IAM "
            "allows - with no `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:PrincipalArn` condition: name the role "
            "that assumes it, or add `\"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"<id the third party "
            "gave you>\"}}` (or `aws:PrincipalOrgID` for your organization).")


def _web_identity_problem(value: str, condition: Any) -> Optional[str]:
    host = identity_provider_host(value)
    audience_claim, subject_claim = PROVIDER_CLAIMS.get(host.lower(), ("aud", "sub"))
    audience_key = f"{host}:{audience_claim}"
    subject_key = f"{host}:{subject_claim}" if subject_claim else ""
    missing = []
    if limits_caller(condition, {audience_key.lower(): TEXT_VALUE}) is False:
        missing.append(f"an audience condition ({show(audience_key, ARN_LIMIT)})")
    subject_kind = GITHUB_SUBJECT_VALUE if host.lower() == GITHUB else SUBJECT_VALUE
    if subject_claim and limits_caller(condition, {subject_key.lower(): subject_kind}) is False:
        missing.append(f"a condition on {show(subject_key, ARN_LIMIT)} that names a specific subject")
    if not missing:
        return None
    audience_example, subject_example = _examples(host)
    example = f"{show(audience_key, ARN_LIMIT)}: {audience_example}"
    if subject_claim:
        example += f", {show(subject_key, ARN_LIMIT)}: {subject_example}"
    return (f"lets every holder of a token from the identity provider {show(value, ARN_LIMIT)} assume the role "
            f"without {' or '.join(missing)}: add `\"StringEquals\": {{{example}}}`.")


def _examples(host: str) -> Tuple[str, str]:
    if host.lower() == GITHUB:
        return '"sts.amazonaws.com"', '"repo:<org>/<repo>:ref:refs/heads/main"'
    if host.lower() == "gitlab.com":
        return '"https://gitlab.com"', '"project_path:<group>/<project>:ref_type:branch:ref:main"'
    return '"<your client ID>"', '"<the one subject that may assume it>"'


POLICIES = [role_trust_scoped]
