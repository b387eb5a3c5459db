"""``redactor serve`` end to end: real websockets on 127.0.0.1, the real speech model and GiNZA.

One server for the whole module runs on its own event loop in a background thread, as it
would in production; each test drives it from the test thread with its own client loop
(``asyncio.run``), through the same clients the demo and the benchmark use. Sample calls are
streamed at ``SPEED`` times real time. Nothing is mocked.

What is pinned here (issue #4, "Tests"): full calls through Twilio, AudioHook and ``/ingest``
reach the agent masked (no gold PII value in any event, partial or final) and end with
``call_ended``; late joiners get the masked history; the handshake refuses every bad
credential with 401/403; broken peers get a close code and reason while other calls go on;
a client that drops mid-call still gets its finals flushed; concurrent calls are isolated;
``/metrics``, ``/`` and ``/static`` answer; logs carry no transcript or PII.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import http.client
import json
import logging
import re
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import numpy as np
import pytest
from gold import flat, gold
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from redactor.audio.codecs import mulaw_encode
from redactor.config import parse_config
from redactor.engine import build_engine
from redactor.server.app import Server, ServerOptions, running_server
from redactor.server.auth import sign_audiohook_request, twilio_signature
from redactor.server.clients import load_call_audio, stream_audiohook, stream_ingest, stream_twilio
from redactor.stream.session import StreamOptions

ROOT = Path(__file__).resolve().parents[1]
CALLS = ROOT / "samples" / "calls"
SECRET = "test-secret-" + "x" * 32
TWILIO_TOKEN = "twilio-auth-token-" + "y" * 14
AUDIOHOOK_KEY, AUDIOHOOK_SECRET = "audiohook-key-1", b"audiohook-client-secret-bytes"
SPEED = 8.0  # times real time
# One scenario, wall seconds: a bound that only a hang reaches (a 17-second call takes ~5 s on an
# idle box).  These tests check correctness; latency lives in benchmarks/stream_latency.py.
CALL_TIMEOUT = 240.0


# --- the module's server ------------------------------------------------------------------------


# A purpose that needs no identifier: whatever names or numbers speech recognition renders in a call
# draw a warning, so a test of what warnings carry never passes on an empty list.
NO_NEEDS = "no_identifiers"


class LiveServer:
    """A started :class:`Server` on an event loop of its own (a daemon thread)."""

    def __init__(self, options: ServerOptions, **kwargs) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="redactor-server", daemon=True)
        self.thread.start()
        self._context = running_server(options, **kwargs)
        self.server: Server = self._call(self._context.__aenter__(), timeout=180)

    def _call(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        try:
            self._call(self._context.__aexit__(None, None, None), timeout=60)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()

    # what tests use
    @property
    def ws_url(self) -> str:
        return self.server.ws_url

    @property
    def port(self) -> int:
        return self.server.port

    def issue_token(self, call_id: str, role: str = "agent", ttl: int = 3600) -> str:
        return self.server.issue_token(call_id, role, ttl, subject="pytest")


@pytest.fixture(scope="module")
def srv():
    options = ServerOptions(
        port=0, secret=SECRET, twilio_auth_token=TWILIO_TOKEN, audiohook_clients={AUDIOHOOK_KEY: AUDIOHOOK_SECRET},
        max_messages_per_s=2000,  # Twilio at 8× is 800 frames a second (real time: 100)
        audiohook_close_timeout=1.0,
        stream=StreamOptions(max_calls=4),
    )
    live = LiveServer(options, engine=build_engine(parse_config({"policies": {NO_NEEDS: {"needs": []}}})))
    yield live
    live.stop()


def run(coro, timeout: float = CALL_TIMEOUT):
    """Run a client scenario on the test thread's own event loop."""
    async def bounded():
        async with asyncio.timeout(timeout):
            return await coro
    return asyncio.run(bounded())


def new_call_id(prefix: str = "CA") -> str:
    return prefix + uuid.uuid4().hex


# --- sample calls and their gold PII ------------------------------------------------------------


@functools.cache
def call_audio(name: str) -> np.ndarray:
    """(2, frames) int16 at 8 kHz: agent, customer."""
    return load_call_audio(CALLS / f"{name}.wav")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@functools.cache
