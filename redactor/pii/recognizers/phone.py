"""PHONE_NUMBER: Japanese mobile, landline, IP, toll-free and +81 numbers."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
    digits_of,
)

# Total digits by prefix (national form, leading 0 included).
_LENGTH_BY_PREFIX = (("0120", 10), ("0800", 11), ("050", 11), ("060", 11), ("070", 11),
                     ("080", 11), ("090", 11), ("0", 10))


def national_form(digits: str) -> str:
    return "0" + digits[2:] if digits.startswith("81") else digits


def valid_phone(digits: str) -> bool:
    number = national_form(digits)
    if not number.startswith("0") or number.startswith("00"):
        return False
    expected = next(length for prefix, length in _LENGTH_BY_PREFIX if number.startswith(prefix))
    return len(number) == expected


class JpPhoneRecognizer(JapanesePatternRecognizer):
    """Japanese phone numbers; the length is checked against the prefix."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        ("jp phone", rf"{NOT_DIGIT_BEFORE}0\d{{9,11}}{NOT_DIGIT_AFTER}", 0.6),
        ("jp phone +81", rf"\+\s?81\d{{9,10}}{NOT_DIGIT_AFTER}", 0.7),
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = digits_of(pattern_text)
        if valid_phone(digits) or _misheard_mobile(national_form(digits)):
            return None
        return False


def _misheard_mobile(number: str) -> bool:
    """A mobile or IP number with one digit dropped or repeated by speech recognition."""
    return number[:3] in ("050", "060", "070", "080", "090") and abs(len(number) - 11) == 1
