"""Lambda rules: network placement, runtime support, failure handling, concurrency, environment,
tracing, and who may invoke a function."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from ..core.arn import parse_arn
from ..core.props import UNKNOWN, as_int, get, show
from ..core.rule import ADVISORY, HIGH, LOW, MANDATORY, MEDIUM, CRITICAL, Config, Resource, resource_rule
from ..core.types import FUNCTION, PERMISSION
from ..data.lambda_runtimes import CHECKED, RUNTIMES

# Today's date for the runtime table. Tests replace it to pin a date; the pack uses the real one.
clock: Callable[[], date] = date.today

# Old bridge versions wrote this bookkeeping key into inputs (stack exports still carry it).
BRIDGE_DEFAULTS_KEY = "__defaults"

ARN_LIMIT = 200  # characters of an ARN quoted in a message (ARNs run longer than show()'s default)


def _block(props: Any, name: str) -> Any:
    """A nested block such as `vpcConfig`. Old provider versions (still in stack exports) sent a block as a
    one-element list: it is read as the object."""
    value = get(props, name)
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0]
    return value


# -- aws-lambda-function-in-vpc ------------------------------------------------------------------

@resource_rule(
    name="aws-lambda-function-in-vpc",
    description="Lambda functions run inside a VPC, in subnets of at least two Availability Zones, "
    "with a security group.",
    resource_types=[FUNCTION],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps="Pass `vpc_config=aws.lambda_.FunctionVpcConfigArgs(subnet_ids=[private_a.id, private_b.id], "
    "security_group_ids=[lambda_sg.id])` with private subnets in different Availability Zones, and grant the role "
    "the ec2 network-interface actions (ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, "
    "ec2:DeleteNetworkInterface, ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses).",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
    config_options={
        "minSubnets": {
            "type": "integer",
            "minimum": 1,
            "default": 2,
            "description": "Fewest subnet IDs a function's vpcConfig must list (2 = more than one Availability Zone).",
        }
    },
    tags=["lambda", "network"],
)
def function_in_vpc(resource: Resource, config: Config) -> Iterator[str]:
    vpc = _block(resource.props, "vpcConfig")
    if vpc is UNKNOWN:
        return
    if vpc is None:
        yield ("`vpcConfig` is not set: the function runs outside your VPC. Set `vpc_config` with subnet IDs "
               "in at least two Availability Zones and a security group ID.")
        return
    if not isinstance(vpc, dict):
        yield (f"`vpcConfig` is a {_kind(vpc)}, not an object with `subnetIds` and `securityGroupIds`: pass "
               "`aws.lambda_.FunctionVpcConfigArgs(...)`.")
        return
    subnets = _count_entries(vpc.get("subnetIds"))
    groups = _count_entries(vpc.get("securityGroupIds"))
    if subnets == 0 and groups == 0:
        yield ("`vpcConfig` lists no subnets and no security groups, so the function runs outside your VPC: "
               "set `subnet_ids` (at least two Availability Zones) and `security_group_ids`.")
        return
    minimum = _positive_int(config.get("minSubnets"), 2)
    if subnets is not None and subnets < minimum:
        yield (f"`vpcConfig.subnetIds` lists {subnets} subnet(s), fewer than {minimum} (`minSubnets`): add subnets in "
               "other Availability Zones so the function survives the loss of one zone.")
    if groups == 0:
        yield "`vpcConfig.securityGroupIds` is empty: attach at least one security group that limits egress."


def _count_entries(value: Any) -> Optional[int]:
    """Distinct non-empty IDs in a list; an unknown element counts as one; None when the list is unknown."""
    if value is UNKNOWN:
        return None
    if not isinstance(value, list):
        return 0
    known = {v for v in value if isinstance(v, str) and v.strip()}
    unknown = sum(1 for v in value if v is UNKNOWN)
    return len(known) + unknown


def _positive_int(value: Any, default: int) -> int:
    number = as_int(value)
    return number if isinstance(number, int) and number >= 1 else default


# -- aws-lambda-function-runtime-supported --------------------------------------------------------

@resource_rule(
    name="aws-lambda-function-runtime-supported",
    description="Lambda functions use a runtime that AWS has not deprecated.",
    resource_types=[FUNCTION],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Set `runtime` to the newest runtime of the language (e.g. `runtime=\"python3.14\"` or "
    "`aws.lambda_.Runtime.PYTHON3D14`), run the function's tests on it, and deploy; read the runtime from config "
    "if several stacks must move at different times.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
    config_options={
        "warnDays": {
            "type": "integer",
            "minimum": 0,
            "default": 180,
            "description": "Report a runtime this many days before AWS deprecates it (0 = only once deprecated).",
        },
        "allowedRuntimes": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "If not empty, the only runtime identifiers functions may use (also admits identifiers "
            "newer than the pack's runtime table).",
        },
    },
    tags=["lambda", "lifecycle"],
)
def function_runtime_supported(resource: Resource, config: Config) -> Iterator[str]:
    if get(resource.props, "packageType") == "Image":
        return  # a container image brings its own runtime
    runtime = get(resource.props, "runtime")
    if runtime is None or runtime is UNKNOWN:
        return
    if not isinstance(runtime, str) or not runtime.strip():
        yield (f"`runtime` is {show(runtime)}, not a runtime identifier: set it to a supported one such as "
               "\"python3.14\".")
        return
    allowed = _strings(config.get("allowedRuntimes"))
    if allowed and runtime not in allowed:
        yield (f"`runtime` is {show(runtime)}, which is not in `allowedRuntimes` ({_quoted(allowed)}): "
               "use one of those.")
    today = clock()
    entry = RUNTIMES.get(runtime)
    if entry is None:
        if runtime not in allowed:
            yield (f"`runtime` is {show(runtime)}, which is not a Lambda runtime identifier known to this pack "
                   f"(its runtime table was checked on {CHECKED}): use one such as "
                   f"{show(_suggestion(_family_guess(runtime) or 'python', today) or 'python3.14')}, or list it in "
                   "`allowedRuntimes` if AWS released it after that date.")
        return
    yield from _deprecation_messages(runtime, entry, today, config)


def _deprecation_messages(runtime: str, entry: Tuple[str, str, str], today: date, config: Config) -> Iterator[str]:
    family, deprecation, flags = entry
    deprecated_on = date.fromisoformat(deprecation)
    days_left = (deprecated_on - today).days
    warn_days = as_int(config.get("warnDays"))
    if not isinstance(warn_days, int) or warn_days < 0:
        warn_days = 180
    if days_left > warn_days:
        return  # the common case: nothing to say, nothing to look up
    successor = flags[len("use:"):] if flags.startswith("use:") else _suggestion(family, today)
    move = f"move to {show(successor)}" if successor and successor != runtime else "move to a supported runtime"
    if today >= deprecated_on:
        yield (f"`runtime` is {show(runtime)}, deprecated by AWS on {deprecated_on.isoformat()} (no more security "
               f"patches; AWS then blocks creating and updating functions on it): {move}.")
        return
    yield (f"(upcoming) `runtime` is {show(runtime)}, which will be deprecated on {deprecated_on.isoformat()} "
           f"(in {days_left} day{'' if days_left == 1 else 's'}): {move} before then.")


def _suggestion(family: Optional[str], today: date) -> Optional[str]:
    """The runtime of a family that a .zip function can use the longest from today (table order breaks ties)."""
    best: Optional[Tuple[date, str]] = None
    for runtime, (entry_family, deprecation, flags) in RUNTIMES.items():
        if entry_family != family or flags:
            continue
        deprecated_on = date.fromisoformat(deprecation)
        if deprecated_on > today and (best is None or deprecated_on > best[0]):
            best = (deprecated_on, runtime)
    return best[1] if best else None


def _family_guess(runtime: str) -> Optional[str]:
    for family in ("python", "nodejs", "java", "dotnet", "ruby", "provided"):
        if runtime.lower().startswith(family):
            return family
    return None


def _strings(value: Any) -> List[str]:
    """The strings of a list-of-strings config option (anything else counts as empty)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _quoted(values: List[str]) -> str:
    return ", ".join(show(v) for v in values)


