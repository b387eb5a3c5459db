"""What the telephony adapters share: protocol errors, close codes, opening a call.

An adapter turns wire frames into calls on a :class:`~redactor.stream.session.CallSession`
and nothing else. When a peer breaks its protocol the adapter raises
:class:`ProtocolError`; the handler then closes the connection with the error's code and
reason. Reasons are short, fixed texts: never a frame's content, a token or a PII value;
they name the field or the position at fault, never its value.

Every inbound frame is validated as a schema (pydantic models with strict types, see
:class:`Frame` and :func:`validate`): a wrong type, a missing field or an out-of-range number is
a protocol error (1002) naming the field, never a ``TypeError`` deep in an adapter (1011).
Members a platform adds beyond the schema are allowed (Twilio and Genesys add fields).

:class:`Liveness` bounds how long a connection may hold a call slot without sending audio:
no start frame within ``start_timeout_s`` closes it (1008), and an open call with no media
for ``call_idle_timeout_s`` is closed (1008) and ended with reason ``timeout``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Protocol, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from redactor.policy.policies import PolicyError

__all__ = ["CallId", "CloseCode", "Count", "Frame", "Liveness", "ProtocolError", "SafeId", "close_connection",
           "close_reason", "open_call", "parse_json_object", "receive", "serve_stream", "validate"]

MAX_REASON_BYTES = 123  # RFC 6455: a close frame's payload is at most 125 bytes, 2 of them the code
DEFAULT_START_TIMEOUT = 10.0
DEFAULT_CALL_IDLE_TIMEOUT = 30.0
MAX_COUNT = 10 ** 15  # sequence numbers, timestamps (ms): 31,000 years of a call


class ProtocolError(Exception):
    """The peer broke the wire protocol: close with :attr:`code` and :attr:`reason`.

    :attr:`end` is the reason the call (if one was opened) ends with: ``error``, or
    ``timeout`` when the peer went silent.
    """

    def __init__(self, code: int, reason: str, *, end: str = "error") -> None:
        super().__init__(f"{code} {reason}")
        self.code = int(code)
        self.reason = reason
        self.end = end


# --- schemas ----------------------------------------------------------------------------------

#: Every field name the frame schemas declare: a validation error names the field only when it
#: is one of ours (a key of the peer's own dictionary is input and never echoed).
_FIELD_NAMES: set[str] = set()
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")


class Frame(BaseModel):
    """Base of the inbound frame schemas: strict types, extra members allowed and ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, populate_by_name=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        for name, info in cls.model_fields.items():
            _FIELD_NAMES.add(name)
            if info.alias:
                _FIELD_NAMES.add(info.alias)


def _count(value: object) -> object:
    """Twilio sends numbers as strings of digits ("12"); accept those and non-negative integers."""
    if isinstance(value, str) and 0 < len(value) <= 16 and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("not a count")


#: A non-negative whole number, given as a JSON number or a string of digits.
Count = Annotated[int, BeforeValidator(_count), Field(ge=0, le=MAX_COUNT)]
#: An identifier that is safe to log and to use as a key: 1–128 printable ASCII characters,
#: no spaces, quotes or slashes (Twilio SIDs, Genesys UUIDs, ``call-42``).
SafeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@+\-]{0,127}$")]
CallId = SafeId

M = TypeVar("M", bound=BaseModel)


def field_path(error: ValidationError) -> str:
    """Where the first error is, as ``start.mediaFormat.sampleRate`` or ``channels[1]``: only names
    the schemas declare and list positions, never a key or value the peer sent."""
    loc = error.errors(include_url=False, include_context=False, include_input=False)[0]["loc"]
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif isinstance(item, str) and item in _FIELD_NAMES and _NAME.fullmatch(item):
            parts.append(("." if parts else "") + item)
        else:
            break
    return "".join(parts) or "frame"


