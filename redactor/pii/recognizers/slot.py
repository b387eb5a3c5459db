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
from redactor.pii.cues import CUES, NOT_PII, OTHER_NUMBER, WEAK_CUES, CueIndex
from redactor.pii.quantities import UNIT_AFTER, counter
from redactor.pii.recognizers.base import rule_result
from redactor.pii.recognizers.person import HONORIFICS, is_role
from redactor.pii.recognizers.person_context import KIN

SLOT_SCORE = 0.6
TEXT_SLOTS = frozenset({"PERSON", "JP_ADDRESS", "EMAIL_ADDRESS"})

_END = r"です|でござ|になり|となり|と申し|と言い|といい|って言|ですね|でした|だよ|だけど|。|？|\?|！|!"
_END_RE = re.compile(_END)
# An address or e-mail ends at a pause or a particle that closes it (…号室でお間違い…).
_TEXT_END_RE = re.compile(rf"{_END}|、|で(?![\d])|に(?=住|お|送|登|変)|を|宛")
# A numeric value also ends at a particle that closes it (…5218で、…5218を承りました).
_NUMBER_END_RE = re.compile(rf"{_END}|で(?!\d)|を|が|と(?!\d)|の(?=番号|方|ほう|分|件|[ぁ-ゖ])|まで")
# Between a cue and its value: particles, fillers, pauses (は、えーと、), 番号 after a card name.
_LEAD_IN = re.compile(
    r"(?:の方|のほう|の番号|番号|の記号|記号)?(?:は|が|も|:|：|ですと|だと|で(?=、))?"
    r"(?:\s|、|,|ですね|ですが|ですけど|えーと|えっと|ええと|えー|あのー|あの|あっ|ああ|あ(?=[、\s])|うん|はい|ー|っと)*"
)
# Spaces before the end are part of the lazy value (the caller strips them), not of the
# lookahead: a space run there was tried from every start.
_NAME_VALUE = re.compile(
    rf"[一-龥々ァ-ヴーぁ-ゖA-Za-z・\s\u3000]{{1,16}}?(?=(?:{_END}|{'|'.join(HONORIFICS)}|、|$))"
)
# Not a value: a question back, or an answer that is not a name (わかりました, 少々お待ちを).
_QUESTION = re.compile(
    r"ます|ました|ません|ない|たい|って|ください|でしょう|お願い|か$|何|なん|どちら|どなた|誰|だれ|どう|教え|確認|"
    r"様|本人|少々|ちょっと|待|わかり|分かり|了解|承知|すみません|大丈夫"
    r"|もの|であ[りる]"  # a clause, not a name (名前は極めてありふれたものであり)
    r"|それより|先に|あとで|後で"  # putting the question off (あの、それより先に、解約の件なんですが)
)
# What makes an answer to an address question an address: a number, a municipality's or a block's
# word, in kanji or as speech recognition writes it in kana (かながわけんよこはまし…にちょうめ).
_ADDRESS_MARK = re.compile(r"\d|[都道府県市区町村]|けん|ちょうめ|ばんち|ごうしつ|ほっかいどう|とうきょうと|おおさかふ"
                           r"|きょうとふ")
# The slot of a secret (``redactor.pii.recognizers.credential``): any words are its value.
SECRET_SLOT = "CREDENTIAL"
SECRET_SCORE = 0.9
# A copula after the value, in any dialect (たこやきやねんけど, ポチだよ): not the value's.
# A bare だ/や may end the value itself (やまだ): only a copula with what follows it goes.
_COPULA_END = re.compile(r"(?:や|だ|じゃ|っす)(?:(?:ねん|で|よ|ね|な)+(?:けど|けども|から|し)?|けど|けども|から|し)$")
# A clause, not a secret: a verb or adjective ending a phrase with a particle inside it (メールで届くん,
# 便利になった).  A word alone is a secret whatever it ends in (みかん, あおい, かるた: review18 H1).
_PREDICATE = re.compile(r"(?<=[ぁ-ゖ])(?:る|た|く|い|ん|ので|から|けど|よね)(?=[、。,\s]|$)")
_CLAUSE = re.compile(r"[ぁ-ゖ一-龥ァ-ヴー](?:で|に|が|を|は|も)(?=[ぁ-ゖ一-龥ァ-ヴ])")
# Talk about a PIN or password, not one (忘れちゃって, 変えたほうがいい, 8文字以上, 誕生日と同じ, 言えません):
# word forms, not fragments — a password is any kana (ほうれんそう holds ほう, きめつのやいば きめ, あいらぶゆー いら).
_SECRET_TALK = re.compile(r"忘れ|わすれ|変え[たてるらま]|かえ[たてるらま]|変更|設定|登録|入力|わから|分から"
                          r"|知ら[なん]|しら[なん]|ロック(?:され|がかか|かか)|間違|まちが|桁|けた|文字|以上|以下|(?:ほう|方)が(?:いい|よ)|必要"
                          r"|不要|いらな|いりま|使え|決め[たてるら]|きめ[たてるら]|再発行|リセット|同じ|一緒|結構|けっこう"
                          r"|[言い]え(?:ない|ません)|ロックし|ちゃって|しまって"
                          # an acknowledgement or a hesitation, not the answer yet (わかりました; なんだっけ, え)
                          r"|わかり|分かり|わかった|了解|承知|かしこまり|覚えて|おぼえて|だっけ|でしたっけ|っけ$|^[えあうんー…]+$"
                          # the agent saying it will not ask (お伺いしません, 聞きませんので、大丈夫です)
                          r"|伺い|うかがい|聞きませ|聞かな|お聞きし|大丈夫|^そう(?:なん|な|か|です|でし)")
