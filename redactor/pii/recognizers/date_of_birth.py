"""DATE_OF_BIRTH: Gregorian or era dates given as a birth date (生年月日, 誕生日, …生まれ).

Other dates (delivery, contract) are not personal information, so a cue is required, with
one exception: a full date far enough in the past (昭和58年4月12日, 1990年10月3日) is read
as a birth date without one where the conversation makes a birth date plausible (an identity
check in progress, a birth date asked for earlier, an age stated: ``redactor.conversation``),
because speech recognition often garbles the question that asked for it (生年月日 → 青年学期).
Elsewhere (an event's date in a sentence, a contract's history) it stays visible.
"""

from __future__ import annotations

import datetime
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


# A person calling support was born at least this many years ago.
_MIN_AGE = 12
_ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}


def _year(pattern_text: str) -> int | None:
    era = re.match(r"(明治|大正|昭和|平成|令和)\s*(\d{1,2}|元)", pattern_text)
    if era:
        return _ERA_START[era.group(1)] + (1 if era.group(2) == "元" else int(era.group(2))) - 1
    gregorian = re.match(r"((?:19|20)\d{2})", pattern_text)
    if gregorian:
        return int(gregorian.group(1))
    # Two digits with the era left out (55年3月2日): a year past this one's two digits is the last
    # century's; otherwise the most recent reading (20年 is 2020, too young).  An era heard but garbled
    # (相話55年, 平静15年, 平静8年) may be 昭和 or 平成 too: the oldest reading counts.
    short = re.search(r"(?<!\d)(\d{1,2})\s*年", pattern_text)
    if short is None:
        return None
    n, this_year = int(short.group(1)), datetime.date.today().year
    plain = (1900 if n > this_year % 100 else 2000) + n
    if short.start() == 0:
        return plain if n >= 10 else None
    readings = [plain] + [_ERA_START[era] + n - 1 for era, last in (("昭和", 64), ("平成", 31)) if n <= last]
    return min(readings)


class PastFullDateRecognizer(DateOfBirthRecognizer):
    """A complete date (year, month, day) old enough to be a birth date, with no cue."""

    PATTERNS = (
        ("past era date", rf"(?:明治|大正|昭和|平成|令和)\s*(?:\d{{1,2}}|元)\s*年{_MONTH_DAY}日", 0.55),
        ("past date", rf"{NOT_DIGIT_BEFORE}(?:19|20)\d{{2}}\s*年{_MONTH_DAY}日", 0.55),
        # the era left out or garbled beyond a name (55年3月2日, 相話55年3月2日 for 昭和)
        ("short year date", rf"{NOT_DIGIT_BEFORE}\d{{2}}\s*年{_MONTH_DAY}日", 0.55),
        ("garbled era date", rf"{_ERA_HEARD}\s*{NOT_DIGIT_BEFORE}\d{{1,2}}\s*年{_MONTH_DAY}日", 0.55),
    )
    CONTEXT_REQUIRED = False
    # With a birth-date cue the cued recognizer's result (higher score) is the one kept, so
    # this rule's results are only the uncued ones, which the conversation may discard.
    CONTEXT_BOOST = 0.0

    def validate_result(self, pattern_text: str) -> bool | None:
        year = _year(pattern_text)
        if year is None or year > datetime.date.today().year - _MIN_AGE:
            return False
        return super().validate_result(pattern_text)