# -- aws-lambda-function-dead-letter-target -------------------------------------------------------

@resource_rule(
    name="aws-lambda-function-dead-letter-target",
    description="A Lambda dead-letter configuration names a standard SQS queue or SNS topic.",
    resource_types=[FUNCTION],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps="Create the queue and pass its ARN: `dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs("
    "target_arn=dlq.arn)`, and grant the function's role `sqs:SendMessage` on that queue (or `sns:Publish` on the "
    "topic); remove `dead_letter_config` entirely if failures go to an on-failure destination instead.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
    tags=["lambda", "reliability"],
)
def function_dead_letter_target(resource: Resource, config: Config) -> Iterator[str]:
    dlq = _block(resource.props, "deadLetterConfig")
    if dlq is None or dlq is UNKNOWN:
        return
    if not isinstance(dlq, dict):
        yield (f"`deadLetterConfig` is {show(dlq)}, not an object with `targetArn`: set `target_arn` to a queue or "
               "topic ARN.")
        return
    target = dlq.get("targetArn")
    if target is UNKNOWN:
        return
    if target is None or (isinstance(target, str) and not target.strip()):
        yield ("`deadLetterConfig.targetArn` is empty, so failed asynchronous invocations are dropped: set it to an "
               "SQS queue or SNS topic ARN (e.g. `dlq.arn`).")
        return
    if not _is_queue_or_topic_arn(target):
        yield (f"`deadLetterConfig.targetArn` is {show(target, ARN_LIMIT)}, not an SQS queue or SNS topic ARN: "
               "pass the queue's or topic's `arn` (not its name or URL).")
    elif target.endswith(".fifo"):
        yield (f"`deadLetterConfig.targetArn` is {show(target, ARN_LIMIT)}, a FIFO queue or topic, which Lambda "
               "cannot send dead letters to: use a standard SQS queue or SNS topic.")


