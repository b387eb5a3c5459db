"""Live calls across instances (issue #13): ``GET /calls`` and the Redis Streams event bus.

Real parts only: ``redactor serve`` processes (subprocesses on free ports, the real speech model
and GiNZA), a real ``redis-server`` started by a fixture on a free port in a temporary directory
(stopped after), real websocket calls through ``/ingest`` and ``/twilio`` and real agents.
Helpers for sample calls and their gold PII are the ones tests/test_server.py uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from test_server import (  # the sample calls, gold PII and serve-process helpers of the server tests
    SECRET,
    TWILIO_TOKEN,
    ServeProcess,
    call_audio,
    decode_budget,
    final_state,
    new_call_id,
    pii_found,
    run,
)
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from redactor.server.auth import issue_token
from redactor.server.clients import stream_ingest, stream_twilio

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
SPEED = 4.0


def _token(call_id: str, role: str = "agent", subject: str = "pytest") -> str:
    return issue_token(SECRET, call_id, role, 600, subject)


def get_calls(port: int, token: str | None) -> tuple[int, dict]:
    """``GET /calls`` with ``token`` as bearer: (status, JSON body or {})."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/calls", headers={"Authorization": f"Bearer {token}"} if token else {})
        response = conn.getresponse()
        body = response.read()
        ok = response.status == 200
        assert not ok or response.getheader("Content-Type") == "application/json"
        return response.status, json.loads(body) if ok else {}
    finally:
        conn.close()


def audit_lines(process: ServeProcess, event: str) -> list[dict]:
    return [r["audit"] for r in process.lines if r.get("logger") == "redactor.audit"
            and r.get("audit", {}).get("event") == event]


async def collect(ws, events: list[dict]) -> list[dict]:
    with contextlib.suppress(ConnectionClosed):
        async for message in ws:
            events.append(json.loads(message))
    return events


async def agent(port: int, call_id: str, role: str = "agent"):
    """An agent connection and the task collecting its events (``ws.seen`` so far) until the server closes it."""
    ws = await connect(f"ws://127.0.0.1:{port}/agent/{call_id}",
                       additional_headers={"Authorization": f"Bearer {_token(call_id, role)}"})
    ws.seen = []
    return ws, asyncio.create_task(collect(ws, ws.seen))


# --- GET /calls on the in-process hub -------------------------------------------------------------


@pytest.fixture(scope="module")
def single():
    process = ServeProcess()
    try:
        process.wait_ready()
        yield process
    finally:
        process.kill()


@pytest.mark.slow
def test_calls_lists_active_calls_for_supervisors_only_newest_first_and_audits_who_listed(single) -> None:
    audio = call_audio("short_call")
    first, second = new_call_id("CAfirst"), new_call_id("CAsecond")
    url = f"ws://127.0.0.1:{single.port}"

    async def scenario():
        viewer, watching = await agent(single.port, first)
        calls = [asyncio.create_task(stream_ingest(f"{url}/ingest", audio, token=_token(first, "ingest"),
                                                   call_id=first, speed=SPEED, policy="billing"))]
        await asyncio.sleep(0.5)
        calls.append(asyncio.create_task(stream_ingest(f"{url}/ingest", audio[:1], token=_token(second, "ingest"),
                                                       call_id=second, channels=("agent",), speed=SPEED)))
        await asyncio.sleep(1.5)
        during = {role: await asyncio.to_thread(get_calls, single.port, _token("*", role))
                  for role in ("supervisor", "agent", "ingest")}
        missing = await asyncio.to_thread(get_calls, single.port, None)
        forged = await asyncio.to_thread(get_calls, single.port, issue_token("x" * 40, "*", "supervisor", 60))
        await asyncio.gather(*calls)
        await asyncio.wait_for(watching, decode_budget(audio))
        deadline = time.monotonic() + decode_budget(audio)  # the second call may still be flushing finals
        while True:
            after = await asyncio.to_thread(get_calls, single.port, _token("*", "supervisor"))
            if after[0] != 200 or not {first, second} & {c["call_id"] for c in after[1]["calls"]}:
                break
            assert time.monotonic() < deadline, "an ended call is still listed"
            await asyncio.sleep(0.5)
        await viewer.close()
        return during, missing, forged, after

    started = time.time()
    during, missing, forged, after = run(scenario())
    status, body = during["supervisor"]
    assert status == 200
    assert body["instance"] and all(c["instance"] == body["instance"] for c in body["calls"])
    listed = [c for c in body["calls"] if c["call_id"] in (first, second)]
    assert [c["call_id"] for c in listed] == [second, first]  # newest first
    by_id = {c["call_id"]: c for c in listed}
    assert by_id[first] | {"started": 0} == {"call_id": first, "policy": "billing", "started": 0,
                                             "channels": ["agent", "customer"], "source": "ingest",
                                             "instance": body["instance"], "viewers": 1}
    assert by_id[second]["channels"] == ["agent"] and by_id[second]["viewers"] == 0
    assert by_id[second]["policy"] == "general_support"  # the default policy when none is given
    assert started - 1 <= by_id[first]["started"] <= by_id[second]["started"] <= time.time()
    assert during["agent"][0] == 403 and during["ingest"][0] == 403
    assert missing[0] == 401 and forged[0] == 401
    assert after[0] == 200 and not {first, second} & {c["call_id"] for c in after[1]["calls"]}
    listed_by = audit_lines(single, "calls_listed")
    assert listed_by and listed_by[0]["subject"] == "pytest" and listed_by[0]["role"] == "supervisor"
    assert listed_by[0]["instance"] == body["instance"]
    assert len(listed_by) >= 2  # refused requests list nothing and are not "listed"
    assert all(r["subject"] == "pytest" and r["role"] == "supervisor" for r in listed_by)


