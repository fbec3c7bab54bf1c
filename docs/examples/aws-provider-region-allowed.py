import pulumi_aws as aws

# --- reported
replica = aws.Provider("replica", region="eu-west-4")
# reported on replica: `region` is "eu-west-4", which is not an AWS Region code: did you mean "eu-west-3".

# --- passes
replica = aws.Provider("replica", region="eu-west-1")
