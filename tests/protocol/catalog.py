"""The rule catalog (`docs/catalog.md`, the project's own copy), read from its tables: the pack's
public contract.

Tests check the pack against this file, not against the registry, so a rule that is missing,
renamed, of the wrong kind or at the wrong default level fails them. Both table shapes are read:
v1 sections (`| name | kind | level | checks | seed |`) and the v2 additions (no seed column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "docs" / "catalog.md"

# v1 tables have a seed column, v2 tables do not
ROW = re.compile(r"^\|\s*`(?P<name>[a-z0-9-]+)`\s*\|\s*(?P<kind>[RS])\s*\|\s*(?P<level>mandatory|advisory)\s*\|"
                 r"\s*(?P<checks>.*?)\s*\|(?:\s*(?P<seed>.*?)\s*\|)?\s*$")
KINDS = {"R": "resource", "S": "stack"}

# Catalog rules not built yet (none: every v1 and v2 rule is served). A name listed here is left out
# of the comparisons; `test_pending_rules_are_catalog_rules_the_registry_lacks` fails as soon as one
# of them is registered, so a name cannot stay here once its rule exists.
PENDING_V2_RULES: FrozenSet[str] = frozenset()

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
    seed: str = ""  # the documented failure it exists for ("" in the v2 tables, which have none)


def catalog_rules(path: Path = CATALOG) -> List[CatalogRule]:
    """Every rule of the catalog, v1 and v2 tables alike, in the catalog's order."""
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if match:
            rules.append(CatalogRule(match["name"], KINDS[match["kind"]], match["level"], match["checks"],
                                     match["seed"] or ""))
    return rules


def served_catalog_rules(path: Path = CATALOG) -> List[CatalogRule]:
    """The catalog rules this branch must serve: all of them but `PENDING_V2_RULES`."""
    return [rule for rule in catalog_rules(path) if rule.name not in PENDING_V2_RULES]