def forbidden(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(strings, digit runs) that must never appear in what an agent receives for call ``name``.

    Strings: each gold item's ``value``, ``said`` and ``leaks``, compared as ``gold.flat``.
    Digit runs: the digit-only forms of ``value`` and ``said`` (``090-3456-7812`` →
    ``09034567812``), seven digits or more (shorter runs such as a CVV occur by chance; their
    spoken forms are in ``leaks``).
    """
    strings, digits = set(), set()
    for item in gold(name)["pii"]:
        for text in (item["value"], item["said"], *item.get("leaks", ())):
            strings.add(flat(text))
        for text in (item["value"], item["said"]):
            run_ = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
            if len(run_) >= 7:
                digits.add(run_)
    return tuple(sorted(strings)), tuple(sorted(digits))


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def pii_found(texts, name: str) -> list[tuple[str, str]]:
    """(gold string or digit run, text) for each PII value of call ``name`` visible in ``texts``."""
    strings, digit_runs = forbidden(name)
    found = []
    for text in texts:
        visible = flat(text)
        found += [(s, text) for s in strings if s in visible]
        only_digits = re.sub(r"\D", "", visible)
        found += [(d, text) for d in digit_runs if d in only_digits]
    return found


def assert_no_pii(events: list[dict], name: str) -> None:
    """No event (transcript partial or final, warning, anything) carries a gold PII value of ``name``."""
    texts = [text for event in events for text in _strings(event)]
    assert not pii_found(texts, name)


# --- clients --------------------------------------------------------------------------------------


@dataclass
class Agent:
    """An agent connection collecting every event until the server closes it."""

    ws: ClientConnection
    events: list[dict] = field(default_factory=list)
    task: asyncio.Task | None = None

    @classmethod
    async def join(cls, srv: LiveServer, call_id: str, token: str | None = None) -> Agent:
        token = token or srv.issue_token(call_id)
        ws = await connect(f"{srv.ws_url}/agent/{call_id}", additional_headers={"Authorization": f"Bearer {token}"})
        agent = cls(ws)
        agent.task = asyncio.create_task(agent._collect())
        return agent

    async def _collect(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for message in self.ws:
                self.events.append(json.loads(message))

    async def finished(self, timeout: float = 120.0) -> list[dict]:
        async with asyncio.timeout(timeout):
            await self.task
        return self.events

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code

    def transcripts(self, *, final: bool | None = None) -> list[dict]:
        return [e for e in self.events if e["type"] == "transcript" and (final is None or e["final"] is final)]


def final_state(events: list[dict]) -> dict[str, dict]:
    """What an agent screen shows at the end: the latest transcript event per segment."""
    state: dict[str, dict] = {}
    for event in events:
        if event["type"] == "transcript":
            state[event["segment_id"]] = event
    return state


async def stream_call(srv: LiveServer, source: str, audio: np.ndarray, call_id: str, *, speed: float = SPEED,
                      policy: str | None = None):
    """Play ``audio`` (agent, customer) into the server through ``source``."""
    if source == "twilio":
        return await stream_twilio(f"{srv.ws_url}/twilio", audio[0], audio[1], speed=speed, call_sid=call_id,
                                   auth_token=TWILIO_TOKEN, policy=policy)
    if source == "audiohook":
        return await stream_audiohook(f"{srv.ws_url}/audiohook", audio, api_key=AUDIOHOOK_KEY,
                                      client_secret=AUDIOHOOK_SECRET, media_format="PCMU", speed=speed,
                                      conversation_id=call_id)
    if source == "ingest":
        return await stream_ingest(f"{srv.ws_url}/ingest", audio, token=srv.issue_token(call_id, "ingest"),
                                   call_id=call_id, speed=speed)
    raise ValueError(source)


@dataclass
class CallRun:
    call_id: str
    stats: Any
    agent: Agent
    joiner: Agent | None = None


async def watched_call(srv: LiveServer, source: str, name: str, *, audio: np.ndarray | None = None,
                       call_id: str | None = None, join_after: float | None = None,
                       policy: str | None = None) -> CallRun:
    """An agent connects, the call streams, optionally a second agent joins ``join_after`` seconds in."""
    call_id = call_id or new_call_id()
    audio = call_audio(name) if audio is None else audio
    agent = await Agent.join(srv, call_id)
    streaming = asyncio.create_task(stream_call(srv, source, audio, call_id, policy=policy))
    joiner = None
    if join_after is not None:
        await asyncio.sleep(join_after)
        assert not streaming.done()
        joiner = await Agent.join(srv, call_id)
    stats = await streaming
    await agent.finished(timeout=decode_budget(audio))
    if joiner is not None:
        await joiner.finished(timeout=decode_budget(audio))
    return CallRun(call_id, stats, agent, joiner)


def decode_budget(audio: np.ndarray) -> float:
    """How long the last finals of a call may take after its stream ended: one shared model decodes
    every utterance, and a loaded 2-core CI box runs it slower than real time, so the bound grows
    with the call's length instead of assuming an idle machine (a 60-s fixed wait failed the
    92-s call with a CPU hog on one core)."""
    return 60.0 + 1.5 * audio.shape[1] / 8000


def assert_complete_masked_call(agent: Agent, call_id: str, name: str) -> None:
    """Finals on both channels, every event for this call, nothing unmasked, ``call_ended`` last."""
    events = agent.events
    assert events, "the agent received nothing"
    assert all(e.get("call_id") == call_id for e in events)
    assert events[-1]["type"] == "call_ended"
    assert sum(e["type"] == "call_ended" for e in events) == 1
    finals = [e for e in agent.transcripts(final=True) if e["text"]]
    assert {e["channel"] for e in finals} == {"agent", "customer"}
    for e in finals:
        assert 0 <= e["start"] <= e["end"] <= gold(name)["duration"] + 0.5
        for entity in e.get("entities", []):
            assert e["text"][entity["start"]:entity["end"]] == f"<{entity['type']}>"
    assert agent.close_code == 1000
    assert_no_pii(events, name)


def twilio_headers(srv: LiveServer, path: str = "/twilio") -> dict[str, str]:
    return {"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, srv.ws_url + path)}


def http_get(srv: LiveServer, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def healthy(srv: LiveServer) -> bool:
    return http_get(srv, "/healthz")[0] == 200


# --- 1, 2: full calls through each adapter --------------------------------------------------------


@pytest.mark.slow
def test_twilio_call_reaches_the_agent_masked_and_a_late_supervisor_gets_the_history(srv) -> None:
    async def scenario():
        call = await watched_call(srv, "twilio", "short_call")
        # After the call ended: a supervisor, with a token naming some other call, gets the history.
        late = await Agent.join(srv, call.call_id, srv.issue_token("any-call", "supervisor"))
        await late.finished(timeout=15)
        return call, late

    call, late = run(scenario())
    assert call.stats.close_code == 1000 and abs(call.stats.seconds - gold("short_call")["duration"]) < 0.05
    assert_complete_masked_call(call.agent, call.call_id, "short_call")
    assert any(e["entities"] for e in call.agent.transcripts(final=True)), "nothing was masked at all"
    # The late joiner sees exactly the final screen, then call_ended, then a normal close.
    assert final_state(late.events) == final_state(call.agent.events)
    assert late.events[-1]["type"] == "call_ended" and late.close_code == 1000
    assert all(e["final"] for e in late.transcripts())  # the history holds each segment's last event
    assert_no_pii(late.events, "short_call")
    # The latency histogram saw these finals.
    _, _, body = http_get(srv, "/metrics")
    count = re.search(rb"^redactor_final_latency_seconds_count (\S+)$", body, re.M)
    # The latency histogram saw these finals (first passes: a revision's delay is not a final's latency).
    assert count and float(count.group(1)) >= len([e for e in call.agent.transcripts(final=True)
                                                   if e["text"] and not e.get("revision")])


@pytest.mark.slow
@pytest.mark.parametrize("source", ["audiohook", "ingest"])
def test_audiohook_and_ingest_calls_reach_the_agent_masked_and_a_mid_call_joiner_catches_up(srv, source) -> None:
    call = run(watched_call(srv, source, "short_call", join_after=0.8))
    assert call.stats.close_code == 1000
    assert_complete_masked_call(call.agent, call.call_id, "short_call")
    assert_complete_masked_call(call.joiner, call.call_id, "short_call")
    assert final_state(call.joiner.events) == final_state(call.agent.events)
    if source == "audiohook":
        types = [m["type"] for m in call.stats.server_messages]
        assert types[0] == "opened" and types[-1] == "closed" and "disconnect" not in types


# --- 3: authentication at the handshake -----------------------------------------------------------


def _handshake(url: str, headers: dict[str, str] | None = None, subprotocols: list[str] | None = None):
    """(HTTP status, body) of a websocket handshake: 101 when it is accepted."""
    async def attempt():
        try:
            async with connect(url, additional_headers=headers or {}, subprotocols=subprotocols) as ws:
                return 101, ws.subprotocol
        except InvalidStatus as exc:
            return exc.response.status_code, exc.response.body or b""
    return run(attempt(), timeout=15)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _crafted(call_id: str, *, secret: str = SECRET, expired: bool = False, role: str = "agent") -> str:
    now = int(time.time())
    exp = now - 120 if expired else now + 600
    return jwt.encode({"call": call_id, "role": role, "iat": now - 300, "exp": exp, "jti": uuid.uuid4().hex,
                       "aud": "redactor"}, secret, algorithm="HS256")


def _audiohook_headers(srv: LiveServer, **overrides) -> dict[str, str]:
    signing = {"api_key": AUDIOHOOK_KEY, "client_secret": AUDIOHOOK_SECRET, "organization_id": str(uuid.uuid4()),
               "session_id": str(uuid.uuid4()), "correlation_id": str(uuid.uuid4())} | overrides
    return sign_audiohook_request(f"{srv.ws_url}/audiohook", **signing)


AUTH_CASES = {
    # name: (path, headers(srv), expected status)
    "agent without token": ("/agent/CA-A", lambda s: {}, 401),
    "agent garbage token": ("/agent/CA-A", lambda s: _bearer("not.a.token"), 401),
    "agent forged token": ("/agent/CA-A", lambda s: _bearer(_crafted("CA-A", secret="another-secret-" + "z" * 32)),
                           401),
    "agent expired token": ("/agent/CA-A", lambda s: _bearer(_crafted("CA-A", expired=True)), 401),
    "agent token for another call": ("/agent/CA-B", lambda s: _bearer(s.issue_token("CA-A")), 403),
    "ingest token on agent route": ("/agent/CA-A", lambda s: _bearer(s.issue_token("CA-A", "ingest")), 403),
    "ingest without token": ("/ingest", lambda s: {}, 401),
    "agent token on ingest": ("/ingest", lambda s: _bearer(s.issue_token("CA-A")), 403),
    "supervisor token on ingest": ("/ingest", lambda s: _bearer(s.issue_token("CA-A", "supervisor")), 403),
    "expired ingest token": ("/ingest", lambda s: _bearer(_crafted("CA-A", expired=True, role="ingest")), 401),
    "twilio without signature": ("/twilio", lambda s: {}, 401),
    "twilio bad signature": ("/twilio", lambda s: {"X-Twilio-Signature": base64.b64encode(b"0" * 20).decode()}, 403),
    "twilio signature with another auth token": (
        "/twilio", lambda s: {"X-Twilio-Signature": twilio_signature("wrong-token", s.ws_url + "/twilio")}, 403),
    "twilio signature over another URL": (
        "/twilio", lambda s: {"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, "wss://elsewhere.example/twilio")},
        403),
    "audiohook without any credentials": ("/audiohook", lambda s: {}, 401),
    "audiohook without signature": (
        "/audiohook", lambda s: {k: v for k, v in _audiohook_headers(s).items() if not k.startswith("Signature")}, 401),
    "audiohook wrong client secret": ("/audiohook", lambda s: _audiohook_headers(s, client_secret=b"wrong"), 401),
    "audiohook unknown api key": ("/audiohook", lambda s: _audiohook_headers(s, api_key="unknown-key"), 401),
    "audiohook tampered session id": (
        "/audiohook", lambda s: _audiohook_headers(s) | {"Audiohook-Session-Id": str(uuid.uuid4())}, 401),
}


@pytest.mark.parametrize("case", list(AUTH_CASES))
def test_bad_credentials_are_refused_at_the_handshake(srv, case: str) -> None:
    path, headers, expected = AUTH_CASES[case]
    sent = headers(srv)
    status, body = _handshake(srv.ws_url + path, sent)
    assert status == expected
    assert body and b"Bearer" not in body  # a short reason, never the credential echoed back
    for value in sent.values():
        assert value.encode() not in body


def test_good_credentials_are_accepted_and_a_supervisor_watches_any_call(srv) -> None:
    assert _handshake(f"{srv.ws_url}/agent/CA-A", _bearer(srv.issue_token("CA-A")))[0] == 101
    assert _handshake(f"{srv.ws_url}/agent/CA-Z", _bearer(srv.issue_token("CA-A", "supervisor")))[0] == 101
    # The browser sends the token as a subprotocol; the server selects the agent protocol, never the token.
    token = srv.issue_token("CA-A")
    assert _handshake(f"{srv.ws_url}/agent/CA-A", subprotocols=["redactor.agent.v1", f"bearer.{token}"]) == (
        101, "redactor.agent.v1")
    assert _handshake(f"{srv.ws_url}/twilio", twilio_headers(srv))[0] == 101
    assert _handshake(f"{srv.ws_url}/audiohook", _audiohook_headers(srv))[0] == 101
    assert _handshake(f"{srv.ws_url}/ingest", _bearer(srv.issue_token("CA-A", "ingest")))[0] == 101
    # An ingest token is bound to its call: another call id in the start frame is a policy violation.
    assert run(_raw(srv, "/ingest", [json.dumps({"call_id": "CA-B", "channels": ["agent", "customer"],
                                                 "sample_rate": 8000, "encoding": "pcm_s16le"})],
                    headers=_bearer(srv.issue_token("CA-A", "ingest"))))[0] == 1008
    assert "CA-B" not in srv.server.calls.calls


def test_an_expired_token_is_refused_once_its_ttl_has_passed(srv) -> None:
    token = srv.issue_token("CA-ttl", ttl=1)
    assert _handshake(f"{srv.ws_url}/agent/CA-ttl", _bearer(token))[0] == 101
    time.sleep(2.1)  # exp is whole seconds: past it for sure
    assert _handshake(f"{srv.ws_url}/agent/CA-ttl", _bearer(token)) == (401, b"token expired\n")


def test_an_agent_leaving_is_unregistered_at_once_and_audited(srv, caplog) -> None:
    """A viewer that disconnects is removed (no leak toward the per-call viewer limit) and audited."""
    caplog.set_level(logging.INFO, logger="redactor.audit")
    call_id, hub = new_call_id(), srv.server.hub
    viewers = hub.options.max_viewers_per_call + 2

    async def scenario():
        for _ in range(viewers):  # more than the limit, one after another
            agent = await Agent.join(srv, call_id)
            await agent.ws.close()
            await agent.finished(timeout=5)
            assert agent.close_code == 1000
        for _ in range(50):
            if hub.viewer_count(call_id) == 0:
                break
            await asyncio.sleep(0.02)

    run(scenario(), timeout=30)
    assert hub.viewer_count(call_id) == 0
    audits = [r.audit for r in caplog.records if r.name == "redactor.audit" and r.audit["call_id"] == call_id]
    assert [a["event"] for a in audits].count("agent_connected") == viewers
    assert [a["event"] for a in audits].count("agent_disconnected") == viewers
    assert all(a["subject"] == "pytest" and a["role"] == "agent" for a in audits)


# --- 4: malformed input ---------------------------------------------------------------------------


def _twilio_event(name: str, sequence: int, stream_sid: str = "MZ1", **body: Any) -> str:
    return json.dumps({"event": name, "sequenceNumber": str(sequence), "streamSid": stream_sid, **body})


def _twilio_start(call_id: str, sequence: int = 1, encoding: str = "audio/x-mulaw", rate: int = 8000,
                  parameters: dict[str, str] | None = None, stream_sid: str = "MZ1") -> str:
    return _twilio_event("start", sequence, stream_sid, start={
        "accountSid": "AC" + "0" * 32, "callSid": call_id, "streamSid": stream_sid, "tracks": ["inbound", "outbound"],
        "customParameters": parameters or {}, "mediaFormat": {"encoding": encoding, "sampleRate": rate, "channels": 1}})


def _twilio_media(sequence: int, track: str = "inbound", samples: int = 160) -> str:
    payload = base64.b64encode(mulaw_encode(np.zeros(samples, dtype=np.int16))).decode()
    return _twilio_event("media", sequence, media={"track": track, "chunk": str(sequence), "timestamp": "0",
                                                   "payload": payload})


CONNECTED = json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})

MALFORMED = {
    # name: (frames after the handshake, close code, reason contains)
    "invalid json": ([CONNECTED, "{not json"], 1007, "not valid JSON"),
    "json that is not an object": ([CONNECTED, "[1, 2]"], 1007, "not a JSON object"),
    "unknown event": ([CONNECTED, json.dumps({"event": "hangup", "sequenceNumber": "1"})], 1002, "unknown event"),
    "missing event": ([json.dumps({"sequenceNumber": "1"})], 1002, "missing"),
    "binary frame": ([CONNECTED, b"\x00\x01\x02\x03"], 1003, "binary"),
    "oversized frame": ([CONNECTED, json.dumps({"event": "media", "pad": "x" * (70 * 1024)})], 1009, ""),
    "wrong codec": ([CONNECTED, _twilio_start("{call}", encoding="audio/x-alaw")], 1003, "media format"),
    "wrong sample rate": ([CONNECTED, _twilio_start("{call}", rate=16000)], 1003, "media format"),
    "unknown policy": ([CONNECTED, _twilio_start("{call}", parameters={"policy": "no-such-policy"})], 1008, "policy"),
    "media before start": ([CONNECTED, _twilio_media(1)], 1002, "before start"),
    "out-of-order sequenceNumber": ([CONNECTED, _twilio_start("{call}"), _twilio_media(2), _twilio_media(4),
                                     _twilio_media(3)], 1002, "out of order"),
    "repeated sequenceNumber": ([CONNECTED, _twilio_start("{call}"), _twilio_media(2), _twilio_media(2)], 1002,
                                "out of order"),
    "media payload not base64": ([CONNECTED, _twilio_start("{call}"),
                                  _twilio_event("media", 2, media={"track": "inbound", "payload": "%%%"})], 1007,
                                 "base64"),
    "second start": ([CONNECTED, _twilio_start("{call}"), _twilio_start("{call}", sequence=2)], 1002, "second start"),
    "binary frame amid a media burst": ([CONNECTED, _twilio_start("{call}"), *[_twilio_media(n) for n in range(2, 302)],
                                         b"\x00", *[_twilio_media(n) for n in range(302, 602)]], 1003, "binary"),
    "message flood": ([CONNECTED] * 6000, 1008, "rate limit"),
}


OPENS_A_CALL = {"out-of-order sequenceNumber", "repeated sequenceNumber", "media payload not base64", "second start",
                "binary frame amid a media burst"}


async def _raw(srv: LiveServer, path: str, frames: list[str | bytes], *, headers: dict[str, str] | None = None,
               call_id: str = "") -> tuple[int | None, str]:
    """Send ``frames`` on a fresh authenticated connection; (close code, reason) the server closed with."""
    headers = twilio_headers(srv, path) if headers is None else headers
    async with connect(srv.ws_url + path, additional_headers=headers, max_size=None) as ws:
        with contextlib.suppress(ConnectionClosed):
            for frame in frames:
                await ws.send(frame.replace("{call}", call_id) if isinstance(frame, str) else frame)
        async with asyncio.timeout(10):
            await ws.wait_closed()
    return ws.close_code, ws.close_reason or ""


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_twilio_input_gets_a_close_code_and_reason(srv, case: str) -> None:
    frames, code, reason = MALFORMED[case]
    call_id = new_call_id("CAbad")

    async def scenario():
        agent = await Agent.join(srv, call_id)
        closed = await _raw(srv, "/twilio", frames, call_id=call_id)
        if case in OPENS_A_CALL:
            # A call was opened before the error: its agent still gets call_ended.
            await agent.finished(timeout=20)
        else:
            await agent.ws.close()
            await agent.finished(timeout=10)
        return closed, agent

    began = time.monotonic()
    (got_code, got_reason), agent = run(scenario(), timeout=45)
    # The closing handshake completes at once, even with the peer's frames still queued
    # (not after websockets' 10-second close timeout).
    assert time.monotonic() - began < 5.0
    assert got_code == code, (got_code, got_reason)
    assert reason in got_reason
    if agent.events:
        assert agent.events[-1] == {"type": "call_ended", "call_id": call_id, "reason": "error"}
    assert call_id not in srv.server.calls.calls
    assert healthy(srv)


def test_the_concurrent_call_limit_and_a_duplicate_call_are_refused_without_harm(srv) -> None:
    limit = srv.server.options.stream.max_calls
    call_ids = [new_call_id() for _ in range(limit)]

    async def scenario():
        streams = []
        for call_id in call_ids:
            ws = await connect(f"{srv.ws_url}/twilio", additional_headers=twilio_headers(srv))
            await ws.send(CONNECTED)
            await ws.send(_twilio_start(call_id))
            streams.append(ws)
        for _ in range(100):
            if all(call_id in srv.server.calls.calls for call_id in call_ids):
                break
            await asyncio.sleep(0.02)
        over = await _raw(srv, "/twilio", [CONNECTED, _twilio_start(new_call_id())])
        duplicate = await _raw(srv, "/twilio", [CONNECTED, _twilio_start(call_ids[0], stream_sid="MZ2")])
        agent = await Agent.join(srv, call_ids[0])
        for ws in streams:  # the calls that were already streaming end normally
            await ws.send(_twilio_media(2))
            await ws.send(_twilio_event("stop", 3, stop={"callSid": "x"}))
            async with asyncio.timeout(10):
                await ws.wait_closed()
        events = await agent.finished()
        for _ in range(100):  # each call is flushed and forgotten just after its socket closes
            if not set(call_ids) & set(srv.server.calls.calls):
                break
            await asyncio.sleep(0.05)
        return over, duplicate, [ws.close_code for ws in streams], events

    over, duplicate, codes, events = run(scenario(), timeout=60)
    assert over == (1013, "server at its concurrent call limit")
    assert duplicate == (1008, "call is already streaming")
    assert codes == [1000] * limit
    assert events == [{"type": "call_ended", "call_id": call_ids[0], "reason": "stop"}]
    assert not set(call_ids) & set(srv.server.calls.calls)


def test_malformed_ingest_input_gets_a_close_code_and_reason(srv) -> None:
    token = _bearer(srv.issue_token("CA-ing", "ingest"))
    start = {"call_id": "CA-ing", "channels": ["agent", "customer"], "sample_rate": 8000, "encoding": "pcm_s16le"}
    cases = [
        (["{oops"], 1007),
        ([b"\x00\x00" * 4], 1002),  # audio before the start frame
        ([json.dumps(start | {"encoding": "opus"})], 1003),
        ([json.dumps(start), b"\x00\x00\x00"], 1002),  # not a whole number of sample frames
        ([json.dumps(start), json.dumps({"type": "pause"})], 1002),
        # Wrong types are protocol errors naming the field, never a TypeError (1011).
        ([json.dumps(start | {"encoding": ["mulaw"]})], 1002),
        ([json.dumps(start | {"encoding": {}})], 1002),
        ([json.dumps(start | {"sample_rate": "8000"})], 1002),
        ([json.dumps(start | {"channels": [["agent"]]})], 1002),
    ]
    for frames, code in cases:
        got, reason = run(_raw(srv, "/ingest", frames, headers=token), timeout=20)
        assert got == code, (frames, got, reason)
        assert healthy(srv)
    assert not srv.server.calls.calls


@pytest.mark.slow
def test_broken_peers_never_disturb_a_live_call(srv) -> None:
    """Every malformed stream of the table above, while a real call is streaming: the call is unaffected."""
    async def scenario():
        call = asyncio.create_task(watched_call(srv, "twilio", "short_call"))
        await asyncio.sleep(0.5)
        results = []
        for case, (frames, _, _) in MALFORMED.items():
            if case != "message flood":  # the flood is per connection, but it would slow the live call
                results.append(await _raw(srv, "/twilio", frames, call_id=new_call_id("CAbad")))
        return await call, results

    call, results = run(scenario())
    expected = [code for case, (_, code, _) in MALFORMED.items() if case != "message flood"]
    assert [code for code, _ in results] == expected
    assert call.stats.close_code == 1000
    assert_complete_masked_call(call.agent, call.call_id, "short_call")
    assert call.agent.events[-1]["reason"] == "stop"
    assert healthy(srv)


# --- 5: a client that drops mid-call --------------------------------------------------------------


async def _twilio_until(srv: LiveServer, audio: np.ndarray, call_id: str, stop_at: float, speed: float = SPEED):
    """Stream as Twilio until ``stop_at`` seconds of audio, then drop the TCP connection (no close frame)."""
    ws = await connect(f"{srv.ws_url}/twilio", additional_headers=twilio_headers(srv))
    await ws.send(CONNECTED)
    await ws.send(_twilio_start(call_id))
    sequence, step, begin = 1, 160, time.monotonic()
    for chunk, offset in enumerate(range(0, int(stop_at * 8000), step), start=1):
        delay = begin + offset / 8000 / speed - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        for track, row in (("inbound", 1), ("outbound", 0)):
            sequence += 1
            payload = base64.b64encode(mulaw_encode(audio[row, offset:offset + step])).decode()
            await ws.send(_twilio_event("media", sequence, media={"track": track, "chunk": str(chunk),
                                                                  "timestamp": str(offset // 8), "payload": payload}))
    ws.transport.abort()


@pytest.mark.slow
def test_a_client_dropping_mid_call_still_gets_finals_flushed_and_call_ended(srv) -> None:
    call_id = new_call_id()
    # short_call: the agent speaks from 7.74 s to 10.26 s; the stream drops at 10.0 s, mid-utterance.
    # (Not earlier: on this voice the VAD is confident of speech only from ~9.5 s; before that an
    # utterance cut off has under 200 ms of sure speech and is dropped as noise.)
    stop_at = 10.0

    async def scenario():
        agent = await Agent.join(srv, call_id)
        await _twilio_until(srv, call_audio("short_call"), call_id, stop_at)
        return await agent.finished()

    events = run(scenario())
    assert events[-1] == {"type": "call_ended", "call_id": call_id, "reason": "disconnect"}
    finals = [e for e in events if e["type"] == "transcript" and e["final"] and e["text"]]
    assert {e["channel"] for e in finals} == {"agent", "customer"}
    assert all(e["end"] <= stop_at + 0.1 for e in finals)
    # The utterance cut off by the drop was flushed as a final.
    assert any(e["channel"] == "agent" and e["start"] >= 7.0 for e in finals), [e["segment_id"] for e in finals]
    assert_no_pii(events, "short_call")
    assert call_id not in srv.server.calls.calls and healthy(srv)


# --- 6: concurrent calls ------------------------------------------------------------------------


@pytest.mark.slow
def test_two_concurrent_calls_are_isolated(srv) -> None:
    b_audio = call_audio("call_card_payment")[:, : 30 * 8000]  # its first 30 s: 高橋, 伊藤美咲, 03-5412-6789

    async def scenario():
        return await asyncio.gather(watched_call(srv, "twilio", "short_call"),
                                    watched_call(srv, "audiohook", "call_card_payment", audio=b_audio))

    a, b = run(scenario())
    assert a.call_id != b.call_id
    for call in (a, b):
        assert call.stats.close_code == 1000
        assert all(e["call_id"] == call.call_id for e in call.agent.events)
        assert call.agent.events[-1]["type"] == "call_ended"
    assert_complete_masked_call(a.agent, a.call_id, "short_call")
    assert_no_pii(b.agent.events, "call_card_payment")
    # Content: call A is 16.9 s long, call B 30 s; B spoke after 17 s and A saw none of it.
    assert any(e["start"] > 17.5 for e in b.agent.transcripts())
    assert all(e["end"] <= 17.5 for e in a.agent.transcripts())
    a_texts = {e["text"] for e in a.agent.transcripts() if len(e["text"]) > 8}
    b_texts = {e["text"] for e in b.agent.transcripts() if len(e["text"]) > 8}
    assert not a_texts & b_texts
    assert not pii_found([t for e in a.agent.events for t in _strings(e)], "call_card_payment")
    assert not pii_found([t for e in b.agent.events for t in _strings(e)], "short_call")


# --- 7: HTTP routes -------------------------------------------------------------------------------


def test_metrics_healthz_page_and_static_files(srv) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    status, headers, body = http_get(srv, "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    samples = {s.name for f in families.values() for s in f.samples}
    for name in ("redactor_active_calls", "redactor_final_latency_seconds_bucket", "redactor_asr_queue_depth"):
        assert name in samples, name
    assert families["redactor_active_calls"].type == "gauge"
    assert families["redactor_active_calls"].samples[0].value == len(srv.server.calls.calls)
    assert families["redactor_final_latency_seconds"].type == "histogram"

    assert http_get(srv, "/healthz")[0] == 200
    status, headers, body = http_get(srv, "/")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<html" in body.lower()
    status, headers, body = http_get(srv, "/static/app.js")
    assert status == 200 and "javascript" in headers["content-type"] and body
    for path in ("/static/../server/app.py", "/static/../../pyproject.toml", "/static/%2e%2e/server/app.py",
                 "/static/../web/../server/app.py", "/static/", "/static/missing.js", "/nowhere", "/agent"):
        status, _, body = http_get(srv, path)
        assert status == 404, path
        assert b"import" not in body
    assert http_get(srv, "/static/../server/app.py")[0] == 404


# --- 8: partials --------------------------------------------------------------------------------


@pytest.mark.slow
def test_partials_never_show_a_pii_value(srv) -> None:
    """At 6-10x the scheduler rightly spends the model on finals and sends no partials, so this
    part of a call (the agent asks for the phone number, the customer reads it out) plays at 2x."""
    name = "call_card_payment"
    audio = call_audio(name)[:, 17 * 8000: int(26.5 * 8000)]

    async def scenario():
        call_id = new_call_id()
        agent = await Agent.join(srv, call_id)
        await stream_call(srv, "twilio", audio, call_id, speed=2.0)
        return await agent.finished()

    events = run(scenario())
    partials = [e for e in events if e["type"] == "transcript" and not e["final"]]
    assert partials, "no partial arrived"
    assert_no_pii(events, name)
    for event in partials:
        for entity in event["entities"]:
            assert event["text"][entity["start"]:entity["end"]] == f"<{entity['type']}>"
    # Every partial was superseded: the screen ends with finals only.
    assert all(e["final"] for e in final_state(events).values())
    assert events[-1]["type"] == "call_ended"


# --- 8, 9: a long call: no PII in any event, partial or final, nor in the logs --------------------


def _record_texts(record: logging.LogRecord) -> list[str]:
    standard = set(vars(logging.makeLogRecord({})))
    texts = [record.getMessage(), record.exc_text or ""]
    for key, value in vars(record).items():
        if key not in standard or key in ("args", "msg"):
            texts.append(json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value)
    return texts


@pytest.mark.slow
def test_a_long_call_leaks_no_pii_in_partials_finals_warnings_or_logs(srv, caplog) -> None:
    caplog.set_level(logging.INFO, logger="redactor")
    call = run(watched_call(srv, "twilio", "call_card_payment", policy=NO_NEEDS))
    assert call.stats.close_code == 1000
    assert_complete_masked_call(call.agent, call.call_id, "call_card_payment")
    # Partials (however many arrived) are held to the same rule as finals; so are warnings, and
    # under a purpose that needs nothing there are warnings to hold to it.
    assert_no_pii(call.agent.transcripts(final=False), "call_card_payment")
    assert any(e["type"] == "warning" and e["kind"] == "unneeded_pii" for e in call.agent.events)

    records = [r for r in caplog.records if r.name.startswith("redactor")]
    assert any(getattr(r, "call_id", None) == call.call_id for r in records), "the call was not logged at all"
    assert any(r.name == "redactor.audit" for r in records)
    texts = [text for r in caplog.records for text in _record_texts(r)]
    assert not pii_found(texts, "call_card_payment")
    # No transcript text either: no final's words appear in any record.
    spoken = {e["text"] for e in call.agent.transcripts(final=True) if len(e["text"]) >= 6}
    assert not [(t, s) for t in texts for s in spoken if s in t]


# --- issue #11: hostile input, timeouts, replays, shutdown ------------------------------------------


@contextlib.contextmanager
def options_changed(srv: LiveServer, **changes: Any):
    """The module's server with some options changed (adapters read them per connection)."""
    import dataclasses

    before = srv.server.options
    srv.server.options = dataclasses.replace(before, **changes)
    try:
        yield
    finally:
        srv.server.options = before


