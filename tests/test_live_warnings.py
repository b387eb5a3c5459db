"""Warnings and the identity checklist live = batch: a function of each turn's latest version.

Live, a turn arrives first as a fast first pass and later as revisions (``Conversation.revise``),
in an order set by the scheduler, not by the call.  The texts below are what the live server's
first pass and second pass really produced for the address-change sample call
(``samples/calls/call_address_change.wav``, synthetic voices and invented values), captured
from ``benchmarks/stream_replay.py``'s run of the real live code: the agent's requests garbled in
the first pass (お便は → おめがいたします), recognised in a revision.  Batch is
``redact_turns`` (what ``redactor batch`` runs) on the same final texts.  Real GiNZA engine.
"""

from __future__ import annotations

import random

import pytest
from test_conversation import _utterance

from redactor.batch.pipeline import BatchOptions, redact_turns
from redactor.conversation import Conversation, Identity
from redactor.engine import Engine
from redactor.policy.engine import REPLAY_TURNS

# (segment, speaker, start, end, first pass) in the order the first finals arrived.
FIRST = [
    ("agent-1", "agent", 0.50, 1.32, "お店はありがとうございます"),
    ("agent-2", "agent", 2.49, 6.75, "緑通信カスタマーセンサーは 担当のさとを目御でいます"),
    ("customer-2", "customer", 8.22, 9.14, "彼に彼をしたので"),
    ("customer-3", "customer", 9.66, 12.14, "中所の健康をお願いしたいんですけど"),
    ("agent-3", "agent", 13.46, 18.88,
     "こうでございますね、かしこなりました、ごけい 学者様のお名前をおめがいたします。"),
    ("customer-4", "customer", 19.70, 20.80, "スドキ一度は、です"),
    ("agent-4", "agent", 21.37, 22.47, "続きたまですね。"),
    ("agent-5", "agent", 23.64, 27.14, "のため、お労力なお弁護が御を めがいたします"),
    ("customer-6", "customer", 29.24, 30.22, "2 3 4 4"),
    ("customer-7", "customer", 30.94, 32.24, "67589です"),
    ("agent-6", "agent", 33.50, 33.70, "ありがとうございます"),
    ("agent-7", "agent", 35.26, 39.56, "が取れました新しいご便庁の有便番号をおめがいたします"),
]
# Their second pass, in the order a late scheduler delivered them: the agent's confirmation
# (確認が取れました) before the name and phone requests it confirms were recognised.
REVISED = [
    ("customer-4", "続き一度です。"),
    ("agent-7", "確認が取れました。新しいご便庁の有名番号をおめがいたします。"),
    ("agent-3", "健康でございますねかしこなりました 御協約者様のお名前をお願いいたします"),
    ("agent-5", "認のためご登録のお電話番号をお願いいたします"),
]
TIMES = {seg: (speaker, start, end) for seg, speaker, start, end, _ in FIRST}


def live(engine: Engine, revisions: list[tuple[str, str]], first=FIRST) -> tuple[Conversation, list]:
    """First passes then ``revisions`` through one conversation, as the live session calls it."""
    conversation = engine.conversation("live-address")
    warnings = []
    for seg, speaker, start, end, text in first:
        warnings += conversation.turn(text, speaker, start=start, end=end, segment_id=seg).warnings
    for seg, text in revisions:
        speaker, start, _end = TIMES[seg]
        warnings += conversation.revise(text, speaker, start=start, segment_id=seg).warnings
    return conversation, warnings


def batch(engine: Engine, revisions: list[tuple[str, str]]) -> tuple[list[tuple[str, str | None]], Identity]:
    """``redactor batch``'s redaction of the same final texts (every turn's latest version)."""
    latest = {seg: text for seg, *_rest, text in FIRST} | dict(revisions)
    turns = [(speaker, _utterance(start, end, latest[seg])) for seg, speaker, start, end, _ in FIRST]
    _segments, warnings = redact_turns(engine, "batch-address", turns, 40.0, BatchOptions())
    # The checklist is no part of batch's output: the same turns through a conversation give it.
    conversation = engine.conversation("batch-address-identity")
    for (seg, speaker, start, end, _), (_s, utt) in zip(FIRST, turns, strict=True):
        conversation.turn(utt.text, speaker, start=start, end=end, segment_id=seg)
    # Batch numbers its segments itself: a warning's turn is named by its start time.
    segment_at = {round(start, 2): seg for seg, _sp, start, _e, _t in FIRST}
    return sorted((w["kind"], segment_at[w["time"]]) for w in warnings), Identity.of(conversation.state)


