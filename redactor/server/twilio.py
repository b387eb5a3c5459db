"""``/twilio``: Twilio Media Streams in, audio out to the call session.

Twilio sends JSON text frames on one socket per stream::

    {"event": "connected", "protocol": "Call", "version": "1.0.0"}
    {"event": "start", "sequenceNumber": "1", "streamSid": "MZ…",
     "start": {"callSid": "CA…", "streamSid": "MZ…", "tracks": ["inbound", "outbound"],
               "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
               "customParameters": {"policy": "billing"}}}
    {"event": "media", "sequenceNumber": "2", "media": {"track": "inbound", "chunk": "1",
     "timestamp": "5", "payload": "<base64 μ-law>"}}
    {"event": "mark" | "dtmf" | "stop", "sequenceNumber": "…", …}

Both tracks interleave on the socket; ``inbound`` (the caller) is the customer and
``outbound`` the agent unless ``host.options.twilio_tracks`` says otherwise. The call id is
``start.callSid``. ``media.timestamp`` (ms since the stream started) keeps each channel on
call time: a track that skipped audio gets silence for the gap, at most ``max_gap_fill_s``
(server option, default 5 s) for one gap. A longer jump (a broken or hostile timestamp:
days ahead) is *accounted, not synthesised*: the track's clock moves on to the new
timestamp without feeding that silence through the resampler and VAD, and a warning is
logged once per stream; the channel's later times then run behind call time by the skipped
amount. So one frame never costs more than ``max_gap_fill_s`` of audio processing on the
event loop, whatever its timestamp says.

Every frame is validated against a schema (:class:`TwilioStart`, :class:`TwilioMedia`, …):
strict types, Twilio's numbers-as-strings accepted, members Twilio adds beyond the schema
ignored. Protocol errors close the socket: 1003 for binary frames or an unsupported media
format, 1007 for a frame that is not JSON (or not base64 audio), 1002 for anything out of
order, missing, mistyped or unknown (the reason names the field, never its value); 1008 for
an unknown policy or a ``start`` whose ``callSid`` and ``streamSid`` this server has already
seen (a replayed stream; see
``ServerOptions.twilio_replay_window_s``: Twilio's handshake signature covers only the URL,
so it is the same for every stream and cannot itself be made single-use).
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
from pydantic import Field, StrictInt, StringConstraints

from redactor.audio.codecs import mulaw_decode
from redactor.server.wire import (
    CallId,
    CloseCode,
    Count,
    Frame,
    Liveness,
    ProtocolError,
    SafeId,
    open_call,
    parse_json_object,
    serve_stream,
    validate,
)

__all__ = ["DEFAULT_TRACKS", "RATE", "TwilioMedia", "TwilioStart", "handle_twilio"]

log = logging.getLogger(__name__)

RATE = 8000
DEFAULT_TRACKS = {"inbound": "customer", "outbound": "agent"}
EVENTS = frozenset({"connected", "start", "media", "mark", "dtmf", "stop"})
CHANNEL_ORDER = ("agent", "customer")
GAP_TOLERANCE = RATE * 60 // 1000  # timestamps jitter; fill only gaps longer than 60 ms
DEFAULT_MAX_GAP_S = 5.0

Short = Annotated[str, StringConstraints(max_length=64)]
Text = Annotated[str, StringConstraints(max_length=1024)]


# --- schemas: what Twilio sends (extra members allowed, types strict) ---------------------------


class TwilioEnvelope(Frame):
    event: Short


class TwilioConnected(Frame):
    protocol: Short | None = None
    version: Short | None = None


class TwilioEvent(Frame):
    """Every event after ``connected``: a sequence number and (optionally) the stream's SID."""

    sequenceNumber: Count
    streamSid: SafeId | None = None


class MediaFormat(Frame):
    encoding: Short
    sampleRate: StrictInt
    channels: StrictInt


class StartBody(Frame):
    callSid: CallId
    streamSid: SafeId
    accountSid: SafeId | None = None
    tracks: Annotated[list[Short], Field(min_length=1, max_length=8)]
    mediaFormat: MediaFormat
    customParameters: Annotated[dict[Short, Text], Field(max_length=64)] | None = None


class TwilioStart(TwilioEvent):
    start: StartBody


class MediaBody(Frame):
    track: Short
    payload: str
    chunk: Count | None = None
    timestamp: Count | None = None


class TwilioMedia(TwilioEvent):
    media: MediaBody


class MarkBody(Frame):
    name: Text | None = None


class TwilioMark(TwilioEvent):
    mark: MarkBody | None = None


class DtmfBody(Frame):
    track: Short | None = None
    digit: Short | None = None


class TwilioDtmf(TwilioEvent):
    dtmf: DtmfBody | None = None


class StopBody(Frame):
    accountSid: Short | None = None
    callSid: Short | None = None


class TwilioStop(TwilioEvent):
    stop: StopBody | None = None


SCHEMAS: dict[str, type[TwilioEvent]] = {"start": TwilioStart, "media": TwilioMedia, "mark": TwilioMark,
                                         "dtmf": TwilioDtmf, "stop": TwilioStop}