# --- the Redis bus between instances --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_process(port: int, folder: Path):
    """A real ``redis-server`` on ``port`` (files in ``folder``, nothing saved), ready; stopped after."""
    assert Path(REDIS_SERVER).exists(), "redis-server is missing: `make test` installs it (apt redis-server)"
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                                "--save", "", "--appendonly", "no", "--logfile", ""],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_process(_free_port(), tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def store(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def _config(tmp_path_factory, name: str, events_hours: float) -> str:
    path = tmp_path_factory.mktemp("config") / name
    # NO_NEEDS: a purpose that needs no identifier, so whatever PII speech recognition renders in
    # a sample call draws a warning and the warnings' trip across the bus is always exercised.
    path.write_text(f"[retention]\nevents_hours = {events_hours}\n\n[policies.{NO_NEEDS}]\nneeds = []\n",
                    encoding="utf-8")
    return str(path)


NO_NEEDS = "no_identifiers"
LONG_RETENTION_H = 0.05  # 180 s: histories outlive every scenario of the module
TINY_RETENTION_H = 0.001  # 3.6 s


@pytest.fixture(scope="module")
def pair(redis_url, tmp_path_factory):
    """Instances A and B of ``redactor serve`` sharing the bus (both load while the other does)."""
    config = _config(tmp_path_factory, "long.toml", LONG_RETENTION_H)
    a, b = (ServeProcess("--bus", redis_url, "--config", config, "--shutdown-timeout", "5") for _ in range(2))
    try:
        a.wait_ready(240)
        b.wait_ready(240)
        yield a, b
    finally:
        a.kill()
        b.kill()


def instance_of(process: ServeProcess) -> str:
    return get_calls(process.port, _token("*", "supervisor"))[1]["instance"]


def redis_strings(store) -> list[str]:
    """Every key name and every value in the Redis database, whatever the key's type."""
    texts = []
    for key in store.scan_iter(count=1000):
        texts.append(key)
        kind = store.type(key)
        if kind == "stream":
            texts += [v for _, fields in store.xrange(key) for item in fields.items() for v in item]
        elif kind == "hash":
            texts += [v for item in store.hgetall(key).items() for v in item]
        elif kind == "zset":
            texts += store.zrange(key, 0, -1)
        elif kind == "string":
            texts.append(store.get(key))
        else:
            texts += [str(store.dump(key))]
    return texts


@pytest.mark.slow
def test_a_twilio_call_into_a_is_watched_from_b_with_history_and_nothing_unmasked_reaches_redis(pair, store) -> None:
    a, b = pair
    name = "call_card_payment"
    # The whole call (its card number is what a general_support call warns about), a little faster than
    # real time: the model keeps idle time for partials (at 2.5x on a loaded 2-core box it had none).
    audio = call_audio(name)
    call_id = new_call_id()

    async def scenario():
        viewer, watching = await agent(b.port, call_id)
        streaming = asyncio.create_task(stream_twilio(f"ws://127.0.0.1:{a.port}/twilio", audio[0], audio[1],
                                                      speed=1.25, call_sid=call_id, auth_token=TWILIO_TOKEN,
                                                      policy=NO_NEEDS))
        await asyncio.sleep(3.0)
        listed = await asyncio.to_thread(get_calls, b.port, _token("*", "supervisor"))
        stats = await streaming
        events = await asyncio.wait_for(watching, decode_budget(audio))
        late, late_events = await agent(b.port, call_id, role="supervisor")
        return listed, stats, events, await asyncio.wait_for(late_events, 20), viewer.close_code, late.close_code

    listed, stats, events, late_events, code, late_code = run(scenario())
    assert stats.close_code == 1000
    # Every instance lists every instance's calls: B lists A's call, with B's viewer.
    status, body = listed
    mine = [c for c in body["calls"] if c["call_id"] == call_id]
    assert status == 200 and body["instance"] == instance_of(b) != instance_of(a)
    assert len(mine) == 1 and mine[0]["instance"] == instance_of(a) and mine[0]["source"] == "twilio"
    assert mine[0]["viewers"] == 1
    # B's agent saw the call A ingested: partials, finals on both channels, warnings, call_ended last.
    kinds = [e["type"] for e in events]
    assert any(e["type"] == "transcript" and not e["final"] for e in events), "no partial crossed the bus"
    finals = [e for e in events if e["type"] == "transcript" and e["final"] and e["text"]]
    assert {e["channel"] for e in finals} == {"agent", "customer"}
    masked = {entity["type"] for e in finals for entity in e["entities"]}
    assert masked, "nothing was masked at all"
    assert "warning" in kinds, (masked, [e["text"] for e in finals])
    assert events[-1] == {"type": "call_ended", "call_id": call_id, "reason": "stop"}
    assert kinds.count("call_ended") == 1 and code == 1000
    assert events == _stream(store, call_id)  # exactly what A appended, in order
    # The late supervisor on B gets the history: the same final screen, then call_ended.
    assert final_state(late_events) == final_state(events) and late_code == 1000
    assert late_events[-1]["type"] == "call_ended"
    assert [e for e in late_events if e["type"] == "warning"] == [e for e in events if e["type"] == "warning"]
    # Nothing unmasked anywhere in Redis (every key, every value), though the call's events are there.
    texts = redis_strings(store)
    assert any(f"<{kind}>" in t for t in texts for kind in masked)
    assert not pii_found(texts, name)
    assert not pii_found([json.dumps(r, ensure_ascii=False) for p in pair for r in p.lines], name)
    # The call ended: it is no longer active, and its keys expire by the retention rule.
    assert call_id not in store.zrange("redactor:calls", 0, -1)
    ttl = store.ttl(f"redactor:call:{call_id}:events")
    assert 0 < ttl <= LONG_RETENTION_H * 3600
    # B's audit log names the viewer and the instance that served it.
    connected = [r for r in audit_lines(b, "agent_connected") if r["call_id"] == call_id]
    assert {r["instance"] for r in connected} == {instance_of(b)} and {r["subject"] for r in connected} == {"pytest"}


@pytest.mark.slow
def test_sigkill_of_the_owner_ends_the_call_as_lost_on_b_a_restarted_a_reads_the_history_and_drains(
        pair, redis_url, tmp_path_factory, store) -> None:
    a, b = pair
    audio = call_audio("call_address_change")[:, :60 * 8000]
    call_id = new_call_id("CAkill")
    bound = 15.0

    async def scenario():
        viewer, watching = await agent(b.port, call_id)

        async def stream() -> None:
            with contextlib.suppress(ConnectionClosed, OSError):
                await stream_ingest(f"ws://127.0.0.1:{a.port}/ingest", audio, token=_token(call_id, "ingest"),
                                    call_id=call_id, speed=1.0)

        streaming = asyncio.create_task(stream())
        deadline = time.monotonic() + 60
        while not any(e.get("final") for e in viewer.seen) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.to_thread(a.kill)  # SIGKILL: no drain, no call_ended from A
        killed = time.monotonic()
        events = await asyncio.wait_for(watching, bound + 10)
        ended = time.monotonic() - killed
        await streaming
        return events, ended, viewer.close_code

    events, ended, code = run(scenario())
    assert any(e["type"] == "transcript" and e["final"] for e in events)
    assert events[-1] == {"type": "call_ended", "call_id": call_id, "reason": "lost"} and code == 1000
    assert ended <= bound, ended
    assert call_id not in store.zrange("redactor:calls", 0, -1)
    status, body = get_calls(b.port, _token("*", "supervisor"))
    assert status == 200 and call_id not in {c["call_id"] for c in body["calls"]}

    # A comes back (this time with a 3.6-s retention): the lost call's history is still readable there.
    config = _config(tmp_path_factory, "tiny.toml", TINY_RETENTION_H)
    restarted = ServeProcess("--bus", redis_url, "--config", config)
    try:
        restarted.wait_ready(240)

        async def history(call: str):
            ws, task = await agent(restarted.port, call, role="supervisor")
            return await asyncio.wait_for(task, 20), ws.close_code

        replay, replay_code = run(history(call_id))
        assert final_state(replay) == final_state(events) and replay[-1]["reason"] == "lost" and replay_code == 1000

        # A call the restarted A ends: its keys expire by that instance's retention (3.6 s).
        short = new_call_id("CAttl")
        run(stream_ingest(f"ws://127.0.0.1:{restarted.port}/ingest", call_audio("short_call"),
                          token=_token(short, "ingest"), call_id=short, speed=8.0))
        keys = [f"redactor:call:{short}:{part}" for part in ("events", "info")]
        deadline = time.monotonic() + decode_budget(call_audio("short_call"))
        while not any(t["type"] == "call_ended" for t in _stream(store, short)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any(t["type"] == "transcript" for t in _stream(store, short))
        assert 0 < store.ttl(keys[0]) <= 4
        time.sleep(TINY_RETENTION_H * 3600 + 1.0)
        assert store.exists(*keys) == 0

        async def expired():  # nothing left to show: an agent of an expired call waits for a new one
            ws, task = await agent(restarted.port, short, role="supervisor")
            await asyncio.sleep(2.0)
            await ws.close()
            return await task

        assert run(expired()) == []

        # SIGTERM drains through the bus: B's agent of a call on A gets call_ended "shutdown", A exits 0.
        draining = new_call_id("CAdrain")

        async def drain():
            viewer, watching = await agent(b.port, draining)
            streaming = asyncio.create_task(stream_ingest(
                f"ws://127.0.0.1:{restarted.port}/ingest", call_audio("short_call"),
                token=_token(draining, "ingest"), call_id=draining, speed=1.0))
            await asyncio.sleep(6.0)
            await asyncio.to_thread(restarted.signal)
            status = await asyncio.to_thread(restarted.proc.wait, 30)
            with contextlib.suppress(ConnectionClosed, OSError):
                await streaming
            return status, await asyncio.wait_for(watching, 20), viewer.close_code

        status, events, code = run(drain())
        assert status == 0 and code == 1000
        assert events[-1] == {"type": "call_ended", "call_id": draining, "reason": "shutdown"}
        assert all(e["final"] for e in final_state(events).values())  # flushed: no partial left dangling
    finally:
        restarted.kill()


def _stream(store, call_id: str) -> list[dict]:
    return [json.loads(fields["e"]) for _, fields in store.xrange(f"redactor:call:{call_id}:events")]


# --- the bus itself: wire format and outages (real Redis, synthetic masked events) ------------------


def _events(call_id: str) -> list:
    from redactor.conversation import Identity
    from redactor.policy import Warning
    from redactor.stream.events import CallEnded, IdentityEvent, MaskSpan, Notice, Transcript, WarningEvent

    return [Transcript(call_id, "customer", "customer-1", False, "お名前は<PENDING>", 1.0, 2.5,
                       (MaskSpan("PENDING", 4, 13),)),
            Transcript(call_id, "customer", "customer-1", True, "お名前は<PERSON>です", 1.0, 2.9,
                       (MaskSpan("PERSON", 4, 12),), revision=2),
            WarningEvent(call_id, Warning("unneeded_pii", "critical", "m", "s", "customer", "customer-1", 2.9)),
            IdentityEvent(call_id, Identity(True, True, False, False, False, "billing")),
            Notice(call_id, "n"), CallEnded(call_id, "lost")]


def test_every_agent_event_crosses_the_bus_unchanged() -> None:
    from redactor.server.bus import event_from_json

    for event in _events("CAwire"):
        wire = json.loads(json.dumps(event.to_json(), ensure_ascii=False))
        assert event_from_json(wire) == event
    with pytest.raises(ValueError):
        event_from_json({"type": "raw_audio", "call_id": "CAwire"})


def test_a_redis_outage_never_blocks_a_call_drops_beyond_the_bound_and_recovers(tmp_path, caplog) -> None:
    """Nothing listens on the bus's port: publishing stays instant, the queue stops at its bound
    (the rest dropped, counted, logged once, without content); when Redis comes up the writer
    delivers what waited and says how many were dropped."""
    import logging

    from redactor.server.metrics import Metrics
    from redactor.server.redis_bus import BusSettings, RedisBus, call_key
    from redactor.stream.events import Transcript

    caplog.set_level(logging.INFO, logger="redactor")
    port, secret_text = _free_port(), "山田花子の電話は09012345678"
    metrics = Metrics()

    async def scenario():
        bus = RedisBus(f"redis://127.0.0.1:{port}/0", instance="outage",
                       settings=BusSettings(queue_size=100, timeout_s=0.3, heartbeat_s=0.2))
        bus.bind(None, metrics)
        await bus.start()
        started = time.perf_counter()
        for i in range(1000):
            bus.publish("CAoutage", Transcript("CAoutage", "agent", f"agent-{i}", True, secret_text, i, i + 1))
        publishing = time.perf_counter() - started
        backlog = bus.backlog()
        await asyncio.sleep(1.0)  # the writer retries meanwhile
        with redis_process(port, tmp_path) as url:
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + 15
            while client.xlen(call_key("CAoutage", "events")) < 100 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            stored = client.xlen(call_key("CAoutage", "events"))
            client.close()
            await bus.stop()
        return publishing, backlog, stored

    publishing, backlog, stored = run(scenario(), timeout=60)
    assert publishing < 0.5 and backlog == 100 and stored == 100
    sample = metrics.registry.get_sample_value
    assert sample("redactor_bus_dropped_events_total") == 900 and sample("redactor_bus_errors_total") >= 1
    assert sample("redactor_bus_events_total") == 100 and sample("redactor_bus_up") == 1
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("redactor")]
    assert messages.count("event bus unavailable: events wait in a bounded queue") == 1
    assert messages.count("event bus queue full: dropping events") == 1
    back = [r for r in caplog.records if r.getMessage() == "event bus available again"]
    assert len(back) == 1 and back[0].dropped_events == 900
    assert not any(secret_text in json.dumps(vars(r), ensure_ascii=False, default=str) for r in caplog.records)


# --- the bus under faults: in-process buses on a fresh Redis, real websocket agents ----------------
# Two RedisBus objects in the test's event loop stand for two instances (A ingests, B serves agents).
# Faults are made on the network, not in the code: A may reach Redis through a TCP proxy on
# 127.0.0.1 that can swallow Redis's replies (a write that half-succeeded) or cut A off entirely
# (a partition). Calls are stand-ins for the call table (only what the bus reads of a session).

FAST = dict(heartbeat_s=0.2, owner_ttl_s=0.8, timeout_s=0.3, block_ms=200)


@pytest.fixture
def fresh_redis(tmp_path):
    """A redis-server of this test alone (its watcher lease and keys are nobody else's)."""
    with redis_process(_free_port(), tmp_path) as url:
        yield url


class Proxy:
    """A TCP proxy to Redis that can lose replies (``mute``) or cut its clients off (``cut``)."""

    def __init__(self, target_port: int) -> None:
        self.target_port, self.mute, self.cut_off = target_port, False, False
        self._writers: set[asyncio.StreamWriter] = set()
        self._server = None

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        return f"redis://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/0"

    async def __aexit__(self, *exc) -> None:
        self.cut()
        self._server.close()

    def cut(self) -> None:
        """Close every connection and refuse new ones until ``cut_off`` is reset."""
        self.cut_off = True
        for writer in list(self._writers):
            writer.close()

    async def _client(self, reader, writer) -> None:
        if self.cut_off:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers |= {writer, up_writer}

        async def pipe(src, dst, replies: bool) -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while data := await src.read(65536):
                    if not (replies and self.mute):
                        dst.write(data)
                        await dst.drain()
            dst.close()

        try:
            await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))
        finally:
            self._writers -= {writer, up_writer}


