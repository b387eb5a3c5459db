"""JP_MY_NUMBER: the 12-digit 個人番号, valid check digit AND a cue (1 in 11 numbers pass)."""

from __future__ import annotations

from redactor.pii.checksums import my_number_valid
from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
    digits_of,
)


class MyNumberRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_MY_NUMBER"
    PATTERNS = (("my number", rf"{NOT_DIGIT_BEFORE}\d{{12}}{NOT_DIGIT_AFTER}", 0.5),)
    CONTEXT_REQUIRED = True

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if my_number_valid(digits_of(pattern_text)) else False
