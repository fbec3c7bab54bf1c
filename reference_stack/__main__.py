"""Reference stack: an S3 -> Lambda image pipeline and an HTTP API, built the way the policy pack
asks (run `pulumi preview --policy-pack ..` to see it pass). Reads top to bottom: configuration,
the components by concern, then the stack outputs.
"""

import pulumi
import pulumi_aws as aws

from components.api import ItemsApi
from components.encryption import StackKey
from components.image_pipeline import ImagePipeline
from components.monitoring import AlertTopic, ApiErrorAlarm, DeadLetterQueueAlarm, FunctionAlarms
from components.network import PrivateNetwork
from components.regions import RegionalReplicas
from components.settings import load_settings
from components.storage import ItemsTable, SecureBucket

# -- configuration ---------------------------------------------------------------------------------
settings = load_settings()
account_id = aws.get_caller_identity().account_id
partition = aws.get_partition().partition

# -- encryption and storage ------------------------------------------------------------------------
data_key = StackKey("data-key", alias=settings.base_name, partition=partition, account_id=account_id,
                    region=settings.region)
uploads = SecureBucket("uploads", key_arn=data_key.arn)
images = SecureBucket("images", key_arn=data_key.arn, versioned=bool(settings.replica_regions))
items = ItemsTable("items", table_name=f"{settings.base_name}-items", key_arn=data_key.arn)

# -- network: private subnets in two AZs, VPC endpoints, no internet path --------------------------
network = PrivateNetwork("network", region=settings.region, s3_bucket_arns=[uploads.arn, images.arn],
                         dynamodb_table_arns=[items.arn])

# -- the image pipeline and the API ----------------------------------------------------------------
pipeline = ImagePipeline("image-pipeline", settings=settings, uploads=uploads, images=images, items=items,
                         key_arn=data_key.arn, network=network, account_id=account_id)
api = ItemsApi("items-api", settings=settings, uploads=uploads, items=items, key_arn=data_key.arn,
               network=network)

# -- monitoring: every alarm notifies the encrypted alert topic -------------------------------------
alerts = AlertTopic("alerts", key_arn=data_key.arn, email=settings.alarm_email)
for function in [pipeline.processor, *api.functions]:
    FunctionAlarms(f"{function.logical_name}-alarms", function=function, topic_arn=alerts.arn,
                   invocations_threshold=settings.invocations_alarm_threshold)
DeadLetterQueueAlarm("image-pipeline-dlq-depth", queue=pipeline.dead_letter_queue, topic_arn=alerts.arn)
ApiErrorAlarm("items-api-5xx", api_id=api.api.id, topic_arn=alerts.arn)

# -- other regions: one explicit provider per region in config `regions` ----------------------------
replicas = RegionalReplicas("replicas", settings=settings, source=images, source_key_arn=data_key.arn,
                            partition=partition, account_id=account_id)

# -- outputs ----------------------------------------------------------------------------------------
pulumi.export("region", settings.region)
pulumi.export("apiUrl", api.url)
pulumi.export("uploadBucket", uploads.name)
pulumi.export("imagesBucket", images.name)
pulumi.export("itemsTable", items.name)
pulumi.export("imageProcessor", pipeline.processor.name)
pulumi.export("deadLetterQueueUrl", pipeline.dead_letter_queue.url)
pulumi.export("alertTopicArn", alerts.arn)
pulumi.export("replicaBuckets", {r.region: r.bucket.name for r in replicas.replicas})