def _is_queue_or_topic_arn(value: Any) -> bool:
    arn = parse_arn(value)
    if arn is None or arn.service not in ("sqs", "sns") or not arn.region or not arn.account:
        return False
    # The resource is the bare queue/topic name: anything with ':' or '/' is a subscription or another thing.
    return bool(re.fullmatch(r"[A-Za-z0-9_.\-]+", arn.resource))


# -- aws-lambda-function-concurrency-limit --------------------------------------------------------

UNRESERVED = -1  # what AWS and the provider use for "no reserved concurrency"


@resource_rule(
    name="aws-lambda-function-concurrency-limit",
    description="Lambda functions reserve a bounded amount of concurrency.",
    resource_types=[FUNCTION],
    enforcement_level=ADVISORY,
    severity=LOW,
    remediation_steps="Read the limit from stack config and pass it: `reserved_concurrent_executions="
    "config.get_int(\"reservedConcurrency\") or 10`, sized from expected peak traffic and what downstream services "
    "can absorb.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
    config_options={
        "min": {"type": "integer", "minimum": 1, "default": 1,
                "description": "Smallest reserved concurrency accepted."},
        "max": {"type": "integer", "minimum": 1, "default": 1000,
                "description": "Largest reserved concurrency accepted."},
    },
    tags=["lambda", "reliability", "cost"],
)
def function_concurrency_limit(resource: Resource, config: Config) -> Iterator[str]:
    raw = get(resource.props, "reservedConcurrentExecutions")
    if raw is UNKNOWN:
        return
    low = _positive_int(config.get("min"), 1)
    high = max(_positive_int(config.get("max"), 1000), low)
    hint = f"set `reserved_concurrent_executions` between {low} and {high}, read from stack config"
    if raw is None:
        yield ("`reservedConcurrentExecutions` is not set, so the function can take the whole account's "
               f"concurrency: {hint}.")
        return
    value = as_int(raw)
    if value == UNRESERVED:
        yield ("`reservedConcurrentExecutions` is -1 (unreserved), so the function can take the whole account's "
               f"concurrency: {hint}.")
    elif not isinstance(value, int) or isinstance(raw, str) or value < 0:
        yield f"`reservedConcurrentExecutions` is {show(raw)}, not a whole number of executions: {hint}."
    elif value == 0:
        yield f"`reservedConcurrentExecutions` is 0, which throttles every invocation: {hint}."
    elif value < low:
        yield f"`reservedConcurrentExecutions` is {value}, below the minimum {low} (`min`): raise it."
    elif value > high:
        yield f"`reservedConcurrentExecutions` is {value}, above the maximum {high} (`max`): lower it or raise `max`."


# -- aws-lambda-function-environment-valid --------------------------------------------------------

ENV_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9_]+")
ENV_SIZE_LIMIT = 4096  # bytes, keys and values together

# https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html (reserved variables)
RESERVED_ENV_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
})
RESERVED_ENV_PREFIX = "AWS_LAMBDA_"
# AWS_LAMBDA_* names that AWS documents as yours to set.
SETTABLE_AWS_LAMBDA_KEYS = frozenset({"AWS_LAMBDA_EXEC_WRAPPER", "AWS_LAMBDA_DOTNET_PREJIT"})


