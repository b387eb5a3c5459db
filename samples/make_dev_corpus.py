#!/usr/bin/env python3
"""Generate the labelled development corpus ``samples/pii_dev.jsonl``.

Every line is one call-centre utterance::

    {"id": "d0001", "speaker": "customer", "text": "電話番号は090-1234-5678です。",
     "entities": [{"type": "PHONE_NUMBER", "start": 5, "end": 18, "form": "written"}],
     "tags": ["written"]}

Gold spans are made *by construction*: a template such as ``電話番号は{phone}です。`` is filled
slot by slot and the offsets of each inserted value are recorded while the string is built.
No detector is ever run.  Hand-written items (mostly speech-recognition damage) use inline
markup ``[[TYPE:value]]`` that is stripped the same way.

The output is deterministic: a fixed seed drives both ``random.Random`` and Faker.  Faker
may change its word lists between releases, so the Faker version used is written to the
``.meta.json`` file beside the corpus; the reproduction test skips when it differs.

Usage::

    python samples/make_dev_corpus.py                 # writes samples/pii_dev.jsonl
    python samples/make_dev_corpus.py --out /tmp/x.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from random import Random

import faker
from faker import Faker

SEED = 20250611
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "pii_dev.jsonl"

# Canonical entity types (docs: shared/design/CONTRACTS.md); the test checks this copy
# against redactor.pii.catalogue.CANONICAL_TYPES (the extensions, CREDENTIAL, have their own tests).
ENTITY_TYPES: tuple[str, ...] = (
    "PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "JP_ADDRESS", "JP_POSTAL_CODE",
    "DATE_OF_BIRTH", "CREDIT_CARD", "CARD_SECURITY_CODE", "CARD_EXPIRY", "JP_MY_NUMBER",
    "JP_CORPORATE_NUMBER", "JP_DRIVERS_LICENSE", "JP_PASSPORT", "JP_HEALTH_INSURANCE",
    "JP_PENSION_NUMBER", "JP_RESIDENCE_CARD", "JP_BANK_ACCOUNT",
)

# Surface forms an entity can take (the entity's "form", also used as an utterance tag).
#   written   ordinary writing: ASCII digits, kanji names, usual address notation
#   fullwidth full-width digits/letters (０９０－…, ｙａｍａｄａ＠…)
#   kanji     kanji numerals (〇九〇の一二三四…, 昭和五十五年…)
#   spoken    digits/letters spelled out in kana (ゼロキューゼロ…, アットマーク/ドット)
#   kana      a name written in its kana reading
#   romaji    a name in Latin letters
#   whisper   numbers the way Whisper writes them (4,111,…  123万4,567  1234.5678)
#   split     a number broken up by pauses (090の、3344の、5566)
#   asr       garbled by speech recognition; the gold span is the slot the value occupies
FORMS: tuple[str, ...] = (
    "written", "fullwidth", "kanji", "spoken", "kana", "romaji", "whisper", "split", "asr",
)


# --------------------------------------------------------------------------- check digits
def luhn_check_digit(payload: str) -> str:
    """The Luhn digit to append to ``payload``."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def my_number_check_digit(first11: str) -> str:
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    r = sum(int(d) * w for d, w in zip(first11, weights, strict=True)) % 11
    return "0" if r <= 1 else str(11 - r)


def corporate_check_digit(base12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base12)))
    return str(9 - total % 9)


# --------------------------------------------------------------------------- character maps
KANJI_DIGITS = "〇一二三四五六七八九"
# Readings of single digits as people say them on the phone.  One reading per digit is
# chosen for a whole value (a speaker is consistent), katakana/hiragana is chosen too.
DIGIT_READINGS: dict[str, tuple[str, ...]] = {
    "0": ("ゼロ", "ゼロ", "れい", "まる"),
    "1": ("いち",),
    "2": ("に", "にー"),
    "3": ("さん",),
    "4": ("よん",),
    "5": ("ご", "ごー"),
    "6": ("ろく",),
    "7": ("なな",),
    "8": ("はち",),
    "9": ("きゅう", "きゅー"),
}
LETTER_READINGS: dict[str, str] = {
    "A": "エー", "B": "ビー", "C": "シー", "D": "ディー", "E": "イー", "F": "エフ",
    "G": "ジー", "H": "エイチ", "I": "アイ", "J": "ジェー", "K": "ケー", "L": "エル",
    "M": "エム", "N": "エヌ", "O": "オー", "P": "ピー", "Q": "キュー", "R": "アール",
    "S": "エス", "T": "ティー", "U": "ユー", "V": "ブイ", "W": "ダブリュー", "X": "エックス",
    "Y": "ワイ", "Z": "ゼット",
}
# What speech recognition tends to write instead of a spoken digit.
ASR_DIGIT_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "0": ("ゼロ", "零", "まる"),
    "1": ("市", "位置", "壱"),
    "2": ("日", "に", "二"),
    "3": ("参", "さん", "産"),
    "4": ("よ", "世", "用"),
    "5": ("後", "語", "ご"),
    "6": ("録", "ろく"),
    "7": ("菜", "なな"),
    "8": ("鉢", "はち", "蜂"),
    "9": ("急", "旧", "級"),
}
MONTH_READINGS = (
    "いちがつ", "にがつ", "さんがつ", "しがつ", "ごがつ", "ろくがつ", "しちがつ", "はちがつ",
    "くがつ", "じゅうがつ", "じゅういちがつ", "じゅうにがつ",
)
DAY_READINGS = (
    "ついたち", "ふつか", "みっか", "よっか", "いつか", "むいか", "なのか", "ようか",
    "ここのか", "とおか", "じゅういちにち", "じゅうににち", "じゅうさんにち", "じゅうよっか",
    "じゅうごにち", "じゅうろくにち", "じゅうしちにち", "じゅうはちにち", "じゅうくにち",
    "はつか", "にじゅういちにち", "にじゅうににち", "にじゅうさんにち", "にじゅうよっか",
    "にじゅうごにち", "にじゅうろくにち", "にじゅうしちにち", "にじゅうはちにち",
    "にじゅうくにち", "さんじゅうにち", "さんじゅういちにち",
)
UNIT_READINGS = ("", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう")
TENS_READINGS = (
    "", "じゅう", "にじゅう", "さんじゅう", "よんじゅう", "ごじゅう", "ろくじゅう",
    "ななじゅう", "はちじゅう", "きゅうじゅう",
)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def kanji_number(n: int) -> str:
    """0..9999 in kanji positional notation: 55 → 五十五, 1980 → 千九百八十."""
    if n == 0:
        return "〇"
    out = []
    for value, mark in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out.append(("" if q == 1 else KANJI_DIGITS[q]) + mark)
    if n:
        out.append(KANJI_DIGITS[n])
    return "".join(out)


def kana_number(n: int) -> str:
    """1..99 read aloud in hiragana."""
    tens, units = divmod(n, 10)
    return TENS_READINGS[tens] + UNIT_READINGS[units]


def kana_year(n: int) -> str:
    """An era year or a Gregorian year read aloud, with ねん."""
    if n == 1:
        return "がんねん"
    if n >= 1900:
        head = "せんきゅうひゃく" if n < 2000 else "にせん"
        rest = n % 100
        if rest == 0:
            return head + "ねん"
        n = rest
    else:
        head = ""
    reading = kana_number(n)
    if n % 10 == 4:
        reading = reading[:-2] + "よ"
    elif n % 10 == 7:
        reading = reading[:-2] + "しち"
    elif n % 10 == 9:
        reading = reading[:-3] + "きゅう"
    return head + reading + "ねん"


# --------------------------------------------------------------------------- hand data
REAL_PLACES: tuple[tuple[str, str, str, str], ...] = (
    # prefecture, city/ward, town, town reading (used for speech-recognition damage)
    ("東京都", "新宿区", "西新宿", "にししんじゅく"),
    ("東京都", "渋谷区", "神南", "じんなん"),
    ("東京都", "世田谷区", "三軒茶屋", "さんげんぢゃや"),
    ("東京都", "杉並区", "阿佐谷北", "あさがやきた"),
    ("東京都", "品川区", "大崎", "おおさき"),
    ("東京都", "江東区", "豊洲", "とよす"),
    ("神奈川県", "横浜市西区", "みなとみらい", "みなとみらい"),
    ("神奈川県", "川崎市中原区", "小杉町", "こすぎまち"),
    ("大阪府", "大阪市北区", "梅田", "うめだ"),
    ("大阪府", "大阪市中央区", "難波", "なんば"),
    ("愛知県", "名古屋市中村区", "名駅", "めいえき"),
    ("北海道", "札幌市中央区", "大通西", "おおどおりにし"),
    ("福岡県", "福岡市博多区", "博多駅前", "はかたえきまえ"),
    ("宮城県", "仙台市青葉区", "中央", "ちゅうおう"),
    ("広島県", "広島市中区", "紙屋町", "かみやちょう"),
    ("埼玉県", "さいたま市大宮区", "桜木町", "さくらぎちょう"),
    ("千葉県", "千葉市美浜区", "中瀬", "なかせ"),
    ("兵庫県", "神戸市中央区", "三宮町", "さんのみやちょう"),
    ("静岡県", "浜松市中央区", "砂山町", "すなやまちょう"),
    ("沖縄県", "那覇市", "久茂地", "くもじ"),
)
BUILDING_STEMS = (
    "グランド", "パーク", "サニー", "メゾン", "コーポ", "ハイツ", "レジデンス", "プラザ",
    "ロイヤル", "リバーサイド",
)
FOREIGN_NAMES: tuple[str, ...] = (
    "ジョン・スミス", "マリア・ガルシア", "グエン・ヴァン・アン", "キム・ミンジュン",
    "ワン・ウェイ", "サラ・ジョンソン", "アナ・シルバ", "ラジ・パテル", "エミリー・ブラウン",
    "チェン・リー", "イ・ソヨン", "ファン・ティ・ラン", "トーマス・ミュラー", "ソフィア・ロッシ",
    "アハメド・カーン", "John Smith", "Maria Santos", "Nguyen Van Minh", "Liu Yang",
)
# Surnames and given names as a recogniser may mishear them (homophones, word splits).
ASR_SURNAMES: tuple[tuple[str, str], ...] = (
    ("佐藤", "砂糖"), ("加藤", "過当"), ("伊藤", "意図"), ("斎藤", "再登"), ("林", "早し"),
    ("森", "盛り"), ("清水", "清み図"), ("山口", "山愚痴"), ("中島", "中縞"), ("前田", "前だ"),
    ("藤田", "不二田"), ("小川", "お川"), ("後藤", "語頭"), ("岡田", "丘だ"),
    ("長谷川", "長谷側"), ("石川", "石皮"), ("近藤", "今度"), ("坂本", "坂元"),
    ("遠藤", "円頭"), ("高橋", "高箸"), ("渡辺", "綿なべ"), ("鈴木", "鈴気"),
)
ASR_GIVEN: tuple[str, ...] = (
    "しょうた", "ゆみこ", "けん太", "みさ紀", "大助", "はるか", "洋子", "ひろし", "まい",
    "たかし", "あけみ", "翔汰", "なおこ", "こうじ",
)
EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "icloud.com", "outlook.jp",
    "softbank.ne.jp", "example.com", "example.co.jp", "hotmail.co.jp",
)
DOMAIN_KANA: dict[str, str] = {
    "gmail.com": "ジーメール ドット コム",
    "yahoo.co.jp": "ヤフー ドット シーオー ドット ジェーピー",
    "docomo.ne.jp": "ドコモ ドット エヌイー ドット ジェーピー",
    "ezweb.ne.jp": "イーズィーウェブ ドット エヌイー ドット ジェーピー",
    "icloud.com": "アイクラウド ドット コム",
    "outlook.jp": "アウトルック ドット ジェーピー",
    "softbank.ne.jp": "ソフトバンク ドット エヌイー ドット ジェーピー",
    "example.com": "イグザンプル ドット コム",
    "example.co.jp": "イグザンプル ドット シーオー ドット ジェーピー",
    "hotmail.co.jp": "ホットメール ドット シーオー ドット ジェーピー",
}
BANK_NAMES = (
    "みずほ銀行", "三菱UFJ銀行", "三井住友銀行", "りそな銀行", "楽天銀行", "住信SBIネット銀行",
    "横浜銀行", "千葉銀行", "ふくおか銀行", "京都信用金庫",
)
BRANCH_NAMES = (
    "新宿支店", "渋谷支店", "梅田支店", "本店営業部", "横浜駅前支店", "池袋東口支店", "天神支店",
    "名古屋支店", "札幌支店", "第一営業部",
)
ERA_ASR = {"昭和": ("症は", "しょうわ", "商和", "昭わ"), "平成": ("へいせい", "兵制", "平静")}


