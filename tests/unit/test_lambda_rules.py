"""Lambda resource rules, run through the SDK's servicer (tests/support/harness.py)."""

from datetime import date

import pytest

from policypack.core.types import FUNCTION, PERMISSION
from policypack.data.lambda_runtimes import RUNTIMES
from policypack.rules import lambda_
from policypack.rules.lambda_ import (
    function_concurrency_limit,
    function_dead_letter_target,
    function_environment_valid,
    function_in_vpc,
    function_no_plaintext_secrets,
    function_runtime_supported,
    function_tracing_active,
    permission_source_scoped,
)
from tests.support.harness import (
    UNKNOWN_ARRAY,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Violation,
    analyze,
    secret,
)

ROLE = "aws:iam/role:Role"


def mandatory(policy, message):
    return Violation(policy.name, "mandatory", message, "")


def advisory(policy, message):
    return Violation(policy.name, "advisory", message, "")


# -- aws-lambda-function-in-vpc ------------------------------------------------------------------

VPC = {"subnetIds": ["subnet-a", "subnet-b"], "securityGroupIds": ["sg-1"]}
NO_GROUP = "`vpcConfig.securityGroupIds` is empty: attach at least one security group that limits egress."
NO_VPC = ("`vpcConfig` is not set: the function runs outside your VPC. Set `vpc_config` with subnet IDs in at least "
          "two Availability Zones and a security group ID.")


def test_in_vpc_two_subnets_and_a_group_pass():
    assert analyze(function_in_vpc, FUNCTION, {"vpcConfig": VPC}) == []


def test_in_vpc_missing_config_is_reported():
    assert analyze(function_in_vpc, FUNCTION, {"runtime": "python3.13"}) == [mandatory(function_in_vpc, NO_VPC)]


def test_in_vpc_empty_config_is_reported():
    props = {"vpcConfig": {"subnetIds": [], "securityGroupIds": []}}
    assert analyze(function_in_vpc, FUNCTION, props) == [mandatory(
        function_in_vpc,
        "`vpcConfig` lists no subnets and no security groups, so the function runs outside your VPC: set "
        "`subnet_ids` (at least two Availability Zones) and `security_group_ids`.")]


def test_in_vpc_single_subnet_is_reported():
    props = {"vpcConfig": {"subnetIds": ["subnet-a"], "securityGroupIds": ["sg-1"]}}
    assert analyze(function_in_vpc, FUNCTION, props) == [mandatory(
        function_in_vpc,
        "`vpcConfig.subnetIds` lists 1 subnet(s), fewer than 2 (`minSubnets`): add subnets in other Availability "
        "Zones so the function survives the loss of one zone.")]


def test_in_vpc_duplicate_subnet_counts_once():
    props = {"vpcConfig": {"subnetIds": ["subnet-a", "subnet-a", ""], "securityGroupIds": ["sg-1"]}}
    assert analyze(function_in_vpc, FUNCTION, props) == [mandatory(
        function_in_vpc,
        "`vpcConfig.subnetIds` lists 1 subnet(s), fewer than 2 (`minSubnets`): add subnets in other Availability "
        "Zones so the function survives the loss of one zone.")]


def test_in_vpc_without_security_group_is_reported():
    props = {"vpcConfig": {"subnetIds": ["subnet-a", "subnet-b"], "securityGroupIds": []}}
    assert analyze(function_in_vpc, FUNCTION, props) == [mandatory(
        function_in_vpc, NO_GROUP)]


def test_in_vpc_of_the_wrong_kind_is_reported():
    assert analyze(function_in_vpc, FUNCTION, {"vpcConfig": "subnet-a"}) == [mandatory(
        function_in_vpc,
        "`vpcConfig` is a string, not an object with `subnetIds` and `securityGroupIds`: pass "
        "`aws.lambda_.FunctionVpcConfigArgs(...)`.")]


