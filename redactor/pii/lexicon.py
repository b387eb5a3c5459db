"""What SudachiPy's dictionary knows about a word, whatever the tokenizer chose in context.

GiNZA tokenizes with SudachiPy's core dictionary and tags each token with one reading; the
dictionary itself often lists more (大島: surname, place and common noun; ナーセル: only a
personal name).  The person evidence asks the dictionary directly: a word it lists only as a
name is a name, a word it does not know at all (テルフォード, ロマス) is a foreign word, not a
common noun.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Entry", "entry"]


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
