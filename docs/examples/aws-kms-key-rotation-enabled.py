import pulumi_aws as aws

# --- reported
key = aws.kms.Key("key", description="Encrypts the uploads bucket")
# reported on key: `enableKeyRotation` is false: set it to true.

# --- passes
key = aws.kms.Key("key", description="Encrypts the uploads bucket", enable_key_rotation=True)
