"""Value slots: after a strong cue, mask what follows even when it does not parse.

Speech recognition garbles values (``電話番号は0807日3日、``, ``マイナンバラも言いますよ、
2345.6789万1,28です``).  No pattern matches those, but the cue says what the next value is,
so the value slot after the cue is masked up to the end of the value: ``です``, ``。``, a
question, the next cue, or a pause mark followed by something that is not a number.

Slots score below the pattern recognizers; where both find the same entity the spans merge.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.pii.catalogue import LANGUAGE
from redactor.pii.cues import NOT_PII, CueIndex
from redactor.pii.recognizers.base import UNIT_AFTER
from redactor.pii.recognizers.person import HONORIFICS

SLOT_SCORE = 0.6
# Cues too general to promise that a value follows (カードが使えない, メールで送ります).
WEAK_CUES = frozenset({"カード", "クレジット", "電話", "でんわ", "メール", "アドレス", "保険", "年金",
                       "在留", "免許", "支店", "生まれ", "裏面", "裏側", "携帯", "連絡先",
                       "ご連絡先", "お届け先", "送付先", "期限"})
TEXT_SLOTS = frozenset({"PERSON", "JP_ADDRESS", "EMAIL_ADDRESS"})

_END = r"です|でござ|になり|となり|と申し|と言い|といい|って言|ですね|でした|。|？|\?|！|!"
_END_RE = re.compile(_END)
# Between a cue and its value: particles, fillers, pauses (は、えーと、).
_LEAD_IN = re.compile(
    r"(?:\s|は|が|も|:|：|、|,|の方は|のほうは|ですが|ですけど|えーと|えっと|ええと|えー|あの|あのー|"
    r"はい|ー|っと|ね)*"
)
_NAME_VALUE = re.compile(
    rf"[一-龥々ァ-ヴーぁ-ゖA-Za-z・\s]{{1,16}}?(?=\s*(?:{_END}|{'|'.join(HONORIFICS)}|、|$))"
)
_QUESTION = re.compile(r"ます|ません|ください|でしょう|お願い|か$|何|なん|どちら|どう|教え|確認")
_PARTIAL = re.compile(r"(?:下|末尾|最後の|最初の|上)\s*\d\s*桁")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_ALNUM = re.compile(r"[0-9A-Za-z]+")
# Garbled characters inside a value (0807日3…): at most two, never an ending or a pause.
_GAP = re.compile(rf"(?:(?!{_END}|、)[^\s\d]){{1,2}}")
# Trailing garble (…3日、): up to two characters that are not kana, before the end.
_TAIL = re.compile(rf"[^\sぁ-ゖ、。,？?！!]{{1,2}}(?=$|[\s、。,？?！!]|{_END})")


class SlotRecognizer(EntityRecognizer):
    """Masks the value slot after a strong cue, whatever its type."""

    def __init__(self, cues: CueIndex, max_gap: int = 12, max_value: int = 32) -> None:
        self.cues = cues
        self.max_gap = max_gap
        self.max_value = max_value
        entities = sorted({owner for owner in cues.owner_of.values() if owner != NOT_PII})
        super().__init__(supported_entities=entities, supported_language=LANGUAGE,
                         name=type(self).__name__)

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        found = self.cues.find(text)
        results = []
        for i, cue in enumerate(found):
            word = text[cue.start:cue.end]
            if cue.owner == NOT_PII or word in WEAK_CUES or cue.owner not in entities:
                continue
            limit = found[i + 1].start if i + 1 < len(found) else len(text)
            span = self._value(text, cue.owner, cue.end, limit)
            if span:
                results.append(self._result(cue.owner, *span))
        for match in _PARTIAL.finditer(text):  # 下4桁は5678: a partial number of the last cue
            owner = self.cues.nearest_owner(text, match.start(), match.end())
            owner = owner if owner in ("CREDIT_CARD", "JP_BANK_ACCOUNT") else "PHONE_NUMBER"
            span = self._digits(text, match.end(), len(text))
            if span:
                results.append(self._result(owner, *span))
        return results

    def _value(self, text: str, owner: str, start: int, limit: int) -> tuple[int, int] | None:
        if owner in TEXT_SLOTS:
            return self._text_value(text, owner, start, limit)
        return self._digits(text, start, limit)

    def _text_value(self, text: str, owner: str, start: int,
                    limit: int) -> tuple[int, int] | None:
        lead = _LEAD_IN.match(text, start, limit)
        if lead is None or not re.search(r"は|が|:|：", text[start:lead.end()] or "x"):
            return None  # お名前を…, 住所も…: a request, not a value
        begin = lead.end()
        if owner == "PERSON":
            match = _NAME_VALUE.match(text, begin, limit)
            if not match or _QUESTION.search(match.group(0)):
                return None
            return begin, begin + len(match.group(0).rstrip())
        end_match = _END_RE.search(text, begin, limit)
        end = min(end_match.start() if end_match else limit, begin + self.max_value * 2)
        value = text[begin:end].rstrip("、, ")
        if owner == "JP_ADDRESS" and not re.search(r"\d|[都道府県市区町村]", value):
            return None
        if owner == "EMAIL_ADDRESS" and not re.search(r"[A-Za-z]", value):
            return None
        if not value or _QUESTION.search(value):
            return None
        return begin, begin + len(value)

    def _digits(self, text: str, start: int, limit: int) -> tuple[int, int] | None:
        """The first digit run after ``start`` that is not a count, with its garbled gaps."""
        search_end = min(limit, start + self.max_gap + 1)
        pos = start
        while True:
            first = _DIGIT.search(text, pos, search_end)
            if first is None or _END_RE.search(text, start, first.start()):
                return None
            run = _DIGITS.match(text, first.start())
            if len(run.group(0)) > 3 or not UNIT_AFTER.match(text, run.end()):
                break
            pos = run.end()  # 3桁は…: a count, look further
        begin = end = first.start()
        while end < limit and end - begin < self.max_value:
            if m := _ALNUM.match(text, end, limit):
                end = m.end()
            elif (g := _GAP.match(text, end, limit)) and g.end() < limit and text[g.end()].isdigit():
                end = g.end()
            else:
                break
        if t := _TAIL.match(text, end, limit):
            end = t.end()
        return begin, end

    def _result(self, entity: str, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(entity, start, end, SLOT_SCORE, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
        })