def test_in_vpc_unknowns_in_preview_are_deferred():
    assert analyze(function_in_vpc, FUNCTION, {"vpcConfig": UNKNOWN_OBJECT}) == []
    assert analyze(function_in_vpc, FUNCTION,
                   {"vpcConfig": {"subnetIds": UNKNOWN_ARRAY, "securityGroupIds": ["sg-1"]}}) == []
    # subnet IDs not known yet still count as subnets
    assert analyze(function_in_vpc, FUNCTION,
                   {"vpcConfig": {"subnetIds": [UNKNOWN_STRING, UNKNOWN_STRING],
                                  "securityGroupIds": [UNKNOWN_STRING]}}) == []


def test_in_vpc_known_part_is_checked_in_preview():
    props = {"vpcConfig": {"subnetIds": UNKNOWN_ARRAY, "securityGroupIds": []}}
    assert analyze(function_in_vpc, FUNCTION, props) == [mandatory(
        function_in_vpc, NO_GROUP)]


def test_in_vpc_min_subnets_from_config():
    config = {function_in_vpc.name: {"minSubnets": 3}}
    assert analyze(function_in_vpc, FUNCTION, {"vpcConfig": VPC}, config=config) == [mandatory(
        function_in_vpc,
        "`vpcConfig.subnetIds` lists 2 subnet(s), fewer than 3 (`minSubnets`): add subnets in other Availability "
        "Zones so the function survives the loss of one zone.")]
    single = {"vpcConfig": {"subnetIds": ["subnet-a"], "securityGroupIds": ["sg-1"]}}
    assert analyze(function_in_vpc, FUNCTION, single, config={function_in_vpc.name: {"minSubnets": 1.0}}) == []


def test_in_vpc_not_applicable_to_other_types():
    assert analyze(function_in_vpc, PERMISSION, {}) == []


# -- aws-lambda-function-runtime-supported --------------------------------------------------------

@pytest.fixture
def today(monkeypatch):
    """Pin the rule's clock: `today(date(...))`."""
    def pin(day: date) -> None:
        monkeypatch.setattr(lambda_, "clock", lambda: day)
    pin(date(2026, 11, 22))
    return pin


def test_runtime_current_passes(today):
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.14"}) == []
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "nodejs24.x", "packageType": "Zip"}) == []


def test_runtime_python39_of_seed_004_is_deprecated(today):
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.9"}) == [mandatory(
        function_runtime_supported,
        "`runtime` is \"python3.9\", deprecated by AWS on 2025-12-15 (no more security patches; AWS then blocks "
        "creating and updating functions on it): move to \"python3.14\".")]


def test_runtime_deprecated_on_its_deprecation_day(today):
    today(date(2026, 10, 31))
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.10"}) == [mandatory(
        function_runtime_supported,
        "`runtime` is \"python3.10\", deprecated by AWS on 2026-10-31 (no more security patches; AWS then blocks "
        "creating and updating functions on it): move to \"python3.14\".")]


def test_runtime_within_warn_days_is_upcoming(today):
    today(date(2027, 1, 1))
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.11"}) == [mandatory(
        function_runtime_supported,
        "(upcoming) `runtime` is \"python3.11\", which will be deprecated on 2027-06-30 (in 180 days): move to "
        "\"python3.14\" before then.")]


def test_runtime_just_outside_warn_days_passes(today):
    today(date(2026, 12, 31))  # 181 days before 2027-06-30
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.11"}) == []


def test_runtime_warn_days_from_config(today):
    today(date(2027, 1, 1))
    for days in (0, 30.0):
        config = {function_runtime_supported.name: {"warnDays": days}}
        assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.11"}, config=config) == []


def test_runtime_without_successor_names_its_replacement(today):
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "go1.x"}) == [mandatory(
        function_runtime_supported,
        "`runtime` is \"go1.x\", deprecated by AWS on 2024-01-08 (no more security patches; AWS then blocks creating "
        "and updating functions on it): move to \"provided.al2023\".")]


