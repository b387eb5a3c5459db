"""``redactor text`` survives hostile lines: each fails alone, the rest come out in order.

One input mixes good lines with every kind of bad one we know (overlong, deeply nested,
lone surrogates, broken UTF-8, wrong types, NUL bytes, U+2028, JSON that is not an object,
huge ids, a 16,000-digit run, a 60 KB line that must be redacted whole).  The real console
script and the in-process ``run`` must both: write one line per input line, in order, with
the right ids; exit 1; print no traceback; and never show input on stderr (every hostile
line carries the marker ``ZQX``, which stderr must not contain).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from redactor.text_command import MAX_LINE_BYTES, run

CLI = [str(Path(sys.executable).with_name("redactor")), "text"]
MARK = "ZQX"
PHONE = "電話番号は090-1234-5678です。"
# Ten phone numbers apart in a 60 KB line: it is read in several analyzer windows.
LONG_TEXT = ("a" * 5990 + " " + PHONE) * 10


def _j(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


ERROR, PLAIN = None, ""
# (raw line, expected): the id of a line that comes out, PLAIN for a plain-text line (its id
# is its line number), ERROR for a line that must give an {"id", "error"} line.
CASES: list[tuple[bytes, str | None]] = [
    (_j({"id": "g1", "text": PHONE}), "g1"),
    (MARK.encode() * (MAX_LINE_BYTES // 3 + 10), ERROR),  # overlong plain line
    (_j({"id": "long", "text": LONG_TEXT}), "long"),  # 60 KB, valid: redacted, not refused
    (b'{"id": "deep", "text": "ZQX", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", ERROR),
    (b'{"id": "sur", "text": "ZQX\\ud800"}', ERROR),  # a lone surrogate
    (b'{"id": "\\udfff", "text": "ZQX"}', ERROR),
    (b"ZQX \xff\xfe broken", ERROR),  # invalid UTF-8
    (_j({"id": 5, "text": MARK}), ERROR),
    (_j({"id": "t", "text": 5}), ERROR),
    (_j({"id": "t", "text": [MARK]}), ERROR),
    (_j({"text": MARK, "speaker": 1}), ERROR),
    (_j({"text": MARK, "speaker": "ZQXrobot"}), ERROR),
    (_j({"text": MARK, "call_id": [1]}), ERROR),
    (_j({"text": MARK, "policy": {"p": 1}}), ERROR),
    (_j({"text": MARK, "policy": "ZQXpolicy"}), ERROR),  # unknown policy: never echoed
    (_j({"text": MARK, "start": "0"}), ERROR),
    (_j({"text": MARK, "end": True}), ERROR),
    (b'{"text": "ZQX", "start": NaN}', ERROR),
    (b'{"text": "ZQX", "end": 1e999}', ERROR),
    (_j({"id": "g2", "text": "田中様", "ZQXfield": 1}), "g2"),  # unknown field: counted
    (_j({"id": "nul", "text": "ZQX\x00お名前は山田太郎です"}), "nul"),
    ("ZQX\x00プレーン\x00".encode(), PLAIN),  # NUL bytes in a plain line
    (_j({"id": "ls", "text": "前\u2028後\u2029 電話番号は090-1234-5678"}), "ls"),
    (b'["ZQX", "an", "array"]', PLAIN),  # not an object: plain text
    (b"42", PLAIN),
    (b"null", PLAIN),
    (_j({"id": "ZQX" * 100_000, "text": "ok"}), "ZQX" * 100_000),  # a huge id is still an id
    (b'{"id": ' + b"7" * 5_000 + b', "text": "ZQX"}', ERROR),  # past int()'s digit limit
    (b"1" * 16_000, PLAIN),  # a 16,000-digit run
    (b'{"id": "trunc", "text": "ZQX 090-1111-2222"', ERROR),
    (b"", PLAIN),
    (_j({"id": "g3", "call_id": "c", "text": "メールはtaro@example.comです"}) + b"\r", "g3"),
]


def _input() -> bytes:
    return b"\n".join(raw for raw, _ in CASES) + b"\n"


def _check(stdout: str, stderr: str) -> None:
    assert "\u2028" not in stdout and "\u2029" not in stdout  # escaped: no splitter cuts a record
    records = [json.loads(line) for line in stdout.split("\n")[:-1]]
    assert len(records) == len(CASES)
    for number, ((_, expected), record) in enumerate(zip(CASES, records, strict=True), start=1):
        if expected is ERROR:
            assert record == {"id": str(number), "error": record.get("error")}, number
            assert record["error"] and MARK not in record["error"]
            assert f"line {number}: " in stderr
        else:
            assert record["id"] == (expected or str(number)) and "error" not in record, (number, record.get("error"))
    by_id = {r["id"]: r for r in records}
    assert by_id["g1"]["text"] == "<PHONE_NUMBER>です。" or "<PHONE_NUMBER>" in by_id["g1"]["text"]
    long = by_id["long"]
    assert [e["type"] for e in long["entities"]] == ["PHONE_NUMBER"] * 10
    assert [LONG_TEXT[e["start"]:e["end"]] for e in long["entities"]] == ["090-1234-5678"] * 10
    assert "\u2028" in by_id["ls"]["text"] and "<PHONE_NUMBER>" in by_id["ls"]["text"]
    assert "<PERSON>" in by_id["nul"]["text"]
    assert by_id["g3"]["text"] == "メールは<EMAIL_ADDRESS>です"
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert MARK not in stderr and "robot" not in stderr  # errors name lines and fields, never input
    assert "ignoring 1 unknown field(s)" in stderr
    assert "unknown policy (known: " in stderr
    assert "surrogate" in stderr and "nested too deeply" in stderr


def test_console_script_survives_every_hostile_line(tmp_path) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(_input())
    done = subprocess.run([*CLI, str(path)], capture_output=True, timeout=600,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 1
    _check(done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def test_run_survives_every_hostile_line(engine) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(io.BytesIO(_input()), out, err, engine, "general_support") == 1
    _check(out.getvalue(), err.getvalue())


def test_a_20_mb_line_is_skipped_in_bounded_memory(tmp_path) -> None:
    """The size check comes before the line is held: RSS grows by far less than the line."""
    script = tmp_path / "measure.py"
    script.write_text(
        "import io, resource, sys\n"
        "from redactor.text_command import _lines\n"
        "data = b'ok\\n' + b'x' * (20 << 20) + b'\\nafter\\n'\n"
        "stream = io.BufferedReader(io.BytesIO(data), 1 << 16)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "lines = [None if line is None else line.decode() for line in _lines(stream)]\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(lines, (after - before) // 1024)\n"
    )
    # The 20 MB input itself lives in that process; what must stay small is the growth past it.
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines, growth_mib = done.stdout.rsplit(" ", 1)
    assert lines == "['ok', None, 'after']"
    assert int(growth_mib) < 8, f"RSS grew {growth_mib} MiB reading a 20 MB line"


def test_a_20_mb_line_through_the_console_script(tmp_path) -> None:
    """End to end: the line is refused, the next one comes out, peak RSS stays near the model's."""
    path = tmp_path / "big.txt"
    with path.open("wb") as stream:
        stream.write(_j({"id": "a", "text": PHONE}) + b"\n")
        stream.write(b"x" * (20 << 20) + b"\n")
        stream.write(_j({"id": "b", "text": PHONE}) + b"\n")
    small = tmp_path / "small.txt"
    small.write_bytes(_j({"id": "a", "text": PHONE}) + b"\n")
    # The console script's main() in a process that then reports its own peak RSS.
    wrapper = ("import resource, sys\nfrom redactor.cli import main\nstatus = main(sys.argv[1:])\n"
               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)\n"
               "sys.exit(status)\n")
    peaks = []
    for source in (small, path):
        done = subprocess.run([sys.executable, "-c", wrapper, "text", str(source)], capture_output=True,
                              timeout=300)
        peaks.append(int(done.stderr.decode().split()[-1]))
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == ["a", "2", "b"] and "error" in out[1]
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert peaks[1] - peaks[0] < 16, f"peak RSS {peaks[0]} MiB on a small input, {peaks[1]} MiB with a 20 MB line"