# A question back or a hold, not a secret (何ですか, ちょっと待ってください): not the name slot's list,
# whose たい and ない are inside ordinary words (たいよう, みかんない).
_SECRET_QUESTION = re.compile(r"ですか|ますか|でしょうか|のか|[？?]|何|なに[をがか]|どう(?:す|し|や|いう|なって)|教え"
                              r"|少々|ちょっと|待って|まって|お待ち|確認|お願い")
# Kin and household: a name cue's answer that names a relative (名義は父で, 契約者は母の高橋恵子です).
_KIN_WORDS = KIN | {"主人", "家族", "子供", "子ども"}
_KINSHIP = re.compile(rf"(?:{'|'.join(sorted(_KIN_WORDS, key=len, reverse=True))})の")
_COPULA_DE = re.compile(r"(?<=[一-龥々ァ-ヴー])で$")
# Answers to a name cue that are no name: the speaker, or a name declined (契約者は私です, お名前は結構です).
_NOT_A_NAME = frozenset({"私", "わたし", "わたくし", "僕", "ぼく", "俺", "おれ", "自分", "あたし", "うち",
                         "結構", "不要", "なし", "無し", "まだ", "未定"})
_PARTIAL = re.compile(r"(?:下|末尾|最後の|最初の|上)\s*\d\s*桁")
# A count before the value (裏の3桁は…, 16桁の…): skipped; dates (27年12月) are values.
_COUNTER_AFTER = re.compile(r"\s{0,8}(?:桁|ケタ|文字|回|個|件|人|枚|円|度|つ|番目|種類|号室)")
# Digits again right after a unit: speech recognition's garble inside one value (4111万1111, 1234567日1,
# 365語 4…, 090 1234万 5678: the normaliser has joined the groups before the unit), not a quantity.
_DIGIT_GOES_ON = re.compile(r"[\s、,・の]{0,2}\d")
# A price, a room or a count (300万を超えた) is no value at any length (裏の棚に3000円の…, 裏の1203号室: 裏の is said of
# anything behind; 口座は1234567件を超える: a number of accounts, not one).  1234567台東支店 is an account
# at the Taito branch: 人 and 台 count only as a word's end (``counter``).
_NO_VALUE_AFTER = re.compile(rf"\s{{0,8}}(?:円|号室|件(?!名)|{counter('人台')}|[千万億兆](?!{_DIGIT_GOES_ON.pattern}))")
# A date is the value of a date's slot only (生年月日, 有効期限): after any other cue it is when something
# happened (電話は1877年に実用化, 郵便番号制度は1968年に導入, ゆうちょ銀行は2007年10月1日に発足).  A year
# never begins with 0, so garble such as 0807日3日 after 電話番号は stays a value.
DATE_SLOTS = frozenset({"DATE_OF_BIRTH", "CARD_EXPIRY"})
_DATE = re.compile(r"[1-9]\d{0,3}\s*年(?:代|度)?(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"
                   r"|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?")

# Two kanji of a word in what stands before a date's cue: a clause, not a date (合併により…会社が生まれた;
# a date's own words are one kanji each between digits: 1980年4月5日).  Not katakana: a filler (1983年、
# エート、4月12日が生年月日です) is said inside a date; nor a caller's correction (いや間違えた, あ、失礼), nor
# the calendar or precision of a year said twice (1983年、西暦で、4月12日; 1989年、平成元年の; 正確には).
_CLAUSE_WORD = re.compile(r"(?!令和|平成|昭和|大正|明治|失礼|間違|西暦|和暦|正確|[成和治正]元|元年)[一-龥]{2}")

