"""A card's security code by where it is printed, as callers and agents of any region say it.

The PII engine's cues (``redactor.pii.cues``) name the code (セキュリティコード) or its place with a
number noun (裏の3桁, 署名欄の横の数字) and read digits the normaliser wrote as digits.  Speech
gives the place more ways (カードの後ろの小さい数字, 裏返して3つ並んだ数字, 裏のは…) and the value
as separate spoken digits (三・八・一, ご・ろく・に, 七 五 二) with a dialect ending after it (や,
じゃ, たい, ばい), which the normaliser leaves as words (kanji digits alone may be a name, a lone
ご or に a particle).  This module reads those, for the warning rules only:

* ``described``: a place on a card and a count of digits (3つ並んだ数字, 最後の3桁) or a small
  printed number (後ろの小さい数字): an agent asking for it by description;
* ``said``: a place and, close after it, three or four digits read one by one (or written), that
  end the phrase (no counter: 三台, 三・四反, 305号室 are quantities, rooms, prices).

A place is the back of something (裏, 後ろ, 背面, 裏返す) or the signature strip; the back of a
house, a shop or a product (家の裏, 製品の裏, 裏口) is not a card's.  Every pattern is bounded
(linear on any input).
"""

from __future__ import annotations

import re

from redactor.pii.cues import OTHER_NUMBER
from redactor.pii.normalize import ENGLISH_DIGITS

# The back of a card or its signature strip, not a building's back (裏口, 裏庭, 裏山) or a place
# behind something said with a building (家の裏, 店の裏の): the place is read as a word of its own.
_PLACE = (r"(?:(?:裏|うら)(?:面|側|がわ|っかわ|っ側)?(?![口庭山手地道通門方返])|後ろ|うしろ|背面|"
          r"(?:裏|うら)(?:返|がえ)(?:し|す|せ)|(?:ひっくり|引っくり|引っ繰り)(?:返|かえ)(?:し|す|せ)|"
          r"署名(?:欄|の欄)?|(?:サイン|さいん)(?:欄|の欄)?|"
          # the signature strip described (名前書くとこの横: where one writes one's name)
          r"(?:名前|なまえ)を?(?:書く|かく|書いた|かいた|書いて(?:ある|る))(?:とこ|ところ|欄))")
_BUILDING_BEFORE = re.compile(r"(家|うち|店|建物|製品|本体|機械|レシート|伝票|封筒|箱|駐車場|畑|部屋|ビル|お寺|神社)"
                              r"の?$")
# Digits: written, kanji or kana words (a lone ご/に/し/く is a digit only between separators).
_KANA_WORDS = ("ぜろ", "ゼロ", "れい", "まる", "いち", "イチ", "にい", "にー", "に", "ニ", "さん", "サン", "よん",
               "ヨン", "し", "ご", "ごお", "ごー", "ゴ", "ろく", "ロク", "なな", "ナナ", "しち", "はち", "ハチ",
               "きゅう", "きゅー", "キュウ", "く", *ENGLISH_DIGITS)
# Longest first (しち before し); a one-kana digit glued to a written one is a particle (ところに747).
_KANA = "(?:" + "|".join(w if len(w) > 1 else w + "(?![0-9０-９])"
                         for w in sorted(_KANA_WORDS, key=len, reverse=True)) + ")"
_DIGIT = rf"(?:[0-9０-９]|[〇零一二三四五六七八九]|{_KANA})"
_PAUSE = r"[・、,，\s\-ー…]"
# Between digits read one by one: a pause, or a filler said between pauses (なな、の、さん; ろく、えー、に).
_FILLER = r"(?:えっと|えーと|えと|えー|あの|あのー|あー|んー|うーん|の)"
_SEP = rf"(?:{_PAUSE}{{1,3}}{_FILLER}{_PAUSE}{{1,3}}|{_PAUSE}{{0,3}})"
# Three or four digits, then the end of the phrase: a pause, a sentence end, a copula or a
# dialect ending (や, じゃ, たい, ばい, です, っす, って, と), never a counter or a unit.
_VALUE = re.compile(rf"(?<![0-9０-９〇零一二三四五六七八九十百千万])({_DIGIT}(?:{_SEP}{_DIGIT}){{2,3}})"
                    r"(?=[\s、。,.!！?？…]|$|です|っす|や|じゃ|だ|たい|ばい|って|と(?!き)|よ|ね|な(?!な)|けど|か|も)")
_SPOKEN_DIGIT = re.compile(_DIGIT)
# The number noun an agent's description asks for: a count (3つ並んだ, 3桁, 三つの) or small print.
# Counts in kana too (みっつの数字: a simple-Japanese or hiragana speaker).
_COUNT = (r"(?:[34３４三四](?:つ|個|桁|けた|ケタ)|(?:みっ|よっ|ミッ|ヨッ)つ|(?:さん|よん|サン|ヨン)(?:けた|ケタ)|"
          r"最後の[34３４三四](?:桁|けた))")
