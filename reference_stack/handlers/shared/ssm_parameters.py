"""Read SSM SecureString parameters at run time: decrypted by SSM, cached per execution environment.

The function's environment holds only the parameter NAME; the value never appears in the
configuration, the Pulumi state or the function's settings. Values are cached for
PARAMETER_CACHE_TTL_SECONDS (default 300) so a warm function does not call SSM on every request
and a rotated value (`aws ssm put-parameter --overwrite`) is picked up within that time.
Errors (missing parameter, access denied) raise: the invocation fails and the Errors alarm fires.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable, Dict, Optional, Tuple

DEFAULT_TTL_SECONDS = 300

clock: Callable[[], float] = time.monotonic  # replaced in tests
_cache: Dict[str, Tuple[float, str]] = {}
_lock = threading.Lock()
_clients: Dict[str, Any] = {}


def ssm_client() -> Any:
    if "ssm" not in _clients:
        import boto3

        _clients["ssm"] = boto3.client("ssm")
    return _clients["ssm"]


def ttl_seconds() -> float:
    return float(os.environ.get("PARAMETER_CACHE_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def get_parameter(name: str, ttl: Optional[float] = None) -> str:
    """The decrypted value of parameter `name`, from the cache when fresh."""
    ttl = ttl_seconds() if ttl is None else ttl
    now = clock()
    with _lock:
        cached = _cache.get(name)
        if cached is not None and now - cached[0] < ttl:
            return cached[1]
    value = ssm_client().get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    with _lock:
        _cache[name] = (now, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()
