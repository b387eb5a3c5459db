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
