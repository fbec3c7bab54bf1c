"""How long the engine waits for the pack: process start to the port printed on stdout.

Starts the pack exactly as `pulumi preview --policy-pack <repo>` does -
`<python> -u -m pulumi.policy <engine-address> <pack dir>`, cwd = pack dir, PULUMI_* environment -
and times each start until the first stdout line (the gRPC port), then ends the process.

    python benchmarks/bench_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parents[1]


def start_once(python: str) -> float:
    env = dict(os.environ, PULUMI_PROJECT="bench", PULUMI_STACK="dev", PULUMI_DRY_RUN="true",
               PULUMI_CONFIG=json.dumps({"aws:region": "us-west-2"}))
    started = time.perf_counter()
    process = subprocess.Popen([python, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(REPO)], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        if not line.strip().isdigit():
            raise SystemExit(f"the pack printed no port (got {line!r})")
        return elapsed
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description="time from pack process start to its printed port")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--python", default=sys.executable, help="the interpreter the engine would use")
    args = parser.parse_args(argv)
    start_once(args.python)  # warm the OS file cache and .pyc files: measure starts, not first installs
    times = [start_once(args.python) for _ in range(args.runs)]
    print(f"pack startup (process start -> port printed), {args.runs} runs: median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s, max {max(times):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
