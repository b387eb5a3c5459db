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
