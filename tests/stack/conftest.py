"""Shared, expensive fixtures of the stack-rule tests: one pack process, each program run once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterable, Tuple

import pytest

from policypack.engine.program import CapturedStack, run_program
from tests.support.engine import PackProcess

PROGRAMS = Path(__file__).resolve().parents[1] / "fixtures" / "programs"

Key = Tuple[str, str, str]  # (program, variant, "preview" | "update")
_captured: Dict[Key, CapturedStack] = {}


def capture_all(keys: Iterable[Key]) -> Dict[Key, CapturedStack]:
    """Run each (program, variant, mode) once per session, two at a time (a run is ~1.5 s of CPU)."""
    missing = [k for k in dict.fromkeys(keys) if k not in _captured]

    def run(key: Key) -> CapturedStack:
        program, variant, mode = key
        return run_program(PROGRAMS / program, preview=mode == "preview", config_overrides={"variant": variant})

    with ThreadPoolExecutor(max_workers=2) as pool:
        for key, captured in zip(missing, pool.map(run, missing)):
            _captured[key] = captured
    return _captured


@pytest.fixture(scope="session")
def pack():
    with PackProcess() as process:
        yield process


@pytest.fixture(autouse=True)
def check_secrets_on_every_violation(monkeypatch):
    """Every stack rule's violating cases also run with what their messages quote marked secret."""
    from tests.support import harness

    monkeypatch.setattr(harness, "CHECK_SECRETS", True)
