"""The second pass of a live call: what a revised final may show.

A channel's finals are decoded again together (``SpeechEngine.transcribe_spans``) and a
segment whose text changed gets a revised final: first as soon as the low lane decodes the window
that ends with it, once more when a window reads it with later speech after it (``due``).
Each published version masked some stretches of audio; the rule for a revision:

    audio time masked in any earlier version stays masked: every word of the revision that
    overlaps it is masked (with the earlier type), unless the word cannot be personal data at
    all: punctuation, or a particle, copula or backchannel (``NEVER_PII``).

The engine may mask more in a revision (it heard the value better), never less. Times, not
characters, because the two decodes spell the same speech differently. A word the window decode
moved (``Word.moved_s``: a short piece dated where the next words begin) counts at both its
times: the first pass, decoded alone, keeps the decoder's date (佐藤 masked at 10.0 s and moved to
11.6 s by the revision must stay masked), and a later decode may not move it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from redactor.asr.engine import Word
from redactor.asr.guards import normalise
from redactor.pii.catalogue import Entity

# Words that cannot carry a value whatever they overlap: revealing them reveals nothing.
NEVER_PII = frozenset({
    "です", "ます", "でした", "ました", "でございます", "ございます", "はい", "ええ", "えー", "あの", "えっと",
    "は", "が", "を", "に", "で", "と", "も", "の", "ね", "よ", "か", "な", "へ",
})
# A word overlapping a masked stretch by at least this long (or half its own length) is inside it:
# the two decodes' word times differ by tens of milliseconds.
MIN_OVERLAP_S = 0.05


@dataclass(slots=True)
class Published:
    """A final the agent has seen, kept in memory for its second pass (never logged).

    ``masked`` holds the audio times ``(start, end, type)`` every version so far has masked."""

    segment: str
    offset: float  # channel seconds: where its decoded audio starts ...
    end: float  # ... and ends
    context: str | None  # the call's text before it: the prompt of a window that starts with it
    text: str
    masked: list[tuple[float, float, str]] = field(default_factory=list)
    revision: int = 0
    words: Sequence[Word] = ()  # of the version shown (``text``), to place a re-read's masks in time
    shown: tuple[float, float] = (0.0, 0.0)  # start and end of the version shown
    display: str = ""  # the masked text the agent sees (a revision that shows the same is not sent)
    # The version on the agent's screen: its words and masked audio times (``masks_more``); a
    # revision past ``revision_horizon_s`` goes to the call record only and leaves them as they are.
    screen_words: Sequence[Word] = ()
    screen_masked: list[tuple[float, float, str]] = field(default_factory=list)
    revised: bool = False  # decoded by a second pass (at the latest in the end-of-call pass)
    settled: bool = False  # ... with ``revision_settle_s`` of the channel's speech after it
    interim: bool = False  # read once at the live edge ``revision_interim_s`` after it (``LiveEdge``)
    asked: bool = False  # its first look was asked for (``StreamOptions.revision_defer_s``)


def shows_news(p: Published, masked: str) -> bool:
    """Whether a revision's masked text shows the agent anything ``p``'s shown version does not:
    a new decode that differs only under a mask or in punctuation (「<DIGITS>です」 →
    「<DIGITS>です。」) is taken in (warnings, the call record) but not sent as a revision."""
    return normalise(masked) != normalise(p.display)


def past_horizon(p: Published, now: float, horizon_s: float) -> bool:
    """Whether ``p``'s utterance (its VAD end) ended more than ``horizon_s`` before ``now``
    (channel seconds): a correction that late arrives after the conversation moved on."""
    return now - p.end > horizon_s


def may_correct_screen(p: Published, now: float, horizon_s: float) -> bool:
    """Whether a look at ``p`` now may bring its first correction to the agent's screen: the screen
    shows it uncorrected, and the look is shown (its first look always; a later one within the
    horizon)."""
    return p.revision == 0 and (not p.revised or not past_horizon(p, now, horizon_s))


def masks_more(p: Published, masked: Sequence[tuple[float, float, str]]) -> bool:
    """Whether a version masking the audio times ``masked`` hides a word the agent's screen shows
    unmasked (a word of the screen version that can carry a value, inside a new masked stretch
    and in none the screen masks): such a revision is always pushed, whatever its age."""
    for w in p.screen_words:
        word = normalise(w.text)
        if not word or word in NEVER_PII:
            continue
        if _within(w, masked) and not _within(w, p.screen_masked):
            return True
    return False


def _within(w: Word, masked: Sequence[tuple[float, float, str]]) -> bool:
    return any(_inside(s, e, t0, t1) for t0, t1, _k in masked for s, e in w.times())


def first_look_due(history: Sequence[Published], now: float, defer_s: float) -> bool:
    """Whether a final of ``history`` has waited ``defer_s`` (channel seconds at ``now``) after its
    end for a first look nobody asked for yet: the speaker's next final did not come in time to
    share a window with it."""
    return any(not p.revised and not p.asked and now - p.end >= defer_s for p in history)


def due(p: Published, settles: bool) -> bool:
    """Whether a window should (re)decide ``p``'s text: its first second pass, or the one that
    ``settles`` it, reading it with later speech (Whisper decodes a stretch better with context on
    both sides; a final revised as the newest had none after it)."""
    return not p.revised or (not p.settled and settles)


def word_chars(words: Sequence[Word]) -> list[tuple[int, int]]:
    """Character range of each word in the concatenated text."""
    out, pos = [], 0
    for w in words:
        out.append((pos, pos + len(w.text)))
        pos += len(w.text)
    return out


def masked_times(entities: Sequence[Entity], words: Sequence[Word], start: float,
                 end: float) -> list[tuple[float, float, str]]:
    """The audio time each entity covers: from the first to the last word it touches (the whole
    utterance when the words do not spell the text, e.g. after a guard cut)."""
    chars = word_chars(words)
    out = []
    for e in entities:
        touched = [w for w, (a, b) in zip(words, chars, strict=True) if a < e.end and e.start < b]
        if not touched:
            out.append((start, end, e.type))
            continue
        # The stretch as shown, and as the decoder dated it if a word was moved (a later
        # version may date it either way).
        shown = [w.times()[0] for w in touched]
        decoded = [w.times()[-1] for w in touched]
        for dated in (shown, decoded) if decoded != shown else (shown,):
            out.append((min(a for a, _ in dated), max(b for _, b in dated), e.type))
    return out


def kept_spans(words: Sequence[Word], masked: Sequence[tuple[float, float, str]]) -> list[tuple[int, int, str]]:
    """Character spans of a revision that stay masked: its words that overlap audio an earlier
    version masked (at either of their ``Word.times``), unless the word cannot be personal data
    (``NEVER_PII``)."""
    out = []
    for w, (a, b) in zip(words, word_chars(words), strict=True):
        word = normalise(w.text)
        if not word or word in NEVER_PII:
            continue
        kind = next((k for t0, t1, k in masked if any(_inside(s, e, t0, t1) for s, e in w.times())), None)
        if kind is None:
            continue
        if out and out[-1][1] == a and out[-1][2] == kind:  # one placeholder per stretch
            out[-1] = (out[-1][0], b, kind)
        else:
            out.append((a, b, kind))
    return out


def _inside(start: float, end: float, t0: float, t1: float) -> bool:
    """Whether a word said from ``start`` to ``end`` lies in the masked stretch ``t0``–``t1``."""
    overlap = min(end, t1) - max(start, t0)
    inside = t0 <= start and end <= t1  # a zero-length word inside a masked stretch
    return inside or (overlap >= min(MIN_OVERLAP_S, (end - start) / 2) and overlap > 0)


def window(history: Sequence[Published], seconds: float, end: float | None = None) -> list[Published]:
    """The last finals of a channel to decode together: the stretch of the channel, at most
    ``seconds`` long, that ends with the newest (or at ``end``, the channel's live edge; revised
    ones in it are context)."""
    if not history:
        return []
    end = history[-1].end if end is None else end
    picked = [p for p in history if end - p.offset <= seconds]
    return picked or [history[-1]]


def context_start(pieces: Sequence[Published], due: Sequence[bool], end: float, left_s: float,
                  min_s: float) -> int:
    """Index of the first of a window's ``pieces`` (ending at ``end``) to decode: the finals before
    the first ``due`` one are context only; the window keeps at least ``left_s`` seconds of them
    (from the start of a final) and lasts at least ``min_s``."""
    first_due = pieces[list(due).index(True)].offset
    k = 0
    while not due[k] and pieces[k + 1].offset <= first_due - left_s and end - pieces[k + 1].offset >= min_s:
        k += 1
    return k


def text_before(cut: Sequence[Published], chars: int) -> str | None:
    """The prompt of a window whose first finals were ``cut`` off it (``context_start``): the last
    ``chars`` characters of their text as it reads now (their second pass's, where it changed
    them); ``None`` when nothing was cut or ``chars`` is 0."""
    text = "".join(p.text for p in cut)[-chars:] if chars else ""
    return text or None


@dataclass(frozen=True, slots=True)
class LiveEdge:
    """When a final is read at a channel's live edge (the audio received so far), not only by a
    window that ends with a later final: ``deadline_s`` after its end whatever follows it, or
    ``settle_s`` after its end once the speaker has been speaking again for ``context_s`` (the
    open utterance is right context before its own final exists)."""

    settle_s: float
    deadline_s: float
    context_s: float
    # An *interim* look: a final read once at the live edge this long after its end, whatever
    # follows, that does not settle it (its change reaches the screen within the horizon; the
    # settling look with the speaker's next words still comes, for the call record).
    interim_s: float = math.inf
    # The same look, for a final whose first look confirmed the first pass (the screen shows it
    # uncorrected) only, this long after its end: its one more chance of a correction in time.
    recheck_s: float = math.inf

    def interim_due(self, p: Published, now: float) -> bool:
        """Whether a live-edge window ending at ``now`` gives ``p`` its interim look (after its
        first look, before it settled)."""
        return self.recheck_due(p, now) or (self._unsettled(p) and now - p.end >= self.interim_s)

    def recheck_due(self, p: Published, now: float) -> bool:
        """Whether that look is ``p``'s recheck: its first look confirmed it (the screen shows it
        uncorrected), ``recheck_s`` after its end."""
        return p.revision == 0 and self._unsettled(p) and now - p.end >= self.recheck_s

    @staticmethod
    def _unsettled(p: Published) -> bool:
        return p.revised and not p.settled and not p.interim

    def settles(self, p: Published, now: float, speech_from: Sequence[float]) -> bool:
        """Whether a live-edge window ending at ``now`` settles ``p``; ``speech_from``: where the
        channel's utterances began (kept finals, finals still decoding, the open utterance)."""
        after = now - p.end
        heard = now - min((t for t in speech_from if t > p.offset), default=now)
        return after >= self.deadline_s or (after >= self.settle_s and heard >= self.context_s)


def waiting(history: Sequence[Published], now: float, edge: LiveEdge, seconds: float,
            speech_from: Sequence[float]) -> bool:
    """Whether a final in the last ``seconds`` of a channel is unsettled and would be settled by a
    window ending now (no window ending with a later final has read it with context)."""
    return any(not p.settled and now - p.offset <= seconds
               and (edge.settles(p, now, speech_from) or edge.interim_due(p, now)) for p in history)
