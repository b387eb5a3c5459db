"""Normalisation of call transcripts for detection, with an exact offset map.

Speech recognition and people write the same value in many ways: ``090-1234-5678``,
``０９０－１２３４－５６７８``, ``〇九〇の一二三四の五六七八``, ``ゼロキューゼロ、いちにさんよん…``,
``4,111,122,314,569``, ``123万4,567``.  Detection runs on one canonical form where every
digit sequence is plain ASCII digits with the separators between digit groups removed, and
spoken e-mail words are symbols.  Every character of the normalised text remembers the
range of the original text it came from, so a detected span maps back exactly.

Each step is a regular-expression rewrite of the current text.  A replacement of the same
length keeps the character-level map; a replacement of another length maps all of its
characters to the whole original range it replaced; a deletion leaves no characters (a
span that crosses it still covers it, because it is mapped from its first and last character).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from redactor.pii.lexicon import KATAKANA_TO_HIRAGANA, entry

__all__ = ["ENGLISH_DIGITS", "ERA_BEFORE", "NormalizedText", "normalize", "spelled_email", "spoken_value",
           "without_surrogates"]

# A lone surrogate (a "\ud800" escape in JSON) is no character: GiNZA's tokenizer fails on it with the
# whole line in its exception.  Each becomes U+FFFD, one for one, so offsets stay those of the input.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (same length: offsets are kept)."""
    return _SURROGATE.sub(REPLACEMENT, text)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The normalised ``text`` of ``original`` and, per character, its source range."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of the original text."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalised text of {len(self.text)}")
        return self.starts[start], self.ends[end - 1]


