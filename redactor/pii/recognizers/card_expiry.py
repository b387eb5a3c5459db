"""CARD_EXPIRY: a card's expiry (MM/YY, 2028年12月, spoken 12の28) next to 有効期限."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)

_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:20)?\d{2}"


class CardExpiryRecognizer(JapanesePatternRecognizer):
    ENTITY = "CARD_EXPIRY"
    PATTERNS = (
        ("MM/YY", rf"{NOT_DIGIT_BEFORE}{_MONTH}\s*/\s*{_YEAR}{NOT_DIGIT_AFTER}", 0.4),
        ("YYYY年MM月", rf"{NOT_DIGIT_BEFORE}{_YEAR}\s*年\s*(?:の\s*)?{_MONTH}\s*月", 0.4),
        ("MM月YYYY年", rf"{NOT_DIGIT_BEFORE}{_MONTH}\s*月\s*(?:の\s*)?{_YEAR}\s*年", 0.4),
        # Spoken "12の28" arrives joined as 1228 (or 122028).
        ("MMYY", rf"{NOT_DIGIT_BEFORE}(?:0[1-9]|1[0-2])(?:20)?\d{{2}}{NOT_DIGIT_AFTER}", 0.4),
    )
    CONTEXT_REQUIRED = True
    REJECT_UNIT_AFTER = False
