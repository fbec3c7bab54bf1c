"""FAULTY ON PURPOSE - do not deploy.

The API Gateway + Lambdas + SSM + S3 program of seed 004 (docs/seeds/004_*.txt),
reproduced so the policy pack can be shown to catch its documented failures (tests/reference/
test_faulty_examples.py). Each fault is marked `# seed 004: <bullet title>`. It runs to the end
under mocks: where the original would crash (a dict lookup by plain string in a dict keyed by
Outputs), it falls back the way such code usually "fixes" it - and wires the wrong function.
The fixed version is reference_stack/ (components/api.py).
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
# seed 004: Region-agnostic claim not implemented concretely - whatever the provider says, no
# multi-region provider pattern
region = aws.get_region().region
# seed 004: CORS default allows `*`
cors_origins = config.get_object("cors_origins") or ["*"]

# seed 004: S3 buckets lack explicit public-access-block and encryption enforcement
# seed 004: Some resource naming and access assumptions risk collisions - static names
data_bucket = aws.s3.Bucket("data-bucket", bucket="api-data-bucket")

# seed 004: SSM parameter usage returns parameter resource name, not secret value
ssm_params = {
    "db_password": aws.ssm.Parameter("db-password", name="/app/db_password", type="String",
                                     value=config.get("db_password") or "change-me"),
    "api_key": aws.ssm.Parameter("api-key", name="/app/api_key", type="SecureString",
                                 value=config.get("api_key") or "change-me-too"),  # the AWS-managed key
}


def get_function_environment(function_name):
    return {
        "variables": {
            "FUNCTION": function_name,
            "DATA_BUCKET": data_bucket.bucket,
            # the parameter NAMES, which the handlers then use as if they were the values
            "DB_PASSWORD": ssm_params["db_password"].name,
            "API_KEY": ssm_params["api_key"].name,
            # and, "for local testing", a literal secret
            "JWT_SECRET": config.get("jwt_secret") or "dev-jwt-secret-do-not-use",
        }
    }


FUNCTIONS = ["get-items", "create-item", "health"]
ROUTES = [
    {"route_key": "GET /items", "function": "items"},
    {"route_key": "POST /items", "function": "item"},
    {"route_key": "GET /health", "function": "health"},
]

functions = []
for name in FUNCTIONS:
    role = aws.iam.Role(
        f"{name}-role",
        name=f"{name}-role",
        assume_role_policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                           "Action": "sts:AssumeRole"}],
        }),
    )
    # seed 004: IAM role scoping too broad / managed policy used
    aws.iam.RolePolicyAttachment(
        f"{name}-basic-execution",
        role=role.name,
        policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    # seed 004: Policy JSON construction mixes `Output`s and raw strings - an f-string of an
    # Output inside json.dumps: the policy holds "Calling __str__ on an Output[T] ..."
    aws.iam.RolePolicy(
        f"{name}-data-access",
        role=role.id,
        policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                           "Resource": f"{data_bucket.arn}/*"}],
        }),
    )
    # seed 004: Lambda environment variables assigned incorrectly - the helper already returns
    # {"variables": ...} and is wrapped in {"variables": ...} again
    environment_vars = {"variables": get_function_environment(name)}
    functions.append(aws.lambda_.Function(
        f"{name}-function",
        name=name,
        # seed 004: Lambda runtime outdated
        runtime="python3.9",
        handler="index.handler",
        role=role.arn,
        # seed 004: Packaging / CI reproducibility not addressed - a local folder, no build step
        code=pulumi.FileArchive(f"./functions/{name.replace('-', '_')}"),
        environment=environment_vars,
    ))

# seed 004: Function lookup mapping uses `Output` keys (unusable as dict keys)
function_map = {f.name.apply(lambda n: n.split("-")[-1]): f for f in functions}

api = aws.apigatewayv2.Api(
    "http-api",
    protocol_type="HTTP",
    cors_configuration={"allow_origins": cors_origins, "allow_methods": ["*"], "allow_headers": ["*"]},
)

# seed 004: API Gateway route wiring brittle / may fail - the plain-string lookups never match
# the Output keys, so every route falls back to the first function; the Output key ends up as
# text in the integration's description, and each route's target is an f-string of an Output
for route_config in ROUTES:
    key, function = next(((k, f) for k, f in function_map.items() if k == route_config["function"]),
                         next(iter(function_map.items())))
    integration = aws.apigatewayv2.Integration(
        f"{route_config['function']}-integration",
        api_id=api.id,
        integration_type="AWS_PROXY",
        integration_uri=function.invoke_arn,
        payload_format_version="2.0",
        description=f"Lambda proxy to the {key} function",
    )
    aws.apigatewayv2.Route(
        f"{route_config['function']}-route",
        api_id=api.id,
        route_key=route_config["route_key"],
        target=f"integrations/{integration.id}",
    )
aws.lambda_.Permission(
    "api-invoke",
    action="lambda:InvokeFunction",
    function=functions[0].name,
    principal="apigateway.amazonaws.com",
)
aws.apigatewayv2.Stage("default-stage", api_id=api.id, name="$default", auto_deploy=True)
# Public exposure (rule catalog v2) - the routes above carry no authorizer: the handlers "check"
# tokens they never receive, so anyone who finds the API can call every route

# ... and a function URL for the health check "so the uptime monitor can reach it", with the two
# permissions a public URL needs - the second one without `invoked_via_function_url`, which lets
# anyone invoke the function directly (lambda:InvokeFunction), not only through its URL
health_function = functions[2]
aws.lambda_.FunctionUrl("health-url", function_name=health_function.name, authorization_type="NONE")
aws.lambda_.Permission("health-url-invoke", action="lambda:InvokeFunctionUrl", function=health_function.name,
                       principal="*", function_url_auth_type="NONE")
aws.lambda_.Permission("health-invoke", action="lambda:InvokeFunction", function=health_function.name,
                       principal="*")

# ... and a role for the CI job that deploys the functions, trusting every GitHub repository
account_id = aws.get_caller_identity().account_id
aws.iam.Role(
    "deploy-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{account_id}:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}},
        }],
    }),
)

# seed 004: API URL / attribute mutation is non-idiomatic and brittle
api.url = pulumi.Output.concat("https://", api.id, ".execute-api.", region, ".amazonaws.com/")

# seed 004: Metric/alarm creation incomplete / truncated in places - a metric filter and one
# alarm that notifies nobody; no per-function alarms
aws.cloudwatch.LogMetricFilter(
    "error-filter",
    log_group_name="/aws/lambda/get-items",
    pattern="ERROR",
    metric_transformation={"name": "ErrorCount", "namespace": "App", "value": "1"},
)
# ... the alert topic exists, encrypted with the AWS-managed key alias/aws/sns, which CloudWatch
# alarms cannot publish with - and the alarm below was never wired to it anyway
aws.sns.Topic("api-alerts", kms_master_key_id="alias/aws/sns")
aws.cloudwatch.MetricAlarm(
    "api-errors",
    namespace="App",
    metric_name="ErrorCount",
    statistic="Sum",
    period=60,
    evaluation_periods=1,
    comparison_operator="GreaterThanThreshold",
    threshold=0,
)

pulumi.export("bucket", data_bucket.bucket)
