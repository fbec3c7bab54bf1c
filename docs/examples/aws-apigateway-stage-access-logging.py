import json
import pulumi
import pulumi_aws as aws

api = aws.apigateway.RestApi("orders-api")
health = aws.apigateway.Method("health", rest_api=api.id, resource_id=api.root_resource_id, http_method="GET",
                               authorization="AWS_IAM")
aws.apigateway.Integration("health-mock", rest_api=api.id, resource_id=api.root_resource_id, http_method="GET",
                           type="MOCK", opts=pulumi.ResourceOptions(depends_on=[health]))
deployment = aws.apigateway.Deployment("orders-api", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[health]))
access_logs = aws.cloudwatch.LogGroup("orders-api-access-logs", retention_in_days=30)

# --- reported
aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod")
# reported on prod: `accessLogSettings.destinationArn` and `accessLogSettings.format` are not set, so requests
#   to this stage leave no access log: send them to a CloudWatch log group with a format that includes
#   $context.requestId.

# --- passes
aws.apigateway.Stage(
    "prod",
    rest_api=api.id,
    deployment=deployment.id,
    stage_name="prod",
    access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
        destination_arn=access_logs.arn,
        format=json.dumps({"requestId": "$context.requestId", "status": "$context.status"}),
    ),
)
