"""PHONE_NUMBER: Japanese mobile, landline, IP, toll-free and +81 numbers."""

from __future__ import annotations

import re
import unicodedata

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


_KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_DIGIT_GROUP = re.compile(r"[0-9]+")
_SPOKEN = re.compile(r"[ぁ-ゖァ-ヺ]")  # digits said as words (ゼロキューゼロ) are a phone's way


def listed_numbers(written: str) -> bool:
    """Whether a phone-length digit run, as written, is a list of small numbers or a code with a
    check digit rather than a phone number: scores (0-1、2-0、3-1), series (0・1・2・0・1…), an
    ISBN (0-19-861186-2).  Normalisation joins digit groups, so only the written form tells.

    A phone number, however split, has a group of three digits or more (090 12 34 56 78), and
    no one ends it with a single digit; the caller then drops such a match unless a phone cue
    is near (a number read out digit by digit after 電話番号は stays a phone number).
    """
    plain = unicodedata.normalize("NFKC", written).translate(_KANJI_DIGITS)
    if _SPOKEN.search(plain):
        return False
    groups = _DIGIT_GROUP.findall(plain)
    return len(groups) >= 4 and (all(len(g) <= 2 for g in groups) or len(groups[-1]) == 1)
