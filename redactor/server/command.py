"""``redactor serve``: the live-call server (see CONTRACTS.md and the README's "Live calls").

``redactor serve [--host 127.0.0.1] [--port 8765] [--config FILE] [--public-url URL] [--dev] [--bus URL]``

``--bus redis://HOST:PORT/DB`` (or ``REDACTOR_BUS``) shares live calls between instances on Redis
Streams (docs/scaling.md); ``REDACTOR_INSTANCE`` names this instance there and in the audit log.

Logs are JSON lines on stderr (one object per event, structured fields, never transcript
text or PII); the audit log (who watched which call) goes to the same stream with
``"logger": "redactor.audit"`` unless ``--audit-log FILE`` sends it to a file of its own.

SIGTERM (or SIGINT) drains (see ``Server.stop``): new calls are refused, open calls flushed
(finals, ``call_ended`` with reason ``shutdown``), every connection closed with 1001, and the
process exits within ``--shutdown-timeout`` seconds (default 10) whatever clients do: a
watchdog thread ends it at that bound, and a worker thread still decoding does not hold the
exit. A second signal exits at once (status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import threading
import time

from redactor.config import add_engine_arguments
from redactor.jsonl import dumps_line

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and the ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"time": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
                "message": record.getMessage()}
        data.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        return dumps_line(data, default=str)  # one record a line, U+2028/U+2029 escaped


def setup_logging(level: int = logging.INFO, audit_file: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("redactor").setLevel(level)
    if audit_file:
        audit = logging.getLogger("redactor.audit")
        file_handler = logging.FileHandler(audit_file, encoding="utf-8")
        file_handler.setFormatter(JsonFormatter())
        audit.addHandler(file_handler)
        audit.propagate = False


def build_options(args: argparse.Namespace):
    """Server options from the command line and the environment."""
    from redactor.server.app import ServerOptions

    limits = {name: getattr(args, name) for name in ("start_timeout_s", "call_idle_timeout_s", "shutdown_timeout_s")
              if getattr(args, name, None) is not None}
    return ServerOptions.from_env(host=args.host, port=args.port, public_url=args.public_url, dev=args.dev,
                                  records=getattr(args, "records", None), bus=getattr(args, "bus", None), **limits)


async def serve_forever(args: argparse.Namespace) -> int:
    from redactor.engine import build_engine
    from redactor.server.app import Server

    options = build_options(args)
    if options.bus:  # before the models load: a wrong URL fails at once
        from redactor.server.bus import check_url

        check_url(options.bus)
    started = time.monotonic()
    engine = build_engine(args.config, entities=args.entities, score_threshold=args.score_threshold)
    server = Server(options, engine=engine)
    await server.start()
    log = logging.getLogger("redactor.server")
    log.info("ready", extra={"url": server.http_url, "public_url": server.public_url, "dev": options.dev,
                             "load_seconds": round(time.monotonic() - started, 1)})
    if options.dev:
        token = server.issue_token("*", "supervisor", ttl=12 * 3600, subject="dev")
        print(f"agent screen: {server.http_url}/\nsupervisor token (12 h): {token}", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():
            log.warning("second signal: exiting now", extra={"open_calls": len(server.calls.calls)})
            _exit_now(1)
        stop.set()
        # The bound holds whatever happens on the loop: a thread ends the process at the deadline.
        watchdog = threading.Timer(options.shutdown_timeout_s + 0.5, _deadline_passed)
        watchdog.daemon = True
        watchdog.start()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    await stop.wait()
    log.info("shutting down", extra={"open_calls": len(server.calls.calls)})
    await server.stop()
    log.info("stopped")
    return 0


def _exit_now(status: int) -> None:
    """End the process now: flush the logs, skip joining worker threads (a decode in flight)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _deadline_passed() -> None:
    logging.getLogger("redactor.server").error("shutdown deadline passed: exiting now")
    _exit_now(1)


def run(args: argparse.Namespace) -> int:
    from redactor.config import ConfigError

    setup_logging(level=getattr(logging, args.log_level.upper()), audit_file=args.audit_log)
    try:
        status = asyncio.run(serve_forever(args))
    except (ValueError, ConfigError, OSError) as exc:
        print(f"redactor serve: {exc}", file=sys.stderr)
        return 2
    _exit_now(status)  # every call is flushed; the speech and PII worker threads need not be joined
    return status


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="live-call server (Twilio, AudioHook, raw ingest, agent screen)",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    add_engine_arguments(parser)
    parser.add_argument("--public-url", help="URL the telephony platform dials (Twilio signs it)")
    parser.add_argument("--dev", action="store_true",
                        help="laptop mode: generated secret, supervisor token printed, loopback ingest unauthenticated")
    parser.add_argument("--audit-log", help="write the audit log (who watched which call) to this file")
    parser.add_argument("--log-level", choices=("debug", "info", "warning"), default="info",
                        help="the server's log level (default info; debug adds the tracebacks of failed calls, "
                             "whose library messages may quote what failed: use it only to diagnose)")
    parser.add_argument("--bus", metavar="URL",
                        help="redis://HOST:PORT/DB: share live calls between instances (default: REDACTOR_BUS, "
                             "else in process)")
    parser.add_argument("--start-timeout", dest="start_timeout_s", type=float, metavar="SECONDS",
                        help="close a telephony connection that starts no call within this (default 10)")
    parser.add_argument("--call-idle-timeout", dest="call_idle_timeout_s", type=float, metavar="SECONDS",
                        help="end a call that sends no audio for this long, reason timeout (default 30)")
    parser.add_argument("--shutdown-timeout", dest="shutdown_timeout_s", type=float, metavar="SECONDS",
                        help="on SIGTERM, drain and exit within this (default 10)")
    parser.add_argument("--records", metavar="DIR",
                        help="write each call's masked transcript here when it ends (see `redactor records purge`)")
    parser.set_defaults(func=run)