_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_SPOKEN_DIGIT = re.compile(
    r"ゼロ|れい|レイ|いち|イチ|さん|サン|よん|ヨン|ごー|ゴー?|ろく|ロク|なな|ナナ|はち|ハチ|きゅ|キュ"
)
# A pause (、) continues a value when what follows holds digits or spoken letters (、エムワイ).
_CUE_WORD = r"番号|記号|枝番|期限|有効|セキュリティ"
_CONTINUATION = re.compile(
    rf"、\s*(?!{_CUE_WORD})(?=[^、。ぁ-ゖ\s]{{0,2}}\d|ご\d|{_SPOKEN_DIGIT.pattern}|[ァ-ヴーA-Za-z\s]{{1,10}}(?:[、。をがでにと]|です|$))"
)
# Garble glued before a value's first digit: letters said as katakana, misheard kanji.
_GLUE = re.compile(rf"(?:(?!{_CUE_WORD})(?:{_SPOKEN_DIGIT.pattern}|[A-Za-zァ-ヴー一-龥々・、\s])){{1,12}}")
_PART_CUE = re.compile(r"、\s*(?:番号|記号|枝番|支店番号|口座番号)(?:は|が|:|：)")
_SENTENCE_ENDS = "。？！?!"
# が/は closing a value before its cue, a few words apart at most (…が弊社の法人番号).
_PARTICLE_BEFORE_CUE = re.compile(r"[がは](?=[^、。がは]{0,6}$)")

# Cues that name where a card's code is printed, not the code (裏の): what stands between one and its
# value may describe that place in any words (裏のシールの下の数字は852, 裏の右下にある3桁の数字は123; a
# question first: 裏の3つのやつもいるんすか。ろく、なな、さん), but not name another number printed or
# kept there (裏の会員番号は1234, 裏の部屋番号の305) or a building's parts (裏の棟の305).
# (裏面 and 裏側 are weak cues, which take no value of their own: the three here are those that do.)
PLACE_CUES = frozenset({"裏の", "カードの後ろ", "カードのうしろ"})
_PLACE_GAP_MAX = 24


def _without_explaining(value: str) -> str:
    """``value`` without the explaining copula said after a pause (いちきゅうはちなな、なん(ですけど))."""
    head = value.removesuffix("なん")
    return head.rstrip("、, 　") if head != value and head != head.rstrip("、, 　") else value


def names_a_code(text: str, place_end: int, span: tuple[int, int]) -> bool:
    """Whether the value at ``span`` after a card's place cue (ending at ``place_end``) is its code:
    near it, no other number named between (``OTHER_NUMBER``), and no more than
    4 digits (裏の番号が0417-2286です is a member's number printed there: the digit net masks it as
    DIGITS, with no code's warning)."""
    return (span[0] - place_end <= _PLACE_GAP_MAX and not OTHER_NUMBER.search(text, place_end, span[0])
            and len(_DIGIT.findall(text, *span)) <= 4)


def _value_start(text: str, owner: str, pos: int, end: int) -> tuple[re.Match[str] | None, int]:
    """The first digit (or spoken digit) in ``text[pos:end]`` that can begin a value of ``owner``,
    and where the search for it last began: what cannot be one is passed over (``_not_a_value``)."""
    while True:
        first = _DIGIT.search(text, pos, end) or _SPOKEN_DIGIT.search(text, pos, end)
        skip = _not_a_value(text, owner, first.start()) if first else None
        if not skip:
            return first, pos
        pos = skip


def _not_a_value(text: str, owner: str, i: int) -> int | None:
    """Where the number at ``i`` ends when it is no value of ``owner``: a date (unless ``owner`` is
    a date's; never one with a leading 0 or digits right after it: 08月12日3456 is a garbled
    number), a count, price or room, a quantity with its unit (95.3%に達した, 6000回線, 3Gから:
    never with a leading 0, which only a phone number or its garble has: 0807日3日; nor with more
    digits right after the unit, ``_DIGIT_GOES_ON``), an ordinal
    (第3世代, 第2営業部: three digits at most; 第123456789012号 is a licence)."""
    date = None if owner in DATE_SLOTS or text.startswith("0", i) else _DATE.match(text, i)
    if date and not _DIGIT_GOES_ON.match(text, date.end()):
        return date.end()
    run = _DIGITS.match(text, i)
    if not run:
        return None
    digits = run.group(0)
    unit = None if owner in DATE_SLOTS or digits.startswith("0") else UNIT_AFTER.match(text, run.end())
    if ((len(digits) <= 3 and (_COUNTER_AFTER.match(text, run.end()) or (i > 0 and text[i - 1] == "第")))
            or _NO_VALUE_AFTER.match(text, run.end())
            or (unit and not _DIGIT_GOES_ON.match(text, unit.end()))):
        return run.end()
    return None


