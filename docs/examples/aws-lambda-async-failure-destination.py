import pulumi_aws as aws
from _common import lambda_function

orders = aws.sns.Topic("orders")
fn = lambda_function("fulfil-order")
aws.lambda_.Permission("sns-invokes-fulfil-order", action="lambda:InvokeFunction", function=fn.name,
                       principal="sns.amazonaws.com", source_arn=orders.arn)

# --- reported
aws.sns.TopicSubscription("orders-to-fulfil-order", topic=orders.arn, protocol="lambda", endpoint=fn.arn)
# reported on fulfil-order: `deadLetterConfig.targetArn` is not set and no FunctionEventInvokeConfig sets
#   `destinationConfig.onFailure.destination` for it, yet TopicSubscription "orders-to-fulfil-order" invokes
#   it asynchronously: events that still fail after Lambda's two retries are lost. Set
#   `deadLetterConfig.targetArn` to an SQS queue or SNS topic ARN, or add a FunctionEventInvokeConfig with an
#   on-failure destination.

# --- passes
aws.sns.TopicSubscription("orders-to-fulfil-order", topic=orders.arn, protocol="lambda", endpoint=fn.arn)
failed_orders = aws.sqs.Queue("failed-orders", sqs_managed_sse_enabled=True)
aws.lambda_.FunctionEventInvokeConfig(
    "fulfil-order-failures",
    function_name=fn.name,
    destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
        on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
            destination=failed_orders.arn)),
)
