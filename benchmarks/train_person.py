"""Train the PERSON candidate scorer (``redactor/pii/person_model.json``) and cross-validate it.

    .venv/bin/python benchmarks/train_person.py --cv        # k-fold figures: rules vs scorer
    .venv/bin/python benchmarks/train_person.py --write     # CV threshold, train on all, write the model
    .venv/bin/python benchmarks/train_person.py --check     # retrain and compare with the shipped file

    .venv/bin/python benchmarks/train_person.py --holdout dev3   # CV without dev3, then score dev3

Training data (studied material only; the check halves are never read here):
  dev, dev2   the even lines of ``benchmarks/real/text_persons.jsonl`` and ``text_persons_more.jsonl``
              (Wikipedia sentences with gold persons, CC BY-SA 3.0; see ``benchmarks/real/README.md``)
  dev3        every line of ``benchmarks/real/text_persons_dev3.jsonl`` (a development-only set)
  calls       the development call corpus ``samples/pii_dev.jsonl`` (its PERSON spans), so that
              call-centre phrasing keeps its recall.
Each text is parsed as the redactor parses it (normalised, digits as 0, GiNZA through Presidio's
engine); every candidate the rules weigh (``person_evidence.weigh``) whose verdict is not final
is a row, labelled positive when it overlaps a gold person.

Cross-validation: K folds by sentence (a hash of its id).  For each fold a model trained on the
others decides the held-out candidates, and the held-out sentences' PERSON spans are made exactly
as the recognizer makes them (``person_spans`` with the cascades: list members, repeated
surnames; plus ``phrased_names``).  Span recall (a gold person ≥ 90 % covered by PERSON spans,
as ``accuracy_real.py``) and PERSON character precision are pooled, next to the rules alone.
The thresholds (``keep`` for what the rules accept, ``accept`` for what they reject) are the pair
of ``KEEPS`` x ``ACCEPTS`` with the most pooled real-text span recall whose PERSON character
precision is no lower than the rules' on the real text and on the call corpus (``choose``).

Reproducible bit for bit: liblinear, fixed seed, weights rounded to 7 significant digits.
scikit-learn is needed here only (the ``train`` extra); the shipped model needs numpy alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_common import write_or_check  # noqa: E402

from redactor.pii.person_model import MODEL_PATH, PersonModel, digest  # noqa: E402
from redactor.pii.recognizers.person import phrased_names  # noqa: E402
from redactor.pii.recognizers.person_evidence import Verdict, person_spans, rules_only, weigh  # noqa: E402
from redactor.pii.recognizers.person_features import features  # noqa: E402

REAL = ROOT / "benchmarks" / "real"
# name -> (file, step): dev and dev2 are the even lines of their sets, dev3 is all of its set
TEXT_SETS = {"dev": (REAL / "text_persons.jsonl", 2), "dev2": (REAL / "text_persons_more.jsonl", 2),
             "dev3": (REAL / "text_persons_dev3.jsonl", 1)}
CALLS = ROOT / "samples" / "pii_dev.jsonl"
K = 5
C = 0.3  # inverse regularisation (chosen by --cv among 0.1, 0.3, 1)
MIN_DF = 3  # a feature must occur in three training rows
# Thresholds on the decision value: ``keep`` for candidates the rules accept, ``accept`` for the
# ones they reject (``PersonModel``); NEVER: the rules' verdict stands on that side.
NEVER = 99.0
KEEPS = (-NEVER, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0)
ACCEPTS = (-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, NEVER)
COVER = 0.9
DIGITS = 7
_DIGIT = re.compile(r"[0-9]")


@dataclass(slots=True)
class Text:
    """One parsed text with its gold persons (in the analysed text's offsets) and its candidates."""

    set: str
    id: str
    fold: int
    length: int
    gold: list[tuple[int, int]]
    doc: object  # spaCy Doc
    verdicts: list[Verdict]
    phrased: list[tuple[int, int, float]]
    rows: list[tuple[int, frozenset[str], int]] = field(default_factory=list)  # (verdict index, features, label)


def load_texts() -> list[tuple[str, str, str, list[tuple[int, int]]]]:
    """(set, id, text, gold persons) of the studied halves and the call corpus."""
    out = []
    for name, (path, step) in TEXT_SETS.items():
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        out += [(name, r["id"], r["text"], [tuple(p) for p in r["persons"]]) for r in lines[0::step]]
    for line in CALLS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(("calls", r["id"], r["text"],
                        [(e["start"], e["end"]) for e in r["entities"] if e["type"] == "PERSON"]))
    return out


def fold_of(text_id: str) -> int:
    return int(hashlib.sha256(text_id.encode()).hexdigest(), 16) % K


def parse_all(items) -> list[Text]:
    """Each text parsed as ``Redactor._analyze_chunk`` parses it; gold mapped to the analysed text."""
    from redactor.pii.analyzer import build_nlp_engine
    from redactor.pii.catalogue import LANGUAGE
    from redactor.pii.normalize import normalize

    engine = build_nlp_engine()
    texts = []
    for name, text_id, text, gold in items:
        normalized = normalize(text)
        doc = engine.process_text(_DIGIT.sub("0", normalized.text), LANGUAGE).tokens
        # gold in the analysed (normalised) text's offsets: the characters mapping into it
        inside = [(a, b) for a, b in (_to_normalized(normalized, s, e) for s, e in gold) if b > a]
        verdicts = weigh(doc, open_words=True)
        t = Text(name, text_id, fold_of(text_id), len(normalized.text), inside, doc, verdicts,
                 phrased_names(normalized.text, list(doc)))
        for i, v in enumerate(verdicts):
            if v.final:
                continue
            a, b = doc[v.start].idx, doc[v.end - 1].idx + len(doc[v.end - 1].text)
            label = int(any(a < y and x < b for x, y in inside))
            t.rows.append((i, frozenset(features(doc, v, verdicts)), label))
        texts.append(t)
    return texts


def _to_normalized(normalized, start: int, end: int) -> tuple[int, int]:
    """The normalised-text range whose characters come from ``[start, end)`` of the original."""
    positions = [i for i in range(len(normalized.text)) if start <= normalized.to_original(i, i + 1)[0] < end]
    return (positions[0], positions[-1] + 1) if positions else (0, 0)


def train(rows: Sequence[tuple[frozenset[str], int]], c: float = C, keep: float = 0.0,
          accept: float = 0.0) -> PersonModel:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for found, _ in rows:
        for f in found:
            counts[f] = counts.get(f, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_DF)
    index = {f: i for i, f in enumerate(vocabulary)}
    cols, ptr = [], [0]
    for found, _ in rows:
        cols += sorted(index[f] for f in found if f in index)
        ptr.append(len(cols))
    x = csr_matrix((np.ones(len(cols)), np.array(cols, dtype=np.int64), np.array(ptr)),
                   shape=(len(rows), len(vocabulary)))
    y = np.array([label for _, label in rows])
    fit = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000)
    fit.fit(x, y)
    return PersonModel.build(vocabulary, [_round(w) for w in fit.coef_[0]], _round(fit.intercept_[0]), keep, accept)


