"""Context cues: the words that say what a nearby value is.

Japanese puts the cue before the value (電話番号は…), after it (…が電話番号です) or inside a
compound (電話番号, マイナンバーカード), and there are no spaces to count tokens by, so cues
are found in a window of characters around a value.  When several cues are near, the
nearest one decides: in ``口座番号は1234567、郵便番号は1000001`` the second number belongs
to 郵便番号, not to 口座番号.  Cues are matched leftmost-longest, so 在留カード is not read as
カード and マイナンバーカード is not read as カード.

``NOT_PII`` cues name business numbers (order, model, error codes) that look like
identifiers; a value whose nearest cue is one of them is not personal information.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from redactor.pii.lexicon import KATAKANA_TO_HIRAGANA, tokenizer

NOT_PII = "NOT_PII"
# Cues too general to promise that a value follows (カードが使えない, メールで送ります).
WEAK_CUES = frozenset({"カード", "クレジット", "メール", "保険", "年金", "在留", "免許", "支店",
                       "生まれ", "裏面", "裏側", "お届け先", "送付先", "発送先", "配送先", "送り先", "期限",
                       "普通", "当座", "有効"})

# Numbers of the business, not the caller's (a product's serial, an order, a price).
BUSINESS_NUMBERS = ("注文番号", "ご注文", "品番", "型番", "型式", "形式", "製品番号", "商品番号", "伝票番号",
                    "追跡番号", "送り状番号", "予約番号",  # parcels and bookings: 12-digit groups like a My Number
                    "証券番号", "保険証券", "しょうけんばんごう",  # an insurer's policy, no health insurance card
                    "お問い合わせ番号", "問い合わせ番号", "受付番号", "管理番号", "シリアル",
                    "エラー", "請求書番号", "部屋番号", "整理番号", "モデル", "価格", "金額",
                    "合計", "送料", "料金")

# Another number printed on or kept at a card's back (裏の会員番号, 部屋番号の305, 裏の棟の305): what
# stands between a card's place and a value it is not the code of.  One list for the recognizers
# (``slot.names_a_code``) and the warning rules (``redactor.policy.security_code``).
# A number said only as a landmark on the card (電話番号の下にある3桁, 電話番号の横の) points to the code: not another
# number (review18 L9).
OTHER_NUMBER = re.compile(r"(?:部屋|号室|会員|注文|シリアル|製造|受付|予約|郵便|電話|口座|品番|型番|管理|整理|棟|階"
                          r"|駐車)"
                          r"(?!(?:番号)?の?(?:下|上|横|隣|右|左|近く|そば|ところ|とこ)(?:に|の|、|です))")

CUES: dict[str, tuple[str, ...]] = {
    "PERSON": ("お名前", "名前", "氏名", "名義", "フルネーム", "おなまえ", "フリガナ", "ふりがな",
               "契約者", "ご契約者", "読み方", "お読み"),
    "PHONE_NUMBER": ("電話番号", "お電話", "電話", "携帯番号", "携帯", "連絡先", "TEL",
                     "でんわ", "ご連絡先", "折り返し先"),
    "EMAIL_ADDRESS": ("メールアドレス", "メアド", "Eメール", "メール", "アドレス"),
    "JP_ADDRESS": ("ご住所", "住所", "お住まい", "所在地", "送付先", "お届け先",
                   "発送先", "配送先", "送り先",  # longer than the business event 発送: matched first
                   # the rest of an address asked for (建物名とお部屋番号は): longer than 部屋番号
                   "建物名", "マンション名", "お部屋番号"),
    "JP_POSTAL_CODE": ("郵便番号", "〒", "ゆうびん番号"),
    "DATE_OF_BIRTH": ("生年月日", "誕生日", "お誕生日", "お生まれ", "生まれ", "せいねんがっぴ"),
    "CREDIT_CARD": ("カード番号", "カードの番号", "クレジットカード", "クレジット", "カード"),
    "CARD_SECURITY_CODE": ("セキュリティコード", "セキュリティーコード", "セキュリティ番号",
                           "セキュリティー番号", "CVV", "CVC", "裏面", "裏の", "裏側", "表の4桁",
                           "表面の4桁", "カードの後ろ", "カードのうしろ", "後ろの3桁", "うしろの3桁",
                           # CVV, CVC as speech recognition spells them
                           "シーブイブイ", "シーヴイヴイ", "シーブイシー"),
    "CARD_EXPIRY": ("有効期限", "有効期間", "期限", "まで有効", "有効"),
    "JP_MY_NUMBER": ("マイナンバー", "マイナンバーカード", "個人番号", "マイナンバ"),
    "JP_CORPORATE_NUMBER": ("法人番号",),
    "JP_DRIVERS_LICENSE": ("運転免許証番号", "運転免許証", "免許証番号", "運転免許", "免許証", "免許"),
    "JP_PASSPORT": ("パスポート番号", "パスポート", "旅券番号", "旅券"),
    "JP_HEALTH_INSURANCE": ("保険者番号", "保険証", "被保険者", "健康保険", "保険"),
    "JP_PENSION_NUMBER": ("基礎年金番号", "年金番号", "年金手帳", "年金"),
    "JP_RESIDENCE_CARD": ("在留カード番号", "在留カード", "在留"),
    "JP_BANK_ACCOUNT": ("口座番号", "口座", "普通預金", "当座預金", "普通", "当座", "ゆうちょ", "支店"),
    # A PIN or password: no business needs it said (redactor.pii.recognizers.credential).
    "CREDENTIAL": ("暗証番号", "暗証", "パスワード", "パスコード", "PINコード", "PIN番号", "ピン番号", "ピンコード",
                   "ログインパスワード", "あんしょう番号", "合言葉", "あいことば"),
    NOT_PII: (*BUSINESS_NUMBERS, "支払期限", "支払い期限", "お支払い期限", "お支払期限",
              "返品期限", "申込期限", "お申し込み期限", "提出期限", "番号札",
              "ISBN", "ISSN",  # book and serial numbers (ISBN 0198611862 has a phone's length)
              "期限付き",  # a fixed-term arrangement (期限付き移籍): its end is no card's expiry
              "口座数", "口座の数", "支店数",  # a count of accounts (口座数は1234567): how many, not one
              # business events: their dates are not birth dates
              "契約日", "ご契約", "契約", "申し込", "申込", "購入", "入会", "加入", "登録日", "注文日",
              "発送", "解約", "利用開始", "開通"),
}


# A security code described by where it is printed instead of named: the old forms (裏にある3桁,
# 裏面に記載の3桁) and the signature strip, the card turned over, small print (署名欄の右端に小さく
# 印字されている数字, 裏返した署名欄の近くの数字, 署名のとこの横の小さい数字, サインの欄の…数字; a pause
# in 裏の、3けた).  A place needs a number noun after it within a phrase: 署名欄にサインしてください
# names no number.  Bounded gaps: linear.
_PRINTED = r"(ある|書いてある|書かれて(いる|る)|書かれた|記載の|記載されて(いる|る)|印字(された|されて(いる|る)|の))"
_PLACE = r"(署名の?(欄|ところ|とこ)|サインの?(欄|ところ|とこ|横|隣|近く)|裏返|小さく印字)"
_DIGITS_NOUN = r"(3|三|３|4|四|４)(桁|けた)"
# The gap to the number noun is lazy: the first number after the place is the one it describes
# (サインの横の数字と、ご注文番号: the digits, not the order number).
SECURITY_CODE_DESCRIBED = re.compile(rf"裏(面|側)?(に|の)?、?{_PRINTED}?{_DIGITS_NOUN}"
                                     rf"|{_PLACE}[^0-9。？?！!\n]{{0,16}}?(数字|番号|コード|{_DIGITS_NOUN})")
# The same said with its value (the PII engine's slot may have missed it): a name, the back (裏の番号,
# うらの3桁 read in kana, 裏に741ってある: a value quoted as printed there) or a described place, then
# 3-4 digits close after it.  Only the described
# place (group ``place``) can be a business number's; the gap before the value is any talk
# (セキュリティコードの入力がエラーになって、742).
SECURITY_CODE_SAID = re.compile(
    r"(セキュリティ[ー]?(コード|番号)|CVV|CVC|(?P<place>(裏|うら)(面|側)?の(3|三)桁|裏(面|側)?(に[^0-9、。]{0,8}?)?の?(番号|数字)|"
    r"裏(面|側)?に(は)?(?=、?\d{3,4}(って|と))|"
    rf"{SECURITY_CODE_DESCRIBED.pattern}))[^0-9]{{0,14}}(?P<value>\d{{3,4}})(?!\d)")
_BUSINESS_NUMBER = re.compile("|".join(map(re.escape, BUSINESS_NUMBERS)), re.IGNORECASE)
# What joins a modifier to the noun it modifies (裏の|シリアル番号): a genitive, no pause, no list and
# no particle that ends the phrase (お電話番号は|ご注文時に…: the number asked is still the phone's).
_SAME_PHRASE = re.compile(r"の?[^、。？?！!,\sとやはをがにでも]{0,8}")


@dataclass(frozen=True, slots=True)
class Cue:
    owner: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Ownership:
    """Whom the cues give a value to, and whether a correction after it named that type."""

    owner: str | None
    renamed: bool


def _described(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    # A place description that runs into a business number (裏返して本体のシリアル番号) is that number's;
    # a named code (セキュリティコード) is a card's whatever is said before its value.
    def place(m: re.Match[str]) -> str:
        return (m.group("place") or "") if "place" in pattern.groupindex else m.group(0)

    return [m for m in pattern.finditer(text) if not _BUSINESS_NUMBER.search(place(m))]


def describes_security_code(text: str) -> bool:
    """``text`` names a card's security code by where it is printed (a request needs no value)."""
    return bool(_described(SECURITY_CODE_DESCRIBED, text))


