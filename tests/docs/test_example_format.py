"""How scripts/gen_rules_doc.py reads an example file and renders it (the file format of docs/examples)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policypack.registry import BY_NAME

from .snippets import load_examples

DOCS = load_examples()

EXAMPLE = '''\
import pulumi_aws as aws
from _common import lambda_function

fn = lambda_function("fn")

# --- reported
key = aws.kms.Key("key")
# reported on key: `enableKeyRotation` is false:
#   set it to true.
# reported on other in update: only known
#   once created.

# --- passes
key = aws.kms.Key("key", enable_key_rotation=True)
'''


def write(tmp_path: Path, text: str, name: str = "aws-kms-key-rotation-enabled.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_an_example_is_read_into_setup_snippets_and_expectations(tmp_path):
    example = DOCS.read_example(write(tmp_path, EXAMPLE))
    assert example.rule == "aws-kms-key-rotation-enabled"
    assert example.setup == 'fn = lambda_function("fn")'
    assert example.reported.shown == 'key = aws.kms.Key("key")'
    assert example.passes.shown == 'key = aws.kms.Key("key", enable_key_rotation=True)'
    assert example.expected == (
        DOCS.Expected("key", "`enableKeyRotation` is false: set it to true.", ("preview", "update")),
        DOCS.Expected("other", "only known once created.", ("update",)),
    )


def test_a_snippet_runs_with_its_setup_on_the_lines_of_the_file(tmp_path):
    """Tracebacks of a snippet point at its file's lines: the other snippet's lines are blanked."""
    example = DOCS.read_example(write(tmp_path, EXAMPLE))
    file_lines = EXAMPLE.splitlines()
    reported_line = file_lines.index('key = aws.kms.Key("key")')
    passes_line = file_lines.index('key = aws.kms.Key("key", enable_key_rotation=True)')
    for snippet, kept, blanked in ((example.reported, reported_line, passes_line),
                                   (example.passes, passes_line, reported_line)):
        lines = snippet.source.splitlines()
        assert len(lines) == len(file_lines)
        assert lines[:4] == file_lines[:4]  # the setup, imports included
        assert (lines[kept], lines[blanked]) == (file_lines[kept], "")


@pytest.mark.parametrize("text, error", [
    (EXAMPLE.replace("# --- passes\n", ""), "expected the markers"),
    (EXAMPLE.replace("# --- reported", "# --- violating"), "expected the markers"),
    (EXAMPLE + "# reported on key: no\n", "the passing snippet must expect no violation"),
    (EXAMPLE.replace("#   once created.\n", "#   once created.\nprint('late')\n"), "code after the"),
    (EXAMPLE.replace("# reported on key", "# said on key").replace("# reported on other", "# said on other"),
     "says on no line"),
])
def test_a_malformed_example_is_refused_with_the_reason(tmp_path, text, error):
    with pytest.raises(DOCS.ExampleError, match=error):
        DOCS.read_example(write(tmp_path, text))


def test_expectation_comments_read_back_as_the_same_expectation(tmp_path):
    message = ("`policy` Statement[0] allows \"s3:*\" on \"arn:aws:s3:::a-very-long-bucket-name-for-wrapping/*\": "
               "list only the actions the workload calls (e.g. \"s3:GetObject\"), " * 3).strip()
    for expected in (DOCS.Expected("uploads", message), DOCS.Expected("uploads", message, ("update",))):
        comment = DOCS.expectation_comment(expected)
        assert all(len(line) <= 110 or " " not in line[4:] for line in comment.splitlines())
        text = EXAMPLE.replace("# reported on other in update: only known\n#   once created.\n", comment + "\n")
        example = DOCS.read_example(write(tmp_path, text))
        assert example.expected[1] == expected


def test_messages_are_markdown_with_their_code_spans_kept():
    assert DOCS.markdown_text('Statement[0] allows "s3:*" on `arn:aws:s3:::b/*` for <you>') == (
        'Statement\\[0\\] allows "s3:\\*" on `arn:aws:s3:::b/*` for \\<you\\>')


def test_the_rules_reference_shows_each_rules_snippets_and_messages(tmp_path):
    example = DOCS.read_example(write(tmp_path, EXAMPLE))
    lines = DOCS.example_lines(BY_NAME["aws-kms-key-rotation-enabled"], example)
    text = "\n".join(lines)
    assert text == "\n".join([
        "**Example** ([`docs/examples/aws-kms-key-rotation-enabled.py`](examples/aws-kms-key-rotation-enabled.py))",
        "",
        "Given:", "", "```python", 'fn = lambda_function("fn")', "```", "",
        "Reported (mandatory):", "", "```python", 'key = aws.kms.Key("key")', "```", "",
        "- on `key`: `enableKeyRotation` is false: set it to true.",
        "- on `other` (in update only): only known once created.",
        "",
        "Passes:", "", "```python", 'key = aws.kms.Key("key", enable_key_rotation=True)', "```", "",
    ])


def test_a_rule_without_an_example_stops_the_generator():
    examples = dict(DOCS.read_examples())
    del examples["aws-kms-key-rotation-enabled"]
    with pytest.raises(DOCS.ExampleError, match="no example in docs/examples/ for: aws-kms-key-rotation-enabled"):
        DOCS.render(examples=examples)
