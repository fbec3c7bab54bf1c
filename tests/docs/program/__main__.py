"""Run every snippet of docs/examples as one Pulumi program (see tests/docs/snippets.py)."""

from tests.docs.snippets import run_all_snippets

run_all_snippets()
