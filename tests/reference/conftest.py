"""Session fixtures: the program runs (all started together, once) and packs per stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest

from reference_stack.components.packaging import BUILD_DIR_ENV, LAYER_SOURCE_ENV
from policypack.engine.requests import Diagnostic
from tests.support.engine import PackProcess

from .stacks import SessionRuns


@pytest.fixture(scope="session")
def fake_layer_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for the Pillow wheels, so no test needs PyPI (the real build is in CI's deploy)."""
    root = tmp_path_factory.mktemp("fake-layer")
    (root / "PIL").mkdir()
    (root / "PIL" / "__init__.py").write_text('"""Not Pillow: a placeholder for offline tests."""\n')
    return root


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory, fake_layer_source: Path) -> SessionRuns:
    session = SessionRuns()
    with pytest.MonkeyPatch.context() as patch:
        # the programs run in child processes, which inherit these: the layer comes from the
        # fake package, the archives go to a temporary build folder
        patch.setenv(LAYER_SOURCE_ENV, str(fake_layer_source))
        session.build_dir = tmp_path_factory.mktemp("reference-build")
        patch.setenv(BUILD_DIR_ENV, str(session.build_dir))
        session.run_all()
    return session


@pytest.fixture(scope="session")
def packs() -> Iterator["PackCache"]:
    cache = PackCache()
    yield cache
    cache.close()


class PackCache:
    """One policy-pack process per (project, stack, preview, config), started on first use."""

    def __init__(self) -> None:
        self._packs: Dict[Tuple[str, str, bool, str, str], PackProcess] = {}

    def get(self, project: str, stack: str, preview: bool, config: Optional[Dict] = None,
            server: str = "pack") -> PackProcess:
        key = (project, stack, preview, json.dumps(config or {}, sort_keys=True), server)
        if key not in self._packs:
            pack = PackProcess(project=project, stack=stack, dry_run=preview, server=server)
            if config:
                pack.configure(config)
            self._packs[key] = pack
        return self._packs[key]

    def analyze(self, captured, config: Optional[Dict] = None, server: str = "pack") -> List[Diagnostic]:
        """What a preview (or update) with the pack reports (`server="sdk"`: served by `pulumi_policy`'s
        own servicer). A rule that crashed would report nothing and log to stderr instead: that fails
        the test too."""
        pack = self.get(captured.project, captured.stack, captured.preview, config, server)
        before = len(pack.stderr_lines)
        found = pack.analyze_all(captured.resources)
        crashes = [line for line in pack.stderr_lines[before:] if "failed on" in line or "Traceback" in line]
        assert crashes == [], "".join(crashes)
        return found

    def close(self) -> None:
        for pack in self._packs.values():
            pack.close()