def _round(x: float) -> float:
    return float(f"{x:.{DIGITS}g}")


def rows_of(texts: Sequence[Text]) -> list[tuple[frozenset[str], int]]:
    return [(found, label) for t in texts for _, found, label in t.rows]


Decider = Callable[[object, Verdict, list[Verdict]], bool]


def spans_of(t: Text, decide: Decider) -> list[tuple[int, int]]:
    """The PERSON spans the recognizer would return for ``t`` under ``decide``."""
    return [(a, b) for a, b, _ in person_spans(t.doc, decide, t.verdicts) + t.phrased]


Extra = Callable[[Text, list[tuple[int, int]]], list[tuple[int, int]]]


def score(texts: Sequence[Text], decide_of: Callable[[Text], Decider],
          extra: Extra | None = None) -> dict[str, float | int]:
    """Span recall (≥ 90 % covered) and PERSON character precision over ``texts`` (``extra``: spans
    another model adds to the recognizer's, given them; ``train_person_tagger.py``)."""
    persons = found = masked = right = 0
    for t in texts:
        mask = np.zeros(t.length, bool)
        spans = spans_of(t, decide_of(t))
        for a, b in spans + (extra(t, spans) if extra else []):
            mask[a:b] = True
        gold = np.zeros(t.length, bool)
        for a, b in t.gold:
            gold[a:b] = True
            persons += 1
            found += mask[a:b].mean() >= COVER
        masked += int(mask.sum())
        right += int((mask & gold).sum())
    return {"persons": persons, "found": int(found), "recall": found / persons if persons else 0.0,
            "masked_chars": masked, "precision": right / masked if masked else 1.0}


def by_values(t: Text, values: dict[int, float], keep: float, accept: float) -> Decider:
    """A decider from precomputed decision values (verdict index → value), as ``PersonModel.decide``."""
    position = {id(v): i for i, v in enumerate(t.verdicts)}
    rule = PersonModel.build((), (), 0.0, keep, accept)
    return lambda doc, v, verdicts: rule.passes(values[position[id(v)]], v)


def cross_validate(texts: Sequence[Text], c: float) -> dict[int, dict[int, float]]:
    """Left-out decision values: per text (its index) per verdict index."""
    values: dict[int, dict[int, float]] = {}
    for k in range(K):
        model = train(rows_of([t for t in texts if t.fold != k]), c)
        for n, t in enumerate(texts):
            if t.fold == k:
                values[n] = {i: model.value(found) for i, found, _ in t.rows}
    return values


GROUPS = {"dev": ["dev"], "dev2": ["dev2"], "dev3": ["dev3"], "real": ["dev", "dev2", "dev3"],
          "calls": ["calls"]}