def validate(model: type[M], data: Any, *, what: str, code: int = CloseCode.PROTOCOL_ERROR) -> M:
    """``data`` as ``model``; :class:`ProtocolError` (``code``, default 1002) naming the field otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ProtocolError(code, f'{what}: missing or invalid "{field_path(exc)}"') from None


# --- liveness ---------------------------------------------------------------------------------

START_TIMEOUT_REASON = "no start frame within the start timeout"
IDLE_TIMEOUT_REASON = "no media within the call inactivity timeout"


@dataclass
class Liveness:
    """How long a connection may go without starting a call, then without sending audio.

    Before the call opens the deadline is ``start_timeout`` after the connection; once it is
    open, ``idle_timeout`` after the last :meth:`alive` (audio, or what the protocol sends
    instead of audio: an AudioHook ``ping`` while paused). ``None`` disables a limit.
    """

    start_timeout: float | None = DEFAULT_START_TIMEOUT
    idle_timeout: float | None = DEFAULT_CALL_IDLE_TIMEOUT
    connected_at: float = field(default_factory=time.monotonic)
    alive_at: float | None = None

    START: ClassVar[str] = START_TIMEOUT_REASON
    IDLE: ClassVar[str] = IDLE_TIMEOUT_REASON

    @classmethod
    def of(cls, host: Any) -> Liveness:
        """The limits of ``host.options`` (``start_timeout_s``, ``call_idle_timeout_s``)."""
        options = getattr(host, "options", None)
        return cls(getattr(options, "start_timeout_s", DEFAULT_START_TIMEOUT),
                   getattr(options, "call_idle_timeout_s", DEFAULT_CALL_IDLE_TIMEOUT))

    def alive(self) -> None:
        """The call opened, or audio arrived."""
        self.alive_at = time.monotonic()

    def expiry(self) -> tuple[float | None, ProtocolError]:
        """(monotonic deadline or ``None``, the error to close with when it passes)."""
        if self.alive_at is None:
            deadline = None if self.start_timeout is None else self.connected_at + self.start_timeout
            return deadline, ProtocolError(CloseCode.POLICY_VIOLATION, START_TIMEOUT_REASON, end="timeout")
        deadline = None if self.idle_timeout is None else self.alive_at + self.idle_timeout
        return deadline, ProtocolError(CloseCode.POLICY_VIOLATION, IDLE_TIMEOUT_REASON, end="timeout")


async def receive(ws: Any, liveness: Liveness | None) -> str | bytes:
    """The next frame of ``ws``; :class:`ProtocolError` (end ``timeout``) once ``liveness``'s deadline passes."""
    deadline, error = liveness.expiry() if liveness is not None else (None, None)
    if deadline is None:
        return await ws.recv()
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise error
    try:
        async with asyncio.timeout(remaining):
            return await ws.recv()
    except TimeoutError:
        raise error from None


def close_reason(text: str) -> str:
    """``text`` cut to fit a close frame (123 bytes of UTF-8), never mid-character."""
    data = text.encode("utf-8")
    if len(data) <= MAX_REASON_BYTES:
        return text
    return data[:MAX_REASON_BYTES].decode("utf-8", "ignore")


async def close_connection(ws: Any, code: int, reason: str = "") -> None:
    """Close ``ws`` with ``code`` and ``reason``; a connection already closed is fine.

    Frames the peer sent meanwhile are read and dropped while the closing handshake runs:
    once its incoming queue is full, ``websockets`` stops reading the socket, so it would not
    see the peer's close frame and the handshake would hang for the whole close timeout.
    """
    ws = getattr(ws, "unwrapped", ws)  # read past a rate limiter: draining is not traffic
    closing = asyncio.ensure_future(ws.close(code, close_reason(reason)))
    with contextlib.suppress(ConnectionClosed):
        async for _message in ws:
            pass
    with contextlib.suppress(ConnectionClosed):
        await closing


