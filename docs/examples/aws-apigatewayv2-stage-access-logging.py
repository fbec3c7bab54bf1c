import json
import pulumi_aws as aws

api = aws.apigatewayv2.Api("items-api", protocol_type="HTTP")
access_logs = aws.cloudwatch.LogGroup("items-api-access-logs", retention_in_days=30)

# --- reported
aws.apigatewayv2.Stage("default", api_id=api.id, name="$default", auto_deploy=True)
# reported on default: `accessLogSettings.destinationArn` and `accessLogSettings.format` are not set, so
#   requests to this stage leave no access log: send them to a CloudWatch log group with a format that
#   includes $context.requestId.
# reported on default: `defaultRouteSettings.throttlingBurstLimit` and
#   `defaultRouteSettings.throttlingRateLimit` are not set, so only the account-wide limit throttles this
#   stage: set limits sized for the API so that a burst of requests cannot overwhelm the integrations behind
#   it.

# --- passes
aws.apigatewayv2.Stage(
    "default",
    api_id=api.id,
    name="$default",
    auto_deploy=True,
    access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(
        destination_arn=access_logs.arn,
        format=json.dumps({"requestId": "$context.requestId", "status": "$context.status",
                           "routeKey": "$context.routeKey"}),
    ),
    default_route_settings=aws.apigatewayv2.StageDefaultRouteSettingsArgs(
        throttling_burst_limit=100, throttling_rate_limit=50),
)
