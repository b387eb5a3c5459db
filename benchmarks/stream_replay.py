#!/usr/bin/env python3
"""Live second pass without real time (issue #12): what CER the revision ALGORITHM reaches.

``stream_latency.py --cer`` measures revised finals under real-time load, where revisions are
dropped or late when the model is busy; this script separates the algorithm from the
scheduling. Each sample call goes through the real live code (``CallManager``/``CallSession``:
streaming VAD, first-pass finals, ``redactor.stream.revision``, ``Conversation.revise``) fed
20-ms Twilio frames (μ-law round trip, both tracks) with *infinite compute*: after every frame
all of the call's pending work (finals, revisions) is awaited, and the scheduler never drops
or defers a revision. So every final gets its second pass, exactly as the algorithm asks for.

Reported, on the scripted lines without PII (as ``stream_latency.py --cer``, batch run in the
same process): kana and surface CER of the first pass, of the revised finals and of batch,
segments revised, warnings and identity live vs batch, and the *algorithm's* revision lag: the
call's audio time at which a segment's first (last) revision was published minus the end of the
utterance, i.e. how long the algorithm waits for context before it asks for the decode (live
adds queueing and the decode itself). ``--window``/``--settle``/``--deadline``/``--context``/
``--first-look`` (repeatable) and ``--prompt-chars`` try other second-pass settings in the same run. No text is
written anywhere but stdout (and only CER figures, warning kinds and the identity checklist: no transcript).

Usage::

    python benchmarks/stream_replay.py                       # the two calls stream_latency plays
    python benchmarks/stream_replay.py --window 20 --window 30 --call call_card_payment.wav
    python benchmarks/stream_replay.py --settle 2 --settle 3 --settle 5 --first-look on --first-look off
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from stream_latency import (
    CALLS_DIR,
    DEFAULT_CALLS,
    CallTrace,
    cer_report,
    live_transcripts,
    live_vs_batch,
    machine,
    revision_timeline,
    timeline_report,
)

from redactor.audio.codecs import mulaw_decode, mulaw_encode
from redactor.server.clients import load_call_audio
from redactor.stream.session import CallManager, StreamOptions

FRAME = 160  # 20 ms at 8 kHz, as Twilio sends


async def replay(name: str, stream: StreamOptions, engine,
                 notes: list[dict[str, Any]] | None = None) -> tuple[CallTrace, dict[str, float]]:
    """Play one call through a live session with every job awaited after each frame. Events (and
    the second pass's debug ``notes``, if given) are stamped with the call's audio time (seconds
    fed so far), not the wall clock."""
    events: list[tuple[float, dict[str, Any]]] = []
    recorded: list[tuple[float, dict[str, Any]]] = []
    notes = [] if notes is None else notes
    fed = [0.0]
    manager = CallManager(lambda _call, event: events.append((fed[0], event.to_json())), stream, engine=engine)
    manager.record = lambda _call, event: recorded.append((fed[0], event.to_json()))  # the record only
    manager.scheduler.revision_drop_s = float("inf")  # infinite compute: no revision is dropped
    manager.scheduler.timeline = lambda note: notes.append({**note, "t": fed[0]})
    audio = load_call_audio(CALLS_DIR / name)
    agent, customer = (mulaw_decode(mulaw_encode(x)) for x in audio)
    session = await manager.open(f"replay-{Path(name).stem}", ("customer", "agent"), policy=None, source="replay")
    try:
        for i in range(0, audio.shape[1], FRAME):
            session.feed("customer", customer[i:i + FRAME], 8000)
            session.feed("agent", agent[i:i + FRAME], 8000)
            fed[0] = (i + FRAME) / 8000
            while session._pending:
                await asyncio.gather(*list(session._pending), return_exceptions=True)
        await session.close()
    finally:
        await manager.close_all()
    trace = CallTrace(session.call_id, name, audio.shape[1] / 8000, started_at=0.0, events=events,
                      record_events=recorded)
    trace.take_notes(notes)
    return trace, dict(manager.scheduler.busy_by)


def run(calls: list[str], stream: StreamOptions, engine) -> dict[str, Any]:
    traces, busy, notes = [], {}, []
    for name in calls:
        trace, by = asyncio.run(replay(name, stream, engine, notes))
        traces.append(trace)
        for k, v in by.items():
            busy[k] = busy.get(k, 0.0) + v
    # The second pass's work, independent of the machine's load: windows and audio seconds decoded.
    windows = [n for n in notes if n["step"] == "revision_queued"]
    return {"live": [live_transcripts(t, 1.0) for t in traces], "busy_by": busy,
            "timeline": revision_timeline(traces, notes, 1.0),
            "windows": len(windows), "window_audio_s": round(sum(n["audio_s"] for n in windows), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--call", action="append", dest="calls", metavar="WAV",
                        help="sample call(s) (default: the two stream_latency --calls 2 plays)")
    parser.add_argument("--window", action="append", type=float, metavar="S",
                        help="revision_window_s to try (repeatable; default: StreamOptions)")
    parser.add_argument("--prompt-chars", type=int, default=None, help="revision_prompt_chars (default: StreamOptions)")
    parser.add_argument("--settle", type=float, action="append", metavar="S",
                        help="revision_settle_s to try (repeatable; default: StreamOptions; 1e9 = no second look)")
    parser.add_argument("--deadline", type=float, action="append", metavar="S",
                        help="revision_deadline_s to try (repeatable; default: StreamOptions; inf = off)")
    parser.add_argument("--context", type=float, action="append", metavar="S",
                        help="revision_context_s to try (repeatable; default: StreamOptions; inf = off)")
    parser.add_argument("--first-look", choices=("on", "off"), action="append",
                        help="revision_first_look to try (repeatable; default: StreamOptions)")
    parser.add_argument("--left", type=float, action="append", metavar="S",
                        help="revision_left_s to try (repeatable; default: StreamOptions)")
    parser.add_argument("--horizon", type=float, action="append", metavar="S",
                        help="revision_horizon_s to try (repeatable; default: StreamOptions; inf = every change shown)")
    parser.add_argument("--interim", type=float, action="append", metavar="S",
                        help="revision_interim_s to try (repeatable; default: StreamOptions; inf = off)")
    parser.add_argument("--recheck", type=float, action="append", metavar="S",
                        help="revision_recheck_s to try (repeatable; default: StreamOptions; inf = off)")
    parser.add_argument("--json-out", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("faster_whisper", "presidio-analyzer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from redactor.engine import build_engine

    calls = args.calls or list(DEFAULT_CALLS[:2])
    engine = build_engine()
    base = StreamOptions(partials=False, speculate_ms=0)
    if args.prompt_chars is not None:
        base = dataclasses.replace(base, revision_prompt_chars=args.prompt_chars)
    print(f"machine: {machine()}; calls {', '.join(calls)}; replay (no real time, every revision run)")
    document: dict[str, Any] = {"machine": machine(), "args": vars(args), "runs": []}
    for seconds, settle, deadline, context, look, left, horizon, interim, recheck in itertools.product(
            args.window or [base.revision_window_s], args.settle or [base.revision_settle_s],
            args.deadline or [base.revision_deadline_s], args.context or [base.revision_context_s],
            args.first_look or [base.revision_first_look], args.left or [base.revision_left_s],
            args.horizon or [getattr(base, "revision_horizon_s", float("inf"))],
            args.interim or [getattr(base, "revision_interim_s", float("inf"))],
            args.recheck or [getattr(base, "revision_recheck_s", float("inf"))]):
        stream = dataclasses.replace(base, revision_window_s=seconds, revision_settle_s=settle,
                                     revision_deadline_s=deadline, revision_context_s=context,
                                     revision_first_look=look in (True, "on"), revision_left_s=left)
        if hasattr(stream, "revision_horizon_s"):  # a tree before #12 round 7 has none
            stream = dataclasses.replace(stream, revision_horizon_s=horizon, revision_interim_s=interim)
        if hasattr(stream, "revision_recheck_s"):  # #12 round 8
            stream = dataclasses.replace(stream, revision_recheck_s=recheck)
        t0 = time.monotonic()
        result = run(calls, stream, engine)
        report = live_vs_batch([result])
        document["runs"].append({"window_s": seconds, "settle_s": settle, "deadline_s": deadline, "context_s": context,
                                 "first_look": stream.revision_first_look, "left_s": left, "horizon_s": horizon,
                                 "interim_s": interim, "recheck_s": recheck, "timeline": result["timeline"],
                                 "busy_by": result["busy_by"], "windows": result["windows"],
                                 "window_audio_s": result["window_audio_s"], "report": report})
        decode = {k: round(v, 1) for k, v in result["busy_by"].items()}
        look = "on" if stream.revision_first_look else "off"
        print(f"\nleft context {left:g} s, revision window {seconds:g} s, prompt {stream.revision_prompt_chars} chars, "
              f"settle {settle:g} s, deadline {deadline:g} s, context {context:g} s, first look {look}, "
              f"horizon {horizon:g} s, interim look {interim:g} s, recheck {recheck:g} s "
              f"({time.monotonic() - t0:.0f} s wall; decode s {decode}; second pass {result['windows']} windows, "
              f"{result['window_audio_s']:g} audio s):")
        print(cer_report(report))
        print("second pass (screen corrections, from the last word): " + timeline_report(result["timeline"]))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
