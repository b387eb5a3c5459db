"""The public entry point: ``Redactor().redact(text)``.

normalise (offset map) → analyse (Presidio + GiNZA + Japanese recognizers) → map spans back
to the input → resolve overlaps → anonymise (Presidio operators per entity type).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from presidio_analyzer import RecognizerResult

from redactor.config import RedactorConfig, load_config
from redactor.pii.analyzer import build_analyzer
from redactor.pii.anonymizer import Anonymizer
from redactor.pii.catalogue import DIGITS, LANGUAGE, Entity
from redactor.pii.normalize import normalize
from redactor.pii.recognizers import cue_index
from redactor.pii.recognizers.base import HEARD_ONLY_KEY, WRITTEN_CHECK_KEY, WRITTEN_ONLY_KEY
from redactor.pii.recognizers.person import HONORIFICS, extend_over_space, plausible_person
from redactor.pii.recognizers.phone import listed_numbers
from redactor.policy.parse import Parse, Word, join, snapshot

# Characters a span should not begin or end with once mapped back.
_EDGE = " \t\u3000、。,.・:：「」『』()（）"
_DIGIT = re.compile(r"[0-9]")
_KATAKANA = re.compile(r"[ァ-ヺー]+")
_TRAILING_HONORIFIC = re.compile(rf"(?:{'|'.join(HONORIFICS)})$")
# What vouches for a name the recogniser was unsure of: an honorific or a self-introduction.
_VOUCHED_AFTER = re.compile(rf"[ \u3000]?(?:{'|'.join(HONORIFICS)}|と申し|といいます|と言います)")
# The no-cue birth-date rule (``PastFullDateRecognizer``) applies only where the conversation
# makes a birth date plausible.
OLD_FULL_DATE = "PastFullDateRecognizer"
UNSURE_NAME_CHARS = 2
# Name recognizers without a cue of their own: GiNZA's NER and SudachiPy's name tags.
UNVOUCHED_PERSON = frozenset({"SpacyRecognizer", "JpPersonRecognizer"})
# Windows for long text (see ``chunks``): 6,000 characters are at most 24 KB, half of
# SudachiPy's limit, which leaves room for the prompt and for normalisation.
CHUNK_CHARS = 6_000
CHUNK_OVERLAP = 600
_BREAK = re.compile(r"[。？！?!、\s]")


@dataclass(slots=True)
class RedactionResult:
    """Masked text plus the entities found.

    ``entities[i].start/end`` index the input text; ``masked_start/masked_end`` index ``text``.
    ``parse``: GiNZA's parse of the input, copied for the warning rules (no second parse); it
    holds the unmasked words, so it stays out of ``repr`` (and so out of any log of a result).
    """

    text: str
    entities: list[Entity] = field(default_factory=list)
    parse: Parse = field(default=(), repr=False)


class Redactor:
    """Loads the analyzer (GiNZA + Japanese recognizers) once and masks text.

    ``config`` is a ``RedactorConfig``, a path to a TOML file, or ``None`` for the defaults;
    ``entities`` and ``score_threshold`` override its selection (``analyzer.entities`` and
    ``analyzer.score_threshold``), as ``--entities`` and ``--score-threshold`` do on the
    command line.  Thread-safe for concurrent ``redact`` calls once constructed.
    """

    def __init__(self, config: RedactorConfig | str | Path | None = None, *,
                 entities: list[str] | tuple[str, ...] | None = None,
                 score_threshold: float | None = None) -> None:
        if not isinstance(config, RedactorConfig):
            config = load_config(config)
        if entities is not None or score_threshold is not None:
            config = config.with_selection(entities, score_threshold)
        self.config = config
        self.anonymizer = Anonymizer(config)  # first: a missing secret fails before the model loads
        self.cues = cue_index(config)  # one index: the recognizers and the call contexts share it
        self.analyzer = build_analyzer(config, self.cues)
        # What the analyzer looks for; DIGITS is the conversation's net, not a recognizer.
        self.entity_types = [t for t in config.selected_types if t != DIGITS]
        self.nlp = self.analyzer.nlp_engine.nlp[LANGUAGE]  # the GiNZA pipeline

    def analyze(self, text: str, *, prompt: str | None = None, birth_dates: bool = False,
                uncertain: Sequence[tuple[int, int]] = (), heard: bool = False) -> list[Entity]:
        """Entities in ``text`` (indices into ``text``), without overlaps, in order.

        What the conversation knows and the text alone does not say (``redactor.conversation``):

        ``prompt`` is a cue the text answers (生年月日 when the agent just asked for the
        date of birth, see ``redactor.pii.context``): the text is read as if it began with it.
        ``birth_dates``: a birth date is plausible here (a question for it, an identity check in
        progress), so a full date old enough to be one is masked without a cue; otherwise only
        dates with a birth-date cue are (event and contract dates stay visible).
        ``uncertain``: character spans of words speech recognition was unsure of; a name found
        only in them, with no honorific, cue or slot to vouch for it, is not a name.
        ``heard``: ``text`` is a transcript of speech, which may garble a name into a common word:
        such a word before an honorific (移動さま for 山田様) stays masked, while in written text it is
        the role it says (生徒さん, ケアマネさん).
        """
        return self._analyze(text, prompt, birth_dates, uncertain, heard)[0]

    def _analyze(self, text: str, prompt: str | None, birth_dates: bool,
                 uncertain: Sequence[tuple[int, int]], heard: bool) -> tuple[list[Entity], Parse]:
        """``analyze``'s entities and GiNZA's parse of ``text``."""
        if not text.strip():
            return [], ()
        found, parses = [], []
        for start, end, keep_from, keep_to in chunks(text):
            results, words = self._analyze_chunk(text[start:end], prompt if start == 0 else None, heard)
            parses.append(words)
            for entity_type, a, b, score, source in results:
                if not keep_from <= start + a < keep_to:  # each entity from the one chunk that owns it
                    continue
                if source == OLD_FULL_DATE and not birth_dates:
                    continue
                asked = prompt if start == 0 else None
                entity = _trimmed(text, Entity(entity_type, start + a, start + b, score), asked)
                if entity is not None and not (entity.type == "PERSON" and source in UNVOUCHED_PERSON
                                               and _unsure(text, entity, uncertain)):
                    found.append(entity)
        return resolve_overlaps(text, found), join(parses)

    def _analyze_chunk(self, text: str, prompt: str | None,
                       heard: bool) -> tuple[list[tuple[str, int, int, float, str]], list[Word]]:
        """(type, start, end, score, recognizer) of what the analyzer finds in ``text``, untrimmed,
        and the words of GiNZA's parse of it (``heard``: see ``analyze``)."""
        if not text.strip():
            return [], []
        normalized = normalize(text)
        analysed = (f"{prompt}は、" if prompt else "") + normalized.text
        lead = len(analysed) - len(normalized.text)
        # spaCy keeps every new string it meets: the memory zone frees them after each
        # utterance, and GiNZA sees every digit as 0 (same offsets) because its morphology
        # table keeps each new reading, which unique numbers would grow without bound.
        with self.nlp.memory_zone():
            artifacts = self.analyzer.nlp_engine.process_text(_DIGIT.sub("0", analysed), LANGUAGE)
            results = self.analyzer.analyze(analysed, language=LANGUAGE, entities=self.entity_types,
                                            nlp_artifacts=artifacts)
            words = snapshot(artifacts.tokens, lead)
        found = []
        for result in results:
            if result.end <= lead:
                continue
            a, b = max(result.start, lead) - lead, result.end - lead
            metadata = result.recognition_metadata or {}
            source = metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
            start, end = normalized.to_original(a, b)
            if result.entity_type == "PHONE_NUMBER" and listed_numbers(text[start:end]) and (
                self.cues.nearest_owner(analysed, result.start, result.end) != "PHONE_NUMBER"
            ):
                continue  # 0-1、2-0、3-1: only the written form tells a list from a phone number
            written_ok = metadata.get(WRITTEN_CHECK_KEY)
            if written_ok is not None and not written_ok(text[start:end]):
                continue  # a code written solid, not an identifier read out (see recognizers.base)
            if metadata.get(HEARD_ONLY_KEY) and not heard:
                continue  # a role before an honorific, written (see recognizers.base)
            if metadata.get(WRITTEN_ONLY_KEY) and heard:
                continue  # one word only the dictionaries call a name, heard (see recognizers.base)
            found.append((result.entity_type, start, end, result.score, source))
        return found, words

    def redact(self, text: str, *, call_id: str = "", prompt: str | None = None, birth_dates: bool = False,
               uncertain: Sequence[tuple[int, int]] = (), heard: bool = False) -> RedactionResult:
        """Mask ``text`` (see ``analyze``); ``call_id`` scopes hash tokens to one conversation."""
        entities, parse = self._analyze(text, prompt, birth_dates, uncertain, heard)
        masked, entities = self.anonymizer.anonymize(text, entities, call_id)
        return RedactionResult(masked, entities, parse)


