#!/usr/bin/env python3
"""The event bus's cost: what one Redis carries, and what the bus adds to an agent's latency.

Synthetic agent events (masked transcripts shaped like the sample calls': ~40 Japanese characters,
one placeholder) through the real buses, no speech model:

* **throughput**: ``--events`` events over ``--calls`` calls published as fast as the loop
  can into one :class:`~redactor.server.redis_bus.RedisBus` (the ingesting instance's one
  writer, pipelined), timed until Redis holds them all; Redis's own CPU (``INFO cpu``) and
  memory (``used_memory``) per event, read from the server before and after. Then
  ``--viewers`` agents read every call's stream as the agent endpoint does (XRANGE + XREAD),
  with Redis's CPU per delivered event.
* **liveness**: ``--live-calls`` active calls owned by one instance (synthetic sessions: what
  the heartbeat reads of a call) heartbeating and watched for ``--seconds``: Redis commands and
  CPU per second, what keeping 1,000 calls alive costs whatever they say.
* **latency**: publish → received by an agent over a real websocket on 127.0.0.1, for the
  in-process hub and the Redis bus in the same run: ``--rate`` events a second on ``--calls``
  calls, one agent each; medians and p95 (the bus's extra hop is the difference).

Redis: ``--redis redis://HOST:PORT/DB``, else a ``redis-server`` of its own on a free port
(Debian's, as the tests use). Usage::

    python benchmarks/bus_throughput.py
    python benchmarks/bus_throughput.py --events 200000 --calls 200 --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
import redis.asyncio as aioredis
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from redactor.server.bus import open_bus
from redactor.server.hub import HubOptions
from redactor.server.redis_bus import CALLS, PREFIX, call_key
from redactor.stream.events import CallEnded, MaskSpan, Transcript

TEXT = "お電話番号は<PHONE_NUMBER>で、ご住所の確認をお願いいたします。ありがとうございます。"


def event(call_id: str, i: int, final: bool = True) -> Transcript:
    start = TEXT.index("<")
    return Transcript(call_id, "customer" if i % 2 else "agent", f"customer-{i}", final, TEXT, i * 2.0,
                      i * 2.0 + 1.8, (MaskSpan("PHONE_NUMBER", start, start + len("<PHONE_NUMBER>")),))


def synthetic_calls(call_ids: list[str]) -> SimpleNamespace:
    """A call manager's table of live calls as the bus reads it (the bus heartbeats these calls)."""
    now = time.monotonic()
    return SimpleNamespace(calls={c: SimpleNamespace(call_id=c, channels=("agent", "customer"), source="twilio",
                                                     started=now) for c in call_ids})


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


@contextlib.contextmanager
def redis_server(url: str | None):
    """``url``, or a redis-server of our own on a free port (its files in a temporary directory)."""
    if url:
        yield url
        return
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder,
                                    "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        try:
            time.sleep(0.3)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(10)


async def redis_info(client) -> tuple[float, int]:
    """Redis's CPU seconds (user + system, main thread and children) and memory in use."""
    cpu, memory = await client.info("cpu"), await client.info("memory")
    return cpu["used_cpu_user"] + cpu["used_cpu_sys"], int(memory["used_memory"])


