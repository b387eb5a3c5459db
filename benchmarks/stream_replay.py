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
import collections
import dataclasses
import itertools
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from stream_latency import (
    CALLS_DIR,
    DEFAULT_CALLS,
    CallTrace,
    cer_report,
    live_transcripts,
    live_vs_batch,
    machine,
    percentile,
    revision_timeline,
    timeline_report,
)

from redactor.asr.short_context import FULL_FRAMES, content_frames
from redactor.audio.codecs import mulaw_decode, mulaw_encode
from redactor.server.clients import load_call_audio
from redactor.stream.session import CallManager, StreamOptions

FRAME = 160  # 20 ms at 8 kHz, as Twilio sends


def count_work(model, work: collections.Counter) -> None:
    """Count what a model instance's decodes cost into ``work``, whatever the box's load:
    ``encodes`` and ``encoded_s`` (the audio the encoder reads: with the short context, the
    window's speech plus its kept padding), ``tokens`` decoded. Wrapped once per instance (the
    models are shared by every manager of the process)."""
    if getattr(model, "_counted", None) is not None:
        model._counted = work
        return
    encode, generate = model.encode, model.generate_segments

    def counted_encode(features):
        frames = features.shape[-1]
        if frames == FULL_FRAMES and not getattr(model._local, "full", False):  # ShortContextWhisperModel's cut
            frames = min(FULL_FRAMES, content_frames(features) + model.pad_frames)
        model._counted["encodes"] += 1
        model._counted["encoded_s"] += frames / 100
        return encode(features)

    def counted_generate(*args, **kwargs):
        for segment in generate(*args, **kwargs):
            model._counted["tokens"] += len(segment.tokens)
            yield segment

    model._counted, model.encode, model.generate_segments = work, counted_encode, counted_generate


async def replay(name: str, stream: StreamOptions, engine, notes: list[dict[str, Any]] | None = None,
                 work: collections.Counter | None = None) -> tuple[CallTrace, dict[str, float]]:
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
    # A decode's note holds the low lane's work so far: a window's encoder seconds and tokens.
    manager.scheduler.timeline = lambda note: notes.append(
        {**note, "t": fed[0], **({"work": dict(work)} if work is not None and note["step"] == "decoded" else {})})
    if work is not None:  # the second pass's model instance (the low lane: revisions only, partials off)
        count_work(manager.scheduler.low_engine.model, work)
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
    traces, busy, notes, work = [], {}, [], collections.Counter()
    for name in calls:
        trace, by = asyncio.run(replay(name, stream, engine, notes, work))
        traces.append(trace)
        for k, v in by.items():
            busy[k] = busy.get(k, 0.0) + v
    # The second pass's work, independent of the machine's load: windows and audio seconds decoded.
    windows = [n for n in notes if n["step"] == "revision_queued"]
    finals = sum(n["step"] == "final_published" for n in notes)
    cost = {"windows": len(windows), "window_audio_s": round(sum(n["audio_s"] for n in windows), 1),
            "finals": finals, **{k: round(v, 1) for k, v in work.items()}}
    cost["per_final"] = {k: round(v / max(1, finals), 2) for k, v in cost.items() if k != "finals"}
    return {"live": [live_transcripts(t, 1.0) for t in traces], "busy_by": busy,
            "timeline": revision_timeline(traces, notes, 1.0), "notes": notes, "cost": cost,
            "windows": len(windows), "window_audio_s": cost["window_audio_s"]}


# --------------------------------------------------------------------------- one-lane simulation

@dataclasses.dataclass
class _SimJob:
    key: tuple[str, str]
    place: float
    deadline: float
    start: float
    end: float
    urgent: bool
    rids: list[str]


def decode_costs(notes: list[dict[str, Any]]) -> list[tuple[float, float, float]]:
    """Per second-pass window of a replay: (window audio s, its finals' speech s, decode wall s),
    from the timeline (``revision_queued`` and the scheduler's ``decoded``, tied by the request id)."""
    queued = {n["rid"]: n for n in notes if n["step"] == "revision_queued" and "rid" in n}
    return [(queued[n["tag"]]["audio_s"], queued[n["tag"]]["speech_s"], n["ended"] - n["started"])
            for n in notes if n["step"] == "decoded" and n.get("kind") == "revision" and n.get("tag") in queued]


def fit_rtf(costs: list[tuple[float, float, float]]) -> dict[str, float]:
    """The decode time's real-time factor over the window's audio (through the origin: the figure
    a simulation multiplies by), and a line ``base + rtf × audio`` with its R²."""
    x = np.array([c[0] for c in costs])
    y = np.array([c[2] for c in costs])
    if x.size < 2:
        return {"rtf": float("nan"), "n": int(x.size)}
    slope, base = np.polyfit(x, y, 1)
    r2 = 1 - float(np.sum((y - (slope * x + base)) ** 2)) / max(1e-9, float(np.sum((y - y.mean()) ** 2)))
    return {"rtf": round(float(y.sum() / x.sum()), 4), "line_base_s": round(float(base), 3),
            "line_rtf": round(float(slope), 4), "line_r2": round(r2, 3), "n": int(x.size),
            "decode_s": round(float(y.sum()), 1), "audio_s": round(float(x.sum()), 1)}


