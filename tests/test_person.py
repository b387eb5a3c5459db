"""PERSON needs evidence (issue #10): each false-mask and miss family, taken from the real sets
(benchmarks/real: Wikipedia sentences and transcripts of real speech)."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import found


def persons(redactor, text: str) -> list[str]:
    return [value for kind, value in found(redactor, text) if kind == "PERSON"]


# False-mask families: nothing here is a person.
@pytest.mark.parametrize("text", [
    "あみ。", "道実。", "千葉子。",  # garbled common words in real speech (網, …)
])
def test_a_garbled_common_word_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize("text", [
    "藤。", "張。",  # single kanji transcribed from real speech
    "この宜陽の戦いは大激戦であったため、韓だけでなく、陥落させた秦も大きく疲弊する結果になってしまった。",
])
def test_a_single_kanji_is_not_a_name_on_its_own(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_a_title_is_not_a_name_and_stays_outside_the_mask(redactor) -> None:
    assert persons(redactor, "右投右打。") == []  # GiNZA's Person label on a common noun
    assert persons(redactor, "ものの歴代領主や代官の保護を受けていた。") == []
    assert persons(redactor, "代表 大川薫が挨拶した。") == ["大川薫"]  # no spill into 代表


@pytest.mark.parametrize("text", [
    "ボールドウィン社はギブソン・ギター・コーポレーションによって買われた。",
    "日本においては、2008年には東京、六本木の森美術館で展が開かれた。",
])
def test_an_organisation_or_facility_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


# Miss families: whole names, not fragments.
def test_a_foreign_full_name_is_masked_whole(redactor) -> None:
    text = "先発投手のマット・ケインやティム・リンスカムとのトレード交渉が進んでいると報じられた。"
    assert persons(redactor, text) == ["マット・ケイン", "ティム・リンスカム"]


def test_a_katakana_full_name_after_a_title_is_masked_whole(redactor) -> None:
    assert persons(redactor, "事件を担当する刑事ジョン・ブックは母子を連れて行った。") == ["ジョン・ブック"]


def test_a_name_before_a_title_is_masked_without_the_title(redactor) -> None:
    text = "ジョン・F・ケネディ大統領、ビル・クリントン大統領、ジョン・ケリー上院議員"
    assert persons(redactor, text) == ["ジョン・F・ケネディ", "ビル・クリントン", "ジョン・ケリー"]


def test_names_in_a_list_are_names_not_fragments(redactor) -> None:
    text = "中塚一宏・階猛・黄川田徹・平野達男らが離党した。"
    masked = "".join(persons(redactor, text))
    for name in ("中塚一宏", "黄川田徹", "平野達男"):
        assert name in masked


def test_a_name_split_off_by_the_tokenizer_is_masked_whole(redactor) -> None:
    assert persons(redactor, "解散時の理事長は片山英木。") == ["片山英木"]


def test_unmapped_ginza_labels_raise_no_presidio_warnings(redactor, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="presidio-analyzer"):
        redactor.analyze("ボールドウィン社はギブソン・ギター・コーポレーションによって買われた。")
    assert not [r for r in caplog.records if "not mapped" in r.getMessage()]


def test_kanji_names_in_a_list_are_masked_one_by_one(redactor) -> None:
    text = "黄川田徹・平野達男らが出席した"
    assert [(e.type, text[e.start:e.end]) for e in redactor.analyze(text)] == [
        ("PERSON", "黄川田徹"), ("PERSON", "平野達男")]


def test_an_agent_introducing_themselves_through_garbled_speech(redactor) -> None:
    """中村でございます as whisper wrote it on the wideband sample call, the pause after 窓口 lost."""
    assert persons(redactor, "お客様窓口中村へございます") == ["中村"]


@pytest.mark.parametrize("text", ["もしもし山田花粉と申します", "もしもし山田花粉 コート申します", "もしもし山田花粉"])
def test_a_caller_introducing_themselves_through_garbled_speech(redactor, text: str) -> None:
    """山田花子 as whisper heard it on the short sample call: the whole name, not the greeting."""
    assert persons(redactor, text) == ["山田花粉"]
