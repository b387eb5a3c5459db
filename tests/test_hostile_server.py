"""Hostile input against ONE real server on 127.0.0.1: every inbound frame type, malformed.

Hypothesis draws, for each protocol, which frame to break (Twilio ``connected``/``start``/
``media``/``mark``/``dtmf``/``stop``; AudioHook ``open``/``ping``/``paused``/``resumed``/
``discarded``/``update``/``error``/``close`` and binary audio; ``/ingest`` start, binary and
stop), how (a field replaced by a wrong type, a huge string, a nested object, null, a negative
or huge number, bad base64 or duration; a field removed; an unknown member added; the whole
frame replaced; a binary frame of junk) and with what. Each example is a fresh connection: a
valid prefix, the hostile frame, a valid ending. Pinned: the server never closes with 1011
and logs no internal error; no close reason, server message or log record echoes the hostile
values (all carry a marker); afterwards ``/healthz`` answers at once and good calls work.

The frame builders are ``benchmarks/hostile_server.py``'s, which also runs >= 2,000 hostile
frames while timing ``/healthz``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from hostile_server import (  # noqa: E402
    AUDIOHOOK_KEY,
    AUDIOHOOK_SECRET,
    KINDS,
    MARK,
    TARGETS,
    TWILIO_TOKEN,
    ErrorRecords,
    ServerThread,
    drive,
    handshake_headers,
    healthz_ms,
    new_ids,
    scenario_frames,
)

from redactor.server.clients import stream_audiohook, stream_ingest, stream_twilio  # noqa: E402

SPECIAL = ["%%%", "***", MARK + "==", "PT-1S", "PT99999999999S", "PT1e9S", "PT.S", "-5", "1.5", "", " ", "0" * 40,
           "99999999999999999999", "audio/x-alaw", "L16", "PCMU", "agent", "external", "start", "stop", "\x00",
           MARK + "\u2028\ufeff\U0001f600"]


def _nest(depth: int) -> object:
    value: object = MARK
    for level in range(depth):
        value = [value] if level % 2 else {MARK: value}
    return value


LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.sampled_from([-1, 0, 2 ** 31, 2 ** 63, -(2 ** 63), 10 ** 30]), st.floats(),
    st.text(max_size=30).map(lambda text: MARK + text), st.sampled_from(SPECIAL),
    st.binary(max_size=600).map(lambda data: base64.b64encode(data).decode()),
)
HOSTILE = st.one_of(
    st.recursive(LEAF, lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=6).map(lambda text: MARK + text), children, max_size=4)), max_leaves=12),
    st.sampled_from([MARK * 5000, MARK * 21000]),  # 15 KB, 63 KB (at the message limit)
    st.integers(min_value=1, max_value=400).map(_nest),
)
SETTINGS = settings(max_examples=70, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def srv():
    records = ErrorRecords()
    watched = [logging.getLogger("redactor"), logging.getLogger("websockets")]
    for logger in watched:
        logger.addHandler(records)
    level = watched[0].level
    watched[0].setLevel(logging.INFO)
    server = ServerThread(start_timeout_s=2.0, call_idle_timeout_s=5.0)
    server.records = records
    yield server
    server.stop()
    for logger in watched:
        logger.removeHandler(records)
    watched[0].setLevel(level)


def check_hostile_example(srv: ServerThread, protocol: str, target: str, kind: str, index: int, value: object,
                     junk: bytes) -> None:
    ids = new_ids()
    frames = scenario_frames(protocol, target, kind, index, value, junk, ids)
    headers = handshake_headers(srv.ws_url, protocol, ids, srv.issue_token)
    outcome = asyncio.run(drive(srv.ws_url, protocol, frames, headers))
    assert outcome.code != 1011, (protocol, target, kind, outcome.reason)
    assert not [text for text in outcome.texts if MARK in text], (protocol, target, kind)
    assert not srv.records.errors, srv.records.errors


@SETTINGS
@given(target=st.sampled_from(TARGETS["twilio"]), kind=st.sampled_from(KINDS), index=st.integers(0, 300),
       value=HOSTILE, junk=st.binary(max_size=3000))
def test_hostile_twilio_frames(srv, target, kind, index, value, junk) -> None:
    check_hostile_example(srv, "twilio", target, kind, index, value, junk)


@SETTINGS
@given(target=st.sampled_from(TARGETS["audiohook"]), kind=st.sampled_from(KINDS), index=st.integers(0, 300),
       value=HOSTILE, junk=st.binary(max_size=3000))
def test_hostile_audiohook_messages(srv, target, kind, index, value, junk) -> None:
    check_hostile_example(srv, "audiohook", target, kind, index, value, junk)


@SETTINGS
@given(target=st.sampled_from(TARGETS["ingest"]), kind=st.sampled_from(KINDS), index=st.integers(0, 300),
       value=HOSTILE, junk=st.binary(max_size=3000))
def test_hostile_ingest_frames(srv, target, kind, index, value, junk) -> None:
    check_hostile_example(srv, "ingest", target, kind, index, value, junk)


def test_after_hostile_traffic_the_server_is_healthy_and_good_calls_work(srv) -> None:
    """Runs after the fuzzers (file order): nothing they did lingers."""
    assert max(healthz_ms(srv.server.port) for _ in range(5)) < 500
    silence = np.zeros((2, 8000), dtype=np.int16)  # one second per channel: no speech to decode

    async def calls():
        results = []
        for source in ("twilio", "audiohook", "ingest"):
            call_id = "CA" + source + str(time.monotonic_ns())
            token = srv.issue_token(call_id, "agent")
            async with connect(f"{srv.ws_url}/agent/{call_id}",
                               additional_headers={"Authorization": f"Bearer {token}"}) as agent:
                if source == "twilio":
                    stats = await stream_twilio(f"{srv.ws_url}/twilio", silence[0], silence[1], speed=0,
                                                call_sid=call_id, auth_token=TWILIO_TOKEN)
                elif source == "audiohook":
                    stats = await stream_audiohook(f"{srv.ws_url}/audiohook", silence, api_key=AUDIOHOOK_KEY,
                                                   client_secret=AUDIOHOOK_SECRET, speed=0, conversation_id=call_id)
                else:
                    stats = await stream_ingest(f"{srv.ws_url}/ingest", silence,
                                                token=srv.issue_token(call_id, "ingest"), call_id=call_id, speed=0)
                events = [message async for message in agent]
            results.append((source, stats.close_code, events[-1] if events else None, call_id))
        return results

    for source, code, last, call_id in asyncio.run(calls()):
        assert code == 1000, source
        assert last is not None and '"call_ended"' in last and '"reason": "' in last and call_id in last, source
    assert not srv.records.errors
    assert not [text for text in srv.records.texts if MARK in text]  # no hostile value in any log record
    assert not srv.server.calls.calls


def test_the_server_refuses_lone_surrogates_in_frames_without_an_internal_error() -> None:
    """Each field of each protocol's opening frame replaced by a marked lone surrogate, sent as the JSON
    escape a client would send (\\ud800), on one real server: a protocol close, never 1011, no error
    logged, no echo of the value; /healthz answers after it."""
    records = ErrorRecords()
    logger = logging.getLogger("redactor")
    logger.addHandler(records)
    server = ServerThread(start_timeout_s=2.0, call_idle_timeout_s=5.0)
    try:
        for protocol, target, fields in (("twilio", "start", 12), ("audiohook", "open", 12), ("ingest", "start", 8)):
            for index in range(fields):
                ids = new_ids()
                frames = [json.dumps(json.loads(frame)) if isinstance(frame, str) else frame  # ASCII: \\ud800
                          for frame in scenario_frames(protocol, target, "replace", index, MARK + "\ud800", b"", ids)]
                headers = handshake_headers(server.ws_url, protocol, ids, server.issue_token)
                outcome = asyncio.run(drive(server.ws_url, protocol, frames, headers, wait=1.0))
                assert outcome.code != 1011, (protocol, index, outcome.reason)
                assert not [text for text in outcome.texts if MARK in text], (protocol, index)
        assert healthz_ms(server.server.port) < 500
    finally:
        server.stop()
        logger.removeHandler(records)
    assert not records.errors, records.errors
    assert not [text for text in records.texts if MARK in text]
