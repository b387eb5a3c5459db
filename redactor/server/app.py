"""The websockets app of ``redactor serve``: routes, handshake authentication, limits.

Routes (CONTRACTS.md): ``/twilio``, ``/audiohook``, ``/ingest`` (telephony in), ``/agent/{call_id}``
(masked events out), ``/calls`` (active calls, supervisors), ``/`` and ``/static/*`` (the agent
screen), ``/healthz``, ``/readyz``, ``/metrics``. Agents and ``/calls`` go through the event bus
(``redactor.server.bus``): in process by default, Redis Streams with ``bus``.
Every credential is checked in ``process_request``, before the upgrade: a refused connection
gets HTTP 401/403 and never reaches a handler. Handlers run one adapter per connection;
one bad connection is closed with a code and reason and never affects another call.

Nothing a client sent is echoed into a log line, a close reason or an HTTP body: logs name
the route (``twilio``, ``agent``, …), not the path; a path with a control character or a bad
percent-escape is a 400, an unknown one a 404; ``websockets``' own handshake refusals (which
quote header values) are replaced by fixed texts. HTTP routes answer GET and HEAD only (405).

:meth:`Server.stop` drains: it refuses new connections and calls, flushes every open call
(finals, ``call_ended`` with reason ``shutdown``), closes every connection with 1001 and
returns within ``ServerOptions.shutdown_timeout_s`` whatever the clients do.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import json
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from redactor.engine import Engine
from redactor.policy.catalogue import TYPE_LABELS
from redactor.records import attach_records
from redactor.server import auth
from redactor.server.bus import BUS_VARIABLE, EventBus, audit, open_bus
from redactor.server.hub import HubOptions
from redactor.server.metrics import Metrics
from redactor.server.wire import close_connection
from redactor.stream.session import CallManager, StreamOptions

log = logging.getLogger(__name__)
WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8",
                 ".svg": "image/svg+xml", ".png": "image/png"}
INGEST_PATHS = ("/twilio", "/audiohook", "/ingest")
HTTP_ROUTES = ("/healthz", "/readyz", "/metrics", "/calls")
HTTP_METHODS = ("GET", "HEAD")
STATIC_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
CONTROL = re.compile(r"[\x00-\x20\x7f]")
CALL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+\-]{0,127}")  # as wire.SafeId
SHUTTING_DOWN = "server shutting down"


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """Everything ``redactor serve`` is configured with.

    Attributes:
      host, port: where to listen (port 0 picks a free one).
      public_url: the URL the telephony platform dials (``wss://…``): Twilio signs it;
        default ``ws://HOST:PORT``.
      dev: laptop mode: a secret is generated if none is set and ingest from loopback needs
        no credentials (agents always need a token).
      secret: signs agent/ingest tokens (``REDACTOR_SECRET``).
      twilio_auth_token: ``TWILIO_AUTH_TOKEN``; Twilio ingest is refused without it.
      audiohook_clients: AudioHook API key → client secret (bytes), from
        ``REDACTOR_AUDIOHOOK_API_KEY`` / ``REDACTOR_AUDIOHOOK_CLIENT_SECRET`` (base64).
      twilio_tracks: Twilio track → channel name.
      max_message_bytes: larger frames are refused (close 1009).
      max_messages_per_s: per-connection rate; a flood is closed (1008).
      handshake_timeout_s: a client must complete the HTTP upgrade within this (else dropped).
      start_timeout_s: a telephony connection must start a call (Twilio ``start``, AudioHook
        ``open``, ingest start frame) within this, else it is closed (1008).
      call_idle_timeout_s: an open call with no audio for this long (AudioHook: no audio
        and, while paused, no ``ping``) is closed (1008) and ends with reason ``timeout``, so a
        silent stream cannot hold a call slot forever. ``None`` disables either limit.
      max_gap_fill_s: the most silence synthesised for one gap (a Twilio timestamp jump, an
        AudioHook discarded span); a longer gap is accounted without being synthesised.
      shutdown_timeout_s: :meth:`Server.stop` (SIGTERM) returns within this, whatever clients do.
      audiohook_max_skew_s: an AudioHook signature is accepted this long either side of its
        ``created`` time, and only once (remembered for that long).
      twilio_replay_window_s: how long a Twilio ``streamSid`` is remembered; a stream that
        repeats one is refused (Twilio's URL-only signature cannot itself be single-use).
      replay_entries: most signatures / stream ids remembered (oldest forgotten first).
      stream: live-call options (speech model, VAD, partials, concurrent call limit).
      hub: agent hub limits (every bus keeps them per viewer).
      bus: ``redis://HOST:PORT/DB`` to share calls between instances (``REDACTOR_BUS``);
        ``None``: in process.
      instance: this instance's name on the bus and in audit lines (``REDACTOR_INSTANCE``;
        default host and pid).
    """

    host: str = "127.0.0.1"
    port: int = 8765
    public_url: str | None = None
    dev: bool = False
    secret: str | None = None
    twilio_auth_token: str | None = None
    audiohook_clients: dict[str, bytes] = field(default_factory=dict)
    twilio_tracks: dict[str, str] = field(default_factory=lambda: {"inbound": "customer", "outbound": "agent"})
    max_message_bytes: int = 64 * 1024
    max_messages_per_s: int = 1000  # Twilio sends 100 a second (2 tracks × 50); room for 10× replays
    audiohook_close_timeout: float = 5.0
    handshake_timeout_s: float = 10.0
    start_timeout_s: float | None = 10.0
    call_idle_timeout_s: float | None = 30.0
    max_gap_fill_s: float = 5.0
    shutdown_timeout_s: float = 10.0
    audiohook_max_skew_s: float = 10.0
    twilio_replay_window_s: float = 3600.0
    replay_entries: int = 100_000
    stream: StreamOptions = field(default_factory=StreamOptions)
    hub: HubOptions = field(default_factory=HubOptions)
    bus: str | None = None
    instance: str | None = None
    records: str | Path | None = None  # --records DIR: call records (redactor.records), None = off

    @classmethod
    def from_env(cls, **kwargs) -> ServerOptions:
        """Options with credentials read from the environment (see the attributes)."""
        env = os.environ
        clients = {}
        key, secret = env.get("REDACTOR_AUDIOHOOK_API_KEY"), env.get("REDACTOR_AUDIOHOOK_CLIENT_SECRET")
        if key and secret:
            clients[key] = base64.b64decode(secret)
        kwargs.setdefault("secret", env.get("REDACTOR_SECRET"))
        kwargs.setdefault("twilio_auth_token", env.get("TWILIO_AUTH_TOKEN"))
        kwargs.setdefault("audiohook_clients", clients)
        if kwargs.get("bus") is None:
            kwargs["bus"] = env.get(BUS_VARIABLE) or None
        return cls(**kwargs)


class Server:
    """The running app: call manager, event bus (``hub``), metrics and the websockets server."""

    def __init__(self, options: ServerOptions, *, engine: Engine | None = None) -> None:
        """``engine``: the PII engine from ``redactor.engine.build_engine`` (default: the defaults)."""
        if not options.secret:
            if not options.dev:
                raise ValueError("REDACTOR_SECRET is required (or use --dev on a laptop)")
            options = replace(options, secret=secrets.token_urlsafe(32))
        self.options = options
        self.hub: EventBus = open_bus(options.bus, options.hub, instance=options.instance)
        self.metrics = Metrics()
        self.calls = CallManager(self.hub.publish, options.stream, engine=engine, metrics=self.metrics)
        self.records = attach_records(self.calls, options.records, self.metrics)  # wraps calls.publish
        self.hub.bind(self.calls, self.metrics)
        self._server = None
        self.port = options.port
        self.draining = False  # read by the adapters: no new call while draining
        self._drained: asyncio.Future | None = None
        self.audiohook_replay = auth.ReplayCache(options.replay_entries)
        self.twilio_stream_ids = _RecentIds(options.twilio_replay_window_s, options.replay_entries)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        await self.hub.start()
        self._server = await serve(
            self._handle, self.options.host, self.options.port,
            process_request=self._process_request,
            process_response=_process_response,
            open_timeout=self.options.handshake_timeout_s,
            subprotocols=[auth.AGENT_SUBPROTOCOL],
            select_subprotocol=_select_subprotocol,
            max_size=self.options.max_message_bytes,
            compression=None,  # audio does not compress; per-connection zlib state costs memory
            max_queue=64,
            server_header="redactor",
        )
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("listening", extra={"host": self.options.host, "port": self.port})

    @property
    def http_url(self) -> str:
        return f"http://{self.options.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.options.host}:{self.port}"

    @property
    def public_url(self) -> str:
        return (self.options.public_url or self.ws_url).rstrip("/")

    async def stop(self) -> None:
        """Drain and stop, within ``shutdown_timeout_s`` whatever the clients do (idempotent).

        1. Stop listening; handshakes in flight get 503 and new calls on open connections are
           refused (1001): :attr:`draining`.
        2. Every open call is closed with reason ``shutdown``: its finals are flushed and
           ``call_ended`` published; at the same time every telephony connection is closed
           with 1001 (the audio stops; its handler waits for the flush).
        3. Agents of those calls get ``call_ended`` (the hub then closes them, 1000); every
           connection still open is closed with 1001 ``server shutting down``.
        4. At the deadline, whatever is still open is dropped (TCP abort).
        """
        if self._drained is None:
            self._drained = asyncio.ensure_future(self._drain())
        await asyncio.shield(self._drained)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.shutdown_timeout_s
        started = loop.time()
        self.draining = True
        server = self._server
        if server is not None:
            server.close(close_connections=False)  # stop listening
        sessions = list(self.calls.calls.values())
        ended = {session.call_id for session in sessions}
        flushes = [asyncio.ensure_future(session.close("shutdown")) for session in sessions]
        await asyncio.sleep(0)  # each session now closes with reason "shutdown", whoever else closes it
        connections = set(server.connections) if server is not None else set()
        telephony = [c for c in connections if _route(c) != "agent"]
        closing = [asyncio.ensure_future(_going_away(c, deadline)) for c in telephony]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(deadline - 1.0):
                await asyncio.gather(*flushes, return_exceptions=True)
        with contextlib.suppress(TimeoutError):  # agents of ended calls: the hub sends call_ended, closes
            async with asyncio.timeout_at(min(deadline - 0.5, loop.time() + 1.0)):
                while any(_route(c) == "agent" and c.state is State.OPEN and c.call_id in ended
                          for c in connections):
                    await asyncio.sleep(0.02)
        remaining = set(server.connections) if server is not None else set()
        closing += [asyncio.ensure_future(_going_away(c, deadline)) for c in remaining - set(telephony)]
        await asyncio.gather(*closing, return_exceptions=True)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(deadline):
                await self.calls.close_all()
                if self.records is not None:  # the records of the calls just ended are on disk
                    await self.records.drain()
                if server is not None:
                    await server.wait_closed()
        with contextlib.suppress(TimeoutError):  # the bus writes what is waiting (call_ended) while it can
            async with asyncio.timeout_at(max(deadline, loop.time() + 0.5)):
                await self.hub.stop()
        log.info("drained", extra={"seconds": round(loop.time() - started, 2), "open_calls": len(self.calls.calls),
                                   "connections_left": len(server.connections) if server is not None else 0})

    def issue_token(self, call_id: str, role: str = "agent", ttl: int = 3600, subject: str | None = None) -> str:
        return auth.issue_token(self.options.secret, call_id, role, ttl, subject)

    # ------------------------------------------------------------------ handshake

    async def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        route = _route(connection)
        try:
            if route == "invalid":
                return connection.respond(HTTPStatus.BAD_REQUEST, "bad request\n")
            if route in ("http", "static") and request.method not in HTTP_METHODS:
                response = connection.respond(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed\n")
                response.headers["Allow"] = ", ".join(HTTP_METHODS)
                return response
            if route == "http":
                return _head(request, await self._http_route(connection, request, path))
            if route == "static":
                return _head(request, self._static(connection, path))
            if route == "other":
                return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
            if self.draining:
                return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, SHUTTING_DOWN + "\n")
            if path in INGEST_PATHS:
                connection.claims = self._authenticate_ingest(connection, request, path)
                return None
            if path.startswith("/agent/"):
                call_id = unquote(path[len("/agent/"):], errors="strict")
                if not CALL_ID.fullmatch(call_id):
                    return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
                token = auth.bearer_token(request.headers)
                if token is None:
                    raise auth.AuthError(401, "missing bearer token")
                claims = auth.verify_token(self.options.secret, token)
                auth.authorize(claims, call_id=call_id, roles=("agent", "supervisor"))
                connection.claims = claims
                connection.call_id = call_id
                return None
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        except auth.AuthError as exc:
            self.metrics.refused.labels(str(exc.status)).inc()
            log.warning("handshake refused", extra={"route": route, "status": exc.status, "reason": exc.reason,
                                                    "remote": _remote(connection)})
            response = connection.respond(exc.status, exc.reason + "\n")
            if exc.status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="redactor"'
            return response

    async def _http_route(self, connection: ServerConnection, request: Request, path: str) -> Response:
        if path == "/calls":
            return await self._list_calls(connection, request)
        if path == "/healthz":
            return connection.respond(HTTPStatus.OK, "ok\n")
        if path == "/readyz":
            free = self.options.stream.max_calls - len(self.calls.calls)
            if self.draining or free <= 0:
                return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "draining\n" if self.draining else "full\n")
            return connection.respond(HTTPStatus.OK, f"ok {free}\n")
        body = self.metrics.render(self.calls.calls, self.calls.scheduler, self.hub)
        return _response(connection, HTTPStatus.OK, body, "text/plain; version=0.0.4; charset=utf-8")

    async def _list_calls(self, connection: ServerConnection, request: Request) -> Response:
        """``GET /calls``: every active call on the bus, newest first, for a supervisor token (audited)."""
        token = auth.bearer_token(request.headers)
        if token is None:
            raise auth.AuthError(401, "missing bearer token")
        claims = auth.verify_token(self.options.secret, token)
        auth.authorize(claims, call_id=None, roles=("supervisor",))
        try:
            calls = await self.hub.active_calls()
        except Exception as exc:  # the bus is unreachable: say so, never half a list
            log.warning("calls not listed", extra={"error": type(exc).__name__})
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "event bus unavailable\n")
        audit("calls_listed", subject=claims.subject, role=claims.role, token_id=claims.token_id,
              remote=_remote(connection), instance=self.hub.instance, calls=len(calls))
        body = json.dumps({"instance": self.hub.instance, "calls": [c.to_json() for c in calls]},
                          ensure_ascii=False).encode()
        response = _response(connection, HTTPStatus.OK, body, "application/json")
        response.headers["Cache-Control"] = "no-store"
        return response

    def _authenticate_ingest(self, connection: ServerConnection, request: Request, path: str):
        """Claims for /ingest (None when not token-based); raises AuthError."""
        headers = request.headers
        if self.options.dev and _is_loopback(connection) and not _has_credentials(path, headers):
            return None
        if path == "/twilio":
            if not self.options.twilio_auth_token:
                raise auth.AuthError(403, "twilio ingest is not configured")
            url = auth.public_request_url(self.public_url, request.path)
            auth.verify_twilio_signature(self.options.twilio_auth_token, url, headers.get("X-Twilio-Signature"))
            return None
        if path == "/audiohook":
            if not self.options.audiohook_clients:
                raise auth.AuthError(403, "audiohook ingest is not configured")
            auth.verify_audiohook_request(headers, method="GET", path=request.path,
                                          authority=auth.url_authority(self.public_url),
                                          clients=self.options.audiohook_clients,
                                          max_skew=self.options.audiohook_max_skew_s, replay=self.audiohook_replay)
            return None
        token = auth.bearer_token(headers)
        if token is None:
            raise auth.AuthError(401, "missing bearer token")
        claims = auth.verify_token(self.options.secret, token)
        auth.authorize(claims, call_id=None, roles=("ingest",))
        return claims

    def _static(self, connection: ServerConnection, path: str) -> Response:
        """A file of the agent screen; only plain names (no ``..``, escapes or controls) are looked up."""
        name = "index.html" if path == "/" else path[len("/static/"):]
        if name == "labels.json":  # the mask labels, served from their one home (docs/labels.md)
            body, content_type = json.dumps(TYPE_LABELS, ensure_ascii=False).encode(), CONTENT_TYPES[".json"]
        else:
            if not STATIC_NAME.fullmatch(name) or ".." in name.split("/"):
                return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
            file = (WEB_ROOT / name).resolve()
            if WEB_ROOT not in file.parents or not file.is_file():
                return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
            body, content_type = file.read_bytes(), CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        response = _response(connection, HTTPStatus.OK, body, content_type)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    # ------------------------------------------------------------------ connections

    async def _handle(self, connection: ServerConnection) -> None:
        from redactor.server.audiohook import handle_audiohook
        from redactor.server.ingest import handle_ingest
        from redactor.server.twilio import handle_twilio

        path = urlsplit(connection.request.path).path
        route = _route(connection)
        started = time.monotonic()
        try:
            if route == "agent":
                await self.hub.attach(connection, connection.call_id, connection.claims)
                return
            handler = {"/twilio": handle_twilio, "/audiohook": handle_audiohook, "/ingest": handle_ingest}[path]
            await handler(RateLimited(connection, self.options.max_messages_per_s), self)
        except ConnectionClosed:
            pass
        except Exception as exc:  # one bad connection never takes the server down
            log.error("connection failed", extra={"route": route, "error": type(exc).__name__})
            with contextlib.suppress(Exception):
                await connection.close(1011, "internal error")
        finally:
            log.info("connection closed", extra={"route": route, "seconds": round(time.monotonic() - started, 1),
                                                 "remote": _remote(connection)})


class RateLimited:
    """A connection whose incoming messages are rate-limited (token bucket, one second deep).

    Telephony sends ~50 frames a second per track; a peer far above the limit is broken or
    hostile and is closed with 1008 before it can starve the event loop.
    """

    def __init__(self, ws: ServerConnection, per_second: int) -> None:
        self._ws, self._rate = ws, float(per_second)
        self._tokens, self._at = float(per_second), time.monotonic()

    def __getattr__(self, name):
        return getattr(self._ws, name)

    @property
    def unwrapped(self) -> ServerConnection:
        return self._ws

    async def _check(self) -> None:
        now = time.monotonic()
        self._tokens = min(self._rate, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens < 1:
            await close_connection(self._ws, 1008, "message rate limit exceeded")
            raise ConnectionClosed(None, None)
        self._tokens -= 1

    async def recv(self, *args, **kwargs):
        message = await self._ws.recv(*args, **kwargs)
        await self._check()
        return message

    def __aiter__(self):
        return self._iterate()

    async def _iterate(self):
        async for message in self._ws:
            await self._check()
            yield message


class _RecentIds:
    """Ids seen in the last ``window`` seconds (bounded): :meth:`add` is ``False`` for a repeat."""

    def __init__(self, window: float, entries: int) -> None:
        self.window = window
        self.cache = auth.ReplayCache(entries)

    def add(self, key: str) -> bool:
        now = time.monotonic()
        return self.cache.add(key, now + self.window, now)


def _route(connection: ServerConnection) -> str:
    """What a request is for, as logs may name it: ``twilio``, ``audiohook``, ``ingest``, ``agent``,
    ``http`` (health, readiness, metrics), ``static``, ``other`` (unknown: 404) or ``invalid``
    (a control character or a malformed percent-escape: 400). Never the path itself."""
    cached = getattr(connection, "route", None)
    if cached is not None:
        return cached
    path = urlsplit(connection.request.path).path
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        decoded = None
    if decoded is None or CONTROL.search(path) or CONTROL.search(decoded) or BAD_ESCAPE.search(path):
        route = "invalid"
    elif path in INGEST_PATHS:
        route = path[1:]
    elif path.startswith("/agent/"):
        route = "agent"
    elif path in HTTP_ROUTES:
        route = "http"
    elif path == "/" or path.startswith("/static/"):
        route = "static"
    else:
        route = "other"
    connection.route = route
    return route


def _head(request: Request, response: Response) -> Response:
    """A HEAD answer: the GET answer's status and headers, no body."""
    if request.method != "HEAD":
        return response
    return Response(response.status_code, response.reason_phrase, response.headers, b"")


def _process_response(connection: ServerConnection, request: Request, response: Response) -> Response | None:
    """Replace ``websockets``' own refusal texts, which quote header values, with fixed ones."""
    if response.status_code != HTTPStatus.SWITCHING_PROTOCOLS and response.body.startswith(b"Failed to open"):
        status = HTTPStatus(response.status_code)
        headers = Headers((k, v) for k, v in response.headers.raw_items() if k.lower() != "content-length")
        body = f"{status.phrase.lower()}\n".encode()
        headers["Content-Length"] = str(len(body))
        return Response(response.status_code, response.reason_phrase, headers, body)
    return None


async def _going_away(connection: ServerConnection, deadline: float) -> None:
    """Close with 1001; drop the TCP connection if the closing handshake is not done by ``deadline``."""
    try:
        async with asyncio.timeout_at(deadline):
            await connection.close(1001, SHUTTING_DOWN)
    except TimeoutError:
        connection.transport.abort()
    except Exception:  # already closed or broken: nothing to do
        connection.transport.abort()


def _select_subprotocol(connection: ServerConnection, subprotocols) -> str | None:
    """The agent page offers ``redactor.agent.v1`` and ``bearer.TOKEN``: select the first, never echo the token."""
    return auth.AGENT_SUBPROTOCOL if auth.AGENT_SUBPROTOCOL in subprotocols else None


def _response(connection: ServerConnection, status: HTTPStatus, body: bytes, content_type: str) -> Response:
    response = connection.respond(status, "")
    headers = Headers(response.headers)
    del headers["Content-Type"], headers["Content-Length"]  # Headers appends: replace, never duplicate
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    return Response(response.status_code, response.reason_phrase, headers, body)


def _remote(connection: ServerConnection) -> str | None:
    address = connection.remote_address
    return address[0] if address else None


def _is_loopback(connection: ServerConnection) -> bool:
    try:
        return ipaddress.ip_address(_remote(connection) or "").is_loopback
    except ValueError:
        return False


def _has_credentials(path: str, headers: Headers) -> bool:
    names = {"/twilio": "X-Twilio-Signature", "/audiohook": "Signature", "/ingest": "Authorization"}
    return names[path] in headers


@contextlib.asynccontextmanager
async def running_server(options: ServerOptions, **kwargs):
    """``async with running_server(options) as server:`` — started, then gracefully stopped."""
    server = Server(options, **kwargs)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
