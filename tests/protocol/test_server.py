"""What the engine sees of the pack's own server beyond Analyze: its version, the SDK calls it keeps,
a graceful stop, and `Remediate` for a plain `pulumi_policy` policy exactly as the SDK serves it."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

import pulumi_policy
import pytest
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2

from policypack import __version__
from policypack.engine.requests import analyze_request
from policypack.engine.server import EVENT_LOOP_ENV, event_loop_runner
from tests.support.engine import REPO, PackProcess

from .states import state
from .test_lifecycle import write_pack


def test_the_pack_reports_its_real_version_everywhere():
    """`pulumi_policy` always says 0.0.1 and leaves the CLI to read PulumiPolicy.yaml; the pack's server
    reports the version the package and PulumiPolicy.yaml carry."""
    yaml_version = re.search(r"^version:\s*(\S+)", (REPO / "PulumiPolicy.yaml").read_text(), re.M).group(1)
    project_version = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M).group(1)
    with PackProcess() as pack:
        served = pack.info().version
    assert served == __version__ == yaml_version == project_version


def test_plugin_info_handshake_and_cancel_answer_as_the_sdk_does(pack):
    assert pack.stub.GetPluginInfo(empty_pb2.Empty(), timeout=10).version == pulumi_policy.version.VERSION
    handshake = analyzer_pb2.AnalyzerHandshakeRequest(engine_address="127.0.0.1:1", root_directory=str(REPO),
                                                      program_directory=str(REPO))
    assert pack.stub.Handshake(handshake, timeout=10) == analyzer_pb2.AnalyzerHandshakeResponse()
    assert pack.stub.Cancel(empty_pb2.Empty(), timeout=10) == empty_pb2.Empty()


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_sigterm_stops_the_server_gracefully(loop):
    pack = PackProcess(env={EVENT_LOOP_ENV: loop})
    try:
        pack.process.send_signal(signal.SIGTERM)
        assert pack.process.wait(timeout=15) == 0
    finally:
        pack.close()


def test_the_server_runs_on_uvloop_where_installed_else_on_asyncio(monkeypatch):
    import uvloop  # installed with the pack's requirements (not on Windows)

    monkeypatch.delenv(EVENT_LOOP_ENV, raising=False)
    assert event_loop_runner() is uvloop.run
    monkeypatch.setenv(EVENT_LOOP_ENV, "asyncio")
    assert event_loop_runner() is asyncio.run
    monkeypatch.delenv(EVENT_LOOP_ENV)
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if it were not installed: import fails
    assert event_loop_runner() is asyncio.run


def test_both_event_loops_serve_the_same_answers():
    key = state("aws:kms/key:Key", "key", {"enableKeyRotation": False, "deletionWindowInDays": 30.0})
    answers = []
    for loop in ("uvloop", "asyncio"):
        with PackProcess(env={EVENT_LOOP_ENV: loop}) as pack:
            answers.append((pack.analyze(key), pack.analyze_stack([key])))
    assert answers[0] == answers[1]
    assert [d.policy for d in answers[0][0]] == ["aws-kms-key-rotation-enabled"]


PLAIN_REMEDIATION = '''
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy
from policypack.serving import serve

def tag_it(args):
    props = dict(args.props)
    props["tags"] = {**dict(props.get("tags") or {}), "owner": "platform"}
    return props

def never(args, report):
    report("validated")

serve([
    ResourceValidationPolicy(name="tag-it", description="tags", remediate=tag_it,
                             enforcement_level=EnforcementLevel.REMEDIATE),
    ResourceValidationPolicy(name="validate-only", description="validates", validate=never,
                             enforcement_level=EnforcementLevel.REMEDIATE),
], name="plain-remediation", version="1.2.3")
'''


@pytest.mark.parametrize("server", ["pack", "sdk"])
def test_a_plain_remediation_runs_as_the_sdk_runs_it(tmp_path, server):
    folder = write_pack(tmp_path / "remediating", PLAIN_REMEDIATION)
    queue = state("aws:sqs/queue:Queue", "jobs", {"name": "jobs", "tags": {"team": "a"}})
    with PackProcess(folder, server=server) as pack:
        response = pack.stub.Remediate(analyze_request(queue, {}), timeout=30)
    assert [(r.policyName, r.description, r.diagnostic, json_format.MessageToDict(r.properties))
            for r in response.remediations] == [
        ("tag-it", "tags", "", {"name": "jobs", "tags": {"team": "a", "owner": "platform"}})]
    assert [(n.policy_name, n.reason) for n in response.not_applicable] == [
        ("validate-only", "Policy does not implement remediate")]


def test_the_server_answers_every_call_of_the_analyzer_service():
    """A call the protocol gains and the server does not route would answer UNIMPLEMENTED: fail here first."""
    from pulumi.runtime.proto import analyzer_pb2 as proto

    from policypack.engine.server import ANALYZER_CALLS

    service = proto.DESCRIPTOR.services_by_name["Analyzer"]
    assert sorted(ANALYZER_CALLS) == sorted(m.name for m in service.methods)


STACK_READER = '''
import pulumi
from policypack.core.rule import ADVISORY, LOW, resource_rule
from policypack.serving import serve

@resource_rule(name="reads-the-stack", description="d", resource_types=["*"], enforcement_level=ADVISORY,
               severity=LOW, remediation_steps="r", url="https://example.com")
def reads_the_stack(resource, config):
    yield f"stack={pulumi.get_stack()} project={pulumi.get_project()} preview={pulumi.runtime.is_dry_run()}"

serve([reads_the_stack], name="stack-reader", version="1.0.0")
'''


def test_configure_stack_holds_for_every_request_that_follows(tmp_path):
    """Each request runs in its own copy of the serving context: the settings `ConfigureStack` sends
    must reach every later request, not only the next one."""
    key = state("aws:kms/key:Key", "key", {})
    with PackProcess(write_pack(tmp_path / "reader", STACK_READER), project="shop", stack="prod") as pack:
        assert [d.message for d in pack.analyze(key)] == ["stack=prod project=shop preview=True"]
        pack.stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
            stack="qa", project="shop2", organization="org", dry_run=False), timeout=10)
        for _ in range(3):
            assert [d.message for d in pack.analyze(key)] == ["stack=qa project=shop2 preview=False"]