# A count of digits is itself the thing asked (署名欄のところに書いてある3ケタをお願いします): its
# case particle or a pause may follow it where a number noun would.
# Asked right after the count too (下三桁お願いします, 三桁だけ教えて).
_DIGITS_ASKED = (r"(?<![0-9０-９])[34３４三四](?:桁|けた|ケタ)(?:を|も|は|、|の(?:方|ほう)|だけ|お(?:願|ねが)い|"
                 r"(?:教|おし)え|お?(?:伺|うかが)|お?聞)")
# The place to the count may hold a hesitation and its correction (署名欄の横に印字されとる…
# 失礼いたしました、印字されている三桁の数字): 40 characters, still one sentence.
# The number noun, also in kana (みっつの すうじ: hiragana speech or a recogniser's kana).
_NUMBER_NOUN = r"(?:数字|番号|数|すうじ|スウジ|ばんごう|コード|ナンバー|なんばー|デジット)"  # 裏面に印字の三桁のコード
_DESCRIBED = re.compile(
    rf"{_PLACE}[^。？?！!\n]{{0,40}}?(?:{_COUNT}[^。？?！!\n]{{0,8}}?{_NUMBER_NOUN}|{_DIGITS_ASKED}|"
    # the noun, then its count (数字三つ, 数字が3つ並んだ, 数字を、下三桁, 数字、最後の三つ)
    rf"{_NUMBER_NOUN}(?:が|の|を|は)?[、\s]?(?:最後の|下|末尾の?)?{_COUNT}|"
    # a check number printed there (カード裏の認証番号, 裏面の確認用の番号)
    rf"(?:認証|確認用?の?|照合)(?:番号|コード|ナンバー)|"
    rf"(?:小さ(?:い|な|く)|ちいさ(?:い|な|く)|ちっちゃ(?:い|な|く)|チッチャ(?:イ|ナ|ク)|ちっこ(?:い|く)|ちっさ(?:い|な|く)|"
    rf"細かい|こまかい)"
    rf"[^。？?！!\n]{{0,6}}?{_NUMBER_NOUN})")
# The number there asked for with no count (カードの裏面の数字をお願いします): right after the place, in
# its clause, with no other count between (裏面に12桁の番号がある、…カード: another card's number).
_ASKED_PLAIN = re.compile(rf"{_PLACE}[^。？?！!\n、,0-9０-９]{{0,12}}?{_NUMBER_NOUN}(?:を|も)?\s?"
                          r"(?:お(?:願|ねが)い|(?:教|おし)え|お?(?:伺|うかが)|お?聞か|頂|いただ|読み上げ)")
# A place said for the value: it comes within a few words before it (裏のは, 後ろの小さい数字？).
_PLACE_RE = re.compile(_PLACE)
_GAP = 24  # spaces between spoken words (うらの さいんの とこの よこに ちいさい すうじ) count too
# The signature strip (or where one writes one's name) is a card's; a back or a turn-over may be a product's.
_STRONG = re.compile("署名|サイン|さいん|名前|なまえ")
_END = re.compile(r"[。！!\n]")  # a question mark may close the place said as a question (後ろの数字？ 六…)
_KANA_CHAR = re.compile(r"[ぁ-んァ-ン]")
_SEP_CHAR = re.compile(_PAUSE)
_CARD = re.compile(r"(カード|かーど|クレジット|くれじっと)")
_LONGER_BEFORE = re.compile(r"[0-9０-９][\-ー−]$")


# The end of a number (カード番号の後ろ4桁, 下の後ろの4桁): its last digits, not the back of the card.
# Three of them with no number named before in the sentence (…0286。で、後ろの三つ、ろく…; 4449 6288…あ、
# 後ろの三つの数字も) are the back's: a card's tail is read in fours.
_NUMBER_BEFORE = re.compile(r"(番号|ナンバー|桁|けた)の?$")
# 下 only as a number's lower digits (下3桁), not 下さい.
_NUMBER_NAMED = re.compile(r"番号|ナンバー|ばんごう|桁|けた|下[0-9０-９三四]?(?:桁|けた|ケタ)")
_BEHIND = frozenset({"後ろ", "うしろ", "背面"})
_TAIL_AFTER = re.compile(r"の?(から)?[0-9０-９一二三四五六七八九](桁|けた|ケタ|つ)")
_THREE_AFTER = re.compile(r"の?(?:[3３三](?:桁|けた|ケタ|つ)|みっつ)")
_SENTENCE_START = re.compile(r"[。？?！!\n]")


