import pulumi_aws as aws

# --- reported
legacy = aws.s3.Bucket("legacy-exports", tags={
    "policy-exemption:aws-s3-bucket-tls-onyl": "2027-06-30 partner client without TLS, PLAT-1234"})
# reported on legacy-exports: tag "policy-exemption:aws-s3-bucket-tls-onyl" names no policy of this pack (did
#   you mean "policy-exemption:aws-s3-bucket-tls-only"?), so it exempts nothing: use the exact policy name, or
#   remove the tag.

# --- passes
legacy = aws.s3.Bucket("legacy-exports", tags={
    "policy-exemption:aws-s3-bucket-tls-only": "2027-06-30 partner client without TLS, PLAT-1234"})