def hang_up(bus, call_id: str) -> None:
    """The call ends as a session ends it: ``call_ended``, and it leaves the call table at once."""
    from redactor.stream.events import CallEnded

    bus.publish(call_id, CallEnded(call_id))
    if bus.calls is not None:
        bus.calls.calls.pop(call_id, None)


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def _calls(*call_ids: str):
    """A stand-in call table holding ``call_ids`` as live sessions."""
    from types import SimpleNamespace

    now = time.monotonic()
    return SimpleNamespace(calls={c: SimpleNamespace(call_id=c, channels=("customer",), source="ingest", started=now)
                                  for c in call_ids})


@contextlib.asynccontextmanager
async def agents_of(bus):
    """A websocket server on 127.0.0.1 serving ``/agent/{id}`` from ``bus``; yields its URL."""
    from websockets.asyncio.server import serve

    async def handler(ws):
        await bus.attach(ws, ws.request.path.rsplit("/", 1)[1], None)

    async with serve(handler, "127.0.0.1", 0) as server:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def _watch(url: str, call_id: str, **kwargs):
    ws = await connect(f"{url}/agent/{call_id}", **kwargs)
    ws.seen = []
    return ws, asyncio.create_task(collect(ws, ws.seen))


def _warning(call_id: str, i: int):
    from redactor.policy import Warning
    from redactor.stream.events import WarningEvent

    return WarningEvent(call_id, Warning("unneeded_pii", "warning", f"m{i}", "s", "customer", f"customer-{i}", i))