def test_runtime_suggestion_skips_container_only_runtimes(today):
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "dotnet8"}) == [mandatory(
        function_runtime_supported,
        "`runtime` is \"dotnet8\", deprecated by AWS on 2026-11-10 (no more security patches; AWS then blocks creating "
        "and updating functions on it): move to \"dotnet10\".")]


def test_runtime_when_the_whole_family_is_deprecated(today):
    today(date(2030, 1, 1))
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "ruby4.0"}) == [mandatory(
        function_runtime_supported,
        "`runtime` is \"ruby4.0\", deprecated by AWS on 2029-03-31 (no more security patches; AWS then blocks "
        "creating and updating functions on it): move to a supported runtime.")]


def test_runtime_unknown_identifier_is_reported(today):
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "nodejs26.x"}) == [mandatory(
        function_runtime_supported,
        "`runtime` is \"nodejs26.x\", which is not a Lambda runtime identifier known to this pack (its runtime table "
        "was checked on 2026-11-22): use one such as \"nodejs24.x\", or list it in `allowedRuntimes` if AWS released "
        "it after that date.")]


def test_runtime_that_is_not_a_string_is_reported(today):
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": 3.9}) == [mandatory(
        function_runtime_supported,
        "`runtime` is 3.9, not a runtime identifier: set it to a supported one such as \"python3.14\".")]


def test_runtime_allowed_list_from_config(today):
    config = {function_runtime_supported.name: {"allowedRuntimes": ["python3.13", "python3.14"]}}
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.13"}, config=config) == []
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.12"}, config=config) == [mandatory(
        function_runtime_supported,
        "`runtime` is \"python3.12\", which is not in `allowedRuntimes` (\"python3.13\", \"python3.14\"): use one of "
        "those.")]


def test_runtime_allowed_list_admits_runtimes_newer_than_the_table(today):
    config = {function_runtime_supported.name: {"allowedRuntimes": ["python3.15"]}}
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": "python3.15"}, config=config) == []


def test_runtime_unknown_in_preview_is_deferred(today):
    assert analyze(function_runtime_supported, FUNCTION, {"runtime": UNKNOWN_STRING}) == []


def test_runtime_container_image_is_not_applicable(today):
    assert analyze(function_runtime_supported, FUNCTION, {"packageType": "Image", "imageUri": "x"}) == []
    assert analyze(function_runtime_supported, FUNCTION, {"packageType": "Image", "runtime": "python3.9"}) == []


def test_runtime_not_applicable_to_other_types(today):
    assert analyze(function_runtime_supported, "aws:lambda/layerVersion:LayerVersion", {"runtime": "python3.9"}) == []


def test_runtime_table_covers_every_family_and_parses():
    for family in ("python", "nodejs", "java", "dotnet", "ruby", "go", "provided"):
        assert any(entry[0] == family for entry in RUNTIMES.values()), family
    for version in range(6, 15):
        assert f"python3.{version}" in RUNTIMES
    for runtime in ("python2.7", "go1.x", "provided", "provided.al2", "provided.al2023", "java8", "java8.al2",
                    "java11", "java17", "java21", "java25", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
                    "dotnet6", "dotnet8", "dotnet10", "ruby3.2", "ruby3.3", "ruby3.4"):
        assert runtime in RUNTIMES, runtime
    for family, deprecation, flags in RUNTIMES.values():
        date.fromisoformat(deprecation)
        assert flags in ("", "container-only") or flags[len("use:"):] in RUNTIMES


# -- aws-lambda-function-dead-letter-target -------------------------------------------------------

def test_dead_letter_queue_and_topic_arns_pass():
    for arn in ("arn:aws:sqs:us-west-2:123456789012:orders-dlq", "arn:aws:sns:us-west-2:123456789012:failures"):
        assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": {"targetArn": arn}}) == []


def test_dead_letter_config_absent_is_not_applicable():
    assert analyze(function_dead_letter_target, FUNCTION, {"runtime": "python3.13"}) == []


