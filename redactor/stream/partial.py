"""What a partial transcript may show: never what its final version will mask.

A partial is the text of an utterance still being spoken. Its last words are unstable and
the PII engine cannot yet see the whole value or the cue that may follow it (…の番号が
マイナンバーです), so ``partial_view`` shows less than the engine would mask on a final:

* the unstable tail is held back: the last ``HOLD_CHARS`` characters and the word they are
  part of (digits, kanji, katakana or Latin letters still arriving);
* in what is shown, everything the engine masks now is masked, and so is everything that
  could still become PII with more text: every digit (written, kanji or spoken, as the
  normaliser reads them), every run of Latin letters (e-mail, romaji names) and every
  proper noun (names and places, from GiNZA's SudachiPy tags) — as ``<PENDING>``.

``tests/test_partial.py`` checks the promise on every prefix of real utterances: no
character the final masks is ever shown by a partial of a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from redactor.conversation import mentions, remembered
from redactor.pii.catalogue import Entity
from redactor.pii.cues import NOT_PII
from redactor.pii.normalize import ENGLISH_DIGITS, normalize
from redactor.pii.redactor import Redactor

PENDING = "PENDING"
HOLD_CHARS = 4
# Suspects this close together are one masked run (digit groups: 3585の、3889 / 090…4026).
BRIDGE_CHARS = 3
# Characters a value may be made of: the word around the cut is held back whole.
_VALUE_CHAR = re.compile(r"[0-9０-９A-Za-zＡ-Ｚａ-ｚ\u30a0-\u30ff\u3400-\u9fff\uff66-\uff9f々〇@＠._\-ー－‐・ +＋]")
# Kana that spoken digits and eras are made of (ぜろ, いち, ヨン, しょうわ, …): a trailing run of
# them may be the start of a number the normaliser cannot read yet.
_DIGIT_KANA = set("ぜろれいまるいちにさんしよんごくなはきゅうじゃせおっょゃーわへ"
                  "ゼロレイマルイチニサンシヨンゴクナハキュウジャセオッョャーワヘ、の…")
# A suspect grows leftwards over these: spelled letters (エム), kanji digits, signs and dashes.
_EXTEND_LEFT = re.compile(r"[\u30a0-\u30ff〇一二三四五六七八九十+＋(（ー－‐-]")
# Verbs of a self-introduction: the word before と申します is a name, whatever its tag.
_INTRODUCING = {"申す", "言う", "いう", "もうす"}
_SENTENCE_END = re.compile(r"[。？！?!]")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ@＠][A-Za-zＡ-Ｚａ-ｚ0-9０-９@＠._\-]*")
_ENGLISH_DIGIT = re.compile("|".join(sorted(ENGLISH_DIGITS, key=len, reverse=True)))
_DIGIT = re.compile(r"[0-9]")
_DIGIT_START = re.compile(r"[0-9０-９〇一二三四五六七八九十]|[\u30a0-\u30ff\u3400-\u9fff]{1,2}[0-9０-９]")
_KANJI = re.compile(r"[\u3400-\u9fff々]")


@dataclass(slots=True)
class Span:
    """A masked piece of the partial: ``start/end`` index the shown text."""

    type: str
    start: int
    end: int


@dataclass(slots=True)
class PartialView:
    """The partial as the agent may see it.

    ``text`` is the masked, shortened partial; ``entities`` locate its placeholders in it;
    ``shown`` lists the ranges of the raw partial that appear verbatim (for the property test).
    """

    text: str
    entities: list[Span] = field(default_factory=list)
    shown: list[tuple[int, int]] = field(default_factory=list)


def stable_end(text: str) -> int:
    """Where the held-back tail begins."""
    cut = max(0, len(text) - HOLD_CHARS)
    while cut > 0 and (_VALUE_CHAR.match(text[cut - 1]) or text[cut - 1] in _DIGIT_KANA):
        # A kanji run is a word in progress (田中…) only where it reaches the held tail.
        if _KANJI.match(text[cut - 1]) and cut < len(text) and not _KANJI.match(text[cut]):
            break
        cut -= 1
    # A space in the tail is a name or number spoken in parts (まえだ あつし): hold the phrase.
    if any(ch in " \u3000" for ch in text[cut:]):
        while cut > 0 and text[cut - 1] not in "、。？！?!":
            cut -= 1
    return cut


def suspect_spans(redactor: Redactor, text: str) -> list[tuple[int, int]]:
    """Ranges of ``text`` that could become PII once the utterance goes on."""
    spans: list[tuple[int, int]] = []
    normalized = normalize(text)
    for match in _DIGIT.finditer(normalized.text):
        spans.append(normalized.to_original(match.start(), match.end()))
    spans += [m.span() for m in _LATIN.finditer(text)]
    spans += [m.span() for m in _ENGLISH_DIGIT.finditer(text)]  # セブン、ツー、ナイン: a code the final may mask
    with redactor.nlp.memory_zone():
        tokens = list(redactor.nlp(_DIGIT.sub("0", text)))
        for i, token in enumerate(tokens):
            introduced = (i + 2 < len(tokens) and tokens[i + 1].text == "と"
                          and tokens[i + 2].lemma_ in _INTRODUCING)
            if token.tag_.startswith("名詞-固有名詞") or introduced:
                spans.append((token.idx, token.idx + len(token.text)))
    # A cue still waiting for its value: what follows it, to the end of the sentence, is pending.
    for cue in redactor.cues.find(normalized.text):
        if cue.owner == NOT_PII:
            continue
        end = _SENTENCE_END.search(normalized.text, cue.end)
        stop = end.start() if end else len(normalized.text)
        if stop > cue.end:
            spans.append(normalized.to_original(cue.end, stop))
    return _bridge(text, spans)


def _bridge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join suspects a few separators apart, include a leading +, and reach a tail close after them."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        while start > 0 and _EXTEND_LEFT.match(text[start - 1]):
            start -= 1
        # Two kanji right before a number may be a garbled era (商和22年 for 昭和).
        for _ in range(2):
            if start > 0 and _KANJI.match(text[start - 1]) and _DIGIT_START.match(text, start):
                start -= 1
        gap = text[merged[-1][1]:start] if merged else None
        if gap is not None and len(gap) <= BRIDGE_CHARS and not _SENTENCE_END.search(gap):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if merged and len(text) - merged[-1][1] <= BRIDGE_CHARS:
        merged[-1][1] = len(text)
    return [(a, b) for a, b in merged]


def partial_view(redactor: Redactor, text: str, *, prompt: str | None = None,
                 names: Collection[str] = ()) -> PartialView:
    """Mask a partial transcript more than a final would be, and hold back its tail; ``names``:
    those the call has masked so far (``Conversation.names``), which its finals mask wherever said."""
    cut = stable_end(text)
    entities = [e for e in redactor.analyze(text, prompt=prompt, heard=True) if e.start < cut]
    # Read the whole partial: what follows the cut (と申します) tells what comes before it.
    suspects = [Entity(PENDING, a, min(b, cut), 0.0) for a, b in suspect_spans(redactor, text) if a < cut]
    # The call's names and this text's own (a name said twice: its final masks both mentions).
    said = mentions({*names, *remembered(text, entities)}, text)
    suspects += [Entity(PENDING, a, min(b, cut), 0.0) for a, b in said if a < cut]
    # Entities first, then suspects: merging keeps the engine's type where they overlap.
    masked = _union(text, [Entity(e.type, e.start, min(e.end, cut), 1.0) for e in entities] + suspects)
    out, spans, shown, pos = [], [], [], 0
    length = 0
    for entity in masked:
        if entity.start > pos:
            out.append(text[pos:entity.start])
            shown.append((pos, entity.start))
            length += entity.start - pos
        placeholder = f"<{entity.type}>"
        spans.append(Span(entity.type, length, length + len(placeholder)))
        out.append(placeholder)
        length += len(placeholder)
        pos = entity.end
    if pos < cut:
        out.append(text[pos:cut])
        shown.append((pos, cut))
    return PartialView("".join(out), spans, shown)


def _union(text: str, entities: list[Entity]) -> list[Entity]:
    """Overlapping spans become one; the engine's type wins over ``PENDING``."""
    merged: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.start, -e.end)):
        if merged and entity.start <= merged[-1].end:
            last = merged[-1]
            kind = last.type if last.type != PENDING else entity.type
            merged[-1] = Entity(kind, last.start, max(last.end, entity.end), max(last.score, entity.score))
        else:
            merged.append(entity)
    return merged

