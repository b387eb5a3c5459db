"""Streaming pieces on real audio: the incremental VAD and the shared ASR scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

import numpy as np
import pytest

from redactor.audio.decode import decode_file
from redactor.audio.resample import StreamResampler, to_16k
from redactor.stream.vad import WINDOW, StreamingVad

CALL = Path(__file__).resolve().parents[1] / "samples/calls/short_call.wav"


@pytest.fixture(scope="module")
def customer_16k() -> np.ndarray:
    audio = decode_file(CALL)
    return to_16k(audio.samples[1], audio.sample_rate)


def test_streaming_vad_scores_exactly_like_the_batch_model(customer_16k):
    from faster_whisper.vad import get_vad_model

    x = customer_16k[: customer_16k.size - customer_16k.size % WINDOW]
    batch = get_vad_model()(x).reshape(-1)
    vad, scored = StreamingVad(), []
    step = vad._step
    vad._step = lambda p: (scored.append(p), step(p))[1]
    for i in range(0, x.size, 320):  # 20-ms frames, not aligned with the 32-ms windows
        vad.push(x[i:i + 320])
    np.testing.assert_allclose(scored, batch, atol=1e-5)


def test_streaming_vad_finds_the_customer_turns(customer_16k):
    vad, spans = StreamingVad(), []
    for i in range(0, customer_16k.size, 320):
        spans += vad.push(customer_16k[i:i + 320])
    spans += vad.flush()
    seconds = [(s.start / 16000, s.end / 16000) for s in spans]
    # The script: the customer speaks at 4.6–6.8 s and 10.8–15.2 s, silent otherwise.
    assert seconds and all(a > 4.0 and b < 16.0 for a, b in seconds)
    assert any(a < 5.0 < b for a, b in seconds) and any(a < 12.0 < b for a, b in seconds)
    assert not any(7.5 < a < 10.0 for a, _ in seconds)


def test_stream_resampler_matches_one_shot_resampling(customer_16k):
    audio = decode_file(CALL)
    x = audio.samples[1].astype(np.float32)
    stream = StreamResampler(audio.sample_rate)
    pieces = [stream.push(x[i:i + 160]) for i in range(0, x.size, 160)]
    pieces.append(stream.push(np.zeros(0, dtype=np.float32), last=True))
    joined = np.concatenate(pieces)
    assert abs(joined.size - customer_16k.size) <= 2
    n = min(joined.size, customer_16k.size) - 400
    assert np.max(np.abs(joined[400:n] - customer_16k[400:n])) < 0.02


def _thread_nice_values() -> set[int]:
    """Niceness of every thread of this process (Linux /proc)."""
    values = set()
    for stat in Path("/proc/self/task").glob("*/stat"):
        with contextlib.suppress(OSError):
            values.add(int(stat.read_text().rsplit(")", 1)[1].split()[16]))
    return values


@pytest.mark.slow
def test_a_final_never_waits_for_a_revision_or_partial_and_superseded_jobs_resolve_to_none(customer_16k):
    from redactor.asr.engine import SpeechEngine
    from redactor.asr.options import AsrOptions
    from redactor.stream.scheduler import AsrScheduler

    a = customer_16k[int(4.5 * 16000):int(6.9 * 16000)]
    stretch = customer_16k[int(4.0 * 16000):int(15.5 * 16000)]  # both utterances and the pause between
    long = np.concatenate([stretch, stretch])  # a 23-s window: a decode many times longer than a final's
    spans = [(4.5, 6.9), (10.8, 15.2), (16.0, 18.4), (22.3, 26.7)]
    done: list[str] = []

    async def run():
        scheduler = AsrScheduler(SpeechEngine(AsrOptions(cpu_threads=2)),
                                 low_engine=SpeechEngine(AsrOptions(cpu_threads=1, nice=10)), low_nice=10)
        scheduler.start()
        old = scheduler.revision(("A", "customer"), stretch[:3 * 16000], 4.0, [(4.5, 6.9)], None)
        revised = scheduler.revision(("A", "customer"), long, 4.0, spans, None)  # supersedes the old one
        stale = scheduler.partial(("A", "customer"), a[:16000], 4.5, None)
        partial = scheduler.partial(("A", "customer"), a, 4.5, None)  # supersedes the stale one
        await asyncio.sleep(0.2)  # the revision is decoding now
        withdrawn = scheduler.final(a, 4.5, None)
        final = scheduler.final(a, 4.5, None)
        assert scheduler.cancel(withdrawn)
        revised.add_done_callback(lambda _f: done.append("revision"))
        final.add_done_callback(lambda _f: done.append("final"))
        results = await asyncio.gather(old, stale, withdrawn, final, revised, partial)
        await scheduler.stop()
        return results

    old, stale, withdrawn, final, pieces, partial = asyncio.run(run())
    assert old is None and stale is None and withdrawn is None
    # The final was asked for while the long revision decoded, and still came first.
    assert done == ["final", "revision"]
    assert final is not None and final.text and partial is not None and partial.text
    assert len(pieces) == 4 and all(p is not None and p.text for p in pieces)
    # Each utterance got the words the window decode heard in it (times in channel seconds).
    for (start, end), piece in zip(spans, pieces, strict=True):
        assert start - 0.5 <= piece.start <= piece.end <= end + 0.5
    if Path("/proc/self/task").is_dir():  # Linux: the low lane's model computes at lower priority
        assert os.getpriority(os.PRIO_PROCESS, 0) + 10 in _thread_nice_values()


# --- issue #12: the second pass, speculative endpointing -------------------------------------------


def _words(*spec: tuple[str, float, float]):
    from redactor.asr.engine import Word

    return [Word(text, start, end, 0.9) for text, start, end in spec]


def test_a_revision_keeps_masked_what_an_earlier_version_masked_by_audio_time():
    from redactor.pii.catalogue import Entity
    from redactor.stream.revision import kept_spans, masked_times

    first = _words(("伊藤", 1.0, 1.4), ("です", 1.4, 1.7))
    masked = masked_times([Entity("PERSON", 0, 2, 0.9)], first, 1.0, 1.7)
    assert masked == [(1.0, 1.4, "PERSON")]
    # The second decode spells the name differently and dates it 40 ms later: still masked;
    # the copula after it and a word clear of the stretch stay visible.
    second = _words(("移動", 1.04, 1.42), ("です", 1.42, 1.7), ("ね", 1.7, 1.8), ("はい", 2.5, 2.7))
    assert kept_spans(second, masked) == [(0, 2, "PERSON")]
    # A word that only grazes the stretch by 20 ms is not inside it; one that covers it is.
    assert kept_spans(_words(("確認", 1.38, 1.9)), masked) == []
    assert kept_spans(_words(("いとう", 0.9, 1.6)), masked) == [(0, 3, "PERSON")]
    # Neighbouring words in one masked stretch are one span (one placeholder).
    assert kept_spans(_words(("い", 1.0, 1.2), ("とう", 1.2, 1.4)), masked) == [(0, 3, "PERSON")]


def test_a_short_masked_word_the_window_decode_moves_past_a_pause_stays_masked():
    """The window decode dates a short piece cut off by a pause where the next words begin
    (``_split_at_pauses``, batch's fix for the card call's 「はい」); the first pass, decoded alone,
    kept Whisper's date. A name masked there must stay masked in the revision that moved it, and
    in a later one that does not move it."""
    from redactor.asr.engine import Word, _split_at_pauses
    from redactor.pii.catalogue import Entity
    from redactor.stream.revision import kept_spans, masked_times

    first = _words(("佐藤", 10.0, 10.4), ("です", 10.4, 10.7))
    masked = masked_times([Entity("PERSON", 0, 2, 0.9)], first, 10.0, 10.7)
    assert masked == [(10.0, 10.4, "PERSON")]
    decoded = [Word("佐藤", 10.0, 10.4, 0.9), Word("様の口座を", 12.0, 12.8, 0.9), Word("確認します", 12.8, 13.5, 0.9)]
    moved = [w for group in _split_at_pauses(decoded, gap=1.2) for w in group]
    assert (moved[0].start, moved[0].end) == pytest.approx((11.6, 12.0))  # dated where 様の… begins
    assert kept_spans(moved, masked) == [(0, 2, "PERSON")]
    assert kept_spans(moved[1:], masked) == []  # the words after the pause were never masked
    # A revision that masks the moved name masks both datings: a later decode that does not move it
    # (other VAD packing) still finds it masked.
    again = masked_times([Entity("PERSON", 0, 2, 0.9)], moved, 11.6, 13.5)
    assert again == [(11.6, 12.0, "PERSON"), (10.0, 10.4, "PERSON")]
    assert kept_spans(_words(("さとう", 10.02, 10.41), ("です", 10.41, 10.7)), again) == [(0, 3, "PERSON")]


def test_conversation_revise_masks_the_kept_spans_and_raises_a_warning_once(engine):
    conversation = engine.conversation("rev-1", "general_support")
    # Pass 1 garbled the customer's My Number beyond recognition: no warning.
    first = conversation.turn("はい、そうです", "customer", start=1.0, end=2.0, segment_id="customer-1")
    assert not [w for w in first.warnings if w.kind == "unneeded_pii"]
    revised = conversation.revise("マイナンバーは123456789018です", "customer", start=1.0, segment_id="customer-1")
    assert "123456789018" not in revised.text
    kinds = [w.kind for w in revised.warnings]
    assert "unneeded_pii" in kinds
    again = conversation.revise("マイナンバーは123456789018です。", "customer", start=1.0, segment_id="customer-1")
    assert "unneeded_pii" not in [w.kind for w in again.warnings]  # once per call
    # An earlier version masked a name where the revision hears a common word: the engine would
    # show it, the kept span keeps it masked.
    plain = conversation.revise("ありがとうございます", "customer", start=5.0, segment_id="customer-2")
    kept = conversation.revise("ありがとうございます", "customer", start=5.0, segment_id="customer-2",
                               keep=[(0, 5, "PERSON")])
    assert plain.text == "ありがとうございます"
    assert kept.text == "<PERSON>ございます"
    assert [(e.type, e.start, e.end) for e in kept.entities] == [("PERSON", 0, 5)]


def test_tentative_end_is_the_utterance_the_pause_then_ends(customer_16k):
    from redactor.stream.vad import StreamingVad

    vad, guesses, ended = StreamingVad(), [], []
    for i in range(0, customer_16k.size, 320):
        for speech in vad.push(customer_16k[i:i + 320]):
            ended.append(speech)
        if vad.pause_samples >= 200 * 16:
            guess = vad.tentative()
            if guess is not None and (not guesses or guesses[-1] != guess):
                guesses.append(guess)
    assert ended
    for speech in ended:  # every utterance that ended was guessed, exactly, at 200 ms of pause
        assert speech in guesses


@pytest.mark.slow
def test_window_words_all_reach_an_utterance_even_when_the_spans_are_too_narrow(customer_16k):
    """Whisper's word times and the VAD's edges differ: a word between two spans goes to the
    nearer one (dropping it lost whole words against batch), so the pieces spell the window."""
    from redactor.asr.engine import SpeechEngine
    from redactor.asr.guards import normalise

    stretch = customer_16k[int(4.0 * 16000):int(15.5 * 16000)]
    engine = SpeechEngine()
    whole = engine.transcribe_spans(stretch, 4.0, [(4.0, 15.5)])[0]
    # Each utterance's span shrunk to its middle second: most words fall outside every span.
    narrow = engine.transcribe_spans(stretch, 4.0, [(5.2, 6.2), (12.5, 13.5)])
    assert whole is not None and all(p is not None for p in narrow)
    assert normalise("".join(p.text for p in narrow)) == normalise(whole.text)
    assert narrow[0].end < 8.0 < narrow[1].start  # split at the pause, not anywhere


def test_nearest_span_takes_the_holder_else_the_closer_neighbour():
    from redactor.asr.engine import _nearest_span

    spans = [(1.0, 2.0), (5.0, 6.0)]
    assert [_nearest_span(spans, t) for t in (0.2, 1.5, 2.9, 3.6, 5.5, 9.0)] == [0, 0, 0, 1, 1, 1]


def test_a_final_is_revised_again_once_later_speech_follows_it():
    from redactor.stream.revision import LiveEdge, Published, due, waiting

    p = Published("customer-1", 10.0, 12.0, None, "text")
    assert due(p, False)  # never revised
    p.revised = True
    assert not due(p, False)  # no context yet: the first revision stands for now
    assert due(p, True)  # read again with context on both sides
    # At the live edge: settled at the deadline whatever follows, or settle_s after its end once
    # the speaker has been speaking again for context_s.
    edge = LiveEdge(settle_s=3.0, deadline_s=8.0, context_s=1.5)
    assert not edge.settles(p, 14.9, [10.0, 13.0])  # 2.9 s after it
    assert edge.settles(p, 15.0, [10.0, 13.0])  # 3 s after it, the next utterance 2 s old
    assert not edge.settles(p, 15.0, [10.0, 14.0])  # ... 1 s old: wait for more of it
    assert not edge.settles(p, 19.9, [10.0])  # silence after it: wait ...
    assert edge.settles(p, 20.0, [10.0])  # ... until the deadline
    assert waiting([p], 20.0, edge, 30.0, [10.0]) and not waiting([p], 20.0, edge, 5.0, [10.0])  # too old
    p.settled = True
    assert not due(p, True) and not waiting([p], 40.0, edge, 60.0, [10.0])  # once settled, context only


def test_a_window_keeps_left_context_before_the_first_final_it_decides():
    """``revision_left_s``: earlier finals are context only; a window keeps at least that many
    seconds of them before the first final it (re)decides, and enough to last ``revision_min_s``,
    never dropping a final it decides."""
    from redactor.stream.revision import Published, context_start

    pieces = [Published(f"c-{i}", a, b, None, "x") for i, (a, b) in enumerate(
        [(0.0, 2.0), (5.0, 7.0), (10.0, 12.0), (20.0, 22.0), (25.0, 27.0)])]
    due = [False, False, False, True, True]
    assert context_start(pieces, due, 27.0, float("inf"), 4.0) == 0  # inf keeps everything
    assert context_start(pieces, due, 27.0, 12.0, 4.0) == 1  # from 10.0 only 10 s: 5.0 stays
    assert context_start(pieces, due, 27.0, 10.0, 4.0) == 2
    assert context_start(pieces, due, 27.0, 0.0, 4.0) == 3  # no context: the first due final
    assert context_start(pieces, [True, *due[1:]], 27.0, 0.0, 4.0) == 0  # a due final is never dropped
    # The window must still last min_s: only the last final is due, and it alone is 2 s long.
    assert context_start(pieces, [False] * 4 + [True], 27.0, 0.0, 4.0) == 3


def test_the_low_lane_alternates_revisions_and_partials_and_urgent_revisions_go_first(customer_16k):
    from redactor.asr.engine import SpeechEngine
    from redactor.stream.scheduler import AsrScheduler

    clip = customer_16k[:16000]

    async def order():
        scheduler = AsrScheduler(SpeechEngine())  # not started: jobs are only queued and picked
        scheduler.revision(("A", "agent"), clip, 0.0, [(0.0, 1.0)], None)
        scheduler.revision(("B", "agent"), clip, 0.0, [(0.0, 1.0)], None)
        for call in "ABC":
            scheduler.partial((call, "customer"), clip, 0.0, None)
        scheduler.revision(("C", "agent"), clip, 0.0, [(0.0, 1.0)], None, urgent=True)
        picked = []
        while (job := scheduler._next_low()) is not None:
            picked.append((job.kind, job.key[0]))
        await scheduler.stop()
        return picked

    assert asyncio.run(order()) == [("revision", "C"), ("partial", "A"), ("revision", "A"), ("partial", "B"),
                                    ("revision", "B"), ("partial", "C")]

    async def loaded(per_partial: int):
        """A loaded box: revisions keep coming and every queued one is overdue."""
        scheduler = AsrScheduler(SpeechEngine(), revisions_per_partial=per_partial, revision_overdue_s=2.0)

        def ask(call: str) -> None:
            scheduler.revision((call, "agent"), clip, 0.0, [(0.0, 1.0)], None)
            scheduler._revisions[(call, "agent")].place -= 10.0  # waited 10 s in the lane

        for call in "ABC":
            ask(call)
        for call in "AB":
            scheduler.partial((call, "customer"), clip, 0.0, None)
        picked = []
        for _ in range(4 * per_partial + 2):
            job = scheduler._next_low()
            picked.append((job.kind, job.key[0]))
            if job.kind == "revision":
                ask(job.key[0])  # the channel's next final asks again at once
        await scheduler.stop()
        return picked

    # An overdue revision postpones a waiting partial's turn by at most revisions_per_partial more
    # revisions: the partials still run (before the cap, none did while revisions kept coming).
    assert asyncio.run(loaded(1)) == [("revision", "A"), ("revision", "B"), ("partial", "A"), ("revision", "C"),
                                      ("revision", "A"), ("partial", "B")]
    revisions = [("revision", c) for c in "ABCABC"]
    assert asyncio.run(loaded(3)) == [*revisions, ("partial", "A"), *revisions, ("partial", "B")]


def test_the_low_lane_can_run_several_revisions_before_a_waiting_partial(customer_16k):
    """``revisions_per_partial``: corrected finals before fresher partials, but a partial still
    gets its turn while revisions keep coming."""
    from redactor.asr.engine import SpeechEngine
    from redactor.stream.scheduler import AsrScheduler

    clip = customer_16k[:16000]

    async def order():
        scheduler = AsrScheduler(SpeechEngine(), revisions_per_partial=2)  # not started: only queued and picked
        for call in "ABCD":
            scheduler.revision((call, "agent"), clip, 0.0, [(0.0, 1.0)], None)
        for call in "AB":
            scheduler.partial((call, "customer"), clip, 0.0, None)
        picked = []
        while (job := scheduler._next_low()) is not None:
            picked.append((job.kind, job.key[0]))
        await scheduler.stop()
        return picked

    assert asyncio.run(order()) == [("revision", "A"), ("revision", "B"), ("partial", "A"), ("revision", "C"),
                                    ("revision", "D"), ("partial", "B")]


def test_an_overdue_revision_goes_before_partials_and_a_waiting_one_is_never_dropped(customer_16k):
    """``revision_overdue_s``: once a channel's revision has waited that long (from its oldest
    request, whose place it keeps), waiting partials no longer get their turn before it; and a
    revision is not dropped for waiting (its finals would wait for the channel's next final)."""
    from redactor.asr.engine import SpeechEngine
    from redactor.stream.scheduler import AsrScheduler

    clip = customer_16k[:16000]

    async def order():
        scheduler = AsrScheduler(SpeechEngine(), revision_overdue_s=5.0)  # not started: only queued and picked
        for call in "ABC":
            scheduler.revision((call, "agent"), clip, 0.0, [(0.0, 1.0)], None)
            scheduler.partial((call, "customer"), clip, 0.0, None)
        old = scheduler._revisions[("A", "agent")]
        old.place = old.queued_at = old.queued_at - 60.0  # asked for a minute ago
        scheduler.revision(("A", "agent"), clip, 0.0, [(0.0, 1.0)], None)  # supersedes it, keeps its place
        scheduler._revisions[("B", "agent")].place -= 6.0  # overdue too, asked later than A's
        picked = []
        while (job := scheduler._next_low()) is not None:
            picked.append((job.kind, job.key[0]))
        await scheduler.stop()
        return picked

    # A and B are overdue: both before any partial; C is not: the alternation resumes.
    assert asyncio.run(order()) == [("revision", "A"), ("revision", "B"), ("partial", "A"), ("revision", "C"),
                                    ("partial", "B"), ("partial", "C")]


def test_a_request_that_supersedes_its_channels_older_one_keeps_its_place(customer_16k):
    """A channel asking again (its live edge, a newer final) must not go to the back of the lane
    each time: the newer request covers the older one's work and takes its place."""
    from redactor.asr.engine import SpeechEngine
    from redactor.stream.scheduler import AsrScheduler

    clip = customer_16k[:16000]

    async def order():
        scheduler = AsrScheduler(SpeechEngine())  # not started: only queued and picked
        first = scheduler.revision(("A", "agent"), clip, 0.0, [(0.0, 1.0)], None)
        scheduler.revision(("B", "agent"), clip, 0.0, [(0.0, 1.0)], None)
        scheduler.revision(("A", "agent"), clip, 0.0, [(0.0, 0.5), (0.5, 1.0)], None)  # supersedes A's first
        picked = []
        while (job := scheduler._next_low()) is not None:
            picked.append(job.key[0])
        await scheduler.stop()
        return first.result(), picked

    assert asyncio.run(order()) == (None, ["A", "B"])


def test_revisions_go_earliest_deadline_first(customer_16k):
    """A window with a final's first look (deadline: that final's ``revision_horizon_s``) goes before
    windows asked for earlier that only re-read finals (no deadline: their change past the horizon
    goes to the call record); a request superseding its channel's older one keeps the earlier
    deadline (it covers that work). Queued and picked only (not started)."""
    from redactor.asr.engine import SpeechEngine
    from redactor.stream.scheduler import AsrScheduler

    clip = customer_16k[:16000]

    async def order():
        scheduler = AsrScheduler(SpeechEngine())
        scheduler.revision(("A", "agent"), clip, 0.0, [(0.0, 1.0)], None)  # later looks only, asked first
        scheduler.revision(("B", "agent"), clip, 0.0, [(0.0, 1.0)], None, deadline=200.0)
        scheduler.revision(("C", "agent"), clip, 0.0, [(0.0, 1.0)], None, deadline=100.0)
        scheduler.revision(("B", "agent"), clip, 0.0, [(0.0, 1.0)], None, deadline=300.0)  # keeps 200
        scheduler.revision(("D", "agent"), clip, 0.0, [(0.0, 1.0)], None, deadline=250.0)
        picked = []
        while (job := scheduler._next_low()) is not None:
            picked.append(job.key[0])
        await scheduler.stop()
        return picked

    assert asyncio.run(order()) == ["C", "B", "D", "A"]


def test_a_final_is_read_at_the_live_edge_when_no_later_utterance_comes(customer_16k, engine):
    """``revision_deadline_s`` after an utterance, its second pass runs on the audio received so far
    (the silence or open speech after it as context), whether or not the speaker has finished
    another utterance: the improved text reaches the agent a bounded time after the speech, not
    at the speaker's next sentence or the call's end. The first look is off here, so every
    revision comes from the live edge (real model, real session, every job awaited per frame)."""
    from redactor.stream.revision import waiting
    from redactor.stream.session import CallManager, StreamOptions

    settle = 2.0
    options = StreamOptions(partials=False, speculate_ms=0, revision_first_look=False, revision_deadline_s=settle)
    audio = np.concatenate([customer_16k, np.zeros(4 * 16000, dtype=np.float32)])  # then 4 s of silence
    frame = 320

    async def play():
        events, settled_at = [], {}
        manager = CallManager(lambda _call, event: events.append(event.to_json()), options, engine=engine)
        manager.scheduler.revision_drop_s = float("inf")
        session = await manager.open("live-edge", ("customer",), policy=None, source="test")
        ch = session._channels["customer"]
        try:
            for i in range(0, audio.size, frame):
                session.feed("customer", audio[i:i + frame], 16000)
                while session._pending:
                    await asyncio.gather(*list(session._pending), return_exceptions=True)
                now = (i + frame) / 16000
                settled_at.update({p.segment: (now, p.end) for p in ch.history
                                   if p.settled and p.segment not in settled_at})
            history = list(ch.history)
            assert not waiting(history, ch.seconds(ch.clock), session._edge, options.revision_window_s,
                               session._speech_from(ch))
            await session.close()
        finally:
            await manager.close_all()
        return events, history, settled_at

    events, history, settled_at = asyncio.run(play())
    assert len(history) >= 2
    # Every final was read with the context after it, settle_s after its end (one 20-ms frame of slack).
    assert set(settled_at) == {p.segment for p in history}
    assert all(at - end <= settle + 0.03 for at, end in settled_at.values()), settled_at
    # Revisions follow their segment's first final and count up (a newer final in a live-edge window
    # gets its first look there, and its own settled look later).
    versions: dict[str, int] = {}
    for e in (e for e in events if e["type"] == "transcript"):
        assert e.get("revision", 0) == (versions[e["segment_id"]] + 1 if e.get("revision") else 0)
        versions[e["segment_id"]] = e.get("revision", 0)


def test_a_calls_first_final_keeps_its_audio_for_the_second_pass_while_it_is_redacted(customer_16k, engine):
    """The audio of a final is kept until the final joins the channel's history, also while the
    PII thread is busy with it and more audio arrives: the first final of a call lost its audio
    there (nothing older in the history held it), and every revision window holding it was
    skipped until it fell out of the 30-s window (the late first revisions at a call's start).
    Real model, real session; the PII thread is held busy on purpose."""
    import threading

    from redactor.stream.session import CallManager, StreamOptions

    options = StreamOptions(partials=False, speculate_ms=0)
    frame = 320

    async def play():
        notes: list[dict] = []
        manager = CallManager(lambda _call, _event: None, options, engine=engine)
        manager.scheduler.revision_drop_s = float("inf")
        manager.scheduler.timeline = notes.append
        session = await manager.open("keep-audio", ("customer",), policy=None, source="test")
        ch = session._channels["customer"]
        gate = threading.Event()
        manager.pii_pool.submit(gate.wait)  # the PII thread is busy: the first final waits for it
        try:
            frames = iter(range(0, customer_16k.size, frame))
            for stop, wait in ((8.0, True), (10.5, False)):
                for pos in frames:  # the customer's first utterance (4.6–6.8 s) ends
                    session.feed("customer", customer_16k[pos:pos + frame], 16000)
                    await asyncio.sleep(0)
                    if pos + frame >= stop * 16000:
                        break
                while wait and session._waiting:  # its final is decoded and waits for the PII thread
                    await asyncio.sleep(0.05)
            gate.set()  # 3.7 s more audio arrived meanwhile (silence: the audio buffer's trimming ran)
            while session._pending:
                await asyncio.gather(*list(session._pending), return_exceptions=True)
            first = ch.history[0]
            kept = int(first.offset * 16000) >= ch.audio_start
            for pos in frames:
                session.feed("customer", customer_16k[pos:pos + frame], 16000)
                while session._pending:
                    await asyncio.gather(*list(session._pending), return_exceptions=True)
            await session.close()
        finally:
            gate.set()
            await manager.close_all()
        return first.segment, kept, notes

    first, kept, notes = asyncio.run(play())
    assert kept
    assert not [n for n in notes if n["step"] == "revision_skipped" and n["why"] == "audio_gone"], notes
    # Short alone (under revision_min_s), it is read at once with the full 30-s context.
    queued = [n for n in notes if n["step"] == "revision_queued" and first in n["segments"]]
    assert queued and not queued[0]["urgent"]


def test_a_revision_that_shows_the_agent_nothing_new_is_not_sent():
    """A second-pass decode that differs from the shown version only under a mask or in
    punctuation (the digits of 「<DIGITS>です」 heard again, a full stop added) is taken in but
    not sent: the agent would see the same line marked as corrected, seconds later."""
    from redactor.stream.revision import Published, shows_news

    p = Published("customer-4", 24.0, 26.0, None, "1234です", display="<DIGITS>です")
    assert not shows_news(p, "<DIGITS>です。")
    assert not shows_news(p, "<DIGITS> です")
    assert shows_news(p, "<DIGITS>ですね")
    assert shows_news(p, "<CREDIT_CARD>です")  # a new mask type is news
    assert shows_news(p, "1234です")  # never: an earlier mask is kept (kept_spans); a change is news


def test_a_short_window_is_encoded_with_the_full_30_s_context(engine):
    """``ShortContextWhisperModel.full_context``: inside it the encoder sees Whisper's whole
    30-s window (1500 positions), outside it the real audio plus the short padding."""
    from redactor.asr.engine import SpeechEngine
    from redactor.asr.options import AsrOptions

    model = SpeechEngine(AsrOptions()).model
    features = np.zeros((1, 80, 3000), dtype=np.float32)
    features[..., :200] = -0.5  # 2 s of audio, then the zero padding pad_or_trim appends
    assert model.encode(features).shape[1] == (200 + model.pad_frames) // 2
    with model.full_context():
        assert model.encode(features).shape[1] == 1500
    assert model.encode(features).shape[1] == (200 + model.pad_frames) // 2


def test_a_calls_first_words_are_read_again_at_once_not_with_the_next_utterance(customer_16k, engine):
    """A channel's first final is shorter than ``revision_min_s``: its second pass runs as soon as
    it is published (with the full 30-s context), not when the speaker's next utterance makes a
    longer window (the call starts' first revisions came 5-18 s late, #12 round 6). Real model,
    real session, every job awaited after each 20-ms frame; times are audio seconds fed."""
    from redactor.stream.session import CallManager, StreamOptions

    options = StreamOptions(partials=False, speculate_ms=0)
    frame = 320

    async def play():
        notes: list[dict] = []
        fed = [0.0]
        manager = CallManager(lambda _call, _event: None, options, engine=engine)
        manager.scheduler.revision_drop_s = float("inf")
        manager.scheduler.timeline = lambda note: notes.append({**note, "t": fed[0]})
        session = await manager.open("first-words", ("customer",), policy=None, source="test")
        try:
            for i in range(0, customer_16k.size, frame):
                session.feed("customer", customer_16k[i:i + frame], 16000)
                fed[0] = (i + frame) / 16000
                while session._pending:
                    await asyncio.gather(*list(session._pending), return_exceptions=True)
            history = list(session._channels["customer"].history)
            await session.close()
        finally:
            await manager.close_all()
        return notes, history

    notes, history = asyncio.run(play())
    first, second = history[0], history[1]
    assert first.end - first.offset < options.revision_min_s  # the case in question
    published = {n["segment"]: n["t"] for n in notes if n["step"] == "final_published"}
    queued = next(n for n in notes if n["step"] == "revision_queued" and first.segment in n["segments"])
    assert queued["t"] == published[first.segment]
    assert queued["full_context"]
    outcome = next(n for n in notes if n.get("segment") == first.segment
                   and n["step"] in ("revision_unchanged", "revision_published"))
    assert outcome["t"] < published[second.segment]


def test_a_window_decode_that_skipped_speech_does_not_replace_the_version_shown():
    """A second-pass decode whose words for an utterance include one lasting over
    ``SKIPPED_WORD_S`` (「が」 dated over 2.9 s where 「かしこまりました、メールアドレスを…」 was
    said: the decoder jumped) is no reading of it: the version shown stands. A word stretched
    over a pause (up to ~1.5 s on the sample calls) is still a reading."""
    from redactor.asr.engine import _readable
    from redactor.asr.options import GuardOptions

    guards = GuardOptions()
    skipped = _words(("が", 64.77, 67.71), ("いた", 67.71, 67.95), ("します。", 67.95, 68.33))
    assert not _readable(skipped, 65.88, 68.55, guards)
    heard = _words(("あり", 65.2, 65.9), ("ました", 65.9, 66.1), ("メール", 66.5, 66.8), ("です", 66.8, 67.2))
    assert _readable(heard, 65.88, 68.55, guards)
    paused = _words(("あ", 72.37, 73.87), ("の", 73.87, 74.0), ("です", 74.0, 74.3))  # a pause in a word
    assert _readable(paused, 72.3, 74.5, guards)
    assert not _readable(heard, 70.0, 72.0, guards)  # dated clear of the utterance (a neighbour's)
    assert not _readable([], 65.88, 68.55, guards)


@pytest.mark.parametrize(("change", "field"), [
    ({"revision_horizon_s": -1.0}, "revision_horizon_s"),
    ({"revision_interim_s": float("nan")}, "revision_interim_s"),
    ({"revision_settle_s": float("nan")}, "revision_settle_s"),
    ({"partial_every_s": -0.5}, "partial_every_s"),
    ({"speculate_ms": -200}, "speculate_ms"),
    ({"max_calls": 0}, "max_calls"),
    ({"revision_window_s": 0.0}, "revision_window_s"),
    ({"revision_window_s": float("inf")}, "revision_window_s"),
    ({"max_utterance_s": float("nan")}, "max_utterance_s"),
    # An interim look is for the screen: at or after the horizon it would never be shown.
    ({"revision_horizon_s": 5.0, "revision_interim_s": 5.0}, "revision_interim_s"),
    ({"revision_horizon_s": 5.0, "revision_interim_s": 8.0}, "revision_interim_s"),
])
def test_stream_options_reject_a_bad_value_naming_the_field(change, field):
    from redactor.stream.session import StreamOptions

    with pytest.raises(ValueError, match=rf"StreamOptions\.{field}\b"):
        StreamOptions(**change)


def test_stream_options_take_off_switches_and_an_interim_look_inside_the_horizon():
    from redactor.stream.session import StreamOptions

    inf = float("inf")
    defaults = StreamOptions()  # the defaults are valid: horizon, interim look and recheck off
    assert (defaults.revision_horizon_s, defaults.revision_interim_s, defaults.revision_recheck_s) == (inf, inf, inf)
    assert StreamOptions(revision_horizon_s=5.0, revision_interim_s=3.0).revision_interim_s == 3.0
    assert StreamOptions(revision_horizon_s=inf, revision_interim_s=3.0).revision_horizon_s == inf  # every change shown
    assert StreamOptions(revision_horizon_s=5.0, revision_interim_s=inf).revision_interim_s == inf  # interim off
    off = StreamOptions(revision_deadline_s=inf, revision_context_s=inf, revision_left_s=inf, speculate_ms=0)
    assert (off.revision_deadline_s, off.speculate_ms) == (inf, 0)


def test_a_revision_with_a_deadline_goes_before_partials_missed_deadlines_first(customer_16k):
    """Partials are cosmetic: a revision with a deadline (``revision_target_s`` after a final it may
    correct on the screen) runs before any waiting partial, however many revisions ran in a row,
    earliest deadline first, a missed one too (ranked after those still in time, it waited 14 s at
    p95 on a loaded box: the oldest final's correction is in its window); one without a deadline
    takes turns with partials (``revisions_per_partial``). Queued and picked only."""
    import time

    from redactor.asr.engine import SpeechEngine
    from redactor.stream.scheduler import AsrScheduler

    clip = customer_16k[:16000]

    async def order():
        now = time.monotonic()
        scheduler = AsrScheduler(SpeechEngine(), revisions_per_partial=1)
        scheduler.revision(("A", "agent"), clip, 0.0, [(0.0, 1.0)], None)  # no deadline, asked first
        scheduler.partial(("A", "customer"), clip, 0.0, None)
        scheduler.revision(("C", "agent"), clip, 0.0, [(0.0, 1.0)], None, deadline=now + 60.0)
        scheduler.revision(("D", "agent"), clip, 0.0, [(0.0, 1.0)], None, deadline=now + 30.0)
        scheduler.revision(("B", "agent"), clip, 0.0, [(0.0, 1.0)], None, deadline=now - 1.0)  # missed
        scheduler.partial(("B", "customer"), clip, 0.0, None)
        picked = []
        while (job := scheduler._next_low()) is not None:
            picked.append((job.kind, job.key[0]))
        await scheduler.stop()
        return picked

    assert asyncio.run(order()) == [("revision", "B"), ("revision", "D"), ("revision", "C"), ("partial", "A"),
                                    ("revision", "A"), ("partial", "B")]


def test_the_replays_one_lane_simulation_runs_requests_earliest_deadline_first_and_merges_a_channels():
    """``benchmarks/stream_replay.simulate``: the replay's requests through one serial lane. Channel
    a's first request decodes at once (10.5-11.5 s: 10 s of audio at RTF 0.1); meanwhile b asks
    (deadline 15.7) and a asks twice more (deadlines 16.3, inf): a's two merge into one job that
    reaches back to the older one's start, and b's earlier deadline goes first."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from stream_replay import simulate

    notes = []
    for rid, channel, t, start, due_by, segment in (("r1", "a", 10.0, 0.0, 15.0, "a-1"),
                                                    ("r2", "b", 10.2, 0.0, 15.2, "b-1"),
                                                    ("r3", "a", 10.3, 5.0, 15.8, "a-2"),
                                                    ("r4", "a", 10.4, 8.0, float("inf"), None)):
        if segment:
            notes.append({"step": "final_published", "call": "c", "segment": segment, "end": t})
        notes.append({"step": "revision_queued", "rid": rid, "call": "c", "channel": channel, "t": t,
                      "start": start, "end": t, "due_by": due_by, "urgent": False})
    for rid, segment in (("r1", "a-1"), ("r2", "b-1"), ("r4", "a-2")):  # a-2's correction came with r4
        notes.append({"step": "revision_published", "call": "c", "segment": segment, "revision": 1, "rid": rid})
    result = simulate(notes, 0.1, stagger_s=0.0, first_pass_s=0.5)
    # a-1 done at 11.5 (1.5 s after its end); then b-1 (earlier deadline) at 12.52; then a's merged
    # job, 5.0-10.4 s of audio, at 13.06: a-2 2.76 s after its end.
    assert result["corrections"] == 3
    assert result["busy_s"] == pytest.approx(1.0 + 1.02 + 0.54, abs=0.05)
    assert (result["p50"], result["p95"], result["late"]) == (2.32, pytest.approx(2.72, abs=0.01), 0)
    assert simulate(notes, 0.5, stagger_s=0.0, first_pass_s=0.5)["late"] == 3  # 5 + 5.1 + 2.7 s: all late