EMPTY_TARGET = ("`deadLetterConfig.targetArn` is empty, so failed asynchronous invocations are dropped: set it to an "
                "SQS queue or SNS topic ARN (e.g. `dlq.arn`).")


def test_dead_letter_empty_target_of_seed_000_is_reported():
    assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": {"targetArn": ""}}) == [
        mandatory(function_dead_letter_target, EMPTY_TARGET)]
    assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": {}}) == [
        mandatory(function_dead_letter_target, EMPTY_TARGET)]


@pytest.mark.parametrize("target", [
    "orders-dlq",
    "https://sqs.us-west-2.amazonaws.com/123456789012/orders-dlq",
    "arn:aws:lambda:us-west-2:123456789012:function:handler",
    "arn:aws:sns:us-west-2:123456789012:failures:0e5a2c4b-1111-2222-3333-444455556666",
])
def test_dead_letter_target_that_is_not_a_queue_or_topic_arn_is_reported(target):
    assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": {"targetArn": target}}) == [mandatory(
        function_dead_letter_target,
        f"`deadLetterConfig.targetArn` is \"{target}\", not an SQS queue or SNS topic ARN: pass the queue's or topic's "
        "`arn` (not its name or URL).")]


def test_dead_letter_fifo_queue_is_reported():
    target = "arn:aws:sqs:us-west-2:123456789012:jobs.fifo"
    assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": {"targetArn": target}}) == [mandatory(
        function_dead_letter_target,
        f"`deadLetterConfig.targetArn` is \"{target}\", a FIFO queue or topic, which Lambda cannot send dead letters "
        "to: use a standard SQS queue or SNS topic.")]


def test_blocks_as_one_element_lists_from_old_exports_are_read_as_objects():
    props = {"deadLetterConfig": [{"targetArn": ""}], "tracingConfig": [{"mode": "Active"}],
             "vpcConfig": [VPC], "environment": [{"variables": {"DB_PASSWORD": "hunter2!"}}]}
    assert analyze([function_dead_letter_target, function_tracing_active, function_in_vpc,
                    function_environment_valid, function_no_plaintext_secrets], FUNCTION, props) == [
        mandatory(function_dead_letter_target, EMPTY_TARGET),
        literal_secret("environment.variables.DB_PASSWORD"),
    ]


def test_dead_letter_config_of_the_wrong_kind_is_reported():
    assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": "dlq"}) == [mandatory(
        function_dead_letter_target,
        "`deadLetterConfig` is \"dlq\", not an object with `targetArn`: set `target_arn` to a queue or topic ARN.")]


def test_dead_letter_unknowns_in_preview_are_deferred():
    assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": {"targetArn": UNKNOWN_STRING}}) == []
    assert analyze(function_dead_letter_target, FUNCTION, {"deadLetterConfig": UNKNOWN_OBJECT}) == []


def test_dead_letter_not_applicable_to_other_types():
    assert analyze(function_dead_letter_target, PERMISSION, {"deadLetterConfig": {"targetArn": ""}}) == []


# -- aws-lambda-function-concurrency-limit --------------------------------------------------------

HINT = "set `reserved_concurrent_executions` between 1 and 1000, read from stack config"


def test_concurrency_in_range_passes():
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": 100}) == []


def test_concurrency_absent_is_reported():
    assert analyze(function_concurrency_limit, FUNCTION, {"runtime": "python3.13"}) == [advisory(
        function_concurrency_limit,
        "`reservedConcurrentExecutions` is not set, so the function can take the whole account's concurrency: "
        f"{HINT}.")]


def test_concurrency_provider_default_minus_one_is_reported():
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": -1}) == [advisory(
        function_concurrency_limit,
        "`reservedConcurrentExecutions` is -1 (unreserved), so the function can take the whole account's "
        f"concurrency: {HINT}.")]


