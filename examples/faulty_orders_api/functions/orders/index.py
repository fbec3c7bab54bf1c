"""Placeholder handler of the faulty example (never deployed)."""


def handler(event, context):
    return {"statusCode": 200, "body": "{}"}
