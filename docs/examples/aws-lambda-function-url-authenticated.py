import pulumi_aws as aws
from _common import lambda_function

fn = lambda_function("report")

# --- reported
aws.lambda_.FunctionUrl("report-url", function_name=fn.name, authorization_type="NONE")
# reported on report-url: `authorizationType` is "NONE": anyone on the internet who finds the URL of
#   "report-0a72915" can invoke the function (and run up its bill). Set it to "AWS_IAM" and sign the requests,
#   or, if the function is public by design, add its name to `publicFunctions`.

# --- passes
aws.lambda_.FunctionUrl("report-url", function_name=fn.name, authorization_type="AWS_IAM")
