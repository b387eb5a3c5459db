"""The websockets app of ``redactor serve``: routes, handshake authentication, limits.

Routes (CONTRACTS.md): ``/twilio``, ``/audiohook``, ``/ingest`` (telephony in), ``/agent/{call_id}``
(masked events out), ``/`` and ``/static/*`` (the agent screen), ``/healthz``, ``/metrics``.
Every credential is checked in ``process_request``, before the upgrade: a refused connection
gets HTTP 401/403 and never reaches a handler. Handlers run one adapter per connection;
one bad connection is closed with a code and reason and never affects another call.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import logging
import os
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

from redactor.server import auth
from redactor.server.hub import AgentHub, HubOptions
from redactor.server.metrics import Metrics
from redactor.server.wire import close_connection
from redactor.stream.session import CallManager, StreamOptions

log = logging.getLogger(__name__)
WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
INGEST_PATHS = ("/twilio", "/audiohook", "/ingest")


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
      stream: live-call options (speech model, VAD, partials, concurrent call limit).
      hub: agent hub limits.
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
    stream: StreamOptions = field(default_factory=StreamOptions)
    hub: HubOptions = field(default_factory=HubOptions)

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
        return cls(**kwargs)


class Server:
    """The running app: call manager, agent hub, metrics and the websockets server."""

    def __init__(self, options: ServerOptions, *, manager: CallManager | None = None) -> None:
        if not options.secret:
            if not options.dev:
                raise ValueError("REDACTOR_SECRET is required (or use --dev on a laptop)")
            options = replace(options, secret=secrets.token_urlsafe(32))
        self.options = options
        self.hub = AgentHub(options.hub)
        self.metrics = Metrics()
        self.calls = manager or CallManager(self.hub.publish, options.stream, metrics=self.metrics)
        self.calls.publish = self.hub.publish
        self.calls.metrics = self.metrics
        self._server = None
        self.port = options.port

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._server = await serve(
            self._handle, self.options.host, self.options.port,
            process_request=self._process_request,
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
        """Graceful shutdown: stop accepting, flush every open call (finals, ``call_ended``)."""
        if self._server is not None:
            self._server.close(close_connections=False)
        await self.calls.close_all()
        await asyncio.sleep(0.2)  # let agent pumps send call_ended
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def issue_token(self, call_id: str, role: str = "agent", ttl: int = 3600, subject: str | None = None) -> str:
        return auth.issue_token(self.options.secret, call_id, role, ttl, subject)

    # ------------------------------------------------------------------ handshake

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        try:
            if path == "/healthz":
                return connection.respond(HTTPStatus.OK, "ok\n")
            if path == "/metrics":
                body = self.metrics.render(self.calls.calls, self.calls.scheduler, self.hub)
                return _response(connection, HTTPStatus.OK, body, "text/plain; version=0.0.4; charset=utf-8")
            if path == "/" or path.startswith("/static/"):
                return self._static(connection, path)
            if path in INGEST_PATHS:
                connection.claims = self._authenticate_ingest(connection, request, path)
                return None
            if path.startswith("/agent/"):
                call_id = unquote(path[len("/agent/"):])
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
            log.warning("handshake refused", extra={"path": path, "status": exc.status, "reason": exc.reason,
                                                    "remote": _remote(connection)})
            response = connection.respond(exc.status, exc.reason + "\n")
            if exc.status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="redactor"'
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
                                          clients=self.options.audiohook_clients)
            return None
        token = auth.bearer_token(headers)
        if token is None:
            raise auth.AuthError(401, "missing bearer token")
        claims = auth.verify_token(self.options.secret, token)
        auth.authorize(claims, call_id=None, roles=("ingest",))
        return claims

    def _static(self, connection: ServerConnection, path: str) -> Response:
        name = "index.html" if path == "/" else path[len("/static/"):]
        file = (WEB_ROOT / name).resolve()
        if WEB_ROOT not in file.parents or not file.is_file():
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        response = _response(connection, HTTPStatus.OK, file.read_bytes(),
                             CONTENT_TYPES.get(file.suffix, "application/octet-stream"))
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
        started = time.monotonic()
        try:
            if path.startswith("/agent/"):
                await self.hub.attach(connection, connection.call_id, connection.claims)
                return
            handler = {"/twilio": handle_twilio, "/audiohook": handle_audiohook, "/ingest": handle_ingest}[path]
            await handler(RateLimited(connection, self.options.max_messages_per_s), self)
        except ConnectionClosed:
            pass
        except Exception as exc:  # one bad connection never takes the server down
            log.error("connection failed", extra={"path": path, "error": type(exc).__name__})
            with contextlib.suppress(Exception):
                await connection.close(1011, "internal error")
        finally:
            log.info("connection closed", extra={"path": path, "seconds": round(time.monotonic() - started, 1),
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