# --------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Piece:
    """One value inserted into a template slot (``type`` None: a non-PII filler)."""

    text: str
    type: str | None = None
    form: str = "written"
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class T:
    """A template: ``text`` holds ``{slot}`` fields filled by the slot renderers."""

    speaker: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    """``count`` utterances from ``templates``, the main value in each of ``styles``."""

    name: str
    count: int
    styles: tuple[str, ...]
    templates: tuple[T, ...]


@dataclass
class Item:
    speaker: str
    text: str
    entities: list[dict[str, object]]
    tags: list[str]


@dataclass
class Ctx:
    rng: Random
    fake: Faker
    decks: dict[str, list[object]] = field(default_factory=dict)

    def deck(self, key: str, items: Sequence[object]) -> object:
        """Draw from a per-key shuffled deck: every item is used before any repeats."""
        pile = self.decks.get(key)
        if not pile:
            pile = list(items)
            self.rng.shuffle(pile)
            self.decks[key] = pile
        return pile.pop()

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))


# --------------------------------------------------------------------------- number surfaces
def spoken_digits(c: Ctx, groups: Sequence[str], seps: Sequence[str] = ("、", "の", " ")) -> str:
    reading = {d: c.rng.choice(r) for d, r in DIGIT_READINGS.items()}
    script = c.rng.choice(("hira", "kata", "mixed"))
    parts = []
    for i, g in enumerate(groups):
        said = "".join(reading[d] for d in g)
        if script == "kata" or (script == "mixed" and i == 0):
            said = to_katakana(said)
        parts.append(said)
    return c.rng.choice(seps).join(parts)


def man_notation(n: int) -> str:
    """An integer as Whisper writes Japanese numbers: 1234567 → 123万4,567."""
    parts = []
    for unit, power in (("兆", 12), ("億", 8), ("万", 4)):
        q = n // 10**power if unit == "兆" else n // 10**power % 10**4
        if q:
            parts.append(f"{q}{unit}")
    rest = n % 10**4
    if rest or not parts:
        parts.append(f"{rest:,}")
    return "".join(parts)


def whisper_digits(c: Ctx, groups: Sequence[str]) -> str:
    digits = "".join(groups)
    if digits[0] == "0" or len(digits) < 5:
        # A leading zero survives only as text: Whisper regroups instead.
        options = [
            "".join(groups[:2]) + "-" + "".join(groups[2:]),
            groups[0] + " " + "".join(groups[1:]),
            ".".join(groups),
            digits,
        ]
        return c.rng.choice([o for o in options if o and not o.endswith(("-", " "))])
    style = c.rng.choice(("comma", "man", "dot"))
    if style == "comma":
        return f"{int(digits):,}"
    if style == "man":
        return man_notation(int(digits))
    chunks = [digits[i:i + 4] for i in range(0, len(digits), 4)]
    pairs = [".".join(chunks[i:i + 2]) for i in range(0, len(chunks), 2)]
    return "、".join(pairs)


def garble_digits(c: Ctx, groups: Sequence[str]) -> str:
    """Speech-recognition damage: homophones for digits, a lost digit, stray 万 or ."""
    sep = c.rng.choice(("", "-", "の", " "))
    chars = list(sep.join(groups))
    positions = [i for i, ch in enumerate(chars) if ch.isdigit()]
    k = max(1, round(len(positions) * c.rng.uniform(0.15, 0.35)))
    for i in c.rng.sample(positions, k):
        chars[i] = c.rng.choice(ASR_DIGIT_CONFUSIONS[chars[i]])
    roll = c.rng.random()
    if roll < 0.25 and len(chars) > 4:
        del chars[c.rng.randrange(1, len(chars) - 1)]
    elif roll < 0.5 and len(chars) > 4:
        chars.insert(c.rng.randrange(2, len(chars) - 1), c.rng.choice(("万", ".", ",")))
    text = "".join(chars).strip()
    return text.replace("  ", " ")


NUMBER_STYLES = ("written", "sep", "fullwidth", "kanji", "spoken", "whisper", "split", "asr")


def render_digits(
    c: Ctx,
    groups: Sequence[str],
    style: str,
    written_seps: Sequence[str] = ("-", ""),
) -> Piece:
    """A digit string (given in its natural groups) in one surface style."""
    if style == "sep":
        sep = c.rng.choice(("の", "、", " ", "ハイフン", "の"))
        return Piece(sep.join(groups), form="written", tags=("separator",))
    if style == "fullwidth":
        sep = c.rng.choice(("－", "", "ー"))
        return Piece(sep.join(to_fullwidth(g) for g in groups), form="fullwidth")
    if style == "kanji":
        sep = c.rng.choice(("の", "、", "ー", ""))
        return Piece(sep.join("".join(KANJI_DIGITS[int(d)] for d in g) for g in groups),
                     form="kanji")
    if style == "spoken":
        return Piece(spoken_digits(c, groups), form="spoken")
    if style == "whisper":
        return Piece(whisper_digits(c, groups), form="whisper")
    if style == "split" and len(groups) > 1:
        out = groups[0]
        for g in groups[1:]:
            out += c.rng.choice(("の、", "、", "…", "、えー、", "の…")) + g
        return Piece(out, form="split")
    if style == "asr":
        return Piece(garble_digits(c, groups), form="asr")
    return Piece(c.rng.choice(written_seps).join(groups), form="written")