def test_the_first_pass_alone_does_not_complete_the_check(engine: Engine) -> None:
    """The premise: the name request's usual garble (おめがいたします) reads as a request, the
    phone request's (…お弁護が御を めがいたします) does not: nothing is verified."""
    conversation, warnings = live(engine, [])
    assert conversation.state.name_asked and not conversation.state.phone_asked
    assert not conversation.state.verified and warnings == []


def test_a_request_recognised_late_completes_the_check_on_the_turns_after_it(engine: Engine) -> None:
    conversation, warnings = live(engine, REVISED)
    state = conversation.state
    assert state.name_asked and state.name_given and state.phone_asked and state.verified
    # Raised once, on the agent's confirmation (a turn the revision of agent-3 did not touch).
    assert [(w.kind, w.segment_id) for w in warnings] == [("identity_verified", "agent-7")]


def test_live_warnings_and_checklist_equal_batch_on_the_same_final_texts(engine: Engine) -> None:
    """Batch reads the phone answer as one (its request is clear there) and verifies on it; live
    verified earlier, on the confirmation, and a warning is raised once: the same kinds."""
    conversation, warnings = live(engine, REVISED)
    batch_warnings, batch_identity = batch(engine, REVISED)
    assert batch_warnings == [("identity_verified", "customer-6")]
    assert [w.kind for w in warnings] == [kind for kind, _seg in batch_warnings]
    assert Identity.of(conversation.state) == batch_identity
    assert batch_identity.phone_given  # the answer after the garbled request, read again


@pytest.mark.parametrize("seed", range(6))
def test_any_arrival_order_of_the_versions_gives_batch_s_result(engine: Engine, seed: int) -> None:
    """Each revision arrives at a random point after its own first pass (scheduler order)."""
    rng = random.Random(seed)
    slots = {seg: i for i, (seg, *_rest) in enumerate(FIRST)}
    events = [("turn", i, row) for i, row in enumerate(FIRST)]
    for seg, text in REVISED:
        events.append(("revise", rng.randint(slots[seg], len(FIRST) - 1) + rng.random(), (seg, text)))
    conversation = engine.conversation(f"order-{seed}")
    warnings = []
    for op, _at, row in sorted(events, key=lambda e: (e[1], e[0] == "revise")):
        if op == "turn":
            seg, speaker, start, end, text = row
            warnings += conversation.turn(text, speaker, start=start, end=end, segment_id=seg).warnings
        else:
            seg, text = row
            speaker, start, _end = TIMES[seg]
            warnings += conversation.revise(text, speaker, start=start, segment_id=seg).warnings
    batch_warnings, batch_identity = batch(engine, REVISED)
    assert sorted(w.kind for w in warnings) == [kind for kind, _seg in batch_warnings]
    assert Identity.of(conversation.state) == batch_identity


def test_a_warning_is_raised_once_and_never_withdrawn(engine: Engine) -> None:
    """The card sample call live: カード番号 garbled, then heard (the request for a card number
    a general_support call does not need), then garbled again in a later revision."""
    conversation = engine.conversation("card", "general_support")
    conversation.turn("バード番号をおめがいいかします。", "agent", start=31.6, end=33.2, segment_id="agent-7")
    conversation.turn("1008100", "customer", start=34.4, end=36.1, segment_id="customer-5")
    raised = conversation.revise("カード番号をお願いいたします", "agent", start=31.3, segment_id="agent-7").warnings
    # The request, and the answer after it read again as a card number.
    assert [(w.kind, w.entity_type, w.segment_id) for w in raised] == [
        ("agent_requests_unneeded", "CREDIT_CARD", "agent-7"), ("unneeded_pii", "CREDIT_CARD", "customer-5")]
    again = conversation.revise("カード番号をおお願いいたします。", "agent", start=31.4, segment_id="agent-7")
    gone = conversation.revise("バード番号をおめがいいかします。", "agent", start=31.4, segment_id="agent-7")
    assert again.warnings == [] and gone.warnings == []  # not raised twice, not taken back
    assert {("agent_requests_unneeded", "CREDIT_CARD"), ("unneeded_pii", "CREDIT_CARD")} <= conversation.state.fired