def test_concurrency_zero_is_reported():
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": 0}) == [advisory(
        function_concurrency_limit, f"`reservedConcurrentExecutions` is 0, which throttles every invocation: {HINT}.")]


def test_concurrency_above_max_is_reported():
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": 5000}) == [advisory(
        function_concurrency_limit,
        "`reservedConcurrentExecutions` is 5000, above the maximum 1000 (`max`): lower it or raise `max`.")]


@pytest.mark.parametrize("value, shown", [(10.5, "10.5"), (True, "true"), (-7, "-7")])
def test_concurrency_that_is_not_a_count_is_reported(value, shown):
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": value}) == [advisory(
        function_concurrency_limit,
        f"`reservedConcurrentExecutions` is {shown}, not a whole number of executions: {HINT}.")]


def test_concurrency_bounds_from_config():
    config = {function_concurrency_limit.name: {"min": 10, "max": 5000.0}}
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": 5000}, config=config) == []
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": 5}, config=config) == [
        advisory(function_concurrency_limit,
                 "`reservedConcurrentExecutions` is 5, below the minimum 10 (`min`): raise it.")]


def test_concurrency_unknown_in_preview_is_deferred():
    assert analyze(function_concurrency_limit, FUNCTION, {"reservedConcurrentExecutions": UNKNOWN_NUMBER}) == []


def test_concurrency_not_applicable_to_other_types():
    assert analyze(function_concurrency_limit, PERMISSION, {}) == []


# -- aws-lambda-function-environment-valid --------------------------------------------------------

def env(variables):
    return {"environment": {"variables": variables}}


def test_environment_valid_map_passes():
    assert analyze(function_environment_valid, FUNCTION, env({"TABLE_NAME": "orders", "LOG_LEVEL": "INFO",
                                                              "AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrap"})) == []


def test_environment_as_exported_by_old_bridges_passes():
    props = {"environment": {"__defaults": [], "variables": {"S3_BUCKET": "b-8fbe0a0", "__defaults": []}}}
    assert analyze(function_environment_valid, FUNCTION, props) == []


def test_environment_absent_passes():
    assert analyze(function_environment_valid, FUNCTION, {"runtime": "python3.13"}) == []


def test_environment_wrapped_twice_as_in_seed_004_is_reported():
    props = env({"variables": {"TABLE_NAME": "orders", "DB_PASSWORD_PARAM": "/app/db"}})
    assert analyze(function_environment_valid, FUNCTION, props) == [mandatory(
        function_environment_valid,
        "`environment.variables.variables` is a nested map: the variables were wrapped in \"variables\" twice. Pass "
        "`environment={\"variables\": env}` where `env` is the plain name-to-value map (or "
        "`aws.lambda_.FunctionEnvironmentArgs(variables=env)`).")]


def test_environment_without_variables_key_is_reported():
    assert analyze(function_environment_valid, FUNCTION, {"environment": {"TABLE_NAME": "orders"}}) == [mandatory(
        function_environment_valid,
        "`environment` has the key(s) \"TABLE_NAME\", which Lambda does not know: put environment variables under "
        "`environment.variables`.")]


def test_environment_of_the_wrong_kind_is_reported():
    assert analyze(function_environment_valid, FUNCTION, {"environment": ["TABLE_NAME=orders"]}) == [mandatory(
        function_environment_valid,
        "`environment` is a list, not an object with `variables`: pass "
        "`aws.lambda_.FunctionEnvironmentArgs(variables={...})`.")]
    assert analyze(function_environment_valid, FUNCTION, env("TABLE_NAME=orders")) == [mandatory(
        function_environment_valid, "`environment.variables` is a string, not a map of names to strings.")]


@pytest.mark.parametrize("name", ["1TABLE", "T", "TABLE-NAME", "_HANDLER"])
def test_environment_invalid_names_are_reported(name):
    assert analyze(function_environment_valid, FUNCTION, env({name: "x"})) == [mandatory(
        function_environment_valid,
        f"`environment.variables` has the name \"{name}\", which Lambda rejects: names start with a letter and have "
        "at least two letters, digits or underscores.")]