def _places(text: str) -> list[re.Match[str]]:
    """Places on a card: not a building's or a product's back, nor the end of a number."""
    found = []
    for m in _PLACE_RE.finditer(text):
        before = max(0, m.start() - 6)
        if _BUILDING_BEFORE.search(text, before, m.start()):
            continue
        if m.group() in _BEHIND and (
                _NUMBER_BEFORE.search(text, before, m.start())
                or (_TAIL_AFTER.match(text, m.end()) and not _back_three(text, m))):
            continue
        found.append(m)
    return found


def _back_three(text: str, behind: re.Match[str]) -> bool:
    """後ろ counting three with no number named before it in its sentence: the back's three digits."""
    if not _THREE_AFTER.match(text, behind.end()):
        return False
    starts = [m.end() for m in _SENTENCE_START.finditer(text, max(0, behind.start() - 40), behind.start())]
    return not _NUMBER_NAMED.search(text, starts[-1] if starts else max(0, behind.start() - 40), behind.start())


def described(text: str, *, card: bool = False) -> bool:
    """The sentence asks for or names a security code by its place and its digits' count or size
    (カードを裏返して3つ並んだ数字, カードの後ろの小さい数字).  ``card``: a card was named around
    it (the turn or the call); the signature strip names one by itself."""
    card = card or names_a_card(text)  # once: per place it was quadratic on a text of places
    return any(_described_at(text, m) and (card or _STRONG.search(m.group())) for m in _places(text))


def _described_at(text: str, place: re.Match[str]) -> re.Match[str] | None:
    """The description that starts at ``place``, unless it names another number on the back
    (裏の会員番号を、下三桁: a member number's digits)."""
    found = _DESCRIBED.match(text, place.start()) or _ASKED_PLAIN.match(text, place.start())
    return None if found is None or OTHER_NUMBER.search(text, place.end(), found.end()) else found


def names_a_card(text: str) -> bool:
    """The text names a card (カード, spoken かーど)."""
    return bool(_CARD.search(text))


def said(text: str, *, card: bool = False) -> re.Match[str] | None:
    """A value of three or four digits said right after a card's back or signature strip
    (裏のは三・八・一じゃ, 後ろの小さい数字？ 六・〇・三 や): its match (group 1: the digits), or
    ``None``.  ``card``: the call is about a card (a card was named in it), which the back alone
    (裏のは…) needs; the signature strip says it by itself."""
    card = card or names_a_card(text)
    for place in _places(text):
        if not (card or _STRONG.search(place.group())):
            continue
        bound = min(len(text), place.end() + 2 * _GAP)
        for value in _VALUE.finditer(text, place.end(), bound):
            if value.start() - place.end() > _GAP or _END.search(text, place.end(), value.start()):
                break  # too far, or in the next sentence
            if value.end() == bound < len(text):
                break  # cut by the window: the digits may go on
            if _longer(text, place.end(), value) or OTHER_NUMBER.search(text, place.end(), value.start()):
                break  # a group of a longer number (0417-2286), or another number named (部屋番号の305)
            if 3 <= len(_SPOKEN_DIGIT.findall(value.group(1))) <= 4 and _separated(value.group(1)):
                return value
    return None


# The code by its name, in kanji, katakana or kana (セキュリティのばんごう: a learner or a recogniser).
_NAME = re.compile(r"(?:セキュリティ|せきゅりてぃ)ー?の?(?:コード|こーど|番号|ばんごう|ナンバー|なんばー)|CVV|CVC",
                   re.IGNORECASE)
# A digit no particle spells (not a lone に, ご, し, く): what a longer number goes on or started with.
_CLEAR_DIGIT = ("(?:[0-9０-９〇零一二三四五六七八九]|"
                + "|".join(sorted((w for w in _KANA_WORDS if len(w) > 1), key=len, reverse=True)) + ")")
# The card's expiry after the code (7、3、1、12月まで; ご、ごがつ; 7、3、1、2028年の12月): a month or a year, not more
# digits.
_EXPIRY = (rf"(?:[0-9０-９]{{4}}(?=年|ねん|[/／])|[0-9０-９]{{1,2}}|十[一二]?|[一二三四五六七八九]|じゅう(?:いち|に)?"
           rf"|{_KANA})(?:月|がつ|ガツ|年|ねん|[/／])")
_RUNS_ON = re.compile(rf"{_SEP}(?!{_EXPIRY}){_CLEAR_DIGIT}")
_RAN_FROM = re.compile(rf"{_CLEAR_DIGIT}{_SEP}$")


