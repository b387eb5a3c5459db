"""What the Japanese pattern recognizers share: CJK-safe patterns, cues, check digits.

Every recognizer runs on normalised text (see ``redactor.pii.normalize``), where a spoken or
written number is a plain run of ASCII digits.  Patterns use ``(?<!\\d)``/``(?!\\d)``
boundaries, never ``\\b``, which does not fire between a digit and kana.  After a pattern
matches and its check digit (``validate_result``) passes, the nearest context cue decides:

- the cue names this entity: the score is raised by ``CONTEXT_BOOST``;
- the cue names a business number (注文番号, 型番…): the match is dropped;
- there is no such cue and ``CONTEXT_REQUIRED`` is set: the match is dropped, unless its
  pattern is one of ``STANDALONE`` (a shape no other value has, such as a spelled TK + 7
  digits) and no cue of any kind is near.

An identifier is often named once and read out a sentence later, past a weaker word
(マイナンバー、カードに書いてあるやつ…、6489 6580 5419): with ``TURN_CUE`` the entity's own cue
within ``TURN_WINDOW`` characters before the value (a prompt from the previous turn included) counts
when every cue between it and the value is a general word (``WEAK_CUES``: カード).
A recognizer with a check digit implements ``check``; a failed check drops the match unless
``CUE_WAIVES_CHECK`` is set and it is cued (a misheard digit in a named slot is still PII).

Context is handled here, on characters, rather than by Presidio's token-window enhancer, so
results are marked as already enhanced.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.pii.catalogue import LANGUAGE
from redactor.pii.cues import NOT_PII, WEAK_CUES, CueIndex
from redactor.pii.quantities import UNIT_AFTER

# How far back an earlier cue of the same utterance reaches (``TURN_CUE``): a sentence or two.
TURN_WINDOW = 80

# A standalone match whose written form the caller must still approve (``written_ok``):
# normalisation joins digit groups, so only the text as written shows how it was read.
WRITTEN_CHECK_KEY = "written_check"
# A name only a transcript of speech can hold: a word the dictionaries know with no personal-name
# reading, before an honorific, is a role in written text (生徒さん, ケアマネさん) but as often a name
# speech recognition garbled in a transcript (山田様 heard as 移動さま, its words at 0.64–0.99).
HEARD_ONLY_KEY = "heard_only"
# A name only written text can hold: one word the dictionaries alone call a name (no honorific,
# title, cue or self-introduction), on readings that disagree — GiNZA's label on a word the
# tagger calls common or does not know, a name tag GiNZA does not share.  In writing the
# rules weigh it (フォードは…); in a transcript it is as often a sound speech recognition rendered
# as a rare word (陛下 heard as 平化, ワシントン as ワシント, 幽霊 as 有礼) or a loanword the
# dictionaries lack (アルツハイマー, ホットヨガ).  Real names heard bare are surnames the tagger knows
# (岡田が伺います) or words both readings call names (ジョンが来ました): kept.
WRITTEN_ONLY_KEY = "written_only"

NOT_DIGIT_BEFORE = r"(?<![0-9])"
NOT_DIGIT_AFTER = r"(?![0-9])"
# Letters of an identifier read one by one (normalised: ティー、ケー → T、K): a pause, a
# space or a dash may follow each letter.
LETTER_SEP = r"[\s、,・\-]{0,2}"
SPELLED_SEP = r"[\s、,・\-]{1,2}"
NOT_ALNUM_BEFORE = r"(?<![A-Za-z0-9])"
NOT_ALNUM_AFTER = r"(?![A-Za-z0-9])"


def letters(count: int, sep: str = LETTER_SEP) -> str:
    """``count`` Latin letters, each followed by ``sep`` (the last one too)."""
    return f"(?:[A-Za-z]{sep}){{{count}}}"


def rule_result(recognizer: EntityRecognizer, entity: str, start: int, end: int,
                score: float) -> RecognizerResult:
    """A result of a rule that judged its own context (Presidio's enhancer must not add to it)."""
    return RecognizerResult(entity, start, end, score, recognition_metadata={
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
    })


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


class JapanesePatternRecognizer(PatternRecognizer):
    """A pattern recognizer for one Japanese entity type; subclasses declare the data.

    The settings are the upper-case class attributes below; a subclass that sets any other
    upper-case name (a misspelt ``REJECTUNIT_AFTER``) or a setting of the wrong type fails
    when the class is created, rather than being silently ignored.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]]  # (name, regex, score)
    CONTEXT_REQUIRED: ClassVar[bool] = False
    CONTEXT_BOOST: ClassVar[float] = 0.35
    # Quantities (3000円) are dropped unless the recognizer's values carry units themselves.
    REJECT_UNIT_AFTER: ClassVar[bool] = True
    STANDALONE: ClassVar[tuple[str, ...]] = ()  # pattern names that need no cue (see above)
    TURN_CUE: ClassVar[bool] = False
    CUE_WAIVES_CHECK: ClassVar[bool] = False
    SETTINGS: ClassVar[dict[str, type | tuple[type, ...]]] = {
        "ENTITY": str, "PATTERNS": tuple, "CONTEXT_REQUIRED": bool, "CONTEXT_BOOST": (int, float),
        "REJECT_UNIT_AFTER": bool, "STANDALONE": tuple, "TURN_CUE": bool, "CUE_WAIVES_CHECK": bool,
    }

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in vars(cls).items():
            if not name.isupper() or name == "SETTINGS":
                continue
            expected = cls.SETTINGS.get(name)
            if expected is None:
                raise TypeError(f"{cls.__name__}: unknown recognizer setting {name} "
                                f"(settings: {', '.join(cls.SETTINGS)})")
            if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
                raise TypeError(f"{cls.__name__}: setting {name} must be {expected}")

    def __init__(self, cues: CueIndex, name: str | None = None) -> None:
        self.cues = cues
        super().__init__(
            supported_entity=self.ENTITY,
            name=name or type(self).__name__,
            supported_language=LANGUAGE,
            patterns=[Pattern(n, regex, score) for n, regex, score in self.PATTERNS],
            # Presidio's own enhancer reads ``context``; ours reads the cue index (see above).
            context=[word for word, owner in cues.owner_of.items() if owner == self.ENTITY],
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        kept = []
        for result in super().analyze(text, entities, nlp_artifacts, regex_flags):
            if self.REJECT_UNIT_AFTER and UNIT_AFTER.match(text, result.end):
                continue
            ownership = self.cues.ownership(text, result.start, result.end)  # …あ、違う、これマイナンバーだ
            owner = ownership.owner
            if owner == NOT_PII:
                continue
            cued = owner == self.ENTITY or (
                self.TURN_CUE and not ownership.renamed and self._named_earlier(text, result.start))
            valid = self.check(text[result.start:result.end])
            if valid is False and not (self.CUE_WAIVES_CHECK and cued):
                continue
            pattern = getattr(result.analysis_explanation, "pattern_name", None)
            standalone = owner is None and valid is not False and pattern in self.STANDALONE
            if self.CONTEXT_REQUIRED and not (cued or standalone):
                continue
            if standalone and not cued:
                result.recognition_metadata[WRITTEN_CHECK_KEY] = self.written_ok
            if cued:
                result.score = min(1.0, result.score + self.CONTEXT_BOOST)
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            kept.append(result)
        return kept

    def check(self, value: str) -> bool | None:
        """The value's check digit: True/False when it has one, None when it has none."""
        return None

    def written_ok(self, written: str) -> bool:
        """Whether a standalone match, as written in the original text, reads as this entity."""
        return True

    def _named_earlier(self, text: str, start: int) -> bool:
        """This entity's cue before ``start``, with no other type's specific cue nearer."""
        before = [c for c in self.cues.find(text) if start - TURN_WINDOW <= c.start and c.end <= start]
        own = [c for c in before if c.owner == self.ENTITY]
        if not own:
            return False
        between = [c for c in before if c.start >= own[-1].end]
        return all(c.owner != NOT_PII and text[c.start:c.end] in WEAK_CUES for c in between)
