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
the client offers none of them we answer ``disconnect`` (reason ``error``). Every message is
validated as a schema (:class:`AudioHookMessage`, :class:`OpenParameters`, …): strict types
(``"format": ["PCMU"]`` is an error like a missing field), members Genesys adds beyond the
schema ignored. A protocol error is answered the AudioHook way, with ``disconnect``; we then
wait a few seconds for the client's ``close``, answer ``closed`` and close the socket with
the error's code (1002, 1003, 1007, 1008) and reason; reasons name the field, never a value.
An ``open`` whose conversation id is the null UUID is Genesys's connection probe: it is
answered but opens no call.

A session that sends no audio for the call inactivity timeout (``pings`` count while
paused) is disconnected the same way (1008) and its call ends with reason ``timeout``.
A ``discarded``/``resumed`` span is filled with silence up to ``max_gap_fill_s`` (default
5 s); a longer span is accounted in the position without synthesising the rest, so no
message costs more than that much audio processing on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, Field, StrictBool, StrictInt, StringConstraints, ValidationError
from websockets.exceptions import ConnectionClosed

from redactor.audio.codecs import mulaw_decode, pcm16_from_bytes
from redactor.server.wire import (
    MAX_COUNT,
    CallId,
    CloseCode,
    Frame,
    Liveness,
    ProtocolError,
    close_connection,
    field_path,
    open_call,
    parse_json_object,
    receive,
)

__all__ = [
    "AudioHookMessage",
    "AudioHookSession",
    "Media",
    "OpenParameters",
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
DEFAULT_MAX_FILL_SECONDS = 5.0  # at most this much silence synthesised for one discarded span

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


Short = Annotated[str, StringConstraints(max_length=64)]
Seq = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]


class AudioHookMessage(Frame):
    """The envelope of every client message."""

    version: Short
    id: Short
    type: Short
    seq: Seq
    serverseq: Seq
    position: Short
    parameters: dict[str, Any]


class MediaOffer(Frame):
    type: Short
    format: Short
    channels: Annotated[list[Short], Field(max_length=8)]
    rate: StrictInt


class CustomConfig(Frame):
    policy: Short | None = None


class OpenParameters(Frame):
    organizationId: Short
    conversationId: CallId
    media: Annotated[list[MediaOffer], Field(max_length=32)]
    customConfig: CustomConfig | None = None
    supportedLanguages: StrictBool | None = None
    language: Short | None = None


class SpanParameters(Frame):
    """``resumed`` / ``discarded``: where the span started and how long it was."""

    start: Short
    discarded: Short


class UpdateParameters(Frame):
    language: Short | None = None


class ErrorParameters(Frame):
    code: StrictInt | None = None
    message: Annotated[str, StringConstraints(max_length=4096)] | None = None


class CloseParameters(Frame):
    reason: Short | None = None


PARAMETERS: dict[str, type[BaseModel]] = {"open": OpenParameters, "resumed": SpanParameters,
                                          "discarded": SpanParameters, "update": UpdateParameters,
                                          "error": ErrorParameters, "close": CloseParameters}


