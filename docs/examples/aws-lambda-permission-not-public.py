import pulumi_aws as aws
from _common import lambda_function

fn = lambda_function("order-sync")

# --- reported
aws.lambda_.Permission("anyone", action="lambda:InvokeFunction", function=fn.name, principal="*")
# reported on anyone: `principal` is "*" and none of `sourceArn`, `sourceAccount` and `principalOrgId` is set:
#   anyone, in any AWS account, may call "lambda:InvokeFunction" on this function. Name the invoking service
#   or account in `principal`, or set `source_arn` to the resource that invokes it (or `source_account` /
#   `principal_org_id`).

# --- passes
aws.lambda_.Permission("our-organization", action="lambda:InvokeFunction", function=fn.name, principal="*",
                       principal_org_id="o-a1b2c3d4e5")