@pytest.mark.parametrize("name", ["AWS_REGION", "AWS_SESSION_TOKEN", "LAMBDA_TASK_ROOT", "TZ",
                                  "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_ANYTHING"])
def test_environment_reserved_names_are_reported(name):
    assert analyze(function_environment_valid, FUNCTION, env({name: "x"})) == [mandatory(
        function_environment_valid,
        f"`environment.variables` sets \"{name}\", a name Lambda reserves for the runtime: rename the variable.")]


def test_environment_values_that_are_not_strings_are_reported_without_the_value():
    violations = analyze(function_environment_valid, FUNCTION, env({"PORT": 8080, "DEBUG": True, "EMPTY": None}))
    assert violations == [
        mandatory(function_environment_valid,
                  "`environment.variables.DEBUG` is a boolean, not a string: pass a string - another resource's "
                  "attribute as the Output itself (e.g. `table.name`, never `str(table.name)` or an f-string), a "
                  "number or flag as text (\"30\"), a structure through `json.dumps(...)`."),
        mandatory(function_environment_valid,
                  "`environment.variables.EMPTY` is a null, not a string: pass a string - another resource's "
                  "attribute as the Output itself (e.g. `table.name`, never `str(table.name)` or an f-string), a "
                  "number or flag as text (\"30\"), a structure through `json.dumps(...)`."),
        mandatory(function_environment_valid,
                  "`environment.variables.PORT` is a number, not a string: pass a string - another resource's "
                  "attribute as the Output itself (e.g. `table.name`, never `str(table.name)` or an f-string), a "
                  "number or flag as text (\"30\"), a structure through `json.dumps(...)`."),
    ]
    assert not any("8080" in v.message for v in violations)


def test_environment_over_4_kb_is_reported():
    variables = {f"VALUE_{i}": "x" * 1000 for i in range(5)}  # 5 * (7 + 1000) bytes
    assert analyze(function_environment_valid, FUNCTION, env(variables)) == [mandatory(
        function_environment_valid,
        "`environment.variables` total 5035 bytes (names and values), over Lambda's 4 KB limit (4096 bytes): keep "
        "large values in SSM Parameter Store or S3 and pass their names.")]


def test_environment_known_size_counts_in_preview():
    variables = {f"VALUE_{i}": "x" * 1000 for i in range(5)}
    variables["LATER"] = UNKNOWN_STRING
    assert analyze(function_environment_valid, FUNCTION, env(variables)) == [mandatory(
        function_environment_valid,
        "`environment.variables` total 5040 bytes (names and values), over Lambda's 4 KB limit (4096 bytes): keep "
        "large values in SSM Parameter Store or S3 and pass their names.")]


def test_environment_unknowns_in_preview_are_deferred():
    assert analyze(function_environment_valid, FUNCTION, {"environment": UNKNOWN_OBJECT}) == []
    assert analyze(function_environment_valid, FUNCTION, env(UNKNOWN_OBJECT)) == []
    assert analyze(function_environment_valid, FUNCTION, env({"TABLE_NAME": UNKNOWN_STRING})) == []


def test_environment_not_applicable_to_other_types():
    assert analyze(function_environment_valid, PERMISSION, env({"1BAD": 1})) == []


# -- aws-lambda-function-no-plaintext-secrets -----------------------------------------------------

def literal_secret(path):
    return mandatory(
        function_no_plaintext_secrets,
        f"`{path}` holds a literal value and its name marks it as a secret (readable by anyone who can read the "
        "function's configuration): put it in Secrets Manager or an SSM SecureString and pass its ARN or name instead "
        "(if it already is a parameter or secret name, say so in the variable's name: end it with _ARN, _NAME or "
        "_PARAM).")