async def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


def _bus(url: str, instance: str, calls=None, metrics=None, **settings):
    from redactor.server.hub import HubOptions
    from redactor.server.redis_bus import BusSettings, RedisBus

    bus = RedisBus(url, HubOptions(queue_size=settings.pop("queue_size", 256)), instance=instance,
                   settings=BusSettings(**(FAST | settings)))
    bus.bind(calls, metrics)
    return bus


def test_a_retried_write_that_had_half_succeeded_reaches_no_agent_twice(fresh_redis) -> None:
    """Redis executed a batch but its replies were lost, so the writer retries it: the stream holds
    each event once, and agents (live and late) get each event once, in order."""

    call_id = "CAretry"
    store = redis.Redis.from_url(fresh_redis, decode_responses=True)

    async def scenario():
        proxy = Proxy(_port_of(fresh_redis))
        async with proxy as via_proxy:
            a = _bus(via_proxy, "A", _calls(call_id))
            b = _bus(fresh_redis, "B")
            await a.start()
            await b.start()
            async with agents_of(b) as url:
                live, watching = await _watch(url, call_id)
                a.publish(call_id, _warning(call_id, 0))
                await _until(lambda: len(live.seen) == 1)
                proxy.mute = True  # Redis runs the next batch; its replies never come back
                for i in range(1, 4):
                    a.publish(call_id, _warning(call_id, i))
                await _until(lambda: store.xlen(f"redactor:call:{call_id}:events") == 4)
                await asyncio.sleep(0.5)  # the writer gives up on the replies
                unanswered = a.backlog()  # Redis has these events, the writer still holds them to retry
                proxy.mute = False
                await _until(lambda: a.backlog() == 0)  # retried, this time answered
                hang_up(a, call_id)
                events = await asyncio.wait_for(watching, 10)
                _, late_events = await _watch(url, call_id)
                late_events = await asyncio.wait_for(late_events, 10)
            await a.stop()
            await b.stop()
            return events, late_events, unanswered

    events, late_events, unanswered = run(scenario(), timeout=60)
    stored = [json.loads(f["e"]) for _, f in store.xrange(f"redactor:call:{call_id}:events")]
    store.close()
    assert unanswered == 3, "the fault did not leave a written batch to retry: the test proves nothing"
    expected = [f"m{i}" for i in range(4)] + [None]
    assert [e.get("message") for e in stored] == expected  # each event once in Redis too
    assert [e.get("message") for e in events] == expected
    assert [e.get("message") for e in late_events] == expected


