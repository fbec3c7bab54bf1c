"""Every rule's violating cases also run with what their messages quote marked secret."""

import pytest

from tests.support import harness


@pytest.fixture(autouse=True)
def check_secrets_on_every_violation(monkeypatch):
    monkeypatch.setattr(harness, "CHECK_SECRETS", True)
