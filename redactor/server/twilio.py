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
call time: a track that skipped audio gets silence for the gap.

Protocol errors close the socket: 1003 for binary frames or an unsupported media format,
1007 for a frame that is not JSON (or not base64 audio), 1002 for anything out of order,
missing or unknown; 1008 for an unknown policy.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from redactor.audio.codecs import mulaw_decode
from redactor.server.wire import CloseCode, ProtocolError, open_call, parse_json_object, serve_stream

__all__ = ["DEFAULT_TRACKS", "RATE", "handle_twilio"]

log = logging.getLogger(__name__)

RATE = 8000
DEFAULT_TRACKS = {"inbound": "customer", "outbound": "agent"}
EVENTS = frozenset({"connected", "start", "media", "mark", "dtmf", "stop"})
CHANNEL_ORDER = ("agent", "customer")
GAP_TOLERANCE = RATE * 60 // 1000  # timestamps jitter; fill only gaps longer than 60 ms
MAX_GAP_FILL = RATE * 300  # never synthesise more than 5 minutes of silence at once


def _require(data: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, f'{where}: missing or invalid "{name}"')
    return value


def _integer(value: Any, what: str) -> int:
    """Twilio sends numbers as strings ("12"); accept either."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, f'invalid "{what}"') from None
    if number < 0:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, f'invalid "{what}"')
    return number


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
    fed: dict[str, int] = field(default_factory=dict)  # samples fed per track
    last_sequence: int = -1
    media_frames: int = 0

    async def receive(self, message: str | bytes) -> bool:
        if isinstance(message, bytes):
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "binary frames are not part of the Twilio protocol")
        data = parse_json_object(message)
        event = data.get("event")
        if not isinstance(event, str) or event not in EVENTS:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "unknown event" if isinstance(event, str)
                                else 'missing "event"')
        if event == "connected":
            log.debug("twilio connected", extra={"source": "twilio"})
            return False
        self._check_sequence(data)
        if event == "start":
            await self._start(data)
            return False
        if self.session is None:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, f"{event} before start")
        sid = data.get("streamSid")
        if sid is not None and sid != self.stream_sid:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "streamSid does not match start")
        if event == "media":
            self._media(_require(data, "media", dict, "media"))
        elif event == "dtmf":
            # The digit may be part of a card number: never log it.
            log.info("twilio dtmf", extra={"source": "twilio", "call_id": self.call_id})
        elif event == "mark":
            log.debug("twilio mark", extra={"source": "twilio", "call_id": self.call_id})
        elif event == "stop":
            log.info("twilio stop", extra={"source": "twilio", "call_id": self.call_id,
                                           "media_frames": self.media_frames})
            return True
        return False

    def _check_sequence(self, data: dict[str, Any]) -> None:
        sequence = _integer(data.get("sequenceNumber"), "sequenceNumber")
        if sequence <= self.last_sequence:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR,
                                f"sequenceNumber out of order ({sequence} after {self.last_sequence})")
        self.last_sequence = sequence

    async def _start(self, data: dict[str, Any]) -> None:
        if self.session is not None:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "second start")
        start = _require(data, "start", dict, "start")
        call_sid = _require(start, "callSid", str, "start")
        stream_sid = _require(start, "streamSid", str, "start")
        tracks = _require(start, "tracks", list, "start")
        media_format = _require(start, "mediaFormat", dict, "start")
        if not call_sid or not tracks or not all(isinstance(track, str) for track in tracks):
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "start: invalid callSid or tracks")
        if (media_format.get("encoding") != "audio/x-mulaw" or media_format.get("sampleRate") != RATE
                or media_format.get("channels") != 1):
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "unsupported media format")
        custom = start.get("customParameters") or {}
        policy = custom.get("policy") if isinstance(custom, dict) else None
        if not isinstance(custom, dict) or (policy is not None and not isinstance(policy, str)):
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "start: invalid customParameters")
        mapping = getattr(self.host.options, "twilio_tracks", None) or DEFAULT_TRACKS
        self.tracks = {track: mapping[track] for track in dict.fromkeys(tracks) if track in mapping}
        if not self.tracks:
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "no track is mapped to a channel")
        channels = sorted(set(self.tracks.values()),
                          key=lambda c: (CHANNEL_ORDER.index(c) if c in CHANNEL_ORDER else len(CHANNEL_ORDER), c))
        self.fed = dict.fromkeys(tracks, 0)
        self.call_id, self.stream_sid = call_sid, stream_sid
        log.info("twilio start", extra={"source": "twilio", "call_id": call_sid, "stream_sid": stream_sid,
                                        "tracks": list(tracks)})
        self.session = await open_call(self.host, call_sid, channels, policy=policy or None, source="twilio",
                                       log=log)

    def _media(self, media: dict[str, Any]) -> None:
        track = _require(media, "track", str, "media")
        payload = _require(media, "payload", str, "media")
        if track not in self.fed:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "media for a track not in start")
        try:
            audio = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError(CloseCode.INVALID_DATA, "media payload is not base64") from None
        timestamp = media.get("timestamp")
        self.media_frames += 1
        channel = self.tracks.get(track)
        if channel is None:  # a track the configuration does not transcribe
            return
        if timestamp is not None:
            self._fill_gap(track, channel, _integer(timestamp, "timestamp") * RATE // 1000)
        samples = mulaw_decode(audio)
        self._feed(track, channel, samples)

    def _fill_gap(self, track: str, channel: str, expected: int) -> None:
        """Feed silence where a track skipped audio, so the channel stays on call time."""
        gap = expected - self.fed[track]
        if gap > GAP_TOLERANCE:
            if gap > MAX_GAP_FILL:
                log.warning("twilio gap too long to fill", extra={"source": "twilio", "call_id": self.call_id,
                                                                   "track": track, "gap_samples": gap})
            self._feed(track, channel, np.zeros(min(gap, MAX_GAP_FILL), dtype=np.int16))

    def _feed(self, track: str, channel: str, samples: np.ndarray) -> None:
        try:
            self.session.feed(channel, samples, RATE)
        except ValueError as exc:  # unknown channel or rate: the message is safe
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, str(exc)) from None
        self.fed[track] += len(samples)


async def handle_twilio(ws: Any, host: Any) -> None:
    """Serve one Twilio Media Stream on ``ws`` until ``stop`` or disconnection.

    The router has already checked ``X-Twilio-Signature``. The call session is closed in
    every case, so a stream that drops mid-call still flushes its finals and ``call_ended``.
    """
    await serve_stream(ws, TwilioStream(host), source="twilio", log=log)