class _Rewriter:
    """Holds the text being normalised and its per-character source ranges."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = list(range(len(text)))
        self.ends = list(range(1, len(text) + 1))

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> None:
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for match in pattern.finditer(self.text):
            a, b = match.span()
            new = replace(match)
            if a == b or new == match.group(0):
                continue
            pieces.append(self.text[pos:a])
            starts += self.starts[pos:a]
            ends += self.ends[pos:a]
            old = match.group(0)
            # Unchanged characters at either end keep their own place in the map.
            p = q = 0
            while p < min(len(old), len(new)) and old[p] == new[p]:
                p += 1
            while q < min(len(old), len(new)) - p and old[-1 - q] == new[-1 - q]:
                q += 1
            if len(new) == len(old):
                starts += self.starts[a:b]
                ends += self.ends[a:b]
            elif a + p == b - q:  # a pure insertion: spread it over the whole match
                starts += [self.starts[a]] * len(new)
                ends += [self.ends[b - 1]] * len(new)
            else:
                middle = len(new) - p - q
                starts += self.starts[a:a + p] + [self.starts[a + p]] * middle + self.starts[b - q:b]
                ends += self.ends[a:a + p] + [self.ends[b - q - 1]] * middle + self.ends[b - q:b]
            pieces.append(new)
            pos = b
        if pos == 0:
            return
        pieces.append(self.text[pos:])
        starts += self.starts[pos:]
        ends += self.ends[pos:]
        self.text = "".join(pieces)
        self.starts = starts
        self.ends = ends


# --- width and compatibility forms -------------------------------------------------------

# A base character with the voicing marks that NFKC composes into it (ｶﾞ → ガ).
_CLUSTER = re.compile(r".[\u3099\u309a\uff9e\uff9f]*", re.DOTALL)
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−－ｰ"})


def _nfkc(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


# --- spoken e-mail -------------------------------------------------------------------------

# Domain words as people say them (イグザンプル ドット コム).
_DOMAIN_WORDS = {
    "コム": "com", "ジェーピー": "jp", "ジェイピー": "jp", "ネット": "net", "シーオー": "co",
    "オルグ": "org", "エヌイー": "ne", "オーアール": "or", "エーシー": "ac", "ジーメール": "gmail",
    "ヤフー": "yahoo", "イグザンプル": "example", "エグザンプル": "example", "ドコモ": "docomo",
    "アイクラウド": "icloud", "ホットメール": "hotmail", "アウトルック": "outlook",
    "ソフトバンク": "softbank", "エーユー": "au", "イージーウェブ": "ezweb", "イーズィーウェブ": "ezweb",
    "Gメール": "gmail", "じーめーる": "gmail", "ジーメイル": "gmail",
}
_LOCAL_JOINERS = {"アンダーバー": "_", "アンダースコア": "_", "ハイフン": "-", "ドット": ".", "ピリオド": ".",
                  "点": "."}
_AT = (r"(?:アットマーク|アット\s{0,3}マーク|あっとまーく|at\s{0,3}マーク|@\s{0,3}マーク|アット|あっと"
       r"|(?<=\s)at(?=\s)|@)")
_DOT = r"(?:ドット|ドッと|どっと|ピリオド|dot|\.)"
# Every repetition is bounded (an address part is at most 64 characters, a spoken address a
# few words) and the local part starts where a run of its characters starts: an unbounded
# run tried from each of its positions made a 16,000-character line take half a minute.
_DOMAIN_WORD = "(?:[A-Za-z0-9-]{1,63}|" + "|".join(sorted(_DOMAIN_WORDS, key=len, reverse=True)) + ")"
_LOCAL = (r"(?<![A-Za-z0-9._+-])[A-Za-z0-9._+-]{1,64}"
          r"(?:\s{0,3}(?:アンダーバー|アンダースコア|ハイフン|ドット|ピリオド|点)\s{0,3}[A-Za-z0-9._+-]{1,64}){0,8}")
_SPOKEN_EMAIL = re.compile(
    rf"{_LOCAL}\s{{0,3}}{_AT}\s{{0,3}}{_DOMAIN_WORD}(?:\s{{0,3}}{_DOT}\s{{0,3}}{_DOMAIN_WORD}){{1,8}}", re.IGNORECASE
)
_EMAIL_PART = re.compile(
    rf"{_AT}|{_DOT}|アンダーバー|アンダースコア|ハイフン|ピリオド|点|{_DOMAIN_WORD}|\s+", re.IGNORECASE
)


def _spoken_email(match: re.Match[str]) -> str:
    """Write a spoken address (yamada アットマーク example ドット com) as an address."""
    out = []
    for part in _EMAIL_PART.findall(match.group(0)):
        if part.isspace():
            continue
        if part.lower() == "at" or re.fullmatch(_AT, part, re.IGNORECASE):
            out.append("@")
        elif part in _LOCAL_JOINERS:
            out.append(_LOCAL_JOINERS[part])
        elif re.fullmatch(_DOT, part, re.IGNORECASE):
            out.append(".")
        else:
            out.append(_DOMAIN_WORDS.get(part, part))
    return "".join(out)


# --- spoken numbers in kana ----------------------------------------------------------------

_KANJI_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                "七": 7, "八": 8, "九": 9}

_KANA_DIGITS = {
    "ゼロ": "0", "レイ": "0", "マル": "0", "イチ": "1", "ニー": "2", "ニ": "2", "サン": "3",
    "ヨン": "4", "シ": "4", "ゴー": "5", "ゴ": "5", "ロク": "6", "ナナ": "7", "シチ": "7",
    "ハチ": "8", "キュウ": "9", "キュー": "9", "ク": "9",
    # The readings that keep 1 and 7, 2 and 5 apart when a number is read out (ひとふたさん).
    "ヒト": "1", "フタ": "2",
}
_KANA_DIGITS |= {
    "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in word): digit
    for word, digit in _KANA_DIGITS.items()
}
# Long vowels as transcripts write them.
_KANA_DIGITS |= {"ごお": "5", "にぃ": "2", "ニィ": "2", "ごぉ": "5", "ゴォ": "5"}
# Single-sound words that are also particles or prefixes (に, し, ご): weak evidence.
_WEAK_WORDS = frozenset(w for w in _KANA_DIGITS if len(w) == 1)


def _alternation(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# A kana digit word ends where a longer katakana word does not go on (シー is the letter C, not
# シ = 4 and a dash).  A lone kanji digit between kana digit words is one of them (ゼロ、ゼロ、四、八:
# people mix the scripts when they read an identifier out); not before a position or unit (三十, 三号).
_KANA_WORD = rf"(?:{_alternation(_KANA_DIGITS)})(?![ーぁぃぅぇぉゃゅょァィゥェォャュョ])"
_KANJI_DIGIT_WORD = (r"[〇零一二三四五六七八九]"
                     r"(?![〇零一二三四五六七八九十百千万億年月日歳才時分号番階桁つ人回個枚件円])")
_KANA_WORD_RE = re.compile(rf"{_KANA_WORD}|{_KANJI_DIGIT_WORD}")
_KANA_SEP = r"(?:[\s、,・\-…]|の|ハイフン)"
_KANA_RUN = re.compile(
    rf"(?:{_KANA_WORD}|(?<![一-龥々]){_KANJI_DIGIT_WORD}(?={_KANA_SEP}{{0,2}}{_KANA_WORD}))"
    rf"(?:{_KANA_SEP}{{0,2}}(?:{_KANA_WORD}|{_KANJI_DIGIT_WORD}))*"
)
_NAME_CHAR = re.compile(r"[一-龥々ァ-ヴA-Za-z]")
# The end of a noun that takes the particle に: kanji or katakana (裏に, センターに), or a place
# said in kana (こちらにゼロキューゼロ…: the particle; a 2 there would break the number).
_NOUN_BEFORE_PARTICLE = re.compile(r"(?:[一-龥々ァ-ヴー]|ここ|そこ|こちら|そちら|あちら|ところ|とこ|うち)$")
# What may follow a final に that is the digit 2 (…きゅう、にです): matched in place, never on a slice
# of the rest of the line (one copy per run made a long line quadratic).
_VALUE_ENDS = re.compile(r"[\s、。]|です|でした|って")
_DIGIT_NEAR_BEFORE = re.compile(r"\d[の、\s\-…]{0,2}$")
_DIGIT_NEAR_AFTER = re.compile(r"[の、\s\-…]{0,2}\d")


def _kana_run_to_digits(match: re.Match[str]) -> str:
    """Spell a run of kana digit words as digits, when it is clearly a number.

    Short runs are words (さん, にし, ごご, くに), so a run needs three words of which two
    are not single sounds (ゼロキューゼロ, いちにさんよん, はちよんいち); next to a written
    digit, two words or one full word between digits (7はちの5218) are enough.  さん after
    a name is the honorific, and に before a word is the particle (田中さんにゼロキューゼロに
    かけて): both stay words.
    """
    run, text = match.group(0), match.string
    words = list(_KANA_WORD_RE.finditer(run))
    lo, hi = 0, len(words)
    if words[0].group(0) == "さん" and match.start() and _NAME_CHAR.match(text[match.start() - 1]):
        lo = 1
        while lo < hi and words[lo].group(0) in _WEAK_WORDS:
            lo += 1
    # に glued to a noun is the particle (裏に七、四、一: に is no 2); after a particle (番号はにゼロ…)
    # or a pause it is the value's first digit, and ご/し/く are never particles there.
    if lo == 0 and words[0].group(0) == "に" and _NOUN_BEFORE_PARTICLE.search(text, max(0, match.start() - 3),
                                                                              match.start()):
        lo = 1
    if hi - lo > 1 and words[hi - 1].group(0) == "に" and words[hi - 1].end() == len(run) and (
        (match.end() < len(text) and not _VALUE_ENDS.match(text, match.end()))
        or re.match("[ァ-ヴ]", words[hi - 2].group(0))  # ゼロキューゼロに: the script changes
    ):
        hi -= 1
    if lo >= hi:
        return run
    a, b = match.start() + words[lo].start(), match.start() + words[hi - 1].end()
    kept = [w.group(0) for w in words[lo:hi]]
    if all(w in _KANJI_DIGIT for w in kept):
        return run  # kanji digits alone are the kanji step's (it knows names: 加藤一二三)
    strong = sum(w not in _WEAK_WORDS for w in kept)
    before = bool(_DIGIT_NEAR_BEFORE.search(text, max(0, a - 3), a))
    after = bool(_DIGIT_NEAR_AFTER.match(text, b))
    if not (
        (len(kept) >= 3 and strong >= 2)
        or (len(kept) >= 2 and strong >= 1 and (before or after))
        or (strong >= 1 and before and after)
    ):
        return run
    head, body, tail = run[: words[lo].start()], run[words[lo].start(): words[hi - 1].end()], run[
        words[hi - 1].end():]
    return head + _KANA_WORD_RE.sub(lambda m: _digit_of_word(m.group(0)), body) + tail


def _digit_of_word(word: str) -> str:
    return str(_KANJI_DIGIT[word]) if word in _KANJI_DIGIT else _KANA_DIGITS[word]


# Numbers said with positions (せんきゅうひゃくろくじゅうきゅう) before a date unit.
_KANA_NUMERAL_DIGITS = {w: int(d) for w, d in _KANA_DIGITS.items() if d != "0" and re.match("[ぁ-ゖ]", w)}
_KANA_NUMERAL_DIGITS |= {"いっ": 1, "ろっ": 6, "はっ": 8, "さん": 3, "よ": 4}
_KANA_MULTIPLIERS = {"じゅう": 10, "じゅっ": 10, "ひゃく": 100, "びゃく": 100, "ぴゃく": 100,
                     "せん": 1000, "ぜん": 1000}
_KANA_DAYS = {"ついたち": 1, "ふつか": 2, "みっか": 3, "よっか": 4, "いつか": 5, "むいか": 6,
              "なのか": 7, "ようか": 8, "ここのか": 9, "とおか": 10, "はつか": 20}
_KANA_UNITS = {"ねん": "年", "がつ": "月", "にち": "日", "さい": "歳", "けた": "桁"}
_ERAS = {"めいじ": "明治", "たいしょう": "大正", "しょうわ": "昭和", "へいせい": "平成", "れいわ": "令和"}
_KANA_NUMERAL_WORD = re.compile(_alternation([*_KANA_MULTIPLIERS, *_KANA_NUMERAL_DIGITS]))
# At most eight number words (せん きゅう ひゃく きゅう じゅう きゅう is six): an unbounded run
# was tried to its end from each of its words, quadratic on a long line of さん.
_KANA_DATE_PART = re.compile(
    rf"(?P<num>(?:{_alternation([*_KANA_MULTIPLIERS, *_KANA_NUMERAL_DIGITS])}){{1,8}})"
    rf"(?P<unit>{_alternation(_KANA_UNITS)})"
    rf"|(?P<tens>(?:{_alternation([*_KANA_MULTIPLIERS, *_KANA_NUMERAL_DIGITS])}){{0,4}}じゅう)?"
    rf"(?P<day>{_alternation(_KANA_DAYS)})"
    rf"|(?P<era>{_alternation(_ERAS)})"
)


# A counted number said alone (よんひゃくにじゅう, さんびゃく): three number words or more with a
# position word among them, or a hundred with its digit.  Two words are often an ordinary word
# (しせん, くせん, よせん, しじゅう), and so the run touches no kana on either side but a particle
# (番号はよんひゃくにじゅうです; たくさんじゅうぶん stays words).
_KANA_COUNTED = re.compile(
    rf"(?:(?<![ぁ-ゖー])|(?<=[はがをもの]))(?:{_alternation([*_KANA_MULTIPLIERS, *_KANA_NUMERAL_DIGITS])}){{2,8}}"
    r"(?=[^ぁ-ゖー]|$|で|の|と|が|を|も|ね|よ)"
)
_HUNDREDS = frozenset({"ひゃく", "びゃく", "ぴゃく"})


def _kana_counted(match: re.Match[str]) -> str:
    words = _KANA_NUMERAL_WORD.findall(match.group(0))
    if "".join(words) != match.group(0) or not any(w in _KANA_MULTIPLIERS for w in words):
        return match.group(0)
    if words[-1] in _KANA_NUMERAL_DIGITS and words[-1] in {"いっ", "ろっ", "はっ", "よ"}:
        return match.group(0)  # a counter's sound change (はっ…) belongs to a word after
    if len(words) < 3 and not (_HUNDREDS & set(words) and len(words) == 2):
        return match.group(0)
    number = _kana_numeral(words)
    return match.group(0) if number is None else str(number)


def _kana_numeral(words: list[str]) -> int | None:
    """The value of position words (せんきゅうひゃく…), or None where they are no number: two digits
    in a row (によ) or positions that do not fall (せんせん, じゅうひゃく) are ordinary words."""
    total, digit, last = 0, None, None
    for word in words:
        if word in _KANA_MULTIPLIERS:
            if last is not None and _KANA_MULTIPLIERS[word] >= last:
                return None
            last = _KANA_MULTIPLIERS[word]
            total += (1 if digit is None else digit) * last
            digit = None
        elif digit is not None:
            return None
        else:
            digit = _KANA_NUMERAL_DIGITS[word]
    return total + (digit or 0)


# A lone single sound before けた is a verb's (よけた, しけた, 避けた): no digit count.
_WEAK_COUNT = frozenset({"よ", "し", "に", "く", "ご"})
# Readings no one gives a number (9歳 is きゅうさい, 4年 よねん): くさい, しさい, しねん are words.
_NOT_A_READING = frozenset({("く", "さい"), ("し", "さい"), ("し", "ねん"), ("く", "にち"), ("し", "にち")})
# A single sound glued to the word before it is that word's ending (聞くねん, めんどくさい),
# unless that word is a particle (それはにねん), an era (へいせいくねん, 平成くねん) or a date's
# unit (…ねんごがつ).
_DATE_WORD_ENDS = "".join(f"(?<!{word})" for word in [*_ERAS, *_ERAS.values(), *_KANA_UNITS, *_KANA_UNITS.values()])
_GLUED_BEFORE = re.compile(rf"[一-龥々ぁ-ゖ](?<![はがをもでとへやの]){_DATE_WORD_ENDS}$")


def _kana_date_part(match: re.Match[str]) -> str:
    if match.group("era"):
        return _ERAS[match.group("era")]
    if match.group("day"):
        tens = _kana_numeral(_KANA_NUMERAL_WORD.findall(match.group("tens") or ""))
        return match.group(0) if tens is None else f"{tens + _KANA_DAYS[match.group('day')]}日"
    words, unit = _KANA_NUMERAL_WORD.findall(match.group("num")), match.group("unit")
    number = _kana_numeral(words)
    if number is None:
        return match.group(0)
    if len(words) == 1 and words[0] in _WEAK_COUNT and (
        unit == "けた" or (words[0], unit) in _NOT_A_READING
        or _GLUED_BEFORE.search(match.string, max(0, match.start() - 6), match.start())
    ):
        return match.group(0)
    return f"{number}{_KANA_UNITS[unit]}"


# --- kanji numerals ------------------------------------------------------------------------

_KANJI_DIGITS = "〇零一二三四五六七八九"
# Digit by digit (〇九〇, 一二三四): two or more, optionally split by one separator.
# Not ending on a positional number's first digit (千二百三十四の五十六の七十八: 六の七 belong to 五十六 and 七十八;
# 十八の七 and 十五の八 of a block number stay runs).
_KANJI_DIGIT_RUN = re.compile(rf"[{_KANJI_DIGITS}](?:[の、\-\s]?[{_KANJI_DIGITS}])+(?![十百千万億])")
# Positional numbers (五十五年, 三丁目, 十二月) only before a unit, where they are numbers.
_KANJI_UNITS = r"(?:年|月|日|歳|才|丁目|番|号|階|桁|ヶ月|か月)"
# From the start of a run only and at most ten characters (千九百六十九 is six), so a long run
# is not tried to its end from each of its characters.
_KANJI_POSITIONAL = re.compile(rf"(?<![{_KANJI_DIGITS}十百千])[{_KANJI_DIGITS}十百千]{{1,10}}(?={_KANJI_UNITS})")
# A positional number said as a value of its own (七百四十二です, 千二百三十四の、…,
# 七十六万五千四百三十二): a word of its own — no kanji or katakana glued on either side, so 千葉,
# 十分, 八百屋, 五十嵐 and 三千円 stay words — with a position in it and two characters or more, not
# starting with 万 or 億 (万一に備えて: an idiom).
_KANJI_NUMBER_ALONE = re.compile(
    rf"(?<![一-龥々ァ-ヴー])(?=[{_KANJI_DIGITS}十百千万億]{{0,15}}[十百千万億])"
    rf"[{_KANJI_DIGITS}十百千][{_KANJI_DIGITS}十百千万億]{{1,15}}(?![一-龥々ァ-ヴー])"
)


# Kanji that continue a number rather than a name (五月十日: 五月 is a date, not the name 五月).
_NUMBER_CONTEXT = set(_KANJI_DIGITS) | set("十百千万億年月日歳才時分")
_HONORIFIC_AFTER = re.compile(r"さん|様|さま|氏|君|くん|ちゃん|先生")
_KANJI = re.compile(r"[一-龥々]")
# An era just before (昭和五十八年, 平成 九年): the number after it is a year (the conversation reads it too).
ERA_BEFORE = re.compile(rf"(?:{'|'.join(_ERAS.values())})\s*$")


def _name_kind(word: str) -> str:
    """"姓"/"名" when SudachiPy's dictionary knows ``word`` as a surname / given name, else ""."""
    found = entry(word)
    return "姓" if found.surname else "名" if found.given else ""