def _final(call_id: str, i: int, text: str = "お名前は<PERSON>です"):
    from redactor.stream.events import MaskSpan, Transcript

    return Transcript(call_id, "customer", f"customer-{i}", True, text, i, i + 1.0, (MaskSpan("PERSON", 4, 12),))


class StalledAgent:
    """A real websocket agent that reads nothing until :meth:`events` (websockets' sans-I/O client on
    an asyncio stream, whose flow control stops reading the socket: the server's sends must wait)."""

    @classmethod
    async def join(cls, url: str) -> StalledAgent:
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self = cls()
        self.protocol = ClientProtocol(parse_uri(url), max_size=None)
        host, port = url.split("/")[2].split(":")
        self.reader, self.writer = await asyncio.open_connection(host, int(port), limit=2**12)
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        while not self.protocol.events_received():  # the handshake's response, then nothing more
            self.protocol.receive_data(await self.reader.read(256))
        return self

    def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                self.writer.write(data)

    async def events(self) -> list[dict]:
        """Every event until the server closes, as the agent would receive them."""
        from websockets.frames import Opcode

        events = []
        while data := await self.reader.read(2**16):
            self.protocol.receive_data(data)
            events += [json.loads(f.data) for f in self.protocol.events_received() if f.opcode is Opcode.TEXT]
            self._flush()
        self.protocol.receive_eof()
        self.writer.close()
        return events


