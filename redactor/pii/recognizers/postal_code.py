"""JP_POSTAL_CODE: seven digits (NNN-NNNN) after 〒 or with a cue such as 郵便番号."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)


class JpPostalCodeRecognizer(JapanesePatternRecognizer):
    """Seven digits are too common to stand alone; 〒 is itself a cue."""

    ENTITY = "JP_POSTAL_CODE"
    PATTERNS = (("postal code", rf"{NOT_DIGIT_BEFORE}\d{{7}}{NOT_DIGIT_AFTER}", 0.4),)
    CONTEXT_REQUIRED = True
