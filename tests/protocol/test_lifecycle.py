"""The pack process always ends, and a failing rule never turns into a gRPC error.

Temporary pack folders stand in for broken packs: one whose `__main__.py` raises on import, one
that serves a policy whose check raises. They are started exactly like the real pack.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path
from typing import List

import pytest

from policypack.engine.requests import Diagnostic
from tests.support import engine
from tests.support.engine import REPO, PackProcess

from .states import state

KMS_VIOLATION = "`enableKeyRotation` is false: set it to true."


@pytest.fixture
def started(monkeypatch) -> List[subprocess.Popen]:
    """Every process the stand-in starts in this test (to prove each one is gone afterwards)."""
    processes: List[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        processes.append(process)
        return process

    monkeypatch.setattr(engine.subprocess, "Popen", recording_popen)
    return processes


def write_pack(folder: Path, main: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\ndescription: a test pack\n")
    (folder / "__main__.py").write_text(f"import sys\nsys.path.insert(0, {str(REPO)!r})\n" + textwrap.dedent(main))
    return folder


def test_closing_ends_the_process(started):
    pack = PackProcess()
    assert pack.info().policies
    pack.close()
    assert pack.process.poll() is not None
    assert [p.poll() is not None for p in started] == [True]


def test_leaving_the_context_ends_the_process():
    with PackProcess() as pack:
        pack.info()
    assert pack.process.poll() is not None


def test_closing_twice_is_harmless():
    pack = PackProcess()
    pack.close()
    pack.close()
    assert pack.process.poll() is not None


def test_a_pack_that_crashes_on_import_gives_a_clear_error_and_no_process(tmp_path, started):
    folder = write_pack(tmp_path / "broken", 'raise RuntimeError("the pack is broken on purpose")\n')
    with pytest.raises(RuntimeError, match="the pack printed no port") as raised:
        PackProcess(folder)
    assert "the pack is broken on purpose" in str(raised.value)
    assert len(started) == 1 and started[0].poll() is not None


FAILING_RULES = '''
from pulumi_policy import EnforcementLevel, PolicyPack

from policypack.core.rule import MANDATORY, HIGH, resource_rule, stack_rule
from policypack.rules.kms import key_rotation_enabled


@resource_rule(name="test-resource-rule-raises", description="Raises on every resource.",
               resource_types=["aws:kms/key:Key"], enforcement_level=MANDATORY, severity=HIGH,
               remediation_steps="None.", url="https://example.com")
def raises(resource, config):
    yield "a first message"
    raise ValueError("a bug in a rule")


@stack_rule(name="test-stack-rule-raises", description="Raises on every stack.",
            resource_types=["aws:kms/key:Key"], enforcement_level=MANDATORY, severity=HIGH,
            remediation_steps="None.", url="https://example.com")
def stack_raises(graph, config):
    raise KeyError("a bug in a stack rule")
    yield


PolicyPack(name="failing-rules", policies=[raises, key_rotation_enabled, stack_raises],
           enforcement_level=EnforcementLevel.ADVISORY)
'''


def test_a_rule_that_raises_gives_no_grpc_error_and_the_others_still_run(tmp_path):
    folder = write_pack(tmp_path / "failing", FAILING_RULES)
    key = state("aws:kms/key:Key", "key", {"enableKeyRotation": False})
    with PackProcess(folder) as pack:
        assert pack.analyze(key) == [
            Diagnostic("test-resource-rule-raises", "mandatory", "a first message", key.urn, "high"),
            Diagnostic("aws-kms-key-rotation-enabled", "mandatory", KMS_VIOLATION, key.urn, "high"),
        ]
        assert pack.analyze_stack([key]) == []
        assert pack.process.poll() is None  # still serving
    stderr = "".join(pack.stderr_lines)
    assert "policy 'test-resource-rule-raises' failed on" in stderr and "a bug in a rule" in stderr
    assert "policy 'test-stack-rule-raises' failed on the stack" in stderr