async def _owner_and_server(kind: str, request, call_id: str):
    """Where a call's events are published and where its agents connect, with 16-event live queues:
    one in-process hub, or two Redis bus instances (A owns the call, B serves the agents)."""
    from redactor.server.hub import AgentHub, HubOptions

    if kind == "hub":
        hub = AgentHub(HubOptions(queue_size=16))
        return hub, hub
    url = request.getfixturevalue("fresh_redis")
    # 36 MB of events keep the one event loop of both buses busy: a longer owner TTL than FAST's,
    # or the call is (rightly) ended as lost while A cannot heartbeat
    owner, serving = _bus(url, "A", _calls(call_id), owner_ttl_s=30), _bus(url, "B", queue_size=16)
    await owner.start()
    await serving.start()
    return owner, serving


@pytest.mark.parametrize("kind", ["hub", "redis"])
def test_a_late_agent_of_a_long_call_gets_its_whole_history_though_it_exceeds_the_live_queue(kind, request) -> None:
    """A call's history (here 600 finals) is longer than a viewer's live queue (16): a late agent whose
    socket is still taking the history when the next event comes is not closed as too slow (1013)."""
    call_id, n = "CAlong", 600
    text = "お名前は<PERSON>です" + "。" * 20_000  # 60 KB a frame: 36 MB of history outgrow the socket buffers

    async def scenario():
        owner, serving = await _owner_and_server(kind, request, call_id)
        for i in range(n):
            owner.publish(call_id, _final(call_id, i, text))
        await _until(lambda: owner.backlog() == 0)
        async with agents_of(serving) as url:
            agent = await StalledAgent.join(f"{url}/agent/{call_id}")
            await asyncio.sleep(1.0)  # the agent reads nothing yet: the server's sends wait
            owner.publish(call_id, _final(call_id, n))
            hang_up(owner, call_id)
            await asyncio.sleep(1.0)
            events = await asyncio.wait_for(agent.events(), 30)
        await owner.stop()
        await serving.stop()
        return events, agent.protocol.close_code

    events, code = run(scenario(), timeout=90)
    assert code == 1000
    assert [e.get("segment_id") for e in events] == [f"customer-{i}" for i in range(n + 1)] + [None]


@pytest.mark.parametrize("kind", ["hub", "redis"])
def test_an_agent_too_slow_for_the_live_finals_is_closed_1013_not_left_frozen(kind, request) -> None:
    """Live finals overflow a stalled agent's queue: it is told to reconnect (1013) once the server
    has sent what it had queued, instead of waiting forever for events it will never get."""
    call_id, n = "CAslow", 600
    text = "お名前は<PERSON>です" + "。" * 20_000

    async def scenario():
        owner, serving = await _owner_and_server(kind, request, call_id)
        async with agents_of(serving) as url:
            agent = await StalledAgent.join(f"{url}/agent/{call_id}")
            await asyncio.sleep(0.3)
            for i in range(n):
                owner.publish(call_id, _final(call_id, i, text))
                await asyncio.sleep(0)
            await _until(lambda: owner.backlog() == 0)
            await asyncio.sleep(1.0)
            events = await asyncio.wait_for(agent.events(), 30)
        await owner.stop()
        await serving.stop()
        return events, agent.protocol.close_code

    events, code = run(scenario(), timeout=90)
    assert code == 1013
    segments = [e["segment_id"] for e in events]
    assert 0 < len(segments) < n and segments == [f"customer-{i}" for i in range(len(segments))]


