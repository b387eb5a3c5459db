"""Warning quality: per-kind precision/recall and false alarms on labelled dialogues.

Each dialogue of ``samples/warnings_dev.jsonl`` goes through ``redactor text``'s own loop
(``redactor.text_command.run``: the real Redactor, call contexts and warning engine), so the
figures are those a user of ``redactor text`` gets.  A warning counts as correct when it
fires on the turn labelled with its kind.  A dialogue is *negative* for a kind when no turn
expects it; a false alarm is a negative dialogue where the kind fires anyway.

    .venv/bin/python benchmarks/warnings.py [--data FILE] [--json] [--cost] [--rules-only]

The engine's trained speech-act model (``redactor/policy/act_model.py``) is on, as in the product;
``--rules-only`` runs the rules alone, for a before/after on the same set.  Figures of the model on
sets it was not trained on come from ``benchmarks/train_acts.py --cv`` (leave-one-set-out).

Security-code convention (a scoring rule, not a rule of the engine): the engine raises only
``card_security_code`` when a security code is asked for or said (docs/events.md: one act, one
warning, the more specific one).  The old held-out set's author labels such a turn
``unneeded_pii`` or ``agent_requests_unneeded`` as well (or instead); the blind sets' authors
label ``card_security_code`` only.  So a ``card_security_code`` fired on a turn labelled
``unneeded_pii``/``agent_requests_unneeded`` counts as that label: a hit for it, and not an
unexpected ``card_security_code`` when the turn does not label one.  How often this applied is
printed (``convention``).

``--cost`` also times, per utterance, what the parse-based rules add to a turn: copying
GiNZA's parse out of the analyzer (``snapshot``) and the warning engine's ``observe`` with
and without the parse (medians over 5 passes of every turn).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redactor.policy.catalogue import KINDS  # noqa: E402
from redactor.text_command import run  # noqa: E402

DEFAULT_DATA = ROOT / "samples" / "warnings_dev.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fired_per_turn(dialogues: list[dict], engine) -> dict[str, list[str]]:
    """Kinds fired per turn id (``dialogue/turn``), through ``redactor text``'s loop."""
    lines = [json.dumps({"id": f"{d['id']}/{i}", "call_id": d["id"], "policy": d["policy"],
                         "speaker": turn["speaker"], "text": turn["text"]}, ensure_ascii=False)
             for d in dialogues for i, turn in enumerate(d["turns"])]
    out, err = io.StringIO(), io.StringIO()
    run(io.BytesIO(("\n".join(lines) + "\n").encode()), out, err, engine, "general_support")
    if err.getvalue():
        raise SystemExit(f"redactor text reported errors:\n{err.getvalue()}")
    return {record["id"]: [w["kind"] for w in record["warnings"]]
            for record in map(json.loads, out.getvalue().splitlines())}


# Labels a fired card_security_code stands for (see the module doc).
SECURITY_CODE_STANDS_FOR = ("unneeded_pii", "agent_requests_unneeded")


def apply_convention(got: set[str], want: set[str]) -> tuple[set[str], list[str]]:
    """``got`` as scored: a card_security_code on a turn labelled unneeded_pii or
    agent_requests_unneeded stands for that label; also returns the labels it stood for."""
    if "card_security_code" not in got:
        return got, []
    stands_for = [k for k in SECURITY_CODE_STANDS_FOR if k in want and k not in got]
    if not stands_for:
        return got, []
    scored = got | set(stands_for)
    if "card_security_code" not in want:
        scored.discard("card_security_code")
    return scored, stands_for