def typed(piece: Piece, entity_type: str, *tags: str) -> Piece:
    return Piece(piece.text, entity_type, piece.form, piece.tags + tags)


# --------------------------------------------------------------------------- value makers
PHONE_KINDS = ("mobile", "mobile", "mobile", "mobile", "landline", "landline", "ip", "free",
               "intl")
LANDLINE_AREAS = (("03", 4, 4), ("06", 4, 4), ("045", 3, 4), ("052", 3, 4), ("011", 3, 4),
                  ("092", 3, 4), ("075", 3, 4), ("0466", 2, 4), ("0985", 2, 4), ("022", 3, 4))


def phone_groups(c: Ctx, kind: str) -> list[str]:
    if kind == "mobile":
        return [c.rng.choice(("070", "080", "090", "090")), c.digits(4), c.digits(4)]
    if kind == "ip":
        return ["050", c.digits(4), c.digits(4)]
    if kind == "free":
        if c.rng.random() < 0.7:
            return ["0120", c.digits(3), c.digits(3)]
        return ["0800", c.digits(3), c.digits(4)]
    area, a, b = c.rng.choice(LANDLINE_AREAS)
    return [area, str(c.rng.randint(2, 9)) + c.digits(a - 1), c.digits(b)]


def r_phone(c: Ctx, style: str) -> Piece:
    kind = str(c.deck("phone_kind", PHONE_KINDS))
    if kind == "intl":
        groups = phone_groups(c, c.rng.choice(("mobile", "landline")))
        rest = [groups[0][1:], *groups[1:]]
        text = c.rng.choice(("+81-" + "-".join(rest), "+81 " + " ".join(rest),
                             "+81" + "".join(rest)))
        if style == "fullwidth":
            return Piece(to_fullwidth(text), "PHONE_NUMBER", "fullwidth",
                         ("intl",))
        return Piece(text, "PHONE_NUMBER", "written", ("intl",))
    groups = phone_groups(c, kind)
    if style == "written" and kind == "landline" and c.rng.random() < 0.3:
        return Piece(f"{groups[0]}({groups[1]}){groups[2]}", "PHONE_NUMBER")
    return typed(render_digits(c, groups, style, ("-", "-", "")), "PHONE_NUMBER")


def r_last4(c: Ctx, style: str) -> Piece:
    return typed(render_digits(c, [c.digits(4)], style), "PHONE_NUMBER", "partial")


def name_pair(c: Ctx) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    return c.fake.last_name_pair(), c.fake.first_name_pair()


def r_name(c: Ctx, style: str) -> Piece:
    (last, last_kana, last_ro), (first, first_kana, first_ro) = name_pair(c)
    sep = c.rng.choice(("", " ", "　", ""))
    if style == "kana":
        return Piece(f"{last_kana}{sep}{first_kana}", "PERSON", "kana")
    if style == "hiragana":
        return Piece(to_hiragana(f"{last_kana}{sep}{first_kana}"), "PERSON", "kana")
    if style == "romaji":
        text = f"{first_ro} {last_ro}" if c.rng.random() < 0.5 else f"{last_ro} {first_ro}"
        return Piece(text, "PERSON", "romaji")
    if style == "foreign":
        return Piece(str(c.deck("foreign", FOREIGN_NAMES)), "PERSON", "written", ("foreign",))
    if style == "asr":
        _, heard = c.rng.choice(ASR_SURNAMES)
        given = c.rng.choice(ASR_GIVEN)
        text = heard if c.rng.random() < 0.3 else f"{heard}{c.rng.choice(('', ' '))}{given}"
        return Piece(text, "PERSON", "asr")
    return Piece(f"{last}{sep}{first}", "PERSON")


def r_surname(c: Ctx, style: str) -> Piece:
    if style == "asr":
        return Piece(c.rng.choice(ASR_SURNAMES)[1], "PERSON", "asr")
    last, last_kana, _ = c.fake.last_name_pair()
    if style in ("kana", "hiragana"):
        text = last_kana if style == "kana" else to_hiragana(last_kana)
        return Piece(text, "PERSON", "kana")
    return Piece(last, "PERSON")


def r_given(c: Ctx, style: str) -> Piece:
    first, first_kana, _ = c.fake.first_name_pair()
    if style in ("kana", "hiragana"):
        return Piece(first_kana, "PERSON", "kana")
    return Piece(first, "PERSON")


def r_kana(c: Ctx, style: str) -> Piece:
    (_, last_kana, _), (_, first_kana, _) = name_pair(c)
    text = f"{last_kana}{c.rng.choice((' ', '', '　'))}{first_kana}"
    return Piece(to_hiragana(text) if style == "hiragana" else text, "PERSON", "kana")


def r_agent(c: Ctx, style: str) -> Piece:
    if c.rng.random() < 0.1:
        return Piece(c.rng.choice(("スミス", "グエン", "キム", "ワン")), "PERSON", "written",
                     ("foreign",))
    last, last_kana, _ = c.fake.last_name_pair()
    if style in ("kana", "hiragana"):
        return Piece(last_kana, "PERSON", "kana")
    if style == "asr":
        return Piece(c.rng.choice(ASR_SURNAMES)[1], "PERSON", "asr")
    return Piece(last, "PERSON")


def email_parts(c: Ctx) -> tuple[str, str]:
    (_, _, last_ro), (_, _, first_ro) = name_pair(c)
    last_ro, first_ro = last_ro.lower(), first_ro.lower()
    local = c.rng.choice((
        c.fake.user_name(),
        f"{first_ro}.{last_ro}",
        f"{last_ro}{c.rng.randint(1, 99)}",
        f"{first_ro[0]}_{last_ro}",
        f"{last_ro}-{first_ro}",
        f"{first_ro}{c.rng.randint(1960, 2005)}",
    ))
    domain = str(c.deck("domain", EMAIL_DOMAINS))
    if c.rng.random() < 0.15:
        domain = c.fake.domain_name()
    return local, domain


def say_ascii_symbols(text: str) -> str:
    return (text.replace("@", " アットマーク ").replace(".", " ドット ")
            .replace("_", " アンダーバー ").replace("-", " ハイフン "))


def r_email(c: Ctx, style: str) -> Piece:
    local, domain = email_parts(c)
    if style == "fullwidth":
        return Piece(to_fullwidth(f"{local}@{domain}"), "EMAIL_ADDRESS", "fullwidth")
    if style == "spoken":
        text = say_ascii_symbols(f"{local}@{domain}")
        if c.rng.random() < 0.3:
            text = text.replace(" ", "")
        return Piece(" ".join(text.split()), "EMAIL_ADDRESS", "spoken")
    if style == "spoken_kana":
        said_domain = DOMAIN_KANA.get(domain, say_ascii_symbols(domain))
        if len(local) <= 6 and local.isalpha():
            said_local = "、".join(LETTER_READINGS[ch] for ch in local.upper())
        else:
            said_local = say_ascii_symbols(local)
        text = f"{said_local} アットマーク {said_domain}"
        return Piece(" ".join(text.split()), "EMAIL_ADDRESS", "spoken")
    if style == "asr":
        at = c.rng.choice(("あっとまーく", "アット", "@マーク", "at マーク", "アットマーク"))
        dot = c.rng.choice(("ドッと", "どっと", "dot", ".", "ドット"))
        dom = domain.replace("gmail", c.rng.choice(("Gメール", "じーめーる", "gmail")))
        dom = dom.replace(".", f" {dot} ")
        loc = local.replace(".", " 点 ").replace("_", " アンダー ")
        return Piece(" ".join(f"{loc} {at} {dom}".split()), "EMAIL_ADDRESS", "asr")
    return Piece(f"{local}@{domain}", "EMAIL_ADDRESS")


def address_numbers(c: Ctx, style: str) -> tuple[str, str]:
    chome, ban, gou = c.rng.randint(1, 9), c.rng.randint(1, 30), c.rng.randint(1, 20)
    if style == "kanji":
        return (f"{kanji_number(chome)}丁目{kanji_number(ban)}番{kanji_number(gou)}号",
                "kanji")
    if style == "fullwidth":
        text = c.rng.choice((f"{chome}丁目{ban}番{gou}号", f"{chome}－{ban}－{gou}"))
        return to_fullwidth(text), "fullwidth"
    if style == "hyphen":
        return f"{chome}-{ban}-{gou}", "written"
    if style == "banchi":
        return f"{c.rng.randint(1, 2999)}番地{c.rng.choice(('', str(gou)))}", "written"
    return f"{chome}丁目{ban}番{gou}号", "written"


def building(c: Ctx, style: str) -> str:
    stem = c.rng.choice(BUILDING_STEMS) + c.fake.building_name()
    room = f"{c.rng.randint(1, 12)}{c.rng.randint(0, 1)}{c.rng.randint(1, 9)}"
    if style == "fullwidth":
        room = to_fullwidth(room)
    if style == "kanji":
        room = "".join(KANJI_DIGITS[int(d)] for d in room)
    return c.rng.choice((f" {stem}{room}号室", f"{stem}{room}", f" {stem} {room}号室"))


