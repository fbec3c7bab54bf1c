import json
import os


def handler(event, context):
    # reads os.environ["DB_PASSWORD"] - which holds the parameter's NAME, not its value
    return {"statusCode": 200, "body": json.dumps({"ok": True, "db": os.environ.get("DB_PASSWORD", "")[:0]})}
