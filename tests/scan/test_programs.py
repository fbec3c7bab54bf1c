"""Where a program's resources are declared, for text and SARIF locations."""

from __future__ import annotations

from pathlib import Path

from policypack.engine.model import ResourceState
from policypack.scan.programs import declared_at, source_locations
from tests.scan.conftest import FAULTY

MAIN = FAULTY / "__main__.py"


def _state(name: str, resource_type: str = "aws:s3/bucket:Bucket", position: str = "") -> ResourceState:
    state = ResourceState(resource_type, f"urn:pulumi:dev::scan-faulty::{resource_type}::{name}", name)
    if position:
        state.source_position = position  # recorded from the SDK's `sourcePosition`, when the runner keeps it
    return state


def test_the_sdk_source_position_wins_when_recorded():
    storage = (FAULTY / "storage.py").resolve()
    found = source_locations(FAULTY, MAIN, [_state("built-in-a-loop", position=f"{storage.as_uri()}#7,5")])
    assert found == {"urn:pulumi:dev::scan-faulty::aws:s3/bucket:Bucket::built-in-a-loop": (storage, 7)}


def test_otherwise_the_first_literal_naming_the_resource():
    found = source_locations(FAULTY, MAIN, [
        _state("uploads"), _state("processor", "aws:lambda/function:Function"), _state("not-written-anywhere"),
        _state("scan-faulty-dev", "pulumi:pulumi:Stack"),
    ])
    assert found == {
        "urn:pulumi:dev::scan-faulty::aws:s3/bucket:Bucket::uploads": (FAULTY / "storage.py", 8),
        "urn:pulumi:dev::scan-faulty::aws:lambda/function:Function::processor": (MAIN, 27),
        "urn:pulumi:dev::scan-faulty::pulumi:pulumi:Stack::scan-faulty-dev": (MAIN, 1),
    }


def test_positions_outside_the_project_or_malformed_are_ignored(tmp_path):
    root = FAULTY.resolve()
    assert declared_at((root / "storage.py").as_uri() + "#8", root) == (root / "storage.py", 8)
    assert declared_at(Path("/usr/lib/python3/pulumi/mocks.py").as_uri() + "#451", root) is None
    assert declared_at("project:///index.ts#5,20", root) is None
    assert declared_at((root / "storage.py").as_uri() + "#x", root) is None
    assert declared_at("", root) is None


def test_a_resource_passed_as_an_input_reaches_the_policies_as_its_id(tmp_path):
    """`role=role` is sent as a resource reference; the engine gives analyzers its ID (its URN when
    it has none), never the reference object."""
    from policypack.engine.program import run_program
    from tests.scan.conftest import write_program

    folder = write_program(tmp_path / "refs", """
        import pulumi_aws as aws
        role = aws.iam.Role("role", assume_role_policy="{}")
        aws.iam.RolePolicyAttachment("attach", role=role, policy_arn="arn:aws:iam::123456789012:policy/p")
        """)
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

    ids = {}
    for preview in (True, False):
        captured = run_program(folder, preview=preview)
        ids[preview] = next(r for r in captured.resources if r.name == "attach").props["role"]
    assert ids[True] == UNKNOWN_STRING_VALUE  # no ID during a preview: unknown, as the engine sends it
    assert ids[False] == "role-id"  # the ID the mocks gave the role
