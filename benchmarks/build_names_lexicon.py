"""Build redactor/pii/data/jmnedict_katakana.tsv and jmnedict_full_names.txt from JMnedict.

JMnedict (EDRDG's Japanese proper-name dictionary) says of each name what it names: a surname,
a given name, a firm, a place, a product …  The person evidence (#10) counts a katakana word it
lists only as a personal name for a person, and one listed only as a firm, a club, a work or a
place against one.  Only katakana spellings are kept: SudachiPy's dictionary already knows kanji
names, and JMnedict's kanji full names (type ``person``) are famous people — a caller is not one,
so they would teach the encyclopaedia, not the phone call.

Input: the SQLite file of the PyPI package ``jamdict-data`` (1.5: JMnedict 1.08, 2020-05-29),
e.g. ``jamdict_data/jamdict.db``.  The runtime reads only the TSV written here.

    python benchmarks/build_names_lexicon.py /path/to/jamdict.db [--out redactor/pii/data/jmnedict_katakana.tsv]

Output lines: ``word<TAB>class,class…`` sorted by word.  A name written with ・/＝ (ジョン・ケネディ)
is kept whole (its parts joined by ・) and, when it is a personal name, each part is kept too with
the entry's classes (ジョン, ケネディ); a part of a firm's or a place's name (ロサンゼルス of
ロサンゼルス・ドジャース) says nothing about the part alone, so only the whole takes those classes.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "redactor" / "pii" / "data" / "jmnedict_katakana.tsv"
FULL_NAMES_OUT = OUT.with_name("jmnedict_full_names.txt")

# JMnedict's name types (<name_type>) that name a person; parts of such names are names too.
PERSONAL = frozenset({"surname", "given", "masc", "fem", "person", "unclass"})
_KATAKANA_NAME = re.compile(r"[ァ-ヴー]+(?:[・＝=][ァ-ヴー]+)*")
_JOINER = re.compile(r"[・＝=]")
# A full name for the full-name list: a kanji somewhere, no Latin letter or digit, 3–12 characters.
_KANJI_FULL_NAME = re.compile(r"(?=.*[一-龥々])[一-龥々〆ヵヶぁ-ゖァ-ヴー・＝]{3,12}")
_NOT_ONLY_A_PERSON = frozenset({"place", "company", "organization", "product", "work", "station", "service",
                                "event", "object", "unclass"})
_GROUP_END = tuple("組隊団党会軍社派")

HEADER = (
    "# {what}, built by\n"
    "# benchmarks/build_names_lexicon.py from jamdict-data {package} (JMnedict {version}, {date}).\n"
    "# Source: JMnedict, the Japanese proper-name dictionary of the Electronic Dictionary Research and\n"
    "# Development Group (EDRDG), https://www.edrdg.org/enamdict/enamdict_doc.html .\n"
    "# Licence: Creative Commons Attribution-ShareAlike 3.0 (CC BY-SA 3.0), as the EDRDG licence statement\n"
    "# shipped in jamdict-data states it (https://www.edrdg.org/edrdg/licence.html; EDRDG now publishes\n"
    "# under CC BY-SA 4.0); this file is a derived work, distributed under the same licence.\n"
    "# Copyright: James William Breen and the Electronic Dictionary Research and Development Group.\n"
)


def read_entries(db: Path, table: str = "NEKana") -> list[tuple[str, frozenset[str]]]:
    """(spelling, name types) for every JMnedict entry: kana spellings (``NEKana``) or kanji ones
    (``NEKanji``)."""
    if table not in {"NEKana", "NEKanji"}:
        raise ValueError(table)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        types: dict[int, set[str]] = defaultdict(set)
        for idseq, kind in con.execute(
                "SELECT t.idseq, tt.text FROM NETranslation t JOIN NETransType tt ON tt.tid = t.id"):
            types[idseq].add(kind)
        return [(text, frozenset(types[idseq])) for idseq, text in con.execute(f"SELECT idseq, text FROM {table}")]
    finally:
        con.close()


def full_names(entries: list[tuple[str, frozenset[str]]]) -> list[str]:
    """JMnedict's kanji full names of people that nothing else is called (see the module's docstring)."""
    from redactor.pii.lexicon import entry, tokenizer

    def name_part(word) -> bool:  # a SudachiPy morpheme read as a name here, or listed as one
        return word.part_of_speech()[2] == "人名" or bool(entry(word.surface()).kinds)

    kinds: dict[str, set[str]] = defaultdict(set)
    for text, types in entries:
        kinds[text] |= types
    return sorted(text for text, types in kinds.items()
                  if "person" in types and not types & _NOT_ONLY_A_PERSON and _KANJI_FULL_NAME.fullmatch(text)
                  and not text.endswith(_GROUP_END)
                  and not (entry(text).known and not entry(text).only_person)
                  and any(name_part(word) for word in tokenizer().tokenize(text)))


def build(entries: list[tuple[str, frozenset[str]]]) -> dict[str, set[str]]:
    """word → classes for katakana spellings (whole names, and a personal name's parts)."""
    lexicon: dict[str, set[str]] = defaultdict(set)
    for text, kinds in entries:
        if not kinds or not _KATAKANA_NAME.fullmatch(text):
            continue
        parts = _JOINER.split(text)
        lexicon["・".join(parts)] |= kinds
        personal = kinds & PERSONAL
        if len(parts) > 1 and personal:
            for part in parts:
                if len(part) >= 2:
                    lexicon[part] |= personal
    return lexicon


def meta(db: Path) -> dict[str, str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT key, value FROM meta"))
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("db", type=Path, help="jamdict-data's jamdict.db")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--package", default="1.5", help="jamdict-data's version, for the header")
    args = ap.parse_args()
    info = meta(args.db)
    lexicon = build(read_entries(args.db))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER.format(what="Katakana words of JMnedict with their name classes (word<TAB>classes)",
                                package=args.package, version=info.get("jmnedict.version", "?"),
                                date=info.get("jmnedict.date", "?")))
        for word in sorted(lexicon):
            out.write(f"{word}\t{','.join(sorted(lexicon[word]))}\n")
    print(f"{len(lexicon)} words → {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    people = full_names(read_entries(args.db, "NEKanji"))
    full_out = args.out.with_name(FULL_NAMES_OUT.name)
    with full_out.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER.format(what="Full names of people (type person) JMnedict writes with kanji, one a line",
                                package=args.package, version=info.get("jmnedict.version", "?"),
                                date=info.get("jmnedict.date", "?")))
        out.writelines(f"{name}\n" for name in people)
    print(f"{len(people)} full names → {full_out} ({full_out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
