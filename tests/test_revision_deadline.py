"""The deadline of a second-pass window (issue #12 round 8): ``StreamOptions.revision_target_s``
after the VAD end of the oldest final whose first correction on the agent's screen it may bring,
with the revision horizon off (the default) too: before, the deadline was the horizon, so with
the horizon off every window had none and first looks queued behind settling looks.

The session and the redaction are real (``CallSession``, the engine's conversation); the
scheduler's ``revision`` is replaced by a recorder of the deadline it is given (the window is
not decoded: the rule is about which deadline is asked for).
"""

from __future__ import annotations

import asyncio
import math

import numpy as np
import pytest

from redactor.asr.engine import Utterance, Word
from redactor.stream.revision import Published, may_correct_screen
from redactor.stream.session import CallManager, StreamOptions

RATE = 16000
ARRIVED = 1000.0  # monotonic time at which the utterance's VAD end reached the server


def _utt() -> Utterance:
    ws = [Word("はい", 2.0, 2.4, 0.9), Word("そうです", 2.5, 3.6, 0.9)]
    return Utterance(2.0, 3.6, "はいそうです", ws)


def _deadline(engine, *, revised: bool, revision: int, now: float, **settings) -> float:
    """The deadline the session asks for when it looks again at a customer final (utterance
    2.0-4.0 s, its end received at ``ARRIVED``) with the channel's audio at ``now`` s."""
    options = StreamOptions(partials=False, speculate_ms=0, revision_first_look=False, **settings)
    asked: list[float] = []

    async def play():
        manager = CallManager(lambda _c, _e: None, options, engine=engine)
        session = await manager.open("deadline", ("customer",), policy=None, source="test")
        ch = session._channels["customer"]

        async def decode(*_args, deadline: float = math.inf, **_kwargs):
            asked.append(deadline)
            return None  # as if superseded: nothing published

        manager.scheduler.revision = decode
        try:
            ch.append(np.zeros(int(now * RATE), dtype=np.float32))
            ch.arrivals.append((4 * RATE, ARRIVED))
            await session._show_final(ch, "customer-1", _utt(), 2.0, 4.0, 0.0,
                                      clip=(2 * RATE, np.zeros(2 * RATE, dtype=np.float32)), context=None)
            p = ch.history[-1]
            p.revised, p.revision = revised, revision
            await session._revise(ch, [p], live_edge=True)
        finally:
            session.closed = True
            await manager.close_all()

    asyncio.run(play())
    return asked[0]


@pytest.mark.parametrize("horizon", [math.inf, 5.0])
def test_a_first_look_is_due_the_target_after_the_utterance_with_or_without_a_horizon(engine, horizon):
    assert _deadline(engine, revised=False, revision=0, now=4.5, revision_horizon_s=horizon) == ARRIVED + 5.0
    assert _deadline(engine, revised=False, revision=0, now=4.5, revision_horizon_s=horizon,
                     revision_target_s=3.0) == ARRIVED + 3.0


def test_a_later_look_at_a_final_the_screen_shows_uncorrected_has_the_same_deadline(engine):
    """Its first look confirmed the first pass: the settling look may bring its first correction."""
    assert _deadline(engine, revised=True, revision=0, now=7.0, revision_settle_s=2.0,
                     revision_context_s=0.0) == ARRIVED + 5.0


def test_a_look_that_cannot_bring_a_first_correction_has_no_deadline(engine):
    # Already corrected on the screen: the settling look only improves it.
    assert _deadline(engine, revised=True, revision=1, now=7.0, revision_settle_s=2.0,
                     revision_context_s=0.0) == math.inf
    # Past the horizon a later look's change reaches the record only.
    assert _deadline(engine, revised=True, revision=0, now=12.0, revision_settle_s=2.0, revision_context_s=0.0,
                     revision_horizon_s=5.0) == math.inf


