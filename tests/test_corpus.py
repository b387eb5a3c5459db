"""The labelled development corpus (samples/pii_dev.jsonl) is well-formed and reproducible."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from redactor.pii.catalogue import CANONICAL_TYPES, ENTITY_TYPES

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "samples" / "pii_dev.jsonl"
META = ROOT / "samples" / "pii_dev.meta.json"
GENERATOR = ROOT / "samples" / "make_dev_corpus.py"
CONVERSATION = ROOT / "samples" / "sample_conversation.jsonl"

FORMS = {"written", "fullwidth", "kanji", "spoken", "kana", "romaji", "whisper", "split", "asr"}
KANJI_TO_DIGIT = str.maketrans("〇一二三四五六七八九", "0123456789")
# Separators that may sit between digit groups without changing the number.
SEPARATORS = re.compile(r"[\s\-－ー−、の,.]|ハイフン")


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load(CORPUS)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def my_number_ok(digits: str) -> bool:
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    r = sum(int(d) * w for d, w in zip(digits[:11], weights, strict=True)) % 11
    return len(digits) == 12 and int(digits[11]) == (0 if r <= 1 else 11 - r)


def corporate_ok(digits: str) -> bool:
    base = digits[1:]
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base)))
    return len(digits) == 13 and int(digits[0]) == 9 - total % 9


def plain_digits(value: str) -> str | None:
    """The digits of a written/full-width/kanji value, or None if it is not only digits."""
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", value).translate(KANJI_TO_DIGIT))
    return text if text.isdigit() else None


def test_helpers_agree_with_documented_examples() -> None:
    assert my_number_ok("123456789018")
    assert not my_number_ok("123456789012")
    assert corporate_ok("7000012050002")
    assert luhn_ok("4111111111111111")
    assert plain_digits("〇九〇の一二三四の五六七八") == "09012345678"
    assert plain_digits("０９０－１２３４－５６７８") == "09012345678"
    assert plain_digits("4,111,111,111,111,111") == "4111111111111111"
    assert plain_digits("4111万1111") is None


def test_records_are_well_formed(rows: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "ids must be unique"
    for r in rows:
        assert re.fullmatch(r"d\d{4}", r["id"])
        assert r["speaker"] in {"agent", "customer"}
        assert isinstance(r["text"], str) and r["text"].strip()
        assert r["tags"] == sorted(set(r["tags"])), r["id"]
        assert ("negative" in r["tags"]) == (not r["entities"]), r["id"]


def test_spans_are_exact_and_in_bounds(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        text = r["text"]
        previous_end = 0
        for e in sorted(r["entities"], key=lambda e: e["start"]):
            assert e["type"] in ENTITY_TYPES, (r["id"], e)
            assert 0 <= e["start"] < e["end"] <= len(text), (r["id"], e)
            value = text[e["start"]:e["end"]]
            assert value == value.strip(), (r["id"], value)
            assert e["start"] >= previous_end, f"{r['id']}: overlapping gold spans"
            previous_end = e["end"]
            assert e.get("form", "written") in FORMS, (r["id"], e)
            assert e.get("form", "written") in r["tags"], (r["id"], e)


def test_spans_exclude_cues_and_honorifics(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        for e in r["entities"]:
            value = r["text"][e["start"]:e["end"]]
            assert not value.endswith(("です", "。", "、")), (r["id"], value)
            if e["type"] == "PERSON":  # さん is also how 3 is read, so only for names
                assert not value.endswith(("様", "さん", "さま")), (r["id"], value)
            assert not value.startswith(("〒", "電話番号", "番号は", "、")), (r["id"], value)


def test_generator_catalogue_matches_the_engine() -> None:
    sys.path.insert(0, str(GENERATOR.parent))
    try:
        import make_dev_corpus
    finally:
        sys.path.remove(str(GENERATOR.parent))
    # The corpus covers the shared catalogue; its extensions (CREDENTIAL) have their own tests.
    assert tuple(make_dev_corpus.ENTITY_TYPES) == tuple(CANONICAL_TYPES)


def test_sizes_and_coverage(rows: list[dict[str, Any]]) -> None:
    positives = [r for r in rows if r["entities"]]
    assert len(positives) >= 400
    assert len(rows) - len(positives) >= 150
    per_type = Counter(e["type"] for r in rows for e in r["entities"])
    for t in CANONICAL_TYPES:
        assert per_type[t] >= 15, f"{t}: only {per_type[t]} examples"
    for common in ("PERSON", "PHONE_NUMBER", "JP_ADDRESS", "EMAIL_ADDRESS", "DATE_OF_BIRTH",
                   "CREDIT_CARD"):
        assert per_type[common] >= 40, common
    tags = Counter(t for r in rows for t in r["tags"])
    for tag in ("written", "fullwidth", "kanji", "spoken", "asr", "whisper", "split",
                "cue_after", "era", "honorific", "self_intro", "negative"):
        assert tags[tag] >= 5, tag


CHECKED = {"CREDIT_CARD": luhn_ok, "JP_MY_NUMBER": my_number_ok, "JP_CORPORATE_NUMBER": corporate_ok}


@pytest.mark.parametrize("entity_type", sorted(CHECKED))
def test_check_digits_are_valid(rows: list[dict[str, Any]], entity_type: str) -> None:
    verified = 0
    for r in rows:
        for e in r["entities"]:
            if e["type"] != entity_type or e["form"] not in {"written", "fullwidth", "kanji",
                                                              "whisper", "split"}:
                continue
            digits = plain_digits(r["text"][e["start"]:e["end"]])
            if digits is None:  # e.g. Whisper's 4111万1111: leading zeros may be lost
                continue
            if entity_type == "CREDIT_CARD":
                assert 14 <= len(digits) <= 16, (r["id"], digits)
            assert CHECKED[entity_type](digits), (r["id"], digits)
            verified += 1
    assert verified >= 10, f"only {verified} {entity_type} values could be checked"


SHAPES = {
    "PHONE_NUMBER": re.compile(r"(0\d{9,10}|81\d{9,10}|\d{4})"),  # \d{4}: 下4桁 partials
    "JP_POSTAL_CODE": re.compile(r"\d{7}"),
    "JP_DRIVERS_LICENSE": re.compile(r"\d{12}"),
    "JP_PENSION_NUMBER": re.compile(r"\d{10}"),
    "JP_MY_NUMBER": re.compile(r"\d{12}"),
}


def test_number_shapes(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        for e in r["entities"]:
            value = r["text"][e["start"]:e["end"]]
            if e["form"] in {"written", "fullwidth", "kanji"}:
                if e["type"] in SHAPES:
                    digits = plain_digits(value.replace("+", "").replace("(", "")
                                          .replace(")", ""))
                    assert digits and SHAPES[e["type"]].fullmatch(digits), (r["id"], value)
                compact = re.sub(r"\s", "", unicodedata.normalize("NFKC", value))
                if e["type"] == "JP_PASSPORT" and e["form"] != "kanji":
                    assert re.fullmatch(r"[A-Z]{2}\d{7}", compact), (r["id"], value)
                if e["type"] == "JP_RESIDENCE_CARD" and e["form"] != "kanji":
                    assert re.fullmatch(r"[A-Z]{2}\d{8}[A-Z]{2}", compact), (r["id"], value)


def test_generator_reproduces_the_committed_file(tmp_path: Path) -> None:
    import faker

    meta = json.loads(META.read_text(encoding="utf-8"))
    # pyproject pins Faker for this reason: its word lists change between releases.
    assert meta["faker_version"] == faker.VERSION, "reinstall the dev extras (pinned Faker)"
    out = tmp_path / "pii_dev.jsonl"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--quiet"],
                   check=True, timeout=120)
    assert out.read_bytes() == CORPUS.read_bytes()
    regenerated_meta = json.loads((tmp_path / "pii_dev.meta.json").read_text(encoding="utf-8"))
    assert regenerated_meta == meta


def test_sample_conversation_is_valid_text_input() -> None:
    lines = load(CONVERSATION)
    assert 12 <= len(lines) <= 16
    assert len({line["id"] for line in lines}) == len(lines)
    for line in lines:
        assert set(line) == {"id", "call_id", "speaker", "text"}
        assert line["speaker"] in {"agent", "customer"}
        assert line["call_id"] == lines[0]["call_id"]
