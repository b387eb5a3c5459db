"""``redactor token``: print a signed token for the agent screen, a supervisor or an ingest client.

``redactor token --call CALL_ID [--role agent|supervisor|ingest] [--ttl SECONDS] [--subject NAME]``
signs with the secret in ``REDACTOR_SECRET`` (the one ``redactor serve`` uses) and prints
the token alone on stdout, so ``TOKEN=$(redactor token --call CA123)`` works. A supervisor
token may watch any call, so ``--call`` may be left out for ``--role supervisor``.
"""

from __future__ import annotations

import argparse
import os
import sys

from redactor.server.auth import ROLES, issue_token

SECRET_VARIABLE = "REDACTOR_SECRET"
DEFAULT_TTL = 3600
ANY_CALL = "*"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _command(args: argparse.Namespace) -> int:
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        print(f"redactor token: {SECRET_VARIABLE} is not set; set it to the secret `redactor serve` uses",
              file=sys.stderr)
        return 2
    call_id = args.call
    if not call_id:
        if args.role != "supervisor":
            print("redactor token: --call is required (only a supervisor token may omit it)", file=sys.stderr)
            return 2
        call_id = ANY_CALL
    token = issue_token(secret, call_id, role=args.role, ttl=args.ttl, subject=args.subject)
    print(token)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "token", help="print a signed token for the agent screen or an ingest client",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--call", metavar="CALL_ID", help="the call the token is for")
    parser.add_argument("--role", choices=ROLES, default="agent", help="agent (default), supervisor or ingest")
    parser.add_argument("--ttl", type=_positive_int, default=DEFAULT_TTL, metavar="SECONDS",
                        help=f"lifetime in seconds (default {DEFAULT_TTL})")
    parser.add_argument("--subject", metavar="NAME", help="who the token is for (recorded in the audit log)")
    parser.set_defaults(func=_command)
