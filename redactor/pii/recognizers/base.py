"""What the Japanese pattern recognizers share: CJK-safe patterns, cues, check digits.

Every recognizer runs on normalised text (see ``redactor.pii.normalize``), where a spoken or
written number is a plain run of ASCII digits.  Patterns use ``(?<!\\d)``/``(?!\\d)``
boundaries, never ``\\b``, which does not fire between a digit and kana.  After a pattern
matches and its check digit (``validate_result``) passes, the nearest context cue decides:

- the cue names this entity: the score is raised by ``CONTEXT_BOOST``;
- the cue names a business number (注文番号, 型番…): the match is dropped;
- there is no such cue and ``CONTEXT_REQUIRED`` is set: the match is dropped.

Context is handled here, on characters, rather than by Presidio's token-window enhancer, so
results are marked as already enhanced.
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.pii.catalogue import LANGUAGE
from redactor.pii.cues import NOT_PII, CueIndex

# Digits followed by a counter or a unit are quantities, not identifiers.
UNIT_AFTER = re.compile(
    r"\s{0,8}(?:円|個|件|回|人|名様|枚|本|台|点|箱|冊|杯|歳|才|時|分|秒|%|％|割|倍|kg|g|km|m|cm|"
    r"ミリ|キロ|グラム|ドル|ポイント|年|ヶ月|か月|カ月|日|月|週|泊|階|号室|番目|位|桁|文字|ケタ)",
    re.IGNORECASE,
)

NOT_DIGIT_BEFORE = r"(?<![0-9])"
NOT_DIGIT_AFTER = r"(?![0-9])"


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
    SETTINGS: ClassVar[dict[str, type | tuple[type, ...]]] = {
        "ENTITY": str, "PATTERNS": tuple, "CONTEXT_REQUIRED": bool, "CONTEXT_BOOST": (int, float),
        "REJECT_UNIT_AFTER": bool,
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
            owner = self.cues.nearest_owner(text, result.start, result.end)
            if owner == NOT_PII or (self.CONTEXT_REQUIRED and owner != self.ENTITY):
                continue
            if owner == self.ENTITY:
                result.score = min(1.0, result.score + self.CONTEXT_BOOST)
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            kept.append(result)
        return kept
