"""JP_BANK_ACCOUNT: 7-digit account numbers, ゆうちょ 記号 (1xxxx) and 番号 (8 digits)."""

from __future__ import annotations

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)


class BankAccountRecognizer(JapanesePatternRecognizer):
    ENTITY = "JP_BANK_ACCOUNT"
    PATTERNS = (
        ("account number", rf"{NOT_DIGIT_BEFORE}\d{{7,8}}{NOT_DIGIT_AFTER}", 0.4),
        ("yucho symbol", rf"{NOT_DIGIT_BEFORE}1\d{{4}}{NOT_DIGIT_AFTER}", 0.4),
    )
    CONTEXT_REQUIRED = True
