"""The revision horizon (issue #12 round 7): a later look's change of a final, past
``StreamOptions.revision_horizon_s`` after its utterance ended, reaches the call record, warnings
and the identity checklist but not the agent's screen, unless it masks a word the screen shows.

The redaction is the real engine (GiNZA, the call's conversation), the session the real
``CallSession``. The second-pass decode is replaced by fixed words: the rule is about what the
session does with a given decode, and the real model cannot be made to change a line on cue.
"""

from __future__ import annotations

import asyncio
import math

import numpy as np
import pytest

from redactor.asr.engine import Utterance, Word
from redactor.stream.events import Transcript
from redactor.stream.revision import Published, masks_more, past_horizon
from redactor.stream.session import CallManager, StreamOptions

RATE = 16000


def _utt(*words: tuple[str, float, float]) -> Utterance:
    ws = [Word(t, a, b, 0.9) for t, a, b in words]
    return Utterance(ws[0].start, ws[-1].end, "".join(w.text for w in ws), ws)


SHOWN = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("そう", 2.5, 3.2), ("です", 3.2, 3.6))


def _look(engine, shown: Utterance, later: Utterance, *, now: float, first_look: bool = False,
          horizon: float = 5.0, **settings):
    """Publish ``shown`` as a customer's final (utterance 2.0-4.0 s), let the channel's audio reach
    ``now``, then give the final a second-pass look that decodes ``later``. Returns the events the
    agents got, the ones only the call record got, and the final's second-pass state."""
    settings = {"revision_settle_s": 2.0, "revision_context_s": 0.0, **settings}
    options = StreamOptions(partials=False, speculate_ms=0, revision_first_look=False, revision_horizon_s=horizon,
                            **settings)
    screen: list[Transcript] = []
    record: list[Transcript] = []
    kept: list[Published] = []

    async def play():
        manager = CallManager(lambda _c, e: screen.append(e), options, engine=engine)
        manager.record = lambda _c, e: record.append(e)
        session = await manager.open("horizon", ("customer",), policy=None, source="test")
        ch = session._channels["customer"]

        async def decode(*_args, **_kwargs):
            return [later]

        manager.scheduler.revision = decode
        try:
            ch.append(np.zeros(int(now * RATE), dtype=np.float32))
            await session._show_final(ch, "customer-1", shown, 2.0, 4.0, 0.0,
                                      clip=(2 * RATE, np.zeros(2 * RATE, dtype=np.float32)), context=None)
            p = ch.history[-1]
            p.revised = not first_look
            kept.append(p)
            await session._revise(ch, [p], live_edge=True)
        finally:
            session.closed = True
            await manager.close_all()

    asyncio.run(play())
    return [e for e in screen if isinstance(e, Transcript)], record, kept[0]


def test_a_later_looks_change_past_the_horizon_goes_to_the_record_only(engine):
    later = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("そうです", 2.5, 3.4), ("ね", 3.4, 3.6))
    screen, record, _ = _look(engine, SHOWN, later, now=12.0)  # 8 s after the utterance ended
    assert [e.revision for e in screen] == [None]  # the first final only
    assert [(e.text, e.revision) for e in record] == [("はい、そうですね", None)]
    # Within the horizon the same change is a correction on the screen.
    screen, record, _ = _look(engine, SHOWN, later, now=8.0)  # 4 s after
    assert [(e.text, e.revision) for e in screen] == [("はい、そうです", None), ("はい、そうですね", 1)]
    assert not record
    # Off (inf): every change is shown, as before round 7.
    screen, _, _ = _look(engine, SHOWN, later, now=12.0, horizon=math.inf)
    assert [e.revision for e in screen] == [None, 1]


def test_a_first_look_past_the_horizon_is_still_shown(engine):
    """A final's first second-pass look is the first check of the first pass: shown however late
    (a loaded box queued it), so the screen gets the better text at least once."""
    later = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("そうです", 2.5, 3.4), ("ね", 3.4, 3.6))
    screen, record, _ = _look(engine, SHOWN, later, now=12.0, first_look=True)
    assert [e.revision for e in screen] == [None, 1] and not record


def test_a_late_change_that_masks_what_the_screen_shows_is_always_pushed(engine):
    """Privacy wins over quiet: the later look heard a name where the screen shows そう unmasked."""
    later = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("山田", 2.5, 2.9), ("太郎", 2.9, 3.2), ("です", 3.2, 3.6))
    screen, record, _ = _look(engine, SHOWN, later, now=30.0)
    assert [e.revision for e in screen] == [None, 1], [e.text for e in screen]
    assert "山田" not in screen[-1].text and "PERSON" in screen[-1].text
    assert not record


def test_a_record_only_revision_never_reveals_what_the_screen_masked(engine):
    """The first final masked the name; the later look misheard it (山だ) past the horizon: the
    record's version keeps the mask (the rule of every revision), and the screen is not touched."""
    shown = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("山田", 2.5, 2.9), ("太郎", 2.9, 3.2), ("です", 3.2, 3.6))
    later = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("山だ", 2.5, 2.9), ("たろう", 2.9, 3.2), ("ですね", 3.2, 3.6))
    screen, record, _ = _look(engine, shown, later, now=12.0)
    assert len(screen) == 1 and "山田" not in screen[0].text
    assert len(record) == 1
    assert "山" not in record[0].text and "たろう" not in record[0].text and record[0].text.endswith("ですね")


