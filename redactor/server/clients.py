"""Streaming clients for ``redactor serve``: Twilio, AudioHook and ``/ingest``.

Tests, ``redactor demo`` and ``benchmarks/stream_latency.py`` use them to play a recorded
call into the server at real-time pace (or ``speed`` times faster), speaking each wire
protocol the way the real platform does. Audio is int16 arrays; :func:`load_call_audio`
reads a sample call (``samples/calls/*.wav``: channel 0 agent, channel 1 customer).

Each client returns :class:`StreamStats`; ``started_at`` (``time.monotonic()`` when audio
time 0 went out) lets a benchmark turn audio times into wall-clock times:
``started_at + audio_time / speed``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from redactor.audio.codecs import mulaw_encode, pcm16_to_bytes
from redactor.server.auth import sign_audiohook_request, twilio_signature

__all__ = [
    "AudioHookClientError",
    "StreamStats",
    "load_call_audio",
    "stream_audiohook",
    "stream_ingest",
    "stream_twilio",
    "to_int16",
]

TWILIO_RATE = 8000
CLOSE_WAIT = 10.0  # seconds to wait for the server's end of a clean shutdown


@dataclass
class StreamStats:
    """What a client sent: sample frames per channel, audio seconds, when audio time 0 went out."""

    frames: int = 0
    seconds: float = 0.0
    started_at: float | None = None
    close_code: int | None = None
    close_reason: str = ""
    server_messages: list[dict[str, Any]] = field(default_factory=list)  # AudioHook only


class AudioHookClientError(RuntimeError):
    """The AudioHook server broke the protocol or refused the session."""


def to_int16(samples: np.ndarray) -> np.ndarray:
    """int16 as is; float in [-1, 1] scaled and clipped to int16."""
    samples = np.asarray(samples)
    if samples.dtype == np.int16:
        return samples
    if not np.issubdtype(samples.dtype, np.floating):
        raise TypeError("audio must be int16 or float samples")
    return np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)


def _resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return to_int16(samples)
    import soxr

    x = samples.astype(np.float32) / 32768.0 if samples.dtype == np.int16 else samples.astype(np.float32)
    return to_int16(soxr.resample(x, rate, target, quality="HQ"))


def load_call_audio(path: str | Path, sample_rate: int = TWILIO_RATE) -> np.ndarray:
    """A stereo call recording as int16 of shape (2, frames) at ``sample_rate``: row 0 agent, row 1 customer.

    ``agent, customer = load_call_audio("samples/calls/short_call.wav")``.
    Raises :exc:`ValueError` when the file is not stereo.
    """
    from redactor.audio.decode import decode_file

    decoded = decode_file(path)
    if decoded.channels != 2:
        raise ValueError(f"{Path(path).name}: expected a stereo call (agent, customer)")
    return np.stack([_resample(channel, decoded.sample_rate, sample_rate) for channel in decoded.samples])


def _equal_length(*channels: np.ndarray) -> list[np.ndarray]:
    length = max(len(channel) for channel in channels)
    return [np.pad(channel, (0, length - len(channel))) for channel in channels]


class _Pacer:
    """Sleeps so that audio goes out at ``speed`` times real time (``speed <= 0``: no waiting)."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.started_at: float | None = None

    async def wait(self, audio_seconds: float) -> None:
        now = time.monotonic()
        if self.started_at is None:
            self.started_at = now
        if self.speed <= 0:
            await asyncio.sleep(0)
            return
        delay = self.started_at + audio_seconds / self.speed - now
        if delay > 0:
            await asyncio.sleep(delay)


async def _finish(ws: ClientConnection, stats: StreamStats) -> None:
    """Wait for the server to close (it flushes the call first), then record how it closed."""
    with contextlib.suppress(TimeoutError, ConnectionClosed):
        async with asyncio.timeout(CLOSE_WAIT):
            while True:
                await ws.recv()
    await ws.close()
    if ws.close_code is not None:
        stats.close_code, stats.close_reason = ws.close_code, ws.close_reason or ""


