import pulumi
import pulumi_aws as aws
from _common import lambda_role

images = aws.s3.Bucket("images")
role = lambda_role("thumbnailer-role")
fn = aws.lambda_.Function("thumbnailer", role=role.arn, runtime="python3.14", handler="app.handler",
                          code=pulumi.FileArchive("./app"))
allow_s3 = aws.lambda_.Permission("allow-s3", action="lambda:InvokeFunction", function=fn.name,
                                  principal="s3.amazonaws.com", source_arn=images.arn,
                                  source_account=aws.get_caller_identity().account_id)

# --- reported
# (a preview cannot tell yet: the policy's resource holds the bucket's ARN, known once the bucket exists)
aws.s3.BucketNotification("on-upload", bucket=images.id, lambda_functions=[
    aws.s3.BucketNotificationLambdaFunctionArgs(lambda_function_arn=fn.arn, events=["s3:ObjectCreated:*"],
                                                filter_suffix=".jpg")],
    opts=pulumi.ResourceOptions(depends_on=[allow_s3]))
aws.iam.RolePolicy("thumbnailer-writes", role=role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"],
                   "Resource": pulumi.Output.concat(images.arn, "/thumbnails/*")}],  # thumbnails are .jpg too
}))
# reported on thumbnailer in update: is triggered by BucketNotification "on-upload" (`lambdaFunctions[0]`,
#   `filterSuffix` ".jpg") and may write back into that bucket under keys that trigger it again: RolePolicy
#   "thumbnailer-writes" `policy` Statement[0] allows "s3:PutObject" on
#   "arn:aws:s3:::images-6756576/thumbnails/*". Write elsewhere (another bucket, or a prefix/suffix the filter
#   excludes) and scope `s3:PutObject` to that place.

# --- passes
aws.s3.BucketNotification("on-upload", bucket=images.id, lambda_functions=[
    aws.s3.BucketNotificationLambdaFunctionArgs(lambda_function_arn=fn.arn, events=["s3:ObjectCreated:*"],
                                                filter_prefix="uploads/", filter_suffix=".jpg")],
    opts=pulumi.ResourceOptions(depends_on=[allow_s3]))
aws.iam.RolePolicy("thumbnailer-writes", role=role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"],
                   "Resource": pulumi.Output.concat(images.arn, "/thumbnails/*")}],
}))