@resource_rule(
    name="aws-lambda-function-environment-valid",
    description="Lambda environment variables have the shape, names and size Lambda accepts.",
    resource_types=[FUNCTION],
    enforcement_level=MANDATORY,
    severity=MEDIUM,
    remediation_steps="Pass the map itself: `environment=aws.lambda_.FunctionEnvironmentArgs("
    "variables={\"TABLE_NAME\": table.name})` (or `environment={\"variables\": {...}}`) - never a map that already "
    "has a \"variables\" key; use string values, names like `TABLE_NAME`, no names Lambda reserves (AWS_REGION, "
    "AWS_LAMBDA_*, _HANDLER, ...), and keep large values in SSM Parameter Store or S3.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html",
    tags=["lambda", "correctness"],
)
def function_environment_valid(resource: Resource, config: Config) -> Iterator[str]:
    environment = _block(resource.props, "environment")
    if environment is None or environment is UNKNOWN:
        return
    if not isinstance(environment, dict):
        yield (f"`environment` is a {_kind(environment)}, not an object with `variables`: pass "
               "`aws.lambda_.FunctionEnvironmentArgs(variables={...})`.")
        return
    stray = sorted(k for k in environment if k not in ("variables", BRIDGE_DEFAULTS_KEY))
    if stray:
        yield (f"`environment` has the key(s) {_quoted(stray)}, which Lambda does not know: put environment "
               "variables under `environment.variables`.")
    variables = environment.get("variables")
    if variables is None or variables is UNKNOWN:
        return
    if not isinstance(variables, dict):
        yield f"`environment.variables` is a {_kind(variables)}, not a map of names to strings."
        return
    yield from _variable_messages(variables)
    size = _known_size(variables)
    if size > ENV_SIZE_LIMIT:
        yield (f"`environment.variables` total {size} bytes (names and values), over Lambda's 4 KB limit "
               f"({ENV_SIZE_LIMIT} bytes): keep large values in SSM Parameter Store or S3 and pass their names.")


def _variable_messages(variables: Dict[str, Any]) -> Iterator[str]:
    for key, value in sorted(variables.items()):
        if key == BRIDGE_DEFAULTS_KEY:
            continue
        path = f"`environment.variables.{key}`"
        if key == "variables" and isinstance(value, dict):
            yield (f"{path} is a nested map: the variables were wrapped in \"variables\" twice. Pass "
                   "`environment={\"variables\": env}` where `env` is the plain name-to-value map (or "
                   "`aws.lambda_.FunctionEnvironmentArgs(variables=env)`).")
            continue
        if not ENV_KEY.fullmatch(key):
            yield (f"`environment.variables` has the name {show(key)}, which Lambda rejects: names start with a "
                   "letter and have at least two letters, digits or underscores.")
        elif _is_reserved(key):
            yield (f"`environment.variables` sets {show(key)}, a name Lambda reserves for the runtime: rename "
                   "the variable.")
        if value is not UNKNOWN and not isinstance(value, str):
            # the value itself is never quoted: environment values may be secrets
            yield (f"{path} is a {_kind(value)}, not a string: pass a string - another resource's attribute as "
                   "the Output itself (e.g. `table.name`, never `str(table.name)` or an f-string), a number or "
                   "flag as text (\"30\"), a structure through `json.dumps(...)`.")


def _is_reserved(key: str) -> bool:
    if key in RESERVED_ENV_KEYS:
        return True
    return key.startswith(RESERVED_ENV_PREFIX) and key not in SETTABLE_AWS_LAMBDA_KEYS


def _known_size(variables: Dict[str, Any]) -> int:
    """UTF-8 bytes of names and known string values (unknown values can only add to it)."""
    total = 0
    for key, value in variables.items():
        if key == BRIDGE_DEFAULTS_KEY:
            continue
        total += len(key.encode("utf-8", "surrogatepass"))
        if isinstance(value, str):
            total += len(value.encode("utf-8", "surrogatepass"))
    return total


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    if value is None:
        return "null"
    return type(value).__name__


# -- aws-lambda-function-no-plaintext-secrets -----------------------------------------------------

