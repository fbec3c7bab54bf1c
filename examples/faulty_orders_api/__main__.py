"""FAULTY ON PURPOSE - do not deploy.

An orders API as it is often first written: a REST API (API Gateway v1) in front of a Lambda
function that stores orders in DynamoDB, reads a payment provider's key from Secrets Manager and
starts a Step Functions workflow. It reproduces the typical mistakes with these services, each
marked `# mistake: ...`, so the policy pack can be shown to catch them (tests/reference/
test_faulty_examples.py asserts the exact findings). It runs to the end under mocks. The right
way to store items is in reference_stack/ (components/storage.py ItemsTable).
"""

import json

import pulumi
import pulumi_aws as aws

region = aws.get_region().region
account_id = aws.get_caller_identity().account_id

# mistake: a fixed table name (a second stack in the account collides), the AWS-owned key, no
# point-in-time recovery
orders = aws.dynamodb.Table(
    "orders",
    name="orders",
    billing_mode="PAY_PER_REQUEST",
    hash_key="orderId",
    attributes=[aws.dynamodb.TableAttributeArgs(name="orderId", type="S")],
)

# mistake: a fixed secret name, the AWS-managed key aws/secretsmanager, never rotated
payment_key = aws.secretsmanager.Secret("payment-api-key", name="payment-api-key")
aws.secretsmanager.SecretVersion("payment-api-key-value", secret_id=payment_key.id,
                                 secret_string=pulumi.Config().get_secret("paymentApiKey") or "replace-me")

role = aws.iam.Role("orders-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))
aws.iam.RolePolicy("orders-data", role=role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"], "Resource": orders.arn},
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": payment_key.arn},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:/aws/lambda/*"},
    ],
}))
function = aws.lambda_.Function(
    "orders-function",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.FileArchive("./functions/orders"),
    environment=aws.lambda_.FunctionEnvironmentArgs(variables={
        "TABLE_NAME": orders.name,
        "PAYMENT_SECRET_ARN": payment_key.arn,
    }),
)

# -- the REST API ------------------------------------------------------------------------------
api = aws.apigateway.RestApi("orders-api")
orders_resource = aws.apigateway.Resource("orders-resource", rest_api=api.id, parent_id=api.root_resource_id,
                                          path_part="orders")
# mistake: anyone with the URL may create orders
post = aws.apigateway.Method("post-orders", rest_api=api.id, resource_id=orders_resource.id,
                             http_method="POST", authorization="NONE")
integration = aws.apigateway.Integration("post-orders-integration", rest_api=api.id,
                                         resource_id=orders_resource.id, http_method=post.http_method,
                                         type="AWS_PROXY", integration_http_method="POST", uri=function.invoke_arn)
# CORS preflight, answered by API Gateway itself
options = aws.apigateway.Method("options-orders", rest_api=api.id, resource_id=orders_resource.id,
                                http_method="OPTIONS", authorization="NONE")
preflight = aws.apigateway.Integration("options-orders-integration", rest_api=api.id,
                                       resource_id=orders_resource.id, http_method=options.http_method,
                                       type="MOCK", request_templates={"application/json": '{"statusCode": 200}'})
aws.apigateway.MethodResponse("options-orders-200", rest_api=api.id, resource_id=orders_resource.id,
                              http_method=options.http_method, status_code="200",
                              response_parameters={"method.response.header.Access-Control-Allow-Origin": True})
# mistake: any web site may call the API from a browser
aws.apigateway.IntegrationResponse(
    "options-orders-cors", rest_api=api.id, resource_id=orders_resource.id, http_method=options.http_method,
    status_code="200", response_parameters={"method.response.header.Access-Control-Allow-Origin": "'*'"},
    opts=pulumi.ResourceOptions(depends_on=[preflight]))
deployment = aws.apigateway.Deployment("orders-deployment", rest_api=api.id,
                                       opts=pulumi.ResourceOptions(depends_on=[integration, preflight]))
# mistake: no access logs
stage = aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod")
# mistake: any API Gateway API of the account may invoke the function, not only this one
aws.lambda_.Permission("orders-from-api", action="lambda:InvokeFunction", function=function.name,
                       principal="apigateway.amazonaws.com",
                       source_arn=f"arn:aws:execute-api:{region}:{account_id}:*/*/POST/orders")

# -- the order workflow ---------------------------------------------------------------------------
workflow_role = aws.iam.Role("order-workflow-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))
# mistake: may invoke every function of the account, and do anything with CloudWatch Logs
aws.iam.RolePolicy("order-workflow-policy", role=workflow_role.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
                  {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
}))
# mistake: a fixed name, no execution logs, no tracing
aws.sfn.StateMachine(
    "order-workflow",
    name="order-workflow",
    role_arn=workflow_role.arn,
    definition=pulumi.Output.json_dumps({
        "StartAt": "ChargePayment",
        "States": {"ChargePayment": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                     "Parameters": {"FunctionName": function.arn, "Payload.$": "$"}, "End": True}},
    }),
)

pulumi.export("url", stage.invoke_url)
