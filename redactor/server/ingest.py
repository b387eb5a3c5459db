"""``/ingest``: a plain audio stream for anything that is not Twilio or AudioHook.

The client sends one text frame to start::

    {"call_id": "call-42", "channels": ["agent", "customer"], "sample_rate": 8000,
     "encoding": "pcm_s16le", "policy": "billing"}

(``encoding`` is ``pcm_s16le`` or ``mulaw``, ``sample_rate`` 8000 or 16000, ``policy``
optional; a ``"type": "start"`` member is allowed; other members are ignored with a
warning), then binary frames of samples interleaved in ``channels`` order, then the text
frame ``{"type": "stop"}``.

A token of role ``ingest`` is bound to one call: the router checks the role at the
handshake and leaves the verified :class:`~redactor.server.auth.Claims` on the connection as
``ws.claims``; once the start frame names the call we check the call id too (1008 if it is
another call's token). ``ws.claims`` is ``None`` only for ``--dev`` loopback ingest.

Protocol errors close the socket: 1007 for a text frame that is not JSON, 1002 for a
missing or invalid field, audio before the start frame, a frame that is not a whole number
of sample frames, or an unknown text frame; 1003 for an unsupported encoding or rate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from redactor.audio.codecs import mulaw_decode, pcm16_from_bytes
from redactor.server.auth import AuthError, authorize
from redactor.server.wire import CloseCode, ProtocolError, open_call, parse_json_object, serve_stream

__all__ = ["ENCODINGS", "SAMPLE_RATES", "IngestFormat", "IngestStream", "handle_ingest", "parse_start"]

log = logging.getLogger(__name__)

ENCODINGS = {"pcm_s16le": 2, "mulaw": 1}  # encoding → bytes per sample
SAMPLE_RATES = (8000, 16000)
CHANNEL_NAMES = ("agent", "customer")
START_FIELDS = frozenset({"type", "call_id", "channels", "sample_rate", "encoding", "policy"})
MAX_CALL_ID_LENGTH = 256


@dataclass(frozen=True, slots=True)
class IngestFormat:
    """What the start frame announced."""

    call_id: str
    channels: tuple[str, ...]
    sample_rate: int
    encoding: str
    policy: str | None = None

    @property
    def frame_bytes(self) -> int:
        """Bytes of one sample frame (one sample of every channel)."""
        return ENCODINGS[self.encoding] * len(self.channels)


def parse_start(data: dict[str, Any], unknown: list[str] | None = None) -> IngestFormat:
    """Validate a start frame's JSON object; names of unknown members go to ``unknown``.

    Raises :class:`~redactor.server.wire.ProtocolError` (1002 for missing or invalid
    fields, 1003 for an unsupported encoding or sample rate).
    """
    if data.get("type", "start") != "start":
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "the first frame must be the start frame")
    call_id, channels = data.get("call_id"), data.get("channels")
    rate, encoding, policy = data.get("sample_rate"), data.get("encoding"), data.get("policy")
    if not isinstance(call_id, str) or not call_id or len(call_id) > MAX_CALL_ID_LENGTH:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, 'missing or invalid "call_id"')
    if (not isinstance(channels, list) or not channels or len(set(map(str, channels))) != len(channels)
            or not all(channel in CHANNEL_NAMES for channel in channels)):
        raise ProtocolError(CloseCode.PROTOCOL_ERROR,
                            f'"channels" must list distinct channels among {", ".join(CHANNEL_NAMES)}')
    if encoding not in ENCODINGS:
        raise ProtocolError(CloseCode.UNSUPPORTED_DATA, f'"encoding" must be one of {", ".join(ENCODINGS)}')
    if isinstance(rate, bool) or rate not in SAMPLE_RATES:
        raise ProtocolError(CloseCode.UNSUPPORTED_DATA, '"sample_rate" must be 8000 or 16000')
    if policy is not None and not isinstance(policy, str):
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, '"policy" must be a string')
    if unknown is not None:
        unknown.extend(sorted(str(name) for name in set(data) - START_FIELDS))
    return IngestFormat(call_id, tuple(channels), int(rate), encoding, policy or None)


@dataclass
class IngestStream:
    """One ``/ingest`` connection: :meth:`receive` returns ``True`` after ``stop``."""

    host: Any
    claims: Any = None
    format: IngestFormat | None = None
    session: Any = None
    frames: int = 0

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
            log.info("ingest stop", extra={"source": "ingest", "call_id": self.format.call_id,
                                           "seconds": round(self.frames / self.format.sample_rate, 3)})
            return True
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "unknown text frame (expected stop)")

    async def _start(self, data: dict[str, Any]) -> None:
        unknown: list[str] = []
        start = parse_start(data, unknown)
        if unknown:
            log.warning("ingest start frame: ignoring unknown fields",
                        extra={"source": "ingest", "call_id": start.call_id, "fields": unknown})
        if self.claims is not None:
            try:
                authorize(self.claims, call_id=start.call_id, roles=("ingest",))
            except AuthError as exc:
                raise ProtocolError(CloseCode.POLICY_VIOLATION, exc.reason) from None
        self.format = start
        self.session = await open_call(self.host, start.call_id, start.channels, policy=start.policy,
                                       source="ingest", log=log)

    def _audio(self, data: bytes) -> None:
        fmt = self.format
        if fmt is None:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "audio before the start frame")
        if len(data) % fmt.frame_bytes:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR,
                                f"audio frame size is not a multiple of {fmt.frame_bytes} bytes")
        if not data:
            return
        samples = mulaw_decode(data) if fmt.encoding == "mulaw" else pcm16_from_bytes(data)
        frames = samples.reshape(-1, len(fmt.channels))
        for index, channel in enumerate(fmt.channels):
            try:
                self.session.feed(channel, np.ascontiguousarray(frames[:, index]), fmt.sample_rate)
            except ValueError as exc:  # unknown channel or rate: the message is safe
                raise ProtocolError(CloseCode.UNSUPPORTED_DATA, str(exc)) from None
        self.frames += frames.shape[0]


async def handle_ingest(ws: Any, host: Any) -> None:
    """Serve one ``/ingest`` stream on ``ws`` until ``stop`` or disconnection.

    The call session is closed in every case, so a client that drops mid-call still gets
    finals flushed and ``call_ended`` published.
    """
    await serve_stream(ws, IngestStream(host, claims=getattr(ws, "claims", None)), source="ingest", log=log)
