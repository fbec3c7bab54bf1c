"""Generate policypack/data/aws_autonames.json from the installed pulumi-aws SDK.

    python scripts/gen_autonames.py           # (re)write the data file
    python scripts/gen_autonames.py --check   # exit 1 if the data file is not what the SDK says

The program runner emulates the AWS provider's Check, which gives every autonamed property a
`<logical name>-<7 hex>` value. Which properties are autonamed is the provider's rule, and the SDK
it generates shows each resource's inputs, so this reads the SDK's source (no import: fast, and
`policypack/` never imports `pulumi_aws`):

- every resource with an optional input `name` (pulumi-aws `provider/autonaming.go` autonames every
  Terraform input called `name`; an override that drops autonaming leaves it required in the SDK);
- every optional input `X` beside an `X_prefix` input: Terraform's "a name, or one made from a
  prefix" pair, e.g. S3's `bucket`/`bucket_prefix` or RDS's `identifier`/`identifier_prefix`,
  which the provider autonames too.

From the property's documentation: `lowercase` when the name must be lowercase (S3 buckets), the
maximum length where it is stated, and the boolean input that makes the resource FIFO (`fifo_queue`,
`fifo_topic`) when the name of a FIFO resource must end in `.fifo`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "policypack" / "data" / "aws_autonames.json"

CLASS = re.compile(r"^class (\w+)\(pulumi\.CustomResource\):", re.M)
TOKEN = re.compile(r"super\(\w+, __self__\)\.__init__\(\s*'([^']+)'")
INTERNAL_INIT = re.compile(r"def _internal_init\(__self__,(?P<params>.*?)__props__=None\):", re.S)
PARAM = re.compile(r"^\s*(\w+):\s*(?P<annotation>[^=\n]*)=\s*None,?\s*$", re.M)
REQUIRED = re.compile(r"Missing required property '(\w+)'")
MAX_LENGTH = [
    re.compile(r"(?:maximum|max\.?|up to|at most|no more than|less than or equal to|longer than|not exceed|"
               r"exceed)\s+(?:of\s+|length of\s+)?(\d+)\s+(?:characters|chars|bytes)", re.I),
    re.compile(r"between\s+\d+\s+and\s+(\d+)\s+(?:characters|chars)", re.I),
    re.compile(r"\b\d+\s*(?:-|to)\s*(\d+)\s+(?:characters|chars)", re.I),
]


def sdk_root() -> Path:
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or spec.origin is None:
        raise SystemExit("pulumi_aws is not installed: run `make setup` first")
    return Path(spec.origin).parent


def sdk_version(root: Path) -> str:
    return json.loads((root / "pulumi-plugin.json").read_text())["version"]


def resource_classes(root: Path) -> Iterator[Tuple[str, str]]:
    """(type token, class source) of every resource class of the SDK."""
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "(pulumi.CustomResource):" not in text:
            continue
        starts = [m.start() for m in CLASS.finditer(text)]
        for i, start in enumerate(starts):
            body = text[start:starts[i + 1] if i + 1 < len(starts) else len(text)]
            token = TOKEN.search(body)
            if token:
                yield token.group(1), body


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def param_doc(body: str, param: str) -> str:
    """The `:param ... <param>:` text of the class's first constructor docstring."""
    match = re.search(rf":param [^:\n]*\b{param}: (.*?)(?=\n\s*:param |\n\s*\"\"\")", body, re.S)
    return " ".join(match.group(1).split()) if match else ""


def max_length(doc: str) -> Optional[int]:
    for pattern in MAX_LENGTH:
        found = [int(n) for n in pattern.findall(doc)]
        if found:
            return max(found)
    return None


def autoname_of(body: str) -> Optional[Dict[str, Any]]:
    init = INTERNAL_INIT.search(body)
    if not init:
        return None
    params = {m.group(1): m.group("annotation") for m in PARAM.finditer(init.group("params"))}
    required = set(REQUIRED.findall(body))
    optional = [p for p in params if p not in required and p != "opts"]
    named = [p for p in optional if p == "name"] or [p for p in optional if f"{p}_prefix" in params]
    if not named:
        return None
    prop = named[0]
    doc = param_doc(body, prop)
    entry: Dict[str, Any] = {"property": camel(prop)}
    if re.search(r"\blowercase\b", doc, re.I) and not re.search(r"upper", doc, re.I):
        entry["lowercase"] = True
    length = max_length(doc)
    if length:
        entry["maxLength"] = length
    if ".fifo" in doc:
        flags = [p for p in optional if p.startswith("fifo_") and "bool" in params[p]]
        if flags:
            entry["fifoFlag"] = camel(flags[0])
    return entry


def derive(root: Optional[Path] = None) -> Dict[str, Any]:
    root = root or sdk_root()
    types: Dict[str, Dict[str, Any]] = {}
    for token, body in resource_classes(root):
        entry = autoname_of(body)
        if entry is not None:
            types[token] = entry
    return {
        "source": f"pulumi-aws {sdk_version(root)} Python SDK, by scripts/gen_autonames.py",
        "separator": "-",
        "randomHexLength": 7,
        "types": dict(sorted(types.items())),
    }


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the data file is stale")
    args = parser.parse_args(argv)
    text = render(derive())
    if args.check:
        if not OUTPUT.is_file() or OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run `make docs` (python scripts/gen_autonames.py)")
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(json.loads(text)['types'])} autonamed resource types)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
