"""Stack rules about S3 buckets and what is attached to them: default encryption, public access
block, TLS-only bucket policy (the wiring of bucket notifications to Lambda functions is in
`s3_notifications.py`)."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from ...core.graph import Node, StackGraph
from ...core.iam import covers_any, documents_of, parse_document
from ...core.props import UNKNOWN, get, show
from ...core.rule import ADVISORY, CRITICAL, HIGH, MANDATORY, MEDIUM, Config, Resource, StackViolation, stack_rule
from ...core.types import BUCKET_POLICY, BUCKET_PUBLIC_ACCESS_BLOCK, BUCKET_SSE_TYPES, BUCKET_TYPES
from .indexes import bucket_attachments
from .links import label

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
AWS_MANAGED_S3_KEY = "alias/aws/s3"

# -- aws-s3-bucket-encryption-kms ------------------------------------------------------------------

OK = "ok"


def _encryption_defaults(node: Node) -> Iterator[Tuple[str, Any]]:
    """(path, `applyServerSideEncryptionByDefault` value) of a bucket's inline configuration
    (pulumi-aws 7 `Bucket` and 6 `Bucket`: one rule; 6 `BucketV2`: lists) or of an SSE resource."""
    if node.type in BUCKET_SSE_TYPES:
        rules = node.get("rules")
        if rules is UNKNOWN:
            yield "rules", UNKNOWN
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            yield f"rules[{i}].applyServerSideEncryptionByDefault", get(rule, "applyServerSideEncryptionByDefault")
        return
    single = node.get("serverSideEncryptionConfiguration")
    if single is UNKNOWN:
        yield "serverSideEncryptionConfiguration", UNKNOWN
    elif isinstance(single, dict):
        path = "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault"
        yield path, get(single, "rule.applyServerSideEncryptionByDefault")
    many = node.get("serverSideEncryptionConfigurations")
    if many is UNKNOWN:
        yield "serverSideEncryptionConfigurations", UNKNOWN
    for i, conf in enumerate(many if isinstance(many, list) else []):
        rules = get(conf, "rules")
        if rules is UNKNOWN:
            yield f"serverSideEncryptionConfigurations[{i}].rules", UNKNOWN
        for j, rule in enumerate(rules if isinstance(rules, list) else []):
            defaults = get(rule, "applyServerSideEncryptionByDefaults")
            if defaults is UNKNOWN:
                yield f"serverSideEncryptionConfigurations[{i}].rules[{j}]", UNKNOWN
            for k, value in enumerate(defaults if isinstance(defaults, list) else []):
                yield (f"serverSideEncryptionConfigurations[{i}].rules[{j}]"
                       f".applyServerSideEncryptionByDefaults[{k}]", value)


def _encryption_problem(path: str, defaults: Any, whose: str = "") -> str:
    """OK, or what is wrong with one `applyServerSideEncryptionByDefault` block."""
    if defaults is UNKNOWN:
        return OK
    algorithm = get(defaults, "sseAlgorithm")
    key = get(defaults, "kmsMasterKeyId")
    if algorithm is UNKNOWN:
        return OK
    if algorithm not in KMS_ALGORITHMS:
        state = "is not set" if algorithm is None else f"is {show(algorithm)}"
        return (f"`{path}.sseAlgorithm` {state}{whose}: use \"aws:kms\" with `kmsMasterKeyId` set to a "
                "customer-managed KMS key (AES256 is SSE-S3, what S3 applies anyway: its keys cannot be scoped "
                "or audited per bucket).")
    if key is UNKNOWN:
        return OK
    if not isinstance(key, str) or not key.strip():
        return (f"`{path}.kmsMasterKeyId` is not set{whose}, so S3 uses the AWS-managed key "
                f"\"{AWS_MANAGED_S3_KEY}\": set it to the ARN of a customer-managed aws.kms.Key.")
    if key == AWS_MANAGED_S3_KEY or key.endswith(":" + AWS_MANAGED_S3_KEY):
        return (f"`{path}.kmsMasterKeyId` is {show(key)}{whose}, the AWS-managed key: set it to the ARN of a "
                "customer-managed aws.kms.Key.")
    return OK


@stack_rule(
    name="aws-s3-bucket-encryption-kms",
    description="Every bucket encrypts objects by default with a customer-managed KMS key.",
    resource_types=[*BUCKET_TYPES, *BUCKET_SSE_TYPES],
    enforcement_level=MANDATORY,
    severity=HIGH,
    remediation_steps=(
        "Add an `aws.s3.BucketServerSideEncryptionConfiguration` for the bucket with a rule "
        "`apply_server_side_encryption_by_default` of `sse_algorithm=\"aws:kms\"` and "
        "`kms_master_key_id=key.arn` for an `aws.kms.Key` of the stack (optionally `bucket_key_enabled=True`). "
        "S3 has encrypted every new object since January 2023 (SSE-S3, S3-managed keys) without any "
        "configuration; the point of the rule is the customer-managed key, whose key policy decides who may "
        "decrypt and whose every use CloudTrail records."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    tags=["s3", "encryption", "kms", "stack"],
)
def bucket_encryption_kms(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    configurations = bucket_attachments(graph, *BUCKET_SSE_TYPES)
    for bucket in graph.of_type(*BUCKET_TYPES):
        problems: List[StackViolation] = []
        compliant = False
        for holder in [bucket, *configurations.of(bucket)]:
            blocks = list(_encryption_defaults(holder))
            if not blocks and holder is not bucket:
                problems.append(StackViolation(holder.urn, (
                    f"`rules` is empty for {label(bucket)}: add a rule whose "
                    "`applyServerSideEncryptionByDefault` has `sseAlgorithm` \"aws:kms\" and a "
                    "customer-managed `kmsMasterKeyId`.")))
            for path, defaults in blocks:
                whose = "" if holder is bucket else f" for {label(bucket)}"
                problem = _encryption_problem(path, defaults, whose)
                if problem == OK:
                    compliant = True
                else:
                    problems.append(StackViolation(holder.urn, problem))
        if compliant:
            continue
        if problems:
            yield from problems
        elif not configurations.floating:
            yield StackViolation(bucket.urn, (
                "has no default encryption configuration, so S3 encrypts its new objects with S3-managed keys "
                "(SSE-S3, S3's default since January 2023), whose use no key policy restricts or audits: add a "
                "BucketServerSideEncryptionConfiguration for it with `sseAlgorithm` \"aws:kms\" and "
                "`kmsMasterKeyId` set to a customer-managed KMS key."))


# -- aws-s3-bucket-public-access-block -------------------------------------------------------------

PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _flags_not_true(block: Node) -> List[str]:
    return [f for f in PUBLIC_ACCESS_FLAGS if block.get(f) is not True and block.get(f) is not UNKNOWN]


def all_flags_on(resource: Resource, config: Config) -> Optional[Dict[str, Any]]:
    """Remediation, on a BucketPublicAccessBlock (the engine remediates one resource at a time): every
    flag that is not true set to true. Nothing is invented for a bucket without a block."""
    changes = {f: True for f in PUBLIC_ACCESS_FLAGS if get(resource.props, f) is not True}
    return changes or None


@stack_rule(
    name="aws-s3-bucket-public-access-block",
    description="Every bucket has a public access block with all four settings on.",
    resource_types=[*BUCKET_TYPES, BUCKET_PUBLIC_ACCESS_BLOCK],
    enforcement_level=MANDATORY,
    severity=CRITICAL,
    remediation_steps=(
        "Add `aws.s3.BucketPublicAccessBlock(bucket=bucket.id, block_public_acls=True, "
        "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)` for each bucket. "
        "S3 has turned these settings on for new buckets since April 2023; the point of the rule is the explicit "
        "block in the stack, which keeps them on (a drift shows in the next preview) and covers buckets created "
        "before then."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    tags=["s3", "public-access", "stack"],
    fix=all_flags_on,
    fix_types=[BUCKET_PUBLIC_ACCESS_BLOCK],
)
def bucket_public_access_block(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    blocks = bucket_attachments(graph, BUCKET_PUBLIC_ACCESS_BLOCK)
    for bucket in graph.of_type(*BUCKET_TYPES):
        own = blocks.of(bucket)
        if not own:
            if not blocks.floating:
                yield StackViolation(bucket.urn, (
                    "has no BucketPublicAccessBlock: S3 turns the four settings on for buckets created since "
                    "April 2023, but nothing in the stack keeps them on, so a change made outside it can turn "
                    "them off unseen: add one for it with `blockPublicAcls`, `blockPublicPolicy`, "
                    "`ignorePublicAcls` and `restrictPublicBuckets` all true."))
            continue
        if any(not _flags_not_true(block) for block in own):
            continue
        for block in own:
            states = [f"`{flag}` is {'not set' if block.get(flag) is None else show(block.get(flag))}"
                      for flag in _flags_not_true(block)]
            yield StackViolation(block.urn, f"{', '.join(states)} for {label(bucket)}: set all four flags to true.")


# -- aws-s3-bucket-tls-only ------------------------------------------------------------------------

def _denies_insecure_transport(document_value: Any) -> Optional[bool]:
    """True when a Deny statement covers S3 requests with `aws:SecureTransport` false; None if unknown."""
    document = parse_document(document_value)
    if document.unknown:
        return None
    for statement in document.statements:
        if statement.effect is UNKNOWN or statement.condition is UNKNOWN:
            return None
        if statement.effect != "Deny" or not isinstance(statement.condition, dict):
            continue
        if statement.actions is UNKNOWN:
            return None
        if not covers_any(statement.actions, ("s3:GetObject",)):
            continue
        if _secure_transport_false(statement.condition):
            return True
    return False


def _secure_transport_false(condition: dict) -> bool:
    for operator, block in condition.items():
        if str(operator).lower() not in ("bool", "boolifexists") or not isinstance(block, dict):
            continue
        for key, value in block.items():
            if str(key).lower() != "aws:securetransport":
                continue
            values = value if isinstance(value, list) else [value]
            if any(v is UNKNOWN or str(v).lower() == "false" for v in values):
                return True
    return False


@stack_rule(
    name="aws-s3-bucket-tls-only",
    description="Every bucket's policy denies requests that do not use TLS.",
    resource_types=[*BUCKET_TYPES, BUCKET_POLICY],
    enforcement_level=ADVISORY,
    severity=MEDIUM,
    remediation_steps=(
        "Add an `aws.s3.BucketPolicy` for the bucket with a statement `{\"Effect\": \"Deny\", "
        "\"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": [bucket ARN, bucket ARN + \"/*\"], "
        "\"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}` (build it with "
        "`pulumi.Output.json_dumps`)."
    ),
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
    tags=["s3", "encryption-in-transit", "stack"],
)
def bucket_tls_only(graph: StackGraph, config: Config) -> Iterator[StackViolation]:
    policies = bucket_attachments(graph, BUCKET_POLICY)
    for bucket in graph.of_type(*BUCKET_TYPES):
        holders = [(bucket, raw) for _, _, raw in documents_of(bucket.type, bucket.props)]
        holders += [(p, p.get("policy")) for p in policies.of(bucket)]
        answers = [(holder, _denies_insecure_transport(raw)) for holder, raw in holders]
        if any(answer is not False for _, answer in answers):
            continue
        if not answers:
            if not policies.floating:
                yield StackViolation(bucket.urn, (
                    "has no bucket policy: add a BucketPolicy whose statement denies `s3:*` when "
                    "`aws:SecureTransport` is \"false\"."))
            continue
        for holder, _ in answers:
            whose = "" if holder is bucket else f" of {label(bucket)}"
            yield StackViolation(holder.urn, (
                f"`policy`{whose} has no Deny statement for requests with `aws:SecureTransport` "
                "\"false\": add one (Action `s3:*`, Condition `{\"Bool\": {\"aws:SecureTransport\": \"false\"}}`)."))


POLICIES = [
    bucket_encryption_kms,
    bucket_public_access_block,
    bucket_tls_only,
]
