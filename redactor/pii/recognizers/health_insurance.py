"""JP_HEALTH_INSURANCE: 保険者番号 (6 or 8 digits) and the card's 記号/番号, next to a cue."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)


class HealthInsuranceRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_HEALTH_INSURANCE"
    PATTERNS = (("insurance numbers", rf"{NOT_DIGIT_BEFORE}\d{{2,8}}{NOT_DIGIT_AFTER}", 0.4),)
    CONTEXT_REQUIRED = True
