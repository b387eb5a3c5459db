"""What the other side just asked for: the cue an answer inherits across turns.

In a call the cue and the value are often in different turns::

    agent:    生年月日もお伺いできますか。
    customer: 昭和58年4月12日です。

The second line alone is an ordinary date.  ``CallContext`` remembers the last cue of the
previous turn (生年月日) and hands it to ``Redactor.redact(..., prompt=...)``, which reads
the answer as if it began with that cue.  A prompt lasts for the next turn of the other
speaker only, so a stale question never colours the rest of the call.
"""

from __future__ import annotations

import re

from redactor.pii.cues import NOT_PII, WEAK_CUES, CueIndex, modifies_business_number
from redactor.pii.normalize import normalize, spoken_value

_DIGIT_RUN = re.compile(r"\d+")
_OWN_COUNT = re.compile(r"の?\d{1,2}(?:桁|ケタ|けた)")
# A card code's size (右端の3桁の数字です) describes the value asked for; it is none.
_CODE_SIZE = re.compile(r"(?<=(?<!\d)[34])(?:桁|ケタ|けた)")
# A question or a request for something (ASR keeps these endings far better than the cue).
_REQUEST = re.compile(r"願い|ねがい|おめが|お伺い|伺え|教えて|ください|いただけ|頂け|ょうか|ますか|ですか|[?？]")
# Holding the line while fetching what was asked (ちょっと待ってください, 少々お待ちを, 今探します, 眼鏡が
# なくて): neither an answer nor a request of one's own; the other side's request and cue stay open.
_HOLD = re.compile(r"待って|まって|お待ち|おまち|少々|しょうしょう|探し|さがし|探す|見てみ|みてみ|取ってき|とってき"
                   r"|眼鏡|めがね|どこだっけ|どこやった|出しますね|出してき"
                   # thinking aloud before the answer (なんだっけ、カタカナでしたっけ / え / うーん)
                   r"|だっけ|でしたっけ|^[えあうんーっ…、。\s]+$")
_HOLD_MAX = 40
# A sentence that says something will NOT be asked (セキュリティコードはお伺いしませんのでご安心ください,
# マイナンバーは不要です): its cues and request words ask nothing (review18 M4).
_NOT_ASKING = re.compile(r"(?:伺い|うかがい|お聞き|聞き|確認)(?:し|いたし|致し)?(?:ません|ておりません)|不要"
                         r"|必要(?:ございません|ありません|ない)|結構です|言わないで|お伝えにならない|お伝えいただかなくて")
_SENTENCE = re.compile(r"[^。！？!?]+?(?:[。！？!?]+|ので、?|けれど(?:も)?、|けど、|が、|$)")


def _asking_part(normalized: str) -> str:
    """``normalized`` without its sentences that say what will not be asked."""
    return "".join(m.group(0) for m in _SENTENCE.finditer(normalized) if not _NOT_ASKING.search(m.group(0)))


# Types whose cue makes the next turn an answer only when it asks (their slot takes any words).
_ASKED_ONLY = frozenset({"CREDENTIAL"})
# The side of a speaker-less line (a mono recording): it answers the line before it, whoever spoke.
_LINE = "\x00line"


def _holds_value(text: str, start: int) -> bool:
    """Whether ``text`` holds digits after ``start`` (the cue's end), other than the count of the
    cue's own digits right after it (マイナンバーの12桁): a count said further on may describe another
    thing (運転免許証のコピーは…、裏面に12桁の番号がある…カード: the cue is no request then)."""
    count = _OWN_COUNT.match(text, start)
    return any(not _CODE_SIZE.match(text, m.end()) for m in _DIGIT_RUN.finditer(text, count.end() if count else start))


class CallContext:
    """Per-call memory of the last question; cheap enough to keep one per live call."""

    def __init__(self, cues: CueIndex) -> None:
        self.cues = cues
        self._cue: str | None = None
        self._asked_by: str | None = None
        self._request_by: str | None = None  # who made the last turn, if it asked for something

    def answers_request(self, speaker: str | None) -> bool:
        """The other side's last turn was a question or request (…をお願いします, …できますか)
        and it has not spoken since, whether or not speech recognition kept its cue.  A
        speaker-less line answers an open request whoever made it."""
        return self._request_by is not None and speaker != self._request_by

    def prompt_for(self, speaker: str | None) -> str | None:
        """The cue an utterance by ``speaker`` answers, if the previous turn asked one."""
        if self._cue is None or (speaker is not None and speaker == self._asked_by):
            return None
        return self._cue

    def observe(self, text: str, speaker: str | None) -> None:
        """Record a turn after it has been redacted."""
        normalized = normalize(text).text
        # A sentence saying what will not be asked (…はお伺いしませんのでご安心ください) makes no request;
        # its cue still names what the turn is about (マイナンバーは不要です / 一応、番号は4072…).
        asking = _asking_part(normalized)
        if self._holds(normalized, speaker):
            return
        # A request stays open while the other side answers it, over as many utterances as
        # it takes, until the one who asked speaks again.  Speaker-less lines cannot tell who
        # asked: a request stays open while the lines after it hold digits.
        if _REQUEST.search(asking):
            self._request_by = speaker if speaker is not None else _LINE
        elif speaker == self._request_by or (speaker is None and not (_DIGIT_RUN.search(normalized)
                                                                      or spoken_value(text))):
            self._request_by = None
        # 本体の裏のシリアル番号 asks for a serial: 裏の modifies it, not a card.  A secret's cue asks only in
        # a request (暗証番号の再設定は窓口で行います names one: the answer 窓口ですね is no PIN).
        request = bool(_REQUEST.search(asking))
        # A secret's cue asks only in the sentence that asks (…暗証番号はお伺いしませんので、ご安心ください asks none).
        asking_cues = {asking[c.start:c.end] for c in self.cues.find(asking)} if request else set()
        asked = [c for c in self.cues.find(normalized)
                 if c.owner != NOT_PII and normalized[c.start:c.end] not in WEAK_CUES
                 and not modifies_business_number(normalized, c)
                 and (c.owner not in _ASKED_ONLY or normalized[c.start:c.end] in asking_cues)]
        # Only a turn without a value of its own asks: "電話番号は090…です" answers nothing; a count
        # is no value (マイナンバーの12桁も伺っております, 裏の3つの数字を).
        if asked and not _holds_value(normalized, asked[-1].end):
            self._cue, self._asked_by = normalized[asked[-1].start:asked[-1].end], speaker
        else:
            self._cue, self._asked_by = None, None

    def _holds(self, normalized: str, speaker: str | None) -> bool:
        """The turn holds the line while the other side's request is open (ちょっと待ってください):
        no digits, no cue of its own, short."""
        return (self._request_by is not None and speaker != self._request_by and len(normalized) <= _HOLD_MAX
                and bool(_HOLD.search(normalized)) and not _DIGIT_RUN.search(normalized)
                and not any(c.owner != NOT_PII for c in self.cues.find(normalized)))

    def asked(self, cue: str, speaker: str | None) -> None:
        """The turn just observed asked for ``cue``'s type in words no cue holds (a security code
        described by where it is printed: サインの横の数字が三つございますよね): the next answer
        of the other side inherits ``cue`` as if the turn had said it."""
        self._cue, self._asked_by = cue, speaker