def r_addr(c: Ctx, style: str) -> Piece:
    if c.rng.random() < 0.5:
        pref, city, town, reading = c.rng.choice(REAL_PLACES)
    else:
        pref, city, town, reading = c.fake.prefecture(), c.fake.city(), c.fake.town(), ""
    if style == "asr":
        if not reading:
            pref, city, town, reading = c.rng.choice(REAL_PLACES)
        numbers, _ = address_numbers(c, "written")
        numbers = numbers.replace("丁目", c.rng.choice(("町目", "丁目", "長目")))
        numbers = numbers.replace("番", c.rng.choice(("晩", "番", "版")), 1)
        city = city if c.rng.random() < 0.5 else to_hiragana(city[:1]) + city[1:]
        return Piece(f"{city}{reading}{numbers}", "JP_ADDRESS", "asr")
    numbers, form = address_numbers(c, style)
    head = f"{pref}{city}{town}"
    tags: tuple[str, ...] = ()
    if style == "no_pref":
        head, tags = f"{city}{town}", ("no_prefecture",)
    text = head + numbers
    if style in ("building", "fullwidth", "kanji") or c.rng.random() < 0.3:
        text += building(c, style)
    return Piece(text, "JP_ADDRESS", form, tags)


def r_zip(c: Ctx, style: str) -> Piece:
    code = c.fake.postcode()
    groups = code.split("-")
    return typed(render_digits(c, groups, style, ("-", "-", "")), "JP_POSTAL_CODE")


def era_of(year: int, month: int, day: int) -> tuple[str, int]:
    if (year, month, day) >= (2019, 5, 1):
        return "令和", year - 2018
    if (year, month, day) >= (1989, 1, 8):
        return "平成", year - 1988
    return "昭和", year - 1925


def r_dob(c: Ctx, style: str) -> Piece:
    year, month = c.rng.randint(1940, 2006), c.rng.randint(1, 12)
    day = c.rng.randint(1, 28)
    era, ey = era_of(year, month, day)
    ey_text = "元" if ey == 1 and c.rng.random() < 0.7 else str(ey)
    t = "DATE_OF_BIRTH"
    if style == "slash":
        return Piece(c.rng.choice((f"{year}/{month:02d}/{day:02d}", f"{year}/{month}/{day}")), t)
    if style == "era":
        return Piece(f"{era}{ey_text}年{month}月{day}日", t, "written", ("era",))
    if style == "era_abbr":
        letter = {"昭和": "S", "平成": "H", "令和": "R"}[era]
        return Piece(c.rng.choice((f"{letter}{ey}.{month}.{day}", f"{era}{ey}.{month}.{day}")),
                     t, "written", ("era",))
    if style == "fullwidth":
        text = c.rng.choice((f"{year}年{month}月{day}日", f"{era}{ey}年{month}月{day}日"))
        return Piece(to_fullwidth(text), t, "fullwidth")
    if style == "kanji":
        if c.rng.random() < 0.5:
            text = f"{era}{kanji_number(ey)}年{kanji_number(month)}月{kanji_number(day)}日"
            return Piece(text, t, "kanji", ("era",))
        y = "".join(KANJI_DIGITS[int(d)] for d in str(year))
        return Piece(f"{y}年{kanji_number(month)}月{kanji_number(day)}日", t, "kanji")
    if style == "spoken":
        if c.rng.random() < 0.6:
            said_era = {"昭和": "しょうわ", "平成": "へいせい", "令和": "れいわ"}[era]
            head, tags = said_era + kana_year(ey), ("era",)
        else:
            head, tags = kana_year(year), ()
        sep = c.rng.choice(("、", " ", ""))
        text = f"{head}{sep}{MONTH_READINGS[month - 1]}{DAY_READINGS[day - 1]}"
        return Piece(text, t, "spoken", tags)
    if style == "asr" and era in ERA_ASR:
        said = c.rng.choice(ERA_ASR[era])
        md = f"{month}月{day}日"
        if c.rng.random() < 0.4:
            md = md.replace("日", c.rng.choice(("に", "二千", "日")), 1)
        return Piece(f"{said}{ey}年{md}", t, "asr", ("era",))
    return Piece(f"{year}年{month}月{day}日", t)


CARD_BRANDS = ("visa", "visa", "mc", "jcb", "jcb", "amex", "diners")


def card_number(c: Ctx) -> list[str]:
    brand = str(c.deck("brand", CARD_BRANDS))
    if brand == "visa":
        prefix, length = "4", 16
    elif brand == "mc":
        prefix, length = str(c.rng.randint(51, 55)), 16
    elif brand == "jcb":
        prefix, length = str(c.rng.randint(3528, 3589)), 16
    elif brand == "amex":
        prefix, length = c.rng.choice(("34", "37")), 15
    else:
        prefix, length = "36", 14
    payload = prefix + c.digits(length - 1 - len(prefix))
    number = payload + luhn_check_digit(payload)
    cuts = {16: (4, 8, 12), 15: (4, 10), 14: (4, 10)}[length]
    bounds = (0, *cuts, length)
    return [number[a:b] for a, b in pairwise(bounds)]


def r_card(c: Ctx, style: str) -> Piece:
    return typed(render_digits(c, card_number(c), style, ("-", " ", "")), "CREDIT_CARD")


def r_cvv(c: Ctx, style: str, length: int = 3) -> Piece:
    if style in ("whisper", "split", "sep"):
        style = "written"
    return typed(render_digits(c, [c.digits(length)], style), "CARD_SECURITY_CODE")


def r_cvv4(c: Ctx, style: str) -> Piece:
    return r_cvv(c, style, 4)


def r_exp(c: Ctx, style: str) -> Piece:
    month, year = c.rng.randint(1, 12), c.rng.randint(2025, 2032)
    yy = year % 100
    t = "CARD_EXPIRY"
    if style == "fullwidth":
        return Piece(to_fullwidth(f"{month:02d}/{yy:02d}"), t, "fullwidth")
    if style == "kanji":
        y = "".join(KANJI_DIGITS[int(d)] for d in str(year))
        return Piece(c.rng.choice((f"{y}年{kanji_number(month)}月",
                                   f"{kanji_number(month)}月の{kanji_number(yy)}年")), t, "kanji")
    if style == "spoken":
        text = c.rng.choice((
            f"{MONTH_READINGS[month - 1]}の{kana_year(yy)}",
            f"{kana_year(year)}、{MONTH_READINGS[month - 1]}",
            f"{spoken_digits(c, [f'{month:02d}'])}、{spoken_digits(c, [f'{yy:02d}'])}",
        ))
        return Piece(text, t, "spoken")
    return Piece(c.rng.choice((f"{month:02d}/{yy:02d}", f"{year}年{month}月", f"{yy}年{month}月",
                               f"{month}月{yy}年", f"{month:02d}/{year}")), t)


def r_mynum(c: Ctx, style: str) -> Piece:
    first11 = c.digits(11)
    number = first11 + my_number_check_digit(first11)
    groups = [number[0:4], number[4:8], number[8:12]]
    return typed(render_digits(c, groups, style, (" ", "-", "", "")), "JP_MY_NUMBER")


def r_corp(c: Ctx, style: str) -> Piece:
    base = str(c.rng.randint(1, 9)) + c.digits(11)
    number = corporate_check_digit(base) + base
    groups = [number[0], number[1:5], number[5:9], number[9:13]]
    return typed(render_digits(c, groups, style, ("", "", "-")), "JP_CORPORATE_NUMBER")


LICENSE_AUTHORITIES = ("30", "10", "45", "46", "62", "50", "40", "43", "65", "70", "80", "92")


def r_license(c: Ctx, style: str) -> Piece:
    number = (c.rng.choice(LICENSE_AUTHORITIES) + f"{c.rng.randint(0, 99):02d}" + c.digits(7)
              + c.rng.choice("0001"))
    groups = [number[0:4], number[4:8], number[8:12]]
    return typed(render_digits(c, groups, style, ("", "", "-", " ")), "JP_DRIVERS_LICENSE")


def letters_spoken(letters: str) -> str:
    return "".join(LETTER_READINGS[ch] for ch in letters)


def r_passport(c: Ctx, style: str) -> Piece:
    letters = c.rng.choice(("TK", "TR", "MZ", "TZ", "RE", "MU", "TS", "TH", "RZ"))
    digits = c.digits(7)
    t = "JP_PASSPORT"
    if style == "fullwidth":
        return Piece(to_fullwidth(letters + digits), t, "fullwidth")
    if style == "spoken":
        said = spoken_digits(c, [digits[:3], digits[3:]], seps=("、", " ", ""))
        return Piece(f"{letters_spoken(letters)}、{said}", t, "spoken")
    if style == "kanji":
        return Piece(letters + "".join(KANJI_DIGITS[int(d)] for d in digits), t, "kanji")
    if style == "asr":
        head = c.rng.choice((letters[0] + LETTER_READINGS[letters[1]],
                             letters_spoken(letters[0]) + letters[1], letters.lower()))
        return Piece(head + garble_digits(c, [digits]), t, "asr")
    return Piece(c.rng.choice((letters + digits, f"{letters} {digits}")), t)


