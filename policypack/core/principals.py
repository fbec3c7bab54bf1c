"""Who a policy statement names: the `Principal` / `NotPrincipal` shapes IAM accepts, read into
entries a rule can classify.

    "*"                                   anyone (signed or anonymous)
    {"AWS": "*"} / {"AWS": ["*", ...]}    anyone with AWS credentials - for a resource policy, anyone
    {"AWS": "123456789012"}               that account as a whole (IAM in that account decides who)
    {"AWS": "arn:aws:iam::123456789012:root"}        the same
    {"AWS": "arn:aws:iam::123456789012:role/name"}   one named role (users, assumed roles alike)
    {"Service": "lambda.amazonaws.com"}   an AWS service
    {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}
                                          holders of tokens from that identity provider (web identity);
                                          `...:saml-provider/...` is SAML federation
    {"CanonicalUser": "79a5..."}          an S3 canonical user (CloudFront origin access identities)

Values may be a string or a list; unknown values (preview) are kept as `UNKNOWN`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from .arn import parse_arn
from .props import UNKNOWN

PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")

# What an AWS principal value stands for.
ANYONE = "anyone"  # "*", or a value with a wildcard (IAM accepts no other wildcard in a principal)
ACCOUNT = "account"  # an account ID or an account's root ARN: every principal that account allows
NAMED = "named"  # a role, user, assumed-role session, or a unique ID (AROA..., AIDA...)

ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True)
class PrincipalEntry:
    kind: str  # "AWS" | "Service" | "Federated" | "CanonicalUser" (a bare "*" is AWS "*")
    value: Any  # a string, UNKNOWN, or junk (non-string) a rule skips

    @property
    def known(self) -> bool:
        return isinstance(self.value, str)


def principal_entries(value: Any) -> Iterator[PrincipalEntry]:
    """The entries of a `Principal` / `NotPrincipal` value. An unknown value (or an unknown part) is
    one entry whose value is `UNKNOWN`; shapes IAM rejects are read as leniently as IAM's own
    error message would suggest (a bare service name as a service, any other string as AWS)."""
    if value is None:
        return
    if value is UNKNOWN:
        yield PrincipalEntry("AWS", UNKNOWN)
        return
    if isinstance(value, str):
        kind = "Service" if value.strip().endswith((".amazonaws.com", ".amazonaws.com.cn")) else "AWS"
        yield PrincipalEntry(kind, value.strip())
        return
    if not isinstance(value, dict):
        return
    for kind, entries in value.items():
        if kind not in PRINCIPAL_KINDS:
            continue
        if entries is UNKNOWN:
            yield PrincipalEntry(kind, UNKNOWN)
            continue
        for entry in entries if isinstance(entries, list) else [entries]:
            yield PrincipalEntry(kind, entry.strip() if isinstance(entry, str) else entry)


def aws_principal_scope(value: str) -> str:
    """ANYONE, ACCOUNT or NAMED for the value of an AWS principal."""
    text = value.strip()
    if "*" in text or "?" in text or not text:
        return ANYONE
    if ACCOUNT_ID.fullmatch(text):
        return ACCOUNT
    arn = parse_arn(text)
    if arn is not None and arn.service == "iam" and arn.resource == "root":
        return ACCOUNT
    return NAMED


def principal_account(value: str) -> Optional[str]:
    """The account a principal value belongs to (`123456789012`), None when it names none."""
    text = value.strip()
    if ACCOUNT_ID.fullmatch(text):
        return text
    arn = parse_arn(text)
    if arn is not None and ACCOUNT_ID.fullmatch(arn.account):
        return arn.account
    return None


def is_saml_provider(value: str) -> bool:
    arn = parse_arn(value.strip())
    return arn is not None and arn.service == "iam" and arn.resource.startswith("saml-provider/")


def identity_provider_host(value: str) -> str:
    """The name a web-identity provider's condition keys start with:
    `arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com` ->
    `token.actions.githubusercontent.com`; `accounts.google.com` stays as it is."""
    text = value.strip()
    arn = parse_arn(text)
    if arn is not None and arn.resource.startswith("oidc-provider/"):
        return arn.resource[len("oidc-provider/"):]
    return text
