"""The cloud the mocks pretend to be: plausible outputs for created resources and invoke results.

In update mode the program sees these values (IDs, ARNs, URLs) as a real `pulumi up` would; in
preview they stay unknown. The account and region are fixed so results are reproducible.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from .provider_check import physical_name

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-west-2"


SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG[0]) == SECRET_SIG[1]


def fake_outputs(resource_type: str, name: str, inputs: Dict[str, Any], region: str) -> Dict[str, Any]:
    """The computed outputs; every one built from a secret name is itself a secret (as the engine
    keeps secretness through a provider's outputs), so no ARN or URL spells a secret out."""
    given = physical_name(resource_type, inputs)
    secret = _is_secret(given)
    physical = given.get("value") if secret else given
    if not isinstance(physical, str) or not physical:
        physical = name
    out = _outputs(resource_type, name, physical, region, inputs)
    if secret:
        out = {k: {SECRET_SIG[0]: SECRET_SIG[1], "value": v} if physical in str(v) else v for k, v in out.items()}
    return out


def resource_id(outputs: Dict[str, Any], name: str) -> str:
    """The ID the mocks return: the provider's ID when it is a plain string, else one from the name."""
    value = outputs.get("id")
    return value if isinstance(value, str) and value else f"{name}-id"


def _outputs(resource_type: str, name: str, physical: str, region: str, inputs: Dict[str, Any]) -> Dict[str, Any]:
    service, _, kind = resource_type.partition(":")[2].partition("/")
    kind = kind.split(":")[0]
    prefix = f"arn:aws:{service}:{region}:{ACCOUNT_ID}"
    out: Dict[str, Any] = {}
    if resource_type in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        out.update(arn=f"arn:aws:s3:::{physical}", bucket=physical, id=physical,
                   bucketDomainName=f"{physical}.s3.amazonaws.com")
    elif resource_type == "aws:lambda/function:Function":
        arn = f"{prefix}:function:{physical}"
        out.update(arn=arn, name=physical, qualifiedArn=f"{arn}:$LATEST",
                   invokeArn=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations")
    elif resource_type.startswith("aws:iam/"):
        out.update(arn=f"arn:aws:iam::{ACCOUNT_ID}:{kind}/{physical}", name=physical)
    elif resource_type == "aws:sqs/queue:Queue":
        out.update(arn=f"{prefix}:{physical}", name=physical,
                   url=f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{physical}")
    elif resource_type == "aws:sns/topic:Topic":
        out.update(arn=f"{prefix}:{physical}", name=physical)
    elif resource_type == "aws:kms/key:Key":
        out.update(arn=f"{prefix}:key/{name}-0000", keyId=f"{name}-0000")
    elif resource_type == "aws:cloudwatch/logGroup:LogGroup":
        out.update(arn=f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{physical}", name=physical)
    elif resource_type == "aws:apigatewayv2/api:Api":
        api_id = f"{name}-api"
        out.update(id=api_id, arn=f"arn:aws:apigateway:{region}::/apis/{api_id}",
                   executionArn=f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{api_id}",
                   apiEndpoint=f"https://{api_id}.execute-api.{region}.amazonaws.com")
    elif resource_type == "aws:apigatewayv2/stage:Stage":
        out.update(arn=f"arn:aws:apigateway:{region}::/apis/x/stages/{physical}",
                   invokeUrl=f"https://api.execute-api.{region}.amazonaws.com/{physical}")
    elif resource_type == "aws:apigateway/restApi:RestApi":
        api_id = f"{name}-rest"
        out.update(id=api_id, rootResourceId=f"{name}-root", arn=f"arn:aws:apigateway:{region}::/restapis/{api_id}",
                   executionArn=f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{api_id}")
    elif resource_type in ("aws:apigateway/stage:Stage", "aws:apigateway/deployment:Deployment"):
        # as AWS builds them: `<execution ARN of the REST API>/<stage>`
        api_id = inputs.get("restApi") if isinstance(inputs.get("restApi"), str) else "api"
        stage = inputs.get("stageName") if isinstance(inputs.get("stageName"), str) else ""
        out.update(executionArn=f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{api_id}/{stage}",
                   invokeUrl=f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}")
    elif resource_type == "aws:dynamodb/table:Table":
        out.update(id=physical, name=physical, arn=f"{prefix}:table/{physical}")
    elif resource_type == "aws:sfn/stateMachine:StateMachine":
        out.update(name=physical, arn=f"{prefix}:stateMachine:{physical}")
    elif resource_type == "aws:eks/cluster:Cluster":
        out.update(name=physical, arn=f"{prefix}:cluster/{physical}",
                   endpoint=f"https://{physical}.gr7.{region}.eks.amazonaws.com",
                   certificateAuthority={"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"})
    elif resource_type == "aws:secretsmanager/secret:Secret":
        arn = f"{prefix}:secret:{physical}-AbCdEf"
        out.update(id=arn, name=physical, arn=arn)
    else:
        out.update(arn=f"{prefix}:{kind}/{str(physical).lstrip('/')}")
    return out


def engine_outputs(resource_type: str, name: str, inputs: Dict[str, Any], region: str,
                    preview: bool) -> Dict[str, Any]:
    """The outputs the engine would hold for the resource, in its JSON form.

    The same values the mocks return to the program (update), or, in preview, the inputs with the
    computed outputs unknown - as a provider's preview of a create returns them.
    """
    from pulumi.runtime.rpc import UNKNOWN  # the engine's unknown sentinel

    outputs = dict(inputs)
    for key, value in fake_outputs(resource_type, name, inputs, region).items():
        outputs.setdefault(key, UNKNOWN if preview else value)
    return outputs


def invoke_result(token: str, args: Dict[str, Any], region: str) -> Dict[str, Any]:
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline", "userId": "OFFLINE", "id": ACCOUNT_ID}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com"}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        names = [f"{region}{z}" for z in "abc"]
        return {"names": names, "zoneIds": [f"usw2-az{i}" for i in range(1, 4)], "id": region}
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        document = json.dumps(policy_document(args))
        return {"json": document, "minifiedJson": document, "id": "policy-document"}
    return {}


def policy_document(args: Dict[str, Any]) -> Dict[str, Any]:
    """The IAM JSON `aws.iam.get_policy_document` builds from its statements (as the provider does)."""
    statements = []
    for given in args.get("statements") or []:
        statement: Dict[str, Any] = {}
        for key, name in (("sid", "Sid"), ("effect", "Effect")):
            if given.get(key):
                statement[name] = given[key]
        statement.setdefault("Effect", "Allow")
        for key, name in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"),
                          ("notResources", "NotResource")):
            values = given.get(key)
            if values:
                statement[name] = values[0] if len(values) == 1 else list(values)
        for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            principals: Dict[str, Any] = {}
            for principal in given.get(key) or []:
                identifiers = principal.get("identifiers") or []
                if principal.get("type") == "*" and identifiers == ["*"]:
                    principals = "*"
                    break
                principals.setdefault(principal.get("type"), []).extend(identifiers)
            if principals:
                statement[name] = principals if principals == "*" else {
                    t: ids[0] if len(ids) == 1 else ids for t, ids in principals.items()}
        conditions: Dict[str, Dict[str, Any]] = {}
        for condition in given.get("conditions") or []:
            values = condition.get("values") or []
            conditions.setdefault(condition.get("test"), {})[condition.get("variable")] = (
                values[0] if len(values) == 1 else values)
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return {"Version": args.get("version") or "2012-10-17", "Statement": statements}
