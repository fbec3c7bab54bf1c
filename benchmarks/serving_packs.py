"""The policy packs the serving benchmark compares, each started exactly as the Pulumi CLI starts it.

- A Python pack (this one, and the floor pack): the CLI's `pulumi-analyzer-policy-python` plugin runs
  `<virtualenv>/bin/python -u -m pulumi.policy <engine-address> .` with the pack folder as working
  directory; the engine adds `PULUMI_CONFIG`, `PULUMI_PROJECT`, `PULUMI_STACK`, `PULUMI_DRY_RUN`
  and `PULUMI_ORGANIZATION` (pkg/resource/plugin/analyzer_plugin.go, `constructEnv`).
- A Node pack (`@pulumi/awsguard`): the CLI's `pulumi-analyzer-policy` plugin, a `/bin/sh` script run
  in the pack folder, first asks node where the pack's own `@pulumi/pulumi/cmd/run-policy-pack` is
  (`node -e "console.log(require.resolve(...))"`), then runs `node <that script> <engine-address> .`;
  the engine also sets the `PULUMI_NODEJS_*` twins of the variables above. Here Python runs the two
  steps instead of `sh` (so the pack's pid is node's own) and times both as start-up: both happen
  before the engine sees a port. The pack is `index.js` as the `awsguard-javascript` template writes
  it; `run-policy-pack` registers ts-node for every pack, so an `index.ts` pack would add only its
  own compilation to the start-up.

The engine reads the port from the first line on stdout, then calls `Handshake` and
`ConfigureStack` (either may be unimplemented) and `GetAnalyzerInfo`; `ServedPack.attach` does the
same. CPU time and peak memory come from `/proc/<pid>` of the served process itself (all its
threads), so they count the pack's work and nothing of the client's.

The floor pack (one trivial resource policy, one trivial stack policy) and the AWSGuard pack are
written at run time, the floor into a temporary folder and AWSGuard into `benchmarks/.cache/`
(git-ignored) where its `npm install` is kept between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "benchmarks" / ".cache"
ENGINE_ADDRESS = "127.0.0.1:1"  # the engine's own gRPC server; a pack only dials it to log
START_TIMEOUT = 120.0
MAX_MESSAGE = 400 * 1024 * 1024  # the CLI's client limit (rpcutil.GrpcChannelOptions)
PROJECT, STACK = "media", "prod"
ORGANIZATION = "organization"  # what a self-managed backend reports
STACK_CONFIG = {"aws:region": "us-west-2"}

AWSGUARD_VERSION = "0.3.1"
# Pinned so runs compare like with like: the same policy SDK version as the Python packs
# (pulumi-policy 1.21.0); @pulumi/pulumi has no 3.272.0 on npm, so the nearest later release.
AWSGUARD_PACKAGE = {
    "name": "awsguard-bench",
    "version": "0.0.1",
    "private": True,
    "dependencies": {
        "@pulumi/awsguard": AWSGUARD_VERSION,
        "@pulumi/policy": "1.21.0",
        "@pulumi/pulumi": "3.276.0",
    },
}
# As `pulumi policy new awsguard-javascript` writes it.
AWSGUARD_INDEX = '"use strict";\nconst awsguard = require("@pulumi/awsguard");\n\nnew awsguard.AwsGuard({ all: "advisory" });\n'
RUN_POLICY_PACK = "@pulumi/pulumi/cmd/run-policy-pack"

FLOOR_MAIN = '''"""A measuring baseline: the least a Python policy pack can do per request."""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy


def resource_floor(args, report_violation):
    if args.resource_type == "floor:never:Never":
        report_violation("never reported")


def stack_floor(args, report_violation):
    if not args.resources:
        report_violation("never reported")


PolicyPack(
    name="floor",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(name="floor-resource", description="Does nothing.", validate=resource_floor),
        StackValidationPolicy(name="floor-stack", description="Does nothing.", validate=stack_floor),
    ],
)
'''


@dataclass(frozen=True)
class PackSpec:
    """How to start one pack: its folder and runtime (`python` or `nodejs`)."""

    label: str
    directory: Path
    runtime: str = "python"
    python: str = sys.executable
    dry_run: bool = True

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env["PULUMI_CONFIG"] = json.dumps(STACK_CONFIG)
        settings = {"ORGANIZATION": ORGANIZATION, "PROJECT": PROJECT, "STACK": STACK,
                    "DRY_RUN": "true" if self.dry_run else "false"}
        for name, value in settings.items():
            env[f"PULUMI_{name}"] = value
            if self.runtime == "nodejs":
                env[f"PULUMI_NODEJS_{name}"] = value
        if self.runtime == "python":
            # what the plugin script does with `-virtualenv`: the pack's interpreter first on PATH
            env["PATH"] = str(Path(self.python).parent) + os.pathsep + env.get("PATH", "")
            env.pop("PYTHONHOME", None)
        return env

    def command(self) -> List[str]:
        """The pack process's command line (for Node, after the plugin script's resolve step)."""
        if self.runtime == "python":
            return [self.python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, "."]
        return ["node", resolve_run_script(self.directory), ENGINE_ADDRESS, "."]


def resolve_run_script(directory: Path) -> str:
    """Where the pack's own `@pulumi/pulumi` keeps `run-policy-pack`, asked of node as the CLI asks."""
    found = subprocess.run(
        ["node", "-e", f"console.log(require.resolve('{RUN_POLICY_PACK}'))"],
        cwd=directory, capture_output=True, text=True, check=False,
    )
    path = found.stdout.strip()
    if not path:
        raise RuntimeError(f"no {RUN_POLICY_PACK} under {directory}: {found.stderr.strip()}")
    return path


