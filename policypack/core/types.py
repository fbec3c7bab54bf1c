"""Pulumi type tokens the rules look at, by service.

Where pulumi-aws renamed a resource between major versions, every token in use is listed, so the
pack checks programs written against pulumi-aws 6 and 7 alike.
"""

# Lambda
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
EVENT_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
LAYER_VERSION = "aws:lambda/layerVersion:LayerVersion"
LAYER_VERSION_PERMISSION = "aws:lambda/layerVersionPermission:LayerVersionPermission"

# IAM
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_POLICY = "aws:iam/policy:Policy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"

# S3
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
BUCKET_TYPES = (BUCKET, BUCKET_V2)
BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
BUCKET_SSE_TYPES = (BUCKET_SSE, BUCKET_SSE_V2)
BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
BUCKET_OBJECT = "aws:s3/bucketObject:BucketObject"
BUCKET_OBJECT_V2 = "aws:s3/bucketObjectv2:BucketObjectv2"
BUCKET_CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
BUCKET_CORS_V2 = "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2"

# KMS, CloudWatch, SQS, SNS, SSM, EventBridge
KMS_KEY = "aws:kms/key:Key"
KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SSM_PARAMETER = "aws:ssm/parameter:Parameter"

# Secrets Manager, ECR
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
ECR_REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"

# API Gateway v2
HTTP_API = "aws:apigatewayv2/api:Api"
API_ROUTE = "aws:apigatewayv2/route:Route"
API_INTEGRATION = "aws:apigatewayv2/integration:Integration"
API_STAGE = "aws:apigatewayv2/stage:Stage"

# API Gateway v1 (REST APIs)
REST_API = "aws:apigateway/restApi:RestApi"
REST_STAGE = "aws:apigateway/stage:Stage"
REST_DEPLOYMENT = "aws:apigateway/deployment:Deployment"
REST_METHOD = "aws:apigateway/method:Method"
REST_INTEGRATION = "aws:apigateway/integration:Integration"
REST_INTEGRATION_RESPONSE = "aws:apigateway/integrationResponse:IntegrationResponse"

# DynamoDB, Secrets Manager, Step Functions, event sources
DYNAMODB_TABLE = "aws:dynamodb/table:Table"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"

# Other services that invoke Lambda functions asynchronously
SCHEDULE = "aws:scheduler/schedule:Schedule"
LOG_SUBSCRIPTION_FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
SES_RECEIPT_RULE = "aws:ses/receiptRule:ReceiptRule"
IOT_TOPIC_RULE = "aws:iot/topicRule:TopicRule"

# Providers
AWS_PROVIDER = "pulumi:providers:aws"
STACK = "pulumi:pulumi:Stack"
