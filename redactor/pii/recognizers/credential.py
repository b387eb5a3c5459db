"""CREDENTIAL: a PIN (暗証番号) or password said next to its cue.

No business asks for either on the phone (a bank never asks for a PIN), so a caller who says one
has said something nobody may note down: it is masked wherever its cue names it.  A PIN is four to
eight digits (kana digits are normalised to digits first: ななはちきゅうぜろ → 7890); a password
is a run of printable ASCII with a letter and a digit in it (sakura2024, Abc-1234), from 4 to 32
characters.  Without its cue neither shape means anything (1234 is a price, abc123 a model).
The value slot (``redactor.pii.recognizers.slot``) covers what speech recognition garbles after
the cue; a password of letters only (taro) has no shape and is left to the cue's slot.
"""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)

# Token boundaries: printable ASCII never continues the token on either side, so each start is
# tried once and the lookaheads scan one token only (linear).
_NOT_ASCII_BEFORE = r"(?<![!-~])"
_NOT_ASCII_AFTER = r"(?![!-~])"


class CredentialRecognizer(JapanesePatternRecognizer):
    ENTITY = "CREDENTIAL"
    PATTERNS = (
        ("pin", rf"{NOT_DIGIT_BEFORE}\d{{4,8}}{NOT_DIGIT_AFTER}", 0.4),
        ("password", rf"{_NOT_ASCII_BEFORE}(?=[!-~]{{0,31}}[A-Za-z])(?=[!-~]{{0,31}}\d)[!-~]{{4,32}}{_NOT_ASCII_AFTER}",
         0.4),
    )
    CONTEXT_REQUIRED = True
    TURN_CUE = True