def test_verified_stays_verified_when_a_revision_drops_the_confirmation(engine: Engine) -> None:
    conversation, _warnings = live(engine, REVISED)
    turn = conversation.revise("が取れました新しいご便庁の有便番号をおめがいたします", "agent", start=35.26,
                               segment_id="agent-7")
    assert conversation.state.verified and turn.warnings == []
    assert turn.identity is None  # the checklist did not change: no event for the screen


def test_a_revision_reports_the_checklist_it_changed(engine: Engine) -> None:
    """The screen's 本人確認 panel follows a replay: the revision's turn carries the new checklist."""
    conversation, _warnings = live(engine, REVISED[:1])
    assert not conversation.state.verified
    turn = conversation.revise(REVISED[3][1], "agent", start=23.64, segment_id="agent-5")
    assert turn.identity is not None and turn.identity.phone_asked and turn.identity.phone_given


def test_only_the_last_turns_are_kept_for_replay(engine: Engine) -> None:
    """Raw text is kept in memory for the last ``REPLAY_TURNS`` turns only; a revision of an
    older turn is judged where it arrives (as before replays existed)."""
    conversation = engine.conversation("long")
    conversation.turn("お名前を めがいたします", "agent", start=0.0, end=1.0, segment_id="agent-0")
    for i in range(1, REPLAY_TURNS + 1):
        conversation.turn("はい", "customer", start=float(i), end=i + 0.5, segment_id=f"customer-{i}")
    assert conversation.state.since("agent-0") is None  # its text is no longer kept
    assert len(conversation.state.since("customer-1") or []) == REPLAY_TURNS
    turn = conversation.revise("お名前をお願いいたします", "agent", start=0.0, segment_id="agent-0")
    assert conversation.state.name_asked and turn.identity is not None
    assert conversation.state.since("agent-0") is None  # judged, not taken into the window as a new turn
    assert len(conversation.state.since("customer-1") or []) == REPLAY_TURNS


def test_an_answer_re_read_after_its_request_is_recognised_is_returned_to_show_again(engine: Engine) -> None:
    """The phone number after the garbled phone request was masked only by the digit net; once a
    revision recognises the request, the answer is read as the phone number and handed back (for
    the live call to show as a revised final); a turn whose masking did not change is not."""
    conversation, _warnings = live(engine, REVISED[:3])
    turn = conversation.revise(REVISED[3][1], "agent", start=23.64, segment_id="agent-5")
    assert [(r.segment_id, [e.type for e in r.entities]) for r in turn.reread] == [("customer-6", ["PHONE_NUMBER"])]
    assert "PHONE_NUMBER" in turn.reread[0].text and not any(ch.isdigit() for ch in turn.reread[0].text)


def test_a_re_read_never_shows_what_the_shown_version_masked(engine: Engine) -> None:
    """A revision of the answer kept a stretch masked that an earlier version masked (``keep``: by
    audio time, whatever the engine says of the new words); the re-read masks it still."""
    conversation, _warnings = live(engine, [])
    shown = conversation.revise("はい 2 3 4 4", "customer", start=29.24, segment_id="customer-6",
                                keep=[(0, 2, "PERSON")])
    assert shown.text.startswith("<PERSON>")
    turn = conversation.revise(REVISED[3][1], "agent", start=23.64, segment_id="agent-5")
    [again] = [r for r in turn.reread if r.segment_id == "customer-6"]
    assert again.text.startswith("<PERSON>") and "<PHONE_NUMBER>" in again.text, again.text
