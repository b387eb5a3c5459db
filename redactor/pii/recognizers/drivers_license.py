"""JP_DRIVERS_LICENSE: the 12-digit 運転免許証 number next to its cue."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)


class DriversLicenseRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_DRIVERS_LICENSE"
    PATTERNS = (("licence number", rf"{NOT_DIGIT_BEFORE}\d{{12}}{NOT_DIGIT_AFTER}", 0.5),)
    CONTEXT_REQUIRED = True
    TURN_CUE = True
