import pulumi
import pulumi_aws as aws
from _common import lambda_function

fn = lambda_function("list-items")
api = aws.apigatewayv2.Api("items-api", protocol_type="HTTP")
integration = aws.apigatewayv2.Integration("list-items-integration", api_id=api.id, integration_type="AWS_PROXY",
                                           integration_uri=fn.arn, payload_format_version="2.0")

# --- reported
aws.apigatewayv2.Route("get-items", api_id=api.id, route_key="GET /items", authorization_type="AWS_IAM",
                       target=pulumi.Output.concat("integrations/", integration.id))
# reported on list-items-integration: `integrationUri` points at Function "list-items", which has no
#   Permission that lets `apigateway.amazonaws.com` invoke it: add one with `sourceArn` Api "items-api"'s
#   `executionArn` + "/*/*".

# --- passes
aws.apigatewayv2.Route("get-items", api_id=api.id, route_key="GET /items", authorization_type="AWS_IAM",
                       target=pulumi.Output.concat("integrations/", integration.id))
aws.lambda_.Permission("api-invokes-list-items", action="lambda:InvokeFunction", function=fn.name,
                       principal="apigateway.amazonaws.com",
                       source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"))
