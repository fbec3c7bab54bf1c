"""Run a Pulumi Python program under mocks and record what the engine would hand the analyzer.

Every `RegisterResource` call is recorded with its type, name, URN, inputs (after the provider's
Check, see `provider_check`), dependencies, property dependencies, parent and provider. In
preview mode the mocks leave computed outputs (IDs, ARNs, URLs) unknown, as a real preview does;
in update mode they return plausible values (`fake_cloud`).

Programs are run in a fresh interpreter (`runner.run_program`), because the Pulumi runtime keeps
global state and programs import their own modules: two programs must never share a process. This
module is that interpreter's entry point: it reads its request from a file and writes its result
to another, so nothing the program prints can corrupt the result.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import unquote, urlparse

from .fake_cloud import ACCOUNT_ID, DEFAULT_REGION, engine_outputs, fake_outputs, invoke_result, resource_id
from .model import ResourceState, provider_urn, redact, secret_strings
from .project import CapturedStack, ProgramError, read_project, stack_config
from .provider_check import apply_check
from .runner import run_program

__all__ = ["ACCOUNT_ID", "DEFAULT_REGION", "CapturedStack", "ProgramError", "capture_program", "read_project",
           "run_program", "stack_config"]

# Folders inside a project that hold libraries, not the program (a resource a library creates is
# located at the program's line that called into it)
LIBRARY_DIRS = {".venv", "venv", "env", "site-packages", "dist-packages", "node_modules", "__pycache__"}


def capture_program(project_dir: Path, stack: str = "dev", preview: bool = True,
                    config_overrides: Optional[Mapping[str, str]] = None) -> CapturedStack:
    """Run the program in THIS process under mocks. Use `run_program` unless isolated already."""
    import pulumi
    from google.protobuf import json_format
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    project_dir = project_dir.resolve()
    project = read_project(project_dir)
    config, secret_keys = stack_config(project_dir, project, stack, config_overrides)
    region = config.get("aws:region", DEFAULT_REGION)
    captured = CapturedStack(project=project["name"], stack=stack, preview=preview, config=config,
                             secret_keys=secret_keys)
    lock = threading.Lock()
    order = _ConstructionOrder()
    constructed: Dict[str, int] = {}  # URN -> when the program constructed it

    registering = threading.local()  # the URN being registered, for the provider-Check autoname

    class Mocks(pulumi_mocks.Mocks):
        def new_resource(self, args: pulumi_mocks.MockResourceArgs):
            urn = getattr(registering, "urn", "") or args.name
            # Check's autonames and defaults are outputs too (known in a real preview as well)
            outputs = apply_check(args.typ, args.name, urn, dict(args.inputs))
            if preview:
                return "", outputs  # computed outputs (IDs, ARNs) stay unknown, as in a real preview
            for key, value in fake_outputs(args.typ, args.name, outputs, region).items():
                outputs.setdefault(key, value)
            return resource_id(outputs, args.name), outputs

        def call(self, args: pulumi_mocks.MockCallArgs):
            return invoke_result(args.token, dict(args.args), region)

    class RecordingMonitor(pulumi_mocks.MockMonitor):
        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # as the engine: the parent's whole qualified type, the root stack's type left out
            if parent:
                qualified = parent.split("::")[2]
                if qualified != "pulumi:pulumi:Stack":
                    type_ = f"{qualified}${type_}"
            return "::".join([f"urn:pulumi:{stack}", project["name"], type_, name])

        def RegisterResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            inputs = (_references_as_ids(json_format.MessageToDict(request.object))
                      if request.type != "pulumi:pulumi:Stack" else {})
            outputs = None
            if request.custom and not request.type.startswith("pulumi:providers:"):
                inputs = apply_check(request.type, request.name, urn, inputs)
                outputs = engine_outputs(request.type, request.name, inputs, region, preview)
            state = ResourceState(
                type=request.type,
                urn=urn,
                name=request.name,
                props=inputs,
                custom=bool(request.custom),
                parent=request.parent or "",
                provider=provider_urn(request.provider),
                dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                source_position=_program_position(request, main_file.parent),
                outputs=outputs,
            )
            with lock:
                captured.resources.append(state)
                constructed[urn] = order.take(request.type, request.name)
            registering.urn = urn
            try:
                return super().RegisterResource(request)
            finally:
                registering.urn = ""

        def GetDeploymentInfo(self, request):
            # Without resource references the SDK sends a resource passed as an input as its ID (its
            # URN for a component), as to an engine that does not keep them: nothing to rehydrate,
            # which under mocks runs on another event loop and failed such programs now and then.
            info = super().GetDeploymentInfo(request)
            features = [f for f in info.supportedFeatures
                        if f != resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES]
            return resource_pb2.DeploymentInfo(supportedFeatures=features)

        def RegisterResourceOutputs(self, request):
            if request.urn.endswith("pulumi:pulumi:Stack::" + f"{captured.project}-{stack}"):
                with lock:
                    captured.outputs.update(json_format.MessageToDict(request.outputs))
            return super().RegisterResourceOutputs(request)

    mocks = Mocks()
    _tolerate_ill_typed_echoes()
    pulumi.runtime.set_all_config(config, secret_keys)
    order.install()
    pulumi.runtime.set_mocks(mocks, project=project["name"], stack=stack, preview=preview,
                             monitor=RecordingMonitor(mocks))

    main = project_dir / str(project.get("main") or "")
    main_file = main / "__main__.py" if main.is_dir() else main
    if not main_file.is_file():
        raise ProgramError(f"{project_dir.name}: no {main_file.name} to run")
    sys.path.insert(0, str(main_file.parent))
    os.chdir(main_file.parent)
    from pulumi.runtime.settings import get_root_resource

    def run() -> None:
        runpy.run_path(str(main_file), run_name="__main__")
        root = get_root_resource()
        if root is not None:
            # set_mocks registered the stack's (empty) outputs before the program ran; register
            # the ones the program exported (pulumi.export) now, as the real runtime does at the end
            root._outputs_registered = False
            root._finish()

    try:
        _sync_await(run_pulumi_func(run))
    except ProgramError:
        raise
    except BaseException as err:  # the program's own error: report it, not our traceback
        raise ProgramError(_redacted(_program_error(err, main_file), captured.resources)) from None
    stack_urn = f"urn:pulumi:{stack}::{project['name']}::pulumi:pulumi:Stack::{project['name']}-{stack}"
    if not any(r.type == "pulumi:pulumi:Stack" for r in captured.resources):
        captured.resources.insert(0, ResourceState(type="pulumi:pulumi:Stack", urn=stack_urn,
                                                   name=f"{project['name']}-{stack}", custom=False))
    captured.resources.sort(key=lambda r: constructed.get(r.urn, 0))  # program order, not the RPC threads'
    add_default_providers(captured)
    return captured


class _ConstructionOrder:
    """The order in which the program constructed its resources.

    The SDK sends `RegisterResource` from a thread pool, so the monitor sees registrations in an
    order that varies from run to run. The constructors run in program order: each call into the
    SDK's `register_resource` / `read_resource` takes a number, and the monitor gives each request
    the first unclaimed number of its (type, name).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next = 1
        self.pending: Dict[Tuple[str, str], List[int]] = {}

    def install(self) -> None:
        import pulumi.resource as sdk_resource

        for attribute in ("register_resource", "read_resource"):
            original = getattr(sdk_resource, attribute)
            setattr(sdk_resource, attribute, self._numbering(original))

    def _numbering(self, original: Any) -> Any:
        def numbered(res: Any, ty: str, name: str, *args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.pending.setdefault((ty, name), []).append(self.next)
                self.next += 1
            return original(res, ty, name, *args, **kwargs)

        return numbered

    def take(self, ty: str, name: str) -> int:
        with self.lock:
            numbers = self.pending.get((ty, name))
            if numbers:
                return numbers.pop(0)
            self.next += 1
            return self.next + 1_000_000  # not constructed through the SDK's constructor: last


def _default_provider_name(package: str) -> str:
    """`default_7_51_1` for pulumi-aws 7.51.1, as the engine names it; `default` if unknown."""
    from importlib import metadata

    try:
        return "default_" + metadata.version(f"pulumi-{package}").replace(".", "_").replace("-", "_")
    except metadata.PackageNotFoundError:
        return "default"


def add_default_providers(captured: CapturedStack) -> None:
    """Register the default provider of each package, as the engine does.

    A resource without an explicit provider gets the package's default provider, whose inputs
    are the stack's `<package>:*` config (e.g. `aws:region`). Policies see it as the resource's
    provider, and it is a resource of the stack.
    """
    defaults: Dict[str, ResourceState] = {}
    for state in list(captured.resources):
        package = state.type.split(":", 1)[0]
        if not state.custom or state.provider or package in ("pulumi", ""):
            continue
        provider = defaults.get(package)
        if provider is None:
            name = _default_provider_name(package)
            props = {k.split(":", 1)[1]: v for k, v in captured.config.items() if k.startswith(package + ":")}
            provider = ResourceState(
                type=f"pulumi:providers:{package}",
                urn=f"urn:pulumi:{captured.stack}::{captured.project}::pulumi:providers:{package}::{name}",
                name=name, props=props, custom=True,
            )
            defaults[package] = provider
            captured.resources.insert(1, provider)
        state.provider = provider.urn


RESOURCE_REF_SIG = ("4dabf18193072939515e22adb298388d", "5cf8f73096256a8f31e491e813e4eb8e")


def _references_as_ids(value: Any) -> Any:
    """A resource passed as an input (`role=role`) as the engine sends it to an analyzer (no
    `KeepResources`): its ID, or its URN when it has none."""
    if isinstance(value, list):
        return [_references_as_ids(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get(RESOURCE_REF_SIG[0]) == RESOURCE_REF_SIG[1]:
        ref_id = value.get("id")
        return ref_id if isinstance(ref_id, str) and ref_id else value.get("urn", "")
    return {k: _references_as_ids(v) for k, v in value.items()}


def _tolerate_ill_typed_echoes() -> None:
    """The mocks echo a program's inputs back as outputs. An input of the wrong shape (a dict
    where the SDK's types say string, e.g. `environment={"variables": {"variables": {...}}}`)
    reaches the engine as it is - a real provider's Check would then reject it - but its echo
    would crash the SDK's output typing and end the run before the analyzer sees it. Read such
    echoes as the SDK reads inputs the engine returned no value for: as None."""
    from pulumi.runtime import rpc

    strict = rpc.translate_output_properties
    if getattr(strict, "_tolerant", False):
        return

    def tolerant(output, output_transformer, typ=None, transform_using_type_metadata=False, path=None,
                 return_none_on_dict_type_mismatch=False):
        return strict(output, output_transformer, typ, transform_using_type_metadata, path, True)

    tolerant._tolerant = True  # type: ignore[attr-defined]
    rpc.translate_output_properties = tolerant


def _program_position(request: Any, program_dir: Path) -> str:
    """Where the program created the resource (`file://...#line`): the innermost frame of the
    registration's stack that is the program's own code, so a resource a library or a component
    outside the program creates points at the program's line that called it."""
    frames = [frame.pc for frame in request.stackTrace.frames if frame.pc.uri]
    if request.sourcePosition.uri:
        frames.insert(0, request.sourcePosition)
    for position in frames:
        if _is_program_file(position.uri, program_dir):
            return f"{position.uri}#{position.line}"
    return ""  # registered by the SDK itself (the root stack)


def _is_program_file(uri: str, program_dir: Path) -> bool:
    if not uri.startswith("file://"):
        return False
    path = Path(os.path.normpath(unquote(urlparse(uri).path)))  # `app/../lib/x.py` is not in `app`
    try:
        relative = path.relative_to(program_dir)
    except ValueError:
        return False
    return not LIBRARY_DIRS.intersection(relative.parts)


def _program_error(err: BaseException, main_file: Path) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    where = ""
    for frame in reversed(frames):
        if str(main_file.parent) in frame.filename:
            where = f" ({Path(frame.filename).name}:{frame.lineno})"
            break
    text = str(err).strip() or err.__class__.__name__
    return f"the program failed{where}: {err.__class__.__name__}: {text}"


def _redacted(message: str, resources: Sequence[ResourceState]) -> str:
    """The program's error without any secret value the program had registered before it failed."""
    return redact(message, secret_strings(resources))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The runner's child: `--request FILE` (what to run) in, `--result FILE` (the stack or the
    error, as JSON) out. The program's own output goes wherever stdout/stderr go."""
    parser = argparse.ArgumentParser(prog="python -m policypack.engine.program")
    parser.add_argument("--request", required=True)
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    request = json.loads(Path(args.request).read_text(encoding="utf-8"))
    result = Path(args.result).resolve()  # the program may chdir
    try:
        captured = capture_program(Path(request["project_dir"]), request["stack"], request["preview"],
                                   request.get("config") or {})
    except ProgramError as err:
        result.write_text(json.dumps({"error": str(err)}), encoding="utf-8")
        return 2
    result.write_text(json.dumps({"stack": captured.to_json()}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
