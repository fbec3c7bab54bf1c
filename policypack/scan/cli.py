"""`policypack scan PATH...` and `policypack demo`: the pack's rules without the Pulumi CLI or a cloud.

Exit codes: 0 = no mandatory violation, 1 = mandatory violations, 2 = a usage or input error
(reported as one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple, Union

from .. import PACK_NAME, __version__
from ..engine.evaluate import EvaluationError, PolicySettings, StackContext, evaluate
from ..engine.model import redact, secret_strings
from ..engine.runner import DEFAULT_TIMEOUT
from .policy_config import load_policy_config
from .programs import config_overrides, is_program_dir, read_program
from .readers import ScanInputError, ScanTarget, read_state_file
from .report import InputError, ScanReport, display_path, policy_infos, target_report

EXIT_OK, EXIT_MANDATORY, EXIT_INPUT = 0, 1, 2
LARGE_STACK = 2000  # resources: show progress on a terminal from this size on


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), like every other input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="policypack",
        description=f"Check Pulumi programs and stack state against the {PACK_NAME} policy pack, offline.",
    )
    parser.add_argument("--version", action="version", version=f"policypack {__version__} ({PACK_NAME})")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    scan = commands.add_parser(
        "scan",
        help="scan Pulumi programs, stack exports, checkpoints or preview JSON",
        description=(
            "Scan each PATH: a Pulumi Python program folder (run under mocks, no cloud access), a "
            "`pulumi stack export` or backend checkpoint file, or `pulumi preview --json` output. "
            "Exit 0 = no mandatory violation, 1 = mandatory violations, 2 = usage or input error."
        ),
    )
    scan.add_argument("paths", nargs="*", metavar="PATH", help="program folder or JSON file (kind detected by content)")
    _add_common(scan)
    scan.add_argument("--demo", action="store_true", help="scan the reference stack and the examples (as `policypack demo`)")

    demo = commands.add_parser(
        "demo",
        help="scan the reference stack and the faulty examples",
        description="Scan reference_stack/ and every examples/*/ program with the pack, one report each.",
    )
    _add_common(demo)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--policy-config", metavar="FILE",
                        help="policy levels and options, as `pulumi preview --policy-pack-config` takes them")
    parser.add_argument("--stack", default="dev", help="stack to run programs as (default: dev; state files name their own)")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="stack config for programs and policies, e.g. aws:region=us-west-2 (repeatable)")
    parser.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"stop a program that runs longer than this (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--pass-env", action="append", default=[], metavar="NAME",
                        help="pass the environment variable NAME to programs (repeatable); programs run "
                             "without cloud and Pulumi credentials (AWS_*, PULUMI_*, GOOGLE_*, AZURE_*, "
                             "ARM_*, tokens, passwords, ...)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--preview", dest="preview", action="store_true", default=True,
                      help="run programs as a preview: IDs and ARNs unknown (default)")
    mode.add_argument("--update", dest="preview", action="store_false",
                      help="run programs as an update: IDs and ARNs known")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"expected between 0 and 86400 seconds, not {text}")
    return value


# -- entry point ------------------------------------------------------------------------------------

def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except UsageError as err:
        _error(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        _error("policypack: interrupted")
        return 130


def _main(argv: List[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    demo = args.command == "demo" or getattr(args, "demo", False)
    if demo and getattr(args, "paths", None):
        raise UsageError("policypack scan: --demo takes no PATH (see --help)")
    if not demo and not args.paths:
        raise UsageError("policypack scan: give at least one PATH (a program folder or a JSON file) (see --help)")

    from ..registry import ALL_POLICIES  # after the argument checks: a usage error needs no rules

    policies = list(ALL_POLICIES)
    if args.command == "demo" and args.format == "text":
        return _story(policies, args.output)
    try:
        overrides = config_overrides(args.config)
        policy_config = load_policy_config(Path(args.policy_config), policies) if args.policy_config else {}
        paths = demo_paths() if demo else [Path(p) for p in args.paths]
        if args.output:
            check_output_path(Path(args.output), paths, Path(args.policy_config) if args.policy_config else None)
    except ScanInputError as err:
        _error(str(err))
        return EXIT_INPUT

    report = scan(paths, policies=policies, policy_config=policy_config, stack=args.stack,
                  preview=args.preview, overrides=overrides, timeout=args.timeout, pass_env=args.pass_env)
    for error in report.errors:
        _error(error.message)
    if demo and report.targets:
        _note(f"demo: scanned {len(report.targets)} program(s) with {PACK_NAME} ({report.policies_enabled} policies)")
    try:
        write_report(report, args.format, args.output)
    except ScanInputError as err:
        _error(str(err))
        return EXIT_INPUT
    if demo:
        return EXIT_INPUT if report.errors else EXIT_OK  # the examples are faulty on purpose
    return report.exit_code()


def _story(policies: Sequence[Any], output: Optional[str]) -> int:
    """`policypack demo`: every documented failure of the examples, by rule and resource."""
    from .demo import run_demo

    try:
        text, code = run_demo(demo_roots(), policies, color=not output and use_color(sys.stdout))
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    except (ScanInputError, OSError) as err:
        _error(str(err))
        return EXIT_INPUT
    return code


def scan(paths: Sequence[Path], *, policies: Sequence[Any], policy_config: Dict[str, Any], stack: str = "dev",
         preview: bool = True, overrides: Optional[Dict[str, str]] = None, timeout: float = DEFAULT_TIMEOUT,
         pass_env: Sequence[str] = ()) -> ScanReport:
    """Read every path (programs in parallel), evaluate each, collect reports and input errors."""
    settings = PolicySettings.from_document(policies, policy_config)
    levels = {p.name: settings.level(p).value for p in policies}
    report = ScanReport(policies=policy_infos(policies, levels))
    descriptions = {p.name: p.description for p in policies}
    options = _LoadOptions(stack, preview, dict(overrides or {}), timeout, tuple(pass_env))
    for path, loaded in _load_all(paths, options):
        if isinstance(loaded, ScanInputError):
            report.errors.append(InputError(display_path(path), str(loaded)))
            continue
        _apply_overrides(loaded, overrides or {})
        with _Progress(f"analysing {len(loaded.resources)} resources of {path}", len(loaded.resources) >= LARGE_STACK):
            try:
                diagnostics = evaluate(
                    loaded.resources, policies=policies, policy_config=policy_config,
                    context=StackContext(loaded.project, loaded.stack, loaded.dry_run, loaded.stack_config,
                                         secret_keys=loaded.secret_keys),
                    not_analyzed=loaded.not_analyzed,
                )
            except EvaluationError as err:  # a rule's exception text may quote a value: never a secret one
                message = redact(f"{path}: {err}", secret_strings(loaded.resources))
                report.errors.append(InputError(display_path(path), message))
                continue
        report.targets.append(target_report(loaded, diagnostics, descriptions))
    return report


Loaded = Union[ScanTarget, ScanInputError]


@dataclass(frozen=True)
class _LoadOptions:
    stack: str = "dev"
    preview: bool = True
    overrides: Dict[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT
    pass_env: Tuple[str, ...] = ()


def _load_all(paths: Sequence[Path], options: _LoadOptions) -> List[Tuple[Path, Loaded]]:
    programs = [p for p in paths if is_program_dir(p)]
    results: Dict[int, Loaded] = {}
    if programs:
        workers = max(1, min(len(programs), os.cpu_count() or 1))
        mode = "preview" if options.preview else "update"
        with _Progress(f"running {len(programs)} program(s) under mocks ({mode})", True):
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = {i: pool.submit(_load_one, p, options) for i, p in enumerate(paths) if p in programs}
                for i, future in futures.items():
                    results[i] = future.result()
    return [(p, results[i] if i in results else _load_one(p, options)) for i, p in enumerate(paths)]


def _load_one(path: Path, options: _LoadOptions) -> Loaded:
    try:
        return load_target(path, options.stack, options.preview, options.overrides, options.timeout,
                           options.pass_env)
    except ScanInputError as err:
        return err


def load_target(path: Path, stack: str = "dev", preview: bool = True, overrides: Optional[Dict[str, str]] = None,
                timeout: float = DEFAULT_TIMEOUT, pass_env: Sequence[str] = ()) -> ScanTarget:
    """One PATH: a program folder or a state/preview file, told apart by what it contains."""
    if not path.exists() and not path.is_symlink():
        raise ScanInputError(f"{path}: no such file or folder")
    if path.is_dir():
        if not is_program_dir(path):
            raise ScanInputError(f"{path}: not a Pulumi project (no Pulumi.yaml) and not a JSON file")
        return read_program(path, stack, preview, overrides or {}, timeout, pass_env)
    if path.name in ("Pulumi.yaml", "Pulumi.yml"):
        return read_program(path.parent, stack, preview, overrides or {}, timeout, pass_env)
    return read_state_file(path)


def _apply_overrides(target: ScanTarget, overrides: Dict[str, str]) -> None:
    """`--config` for state files too: what the policies read through `pulumi.Config`."""
    for key, value in overrides.items():
        target.stack_config[key if ":" in key else f"{target.project}:{key}"] = value


def demo_roots() -> List[Path]:
    """Where the demo looks: the working directory, then the checkout this package runs from."""
    return list(dict.fromkeys([Path.cwd(), Path(__file__).resolve().parents[2]]))


def demo_paths() -> List[Path]:
    """reference_stack/ and examples/*/ of the first demo root that has them."""
    roots = demo_roots()
    for root in roots:
        found = []
        if is_program_dir(root / "reference_stack"):
            found.append(root / "reference_stack")
        examples = root / "examples"
        if examples.is_dir():
            found += sorted(p for p in examples.iterdir() if is_program_dir(p))
        if found:
            return [Path(os.path.relpath(p)) if _below(p, Path.cwd()) else p for p in found]
    where = " or ".join(str(r) for r in roots)
    raise ScanInputError(f"demo: nothing to scan - no reference_stack/ or examples/*/ Pulumi project in {where}")


