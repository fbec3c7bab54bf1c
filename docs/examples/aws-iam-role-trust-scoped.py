import json
import pulumi_aws as aws

# --- reported
aws.iam.Role("deploy", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
}))
# reported on deploy: `assumeRolePolicy` Statement[0] lets anyone with AWS credentials, in any account, assume
#   the role (`Principal.AWS` "*"): name the roles or accounts that assume it, or limit it with an
#   `aws:PrincipalOrgID` or `aws:PrincipalArn` condition.

# --- passes
aws.iam.Role("deploy", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:role/ci-deployer"},
                   "Action": "sts:AssumeRole"}],
}))
