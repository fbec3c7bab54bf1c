"""Small readers several service modules share: nested blocks and KMS key references."""

from __future__ import annotations

import re
from typing import Any, Optional

from ..core.props import UNKNOWN, get, show

# `alias/aws/<service>` names an AWS-managed key (also inside an alias ARN): every principal of the
# account that may use the service may use the key through it, and no key policy of yours applies.
AWS_MANAGED_ALIAS = re.compile(r"(?:^|:)alias/aws/")


def block(props: Any, path: str) -> Any:
    """A nested block such as `serverSideEncryption`. Stack exports of old provider versions hold a
    block as a one-element list: it is read as the object."""
    value = get(props, path)
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0]
    return value


def customer_key_state(key: Any) -> Optional[str]:
    """How a KMS key reference fails to name a customer-managed key ("is not set", "is
    "alias/aws/s3", an AWS-managed key", ...); None when it names one or is not known yet."""
    if key is UNKNOWN:
        return None
    if key is None:
        return "is not set"
    if not isinstance(key, str):
        return f"is {show(key)}, not a KMS key ARN"
    if not key.strip():
        return "is empty"
    if AWS_MANAGED_ALIAS.search(key):
        return f"is {show(key)}, an AWS-managed key"
    return None


def value_state(value: Any) -> str:
    """`is not set` / `is "OFF"`: the tail of a message about a property's value."""
    return "is not set" if value is None else f"is {show(value)}"