def credential(path, kind):
    return mandatory(
        function_no_plaintext_secrets,
        f"`{path}` holds what looks like {kind}: remove it from the configuration, rotate it, and pass a Secrets "
        "Manager or SSM SecureString reference instead.")


def test_secrets_references_pass():
    variables = {
        "DB_SECRET_ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf",
        "DB_PASSWORD": "/orders/prod/db-password",                       # an SSM parameter path
        "API_TOKEN": "arn:aws:ssm:us-west-2:123456789012:parameter/api-token",
        "JWT_SECRET": "jwt-secret-1a2b3c4",                              # an autonamed parameter's name
        "STRIPE_API_KEY_PARAM": "stripe-key",                            # the name says it is a reference
        "TOKEN_TTL": "3600",
        "USE_TOKEN": "true",
        "TABLE_NAME": "orders",
        "AUTH_TOKEN": "",
    }
    assert analyze(function_no_plaintext_secrets, FUNCTION, env(variables)) == []


def test_secrets_literal_password_is_reported_without_its_value():
    violations = analyze(function_no_plaintext_secrets, FUNCTION,
                         env({"DB_PASSWORD": "hunter2!", "stripeApiKey": "not-a-ref"}))
    assert violations == [literal_secret("environment.variables.DB_PASSWORD"),
                          literal_secret("environment.variables.stripeApiKey")]
    assert not any("hunter2" in v.message or "not-a-ref" in v.message for v in violations)


def test_secrets_marked_secret_in_pulumi_are_still_plaintext_in_lambda():
    assert analyze(function_no_plaintext_secrets, FUNCTION, env({"CLIENT_SECRET": secret("s3cr3t")})) == [
        literal_secret("environment.variables.CLIENT_SECRET")]


def test_secrets_credential_patterns_are_reported_whatever_the_name():
    variables = {
        "CONFIG_A": "AKIAIOSFODNN7EXAMPLE",
        "CONFIG_B": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
        "CONFIG_C": "postgres://app:pa55word@db.internal:5432/orders",
        "CONFIG_D": "ghp_" + "a" * 36,
    }
    violations = analyze(function_no_plaintext_secrets, FUNCTION, env(variables))
    assert violations == [
        credential("environment.variables.CONFIG_A", "an AWS access key ID"),
        credential("environment.variables.CONFIG_B", "a PEM private key"),
        credential("environment.variables.CONFIG_C", "a URL with an embedded password"),
        credential("environment.variables.CONFIG_D", "a GitHub token"),
    ]
    assert not any("AKIA" in v.message or "pa55word" in v.message for v in violations)


def test_secrets_inside_a_doubly_wrapped_map_are_found():
    props = env({"variables": {"DB_PASSWORD": "hunter2!"}})
    assert analyze(function_no_plaintext_secrets, FUNCTION, props) == [
        literal_secret("environment.variables.variables.DB_PASSWORD")]


def test_secrets_unknowns_in_preview_are_deferred():
    assert analyze(function_no_plaintext_secrets, FUNCTION, env({"DB_PASSWORD": UNKNOWN_STRING})) == []
    assert analyze(function_no_plaintext_secrets, FUNCTION, env(UNKNOWN_OBJECT)) == []


def test_secrets_not_applicable_to_other_types():
    assert analyze(function_no_plaintext_secrets, ROLE, env({"DB_PASSWORD": "hunter2!"})) == []


# -- aws-lambda-function-tracing-active -----------------------------------------------------------

def test_tracing_active_passes():
    assert analyze(function_tracing_active, FUNCTION, {"tracingConfig": {"mode": "Active"}}) == []


def test_tracing_absent_is_reported():
    assert analyze(function_tracing_active, FUNCTION, {}) == [advisory(
        function_tracing_active,
        "`tracingConfig` is not set, so X-Ray tracing is off: set `tracing_config` with mode \"Active\".")]


