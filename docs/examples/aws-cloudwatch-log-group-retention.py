import pulumi_aws as aws

# --- reported
logs = aws.cloudwatch.LogGroup("api-access-logs")
# reported on api-access-logs: `retentionInDays` is 0, which keeps the logs (and bills them) forever: set it,
#   e.g. to 30.

# --- passes
logs = aws.cloudwatch.LogGroup("api-access-logs", retention_in_days=30)