def test_a_call_declared_lost_while_its_owner_was_cut_off_stays_ended(fresh_redis) -> None:
    """A is cut off from Redis longer than the owner TTL: B's watcher ends A's call as ``lost``. When A
    is back, nothing more of that call is appended after its ``call_ended`` (the contract: it is the
    last event) and A does not bring the ended call back to life in ``/calls``."""
    from redactor.server.metrics import Metrics

    call_id = "CAcut"
    store = redis.Redis.from_url(fresh_redis, decode_responses=True)
    metrics = Metrics()

    async def scenario():
        proxy = Proxy(_port_of(fresh_redis))
        async with proxy as via_proxy:
            a, b = _bus(via_proxy, "A", _calls(call_id), metrics), _bus(fresh_redis, "B")
            await a.start()
            await b.start()
            async with agents_of(b) as url:
                live, watching = await _watch(url, call_id)
                a.publish(call_id, _warning(call_id, 0))
                await _until(lambda: len(live.seen) == 1)
                proxy.cut()
                events = await asyncio.wait_for(watching, 10)
                proxy.cut_off = False
                for i in range(1, 4):
                    a.publish(call_id, _warning(call_id, i))
                await asyncio.sleep(1.0)  # several heartbeats of A, back on the bus
                listed = await b.active_calls()
                hang_up(a, call_id)
                await _until(lambda: a.backlog() == 0)
            await a.stop()
            await b.stop()
            return events, listed

    events, listed = run(scenario(), timeout=60)
    stored = [json.loads(f["e"]) for _, f in store.xrange(f"redactor:call:{call_id}:events")]
    owner_left = store.exists(f"redactor:call:{call_id}:owner")
    store.close()
    assert events[-1] == {"type": "call_ended", "call_id": call_id, "reason": "lost"}
    assert [e.get("message") for e in stored] == ["m0", None] and stored[-1]["reason"] == "lost"
    assert call_id not in {c.call_id for c in listed} and not owner_left
    assert metrics.registry.get_sample_value("redactor_bus_dropped_events_total") == 4


def test_viewer_counts_on_the_bus_heal_after_a_lost_update(fresh_redis) -> None:
    """The per-instance viewer count of a call is a value, not a running sum: an update Redis missed
    (here: overwritten by hand) is set right by the next heartbeat, and a count never goes negative."""
    call_id = "CAcount"
    store = redis.Redis.from_url(fresh_redis, decode_responses=True)
    key = f"redactor:call:{call_id}:viewers"

    async def scenario():
        a, b = _bus(fresh_redis, "A", _calls(call_id)), _bus(fresh_redis, "B")
        await a.start()
        await b.start()
        a.publish(call_id, _warning(call_id, 0))
        async with agents_of(b) as url:
            first, _ = await _watch(url, call_id)
            await _until(lambda: len(first.seen) == 1)
            store.hset(key, "B", 7)  # a lost or doubled update
            await asyncio.sleep(0.6)
            healed = store.hget(key, "B")
            await first.close()
            await _until(lambda: b.viewer_count(call_id) == 0)
            store.hset(key, "B", 1)  # the decrement was lost
            await asyncio.sleep(0.6)
            after = store.hget(key, "B")
        await a.stop()
        await b.stop()
        return healed, after

    healed, after = run(scenario(), timeout=30)
    store.close()
    assert healed == "1" and after in (None, "0")


def test_a_live_call_is_listed_again_after_redis_lost_its_data(fresh_redis) -> None:
    """Redis comes back empty (a restart without persistence, here FLUSHALL): the owner's next
    heartbeat registers its live call again, so ``/calls`` lists it and its next events reach agents."""
    call_id = "CAwiped"
    store = redis.Redis.from_url(fresh_redis, decode_responses=True)

    async def scenario():
        a, b = _bus(fresh_redis, "A", _calls(call_id)), _bus(fresh_redis, "B")
        await a.start()
        await b.start()
        a.publish(call_id, _warning(call_id, 0))
        await _until(lambda: store.xlen(f"redactor:call:{call_id}:events") == 1)
        store.flushall()
        await _until(lambda: store.zscore("redactor:calls", call_id) is not None, 5)
        listed = await b.active_calls()
        async with agents_of(b) as url:
            agent, _ = await _watch(url, call_id)
            a.publish(call_id, _warning(call_id, 1))
            await _until(lambda: len(agent.seen) == 1)
            await agent.close()
        await a.stop()
        await b.stop()
        return listed, agent.seen

    listed, seen = run(scenario(), timeout=30)
    store.close()
    assert [c.call_id for c in listed if c.instance == "A"] == [call_id]
    assert [e["message"] for e in seen] == ["m1"]