def score(dialogues: list[dict], fired: dict[str, list[str]]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    negatives, false_alarms = Counter(), Counter()
    misses: list[str] = []
    convention: list[str] = []
    for d in dialogues:
        expected_kinds = {k for turn in d["turns"] for k in turn["expect"]}
        fired_kinds: set[str] = set()
        for i, turn in enumerate(d["turns"]):
            want = set(turn["expect"])
            got, stood_for = apply_convention(set(fired[f"{d['id']}/{i}"]), want)
            convention += [f"{d['id']}/{i} card_security_code counted as {k}" for k in stood_for]
            fired_kinds |= got
            for kind in got & want:
                tp[kind] += 1
            for kind in got - want:
                fp[kind] += 1
                misses.append(f"{d['id']}/{i} unexpected {kind}")
            for kind in want - got:
                fn[kind] += 1
                misses.append(f"{d['id']}/{i} missed {kind}")
        for kind in KINDS:
            if kind not in expected_kinds:
                negatives[kind] += 1
                false_alarms[kind] += kind in fired_kinds
    kinds = {}
    for kind in KINDS:
        kinds[kind] = {
            "tp": tp[kind], "fp": fp[kind], "fn": fn[kind],
            "precision": round(tp[kind] / (tp[kind] + fp[kind]), 3) if tp[kind] + fp[kind] else None,
            "recall": round(tp[kind] / (tp[kind] + fn[kind]), 3) if tp[kind] + fn[kind] else None,
            "negative_dialogues": negatives[kind],
            "false_alarm_dialogues": false_alarms[kind],
            "false_alarm_rate": round(false_alarms[kind] / negatives[kind], 3) if negatives[kind] else None,
        }
    return {"dialogues": len(dialogues), "turns": sum(len(d["turns"]) for d in dialogues),
            "kinds": kinds, "errors": misses, "convention": convention}


def cost(dialogues: list[dict], engine) -> dict[str, float]:
    """Median microseconds per utterance: parse copy, observe with the parse, observe without, and
    the act model's share (its features and decision; ``normalize`` included, which observe shares)."""
    from statistics import median

    from redactor.pii.normalize import normalize
    from redactor.policy.act_model import ActTurn
    from redactor.policy.parse import snapshot

    nlp = engine.redactor.nlp
    turns = [(t["speaker"], t["text"]) for d in dialogues for t in d["turns"]]
    prepared = [(speaker, text, engine.redactor.redact(text), nlp(text)) for speaker, text in turns]
    timings: dict[str, list[float]] = {"snapshot_us": [], "observe_parse_us": [], "observe_text_us": [],
                                       "act_model_us": []}
    model = engine.warnings.act_model
    for _ in range(5):
        for speaker, text, result, doc in prepared:
            started = time.perf_counter()
            snapshot(doc)
            timings["snapshot_us"].append(time.perf_counter() - started)
            for key, parse in (("observe_parse_us", result.parse), ("observe_text_us", ())):
                state = engine.warnings.new_call("cost", "general_support")
                started = time.perf_counter()
                state.observe(text=text, masked=result.text, entities=result.entities, speaker=speaker, parse=parse)
                timings[key].append(time.perf_counter() - started)
            if model is not None:  # what the model adds to a turn: features and one sparse product
                started = time.perf_counter()
                model.decision(ActTurn(normalize(text).text, result.parse, result.parse))
                timings["act_model_us"].append(time.perf_counter() - started)
    return {key: round(median(values) * 1e6, 1) for key, values in timings.items() if values}


def table(result: dict) -> str:
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = [f"{'kind':<24} {'tp':>3} {'fp':>3} {'fn':>3} {'prec':>5} {'recall':>6} {'false alarms':>14}"]
    for kind, k in result["kinds"].items():
        alarms = f"{k['false_alarm_dialogues']}/{k['negative_dialogues']} ({fmt(k['false_alarm_rate'])})"
        rows.append(f"{kind:<24} {k['tp']:>3} {k['fp']:>3} {k['fn']:>3} {fmt(k['precision']):>5} "
                    f"{fmt(k['recall']):>6} {alarms:>14}")
    rows.append(f"{result['dialogues']} dialogues, {result['turns']} turns, {result['seconds']:.1f} s")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--cost", action="store_true", help="also time the parse copy and the rules per utterance")
    parser.add_argument("--rules-only", action="store_true", help="without the trained speech-act model")
    args = parser.parse_args(argv)
    from redactor.engine import build_engine

    dialogues = load(args.data)
    engine = build_engine()
    if args.rules_only:
        engine.warnings.act_model = None
    started = time.perf_counter()
    result = score(dialogues, fired_per_turn(dialogues, engine))
    result["seconds"] = round(time.perf_counter() - started, 2)
    if args.cost:
        result["cost"] = cost(dialogues, engine)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(table(result))
        if args.cost:
            print("per utterance (median µs): " + ", ".join(f"{k} {v}" for k, v in result["cost"].items()))
        print(f"security-code convention applied on {len(result['convention'])} turn(s)")
        for line in result["convention"] + result["errors"]:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
