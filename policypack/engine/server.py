"""The gRPC server the Pulumi engine talks to: the analyzer protocol on top of the evaluation core.

`pulumi_policy.PolicyPack` serves a pack with a servicer that rebuilds the whole request for every
policy. This server keeps everything the engine can see of that servicer - `GetAnalyzerInfo`,
`GetPluginInfo`, `Configure`, `ConfigureStack`, `Handshake`, the levels (`disabled`, `remediate`
reported as `mandatory`), severities, `description + "\\n" + message`, not-applicable results,
`Remediate`, the "can't run policy ... during preview" note of a plain policy that reads an
unknown value - and evaluates each request once, through `engine.core`:

- `Analyze`: the request's `Struct` becomes one plain `Resource` (secrets kept marked), only when
  some policy applies to its type;
- `AnalyzeStack`: one tree per resource and one stack graph for every stack policy;
- every message goes through the core's secret net.

No request the engine can send ends in a gRPC error: a failure inside the evaluation is written to
stderr (the engine logs plugin stderr) and the request answers with what was found.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import os
import signal
import sys
import threading
import traceback
from types import MappingProxyType
from typing import Any, Callable, Coroutine, Dict, List, Mapping, Optional, Sequence

import grpc
import pulumi.runtime
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from ..core import stack_config
from ..core.graph import Node, StackGraph, analysis_scope
from ..core.rule import Resource
from .core import Evaluator, PolicySettings, ResourceSubject, StackSubject
from .requests import Diagnostic
from .sdk_compat import resource_args_of_request, stack_args_of_request
from .tree import tree_from_struct

MAX_MESSAGE_BYTES = 400 * 1024 * 1024  # as pulumi_policy: stacks of many thousand resources in one request

_LEVELS = {
    EnforcementLevel.ADVISORY: analyzer_pb2.ADVISORY,
    EnforcementLevel.MANDATORY: analyzer_pb2.MANDATORY,
    EnforcementLevel.REMEDIATE: analyzer_pb2.REMEDIATE,
    EnforcementLevel.DISABLED: analyzer_pb2.DISABLED,
}
_LEVEL_OF_VALUE = {v: k for k, v in _LEVELS.items()}
_REPORTED = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY}
_SEVERITIES = {
    "low": analyzer_pb2.POLICY_SEVERITY_LOW,
    "medium": analyzer_pb2.POLICY_SEVERITY_MEDIUM,
    "high": analyzer_pb2.POLICY_SEVERITY_HIGH,
    "critical": analyzer_pb2.POLICY_SEVERITY_CRITICAL,
}


class AnalyzerServer(analyzer_pb2_grpc.AnalyzerServicer):
    """The analyzer service for one pack; arguments as `pulumi_policy.PolicyPack` takes them."""

    def __init__(self, name: str, version: str, policies: Sequence[Any], *,
                 enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY,
                 initial_config: Optional[Dict[str, Any]] = None, description: Optional[str] = None,
                 display_name: Optional[str] = None, readme: Optional[str] = None, provider: Optional[str] = None,
                 tags: Optional[List[str]] = None, repository: Optional[str] = None) -> None:
        self.name = name
        self.version = version
        self.policies = list(policies)
        self.pack_level = enforcement_level
        self.by_name = {p.name: p for p in self.policies}
        # The SDK's own servicer answers what it answers well - the pack's description - so the
        # engine sees exactly what `PolicyPack` would show it (with the pack's real version).
        self._describer = _PolicyAnalyzerServicer(name, version, self.policies, enforcement_level, initial_config,
                                                  description, display_name, readme, provider, tags, repository)
        self._settings = PolicySettings(pack_level=enforcement_level)
        self._evaluator = self._new_evaluator(self._settings)
        self._stack_tags: Mapping[str, str] = MappingProxyType({})
        self._runtime = _Runtime()

    def _new_evaluator(self, settings: PolicySettings) -> Evaluator:
        return Evaluator(self.policies, settings, pack_label=f"{self.name}@v{self.version}")

    # -- the pack's description and configuration ---------------------------------------------

    def GetAnalyzerInfo(self, request, context):
        return self._describer.GetAnalyzerInfo(request, context)

    def GetPluginInfo(self, request, context):
        return self._describer.GetPluginInfo(request, context)

    def Handshake(self, request, context):
        return analyzer_pb2.AnalyzerHandshakeResponse()

    def Cancel(self, request, context):
        return empty_pb2.Empty()

    def Configure(self, request, context):
        """Levels and properties per policy, kept exactly as the SDK keeps them."""
        levels, properties = {}, {}
        for name in request.policyConfig:
            entry = request.policyConfig[name]
            properties[name] = json_format.MessageToDict(entry.properties)
            levels[name] = _LEVEL_OF_VALUE.get(entry.enforcementLevel, EnforcementLevel.ADVISORY)
        self._settings = PolicySettings(levels, properties, pack_level=self.pack_level)
        self._evaluator = self._new_evaluator(self._settings)
        return empty_pb2.Empty()

    def ConfigureStack(self, request, context):
        """Stack tags (as the SDK); the stack's config and its secret keys when the engine sends them."""
        self._stack_tags = MappingProxyType(dict(request.tags))
        self._runtime.stack(request)
        return analyzer_pb2.AnalyzerStackConfigureResponse()

    # -- analysis -----------------------------------------------------------------------------

    def Analyze(self, request, context):
        found: List[Diagnostic] = []
        not_applicable: List[Any] = []
        evaluator = self._evaluator
        try:
            self._runtime.ensure()
            if evaluator.policies_for(request.type):
                secrets: List[str] = []
                provider_props = None
                if request.HasField("provider"):
                    provider_props = tree_from_struct(request.provider.properties, secrets)
                resource = Resource(type=request.type, name=request.name, urn=request.urn,
                                    props=tree_from_struct(request.properties, secrets), provider_props=provider_props)
                subject = ResourceSubject(
                    resource, secrets, lambda config: resource_args_of_request(request, config, self._stack_tags))
                outcome = evaluator.analyze_outcome(subject)
                found, not_applicable = outcome.diagnostics, outcome.not_applicable
        except Exception:  # never fail the user's preview
            _log_failure("Analyze", request.urn)
        return self._response(found, not_applicable)

    def AnalyzeStack(self, request, context):
        found: List[Diagnostic] = []
        not_applicable: List[Any] = []
        evaluator = self._evaluator
        try:
            self._runtime.ensure()
            if evaluator.stack_policies:
                with analysis_scope():
                    subject = StackSubject(*_graph_of(request.resources),
                                           lambda config: stack_args_of_request(request, config, self._stack_tags))
                    outcome = evaluator.analyze_stack_outcome(subject)
                    found, not_applicable = outcome.diagnostics, outcome.not_applicable
        except Exception:
            _log_failure("AnalyzeStack", "the stack")
        return self._response(found, not_applicable)

    def Remediate(self, request, context):
        from .remediation import remediate  # only stacks with remediating policies need it

        response = analyzer_pb2.RemediateResponse()
        try:
            self._runtime.ensure()
            remediate(self, request, response)
        except Exception:
            _log_failure("Remediate", request.urn)
        return response

    # -- replies ------------------------------------------------------------------------------

    def _response(self, found: List[Diagnostic], not_applicable: List[Any]) -> analyzer_pb2.AnalyzeResponse:
        response = analyzer_pb2.AnalyzeResponse()
        add = response.diagnostics.add  # in place: half the cost of building each message and appending a copy
        for d in found:
            policy = self.by_name.get(d.policy)
            description = policy.description if policy is not None else ""
            diagnostic = add()
            diagnostic.policyName = d.policy
            diagnostic.policyPackName = self.name
            diagnostic.policyPackVersion = self.version
            diagnostic.message = f"{description}\n{d.message}" if d.message else description
            diagnostic.urn = d.urn
            diagnostic.description = description
            diagnostic.enforcementLevel = _REPORTED.get(d.level, analyzer_pb2.ADVISORY)
            diagnostic.severity = _SEVERITIES.get(d.severity, analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED)
        for name, reason in not_applicable:
            response.not_applicable.append(analyzer_pb2.PolicyNotApplicable(policy_name=name, reason=reason))
        return response

    # what `engine.remediation` needs
    @property
    def evaluator(self) -> Evaluator:
        return self._evaluator

    @property
    def settings(self) -> PolicySettings:
        return self._settings

    @property
    def stack_tags(self) -> Mapping[str, str]:
        return self._stack_tags


