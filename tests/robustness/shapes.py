"""Real property shapes: the resources the project's own programs declare, captured under mocks.

The reference stack, the faulty examples and the test fixture programs are run once per session
(preview and update, as the engine stand-in does), so the generators can start from what real
programs send - `lambdaFunctions[0].lambdaFunctionArn`, `rules[0].applyServerSideEncryptionByDefault`,
property dependencies between real resources - and mutate it, instead of hoping random keys line up.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

from policypack.engine.model import ResourceState
from policypack.engine.program import ProgramError, run_program

REPO = Path(__file__).resolve().parents[2]


def program_dirs() -> List[Path]:
    candidates = [REPO / "reference_stack", *sorted((REPO / "examples").glob("*")),
                  *sorted((REPO / "tests" / "fixtures" / "programs").glob("*"))]
    return [p for p in candidates if (p / "Pulumi.yaml").is_file()]


def _capture(job: Tuple[Path, bool]) -> Optional[List[ResourceState]]:
    program, preview = job
    try:
        return run_program(program, preview=preview).resources
    except ProgramError:
        return None  # a program being edited right now: the others still give shapes


@lru_cache(maxsize=None)
def captured_stacks() -> Tuple[Tuple[ResourceState, ...], ...]:
    """Every program's resources, in preview and in update; at least one program must run."""
    jobs = [(program, preview) for program in program_dirs() for preview in (True, False)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        stacks = [tuple(s) for s in pool.map(_capture, jobs) if s]
    assert stacks, "none of the project's programs could be run to capture real property shapes"
    return tuple(stacks)
