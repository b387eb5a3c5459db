#!/usr/bin/env python3
"""Live-call latency: N concurrent calls over real websockets in the Twilio protocol.

Starts ``redactor serve``'s app in this process on 127.0.0.1, then for each call connects
an agent (``/agent/{call_id}`` with a token) and plays a sample call into ``/twilio`` with
both tracks at real-time pace (``--speed 1``, the default), exactly as Twilio Media
Streams would. Measures, per run:

* **utterance-end → final latency** (client side): the final's arrival time minus the wall
  time at which the audio at the utterance's speech end went out, ``started_at + end / speed``
  (``end`` is the final event's call-audio time). Cross-checked against the server's
  ``redactor_final_latency_seconds`` histogram from ``/metrics`` (measured from when the end
  of speech reached the server, quantiles interpolated within buckets).
* **partial cadence**: partial events per minute of speech (the finals' total duration) and
  the median gap between consecutive partials of one utterance.
* **lag over time**: ``redactor_asr_lag_seconds`` and the largest per-call
  ``redactor_call_lag_seconds`` scraped from ``/metrics`` every ``--scrape-every`` seconds;
  first-minute vs last-minute median (and max), plus the final latency per minute of call.
* **CPU**: this process's CPU time / wall time (server, model and clients together), and the
  ASR worker's busy share.
* with ``--cer`` (issue #12): live CER against batch, and the **revision delays** of the second
  pass, for what the agent's **screen** got (events with ``revision``) and what the **call record**
  holds (those and the revisions given to the record only, past ``revision_horizon_s``), each from
  two references: the first final's last word (the figure of rounds 1-6) and the VAD utterance end
  (the ``final_published`` note; the issue's "within 5 s of the utterance end").

Baselines in the same run: ``--calls 1,2,3,4`` runs each concurrency in turn (``--stop-above``
ends the sweep after the first one whose p95 exceeds the target), ``--partials both`` runs
every concurrency with partials on and off. ``--long`` plays one ~10-minute call made by
concatenating the sample calls' agent/customer tracks, to show that lag does not grow.

Usage::

    python benchmarks/stream_latency.py                       # 1 call, partials on and off
    python benchmarks/stream_latency.py --calls 1,2,3,4 --stop-above 2.5
    python benchmarks/stream_latency.py --long --minutes 10
    python benchmarks/stream_latency.py --calls 2 --speed 4   # quick check, not a measurement
    python benchmarks/stream_latency.py --json > out.json
    python benchmarks/stream_latency.py --calls 2 --partials on --bus redis://127.0.0.1:6379/0
                                          # each run twice: in-process hub, then the Redis bus
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import logging
import os
import platform
import re
import secrets
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from redactor.server.app import ServerOptions, running_server
from redactor.server.clients import load_call_audio, stream_twilio
from redactor.stream.session import StreamOptions

ROOT = Path(__file__).resolve().parents[1]

CALLS_DIR = ROOT / "samples" / "calls"
DEFAULT_CALLS = ("call_card_payment.wav", "call_address_change.wav", "call_wideband_support.wav")
RATE = 8000
TWILIO_MESSAGES_PER_AUDIO_S = 100  # two tracks × 50 frames of 20 ms


# --------------------------------------------------------------------------- helpers


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0–100); NaN for no values."""
    if not values:
        return float("nan")
    return float(np.percentile(np.asarray(values, dtype=float), q))


