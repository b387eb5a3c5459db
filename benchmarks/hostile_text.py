"""Hostile input for ``redactor text``: malformed lines through the real console script.

    python benchmarks/hostile_text.py [--lines 1200] [--seed 11] [--dense]

Generates ``--lines`` malformed lines (every class tests/test_hostile_text.py names, with
random sizes and contents: overlong, deeply nested, lone surrogates, broken UTF-8, wrong
types per field, NUL bytes, U+2028, bad numbers, truncated JSON, unknown policies), mixed
with good lines, and feeds them to ``redactor text``.  Prints: lines sent, output lines,
good lines that came out right, internal errors (tracebacks or "internal error" lines on
stderr, which must be 0), whether any input leaked onto stderr, and then the slowest of the
16,000-character lines aimed at the patterns through ``Redactor.redact`` (``--dense`` adds
lines of many short words, whose cost is GiNZA's own, about a millisecond a character).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [str(Path(sys.executable).with_name("redactor")), "text"]
MARK = "ZQX"  # every hostile line carries it; stderr must never show it
N = 16_000


def _cycle(unit: str, length: int = N) -> str:
    return (unit * (length // len(unit) + 1))[:length]


PATTERN_LINES = {  # cheap for GiNZA, aimed at the regular expressions
    "digits": _cycle("1"), "letters": _cycle("a"), "digit-dash": _cycle("0-"),
    "kana-digits": _cycle("ゼロ1"), "kana-words": _cycle("いち2さん4"), "san": _cycle("さん"),
    "kanji-digits": _cycle("一"), "digits-then-at": _cycle("1", N - 20) + " アット example",
    "letters-then-at": _cycle("a", N - 20) + "@example", "san-then-nen": _cycle("さん", N - 2) + "ねん",
}
DENSE_LINES = {  # many tokens: GiNZA's own (linear) cost dominates
    "letter-dot": _cycle("a."), "spaces": _cycle("a "), "spoken-dot": _cycle("a ドット "),
    "kanji-positional": _cycle("一十"), "cue-digit": _cycle("電話番号は1"), "names": _cycle("田中さん"),
    # run-ons of short words between pauses with no sentence end (GiNZA's clause step was
    # quadratic in a sentence's length before the sentence cap: minutes per line)
    "spelled-list": _cycle("ティー、"), "name-list": _cycle("山田、"), "katakana-list": _cycle("アイ、カイ、"),
}


def _j(record: object) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def hostile_line(rng: random.Random) -> bytes:
    """One malformed line, of a random class."""
    size = rng.choice([1, 10, 1_000, 100_000])
    junk = MARK + "".join(rng.choice("abc漢字かな0123@.\\\"{}[]") for _ in range(rng.randint(0, 40)))
    kind = rng.randrange(14)
    if kind == 0:
        return MARK.encode() * ((1 << 20) // 3 + rng.randint(1, 1_000))  # overlong plain line
    if kind == 1:
        depth = rng.choice([2_000, 100_000])
        return b'{"text": "ZQX", "n": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == 2:
        return b'{"id": "s", "text": "ZQX\\ud' + rng.choice([b"800", b"bff", b"c00", b"fff"]) + b'"}'
    if kind == 3:
        return MARK.encode() + bytes([rng.choice([0x80, 0xC0, 0xFF, 0xED])]) + b" tail"
    if kind == 4:
        field = rng.choice(["id", "text", "speaker", "call_id", "policy", "start", "end"])
        value = rng.choice([5, 1.5, True, None, [junk], {"k": junk}]) if field not in ("start", "end") \
            else rng.choice(["0", junk, [1], {"s": 1}, True])
        record = {"text": junk, field: value}
        return _j(record)
    if kind == 5:
        return _j({"text": junk, "speaker": junk})
    if kind == 6:
        return _j({"text": junk, "policy": junk})
    if kind == 7:
        return ('{"text": "ZQX", "start": ' + rng.choice(["NaN", "Infinity", "-Infinity", "1e999"]) + "}").encode()
    if kind == 8:
        return b'{"id": ' + b"9" * rng.choice([4_301, 10_000]) + b', "text": "ZQX"}'
    if kind == 9:
        return _j({"id": "t", "text": junk})[: rng.randint(1, 20)]  # truncated JSON
    if kind == 10:
        return b"{" + MARK.encode() * size
    if kind == 11:
        return _j({"id": "m", "text": junk})[:-1] + b', "text2": }'
    if kind == 12:
        return _j({"text": junk, "ZQX" + junk: 1})[:-1] + b", }"
    return _j({"id": "x", "text": junk, "id2": [[[[1]]]]}).replace(b'"text"', b'"text":1,"x"')


def good_line(rng: random.Random, index: int) -> tuple[bytes, str]:
    text = rng.choice(["電話番号は090-1234-5678です", "山田太郎と申します", "前\u2028後", "NUL\x00あり",
                       "メールはtaro@example.comです", ""])
    return _j({"id": f"good{index}", "text": text}), f"good{index}"


def run_cli(lines: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    data, expected = [], []
    for i in range(lines):
        data.append(hostile_line(rng))
        expected.append(None)
        if i % 10 == 0:
            line, ident = good_line(rng, i)
            data.append(line)
            expected.append(ident)
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        handle.write(b"\n".join(data) + b"\n")
        path = handle.name
    try:
        started = time.perf_counter()
        done = subprocess.run([*CLI, path], capture_output=True, timeout=3_600,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        elapsed = time.perf_counter() - started
    finally:
        os.unlink(path)
    out = done.stdout.decode("utf-8").split("\n")[:-1]
    stderr = done.stderr.decode("utf-8", "replace")
    records = [json.loads(line) for line in out]
    good_ok = sum(1 for want, rec in zip(expected, records, strict=False)
                  if want is not None and rec.get("id") == want and "error" not in rec)
    return {
        "lines sent": len(data), "malformed lines": lines, "good lines": sum(e is not None for e in expected),
        "output lines": len(records), "good lines out right": good_ok,
        "error lines": sum("error" in r for r in records),
        "internal errors (tracebacks or 'internal error')": stderr.count("Traceback") + stderr.count("internal error"),
        "input on stderr": MARK in stderr, "exit status": done.returncode, "seconds": round(elapsed, 1),
    }


def time_lines(lines: dict[str, str]) -> dict[str, float]:
    from redactor import Redactor

    redactor = Redactor()
    redactor.redact("電話番号は090-1234-5678です")
    times = {}
    for label, text in lines.items():
        started = time.perf_counter()
        redactor.redact(text)
        times[label] = round(time.perf_counter() - started, 3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_200, help="malformed lines to generate")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--dense", action="store_true", help="also time 16,000-char lines of many short words")
    args = parser.parse_args()
    for key, value in run_cli(args.lines, args.seed).items():
        print(f"{key}: {value}")
    times = time_lines({**PATTERN_LINES, **(DENSE_LINES if args.dense else {})})
    for label, seconds in sorted(times.items(), key=lambda item: -item[1]):
        print(f"  {label:18} {seconds:7.3f} s")
    slowest = max(PATTERN_LINES, key=times.get)
    print(f"slowest pattern-aimed 16,000-char line: {slowest} {times[slowest]:.3f} s")


if __name__ == "__main__":
    main()
