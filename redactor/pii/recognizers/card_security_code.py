"""CARD_SECURITY_CODE: the 3–4 digit CVV/CVC, only next to its cue (セキュリティコード, 裏の3桁)."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)
from redactor.pii.recognizers.slot import PLACE_CUES, names_a_code


class CardSecurityCodeRecognizer(JapanesePatternRecognizer):
    ENTITY = "CARD_SECURITY_CODE"
    PATTERNS = (("security code", rf"{NOT_DIGIT_BEFORE}\d{{3,4}}{NOT_DIGIT_AFTER}", 0.4),)
    CONTEXT_REQUIRED = True

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        return [r for r in super().analyze(text, entities, nlp_artifacts, regex_flags) if self._at_its_place(text, r)]

    def _at_its_place(self, text: str, result: RecognizerResult) -> bool:
        """After a card's place alone (裏の), only that place's words may come before the code, as the
        slot reads it (``names_a_code``): 裏の会員番号は1234 is a member's number printed there (the
        digit net masks it, with no code warning), 裏の棟の305 a room."""
        cues = [c for c in self.cues.find(text) if c.owner == self.ENTITY and c.end <= result.start]
        if cues and _new_topic(text, cues[-1].end, result.start):
            return False
        if not cues or text[cues[-1].start:cues[-1].end] not in PLACE_CUES:
            return True
        return names_a_code(text, cues[-1].end, (result.start, result.end))


# A sentence of its own before the number, with words of its own (セキュリティコードは、わかりました。ポイントって今
# 2500ありますか: the answer to the code's question moved on); a bare value after the sentence end is still the
# code (セキュリティコードですね。742です).
_SENTENCE_END = re.compile(r"[。？?！!]")
_WORD = re.compile(r"[一-龥々ァ-ヴA-Za-z]")


def _new_topic(text: str, cue_end: int, value_start: int) -> bool:
    ends = list(_SENTENCE_END.finditer(text, cue_end, value_start))
    return bool(ends) and bool(_WORD.search(text, ends[-1].end(), value_start))
