"""S3 upload -> image processor Lambda -> destination bucket.

Uploads under `uploads/` with an image suffix (one notification destination per suffix) invoke
the processor, which writes a resized, web-ready copy under `processed/` of the images bucket
with `Cache-Control` and `Content-Type` set, and marks the upload's item processed in the items
table (uploads the API did not hand out have no item and are only processed). Failures raise: Lambda retries the asynchronous
event, then parks it in the encrypted dead-letter queue (alarmed in monitoring.py).
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from .artifacts import ImageLibraryLayer, function_code
from .functions import VpcFunction
from .network import PrivateNetwork
from .settings import Settings
from .storage import ItemsTable, SecureBucket

UPLOAD_PREFIX = "uploads/"
OUTPUT_PREFIX = "processed/"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# processed images never change under their key: browsers and CDNs may keep them for a year
OUTPUT_CACHE_CONTROL = "public, max-age=31536000, immutable"
FOURTEEN_DAYS = 14 * 24 * 3600


class ImagePipeline(pulumi.ComponentResource):
    def __init__(self, name: str, *, settings: Settings, uploads: SecureBucket, images: SecureBucket,
                 items: ItemsTable, key_arn: pulumi.Input[str], network: PrivateNetwork, account_id: str,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:images:ImagePipeline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-dlq",
            kms_master_key_id=key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=FOURTEEN_DAYS,  # time to investigate and replay
            opts=child,
        )
        layer = ImageLibraryLayer(f"{name}-image-library", settings=settings, opts=child)
        self.processor = VpcFunction(
            f"{name}-processor",
            function_name=f"{settings.base_name}-image-processor",
            description="Resizes uploaded images into web-ready copies",
            code=function_code("image_processor"),
            layers=[layer.arn],
            statements=[
                {"Sid": "ReadUploads", "Effect": "Allow", "Action": ["s3:GetObject"],
                 "Resource": pulumi.Output.concat(uploads.arn, "/", UPLOAD_PREFIX, "*")},
                {"Sid": "WriteProcessedImages", "Effect": "Allow", "Action": ["s3:PutObject"],
                 "Resource": pulumi.Output.concat(images.arn, "/", OUTPUT_PREFIX, "*")},
                {"Sid": "UseTheStackKeyForSseKms", "Effect": "Allow",
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key_arn},
                {"Sid": "ParkFailedEvents", "Effect": "Allow", "Action": ["sqs:SendMessage"],
                 "Resource": self.dead_letter_queue.arn},
                *items.access("MarkItemsProcessed", ["dynamodb:UpdateItem"], settings.region),
            ],
            environment={
                "SOURCE_PREFIX": UPLOAD_PREFIX,
                "DESTINATION_BUCKET": images.name,
                "DESTINATION_PREFIX": OUTPUT_PREFIX,
                "CACHE_CONTROL": OUTPUT_CACHE_CONTROL,
                "MAX_DIMENSION": str(settings.image_max_dimension),
                "ITEMS_TABLE": items.name,
            },
            network=network,
            key_arn=key_arn,
            log_retention_days=settings.log_retention_days,
            reserved_concurrency=settings.processor_reserved_concurrency,
            timeout_seconds=60,
            memory_size_mb=1024,  # decoding large images needs memory; CPU scales with it
            dead_letter_queue_arn=self.dead_letter_queue.arn,
            opts=child,
        )
        invoke_permission = aws.lambda_.Permission(
            f"{name}-s3-invoke",
            action="lambda:InvokeFunction",
            function=self.processor.name,
            principal="s3.amazonaws.com",
            source_arn=uploads.arn,
            source_account=account_id,  # a bucket name can change owner; the account cannot
            opts=child,
        )
        aws.s3.BucketNotification(
            f"{name}-uploads-notification",
            bucket=uploads.bucket.id,
            lambda_functions=[
                aws.s3.BucketNotificationLambdaFunctionArgs(
                    lambda_function_arn=self.processor.arn,
                    events=["s3:ObjectCreated:*"],
                    filter_prefix=UPLOAD_PREFIX,
                    filter_suffix=suffix,
                )
                for suffix in IMAGE_SUFFIXES
            ],
            # S3 tests the destination when the notification is saved: the permission must exist
            opts=pulumi.ResourceOptions(parent=self, depends_on=[invoke_permission]),
        )
        self.register_outputs({"processor": self.processor.name, "deadLetterQueue": self.dead_letter_queue.url})
