"""How fast the offline scan is on large stack exports.

Builds synthetic `pulumi stack export` files of 1,000 and 5,000 resources - a realistic mix of the
catalog's types, wired as real programs wire them (dependencies, property dependencies, a default
provider, compliant and faulty units side by side) - and times:

- end to end: `python -m policypack scan <file> --format json` in a fresh process (start-up included);
- in-process: read + evaluate + JSON rendering, after imports.

    .venv/bin/python benchmarks/bench_scan.py            # print the table
    .venv/bin/python benchmarks/bench_scan.py --write    # ... and replace docs/benchmarks.md's "Scan (offline)" section

Goal: a 5,000-resource export in under 3 s end to end on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SIZES = (1000, 5000)
GOAL_SECONDS = 3.0
SECTION = "## Scan (offline)"

PROJECT, STACK = "bench", "prod"
ACCOUNT, REGION = "123456789012", "us-west-2"
PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::default_7_51_1"
PROVIDER_REF = f"{PROVIDER_URN}::7d4c1a6e-0000-4000-8000-000000000000"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{resource_type}::{name}"


class _Builder:
    def __init__(self) -> None:
        self.resources: List[Dict[str, Any]] = [
            {"urn": STACK_URN, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {}},
            {"urn": PROVIDER_URN, "custom": True, "id": "7d4c1a6e-0000-4000-8000-000000000000",
             "type": "pulumi:providers:aws", "inputs": {"region": REGION, "version": "7.51.1"},
             "outputs": {"region": REGION, "version": "7.51.1"}},
        ]

    def add(self, resource_type: str, name: str, inputs: Dict[str, Any], deps: Optional[Dict[str, List[str]]] = None,
            outputs: Optional[Dict[str, Any]] = None) -> str:
        resource_urn = urn(resource_type, name)
        deps = deps or {}
        all_deps = sorted({u for urns in deps.values() for u in urns})
        self.resources.append({
            "urn": resource_urn, "custom": True, "id": f"{name}-id", "type": resource_type,
            "inputs": {"__defaults": [], **inputs}, "outputs": {**inputs, **(outputs or {})},
            "parent": STACK_URN, "dependencies": all_deps, "provider": PROVIDER_REF,
            "propertyDependencies": {k: deps.get(k, []) for k in inputs},
        })
        return resource_urn


def _policy(statements: List[Dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def add_unit(b: _Builder, i: int) -> None:
    """One image-pipeline unit (~24 resources); odd units are compliant, even ones have faults."""
    good = i % 2 == 1
    fn_name, bucket_name = f"processor-{i}-a1b2c3d", f"uploads-{i}-{ACCOUNT}"
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    fn_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{fn_name}"
    key = b.add("aws:kms/key:Key", f"key-{i}", {"description": "data", "enableKeyRotation": good,
                                                  "keyUsage": "ENCRYPT_DECRYPT", "customerMasterKeySpec": "SYMMETRIC_DEFAULT"},
                outputs={"arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{i}"})
    bucket = b.add("aws:s3/bucket:Bucket", f"uploads-{i}", {"bucket": bucket_name, "acl": "private", "forceDestroy": False},
                   outputs={"arn": bucket_arn})
    b.add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"uploads-{i}-pab",
          {"bucket": bucket_name, "blockPublicAcls": True, "blockPublicPolicy": True,
           "ignorePublicAcls": True, "restrictPublicBuckets": good}, {"bucket": [bucket]})
    b.add("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", f"uploads-{i}-sse",
          {"bucket": bucket_name, "rules": [{"applyServerSideEncryptionByDefault": {
              "sseAlgorithm": "aws:kms" if good else "AES256", "kmsMasterKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{i}"}}]},
          {"bucket": [bucket], "rules": [key]})
    b.add("aws:s3/bucketPolicy:BucketPolicy", f"uploads-{i}-tls", {"bucket": bucket_name, "policy": _policy([{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])}, {"bucket": [bucket]})
    dlq = b.add("aws:sqs/queue:Queue", f"dlq-{i}", {"name": f"dlq-{i}-a1b2c3d", "kmsMasterKeyId": "alias/app",
                                                    "messageRetentionSeconds": 1209600},
                outputs={"arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq-{i}-a1b2c3d"})
    role = b.add("aws:iam/role:Role", f"processor-{i}-role", {"name": f"processor-{i}-role-a1b2c3d", "assumeRolePolicy": _policy([{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}])},
                 outputs={"arn": f"arn:aws:iam::{ACCOUNT}:role/processor-{i}-role-a1b2c3d"})
    b.add("aws:iam/rolePolicy:RolePolicy", f"processor-{i}-policy", {"role": f"processor-{i}-role-a1b2c3d", "policy": _policy([
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"{bucket_arn}/uploads/*"},
        {"Effect": "Allow", "Action": ["s3:PutObject"] if good else ["s3:*"], "Resource": f"arn:aws:s3:::out-{i}/thumbs/*"},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{fn_name}:*"},
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq-{i}-a1b2c3d"},
    ])}, {"role": [role]})
    if not good:
        b.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"processor-{i}-basic",
              {"role": f"processor-{i}-role-a1b2c3d", "policyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
              {"role": [role]})
    b.add("aws:cloudwatch/logGroup:LogGroup", f"processor-{i}-logs", {"name": f"/aws/lambda/{fn_name}",
                                                                       "retentionInDays": 14 if good else 0})
    fn = b.add("aws:lambda/function:Function", f"processor-{i}", {
        "name": fn_name, "runtime": "python3.12" if good else "python3.8", "handler": "app.handler",
        "role": f"arn:aws:iam::{ACCOUNT}:role/processor-{i}-role-a1b2c3d", "memorySize": 512, "timeout": 30,
        "reservedConcurrentExecutions": 10 if good else -1, "packageType": "Zip",
        "code": {"4dabf18193072939515e22adb298388d": "0def7320c3a5731c473e5ecbe6d01bc7", "hash": "ab" * 32,
                 "path": f"build/processor-{i}.zip"},
        "environment": {"variables": {"OUTPUT_BUCKET": f"out-{i}", "LOG_LEVEL": "INFO",
                                      **({} if good else {"DB_PASSWORD": "correct-horse-battery"})}},
        "vpcConfig": {"subnetIds": ["subnet-a", "subnet-b"] if good else ["subnet-a"], "securityGroupIds": ["sg-1"]},
        "deadLetterConfig": {"targetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq-{i}-a1b2c3d" if good else ""},
        "tracingConfig": {"mode": "Active" if good else "PassThrough"},
    }, {"role": [role], "deadLetterConfig": [dlq]}, outputs={"arn": fn_arn})
    permission = b.add("aws:lambda/permission:Permission", f"processor-{i}-s3", {
        "action": "lambda:InvokeFunction", "function": fn_name, "principal": "s3.amazonaws.com",
        "sourceArn": bucket_arn, **({"sourceAccount": ACCOUNT} if good else {})}, {"function": [fn], "sourceArn": [bucket]})
    b.add("aws:s3/bucketNotification:BucketNotification", f"uploads-{i}-notify", {"bucket": bucket_name, "lambdaFunctions": [{
        "lambdaFunctionArn": fn_arn, "events": ["s3:ObjectCreated:*"], "filterPrefix": "uploads/",
        **({"filterSuffix": ".jpg"} if good else {})}]}, {"bucket": [bucket], "lambdaFunctions": [fn]}
          | ({"": [permission]} if good else {}))
    for metric in ("Errors", "Throttles", "Duration", "Invocations")[: 4 if good else 2]:
        b.add("aws:cloudwatch/metricAlarm:MetricAlarm", f"processor-{i}-{metric.lower()}", {
            "namespace": "AWS/Lambda", "metricName": metric, "dimensions": {"FunctionName": fn_name},
            "comparisonOperator": "GreaterThanThreshold", "threshold": 1, "evaluationPeriods": 1, "period": 60,
            "statistic": "Sum", "alarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"] if good else []},
            {"dimensions": [fn]})
    b.add("aws:cloudwatch/metricAlarm:MetricAlarm", f"dlq-{i}-depth", {
        "namespace": "AWS/SQS", "metricName": "ApproximateNumberOfMessagesVisible",
        "dimensions": {"QueueName": f"dlq-{i}-a1b2c3d"}, "comparisonOperator": "GreaterThanThreshold", "threshold": 0,
        "evaluationPeriods": 1, "period": 300, "statistic": "Maximum",
        "alarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"]}, {"dimensions": [dlq]})
    b.add("aws:sns/topic:Topic", f"events-{i}", {"name": f"events-{i}-a1b2c3d", **({"kmsMasterKeyId": "alias/app"} if good else {})})
    b.add("aws:ssm/parameter:Parameter", f"db-password-{i}", {"name": f"/{STACK}/db-password-{i}", "type": "SecureString" if good else "String",
                                                             "keyId": "alias/app", "value": {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc:def"}})
    api = b.add("aws:apigatewayv2/api:Api", f"api-{i}", {"name": f"api-{i}-a1b2c3d", "protocolType": "HTTP",
                                                         "corsConfiguration": {"allowOrigins": ["https://app.example.com"] if good else ["*"]}},
                outputs={"executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:api{i}"})
    integration = b.add("aws:apigatewayv2/integration:Integration", f"api-{i}-processor", {
        "apiId": f"api{i}", "integrationType": "AWS_PROXY", "integrationUri": fn_arn, "payloadFormatVersion": "2.0"},
        {"apiId": [api], "integrationUri": [fn]})
    b.add("aws:apigatewayv2/route:Route", f"api-{i}-get", {"apiId": f"api{i}", "routeKey": "GET /items",
                                                            "target": f"integrations/{i}"}, {"apiId": [api], "target": [integration]})
    b.add("aws:apigatewayv2/stage:Stage", f"api-{i}-default", {"apiId": f"api{i}", "name": "$default", "autoDeploy": True},
          {"apiId": [api]})
    b.add("aws:lambda/permission:Permission", f"processor-{i}-api", {
        "action": "lambda:InvokeFunction", "function": fn_name, "principal": "apigateway.amazonaws.com",
        "sourceArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:api{i}/*/*"}, {"function": [fn], "sourceArn": [api]})


def synthetic_export(size: int) -> Dict[str, Any]:
    builder = _Builder()
    unit = 0
    while len(builder.resources) < size:
        add_unit(builder, unit)
        unit += 1
    resources = builder.resources[:size]
    return {"version": 3, "deployment": {
        "manifest": {"time": "2026-01-01T00:00:00Z", "magic": "bench", "version": "v3.200.0"},
        "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:bench"}},
        "resources": resources}}


# -- timing -------------------------------------------------------------------------------------------

def time_end_to_end(path: Path, runs: int) -> List[float]:
    times = []
    cmd = [sys.executable, "-m", "policypack", "scan", str(path), "--format", "json"]
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"scan failed ({proc.returncode}): {proc.stderr.strip()}")
    return times


def time_in_process(path: Path, runs: int) -> List[float]:
    from policypack.registry import ALL_POLICIES
    from policypack.scan.cli import render, scan

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        report = scan([path], policies=ALL_POLICIES, policy_config={})
        render(report, "json")
        times.append(time.perf_counter() - start)
    return times


def count_violations(path: Path) -> int:
    from policypack.registry import ALL_POLICIES
    from policypack.scan.cli import scan

    report = scan([path], policies=ALL_POLICIES, policy_config={})
    return report.mandatory + report.advisory


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement (median reported)")
    parser.add_argument("--write", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            path = Path(tmp) / f"export-{size}.json"
            path.write_text(json.dumps(synthetic_export(size), indent=2))
            e2e = statistics.median(time_end_to_end(path, args.runs))
            inproc = statistics.median(time_in_process(path, args.runs))
            rows.append((size, path.stat().st_size, count_violations(path), e2e, inproc))
    table = render_table(rows)
    print(table)
    worst = max(r[3] for r in rows if r[0] == max(SIZES))
    print(f"\n5,000-resource export end to end: {worst:.2f} s (goal < {GOAL_SECONDS:.0f} s): "
          + ("met" if worst < GOAL_SECONDS else "NOT met"))
    if args.write:
        write_section(table, args.runs)
    return 0


def render_table(rows) -> str:
    lines = [
        "| resources | export size | violations | end to end (`python -m policypack scan --format json`) | in-process (read + evaluate + JSON) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size, nbytes, violations, e2e, inproc in rows:
        lines.append(f"| {size:,} | {nbytes / 1e6:.1f} MB | {violations:,} | {e2e:.2f} s | {inproc:.2f} s |")
    return "\n".join(lines)


def write_section(table: str, runs: int) -> None:
    """Replace (or append) only this benchmark's section of docs/benchmarks.md."""
    from docs_section import replace_section

    machine = f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU(s), {platform.system()}"
    replace_section(SECTION, (
        f"{SECTION}\n\n"
        "`benchmarks/bench_scan.py`: synthetic `pulumi stack export` files with a realistic mix of the catalog's "
        "types (image-pipeline units: bucket with public-access block, encryption and TLS policy, KMS key, "
        "function with role, inline policy, log group, alarms, dead-letter queue, S3 notification and "
        "permissions, SNS topic, SSM parameter, HTTP API with integration, route and stage; half of the units "
        "compliant, half faulty), every resource with dependencies and property dependencies. "
        f"Median of {runs} runs on {machine}. Goal: 5,000 resources in under {GOAL_SECONDS:.0f} s end to end.\n\n"
        f"{table}\n"
    ))

if __name__ == "__main__":
    sys.exit(main())
