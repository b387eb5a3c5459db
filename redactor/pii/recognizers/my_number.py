"""JP_MY_NUMBER: the 12-digit 個人番号 with its mod-11 check digit, however it is read out.

Normalisation joins the groups a speaker reads (6489、6580、5419 / 六四八九の… / 3-3-3-3)
into one 12-digit run.  Three ways to be one:

- a cue (マイナンバー, 個人番号) near it, or earlier in the utterance or in the question it
  answers: masked even when the check digit fails, because a misheard digit in a named
  slot is still someone's number;
- no cue of any kind near it: masked when the check digit holds (about 1 in 10 random runs
  pass) and it does not start with 0.  Twelve digits are neither a phone number (10–11) nor
  a card (14–16), but a phone number read with one more digit after it (090-1234-5678、1)
  also joins to twelve, and every such run starts with 0: that is the price of a My Number
  starting with 0 read with no cue, which stays unmasked.  It must also have been read out,
  not written: in groups (1234 5678 9018, 1234、5678…), digit by digit or in words (六四八九…);
  twelve digits written solid (123456789018という番号の商品) or in thousands (123,456,…) are a
  code or an amount;
- another type's cue near it (注文番号, 免許証): it is that type's, not a My Number.
"""

from __future__ import annotations

import re
import unicodedata

from redactor.pii.checksums import my_number_valid
from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
    digits_of,
)

# Written solid or in thousands: ASCII digits and commas only (after NFKC).
_WRITTEN_CODE = re.compile(r"[0-9,]+")


class MyNumberRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_MY_NUMBER"
    PATTERNS = (
        ("my number", rf"{NOT_DIGIT_BEFORE}\d{{12}}{NOT_DIGIT_AFTER}", 0.5),
        # Scored above the plain pattern so that Presidio keeps this one for the same span.
        ("my number, no phone prefix", rf"{NOT_DIGIT_BEFORE}[1-9]\d{{11}}{NOT_DIGIT_AFTER}", 0.55),
    )
    CONTEXT_REQUIRED = True
    STANDALONE = ("my number, no phone prefix",)
    TURN_CUE = True
    CUE_WAIVES_CHECK = True

    def check(self, value: str) -> bool | None:
        return my_number_valid(digits_of(value))

    def written_ok(self, written: str) -> bool:
        return not _WRITTEN_CODE.fullmatch(unicodedata.normalize("NFKC", written))