def test_may_correct_screen():
    p = Published("customer-1", 2.0, 4.0, None, "はいそうです")
    assert may_correct_screen(p, 20.0, 5.0)  # a first look is always shown
    p.revised = True
    assert may_correct_screen(p, 8.0, 5.0) and not may_correct_screen(p, 9.5, 5.0)
    assert may_correct_screen(p, 100.0, math.inf)
    p.revision = 1
    assert not may_correct_screen(p, 5.0, math.inf)


def _window(engine, shift: float = 0.0, contexts: bool = False, **settings) -> dict:
    """What the session asks the low lane to decode when the newest of a customer's four finals
    gets its first look: A 0-3 s and B 5-8 s settled, C 12-15 s looked at once (its settling look
    is due: 8 s before the window's end), D 20-23 s new; C and D ``shift`` s later. Returns the
    request's audio offset and length, its spans and its prompt (the decode is not run).
    ``contexts``: each final carries the call's text before it (``revision_prompt_chars``) as
    ``ctx-<start>``."""
    options = StreamOptions(partials=False, speculate_ms=0, revision_first_look=False, **settings)
    asked: list[dict] = []

    async def play():
        manager = CallManager(lambda _c, _e: None, options, engine=engine)
        session = await manager.open("window", ("customer",), policy=None, source="test")
        ch = session._channels["customer"]

        async def decode(_key, audio, offset, spans, prompt, **_kwargs):
            asked.append({"offset": offset, "seconds": audio.size / RATE, "spans": spans, "prompt": prompt})
            return None

        manager.scheduler.revision = decode
        try:
            ch.append(np.zeros(int((24 + shift) * RATE), dtype=np.float32))
            texts = ["山田です", "はいそうです", "住所を変えたい", "お願いします"]
            times = [(0, 3), (5, 8), (12 + shift, 15 + shift), (20 + shift, 23 + shift)]
            for (a, b), text, looked in zip(times, texts, [True, True, True, False], strict=True):
                p = Published(f"customer-{a}", a, b, f"ctx-{a:g}" if contexts else None, text, revised=looked,
                              settled=looked and b <= 8)
                ch.history.append(p)
            await session._revise(ch)
        finally:
            session.closed = True
            await manager.close_all()

    asyncio.run(play())
    return asked[0]


def test_without_revision_left_s_the_window_keeps_all_its_audio_and_no_prompt(engine):
    asked = _window(engine, shift=6.0, revision_left_s=math.inf)
    assert (asked["offset"], asked["seconds"], asked["prompt"]) == (0.0, 29.0, None)
    assert asked["spans"] == [(0, 3), (5, 8), (18, 21), (26, 29)]


def test_by_default_a_window_keeps_13_s_before_the_first_final_it_decides(engine):
    """#12 round 9: ``revision_left_s`` 13 s (8 % less audio decoded in the replay at the same CER).
    C starts at 18 s: A (0 s) lies wholly before 18 - 13 = 5 s and is dropped, B (5 s) is kept."""
    assert StreamOptions().revision_left_s == 13.0
    asked = _window(engine, shift=6.0)
    assert (asked["offset"], asked["seconds"], asked["prompt"]) == (5.0, 24.0, None)
    assert asked["spans"] == [(5, 8), (18, 21), (26, 29)]
    assert _window(engine)["offset"] == 0.0  # C at 12 s: 13 s before it reach the call's start


def test_a_window_cut_by_revision_left_s_starts_that_far_before_its_first_due_final(engine):
    """C (12 s) is the first final the window decides; 5 s of context before it keep B (5 s)."""
    asked = _window(engine, revision_left_s=5.0)
    assert (asked["offset"], asked["seconds"], asked["prompt"]) == (5.0, 18.0, None)
    assert asked["spans"] == [(5, 8), (12, 15), (20, 23)]