def says_security_code(text: str) -> bool:
    """``text`` (normalised: digits as digits) gives a security code by its name or place."""
    return bool(_described(SECURITY_CODE_SAID, text))


def security_code_values(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` (normalised) the digits of a code said by its name or place are: what
    ``says_security_code`` warns about is what gets masked."""
    return [m.span("value") for m in _described(SECURITY_CODE_SAID, text)]


def modifies_business_number(text: str, cue: Cue) -> bool:
    """The cue modifies a business number in the same phrase (本体の裏のシリアル番号: the back of the
    device, not of a card), so it asks for no personal value."""
    if not (text[cue.end - 1] == "の" or text.startswith("の", cue.end)):
        return False  # only a genitive modifies: 裏の|シリアル番号, 本体裏面の|型番
    gap = _SAME_PHRASE.match(text, cue.end)
    return gap is not None and any(_BUSINESS_NUMBER.match(text, i) for i in range(cue.end, gap.end() + 1))


# A reader correcting themself: あ、違う / いや、違った / じゃなくて / 間違えた, with the pauses around it
# (bounded: linear).  After it, これ/それ and a particle may come before the type it names.  A
# confirmation is no correction (間違いないです, 間違いございません, 間違いありません), nor is an apology
# alone (失礼しました。予約番号は…): 失礼 corrects only with じゃなくて (失礼、携帯じゃなくて…).
_NOT_WRONG = r"(?!な|ござ|あり)"
CORRECTION = re.compile(r"[\s、,。….]{0,3}(?:(?:あ|いや|えっと|ごめんなさい|すみません)[\s、,….]{0,2}){0,2}"
                        rf"(?:違う|違った|ちがう|ちがった|間違えた|まちがえた|間違い{_NOT_WRONG}|まちがい{_NOT_WRONG}"
                        r"|じゃなくて|ではなくて|失礼(?:しました)?[\s、,。…]{0,3}[^\s、,。…]{0,8}?(?:じゃ|では)なくて)"
                        r"[\s、,。…]{0,3}")
_RENAMED_GAP = 6
_SENTENCE_END = re.compile(r"[。？?！!\n]")


# A count (口座数, 口座の数) ends at 数: 数字/数値 are the digits themselves (口座の数字は…: the account's).
_COUNT = "数"
_COUNT_GOES_ON = "(?![字値])"


# A cue's reading shorter than this is an everyday word in kana (なまえ, きげん, ふつう, してん): only
# longer ones are read as cues (じゅうしょ, こうざばんごう, まいなんばー).
_MIN_SPOKEN = 4


@lru_cache(maxsize=4096)
def spoken_forms(word: str) -> frozenset[str]:
    """``word`` in kana as a recogniser may write it: its dictionary reading in katakana and in
    hiragana (口座番号: コウザバンゴウ, こうざばんごう; マイナンバー: まいなんばー), those of at
    least ``_MIN_SPOKEN`` characters that differ from the word."""
    if not re.search(r"[一-龥々ァ-ヴ]", word):
        return frozenset()
    reading = "".join(m.reading_form() for m in tokenizer().tokenize(word))
    if not re.fullmatch(r"[ァ-ヴー]+", reading):
        return frozenset()
    forms = {reading, reading.translate(KATAKANA_TO_HIRAGANA)}
    return frozenset(f for f in forms if len(f) >= _MIN_SPOKEN and f != word)


def _cue_pattern(word: str) -> str:
    return re.escape(word) + (_COUNT_GOES_ON if word.endswith(_COUNT) else "")


class CueIndex:
    """Finds cues in text and tells which entity type owns the cue nearest to a span."""

    def __init__(self, cues: Mapping[str, tuple[str, ...] | list[str]] = CUES,
                 before: int = 24, after: int = 8) -> None:
        self.owner_of: dict[str, str] = {}
        for owner, words in cues.items():
            for word in words:
                self.owner_of.setdefault(word.lower(), owner)
        # Then each cue as speech recognition may spell it, in kana (こうざばんごう, まいなんばー):
        # the words as written keep their owners.  Not the business words' (りょうきん, ごうけい): a guessed
        # reading must not grow the exceptions (りょうきんの ひきおとし こうざは 1234567 would lose the digit
        # net to りょうきん, こうざ being too short to be read).
        for word, owner in list(self.owner_of.items()):
            if owner == NOT_PII:
                continue
            for form in spoken_forms(word):
                self.owner_of.setdefault(form, owner)
        alternation = "|".join(map(_cue_pattern, sorted(self.owner_of, key=len, reverse=True)))
        self.pattern = re.compile(alternation, re.IGNORECASE)
        self.before = before
        self.after = after
        self._last: tuple[str | None, list[Cue]] = (None, [])

    def find(self, text: str) -> list[Cue]:
        # Every recognizer asks about the same utterance in turn: remember the last one.
        # One tuple, swapped atomically, so that threads sharing the index stay correct.
        last_text, last_cues = self._last
        if text is last_text:
            return last_cues
        cues = [Cue(self.owner_of[m.group(0).lower()], m.start(), m.end())
                for m in self.pattern.finditer(text)]
        self._last = (text, cues)
        return cues

    def renamed_after(self, text: str, end: int) -> str | None:
        """The type a correction right after a value names (6615 0392 8473…あ、違う、これマイナンバー
        カードだ): the speaker read the wrong card, and says which one it was.  Only a personal type
        renames: a business number named there (…違う、注文番号だった) is left to the cue windows, so
        a correction never unmasks by itself."""
        said = CORRECTION.match(text, end)
        if not said:
            return None
        cue = next((c for c in self.find(text) if said.end() <= c.start <= said.end() + _RENAMED_GAP), None)
        return cue.owner if cue is not None and cue.owner != NOT_PII else None

    def ownership(self, text: str, start: int, end: int) -> Ownership:
        """The type the cues give the span ``[start, end)``: a correction right after it that names
        a type, else the nearest cue (see ``nearest_owner``)."""
        renamed = self.renamed_after(text, end)
        if renamed:
            return Ownership(renamed, renamed=True)
        return Ownership(self._nearest_cue_owner(text, start, end), renamed=False)

    def nearest_owner(self, text: str, start: int, end: int) -> str | None:
        """The owner of the nearest cue before the span, else of the nearest one after it.

        A cue before the span wins over one after it, because a speaker names a value before
        giving it far more often than after; a correction naming it right after wins over both.
        Cues beyond the window are ignored.
        """
        return self.ownership(text, start, end).owner

    def _nearest_cue_owner(self, text: str, start: int, end: int) -> str | None:
        cues = self.find(text)
        before = [c for c in cues if start - self.before <= c.end <= start]
        if before:
            return max(before, key=lambda c: c.end).owner
        # A cue after the value names it in the same sentence (…が電話番号です); past a sentence end it
        # begins the next topic (0312345678、失礼しました。予約番号は…).
        after = [c for c in cues if end <= c.start <= end + self.after and not _SENTENCE_END.search(text, end, c.start)]
        if after:
            return min(after, key=lambda c: c.start).owner
        return None
