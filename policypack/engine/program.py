"""Run a Pulumi Python program under mocks and record what the engine would hand the analyzer.

Every `RegisterResource` call is recorded with its type, name, URN, inputs (after the provider's
Check, see `provider_check`), dependencies, property dependencies, parent and provider. In
preview mode the mocks leave computed outputs (IDs, ARNs, URLs) unknown, as a real preview does;
in update mode they return plausible values.

Programs are run in a fresh interpreter (`run_program`), because the Pulumi runtime keeps global
state and programs import their own modules: two programs must never share a process.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .model import ResourceState, provider_urn
from .provider_check import apply_check

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-west-2"


class ProgramError(Exception):
    """The program could not be run: its own error, or not a Pulumi Python project."""


@dataclass
class CapturedStack:
    project: str
    stack: str
    preview: bool
    resources: List[ResourceState] = field(default_factory=list)
    outputs: Dict[str, Any] = field(default_factory=dict)
    config: Dict[str, str] = field(default_factory=dict)

    def to_json(self) -> Dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "preview": self.preview,
            "resources": [r.to_json() for r in self.resources],
            "outputs": self.outputs,
            "config": self.config,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "CapturedStack":
        return cls(
            project=data["project"],
            stack=data["stack"],
            preview=data["preview"],
            resources=[ResourceState.from_json(r) for r in data["resources"]],
            outputs=dict(data.get("outputs") or {}),
            config=dict(data.get("config") or {}),
        )


# -- project and config ---------------------------------------------------------------------------

def read_project(project_dir: Path) -> Dict[str, Any]:
    import yaml

    for name in ("Pulumi.yaml", "Pulumi.yml"):
        path = project_dir / name
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text()) or {}
            except yaml.YAMLError as err:
                raise ProgramError(f"{path}: not valid YAML ({err.__class__.__name__})") from None
            if not isinstance(data, dict) or not data.get("name"):
                raise ProgramError(f"{path}: has no project `name`")
            return data
    raise ProgramError(f"{project_dir}: not a Pulumi project (no Pulumi.yaml)")


def _config_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def stack_config(project_dir: Path, project: Dict[str, Any], stack: str,
                 overrides: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Project defaults, then `Pulumi.<stack>.yaml`, then `--config` overrides; keys namespaced."""
    import yaml

    name = project["name"]

    def full(key: str) -> str:
        return key if ":" in key else f"{name}:{key}"

    config: Dict[str, str] = {}
    for key, spec in (project.get("config") or {}).items():
        if isinstance(spec, dict):
            if "value" in spec:
                config[full(key)] = _config_value(spec["value"])
            elif "default" in spec:
                config[full(key)] = _config_value(spec["default"])
        elif spec is not None:
            config[full(key)] = _config_value(spec)
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if stack_file.is_file():
        try:
            data = yaml.safe_load(stack_file.read_text()) or {}
        except yaml.YAMLError as err:
            raise ProgramError(f"{stack_file}: not valid YAML ({err.__class__.__name__})") from None
        for key, value in (data.get("config") or {}).items():
            if isinstance(value, dict) and set(value) == {"secure"}:
                value = "[secret]"  # encrypted with the stack's key: not readable offline
            config[full(key)] = _config_value(value)
    for key, value in (overrides or {}).items():
        config[full(key)] = value
    return config


# -- mocks ------------------------------------------------------------------------------------------