def parse_json_object(message: str | bytes, *, what: str = "message") -> dict[str, Any]:
    """A text frame's JSON object; :class:`ProtocolError` 1007 if it is not one."""
    try:
        data = json.loads(message)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ProtocolError(CloseCode.INVALID_DATA, f"{what} is not valid JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(CloseCode.INVALID_DATA, f"{what} is not a JSON object")
    return data


async def open_call(host: Any, call_id: str, channels: list[str] | tuple[str, ...], *,
                    policy: str | None, source: str, log: logging.Logger) -> Any:
    """Open the call session through ``host.calls``; refusals become :class:`ProtocolError`.

    ``CallRejected`` (server full, call already streaming) keeps its own close code;
    an unknown policy closes with 1008 ``unknown policy`` (the name is never echoed); a
    server that is draining (``host.draining``) refuses with 1001.
    """
    from redactor.stream.session import CallRejected  # the session module loads the speech stack

    if getattr(host, "draining", False):
        raise ProtocolError(CloseCode.GOING_AWAY, "server shutting down")
    try:
        session = await host.calls.open(call_id, list(channels), policy=policy, source=source)
    except CallRejected as exc:
        log.warning("call rejected", extra={"source": source, "call_id": call_id, "code": exc.code,
                                            "reason": exc.reason})
        raise ProtocolError(exc.code, exc.reason) from None
    except PolicyError:
        log.warning("unknown policy", extra={"source": source, "call_id": call_id})
        raise ProtocolError(CloseCode.POLICY_VIOLATION, "unknown policy") from None
    log.info("call opened", extra={"source": source, "call_id": call_id, "channels": list(channels),
                                   "policy": policy})
    return session


class FrameStream(Protocol):
    """An adapter's per-connection state: frames in, a call session out."""

    call_id: str | None
    session: Any
    liveness: Liveness

    async def receive(self, message: str | bytes) -> bool:
        """Handle one frame; ``True`` when the peer ended the stream."""


async def serve_stream(ws: Any, stream: FrameStream, *, source: str, log: logging.Logger) -> None:
    """Feed ``ws``'s frames to ``stream`` until it ends, then close the connection and the call.

    A protocol error closes with its code and reason; any other failure with 1011 and only
    its type in the log. A peer that outstays ``stream.liveness`` is closed with 1008 and its
    call ends with reason ``timeout``. The call session is closed in every case, so a peer
    that drops mid-call still gets its finals flushed and ``call_ended`` published.
    """
    code, reason, end = CloseCode.NORMAL_CLOSURE, "", "disconnect"
    try:
        try:
            while True:
                if await stream.receive(await receive(ws, stream.liveness)):
                    end = "stop"
                    break
        except ProtocolError as exc:
            code, reason, end = exc.code, exc.reason, exc.end
            log.warning(f"{source} protocol error", extra={"source": source, "call_id": stream.call_id,
                                                          "code": code, "reason": reason})
        except ConnectionClosed as exc:
            # Who closed and with which code, never the reason text of a peer: a frame over the size
            # limit (1009, which the library sends) is an operator's concern, a hang-up is not.
            sent = exc.sent.code if exc.sent is not None else None
            level = logging.WARNING if sent == CloseCode.MESSAGE_TOO_BIG else logging.INFO
            log.log(level, f"{source} disconnected", extra={
                "source": source, "call_id": stream.call_id, "sent_code": sent,
                "received_code": exc.rcvd.code if exc.rcvd is not None else None})
        except Exception as exc:  # a bug here must not take down the server or leak data
            code, reason, end = CloseCode.INTERNAL_ERROR, "internal error", "error"
            log.error(f"{source} handler failed", extra={"source": source, "call_id": stream.call_id,
                                                        "error": type(exc).__name__},
                      exc_info=log.isEnabledFor(logging.DEBUG))
        await close_connection(ws, code, reason)
    finally:
        if stream.session is not None:
            await stream.session.close(end)