def _below(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


# -- output ---

SOURCE_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".txt", ".toml", ".cfg"}


def check_output_path(output: Path, inputs: Sequence[Path], policy_config: Optional[Path]) -> None:
    """`--output` may never overwrite what is being scanned: an input file, the policy config, or
    a source or config file of a scanned program."""
    if not output.exists():
        return
    if output.is_dir():
        raise ScanInputError(f"--output {output}: is a folder, expected a file to write the report to")
    for source in [*inputs, *([policy_config] if policy_config else [])]:
        if source.exists() and _same_file(output, source):
            raise ScanInputError(f"--output {output}: is an input of this scan; it would be overwritten "
                                 "- write the report to another file")
        if source.is_dir() and _below(output, source) and output.suffix.lower() in SOURCE_SUFFIXES:
            raise ScanInputError(f"--output {output}: is a file of the scanned program {source}; it would be "
                                 "overwritten - write the report to another file")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


# --------------------------------------------------------------------------------------

def write_report(report: ScanReport, fmt: str, output: Optional[str]) -> None:
    if output:
        text = render(report, fmt, color=False)
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as err:
            raise ScanInputError(f"--output {output}: cannot write it ({err.strerror or err.__class__.__name__})") from None
        return
    text = render(report, fmt, color=fmt == "text" and use_color(sys.stdout))
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()


def render(report: ScanReport, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        from .report import to_json

        return json.dumps(to_json(report), indent=2) + "\n"
    if fmt == "sarif":
        from .sarif import to_sarif

        return json.dumps(to_sarif(report), indent=2) + "\n"
    from .text import render_text

    return render_text(report, color=color)


def use_color(stream: TextIO) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _error(message: str) -> None:
    sys.stderr.write(message.rstrip("\n").replace("\n", " ") + "\n")
    sys.stderr.flush()


def _note(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class _Progress:
    """A status line on stderr while something slow runs - only on a terminal."""

    def __init__(self, text: str, slow: bool) -> None:
        isatty = getattr(sys.stderr, "isatty", None)
        self.show = slow and bool(isatty and isatty())
        self.text = text

    def __enter__(self) -> "_Progress":
        if self.show:
            sys.stderr.write(f"\r{self.text}…")
            sys.stderr.flush()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.show:
            sys.stderr.write("\r" + " " * (len(self.text) + 1) + "\r")
            sys.stderr.flush()
