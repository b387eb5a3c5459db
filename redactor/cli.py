"""Command line: ``redactor text | batch | serve | demo | token | models``.

Each sub-command lives in its own module that exposes ``register(subparsers)``; the
module adds its parser and sets ``func`` to a callable ``(args) -> int`` (the exit status).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys

# Modules that each contribute one sub-command (see the module docstring).
COMMAND_MODULES: tuple[str, ...] = (
    "redactor.text_command",
    "redactor.batch.command",
    "redactor.models_command",
    "redactor.server.command",
    "redactor.demo",
    "redactor.token_command",
    "redactor.records_command",
)


def package_version() -> str:
    """The installed distribution's version (pyproject.toml), so there is one place to bump it."""
    try:
        return importlib.metadata.version("redactor")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redactor", description="Real-time PII redaction for Japanese phone calls."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