def _parameters(type_: str, parameters: dict[str, Any]) -> Any:
    model = PARAMETERS.get(type_)
    if model is None:
        return None
    try:
        return model.model_validate(parameters)
    except ValidationError as exc:
        raise _invalid(f'{type_}: missing or invalid "parameters.{field_path(exc)}"') from None


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
    ``internal`` (each at most once). Entries that are not :class:`MediaOffer` (or a dict
    valid as one) are skipped.
    """
    if not isinstance(offered, list):
        return None
    for entry in offered:
        if not isinstance(entry, MediaOffer):
            try:
                entry = MediaOffer.model_validate(entry)
            except ValidationError:
                continue
        if entry.type != "audio" or (entry.format, entry.rate) not in SUPPORTED_FORMATS:
            continue
        channels = entry.channels
        if (not 1 <= len(channels) <= 2 or len(set(channels)) != len(channels)
                or not all(channel in CHANNELS for channel in channels)):
            continue
        return Media(entry.format, entry.rate, tuple(channels))
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

    def __init__(self, code: int, reason: str, disconnect: str = "error", *, end: str = "error") -> None:
        super().__init__(code, reason, end=end)
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
        self.liveness = Liveness.of(host)
        self.max_fill = float(getattr(getattr(host, "options", None), "max_gap_fill_s", DEFAULT_MAX_FILL_SECONDS))

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
        parameters = _parameters(type_, data["parameters"])
        if type_ == "open":
            await self._open(parameters)
        elif type_ == "close":
            await self.send("closed", {})
            self.state = "closed"
            log.info("audiohook closed", extra={"source": "audiohook", "call_id": self.call_id,
                                                "position": format_duration(self.position)})
            return True
        elif type_ == "ping":
            if self.state == "paused":  # no audio while paused: the client's pings show it is there
                self.liveness.alive()
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
            language = parameters.language
            log.info("audiohook update", extra={"source": "audiohook", "call_id": self.call_id,
                                                "language": language if language in SUPPORTED_LANGUAGES else None})
        elif type_ == "error":
            code = parameters.code
            log.warning("audiohook client error", extra={"source": "audiohook", "call_id": self.call_id,
                                                         "code": code if code is not None and 0 <= code < 1000
                                                         else None})
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
        if data.get("version") != VERSION:
            raise _invalid('unsupported or missing "version"')
        try:
            message = AudioHookMessage.model_validate(data)
        except ValidationError as exc:
            raise _invalid(f'missing or invalid "{field_path(exc)}"') from None
        try:
            parse_duration(message.position)
        except ValueError:
            raise _invalid('missing or invalid "position"') from None
        if message.seq != self.clientseq + 1:
            raise _invalid("seq out of order")
        self.clientseq = message.seq
        if message.serverseq > self.seq:
            raise _invalid("serverseq is ahead of the server")
        if self.id is None:
            self.id = message.id
        elif message.id != self.id:
            raise _invalid("session id mismatch")
        if message.type not in CLIENT_TYPES:
            raise _invalid("unknown message type")
        return message.type

    async def _open(self, parameters: OpenParameters) -> None:
        if self.state != "preparing":
            raise _invalid("unexpected open")
        organization_id, conversation_id = parameters.organizationId, parameters.conversationId
        if self.organization_id is not None and self.organization_id.lower() != organization_id.lower():
            raise AudioHookError(CloseCode.POLICY_VIOLATION, "organization id does not match the request",
                                 "unauthorized")
        media = negotiate_media(parameters.media)
        if media is None:
            raise AudioHookError(CloseCode.UNSUPPORTED_DATA,
                                 "no supported media format offered (PCMU 8000 Hz, L16 8000/16000 Hz)")
        policy = parameters.customConfig.policy if parameters.customConfig else None
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
        self.liveness.alive()
        opened: dict[str, Any] = {"media": [media.to_json()], "startPaused": False}
        if parameters.supportedLanguages is True:
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
        except ValueError:
            step = self.media.sample_width * len(self.media.channels)
            raise AudioHookError(CloseCode.INVALID_DATA,
                                 f"audio frame size is not a multiple of {step} bytes") from None
        self.liveness.alive()
        for wire_channel, samples in channels.items():
            self._feed(CHANNELS[wire_channel], samples)
        self.frames += len(data) // (self.media.sample_width * len(self.media.channels))

    def _fill(self, parameters: SpanParameters) -> None:
        """Silence for audio the client discarded, so every channel stays on call time.

        At most ``max_gap_fill_s`` is synthesised; the rest of a longer span only moves
        :attr:`position` on (bounded work per message, whatever the span says).
        """
        try:
            parse_duration(parameters.start)
            seconds = parse_duration(parameters.discarded)
        except ValueError:
            raise _invalid("invalid start or discarded duration") from None
        if self.media is None or seconds <= 0:
            return
        frames = round(min(seconds, self.max_fill) * self.media.rate)
        for wire_channel in self.media.channels:
            self._feed(CHANNELS[wire_channel], np.zeros(frames, dtype=np.int16))
        self.frames += round(min(seconds, 10.0 ** 9) * self.media.rate)

    def _feed(self, channel: str, samples: np.ndarray) -> None:
        if self.session is None:  # connection probe
            return
        try:
            self.session.feed(channel, samples, self.media.rate)
        except ValueError:  # unknown channel or rate
            raise AudioHookError(CloseCode.UNSUPPORTED_DATA, "audio not accepted for this call") from None


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
            deadline: float | None = None  # after our "disconnect": how long we wait for "close"
            while True:
                try:
                    if deadline is None:
                        message = await receive(ws, hook.liveness)
                    else:
                        try:
                            async with asyncio.timeout_at(deadline):
                                message = await ws.recv()
                        except TimeoutError:
                            break
                    if await hook.receive(message):
                        if hook.error is None:
                            end = "close"
                        break
                except ProtocolError as exc:
                    error = exc if isinstance(exc, AudioHookError) else AudioHookError(exc.code, exc.reason,
                                                                                        end=exc.end)
                    await hook.fail(error)
                    end = error.end
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