def r_residence(c: Ctx, style: str) -> Piece:
    head = "".join(c.rng.choice(string.ascii_uppercase) for _ in range(2))
    tail = "".join(c.rng.choice(string.ascii_uppercase) for _ in range(2))
    digits = c.digits(8)
    t = "JP_RESIDENCE_CARD"
    if style == "fullwidth":
        return Piece(to_fullwidth(head + digits + tail), t, "fullwidth")
    if style == "spoken":
        said = spoken_digits(c, [digits[:4], digits[4:]], seps=("、", " "))
        return Piece(f"{letters_spoken(head)}、{said}、{letters_spoken(tail)}", t, "spoken")
    if style == "kanji":
        return Piece(head + "".join(KANJI_DIGITS[int(d)] for d in digits) + tail, t, "kanji")
    return Piece(c.rng.choice((head + digits + tail, f"{head} {digits} {tail}",
                               f"{head}{digits[:4]} {digits[4:]}{tail}")), t)


def insurer_number(c: Ctx) -> str:
    if c.rng.random() < 0.3:  # 国民健康保険: 6 digits
        payload = f"{c.rng.randint(1, 47):02d}" + c.digits(3)
    else:
        law = c.rng.choice(("01", "06", "31", "32", "33", "34", "63", "39"))
        payload = law + f"{c.rng.randint(1, 47):02d}" + c.digits(3)
    return payload + luhn_check_digit(payload)


def r_hi_insurer(c: Ctx, style: str) -> Piece:
    number = insurer_number(c)
    groups = [number[:-4], number[-4:]] if style in ("spoken", "kanji") else [number]
    return typed(render_digits(c, groups, style, ("",)), "JP_HEALTH_INSURANCE")


def r_hi_symbol(c: Ctx, style: str) -> Piece:
    return typed(render_digits(c, [c.digits(c.rng.choice((4, 5, 8)))], style, ("",)),
                 "JP_HEALTH_INSURANCE")


def r_hi_number(c: Ctx, style: str) -> Piece:
    number = str(c.rng.randint(1, 9)) + c.digits(c.rng.randint(1, 6))
    return typed(render_digits(c, [number], style, ("",)), "JP_HEALTH_INSURANCE")


def r_hi_branch(c: Ctx, style: str) -> Piece:
    return typed(render_digits(c, [c.rng.choice(("00", "01", "02", "03"))], style, ("",)),
                 "JP_HEALTH_INSURANCE")


def r_pension(c: Ctx, style: str) -> Piece:
    groups = [c.digits(4), c.digits(6)]
    return typed(render_digits(c, groups, style, ("-", "-", "", " ")), "JP_PENSION_NUMBER")


def r_acct(c: Ctx, style: str) -> Piece:
    number = str(c.rng.randint(1, 9)) + c.digits(6)
    groups = [number] if style in ("written", "whisper", "fullwidth") else [number[:3],
                                                                           number[3:]]
    return typed(render_digits(c, groups, style, ("",)), "JP_BANK_ACCOUNT")


def r_kigo(c: Ctx, style: str) -> Piece:
    kigo = "1" + c.digits(3) + "0"
    return typed(render_digits(c, [kigo], "written" if style == "split" else style, ("",)),
                 "JP_BANK_ACCOUNT")


def r_bango(c: Ctx, style: str) -> Piece:
    bango = str(c.rng.randint(1, 9)) + c.digits(6) + "1"
    return typed(render_digits(c, [bango[:4], bango[4:]], style, ("",)), "JP_BANK_ACCOUNT")


def r_yucho(c: Ctx, style: str) -> Piece:
    kigo = "1" + c.digits(3) + "0"
    bango = str(c.rng.randint(1, 9)) + c.digits(6) + "1"
    return typed(render_digits(c, [kigo, bango], style, ("-", "-", " ")), "JP_BANK_ACCOUNT")


# Non-PII fillers (for PII templates and negatives).
def f_company(c: Ctx, style: str) -> Piece:
    return Piece(c.fake.company())


def f_bank(c: Ctx, style: str) -> Piece:
    return Piece(c.rng.choice(BANK_NAMES))


def f_branch(c: Ctx, style: str) -> Piece:
    return Piece(c.rng.choice(BRANCH_NAMES))


def f_price(c: Ctx, style: str) -> Piece:
    n = c.rng.choice((980, 1280, 1980, 2750, 3300, 4980, 5500, 8800, 12800, 19800, 29800,
                      39600, 54780, 110000, 128000))
    return Piece(c.rng.choice((f"{n:,}円", f"{n}円", man_notation(n) + "円")))


def f_qty(c: Ctx, style: str) -> Piece:
    return Piece(f"{c.rng.randint(2, 30)}{c.rng.choice(('個', '台', '箱', '本', '枚', 'セット'))}")


def f_date(c: Ctx, style: str) -> Piece:
    month, day = c.rng.randint(1, 12), c.rng.randint(1, 28)
    return Piece(c.rng.choice((f"{month}月{day}日", f"2025年{month}月{day}日", f"{month}/{day}",
                               f"令和7年{month}月{day}日", "来週の火曜日", "明後日", "月末")))


def f_time(c: Ctx, style: str) -> Piece:
    h = c.rng.randint(9, 19)
    return Piece(c.rng.choice((f"{h}時", f"午後{h - 12 if h > 12 else h}時", f"{h}時30分",
                               f"{h}:00", f"{h}時半")))


def f_model(c: Ctx, style: str) -> Piece:
    letters = "".join(c.rng.choice("ABCDEFHKMNPRSTVWX") for _ in range(2))
    return Piece(c.rng.choice((f"{letters}-{c.rng.choice(('PW', 'HC', 'VX'))}{c.digits(2)}",
                               f"{letters}-{c.digits(3)}{c.rng.choice(('', 'B', 'W'))}",
                               f"{letters}{c.digits(4)}")))


def f_order(c: Ctx, style: str) -> Piece:
    return Piece(c.rng.choice((f"{c.digits(4)}-{c.digits(4)}", f"A{c.digits(7)}",
                               f"{c.digits(3)}-{c.digits(7)}")))


def f_error(c: Ctx, style: str) -> Piece:
    return Piece(c.rng.choice((f"E-{c.rng.randint(100, 9999)}", f"U{c.rng.randint(10, 99)}",
                               f"H-{c.rng.randint(10, 99)}", f"0x{c.rng.randint(4096, 65535):X}")))


def f_place(c: Ctx, style: str) -> Piece:
    return Piece(c.rng.choice(("大阪", "名古屋", "札幌", "福岡", "渋谷", "新宿", "横浜", "京都",
                               "神戸", "仙台", "池袋", "梅田")))


def f_station(c: Ctx, style: str) -> Piece:
    return Piece(c.rng.choice(("東京駅", "新宿駅", "大阪駅", "博多駅", "横浜駅", "名古屋駅",
                               "品川駅", "京都駅")))


def f_n(c: Ctx, style: str) -> Piece:
    return Piece(str(c.rng.choice((3, 4, 6, 7, 8, 10, 12, 13, 16))))


def f_big(c: Ctx, style: str) -> Piece:
    return Piece(c.rng.choice((f"{c.rng.randint(2, 500) * 100:,}", f"{c.rng.randint(1, 60)}",
                               f"{c.rng.randint(1, 9)}万")))


def f_cardlen(c: Ctx, style: str) -> Piece:
    return Piece(str(c.rng.choice((14, 15, 16))))


def f_pinlen(c: Ctx, style: str) -> Piece:
    return Piece(str(c.rng.choice((4, 6))))


def f_cdate(c: Ctx, style: str) -> Piece:
    year, month, day = c.rng.randint(2015, 2025), c.rng.randint(1, 12), c.rng.randint(1, 28)
    return Piece(c.rng.choice((f"{year}年{month}月{day}日", f"{year}/{month:02d}/{day:02d}",
                               f"平成{c.rng.randint(20, 30)}年{month}月{day}日")))


def f_version(c: Ctx, style: str) -> Piece:
    return Piece(f"{c.rng.randint(1, 12)}.{c.rng.randint(0, 9)}.{c.rng.randint(0, 20)}")


