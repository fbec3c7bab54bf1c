"""ACME's own rule, written the way aws-serverless-guard's rules are written."""

from typing import Iterator

from policypack.core.props import UNKNOWN, get, show
from policypack.core.rule import ADVISORY, LOW, Config, Resource, resource_rule

TAGGED = ["aws:lambda/function:Function", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2",
          "aws:sqs/queue:Queue", "aws:dynamodb/table:Table"]


@resource_rule(
    name="acme-cost-center-tag",
    description="Resources that cost money carry the `cost-center` tag finance reports on.",
    resource_types=TAGGED,
    enforcement_level=ADVISORY,
    severity=LOW,
    remediation_steps='Add `tags={"cost-center": "<your cost center>"}` (or set it once in the provider\'s '
    "`default_tags`).",
    url="https://wiki.example.com/finance/cost-centers",
    config_options={"tag": {"type": "string", "default": "cost-center", "description": "The tag key."}},
    tags=["acme", "cost"],
)
def cost_center_tag(resource: Resource, config: Config) -> Iterator[str]:
    key = config["tag"]
    for tags_property in ("tags", "tagsAll"):  # the provider's default tags count here
        tags = get(resource.props, tags_property)
        if tags is UNKNOWN or (isinstance(tags, dict) and (tags.get(key) is UNKNOWN or tags.get(key))):
            return
    yield f"no {show(key)} tag: add one naming the team that pays for this resource."