def test_a_silent_call_is_closed_after_the_inactivity_timeout_and_ends_with_reason_timeout(srv) -> None:
    call_id = new_call_id()

    async def scenario():
        agent = await Agent.join(srv, call_id)
        async with connect(f"{srv.ws_url}/twilio", additional_headers=twilio_headers(srv)) as ws:
            await ws.send(CONNECTED)
            await ws.send(_twilio_start(call_id, stream_sid="MZ" + call_id))  # then nothing: no media
            began = time.monotonic()
            async with asyncio.timeout(10):
                await ws.wait_closed()
            waited = time.monotonic() - began
        idle = await _raw(srv, "/twilio", [])  # a connection that never starts a call
        return waited, (ws.close_code, ws.close_reason), idle, await agent.finished(timeout=10)

    with options_changed(srv, call_idle_timeout_s=1.0, start_timeout_s=1.0):
        waited, closed, idle, events = run(scenario(), timeout=30)
    assert 0.9 <= waited < 4.0
    assert closed == (1008, "no media within the call inactivity timeout")
    assert idle == (1008, "no start frame within the start timeout")
    assert events[-1] == {"type": "call_ended", "call_id": call_id, "reason": "timeout"}
    assert call_id not in srv.server.calls.calls and healthy(srv)


def _raw_http(srv: LiveServer, request: bytes) -> tuple[int, bytes]:
    """(status, whole response) of a raw HTTP request: what http.client refuses to send."""
    import socket

    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]), data


