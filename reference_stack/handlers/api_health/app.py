"""GET /health: liveness. Touches no data and no secret."""

from __future__ import annotations

import json
import os
from typing import Any, Dict


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps({"status": "ok", "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")}),
    }
