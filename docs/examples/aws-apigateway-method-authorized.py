import pulumi_aws as aws

api = aws.apigateway.RestApi("orders-api")
orders = aws.apigateway.Resource("orders", rest_api=api.id, parent_id=api.root_resource_id, path_part="orders")

# --- reported
aws.apigateway.Method("list-orders", rest_api=api.id, resource_id=orders.id, http_method="GET",
                      authorization="NONE")
# reported on list-orders: `authorization` is "NONE", so anyone who has the URL can call "GET" on this method:
#   use "AWS_IAM", "COGNITO_USER_POOLS" or "CUSTOM" (a Lambda authorizer), or add "list-orders" to the
#   `publicMethods` option if it is public on purpose.

# --- passes
aws.apigateway.Method("list-orders", rest_api=api.id, resource_id=orders.id, http_method="GET",
                      authorization="AWS_IAM")
