"""DATE_OF_BIRTH: Gregorian or era dates given as a birth date (生年月日, 誕生日, …生まれ).

Other dates (delivery, contract) are not personal information, so the cue is required.
"""

from __future__ import annotations

import re

from redactor.pii.recognizers.base import (
    NOT_DIGIT_AFTER,
    NOT_DIGIT_BEFORE,
    JapanesePatternRecognizer,
)

_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHR]\.?)"
# Speech recognition mishears era names (商和, 平静, 昭わ); the cue vouches for them.
_ERA_HEARD = rf"(?:{_ERA}|[一-龥][一-龥ぁ-ゖ])"
_PAUSE = r"[\s、,の]*"
_DAY = rf"{_PAUSE}\d{{1,2}}\s*日?"
_MONTH_DAY = rf"{_PAUSE}\d{{1,2}}\s*月{_DAY}"


class DateOfBirthRecognizer(JapanesePatternRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = (
        ("era date", rf"{_ERA_HEARD}\s*(?:\d{{1,2}}|元)\s*年{_MONTH_DAY}", 0.5),
        ("kanji date", rf"{NOT_DIGIT_BEFORE}\d{{2,4}}\s*年{_MONTH_DAY}", 0.5),
        ("month day", rf"{NOT_DIGIT_BEFORE}\d{{1,2}}\s*月{_DAY}", 0.4),
        ("slash date", rf"{NOT_DIGIT_BEFORE}(?:19|20)?\d{{2}}\s*/\s*\d{{1,2}}\s*/\s*"
                       rf"\d{{1,2}}{NOT_DIGIT_AFTER}", 0.5),
        ("era letter date", rf"(?<![A-Za-z]){_ERA}\d{{1,2}}[./]\d{{1,2}}[./]\d{{1,2}}"
                            rf"{NOT_DIGIT_AFTER}", 0.5),
        ("compact date", rf"{NOT_DIGIT_BEFORE}(?:19|20)\d{{2}}(?:0[1-9]|1[0-2])"
                         rf"(?:0[1-9]|[12]\d|3[01]){NOT_DIGIT_AFTER}", 0.5),
    )
    CONTEXT_REQUIRED = True
    REJECT_UNIT_AFTER = False

    def validate_result(self, pattern_text: str) -> bool | None:
        month = re.search(r"(\d{1,2})\s*月", pattern_text)
        day = re.search(r"(\d{1,2})\s*日", pattern_text)
        if month and not 1 <= int(month.group(1)) <= 12:
            return False
        if day and not 1 <= int(day.group(1)) <= 31:
            return False
        return None
