"""``redactor serve``: the live-call server (see CONTRACTS.md and the README's "Live calls").

``redactor serve [--host 127.0.0.1] [--port 8765] [--config FILE] [--public-url URL] [--dev]``

Logs are JSON lines on stderr (one object per event, structured fields, never transcript
text or PII); the audit log (who watched which call) goes to the same stream with
``"logger": "redactor.audit"`` unless ``--audit-log FILE`` sends it to a file of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and the ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"time": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
                "message": record.getMessage()}
        data.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        return json.dumps(data, ensure_ascii=False, default=str)


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

    return ServerOptions.from_env(host=args.host, port=args.port, public_url=args.public_url, dev=args.dev)


async def serve_forever(args: argparse.Namespace) -> int:
    from redactor import Redactor
    from redactor.config import load_config
    from redactor.policy import WarningEngine, build_policies
    from redactor.server.app import Server
    from redactor.stream.session import CallManager

    config = load_config(args.config)  # once: the PII engine and the policies share it
    options = build_options(args)
    started = time.monotonic()
    warnings = WarningEngine(build_policies(config.policies, config.entity_types))
    server = Server(options, manager=CallManager(lambda *_: None, options.stream,
                                                 redactor=Redactor(config), warnings=warnings))
    await server.start()
    log = logging.getLogger("redactor.server")
    log.info("ready", extra={"url": server.http_url, "public_url": server.public_url, "dev": options.dev,
                             "load_seconds": round(time.monotonic() - started, 1)})
    if options.dev:
        token = server.issue_token("*", "supervisor", ttl=12 * 3600, subject="dev")
        print(f"agent screen: {server.http_url}/\nsupervisor token (12 h): {token}", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down", extra={"open_calls": len(server.calls.calls)})
    await server.stop()
    return 0


def run(args: argparse.Namespace) -> int:
    from redactor.config import ConfigError

    setup_logging(audit_file=args.audit_log)
    try:
        return asyncio.run(serve_forever(args))
    except (ValueError, ConfigError, OSError) as exc:
        print(f"redactor serve: {exc}", file=sys.stderr)
        return 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="live-call server (Twilio, AudioHook, raw ingest, agent screen)",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--config", help="redactor TOML configuration (policies, operators, identifiers)")
    parser.add_argument("--public-url", help="URL the telephony platform dials (Twilio signs it)")
    parser.add_argument("--dev", action="store_true",
                        help="laptop mode: generated secret, supervisor token printed, loopback ingest unauthenticated")
    parser.add_argument("--audit-log", help="write the audit log (who watched which call) to this file")
    parser.set_defaults(func=run)
