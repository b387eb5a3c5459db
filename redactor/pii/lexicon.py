"""What SudachiPy's dictionary knows about a word, whatever the tokenizer chose in context.

GiNZA tokenizes with SudachiPy's core dictionary and tags each token with one reading; the
dictionary itself often lists more (大島: surname, place and common noun; ナーセル: only a
personal name).  The person evidence asks the dictionary directly: a word it lists only as a
name is a name, a word it does not know at all (テルフォード, ロマス) is a foreign word, not a
common noun.

JMnedict (EDRDG's proper-name dictionary, ``data/jmnedict_katakana.tsv``, built by
``benchmarks/build_names_lexicon.py``) says what a katakana name names: マイケル a man, ミュラー a
surname, トヨタ a firm, カージナルス a club, ニューヨーク a place (``names``); its kanji full names of
people (``data/jmnedict_full_names.txt``: 大伴旅人, 横山剣, 金正恩) are the public figures text names
(``full_name``).

Katakana words neither dictionary knows whose word vector lies among names (``data/vector_name_words.txt``,
built by ``benchmarks/build_vector_names.py`` from ja_ginza's pruned chiVe vectors: ペトレイアス sits with
グラント and ジェームズ) read as foreign names (``near_names``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["KATAKANA_TO_HIRAGANA", "Entry", "Names", "entry", "full_name", "name_forms", "names", "near_names",
           "tokenizer"]

_NAMES_FILE = Path(__file__).with_name("data") / "jmnedict_katakana.tsv"
_FULL_NAMES_FILE = _NAMES_FILE.with_name("jmnedict_full_names.txt")
_VECTOR_NAMES_FILE = _NAMES_FILE.with_name("vector_name_words.txt")
# JMnedict's name types that name a person, and those that name what a firm or a body makes or is
# (a firm, a club, a product, a work).  Places are neither here: many are named after people
# (クリントン, ミルトン, ホジソン are places too), so a place's reading says little about a person.
PERSONAL = frozenset({"surname", "given", "masc", "fem", "person", "unclass"})
FIRMS = frozenset({"company", "organization", "product", "work"})


@dataclass(frozen=True, slots=True)
class Entry:
    """The readings of one word: ``kinds`` holds 姓/名/一般 for its personal-name readings."""

    known: bool
    kinds: frozenset[str]
    only_person: bool

    @property
    def surname(self) -> bool:
        return "姓" in self.kinds

    @property
    def given(self) -> bool:
        return "名" in self.kinds


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


@lru_cache(maxsize=65536)
def entry(word: str) -> Entry:
    """The dictionary's entries for ``word`` (exact surface), summarised."""
    pos = [m.part_of_speech() for m in _dictionary().lookup(word)] if word else []
    kinds = frozenset(p[3] for p in pos if p[2] == "人名")
    return Entry(known=bool(pos), kinds=kinds, only_person=bool(pos) and all(p[2] == "人名" for p in pos))


# Katakana to hiragana, for ``str.translate`` (one table for every reading the package spells in kana).
KATAKANA_TO_HIRAGANA = {c: c - 0x60 for c in range(ord("ァ"), ord("ヶ") + 1)}


_THREAD = threading.local()


def tokenizer():
    """SudachiPy's tokenizer over the one core dictionary this module loads (cue readings use it too):
    one per thread, as a tokenizer is not safe to share between threads (review18 M5)."""
    made = getattr(_THREAD, "tokenizer", None)
    if made is None:
        made = _THREAD.tokenizer = _dictionary().create()
    return made


def name_forms(name: str) -> frozenset[str]:
    """Other ways a call says a personal name once said: its parts (山田花子: 山田, 花子) and their
    readings in katakana and hiragana (ハナコ, はなこ), of three kana or more (a one-kanji part, 武, counts
    said with an honorific or the copula: ``conversation.mentions`` decides).
    Only a name the dictionary reads wholly as personal-name words; anything else has none.
    Not cached: a caller's name stays with its call (``Conversation``), never in a process-wide cache."""
    tokens = list(tokenizer().tokenize(name)) if name else []
    if not tokens or not all(t.part_of_speech()[2] == "人名" for t in tokens):
        return frozenset()
    parts = [t.surface() for t in tokens] if len(tokens) > 1 else []
    readings = [t.reading_form() for t in tokens] + ["".join(t.reading_form() for t in tokens)]
    # A lone surname's reading in hiragana is a word too often (さとう, いしかわ県): a full name's only.
    readings += [r.translate(KATAKANA_TO_HIRAGANA) for r in readings] if len(tokens) > 1 else []
    # A reading of two kana is too often a word's start (もり in もりだくさん): three at least.  A part of two
    # kana (ゆき of いしかわゆき) stays: ``conversation.mentions`` wants an honorific or the copula after it.
    forms = {p for p in parts if p != name} | {r for r in readings if len(r) >= 3 and r != name}
    return frozenset(forms)


@dataclass(frozen=True, slots=True)
class Names:
    """What JMnedict lists a katakana word (or a ``・`` chain) as: a person's name, a firm's (a club's,
    a product's, a work's), both (マクドナルド) or neither."""

    classes: frozenset[str]

    @property
    def only_person(self) -> bool:
        return bool(self.classes & PERSONAL) and not self.classes & FIRMS

    @property
    def only_classified_person(self) -> bool:
        """Only a person's name, and classified as one (a surname, a given name, a person):
        JMnedict's unclassified names hold common words too (クラブ, センター, ライター)."""
        return self.only_person and bool(self.classes & (PERSONAL - {"unclass"}))

    @property
    def only_firm(self) -> bool:
        return bool(self.classes & FIRMS) and not self.classes & PERSONAL


@lru_cache(maxsize=1)
def _names_table() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    shared: dict[str, frozenset[str]] = {}  # one set per distinct class list (a few hundred), not per word
    with _NAMES_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            word, _, classes = line.rstrip("\n").partition("\t")
            table[word] = shared.setdefault(classes, frozenset(classes.split(",")))
    return table


def names(word: str) -> Names:
    """JMnedict's classes for a katakana ``word`` (a chain's parts joined by ・); none when unlisted."""
    return Names(_names_table().get(word, frozenset()))


@lru_cache(maxsize=1)
def _full_names() -> frozenset[str]:
    with _FULL_NAMES_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if not line.startswith("#") and line.strip())


def full_name(text: str) -> bool:
    """Whether JMnedict lists ``text`` whole as a person's full name written with kanji (大伴旅人)."""
    return text in _full_names()


@lru_cache(maxsize=1)
def _vector_names() -> frozenset[str]:
    with _VECTOR_NAMES_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if not line.startswith("#") and line.strip())


def near_names(word: str) -> bool:
    """Whether ``word`` is a katakana word no dictionary here knows whose word vector clusters with
    personal names (ペトレイアス, コノハナノサクヤビメ): a name reading, as a dictionary's would be."""
    return word in _vector_names()
