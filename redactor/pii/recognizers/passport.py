"""JP_PASSPORT: two letters and seven digits (TK1234567) next to パスポート/旅券."""

from __future__ import annotations

from redactor.pii.recognizers.base import NOT_DIGIT_AFTER, JapanesePatternRecognizer


class PassportRecognizer(JapanesePatternRecognizer):
    """Model and order codes share the shape, so the cue is required."""

    ENTITY = "JP_PASSPORT"
    PATTERNS = (("passport", rf"(?<![A-Za-z0-9])[A-Za-z]{{2}}\s?\d{{7}}{NOT_DIGIT_AFTER}", 0.5),)
    CONTEXT_REQUIRED = True