def _in_name(match: re.Match[str]) -> bool:
    """Whether the kanji numeral of ``match`` is part of a personal name (二階俊博, 加藤一二三, 二階さん).

    A word starting at the numeral that the dictionary knows as a name counts when the name
    continues: a surname before a given name or an honorific, a given name after a surname.
    Dates and counts read on (五月十日) stay numbers."""
    text, start = match.string, match.start()
    if ERA_BEFORE.search(text, max(0, start - 3), start):
        return False  # 昭和五十八年, 平成十八年: a year, though 五十八 and 十八 are given names too
    for length in range(max(2, len(match.group(0))), min(len(match.group(0)) + 3, len(text) - start) + 1):
        word = text[start:start + length]
        kind = _name_kind(word)
        if not kind:
            continue
        after, before = text[start + length:start + length + 1], text[start - 1:start] if start else ""
        honorific = bool(_HONORIFIC_AFTER.match(text, start + length))
        if kind == "姓" and (honorific or (_KANJI.fullmatch(after or "x") and after not in _NUMBER_CONTEXT)):
            return True
        if kind == "名" and (honorific or (_KANJI.fullmatch(before or "x") and before not in _NUMBER_CONTEXT)):
            return True
    return False



def _kanji_digits(match: re.Match[str]) -> str:
    if _in_name(match):
        return match.group(0)
    return "".join(str(_KANJI_DIGIT[c]) if c in _KANJI_DIGIT else c for c in match.group(0))


