"""One pack process per test module (it takes ~0.5 s to start), its config reset for each test."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.engine import PackProcess


@pytest.fixture(scope="module")
def pack_process() -> Iterator[PackProcess]:
    with PackProcess(dry_run=True) as process:
        yield process
    assert process.process.poll() is not None


@pytest.fixture
def pack(pack_process: PackProcess) -> Iterator[PackProcess]:
    """The shared pack with no policy config (Configure replaces the whole config)."""
    pack_process.configure({})
    yield pack_process
    pack_process.configure({})
