"""``redactor records purge``: dispose of call records past their retention period.

``redactor records purge --records DIR [--config FILE] [--older-than DAYS] [--dry-run]``
removes the records in DIR (written by ``redactor serve --records DIR``) whose call ended more
than DAYS ago (default: ``retention.records_days`` of the configuration, 30), judged by the
record's ``ended_at`` (the file's modification time if the record cannot be read), and the
temporary files of interrupted writes as old. It prints the name of each file removed (or,
with ``--dry-run``, that would be removed), never their content. It refuses a directory
without the marker file ``serve`` writes there, and touches no file it did not name.
Exit status 0, or 1 if the directory, the configuration or a removal failed.
"""

from __future__ import annotations

import argparse
import math
import sys

PROG = "redactor records purge"


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number of days") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError("must be zero or more days")
    return value


def purge(args: argparse.Namespace) -> int:
    from redactor.config import ConfigError, load_config
    from redactor.records import NotARecordDirectory, expired

    try:
        days = args.older_than if args.older_than is not None else load_config(args.config).retention.records_days
        old = expired(args.records, days)
    except (ConfigError, NotARecordDirectory, OSError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    failed = 0
    for path in old:
        if not args.dry_run:
            try:
                path.unlink()
            except FileNotFoundError:
                continue  # removed meanwhile (another purge): nothing left to do
            except OSError as exc:
                failed += 1
                print(f"{PROG}: cannot remove {path.name}: {exc.strerror}", file=sys.stderr)
                continue
        print(path.name)
    verb = "would remove" if args.dry_run else "removed"
    print(f"{PROG}: {verb} {len(old) - failed} file(s) older than {days:g} day(s)", file=sys.stderr)
    return 1 if failed else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("records", help="call records of live calls (retention)",
                                   description="Call records written by `redactor serve --records DIR`.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    remove = actions.add_parser("purge", help="remove records older than the retention period",
                                description="Remove the call records whose call ended more than DAYS ago "
                                "(default: retention.records_days); print the names of the files removed.")
    remove.add_argument("--records", required=True, metavar="DIR", help="the record directory")
    remove.add_argument("--config", metavar="FILE", help="TOML configuration (retention.records_days)")
    remove.add_argument("--older-than", type=_days, metavar="DAYS",
                        help="override retention.records_days")
    remove.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    remove.set_defaults(func=purge)
