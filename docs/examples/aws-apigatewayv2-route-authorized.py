import pulumi
import pulumi_aws as aws
from _common import lambda_function

fn = lambda_function("list-items")
api = aws.apigatewayv2.Api("items-api", protocol_type="HTTP")
integration = aws.apigatewayv2.Integration("list-items-integration", api_id=api.id, integration_type="AWS_PROXY",
                                           integration_uri=fn.arn, payload_format_version="2.0")
aws.lambda_.Permission("api-invokes-list-items", action="lambda:InvokeFunction", function=fn.name,
                       principal="apigateway.amazonaws.com", source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"))

# --- reported
aws.apigatewayv2.Route("get-items", api_id=api.id, route_key="GET /items",
                       target=pulumi.Output.concat("integrations/", integration.id))
# reported on get-items: `authorizationType` is not set (NONE) on route "GET /items": anyone who finds the API
#   can call it. Set "AWS_IAM", "JWT" or "CUSTOM" with an authorizer, or list the route key in `publicRoutes`
#   if it is public by design.

# --- passes
aws.apigatewayv2.Route("get-items", api_id=api.id, route_key="GET /items", authorization_type="AWS_IAM",
                       target=pulumi.Output.concat("integrations/", integration.id))