def test_an_ended_calls_stream_is_rewritten_to_its_history_and_replays_the_same(fresh_redis) -> None:
    """A while after ``call_ended`` the owner rewrites the call's stream to what a late agent is
    shown (each segment's latest event, at its first place): Redis keeps less, an agent gets the
    very same events in the same order, and the retention TTL is kept."""
    from redactor.conversation import Identity
    from redactor.stream.events import IdentityEvent, Notice, Transcript

    call_id = "CAcompact"
    store = redis.Redis.from_url(fresh_redis, decode_responses=True)
    key = f"redactor:call:{call_id}:events"

    def partial(segment: str, k: int) -> Transcript:
        return Transcript(call_id, segment.split("-")[0], segment, False, "お名前は" + "あ" * k, 0.0, 1.0)

    async def replay(url: str) -> list[dict]:
        _, task = await _watch(url, call_id)
        return await asyncio.wait_for(task, 10)

    async def scenario():
        a = _bus(fresh_redis, "A", _calls(call_id), compact_after_s=1.0, retention_s=600)
        b = _bus(fresh_redis, "B")
        await a.start()
        await b.start()
        for s in range(10):
            segment = f"{('customer', 'agent')[s % 2]}-{s}"
            for k in range(20):
                a.publish(call_id, partial(segment, k))
            a.publish(call_id, _final(call_id, s))
            a.publish(call_id, _warning(call_id, s))
            a.publish(call_id, IdentityEvent(call_id, Identity(True, s > 5, False, False, False, "billing")))
        a.publish(call_id, Transcript(call_id, "customer", "customer-0", True, "お名前は<PERSON>です。", 0.0, 1.2,
                                      revision=2))
        a.publish(call_id, Notice(call_id, "n"))
        hang_up(a, call_id)
        await _until(lambda: a.backlog() == 0)
        before_len, before_bytes = store.xlen(key), store.memory_usage(key)
        async with agents_of(b) as url:
            before = await replay(url)
            await _until(lambda: store.xlen(key) < before_len, 10)
            after = await replay(url)
        await a.stop()
        await b.stop()
        return before, after, before_len, before_bytes

    before, after, before_len, before_bytes = run(scenario(), timeout=60)
    after_len, after_bytes, ttl = store.xlen(key), store.memory_usage(key), store.ttl(key)
    store.close()
    assert after == before and after_len == len(before) < before_len
    assert before[0]["segment_id"] == "customer-0" and before[0]["revision"] == 2
    assert after_bytes < before_bytes / 2, (after_bytes, before_bytes)
    assert 500 < ttl <= 600


def test_an_agent_whose_history_read_straddles_the_rewrite_reads_it_again(fresh_redis) -> None:
    """The rewrite lands between two pages of an agent's history read (forced here: the second
    page is asked for only once the rewrite is done): the agent still gets the finals, not the
    partials its first page held, because it sees the stream shrank and reads it again."""
    from redactor.stream.events import Transcript

    call_id, n = "CAstraddle", 300

    class RewriteBetweenPages:
        """The bus's Redis client, with the owner's rewrite run before the second XRANGE page."""

        def __init__(self, client, rewrite) -> None:
            self.client, self.rewrite, self.pages = client, rewrite, 0

        async def xrange(self, *args, **kwargs):
            self.pages += 1
            if self.pages == 2:
                await self.rewrite()
            return await self.client.xrange(*args, **kwargs)

        async def xlen(self, key):
            return await self.client.xlen(key)

    async def scenario():
        a = _bus(fresh_redis, "A", _calls(call_id), compact_after_s=3600)
        b = _bus(fresh_redis, "B")
        await a.start()
        await b.start()
        for i in range(n):  # every segment's partial first (the first page holds only partials) ...
            a.publish(call_id, Transcript(call_id, "customer", f"customer-{i}", False, "お名前は", i, i + 0.5))
        for i in range(n):  # ... then the finals
            a.publish(call_id, _final(call_id, i))
        hang_up(a, call_id)
        await _until(lambda: a.backlog() == 0)
        key = f"redactor:call:{call_id}:events"
        straddled, _ = await b._history(RewriteBetweenPages(b.redis, lambda: a._compact(call_id)), key)
        settled, _ = await b._history(b.redis, key)
        await a.stop()
        await b.stop()
        return [e.to_json() for e in straddled.events.values()], [e.to_json() for e in settled.events.values()]

    straddled, settled = run(scenario(), timeout=60)
    assert len(settled) == n + 1 and all(e["final"] for e in settled[:-1])
    assert straddled == settled


def test_two_owners_of_one_call_id_with_skewed_clocks_both_get_their_events_written(fresh_redis) -> None:
    """A call id ingested by two instances at once (a telephony reconnect that reached another
    instance before the first noticed): sequence numbers are per writer, so the one whose clock is
    behind is not taken for a retry of the other's events and silently dropped."""
    call_id = "CAtwice"
    store = redis.Redis.from_url(fresh_redis, decode_responses=True)

    async def scenario():
        a, b = _bus(fresh_redis, "A", _calls(call_id)), _bus(fresh_redis, "B", _calls(call_id))
        a._seq = time.time_ns() // 1000 + 60_000_000  # A's clock runs a minute ahead of B's
        await a.start()
        await b.start()
        a.publish(call_id, _warning(call_id, 0))
        await _until(lambda: a.backlog() == 0)
        b.publish(call_id, _warning(call_id, 1))  # B takes the call over (a fresh stream) ...
        await _until(lambda: b.backlog() == 0)
        a.publish(call_id, _warning(call_id, 2))  # ... while A still writes, and both go on
        b.publish(call_id, _warning(call_id, 3))
        await _until(lambda: a.backlog() == b.backlog() == 0)
        await a.stop()
        await b.stop()

    run(scenario(), timeout=30)
    stored = [json.loads(f["e"])["message"] for _, f in store.xrange(f"redactor:call:{call_id}:events")]
    store.close()
    # Every event written after B took over is there once, the slower clock's (m1, m3) included.
    # m0 goes with the stream B starts afresh, unless B's start registered the call before A's m0
    # landed (a race of the set-up, seen once in CI): either way it is not a retry of anything.
    assert sorted(stored) in (["m1", "m2", "m3"], ["m0", "m1", "m2", "m3"])
