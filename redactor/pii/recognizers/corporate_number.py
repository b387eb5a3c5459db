"""JP_CORPORATE_NUMBER: the 13-digit 法人番号 (leading check digit) next to its cue."""

from __future__ import annotations

from redactor.pii.checksums import corporate_number_valid
from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
    digits_of,
)


class CorporateNumberRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_CORPORATE_NUMBER"
    PATTERNS = (("corporate number", rf"{NOT_DIGIT_BEFORE}\d{{13}}{NOT_DIGIT_AFTER}", 0.5),)
    CONTEXT_REQUIRED = True

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if corporate_number_valid(digits_of(pattern_text)) else False
