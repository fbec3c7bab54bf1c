"""Naming rule: explicit physical names cannot collide with another stack's or another account's.

What counts as collision-safe:
- S3 bucket names are shared by every account in a partition: they need the 12-digit account ID or
  a random suffix (a stack name is not enough: another account may run a stack of the same name).
- Account-scoped names (IAM roles and policies, Lambda functions, SQS queues, SNS topics, SSM
  parameters, log groups, DynamoDB tables, Secrets Manager secrets, Step Functions state machines)
  need the stack name or a random suffix. REST and HTTP API names are not unique in AWS (a second
  API of the same name is created beside the first, with its own ID): they cannot collide.
- A random suffix is what Pulumi's autonaming adds (`-` and 7 hex digits) or a longer hex run
  (`random.RandomId(...).hex`, a UUID's last group) at the end of the name or of a path segment.
- Autonamed resources pass: under mocks they carry no name at all; in a real preview or update the
  engine sends the name after the provider's Check, `<logical>-<7 hex>`, which has a random suffix.
  `namePrefix` / `bucketPrefix` pass too: AWS or the provider appends a unique suffix.

The stack name is read in the policy process: `PULUMI_STACK` (the engine sets it for the analyzer),
else `pulumi.get_stack()` (a program run under mocks). When neither is known, only a random suffix
(or, for buckets, an account ID) counts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterator, Optional

import pulumi

from ..core.props import UNKNOWN, get, show
from ..core.rule import HIGH, MANDATORY, Config, Resource, resource_rule
from ..core.types import (
    BUCKET,
    BUCKET_V2,
    DYNAMODB_TABLE,
    FUNCTION,
    IAM_POLICY,
    LOG_GROUP,
    QUEUE,
    ROLE,
    SECRET,
    SSM_PARAMETER,
    STATE_MACHINE,
    TOPIC,
)

ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
RANDOM_SUFFIX = re.compile(r"(?:^|[-_.])[0-9a-fA-F]{7,}$")
FIFO_SUFFIX = ".fifo"
LAMBDA_LOG_GROUP_PREFIX = "/aws/lambda/"

# What `pulumi.get_stack()` returns before the SDK is configured: not a real stack name.
UNCONFIGURED_STACK = "stack"


@dataclass(frozen=True)
class NameSpec:
    prop: str  # the explicit name property
    prefix_prop: Optional[str]  # the "AWS adds a unique suffix" alternative, if the type has one
    global_scope: bool  # shared by all accounts (S3) rather than one account


NAME_SPECS = {
    BUCKET: NameSpec("bucket", "bucketPrefix", True),
    BUCKET_V2: NameSpec("bucket", "bucketPrefix", True),
    ROLE: NameSpec("name", "namePrefix", False),
    IAM_POLICY: NameSpec("name", "namePrefix", False),
    FUNCTION: NameSpec("name", None, False),
    QUEUE: NameSpec("name", "namePrefix", False),
    TOPIC: NameSpec("name", "namePrefix", False),
    SSM_PARAMETER: NameSpec("name", None, False),
    LOG_GROUP: NameSpec("name", "namePrefix", False),
    DYNAMODB_TABLE: NameSpec("name", None, False),
    SECRET: NameSpec("name", "namePrefix", False),
    STATE_MACHINE: NameSpec("name", "namePrefix", False),
}


def current_stack_name() -> Optional[str]:
    """The stack being analyzed, or None when this process cannot tell."""
    from_env = os.environ.get("PULUMI_STACK")
    if from_env:
        return from_env
    try:
        name = pulumi.get_stack()
    except Exception:
        return None
    if isinstance(name, str) and name and name != UNCONFIGURED_STACK:
        return name
    return None


def has_random_suffix(name: str) -> bool:
    """A hex run of 7+ digits ends the name or one of its `/` path segments."""
    return any(RANDOM_SUFFIX.search(segment) for segment in name.split("/") if segment)


def has_account_id(name: str) -> bool:
    return ACCOUNT_ID.search(name) is not None


def _starts_word(text: str, start: int) -> bool:
    if start == 0 or not text[start - 1].isalnum():
        return True
    return text[start - 1].islower() and text[start].isupper()  # camelCase: ordersDev


def _ends_word(text: str, end: int) -> bool:
    if end == len(text) or not text[end].isalnum():
        return True
    return text[end - 1].islower() and text[end].isupper()


def mentions_stack(name: str, stack: str) -> bool:
    """The stack name stands as a word in the name (`orders-dev`, `/app/dev/key`, `ordersDev`), not
    inside another word (`developer` does not mention `dev`). Separators in the stack name may differ."""
    lowered = name.lower()
    variants = {stack.lower(), re.sub(r"[^a-z0-9]+", "-", stack.lower())}
    for variant in filter(None, variants):
        for match in re.finditer(re.escape(variant), lowered):
            if _starts_word(name, match.start()) and _ends_word(name, match.end()):
                return True
    return False


def _scoped_part(resource_type: str, name: str) -> str:
    """The part of an account-scoped name that has to be collision-safe."""
    if resource_type in (QUEUE, TOPIC) and name.endswith(FIFO_SUFFIX):
        name = name[: -len(FIFO_SUFFIX)]
    if resource_type == LOG_GROUP and name.startswith(LAMBDA_LOG_GROUP_PREFIX):
        function_name = name[len(LAMBDA_LOG_GROUP_PREFIX):]
        name = function_name or name  # /aws/lambda/<function> is as unique as the function's name
    return name


def _bucket_message(spec: NameSpec, name: str) -> str:
    return (
        f"`{spec.prop}` is {show(name)}, which carries neither an account ID nor a random suffix, and bucket "
        "names are shared by every AWS account: add the account ID (`aws.get_caller_identity().account_id`) "
        f"or a random suffix, or drop `{spec.prop}` so Pulumi autonames the bucket (or use `{spec.prefix_prop}`)."
    )


def _account_scoped_message(resource_type: str, spec: NameSpec, name: str, stack: Optional[str]) -> str:
    stack_text = f"the stack name {show(stack)}" if stack else "the stack name"
    collision = "so a second stack of this program in the same account collides with it"
    if resource_type == LOG_GROUP and name.startswith(LAMBDA_LOG_GROUP_PREFIX):
        return (
            f"`{spec.prop}` is {show(name)}, whose function name carries neither {stack_text} nor a random "
            f"suffix, {collision}: let the function be autonamed and name the log group after it "
            '(`fn.name.apply(lambda n: f"/aws/lambda/{n}")`).'
        )
    alternative = f" (or use `{spec.prefix_prop}`)" if spec.prefix_prop else ""
    return (
        f"`{spec.prop}` is {show(name)}, which carries neither {stack_text} nor a random suffix, {collision}: "
        f"add `pulumi.get_stack()` to it, or drop `{spec.prop}` so Pulumi autonames the resource{alternative}."
    )


@resource_rule(
    name="aws-resource-name-unique",
    description=(
        "Explicit physical names cannot collide: bucket names carry the account ID or a random suffix, "
        "account-scoped names the stack name or a random suffix."
    ),
    resource_types=list(NAME_SPECS),
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Leave names to Pulumi's autonaming where you can (omit `name` / `bucket`, or set `name_prefix` / "
        "`bucket_prefix`); where a fixed name is needed, build it from the stack and account, e.g. "
        '`name=f"orders-{pulumi.get_stack()}"` and '
        '`bucket=f"uploads-{aws.get_caller_identity().account_id}-{pulumi.get_stack()}"`.'
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    tags=["naming", "multi-account", "multi-stack"],
)
def resource_name_unique(resource: Resource, config: Config) -> Iterator[str]:
    spec = NAME_SPECS.get(resource.type)
    if spec is None:
        return
    if spec.prefix_prop:
        prefix = get(resource.props, spec.prefix_prop)
        if prefix is UNKNOWN or (isinstance(prefix, str) and prefix):
            return  # a unique suffix is appended to the prefix
    name = get(resource.props, spec.prop)
    if not isinstance(name, str) or not name:
        return  # autonamed (mocks send no name) or not known yet
    if spec.global_scope:
        if not (has_account_id(name) or has_random_suffix(name)):
            yield _bucket_message(spec, name)
        return
    scoped = _scoped_part(resource.type, name)
    stack = current_stack_name()
    if has_random_suffix(scoped) or (stack and mentions_stack(scoped, stack)):
        return
    yield _account_scoped_message(resource.type, spec, name, stack)


POLICIES = [resource_name_unique]
