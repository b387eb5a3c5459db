"""Telephony adapters over real websockets on 127.0.0.1, with a recording call host.

The host stands in for the call manager (same interface: ``calls.open`` → a session with
``feed`` and ``close``), so these tests pin the wire protocols alone: what each adapter
feeds, how it answers, which close code and reason a broken peer gets, that the call is
closed however the connection ends, and that logs carry no audio, digits or tokens.
End-to-end tests through the real server and speech engine live with the server.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from redactor.audio.codecs import mulaw_decode, mulaw_encode, pcm16_to_bytes
from redactor.policy.policies import PolicyError
from redactor.server.audiohook import (
    Media,
    deinterleave,
    format_duration,
    handle_audiohook,
    negotiate_media,
    parse_duration,
)
from redactor.server.auth import Claims
from redactor.server.clients import stream_audiohook, stream_ingest, stream_twilio
from redactor.server.ingest import handle_ingest, parse_start
from redactor.server.twilio import handle_twilio
from redactor.server.wire import ProtocolError, close_reason, parse_json_object

KEY, SECRET = "api-key-1", b"client-secret-bytes"
CONVERSATION = "7f4bd5b8-2b1a-4c63-9c52-3f2d8f0d6a11"


# --- a recording host --------------------------------------------------------------------------


@dataclass
class Options:
    twilio_tracks: dict[str, str] = field(default_factory=lambda: {"inbound": "customer", "outbound": "agent"})
    audiohook_close_timeout: float = 0.3
    max_gap_fill_s: float = 5.0
    start_timeout_s: float | None = 10.0
    call_idle_timeout_s: float | None = 30.0


class RecordingSession:
    def __init__(self, call_id: str, channels: list[str], policy: str | None, source: str) -> None:
        self.call_id, self.channels, self.policy, self.source = call_id, tuple(channels), policy, source
        self.fed: dict[str, list[np.ndarray]] = {channel: [] for channel in channels}
        self.rates: set[int] = set()
        self.closed: list[str] = []

    def feed(self, channel: str, samples: np.ndarray, sample_rate: int) -> None:
        if channel not in self.fed:
            raise ValueError(f"unknown channel {channel}")
        assert samples.dtype == np.int16 and samples.ndim == 1
        self.fed[channel].append(samples.copy())
        self.rates.add(sample_rate)

    def audio(self, channel: str) -> np.ndarray:
        return np.concatenate(self.fed[channel]) if self.fed[channel] else np.zeros(0, np.int16)

    async def close(self, reason: str = "stop") -> None:
        self.closed.append(reason)


class RecordingCalls:
    def __init__(self) -> None:
        self.sessions: list[RecordingSession] = []

    async def open(self, call_id: str, channels: list[str], *, policy: str | None, source: str) -> RecordingSession:
        if policy not in (None, "general_support", "billing"):
            raise PolicyError(f'unknown policy "{policy}"')
        session = RecordingSession(call_id, channels, policy, source)
        self.sessions.append(session)
        return session


@dataclass
class Host:
    options: Options = field(default_factory=Options)
    calls: RecordingCalls = field(default_factory=RecordingCalls)


@asynccontextmanager
async def running(host: Host, claims: Claims | None = None) -> AsyncIterator[tuple[str, asyncio.Queue]]:
    """A server routing /twilio, /audiohook and /ingest to the adapters; yields its base URL.

    Each handler's return is put on the queue, so tests can wait until the call was closed.
    """
    done: asyncio.Queue = asyncio.Queue()

    async def route(ws) -> None:
        path = ws.request.path.partition("?")[0]
        ws.claims = claims  # what the router leaves for /ingest
        handler = {"/twilio": handle_twilio, "/audiohook": handle_audiohook, "/ingest": handle_ingest}[path]
        await handler(ws, host)
        await done.put(path)

    async with serve(route, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}", done


def _tone(frequency: float, seconds: float, rate: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * frequency * t) * 8000).astype(np.int16)


async def _close_of(ws) -> tuple[int, str]:
    """Read until the server closes; its close code and reason."""
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(5):
            while True:
                await ws.recv()
    return ws.close_code, ws.close_reason


def run(coro_factory: Callable[[], Any]) -> Any:
    return asyncio.run(coro_factory())


# --- pure protocol helpers ---------------------------------------------------------------------


def test_durations_roundtrip() -> None:
    assert parse_duration("PT12.34S") == pytest.approx(12.34)
    assert parse_duration("PT0S") == 0 and parse_duration("PT.5S") == 0.5
    assert format_duration(12.34) == "PT12.34S" and format_duration(0) == "PT0S"
    assert format_duration(1 / 3) == "PT0.333S"
    for bad in ("12.3", "PT-1S", "P1DT2S", "PT1M", None, 3):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_negotiate_media_picks_the_first_supported_offer() -> None:
    offers = [
        {"type": "audio", "format": "OPUS", "channels": ["external", "internal"], "rate": 48000},
        {"type": "audio", "format": "PCMU", "channels": ["external", "external"], "rate": 8000},
        {"type": "audio", "format": "L16", "channels": ["internal", "external"], "rate": 16000},
        {"type": "audio", "format": "PCMU", "channels": ["external", "internal"], "rate": 8000},
    ]
    assert negotiate_media(offers) == Media("L16", 16000, ("internal", "external"))
    assert negotiate_media(offers[3:]).to_json() == offers[3]
    assert negotiate_media([{"type": "audio", "format": "PCMU", "channels": ["external"], "rate": 8000}]).channels \
        == ("external",)
    assert negotiate_media(offers[:2]) is None
    assert negotiate_media([{"type": "audio", "format": "PCMU", "channels": ["external"], "rate": 16000}]) is None
    assert negotiate_media("PCMU") is None and negotiate_media([]) is None


def test_deinterleave_pcmu_and_l16() -> None:
    external, internal = _tone(300, 0.02), _tone(700, 0.02)
    stereo = np.stack([external, internal], axis=1).reshape(-1)
    pcmu = deinterleave(mulaw_encode(stereo), Media("PCMU", 8000, ("external", "internal")))
    assert np.array_equal(pcmu["internal"], mulaw_decode(mulaw_encode(internal)))
    l16 = deinterleave(pcm16_to_bytes(stereo), Media("L16", 8000, ("external", "internal")))
    assert np.array_equal(l16["external"], external) and np.array_equal(l16["internal"], internal)
    with pytest.raises(ValueError, match="multiple of 4"):
        deinterleave(b"\x00" * 6, Media("L16", 8000, ("external", "internal")))


def test_parse_start_validates_types_and_counts_unknown_fields() -> None:
    start = parse_start({"call_id": "c1", "channels": ["customer"], "sample_rate": 16000, "encoding": "mulaw",
                         "policy": "billing", "caller": "090-1234-5678"})
    assert (start.call_id, start.channels, start.sample_rate, start.frame_bytes) == ("c1", ("customer",), 16000, 1)
    assert start.unknown_fields == 1
    good = {"call_id": "c", "channels": ["agent"], "sample_rate": 8000, "encoding": "mulaw"}
    bad = [  # (override, close code, reason): the reason names the field, never the value sent
        ({"call_id": None}, 1002, 'start frame: missing or invalid "call_id"'),
        ({"call_id": "a b"}, 1002, 'start frame: missing or invalid "call_id"'),
        ({"call_id": "c" * 129}, 1002, 'start frame: missing or invalid "call_id"'),
        ({"channels": ["agent", "agent"]}, 1002, '"channels" must list distinct channels among agent, customer'),
        ({"channels": ["boss"]}, 1002, 'start frame: missing or invalid "channels[0]"'),
        ({"channels": "agent"}, 1002, 'start frame: missing or invalid "channels"'),
        ({"sample_rate": 44100}, 1003, '"sample_rate" must be 8000 or 16000'),
        ({"sample_rate": True}, 1002, 'start frame: missing or invalid "sample_rate"'),
        ({"sample_rate": "8000"}, 1002, 'start frame: missing or invalid "sample_rate"'),
        ({"encoding": "flac"}, 1003, '"encoding" must be one of pcm_s16le, mulaw'),
        ({"encoding": ["mulaw"]}, 1002, 'start frame: missing or invalid "encoding"'),
        ({"encoding": {}}, 1002, 'start frame: missing or invalid "encoding"'),
        ({"policy": 3}, 1002, 'start frame: missing or invalid "policy"'),
        ({"policy": {"secret": "x"}}, 1002, 'start frame: missing or invalid "policy"'),
        ({"type": "stop"}, 1002, "the first frame must be the start frame"),
    ]
    for override, code, reason in bad:
        with pytest.raises(ProtocolError) as info:
            parse_start(good | override)
        assert (info.value.code, info.value.reason) == (code, reason), override


def test_close_reason_and_json_helpers() -> None:
    assert len(close_reason("あ" * 100).encode()) <= 123
    assert close_reason("short") == "short"
    for text in ("{", "[1]", "\ud800", b"\xff"):
        with pytest.raises(ProtocolError) as info:
            parse_json_object(text)
        assert info.value.code == 1007


# --- Twilio ------------------------------------------------------------------------------------


def test_twilio_stream_feeds_both_tracks_and_closes_the_call() -> None:
    host = Host()
    agent, customer = _tone(440, 1.0), _tone(880, 0.9)

    async def scenario():
        async with running(host) as (url, done):
            stats = await stream_twilio(url + "/twilio", agent, customer, speed=0, call_sid="CA42", policy="billing")
            await done.get()
        return stats

    stats = run(scenario)
    (session,) = host.calls.sessions
    assert (session.call_id, session.channels, session.policy, session.source) == \
        ("CA42", ("agent", "customer"), "billing", "twilio")
    assert session.rates == {8000}
    assert np.array_equal(session.audio("agent"), mulaw_decode(mulaw_encode(agent)))
    assert len(session.audio("customer")) == 8000  # the shorter track is padded like Twilio's
    assert session.closed == ["stop"]
    assert (stats.close_code, stats.frames) == (1000, 8000)


def test_twilio_gap_in_a_track_is_filled_with_silence() -> None:
    host = Host()

    async def scenario():
        async with running(host) as (url, done), connect(url + "/twilio") as ws:
            await ws.send(json.dumps(_twilio_start(1)))
            frame = base64.b64encode(mulaw_encode(_tone(500, 0.02))).decode()
            for sequence, timestamp in ((2, 0), (3, 20), (4, 1000)):  # 960 ms skipped
                await ws.send(json.dumps({"event": "media", "sequenceNumber": str(sequence), "streamSid": "MZ1",
                                          "media": {"track": "inbound", "chunk": "1", "timestamp": str(timestamp),
                                                    "payload": frame}}))
            await ws.send(json.dumps({"event": "stop", "sequenceNumber": "5", "streamSid": "MZ1"}))
            await _close_of(ws)
            await done.get()

    run(scenario)
    customer = host.calls.sessions[0].audio("customer")
    assert len(customer) == 8000 + 160  # call time of the last frame's end
    assert not customer[320:8000].any()


def test_twilio_timestamp_jump_beyond_the_maximum_gap_is_accounted_not_synthesised(caplog) -> None:
    """A frame whose timestamp jumps by days costs at most ``max_gap_fill_s`` of audio; the call goes on."""
    host = Host(Options(max_gap_fill_s=1.0))
    frame = base64.b64encode(mulaw_encode(_tone(500, 0.02))).decode()
    days = 3 * 86_400_000

    async def scenario():
        async with running(host) as (url, done), connect(url + "/twilio") as ws:
            await ws.send(json.dumps(_twilio_start(1)))
            began = asyncio.get_running_loop().time()
            for sequence, timestamp in enumerate((0, days, days + 20, 2 * days, 2 * days + 500), start=2):
                await ws.send(json.dumps({"event": "media", "sequenceNumber": str(sequence), "streamSid": "MZ1",
                                          "media": {"track": "inbound", "timestamp": str(timestamp),
                                                    "payload": frame}}))
            await ws.send(json.dumps({"event": "stop", "sequenceNumber": "9", "streamSid": "MZ1"}))
            result = await _close_of(ws)
            await done.get()
            return result, asyncio.get_running_loop().time() - began

    with caplog.at_level(logging.WARNING, logger="redactor.server"):
        (code, _), seconds = run(scenario)
    assert code == 1000 and seconds < 2.0
    customer = host.calls.sessions[0].audio("customer")
    # 5 frames of 160 samples; two jumps filled with 1 s each (the rest accounted); 480 ms filled in full.
    assert len(customer) == 5 * 160 + 2 * 8000 + (500 - 20) * 8
    assert host.calls.sessions[0].closed == ["stop"]
    assert len([r for r in caplog.records if "maximum gap" in r.getMessage()]) == 1  # once per stream


def _twilio_start(sequence: int, **media_format: Any) -> dict[str, Any]:
    return {"event": "start", "sequenceNumber": str(sequence), "streamSid": "MZ1",
            "start": {"callSid": "CA1", "streamSid": "MZ1", "tracks": ["inbound", "outbound"],
                      "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1,
                                      **media_format},
                      "customParameters": {}}}


def _media(sequence: int, track: str = "inbound", payload: str = "//8=") -> dict[str, Any]:
    return {"event": "media", "sequenceNumber": str(sequence), "streamSid": "MZ1",
            "media": {"track": track, "chunk": "1", "timestamp": "0", "payload": payload}}


@pytest.mark.parametrize(("frames", "code", "reason"), [
    ([b"\x00\x01"], 1003, "binary frames are not part of the Twilio protocol"),
    (["{not json"], 1007, "message is not valid JSON"),
    (["[1, 2]"], 1007, "message is not a JSON object"),
    ([_media(1)], 1002, "media before start"),
    ([{"event": "hello", "sequenceNumber": "1"}], 1002, "unknown event"),
    ([_twilio_start(1, encoding="audio/x-alaw")], 1003, "unsupported media format"),
    ([_twilio_start(1, sampleRate=16000)], 1003, "unsupported media format"),
    ([_twilio_start(1), _media(3), _media(2)], 1002, "sequenceNumber out of order"),
    ([_twilio_start(1), _media(2), _media(2)], 1002, "sequenceNumber out of order"),
    ([_twilio_start(1), {"event": "media", "streamSid": "MZ1", "media": {}}], 1002,
     'media: missing or invalid "sequenceNumber"'),
    ([_twilio_start(1), {"event": "media", "sequenceNumber": "2", "media": {"track": ["inbound"], "payload": ""}}],
     1002, 'media: missing or invalid "media.track"'),
    ([_twilio_start(1), {"event": "media", "sequenceNumber": 2.5, "media": {}}], 1002,
     'media: missing or invalid "sequenceNumber"'),
    ([{"event": ["start"]}], 1002, 'message: missing or invalid "event"'),
    ([{**_twilio_start(1), "start": {**_twilio_start(1)["start"], "mediaFormat": {"encoding": ["audio/x-mulaw"],
                                                                                  "sampleRate": 8000, "channels": 1}}}],
     1002, 'start: missing or invalid "start.mediaFormat.encoding"'),
    ([_twilio_start(1), _media(2, payload="***")], 1007, "media payload is not base64"),
    ([_twilio_start(1), _media(2, track="both")], 1002, "media for a track not in start"),
    ([{"event": "start", "sequenceNumber": "1", "start": {"callSid": "CA1"}}], 1002,
     'start: missing or invalid "start.streamSid"'),
    ([{**_twilio_start(1), "start": {**_twilio_start(1)["start"], "customParameters": {"policy": "nope"}}}],
     1008, "unknown policy"),
    ([{**_twilio_start(1), "start": {**_twilio_start(1)["start"], "customParameters": {"secret-name": {"x": 1}}}}],
     1002, 'start: missing or invalid "start.customParameters"'),
])
def test_twilio_protocol_errors_close_with_a_clear_code(frames: list[Any], code: int, reason: str) -> None:
    host = Host()

    async def scenario():
        async with running(host) as (url, done), connect(url + "/twilio") as ws:
            await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
            for frame in frames:
                await ws.send(frame if isinstance(frame, bytes | str) else json.dumps(frame))
            result = await _close_of(ws)
            await done.get()
            return result

    assert run(scenario) == (code, reason)
    for session in host.calls.sessions:  # a call that was opened is always closed
        assert session.closed == ["error"]


def test_twilio_disconnect_mid_call_still_closes_the_call() -> None:
    host = Host()

    async def scenario():
        async with running(host) as (url, done):
            async with connect(url + "/twilio") as ws:
                await ws.send(json.dumps(_twilio_start(1)))
                await ws.send(json.dumps(_media(2)))
            await done.get()

    run(scenario)
    assert host.calls.sessions[0].closed == ["disconnect"]


def test_twilio_track_mapping_is_configurable_and_logs_carry_no_audio_or_digits(caplog) -> None:
    host = Host(Options(twilio_tracks={"inbound": "customer"}))  # the agent track is not transcribed
    payload = base64.b64encode(mulaw_encode(_tone(300, 0.02))).decode()

    async def scenario():
        async with running(host) as (url, done), connect(url + "/twilio") as ws:
            await ws.send(json.dumps(_twilio_start(1)))
            await ws.send(json.dumps(_media(2, "outbound", payload)))
            await ws.send(json.dumps(_media(3, "inbound", payload)))
            await ws.send(json.dumps({"event": "dtmf", "sequenceNumber": "4", "streamSid": "MZ1",
                                      "dtmf": {"track": "inbound_track", "digit": "7"}}))
            await ws.send(json.dumps({"event": "stop", "sequenceNumber": "5", "streamSid": "MZ1"}))
            await _close_of(ws)
            await done.get()

    with caplog.at_level(logging.DEBUG, logger="redactor.server"):
        run(scenario)
    session = host.calls.sessions[0]
    assert session.channels == ("customer",) and len(session.audio("customer")) == 160
    records = [r for r in caplog.records if r.name.startswith("redactor.server")]
    assert any(r.getMessage() == "twilio dtmf" for r in records)
    for record in records:
        text = json.dumps({k: str(v) for k, v in vars(record).items()})
        assert payload[:16] not in text and '"7"' not in text and "digit" not in text


# --- AudioHook ---------------------------------------------------------------------------------


def _audiohook_message(type_: str, seq: int, parameters: dict[str, Any], *, session_id: str,
                       serverseq: int = 0, position: str = "PT0S") -> str:
    return json.dumps({"version": "2", "id": session_id, "type": type_, "seq": seq, "serverseq": serverseq,
                       "position": position, "parameters": parameters})


def _open_parameters(media: list[dict[str, Any]], conversation: str = CONVERSATION, **extra: Any) -> dict[str, Any]:
    return {"organizationId": "0b9f2b6a-6e4d-4d43-9f7c-1d9a4c3e2b10", "conversationId": conversation,
            "participant": {"id": "5d4f1c8e-3b2a-4c1d-9e8f-7a6b5c4d3e2f", "ani": "+81312345678", "aniName": "",
                            "dnis": ""},
            "media": media, **extra}


STEREO_PCMU = {"type": "audio", "format": "PCMU", "channels": ["external", "internal"], "rate": 8000}


@pytest.mark.parametrize(("media_format", "rate"), [("PCMU", 8000), ("L16", 16000)])
def test_audiohook_session_with_the_genesys_style_client(media_format: str, rate: int) -> None:
    host = Host()
    agent, customer = _tone(440, 1.0, rate), _tone(880, 1.0, rate)

    async def scenario():
        async with running(host) as (url, done):
            stats = await stream_audiohook(url + "/audiohook", np.stack([agent, customer]), api_key=KEY,
                                           client_secret=SECRET, sample_rate=rate, media_format=media_format,
                                           speed=0, conversation_id=CONVERSATION, policy="billing",
                                           ping_interval=0)
            await done.get()
        return stats

    stats = run(scenario)
    (session,) = host.calls.sessions
    assert (session.call_id, session.channels, session.policy, session.source) == \
        (CONVERSATION, ("agent", "customer"), "billing", "audiohook")
    assert session.rates == {rate} and session.closed == ["close"]
    expected = mulaw_decode(mulaw_encode(agent)) if media_format == "PCMU" else agent
    assert np.array_equal(session.audio("agent"), expected)
    types = [m["type"] for m in stats.server_messages]
    assert types[0] == "opened" and types[-1] == "closed" and "pong" in types
    opened = stats.server_messages[0]
    assert opened["parameters"]["media"] == [{"type": "audio", "format": media_format,
                                              "channels": ["external", "internal"], "rate": rate}]
    assert opened["parameters"]["startPaused"] is False
    assert [m["seq"] for m in stats.server_messages] == list(range(1, len(types) + 1))
    assert stats.close_code == 1000


def test_audiohook_ping_pause_resume_discard_and_close() -> None:
    host = Host()
    sid = "d2b5f6a0-1c3e-4f5a-8b7c-9d0e1f2a3b4c"

    async def scenario():
        async with running(host) as (url, done), connect(url + "/audiohook",
                                                         additional_headers={"Audiohook-Session-Id": sid}) as ws:
            await ws.send(_audiohook_message("open", 1, _open_parameters([STEREO_PCMU], supportedLanguages=True),
                                             session_id=sid))
            opened = json.loads(await ws.recv())
            await ws.send(mulaw_encode(np.zeros(320, np.int16)))  # 20 ms of stereo
            await ws.send(_audiohook_message("ping", 2, {}, session_id=sid, serverseq=1, position="PT0.02S"))
            pong = json.loads(await ws.recv())
            await ws.send(_audiohook_message("paused", 3, {}, session_id=sid, serverseq=2))
            await ws.send(_audiohook_message("resumed", 4, {"start": "PT0.02S", "discarded": "PT0.5S"},
                                             session_id=sid, serverseq=2))
            await ws.send(_audiohook_message("discarded", 5, {"start": "PT0.52S", "discarded": "PT0.25S"},
                                             session_id=sid, serverseq=2))
            await ws.send(_audiohook_message("update", 6, {"language": "ja-JP"}, session_id=sid, serverseq=2))
            await ws.send(_audiohook_message("close", 7, {"reason": "end"}, session_id=sid, serverseq=2))
            closed = json.loads(await ws.recv())
            await _close_of(ws)
            await done.get()
            return opened, pong, closed

    opened, pong, closed = run(scenario)
    assert (opened["type"], opened["id"], opened["seq"], opened["clientseq"]) == ("opened", sid, 1, 1)
    assert opened["parameters"]["supportedLanguages"] == ["ja-JP"]
    assert (pong["type"], pong["seq"], pong["clientseq"]) == ("pong", 2, 2)
    assert (closed["type"], closed["seq"], closed["clientseq"], closed["parameters"]) == ("closed", 3, 7, {})
    session = host.calls.sessions[0]
    assert len(session.audio("customer")) == 160 + 4000 + 2000  # audio + discarded spans as silence
    assert session.closed == ["close"]


@pytest.mark.parametrize(("steps", "info", "code"), [
    (["{oops"], "message is not valid JSON", 1007),
    ([("open", 2)], "seq out of order", 1002),
    ([("open", 1, {"seq": True})], 'missing or invalid "seq"', 1002),
    ([("open", 1, {"parameters": _open_parameters([{**STEREO_PCMU, "format": ["PCMU"]}])})],
     'open: missing or invalid "parameters.media[0].format"', 1002),
    ([("open", 1, {"parameters": _open_parameters([STEREO_PCMU], customConfig={"policy": ["x"]})})],
     'open: missing or invalid "parameters.customConfig.policy"', 1002),
    ([("open", 1), ("discarded", 2, {"parameters": {"start": "PT0S", "discarded": 5}})],
     'discarded: missing or invalid "parameters.discarded"', 1002),
    ([("hello", 1)], "unknown message type", 1002),
    ([("ping", 1), ("ping", 2, {"serverseq": 9})], "serverseq is ahead of the server", 1002),
    ([b"\xff" * 320], "audio before opened", 1002),
    ([("open", 1, {"parameters": _open_parameters([{**STEREO_PCMU, "format": "OPUS"}])})],
     "no supported media format offered (PCMU 8000 Hz, L16 8000/16000 Hz)", 1003),
    ([("open", 1), b"\xff" * 3], "audio frame size is not a multiple of 2 bytes", 1007),
    ([("open", 1, {"parameters": _open_parameters([STEREO_PCMU], customConfig={"policy": "nope"})})],
     "unknown policy", 1008),
    ([("open", 1, {"id": "another-session"})], "session id mismatch", 1002),
])
def test_audiohook_protocol_errors_disconnect_then_close(steps: list[Any], info: str, code: int) -> None:
    host = Host()
    sid = "a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d"

    async def scenario():
        async with running(host) as (url, done), connect(url + "/audiohook",
                                                         additional_headers={"Audiohook-Session-Id": sid}) as ws:
            for step in steps:
                if isinstance(step, bytes | str):
                    await ws.send(step)
                    continue
                type_, seq, *rest = step
                overrides = rest[0] if rest else {}
                message = json.loads(_audiohook_message(type_, seq, _open_parameters([STEREO_PCMU]) if type_ == "open"
                                                        else {}, session_id=sid))
                message.update(overrides)
                await ws.send(json.dumps(message))
            messages = []
            while True:  # no "close" from us: the server gives up after its close timeout
                try:
                    messages.append(json.loads(await ws.recv()))
                except ConnectionClosed:
                    break
            await done.get()
            return messages, ws.close_code, ws.close_reason

    messages, close_code, reason = run(scenario)
    disconnect = messages[-1]
    assert disconnect["type"] == "disconnect"
    assert disconnect["parameters"] == {"reason": "error", "info": info}
    assert (close_code, reason) == (code, info)
    for session in host.calls.sessions:
        assert session.closed == ["error"]


def test_audiohook_disconnect_is_followed_by_the_close_transaction() -> None:
    host = Host()
    sid = "b1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d"

    async def scenario():
        async with running(host) as (url, done), connect(url + "/audiohook",
                                                         additional_headers={"Audiohook-Session-Id": sid}) as ws:
            await ws.send(_audiohook_message("open", 1, _open_parameters([{**STEREO_PCMU, "rate": 16000}]),
                                             session_id=sid))
            disconnect = json.loads(await ws.recv())
            await ws.send(_audiohook_message("close", 2, {"reason": "disconnect"}, session_id=sid, serverseq=1))
            closed = json.loads(await ws.recv())
            result = await _close_of(ws)
            await done.get()
            return disconnect, closed, result

    disconnect, closed, result = run(scenario)
    assert (disconnect["type"], disconnect["parameters"]["reason"]) == ("disconnect", "error")
    assert (closed["type"], closed["seq"], closed["clientseq"]) == ("closed", 2, 2)
    assert result[0] == 1003
    assert host.calls.sessions == []


def test_audiohook_organization_mismatch_is_unauthorized_and_probe_opens_no_call() -> None:
    host = Host()
    sid = "c1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d"
    headers = {"Audiohook-Session-Id": sid, "Audiohook-Organization-Id": "00000000-1111-4111-8111-000000000000"}

    async def scenario():
        async with running(host) as (url, done):
            async with connect(url + "/audiohook", additional_headers=headers) as ws:
                await ws.send(_audiohook_message("open", 1, _open_parameters([STEREO_PCMU]), session_id=sid))
                mismatch = json.loads(await ws.recv())
            await done.get()
            async with connect(url + "/audiohook", additional_headers={"Audiohook-Session-Id": sid}) as ws:
                probe = _open_parameters([STEREO_PCMU], conversation="00000000-0000-0000-0000-000000000000")
                await ws.send(_audiohook_message("open", 1, probe, session_id=sid))
                opened = json.loads(await ws.recv())
                await ws.send(mulaw_encode(np.zeros(320, np.int16)))
                await ws.send(_audiohook_message("close", 2, {"reason": "end"}, session_id=sid, serverseq=1))
                closed = json.loads(await ws.recv())
            await done.get()
            return mismatch, opened, closed

    mismatch, opened, closed = run(scenario)
    assert mismatch["type"] == "disconnect" and mismatch["parameters"]["reason"] == "unauthorized"
    assert opened["type"] == "opened" and closed["type"] == "closed"
    assert host.calls.sessions == []


# --- /ingest ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "rate"), [("pcm_s16le", 16000), ("mulaw", 8000)])
def test_ingest_stream_feeds_channels(encoding: str, rate: int) -> None:
    host = Host()
    audio = np.stack([_tone(440, 0.5, rate), _tone(880, 0.5, rate)])

    async def scenario():
        async with running(host) as (url, done):
            stats = await stream_ingest(url + "/ingest", audio, token=None, call_id="call-9", sample_rate=rate,
                                        encoding=encoding, speed=0)
            await done.get()
        return stats

    stats = run(scenario)
    session = host.calls.sessions[0]
    assert (session.call_id, session.channels, session.source, session.rates) == \
        ("call-9", ("agent", "customer"), "ingest", {rate})
    expected = audio[1] if encoding == "pcm_s16le" else mulaw_decode(mulaw_encode(audio[1]))
    assert np.array_equal(session.audio("customer"), expected)
    assert session.closed == ["stop"] and stats.close_code == 1000


START = {"call_id": "call-9", "channels": ["agent", "customer"], "sample_rate": 8000, "encoding": "pcm_s16le"}


@pytest.mark.parametrize(("frames", "code", "reason"), [
    ([b"\x00\x00"], 1002, "audio before the start frame"),
    (["nope"], 1007, "text frame is not valid JSON"),
    ([START, b"\x00" * 6], 1002, "audio frame size is not a multiple of 4 bytes"),
    ([START, {"type": "pause"}], 1002, "unknown text frame (expected stop)"),
    ([{**START, "encoding": "opus"}], 1003, '"encoding" must be one of pcm_s16le, mulaw'),
])
def test_ingest_protocol_errors(frames: list[Any], code: int, reason: str) -> None:
    host = Host()

    async def scenario():
        async with running(host) as (url, done), connect(url + "/ingest") as ws:
            for frame in frames:
                await ws.send(frame if isinstance(frame, bytes | str) else json.dumps(frame))
            result = await _close_of(ws)
            await done.get()
            return result

    assert run(scenario) == (code, reason)
    for session in host.calls.sessions:
        assert session.closed == ["error"]


def test_ingest_token_must_be_for_the_call_and_unknown_fields_are_counted_not_named(caplog) -> None:
    host = Host()
    claims = Claims(call_id="call-9", role="ingest", subject=None, expires_at=0, token_id="t")

    async def scenario():
        async with running(host, claims) as (url, done):
            async with connect(url + "/ingest") as ws:
                await ws.send(json.dumps({**START, "call_id": "call-10"}))
                other_call = await _close_of(ws)
            await done.get()
            async with connect(url + "/ingest") as ws:
                await ws.send(json.dumps({**START, "caller_number": "09012345678"}))
                await ws.send(json.dumps({"type": "stop"}))
                stopped = await _close_of(ws)
            await done.get()
            return other_call, stopped

    with caplog.at_level(logging.INFO, logger="redactor.server"):
        other_call, stopped = run(scenario)
    assert other_call == (1008, "token is for another call")
    assert stopped == (1000, "")
    assert [s.call_id for s in host.calls.sessions] == ["call-9"]
    warnings = [r for r in caplog.records if "unknown fields" in r.getMessage()]
    assert warnings and warnings[0].unknown_fields == 1
    logged = [json.dumps({k: str(v) for k, v in vars(r).items()}) for r in caplog.records]
    assert all("09012345678" not in text and "caller_number" not in text for text in logged)


# --- clients -----------------------------------------------------------------------------------


def test_sample_call_through_twilio_at_paced_speed() -> None:
    from pathlib import Path

    from redactor.server.clients import load_call_audio

    audio = load_call_audio(Path(__file__).parents[1] / "samples" / "calls" / "short_call.wav")
    assert audio.dtype == np.int16 and audio.shape[0] == 2 and abs(audio.shape[1] / 8000 - 16.9) < 0.1
    host = Host()
    clip = audio[:, :8000]  # one second at 4× speed

    async def scenario():
        async with running(host) as (url, done):
            loop = asyncio.get_running_loop()
            begin = loop.time()
            stats = await stream_twilio(url + "/twilio", clip[0], clip[1], speed=4.0)
            elapsed = loop.time() - begin
            await done.get()
        return stats, elapsed

    stats, elapsed = run(scenario)
    assert 0.2 <= elapsed < 2.0 and stats.seconds == 1.0 and stats.started_at is not None
    session = host.calls.sessions[0]
    assert np.array_equal(session.audio("customer"), mulaw_decode(mulaw_encode(clip[1])))


# --- liveness: a connection cannot hold a call slot without audio ---------------------------------


def test_silent_connections_are_closed_and_their_calls_end_with_reason_timeout() -> None:
    host = Host(Options(start_timeout_s=0.4, call_idle_timeout_s=0.4))
    sid = "e1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d"

    async def scenario():
        results = {}
        async with running(host) as (url, done):
            async with connect(url + "/twilio") as ws:  # never starts
                results["no start"] = await _close_of(ws)
            await done.get()
            async with connect(url + "/twilio") as ws:  # starts, then one frame, then silence (marks only)
                await ws.send(json.dumps(_twilio_start(1)))
                await ws.send(json.dumps(_media(2)))
                with contextlib.suppress(ConnectionClosed):  # marks are not audio: the server closes at 0.4 s
                    for sequence in range(3, 13):
                        await asyncio.sleep(0.1)
                        await ws.send(json.dumps({"event": "mark", "sequenceNumber": str(sequence),
                                                  "streamSid": "MZ1", "mark": {"name": "m"}}))
                results["twilio"] = await _close_of(ws)
            await done.get()
            async with connect(url + "/ingest") as ws:
                await ws.send(json.dumps(START))
                results["ingest"] = await _close_of(ws)
            await done.get()
            async with connect(url + "/audiohook", additional_headers={"Audiohook-Session-Id": sid}) as ws:
                await ws.send(_audiohook_message("open", 1, _open_parameters([STEREO_PCMU]), session_id=sid))
                messages = [json.loads(await ws.recv()), json.loads(await ws.recv())]
                results["audiohook"] = await _close_of(ws)
                results["audiohook messages"] = [(m["type"], m["parameters"].get("reason")) for m in messages]
            await done.get()
        return results

    began = time.monotonic()
    results = run(scenario)
    assert time.monotonic() - began < 6.0
    assert results["no start"] == (1008, "no start frame within the start timeout")
    for source in ("twilio", "ingest", "audiohook"):
        assert results[source] == (1008, "no media within the call inactivity timeout"), source
    assert results["audiohook messages"] == [("opened", None), ("disconnect", "error")]
    assert [s.closed for s in host.calls.sessions] == [["timeout"]] * 3