def test_bad_paths_are_400_or_404_and_http_routes_answer_get_and_head_only(srv, caplog) -> None:
    caplog.set_level(logging.INFO, logger="redactor")
    for path, status in ((b"/static/app.js\x00.txt", 400), (b"/static/%00", 400), (b"/static/%zz", 400),
                         (b"/static/%ff%fe", 400), (b"/static/a%0ab", 400), (b"/agent/%00", 400),
                         (b"/agent/a%20b", 400), (b"/static/\x7fx", 400), (b"/\x01", 400),
                         (b"/static/..%2fserver%2fapp.py", 404), (b"/static/.hidden", 404), (b"/agent/a%2fb", 404)):
        got, data = _raw_http(srv, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert got == status, (path, data[:200])
    for method in (b"POST", b"PUT", b"DELETE", b"OPTIONS", b"PATCH"):
        for path in (b"/healthz", b"/metrics", b"/readyz", b"/", b"/static/app.js"):
            got, data = _raw_http(srv, method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            assert got == 405 and b"Allow: GET, HEAD" in data, (method, path)
    got, data = _raw_http(srv, b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert got == 200 and data.endswith(b"\r\n\r\n") and b"Content-Length: 3" in data
    assert http_get(srv, "/readyz")[0] == 200
    # websockets' own refusals quote header values: replaced by fixed texts.
    got, data = _raw_http(srv, b"GET /ingest HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               b"Sec-WebSocket-Key: MARKER-not-base64\r\nSec-WebSocket-Version: 13\r\n"
                               b"Authorization: Bearer " + srv.issue_token("CA-x", "ingest").encode() + b"\r\n\r\n")
    assert got == 400 and b"MARKER" not in data
    texts = [text for r in caplog.records for text in _record_texts(r)]
    assert not [t for t in texts if "MARKER" in t or "%zz" in t or "..%2f" in t]
    assert healthy(srv)


def test_metrics_name_no_call(srv) -> None:
    call_id = new_call_id("CAsecret")

    async def scenario():
        async with connect(f"{srv.ws_url}/twilio", additional_headers=twilio_headers(srv)) as ws:
            await ws.send(CONNECTED)
            await ws.send(_twilio_start(call_id))
            await ws.send(_twilio_media(2))
            for _ in range(100):
                if call_id in srv.server.calls.calls:
                    break
                await asyncio.sleep(0.02)
            body = await asyncio.to_thread(http_get, srv, "/metrics")
            await ws.send(_twilio_event("stop", 3))
            return body

    status, _, body = run(scenario(), timeout=20)
    assert status == 200
    assert call_id.encode() not in body and b"call_id" not in body
    assert re.search(rb"^redactor_call_lag_seconds [0-9.e+-]+$", body, re.M)
    assert re.search(rb"^redactor_calls_lagging [0-9.e+-]+$", body, re.M)
    assert re.search(rb"^redactor_active_calls [1-9]", body, re.M)


def test_replayed_handshakes_and_streams_are_refused(srv) -> None:
    headers = _audiohook_headers(srv)
    assert _handshake(f"{srv.ws_url}/audiohook", headers)[0] == 101
    assert _handshake(f"{srv.ws_url}/audiohook", headers) == (401, b"replayed signature\n")
    stale = _audiohook_headers(srv, created=int(time.time()) - 60)
    assert _handshake(f"{srv.ws_url}/audiohook", stale) == (401, b"stale signature\n")
    # Twilio's signature is the same for every stream; a replayed start (same call and stream) is refused.
    call_id = new_call_id()
    frames = [CONNECTED, _twilio_start(call_id, stream_sid="MZ" + call_id), _twilio_event("stop", 2, "MZ" + call_id)]
    assert run(_raw(srv, "/twilio", frames), timeout=20) == (1000, "")
    assert run(_raw(srv, "/twilio", frames), timeout=20) == (1008, "stream already seen (replayed start)")


def test_mistyped_audiohook_open_is_disconnected_with_a_protocol_error(srv) -> None:
    session_id = str(uuid.uuid4())
    headers = _audiohook_headers(srv, session_id=session_id)
    open_message = {"version": "2", "id": session_id, "type": "open", "seq": 1, "serverseq": 0, "position": "PT0S",
                    "parameters": {"organizationId": headers["Audiohook-Organization-Id"],
                                   "conversationId": str(uuid.uuid4()),
                                   "media": [{"type": "audio", "format": ["PCMU"], "channels": ["external"],
                                              "rate": 8000}]}}

    async def scenario():
        async with connect(f"{srv.ws_url}/audiohook", additional_headers=headers) as ws:
            await ws.send(json.dumps(open_message))
            disconnect = json.loads(await ws.recv())
            await ws.send(json.dumps({"version": "2", "id": session_id, "type": "close", "seq": 2, "serverseq": 1,
                                      "position": "PT0S", "parameters": {"reason": "error"}}))
            closed = json.loads(await ws.recv())
            async with asyncio.timeout(5):
                await ws.wait_closed()
            return disconnect, closed, ws.close_code, ws.close_reason

    disconnect, closed, code, reason = run(scenario(), timeout=20)
    assert disconnect["type"] == "disconnect" and disconnect["parameters"]["reason"] == "error"
    assert (closed["type"], code) == ("closed", 1002)
    assert reason == 'open: missing or invalid "parameters.media[0].format"' == disconnect["parameters"]["info"]


class ServeProcess:
    """``redactor serve`` in a subprocess on a free port; its stderr (JSON log lines) collected."""

    def __init__(self, *args: str) -> None:
        import os
        import subprocess
        import sys

        env = os.environ | {"REDACTOR_SECRET": SECRET, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from redactor.cli import main; sys.exit(main())", "serve",
             "--port", "0", *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        self.lines: list[dict] = []
        self.ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                self.lines.append(record)
                if record.get("message") == "ready":
                    self.port = int(record["url"].rsplit(":", 1)[1])
                    self.ready.set()

    def wait_ready(self, timeout: float = 120.0) -> None:
        assert self.ready.wait(timeout), [r.get("message") for r in self.lines]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def token(self, call_id: str, role: str = "agent") -> dict[str, str]:
        from redactor.server.auth import issue_token

        return {"Authorization": f"Bearer {issue_token(SECRET, call_id, role, 600)}"}

    def signal(self) -> float:
        import signal

        self.proc.send_signal(signal.SIGTERM)
        return time.monotonic()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


async def _collect(ws: ClientConnection) -> list[dict]:
    events = []
    with contextlib.suppress(ConnectionClosed):
        async for message in ws:
            events.append(json.loads(message))
    return events


@pytest.mark.slow
def test_sigterm_drains_open_calls_and_exits_within_its_bound_and_a_second_sigterm_exits_at_once() -> None:
    """A real ``redactor serve``: an ingest stream that never sends stop, its agent, an agent of no live
    call and a client that never reads; SIGTERM flushes the call (call_ended, reason shutdown), closes
    every connection with 1001 and exits 0 within --shutdown-timeout. A second process shows that a
    second SIGTERM exits at once, while the first is still waiting for a stuck client."""
    bound = 4.0
    draining, forced = ServeProcess("--shutdown-timeout", str(bound)), ServeProcess("--shutdown-timeout", "60")
    try:
        draining.wait_ready()
        forced.wait_ready()
        audio = call_audio("short_call")[:, 8000:]
        call_id = new_call_id("CAdrain")

        async def scenario():
            agent = await connect(f"{draining.url}/agent/{call_id}", additional_headers=draining.token(call_id))
            other = await connect(f"{draining.url}/agent/CAnone", additional_headers=draining.token("CAnone"))
            stuck = await connect(f"{draining.url}/agent/CAstuck", additional_headers=draining.token("CAstuck"))
            stuck.transport.pause_reading()  # never reads: its closing handshake cannot complete
            watching = [asyncio.create_task(_collect(ws)) for ws in (agent, other)]
            ingest = await connect(f"{draining.url}/ingest", additional_headers=draining.token(call_id, "ingest"))
            await ingest.send(json.dumps({"call_id": call_id, "channels": ["agent", "customer"],
                                          "sample_rate": 8000, "encoding": "pcm_s16le"}))

            async def stream() -> None:  # real time, never "stop"
                interleaved = np.ascontiguousarray(audio.T)
                with contextlib.suppress(ConnectionClosed):
                    for begin in range(0, len(interleaved), 160):
                        await ingest.send(interleaved[begin:begin + 160].tobytes())
                        await asyncio.sleep(0.02)
                    await ingest.wait_closed()

            streaming = asyncio.create_task(stream())
            await asyncio.sleep(3.0)
            sent = await asyncio.to_thread(draining.signal)
            exit_status = await asyncio.to_thread(draining.proc.wait, 30)
            exited = time.monotonic() - sent
            await streaming
            events, other_events = await asyncio.gather(*watching)
            return exited, exit_status, events, other_events, (agent.close_code, other.close_code,
                                                               ingest.close_code, ingest.close_reason)

        exited, status, events, other_events, codes = run(scenario(), timeout=90)
        assert status == 0 and exited < bound + 1.5, (status, exited)
        assert events and events[-1] == {"type": "call_ended", "call_id": call_id, "reason": "shutdown"}
        assert all(e["final"] for e in final_state(events).values())  # no partial left dangling
        # The agent of the flushed call is closed by the hub after call_ended; everyone else with 1001.
        assert codes == (1000, 1001, 1001, "server shutting down")
        assert other_events == []
        drained = next(r for r in draining.lines if r.get("message") == "drained")
        assert drained["open_calls"] == 0

        async def stuck_client():
            ws = await connect(f"{forced.url}/agent/CAstuck", additional_headers=forced.token("CAstuck"))
            ws.transport.pause_reading()
            sent = await asyncio.to_thread(forced.signal)
            await asyncio.sleep(1.0)
            assert forced.proc.poll() is None  # the first SIGTERM waits (up to 60 s) for the stuck client
            second = await asyncio.to_thread(forced.signal)
            status = await asyncio.to_thread(forced.proc.wait, 30)
            return status, time.monotonic() - second, time.monotonic() - sent

        status, after_second, total = run(stuck_client(), timeout=60)
        assert status == 1 and after_second < 1.5 and total < 5.0, (status, after_second, total)
        assert any(r.get("message") == "second signal: exiting now" for r in forced.lines)
    finally:
        draining.kill()
        forced.kill()


# --- issue #12: revised finals, clean endings, nothing lost ----------------------------------------


def stray_tail(text: str) -> str | None:
    """The final's last token when it stands apart: 1–2 characters after a space or punctuation
    (``… 1``, ``OK 3 4``), or a short run of Latin letters glued to Japanese (``…ですOK``)."""
    text = re.sub(r"<[A-Z_]+>", "", text).rstrip(" 、。,.!?！？")
    found = (re.search(r"[\s、。,.!?！？]([^\s、。,.!?！？]{1,2})$", text)
             or re.search(r"(?<=[^\x00-\x7f])([A-Za-z]{1,3})$", text))
    return _norm(found.group(1)) if found else None


@pytest.mark.slow
@pytest.mark.parametrize("name", ["call_card_payment", "call_address_change"])
def test_live_finals_are_revised_in_place_cover_every_line_and_end_cleanly(srv, name) -> None:
    call = run(watched_call(srv, "twilio", name))
    assert_complete_masked_call(call.agent, call.call_id, name)  # revisions included: nothing unmasked
    finals = call.agent.transcripts(final=True)
    # A revision follows its segment's first final and counts up; at least one line was corrected.
    versions: dict[str, int] = {}
    for event in finals:
        segment, revision = event["segment_id"], event.get("revision", 0)
        assert revision == (versions[segment] + 1 if revision else 0) and (revision or segment not in versions)
        versions[segment] = revision
    assert any(versions.values()), "no final was revised"
    # Every scripted line has a final on the agent's screen at the end (nothing lost).
    screen = [e for e in final_state(call.agent.events).values() if e["final"] and e["text"]]
    script = gold(name)["script"]
    missing = [i for i, line in enumerate(script)
               if not any(e["channel"] == line["channel"] and e["start"] < line["end"] + 0.3
                          and line["start"] - 0.3 < e["end"] for e in screen)]
    assert not missing, f"scripted lines without a final: {missing}"
    # Finals (first pass or revised) rarely end in a stray token that is not in the script. Spelled-out
    # values (an e-mail address letter by letter) are short tokens by nature: their stretches are
    # left out (and masked or checked by assert_no_pii above). Not zero: whisper-base still
    # misrecognises a last word now and then (…。移動; benchmarks/stream_endings.py: 12 of 106
    # utterances, 29 before the fix, when the decoder ran on into the padding), and which words
    # it garbles moves with the call's timing; the bound fails at the old rate.
    said = {c: _norm("".join(line["text"] for line in script if line["channel"] == c)) for c in ("agent", "customer")}
    values = [(p["channel"], p["audio_start"], p["audio_end"]) for p in gold(name)["pii"]]
    strays = [(e["segment_id"], stray_tail(e["text"])) for e in finals
              if stray_tail(e["text"]) and stray_tail(e["text"]) not in said[e["channel"]]
              and not any(c == e["channel"] and a < e["end"] and e["start"] < b for c, a, b in values)]
    assert len(strays) <= max(1, 0.15 * len(finals)), (len(finals), strays)


@pytest.mark.parametrize(("level", "debug_enabled", "info_enabled"), [
    ("warning", False, False), ("info", False, True), ("debug", True, True),
])
def test_the_log_level_is_an_option(level: str, debug_enabled: bool, info_enabled: bool) -> None:
    """user18: nothing could raise the server's log level (the tracebacks the code guards behind
    DEBUG were unreachable). ``--log-level`` sets the product's loggers; others stay at WARNING."""
    import argparse
    import logging

    from redactor.server import command

    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve", "--log-level", level])
    saved = logging.getLogger().handlers[:], logging.getLogger("redactor").level
    try:
        command.setup_logging(level=getattr(logging, args.log_level.upper()))
        product = logging.getLogger("redactor.server")
        assert product.isEnabledFor(logging.DEBUG) is debug_enabled
        assert product.isEnabledFor(logging.INFO) is info_enabled
        assert not logging.getLogger("websockets").isEnabledFor(logging.INFO)
    finally:
        logging.getLogger().handlers[:] = saved[0]
        logging.getLogger("redactor").setLevel(saved[1])
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--log-level", "verbose"])


def test_a_frame_over_the_size_limit_is_logged_as_such(srv, caplog) -> None:
    """user18: a 70 kB frame closed the connection with 1009 but was logged as a plain disconnect;
    the log now says the code the server sent (never the frame)."""
    caplog.set_level(logging.INFO, logger="redactor.server")
    call_id = new_call_id("CAbig")
    huge = "x" * (srv.server.options.max_message_bytes + 1024)
    code, _ = run(_raw(srv, "/ingest", [huge], headers=_bearer(srv.issue_token(call_id, "ingest"))))
    assert code == 1009
    for _ in range(50):
        lines = [r for r in caplog.records if r.getMessage() == "ingest disconnected"]
        if lines:
            break
        time.sleep(0.05)
    assert lines and lines[-1].levelno == logging.WARNING and lines[-1].sent_code == 1009
    assert "xxxx" not in " ".join(str(vars(r)) for r in caplog.records)
