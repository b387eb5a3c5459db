#!/usr/bin/env python3
"""Detection accuracy on the labelled corpus: our engine against two baselines, same run.

Systems (see ``bench_common.py``): ``ours`` (``Redactor().analyze``), ``ginza`` (GiNZA NER
alone, generous label mapping) and ``presidio`` (stock Presidio recognizers for ``ja`` over
ja_ginza, default entity mapping).

Metrics (F2 = 5·P·R / (4·P + R): recall weighs four times as much as precision, since a
missed value leaks while an extra mask only hides a few harmless characters):

Character level
    A character of an utterance is *gold* if it lies inside any gold span, *predicted* if
    it lies inside any predicted span.  ``overall`` is type-agnostic: TP = gold ∧ predicted,
    P = TP / predicted, R = TP / gold.  Per type T it is type-aware: gold-T characters are
    those inside gold spans of type T, predicted-T characters those inside a predicted span
    that may stand for T (a baseline label mapping to several types counts for each).
    ``mask-R`` per type is the share of gold-T characters inside *any* predicted span,
    whatever its type: what actually gets hidden.

Span level
    A predicted span *matches* a gold span when it may stand for the gold span's type and
    the two overlap by at least 50 % of the gold span's length.  R = gold spans with a
    match / gold spans; P = predicted spans that match some gold span / predicted spans.
    Per type T: R over gold spans of type T, P over predicted spans that may stand for T
    (correct when they match a gold span of type T).

Subsets
    ``spoken/kanji`` recall: character mask-recall and span recall over the gold entities
    whose ``form`` is ``spoken`` or ``kanji`` (digits in kana or kanji numerals).  Recall
    per form (written, fullwidth, kanji, spoken, kana, romaji, whisper, split, asr) is
    printed too.  ``negatives masked``: the share of negative utterances (no gold entity)
    in which the system predicts at least one span.

Usage::

    python benchmarks/accuracy.py                       # all three systems
    python benchmarks/accuracy.py --system ginza --json /tmp/acc.json
    python benchmarks/accuracy.py --system ours --errors 30
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_common import (
    DEFAULT_CORPUS,
    ENTITY_TYPES,
    LOAD_ORDER,
    LOADERS,
    Span,
    System,
    load_corpus,
)

FORMS = ("written", "fullwidth", "kanji", "spoken", "kana", "romaji", "whisper", "split", "asr")
SUBSET_FORMS = frozenset({"spoken", "kanji"})
OVERLAP = 0.5


def f2(p: float | None, r: float | None) -> float | None:
    """F2; None without gold, 0 when nothing was predicted (recall is then 0 too)."""
    if r is None:
        return None
    if p is None or p + r == 0:
        return 0.0
    return 5 * p * r / (4 * p + r)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | None]:
    p = tp / n_pred if n_pred else None
    r = tp / n_gold if n_gold else None
    return {"precision": p, "recall": r, "f2": f2(p, r)}


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass
class Tally:
    """Counts accumulated over the corpus for one system."""

    char_tp: int = 0
    char_pred: int = 0
    char_gold: int = 0
    span_gold: int = 0
    span_gold_hit: int = 0
    span_pred: int = 0
    span_pred_hit: int = 0
    type_char: dict[str, list[int]] = field(default_factory=dict)  # tp, pred, gold, masked
    type_span: dict[str, list[int]] = field(default_factory=dict)  # gold, hit, pred, pred_hit
    form: dict[str, list[int]] = field(default_factory=dict)  # chars, masked, spans, hits
    negatives: int = 0
    negatives_masked: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def covered(spans: Iterable[Span], n: int, want: str | None = None) -> list[bool]:
    mask = [False] * n
    for s in spans:
        if want is None or want in s.types:
            for i in range(max(0, s.start), min(n, s.end)):
                mask[i] = True
    return mask


def score_utterance(t: Tally, row: dict[str, Any], pred: list[Span]) -> None:
    text: str = row["text"]
    n = len(text)
    gold: list[dict[str, Any]] = row["entities"]
    if not gold:
        t.negatives += 1
        if pred:
            t.negatives_masked += 1
    any_pred = covered(pred, n)
    gold_any = [False] * n
    for g in gold:
        for i in range(g["start"], g["end"]):
            gold_any[i] = True
    t.char_gold += sum(gold_any)
    t.char_pred += sum(any_pred)
    t.char_tp += sum(1 for i in range(n) if gold_any[i] and any_pred[i])

    # Per type, character level.
    types_here = {g["type"] for g in gold} | {ty for s in pred for ty in s.types}
    for ty in types_here:
        if ty not in ENTITY_TYPES:
            continue
        g_mask = [False] * n
        for g in gold:
            if g["type"] == ty:
                for i in range(g["start"], g["end"]):
                    g_mask[i] = True
        p_mask = covered(pred, n, ty)
        row_t = t.type_char.setdefault(ty, [0, 0, 0, 0])
        row_t[0] += sum(1 for i in range(n) if g_mask[i] and p_mask[i])
        row_t[1] += sum(p_mask)
        row_t[2] += sum(g_mask)
        row_t[3] += sum(1 for i in range(n) if g_mask[i] and any_pred[i])

    # Span level.
    def matches(p: Span, g: dict[str, Any]) -> bool:
        length = g["end"] - g["start"]
        return (g["type"] in p.types
                and overlap(p.start, p.end, g["start"], g["end"]) >= OVERLAP * length)

    for g in gold:
        hit = any(matches(p, g) for p in pred)
        t.span_gold += 1
        t.span_gold_hit += hit
        row_s = t.type_span.setdefault(g["type"], [0, 0, 0, 0])
        row_s[0] += 1
        row_s[1] += hit
        form = g.get("form", "written")
        row_f = t.form.setdefault(form, [0, 0, 0, 0])
        row_f[0] += g["end"] - g["start"]
        row_f[1] += sum(any_pred[g["start"]:g["end"]])
        row_f[2] += 1
        row_f[3] += hit
        if not hit:
            t.misses.append(f"{row['id']} {g['type']:<20} {text[g['start']:g['end']]!r}"
                            f"  in  {text}")
    for p in pred:
        ok = any(matches(p, g) for g in gold)
        t.span_pred += 1
        t.span_pred_hit += ok
        for ty in p.types:
            if ty in ENTITY_TYPES:
                row_s = t.type_span.setdefault(ty, [0, 0, 0, 0])
                row_s[2] += 1
                row_s[3] += any(matches(p, g) for g in gold if g["type"] == ty)
        if not ok:
            t.false_alarms.append(f"{row['id']} {p.label:<20} {text[p.start:p.end]!r}"
                                  f"  in  {text}")


def summarize(t: Tally, seconds: float) -> dict[str, Any]:
    per_type = {}
    for ty in ENTITY_TYPES:
        tp, pred, gold, masked = t.type_char.get(ty, [0, 0, 0, 0])
        g, hit, p, p_hit = t.type_span.get(ty, [0, 0, 0, 0])
        per_type[ty] = {
            "char": prf(tp, pred, gold) | {"mask_recall": ratio(masked, gold)},
            "span": {"precision": ratio(p_hit, p), "recall": ratio(hit, g),
                     "f2": f2(ratio(p_hit, p), ratio(hit, g))},
            "gold_spans": g,
            "predicted_spans": p,
        }
    per_form = {}
    for form in FORMS:
        chars, masked, spans, hits = t.form.get(form, [0, 0, 0, 0])
        per_form[form] = {"gold_spans": spans, "char_mask_recall": ratio(masked, chars),
                          "span_recall": ratio(hits, spans)}
    sub = [t.form.get(f, [0, 0, 0, 0]) for f in SUBSET_FORMS]
    sub_chars, sub_masked = sum(r[0] for r in sub), sum(r[1] for r in sub)
    sub_spans, sub_hits = sum(r[2] for r in sub), sum(r[3] for r in sub)
    return {
        "char": prf(t.char_tp, t.char_pred, t.char_gold),
        "span": {"precision": ratio(t.span_pred_hit, t.span_pred),
                 "recall": ratio(t.span_gold_hit, t.span_gold),
                 "f2": f2(ratio(t.span_pred_hit, t.span_pred),
                              ratio(t.span_gold_hit, t.span_gold))},
        "spoken_kanji": {"gold_spans": sub_spans, "char_mask_recall": ratio(sub_masked, sub_chars),
                         "span_recall": ratio(sub_hits, sub_spans)},
        "negatives": {"utterances": t.negatives, "masked": t.negatives_masked,
                      "masked_fraction": ratio(t.negatives_masked, t.negatives)},
        "per_type": per_type,
        "per_form": per_form,
        "counts": {"gold_chars": t.char_gold, "pred_chars": t.char_pred,
                   "gold_spans": t.span_gold, "pred_spans": t.span_pred},
        "seconds": round(seconds, 2),
    }


def evaluate(system: System, rows: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], Tally]:
    tally = Tally()
    start = time.perf_counter()
    for row in rows:
        score_utterance(tally, row, system.analyze(row["text"]))
    return summarize(tally, time.perf_counter() - start), tally


# --------------------------------------------------------------------------- printing
def fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:6.1f}"


def print_tables(results: dict[str, dict[str, Any]], titles: dict[str, str]) -> None:
    names = list(results)
    width = 6 * 3 + 2
    print("\nSystems: " + "; ".join(f"{n} = {titles[n]}" for n in names))
    print("All figures in %.\n")
    head = f"{'':<28}" + "".join(f"{n:^{width}}" for n in names)
    sub = f"{'':<28}" + "".join(f"{'P':>6}{'R':>6}{'F2':>6}  " for _ in names)
    print("OVERALL")
    print(head)
    print(sub)
    for key, label in (("char", "characters (any type)"), ("span", "spans (typed, >=50%)")):
        line = f"{label:<28}"
        for n in names:
            m = results[n][key]
            line += f"{fmt(m['precision'])}{fmt(m['recall'])}{fmt(m['f2'])}  "
        print(line)
    print()
    print(f"{'':<28}" + "".join(f"{n:>{width}}" for n in names))
    rows = (
        ("spoken/kanji char mask-R", lambda r: r["spoken_kanji"]["char_mask_recall"]),
        ("spoken/kanji span R", lambda r: r["spoken_kanji"]["span_recall"]),
        ("negatives masked", lambda r: r["negatives"]["masked_fraction"]),
    )
    for label, get in rows:
        print(f"{label:<28}" + "".join(f"{fmt(get(results[n])):>{width}}" for n in names))

    for key, title in (("char", "PER TYPE, CHARACTER LEVEL (type-aware)"),
                       ("span", "PER TYPE, SPAN LEVEL (typed, overlap >= 50% of gold)")):
        print(f"\n{title}")
        print(head)
        print(sub)
        for ty in ENTITY_TYPES:
            n_gold = results[names[0]]["per_type"][ty]["gold_spans"]
            line = f"{ty:<22}{n_gold:>5}{'':1}"
            for n in names:
                m = results[n]["per_type"][ty][key]
                line += f"{fmt(m['precision'])}{fmt(m['recall'])}{fmt(m['f2'])}  "
            print(line)

    print("\nPER TYPE, MASK RECALL (gold characters inside any predicted span)")
    print(f"{'':<28}" + "".join(f"{n:>8}" for n in names))
    for ty in ENTITY_TYPES:
        print(f"{ty:<28}" + "".join(
            f"{fmt(results[n]['per_type'][ty]['char']['mask_recall']):>8}" for n in names))

    print("\nRECALL PER SURFACE FORM (char mask-R / span R)")
    print(f"{'form':<12}{'spans':>6}" + "".join(f"{n:>16}" for n in names))
    for form in FORMS:
        n_spans = results[names[0]]["per_form"][form]["gold_spans"]
        if not n_spans:
            continue
        cells = "".join(
            f"{fmt(results[n]['per_form'][form]['char_mask_recall'])} /"
            f"{fmt(results[n]['per_form'][form]['span_recall'])} " for n in names)
        print(f"{form:<12}{n_spans:>6}{cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--system", choices=(*LOADERS, "all"), default="all")
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    parser.add_argument("--limit", type=int, help="only the first N utterances")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="list up to N missed gold spans and N false alarms per system")
    args = parser.parse_args(argv)

    rows = load_corpus(args.corpus, args.limit)
    names = list(LOADERS) if args.system == "all" else [args.system]
    results: dict[str, dict[str, Any]] = {}
    titles: dict[str, str] = {}
    failed: dict[str, str] = {}
    # Load every system before measuring any (Presidio resolves predefined recognizers by
    # class name among loaded subclasses, so ours carry a Jp prefix to stay distinct).
    systems: dict[str, System] = {}
    load_seconds: dict[str, float] = {}
    for name in sorted(names, key=LOAD_ORDER.index):
        try:
            t0 = time.perf_counter()
            systems[name] = LOADERS[name]()
            load_seconds[name] = time.perf_counter() - t0
        except Exception as exc:  # a system that cannot load is reported, the others still run
            failed[name] = f"{type(exc).__name__}: {exc}"
            print(f"[{name}] unavailable: {failed[name]}", file=sys.stderr)
    for name in names:
        if name not in systems:
            continue
        system = systems[name]
        try:
            summary, tally = evaluate(system, rows)
        except Exception as exc:
            failed[name] = f"{type(exc).__name__}: {exc}"
            print(f"[{name}] failed: {failed[name]}", file=sys.stderr)
            continue
        summary["load_seconds"] = round(load_seconds[name], 2)
        results[name] = summary
        titles[name] = system.title
        print(f"[{name}] {len(rows)} utterances in {summary['seconds']} s "
              f"(load {summary['load_seconds']} s)", file=sys.stderr)
        if args.errors:
            print(f"\n--- {name}: missed gold spans ({len(tally.misses)}) ---")
            print("\n".join(tally.misses[:args.errors]))
            print(f"\n--- {name}: predicted spans matching no gold ({len(tally.false_alarms)}) ---")
            print("\n".join(tally.false_alarms[:args.errors]))

    n_pos = sum(1 for r in rows if r["entities"])
    print(f"\nCorpus: {args.corpus} — {len(rows)} utterances ({n_pos} with PII, "
          f"{len(rows) - n_pos} negative), "
          f"{sum(len(r['entities']) for r in rows)} gold spans")
    if results:
        print_tables(results, titles)
    if args.json:
        payload = {"corpus": str(args.corpus), "utterances": len(rows),
                   "definitions": {"f2": "5PR/(4P+R)", "span_match_overlap": OVERLAP},
                   "systems": {n: {"title": titles[n], **results[n]} for n in results},
                   "failed": failed}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