def test_the_text_of_the_finals_a_window_cut_off_is_its_prompt(engine):
    """``revision_text_prompt_chars``: the cut finals' text as it reads now (A's), its last N
    characters; with no cut there is nothing to give."""
    assert _window(engine, revision_left_s=5.0, revision_text_prompt_chars=3)["prompt"] == "田です"
    assert _window(engine, revision_left_s=0.0, revision_text_prompt_chars=100)["prompt"] == "山田ですはいそうです"
    assert _window(engine, revision_text_prompt_chars=100)["prompt"] is None
    # Without it, the window's prompt is the call's text before its first kept final (B's), as before.
    assert _window(engine, contexts=True, revision_left_s=5.0)["prompt"] == "ctx-5"


def test_the_second_model_instance_takes_its_own_thread_count(engine):
    """``revision_threads``: the low lane's model (revisions, partials) may run on fewer threads
    than the final lane's, leaving the finals a core (the default: 1); 0 keeps the final lane's count."""
    async def lanes(**settings):
        manager = CallManager(lambda _c, _e: None, StreamOptions(partials=False, **settings), engine=engine)
        try:
            return (manager.scheduler.engine.options.cpu_threads, manager.scheduler.low_engine.options.cpu_threads,
                    manager.scheduler.low_engine.options.nice)
        finally:
            await manager.close_all()

    assert asyncio.run(lanes()) == (2, 1, 10)
    assert asyncio.run(lanes(revision_threads=0)) == (2, 2, 10)


def _first_looks(engine, defer_s: float) -> list[list[tuple[float, float]]]:
    """The windows asked for (their spans) when a customer's turn comes as two finals, A 2-4 s and
    B 4.6-5.5 s (published at 4.5 and 6.0 s of channel audio), and the audio then runs on to 7 s,
    frame by frame; nothing is decoded."""
    options = StreamOptions(partials=False, speculate_ms=0, revision_defer_s=defer_s)
    asked: list[list[tuple[float, float]]] = []

    async def play():
        manager = CallManager(lambda _c, _e: None, options, engine=engine)
        session = await manager.open("defer", ("customer",), policy=None, source="test")
        ch = session._channels["customer"]

        async def decode(_key, _audio, _offset, spans, _prompt, **_kwargs):
            asked.append(list(spans))
            return None

        async def settle():
            while session._pending:
                await asyncio.gather(*list(session._pending), return_exceptions=True)

        async def run_to(seconds: float):
            while ch.clock < int(seconds * RATE):
                ch.append(np.zeros(RATE // 50, dtype=np.float32))
                session._maybe_first_look(ch)
                await settle()

        manager.scheduler.revision = decode
        try:
            for (a, b, published), words in zip([(2.0, 4.0, 4.5), (4.6, 5.5, 6.0)], (["はい"], ["そうです"]),
                                               strict=True):
                await run_to(published)
                utt = Utterance(a, b, words[0], [Word(words[0], a, b, 0.9)])
                await session._show_final(ch, f"customer-{a}", utt, a, b, 0.0,
                                          clip=(int(a * RATE), np.zeros(int((b - a) * RATE), dtype=np.float32)),
                                          context=None)
                await settle()
            await run_to(7.0)
        finally:
            session.closed = True
            await manager.close_all()

    asyncio.run(play())
    return asked


def test_a_deferred_first_look_reads_the_speakers_next_final_in_the_same_window(engine):
    """``revision_defer_s``: off, each final asks for its own window when it is published; at 2.5 s,
    A waits (B comes 1.5 s after it) and one window gives both their first look, asked for when A
    has waited 2.5 s (6.5 s) and not again; at 1 s, B came too late to share A's window."""
    assert _first_looks(engine, 0.0) == [[(2.0, 4.0)], [(2.0, 4.0), (4.6, 5.5)]]
    assert _first_looks(engine, 2.5) == [[(2.0, 4.0), (4.6, 5.5)]]
    assert _first_looks(engine, 1.0) == [[(2.0, 4.0)], [(2.0, 4.0), (4.6, 5.5)]]
