"""Hostile traffic against a real ``redactor serve`` app: malformed frames of every inbound type.

    python benchmarks/hostile_server.py [--frames 2000] [--seed 11]

Starts one real server (``Server`` with the real call manager) on 127.0.0.1 at a free port,
then drives Twilio (``connected``/``start``/``media``/``mark``/``dtmf``/``stop``), AudioHook
(``open``/``ping``/``paused``/``resumed``/``discarded``/``update``/``error``/``close`` and
binary audio) and ``/ingest`` (start, binary, stop) connections, each a valid prefix followed
by one frame with a field replaced by a hostile value (wrong type, huge string, nested
object, null, negative or huge number, bad base64 or duration), removed, or joined by an
unknown field, or the whole frame replaced. While that runs, ``/healthz`` is polled every
20 ms. It prints the frames sent, the connections, the close codes, the internal errors
(close 1011, or an ERROR record from the server) and ``/healthz`` p50/p99 latency.

The frame builders and :func:`drive` are shared with ``tests/test_hostile_server.py``, which
draws the mutations with Hypothesis instead of :mod:`random`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import contextlib
import copy
import json
import logging
import random
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed, InvalidStatus  # noqa: E402

from redactor.server.auth import sign_audiohook_request, twilio_signature  # noqa: E402

SECRET = "hostile-secret-" + "h" * 32
TWILIO_TOKEN = "twilio-token-" + "t" * 20
AUDIOHOOK_KEY, AUDIOHOOK_SECRET = "hostile-key", b"hostile-client-secret"
MARK = "ZQX"  # every hostile string carries it: it must never come back in a reason or a log
SILENCE_MULAW = base64.b64encode(b"\xff" * 160).decode()
TARGETS = {
    "twilio": ("connected", "start", "media", "mark", "dtmf", "stop"),
    "audiohook": ("open", "ping", "paused", "resumed", "discarded", "update", "error", "close"),
    "ingest": ("start", "stop"),
}
KINDS = ("replace", "delete", "extra", "whole", "binary")


# --- valid frames ---------------------------------------------------------------------------------


def twilio_frame(event: str, sequence: int, call_id: str) -> dict[str, Any]:
    sid = "MZ" + call_id[2:]
    base: dict[str, Any] = {"event": event, "sequenceNumber": str(sequence), "streamSid": sid}
    if event == "connected":
        return {"event": "connected", "protocol": "Call", "version": "1.0.0"}
    if event == "start":
        base["start"] = {"accountSid": "AC" + "0" * 32, "callSid": call_id, "streamSid": sid,
                         "tracks": ["inbound", "outbound"], "customParameters": {"policy": "billing"},
                         "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}
    elif event == "media":
        base["media"] = {"track": "inbound", "chunk": str(sequence), "timestamp": str(sequence * 20),
                         "payload": SILENCE_MULAW}
    elif event == "mark":
        base["mark"] = {"name": "m1"}
    elif event == "dtmf":
        base["dtmf"] = {"track": "inbound_track", "digit": "1"}
    elif event == "stop":
        base["stop"] = {"accountSid": "AC" + "0" * 32, "callSid": call_id}
    return base


def audiohook_frame(type_: str, seq: int, session_id: str, call_id: str, organization_id: str) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    if type_ == "open":
        parameters = {"organizationId": organization_id, "conversationId": call_id,
                      "participant": {"id": str(uuid.uuid4()), "ani": "", "aniName": "", "dnis": ""},
                      "media": [{"type": "audio", "format": "PCMU", "channels": ["external", "internal"],
                                 "rate": 8000}],
                      "customConfig": {"policy": "billing"}, "language": "ja-JP", "supportedLanguages": True}
    elif type_ in ("resumed", "discarded"):
        parameters = {"start": "PT0.1S", "discarded": "PT0.2S"}
    elif type_ == "update":
        parameters = {"language": "ja-JP"}
    elif type_ == "error":
        parameters = {"code": 500, "message": "client error"}
    elif type_ == "close":
        parameters = {"reason": "end"}
    return {"version": "2", "id": session_id, "type": type_, "seq": seq, "serverseq": 0, "position": "PT0.1S",
            "parameters": parameters}


def ingest_frame(type_: str, call_id: str) -> dict[str, Any]:
    if type_ == "start":
        return {"call_id": call_id, "channels": ["agent", "customer"], "sample_rate": 8000, "encoding": "pcm_s16le",
                "policy": "billing"}
    return {"type": "stop"}


# --- mutations ------------------------------------------------------------------------------------


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*prefix, key))
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((*prefix, index))
            out.extend(_paths(item, (*prefix, index)))
    return out


def mutate(frame: dict[str, Any], kind: str, index: int, value: Any) -> Any:
    """``frame`` with one hostile change: ``replace``/``delete`` the field number ``index`` (depth
    first), add an ``extra`` member (its name and value hostile), or replace the ``whole`` frame."""
    if kind == "whole":
        return value
    frame = copy.deepcopy(frame)
    paths = _paths(frame)
    if kind == "extra" or not paths:
        containers = [()] + [p for p in paths if isinstance(_get(frame, p), dict)]
        _get(frame, containers[index % len(containers)])[MARK + str(index)] = value
        return frame
    path = paths[index % len(paths)]
    parent = _get(frame, path[:-1])
    if kind == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return frame


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        value = value[key]
    return value


def hostile_value(rng: random.Random, depth: int = 0) -> Any:
    """One hostile JSON value (the Hypothesis test draws from a richer strategy)."""
    choice = rng.randrange(14 if depth < 3 else 10)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice([-1, 0, -(2 ** 63), 2 ** 63, 10 ** 30, 2 ** 31 - 1])
    if choice == 3:
        return rng.choice([1.5, -0.0, 1e308, float("nan"), float("inf")])
    if choice == 4:
        return MARK * rng.choice([1, 100, 5000])
    if choice == 5:
        return MARK + "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(8)))
    if choice == 6:
        return rng.choice(["%%%", "***", MARK + "=", "PT-1S", "PT99999999999S", "PT1e9S", "-5", "1.5", "",
                           "0" * 40, "audio/x-alaw", "L16", "agent"])
    if choice == 7:
        return str(rng.choice([-1, 2 ** 40, 10 ** 20]))
    if choice == 8:
        return base64.b64encode(rng.randbytes(rng.randrange(0, 3000))).decode()
    if choice == 9:
        nested: Any = MARK
        for _ in range(rng.randrange(1, 400)):
            nested = [nested] if rng.random() < 0.5 else {MARK: nested}
        return nested
    if choice in (10, 11):
        return [hostile_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {MARK + str(i): hostile_value(rng, depth + 1) for i in range(rng.randrange(4))}


def scenario_frames(protocol: str, target: str, kind: str, index: int, value: Any, junk: bytes,
                    ids: dict[str, str]) -> list[str | bytes]:
    """A valid prefix, the hostile frame (or binary ``junk``), then a valid ending."""
    def text(frame: Any) -> str:
        return json.dumps(frame, ensure_ascii=False)

    def hostile(frame: dict[str, Any]) -> str | bytes:
        if kind == "binary":
            return junk
        try:
            return text(mutate(frame, kind, index, value))
        except (ValueError, RecursionError):  # not JSON-serialisable: send it as repr text
            return MARK + repr(value)[:1000]

    call = ids["call"]
    if protocol == "twilio":
        order = ("connected", "start", target) if target not in ("connected", "start") else ("connected", "start")
        frames: list[str | bytes] = []
        for sequence, event in enumerate(order):  # connected (no number), start 1, the target 2
            frame = twilio_frame(event, sequence, call)
            frames.append(hostile(frame) if event == target else text(frame))
        n = len(order)
        frames += [text(twilio_frame("media", n, call)), text(twilio_frame("stop", n + 1, call))]
        return frames
    if protocol == "audiohook":
        def ah(type_: str, seq: int) -> dict[str, Any]:
            return audiohook_frame(type_, seq, ids["session"], call, ids["organization"])
        if target == "open":
            return [hostile(ah("open", 1)), b"\xff" * 320, text(ah("close", 2))]
        return [text(ah("open", 1)), b"\xff" * 320, hostile(ah(target, 2)), b"\xff" * 320, text(ah("close", 3))]
    if target == "start":
        return [hostile(ingest_frame("start", call)), b"\x00" * 640, text(ingest_frame("stop", call))]
    return [text(ingest_frame("start", call)), b"\x00" * 640, hostile(ingest_frame("stop", call)),
            text(ingest_frame("stop", call))]


# --- driving a server -----------------------------------------------------------------------------


@dataclass
class Outcome:
    code: int | None
    reason: str
    texts: list[str] = field(default_factory=list)  # close reason and every server message


def new_ids() -> dict[str, str]:
    return {"call": "CA" + uuid.uuid4().hex, "session": str(uuid.uuid4()), "organization": str(uuid.uuid4())}


def handshake_headers(ws_url: str, protocol: str, ids: dict[str, str], issue_token: Any) -> dict[str, str]:
    """The credentials each route wants; ``issue_token(call_id, role)`` signs an ingest token."""
    if protocol == "twilio":
        return {"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, ws_url + "/twilio")}
    if protocol == "audiohook":
        return sign_audiohook_request(ws_url + "/audiohook", api_key=AUDIOHOOK_KEY, client_secret=AUDIOHOOK_SECRET,
                                      organization_id=ids["organization"], session_id=ids["session"],
                                      correlation_id=str(uuid.uuid4()))
    return {"Authorization": f"Bearer {issue_token(ids['call'], 'ingest')}"}


async def drive(ws_url: str, protocol: str, frames: list[str | bytes], headers: dict[str, str],
                wait: float = 3.0) -> Outcome:
    """Send ``frames`` on a new connection; how the server closed it and what it said."""
    texts: list[str] = []
    try:
        async with connect(f"{ws_url}/{protocol}", additional_headers=headers, max_size=None, compression=None,
                           close_timeout=2) as ws:
            with contextlib.suppress(ConnectionClosed):
                for frame in frames:
                    await ws.send(frame)
            with contextlib.suppress(ConnectionClosed, TimeoutError):
                async with asyncio.timeout(wait):
                    async for message in ws:
                        texts.append(message if isinstance(message, str) else repr(message))
    except InvalidStatus as exc:
        return Outcome(exc.response.status_code, "", [exc.response.body.decode("utf-8", "replace")])
    texts.append(ws.close_reason or "")
    return Outcome(ws.close_code, ws.close_reason or "", texts)


class ErrorRecords(logging.Handler):
    """Every log record of the server at ERROR (an internal error), and all texts logged."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.errors: list[str] = []
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = json.dumps({k: str(v) for k, v in vars(record).items()}, ensure_ascii=False)
        self.texts.append(text)
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