def _graph_of(resources: Sequence[Any]) -> tuple:
    """One tree per resource and the stack graph, with the links the servicer would resolve."""
    urns = {r.urn for r in resources}
    nodes, secrets = [], []
    for r in resources:
        nodes.append(Node(
            type=r.type, urn=r.urn, name=r.name, props=tree_from_struct(r.properties, secrets),
            parent=r.parent if r.parent in urns else None,
            provider=r.provider.urn if r.HasField("provider") and r.provider.urn in urns else None,
            dependencies=tuple(d for d in r.dependencies if d in urns),
            property_dependencies={k: tuple(d for d in v.urns if d in urns) for k, v in r.propertyDependencies.items()},
        ))
    return StackGraph(nodes), secrets


def _log_failure(call: str, where: str) -> None:
    sys.stderr.write(f"{call} failed on {where}; its diagnostics may be incomplete, please report this:\n"
                     + traceback.format_exc())
    sys.stderr.flush()


# The `_Runtime` (and its generation) the current context was configured for. The runtime settings are context
# variables, and grpc's asyncio server runs each request in a copy of the serving context: settings
# made inside a request are gone with it. So the settings are made once in the context the server is
# built in (every request inherits them), and, after `ConfigureStack` changes them, in each request.
_CONFIGURED: contextvars.ContextVar = contextvars.ContextVar("policypack_runtime_generation", default=None)


