"""Shared inputs of the scanner tests: the real state corpus, the test programs (run once each),
and pack processes that speak the real analyzer protocol (started once per stack context)."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Tuple

import pytest

from policypack.engine.evaluate import StackContext
from policypack.engine.model import ResourceState
from policypack.engine.program import CapturedStack, run_program
from tests.support.engine import PackProcess

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
FAULTY = PROGRAMS / "faulty"
BROKEN = PROGRAMS / "broken"
FIXTURES = HERE.parent / "fixtures" / "corpus"  # real state files and schemas, see their SOURCES.md
CORPUS = FIXTURES / "state"
SCHEMAS = FIXTURES / "schemas"
CORPUS_FILES = sorted(CORPUS.glob("*.json"))

sys.path.insert(0, str(HERE.parents[1] / "benchmarks"))


@pytest.fixture(scope="session")
def faulty_preview() -> CapturedStack:
    return run_program(FAULTY, stack="dev", preview=True)


@pytest.fixture(scope="session")
def faulty_update() -> CapturedStack:
    return run_program(FAULTY, stack="prod", preview=False, config_overrides={"aws:region": "eu-west-1"})


class PackPool:
    """One pack process per stack context (project, stack, dry run, config), reused across tests.

    `server="sdk"`: the pack served by `pulumi_policy`'s own servicer, the reference for equivalence.
    """

    def __init__(self, server: str = "pack") -> None:
        self.server = server
        self.processes: Dict[Tuple, PackProcess] = {}

    def get(self, context: StackContext) -> PackProcess:
        key = (context.project, context.stack, context.dry_run, json.dumps(dict(context.config), sort_keys=True))
        if key not in self.processes:
            self.processes[key] = PackProcess(project=context.project, stack=context.stack,
                                              dry_run=context.dry_run, config=dict(context.config),
                                              server=self.server)
        return self.processes[key]

    def diagnostics(self, context: StackContext, states: List[ResourceState], policy_config: Mapping = None,
                    not_analyzed: Iterable[str] = ()) -> list:
        """What the engine gets over gRPC: `Analyze` for every registered resource, then `AnalyzeStack`.

        The engine calls `Analyze` for every resource a program registers - components and the
        stack included (pulumi/pulumi `pkg/resource/deploy/step_generator.go`, `continueStepsFromImport`)
        - but not for resources it only reads; `PackProcess.analyze_all` stops at custom ones.
        """
        pack = self.get(context)
        pack.configure(dict(policy_config or {}))
        skip = set(not_analyzed)
        out = []
        for state in states:
            if state.urn not in skip:
                out.extend(pack.analyze(state, states))
        out.extend(pack.analyze_stack(states))
        return out

    def close(self) -> None:
        for process in self.processes.values():
            process.close()


@pytest.fixture(scope="session")
def packs():
    pool = PackPool()
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def sdk_packs():
    pool = PackPool("sdk")
    yield pool
    pool.close()


def write_program(folder: Path, main: str, project: str = "name: app\nruntime: python\n", **files: str) -> Path:
    """A Pulumi project in `folder`: `Pulumi.yaml`, `__main__.py` (dedented) and any other files."""
    folder.mkdir(parents=True)
    (folder / "Pulumi.yaml").write_text(project)
    (folder / "__main__.py").write_text(textwrap.dedent(main))
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def copy_program(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))
    return destination