SLOTS: dict[str, Callable[[Ctx, str], Piece]] = {
    "name": r_name, "surname": r_surname, "given": r_given, "kana": r_kana, "agent": r_agent,
    "phone": r_phone, "last4": r_last4, "email": r_email, "addr": r_addr, "zip": r_zip,
    "dob": r_dob, "card": r_card, "cvv": r_cvv, "cvv4": r_cvv4, "exp": r_exp, "mynum": r_mynum,
    "corp": r_corp, "license": r_license, "passport": r_passport, "residence": r_residence,
    "insurer": r_hi_insurer, "symbol": r_hi_symbol, "number": r_hi_number,
    "branchno": r_hi_branch, "pension": r_pension, "acct": r_acct, "kigo": r_kigo,
    "bango": r_bango, "yucho": r_yucho,
    "company": f_company, "bank": f_bank, "branch": f_branch, "price": f_price, "qty": f_qty,
    "date": f_date, "time": f_time, "model": f_model, "order": f_order, "error": f_error,
    "place": f_place, "station": f_station, "n": f_n, "big": f_big, "version": f_version,
    "cardlen": f_cardlen, "pinlen": f_pinlen, "cdate": f_cdate,
}


# --------------------------------------------------------------------------- templates
A, C = "agent", "customer"

SPECS: tuple[Spec, ...] = (
    Spec("person", 64, ("written", "written", "written", "kana", "hiragana", "romaji",
                        "foreign", "asr"), (
        T(C, "{name}と申します。"),
        T(C, "はい、{name}です。"),
        T(C, "名前は{name}です。"),
        T(C, "{name}と申しますが、先日注文した件でお電話しました。"),
        T(C, "契約者は{name}になります。"),
        T(C, "名義は{name}です。"),
        T(C, "フルネームですと{name}です。"),
        T(C, "あ、フルネームで、{name}です。"),
        T(C, "{name}が契約者の名前です。", ("cue_after",)),
        T(A, "{name}様でいらっしゃいますね。", ("honorific",)),
        T(A, "お名前は{name}様でよろしいでしょうか。", ("honorific",)),
        T(A, "{name}様、本日はどのようなご用件でしょうか。", ("honorific",)),
        T(C, "家族の{name}の分もお願いしたいんです。"),
        T(C, "えっと、お名前はですね、{name}です。"),
    )),
    Spec("surname", 22, ("written", "written", "written", "kana", "asr"), (
        T(A, "{surname}様、お待たせいたしました。", ("honorific",)),
        T(A, "{surname}様ご本人でいらっしゃいますか。", ("honorific",)),
        T(C, "前回は{surname}さんという方に対応していただきました。", ("honorific",)),
        T(C, "{surname}さんに代わってもらえますか。", ("honorific",)),
        T(A, "恐れ入りますが、{surname}様のご本人確認をさせていただきます。", ("honorific",)),
        T(C, "妻の{given}が代わりに手続きしました。"),
        T(C, "息子の{given}の名前で登録してあります。"),
    )),
    Spec("kana", 14, ("kana", "hiragana"), (
        T(C, "読み方は{kana}です。"),
        T(C, "フリガナで言うと{kana}です。"),
        T(A, "フリガナは{kana}様でよろしいですか。", ("honorific",)),
        T(C, "フリガナは、{kana}です。"),
    )),
    Spec("agent", 34, ("written", "written", "written", "written", "kana", "asr"), (
        T(A, "担当の{agent}と申します。", ("self_intro",)),
        T(A, "お電話ありがとうございます。{company}カスタマーセンターの{agent}でございます。",
          ("self_intro",)),
        T(A, "本日は{agent}が承りました。", ("self_intro",)),
        T(A, "{agent}が担当させていただきます。", ("self_intro",)),
        T(A, "私、{agent}と申します。ご用件をお伺いいたします。", ("self_intro",)),
        T(A, "サポート窓口の{agent}です。", ("self_intro",)),
        T(A, "お待たせいたしました、{agent}でございます。", ("self_intro",)),
    )),
    Spec("phone", 74, ("written", "written", "sep", "fullwidth", "kanji", "spoken", "spoken",
                       "whisper", "split", "asr"), (
        T(C, "電話番号は{phone}です。"),
        T(C, "携帯の番号は{phone}です。"),
        T(C, "{phone}が電話番号です。", ("cue_after",)),
        T(C, "{phone}が携帯になります。", ("cue_after",)),
        T(C, "連絡先は{phone}でお願いします。"),
        T(C, "自宅の電話は{phone}です。"),
        T(C, "日中でしたら{phone}につながります。"),
        T(C, "番号ですか、えっと、{phone}です。"),
        T(C, "折り返しは{phone}にお願いできますか。"),
        T(C, "電話番号、{phone}。"),
        T(A, "ご登録のお電話番号は{phone}でお間違いないでしょうか。"),
        T(A, "復唱いたします。{phone}ですね。"),
        T(A, "お電話番号、{phone}で承りました。"),
        T(C, "{name}です。電話番号は{phone}です。", ("multi",)),
    )),
    Spec("phone_partial", 8, ("written", "fullwidth", "kanji", "spoken"), (
        T(C, "電話番号の下4桁は{last4}です。"),
        T(C, "下四桁が{last4}の番号です。", ("cue_after",)),
        T(A, "携帯番号の末尾{last4}でご登録がございます。"),
    )),
    Spec("email", 46, ("written", "written", "fullwidth", "spoken", "spoken", "spoken_kana",
                       "asr"), (
        T(C, "メールアドレスは{email}です。"),
        T(C, "{email}がメールアドレスです。", ("cue_after",)),
        T(C, "アドレスは{email}でお願いします。"),
        T(C, "メールは{email}に送ってください。"),
        T(C, "えっと、メアドが{email}です。"),
        T(A, "ご登録のメールアドレスは{email}ですね。"),
        T(A, "確認メールを{email}宛にお送りしました。"),
        T(A, "{email}、こちらでお間違いないですか。"),
    )),
    Spec("address", 50, ("written", "written", "hyphen", "banchi", "fullwidth", "kanji",
                         "no_pref", "building", "asr"), (
        T(C, "住所は{addr}です。"),
        T(C, "{addr}に住んでいます。", ("cue_after",)),
        T(C, "送り先は{addr}でお願いします。"),
        T(C, "{addr}です。住所変更をお願いしたくて。"),
        T(A, "ご住所は{addr}でお間違いないでしょうか。"),
        T(A, "お届け先は{addr}ですね。"),
        T(C, "引っ越し先は{addr}になります。"),
        T(C, "現住所が{addr}で、登録はまだ前の住所なんです。"),
        T(C, "郵便番号{zip}、{addr}です。", ("multi",)),
    )),
    Spec("postal", 26, ("written", "written", "fullwidth", "kanji", "spoken", "sep", "asr"), (
        T(C, "郵便番号は{zip}です。"),
        T(C, "〒{zip}です。"),
        T(C, "{zip}が郵便番号です。", ("cue_after",)),
        T(A, "郵便番号は{zip}でよろしいですか。"),
        T(C, "郵便番号、{zip}、で住所が変わりました。"),
    )),
    Spec("dob", 50, ("written", "slash", "era", "era", "era_abbr", "fullwidth", "kanji",
                     "spoken", "spoken", "asr"), (
        T(C, "生年月日は{dob}です。"),
        T(C, "{dob}生まれです。", ("cue_after",)),
        T(C, "誕生日は{dob}です。"),
        T(C, "{dob}が誕生日です。", ("cue_after",)),
        T(A, "生年月日は{dob}でお間違いないですか。"),
        T(A, "生年月日、{dob}ですね。"),
        T(C, "生まれは{dob}です。"),
        T(C, "{name}、生年月日は{dob}です。", ("multi",)),
    )),
    Spec("card", 50, ("written", "written", "sep", "fullwidth", "kanji", "spoken", "whisper",
                      "whisper", "split", "asr"), (
        T(C, "カード番号は{card}です。"),
        T(C, "{card}がカード番号です。", ("cue_after",)),
        T(C, "クレジットカードの番号は{card}です。"),
        T(C, "番号言いますね。{card}です。"),
        T(A, "カード番号、{card}で承ります。"),
        T(C, "カード番号は{card}、有効期限は{exp}です。", ("multi",)),
        T(C, "{card}、期限が{exp}、セキュリティコードは{cvv}です。", ("multi",)),
    )),
    Spec("cvv", 20, ("written", "written", "fullwidth", "kanji", "spoken"), (
        T(C, "セキュリティコードは{cvv}です。"),
        T(C, "裏の3桁は{cvv}です。"),
        T(C, "{cvv}がセキュリティコードです。", ("cue_after",)),
        T(A, "セキュリティコード{cvv}、確認いたしました。"),
        T(C, "CVVは{cvv}です。"),
        T(C, "カード裏面の番号は{cvv}です。"),
        T(C, "アメックスなので表の4桁ですね、{cvv4}です。"),
    )),
    Spec("expiry", 18, ("written", "written", "fullwidth", "kanji", "spoken"), (
        T(C, "有効期限は{exp}です。"),
        T(C, "{exp}まで有効です。", ("cue_after",)),
        T(C, "期限は{exp}になってます。"),
        T(A, "有効期限{exp}ですね。"),
        T(C, "カードの有効期限が{exp}です。"),
    )),
    Spec("mynumber", 26, ("written", "written", "fullwidth", "kanji", "spoken", "whisper",
                          "split", "asr"), (
        T(C, "マイナンバーは{mynum}です。"),
        T(C, "個人番号は{mynum}です。"),
        T(C, "マイナンバー言いますね、{mynum}です。"),
        T(C, "{mynum}がマイナンバーです。", ("cue_after",)),
        T(C, "マイナンバーカードの番号、{mynum}です。"),
        T(A, "個人番号{mynum}を承りました。"),
        T(C, "ついでにマイナンバーも言っておきます。{mynum}です。"),
    )),
    Spec("corporate", 18, ("written", "written", "fullwidth", "kanji", "spoken", "whisper"), (
        T(C, "法人番号は{corp}です。"),
        T(C, "会社の法人番号が{corp}です。"),
        T(C, "{corp}が弊社の法人番号です。", ("cue_after",)),
        T(A, "法人番号{corp}で登録されています。"),
        T(C, "{company}の法人番号は{corp}です。"),
    )),
    Spec("license", 20, ("written", "written", "fullwidth", "kanji", "spoken", "split"), (
        T(C, "免許証番号は{license}です。"),
        T(C, "運転免許証の番号は第{license}号です。"),
        T(C, "免許の番号は{license}です。"),
        T(C, "{license}が免許証の番号です。", ("cue_after",)),
        T(A, "運転免許証番号{license}で確認いたしました。"),
    )),
    Spec("passport", 18, ("written", "written", "fullwidth", "spoken", "kanji", "asr"), (
        T(C, "パスポート番号は{passport}です。"),
        T(C, "旅券番号は{passport}です。"),
        T(C, "{passport}がパスポートの番号です。", ("cue_after",)),
        T(A, "パスポート番号{passport}ですね。"),
    )),
    Spec("health", 18, ("written", "written", "fullwidth", "kanji", "spoken"), (
        T(C, "保険者番号は{insurer}です。"),
        T(C, "保険証の記号が{symbol}、番号が{number}です。"),
        T(C, "被保険者証の記号は{symbol}、番号は{number}、枝番は{branchno}です。"),
        T(C, "保険者番号{insurer}、記号{symbol}、番号{number}です。"),
        T(A, "保険者番号{insurer}で確認いたします。"),
        T(C, "{insurer}が保険者番号です。", ("cue_after",)),
    )),
    Spec("pension", 18, ("written", "written", "fullwidth", "kanji", "spoken", "split"), (
        T(C, "基礎年金番号は{pension}です。"),
        T(C, "年金手帳の番号は{pension}です。"),
        T(C, "{pension}が基礎年金番号です。", ("cue_after",)),
        T(A, "基礎年金番号{pension}で照会いたします。"),
    )),
    Spec("residence", 18, ("written", "written", "fullwidth", "spoken", "kanji"), (
        T(C, "在留カードの番号は{residence}です。"),
        T(C, "在留カード番号、{residence}です。"),
        T(C, "{residence}が在留カードの番号です。", ("cue_after",)),
        T(A, "在留カード番号{residence}を確認しました。"),
    )),
    Spec("bank", 24, ("written", "written", "fullwidth", "kanji", "spoken", "whisper",
                      "split", "asr"), (
        T(C, "口座番号は{acct}です。"),
        T(C, "{bank}の{branch}、普通預金で口座番号は{acct}です。"),
        T(C, "普通の{acct}です。"),
        T(C, "{acct}が口座番号です。", ("cue_after",)),
        T(A, "お振込先の口座番号は{acct}でよろしいですか。"),
        T(C, "ゆうちょの記号は{kigo}、番号は{bango}です。"),
        T(C, "ゆうちょ銀行の記号番号は{yucho}です。"),
    )),
)