class _Runtime:
    """The Pulumi runtime settings requests run with (the servicer's `_configure_runtime_settings`)."""

    def __init__(self) -> None:
        self._generation = 0
        self._overrides: Dict[str, Any] = {}
        self._config: Dict[str, str] = {}
        self._lock = threading.Lock()
        stack_config.set_secret_keys(pulumi.runtime.get_config_secret_keys_env())
        self.ensure()  # in the context the server is built and served in

    def stack(self, request: Any) -> None:
        with self._lock:
            overrides = {k: getattr(request, k) for k in ("project", "stack", "organization") if getattr(request, k)}
            if overrides:
                overrides["dry_run"] = request.dry_run
            self._overrides = overrides
            self._config = dict(request.config)
            if request.config_secret_keys:
                stack_config.set_secret_keys(request.config_secret_keys)
            self._generation += 1

    def ensure(self) -> None:
        if _CONFIGURED.get() == (id(self), self._generation):
            return
        with self._lock:
            generation, overrides, config = self._generation, dict(self._overrides), dict(self._config)
        for key, value in {**pulumi.runtime.get_config_env(), **config}.items():
            pulumi.runtime.set_config(key, value)
        settings = {}
        if all(k in os.environ for k in ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN")):
            settings = {"project": os.environ["PULUMI_PROJECT"], "stack": os.environ["PULUMI_STACK"],
                        "dry_run": os.environ["PULUMI_DRY_RUN"] == "true",
                        "organization": os.environ.get("PULUMI_ORGANIZATION", "organization")}
        settings.update(overrides)
        if settings:
            pulumi.runtime.configure(pulumi.runtime.Settings(**settings))
        _CONFIGURED.set((id(self), generation))


def serve(server: AnalyzerServer) -> None:
    """Serve `server` as `PolicyPack` does: a free port on 127.0.0.1, printed on stdout. Never returns.

    On grpc's asyncio server: its requests reach the pack without a hand-off to a worker thread,
    which is most of what a small request costs (the evaluation is CPU-bound and holds the GIL
    either way), on uvloop's event loop where it is installed. SIGTERM and SIGINT stop it
    gracefully (requests under way may finish, for a second).
    """
    event_loop_runner()(_serve(server))


# `asyncio`: serve on asyncio's own event loop even where uvloop is installed
EVENT_LOOP_ENV = "AWS_SERVERLESS_GUARD_EVENT_LOOP"


def event_loop_runner() -> Callable[[Coroutine[Any, Any, None]], None]:
    """uvloop's `run` (about 10% less CPU per request: benchmarks/bench_serving.py), else asyncio's."""
    if os.environ.get(EVENT_LOOP_ENV, "").strip().lower() != "asyncio":
        try:
            import uvloop
        except ImportError:  # not on Windows, nor where the pack's requirements were not installed
            pass
        else:
            return uvloop.run
    return asyncio.run


async def _serve(server: AnalyzerServer) -> None:
    grpc_server = grpc.aio.server(options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                                           ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(_asynchronous(server), grpc_server)
    port = grpc_server.add_insecure_port("127.0.0.1:0")
    await grpc_server.start()
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stopped.set)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests)
            pass
    # what start-up built (policies, modules) lives as long as the process: keep it out of every
    # later garbage collection, which then scans only what a request allocates
    gc.freeze()
    sys.stdout.buffer.write(f"{port}\n".encode())
    sys.stdout.flush()
    await stopped.wait()
    await grpc_server.stop(grace=1.0)


def _asynchronous(server: AnalyzerServer) -> analyzer_pb2_grpc.AnalyzerServicer:
    """The server's calls as the coroutines grpc's asyncio server awaits (each runs to its end at once)."""
    methods = {}
    for name in ANALYZER_CALLS:
        call = getattr(server, name)

        async def handler(self, request, context, _call=call):
            return _call(request, context)

        methods[name] = handler
    return type("AsyncAnalyzer", (analyzer_pb2_grpc.AnalyzerServicer,), methods)()


ANALYZER_CALLS = ("Analyze", "AnalyzeStack", "Remediate", "GetAnalyzerInfo", "GetPluginInfo", "Configure",
                  "ConfigureStack", "Handshake", "Cancel")
