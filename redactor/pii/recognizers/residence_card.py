"""JP_RESIDENCE_CARD: the 在留カード number, two letters, eight digits, two letters."""

from __future__ import annotations

from redactor.pii.recognizers.base import JapanesePatternRecognizer


class ResidenceCardRecognizer(JapanesePatternRecognizer):
    """The shape is distinctive enough to stand without a cue."""

    ENTITY = "JP_RESIDENCE_CARD"
    PATTERNS = (("residence card",
                 r"(?<![A-Za-z0-9])[A-Za-z]{2}\s?\d{8}\s?[A-Za-z]{2}(?![A-Za-z0-9])", 0.6),)