class ServerThread:
    """A real ``Server`` on an event loop of its own (a daemon thread)."""

    def __init__(self, **changes: Any) -> None:
        from redactor.server.app import ServerOptions, running_server
        from redactor.stream.session import StreamOptions

        options = ServerOptions(port=0, secret=SECRET, twilio_auth_token=TWILIO_TOKEN,
                                audiohook_clients={AUDIOHOOK_KEY: AUDIOHOOK_SECRET}, audiohook_close_timeout=0.2,
                                stream=StreamOptions(max_calls=64), **changes)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="hostile-server", daemon=True)
        self.thread.start()
        self._context = running_server(options)
        self.server = asyncio.run_coroutine_threadsafe(self._context.__aenter__(), self.loop).result(180)

    @property
    def ws_url(self) -> str:
        return self.server.ws_url

    def issue_token(self, call_id: str, role: str) -> str:
        return self.server.issue_token(call_id, role)

    def stop(self) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._context.__aexit__(None, None, None), self.loop).result(60)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


def healthz_ms(port: int) -> float:
    import http.client

    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
    finally:
        conn.close()
    return (time.perf_counter() - began) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=2000, help="hostile frames to send (at least)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--concurrency", type=int, default=8, help="hostile connections at a time")
    args = parser.parse_args(argv)
    records = ErrorRecords()
    logging.getLogger("redactor").addHandler(records)
    logging.getLogger("redactor").setLevel(logging.INFO)
    logging.getLogger("websockets").addHandler(records)
    srv = ServerThread()
    rng = random.Random(args.seed)
    latencies: list[float] = []
    codes: collections.Counter[int | None] = collections.Counter()
    echoed = 0
    sent = connections = 0
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            latencies.append(healthz_ms(srv.server.port))
            time.sleep(0.02)

    poller = threading.Thread(target=poll, daemon=True)

    async def one() -> None:
        nonlocal sent, connections, echoed
        protocol = rng.choice(list(TARGETS))
        target = rng.choice(TARGETS[protocol])
        ids = new_ids()
        frames = scenario_frames(protocol, target, rng.choice(KINDS), rng.randrange(1000), hostile_value(rng),
                                 rng.randbytes(rng.randrange(0, 2000)), ids)
        outcome = await drive(srv.ws_url, protocol, frames, handshake_headers(srv.ws_url, protocol, ids,
                                                                             srv.issue_token))
        sent += 1  # the hostile frame (the rest of each scenario is valid)
        connections += 1
        codes[outcome.code] += 1
        echoed += any(MARK in text for text in outcome.texts)

    async def run_all() -> None:
        while sent < args.frames:
            await asyncio.gather(*(one() for _ in range(args.concurrency)))

    began = time.monotonic()
    poller.start()
    asyncio.run(run_all())
    elapsed = time.monotonic() - began
    stop.set()
    poller.join()
    after = [healthz_ms(srv.server.port) for _ in range(20)]
    srv.stop()
    internal = codes.get(1011, 0) + len(records.errors)
    log_echo = sum(MARK in text for text in records.texts)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    print(f"hostile frames sent: {sent} on {connections} connections in {elapsed:.1f} s "
          f"({sent / elapsed:.0f}/s, {args.concurrency} at a time)")
    print("close codes: " + ", ".join(f"{code}: {n}" for code, n in sorted(codes.items(), key=lambda i: str(i[0]))))
    print(f"internal errors: {internal} (close 1011: {codes.get(1011, 0)}, server ERROR records: "
          f"{len(records.errors)} {sorted(set(records.errors))[:5]})")
    print(f"input echoed: {echoed} connections (reason or message), {log_echo} log records")
    print(f"/healthz during hostile traffic: {len(latencies)} requests, p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, "
          f"max {max(latencies):.1f} ms; afterwards p50 {statistics.median(after):.1f} ms")
    return 0 if internal == 0 and echoed == 0 and log_echo == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