def _published(words: list[Word], masked: list[tuple[float, float, str]]) -> Published:
    return Published("c-1", 2.0, 4.0, None, "".join(w.text for w in words), list(masked), words=words,
                     screen_words=words, screen_masked=list(masked))


def test_masks_more_compares_with_what_the_screen_shows():
    p = _published(SHOWN.words, [])
    assert masks_more(p, [(2.5, 3.2, "PERSON")])  # そう would be masked
    assert not masks_more(p, [(3.2, 3.6, "PERSON")])  # です cannot carry a value
    assert not masks_more(p, [(5.0, 6.0, "PERSON")])  # nothing the screen shows
    masked = _published(SHOWN.words, [(2.5, 3.2, "PERSON")])
    assert not masks_more(masked, [(2.52, 3.18, "PHONE_NUMBER")])  # already masked on the screen


@pytest.mark.parametrize("now, late", [(8.9, False), (9.0, False), (9.01, True)])
def test_the_horizon_counts_from_the_utterances_vad_end(now, late):
    assert past_horizon(_published(SHOWN.words, []), now, 5.0) is late  # Published.end = 4.0


def test_an_interim_look_is_shown_and_does_not_settle_the_final(engine):
    """``revision_interim_s``: a final read once at the live edge 3 s after it (no later speech:
    it does not settle) gets its change to the screen within the horizon, and stays unsettled so
    that the settling look with the speaker's next words still comes (for the call record)."""
    later = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("そうです", 2.5, 3.4), ("ね", 3.4, 3.6))
    interim = {"revision_settle_s": 5.0, "revision_context_s": math.inf, "revision_interim_s": 3.0,
               "revision_recheck_s": math.inf}  # the interim look alone (the recheck is one for confirmed finals)
    screen, record, p = _look(engine, SHOWN, later, now=7.5, **interim)  # 3.5 s after the end
    assert [e.revision for e in screen] == [None, 1] and not record
    assert p.interim and not p.settled and p.revised
    # Not yet 3 s after: no look at all (nothing is due at the live edge).
    screen, record, p = _look(engine, SHOWN, later, now=6.5, **interim)
    assert [e.revision for e in screen] == [None] and not record and not p.interim


def test_the_interim_look_is_due_once_after_the_first_look_and_before_settling():
    from redactor.stream.revision import LiveEdge

    edge = LiveEdge(5.0, math.inf, math.inf, 3.0)
    p = _published(SHOWN.words, [])
    assert not edge.interim_due(p, 8.0)  # its first look has not run yet
    p.revised = True
    assert not edge.interim_due(p, 6.9) and edge.interim_due(p, 7.0)
    p.interim = True
    assert not edge.interim_due(p, 9.0)  # once
    p.interim, p.settled = False, True
    assert not edge.interim_due(p, 9.0)  # settled already
    assert not LiveEdge(5.0, math.inf, math.inf).interim_due(_published(SHOWN.words, []), 99.0)  # off


def test_a_recheck_is_due_once_only_for_a_final_its_first_look_confirmed():
    """``revision_recheck_s``: the interim look for a final the screen still shows uncorrected (its
    first look confirmed the first pass): its one more chance of a correction in time. A final
    already corrected is left to its settling look."""
    from redactor.stream.revision import LiveEdge

    edge = LiveEdge(5.0, math.inf, math.inf, recheck_s=3.0)
    p = _published(SHOWN.words, [])
    assert not edge.interim_due(p, 8.0)  # its first look has not run yet
    p.revised = True
    assert not edge.interim_due(p, 6.9) and edge.interim_due(p, 7.0)
    p.revision = 1  # the first look corrected it
    assert not edge.interim_due(p, 9.0)
    p.revision, p.interim = 0, True
    assert not edge.interim_due(p, 9.0)  # once
    p.interim, p.settled = False, True
    assert not edge.interim_due(p, 9.0)  # settled already
    # With an interim look for every final as well, a corrected final waits for that one.
    both = LiveEdge(5.0, math.inf, math.inf, interim_s=4.0, recheck_s=3.0)
    q = _published(SHOWN.words, [])
    q.revised, q.revision = True, 1
    assert not both.interim_due(q, 7.5) and both.interim_due(q, 8.0)


def test_a_recheck_of_a_confirmed_final_is_shown_and_does_not_settle_it(engine):
    later = _utt(("はい", 2.0, 2.4), ("、", 2.4, 2.5), ("そうです", 2.5, 3.4), ("ね", 3.4, 3.6))
    recheck = {"revision_settle_s": 5.0, "revision_context_s": math.inf, "revision_recheck_s": 3.0}
    screen, record, p = _look(engine, SHOWN, later, now=7.5, horizon=math.inf, **recheck)  # 3.5 s after the end
    assert [(e.text, e.revision) for e in screen] == [("はい、そうです", None), ("はい、そうですね", 1)]
    assert not record and p.interim and not p.settled
    screen, _record, p = _look(engine, SHOWN, later, now=6.5, horizon=math.inf, **recheck)  # not yet 3 s
    assert [e.revision for e in screen] == [None] and not p.interim