def rss_mib() -> float:
    """This process's resident memory now (Linux), MiB; NaN elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def build_long_call(names: list[str], minutes: float, gap_s: float = 1.0) -> tuple[np.ndarray, list[tuple]]:
    """Agent/customer tracks of the sample calls, one after another, until ``minutes`` of audio.

    Returns the audio and its script: (channel, start, end) of every scripted line, shifted.
    """
    target = int(minutes * 60 * RATE)
    pieces: list[np.ndarray] = []
    script: list[tuple[str, float, float]] = []
    total, i = 0, 0
    silence = np.zeros((2, int(gap_s * RATE)), dtype=np.int16)
    while total < target:
        name = names[i % len(names)]
        audio = load_call_audio(CALLS_DIR / name)
        script += [(c, a + total / RATE, b + total / RATE) for c, a, b in gold_script(name)]
        pieces += [audio, silence]
        total += audio.shape[1] + silence.shape[1]
        i += 1
    return np.concatenate(pieces, axis=1)[:, :target], [x for x in script if x[2] <= minutes * 60]


def gold_script(name: str) -> list[tuple[str, float, float]]:
    """(channel, start, end) of each scripted line of a sample call (its ``.gold.json``), if any."""
    gold = CALLS_DIR / (Path(name).stem + ".gold.json")
    if not gold.is_file():
        return []
    return [(line["channel"], line["start"], line["end"])
            for line in json.loads(gold.read_text(encoding="utf-8"))["script"]]


def script_latencies(trace: CallTrace, speed: float) -> list[float]:
    """Latency from each scripted line's true end of speech to the final that covers it.

    The final of the same speaker whose audio end is nearest the line's end (within 1.5 s);
    its arrival minus the wall time at which the line's last audio went out. Independent of
    the decoder's word timestamps, which can end early or late.
    """
    if trace.started_at is None:
        return []
    finals = [(arrived, e) for arrived, e in trace.events  # first passes: a revision is not a final's latency
              if e.get("type") == "transcript" and e.get("final") and e.get("text") and not e.get("revision")]
    out = []
    for channel, _start, end in trace.script:
        near = [(abs(e["end"] - end), arrived) for arrived, e in finals if e["channel"] == channel]
        if near and min(near)[0] <= 1.5:
            out.append(min(near)[1] - (trace.started_at + end / speed))
    return out


_METRIC = re.compile(r'^(?P<name>[a-zA-Z_:][\w:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)$')


def parse_metrics(text: str) -> list[tuple[str, dict[str, str], float]]:
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _METRIC.match(line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m["labels"] or ""))
        rows.append((m["name"], labels, float(m["value"])))
    return rows


def histogram_quantile(rows, name: str, q: float) -> float:
    """Prometheus-style quantile from cumulative ``_bucket`` rows (linear within a bucket)."""
    buckets = sorted((float(lab["le"]), v) for n, lab, v in rows if n == name + "_bucket")
    if not buckets or buckets[-1][1] == 0:
        return float("nan")
    total = buckets[-1][1]
    rank = q * total
    prev_le, prev_count = 0.0, 0.0
    for le, count in buckets:
        if count >= rank:
            if le == float("inf"):
                return prev_le
            if count == prev_count:
                return le
            return prev_le + (le - prev_le) * (rank - prev_count) / (count - prev_count)
        prev_le, prev_count = le, count
    return prev_le


def scrape(url: str) -> list[tuple[str, dict[str, str], float]]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return parse_metrics(response.read().decode())


# --------------------------------------------------------------------------- one run


@dataclass
class CallTrace:
    call_id: str
    source: str
    audio_s: float
    started_at: float | None = None
    script: list[tuple[str, float, float]] = field(default_factory=list)
    events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    close_code: int | None = None
    # Revisions the call record took but the agents were not shown (``CallManager.record``).
    record_events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    # segment → where its utterance ended by the VAD (call-audio seconds, ``final_published``).
    vad_end: dict[str, float] = field(default_factory=dict)

    def take_notes(self, notes: list[dict[str, Any]]) -> None:
        """The VAD utterance ends of this call's finals, from the second pass's debug timeline."""
        for n in notes:
            if n.get("step") == "final_published" and n.get("call") == self.call_id:
                self.vad_end.setdefault(n["segment"], n["end"])


async def watch(ws_url: str, call_id: str, token: str, trace: CallTrace, ready: asyncio.Event) -> None:
    """The agent: record every event with its arrival time until ``call_ended``."""
    from websockets.asyncio.client import connect

    async with connect(f"{ws_url}/agent/{call_id}", additional_headers={"Authorization": f"Bearer {token}"},
                       max_size=2**20) as ws:
        ready.set()
        async for raw in ws:
            event = json.loads(raw)
            trace.events.append((time.monotonic(), event))
            if event.get("type") == "call_ended":
                return


async def run_once(n_calls: int, *, partials: bool, speed: float, calls: list[str], long_minutes: float | None,
                   stagger_s: float, scrape_every: float, cpu_threads: int | None,
                   partial_every: float | None = None, bus: str | None = None,
                   live: dict[str, Any] | None = None) -> dict[str, Any]:
    stream = StreamOptions(partials=partials, max_calls=max(8, n_calls))
    if partial_every is not None:
        stream = replace(stream, partial_every_s=partial_every)
    if live:  # issue #12's switches: revisions, speculative endpointing
        stream = replace(stream, **live)
    if cpu_threads is not None:
        stream = replace(stream, asr=replace(stream.asr, cpu_threads=cpu_threads))
    auth_token = secrets.token_hex(16)
    rate = int(TWILIO_MESSAGES_PER_AUDIO_S * max(1.0, speed) * 1.5) + 100
    options = ServerOptions(host="127.0.0.1", port=0, secret=secrets.token_urlsafe(32),
                            twilio_auth_token=auth_token, stream=stream, max_messages_per_s=rate, bus=bus)
    if long_minutes:
        audios = [("long:" + "+".join(Path(c).stem for c in calls), *build_long_call(calls, long_minutes))]
    else:
        audios = [(calls[i % len(calls)], load_call_audio(CALLS_DIR / calls[i % len(calls)]),
                   gold_script(calls[i % len(calls)])) for i in range(n_calls)]
    notes: list[dict[str, Any]] = []  # the second pass's debug timeline (ids and times, no text)
    by_call: dict[str, CallTrace] = {}
    async with running_server(options) as server:
        server.calls.scheduler.timeline = notes.append
        # What only the call record takes (a revision past the horizon): kept beside the trace.
        server.calls.record = lambda call_id, event: by_call[call_id].record_events.append(
            (time.monotonic(), event.to_json())) if call_id in by_call else None
        # Warm the model (first decode allocates) so that the first utterance is not penalised.
        await asyncio.to_thread(server.calls.speech.transcribe_utterance,
                                np.zeros(16000, dtype=np.float32), offset=0.0, prompt=None)
        metrics_url = server.http_url + "/metrics"
        traces: list[CallTrace] = []
        lag_samples: list[tuple[float, float, float, float]] = []  # (t, asr lag, max call lag, depth)
        t0 = time.monotonic()
        cpu0, busy0 = time.process_time(), server.calls.scheduler.busy_s

        async def sampler() -> None:
            while True:
                await asyncio.sleep(scrape_every)
                with contextlib.suppress(Exception):
                    rows = await asyncio.to_thread(scrape, metrics_url)
                    asr = next((v for n, _, v in rows if n == "redactor_asr_lag_seconds"), 0.0)
                    per_call = [v for n, _, v in rows if n == "redactor_call_lag_seconds"]
                    depth = next((v for n, _, v in rows if n == "redactor_asr_queue_depth"), 0.0)
                    lag_samples.append((time.monotonic() - t0, asr, max(per_call, default=0.0), depth))

        async def one_call(i: int, name: str, audio: np.ndarray, script: list) -> None:
            await asyncio.sleep(i * stagger_s)
            call_id = f"CA{secrets.token_hex(16)}"
            trace = CallTrace(call_id, name, audio.shape[1] / RATE, script=script)
            traces.append(trace)
            by_call[call_id] = trace
            ready = asyncio.Event()
            agent = asyncio.create_task(watch(server.ws_url, call_id, server.issue_token(call_id), trace, ready))
            await asyncio.wait_for(ready.wait(), 10)
            stats = await stream_twilio(server.ws_url + "/twilio", audio[0], audio[1], speed=speed,
                                        call_sid=call_id, auth_token=auth_token)
            trace.started_at, trace.close_code = stats.started_at, stats.close_code
            await asyncio.wait_for(agent, 60)

        sampling = asyncio.create_task(sampler())
        try:
            await asyncio.gather(*(one_call(i, *call) for i, call in enumerate(audios)))
        finally:
            sampling.cancel()
        wall = time.monotonic() - t0
        cpu = time.process_time() - cpu0
        busy = server.calls.scheduler.busy_s - busy0
        busy_by = {k: round(v, 1) for k, v in getattr(server.calls.scheduler, "busy_by", {}).items()}
        rss = rss_mib()  # with every model of the server loaded (the low lane's second instance too)
        rows = await asyncio.to_thread(scrape, metrics_url)
    result = summarise(traces, lag_samples, rows, n_calls=len(audios), partials=partials, speed=speed,
                       wall=wall, cpu=cpu, busy=busy, busy_by=busy_by)
    for t in traces:
        t.take_notes(notes)
    result["live"] = [live_transcripts(t, speed) for t in traces if not long_minutes]
    result["timeline"] = revision_timeline(traces, notes, speed)
    result["bus"] = "redis" if bus else "hub"
    result["rss_mib"] = rss
    return result


def summarise(traces: list[CallTrace], lag_samples, rows, *, n_calls: int, partials: bool, speed: float,
              wall: float, cpu: float, busy: float, busy_by: dict[str, float] | None = None) -> dict[str, Any]:
    latencies: list[float] = []
    scripted = [x for trace in traces for x in script_latencies(trace, speed)]
    by_minute: dict[int, list[float]] = {}
    speech_s = 0.0
    partial_count = 0
    gaps: list[float] = []
    first_partial: list[float] = []
    finals = empty_finals = warnings = 0
    ended = 0
    for trace in traces:
        last_partial: dict[str, float] = {}
        for arrived, event in trace.events:
            kind = event.get("type")
            if kind == "call_ended":
                ended += 1
            elif kind == "warning":
                warnings += 1
            elif kind == "transcript" and not event["final"]:
                partial_count += 1
                seg = event["segment_id"]
                if seg in last_partial:
                    gaps.append(arrived - last_partial[seg])
                else:
                    first_partial.append(event["end"] - event["start"])
                last_partial[seg] = arrived
            elif kind == "transcript" and event.get("revision"):
                continue  # a revised final (live_transcripts measures its delay)
            elif kind == "transcript":
                if not event["text"]:
                    empty_finals += 1
                    continue
                finals += 1
                speech_s += max(0.0, event["end"] - event["start"])
                if trace.started_at is None:
                    continue
                latency = arrived - (trace.started_at + event["end"] / speed)
                latencies.append(latency)
                by_minute.setdefault(int(event["end"] // 60), []).append(latency)
    lags = [s[2] for s in lag_samples]
    asr_lags = [s[1] for s in lag_samples]

    def window(first: bool) -> list[float]:
        if not lag_samples:
            return []
        end = lag_samples[-1][0]
        return [s[2] for s in lag_samples if (s[0] <= 60 if first else s[0] >= end - 60)]

    count = next((v for n, _, v in rows if n == "redactor_final_latency_seconds_count"), 0.0)
    total = next((v for n, _, v in rows if n == "redactor_final_latency_seconds_sum"), 0.0)
    return {
        "calls": n_calls, "partials": partials, "speed": speed,
        "sources": [t.source for t in traces], "audio_s": round(sum(t.audio_s for t in traces), 1),
        "wall_s": round(wall, 1), "calls_ended": ended, "close_codes": [t.close_code for t in traces],
        "finals": finals, "empty_finals": empty_finals, "warnings": warnings,
        "latency_p50": percentile(latencies, 50), "latency_p95": percentile(latencies, 95),
        "latency_max": max(latencies, default=float("nan")),
        "script_p50": percentile(scripted, 50), "script_p95": percentile(scripted, 95),
        "script_n": len(scripted),
        "server_p50": histogram_quantile(rows, "redactor_final_latency_seconds", 0.5),
        "server_p95": histogram_quantile(rows, "redactor_final_latency_seconds", 0.95),
        "server_mean": total / count if count else float("nan"), "server_count": int(count),
        "partials_count": partial_count,
        "partials_per_speech_min": partial_count / (speech_s / 60) if speech_s else float("nan"),
        "partial_gap_median": median(gaps), "first_partial_after_median": median(first_partial),
        "speech_s": round(speech_s, 1),
        "lag_median": median(lags), "lag_max": max(lags, default=float("nan")),
        "asr_lag_max": max(asr_lags, default=float("nan")),
        "lag_first_min_median": median(window(True)), "lag_last_min_median": median(window(False)),
        "lag_first_min_max": max(window(True), default=float("nan")),
        "lag_last_min_max": max(window(False), default=float("nan")),
        "latency_by_minute": {m: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95)}
                              for m, v in sorted(by_minute.items())},
        "lag_samples": [[round(x, 3) for x in s] for s in lag_samples],
        "cpu_s": round(cpu, 1), "cpu_cores": cpu / wall if wall else float("nan"),
        "asr_busy": busy / wall if wall else float("nan"),
        "asr_busy_by": busy_by,
    }


# --------------------------------------------------------------------------- live vs batch (#12)

_PUNCT = re.compile(r"[\s、。，．,.!?！？「」『』（）()・…〜~ー-]")


def live_transcripts(trace: CallTrace, speed: float) -> dict[str, Any]:
    """What the agent saw of one call, and what its call record holds: per segment the first final,
    the last version on the screen (``revised``) and in the record (``recorded``: the screen's
    versions and the revisions given to the record only), and the delays to a segment's first and
    last revision, each from two references (issue #12: "within 5 s of the utterance end"):
    the first final's last word (``…_delays``, the figure of rounds 1-6) and the VAD utterance end
    (``…_delays_vad``, from ``final_published``; a first pass that dropped the utterance's last
    words moves the first reference earlier, not this one). Screen: the first event with
    ``revision`` 1 (a correction the agent sees); record: the first time the record's masked text
    of the segment changed."""
    first: dict[str, dict] = {}
    screen: dict[str, tuple[float, dict]] = {}
    record: dict[str, tuple[float, dict]] = {}
    changed: dict[str, dict[str, list[float]]] = {"screen": {}, "record": {}}  # segment → arrivals
    merged = sorted([(a, False, e) for a, e in trace.events] + [(a, True, e) for a, e in trace.record_events],
                    key=lambda x: x[0])
    warnings, identity = [], None
    for arrived, record_only, e in merged:
        if e.get("type") == "transcript" and e.get("final"):
            seg = e["segment_id"]
            if not record_only:
                first.setdefault(seg, e)
                screen[seg] = (arrived, e)
                if e.get("revision"):
                    changed["screen"].setdefault(seg, []).append(arrived)
            if seg in record and record[seg][1]["text"] != e["text"]:
                changed["record"].setdefault(seg, []).append(arrived)
            record[seg] = (arrived, e)
        elif e.get("type") == "warning" and not record_only:
            warnings.append(e["kind"])
        elif e.get("type") == "identity" and not record_only:
            identity = {k: e[k] for k in ("name_given", "phone_given", "verified")}
    delays: dict[str, list[float]] = {}
    if trace.started_at is not None:
        for where, segs in changed.items():
            for seg, times in segs.items():
                if seg not in first:
                    continue
                prefix = "" if where == "screen" else "record_"
                refs = {"": first[seg]["end"], "_vad": trace.vad_end.get(seg)}
                for suffix, ref in refs.items():
                    if ref is None:
                        continue
                    at = trace.started_at + ref / speed
                    delays.setdefault(f"{prefix}first_revision_delays{suffix}", []).append(times[0] - at)
                    delays.setdefault(f"{prefix}revision_delays{suffix}", []).append(times[-1] - at)
    rows = lambda events: [(e["channel"], e["start"], e["end"], e["text"]) for e in events if e["text"]]  # noqa: E731
    out = {"source": trace.source, "first": rows(first.values()), "revised": rows(e for _a, e in screen.values()),
           "recorded": rows(e for _a, e in record.values()),
           "revisions": sum(1 for _a, e in screen.values() if e.get("revision")),
           "record_revisions": len(changed["record"]), "warnings": sorted(warnings), "identity": identity}
    for where in ("", "record_"):
        for what in ("first_revision_delays", "revision_delays"):
            for suffix in ("", "_vad"):
                out[f"{where}{what}{suffix}"] = delays.get(f"{where}{what}{suffix}", [])
    return out


def revision_timeline(traces: list[CallTrace], notes: list[dict[str, Any]], speed: float) -> list[dict[str, Any]]:
    """Per final segment, seconds after its utterance ended: first final shown, first window asked
    for with it (``queued``), first such window decoded, first second-pass outcome (text unchanged
    or revised) and first revision shown; and why a first revision came late (``cause``)."""
    rows = []
    for trace in traces:
        if trace.started_at is None:
            continue
        mine = [n for n in notes if n.get("call") == trace.call_id]
        firsts: dict[str, tuple[float, dict]] = {}
        for arrived, e in trace.events:
            if e.get("type") == "transcript" and e.get("final") and e.get("text"):
                firsts.setdefault(e["segment_id"], (arrived, e))
        for seg, (arrived, e) in firsts.items():
            ended = trace.started_at + e["end"] / speed
            about = [n for n in mine if seg in n.get("segments", ()) or n.get("segment") == seg]
            at = functools.partial(_first_at, about, ended)
            queued = [n for n in about if n["step"] == "revision_queued"]
            outcome = next((n for n in about if n["step"] in ("revision_unchanged", "revision_published")), None)
            looked = round(outcome["t"] - ended, 2) if outcome else None
            row = {"call": trace.source, "segment": seg, "final": round(arrived - ended, 2),
                   "min_audio_skips": sum(n["step"] == "revision_skipped" and n["why"] == "min_audio" for n in about),
                   "audio_gone_skips": sum(n["step"] == "revision_skipped" and n["why"] == "audio_gone"
                                           for n in about),
                   "queued": at("revision_queued"),
                   "superseded": sum(n["step"] == "revision_superseded" for n in about),
                   "decoded": at("revision_decoded"), "windows": len(queued),
                   "first_outcome": outcome and outcome["step"].removeprefix("revision_"),
                   "first_outcome_settled": bool(outcome and outcome.get("settled")), "first_look": looked,
                   "revision": at("revision_published", lambda n: n.get("revision") == 1),
                   "urgent": any(n.get("urgent") for n in queued)}
            row["cause"] = _late_cause(row)
            vad = trace.vad_end.get(seg)  # the VAD utterance end: how much later than the last word
            row["vad_after_word"] = None if vad is None else round((vad - e["end"]) / speed, 2)
            rows.append(row)
    return rows


def _first_at(notes: list[dict[str, Any]], since: float, step: str, ok=lambda _n: True) -> float | None:
    """Seconds from ``since`` to the first note of ``step`` (that passes ``ok``)."""
    return next((round(n["t"] - since, 2) for n in notes if n["step"] == step and ok(n)), None)


def _late_cause(row: dict[str, Any], late: float = 5.0) -> str | None:
    """Why a segment's first revision came more than ``late`` s after its utterance (None: in time
    or never revised)."""
    if row["revision"] is None or row["revision"] <= late:
        return None
    if row["first_outcome"] == "unchanged":
        return "first look unchanged, a later look revised it"
    if row["queued"] is None or row["queued"] > late:
        if row["audio_gone_skips"]:
            return "asked late (the window's audio was gone)"
        return "asked late (window under revision_min_s)" if row["min_audio_skips"] else "asked late"
    if row["superseded"]:
        return "superseded/dropped in the queue"
    return "end-of-call pass" if row["urgent"] else "queued behind other work"


def timeline_report(rows: list[dict[str, Any]]) -> str:
    """Counts of the late first revisions' causes, and the queue wait and decode of the rest."""
    import collections

    causes = collections.Counter(r["cause"] for r in rows if r["cause"])
    revised = [r for r in rows if r["revision"] is not None]
    waits = [r["decoded"] - r["queued"] for r in revised if r["decoded"] is not None and r["queued"] is not None]
    looks = [r["first_look"] for r in rows if r["first_look"] is not None]
    from_vad = [r["revision"] - r["vad_after_word"] for r in revised if r.get("vad_after_word") is not None]
    p = lambda xs: f"{fmt(percentile(xs, 50), '{:.2f}')} / {fmt(percentile(xs, 95), '{:.2f}')} s"  # noqa: E731
    return (f"first revisions {len(revised)} of {len(rows)} finals, p50/p95 {p([r['revision'] for r in revised])}; "
            f"late (> 5 s) by cause: {dict(causes)}; queued→decoded p50/p95 {p(waits)}; "
            f"second pass's first look (text revised or confirmed) {len(looks)} of {len(rows)} finals, "
            f"p50/p95 {p(looks)}; first revisions from the VAD utterance end p50/p95 {p(from_vad)}, "
            f"late (> 5 s) {sum(x > 5 for x in from_vad)}")


