import pulumi
import pulumi_aws as aws
from _common import lambda_function

fn = lambda_function("list-orders")
api = aws.apigateway.RestApi("orders-api")
orders = aws.apigateway.Resource("orders", rest_api=api.id, parent_id=api.root_resource_id, path_part="orders")
method = aws.apigateway.Method("get-orders", rest_api=api.id, resource_id=orders.id, http_method="GET",
                               authorization="AWS_IAM")
aws.apigateway.Integration("list-orders-integration", rest_api=api.id, resource_id=orders.id,
                           http_method=method.http_method, type="AWS_PROXY", integration_http_method="POST",
                           uri=fn.invoke_arn)

# --- reported
aws.lambda_.Permission("api-invokes-list-orders", action="lambda:InvokeFunction", function=fn.name,
                       principal="apigateway.amazonaws.com")  # any REST API, of any account
# reported on api-invokes-list-orders: `sourceArn` is not set, not scoped to the execution ARN of RestApi
#   "orders-api", whose Integration "list-orders-integration" invokes Function "list-orders": set it to
#   `api.execution_arn` + "/*/*".

# --- passes
aws.lambda_.Permission("api-invokes-list-orders", action="lambda:InvokeFunction", function=fn.name,
                       principal="apigateway.amazonaws.com",
                       source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/GET/orders"))
