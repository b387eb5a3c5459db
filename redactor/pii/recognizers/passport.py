"""JP_PASSPORT: two letters and seven digits (TK1234567), written or spelled out.

Model and order codes share the written shape (AB1234567), so that needs a passport cue
(パスポート, 旅券) near it, earlier in the utterance or in the request it answers.  Spelled
letter by letter (T、K、1、2、3…, ティー、ケー、…: normalised to T、K、1234567), two letters
then exactly seven digits is how people read a passport number and no code is read that
way, so it stands without a cue when no other cue is near.  A reader who corrects a digit
halfway (ティー、ケー、ゼロ、ゼロ、よん、あ、違う、ゼロ、ゼロ、はち…) says the whole number again after
the correction word; the span runs from the letters to the corrected digits, so no digit of
either attempt stays visible.
"""

from __future__ import annotations

from redactor.pii.cues import CORRECTION
from redactor.pii.recognizers.base import (
    NOT_ALNUM_AFTER,
    NOT_ALNUM_BEFORE,
    SPELLED_SEP,
    JapanesePatternRecognizer,
    letters,
)

# The correction words between the two attempts, with their pauses (bounded: linear).
_CORRECTION = CORRECTION.pattern


class PassportRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_PASSPORT"
    PATTERNS = (
        ("passport", rf"{NOT_ALNUM_BEFORE}{letters(2)}\d{{7}}{NOT_ALNUM_AFTER}", 0.5),
        # Scored above the written pattern so that Presidio keeps this one for the same span.
        ("passport spelled", rf"{NOT_ALNUM_BEFORE}{letters(2, SPELLED_SEP)}\d{{7}}{NOT_ALNUM_AFTER}", 0.55),
        ("passport spelled, corrected", rf"{NOT_ALNUM_BEFORE}{letters(2, SPELLED_SEP)}\d{{1,6}}{_CORRECTION}"
                                        rf"(?:{letters(2, SPELLED_SEP)})?\d{{7}}{NOT_ALNUM_AFTER}", 0.56),
    )
    CONTEXT_REQUIRED = True
    STANDALONE = ("passport spelled", "passport spelled, corrected")
    TURN_CUE = True