def _longer(text: str, start: int, value: re.Match[str]) -> bool:
    """``value`` is a group of a longer number (0417-2286, いち、に、の、さん、よん、ご、ろく): digits
    run on after it or ran into it (from ``start``, the end of its cue)."""
    return bool(_LONGER_BEFORE.search(text, start, value.start()) or _RUNS_ON.match(text, value.end())
                or _RAN_FROM.search(text, max(start, value.start() - 12), value.start()))


# The place, then a number noun a few words on (裏の数字, 裏ん数字, サインの横の数字): the value may
# come in the next sentence (カードの裏ん数字も言うとくわ。ご、ご、に、や).
_PLACE_THEN_NUMBER = re.compile(rf"[^。？?！!\n]{{0,12}}?{_NUMBER_NOUN}")


def _cues(text: str, card: bool) -> list[re.Match[str]]:
    """The code by its name, or its place described with a number noun (名前書くとこの横にちっちゃい
    数字, 裏の数字): the cue a value may follow in the next sentence; ``card`` as in ``said``."""
    card = card or names_a_card(text)
    places = [m for m in _places(text) if card or _STRONG.search(m.group())]
    described_at = [_described_at(text, m) or _numbered_at(text, m) for m in places]
    return [*_NAME.finditer(text), *(m for m in described_at if m)]


def _numbered_at(text: str, place: re.Match[str]) -> re.Match[str] | None:
    """A number noun right after ``place`` (裏の数字), unless another number is named (裏の会員番号)."""
    found = _PLACE_THEN_NUMBER.match(text, place.end())
    return None if found is None or OTHER_NUMBER.search(text, place.end(), found.end()) else found


def named_then_said(text: str, *, card: bool = False) -> re.Match[str] | None:
    """The code named (セキュリティコード, セキュリティのばんごう) or described by its place (名前書く
    とこの横にちっちゃい数字), then its three or four digits read one by one in that sentence or the
    next (…あれも言うとこか。ろく、いち、に): not a part of a longer number (電話は090 1234 5678).
    Its match (group 1: the digits), or ``None``."""
    return _said_after(text, _cues(text, card))


def _said_after(text: str, cues: list[re.Match[str]]) -> re.Match[str] | None:
    """Three or four digits read one by one after one of ``cues``, in its sentence or the next."""
    for name in cues:
        ends = [m.end() for m in _END.finditer(text, name.end(), name.end() + 4 * _GAP)]
        bound = ends[1] if len(ends) > 1 else min(len(text), name.end() + 4 * _GAP)
        for value in _VALUE.finditer(text, name.end(), bound):
            digits = value.group(1)
            if _longer(text, name.end(), value):
                continue  # a longer number's group
            if 3 <= len(_SPOKEN_DIGIT.findall(digits)) <= 4 and _separated(digits):
                return value
    return None


# What a turn may start with before its value: fillers, a yes, a pause.
_LEAD = re.compile(r"(?:(?:えーと|えっと|えと|えー|あの|あのー|はい|うん|ええ|じゃあ|では|それは|んー|うーん)?"
                   r"[、,\s…・.。]*){0,4}")


def cued(text: str, *, card: bool = False) -> bool:
    """The turn names or describes the code (``_cues``: 裏の数字ですか、えっと) and says no value after
    it: the caller's next turn may read it (ろく、なな、ご)."""
    cues = _cues(text, card)
    return bool(cues) and not _said_after(text, cues)


def said_first(text: str) -> re.Match[str] | None:
    """The turn starts with three or four digits read one by one (えーと、ご、に、はち): the value of
    a code the caller's turn before named (``cued``); not the start of a longer number.  Its match
    (group 1: the digits), or ``None``."""
    lead = _LEAD.match(text)
    value = _VALUE.match(text, lead.end() if lead else 0)
    ok = value is not None and not _longer(text, 0, value) and 3 <= len(
        _SPOKEN_DIGIT.findall(value.group(1))) <= 4 and _separated(value.group(1))
    return value if ok else None


def read(text: str, *, card: bool = False, cued: bool = False) -> re.Match[str] | None:
    """Where a turn reads a card's code (group 1: the digits), the one decision both the warning
    rules (``card_security_code``) and the transcript's mask (``redactor.conversation``) take:
    after its place (``said``), after its name or description (``named_then_said``), or, when the
    caller's turn before named it (``cued``), at the start of this turn (``said_first``)."""
    return said(text, card=card) or named_then_said(text, card=card) or (said_first(text) if cued else None)


def _separated(value: str) -> bool:
    """Kana digit words need a pause between them (ご・ろく・に); run together they are words
    (ごろく, にさん).  Kanji and written digits may run together (一二三四, 381)."""
    if not _KANA_CHAR.search(value):
        return True
    return all(m.end() == len(value) or _SEP_CHAR.match(value, m.end()) for m in _SPOKEN_DIGIT.finditer(value))
