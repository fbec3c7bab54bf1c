import pulumi_aws as aws
from _common import lambda_function

fn = lambda_function("thumbnailer")
uploads = aws.s3.Bucket("uploads")

# --- reported
allow_s3 = aws.lambda_.Permission("allow-s3", action="lambda:InvokeFunction", function=fn.name,
                                  principal="s3.amazonaws.com")
# reported on allow-s3: `sourceAccount` is not set for "s3.amazonaws.com": bucket ARNs carry no account ID, so
#   a bucket of the same name in another account would match. Set `source_account` to your account ID.
# reported on allow-s3: `sourceArn` is not set for the service principal "s3.amazonaws.com": the service can
#   invoke the function on behalf of any resource, in any account (confused deputy). Set `source_arn` to the
#   invoking resource's ARN.

# --- passes
allow_s3 = aws.lambda_.Permission("allow-s3", action="lambda:InvokeFunction", function=fn.name,
                                  principal="s3.amazonaws.com", source_arn=uploads.arn,
                                  source_account=aws.get_caller_identity().account_id)