async def throughput(url: str, n_events: int, n_calls: int, n_viewers: int) -> dict[str, Any]:
    client = aioredis.from_url(url, decode_responses=True)
    await client.flushdb()
    bus = open_bus(url, HubOptions(), instance="bench")
    bus.settings = replace(bus.settings, queue_size=n_events + n_calls)  # measure Redis, not the drop rule
    calls = [f"CAbench{c:05d}" for c in range(n_calls)]
    bus.bind(synthetic_calls(calls))
    await bus.start()
    cpu0, mem0 = await redis_info(client)
    t0 = time.perf_counter()
    for i in range(n_events):
        bus.publish(calls[i % n_calls], event(calls[i % n_calls], i // n_calls))
    published = time.perf_counter() - t0
    while bus.backlog():
        await asyncio.sleep(0.005)
    wall = time.perf_counter() - t0
    cpu1, mem1 = await redis_info(client)
    stored = sum([await client.xlen(call_key(c, "events")) for c in calls])
    size = len(json.dumps(event(calls[0], 1).to_json(), ensure_ascii=False).encode())

    # Readers: each viewer reads one call's whole stream, as /agent/{id} does on connect.
    async def read(call_id: str) -> int:
        entries = await client.xrange(call_key(call_id, "events"))
        return len(entries)

    t1 = time.perf_counter()
    delivered = sum(await asyncio.gather(*(read(calls[v % n_calls]) for v in range(n_viewers))))
    read_wall = time.perf_counter() - t1
    cpu2, _ = await redis_info(client)
    for c in calls:
        bus.publish(c, CallEnded(c))
    await bus.stop()
    await client.delete(CALLS, *[f"{PREFIX}instance:bench"])
    await client.aclose()
    return {"events": n_events, "calls": n_calls, "stored": stored, "event_bytes": size,
            "publish_s": published, "write_s": wall, "events_per_s": n_events / wall,
            "redis_cpu_us_per_event": 1e6 * (cpu1 - cpu0) / n_events,
            "redis_bytes_per_event": (mem1 - mem0) / n_events,
            "viewers": n_viewers, "delivered": delivered, "read_s": read_wall,
            "read_events_per_s": delivered / read_wall if read_wall else float("nan"),
            "redis_cpu_us_per_delivered": 1e6 * (cpu2 - cpu1) / max(1, delivered)}


async def liveness(url: str, n_calls: int, seconds: float) -> dict[str, Any]:
    """Redis load of heartbeats and the lost-call watch for ``n_calls`` active calls of one instance."""
    client = aioredis.from_url(url, decode_responses=True)
    manager = synthetic_calls([f"CAlive{c:05d}" for c in range(n_calls)])
    bus = open_bus(url, HubOptions(), instance="bench-liveness")
    bus.bind(manager)
    await bus.start()
    await asyncio.sleep(2 * bus.settings.heartbeat_s)  # every call registered
    stats0, (cpu0, _) = await client.info("stats"), await redis_info(client)
    await asyncio.sleep(seconds)
    stats1, (cpu1, _) = await client.info("stats"), await redis_info(client)
    listed = len(await bus.active_calls())
    for call_id in manager.calls:
        bus.publish(call_id, CallEnded(call_id))
    bus.calls = None
    await bus.stop()
    await client.aclose()
    commands = stats1["total_commands_processed"] - stats0["total_commands_processed"]
    return {"calls": n_calls, "listed": listed, "seconds": seconds, "commands_per_s": commands / seconds,
            "redis_cpu_share": (cpu1 - cpu0) / seconds}


async def latency(url: str | None, n_calls: int, rate: float, seconds: float) -> dict[str, Any]:
    """Publish → agent websocket receive, per event, for one bus (``url`` None: the hub)."""
    calls = [f"CAlat{os.getpid()}{c:04d}{int(time.time() * 1000) % 100000}" for c in range(n_calls)]
    bus = open_bus(url, HubOptions(), instance="bench-latency")
    bus.bind(synthetic_calls(calls))
    await bus.start()
    sent: dict[tuple[str, str], float] = {}
    delays: list[float] = []

    async def handler(ws) -> None:
        await bus.attach(ws, ws.request.path.rsplit("/", 1)[1], None)

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]

        async def agent(call_id: str) -> None:
            async with connect(f"ws://127.0.0.1:{port}/agent/{call_id}", compression=None) as ws:
                async for message in ws:
                    now = time.perf_counter()
                    data = json.loads(message)
                    if data["type"] == "call_ended":
                        return
                    delays.append(now - sent[(call_id, data["segment_id"])])

        agents = [asyncio.create_task(agent(c)) for c in calls]
        await asyncio.sleep(0.5)  # every agent attached (the bus's reader is blocking on XREAD)
        n = int(rate * seconds)
        for i in range(n):
            call_id = calls[i % n_calls]
            e = event(call_id, i)
            sent[(call_id, e.segment_id)] = time.perf_counter()
            bus.publish(call_id, e)
            await asyncio.sleep(1.0 / rate)
        for c in calls:
            bus.publish(c, CallEnded(c))
        await asyncio.wait_for(asyncio.gather(*agents), 30)
    await bus.stop()
    return {"bus": "redis" if url else "hub", "events": len(delays), "p50_ms": 1000 * statistics.median(delays),
            "p95_ms": 1000 * percentile(delays, 95), "max_ms": 1000 * max(delays)}


async def main_async(args) -> dict[str, Any]:
    with redis_server(args.redis) as url:
        result = {"throughput": await throughput(url, args.events, args.calls, args.viewers),
                  "liveness": await liveness(url, args.live_calls, args.seconds)}
        result["latency"] = [await latency(None, args.latency_calls, args.rate, args.seconds),
                             await latency(url, args.latency_calls, args.rate, args.seconds)]
        client = aioredis.from_url(url)
        result["redis_version"] = (await client.info("server"))["redis_version"]
        if not args.redis:
            await client.flushdb()
        await client.aclose()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", metavar="URL", help="an existing Redis (default: start one on a free port)")
    parser.add_argument("--events", type=int, default=100_000, help="events for the throughput run")
    parser.add_argument("--calls", type=int, default=100, help="calls the throughput events spread over")
    parser.add_argument("--viewers", type=int, default=100, help="agents reading the streams after")
    parser.add_argument("--live-calls", type=int, default=1000, help="active calls in the liveness run")
    parser.add_argument("--latency-calls", type=int, default=2, help="calls (one agent each) in the latency run")
    parser.add_argument("--rate", type=float, default=50.0, help="events a second in the latency run")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each latency run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(main_async(args))
    result["machine"] = f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}"
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        print()
        return 0
    t = result["throughput"]
    print(f"machine: {result['machine']}; Redis {result['redis_version']}")
    print(f"throughput: {t['events']} events ({t['event_bytes']} B of JSON each) over {t['calls']} calls by one "
          f"writer: {t['events_per_s']:,.0f} events/s (publish {t['publish_s']:.2f} s, written {t['write_s']:.2f} s); "
          f"Redis CPU {t['redis_cpu_us_per_event']:.1f} µs/event, memory {t['redis_bytes_per_event']:.0f} B/event")
    print(f"readers: {t['viewers']} agents read {t['delivered']} events in {t['read_s']:.2f} s "
          f"({t['read_events_per_s']:,.0f} events/s); Redis CPU {t['redis_cpu_us_per_delivered']:.1f} µs per event "
          f"delivered")
    live = result["liveness"]
    print(f"liveness: {live['calls']} active calls heartbeating and watched ({live['listed']} listed by /calls): "
          f"{live['commands_per_s']:,.0f} Redis commands/s, Redis CPU {100 * live['redis_cpu_share']:.2f} % of a core")
    for r in result["latency"]:
        print(f"latency {r['bus']:>5}: {r['events']} events, publish → agent p50 {r['p50_ms']:.2f} ms, "
              f"p95 {r['p95_ms']:.2f} ms, max {r['max_ms']:.2f} ms")
    hub, bus = result["latency"]
    print(f"bus - hub: p50 {bus['p50_ms'] - hub['p50_ms']:+.2f} ms, p95 {bus['p95_ms'] - hub['p95_ms']:+.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
