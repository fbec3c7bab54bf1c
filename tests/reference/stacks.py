"""Run the reference stack and the faulty examples once per test session, and read what they
registered.

Every program run is a fresh interpreter (~3-5 s), so all the runs the reference tests need are
made together, in parallel, once per session (the `runs` fixture).
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

from policypack.engine.model import ResourceState
from policypack.engine.program import CapturedStack, ProgramError, run_program

REPO = Path(__file__).resolve().parents[2]
REFERENCE_STACK = REPO / "reference_stack"
FAULTY_IMAGE_PIPELINE = REPO / "examples" / "faulty_image_pipeline"
FAULTY_API = REPO / "examples" / "faulty_api"
FAULTY_ORDERS_API = REPO / "examples" / "faulty_orders_api"
ACCOUNT_ID = "123456789012"
# the engine's name for the default AWS provider: default_<pulumi-aws version>
DEFAULT_AWS_PROVIDER = "default_" + metadata.version("pulumi-aws").replace(".", "_")


@dataclass(frozen=True)
class Run:
    project_dir: Path
    stack: str = "dev"
    preview: bool = True
    config: Mapping[str, str] = field(default_factory=dict)


# The runs of the whole session, by name.
RUNS: Dict[str, Run] = {
    "reference-preview": Run(REFERENCE_STACK, preview=True),
    "reference-update": Run(REFERENCE_STACK, preview=False),
    # a stack with no Pulumi.<stack>.yaml: only the defaults of Pulumi.yaml
    "reference-defaults": Run(REFERENCE_STACK, stack="defaults", preview=True),
    # another region, two replica regions (one of them the primary, which is skipped), other limits
    "reference-other-region": Run(REFERENCE_STACK, stack="eu", preview=False, config={
        "aws:region": "eu-west-1",
        "serverless-reference:regions": json.dumps(["eu-west-1", "us-east-2", "ap-southeast-2"]),
        "serverless-reference:processorReservedConcurrency": "3",
        "serverless-reference:apiReservedConcurrency": "2",
    }),
    "reference-cors-wildcard": Run(REFERENCE_STACK, stack="bad", config={
        "serverless-reference:corsAllowedOrigins": json.dumps(["*"])}),
    "reference-cors-http": Run(REFERENCE_STACK, stack="bad", config={
        "serverless-reference:corsAllowedOrigins": json.dumps(["http://app.example.com"])}),
    "faulty-image-pipeline-preview": Run(FAULTY_IMAGE_PIPELINE, preview=True),
    "faulty-image-pipeline-update": Run(FAULTY_IMAGE_PIPELINE, preview=False),
    "faulty-api-preview": Run(FAULTY_API, preview=True),
    "faulty-api-update": Run(FAULTY_API, preview=False),
    "faulty-orders-api-preview": Run(FAULTY_ORDERS_API, preview=True),
    "faulty-orders-api-update": Run(FAULTY_ORDERS_API, preview=False),
}

Result = Union[CapturedStack, ProgramError]


class SessionRuns:
    """Every run in RUNS, all started together; `get(name)` returns one's captured stack."""

    def __init__(self) -> None:
        self._results: Dict[str, Result] = {}
        self.build_dir: Optional[Path] = None  # where the programs wrote their archives

    def run_all(self) -> None:
        with ThreadPoolExecutor(max_workers=min(6, os.cpu_count() or 2)) as pool:
            futures = {name: pool.submit(self._run, run) for name, run in RUNS.items()}
            self._results = {name: future.result() for name, future in futures.items()}

    @staticmethod
    def _run(run: Run) -> Result:
        try:
            return run_program(run.project_dir, stack=run.stack, preview=run.preview,
                               config_overrides=run.config)
        except ProgramError as err:
            return err

    def result(self, name: str) -> Result:
        return self._results[name]

    def get(self, name: str) -> CapturedStack:
        result = self._results[name]
        if isinstance(result, ProgramError):
            raise AssertionError(f"run {name!r} failed: {result}")
        return result


# -- reading a captured stack ------------------------------------------------------------------------

def of_type(stack: CapturedStack, resource_type: str) -> List[ResourceState]:
    return [r for r in stack.resources if r.type == resource_type]


def named(stack: CapturedStack, resource_type: str, name: str) -> ResourceState:
    found = [r for r in of_type(stack, resource_type) if r.name == name]
    assert len(found) == 1, f"{len(found)} {resource_type} named {name!r}: {[r.name for r in of_type(stack, resource_type)]}"
    return found[0]


def by_urn(stack: CapturedStack) -> Dict[str, ResourceState]:
    return {r.urn: r for r in stack.resources}


def prop_sources(stack: CapturedStack, resource: ResourceState, prop: str, resource_type: str) -> List[ResourceState]:
    """The resources of `resource_type` that property `prop` was computed from."""
    index = by_urn(stack)
    return [index[u] for u in resource.property_dependencies.get(prop, []) if u in index and index[u].type == resource_type]


def plain(value: Any) -> Any:
    """Secrets unwrapped (the engine's JSON form -> plain values)."""
    if isinstance(value, dict):
        if "4dabf18193072939515e22adb298388d" in value:
            return plain(value.get("value"))
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def policy_document(resource: ResourceState, prop: str = "policy") -> Dict[str, Any]:
    raw = plain(resource.props[prop])
    return json.loads(raw) if isinstance(raw, str) else raw