# Hand-written items in inline markup [[TYPE:value]]; tags are given per item.
LITERALS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (C, "電話番号は[[PHONE_NUMBER:0807日3日]]、", ("asr",)),
    (C, "電話番号はですね、[[PHONE_NUMBER:090の1にさんよの、5678]]です。", ("asr",)),
    (C, "携帯が[[PHONE_NUMBER:ゼロ8ゼロ、いちに34、ご678]]です。", ("asr",)),
    (C, "[[PHONE_NUMBER:090、1234、5678]]。はい、それが携帯です。", ("split", "cue_after")),
    (C, "えっと、[[PHONE_NUMBER:090の]]、[[PHONE_NUMBER:3344の]]、[[PHONE_NUMBER:5566]]です。"
     "電話番号。", ("split", "cue_after")),
    (C, "マイナンバラも言いますよ、[[JP_MY_NUMBER:2345.6789万1,28]]です", ("asr",)),
    (C, "個人番号は[[JP_MY_NUMBER:1234億5678万9018]]です。", ("whisper",)),
    (C, "お名前は[[PERSON:砂糖ひろし]]です。", ("asr",)),
    (C, "名前は、[[PERSON:かとう]]、[[PERSON:けん太]]です。", ("asr", "kana")),
    (A, "お名前は[[PERSON:意図]]様でよろしいですか。", ("asr", "honorific")),
    (C, "お名前、[[PERSON:山愚痴 翔汰]]です。", ("asr",)),
    (C, "カード番号は[[CREDIT_CARD:4,111,111,111,111,111]]です。", ("whisper",)),
    (C, "カード番号は[[CREDIT_CARD:4111万1111 1111万1111]]です。", ("whisper",)),
    (C, "カードの番号が[[CREDIT_CARD:よんいちいちいち、市1 11 1111、1111]]です。", ("asr",)),
    (C, "口座番号は[[JP_BANK_ACCOUNT:123万4,567]]です。", ("whisper",)),
    (C, "メールは[[EMAIL_ADDRESS:yamada アットマーク example ドット com]]です。", ("spoken",)),
    (C, "メールアドレスは[[EMAIL_ADDRESS:たなか あっと じーめーる ドットコム]]です。", ("asr",)),
    (C, "住所は[[JP_ADDRESS:東京都新宿区西新宿2丁目8番1号 新宿ビル301号室]]です。", ("written",)),
    (C, "住所が[[JP_ADDRESS:新宿区にし新宿2町目8晩1号]]です。", ("asr",)),
    (C, "生年月日は[[DATE_OF_BIRTH:症は55年3月に日]]です。", ("asr", "era")),
    (C, "生年月日は[[DATE_OF_BIRTH:昭和55年3月2日]]です。", ("written", "era")),
    (C, "誕生日が[[DATE_OF_BIRTH:平成3年12月24日]]です。", ("written", "era")),
    (C, "郵便番号が[[JP_POSTAL_CODE:1600 023]]です。", ("asr",)),
    (C, "セキュリティコードは[[CARD_SECURITY_CODE:よん後6]]です。", ("asr",)),
    (C, "基礎年金番号は[[JP_PENSION_NUMBER:1234の567日90]]です。", ("asr",)),
    (C, "免許証番号は[[JP_DRIVERS_LICENSE:3012 3456 78市0]]です。", ("asr",)),
    (C, "在留カードの番号は[[JP_RESIDENCE_CARD:AB1234 5678 シーディー]]です。", ("asr",)),
    (C, "パスポートは[[JP_PASSPORT:TK 123 4567]]です。", ("written",)),
    (C, "有効期限は[[CARD_EXPIRY:にじゅうななねんの12月]]です。", ("asr",)),
    (C, "法人番号は[[JP_CORPORATE_NUMBER:7000012050002]]です。", ("written",)),
    (C, "保険者番号は[[JP_HEALTH_INSURANCE:0 6 1 3 9 9 9 9]]です。", ("separator",)),
)

