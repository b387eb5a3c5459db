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

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["NormalizedText", "normalize"]


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
            if len(new) == b - a:
                starts += self.starts[a:b]
                ends += self.ends[a:b]
            else:
                starts += [self.starts[a]] * len(new)
                ends += [self.ends[b - 1]] * len(new)
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

_EMAIL_WORDS = {"アットマーク": "@", "アット": "@", "ドット": ".", "アンダーバー": "_",
                "アンダースコア": "_", "ハイフン": "-"}
_SPOKEN_EMAIL = re.compile(
    r"(?<=[A-Za-z0-9])\s*(アットマーク|アット|ドット|アンダーバー|アンダースコア|ハイフン)\s*"
    r"(?=[A-Za-z0-9])"
)

# --- spoken kana digits --------------------------------------------------------------------

_KANA_DIGITS = {
    "ゼロ": "0", "レイ": "0", "マル": "0", "イチ": "1", "ニー": "2", "ニ": "2", "サン": "3",
    "ヨン": "4", "シ": "4", "ゴー": "5", "ゴ": "5", "ロク": "6", "ナナ": "7", "シチ": "7",
    "ハチ": "8", "キュウ": "9", "キュー": "9", "ク": "9",
}
_KANA_DIGITS |= {
    "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in word): digit
    for word, digit in _KANA_DIGITS.items()
}
_KANA_DIGITS["にい"] = "2"
_KANA_DIGITS["ごお"] = "5"
_KANA_WORD_RE = re.compile("|".join(sorted(map(re.escape, _KANA_DIGITS), key=len, reverse=True)))
_KANA_SEP = r"(?:[\s、,・\-]|の|ハイフン)"


def _run_pattern(words: list[str]) -> re.Pattern[str]:
    alternation = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?:{alternation})(?:{_KANA_SEP}{{0,2}}(?:{alternation}))*")


# One script per run, so that a particle after a spoken number (ゼロキューゼロに) stays a word.
_KATAKANA_RUN = _run_pattern([w for w in _KANA_DIGITS if re.match("[ァ-ヶ]", w)])
_HIRAGANA_RUN = _run_pattern([w for w in _KANA_DIGITS if re.match("[ぁ-ゖ]", w)])


def _kana_run_to_digits(match: re.Match[str]) -> str:
    """Spell a run of kana digit words as digits, when it is long enough to be a number.

    Short runs are words (さん, にし, ごご), so a run is converted only with at least three
    words in katakana (ゼロキューゼロ) or four in hiragana (いちにさんよん), or two katakana
    words next to a written digit (090のゴーロク).  Hiragana never borrows from a
    neighbouring digit: さん and に follow numbers as honorific and particle.
    """
    run = match.group(0)
    words = _KANA_WORD_RE.findall(run)
    text, a, b = match.string, match.start(), match.end()
    near_digit = bool(re.search(r"\d[の、\s\-]{0,2}$", text[max(0, a - 3):a])) or bool(
        re.match(r"[の、\s\-]{0,2}\d", text[b:b + 3])
    )
    hiragana = bool(re.match("[ぁ-ゖ]", run))
    needed = 4 if hiragana else 3
    if len(words) < needed and not (near_digit and not hiragana and len(words) >= 2):
        return run
    return _KANA_WORD_RE.sub(lambda m: _KANA_DIGITS[m.group(0)], run)


# --- kanji numerals ------------------------------------------------------------------------

_KANJI_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                "七": 7, "八": 8, "九": 9}
_KANJI_DIGITS = "〇零一二三四五六七八九"
# Digit by digit (〇九〇, 一二三四): two or more, optionally split by one separator.
_KANJI_DIGIT_RUN = re.compile(rf"[{_KANJI_DIGITS}](?:[の、\-\s]?[{_KANJI_DIGITS}])+")
# Positional numbers (五十五年, 三丁目, 十二月) only before a unit, where they are numbers.
_KANJI_UNITS = r"(?:年|月|日|歳|才|丁目|番|号|階|桁|ヶ月|か月)"
_KANJI_POSITIONAL = re.compile(rf"[{_KANJI_DIGITS}十百千]+(?={_KANJI_UNITS})")


def _kanji_digits(match: re.Match[str]) -> str:
    return "".join(str(_KANJI_DIGIT[c]) if c in _KANJI_DIGIT else c for c in match.group(0))


def _kanji_positional(match: re.Match[str]) -> str:
    total, digit = 0, None
    for c in match.group(0):
        if c in _KANJI_DIGIT:
            digit = _KANJI_DIGIT[c] if digit is None else digit * 10 + _KANJI_DIGIT[c]
        else:  # 十 百 千 multiply the digit before them (or 1)
            total += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[c]
            digit = None
    return str(total + (digit or 0))


# --- digit groups as speech recognition writes them ----------------------------------------

# 123万4567: a spoken digit string that the recogniser wrote as a quantity.
_MAN = re.compile(r"(?<!\d)(\d{1,4})万(\d{1,4})(?!\d)")
# Separators between digit groups: 090-1234, 090の1234, 090、3344, 4,111,122, 1234.5678.
_GROUP_SEPARATOR = re.compile(
    r"(?<=\d)(?:\s*(?:[-.,、・]|の|ハイフン)\s*){1,2}(?=\d)|(?<=\d)\s+(?=\d)"
)


def normalize(text: str) -> NormalizedText:
    """Return the canonical form of ``text`` used for detection, with its offset map."""
    rw = _Rewriter(text)
    if not unicodedata.is_normalized("NFKC", text):
        rw.sub(_CLUSTER, _nfkc)
    rw.sub(re.compile("[‐‑‒–—―−－ｰ]"), lambda m: m.group(0).translate(_DASHES))
    rw.sub(_SPOKEN_EMAIL, lambda m: _EMAIL_WORDS[m.group(1)])
    rw.sub(_KATAKANA_RUN, _kana_run_to_digits)
    rw.sub(_HIRAGANA_RUN, _kana_run_to_digits)
    rw.sub(_KANJI_DIGIT_RUN, _kanji_digits)
    rw.sub(_KANJI_POSITIONAL, _kanji_positional)
    # Long-vowel marks between digits are dashes the recogniser chose (090ー1234).
    rw.sub(re.compile(r"(?<=\d)ー(?=\d)"), lambda m: "-")
    rw.sub(_GROUP_SEPARATOR, lambda m: "")
    rw.sub(_MAN, lambda m: m.group(1) + m.group(2).zfill(4))
    return NormalizedText(text, rw.text, tuple(rw.starts), tuple(rw.ends))