async def stream_twilio(url: str, audio_agent: np.ndarray, audio_customer: np.ndarray, *,
                        sample_rate: int = TWILIO_RATE, speed: float = 1.0, call_sid: str | None = None,
                        stream_sid: str | None = None, auth_token: str | None = None,
                        signed_url: str | None = None, policy: str | None = None,
                        custom_parameters: Mapping[str, str] | None = None, frame_ms: int = 20) -> StreamStats:
    """Play a call into ``url`` as a Twilio Media Stream with both tracks.

    Sends ``connected``, ``start`` (``tracks`` inbound and outbound, μ-law 8 kHz,
    ``customParameters`` with ``policy``), then for every ``frame_ms`` of audio one
    ``media`` frame for the inbound track (the customer) and one for the outbound track (the
    agent) with Twilio's ``sequenceNumber``, ``chunk`` and ``timestamp`` (ms), then ``stop``.
    Audio at another ``sample_rate`` is resampled to 8 kHz. With ``auth_token`` the
    handshake carries ``X-Twilio-Signature`` over ``signed_url`` (default ``url``: give
    the server's public URL plus path when they differ). ``speed <= 0`` sends as fast as
    the socket takes it.
    """
    agent, customer = _equal_length(_resample(np.asarray(audio_agent), sample_rate, TWILIO_RATE),
                                    _resample(np.asarray(audio_customer), sample_rate, TWILIO_RATE))
    call_sid = call_sid or "CA" + uuid.uuid4().hex
    stream_sid = stream_sid or "MZ" + uuid.uuid4().hex
    headers = {"X-Twilio-Signature": twilio_signature(auth_token, signed_url or url)} if auth_token else {}
    parameters = dict(custom_parameters or {})
    if policy is not None:
        parameters["policy"] = policy
    step = TWILIO_RATE * frame_ms // 1000
    stats, pacer = StreamStats(), _Pacer(speed)
    sequence = 0

    def event(name: str, **body: Any) -> str:
        nonlocal sequence
        sequence += 1
        return json.dumps({"event": name, "sequenceNumber": str(sequence), "streamSid": stream_sid, **body})

    async with connect(url, additional_headers=headers, compression=None) as ws:
        await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await ws.send(event("start", start={
            "accountSid": "AC" + "0" * 32, "callSid": call_sid, "streamSid": stream_sid,
            "tracks": ["inbound", "outbound"], "customParameters": parameters,
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": TWILIO_RATE, "channels": 1}}))
        for chunk, begin in enumerate(range(0, len(agent), step), start=1):
            await pacer.wait(begin / TWILIO_RATE)
            stats.started_at = pacer.started_at
            timestamp = str(begin * 1000 // TWILIO_RATE)
            for track, samples in (("inbound", customer), ("outbound", agent)):
                payload = base64.b64encode(mulaw_encode(samples[begin:begin + step])).decode("ascii")
                await ws.send(event("media", media={"track": track, "chunk": str(chunk),
                                                    "timestamp": timestamp, "payload": payload}))
            stats.frames = min(begin + step, len(agent))
        stats.seconds = stats.frames / TWILIO_RATE
        await ws.send(event("stop", stop={"accountSid": "AC" + "0" * 32, "callSid": call_sid}))
        await _finish(ws, stats)
    return stats


async def stream_ingest(url: str, audio: np.ndarray, *, token: str | None, call_id: str,
                        channels: Sequence[str] = ("agent", "customer"), sample_rate: int = 8000,
                        encoding: str = "pcm_s16le", policy: str | None = None, speed: float = 1.0,
                        frame_ms: int = 20) -> StreamStats:
    """Play ``audio`` (int16 or float, shape (channels, frames), rows in ``channels`` order) into ``/ingest``.

    Sends the start frame, binary frames of ``frame_ms`` of interleaved samples
    (``pcm_s16le`` or ``mulaw``) and ``{"type": "stop"}``; ``token`` goes in
    ``Authorization: Bearer``.
    """
    audio = np.atleast_2d(np.asarray(audio))
    if audio.shape[0] != len(channels):
        raise ValueError("audio must have one row per channel")
    interleaved = np.ascontiguousarray(to_int16(audio).T)  # (frames, channels)
    encode = mulaw_encode if encoding == "mulaw" else pcm16_to_bytes
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    start: dict[str, Any] = {"call_id": call_id, "channels": list(channels), "sample_rate": sample_rate,
                             "encoding": encoding}
    if policy is not None:
        start["policy"] = policy
    step = sample_rate * frame_ms // 1000
    stats, pacer = StreamStats(), _Pacer(speed)
    async with connect(url, additional_headers=headers, compression=None) as ws:
        await ws.send(json.dumps(start))
        for begin in range(0, len(interleaved), step):
            await pacer.wait(begin / sample_rate)
            stats.started_at = pacer.started_at
            await ws.send(encode(interleaved[begin:begin + step].reshape(-1)))
            stats.frames = min(begin + step, len(interleaved))
        stats.seconds = stats.frames / sample_rate
        await ws.send(json.dumps({"type": "stop"}))
        await _finish(ws, stats)
    return stats


class _AudioHookClient:
    """Client side of the AudioHook envelope: ``seq``/``serverseq`` bookkeeping and checks."""

    def __init__(self, ws: ClientConnection, session_id: str, stats: StreamStats) -> None:
        self.ws = ws
        self.id = session_id
        self.stats = stats
        self.seq = 0
        self.serverseq = 0
        self.position = 0.0
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def send(self, type_: str, parameters: dict[str, Any]) -> int:
        from redactor.server.audiohook import format_duration

        self.seq += 1
        await self.ws.send(json.dumps({"version": "2", "id": self.id, "type": type_, "seq": self.seq,
                                       "serverseq": self.serverseq, "position": format_duration(self.position),
                                       "parameters": parameters}))
        return self.seq

    async def read(self) -> None:
        """Receive server messages into :attr:`inbox`, checking the envelope.

        Ends with a ``__closed__`` pseudo-message, or ``__error__`` carrying the exception.
        """
        try:
            async for raw in self.ws:
                if isinstance(raw, bytes):
                    raise AudioHookClientError("unexpected binary message from the server")
                message = json.loads(raw)
                if message.get("version") != "2" or message.get("id") != self.id:
                    raise AudioHookClientError("server message with a wrong version or session id")
                if message.get("seq") != self.serverseq + 1:
                    raise AudioHookClientError("server seq out of order")
                if not isinstance(message.get("clientseq"), int) or message["clientseq"] > self.seq:
                    raise AudioHookClientError("server clientseq invalid")
                self.serverseq = message["seq"]
                self.stats.server_messages.append(message)
                await self.inbox.put(message)
        except ConnectionClosed:
            pass
        except Exception as exc:
            await self.inbox.put({"type": "__error__", "error": exc})
            raise
        await self.inbox.put({"type": "__closed__"})

    async def expect(self, *types: str, timeout: float = CLOSE_WAIT) -> dict[str, Any]:
        """The next server message of one of ``types``; pongs, events and disconnects between are skipped."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.inbox.get()
                if message["type"] in types:
                    return message
                if message["type"] == "__error__":
                    raise message["error"]
                if message["type"] == "__closed__":
                    raise AudioHookClientError(f"connection closed while waiting for {' or '.join(types)}")
                if message["type"] not in ("pong", "event", "disconnect"):
                    raise AudioHookClientError(f"unexpected {message['type']!r} from the server")


async def stream_audiohook(url: str, audio: np.ndarray, *, api_key: str, client_secret: bytes | str,
                           sample_rate: int = 8000, media_format: str = "PCMU", speed: float = 1.0,
                           frame_ms: int = 100, conversation_id: str | None = None,
                           organization_id: str | None = None, session_id: str | None = None,
                           correlation_id: str | None = None, policy: str | None = None,
                           signed_url: str | None = None, ping_interval: float = 5.0) -> StreamStats:
    """Play a stereo call (``audio`` of shape (2, frames): row 0 agent, row 1 customer) into an AudioHook server.

    Behaves like Genesys Cloud: signs the handshake (``X-API-KEY``, ``Signature-Input``,
    ``Signature`` over ``signed_url`` or ``url``), sends ``open`` offering one media format
    (``media_format`` at ``sample_rate``; PCMU is 8 kHz only, so other rates are
    resampled), channels ``external`` (customer) and ``internal`` (agent), ``customConfig``
    with ``policy``; waits for ``opened``; streams binary frames of ``frame_ms``; pings every
    ``ping_interval`` seconds; sends ``close`` and waits for ``closed``. ``client_secret`` is
    the secret's bytes or its base64 text as Genesys shows it.

    A ``disconnect`` from the server ends the audio early and closes the session the AudioHook
    way; the message is in ``server_messages``. Raises :class:`AudioHookClientError` when the
    server breaks the protocol (or never answers ``open``).
    """
    secret = base64.b64decode(client_secret) if isinstance(client_secret, str) else bytes(client_secret)
    audio = np.asarray(audio)
    if audio.ndim != 2 or audio.shape[0] != 2:
        raise ValueError("audio must have shape (2, frames): agent, customer")
    rate = 8000 if media_format == "PCMU" else sample_rate
    agent, customer = (_resample(row, sample_rate, rate) for row in audio)
    wire = np.ascontiguousarray(np.stack([customer, agent], axis=1))  # external, internal
    session_id = session_id or str(uuid.uuid4())
    headers = sign_audiohook_request(signed_url or url, api_key=api_key, client_secret=secret,
                                     organization_id=organization_id or str(uuid.uuid4()), session_id=session_id,
                                     correlation_id=correlation_id or str(uuid.uuid4()))
    open_parameters: dict[str, Any] = {
        "organizationId": headers["Audiohook-Organization-Id"],
        "conversationId": conversation_id or str(uuid.uuid4()),
        "participant": {"id": str(uuid.uuid4()), "ani": "", "aniName": "", "dnis": ""},
        "media": [{"type": "audio", "format": media_format, "channels": ["external", "internal"], "rate": rate}],
        "language": "ja-JP",
    }
    if policy is not None:
        open_parameters["customConfig"] = {"policy": policy}
    encode = mulaw_encode if media_format == "PCMU" else pcm16_to_bytes
    step = rate * frame_ms // 1000
    stats, pacer = StreamStats(), _Pacer(speed)
    async with connect(url, additional_headers=headers, compression=None) as ws:
        client = _AudioHookClient(ws, session_id, stats)
        reader = asyncio.create_task(client.read())
        try:
            await client.send("open", open_parameters)
            answer = await client.expect("opened", "disconnect")
            disconnected = answer["type"] == "disconnect"
            next_ping = time.monotonic() + ping_interval
            for begin in range(0, len(wire), step):
                if disconnected or reader.done():
                    break
                await pacer.wait(begin / rate)
                stats.started_at = pacer.started_at
                await ws.send(encode(wire[begin:begin + step].reshape(-1)))
                stats.frames = min(begin + step, len(wire))
                client.position = stats.frames / rate
                if time.monotonic() >= next_ping:
                    await client.send("ping", {})
                    next_ping += ping_interval
                disconnected = any(m["type"] == "disconnect" for m in stats.server_messages)
            stats.seconds = stats.frames / rate
            if reader.done() and not reader.cancelled() and reader.exception():
                raise reader.exception()
            await client.send("close", {"reason": "disconnect" if disconnected else "end"})
            await client.expect("closed")
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await reader
        await _finish(ws, stats)
    return stats
