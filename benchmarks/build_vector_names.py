"""Build redactor/pii/data/vector_name_words.txt: unknown katakana words that sit among names.

ja_ginza ships chiVe's word vectors pruned to 20,000 rows: each of its 480,443 words points at the
row nearest its own vector, so a row is a cluster of words used alike (グラント, ジェームズ,
キャメロン …; IBM, マイクロソフト, レノボ …).  A row whose katakana words are mostly personal names —
by SudachiPy's core dictionary (only a name) or JMnedict (``data/jmnedict_katakana.tsv``: only a
person's name, classified) against words either knows as something else — is a cluster of names,
and a katakana word there that neither dictionary knows (ペトレイアス) is a foreign name more
likely than not.  The person evidence (#10) counts such a word as a name reading, as it counts a
dictionary's; the runtime reads only the list written here, never the vectors.

Kept: katakana words of three characters or more in a row whose share of names is at least
``--share`` (names / (labelled words + 2), at least ``--labelled`` labelled words), unknown to
SudachiPy's core dictionary, and not listed by JMnedict as anything but a person's name.

    python benchmarks/build_vector_names.py [--out redactor/pii/data/vector_name_words.txt]

Measured on the studied real-text parts (#10 round 20, RESULTS.md): share 0.6 finds four more persons
(ペトレイアス 0.7, コノハナノサクヤビメ ×2 0.8, メイザース 0.6) and no new false mask; 0.5 adds one (リムランド,
0.5), 0.35–0.4 more (コルテックス, ポケビ); known words let in add others (ディフェンダー, クーデター: rows of
football players and of a coup's leaders).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "redactor" / "pii" / "data" / "vector_name_words.txt"
_KATAKANA = re.compile(r"[ァ-ヴー]{3,}")

HEADER = (
    "# Katakana words unknown to SudachiPy's core dictionary whose word vector lies in a cluster of\n"
    "# personal names, one a line; built by benchmarks/build_vector_names.py (share >= {share},\n"
    "# >= {labelled} labelled words a cluster) from ja_ginza {ginza}'s static vectors ({keys} words, {rows} rows).\n"
    "# Source of the vectors: chiVe (Works Applications, Apache License 2.0), as pruned and shipped in\n"
    "# ja_ginza (Megagon Labs, MIT License); the labels: SudachiDict core (Apache License 2.0) and\n"
    "# JMnedict (EDRDG, CC BY-SA 3.0) through redactor/pii/data/jmnedict_katakana.tsv. See NOTICE.txt.\n"
)


def name_share(nlp, minimum: int) -> dict[int, float]:
    """Per vector row: names / (labelled katakana words + 2), rows with ``minimum`` labelled words or more."""
    from redactor.pii.lexicon import entry, names

    strings, key2row = nlp.vocab.strings, nlp.vocab.vectors.key2row
    named: Counter[int] = Counter()
    labelled: Counter[int] = Counter()
    for key, row in key2row.items():
        word = strings[key]
        if not _KATAKANA.fullmatch(word):
            continue
        listed, known = names(word), entry(word)
        if listed.only_classified_person or known.only_person:
            named[row] += 1
        elif not (listed.classes or known.known):
            continue
        labelled[row] += 1
    return {row: named[row] / (count + 2) for row, count in labelled.items() if count >= minimum}


def words(nlp, share: float, minimum: int) -> list[str]:
    from redactor.pii.lexicon import entry, names

    shares = name_share(nlp, minimum)
    strings, key2row = nlp.vocab.strings, nlp.vocab.vectors.key2row
    kept = set()
    for key, row in key2row.items():
        word = strings[key]
        if (shares.get(row, 0.0) >= share and _KATAKANA.fullmatch(word) and not entry(word).known
                and (not names(word).classes or names(word).only_person)):
            kept.add(word)
    return sorted(kept)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--share", type=float, default=0.6)
    ap.add_argument("--labelled", type=int, default=3)
    args = ap.parse_args()
    import spacy

    nlp = spacy.load("ja_ginza")
    kept = words(nlp, args.share, args.labelled)
    vectors = nlp.vocab.vectors
    with args.out.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER.format(share=args.share, labelled=args.labelled, ginza=nlp.meta.get("version", "?"),
                                keys=len(vectors.key2row), rows=vectors.shape[0]))
        out.writelines(f"{word}\n" for word in kept)
    print(f"{len(kept)} words → {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
