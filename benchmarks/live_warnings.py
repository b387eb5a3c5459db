#!/usr/bin/env python3
"""Warnings live = batch (issue #12): does the arrival order of a live call's versions matter?

Live, each turn arrives as a first-pass final and later as revisions, in an order the
scheduler sets (a revision waits for spare model time). The call's warnings and identity
checklist should depend only on every turn's latest version, as batch's do.

1. The sample calls go once through the real live code (``stream_replay.replay``: streaming
   VAD, first-pass finals, second pass, ``Conversation.turn``/``revise``); the conversation's
   calls are recorded in memory (text, times, kept spans).
2. They are replayed through fresh conversations in the recorded order and in ``--orders``
   scheduler orders (each revision delayed by up to ``--delay`` later turns, a segment's
   revisions kept in order), with the replay of later turns **off** (``REPLAY_TURNS = 0``: a
   revision is judged where it arrives, the behaviour before) and **on**.
3. Each is compared with ``redact_turns`` (what ``redactor batch`` runs) on the same final
   texts: warning kinds equal, identity checklist equal.

Only counts are printed (no text is written anywhere); the recorded texts are synthetic calls.

Usage::

    python benchmarks/live_warnings.py [--orders 20] [--delay 6] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stream_latency import DEFAULT_CALLS, machine
from stream_replay import replay

import redactor.conversation as conversation_module
import redactor.policy.engine as policy_engine
from redactor.asr.engine import Utterance
from redactor.batch.pipeline import BatchOptions, redact_turns
from redactor.conversation import Conversation, Identity
from redactor.engine import Engine
from redactor.stream.session import StreamOptions


@dataclass(frozen=True, slots=True)
class RecordingEngine(Engine):
    """The engine, with every conversation's ``turn``/``revise`` calls kept in ``log`` (memory)."""

    log: dict[str, list[tuple[str, tuple, dict]]] = field(default_factory=dict)

    def conversation(self, call_id: str, policy: str | None = None) -> Conversation:
        conversation = Engine.conversation(self, call_id, policy)
        calls = self.log.setdefault(call_id, [])
        for name in ("turn", "revise"):
            method = getattr(conversation, name)

            def recorded(*args, _name=name, _method=method, **kwargs):
                calls.append((_name, args, kwargs))
                return _method(*args, **kwargs)

            setattr(conversation, name, recorded)
        return conversation


def scheduled(calls: list[tuple[str, tuple, dict]], rng: random.Random | None, delay: int) -> list:
    """``calls`` with each revision moved up to ``delay`` turns later (None: as recorded)."""
    if rng is None:
        return calls
    keyed, last = [], {}
    for i, call in enumerate(calls):
        key = float(i)
        if call[0] == "revise":
            segment = call[2].get("segment_id")
            key = max(i + rng.uniform(0, delay), last.get(segment, 0.0))
            last[segment] = key
        keyed.append((key, i, call))
    return [call for _key, _i, call in sorted(keyed)]


def play(engine: Engine, calls: list, name: str,
         revise_ms: list[float]) -> tuple[list[str], Identity, dict[str, Any]]:
    """One order through a fresh conversation: warning kinds, the checklist, each segment's latest
    version; the time of each ``revise`` call is appended to ``revise_ms``."""
    conversation = engine.conversation(name, None)
    kinds: list[str] = []
    latest: dict[str, dict[str, Any]] = {}
    for op, args, kwargs in calls:
        t0 = time.perf_counter()
        turn = getattr(conversation, op)(*args, **kwargs)
        if op == "revise":
            revise_ms.append((time.perf_counter() - t0) * 1000)
        kinds += [w.kind for w in turn.warnings]
        segment = kwargs.get("segment_id")
        if op == "turn":
            latest[segment] = {"speaker": args[1], "start": kwargs["start"], "end": kwargs["end"]}
        latest[segment] |= {"text": args[0], "words": kwargs.get("words")}
    return sorted(kinds), Identity.of(conversation.state), latest


