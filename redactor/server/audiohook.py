"""``/audiohook``: Genesys Cloud AudioHook (protocol version 2) in, audio out to the call session.

The client (Genesys Cloud) drives the session with JSON text messages and sends audio in
binary frames::

    client → {"version": "2", "id": SESSION, "type": "open", "seq": 1, "serverseq": 0,
              "position": "PT0S", "parameters": {"organizationId", "conversationId",
              "participant", "media": [{"type": "audio", "format": "PCMU",
              "channels": ["external", "internal"], "rate": 8000}, …], "customConfig"?, …}}
    server → {"version": "2", "id": SESSION, "type": "opened", "seq": 1, "clientseq": 1,
              "parameters": {"media": [the chosen one], "startPaused": false}}
    client → binary frames: samples interleaved in the chosen channel order
    client → ping / paused / resumed / discarded / update / error    server → pong
    client → close                                                    server → closed

Client ``seq`` must go up by one from 1; every server message echoes the last one as
``clientseq`` and has its own ``seq`` from 1. ``id`` is the session id of the
``Audiohook-Session-Id`` header. ``position`` is an ISO-8601 duration ("PT12.34S") of audio.
The call id is ``open.parameters.conversationId`` and the policy
``open.parameters.customConfig.policy``. ``external`` is the customer, ``internal`` the agent.

We accept PCMU at 8 kHz and L16 (little-endian) at 8 or 16 kHz, stereo or one channel; if
the client offers none of them we answer ``disconnect`` (reason ``error``). A protocol error
is answered the AudioHook way, with ``disconnect``; we then wait a few seconds for the
client's ``close``, answer ``closed`` and close the socket with the error's code (1002, 1003,
1007, 1008) and reason. An ``open`` whose conversation id is the null UUID is Genesys's
connection probe: it is answered but opens no call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from websockets.exceptions import ConnectionClosed

from redactor.audio.codecs import mulaw_decode, pcm16_from_bytes
from redactor.server.wire import CloseCode, ProtocolError, close_connection, open_call, parse_json_object

__all__ = [
    "AudioHookSession",
    "Media",
    "deinterleave",
    "format_duration",
    "handle_audiohook",
    "negotiate_media",
    "parse_duration",
]

log = logging.getLogger(__name__)

VERSION = "2"
NULL_UUID = "00000000-0000-0000-0000-000000000000"
CHANNELS = {"external": "customer", "internal": "agent"}
CHANNEL_ORDER = ("agent", "customer")
SUPPORTED_FORMATS = {("PCMU", 8000), ("L16", 8000), ("L16", 16000)}
SUPPORTED_LANGUAGES = ("ja-JP",)
CLIENT_TYPES = frozenset({"open", "close", "ping", "paused", "resumed", "discarded", "update", "error"})
DEFAULT_CLOSE_TIMEOUT = 5.0  # how long to wait for "close" after we sent "disconnect"
MAX_FILL_SECONDS = 300.0  # at most this much silence for one discarded span

_DURATION = re.compile(r"PT(\d+(?:\.\d*)?|\.\d+)S")


def parse_duration(text: object) -> float:
    """Seconds of an AudioHook duration such as ``"PT12.34S"``; :exc:`ValueError` otherwise."""
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError("not a duration of the form PT<seconds>S")
    return float(match.group(1))


def format_duration(seconds: float) -> str:
    """``"PT12.34S"`` for 12.34 seconds (millisecond precision, no trailing zeros)."""
    text = f"{max(seconds, 0.0):.3f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


@dataclass(frozen=True, slots=True)
class Media:
    """A media format of the ``open``/``opened`` messages; ``channels`` in wire order."""

    format: str
    rate: int
    channels: tuple[str, ...]

    @property
    def sample_width(self) -> int:
        return 1 if self.format == "PCMU" else 2

    def to_json(self) -> dict[str, Any]:
        return {"type": "audio", "format": self.format, "channels": list(self.channels), "rate": self.rate}


def negotiate_media(offered: object) -> Media | None:
    """The first offered media format we can take, or ``None``.

    The client lists formats in its order of preference, so the first supported one wins:
    type ``audio``, PCMU at 8000 Hz or L16 at 8000/16000 Hz, channels ``external`` and/or
    ``internal`` (each at most once).
    """
    if not isinstance(offered, list):
        return None
    for entry in offered:
        if not isinstance(entry, dict) or entry.get("type") != "audio":
            continue
        fmt, rate, channels = entry.get("format"), entry.get("rate"), entry.get("channels")
        if isinstance(rate, bool) or (fmt, rate) not in SUPPORTED_FORMATS:
            continue
        if (not isinstance(channels, list) or not 1 <= len(channels) <= 2 or len(set(channels)) != len(channels)
                or not all(channel in CHANNELS for channel in channels)):
            continue
        return Media(fmt, rate, tuple(channels))
    return None


def deinterleave(data: bytes, media: Media) -> dict[str, np.ndarray]:
    """One binary frame → int16 samples per wire channel.

    Raises :exc:`ValueError` when the frame is not a whole number of sample frames.
    """
    step = media.sample_width * len(media.channels)
    if len(data) % step:
        raise ValueError(f"audio frame size is not a multiple of {step} bytes")
    samples = mulaw_decode(data) if media.format == "PCMU" else pcm16_from_bytes(data)
    frames = samples.reshape(-1, len(media.channels))
    return {channel: np.ascontiguousarray(frames[:, index]) for index, channel in enumerate(media.channels)}


class AudioHookError(ProtocolError):
    """A protocol error answered with ``disconnect`` (``reason`` ``error`` or ``unauthorized``)."""

    def __init__(self, code: int, reason: str, disconnect: str = "error") -> None:
        super().__init__(code, reason)
        self.disconnect = disconnect


def _invalid(what: str) -> AudioHookError:
    return AudioHookError(CloseCode.PROTOCOL_ERROR, what)


class AudioHookSession:
    """The server side of one AudioHook session on ``ws``.

    :meth:`receive` takes each frame and returns ``True`` once the close transaction is done.
    States: ``preparing`` → ``active`` ⇄ ``paused`` → ``closed``; ``disconnecting`` after we
    sent ``disconnect`` (then only ``close`` matters).
    """

    def __init__(self, ws: Any, host: Any, session_id: str | None, organization_id: str | None = None) -> None:
        self.ws = ws
        self.host = host
        self.id = session_id
        self.organization_id = organization_id
        self.state = "preparing"
        self.seq = 0
        self.clientseq = 0
        self.media: Media | None = None
        self.call_id: str | None = None
        self.session: Any = None
        self.frames = 0  # sample frames received (and filled) per channel
        self.error: AudioHookError | None = None

    @property
    def position(self) -> float:
        """Seconds of audio received (discarded spans included)."""
        return self.frames / self.media.rate if self.media else 0.0

    async def send(self, type_: str, parameters: dict[str, Any]) -> None:
        self.seq += 1
        message = {"version": VERSION, "type": type_, "id": self.id, "seq": self.seq,
                   "clientseq": self.clientseq, "parameters": parameters}
        await self.ws.send(json.dumps(message, ensure_ascii=False))

    async def fail(self, error: AudioHookError) -> None:
        """Answer a protocol error with ``disconnect`` and wait for the client's ``close``."""
        self.error = error
        log.warning("audiohook protocol error", extra={"source": "audiohook", "call_id": self.call_id,
                                                       "code": error.code, "reason": error.reason})
        if self.state in ("preparing", "active", "paused"):
            self.state = "disconnecting"
            await self.send("disconnect", {"reason": error.disconnect, "info": error.reason})

    async def receive(self, message: str | bytes) -> bool:
        if isinstance(message, bytes):
            self._audio(message)
            return False
        if self.state == "disconnecting":
            return await self._while_disconnecting(message)
        data = parse_json_object(message)
        type_ = self._check_envelope(data)
        parameters = data["parameters"]
        if type_ == "open":
            await self._open(parameters)
        elif type_ == "close":
            await self.send("closed", {})
            self.state = "closed"
            log.info("audiohook closed", extra={"source": "audiohook", "call_id": self.call_id,
                                                "position": format_duration(self.position)})
            return True
        elif type_ == "ping":
            await self.send("pong", {})
        elif self.state == "preparing":
            raise _invalid(f"{type_} before open")
        elif type_ == "paused":
            if self.state == "active":
                self.state = "paused"
        elif type_ == "resumed":
            self._fill(parameters)
            if self.state == "paused":
                self.state = "active"
        elif type_ == "discarded":
            self._fill(parameters)
        elif type_ == "update":
            language = parameters.get("language")
            log.info("audiohook update", extra={"source": "audiohook", "call_id": self.call_id,
                                                "language": language if isinstance(language, str) else None})
        elif type_ == "error":
            code = parameters.get("code")
            log.warning("audiohook client error", extra={"source": "audiohook", "call_id": self.call_id,
                                                         "code": code if isinstance(code, int) else None})
        return False

    async def _while_disconnecting(self, message: str) -> bool:
        """After ``disconnect`` only ``close`` counts; anything else is ignored."""
        try:
            data = json.loads(message)
        except ValueError:
            return False
        if not isinstance(data, dict) or data.get("type") != "close":
            return False
        seq = data.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool):
            self.clientseq = seq
        await self.send("closed", {})
        self.state = "closed"
        return True

    def _check_envelope(self, data: dict[str, Any]) -> str:
        """Validate the fields every client message has; return its type."""
        seq, serverseq = data.get("seq"), data.get("serverseq")
        if data.get("version") != VERSION:
            raise _invalid('unsupported or missing "version"')
        if not isinstance(data.get("type"), str) or not isinstance(data.get("id"), str):
            raise _invalid('missing "type" or "id"')
        for name, value in (("seq", seq), ("serverseq", serverseq)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _invalid(f'missing or invalid "{name}"')
        if not isinstance(data.get("parameters"), dict):
            raise _invalid('missing or invalid "parameters"')
        try:
            parse_duration(data.get("position"))
        except ValueError:
            raise _invalid('missing or invalid "position"') from None
        if seq != self.clientseq + 1:
            raise _invalid(f"seq out of order (expected {self.clientseq + 1}, got {seq})")
        self.clientseq = seq
        if serverseq > self.seq:
            raise _invalid("serverseq is ahead of the server")
        if self.id is None:
            self.id = data["id"]
        elif data["id"] != self.id:
            raise _invalid("session id mismatch")
        if data["type"] not in CLIENT_TYPES:
            raise _invalid("unknown message type")
        return data["type"]

    async def _open(self, parameters: dict[str, Any]) -> None:
        if self.state != "preparing":
            raise _invalid("unexpected open")
        organization_id, conversation_id = parameters.get("organizationId"), parameters.get("conversationId")
        custom = parameters.get("customConfig", {})
        if (not isinstance(organization_id, str) or not isinstance(conversation_id, str) or not conversation_id
                or not isinstance(parameters.get("media"), list) or not isinstance(custom, dict)):
            raise _invalid("invalid open parameters")
        if self.organization_id is not None and self.organization_id.lower() != organization_id.lower():
            raise AudioHookError(CloseCode.POLICY_VIOLATION, "organization id does not match the request",
                                 "unauthorized")
        media = negotiate_media(parameters["media"])
        if media is None:
            raise AudioHookError(CloseCode.UNSUPPORTED_DATA,
                                 "no supported media format offered (PCMU 8000 Hz, L16 8000/16000 Hz)")
        policy = custom.get("policy")
        if policy is not None and not isinstance(policy, str):
            raise _invalid("invalid customConfig.policy")
        self.media = media
        if conversation_id == NULL_UUID:
            log.info("audiohook connection probe", extra={"source": "audiohook"})
        else:
            self.call_id = conversation_id
            channels = sorted({CHANNELS[c] for c in media.channels}, key=CHANNEL_ORDER.index)
            try:
                self.session = await open_call(self.host, conversation_id, channels, policy=policy or None,
                                               source="audiohook", log=log)
            except AudioHookError:
                raise
            except ProtocolError as exc:
                raise AudioHookError(exc.code, exc.reason) from None
        opened: dict[str, Any] = {"media": [media.to_json()], "startPaused": False}
        if parameters.get("supportedLanguages") is True:
            opened["supportedLanguages"] = list(SUPPORTED_LANGUAGES)
        await self.send("opened", opened)
        self.state = "active"
        log.info("audiohook opened", extra={"source": "audiohook", "call_id": self.call_id,
                                            "format": media.format, "rate": media.rate,
                                            "channels": list(media.channels)})

    def _audio(self, data: bytes) -> None:
        if self.state in ("disconnecting", "closed") or not data:
            return
        if self.state == "preparing" or self.media is None:
            raise AudioHookError(CloseCode.PROTOCOL_ERROR, "audio before opened")
        try:
            channels = deinterleave(data, self.media)
        except ValueError as exc:
            raise AudioHookError(CloseCode.INVALID_DATA, str(exc)) from None
        for wire_channel, samples in channels.items():
            self._feed(CHANNELS[wire_channel], samples)
        self.frames += len(data) // (self.media.sample_width * len(self.media.channels))

    def _fill(self, parameters: dict[str, Any]) -> None:
        """Silence for audio the client discarded, so every channel stays on call time."""
        try:
            parse_duration(parameters.get("start"))
            seconds = parse_duration(parameters.get("discarded"))
        except ValueError:
            raise _invalid("invalid start or discarded duration") from None
        if self.media is None or seconds <= 0:
            return
        frames = round(min(seconds, MAX_FILL_SECONDS) * self.media.rate)
        for wire_channel in self.media.channels:
            self._feed(CHANNELS[wire_channel], np.zeros(frames, dtype=np.int16))
        self.frames += frames

    def _feed(self, channel: str, samples: np.ndarray) -> None:
        if self.session is None:  # connection probe
            return
        try:
            self.session.feed(channel, samples, self.media.rate)
        except ValueError as exc:  # unknown channel or rate: the message is safe
            raise AudioHookError(CloseCode.UNSUPPORTED_DATA, str(exc)) from None


def _request_header(ws: Any, name: str) -> str | None:
    headers = getattr(getattr(ws, "request", None), "headers", None)
    if headers is None:
        return None
    values = headers.get_all(name) if hasattr(headers, "get_all") else [headers.get(name)]
    values = [value.strip() for value in values if value]
    return values[0] if len(values) == 1 else None


async def handle_audiohook(ws: Any, host: Any) -> None:
    """Serve one AudioHook session on ``ws`` until the close transaction or disconnection.

    The router has already checked the API key and the request signature. The call session
    is closed in every case, so a client that drops mid-call still gets finals flushed and
    ``call_ended`` published.
    """
    hook = AudioHookSession(ws, host, _request_header(ws, "Audiohook-Session-Id"),
                            _request_header(ws, "Audiohook-Organization-Id"))
    close_timeout = float(getattr(host.options, "audiohook_close_timeout", DEFAULT_CLOSE_TIMEOUT))
    end = "disconnect"
    try:
        try:
            deadline: float | None = None
            while True:
                if deadline is None:
                    message = await ws.recv()
                else:
                    try:
                        async with asyncio.timeout_at(deadline):
                            message = await ws.recv()
                    except TimeoutError:
                        break
                try:
                    if await hook.receive(message):
                        end = "close" if hook.error is None else "error"
                        break
                except ProtocolError as exc:
                    error = exc if isinstance(exc, AudioHookError) else AudioHookError(exc.code, exc.reason)
                    await hook.fail(error)
                    end = "error"
                    deadline = asyncio.get_running_loop().time() + close_timeout
        except ConnectionClosed:
            log.info("audiohook disconnected", extra={"source": "audiohook", "call_id": hook.call_id,
                                                      "state": hook.state})
        except Exception as exc:  # a bug here must not take down the server or leak data
            end = "error"
            hook.error = AudioHookError(CloseCode.INTERNAL_ERROR, "internal error")
            log.error("audiohook handler failed", extra={"source": "audiohook", "call_id": hook.call_id,
                                                         "error": type(exc).__name__},
                      exc_info=log.isEnabledFor(logging.DEBUG))
        if hook.error is not None:
            await close_connection(ws, hook.error.code, hook.error.reason)
        else:
            await close_connection(ws, CloseCode.NORMAL_CLOSURE, "")
    finally:
        if hook.session is not None:
            await hook.session.close(end)