@dataclass
class TwilioStream:
    """One Media Stream's state: what ``start`` said and how much audio each track fed.

    :meth:`receive` takes each text frame; it returns ``True`` after ``stop``.
    """

    host: Any
    call_id: str | None = None
    stream_sid: str | None = None
    session: Any = None
    tracks: dict[str, str] = field(default_factory=dict)  # Twilio track → our channel
    fed: dict[str, int] = field(default_factory=dict)  # samples per track, on call time
    last_sequence: int = -1
    media_frames: int = 0
    skipped: int = 0  # samples of gaps accounted but not synthesised
    liveness: Liveness = field(default_factory=Liveness)

    def __post_init__(self) -> None:
        self.liveness = Liveness.of(self.host)
        seconds = getattr(getattr(self.host, "options", None), "max_gap_fill_s", DEFAULT_MAX_GAP_S)
        self.max_gap = max(0, int(seconds * RATE))

    async def receive(self, message: str | bytes) -> bool:
        if isinstance(message, bytes):
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "binary frames are not part of the Twilio protocol")
        data = parse_json_object(message)
        event = validate(TwilioEnvelope, data, what="message").event
        if event not in EVENTS:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "unknown event")
        if event == "connected":
            validate(TwilioConnected, data, what=event)
            log.debug("twilio connected", extra={"source": "twilio"})
            return False
        self._check_sequence(validate(TwilioEvent, data, what=event).sequenceNumber)
        frame = validate(SCHEMAS[event], data, what=event)
        if isinstance(frame, TwilioStart):
            await self._start(frame.start)
            return False
        if self.session is None:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, f"{event} before start")
        if frame.streamSid is not None and frame.streamSid != self.stream_sid:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "streamSid does not match start")
        if isinstance(frame, TwilioMedia):
            self._media(frame.media)
        elif event == "dtmf":
            # The digit may be part of a card number: never log it.
            log.info("twilio dtmf", extra={"source": "twilio", "call_id": self.call_id})
        elif event == "mark":
            log.debug("twilio mark", extra={"source": "twilio", "call_id": self.call_id})
        elif event == "stop":
            log.info("twilio stop", extra={"source": "twilio", "call_id": self.call_id,
                                           "media_frames": self.media_frames,
                                           "skipped_seconds": round(self.skipped / RATE, 3)})
            return True
        return False

    def _check_sequence(self, sequence: int) -> None:
        if sequence <= self.last_sequence:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "sequenceNumber out of order")
        self.last_sequence = sequence

    async def _start(self, start: StartBody) -> None:
        if self.session is not None:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "second start")
        media_format = start.mediaFormat
        if media_format.encoding != "audio/x-mulaw" or media_format.sampleRate != RATE or media_format.channels != 1:
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "unsupported media format")
        policy = (start.customParameters or {}).get("policy")
        mapping = getattr(self.host.options, "twilio_tracks", None) or DEFAULT_TRACKS
        self.tracks = {track: mapping[track] for track in dict.fromkeys(start.tracks) if track in mapping}
        if not self.tracks:
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "no track is mapped to a channel")
        seen = getattr(self.host, "twilio_stream_ids", None)  # recent (callSid, streamSid) on the real server
        if seen is not None and not seen.add(f"{start.callSid}/{start.streamSid}"):
            raise ProtocolError(CloseCode.POLICY_VIOLATION, "stream already seen (replayed start)")
        channels = sorted(set(self.tracks.values()),
                          key=lambda c: (CHANNEL_ORDER.index(c) if c in CHANNEL_ORDER else len(CHANNEL_ORDER), c))
        self.fed = dict.fromkeys(start.tracks, 0)
        self.call_id, self.stream_sid = start.callSid, start.streamSid
        log.info("twilio start", extra={"source": "twilio", "call_id": start.callSid, "stream_sid": start.streamSid,
                                        "tracks": list(self.tracks)})
        self.session = await open_call(self.host, start.callSid, channels, policy=policy or None, source="twilio",
                                       log=log)
        self.liveness.alive()

    def _media(self, media: MediaBody) -> None:
        if media.track not in self.fed:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "media for a track not in start")
        try:
            audio = base64.b64decode(media.payload, validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError(CloseCode.INVALID_DATA, "media payload is not base64") from None
        self.media_frames += 1
        self.liveness.alive()
        channel = self.tracks.get(media.track)
        if channel is None:  # a track the configuration does not transcribe
            return
        if media.timestamp is not None:
            self._fill_gap(media.track, channel, media.timestamp * RATE // 1000)
        self._feed(media.track, channel, mulaw_decode(audio))

    def _fill_gap(self, track: str, channel: str, expected: int) -> None:
        """Keep the track on call time: silence for a gap up to ``max_gap``; a longer one is accounted.

        The silence goes through the resampler and VAD like audio, so it is bounded per frame;
        beyond ``max_gap`` the track's clock moves on without synthesising the rest.
        """
        gap = expected - self.fed[track]
        if gap <= GAP_TOLERANCE:
            return
        fill = min(gap, self.max_gap)
        if gap > fill:
            if not self.skipped:
                log.warning("twilio timestamp jump beyond the maximum gap: not synthesised",
                            extra={"source": "twilio", "call_id": self.call_id})
            self.skipped += gap - fill
            self.fed[track] += gap - fill
        if fill:
            self._feed(track, channel, np.zeros(fill, dtype=np.int16))

    def _feed(self, track: str, channel: str, samples: np.ndarray) -> None:
        try:
            self.session.feed(channel, samples, RATE)
        except ValueError:  # unknown channel or rate
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "audio not accepted for this call") from None
        self.fed[track] += len(samples)


async def handle_twilio(ws: Any, host: Any) -> None:
    """Serve one Twilio Media Stream on ``ws`` until ``stop`` or disconnection.

    The router has already checked ``X-Twilio-Signature``. The call session is closed in
    every case, so a stream that drops mid-call still flushes its finals and ``call_ended``.
    """
    await serve_stream(ws, TwilioStream(host), source="twilio", log=log)