def simulate(notes: list[dict[str, Any]], rtf: float, *, base_s: float = 0.0, stagger_s: float = 1.0,
             first_pass_s: float = 0.5, window_s: float = 30.0, target_s: float = 5.0) -> dict[str, Any]:
    """The replay's second-pass requests through ONE serial low lane, deterministically: the calls
    start ``stagger_s`` apart (as ``stream_latency.py --calls N`` plays them), a request arrives
    ``first_pass_s`` after the replay asked for it (the first pass's decode, instant in the replay)
    and takes ``base_s`` + ``rtf`` × its window's audio to decode. As ``AsrScheduler``: one queued request per
    channel (a newer one takes its place and earlier deadline, and its window reaches back to the
    older one's start, at most ``window_s``), urgent (end-of-call) first, then earliest deadline,
    then place. A segment's first screen correction comes when the job holding the request that
    brought it in the replay ends. Approximate: a request's outcome is the replay's, with or
    without the merge. Returns first-correction delays from the VAD end (p50/p95, late > target),
    the lane's busy seconds and queue waits."""
    calls = sorted({n["call"] for n in notes if n["step"] == "revision_queued"})
    shift = {c: i * stagger_s for i, c in enumerate(calls)}
    requests = sorted((n["t"] + shift[n["call"]] + first_pass_s, i, n) for i, n in enumerate(notes)
                      if n["step"] == "revision_queued")
    queue: dict[tuple[str, str], _SimJob] = {}
    done: dict[str, float] = {}
    clock, busy, waits, i = 0.0, 0.0, [], 0
    while i < len(requests) or queue:
        # Take every request that has arrived by the time the lane is free (or the next one, if idle).
        if not queue and i < len(requests):
            clock = max(clock, requests[i][0])
        while i < len(requests) and requests[i][0] <= clock:
            at, _k, n = requests[i]
            i += 1
            key = (n["call"], n["channel"])
            deadline = n["due_by"] + shift[n["call"]] + first_pass_s
            old = queue.get(key)
            if old is None:
                queue[key] = _SimJob(key, at, deadline, n["start"], n["end"], n["urgent"], [n["rid"]])
            else:
                old.start = max(min(old.start, n["start"]), n["end"] - window_s)
                old.end, old.deadline = n["end"], min(old.deadline, deadline)
                old.urgent, old.rids = old.urgent or n["urgent"], [*old.rids, n["rid"]]
        job = min(queue.values(), key=lambda j: (not j.urgent, j.deadline, j.place))
        del queue[job.key]
        waits.append(clock - job.place)
        took = base_s + rtf * (job.end - job.start)
        clock += took
        busy += took
        done.update((rid, clock) for rid in job.rids)
    ends = {(n["call"], n["segment"]): n["end"] for n in notes if n["step"] == "final_published"}
    delays = [done[n["rid"]] - (ends[(n["call"], n["segment"])] + shift[n["call"]])
              for n in notes if n["step"] == "revision_published" and n.get("revision") == 1
              and n.get("rid") in done and (n["call"], n["segment"]) in ends]
    return {"rtf": rtf, "base_s": base_s, "corrections": len(delays), "p50": round(percentile(delays, 50), 2),
            "p95": round(percentile(delays, 95), 2), "late": sum(d > target_s for d in delays),
            "busy_s": round(busy, 1), "wait_p95": round(percentile(waits, 95), 2)}


def simulation_report(notes: list[dict[str, Any]], rtfs: list[float], scale: float = 1.0) -> str:
    """The simulation at each RTF (decode = RTF × window audio), and per window a fixed part plus a
    part per audio second, fitted to this replay's decodes and scaled by ``scale`` (1: this box at
    this load; the same ratio as an RTF's to the measured one models a busier lane)."""
    fit = fit_rtf(decode_costs(notes))
    rows = [simulate(notes, r) for r in rtfs]
    if fit.get("line_rtf") == fit.get("line_rtf") and fit.get("n", 0) >= 2:
        rows.append(simulate(notes, fit["line_rtf"] * scale, base_s=fit["line_base_s"] * scale))
    model = lambda r: f"{r['base_s']:.3g} s + {r['rtf']:.3g} × audio" if r["base_s"] else f"RTF {r['rtf']:g}"  # noqa: E731
    return "one-lane simulation (first screen correction from the VAD end): " + "; ".join(
        f"{model(r)}: p50/p95 {r['p50']:.2f}/{r['p95']:.2f} s, late {r['late']} of {r['corrections']}, "
        f"lane busy {r['busy_s']:g} s, queue wait p95 {r['wait_p95']:.2f} s" for r in rows)