def sweep(texts: Sequence[Text], values: dict[int, dict[int, float]], names: Sequence[str] = ("real", "calls"),
          pairs: Sequence[tuple[float, float]] | None = None) -> dict:
    """Rules vs the left-out scorer at every (keep, accept) pair, per group of sets."""
    index = {id(t): n for n, t in enumerate(texts)}
    out: dict = {"rules": {}, "scorer": {}}
    for name in names:
        chosen = [t for t in texts if t.set in GROUPS[name]]
        out["rules"][name] = score(chosen, lambda t: rules_only)
        out["scorer"][name] = {
            f"{keep:g}/{accept:g}": score(chosen, lambda t, k=keep, a=accept: by_values(t, values[index[id(t)]], k, a))
            for keep, accept in (pairs or [(k, a) for k in KEEPS for a in ACCEPTS])}
    return out


def choose(figures: dict) -> tuple[float, float]:
    """The (keep, accept) pair with the most real-text span recall whose PERSON precision is at
    least the rules' on the real text and on the call corpus, and whose call recall is the
    rules' (within 0.5 point); among equals, the higher precision.  The rules' own pair
    (never overturn) always qualifies."""
    rules_real, rules_calls = figures["rules"]["real"], figures["rules"]["calls"]
    best, best_key = (-NEVER, NEVER), (-1.0, -1.0)
    for pair, real in figures["scorer"]["real"].items():
        calls = figures["scorer"]["calls"][pair]
        key = (real["recall"], real["precision"])
        if (real["precision"] >= rules_real["precision"] and calls["precision"] >= rules_calls["precision"]
                and calls["recall"] >= rules_calls["recall"] - 0.005 and key > best_key):
            keep, accept = (float(x) for x in pair.split("/"))
            best, best_key = (keep, accept), key
    return best


def held_out(texts: Sequence[Text], name: str, c: float) -> None:
    """Thresholds chosen by CV without set ``name``, a model trained on all the others; then the
    rules and that model on ``name``, which neither the model nor its thresholds have seen."""
    training = [t for t in texts if t.set != name]
    held = [t for t in texts if t.set == name]
    keep, accept = choose(sweep(training, cross_validate(training, c)))
    model = train(rows_of(training), c)
    values = {n: {i: model.value(found) for i, found, _ in t.rows} for n, t in enumerate(held)}
    print_cv(sweep(held, values, [name], [(keep, accept)]), (keep, accept))


def print_cv(figures: dict, chosen: tuple[float, float]) -> None:
    def cell(f: dict) -> str:
        return f"R {f['recall']:.3f} ({f['found']}/{f['persons']})  P {f['precision']:.3f}"

    key = f"{chosen[0]:g}/{chosen[1]:g}"
    for name, rules in figures["rules"].items():
        print(f"{name:<6} rules        {cell(rules)}")
        for pair, f in figures["scorer"][name].items():
            mark = " <" if pair == key else ""
            print(f"{name:<6} {pair:>12} {cell(f)}{mark}")


def data_hashes() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (*(path for path, _ in TEXT_SETS.values()), CALLS)}


def serialise(model: PersonModel, training: dict) -> str:
    payload = model.to_json(training)
    payload["training"]["model_sha256"] = digest(payload)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cv", action="store_true", help="print the k-fold figures")
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation (default %(default)s)")
    parser.add_argument("--write", action="store_true", help=f"train on all and write {MODEL_PATH.name}")
    parser.add_argument("--check", action="store_true", help="retrain and compare with the shipped file")
    parser.add_argument("--holdout", choices=tuple(TEXT_SETS),
                        help="choose and train without this set, then score it (rules vs scorer)")
    parser.add_argument("--json", type=Path, help="write the cross-validated figures here as JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    texts = parse_all(load_texts())
    rows = rows_of(texts)
    print(f"parsed {len(texts)} texts, {len(rows)} candidate rows ({sum(y for _, y in rows)} positive) "
          f"in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.holdout:
        held_out(texts, args.holdout, args.c)
        if not (args.cv or args.write or args.check or args.json):
            return 0
    values = cross_validate(texts, args.c)
    figures = sweep(texts, values)
    keep, accept = choose(figures)
    # every group at the chosen pair (dev and dev2 apart too), for the report
    chosen = sweep(texts, values, tuple(GROUPS), [(keep, accept)])
    figures["chosen"] = {"keep": keep, "accept": accept, "rules": chosen["rules"],
                         "scorer": {name: next(iter(f.values())) for name, f in chosen["scorer"].items()}}
    if args.cv:
        print_cv(figures, (keep, accept))
        print_cv(chosen, (keep, accept))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if args.write or args.check:
        training = {"command": "benchmarks/train_person.py --write", "data_sha256": data_hashes(), "c": args.c,
                    "min_df": MIN_DF, "folds": K, "rows": len(rows),
                    "cv": figures["chosen"]}
        text = serialise(train(rows, args.c, keep, accept), training)
        return write_or_check(MODEL_PATH, text, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