# Credential formats recognisable from the value alone: (what it is, pattern).
CREDENTIAL_PATTERNS: Tuple[Tuple[str, "re.Pattern[str]"], ...] = (
    ("an AWS access key ID", re.compile(r"(?<![A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("a PEM private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("a URL with an embedded password",
     re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^\s/:@]{0,256}:[^\s/@]{1,256}@")),
)

# Last word(s) of a variable name that say the value *is* a secret (DB_PASSWORD, STRIPE_API_KEY, jwtSecret).
SECRET_LAST_WORDS = frozenset({
    "PASSWORD", "PASSWD", "PWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS",
    "APIKEY", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY",
})
SECRET_LAST_PAIRS = frozenset({
    ("API", "KEY"), ("SECRET", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY"), ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"), ("MASTER", "KEY"), ("AUTH", "KEY"), ("CLIENT", "SECRET"),
})

NOT_SECRET_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null", "enabled", "disabled"})

# Values that point at a secret instead of holding one.
REFERENCE_PATTERNS: Tuple["re.Pattern[str]", ...] = (
    re.compile(r"arn:aws[a-z\-]*:[a-z0-9\-]+:.*"),                 # any ARN (Secrets Manager, SSM, KMS)
    re.compile(r"/[A-Za-z0-9_.\-/]+"),                             # an SSM parameter path
    re.compile(r"\{\{resolve:(?:ssm|ssm-secure|secretsmanager):.+\}\}"),
    re.compile(r"[A-Za-z0-9_.\-/]+-[0-9a-f]{7}"),                  # a Pulumi autonamed resource name
)


@resource_rule(
    name="aws-lambda-function-no-plaintext-secrets",
    description="Lambda environment variables hold references to secrets, never the secrets themselves.",
    resource_types=[FUNCTION],
    enforcement_level=MANDATORY,
    severity=CRITICAL,
    remediation_steps="Store the value in Secrets Manager (`aws.secretsmanager.Secret`) or an SSM SecureString "
    "parameter, pass only its ARN or name (e.g. `\"DB_PASSWORD_SECRET_ARN\": secret.arn`), grant the role "
    "`secretsmanager:GetSecretValue` / `ssm:GetParameter` (+ `kms:Decrypt`) on it, and read it at run time (the "
    "Parameters and Secrets Lambda extension caches it). Rotate any credential that was already deployed.",
    url="https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
    tags=["lambda", "secrets"],
)
def function_no_plaintext_secrets(resource: Resource, config: Config) -> Iterator[str]:
    variables = get(_block(resource.props, "environment"), "variables")
    if not isinstance(variables, dict):
        return
    for path, key, value in _string_leaves(variables, "environment.variables"):
        credential = _credential_kind(value)
        if credential:
            yield (f"`{path}` holds what looks like {credential}: remove it from the configuration, rotate it, and "
                   "pass a Secrets Manager or SSM SecureString reference instead.")
        elif _names_a_secret(key) and _could_be_secret(value) and not _is_reference(value):
            yield (f"`{path}` holds a literal value and its name marks it as a secret (readable by anyone who can "
                   "read the function's configuration): put it in Secrets Manager or an SSM SecureString and pass "
                   "its ARN or name instead (if it already is a parameter or secret name, say so in the variable's "
                   "name: end it with _ARN, _NAME or _PARAM).")


def _string_leaves(tree: Dict[str, Any], prefix: str) -> List[Tuple[str, str, str]]:
    """(path, key, value) for each known string value, also inside wrongly nested maps, sorted by path."""
    found: List[Tuple[str, str, str]] = []
    stack: List[Tuple[str, Dict[str, Any]]] = [(prefix, tree)]
    while stack:  # iterative: a value tree can be deep
        base, mapping = stack.pop()
        for key, value in mapping.items():
            if key == BRIDGE_DEFAULTS_KEY:
                continue
            if isinstance(value, dict):
                stack.append((f"{base}.{key}", value))
            elif isinstance(value, str):
                found.append((f"{base}.{key}", key, value))
    return sorted(found)


SCANNED_CHARS = 16384  # Lambda caps all variables at 4 KB: longer values are invalid anyway, and this bounds the work


def _credential_kind(value: str) -> Optional[str]:
    text = value[:SCANNED_CHARS]
    for kind, pattern in CREDENTIAL_PATTERNS:
        if pattern.search(text):
            return kind
    return None


def _words(key: str) -> List[str]:
    """DB_PASSWORD -> [DB, PASSWORD]; stripeApiKey -> [STRIPE, API, KEY]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return [w.upper() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def _names_a_secret(key: str) -> bool:
    words = _words(key)
    if not words:
        return False
    return words[-1] in SECRET_LAST_WORDS or tuple(words[-2:]) in SECRET_LAST_PAIRS


def _could_be_secret(value: str) -> bool:
    """Empty values and switches ("true", "off") hold nothing secret."""
    return value.strip().lower() not in NOT_SECRET_VALUES


def _is_reference(value: str) -> bool:
    text = value.strip()
    return any(pattern.fullmatch(text) for pattern in REFERENCE_PATTERNS)


# -- aws-lambda-function-tracing-active -----------------------------------------------------------

def tracing_active(resource: Resource, config: Config) -> Optional[Dict[str, Any]]:
    """Remediation: `tracingConfig.mode` = "Active" (the rest of the block kept)."""
    tracing = _block(resource.props, "tracingConfig")
    if tracing is UNKNOWN:
        return None
    current = tracing if isinstance(tracing, dict) else {}
    if get(current, "mode") in ("Active", UNKNOWN):
        return None
    return {"tracingConfig": {**current, "mode": "Active"}}


@resource_rule(
    name="aws-lambda-function-tracing-active",
    description="Lambda functions send traces to AWS X-Ray.",
    resource_types=[FUNCTION],
    enforcement_level=ADVISORY,
    severity=LOW,
    remediation_steps="Set `tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode=\"Active\")` and grant the role "
    "`xray:PutTraceSegments` and `xray:PutTelemetryRecords`.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html",
    tags=["lambda", "observability"],
    fix=tracing_active,
)
def function_tracing_active(resource: Resource, config: Config) -> Iterator[str]:
    tracing = _block(resource.props, "tracingConfig")
    if tracing is UNKNOWN:
        return
    mode = get(tracing, "mode") if isinstance(tracing, dict) else None
    if mode is UNKNOWN or mode == "Active":
        return
    if mode is None:
        yield "`tracingConfig` is not set, so X-Ray tracing is off: set `tracing_config` with mode \"Active\"."
    else:
        yield f"`tracingConfig.mode` is {show(mode)}: set it to \"Active\"."


# -- aws-lambda-permission-source-scoped ----------------------------------------------------------

@resource_rule(
    name="aws-lambda-permission-source-scoped",
    description="A Lambda permission for an AWS service names the source resource (and account) that may invoke.",
    resource_types=[PERMISSION],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Pass `source_arn` with the one resource that invokes the function (e.g. "
    "`source_arn=bucket.arn`, `source_arn=topic.arn`, or `api.execution_arn.apply(lambda a: f\"{a}/*/*\")`) "
    "and, for S3, also `source_account=aws.get_caller_identity().account_id`.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html",
    tags=["lambda", "iam", "confused-deputy"],
)
def permission_source_scoped(resource: Resource, config: Config) -> Iterator[str]:
    principal = get(resource.props, "principal")
    if not isinstance(principal, str) or not _is_service_principal(principal):
        return  # accounts, roles and "*" are other rules' business; unknown principals are decided in the update
    source_arn = get(resource.props, "sourceArn")
    if source_arn is None or (isinstance(source_arn, str) and not source_arn.strip()):
        yield (f"`sourceArn` is not set for the service principal {show(principal)}: the service can invoke the "
               "function on behalf of any resource, in any account (confused deputy). Set `source_arn` to the "
               "invoking resource's ARN.")
    elif isinstance(source_arn, str) and _matches_everything(source_arn):
        yield (f"`sourceArn` is {show(source_arn, ARN_LIMIT)}, which matches every source: set it to the invoking "
               "resource's ARN.")
    if principal == "s3.amazonaws.com":
        source_account = get(resource.props, "sourceAccount")
        if source_account is None or (isinstance(source_account, str) and not source_account.strip()):
            yield ("`sourceAccount` is not set for \"s3.amazonaws.com\": bucket ARNs carry no account ID, so a bucket "
                   "of the same name in another account would match. Set `source_account` to your account ID.")


def _is_service_principal(principal: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9.\-]+\.amazonaws\.com(\.cn)?", principal.strip()))


def _matches_everything(source_arn: str) -> bool:
    text = source_arn.strip()
    if text == "*":
        return True
    arn = parse_arn(text)
    return arn is not None and set(arn.resource) <= set("*") and arn.account in ("", "*")


POLICIES = [
    function_in_vpc,
    function_runtime_supported,
    function_dead_letter_target,
    function_concurrency_limit,
    function_environment_valid,
    function_no_plaintext_secrets,
    function_tracing_active,
    permission_source_scoped,
]