_KANJI_POSITIONS = {"十": 10, "百": 100, "千": 1000}
_KANJI_GROUPS = {"万": 10_000, "億": 100_000_000}


def _kanji_value(numeral: str) -> int:
    """The value of a kanji numeral: 十/百/千 multiply the digit before them (or 1) within a
    group, 万/億 multiply the group before them (七十六万五千四百三十二 = 7654321)."""
    total, group, digit = 0, 0, None
    for c in numeral:
        if c in _KANJI_DIGIT:
            digit = _KANJI_DIGIT[c] if digit is None else digit * 10 + _KANJI_DIGIT[c]
        elif c in _KANJI_POSITIONS:
            group += (1 if digit is None else digit) * _KANJI_POSITIONS[c]
            digit = None
        else:
            total += (group + (digit or 0) or 1) * _KANJI_GROUPS[c]
            group, digit = 0, None
    return total + group + (digit or 0)


def _kanji_positional(match: re.Match[str]) -> str:
    if _in_name(match):
        return match.group(0)
    return str(_kanji_value(match.group(0)))


# --- letters spelled out next to digits ----------------------------------------------------

# Letter names as they are said (ティー、ケー、1、2…; ダブリュー; ゼット/ゼッド).  キュー is
# read as the digit 9 by the step before.  Only a run of two to four names next to a digit
# is spelling: alone, エー is a filler and ワイ or ジー are words.
_LETTER_NAMES = {
    "エー": "A", "エイ": "A", "ビー": "B", "シー": "C", "ディー": "D", "デー": "D", "イー": "E",
    "エフ": "F", "ジー": "G", "エイチ": "H", "エッチ": "H", "アイ": "I", "ジェー": "J", "ジェイ": "J",
    "ケー": "K", "ケイ": "K", "エル": "L", "エム": "M", "エヌ": "N", "オー": "O", "ピー": "P",
    "アール": "R", "エス": "S", "ティー": "T", "ティ": "T", "ユー": "U", "ブイ": "V", "ヴィー": "V",
    "ダブリュー": "W", "ダブリュ": "W", "エックス": "X", "ワイ": "Y", "ゼット": "Z", "ゼッド": "Z",
}
_LETTER_NAME = f"(?:{_alternation(_LETTER_NAMES)})"
_SPELLING_SEP = r"[\s、,・\-]{0,2}"
# Names said without a pause run together (ティーケー); the run as a whole is no longer katakana
# word (エービーシー順 is checked for a number beside it, ビール is no B).  A の between the letters
# and the digits is a pause word (ジェイ、エー、の、0012345): it goes, so the identifier is one
# value.  Bounded (two to four names) and tried at each name once: linear in the line.
_SPELLED_LETTERS = re.compile(
    rf"(?<![ァ-ヺー]){_LETTER_NAME}(?:{_SPELLING_SEP}{_LETTER_NAME}){{1,3}}(?![ァ-ヺー])"
    r"(?P<no>[\s、,・\-]{0,2}の(?=[\s、,・\-]{0,2}\d))?"
)
_LETTER_NAME_RE = re.compile(_alternation(_LETTER_NAMES))
_DIGIT_BEFORE_LETTERS = re.compile(r"\d[\s、,・\-]{0,2}$")
_DIGIT_AFTER_LETTERS = re.compile(r"[\s、,・\-]{0,2}\d")


