"""``redactor text``: the contract of CONTRACTS.md, through the real console script."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from redactor.text_command import run

CLI = [str(Path(sys.executable).with_name("redactor")), "text"]


def _run_cli(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_jsonl_and_plain_lines_with_a_malformed_one() -> None:
    lines = [
        json.dumps({"id": "h001", "call_id": "c1", "speaker": "agent", "text": "お名前をお願いします"},
                   ensure_ascii=False),
        json.dumps({"id": "h002", "call_id": "c1", "speaker": "customer",
                    "text": "はい、山田太郎です。電話番号は090-1234-5678です。"}, ensure_ascii=False),
        '{"id": "h003", "text": "電話番号は090-1111-2222"',  # truncated JSON
        "プレーンな行です。メールはtaro@example.comです",
    ]
    done = _run_cli(("\n".join(lines) + "\n").encode())
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["h001", "h002", "3", "4"]
    assert out[1]["text"] == "はい、<PERSON>です。電話番号は<PHONE_NUMBER>です。"
    assert out[1]["entities"][1] == {"type": "PHONE_NUMBER", "start": 15, "end": 28,
                                     "score": out[1]["entities"][1]["score"]}
    assert out[1]["warnings"] == []
    assert "error" in out[2]
    assert out[3]["text"] == "プレーンな行です。メールは<EMAIL_ADDRESS>です"
    stderr = done.stderr.decode()
    assert "line 3: invalid JSON" in stderr
    assert "090-1111-2222" not in stderr  # errors never quote the line


def test_file_input_and_clean_exit(tmp_path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("カード番号は4111111111111111です\n\n", encoding="utf-8")
    done = subprocess.run([*CLI, str(path)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert out[0]["text"] == "カード番号は<CREDIT_CARD>です"
    assert out[1] == {"id": "2", "text": "", "entities": [], "warnings": []}


def test_bad_lines_are_reported_and_the_rest_comes_out(engine) -> None:
    data = b"\n".join([
        b'{"id": "a", "text": 5}',
        b'{"id": "b", "text": "x", "speaker": "robot"}',
        b'["not", "an", "object"]',
        b"\xff\xfe broken utf-8",
        b'{"id": "c", "text": "\\u7530\\u4e2d\\u69d8", "mood": "happy"}',
        b'{"id": "d"}',
    ]) + b"\n"
    out, err = io.StringIO(), io.StringIO()
    status = run(io.BytesIO(data), out, err, engine, "general_support")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 1
    assert len(records) == 6
    assert [r.get("error", "") != "" for r in records] == [True, True, False, True, False, True]
    assert records[4]["text"] == "<PERSON>様"
    messages = err.getvalue()
    for expected in ('line 1: field "text" must be a string', 'line 2: field "speaker"',
                     "line 4: not valid UTF-8", "line 5: ignoring 1 unknown field(s)",
                     'line 6: missing field "text"'):
        assert expected in messages
    assert "mood" not in messages  # unknown fields are counted, not named
    assert records[2]["text"] == '["not", "an", "object"]'  # not an object: plain text


def test_bad_config_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[operators.CREDIT_CARD]\ntype = "shred"\n', encoding="utf-8")
    done = _run_cli(b"x\n", "--config", str(path))
    assert done.returncode == 2
    assert "operators.CREDIT_CARD" in done.stderr.decode()


def test_an_answer_inherits_the_question_of_the_previous_turn(engine) -> None:
    lines = [
        {"id": "1", "call_id": "c", "speaker": "agent", "text": "生年月日をお伺いできますか。"},
        {"id": "2", "call_id": "c", "speaker": "customer", "text": "4月12日です。"},
        {"id": "3", "call_id": "c", "speaker": "customer", "text": "4月12日に届きました。"},
        {"id": "4", "call_id": "c", "speaker": "agent", "text": "お名前をフルネームでお願いします。"},
        {"id": "5", "call_id": "c", "speaker": "customer", "text": "はい、わかりました。"},
        {"id": "6", "call_id": "other", "speaker": "customer", "text": "4月12日です。"},
    ]
    data = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode() + b"\n"
    out = io.StringIO()
    run(io.BytesIO(data), out, io.StringIO(), engine, "general_support")
    texts = [json.loads(line)["text"] for line in out.getvalue().splitlines()]
    assert texts[1] == "<DATE_OF_BIRTH>です。"
    assert texts[2] == "4月12日に届きました。"  # the question was answered already
    assert texts[4] == "はい、わかりました。"  # not a name
    assert texts[5] == "4月12日です。"  # another call asked nothing


def test_pretty_output_shows_masked_lines_and_warnings(engine) -> None:
    data = (json.dumps({"id": "x1", "call_id": "c", "speaker": "customer",
                        "text": "マイナンバーは123456789018です"}, ensure_ascii=False) + "\n").encode()
    out = io.StringIO()
    run(io.BytesIO(data), out, io.StringIO(), engine, "general_support", output="pretty")
    text = out.getvalue()
    assert text.startswith("x1  [customer] マイナンバーは<JP_MY_NUMBER>です\n")
    assert "⚠ critical unneeded_pii" in text
    assert "123456789018" not in text


def test_transcripts_keep_a_common_word_before_an_honorific_masked() -> None:
    """``--transcripts``: another recogniser's lines are read as live and batch read theirs; the
    same line typed shows the word (CONTRACTS.md, ``heard``)."""
    lines = b"".join(json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in (
        {"id": "t1", "speaker": "agent", "text": "移動さまですね、ご登録のお電話番号をお願いします。"},
        # one word only the dictionaries call a name: 陛下 as whisper heard it in a real recording
        {"id": "t2", "speaker": "customer", "text": "平化は議会で私の考えをそれとなく避難されました。"}))
    heard = _run_cli(lines, "--transcripts")
    typed = _run_cli(lines)
    assert heard.returncode == 0 and typed.returncode == 0, heard.stderr.decode() + typed.stderr.decode()
    heard_lines = [json.loads(x) for x in heard.stdout.splitlines()]
    typed_lines = [json.loads(x) for x in typed.stdout.splitlines()]
    assert heard_lines[0]["text"].startswith("<PERSON>さま")
    assert typed_lines[0]["text"].startswith("移動さま")
    assert heard_lines[1]["text"].startswith("平化は")
    assert typed_lines[1]["text"].startswith("<PERSON>は")