@pytest.mark.parametrize("ending", [b"", b"\n"])
def test_lines_at_the_size_limit(ending: bytes) -> None:
    """A line of exactly MAX_LINE_BYTES is read; one byte more is refused; the next line is kept."""
    from redactor.text_command import _lines

    data = b"a" * MAX_LINE_BYTES + b"\r\n" + b"b" * (MAX_LINE_BYTES + 1) + b"\n" + b"c" * (MAX_LINE_BYTES + 3) + ending
    lines = list(_lines(io.BufferedReader(io.BytesIO(data))))
    assert [None if line is None else len(line) for line in lines] == [MAX_LINE_BYTES, MAX_LINE_BYTES + 1, None]


def test_a_run_on_without_sentence_ends_is_parsed_in_bounded_sentences(engine) -> None:
    """GiNZA's clause step is quadratic in a sentence's length (1,600 characters of 「ティー、」
    took 186 s): the sentence cap cuts a run-on at a pause, and never cuts a real sentence."""
    from redactor.pii.analyzer import MAX_SENTENCE_TOKENS

    nlp = engine.redactor.nlp
    run_on = nlp("山田、" * 700 + "ティー" * 400)
    assert max(len(s) for s in run_on.sents) <= 2 * MAX_SENTENCE_TOKENS
    cut = next(s for s in run_on.sents if len(s) > 1)
    assert cut[-1].text == "、" and len(cut) == MAX_SENTENCE_TOKENS
    # A long real sentence (one 。, ~100 tokens) stays whole, and the count starts again after it.
    sentence = "私は" + "、".join(f"{c}さんと会った日" for c in "一二三四五六七八九十" * 2) + "のことを話しました。"
    assert len(list(nlp(sentence).sents)) == 1
    assert len(list(nlp(sentence * 3).sents)) == 3
