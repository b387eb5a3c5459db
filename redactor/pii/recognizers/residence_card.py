"""JP_RESIDENCE_CARD: the 在留カード number, two letters, eight digits, two letters.

Written (AB12345678CD) or spelled (エー、ビー、1234 5678、シー、ディー: normalised to
A、B、12345678、C、D), the shape is distinctive enough to stand without a cue.
"""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    LETTER_SEP,
    NOT_ALNUM_AFTER,
    NOT_ALNUM_BEFORE,
    JapanesePatternRecognizer,
    letters,
)


class ResidenceCardRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_RESIDENCE_CARD"
    PATTERNS = (("residence card",
                 rf"{NOT_ALNUM_BEFORE}{letters(2)}\d{{8}}{LETTER_SEP}{letters(1)}[A-Za-z]{NOT_ALNUM_AFTER}", 0.6),)
    TURN_CUE = True