SIM_RTFS = [0.03, 0.05, 0.07, 0.1]
OPTION_KEYS = ("window_s", "settle_s", "left_s", "recheck_s", "interim_s", "horizon_s", "text_prompt_chars", "threads",
               "defer_s")


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
    parser.add_argument("--text-prompt", type=int, action="append", metavar="CHARS",
                        help="revision_text_prompt_chars to try (repeatable; default: StreamOptions)")
    parser.add_argument("--defer", type=float, action="append", metavar="S",
                        help="revision_defer_s to try (repeatable; default: StreamOptions; 0 = off)")
    parser.add_argument("--threads", type=int, action="append", metavar="N",
                        help="revision_threads to try (repeatable; default: StreamOptions)")
    parser.add_argument("--sim-rtf", type=float, action="append", metavar="RTF",
                        help="simulate the second pass's requests through one serial lane at this real-time factor "
                             "(repeatable; default: the RTF this run measured, and 0.03 0.05 0.07 0.1)")
    parser.add_argument("--sim-from", metavar="FILE", help="only simulate: the runs of an earlier --json-out FILE")
    parser.add_argument("--json-out", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    if args.sim_from:
        for r in json.loads(Path(args.sim_from).read_text(encoding="utf-8"))["runs"]:
            print(f"\n{ {k: r[k] for k in OPTION_KEYS if k in r} } cost {r.get('cost')}; measured {r.get('rtf')}")
            print(simulation_report(r["notes"], args.sim_rtf or SIM_RTFS))
        return 0
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
    for (seconds, settle, deadline, context, look, left, horizon, interim, recheck, text, threads,
         defer) in itertools.product(
            args.window or [base.revision_window_s], args.settle or [base.revision_settle_s],
            args.deadline or [base.revision_deadline_s], args.context or [base.revision_context_s],
            args.first_look or [base.revision_first_look], args.left or [base.revision_left_s],
            args.horizon or [getattr(base, "revision_horizon_s", float("inf"))],
            args.interim or [getattr(base, "revision_interim_s", float("inf"))],
            args.recheck or [getattr(base, "revision_recheck_s", float("inf"))],
            args.text_prompt or [getattr(base, "revision_text_prompt_chars", 0)],
            args.threads or [getattr(base, "revision_threads", 0)],
            args.defer or [getattr(base, "revision_defer_s", 0.0)]):
        stream = dataclasses.replace(base, revision_window_s=seconds, revision_settle_s=settle,
                                     revision_deadline_s=deadline, revision_context_s=context,
                                     revision_first_look=look in (True, "on"), revision_left_s=left)
        if hasattr(stream, "revision_horizon_s"):  # a tree before #12 round 7 has none
            stream = dataclasses.replace(stream, revision_horizon_s=horizon, revision_interim_s=interim)
        if hasattr(stream, "revision_recheck_s"):  # #12 round 8
            stream = dataclasses.replace(stream, revision_recheck_s=recheck)
        if hasattr(stream, "revision_text_prompt_chars"):  # #12 round 9
            stream = dataclasses.replace(stream, revision_text_prompt_chars=text, revision_threads=threads,
                                         revision_defer_s=defer)
        t0 = time.monotonic()
        result = run(calls, stream, engine)
        report = live_vs_batch([result])
        document["runs"].append({"window_s": seconds, "settle_s": settle, "deadline_s": deadline, "context_s": context,
                                 "first_look": stream.revision_first_look, "left_s": left, "horizon_s": horizon,
                                 "interim_s": interim, "recheck_s": recheck, "text_prompt_chars": text,
                                 "threads": threads, "defer_s": defer, "timeline": result["timeline"],
                                 "busy_by": result["busy_by"], "windows": result["windows"],
                                 "window_audio_s": result["window_audio_s"], "report": report})
        rtf = fit_rtf(decode_costs(result["notes"]))
        document["runs"][-1].update(cost=result["cost"], rtf=rtf, notes=result["notes"])
        decode = {k: round(v, 1) for k, v in result["busy_by"].items()}
        look = "on" if stream.revision_first_look else "off"
        print(f"\nleft context {left:g} s, revision window {seconds:g} s, prompt {stream.revision_prompt_chars} chars, "
              f"settle {settle:g} s, deadline {deadline:g} s, context {context:g} s, first look {look}, "
              f"horizon {horizon:g} s, interim look {interim:g} s, recheck {recheck:g} s, "
              f"text prompt {text} chars, low-lane threads {threads or stream.asr.cpu_threads}, "
              f"first look deferred {defer:g} s "
              f"({time.monotonic() - t0:.0f} s wall; decode s {decode}; second pass {result['windows']} windows, "
              f"{result['window_audio_s']:g} audio s):")
        print(cer_report(report))
        print("second pass (screen corrections, from the last word): " + timeline_report(result["timeline"]))
        print(f"second-pass cost: {result['cost']}; decode time vs window audio (this box, this load): {rtf}")
        measured = [rtf["rtf"]] if rtf.get("rtf") == rtf.get("rtf") else []
        print(simulation_report(result["notes"], args.sim_rtf or measured + SIM_RTFS))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