def batch_of(engine: Engine, latest: dict[str, dict[str, Any]], name: str) -> tuple[list[str], Identity]:
    """``redact_turns`` on the final texts and words (in first-final order), and the checklist of
    the same turns."""
    turns = [(t["speaker"], Utterance(t["start"], t["end"], t["text"], list(t["words"] or ())))
             for t in latest.values()]
    _segments, warnings = redact_turns(engine, name, turns, max(u.end for _s, u in turns) + 1.0, BatchOptions())
    conversation = engine.conversation(name, None)
    for speaker, utt in turns:
        conversation.turn(utt.text, speaker, start=utt.start, end=utt.end, words=utt.words)
    return sorted(w["kind"] for w in warnings), Identity.of(conversation.state)


MODES = (("replay off (before)", 0), ("replay on", policy_engine.REPLAY_TURNS))


def compare(engine: Engine, log: dict, orders: int, delay: int, seed: int) -> dict[str, Any]:
    """Per mode and call: how many orders give batch's warning kinds and checklist; the time of
    ``Conversation.revise`` per mode (the modes alternate order by order, so load hits both alike)."""
    out: dict[str, Any] = {mode: {"calls": {}, "revise_ms": []} for mode, _turns in MODES}
    for call_id, calls in log.items():
        rng = random.Random(seed)
        plans = [calls] + [scheduled(calls, rng, delay) for _ in range(orders)]
        rows = {mode: {"orders": len(plans), "warnings_equal": 0, "identity_equal": 0, "verified": 0}
                for mode, _turns in MODES}
        for i, plan in enumerate(plans):
            for mode, turns in MODES:
                policy_engine.REPLAY_TURNS = conversation_module.REPLAY_TURNS = turns
                try:
                    kinds, identity, latest = play(engine, plan, f"{call_id}-{mode}-{i}", out[mode]["revise_ms"])
                finally:
                    policy_engine.REPLAY_TURNS = conversation_module.REPLAY_TURNS = MODES[1][1]
                batch_kinds, batch_identity = batch_of(engine, latest, f"{call_id}-batch-{mode}-{i}")
                row = rows[mode]
                row["warnings_equal"] += kinds == batch_kinds
                row["identity_equal"] += identity == batch_identity
                row["verified"] += identity.verified
                row["batch_verified"] = batch_identity.verified
                if i == 0:
                    row["recorded_order"] = {"live": kinds, "batch": batch_kinds}
        for mode, _turns in MODES:
            out[mode]["calls"][call_id] = rows[mode]
    for figures in out.values():
        times = figures.pop("revise_ms")
        figures |= {"revise_ms_median": statistics.median(times),
                    "revise_ms_p95": statistics.quantiles(times, n=20)[-1], "revisions": len(times)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20, help="scheduler orders per call besides the recorded one")
    parser.add_argument("--delay", type=int, default=6, help="a revision is delayed by up to this many turns")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json-out", metavar="FILE")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("faster_whisper", "presidio-analyzer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from redactor.engine import build_engine

    built = build_engine()
    engine = RecordingEngine(built.redactor, built.warnings, built.options)
    stream = StreamOptions(partials=False, speculate_ms=0)
    for name in DEFAULT_CALLS[:2]:
        asyncio.run(replay(name, stream, engine))
    log = dict(engine.log)
    plain = Engine(built.redactor, built.warnings, built.options)
    result = compare(plain, log, args.orders, args.delay, args.seed)
    print(f"machine: {machine()}; calls {', '.join(DEFAULT_CALLS[:2])}; live code replayed (every revision), "
          f"then {args.orders} scheduler orders + the recorded one, revisions delayed up to {args.delay} turns")
    print("| mode | call | orders | warning kinds = batch | identity = batch | verified (batch verifies) "
          "| recorded order: live kinds / batch kinds |")
    print("|---|---|---|---|---|---|---|")
    for mode, figures in result.items():
        for call_id, r in figures["calls"].items():
            kinds = r["recorded_order"]
            print(f"| {mode} | {call_id} | {r['orders']} | {r['warnings_equal']} | {r['identity_equal']} | "
                  f"{r['verified']} ({'yes' if r['batch_verified'] else 'no'}) | "
                  f"{', '.join(kinds['live']) or '–'} / {', '.join(kinds['batch']) or '–'} |")
    for mode, figures in result.items():
        print(f"{mode}: Conversation.revise median {figures['revise_ms_median']:.1f} ms, "
              f"p95 {figures['revise_ms_p95']:.1f} ms over {figures['revisions']} revisions")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"machine": machine(), "args": vars(args), "result": result},
                                                  indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