def _fake_outputs(resource_type: str, name: str, inputs: Dict[str, Any], region: str) -> Dict[str, Any]:
    service, _, kind = resource_type.partition(":")[2].partition("/")
    kind = kind.split(":")[0]
    physical = inputs.get("bucket") or inputs.get("name") or name
    prefix = f"arn:aws:{service}:{region}:{ACCOUNT_ID}"
    out: Dict[str, Any] = {}
    if resource_type in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        out.update(arn=f"arn:aws:s3:::{physical}", bucket=physical, id=physical,
                   bucketDomainName=f"{physical}.s3.amazonaws.com")
    elif resource_type == "aws:lambda/function:Function":
        arn = f"{prefix}:function:{physical}"
        out.update(arn=arn, name=physical, qualifiedArn=f"{arn}:$LATEST",
                   invokeArn=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations")
    elif resource_type.startswith("aws:iam/"):
        out.update(arn=f"arn:aws:iam::{ACCOUNT_ID}:{kind}/{physical}", name=physical)
    elif resource_type == "aws:sqs/queue:Queue":
        out.update(arn=f"{prefix}:{physical}", name=physical,
                   url=f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{physical}")
    elif resource_type == "aws:sns/topic:Topic":
        out.update(arn=f"{prefix}:{physical}", name=physical)
    elif resource_type == "aws:kms/key:Key":
        out.update(arn=f"{prefix}:key/{name}-0000", keyId=f"{name}-0000")
    elif resource_type == "aws:cloudwatch/logGroup:LogGroup":
        out.update(arn=f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{physical}", name=physical)
    elif resource_type == "aws:apigatewayv2/api:Api":
        api_id = f"{name}-api"
        out.update(arn=f"arn:aws:apigateway:{region}::/apis/{api_id}",
                   executionArn=f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{api_id}",
                   apiEndpoint=f"https://{api_id}.execute-api.{region}.amazonaws.com")
    elif resource_type == "aws:apigatewayv2/stage:Stage":
        out.update(arn=f"arn:aws:apigateway:{region}::/apis/x/stages/{physical}",
                   invokeUrl=f"https://api.execute-api.{region}.amazonaws.com/{physical}")
    else:
        out.update(arn=f"{prefix}:{kind}/{str(physical).lstrip('/')}")
    return out


def _engine_outputs(resource_type: str, name: str, inputs: Dict[str, Any], region: str,
                    preview: bool) -> Dict[str, Any]:
    """The outputs the engine would hold for the resource, in its JSON form.

    The same values the mocks return to the program (update), or, in preview, the inputs with the
    computed outputs unknown - as a provider's preview of a create returns them.
    """
    from pulumi.runtime.rpc import UNKNOWN  # the engine's unknown sentinel

    outputs = dict(inputs)
    for key, value in _fake_outputs(resource_type, name, inputs, region).items():
        outputs.setdefault(key, UNKNOWN if preview else value)
    return outputs


def _invoke_result(token: str, args: Dict[str, Any], region: str) -> Dict[str, Any]:
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline", "userId": "OFFLINE", "id": ACCOUNT_ID}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com"}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        names = [f"{region}{z}" for z in "abc"]
        return {"names": names, "zoneIds": [f"usw2-az{i}" for i in range(1, 4)], "id": region}
    return {}


def capture_program(project_dir: Path, stack: str = "dev", preview: bool = True,
                    config_overrides: Optional[Mapping[str, str]] = None) -> CapturedStack:
    """Run the program in THIS process under mocks. Use `run_program` unless isolated already."""
    import pulumi
    from google.protobuf import json_format
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    project_dir = project_dir.resolve()
    project = read_project(project_dir)
    config = stack_config(project_dir, project, stack, config_overrides)
    region = config.get("aws:region", DEFAULT_REGION)
    captured = CapturedStack(project=project["name"], stack=stack, preview=preview, config=config)
    lock = threading.Lock()

    registering = threading.local()  # the URN being registered, for the provider-Check autoname

    class Mocks(pulumi_mocks.Mocks):
        def new_resource(self, args: pulumi_mocks.MockResourceArgs):
            urn = getattr(registering, "urn", "") or args.name
            # Check's autonames and defaults are outputs too (known in a real preview as well)
            outputs = apply_check(args.typ, args.name, urn, dict(args.inputs))
            if preview:
                return "", outputs  # computed outputs (IDs, ARNs) stay unknown, as in a real preview
            for key, value in _fake_outputs(args.typ, args.name, outputs, region).items():
                outputs.setdefault(key, value)
            return outputs.get("id") or f"{args.name}-id", outputs

        def call(self, args: pulumi_mocks.MockCallArgs):
            return _invoke_result(args.token, dict(args.args), region)

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
            inputs = json_format.MessageToDict(request.object) if request.type != "pulumi:pulumi:Stack" else {}
            outputs = None
            if request.custom and not request.type.startswith("pulumi:providers:"):
                inputs = apply_check(request.type, request.name, urn, inputs)
                outputs = _engine_outputs(request.type, request.name, inputs, region, preview)
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
            registering.urn = urn
            try:
                return super().RegisterResource(request)
            finally:
                registering.urn = ""

        def RegisterResourceOutputs(self, request):
            if request.urn.endswith("pulumi:pulumi:Stack::" + f"{captured.project}-{stack}"):
                with lock:
                    captured.outputs.update(json_format.MessageToDict(request.outputs))
            return super().RegisterResourceOutputs(request)

    mocks = Mocks()
    _tolerate_ill_typed_echoes()
    pulumi.runtime.set_all_config(config, [])
    pulumi.runtime.set_mocks(mocks, project=project["name"], stack=stack, preview=preview,
                             monitor=RecordingMonitor(mocks))

    main = project_dir / str(project.get("main") or "")
    main_file = main / "__main__.py" if main.is_dir() else main
    if not main_file.is_file():
        raise ProgramError(f"{project_dir}: no __main__.py to run")
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
        raise ProgramError(_program_error(err, main_file)) from None
    stack_urn = f"urn:pulumi:{stack}::{project['name']}::pulumi:pulumi:Stack::{project['name']}-{stack}"
    if not any(r.type == "pulumi:pulumi:Stack" for r in captured.resources):
        captured.resources.insert(0, ResourceState(type="pulumi:pulumi:Stack", urn=stack_urn,
                                                   name=f"{project['name']}-{stack}", custom=False))
    add_default_providers(captured)
    return captured


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
    """Where the program registered the resource (`file://...#line`), if it is in the program."""
    uri = request.sourcePosition.uri
    if not uri or str(program_dir) not in uri:
        return ""  # registered by the SDK itself (the root stack) or a library outside the program
    return f"{uri}#{request.sourcePosition.line}"


def _program_error(err: BaseException, main_file: Path) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    where = ""
    for frame in reversed(frames):
        if str(main_file.parent) in frame.filename:
            where = f" ({Path(frame.filename).name}:{frame.lineno})"
            break
    text = str(err).strip() or err.__class__.__name__
    return f"the program failed{where}: {err.__class__.__name__}: {text}"


def run_program(project_dir: Path, stack: str = "dev", preview: bool = True,
                config_overrides: Optional[Mapping[str, str]] = None,
                python: Optional[str] = None, timeout: float = 300) -> CapturedStack:
    """Run the program in a fresh interpreter and return what it registered."""
    project_dir = Path(project_dir)
    read_project(project_dir)  # fail fast, with a clear message, on a folder that is not a project
    cmd = [python or sys.executable, "-m", "policypack.engine.program", str(project_dir), "--stack", stack]
    if preview:
        cmd.append("--preview")
    for key, value in (config_overrides or {}).items():
        cmd += ["--config", f"{key}={value}"]
    env = dict(os.environ)
    pkg_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.strip().splitlines() if l.strip()]
        raise ProgramError(lines[-1] if lines else f"the program runner exited with {proc.returncode}")
    try:
        return CapturedStack.from_json(json.loads(proc.stdout))
    except (ValueError, KeyError) as err:
        raise ProgramError(f"the program runner printed no stack ({err.__class__.__name__})") from None


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policypack.engine.program")
    parser.add_argument("project_dir")
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--preview", action="store_true")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.config if "=" in item)
    out = sys.stdout
    sys.stdout = sys.stderr  # the program's own prints must not corrupt the JSON on stdout
    try:
        captured = capture_program(Path(args.project_dir), args.stack, args.preview, overrides)
    except ProgramError as err:
        sys.stderr.write(f"{err}\n")
        return 2
    finally:
        sys.stdout = out
    json.dump(captured.to_json(), out)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
