#!/usr/bin/env python3
"""Rebuild the real evaluation sets in this folder from their upstream snapshots (provenance).

This script documents, and makes repeatable, how ``text_persons.jsonl``,
``text_persons_more.jsonl``, ``text_persons_dev3.jsonl`` and ``speech/`` were selected.  It is
not run by the benchmark; it needs local git clones of the two sources:

- ``--ner``: a clone of github.com/stockmarkteam/ner-wikipedia-dataset (commit
  5e525c2132c0e87cce890b8b92639a0cf357c1f3; ``ner.json`` version 2.0, CC BY-SA 3.0).
- ``--tofugu``: a clone of github.com/tofugu/japanese-vocabulary-pronunciation-audio (commit
  9725e0e7d628ab616e8b14e126d3daa33eba8d36, CC BY-SA 4.0).

Files are read from the git objects of the pinned commit (``git show COMMIT:path``), so a bare
clone is enough.  Selection is deterministic: items are ranked by the SHA-1 of their id.

Usage::

    python benchmarks/real/build_real_sets.py --ner /path/to/ner-wikipedia-dataset \
        --tofugu /path/to/japanese-vocabulary-pronunciation-audio
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NER_COMMIT = "5e525c2132c0e87cce890b8b92639a0cf357c1f3"
TOFUGU_COMMIT = "9725e0e7d628ab616e8b14e126d3daa33eba8d36"

# stockmark's eight types → the labels used in text_persons.jsonl
NER_TYPES = {
    "人名": "PERSON",
    "法人名": "ORG_CORPORATE",
    "政治的組織名": "ORG_POLITICAL",
    "その他の組織名": "ORG_OTHER",
    "地名": "PLACE",
    "施設名": "FACILITY",
    "製品名": "PRODUCT",
    "イベント名": "EVENT",
}
# A full calendar date (year, month and day) written with digits, e.g. 1985年3月12日.  The source
# does not annotate dates; these spans are added by this regex and marked "derived".
FULL_DATE = re.compile(r"(?:(?:明治|大正|昭和|平成|令和)?[0-9０-９元]{1,4})年[0-9０-９]{1,2}月[0-9０-９]{1,2}日")

# How many sentences of each kind the text set keeps.
N_PERSON, N_OTHER, N_NEGATIVE, N_DATE_EXTRA = 550, 250, 150, 100
# The second text set (text_persons_more.jsonl): the same mix scaled to 1,200 sentences.
MORE = (630, 285, 170, 115)


def rank(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def git_show(repo: Path, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout


def load_rows(repo: Path) -> list[dict]:
    """Every sentence of the pinned ``ner.json`` as a line of the text sets, ranked by SHA-1 of id."""
    data = json.loads(git_show(repo, NER_COMMIT, "ner.json"))
    rows = []
    for i, item in enumerate(data):
        text = item["text"]
        spans = []
        for ent in item["entities"]:
            start, end = ent["span"]
            assert text[start:end] == ent["name"], (item["curid"], ent)
            spans.append({"type": NER_TYPES[ent["type"]], "start": start, "end": end})
        for m in FULL_DATE.finditer(text):
            spans.append({"type": "DATE", "start": m.start(), "end": m.end(), "derived": "regex"})
        spans.sort(key=lambda s: (s["start"], s["end"]))
        rows.append({
            "id": f"stockmark-{i:04d}-curid{item['curid']}",
            "text": text,
            "persons": [[s["start"], s["end"]] for s in spans if s["type"] == "PERSON"],
            "spans": spans,
            "source": f"stockmarkteam/ner-wikipedia-dataset@{NER_COMMIT[:12]} ner.json[{i}] "
                      f"(ja.wikipedia curid {item['curid']}), CC BY-SA 3.0",
        })
    rows.sort(key=lambda r: rank(r["id"]))
    return rows


def select(rows: list[dict], n_person: int, n_other: int, n_negative: int, n_date_extra: int) -> list[dict]:
    """The mix rule: the first sentences in rank order with a person, with another entity only,
    with no source entity, then more sentences holding a full date, of any kind."""
    person = [r for r in rows if r["persons"]]
    other = [r for r in rows if not r["persons"] and r["spans"]
             and any(s["type"] != "DATE" for s in r["spans"])]
    negative = [r for r in rows if not any(s["type"] != "DATE" for s in r["spans"])]
    chosen = person[:n_person] + other[:n_other] + negative[:n_negative]
    ids = {r["id"] for r in chosen}
    # more sentences with a full date, so that date over-masking is well measured
    dated = [r for r in rows if r["id"] not in ids and any(s["type"] == "DATE" for s in r["spans"])]
    chosen += dated[:n_date_extra]
    chosen.sort(key=lambda r: r["id"])
    return chosen


def write_set(chosen: list[dict], name: str) -> None:
    out = HERE / name
    with out.open("w", encoding="utf-8") as f:
        for r in chosen:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    n_dates = sum(any(s["type"] == "DATE" for s in r["spans"]) for r in chosen)
    print(f"text: {len(chosen)} sentences ({sum(bool(r['persons']) for r in chosen)} with a person, "
          f"{sum(not r['spans'] for r in chosen)} with no span, {n_dates} with a full date) -> {out}")


def build_text(repo: Path) -> None:
    rows = load_rows(repo)
    first = select(rows, N_PERSON, N_OTHER, N_NEGATIVE, N_DATE_EXTRA)
    write_set(first, "text_persons.jsonl")
    # The second set: the same rule over the sentences the first did not take, so the two are
    # disjoint and the second holds the next sentences in rank order.
    taken = {r["id"] for r in first}
    more = select([r for r in rows if r["id"] not in taken], *MORE)
    write_set(more, "text_persons_more.jsonl")
    # The third set (a development set only, #10 round 12): every sentence neither set took.
    taken |= {r["id"] for r in more}
    rest = sorted((r for r in rows if r["id"] not in taken), key=lambda r: r["id"])
    write_set(rest, "text_persons_dev3.jsonl")


# ------------------------------------------------------------------ speech

TOFUGU_NUMERIC = re.compile(r"[一二三四五六七八九十百千万]|[日月年]$")
TOFUGU_PLACES = ("日本【にほん】", "東京【とうきょう】", "大阪【おおさか】", "京都【きょうと】",
                 "北海道【ほっかいどう】", "九州【きゅうしゅう】", "沖縄【おきなわ】", "富士山【ふじさん】",
                 "中国【ちゅうごく】", "米国【べいこく】", "英国【えいこく】", "東京都【とうきょうと】")
N_WORDS_RANDOM, N_WORDS_NUMERIC = 110, 38


def decode_to_16k(data: bytes):
    """MP3 bytes → mono float32 samples at 16 kHz (the project's PyAV decoder and soxr)."""
    sys.path.insert(0, str(ROOT))
    from redactor.audio.decode import decode_file
    from redactor.audio.resample import to_16k

    audio = decode_file(io.BytesIO(data), name="clip")
    mono = audio.samples.mean(axis=0)
    return to_16k(mono, audio.sample_rate)


def build_speech(repo: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from redactor.audio.wav import write_wav

    listing = subprocess.run(
        ["git", "-C", str(repo), "-c", "core.quotepath=off", "ls-tree", "-r", "--name-only",
         TOFUGU_COMMIT, "lib/mp3"], check=True, capture_output=True, text=True).stdout.split("\n")
    entries = []
    for path in filter(None, listing):
        m = re.fullmatch(r"lib/mp3/([^【】〜~]+)【([ぁ-ゖー]+)】\.mp3", path)
        if m:  # skips suffix items such as 〜軒【けん】 (the 〜 is not spoken)
            entries.append((path, m.group(1), m.group(2)))
    entries.sort(key=lambda e: rank(e[0]))
    places = [e for e in entries if f"{e[1]}【{e[2]}】" in TOFUGU_PLACES]
    numeric = [e for e in entries if TOFUGU_NUMERIC.search(e[1]) and e not in places][:N_WORDS_NUMERIC]
    rest = [e for e in entries if e not in places and e not in numeric][:N_WORDS_RANDOM]
    chosen = sorted(places + numeric + rest, key=lambda e: rank(e[0]))
    audio_dir = HERE / "speech" / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    refs = []
    total = 0.0
    for k, (path, word, reading) in enumerate(chosen):
        clip_id = f"tofugu-{k:03d}"
        samples = decode_to_16k(git_show(repo, TOFUGU_COMMIT, path))
        write_wav(audio_dir / f"{clip_id}.wav", samples[None, :], 16000)
        total += samples.size / 16000
        refs.append({
            "id": clip_id,
            "audio": f"audio/{clip_id}.wav",
            "text": word,
            "reading": reading,
            "style": "isolated word (vocabulary pronunciation)",
            "group": "place" if (path, word, reading) in places else
                     "numeric" if (path, word, reading) in numeric else "random",
            "source": f"tofugu/japanese-vocabulary-pronunciation-audio@{TOFUGU_COMMIT[:12]} {path}",
            "licence": "CC BY-SA 4.0",
            "attribution": "Tofugu (https://www.tofugu.com) and WaniKani (https://www.wanikani.com)",
            "persons": [],
            "phones": [],
        })
    with (HERE / "speech" / "references.jsonl").open("w", encoding="utf-8") as f:
        for r in refs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"speech: {len(refs)} clips, {total:.0f} s ({len(places)} place names, "
          f"{len(numeric)} numeric/date words, {len(rest)} random words)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ner", type=Path, help="clone of stockmarkteam/ner-wikipedia-dataset")
    ap.add_argument("--tofugu", type=Path, help="clone of tofugu/japanese-vocabulary-pronunciation-audio")
    args = ap.parse_args()
    if args.ner:
        build_text(args.ner)
    if args.tofugu:
        build_speech(args.tofugu)


if __name__ == "__main__":
    main()
