"""The per-rule secret check can fail: without the core's secret handling it catches the leak."""

from __future__ import annotations

import pytest

from policypack.core.types import QUEUE
from policypack.engine import core, tree
from policypack.rules.messaging import sqs_queue_encrypted
from tests.support import harness

def test_the_check_passes_on_the_pack_as_it_is(monkeypatch):
    monkeypatch.setattr(harness, "CHECK_SECRETS", True)
    found = harness.analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": ["alias/orders"], "name": "orders"})
    assert found == [harness.Violation("aws-sqs-queue-encrypted", "mandatory", found[0].message)]
    assert "alias/orders" in found[0].message  # quoted, so the check re-ran it with the value secret


def test_the_check_catches_a_core_that_shows_secrets(monkeypatch):
    monkeypatch.setattr(harness, "CHECK_SECRETS", True)
    monkeypatch.setattr(tree, "SecretStr", str)  # secrets arrive unmarked, as pulumi_policy hands them over
    monkeypatch.setattr(core, "_redactor", lambda secrets: core._unchanged)  # no net under the messages
    with pytest.raises(AssertionError, match="secret 'alias/orders' quoted"):
        harness.analyze(sqs_queue_encrypted, QUEUE, {"kmsMasterKeyId": ["alias/orders"], "name": "orders"})