def _spelled_letters(match: re.Match[str]) -> str:
    """ティー、ケー、1234567 → T、K、1234567: letter names read next to a number."""
    text = match.string
    letters_end = match.start("no") if match.group("no") else match.end()
    if not (match.group("no") or _DIGIT_BEFORE_LETTERS.search(text, max(0, match.start() - 3), match.start())
            or _DIGIT_AFTER_LETTERS.match(text, letters_end)):
        return match.group(0)
    spelled = _LETTER_NAME_RE.sub(lambda m: _LETTER_NAMES[m.group(0)], text[match.start():letters_end])
    return spelled + (match.group("no") or "").replace("の", "")


# English digits in katakana (ファイブ、ワン、エイト: a loanword speaker).  Not read as digits here (ワン is
# also a dog's bark, ツー a pair): the security-code rules read them after the code's place or name, and
# a live partial holds them back (``redactor.stream.partial``).
ENGLISH_DIGITS = ("ワン", "ツー", "トゥー", "スリー", "フォー", "ファイブ", "ファイヴ", "シックス", "セブン", "セヴン",
                  "エイト", "ナイン")


# A whole utterance of digit words, letter names and pauses (いち / に、さん / まるまるにいさん / ゼロ / エー、ビー /
# てぃー、けー): a slow reader's piece of a number or code, one word or a few per utterance (the recogniser cuts
# at each pause).  Letter names alone count from two (エー alone is a filler).  Anchored and bounded: linear.
# Kanji numerals with their positions too (四百五十二です, 七十六万五千四百三十二): a code or an account read as a
# number, alone in its utterance.
_DIGIT_WORD_ALONE = rf"(?:{_KANA_WORD}|にい|ニイ|[〇零一二三四五六七八九十百千万])"
_LETTER_WORD_ALONE = _alternation({*_LETTER_NAMES, *(w.translate(KATAKANA_TO_HIRAGANA) for w in _LETTER_NAMES)})
_VALUE_WORD_ALONE = rf"(?:{_LETTER_WORD_ALONE}|{_DIGIT_WORD_ALONE})"
# A particle or copula may close the piece (ななの / にの / ごです: the groups of a code read aloud).
# Separator runs possessive: two unbounded runs side by side were retried against each other (quadratic).
_VALUE_ALONE = re.compile(rf"\A[\s、。,.…・ー]*+(?:{_VALUE_WORD_ALONE}[\s、。,.…・ー]*+){{1,24}}"
                          r"(?:の|です|ですね|だよ|ね|と|で)?[\s、。,.…]*+")
