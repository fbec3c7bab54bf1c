"""The repository is self-contained: a clone with nothing beside it runs every test.

The catalog (`docs/catalog.md`), the documented failures (`docs/seeds/`) and the state corpus and
schemas (`tests/fixtures/corpus/`) are the project's own copies. Where the team's shared folder is
beside the checkout (`../shared`), each copy must equal its source there; without that folder these
comparisons are not collected at all, and nothing else depends on it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# (the project's copy, its source in the shared folder)
COPIES: List[Tuple[str, str]] = [("docs/catalog.md", "rules/CATALOG.md"), ("docs/seeds", "seeds"),
                                 ("tests/fixtures/corpus/state", "corpus/state"),
                                 ("tests/fixtures/corpus/schemas", "corpus/schemas")]
# a path built to reach outside the checkout: `parent / "shared"`, `"../shared"`, `parents[2] / ...`
OUTSIDE = re.compile(r"""parent\s*/\s*["']shared["']|["']\.\./shared|parents\[\d+\]\s*/\s*["']shared["']""")


def _files(root: Path) -> List[str]:
    if root.is_file():
        return [""]
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_the_copies_are_in_the_repository():
    for copy, _ in COPIES:
        assert (REPO / copy).exists(), copy
    assert (REPO / "tests/fixtures/corpus/state/SOURCES.md").is_file()
    assert (REPO / "tests/fixtures/corpus/schemas/SOURCES.md").is_file()


def test_no_test_script_or_tool_reads_outside_the_checkout():
    offenders = []
    for folder in ("tests", "scripts", "benchmarks", "policypack", ".ci"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", "") and path != Path(__file__):
                text = path.read_text(encoding="utf-8", errors="replace")
                offenders += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert offenders == []


if SHARED.is_dir():  # only beside the team's shared folder: a plain clone has none

    @pytest.mark.parametrize("copy, source", COPIES, ids=[c for c, _ in COPIES])
    def test_each_copy_equals_the_shared_source(copy, source):
        ours, theirs = REPO / copy, SHARED / source
        assert _files(ours) == _files(theirs), f"{copy} and ../shared/{source} hold different files"
        for name in _files(ours):
            assert (ours / name).read_bytes() == (theirs / name).read_bytes(), (
                f"{copy}/{name} differs from ../shared/{source}/{name}: copy the new version into the project")