class SlotRecognizer(EntityRecognizer):
    """Masks the value slot next to a strong cue, whatever its type."""

    def __init__(self, cues: CueIndex, max_gap: int = 12, max_value: int = 40) -> None:
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
            if cue.owner == NOT_PII or cue.owner not in entities:
                continue
            weak = text[cue.start:cue.end] in WEAK_CUES
            # A value runs to the next cue; an e-mail or name may contain its own type's cue
            # words (ジーメール holds メール), so only another type's cue ends it.
            limit = next((c.start for c in found[i + 1:] if not (cue.owner in TEXT_SLOTS and c.owner == cue.owner)),
                         len(text))
            span = None if weak else self._value(text, cue.owner, cue.end, limit)
            if span and text[cue.start:cue.end] in PLACE_CUES and not names_a_code(text, cue.end, span):
                continue
            if span is None and cue.owner not in TEXT_SLOTS:
                # …9131がカード番号です: the value before a cue that names it.
                floor = found[i - 1].end if i else 0
                span = self._value_before(text, cue.owner, floor, cue.start)
            if span:
                # A secret's slot holds nothing else: a name-like letter in a spelled password (ケー) is its part.
                results.append(rule_result(self, cue.owner, *span, SECRET_SCORE if cue.owner == SECRET_SLOT
                                           else SLOT_SCORE))
                # 記号は…、番号は…、枝番は…: the parts of one identifier share its cue.
                for part in _PART_CUE.finditer(text, span[1], limit):
                    part_span = self._number(text, cue.owner, part.end(), limit)
                    if part_span:
                        results.append(rule_result(self, cue.owner, *part_span, SLOT_SCORE))
        for match in _PARTIAL.finditer(text):  # 下4桁は5678: a partial number of the last cue
            owner = self.cues.nearest_owner(text, match.start(), match.end())
            owner = owner if owner in ("CREDIT_CARD", "JP_BANK_ACCOUNT") else "PHONE_NUMBER"
            span = self._number(text, owner, match.end(), len(text))
            if span:
                results.append(rule_result(self, owner, *span, SLOT_SCORE))
        return results

    def _value(self, text: str, owner: str, start: int, limit: int) -> tuple[int, int] | None:
        if owner == SECRET_SLOT:
            return self._secret_value(text, start, limit)
        if owner in TEXT_SLOTS:
            return self._text_value(text, owner, start, limit)
        return self._number(text, owner, start, limit)

    def _secret_value(self, text: str, start: int, limit: int) -> tuple[int, int] | None:
        """A PIN or password: anything said up to the end of the phrase (さくら、2024、びっくりマーク;
        エス、エー、ケー…; ひらがなで、たこやき), unless it is talk about one (忘れちゃって, 4桁です)."""
        lead = _LEAD_IN.match(text, start, limit)
        if not re.search(r"は|が|:|：|、|と", text[start:lead.end()]):
            return None  # パスワードを…: a request, not a value
        begin = lead.end()
        end_match = _END_RE.search(text, begin, limit)
        end = min(end_match.start() if end_match else limit, begin + self.max_value)
        value = _without_explaining(_COPULA_END.sub("", text[begin:end].rstrip("、, 　")))
        # さん, よん are digits, not a verb's ending: read as digits before looking for a predicate.
        asks = _SECRET_QUESTION.search(text, begin, min(limit, end + 6))  # …安全ですか: the phrase asks
        if (not value or asks or _SECRET_TALK.search(value)
                or (_CLAUSE.search(value) and _PREDICATE.search(_SPOKEN_DIGIT.sub("0", value)))):
            return None
        if end == limit and value.endswith("の"):
            return None  # 今の暗証番号, ネットバンキングのパスワード: what names the next one, no value
        return begin, begin + len(value)

    def _text_value(self, text: str, owner: str, start: int,
                    limit: int) -> tuple[int, int] | None:
        lead = _LEAD_IN.match(text, start, limit)
        if not re.search(r"は|が|:|：|、|と", text[start:lead.end()]):
            return None  # お名前を…, 住所も…: a request, not a value
        begin = lead.end()
        if owner == "PERSON":
            kin = _KINSHIP.match(text, begin, limit)  # 契約者は母の高橋恵子です: the name only
            begin = kin.end() if kin else begin
            match = _NAME_VALUE.match(text, begin, limit)
            if not match or _QUESTION.search(match.group(0)):
                return None
            # 名義は山田で、: the copula's で after kanji or katakana (a kana name may end in で: かえで)
            value = _COPULA_DE.sub("", match.group(0).rstrip())
            if value in _KIN_WORDS or value in _NOT_A_NAME or is_role(value) or value in CUES["PERSON"]:
                return None  # 名義は父で、契約者は母です, 名義は父の名前で: who holds it, not a name
            return begin, begin + len(value)
        # Spoken e-mail comes in pieces (ケーサトウ、アットマーク、…): only a real ending ends it.
        end_match = (_END_RE if owner == "EMAIL_ADDRESS" else _TEXT_END_RE).search(text, begin, limit)
        end = min(end_match.start() if end_match else limit, begin + self.max_value)
        value = re.sub(r"(?:で|に|が|を|は|も|の)$", "", text[begin:end].rstrip("、, "))
        if owner == "JP_ADDRESS" and (not _ADDRESS_MARK.search(value) or _DATE.match(value)):
            return None  # 住所は1923年の震災で…: a date, no address
        # An address is letters, or spoken all in katakana (ケイサトウアットマーク…).
        if owner == "EMAIL_ADDRESS" and not re.search(r"[A-Za-z@]|アット|あっと", value):
            return None
        if not value or _QUESTION.search(value.replace("ほっかいどう", "")):  # どう of a question, not of 北海道
            return None
        return begin, begin + len(value)

    def _number(self, text: str, owner: str, start: int, limit: int) -> tuple[int, int] | None:
        """The value after a cue: from the first digit (or garble just before it) to its end.

        The value need not parse: everything up to the end of the value is masked, so a
        garbled number (0807日3日, 鉢167-08録-に40) is hidden whole.
        """
        lead_end = _LEAD_IN.match(text, start, limit).end()
        search_end = min(limit, start + self.max_gap + 1)
        first, _ = _value_start(text, owner, lead_end, search_end)
        if first is None or _END_RE.search(text, lead_end, first.start()):
            return None
        begin = first.start()
        glue = _GLUE.fullmatch(text, lead_end, begin)
        if glue:
            begin = lead_end  # garble glued to the value (Tエス5…, 鉢167…, エックスエル、…)
        return self._extent(text, begin, limit)

    def _extent(self, text: str, begin: int, limit: int) -> tuple[int, int] | None:
        end = begin
        hard_limit = min(limit, begin + self.max_value)
        while end < hard_limit:
            if text[end] == "、" and _CONTINUATION.match(text, end, hard_limit):
                end += 1
                continue
            if text[end] == "、" or _NUMBER_END_RE.match(text, end):
                break
            end += 1
        return self._trim(text, begin, end)

    def _value_before(self, text: str, owner: str, floor: int, cue_start: int) -> tuple[int, int] | None:
        """The value in ``Xが<cue>``, ``Xが弊社の<cue>``: the clause before the particle."""
        particle = _PARTICLE_BEFORE_CUE.search(text, max(floor, cue_start - 8), cue_start)
        if particle is None:
            return None
        end = particle.start()
        # After the last sentence end before the value (a scan, not ``.*[。…]``, which
        # would be quadratic wherever it is searched rather than matched).
        lo = max(floor, *(text.rfind(c, floor, end) + 1 for c in _SENTENCE_ENDS))
        first, lo = _value_start(text, owner, lo, end)
        if first is None:
            return None
        begin = first.start()
        if owner in DATE_SLOTS and (end - begin > self.max_value or _CLAUSE_WORD.search(text, begin, end)):
            return None  # a clause, not a date (1934年、大恐慌の影響により…カンパニーが生まれた)
        glue = re.search(rf"{_GLUE.pattern}$", text[lo:begin])
        # Letters said before the digits (ティーゼット、…) belong to the value; a filler does not.
        if glue and (not re.search(r"[、\s]$", glue.group(0))
                     or re.fullmatch(r"[ァ-ヴーA-Za-z]+[、\s]+", glue.group(0))):
            begin = lo + glue.start()
        return self._trim(text, begin, end)

    @staticmethod
    def _trim(text: str, begin: int, end: int) -> tuple[int, int] | None:
        value = text[begin:end]
        stripped = value.strip(" 　、,。・").removeprefix("第")
        stripped = re.sub(r"(?<=\d)(?:号|番)$", "", stripped)
        if not stripped or not (_DIGIT.search(stripped) or len(_SPOKEN_DIGIT.findall(stripped)) >= 2):
            return None
        offset = begin + value.index(stripped)
        return offset, offset + len(stripped)
