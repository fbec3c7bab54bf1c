"""The rule catalog (`../shared/rules/CATALOG.md`), read from its tables: the pack's public contract.

Tests check the pack against this file, not against the registry, so a rule that is missing,
renamed, of the wrong kind or at the wrong default level fails them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO.parent / "shared" / "rules" / "CATALOG.md"

# v1 tables have a seed column, v2 tables do not
ROW = re.compile(r"^\|\s*`(?P<name>[a-z0-9-]+)`\s*\|\s*(?P<kind>[RS])\s*\|\s*(?P<level>mandatory|advisory)\s*\|"
                 r"\s*(?P<checks>.*?)\s*\|(?:\s*(?P<seed>.*?)\s*\|)?\s*$")
KINDS = {"R": "resource", "S": "stack"}

# The "v2 additions" sections (`### ...` under `## v2 additions`) the pack builds so far: each is
# checked as soon as it is listed here (sections are built on their own branches).
V2_HEADING = "## v2 additions"
BUILT_V2_SECTIONS = ("Public exposure",)

# Options the catalog names, with the defaults it states (None: named without a default).
CATALOG_OPTIONS: Dict[str, Dict[str, object]] = {
    "aws-lambda-function-in-vpc": {"minSubnets": 2},
    "aws-lambda-function-runtime-supported": {"warnDays": 180, "allowedRuntimes": None},
    "aws-lambda-async-failure-destination": {"requireForAll": None},
    "aws-iam-no-aws-managed-policies": {"allowedManagedPolicies": None},
    "aws-s3-notification-filter": {"requirePrefix": False, "requireSuffix": True},
    "aws-lambda-function-alarms": {"requiredMetrics": ["Errors", "Throttles", "Duration", "Invocations"]},
    "aws-ssm-parameter-secure-string": {"requireForAll": None},
    "aws-cors-no-wildcard-origin": {"allowedOrigins": None},
    "aws-provider-region-allowed": {"allowedRegions": None},
    # v2: allow-list options default to empty lists; the tightened v1 rules' new option
    "aws-lambda-function-url-authenticated": {"publicFunctions": []},
    "aws-resource-policy-not-public": {"publicBuckets": []},
    "aws-apigatewayv2-route-authorized": {"publicRoutes": []},
    "aws-sqs-queue-encrypted": {"allowAwsManagedKey": False},
    "aws-sns-topic-encrypted": {"allowAwsManagedKey": False},
}
# Rules whose catalog entry says they are configurable without naming the options.
UNNAMED_OPTIONS = {
    "aws-lambda-function-concurrency-limit": 2,  # the bounds `[min, max]`
    "aws-sqs-queue-encrypted": 1,  # whether SSE-SQS is allowed
}


@dataclass(frozen=True)
class CatalogRule:
    name: str
    kind: str  # "resource" | "stack"
    level: str  # "mandatory" | "advisory"
    checks: str


def catalog_rules(path: Path = CATALOG, v2_sections=BUILT_V2_SECTIONS) -> List[CatalogRule]:
    """Every v1 rule, and the v2 rules of the sections in `v2_sections`."""
    rules = []
    in_v2, section = False, ""
    for line in path.read_text().splitlines():
        text = line.strip()
        if text.startswith("## "):
            in_v2, section = text.startswith(V2_HEADING), ""
        elif text.startswith("### "):
            section = text[4:].strip()
        match = ROW.match(text)
        if match and (not in_v2 or section in v2_sections):
            rules.append(CatalogRule(match["name"], KINDS[match["kind"]], match["level"], match["checks"]))
    return rules
