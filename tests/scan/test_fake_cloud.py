"""What programs see in update mode from the mocked cloud: the outputs and lookups real programs use
(pulumi/examples' REST APIs, `aws.iam.get_policy_document`), so they run to the end and the pack
judges what they really declare."""

from __future__ import annotations

import json

from policypack.engine.fake_cloud import policy_document
from policypack.engine.program import run_program
from tests.scan.conftest import write_program

PROGRAM = """
import pulumi, pulumi_aws as aws
doc = aws.iam.get_policy_document(statements=[aws.iam.GetPolicyDocumentStatementArgs(
    actions=["sts:AssumeRole"],
    principals=[aws.iam.GetPolicyDocumentStatementPrincipalArgs(type="Service", identifiers=["lambda.amazonaws.com"])],
    conditions=[aws.iam.GetPolicyDocumentStatementConditionArgs(test="StringEquals", variable="aws:SourceAccount",
                                                                values=["123456789012"])])])
aws.iam.Role("role", assume_role_policy=doc.json)
api = aws.apigateway.RestApi("api")
aws.lambda_.Permission("invoke", action="lambda:InvokeFunction", function="fn", principal="apigateway.amazonaws.com",
                       source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"))
aws.apigateway.Resource("items", rest_api=api.id, parent_id=api.root_resource_id, path_part="items")
"""


def test_a_program_using_lookups_and_api_outputs_runs_in_update(tmp_path):
    stack = run_program(write_program(tmp_path / "app", PROGRAM), preview=False)
    props = {s.name: s.props for s in stack.resources}
    assert json.loads(props["role"]["assumeRolePolicy"]) == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"},
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]}
    assert props["invoke"]["sourceArn"] == "arn:aws:execute-api:us-west-2:123456789012:api-rest/*/*"
    assert props["items"]["parentId"] == "api-root" and props["items"]["restApi"] == "api-rest"


def test_policy_documents_keep_lists_not_actions_and_every_principal():
    assert policy_document({"version": "2012-10-17", "statements": [
        {"sid": "Deny", "effect": "Deny", "notActions": ["s3:GetObject", "s3:ListBucket"], "resources": ["*"],
         "principals": [{"type": "*", "identifiers": ["*"]}]},
        {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"],
         "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]}]},
    ]}) == {"Version": "2012-10-17", "Statement": [
        {"Sid": "Deny", "Effect": "Deny", "NotAction": ["s3:GetObject", "s3:ListBucket"], "Resource": "*",
         "Principal": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
         "Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]}},
    ]}
