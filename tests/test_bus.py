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
import time

import pytest
from test_server import (  # the sample calls, gold PII and serve-process helpers of the server tests
    SECRET,
    ServeProcess,
    call_audio,
    decode_budget,
    new_call_id,
    run,
)
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from redactor.server.auth import issue_token
from redactor.server.clients import stream_ingest

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


async def collect(ws) -> list[dict]:
    events = []
    with contextlib.suppress(ConnectionClosed):
        async for message in ws:
            events.append(json.loads(message))
    return events


async def agent(port: int, call_id: str, role: str = "agent"):
    """An agent connection and the task collecting its events until the server closes it."""
    ws = await connect(f"ws://127.0.0.1:{port}/agent/{call_id}",
                       additional_headers={"Authorization": f"Bearer {_token(call_id, role)}"})
    return ws, asyncio.create_task(collect(ws))


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
        after = await asyncio.to_thread(get_calls, single.port, _token("*", "supervisor"))
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
    assert len(listed_by) == 2  # refused requests list nothing and are not "listed"