_VALUE_WORD_ALONE_RE = re.compile(_VALUE_WORD_ALONE)
_DIGIT_WORD_ALONE_RE = re.compile(_DIGIT_WORD_ALONE)


def spoken_value(text: str) -> tuple[int, int] | None:
    """The span of ``text`` that is nothing but digits said as words (いち, に、さん, ゼロキュウ) and
    letter names (エー、ビー), or ``None``: alone they are words (に, さん, ご, エー), so only a caller
    answering a request for a value reads them as one."""
    match = _VALUE_ALONE.fullmatch(text)
    if match is None:
        return None
    words = list(_VALUE_WORD_ALONE_RE.finditer(text, 0, match.end()))
    if not words:
        return None
    letters_only = not any(_DIGIT_WORD_ALONE_RE.fullmatch(w.group(0)) for w in words)
    # Letters only: two names at least, each said apart (オーケー, run together, is a word).
    if letters_only and (len(words) < 2 or any(a.end() == b.start() for a, b in itertools.pairwise(words))):
        return None
    return words[0].start(), words[-1].end()


# --- an e-mail address spelled out in pieces ------------------------------------------------

# ケー、ジェー、ドット、ダブリュー… / アットマーク、ハピネス、ドット、エヌイー… /
# しゅん、アンダーバー、ぜろいちにーよん:
# letter names, digits, joiners and domain words between pauses, over one utterance or several (user19 G).
_HIRAGANA_FORMS = {w.translate(KATAKANA_TO_HIRAGANA) for w in [*_LETTER_NAMES, *_DOMAIN_WORDS]}
_AT_WORDS = ("アットマーク", "あっとまーく", "アット", "あっと", "@")
_JOIN_WORDS = ("ドット", "どっと", "ピリオド", "アンダーバー", "アンダースコア", "ハイフン", "はいふん")
_SPELLED_UNIT = re.compile(
    rf"(?:{_alternation([*_LETTER_NAMES, *_DOMAIN_WORDS, *_HIRAGANA_FORMS, *_AT_WORDS, *_JOIN_WORDS, *_KANA_DIGITS])}"
    r"|[0-9A-Za-z])"
)
_SPELLED_SEPARATOR = re.compile(r"[、,\s・]+")
# A word of the local part (ハピネス, しゅん): beside a joiner only.
_KANA_WORD_PIECE = re.compile(r"[ぁ-ゖァ-ヴー]{2,10}")
_SPELLED_MAX = 400  # characters looked at: an address is short
_PARTICLE_END = re.compile(r"[ぁ-ゖ][にはをがでともの]$")
_AT_INSIDE = re.compile(r"アットマーク|あっとまーく|アット|あっと|@")
_DOT_INSIDE = re.compile(r"ドット|どっと|ピリオド")