def test_tracing_pass_through_is_reported():
    assert analyze(function_tracing_active, FUNCTION, {"tracingConfig": {"mode": "PassThrough"}}) == [advisory(
        function_tracing_active, "`tracingConfig.mode` is \"PassThrough\": set it to \"Active\".")]


def test_tracing_unknown_in_preview_is_deferred():
    assert analyze(function_tracing_active, FUNCTION, {"tracingConfig": {"mode": UNKNOWN_STRING}}) == []
    assert analyze(function_tracing_active, FUNCTION, {"tracingConfig": UNKNOWN_OBJECT}) == []


def test_tracing_not_applicable_to_other_types():
    assert analyze(function_tracing_active, PERMISSION, {}) == []


# -- aws-lambda-permission-source-scoped ----------------------------------------------------------

S3_PERMISSION = {"action": "lambda:InvokeFunction", "function": "handler", "principal": "s3.amazonaws.com"}


def no_source_arn(principal):
    return mandatory(
        permission_source_scoped,
        f"`sourceArn` is not set for the service principal \"{principal}\": the service can invoke the function on "
        "behalf of any resource, in any account (confused deputy). Set `source_arn` to the invoking resource's ARN.")


NO_SOURCE_ACCOUNT = mandatory(
    permission_source_scoped,
    "`sourceAccount` is not set for \"s3.amazonaws.com\": bucket ARNs carry no account ID, so a bucket of the same "
    "name in another account would match. Set `source_account` to your account ID.")


def test_permission_scoped_to_source_passes():
    props = {**S3_PERMISSION, "sourceArn": "arn:aws:s3:::uploads-1a2b3c4", "sourceAccount": "123456789012"}
    assert analyze(permission_source_scoped, PERMISSION, props) == []
    api = {"principal": "apigateway.amazonaws.com",
           "sourceArn": "arn:aws:execute-api:us-west-2:123456789012:abc123/*/*"}
    assert analyze(permission_source_scoped, PERMISSION, api) == []


def test_permission_for_s3_without_source_is_reported():
    assert analyze(permission_source_scoped, PERMISSION, S3_PERMISSION) == [
        no_source_arn("s3.amazonaws.com"), NO_SOURCE_ACCOUNT]


def test_permission_for_s3_without_account_is_reported():
    props = {**S3_PERMISSION, "sourceArn": "arn:aws:s3:::uploads-1a2b3c4"}
    assert analyze(permission_source_scoped, PERMISSION, props) == [NO_SOURCE_ACCOUNT]


def test_permission_for_other_services_needs_source_arn_only():
    assert analyze(permission_source_scoped, PERMISSION, {"principal": "events.amazonaws.com"}) == [
        no_source_arn("events.amazonaws.com")]


@pytest.mark.parametrize("source", ["*", "arn:aws:s3:::*"])
def test_permission_with_a_source_matching_everything_is_reported(source):
    props = {**S3_PERMISSION, "sourceArn": source, "sourceAccount": "123456789012"}
    assert analyze(permission_source_scoped, PERMISSION, props) == [mandatory(
        permission_source_scoped,
        f"`sourceArn` is \"{source}\", which matches every source: set it to the invoking resource's ARN.")]


def test_permission_unknowns_in_preview_are_deferred():
    props = {**S3_PERMISSION, "sourceArn": UNKNOWN_STRING, "sourceAccount": UNKNOWN_STRING}
    assert analyze(permission_source_scoped, PERMISSION, props) == []
    assert analyze(permission_source_scoped, PERMISSION, {"principal": UNKNOWN_STRING}) == []


def test_permission_for_accounts_is_not_applicable():
    assert analyze(permission_source_scoped, PERMISSION, {"principal": "123456789012"}) == []
    assert analyze(permission_source_scoped, PERMISSION,
                   {"principal": "arn:aws:iam::123456789012:role/caller"}) == []


def test_permission_not_applicable_to_other_types():
    assert analyze(permission_source_scoped, FUNCTION, S3_PERMISSION) == []
