#!/usr/bin/env python3
"""Rebuild the real evaluation sets in this folder from their upstream snapshots (provenance).

This script documents, and makes repeatable, how ``text_persons.jsonl``,
``text_persons_more.jsonl``, ``text_persons_dev3.jsonl`` and ``speech/`` were selected.  It is
not run by the benchmark; it needs local git clones of the sources:

- ``--ner``: a clone of github.com/stockmarkteam/ner-wikipedia-dataset (commit
  5e525c2132c0e87cce890b8b92639a0cf357c1f3; ``ner.json`` version 2.0, CC BY-SA 3.0).
- ``--tofugu``: a clone of github.com/tofugu/japanese-vocabulary-pronunciation-audio (commit
  9725e0e7d628ab616e8b14e126d3daa33eba8d36, CC BY-SA 4.0).
- ``--sentences``: a folder holding clones of the four repositories of ``SENTENCE_SOURCES``
  (sentence-level speech: Common Voice, LibriVox, FLEURS clips kept in public repositories).

Files are read from the git objects of the pinned commit (``git show COMMIT:path``), so a bare
clone is enough.  Selection is deterministic: items are ranked by the SHA-1 of their id.

Usage::

    python benchmarks/real/build_real_sets.py --ner /path/to/ner-wikipedia-dataset \
        --tofugu /path/to/japanese-vocabulary-pronunciation-audio --sentences /path/to/clones
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
    """MP3 or WAV bytes → mono float32 samples at 16 kHz (the project's PyAV decoder and soxr)."""
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
    write_references(refs, replace="word")
    print(f"speech: {len(refs)} clips, {total:.0f} s ({len(places)} place names, "
          f"{len(numeric)} numeric/date words, {len(rest)} random words)")


# Sentence-level speech (#10 round 22): real people reading sentences, gathered from the few
# public repositories that carry such clips with their transcripts under a licence that allows
# redistribution (benchmarks/real/README.md lists what else was looked for).  Each source: the
# repository, its pinned commit, the licence and attribution, the speaking style, and its clips.
SENTENCE_SOURCES = (
    {
        "repo": "baikaishui-ks/beatrice-trainer",
        "commit": "79c3b5784e08887d980a9d49e31a035b69f118ff",
        "licence": "CC0 1.0 (Common Voice)",
        "attribution": "Mozilla Common Voice contributors (ja); sentences from Aozora Bunko works in the "
                       "public domain; the subset as kept in baikaishui-ks/beatrice-trainer assets/test",
        "style": "read sentence (Common Voice, crowd-sourced speakers)",
        "transcripts": "assets/README.md",
        "clips": [f"assets/test/common_voice_ja_{n}_16k.wav" for n in (
            38833628, 38843402, 38852485, 38853932, 38864552, 38878413, 38898180, 38925334)],
    },
    {
        "repo": "shuheikatoinfo/UtterTune",
        "commit": "4f950aefebe2b0da7df7476bda14de018ecd5f1e",
        "licence": "CC0 1.0 (Common Voice; identified by the clip ids in the file names)",
        "attribution": "Mozilla Common Voice contributors (ja); as kept in shuheikatoinfo/UtterTune prompts/",
        "style": "read sentence (Common Voice, crowd-sourced speakers)",
        "transcripts": "prompts/trans/{stem}.txt",
        "clips": [f"prompts/wav/common_voice_ja_{n}.wav" for n in (36360364, 41758953, 41776640)],
    },
    {
        "repo": "kaiidams/Kokoro-Speech-Dataset",
        "commit": "0c03174b9d7d90aa1da03a21dba93eb6059278f6",
        "licence": "public domain (LibriVox recordings of public-domain texts)",
        "attribution": "LibriVox volunteers; Kokoro Speech Dataset by Katsuya Iida (kaiidams), gh-pages samples",
        "style": "audiobook (LibriVox, one reader)",
        "transcripts": "samples.html",
        "clips": [f"{stem}.wav" for stem in (
            "inakakyoshi-by-katai-tayama-04444", "kokoro-by-soseki-natsume-02359",
            "kusamakura-by-soseki-natsume-02836", "meian-by-soseki-natsume-02997",
            "nowaki-by-soseki-natsume-01782")],
    },
    {
        "repo": "victorchentw/WhisperSTT",
        "commit": "eb374d6401279858cd0ee508ad396707634611c5",
        "licence": "CC BY 4.0 (Google FLEURS)",
        "attribution": "Google FLEURS (ja_jp, sample 1837), Conneau et al. 2022, CC BY 4.0; as kept in "
                       "victorchentw/WhisperSTT WhisperiOS/Models/benchmark-clips",
        "style": "read sentence (FLEURS)",
        "transcripts": "{dir}/{stem}.txt",
        "clips": ["WhisperiOS/Models/benchmark-clips/fleurs_ja_1837_clip4.wav"],
    },
)
# The persons each reference names (our annotation of the sources' transcripts: characters of the
# stories read).  Every other sentence names nobody and holds no number a caller could own.
SENTENCE_PERSONS = {
    "cv-38864552": ["ヘンゼル"],
    "cv-38898180": ["Ｋ", "フリーダ"],
    "cv-41758953": ["メロス"],
}


def _mirror(root: Path, repo: str) -> Path:
    """A bare clone of ``owner/name`` under ``root``: ``owner+name`` or ``owner+name/repo``."""
    base = root / repo.replace("/", "+")
    return base / "repo" if (base / "repo").exists() else base


def _transcript(repo: Path, src: dict, clip: str) -> str:
    """The source's own transcript of one clip, as plain text."""
    path = Path(clip)
    where = src["transcripts"].format(stem=path.stem, dir=path.parent.as_posix())
    text = git_show(repo, src["commit"], where).decode("utf-8")
    if where.endswith(".txt"):
        return text.strip()
    if where.endswith("README.md"):  # "* common_voice_ja_ID" then its sentence quoted on the next line
        cv_id = re.search(r"common_voice_ja_\d+", path.stem).group(0)
        return re.search(rf"\* {cv_id}\n\s*\* \"(.+?)\"\n", text).group(1)
    # samples.html: each <audio src="clip"> is followed by its words, separated by spaces
    after = text.split(f'src="{path.name}"', 1)[1]
    words = re.search(r"</audio>\s*(?:<br>\s*)?([^<]+)", after).group(1)
    return re.sub(r"\s+", "", words)


def clip_id(clip: str) -> str:
    stem = Path(clip).stem
    if m := re.search(r"common_voice_ja_(\d+)", stem):
        return f"cv-{m.group(1)}"
    if m := re.search(r"fleurs_ja_(\d+)", stem):
        return f"fleurs-{m.group(1)}"
    return "librivox-" + stem.replace("-by-", "-")


def build_sentences(root: Path) -> list[dict]:
    """The sentence clips of SENTENCE_SOURCES, decoded to 16-kHz mono PCM16 WAV under speech/audio."""
    sys.path.insert(0, str(ROOT))
    from redactor.audio.wav import write_wav

    audio_dir = HERE / "speech" / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    refs = []
    total = 0.0
    for src in SENTENCE_SOURCES:
        repo = _mirror(root, src["repo"])
        for clip in src["clips"]:
            cid = clip_id(clip)
            samples = decode_to_16k(git_show(repo, src["commit"], clip))
            write_wav(audio_dir / f"{cid}.wav", samples[None, :], 16000)
            total += samples.size / 16000
            refs.append({
                "id": cid,
                "audio": f"audio/{cid}.wav",
                "text": _transcript(repo, src, clip),
                "style": src["style"],
                "group": "sentence",
                "source": f"{src['repo']}@{src['commit'][:12]} {clip}",
                "licence": src["licence"],
                "attribution": src["attribution"],
                "persons": SENTENCE_PERSONS.get(cid, []),
                "phones": [],
            })
    print(f"speech sentences: {len(refs)} clips, {total:.0f} s from {len(SENTENCE_SOURCES)} repositories")
    return refs


def write_references(refs: list[dict], replace: str) -> None:
    """Write ``refs`` into speech/references.jsonl in place of the lines whose group is (not)
    ``replace``: ``"sentence"`` replaces the sentence clips, ``"word"`` the word clips."""
    path = HERE / "speech" / "references.jsonl"
    old = [json.loads(line) for line in path.open(encoding="utf-8")] if path.exists() else []
    keep = [r for r in old if (r.get("group") == "sentence") != (replace == "sentence")]
    words = [r for r in keep + refs if r.get("group") != "sentence"]
    sentences = [r for r in keep + refs if r.get("group") == "sentence"]
    with path.open("w", encoding="utf-8") as f:
        for r in words + sentences:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ner", type=Path, help="clone of stockmarkteam/ner-wikipedia-dataset")
    ap.add_argument("--tofugu", type=Path, help="clone of tofugu/japanese-vocabulary-pronunciation-audio")
    ap.add_argument("--sentences", type=Path,
                    help="folder of bare clones named owner+name (or owner+name/repo) of SENTENCE_SOURCES")
    args = ap.parse_args()
    if args.ner:
        build_text(args.ner)
    if args.tofugu:
        build_speech(args.tofugu)
    if args.sentences:
        write_references(build_sentences(args.sentences), replace="sentence")


if __name__ == "__main__":
    main()
