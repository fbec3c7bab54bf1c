"""A stand-in for the Pulumi engine's side of the analyzer protocol.

Starts the pack exactly as the CLI does - `<python> -u -m pulumi.policy <engine-address> <pack dir>`,
cwd = pack dir, `PULUMI_PROJECT` / `PULUMI_STACK` / `PULUMI_DRY_RUN` / `PULUMI_CONFIG` in the
environment - reads the port from the first line on stdout, and drives it over gRPC with the stubs
the `pulumi` package ships. Always ends the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policypack.engine.model import ResourceState
from policypack.engine.requests import (
    Diagnostic,
    LEVEL_NAMES,
    analyze_request,
    analyze_stack_request,
    configure_request,
    diagnostics,
)

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


class PackProcess:
    def __init__(self, pack_dir: Path = REPO, *, project: str = "proj", stack: str = "dev",
                 dry_run: bool = True, config: Optional[Mapping[str, Any]] = None,
                 python: str = sys.executable, server: str = "pack",
                 secret_keys: Iterable[str] = (), env: Optional[Mapping[str, str]] = None) -> None:
        """`server="sdk"`: the pack served by `pulumi_policy`'s own servicer (the reference).
        `env`: more environment variables for the pack process."""
        extra_env = dict(env or {})
        self.pack_dir = Path(pack_dir)
        env = dict(os.environ)
        env.pop("AWS_SERVERLESS_GUARD_SERVER", None)
        env.pop("AWS_SERVERLESS_GUARD_EVENT_LOOP", None)
        if server == "sdk":
            env["AWS_SERVERLESS_GUARD_SERVER"] = "sdk"
        if secret_keys:
            env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(sorted(secret_keys))
        env.update(
            PULUMI_PROJECT=project,
            PULUMI_STACK=stack,
            PULUMI_DRY_RUN="true" if dry_run else "false",
            PULUMI_CONFIG=json.dumps(dict(config or {})),
        )
        env.update(extra_env)
        self.process = subprocess.Popen(
            [python, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(self.pack_dir)],
            cwd=self.pack_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.stderr_lines: List[str] = []
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()
        self.port = self._read_port()
        self.channel = grpc.insecure_channel(
            f"127.0.0.1:{self.port}", options=[("grpc.max_receive_message_length", 400 * 1024 * 1024),
                                               ("grpc.max_send_message_length", 400 * 1024 * 1024)])
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self._default_levels: Optional[Dict[str, str]] = None

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in iter(self.process.stderr.readline, b""):
            self.stderr_lines.append(line.decode(errors="replace"))

    def _read_port(self) -> int:
        result: Dict[str, bytes] = {}

        def read() -> None:
            assert self.process.stdout is not None
            result["line"] = self.process.stdout.readline()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        line = result.get("line", b"").strip()
        if not line.isdigit():
            self.close()
            raise RuntimeError("the pack printed no port: " + "".join(self.stderr_lines)[-2000:])
        return int(line)

    # -- the protocol -------------------------------------------------------------------------

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)

    def default_levels(self) -> Dict[str, str]:
        if self._default_levels is None:
            self._default_levels = {p.name: LEVEL_NAMES[p.enforcementLevel] for p in self.info().policies}
        return self._default_levels

    def configure(self, config: Mapping[str, Any]) -> None:
        self.stub.Configure(configure_request(config, self.default_levels()), timeout=30)

    def analyze(self, state: ResourceState, stack: Iterable[ResourceState] = ()) -> List[Diagnostic]:
        by_urn = {s.urn: s for s in stack}
        response = self.stub.Analyze(analyze_request(state, by_urn), timeout=60)
        # the engine attaches resource-policy diagnostics to the analysed resource
        return [_with_urn(d, state.urn) for d in diagnostics(response)]

    def analyze_stack(self, states: Iterable[ResourceState]) -> List[Diagnostic]:
        response = self.stub.AnalyzeStack(analyze_stack_request(states), timeout=600)
        return diagnostics(response)

    def analyze_all(self, states: List[ResourceState]) -> List[Diagnostic]:
        """What a `pulumi preview` reports: Analyze for every resource (the engine analyses
        components, providers and the stack too), then AnalyzeStack."""
        out: List[Diagnostic] = []
        for state in states:
            out.extend(self.analyze(state, states))
        out.extend(self.analyze_stack(states))
        return out

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        try:
            if getattr(self, "channel", None) is not None:
                self.channel.close()
        finally:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
            # the process is gone: let the reader take what it wrote last (the reason it failed)
            self._stderr_reader.join(timeout=10)

    def __enter__(self) -> "PackProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _with_urn(d: Diagnostic, urn: str) -> Diagnostic:
    from dataclasses import replace

    return replace(d, urn=d.urn or urn)
