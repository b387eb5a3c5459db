"""``/ingest``: a plain audio stream for anything that is not Twilio or AudioHook.

The client sends one text frame to start::

    {"call_id": "call-42", "channels": ["agent", "customer"], "sample_rate": 8000,
     "encoding": "pcm_s16le", "policy": "billing"}

(``encoding`` is ``pcm_s16le`` or ``mulaw``, ``sample_rate`` 8000 or 16000, ``policy``
optional; a ``"type": "start"`` member is allowed; other members are ignored with a
warning that gives their number, never their names), then binary frames of samples
interleaved in ``channels`` order, then the text frame ``{"type": "stop"}``. Both text
frames are validated as schemas (:class:`IngestStart`, :class:`IngestStop`): strict types,
so ``"encoding": ["mulaw"]`` is a protocol error naming the field, like a missing one.

A token of role ``ingest`` is bound to one call: the router checks the role at the
handshake and leaves the verified :class:`~redactor.server.auth.Claims` on the connection as
``ws.claims``; once the start frame names the call we check the call id too (1008 if it is
another call's token). ``ws.claims`` is ``None`` only for ``--dev`` loopback ingest.

Protocol errors close the socket: 1007 for a text frame that is not JSON, 1002 for a
missing or mistyped field, audio before the start frame, a frame that is not a whole number
of sample frames, or an unknown text frame; 1003 for an unsupported encoding or rate (a
string or number of the right type that we do not take). Reasons name the field only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, StrictInt, StringConstraints

from redactor.audio.codecs import mulaw_decode, pcm16_from_bytes
from redactor.server.auth import AuthError, authorize
from redactor.server.wire import (
    CallId,
    CloseCode,
    Frame,
    Liveness,
    ProtocolError,
    open_call,
    parse_json_object,
    serve_stream,
    validate,
)

__all__ = ["ENCODINGS", "SAMPLE_RATES", "IngestFormat", "IngestStart", "IngestStop", "IngestStream",
           "handle_ingest", "parse_start"]

log = logging.getLogger(__name__)

ENCODINGS = {"pcm_s16le": 2, "mulaw": 1}  # encoding → bytes per sample
SAMPLE_RATES = (8000, 16000)
CHANNEL_NAMES = ("agent", "customer")
MAX_CALL_ID_LENGTH = 128


class IngestStart(Frame):
    """The start frame; members beyond these are kept (to be counted) and otherwise ignored."""

    model_config = ConfigDict(extra="allow")

    type: Literal["start"] = "start"
    call_id: CallId
    channels: Annotated[list[Literal["agent", "customer"]], Field(min_length=1, max_length=2)]
    sample_rate: StrictInt
    encoding: Annotated[str, StringConstraints(max_length=32)]
    policy: Annotated[str, StringConstraints(max_length=64)] | None = None


class IngestStop(Frame):
    type: Literal["stop"]


@dataclass(frozen=True, slots=True)
class IngestFormat:
    """What the start frame announced."""

    call_id: str
    channels: tuple[str, ...]
    sample_rate: int
    encoding: str
    policy: str | None = None
    unknown_fields: int = 0  # members the start frame had beyond the schema (counted, never named)

    @property
    def frame_bytes(self) -> int:
        """Bytes of one sample frame (one sample of every channel)."""
        return ENCODINGS[self.encoding] * len(self.channels)


def parse_start(data: dict[str, Any]) -> IngestFormat:
    """Validate a start frame's JSON object (unknown members are counted in ``unknown_fields``).

    Raises :class:`~redactor.server.wire.ProtocolError` (1002 for a missing or mistyped
    field, 1003 for an unsupported encoding or sample rate). Reasons name the field, never
    a value or a member name the client chose.
    """
    if data.get("type", "start") != "start":
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "the first frame must be the start frame")
    start = validate(IngestStart, data, what="start frame")
    if len(set(start.channels)) != len(start.channels):
        raise ProtocolError(CloseCode.PROTOCOL_ERROR,
                            f'"channels" must list distinct channels among {", ".join(CHANNEL_NAMES)}')
    if start.encoding not in ENCODINGS:
        raise ProtocolError(CloseCode.UNSUPPORTED_DATA, f'"encoding" must be one of {", ".join(ENCODINGS)}')
    if start.sample_rate not in SAMPLE_RATES:
        raise ProtocolError(CloseCode.UNSUPPORTED_DATA, '"sample_rate" must be 8000 or 16000')
    return IngestFormat(start.call_id, tuple(start.channels), start.sample_rate, start.encoding, start.policy or None,
                        len(start.model_extra or {}))


@dataclass
class IngestStream:
    """One ``/ingest`` connection: :meth:`receive` returns ``True`` after ``stop``."""

    host: Any
    claims: Any = None
    format: IngestFormat | None = None
    session: Any = None
    frames: int = 0
    liveness: Liveness = field(default_factory=Liveness)

    def __post_init__(self) -> None:
        self.liveness = Liveness.of(self.host)

    @property
    def call_id(self) -> str | None:
        return self.format.call_id if self.format else None

    async def receive(self, message: str | bytes) -> bool:
        if isinstance(message, bytes):
            self._audio(message)
            return False
        data = parse_json_object(message, what="text frame")
        if self.format is None:
            await self._start(data)
            return False
        if data.get("type") == "stop":
            validate(IngestStop, data, what="stop frame")
            log.info("ingest stop", extra={"source": "ingest", "call_id": self.format.call_id,
                                           "seconds": round(self.frames / self.format.sample_rate, 3)})
            return True
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "unknown text frame (expected stop)")

    async def _start(self, data: dict[str, Any]) -> None:
        start = parse_start(data)
        if start.unknown_fields:
            log.warning("ingest start frame: ignoring unknown fields",
                        extra={"source": "ingest", "call_id": start.call_id, "unknown_fields": start.unknown_fields})
        if self.claims is not None:
            try:
                authorize(self.claims, call_id=start.call_id, roles=("ingest",))
            except AuthError as exc:
                raise ProtocolError(CloseCode.POLICY_VIOLATION, exc.reason) from None
        self.format = start
        self.session = await open_call(self.host, start.call_id, start.channels, policy=start.policy,
                                       source="ingest", log=log)
        self.liveness.alive()

    def _audio(self, data: bytes) -> None:
        fmt = self.format
        if fmt is None:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "audio before the start frame")
        if len(data) % fmt.frame_bytes:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR,
                                f"audio frame size is not a multiple of {fmt.frame_bytes} bytes")
        self.liveness.alive()
        if not data:
            return
        samples = mulaw_decode(data) if fmt.encoding == "mulaw" else pcm16_from_bytes(data)
        frames = samples.reshape(-1, len(fmt.channels))
        for index, channel in enumerate(fmt.channels):
            try:
                self.session.feed(channel, np.ascontiguousarray(frames[:, index]), fmt.sample_rate)
            except ValueError:  # unknown channel or rate
                raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "audio not accepted for this call") from None
        self.frames += frames.shape[0]


async def handle_ingest(ws: Any, host: Any) -> None:
    """Serve one ``/ingest`` stream on ``ws`` until ``stop`` or disconnection.

    The call session is closed in every case, so a client that drops mid-call still gets
    finals flushed and ``call_ended`` published.
    """
    await serve_stream(ws, IngestStream(host, claims=getattr(ws, "claims", None)), source="ingest", log=log)
