"""CREDIT_CARD: 14–16 digit payment card numbers that pass Luhn, in any written/spoken form."""

from __future__ import annotations

from redactor.pii.checksums import luhn_valid
from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
    digits_of,
)

# Major issuer prefixes (Visa, Mastercard, Amex, JCB, Diners, Discover/UnionPay).
_ISSUER = r"(?:4|5[1-5]|2[2-7]|3[0-8]|6)"


class JpCreditCardRecognizer(JapanesePatternRecognizer):
    """A Luhn-valid number with an issuer prefix stands alone; any other needs a cue."""

    ENTITY = "CREDIT_CARD"
    PATTERNS = (
        ("card issuer prefix", rf"{NOT_DIGIT_BEFORE}(?={_ISSUER})\d{{14,16}}{NOT_DIGIT_AFTER}", 0.6),
        ("card digits", rf"{NOT_DIGIT_BEFORE}\d{{14,16}}{NOT_DIGIT_AFTER}", 0.3),
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if luhn_valid(digits_of(pattern_text)) else False
