"""What the telephony adapters share: protocol errors, close codes, opening a call.

An adapter turns wire frames into calls on a :class:`~redactor.stream.session.CallSession`
and nothing else. When a peer breaks its protocol the adapter raises
:class:`ProtocolError`; the handler then closes the connection with the error's code and
reason. Reasons are short, fixed texts: never a frame's content, a token or a PII value.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, Protocol

from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from redactor.policy.policies import PolicyError

__all__ = ["CloseCode", "ProtocolError", "close_connection", "close_reason", "open_call", "parse_json_object",
           "serve_stream"]

MAX_REASON_BYTES = 123  # RFC 6455: a close frame's payload is at most 125 bytes, 2 of them the code


class ProtocolError(Exception):
    """The peer broke the wire protocol: close with :attr:`code` and :attr:`reason`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = int(code)
        self.reason = reason


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
    an unknown policy closes with 1008 and the policy error's message.
    """
    from redactor.stream.session import CallRejected  # the session module loads the speech stack

    try:
        session = await host.calls.open(call_id, list(channels), policy=policy, source=source)
    except CallRejected as exc:
        log.warning("call rejected", extra={"source": source, "call_id": call_id, "code": exc.code,
                                            "reason": exc.reason})
        raise ProtocolError(exc.code, exc.reason) from None
    except PolicyError as exc:
        log.warning("unknown policy", extra={"source": source, "call_id": call_id})
        raise ProtocolError(CloseCode.POLICY_VIOLATION, str(exc)) from None
    log.info("call opened", extra={"source": source, "call_id": call_id, "channels": list(channels),
                                   "policy": policy})
    return session


class FrameStream(Protocol):
    """An adapter's per-connection state: frames in, a call session out."""

    call_id: str | None
    session: Any

    async def receive(self, message: str | bytes) -> bool:
        """Handle one frame; ``True`` when the peer ended the stream."""


async def serve_stream(ws: Any, stream: FrameStream, *, source: str, log: logging.Logger) -> None:
    """Feed ``ws``'s frames to ``stream`` until it ends, then close the connection and the call.

    A protocol error closes with its code and reason; any other failure with 1011 and only
    its type in the log. The call session is closed in every case, so a peer that drops
    mid-call still gets its finals flushed and ``call_ended`` published.
    """
    code, reason, end = CloseCode.NORMAL_CLOSURE, "", "disconnect"
    try:
        try:
            async for message in ws:
                if await stream.receive(message):
                    end = "stop"
                    break
        except ProtocolError as exc:
            code, reason, end = exc.code, exc.reason, "error"
            log.warning(f"{source} protocol error", extra={"source": source, "call_id": stream.call_id,
                                                          "code": code, "reason": reason})
        except ConnectionClosed:
            log.info(f"{source} disconnected", extra={"source": source, "call_id": stream.call_id})
        except Exception as exc:  # a bug here must not take down the server or leak data
            code, reason, end = CloseCode.INTERNAL_ERROR, "internal error", "error"
            log.error(f"{source} handler failed", extra={"source": source, "call_id": stream.call_id,
                                                        "error": type(exc).__name__},
                      exc_info=log.isEnabledFor(logging.DEBUG))
        await close_connection(ws, code, reason)
    finally:
        if stream.session is not None:
            await stream.session.close(end)
