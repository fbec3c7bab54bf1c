import pulumi
import pulumi_aws as aws
from _common import lambda_function

uploads = aws.s3.Bucket("uploads")
fn = lambda_function("thumbnailer")
allow_s3 = aws.lambda_.Permission("allow-s3", action="lambda:InvokeFunction", function=fn.name,
                                  principal="s3.amazonaws.com", source_arn=uploads.arn,
                                  source_account=aws.get_caller_identity().account_id)

# --- reported
aws.s3.BucketNotification(
    "on-upload",
    bucket=uploads.id,
    lambda_functions=[aws.s3.BucketNotificationLambdaFunctionArgs(
        lambda_function_arn=fn.arn, events=["s3:ObjectCreated:*"])],
    opts=pulumi.ResourceOptions(depends_on=[allow_s3]),
)
# reported on on-upload: `lambdaFunctions[0].filterSuffix` is not set, so objects of any type trigger this
#   destination: set the suffix of the objects it handles (e.g. ".jpg").

# --- passes
aws.s3.BucketNotification(
    "on-upload",
    bucket=uploads.id,
    lambda_functions=[aws.s3.BucketNotificationLambdaFunctionArgs(
        lambda_function_arn=fn.arn, events=["s3:ObjectCreated:*"], filter_prefix="incoming/", filter_suffix=".jpg")],
    opts=pulumi.ResourceOptions(depends_on=[allow_s3]),
)
