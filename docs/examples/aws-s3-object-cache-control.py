import pulumi
import pulumi_aws as aws

site = aws.s3.Bucket("site")

# --- reported
aws.s3.BucketObjectv2("index", bucket=site.id, key="index.html", source=pulumi.FileAsset("./www/index.html"))
# reported on index: `cacheControl` is not set: browsers and CDNs then guess how long to keep it; set it (e.g.
#   "public, max-age=31536000, immutable" for versioned files, "no-cache" for ones that change).
# reported on index: `contentType` is not set: S3 then serves it as binary/octet-stream; set its media type
#   (e.g. "image/jpeg").

# --- passes
aws.s3.BucketObjectv2("index", bucket=site.id, key="index.html", source=pulumi.FileAsset("./www/index.html"),
                      content_type="text/html", cache_control="public, max-age=300")
