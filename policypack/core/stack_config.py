"""The stack's configuration as the policy process sees it, with secret keys kept secret.

The CLI gives a policy pack the stack's config in `PULUMI_CONFIG` (values decrypted) and names the
secret keys in `PULUMI_CONFIG_SECRET_KEYS`; newer engines also send both in `ConfigureStack`.
A rule that reads a config value through `config_value` gets a `SecretStr` for a secret key, so
`show()` and the core's net never put it in a message.
"""

from __future__ import annotations

from typing import Iterable, Optional, Set

import pulumi.runtime

from .secrets import SecretStr

_secret_keys: Set[str] = set()


def set_secret_keys(keys: Iterable[str]) -> None:
    """Replace the set of secret config keys (`ns:key`), e.g. from `ConfigureStack`."""
    global _secret_keys
    _secret_keys = {str(k) for k in keys}


def secret_keys() -> Set[str]:
    return set(_secret_keys)


def is_secret_key(key: str) -> bool:
    if key in _secret_keys:
        return True
    try:
        return bool(pulumi.runtime.is_config_secret(key))
    except Exception:  # an SDK without secret keys
        return False


def config_value(key: str) -> Optional[str]:
    """`ns:key` from the stack config; None when unset or not a string."""
    try:
        value = pulumi.runtime.get_config(key)
    except Exception:  # no readable config in this process
        return None
    if not isinstance(value, str):
        return None
    return SecretStr(value) if is_secret_key(key) else value


def secret_values() -> list:
    """The values of the secret config keys that are set (for the core's message net)."""
    found = []
    for key in sorted(_secret_keys):
        value = config_value(key)
        if value:
            found.append(value)
    return found