def pii_free_lines(name: str) -> list[tuple[str, float, float, str]]:
    """The scripted lines of a sample call in which no PII is said (CER is compared on these)."""
    gold = CALLS_DIR / (Path(name).stem + ".gold.json")
    if not gold.is_file():
        return []
    doc = json.loads(gold.read_text(encoding="utf-8"))
    with_pii = {p["line"] for p in doc.get("pii", [])}
    return [(x["channel"], x["start"], x["end"], x["text"]) for i, x in enumerate(doc["script"]) if i not in with_pii]


def by_line(rows: list[tuple[str, float, float, str]], lines) -> list[str]:
    """Each transcript row goes to the scripted line of its channel it overlaps most; per line,
    the texts of its rows in time order."""
    return ["".join(texts) for texts in rows_by_line(rows, lines)]


def rows_by_line(rows: list[tuple[str, float, float, str]], lines) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in lines]
    for channel, start, end, text in sorted(rows, key=lambda r: r[1]):
        overlaps = [(min(end, b) - max(start, a), i) for i, (c, a, b, _t) in enumerate(lines) if c == channel]
        best = max(overlaps, default=(0.0, -1))
        if best[0] > 0:
            out[best[1]].append(text)
    return out


def cer(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Surface and kana CER over (reference, hypothesis) pairs (punctuation and spaces removed)."""
    import unicodedata

    from accuracy_real import Reader, normalise_kana
    from bench_common import edit_distance

    reader = Reader()
    surface = lambda t: _PUNCT.sub("", unicodedata.normalize("NFKC", t))  # noqa: E731
    kana = lambda t: normalise_kana(reader(surface(t))) if surface(t) else ""  # noqa: E731
    out = {}
    for name, form in (("surface", surface), ("kana", kana)):
        edits = sum(edit_distance(form(r), form(h)) for r, h in pairs)
        out[name] = edits / max(1, sum(len(form(r)) for r, _h in pairs))
    return out


@functools.cache
def _batch(source: str):
    """A sample call through ``redactor batch`` (deterministic: decoded once per process)."""
    from redactor.batch.pipeline import BatchOptions, transcribe_call

    return transcribe_call(CALLS_DIR / source, source, BatchOptions())


# Revision delays by where they show (screen / call record), which revision (first / last) and
# from which reference (the first final's last word / the VAD utterance end): ``live_transcripts``.
DELAY_KEYS = tuple(f"{where}{what}{ref}" for where in ("", "record_")
                   for what in ("first_revision_delays", "revision_delays") for ref in ("", "_vad"))


def live_vs_batch(results: list[dict[str, Any]]) -> dict[str, Any]:
    """CER of live first-pass and revised finals and of batch (same audio, run now), on the
    scripted lines without PII; warnings and identity live vs batch."""
    batch: dict[str, Any] = {}
    pairs: dict[str, list[tuple[str, str]]] = {"first": [], "revised": [], "recorded": [], "batch": []}
    warnings = {"live": [], "batch": []}
    identity, revisions, record_revisions = [], 0, 0
    delays: dict[str, list[float]] = {k: [] for k in DELAY_KEYS}
    lines_n = split = missed = 0
    for r in results:
        for call in r.get("live", []):
            source, lines = call["source"], pii_free_lines(call["source"])
            if source not in batch:
                result = _batch(source)
                batch[source] = result
                rows = [(s.channel, s.start, s.end, s.text) for s in result.segments]
                pairs["batch"] += list(zip([x[3] for x in lines], by_line(rows, lines), strict=True))
                warnings["batch"].append(sorted(w["kind"] for w in result.warnings))
            for kind in ("first", "revised", "recorded"):
                rows = [tuple(x) for x in call.get(kind, call["revised"])]
                pairs[kind] += [(ref[3], hyp) for ref, hyp in zip(lines, by_line(rows, lines), strict=True)]
            warnings["live"].append((source, call["warnings"]))
            identity.append((source, call["identity"]))
            for key in DELAY_KEYS:
                delays[key] += call.get(key, [])
            record_revisions += call.get("record_revisions", 0)
            script = [(c, a, b, "") for c, a, b in gold_script(source)]
            per_line = rows_by_line([tuple(x) for x in call["first"]], script)
            lines_n += len(script)
            split += sum(len(texts) > 1 for texts in per_line)
            missed += sum(not texts for texts in per_line)
            revisions += call["revisions"]
    batch_warnings = {s: sorted(w["kind"] for w in res.warnings) for s, res in batch.items()}
    return {"cer": {k: cer(v) for k, v in pairs.items() if v}, "lines": len(pairs["batch"]),
            "script_lines": lines_n, "split_lines": split, "lines_without_final": missed,
            "revisions": revisions, "record_revisions": record_revisions,
            **{f"{k.replace('delays', 'delay')}_p{q}": percentile(v, q)
               for k, v in delays.items() for q in (50, 95)},
            "delay_counts": {k: len(v) for k, v in delays.items()},
            "warnings_equal": sum(w == batch_warnings[s] for s, w in warnings["live"]),
            "warnings_calls": len(warnings["live"]),
            "warnings": {"live": warnings["live"], "batch": batch_warnings},
            "identity": identity}


def cer_report(v: dict[str, Any]) -> str:
    rows = ["| transcript | surface CER | kana CER | vs batch (kana) |", "|---|---|---|---|"]
    base = v["cer"].get("batch", {}).get("kana")
    for kind, title in (("first", "live, first pass"), ("revised", "live, revised: last version on the screen"),
                        ("recorded", "live, revised: the call record"), ("batch", "batch")):
        if kind in v["cer"]:
            c = v["cer"][kind]
            ratio = f"{c['kana'] / base:.2f}×" if base else "–"
            rows.append(f"| {title} | {c['surface']:.1%} | {c['kana']:.1%} | {ratio} |")
    rows += ["", "| utterance end → revision (s) | from the first final's last word p50 / p95 | "
             "from the VAD utterance end p50 / p95 | n |", "|---|---|---|---|"]
    for where, title in (("", "screen"), ("record_", "record")):
        for what, label in (("first_revision_delay", "first"), ("revision_delay", "last")):
            key = f"{where}{what}"
            n = v.get("delay_counts", {}).get(f"{key}s", "–")
            rows.append(f"| {title}: {label} revision | {_p(v, key)} | {_p(v, key + '_vad')} | {n} |")
    return "\n".join(rows) + (
        f"\n\n{v['lines']} scripted lines without PII (batch); {v['revisions']} segments corrected on the screen, "
        f"{v.get('record_revisions', '–')} in the record; "
        f"scripted lines split over 2+ finals {v['split_lines']}/{v['script_lines']}, without a final "
        f"{v['lines_without_final']}; warnings live = batch in {v['warnings_equal']}/{v['warnings_calls']} calls; "
        f"identity: {v['identity']}")


def _p(v: dict[str, Any], key: str) -> str:
    return f"{fmt(v.get(key + '_p50', float('nan')), '{:.2f}')} / {fmt(v.get(key + '_p95', float('nan')), '{:.2f}')}"


# --------------------------------------------------------------------------- report

COLUMNS = [
    ("calls", "calls", "{}"), ("partials", "partials", "{}"), ("audio s", "audio_s", "{:.0f}"),
    ("finals", "finals", "{}"), ("p50 s", "latency_p50", "{:.2f}"), ("p95 s", "latency_p95", "{:.2f}"),
    ("max s", "latency_max", "{:.2f}"), ("server p50/p95 s", None, None), ("script-end p50/p95 s", None, None),
    ("partials/speech-min", "partials_per_speech_min", "{:.1f}"), ("partial gap s", "partial_gap_median", "{:.2f}"),
    ("call lag median/max s", None, None), ("CPU cores", "cpu_cores", "{:.2f}"), ("ASR busy", "asr_busy", "{:.0%}"),
]


def fmt(value, spec: str) -> str:
    if isinstance(value, float) and value != value:
        return "–"
    return spec.format("on" if value is True else "off" if value is False else value)


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(c[0] for c in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in results:
        cells = []
        for _title, key, spec in COLUMNS:
            if key is not None:
                cells.append(fmt(r[key], spec))
            elif _title.startswith("server"):
                cells.append(f"{fmt(r['server_p50'], '{:.2f}')} / {fmt(r['server_p95'], '{:.2f}')}")
            elif _title.startswith("script"):
                cells.append(f"{fmt(r['script_p50'], '{:.2f}')} / {fmt(r['script_p95'], '{:.2f}')}")
            else:
                cells.append(f"{fmt(r['lag_median'], '{:.2f}')} / {fmt(r['lag_max'], '{:.2f}')}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def lag_report(r: dict[str, Any]) -> str:
    lines = [f"call lag (max over calls, sampled every scrape): first minute median "
             f"{fmt(r['lag_first_min_median'], '{:.2f}')} s / max {fmt(r['lag_first_min_max'], '{:.2f}')} s; "
             f"last minute median {fmt(r['lag_last_min_median'], '{:.2f}')} s / max "
             f"{fmt(r['lag_last_min_max'], '{:.2f}')} s; ASR queue lag max {fmt(r['asr_lag_max'], '{:.2f}')} s; "
             f"decode s by kind {r.get('asr_busy_by')}; RSS {fmt(r.get('rss_mib', float('nan')), '{:.0f}')} MiB"]
    minutes = r["latency_by_minute"]
    if len(minutes) > 2:
        lines.append("final latency per minute of call: " + ", ".join(
            f"{m}: {fmt(v['p50'], '{:.2f}')}/{fmt(v['p95'], '{:.2f}')} (n={v['n']})" for m, v in minutes.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", default="1", help="concurrent calls, or a comma list to sweep (default 1)")
    parser.add_argument("--sweep", dest="calls", help="alias of --calls")
    parser.add_argument("--stop-above", type=float, default=None, metavar="S",
                        help="end the sweep after the first concurrency whose p95 exceeds S seconds")
    parser.add_argument("--partials", choices=("on", "off", "both"), default="both",
                        help="partials on, off, or both as a side-by-side baseline (default both)")
    parser.add_argument("--speed", type=float, default=1.0, help="1.0 = real time (the measurement)")
    parser.add_argument("--call", action="append", dest="call_files", metavar="WAV",
                        help="sample call(s) to play, rotated over the calls (default: the three long ones)")
    parser.add_argument("--long", action="store_true", help="one long call made of the sample calls")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the --long call")
    parser.add_argument("--stagger", type=float, default=1.0, help="seconds between call starts")
    parser.add_argument("--scrape-every", type=float, default=5.0, help="seconds between /metrics samples")
    parser.add_argument("--cpu-threads", type=int, default=None, help="ASR threads (default: StreamOptions)")
    parser.add_argument("--revisions", choices=("on", "off"), default=None,
                        help="second-pass revised finals (default: StreamOptions.revisions)")
    parser.add_argument("--revision-settle", type=float, default=None, metavar="S",
                        help="seconds after a final that its settling look needs (default: StreamOptions)")
    parser.add_argument("--revision-context", type=float, default=None, metavar="S",
                        help="later speech that lets the live edge settle a final (default: StreamOptions)")
    parser.add_argument("--revision-deadline", type=float, default=None, metavar="S",
                        help="read a final at the live edge this long after it ends (default: StreamOptions)")
    parser.add_argument("--revision-horizon", type=float, default=None, metavar="S",
                        help="a later look's change this long after the utterance goes to the call record only "
                             "(default: StreamOptions; inf = every change to the screen)")
    parser.add_argument("--revision-interim", type=float, default=None, metavar="S",
                        help="an interim look at the live edge this long after a final (default: StreamOptions; "
                             "inf = off)")
    parser.add_argument("--revision-recheck", type=float, default=None, metavar="S",
                        help="a final its first look confirmed is read again at the live edge this long after it "
                             "(default: StreamOptions; inf = off)")
    parser.add_argument("--revision-target", type=float, default=None, metavar="S",
                        help="deadline of a look that may bring a final's first correction, after its end "
                             "(default: StreamOptions)")
    parser.add_argument("--revision-left", type=float, default=None, metavar="S",
                        help="seconds of earlier finals a window keeps before the first final it decides "
                             "(default: StreamOptions; inf = the whole window)")
    parser.add_argument("--revision-text-prompt", type=int, default=None, metavar="CHARS",
                        help="characters of the channel's earlier finals given as the prompt of a window "
                             "--revision-left cut (default: StreamOptions; 0 = none)")
    parser.add_argument("--revision-defer", type=float, default=None, metavar="S",
                        help="a final's first look waits up to S s for the speaker's next final, to share its "
                             "window (default: StreamOptions; 0 = off)")
    parser.add_argument("--revision-threads", type=int, default=None, metavar="N",
                        help="threads of the second model instance (revisions, partials; default: StreamOptions, "
                             "0 = as many as the final lane)")
    parser.add_argument("--revisions-per-partial", type=int, default=None, metavar="N",
                        help="low lane: revisions in a row before a waiting partial (default: StreamOptions)")
    parser.add_argument("--speculate-ms", type=int, default=None, metavar="MS",
                        help="pause that starts a speculative final decode, 0 = off (default: StreamOptions)")
    parser.add_argument("--partial-every", type=float, default=None, metavar="S",
                        help="seconds of speech between partials (default: StreamOptions.partial_every_s)")
    parser.add_argument("--cer", action="store_true",
                        help="also decode the played calls in batch and compare CER, warnings and identity")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--json-out", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--bus", metavar="URL", help="also run each case on this Redis event bus (same run)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("faster_whisper", "presidio-analyzer", "websockets"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    counts = [1] if args.long else [int(x) for x in str(args.calls).split(",") if x.strip()]
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.partials]
    calls = args.call_files or list(DEFAULT_CALLS)
    results = []
    for n in counts:
        over = False
        for partials, bus in [(p, b) for p in modes for b in ([None, args.bus] if args.bus else [None])]:
            print(f"# running {n} call(s), partials {'on' if partials else 'off'}, speed {args.speed}, "
                  f"{'bus ' + bus if bus else 'in-process hub'} …", file=sys.stderr, flush=True)
            r = asyncio.run(run_once(n, partials=partials, speed=args.speed, calls=calls,
                                     long_minutes=args.minutes if args.long else None, stagger_s=args.stagger,
                                     scrape_every=args.scrape_every, cpu_threads=args.cpu_threads,
                                     partial_every=args.partial_every, bus=bus, live=live_switches(args)))
            results.append(r)
            print(table([r]).splitlines()[-1], file=sys.stderr, flush=True)
            if partials and args.stop_above is not None and headline_p95(r) > args.stop_above:
                over = True
        if over:
            break
    document = {"machine": machine(), "args": vars(args), "results": results}
    if args.cer:
        document["live_vs_batch"] = live_vs_batch(results)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
    if args.json:
        json.dump(document, sys.stdout, indent=1, default=str)
        print()
        return 0
    print(f"machine: {machine()}")
    print(f"speed {args.speed} ({'real time' if args.speed == 1 else 'NOT real time'}), "
          f"calls from {', '.join(calls)}{' (long)' if args.long else ''}")
    print(table(results))
    for r in results:
        print(f"\n{r['calls']} call(s), partials {'on' if r['partials'] else 'off'}: {lag_report(r)}")
        if r.get("timeline"):
            print("second pass: " + timeline_report(r["timeline"]))
    if args.bus:  # the bus against the hub, same calls, same run
        for hub, redis in zip(results[::2], results[1::2], strict=True):
            extra = 1000 * (redis["latency_p95"] - hub["latency_p95"])
            print(f"\n{hub['calls']} call(s), partials {'on' if hub['partials'] else 'off'}: final latency p50/p95 "
                  f"hub {hub['latency_p50']:.3f}/{hub['latency_p95']:.3f} s, Redis bus {redis['latency_p50']:.3f}/"
                  f"{redis['latency_p95']:.3f} s, p95 difference {extra:+.0f} ms")
    if args.cer:
        print("\nlive vs batch (same audio, this run):\n" + cer_report(document["live_vs_batch"]))
    if args.stop_above is not None:
        fit = [r["calls"] for r in results if r["partials"] and headline_p95(r) <= args.stop_above]
        print(f"\nlargest concurrency with p95 ≤ {args.stop_above} s (partials on, script-end p95 where the calls "
              f"have a script): {max(fit, default=0)}")
    return 0


def live_switches(args) -> dict[str, Any]:
    """``StreamOptions`` overrides from --revisions / --revision-settle / --revision-context /
    --revision-deadline / --revision-horizon / --revision-interim / --revision-recheck / --revision-target /
    --revision-left / --revision-text-prompt / --revision-threads / --revision-defer /
    --revisions-per-partial / --speculate-ms."""
    out: dict[str, Any] = {}
    if args.revisions is not None:
        out["revisions"] = args.revisions == "on"
    for arg, option in (("speculate_ms", "speculate_ms"), ("revision_deadline", "revision_deadline_s"),
                        ("revision_settle", "revision_settle_s"), ("revision_context", "revision_context_s"),
                        ("revision_horizon", "revision_horizon_s"), ("revision_interim", "revision_interim_s"),
                        ("revision_recheck", "revision_recheck_s"), ("revision_target", "revision_target_s"),
                        ("revision_left", "revision_left_s"), ("revision_text_prompt", "revision_text_prompt_chars"),
                        ("revision_threads", "revision_threads"), ("revision_defer", "revision_defer_s"),
                        ("revisions_per_partial", "revisions_per_partial")):
        if getattr(args, arg) is not None:
            out[option] = getattr(args, arg)
    return out


def headline_p95(r: dict[str, Any]) -> float:
    """The p95 a target is judged on: from the script's true end of speech where the call has a script."""
    return r["script_p95"] if r["script_n"] else r["latency_p95"]


def machine() -> str:
    return f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