def _spelled_kind(piece: str) -> str | None:
    """"at", "join", "unit" (letters, digits, domain words) for a piece said between pauses, "word"
    for a kana word that may be a local part, or None."""
    if piece in _AT_WORDS:
        return "at"
    if piece in _JOIN_WORDS:
        return "join"
    if len(piece) <= 60 and _fully(_SPELLED_UNIT, piece):
        # a whole address read without pauses (ケージェーエムアットマークジーメールドットコム)
        return "address" if _AT_INSIDE.search(piece) and _DOT_INSIDE.search(piece) else "unit"
    # (そのあとに, メールは: talk before the address, ending on a particle)
    return "word" if (_KANA_WORD_PIECE.fullmatch(piece) and piece not in _FILLERS
                      and not _PARTICLE_END.search(piece)) else None


def _fully(unit: re.Pattern[str], piece: str) -> bool:
    """``piece`` is a run of ``unit`` matches (greedy, left to right: the units do not overlap)."""
    pos = 0
    while pos < len(piece):
        match = unit.match(piece, pos)
        if match is None or not match.group(0):
            return False
        pos = match.end()
    return True


def spelled_email(text: str, *, asked: bool) -> list[tuple[int, int]]:
    """Spans of ``text`` that spell an e-mail address out in pieces: with an @ word and a joiner
    or domain word whatever the context; when ``asked`` (the call asked for an e-mail, or the
    address goes on from the utterance before), any two pieces or more with a letter or a joiner."""
    spans, run = [], []
    pos = 0
    for sep in [*_SPELLED_SEPARATOR.finditer(text, 0, _SPELLED_MAX), None]:
        end = sep.start() if sep is not None else min(len(text), _SPELLED_MAX)
        piece = text[pos:end]
        kind = _spelled_kind(_VALUE_END.sub("", piece) if sep is None else piece) if piece else None
        if kind is not None:
            run.append((pos, pos + len(_VALUE_END.sub("", piece)) if sep is None else end, kind))
        if (kind is None and piece) or sep is None:
            whole = (sep is None and not spans and not _WORDS_BEFORE.search(text, 0, run[0][0] if run else 0)
                     and not (len(run) == 1 and text[run[0][0]:run[0][1]] in _SOUNDS))
            spans.extend(_email_run(run, asked, whole))
            run = []
        pos = sep.end() if sep is not None else pos
    return spans


