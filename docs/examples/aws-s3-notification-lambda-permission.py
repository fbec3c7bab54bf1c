import pulumi
import pulumi_aws as aws
from _common import lambda_function

uploads = aws.s3.Bucket("uploads")
fn = lambda_function("thumbnailer")

# --- reported
aws.s3.BucketNotification("on-upload", bucket=uploads.id, lambda_functions=[
    aws.s3.BucketNotificationLambdaFunctionArgs(lambda_function_arn=fn.arn, events=["s3:ObjectCreated:*"],
                                                filter_prefix="incoming/", filter_suffix=".jpg")])
# reported on on-upload: its Lambda destination Function "thumbnailer" (`lambdaFunctions`) has no Permission
#   that lets `s3.amazonaws.com` invoke it: add one with `sourceArn` the ARN of Bucket "uploads" and list it
#   in this notification's `depends_on`.

# --- passes
allow_s3 = aws.lambda_.Permission("allow-s3", action="lambda:InvokeFunction", function=fn.name,
                                  principal="s3.amazonaws.com", source_arn=uploads.arn,
                                  source_account=aws.get_caller_identity().account_id)
aws.s3.BucketNotification("on-upload", bucket=uploads.id, lambda_functions=[
    aws.s3.BucketNotificationLambdaFunctionArgs(lambda_function_arn=fn.arn, events=["s3:ObjectCreated:*"],
                                                filter_prefix="incoming/", filter_suffix=".jpg")],
    opts=pulumi.ResourceOptions(depends_on=[allow_s3]))  # S3 tests the destination when it saves this
