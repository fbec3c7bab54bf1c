"""Refresh the real scanner excerpts in docs/*.md (`<!-- excerpt: policypack scan ... -->` blocks).

    python scripts/refresh_doc_excerpts.py           # rewrite them
    python scripts/refresh_doc_excerpts.py --check   # exit 1 if one differs (tests/test_readme.py checks too)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policypack.scan import cli  # noqa: E402

EXCERPT = re.compile(r"(<!-- excerpt: policypack (scan [^\n]+?) -->\n```\n)(.*?)(```\n)", re.S)


def scanner_output(command: str) -> str:
    out = io.StringIO()
    os.chdir(ROOT)
    with contextlib.redirect_stdout(out):
        cli.main(command.split())
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        text = doc.read_text()
        new = EXCERPT.sub(lambda m: m.group(1) + scanner_output(m.group(2)) + m.group(4), text)
        if new != text:
            stale.append(doc.relative_to(ROOT))
            if not args.check:
                doc.write_text(new)
    for path in stale:
        print(f"{path}: {'stale' if args.check else 'refreshed'}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