_VALUE_END = re.compile(r"(?:です|ですね|でした|になります|。)+$")
_WORDS_BEFORE = re.compile(r"[^\s、,・]")  # anything said before a run but pauses
# Letter names that are also a filler or an exclamation said alone (えー, おー): no letter by themselves.
_SOUNDS = frozenset({"えー", "エー", "えい", "エイ", "おー", "オー", "あい"})


_FILLERS = frozenset({"えっと", "えーっと", "ええと", "えーと", "えー", "あの", "あのー", "まず", "はい", "ええ",
                      "うん", "それで", "あと", "えっとね"})


def _email_run(run: list[tuple[int, int, str]], asked: bool, whole: bool = False) -> list[tuple[int, int]]:
    """The address in a run of pieces: a kana word is part of it only beside an @ or a joiner
    (ハピネス、ドット; しゅん、アンダーバー), elsewhere it ends it (ジェー、アイ、でこうじです)."""
    spans, part = [], []
    for i, piece in enumerate(run):
        beside = {kind for _, _, kind in run[max(0, i - 1):i + 2]}
        if piece[2] == "word" and not beside & {"at", "join"}:
            spans.extend(_email_part(part, asked))
            part = []
        else:
            part.append(piece)
    return [*spans, *_email_part(part, asked, whole=whole)]


def _email_part(part: list[tuple[int, int, str]], asked: bool, whole: bool = False) -> list[tuple[int, int]]:
    """``whole``: the part is all the utterance says (ケー / ジェー: one letter per utterance, asked for)."""
    kinds = [kind for _, _, kind in part]
    strong = "address" in kinds or ("at" in kinds and len(part) >= 3 and ("join" in kinds or "unit" in kinds))
    asked_enough = asked and (len(part) >= 2 or (whole and len(part) == 1 and kinds[0] != "word"))
    return [(part[0][0], part[-1][1])] if part and (strong or asked_enough) else []


# --- digit groups as speech recognition writes them ----------------------------------------

# 123万4567, 8兆4351億9420万4081: a digit string the recogniser wrote as a quantity.
_LARGE_NUMBER = re.compile(
    r"(?<!\d)(?:(\d{1,4})兆)?(?:(\d{1,4})億)?(?:(\d{1,4})万)?(\d{1,4})(?!\d)"
)
# Separators between digit groups: 090-1234, 090の1234, 090、えー、3344, 4,111,122,
# 1234.5678, 4038…9131.  A dot joins only before three digits, so 47.5.9 stays a date.
_GROUP_SEPARATOR = re.compile(
    r"(?<=\d)(?:\s*(?:[-,、・…‥]|\.{2,}|\.(?=\s*\d{3})|の|ハイフン|えー|えっと|ええと|あの)\s*){1,3}(?=\d)"
    r"|(?<=\d)\s+(?=\d)"
)


def _large_number(match: re.Match[str]) -> str:
    groups = match.groups()
    if not any(groups[:3]):
        return match.group(0)
    first = next(i for i, g in enumerate(groups) if g)
    return groups[first] + "".join((g or "").zfill(4) for g in groups[first + 1:])


def normalize(text: str) -> NormalizedText:
    """Return the canonical form of ``text`` used for detection, with its offset map."""
    rw = _Rewriter(text)
    rw.sub(_SURROGATE, lambda m: REPLACEMENT)
    if not unicodedata.is_normalized("NFKC", rw.text):
        rw.sub(_CLUSTER, _nfkc)
    rw.sub(re.compile("[‐‑‒–—―−－ｰ]"), lambda m: m.group(0).translate(_DASHES))
    rw.sub(_SPOKEN_EMAIL, _spoken_email)
    rw.sub(_KANA_DATE_PART, _kana_date_part)
    rw.sub(_KANA_COUNTED, _kana_counted)
    rw.sub(_KANA_RUN, _kana_run_to_digits)
    rw.sub(_KANJI_DIGIT_RUN, _kanji_digits)
    rw.sub(_KANJI_POSITIONAL, _kanji_positional)
    rw.sub(_KANJI_NUMBER_ALONE, _kanji_positional)
    # Long-vowel marks between digits are dashes the recogniser chose (090ー1234).
    rw.sub(re.compile(r"(?<=\d)ー(?=\d)"), lambda m: "-")
    rw.sub(_SPELLED_LETTERS, _spelled_letters)
    rw.sub(_GROUP_SEPARATOR, lambda m: "")
    rw.sub(_LARGE_NUMBER, _large_number)
    return NormalizedText(text, rw.text, tuple(rw.starts), tuple(rw.ends))
