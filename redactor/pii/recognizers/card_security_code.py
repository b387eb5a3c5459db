"""CARD_SECURITY_CODE: the 3–4 digit CVV/CVC, only next to its cue (セキュリティコード, 裏の3桁)."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)


class CardSecurityCodeRecognizer(JapanesePatternRecognizer):
    ENTITY = "CARD_SECURITY_CODE"
    PATTERNS = (("security code", rf"{NOT_DIGIT_BEFORE}\d{{3,4}}{NOT_DIGIT_AFTER}", 0.4),)
    CONTEXT_REQUIRED = True
