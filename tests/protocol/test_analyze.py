"""Analyze and AnalyzeStack on the running pack: the exact diagnostics for a representative set.

One violating and one compliant resource per service family, and one small stack, sent over
gRPC as the engine sends them; each diagnostic is compared whole (policy, level, message, URN,
severity).
"""

from __future__ import annotations

import json

from policypack.engine.requests import Diagnostic

from .states import FUNCTION, ROLE_ARN, function, state


def test_compliant_function_has_no_diagnostics(pack):
    assert pack.analyze(function()) == []


def test_function_violations_are_reported_exactly(pack):
    fn = function(
        vpcConfig={"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]},
        reservedConcurrentExecutions=-1,
        tracingConfig={"mode": "PassThrough"},
        deadLetterConfig={"targetArn": "arn:aws:s3:::b"},
        environment={"variables": {"DB_PASSWORD": "hunter2", "AWS_REGION": "us-west-2"}},
    )
    assert pack.analyze(fn) == [
        Diagnostic("aws-lambda-function-in-vpc", "mandatory",
                   "`vpcConfig.subnetIds` lists 1 subnet(s), fewer than 2 (`minSubnets`): add subnets in other "
                   "Availability Zones so the function survives the loss of one zone.", fn.urn, "medium"),
        Diagnostic("aws-lambda-function-dead-letter-target", "mandatory",
                   '`deadLetterConfig.targetArn` is "arn:aws:s3:::b", not an SQS queue or SNS topic ARN: pass the '
                   "queue's or topic's `arn` (not its name or URL).", fn.urn, "medium"),
        Diagnostic("aws-lambda-function-concurrency-limit", "advisory",
                   "`reservedConcurrentExecutions` is -1 (unreserved), so the function can take the whole account's "
                   "concurrency: set `reserved_concurrent_executions` between 1 and 1000, read from stack config.",
                   fn.urn, "low"),
        Diagnostic("aws-lambda-function-environment-valid", "mandatory",
                   '`environment.variables` sets "AWS_REGION", a name Lambda reserves for the runtime: rename the '
                   "variable.", fn.urn, "medium"),
        Diagnostic("aws-lambda-function-no-plaintext-secrets", "mandatory",
                   "`environment.variables.DB_PASSWORD` holds a literal value and its name marks it as a secret "
                   "(readable by anyone who can read the function's configuration): put it in Secrets Manager or an "
                   "SSM SecureString and pass its ARN or name instead (if it already is a parameter or secret name, "
                   "say so in the variable's name: end it with _ARN, _NAME or _PARAM).", fn.urn, "critical"),
        Diagnostic("aws-lambda-function-tracing-active", "advisory",
                   '`tracingConfig.mode` is "PassThrough": set it to "Active".', fn.urn, "low"),
    ]


def test_wildcard_role_policy_is_reported_by_each_iam_rule(pack):
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    policy = state("aws:iam/rolePolicy:RolePolicy", "wide", {"role": "fn-role", "policy": json.dumps(document)})
    assert pack.analyze(policy) == [
        Diagnostic("aws-iam-no-wildcard-actions", "mandatory",
                   '`policy` Statement[0] allows "s3:*": list only the actions the workload calls '
                   '(e.g. "s3:GetObject").', policy.urn, "high"),
        Diagnostic("aws-iam-no-wildcard-resources", "mandatory",
                   '`policy` Statement[0] allows "s3:*" on "*": name the resources (ARNs) it needs; only actions '
                   'without resource-level permissions (such as "xray:PutTraceSegments") may use "*".',
                   policy.urn, "high"),
        Diagnostic("aws-iam-s3-access-prefix-scoped", "mandatory",
                   '`policy` Statement[0] grants "s3:*" on "*", every object of every bucket: grant them on the key '
                   'prefix the workload uses (e.g. "arn:aws:s3:::<bucket>/uploads/*").', policy.urn, "medium"),
    ]


def test_scoped_role_policy_has_no_diagnostics(pack):
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::uploads-1a2b3c4/incoming/*"},
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": "*"},
    ]}
    policy = state("aws:iam/rolePolicy:RolePolicy", "scoped", {"role": "fn-role", "policy": json.dumps(document)})
    assert pack.analyze(policy) == []


def test_aws_managed_policy_attachment_is_reported(pack):
    attachment = state("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin",
                       {"role": "fn-role", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    assert pack.analyze(attachment) == [
        Diagnostic("aws-iam-no-aws-managed-policies", "mandatory",
                   '`policyArn` attaches the AWS-managed policy "arn:aws:iam::aws:policy/AdministratorAccess", '
                   "written for every AWS customer and broader than this workload needs: attach an inline or "
                   "customer-managed policy scoped to its own resources, or list it in `allowedManagedPolicies`.",
                   attachment.urn, "medium"),
    ]


def test_unencrypted_queue_is_reported_and_encrypted_one_passes(pack):
    plain_queue = state("aws:sqs/queue:Queue", "jobs", {"name": "jobs-1a2b3c4"})
    encrypted = state("aws:sqs/queue:Queue", "jobs-kms", {
        "name": "jobs-kms-1a2b3c4", "kmsMasterKeyId": "arn:aws:kms:us-west-2:123456789012:key/k-1"})
    assert pack.analyze(plain_queue) == [
        Diagnostic("aws-sqs-queue-encrypted", "mandatory",
                   "`kmsMasterKeyId` is not set, so no key you control protects the queued messages: set it to a "
                   "customer-managed KMS key (e.g. `key.arn`).", plain_queue.urn, "high"),
    ]
    assert pack.analyze(encrypted) == []


def test_notification_without_filter_is_reported(pack):
    notification = state("aws:s3/bucketNotification:BucketNotification", "notify", {
        "bucket": "uploads-1a2b3c4",
        "lambdaFunctions": [{"lambdaFunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:fn-1a2b3c4",
                             "events": ["s3:ObjectCreated:*"]}],
    })
    assert pack.analyze(notification) == [
        Diagnostic("aws-s3-notification-filter", "mandatory",
                   "`lambdaFunctions[0].filterSuffix` is not set, so objects of any type trigger this destination: "
                   'set the suffix of the objects it handles (e.g. ".jpg").', notification.urn, "medium"),
    ]


def test_wildcard_cors_origin_is_reported(pack):
    api = state("aws:apigatewayv2/api:Api", "http", {
        "name": "http-1a2b3c4", "protocolType": "HTTP", "corsConfiguration": {"allowOrigins": ["*"]}})
    assert pack.analyze(api) == [
        Diagnostic("aws-cors-no-wildcard-origin", "mandatory",
                   '`corsConfiguration.allowOrigins` allows any origin ("*"): list the exact https:// origins of the '
                   'web apps that call it (e.g. "https://app.example.com").', api.urn, "high"),
    ]


def test_unscoped_s3_permission_is_reported_twice(pack):
    permission = state("aws:lambda/permission:Permission", "s3-invoke", {
        "action": "lambda:InvokeFunction", "function": "fn-1a2b3c4", "principal": "s3.amazonaws.com"})
    assert pack.analyze(permission) == [
        Diagnostic("aws-lambda-permission-source-scoped", "mandatory",
                   '`sourceArn` is not set for the service principal "s3.amazonaws.com": the service can invoke the '
                   "function on behalf of any resource, in any account (confused deputy). Set `source_arn` to the "
                   "invoking resource's ARN.", permission.urn, "high"),
        Diagnostic("aws-lambda-permission-source-scoped", "mandatory",
                   '`sourceAccount` is not set for "s3.amazonaws.com": bucket ARNs carry no account ID, so a bucket '
                   "of the same name in another account would match. Set `source_account` to your account ID.",
                   permission.urn, "high"),
    ]


def test_secret_parameter_as_plain_string_is_reported(pack):
    parameter = state("aws:ssm/parameter:Parameter", "db-password", {
        "name": "/app/db/password", "type": "String", "value": "not-shown"})
    assert pack.analyze(parameter) == [
        Diagnostic("aws-ssm-parameter-secure-string", "mandatory",
                   '`name` "/app/db/password" marks it as a secret ("password"), but `type` is "String": make it '
                   '"SecureString" with `keyId` set to a customer-managed KMS key.', parameter.urn, "high"),
        Diagnostic("aws-resource-name-unique", "mandatory",
                   # the pack reads the stack name from PULUMI_STACK, as the CLI sets it
                   '`name` is "/app/db/password", which carries neither the stack name "dev" nor a random suffix, '
                   "so a second stack of this program in the same account collides with it: add `pulumi.get_stack()` "
                   "to it, or drop `name` so Pulumi autonames the resource.", parameter.urn, "high"),
    ]


def test_key_without_rotation_is_reported_and_rotating_key_passes(pack):
    key = state("aws:kms/key:Key", "key", {"customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                                           "keyUsage": "ENCRYPT_DECRYPT", "enableKeyRotation": False})
    assert pack.analyze(key) == [
        Diagnostic("aws-kms-key-rotation-enabled", "mandatory", "`enableKeyRotation` is false: set it to true.",
                   key.urn, "high"),
    ]
    assert pack.analyze(state("aws:kms/key:Key", "rotating", {"enableKeyRotation": True})) == []


def test_stack_policies_report_on_the_resource_they_concern(pack):
    fn = state(FUNCTION, "fn", {"name": "fn-1a2b3c4", "runtime": "python3.12", "role": ROLE_ARN})
    bucket = state("aws:s3/bucketV2:BucketV2", "uploads", {"bucket": "uploads-1a2b3c4"})
    notification = state(
        "aws:s3/bucketNotification:BucketNotification", "notify",
        {"bucket": "uploads-1a2b3c4", "lambdaFunctions": [{
            "lambdaFunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:fn-1a2b3c4",
            "events": ["s3:ObjectCreated:*"], "filterSuffix": ".jpg"}]},
        dependencies=[bucket.urn, fn.urn],
        property_dependencies={"bucket": [bucket.urn], "lambdaFunctions": [fn.urn]},
    )
    assert pack.analyze_stack([fn, bucket, notification]) == [
        Diagnostic("aws-lambda-async-failure-destination", "mandatory",
                   "`deadLetterConfig.targetArn` is not set and no FunctionEventInvokeConfig sets "
                   '`destinationConfig.onFailure.destination` for it, yet BucketNotification "notify" invokes it '
                   "asynchronously: events that still fail after Lambda's two retries are lost. Set "
                   "`deadLetterConfig.targetArn` to an SQS queue or SNS topic ARN, or add a "
                   "FunctionEventInvokeConfig with an on-failure destination.", fn.urn, "high"),
        Diagnostic("aws-s3-bucket-encryption-kms", "mandatory",
                   "has no default encryption configuration, so S3 encrypts its new objects with S3-managed keys "
                   "(SSE-S3, S3's default since January 2023), whose use no key policy restricts or audits: add a "
                   'BucketServerSideEncryptionConfiguration for it with `sseAlgorithm` "aws:kms" and '
                   "`kmsMasterKeyId` set to a customer-managed KMS key.",
                   bucket.urn, "high"),
        Diagnostic("aws-s3-bucket-public-access-block", "mandatory",
                   "has no BucketPublicAccessBlock: S3 turns the four settings on for buckets created since April "
                   "2023, but nothing in the stack keeps them on, so a change made outside it can turn them off "
                   "unseen: add one for it with `blockPublicAcls`, `blockPublicPolicy`, `ignorePublicAcls` and "
                   "`restrictPublicBuckets` all true.", bucket.urn, "critical"),
        Diagnostic("aws-s3-bucket-tls-only", "advisory",
                   "has no bucket policy: add a BucketPolicy whose statement denies `s3:*` when "
                   '`aws:SecureTransport` is "false".', bucket.urn, "medium"),
        Diagnostic("aws-s3-notification-lambda-permission", "mandatory",
                   'its Lambda destination Function "fn" (`lambdaFunctions`) has no Permission that lets '
                   '`s3.amazonaws.com` invoke it: add one with `sourceArn` the ARN of BucketV2 "uploads" and list '
                   "it in this notification's `depends_on`.", notification.urn, "high"),
        Diagnostic("aws-lambda-function-alarms", "mandatory",
                   "no MetricAlarm watches `Errors`, `Throttles`, `Duration`, `Invocations` in `AWS/Lambda` with "
                   "`dimensions.FunctionName` set to this function's name: add one alarm per missing metric "
                   '(`dimensions={"FunctionName": fn.name}`).', fn.urn, "medium"),
    ]


def test_resource_types_no_rule_knows_pass(pack):
    other = state("aws:ec2/vpc:Vpc", "network", {"cidrBlock": "10.20.0.0/16", "enableDnsSupport": True})
    assert pack.analyze(other) == []


# -- public exposure (catalog v2) ------------------------------------------------------------------

def _document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_a_public_bucket_policy_is_reported_and_a_cloudfront_oac_policy_passes(pack):
    public = state("aws:s3/bucketPolicy:BucketPolicy", "site-public", {"bucket": "site-1a2b3c4", "policy": _document(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site-1a2b3c4/*"})})
    oac = state("aws:s3/bucketPolicy:BucketPolicy", "site-oac", {"bucket": "site-1a2b3c4", "policy": _document(
        {"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::site-1a2b3c4/*", "Condition": {"StringEquals": {
             "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::site-1a2b3c4/*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}})})
    assert pack.analyze(public) == [
        Diagnostic("aws-resource-policy-not-public", "mandatory",
                   '`policy` Statement[0] allows "s3:GetObject" to anyone (`Principal` "*"): name the principals '
                   "(account or role ARNs, or a service with an `aws:SourceArn` condition), or add a condition that "
                   "limits the caller (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, ...), or list the "
                   "bucket in `publicBuckets` if it serves public reads by design.", public.urn, "critical"),
    ]
    assert pack.analyze(oac) == []
    pack.configure({"aws-resource-policy-not-public": {"publicBuckets": ["site-1a2b3c4"]}})
    assert pack.analyze(public) == []


GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def test_a_role_any_github_repository_can_assume_is_reported_and_a_scoped_one_passes(pack):
    def role(name, subject):
        return state("aws:iam/role:Role", name, {
            "name": f"{name}-1a2b3c4", "arn": f"arn:aws:iam::123456789012:role/{name}-1a2b3c4",
            "assumeRolePolicy": _document({
                "Effect": "Allow", "Principal": {"Federated": GITHUB}, "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                              "StringLike": {"token.actions.githubusercontent.com:sub": subject}}})})

    open_role, scoped = role("deploy-any", "repo:*"), role("deploy", "repo:my-org/app:ref:refs/heads/main")
    assert pack.analyze(open_role) == [
        Diagnostic("aws-iam-role-trust-scoped", "mandatory",
                   f'`assumeRolePolicy` Statement[0] lets every holder of a token from the identity provider "{GITHUB}" '
                   'assume the role without a condition on "token.actions.githubusercontent.com:sub" that names a '
                   'specific subject: add `"StringEquals": {"token.actions.githubusercontent.com:aud": '
                   '"sts.amazonaws.com", "token.actions.githubusercontent.com:sub": '
                   '"repo:<org>/<repo>:ref:refs/heads/main"}`.', open_role.urn, "critical"),
    ]
    assert pack.analyze(scoped) == []


def test_a_public_function_url_and_a_permission_for_anyone_are_reported(pack):
    url = state("aws:lambda/functionUrl:FunctionUrl", "webhook-url", {"functionName": "webhook-1a2b3c4",
                                                                       "authorizationType": "NONE"})
    url_permission = state("aws:lambda/permission:Permission", "webhook-url-invoke", {
        "action": "lambda:InvokeFunctionUrl", "function": "webhook-1a2b3c4", "principal": "*",
        "functionUrlAuthType": "NONE"})
    anyone = state("aws:lambda/permission:Permission", "webhook-invoke", {
        "action": "lambda:InvokeFunction", "function": "webhook-1a2b3c4", "principal": "*"})
    assert pack.analyze(url) == [
        Diagnostic("aws-lambda-function-url-authenticated", "mandatory",
                   '`authorizationType` is "NONE": anyone on the internet who finds the URL of "webhook-1a2b3c4" can '
                   'invoke the function (and run up its bill). Set it to "AWS_IAM" and sign the requests, or, if the '
                   "function is public by design, add its name to `publicFunctions`.", url.urn, "high"),
    ]
    assert pack.analyze(url_permission) == []  # the URL's own permission: the URL rule's business
    assert pack.analyze(anyone) == [
        Diagnostic("aws-lambda-permission-not-public", "mandatory",
                   '`principal` is "*" and none of `sourceArn`, `sourceAccount` and `principalOrgId` is set: anyone, '
                   'in any AWS account, may call "lambda:InvokeFunction" on this function. Name the invoking service '
                   "or account in `principal`, or set `source_arn` to the resource that invokes it (or "
                   "`source_account` / `principal_org_id`).", anyone.urn, "critical"),
    ]
    pack.configure({"aws-lambda-function-url-authenticated": {"publicFunctions": ["webhook-1a2b3c4"]}})
    assert pack.analyze(url) == []


def test_a_route_without_authorizer_is_advisory_and_public_routes_are_configurable(pack):
    route = state("aws:apigatewayv2/route:Route", "health-route", {"apiId": "a1b2c3d4e5", "routeKey": "GET /health",
                                                                     "target": "integrations/abc123"})
    assert pack.analyze(route) == [
        Diagnostic("aws-apigatewayv2-route-authorized", "advisory",
                   '`authorizationType` is not set (NONE) on route "GET /health": anyone who finds the API can call '
                   'it. Set "AWS_IAM", "JWT" or "CUSTOM" with an authorizer, or list the route key in `publicRoutes` '
                   "if it is public by design.", route.urn, "high"),
    ]
    pack.configure({"aws-apigatewayv2-route-authorized": {"publicRoutes": ["GET /health"]}})
    assert pack.analyze(route) == []


def test_queues_and_topics_under_the_aws_managed_key_are_reported(pack):
    queue = state("aws:sqs/queue:Queue", "events", {"name": "events-1a2b3c4", "kmsMasterKeyId": "alias/aws/sqs"})
    topic = state("aws:sns/topic:Topic", "alerts", {
        "name": "alerts-1a2b3c4", "kmsMasterKeyId": "arn:aws:kms:us-west-2:123456789012:alias/aws/sns"})
    assert [(d.policy, d.level, d.urn) for d in pack.analyze(queue) + pack.analyze(topic)] == [
        ("aws-sqs-queue-encrypted", "mandatory", queue.urn), ("aws-sns-topic-encrypted", "mandatory", topic.urn)]
    pack.configure({"aws-sqs-queue-encrypted": {"allowAwsManagedKey": True},
                    "aws-sns-topic-encrypted": {"allowAwsManagedKey": True}})
    assert pack.analyze(queue) + pack.analyze(topic) == []
