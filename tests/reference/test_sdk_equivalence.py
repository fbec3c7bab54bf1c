"""The pack's own server and `pulumi_policy`'s servicer report the same on both systems.

The reference stack (clean) and the faulty examples (every documented failure), each captured in
preview and update, go through the pack served as the CLI serves it twice - by the pack's server
and with `AWS_SERVERLESS_GUARD_SERVER=sdk` - with the default levels and with the example policy
config, and give identical diagnostics (policy, level, URN, message, severity). The programs hold
no secret a message could quote, so nothing is set aside.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from policypack.scan.policy_config import load_policy_config
from policypack.registry import ALL_POLICIES

from .stacks import RUNS

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = REPO / "reference_stack" / "policy-config.example.json"
COMPARED = [name for name in RUNS if not name.startswith("reference-cors")]  # those two stop the program


@pytest.mark.parametrize("name", COMPARED)
@pytest.mark.parametrize("with_config", [False, True], ids=["default-levels", "example-config"])
def test_the_pack_server_reports_what_the_sdk_servicer_reports(runs, packs, name, with_config):
    captured = runs.get(name)
    config = load_policy_config(EXAMPLE_CONFIG, ALL_POLICIES) if with_config else None
    ours = packs.analyze(captured, config)
    reference = packs.analyze(captured, config, server="sdk")
    assert Counter(ours) == Counter(reference)
    if name.startswith("faulty"):
        assert ours, "a faulty example reports its documented failures"
