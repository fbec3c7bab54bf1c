"""API Gateway HTTP API (payload 2.0) helpers: JSON responses and bearer-token checks."""

from __future__ import annotations

import hmac
import json
from typing import Any, Dict, Optional


def response(status: int, body: Any, headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", "cache-control": "no-store", **(headers or {})},
        "body": json.dumps(body),
    }


def bearer_token(event: Dict[str, Any]) -> str:
    headers = event.get("headers") or {}
    value = headers.get("authorization") or ""  # HTTP APIs lower-case header names
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authorized(event: Dict[str, Any], expected_token: str) -> bool:
    """Constant-time comparison, so the response time says nothing about the token."""
    token = bearer_token(event)
    return bool(token) and hmac.compare_digest(token.encode(), expected_token.encode())


def json_body(event: Dict[str, Any]) -> Any:
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        import base64

        raw = base64.b64decode(raw).decode()
    return json.loads(raw) if raw else None
