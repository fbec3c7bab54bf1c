"""SSM Parameter Store rules: secrets are SecureStrings under a customer-managed KMS key.

Messages quote a parameter's name and type, never its value.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, List, Optional, Tuple

from ..core.arn import aws_managed_key_alias
from ..core.props import UNKNOWN, get, show
from ..core.rule import HIGH, MANDATORY, Config, Resource, resource_rule
from ..core.types import SSM_PARAMETER

# Words that mark a parameter as holding a secret, matched anywhere in its name or description
# (names are often camelCase or paths: `/app/dbPassword`, `DB_PASSWD`, `stripe-api-key`).
SECRET_WORDS = re.compile(
    r"secret|passw(?:or)?d|token|api[-_ .]?key|credential|private[-_ .]?key",
    re.IGNORECASE,
)

SECURE_STRING = "SecureString"


def _secret_marker(resource: Resource) -> Optional[str]:
    """Why the parameter counts as secret (for the message), or None when nothing known marks it.

    A parameter without a `name` is autonamed from its logical name (mocks send no name at all;
    the engine sends `<logical>-<hex>`), so the logical name stands in for it then.
    """
    name = get(resource.props, "name")
    candidates: List[Tuple[str, Any]] = []
    if isinstance(name, str):
        candidates.append((f"`name` {show(name)}", name))
    else:
        candidates.append((f"the logical name {show(resource.name)}", resource.name))
    candidates.append(("`description`", get(resource.props, "description")))
    for label, text in candidates:
        if isinstance(text, str):
            found = SECRET_WORDS.search(text)
            if found:
                return f"{label} marks it as a secret ({show(found.group(0).lower())})"
    return None


def _key_problem(key_id: Any) -> Optional[str]:
    if key_id is UNKNOWN:
        return None
    if key_id is None or (isinstance(key_id, str) and not key_id.strip()):
        return "`keyId` is not set, so it is encrypted with the AWS-managed key alias/aws/ssm, which"
    # an AWS-managed key: anyone in the account allowed to read the parameter can decrypt with it
    if aws_managed_key_alias(key_id):
        return f"`keyId` is {show(key_id)}, an AWS-managed key that"
    return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@resource_rule(
    name="aws-ssm-parameter-secure-string",
    description=(
        "SSM parameters that hold secrets are SecureStrings, and every SecureString uses a customer-managed KMS key."
    ),
    resource_types=[SSM_PARAMETER],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        'Declare the parameter as `aws.ssm.Parameter("db-password", type="SecureString", key_id=key.arn, '
        'value=config.require_secret("dbPassword"))` with a customer-managed `aws.kms.Key`, and let the '
        "function read it at run time (`ssm.get_parameter(Name=..., WithDecryption=True)`) with `kms:Decrypt` "
        "on that key only."
    ),
    url="https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html",
    config_options={
        "requireForAll": {
            "type": "boolean",
            "default": False,
            "description": "Require every parameter, not only the ones whose name or description marks a secret, "
            "to be a SecureString with a customer-managed key.",
        },
    },
    tags=["ssm", "secrets", "encryption"],
)
def parameter_secure_string(resource: Resource, config: Config) -> Iterator[str]:
    kind = get(resource.props, "type")
    if kind is UNKNOWN:
        return
    if config.get("requireForAll") is True:
        reason: Optional[str] = "the `requireForAll` option covers every parameter"
    else:
        reason = _secret_marker(resource)
    if kind != SECURE_STRING:
        if reason is None:
            return
        state = "is not set" if kind is None else f"is {show(kind)}"
        yield (
            f"{_sentence(reason)}, but `type` {state}: make it \"SecureString\" with `keyId` set to a "
            "customer-managed KMS key."
        )
        return
    problem = _key_problem(get(resource.props, "keyId"))
    if problem:
        # choosing SecureString says the value is sensitive, whatever the parameter's name
        reason = reason or "choosing `type` \"SecureString\" says its value is sensitive"
        yield (
            f"{_sentence(reason)}, but {problem} lets every IAM principal in the account decrypt it: "
            "set `keyId` to a customer-managed KMS key (e.g. `key.arn`)."
        )


POLICIES = [parameter_secure_string]