def chunks(text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP) -> list[tuple[int, int, int, int]]:
    """Windows ``(start, end, keep_from, keep_to)`` covering ``text`` for the analyzer.

    SudachiPy refuses input over about 49 KB, so a longer text is read in windows of at most
    ``size`` characters (4 bytes each at most), each ending after a sentence end, pause or
    space where one is near, and overlapping the next by ``overlap // 2`` to ``overlap``
    characters so that an entity on a boundary is read whole, with its cue, in one of them.
    An entity belongs to the window whose ``[keep_from, keep_to)`` holds its start: the
    middle of each overlap divides them, so none is reported twice or cut.
    """
    if len(text) <= size:
        return [(0, len(text), 0, len(text))]
    windows: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        end = _last_break(text, start + size - overlap // 2, start + size) or start + size
        windows.append((start, end))
        start = _last_break(text, end - overlap, end - overlap // 2) or end - overlap
    windows.append((start, len(text)))
    cuts = [0] + [(windows[i + 1][0] + windows[i][1]) // 2 for i in range(len(windows) - 1)] + [len(text)]
    return [(s, e, cuts[i], cuts[i + 1]) for i, (s, e) in enumerate(windows)]


def _last_break(text: str, lo: int, hi: int) -> int | None:
    """The position just after the last sentence end, pause or space in ``text[lo:hi]``."""
    last = None
    for match in _BREAK.finditer(text, lo, hi):
        last = match.end()
    return last


def _trimmed(text: str, entity: Entity, asked: str | None = None) -> Entity | None:
    start, end = entity.start, entity.end
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if entity.type == "PERSON":  # the honorific stays visible: 田中<PERSON>様 reads wrong
        start, end = extend_over_space(text, start, end)
        honorific = _TRAILING_HONORIFIC.search(text, start, end)
        if honorific and honorific.start() > start:
            end = honorific.start()
    if start >= end or (entity.type == "PERSON" and not plausible_person(text, start, end, asked)):
        return None
    return Entity(entity.type, start, end, entity.score)


def _unsure(text: str, entity: Entity, uncertain: Sequence[tuple[int, int]]) -> bool:
    """A short name-like fragment (at most ``UNSURE_NAME_CHARS``) lying wholly in words the
    recogniser was unsure of, with nothing after it vouching for it.  Longer names stay masked:
    Whisper is unsure of most real names too (山田花子 heard at 0.05–0.8 per token)."""
    if (not uncertain or entity.end - entity.start > UNSURE_NAME_CHARS
            or _VOUCHED_AFTER.match(text, entity.end)):
        return False
    return all(any(a <= i < b for a, b in uncertain) for i in range(entity.start, entity.end))


def _touching(text: str, left: Entity, right: Entity) -> bool:
    """Overlapping, adjacent, or one name split by a space (カトウ　カズヤ) or, in katakana,
    by ・ (マット・ケイン); kanji names joined by ・ are a list (黄川田徹・平野達男)."""
    if right.start <= left.end:
        return True
    if left.type != "PERSON":
        return False
    gap = text[left.end:right.start]
    if gap in (" ", "\u3000"):
        return True
    return gap == "・" and _KATAKANA.fullmatch(text[left.end - 1] + text[right.start]) is not None


def resolve_overlaps(text: str, entities: list[Entity]) -> list[Entity]:
    """Merge overlapping or touching spans of one type; between types, spans no other span
    overlaps are kept whole (the higher score first, a tie to the longer span), and each
    overlapping loser keeps only its rest: what no kept span covers and could still be a value
    of its type on its own (``_stands_alone``).

    Merging matters for garbled values: a slot and a pattern may each cover part of one
    number, and the mask must cover both.  A loser is trimmed, not dropped: dropping it showed
    whatever of it the winner did not cover (an address running past the phone number that
    overlapped its start).  Rests come after every whole span, so a rest never takes what a
    lower-scored span found whole.
    """
    merged: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.type, e.start)):
        last = merged[-1] if merged else None
        if last and last.type == entity.type and _touching(text, last, entity):
            merged[-1] = Entity(last.type, last.start, max(last.end, entity.end),
                                max(last.score, entity.score))
        else:
            merged.append(entity)
    # Kept spans are disjoint, so in start order their ends are in order too: a candidate
    # need only be walked from its left neighbour over the spans it overlaps (a scan of all
    # of them was quadratic on a long line with thousands of entities).
    kept: list[Entity] = []
    starts: list[int] = []
    losers: list[Entity] = []
    for entity in sorted(merged, key=lambda e: (-e.score, -(e.end - e.start), e.start)):
        if _uncovered(text, kept, starts, entity) == [(entity.start, entity.end)]:
            _keep(kept, starts, entity)
        else:
            losers.append(entity)
    # A loser's rest fills only what no whole span claims: a slot that lost the name it began with
    # (吉田豊、090-2340-8817 read as a licence after a licence question) must not take the phone
    # number a pattern found whole.
    for entity in losers:
        for start, end in _uncovered(text, kept, starts, entity):
            _keep(kept, starts, Entity(entity.type, start, end, entity.score))
    return kept


def _keep(kept: list[Entity], starts: list[int], entity: Entity) -> None:
    """Insert ``entity`` into the disjoint ``kept`` spans (and their ``starts``), in order."""
    i = bisect.bisect_right(starts, entity.start)
    kept.insert(i, entity)
    starts.insert(i, entity.start)


# A loser's rest is masked only where it could be a value of its type on its own: a name,
# address or e-mail of two letters or more; a number only while it keeps all its digits.  A
# number that lost digits to another type is no longer that number (on real text, rests of card
# and account numbers overlapping other numbers were 55 false characters, 0.6 points of
# precision); one that lost only letters is (カード番号はジョン、4123 5678 9012 345: the name
# said before a garbled card wins its letters, and the digits are still the card's), if four
# digits or more are left (a junk phone read out of 3等の佐藤 leaves no 3等の).
_TEXT_TYPES = frozenset({"PERSON", "EMAIL_ADDRESS", "JP_ADDRESS"})
_NUMBER_REST_DIGITS = 4


def _stands_alone(kind: str, piece: str, lost: str) -> bool:
    """Whether ``piece``, a rest of a ``kind`` span that lost ``lost`` to other types, is a value."""
    if kind in _TEXT_TYPES:
        return sum(ch.isalnum() for ch in piece) >= 2
    return not any(ch.isdigit() for ch in lost) and sum(ch.isdigit() for ch in piece) >= _NUMBER_REST_DIGITS


def _uncovered(text: str, kept: list[Entity], starts: list[int],
               entity: Entity) -> list[tuple[int, int]]:
    """The stretches of ``entity`` no kept span covers that could still be a value of its type
    (the whole span when nothing covers any of it)."""
    pieces: list[tuple[int, int]] = []
    position = entity.start
    i = max(bisect.bisect_right(starts, entity.start) - 1, 0)
    while position < entity.end:
        while i < len(kept) and kept[i].end <= position:
            i += 1
        stop = min(kept[i].start, entity.end) if i < len(kept) else entity.end
        if stop > position:
            pieces.append((position, stop))
        if i == len(kept) or kept[i].start >= entity.end:
            break
        position = kept[i].end
    if pieces == [(entity.start, entity.end)]:
        return pieces
    lost = "".join(text[a:b] for a, b in zip([entity.start, *(b for _, b in pieces)],
                                             [*(a for a, _ in pieces), entity.end], strict=True))
    rests = []
    for a, b in pieces:
        while entity.type not in _TEXT_TYPES and a < b and text[a] in _EDGE:
            a += 1  # 、4123…: the pause after the winner is no digit of the number (a spoken e-mail's pause is its own)
        if b > a and _stands_alone(entity.type, text[a:b], lost):
            rests.append((a, b))
    return rests
