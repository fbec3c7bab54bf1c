"""FAULTY ON PURPOSE - do not deploy.

The S3 -> image Lambda -> S3 program of seed 000 (docs/seeds/000_*.txt), reproduced so
the policy pack can be shown to catch its documented failures (tests/reference/
test_faulty_examples.py). Each fault is marked `# seed 000: <bullet title>`. The fixed version is
reference_stack/.
"""

import json

import pulumi
import pulumi_aws as aws

# seed 000: Region configuration mismatch - us-east-1 is fixed in Pulumi.yaml for every stack,
# and every resource below uses the default provider it configures

# seed 000: Bucket naming non-unique across regions/accounts - static global names
upload_bucket = aws.s3.Bucket("upload-bucket", bucket="image-upload-bucket")
processed_bucket = aws.s3.Bucket("processed-bucket", bucket="image-processed-bucket")

# seed 000: S3 encryption key type / KMS key usage missing - AES256, no customer-managed key
for name, bucket in [("upload-bucket", upload_bucket), ("processed-bucket", processed_bucket)]:
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-sse",
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
    )

# seed 000: Destination bucket caching comment ambiguous - "optimized for web display", but the
# objects it manages carry no Cache-Control / Content-Type
aws.s3.BucketObjectv2(
    "placeholder-image",
    bucket=processed_bucket.id,
    key="processed/placeholder.jpg",
    source=pulumi.FileAsset("assets/placeholder.jpg"),
)

# Public exposure (rule catalog v2) - "optimized for web display": the processed images are
# served straight from the bucket, to anyone, by a public-read policy (no CDN, no allow-listing)
aws.s3.BucketPolicy(
    "processed-bucket-public-read",
    bucket=processed_bucket.id,
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PublicReadForWebDisplay", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::image-processed-bucket/*"}],
    }),
)

# seed 000: Dead-letter config incomplete - the queue is defined but never used as the target; and
# it is encrypted with the AWS-managed key alias/aws/sqs, which S3 or SNS could not send to either
dead_letter_queue = aws.sqs.Queue("image-processor-dlq", kms_master_key_id="alias/aws/sqs")

role = aws.iam.Role(
    "image-processor-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }),
)
# seed 000: IAM policy not fully least-privilege - AWS-managed policy ...
aws.iam.RolePolicyAttachment(
    "lambda-basic-execution",
    role=role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
)
# ... and every S3 action on whole buckets
aws.iam.RolePolicy(
    "s3-access",
    role=role.id,
    policy=pulumi.Output.json_dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": [pulumi.Output.concat(upload_bucket.arn, "/*"),
                         pulumi.Output.concat(processed_bucket.arn, "/*")],
        }],
    }),
)

# seed 000: Lambda layer packaging assumes prebuilt directory - ./layer comes from build_layer.sh
layer = aws.lambda_.LayerVersion(
    "pillow-layer",
    layer_name="pillow-layer",
    code=pulumi.FileArchive("./layer"),
    compatible_runtimes=["python3.9"],
)

processor = aws.lambda_.Function(
    "image-processor",
    runtime="python3.9",
    handler="index.handler",
    role=role.arn,
    code=pulumi.FileArchive("./lambda"),
    layers=[layer.arn],
    timeout=60,
    memory_size=1024,
    # seed 000: Lambda concurrent execution hardcoded
    reserved_concurrent_executions=100,
    # seed 000: Dead-letter config incomplete - target_arn left empty
    dead_letter_config={"target_arn": ""},
    environment={"variables": {"DEST_BUCKET": processed_bucket.bucket}},
    # seed 000: Lambda VPC deployment missing - no vpc_config
)

# seed 000: CloudWatch logging partially implemented - a log group that keeps logs forever
aws.cloudwatch.LogGroup(
    "image-processor-logs",
    name=processor.name.apply(lambda name: f"/aws/lambda/{name}"),
)

permission = aws.lambda_.Permission(
    "allow-s3-invoke",
    action="lambda:InvokeFunction",
    function=processor.name,
    principal="s3.amazonaws.com",
    source_arn=upload_bucket.arn,
)

# seed 000: Event trigger configuration not linked to bucket lifecycle - no depends_on=[permission]
# seed 000: No explicit S3 notification filter test or condition - blank suffix
aws.s3.BucketNotification(
    "upload-notification",
    bucket=upload_bucket.id,
    lambda_functions=[{
        "lambda_function_arn": processor.arn,
        "events": ["s3:ObjectCreated:*"],
        "filter_prefix": "uploads/",
        "filter_suffix": "",
    }],
)

# seed 000: CloudWatch alarms partial - only Duration and Errors, and nobody is notified
for metric, statistic, threshold in [("Duration", "Average", 50000), ("Errors", "Sum", 1)]:
    aws.cloudwatch.MetricAlarm(
        f"image-processor-{metric.lower()}",
        namespace="AWS/Lambda",
        metric_name=metric,
        dimensions={"FunctionName": processor.name},
        statistic=statistic,
        period=300,
        evaluation_periods=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        threshold=threshold,
    )

pulumi.export("upload_bucket", upload_bucket.bucket)
pulumi.export("processed_bucket", processed_bucket.bucket)