@dataclass
class ServedPack:
    """A running pack process and a gRPC stub connected to it."""

    spec: PackSpec
    process: subprocess.Popen
    port: int
    startup_seconds: float
    output: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.channel = grpc.insecure_channel(
            f"127.0.0.1:{self.port}",
            options=[("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)],
        )
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    @property
    def pid(self) -> int:
        return self.process.pid

    def attach(self) -> analyzer_pb2.AnalyzerInfo:
        """What the engine does once it has the port, before any resource is analysed."""
        optional(lambda: self.stub.Handshake(analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=ENGINE_ADDRESS, root_directory=str(self.spec.directory),
            program_directory=str(self.spec.directory)), timeout=30))
        optional(lambda: self.stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=STACK, project=PROJECT, organization=ORGANIZATION, dry_run=self.spec.dry_run,
            config=_struct(STACK_CONFIG)), timeout=30))
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=60)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def peak_rss_bytes(self) -> int:
        """The process's high-water mark of resident memory (VmHWM)."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmHWM for process {self.pid}")

    def close(self) -> None:
        try:
            self.channel.close()
        finally:
            stop(self.process)

    def __enter__(self) -> "ServedPack":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _struct(values: Dict[str, object]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(values)
    return s


def optional(call) -> None:
    """An engine call a pack may leave unimplemented (the CLI goes on without it)."""
    try:
        call()
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.UNIMPLEMENTED:
            raise


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (Linux /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def launch(spec: PackSpec) -> ServedPack:
    """Start the pack as the CLI does; time from spawn to the port line on stdout."""
    started = time.perf_counter()
    command = spec.command()
    process = subprocess.Popen(command, cwd=spec.directory, env=spec.environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output: List[str] = []
    first_line: Dict[str, object] = {}
    ready = threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        for number, line in enumerate(iter(process.stdout.readline, b"")):
            if number == 0:
                first_line.update(line=line, at=time.perf_counter())
                ready.set()
            else:
                output.append(line.decode(errors="replace"))
        ready.set()

    def read_stderr() -> None:  # the CLI keeps reading both pipes; a full pipe would stall the pack
        assert process.stderr is not None
        for line in iter(process.stderr.readline, b""):
            output.append(line.decode(errors="replace"))

    for reader in (read_stdout, read_stderr):
        threading.Thread(target=reader, daemon=True).start()
    ready.wait(START_TIMEOUT)
    line = bytes(first_line.get("line", b"")).strip()
    if not line.isdigit():
        stop(process)
        raise RuntimeError(f"{spec.label} printed no port (got {line!r}): " + "".join(output)[-2000:])
    return ServedPack(spec, process, int(line), float(first_line["at"]) - started, output)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# -- the packs -------------------------------------------------------------------------------------

def this_pack(python: str = sys.executable) -> PackSpec:
    return PackSpec("this pack", REPO, "python", python)


def floor_pack(folder: Path, python: str = sys.executable) -> PackSpec:
    """Write the floor pack into `folder` (a temporary directory the caller owns)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PulumiPolicy.yaml").write_text("description: A measuring baseline.\nruntime: python\n")
    (folder / "__main__.py").write_text(FLOOR_MAIN)
    return PackSpec("floor", folder, "python", python)


def node_available() -> bool:
    return bool(shutil.which("node") and shutil.which("npm"))


def awsguard_pack(cache: Path = CACHE) -> PackSpec:
    """`@pulumi/awsguard` as `pulumi policy new awsguard-javascript` lays it out, installed once."""
    folder = cache / f"awsguard-{AWSGUARD_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    package = json.dumps(AWSGUARD_PACKAGE, indent=2) + "\n"
    (folder / "PulumiPolicy.yaml").write_text("description: AWSGuard, as the template writes it.\nruntime: nodejs\n")
    (folder / "index.js").write_text(AWSGUARD_INDEX)
    installed = folder / "node_modules" / "@pulumi" / "awsguard" / "package.json"
    package_file = folder / "package.json"
    if not (installed.exists() and package_file.exists() and package_file.read_text() == package):
        package_file.write_text(package)
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"npm install failed in {folder}:\n{done.stderr[-3000:]}")
    return PackSpec(f"AWSGuard {AWSGUARD_VERSION}", folder, "nodejs")


def node_package_versions(folder: Path) -> Dict[str, str]:
    """The versions npm resolved for the packages that do the work."""
    versions = {}
    for name in ("@pulumi/awsguard", "@pulumi/policy", "@pulumi/pulumi", "@pulumi/aws"):
        manifest = folder / "node_modules" / name / "package.json"
        if manifest.exists():
            versions[name] = json.loads(manifest.read_text()).get("version", "?").lstrip("v")
    return versions


def node_version() -> Optional[str]:
    if not shutil.which("node"):
        return None
    return subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
