"""Hallucination guards on decoded text (redactor.asr.guards): what is a loop, what is speech."""

from __future__ import annotations

import pytest

from redactor.asr.guards import rejects, repetition_cut
from redactor.asr.options import GuardOptions

GUARDS = GuardOptions()


@pytest.mark.parametrize(("text", "kept"), [
    # whisper-base's first-pass loops on the card sample call (seen live, 2026-11-30)
    ("植物は植物は植物は", "植物は"),
    ("大きさ、大きさ、大きさ、大きさ", "大きさ、"),
    ("知らない知らない知らない", "知らない"),
    ("はいはいはいはいはい", "はい"),
    ("1-1-1-1-1-1-", "1-"),
])
def test_a_loop_is_cut_back_to_one_occurrence(text: str, kept: str) -> None:
    cut = repetition_cut(text, GUARDS)
    assert cut is not None and text[:cut] == kept


@pytest.mark.parametrize("text", [
    "はいはいはい",                      # a backchannel said three times
    "そうそうそう",
    "ええええええ",
    "ありがとうございました。ありがとうございました。",  # said twice
    "4111 1111 1111 1111",              # a card number is digits, not a loop
    "0120-123-123",
    "電話番号は090-1234-5678です",
])
def test_speech_is_not_a_loop(text: str) -> None:
    assert repetition_cut(text, GUARDS) is None


def test_empty_and_silence_phrases_are_rejected_speech_is_kept() -> None:
    assert rejects("、。 ", -0.2, 0.0, GUARDS) == "empty"
    assert rejects("ご視聴ありがとうございました", -0.2, 0.0, GUARDS) == "silence_phrase"
    assert rejects("お名前をお伺いできますか", -0.2, 0.0, GUARDS) is None
