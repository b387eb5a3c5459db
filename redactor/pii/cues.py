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

NOT_PII = "NOT_PII"
# Cues too general to promise that a value follows (カードが使えない, メールで送ります).
WEAK_CUES = frozenset({"カード", "クレジット", "メール", "保険", "年金", "在留", "免許", "支店",
                       "生まれ", "裏面", "裏側", "お届け先", "送付先", "期限", "普通", "当座", "有効"})

CUES: dict[str, tuple[str, ...]] = {
    "PERSON": ("お名前", "名前", "氏名", "名義", "フルネーム", "おなまえ", "フリガナ", "ふりがな",
               "契約者", "ご契約者", "読み方", "お読み"),
    "PHONE_NUMBER": ("電話番号", "お電話", "電話", "携帯番号", "携帯", "連絡先", "TEL",
                     "でんわ", "ご連絡先", "折り返し先"),
    "EMAIL_ADDRESS": ("メールアドレス", "メアド", "Eメール", "メール", "アドレス"),
    "JP_ADDRESS": ("ご住所", "住所", "お住まい", "所在地", "送付先", "お届け先"),
    "JP_POSTAL_CODE": ("郵便番号", "〒", "ゆうびん番号"),
    "DATE_OF_BIRTH": ("生年月日", "誕生日", "お誕生日", "生まれ", "せいねんがっぴ"),
    "CREDIT_CARD": ("カード番号", "カードの番号", "クレジットカード", "クレジット", "カード"),
    "CARD_SECURITY_CODE": ("セキュリティコード", "セキュリティーコード", "セキュリティ番号",
                           "セキュリティー番号", "CVV", "CVC", "裏面", "裏の", "裏側", "表の4桁",
                           "表面の4桁", "カードの後ろ", "カードのうしろ", "後ろの3桁", "うしろの3桁"),
    "CARD_EXPIRY": ("有効期限", "有効期間", "期限", "まで有効", "有効"),
    "JP_MY_NUMBER": ("マイナンバー", "マイナンバーカード", "個人番号", "マイナンバ"),
    "JP_CORPORATE_NUMBER": ("法人番号",),
    "JP_DRIVERS_LICENSE": ("運転免許証番号", "運転免許証", "免許証番号", "運転免許", "免許証", "免許"),
    "JP_PASSPORT": ("パスポート番号", "パスポート", "旅券番号", "旅券"),
    "JP_HEALTH_INSURANCE": ("保険者番号", "保険証", "被保険者", "健康保険", "保険"),
    "JP_PENSION_NUMBER": ("基礎年金番号", "年金番号", "年金手帳", "年金"),
    "JP_RESIDENCE_CARD": ("在留カード番号", "在留カード", "在留"),
    "JP_BANK_ACCOUNT": ("口座番号", "口座", "普通預金", "当座預金", "普通", "当座", "ゆうちょ", "支店"),
    NOT_PII: ("注文番号", "ご注文", "品番", "型番", "製品番号", "商品番号", "伝票番号",
              "追跡番号", "送り状番号", "予約番号",  # parcels and bookings: 12-digit groups like a My Number
              "お問い合わせ番号", "問い合わせ番号", "受付番号", "管理番号", "シリアル",
              "エラー", "請求書番号", "部屋番号", "整理番号", "モデル", "価格", "金額",
              "合計", "送料", "料金", "支払期限", "支払い期限", "お支払い期限", "お支払期限",
              "返品期限", "申込期限", "お申し込み期限", "提出期限", "番号札",
              "ISBN", "ISSN",  # book and serial numbers (ISBN 0198611862 has a phone's length)
              "期限付き",  # a fixed-term arrangement (期限付き移籍): its end is no card's expiry
              # business events: their dates are not birth dates
              "契約日", "ご契約", "契約", "申し込", "申込", "購入", "入会", "加入", "登録日", "注文日",
              "発送", "解約", "利用開始", "開通"),
}


@dataclass(frozen=True, slots=True)
class Cue:
    owner: str
    start: int
    end: int


class CueIndex:
    """Finds cues in text and tells which entity type owns the cue nearest to a span."""

    def __init__(self, cues: Mapping[str, tuple[str, ...] | list[str]] = CUES,
                 before: int = 24, after: int = 8) -> None:
        self.owner_of: dict[str, str] = {}
        for owner, words in cues.items():
            for word in words:
                self.owner_of.setdefault(word.lower(), owner)
        alternation = "|".join(sorted(map(re.escape, self.owner_of), key=len, reverse=True))
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

    def nearest_owner(self, text: str, start: int, end: int) -> str | None:
        """The owner of the nearest cue before the span, else of the nearest one after it.

        A cue before the span wins over one after it, because a speaker names a value before
        giving it far more often than after.  Cues beyond the window are ignored.
        """
        cues = self.find(text)
        before = [c for c in cues if start - self.before <= c.end <= start]
        if before:
            return max(before, key=lambda c: c.end).owner
        after = [c for c in cues if end <= c.start <= end + self.after]
        if after:
            return min(after, key=lambda c: c.start).owner
        return None
