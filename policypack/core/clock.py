"""Today's date (UTC), the one clock every date-dependent decision reads.

`AWS_SERVERLESS_GUARD_TODAY=YYYY-MM-DD` evaluates as of that day: reproducible scans of an old
state, and tests of exemption expiry through the served pack.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

TODAY_ENV = "AWS_SERVERLESS_GUARD_TODAY"


def today() -> date:
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            pass  # an unreadable override is ignored, not fatal: the real date applies
    return datetime.now(timezone.utc).date()
