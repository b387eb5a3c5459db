"""JP_PENSION_NUMBER: the 基礎年金番号, 4 + 6 digits, next to its cue."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)


class PensionNumberRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_PENSION_NUMBER"
    PATTERNS = (("basic pension number", rf"{NOT_DIGIT_BEFORE}\d{{10}}{NOT_DIGIT_AFTER}", 0.5),)
    CONTEXT_REQUIRED = True
    TURN_CUE = True