NEGATIVES: tuple[T, ...] = (
    T(A, "お値段は{price}になります。"),
    T(A, "送料は{price}です。"),
    T(C, "先月の請求額が{price}でした。"),
    T(A, "月額{price}のプランでございます。"),
    T(C, "{qty}注文したいのですが。"),
    T(A, "在庫は{qty}ございます。"),
    T(A, "お届けは{date}の予定です。"),
    T(A, "ご契約日は{cdate}になっております。"),
    T(C, "{date}に届くと言われたんですけど。"),
    T(A, "保証期間は{date}までです。"),
    T(A, "{time}までに折り返しお電話いたします。"),
    T(A, "営業時間は{time}までとなっております。"),
    T(C, "{time}以降なら電話に出られます。"),
    T(C, "型番は{model}です。"),
    T(A, "{model}の後継機種をご案内できます。"),
    T(C, "注文番号は{order}です。"),
    T(A, "ご注文番号{order}の件ですね。"),
    T(C, "エラーコード{error}が表示されています。"),
    T(A, "{error}は通信エラーを示しています。"),
    T(C, "{company}の製品を使っています。"),
    T(A, "{company}からのご紹介ですね。"),
    T(C, "{place}の店舗で購入しました。"),
    T(C, "{station}の近くのお店です。"),
    T(A, "{place}にもサービスセンターがございます。"),
    T(C, "{place}に出張中なので、戻ったらまた電話します。"),
    T(A, "カード番号は{cardlen}桁の数字です。"),
    T(A, "暗証番号は{pinlen}桁でお願いいたします。"),
    T(A, "お客様、少々お待ちいただけますでしょうか。"),
    T(A, "担当者にお繋ぎいたします。"),
    T(A, "皆様にご案内しております。"),
    T(A, "お客様のご本人確認をさせていただきます。"),
    T(A, "お電話番号をお伺いしてもよろしいでしょうか。"),
    T(A, "生年月日を教えていただけますか。"),
    T(A, "ご住所の変更ですね、かしこまりました。"),
    T(A, "メールアドレスはお持ちでしょうか。"),
    T(C, "電話番号を変更したいのですが。"),
    T(C, "カードの番号ってどこに書いてありますか。"),
    T(A, "ポイントが{big}ポイント貯まっております。"),
    T(C, "もう{n}年くらい使っています。"),
    T(A, "バージョン{version}にアップデートしてください。"),
    T(A, "{n}分ほどお待ちいただけますか。"),
    T(C, "容量は{n}GBのプランで十分です。"),
    T(A, "本日はお電話ありがとうございました。"),
    T(C, "ありがとうございます、助かりました。"),
    T(C, "はい、それで大丈夫です。"),
    T(A, "念のため、手続きの流れをご説明いたします。"),
    T(C, "{date}の{time}ごろに再配達をお願いできますか。"),
    T(A, "{date}以降のご利用分から反映されます。"),
    T(C, "昨日{qty}届いたんですが、一つ壊れていました。"),
    T(A, "こちらの商品は{price}で、税込みです。"),
    T(C, "{place}支店の営業時間を知りたいんですが。"),
    T(C, "{station}から歩いて5分くらいのところです。"),
    T(C, "昨日{time}ごろに一度お電話したんですが、つながらなくて。"),
    T(C, "商品コードは{model}で間違いないです。"),
    T(C, "{qty}まとめて返品できますか。"),
    T(C, "請求書の合計が{price}になっていました。"),
    T(A, "解約金は{price}かかります。"),
    T(A, "{date}までにお支払いをお願いいたします。"),
    T(A, "次回の点検は{date}でございます。"),
    T(C, "初めて申し込んだのは{cdate}です。"),
    T(A, "ご利用開始日は{cdate}でございます。"),
    T(C, "ルーターのランプが{n}回点滅しています。"),
    T(C, "画面に{error}と出ます。"),
    T(C, "{company}さんとの契約はもう切れています。"),
    T(C, "担当の方に伝えておいてください。"),
    T(A, "上の者に確認いたしますので、少々お待ちください。"),
    T(C, "パスワードを忘れてしまって。"),
    T(C, "マイナンバーカードで本人確認できますか。"),
    T(C, "運転免許証のコピーを送ればいいですか。"),
    T(C, "パスポートの有効期限が切れそうなんです。"),
    T(C, "在留カードの更新手続きについて聞きたいです。"),
    T(C, "クレジットカードの引き落とし日はいつですか。"),
    T(A, "セキュリティコードはお伺いしておりません。"),
    T(A, "口座振替の手続きは書類でお願いしております。"),
    T(C, "住所は変わっていません。"),
    T(C, "名前の漢字が間違っているんです。"),
    T(C, "郵便番号がわからないんですけど、大丈夫ですか。"),
    T(C, "生年月日の欄が空欄になっていました。"),
    T(C, "メールが届いていないみたいです。"),
    T(C, "電話番号は前と同じです。"),
    T(C, "もう{n}時間以上待っています。"),
    T(A, "{price}の返金は来月になります。"),
    T(C, "{n}月の請求分のことなんですけど。"),
    T(A, "東京都内でしたら翌日のお届けです。"),
    T(A, "北海道と沖縄は別料金になります。"),
    T(A, "{place}方面にお住まいのお客様向けのキャンペーンです。"),
    T(A, "新宿区役所の近くに窓口がございます。"),
    T(A, "全国の店舗でご利用いただけます。"),
    T(A, "{n}階の窓口へお越しください。"),
    T(A, "受付は{time}からです。"),
    T(A, "4月から料金が改定になります。"),
    T(A, "2024年モデルと比べて軽くなっています。"),
    T(C, "昭和の頃から使っている古い機種なんです。"),
    T(C, "平成{n}年ごろに購入しました。"),
    T(A, "{big}件のお問い合わせをいただいております。"),
    T(A, "0120から始まる番号はフリーダイヤルでございます。"),
    T(C, "1日に{n}回くらい使います。"),
    T(C, "バッテリーが{n}%まで減っていました。"),
    T(A, "{model}の取扱説明書の{n}ページをご覧ください。"),
    T(A, "貴重なご意見ありがとうございます。{company}として改善いたします。"),
    T(A, "お客様のお名前とお電話番号を頂戴できますか。"),
    T(A, "ご登録の住所宛に書類をお送りします。"),
    T(A, "カードの裏面に記載の番号は、お伝えいただかなくて大丈夫です。"),
    T(C, "{place}駅の近くの店舗ってありますか。"),
    T(A, "{qty}で{price}でございます。"),
)
# Discourse openers that vary the negatives (no PII, so offsets do not matter).
NEGATIVE_OPENERS = ("", "", "", "はい、", "えっと、", "あの、", "そうですね、", "なるほど。")
NEGATIVE_COUNT = 180


# --------------------------------------------------------------------------- building
FIELD = string.Formatter()
MARKUP = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")


def fill(c: Ctx, template: T, style: str) -> Item:
    text, entities, tags = "", [], set(template.tags)
    for literal, field_name, _, _ in FIELD.parse(template.text):
        text += literal
        if field_name is None:
            continue
        piece = SLOTS[field_name](c, style)
        if piece.type is not None:
            if piece.text != piece.text.strip() or not piece.text:
                raise ValueError(f"bad value {piece.text!r} for {field_name}")
            entities.append({"type": piece.type, "start": len(text),
                             "end": len(text) + len(piece.text), "form": piece.form})
            tags.add(piece.form)
            tags.update(piece.tags)
        text += piece.text
    if not entities:
        tags.add("negative")
    return Item(template.speaker, text, entities, sorted(tags))


def parse_literal(speaker: str, marked: str, tags: tuple[str, ...]) -> Item:
    text, entities, pos = "", [], 0
    form = next((t for t in tags if t in FORMS), "written")
    for m in MARKUP.finditer(marked):
        text += marked[pos:m.start()]
        entities.append({"type": m.group(1), "start": len(text),
                         "end": len(text) + len(m.group(2)), "form": form})
        text += m.group(2)
        pos = m.end()
    text += marked[pos:]
    all_tags = set(tags) | {"hand_written"}
    if not any(t in FORMS for t in tags):
        all_tags.add("written")
    return Item(speaker, text, entities, sorted(all_tags))


def build(seed: int = SEED) -> list[Item]:
    rng = Random(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    c = Ctx(rng, fake)
    items: list[Item] = []
    for spec in SPECS:
        for i in range(spec.count):
            template = c.deck(f"tpl-{spec.name}", spec.templates)
            assert isinstance(template, T)
            items.append(fill(c, template, spec.styles[i % len(spec.styles)]))
    items.extend(parse_literal(*lit) for lit in LITERALS)
    seen: set[str] = set()
    while len(seen) < NEGATIVE_COUNT:
        template = c.deck("tpl-negative", NEGATIVES)
        assert isinstance(template, T)
        item = fill(c, template, "written")
        item.text = c.rng.choice(NEGATIVE_OPENERS) + item.text
        if item.text not in seen:
            seen.add(item.text)
            items.append(item)
    rng.shuffle(items)
    return items


def to_jsonl(items: Sequence[Item]) -> str:
    lines = []
    for n, item in enumerate(items, 1):
        record = {"id": f"d{n:04d}", "speaker": item.speaker, "text": item.text,
                  "entities": item.entities, "tags": item.tags}
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def counts(items: Sequence[Item]) -> tuple[Counter[str], Counter[str]]:
    by_type: Counter[str] = Counter()
    by_tag: Counter[str] = Counter()
    for item in items:
        by_type.update(str(e["type"]) for e in item.entities)
        by_tag.update(item.tags)
    return by_type, by_tag


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output JSONL path")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--quiet", action="store_true", help="do not print the counts")
    args = parser.parse_args(argv)

    items = build(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_jsonl(items), encoding="utf-8")
    by_type, by_tag = counts(items)
    positives = sum(1 for it in items if it.entities)
    meta = {
        "generator": "samples/make_dev_corpus.py",
        "seed": args.seed,
        "faker_version": faker.VERSION,
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "utterances": len(items),
        "positive": positives,
        "negative": len(items) - positives,
        "entities_per_type": dict(sorted(by_type.items())),
    }
    meta_path = args.out.with_name(args.out.stem + ".meta.json")
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not args.quiet:
        print(f"wrote {args.out} ({len(items)} utterances: {positives} with PII, "
              f"{len(items) - positives} negative)")
        print("\nentities per type:")
        for t in ENTITY_TYPES:
            print(f"  {t:<22} {by_type[t]:>4}")
        print("\nutterances per tag:")
        for tag, n in sorted(by_tag.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {tag:<22} {n:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
