"""Who can invoke a function from outside: resource-based permissions for anyone, and function URLs
without authentication.

A public function URL needs a permission for `*` (`lambda:InvokeFunctionUrl` with
`functionUrlAuthType` `NONE`, and `lambda:InvokeFunction` with `invokedViaFunctionUrl`): those
permissions follow from the URL's own `authorizationType`, which `aws-lambda-function-url-authenticated`
judges, so `aws-lambda-permission-not-public` leaves them to it.
"""

from __future__ import annotations

from typing import Any, Iterator, List, Optional

from ..core.arn import parse_arn
from ..core.conditions import arn_pattern_matches_everything, only_wildcards
from ..core.options import allow_list, allow_list_option
from ..core.props import UNKNOWN, get, show
from ..core.rule import CRITICAL, HIGH, MANDATORY, Config, Resource, resource_rule
from ..core.types import FUNCTION_URL, PERMISSION

ARN_LIMIT = 200  # characters of an ARN quoted in a message
PUBLIC_URL_AUTH = "NONE"


def _is_set(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and bool(value.strip()))


# -- aws-lambda-permission-not-public --------------------------------------------------------------

@resource_rule(
    name="aws-lambda-permission-not-public",
    description="A Lambda permission for any principal (`*`) names the source, account or organization that may invoke.",
    resource_types=[PERMISSION],
    enforcement_level=MANDATORY,
    severity=CRITICAL,
    remediation_steps="Name who invokes the function: the AWS service (`principal=\"s3.amazonaws.com\"`, "
    "`\"events.amazonaws.com\"`, ...) or account (`principal=\"123456789012\"`) instead of `\"*\"`, or keep `\"*\"` and "
    "pass `source_arn=<the invoking resource's ARN>`, `source_account=<your account ID>` or "
    "`principal_org_id=<your organization ID>`. For a public HTTPS endpoint use a function URL (whose "
    "authentication `aws-lambda-function-url-authenticated` checks) or API Gateway.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
    tags=["lambda", "iam", "public-access"],
)
def permission_not_public(resource: Resource, config: Config) -> Iterator[str]:
    props = resource.props
    principal = get(props, "principal")
    if not isinstance(principal, str) or principal.strip() != "*":
        return  # a named service, account or role; or not known yet
    if _serves_a_function_url(props):
        return
    if any(_is_set(get(props, key)) for key in ("sourceAccount", "principalOrgId")):
        return
    source_arn = get(props, "sourceArn")
    action = get(props, "action")
    what = f"call {show(action)} on" if isinstance(action, str) and action.strip() else "invoke"
    if _is_set(source_arn):
        if not arn_pattern_matches_everything(source_arn):
            return
        yield (f"`principal` is \"*\" and `sourceArn` is {show(source_arn, ARN_LIMIT)}, which matches every source: "
               f"anyone, in any AWS account, may {what} this function. Set `source_arn` to the ARN of the resource "
               "that invokes it (or `source_account` / `principal_org_id`), or name the invoking service or account "
               "in `principal`.")
        return
    yield (f"`principal` is \"*\" and none of `sourceArn`, `sourceAccount` and `principalOrgId` is set: anyone, in any "
           f"AWS account, may {what} this function. Name the invoking service or account in `principal`, or set "
           "`source_arn` to the resource that invokes it (or `source_account` / `principal_org_id`).")


def _serves_a_function_url(props: Any) -> bool:
    """The permission a function URL needs (or one whose URL link is not known yet)."""
    auth_type = get(props, "functionUrlAuthType")
    via_url = get(props, "invokedViaFunctionUrl")
    return (auth_type is UNKNOWN or (isinstance(auth_type, str) and auth_type.strip().upper() == PUBLIC_URL_AUTH)
            or via_url is UNKNOWN or via_url is True)


# -- aws-lambda-function-url-authenticated ---------------------------------------------------------

@resource_rule(
    name="aws-lambda-function-url-authenticated",
    description="Lambda function URLs require IAM authentication, except for functions listed as public.",
    resource_types=[FUNCTION_URL],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps="Set `authorization_type=\"AWS_IAM\"` on the `aws.lambda_.FunctionUrl` and let callers sign their "
    "requests (SigV4) with credentials that may `lambda:InvokeFunctionUrl`; or put the function behind an API "
    "Gateway route with an authorizer. A function that is public by design (a webhook that checks a signature "
    "itself) goes into `publicFunctions`.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
    config_options={
        "publicFunctions": allow_list_option(
            "Functions whose URL may have `authorizationType` NONE: function names (or ARNs), or the logical names "
            "of their `aws.lambda_.FunctionUrl` resources."),
    },
    tags=["lambda", "public-access", "authentication"],
)
def function_url_authenticated(resource: Resource, config: Config) -> Iterator[str]:
    auth_type = get(resource.props, "authorizationType")
    if not isinstance(auth_type, str) or auth_type.strip().upper() != PUBLIC_URL_AUTH:
        return  # AWS_IAM, or not known yet
    public = allow_list(config, "publicFunctions")
    function = get(resource.props, "functionName")
    if public:
        names = [resource.name, *_function_names(function)]
        if any(name in public for name in names):
            return
        if function is UNKNOWN:
            return  # the function's name is only known in the update: decide there
    named = f" of {show(function, ARN_LIMIT)}" if isinstance(function, str) and function.strip() else ""
    yield (f"`authorizationType` is \"NONE\": anyone on the internet who finds the URL{named} can invoke the function "
           "(and run up its bill). Set it to \"AWS_IAM\" and sign the requests, or, if the function is public by "
           "design, add its name to `publicFunctions`.")


def _function_names(function: Any) -> List[str]:
    """`fn`, plus the name inside an ARN (`arn:aws:lambda:...:function:fn[:alias]` -> `fn`)."""
    if not isinstance(function, str) or not function.strip():
        return []
    text = function.strip()
    names = [text]
    name = _name_in_arn(text)
    if name:
        names.append(name)
    return names


def _name_in_arn(text: str) -> Optional[str]:
    arn = parse_arn(text)
    if arn is None or not arn.resource.startswith("function:"):
        return None
    name = arn.resource[len("function:"):].split(":", 1)[0]
    return name if name and not only_wildcards(name) else None


POLICIES = [permission_not_public, function_url_authenticated]
