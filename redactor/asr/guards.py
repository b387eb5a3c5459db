"""Hallucination guards: silence phrases, repetition loops, compression ratio, no-speech."""

from __future__ import annotations

import re
import unicodedata
import zlib

from redactor.asr.options import GuardOptions

_PUNCT = re.compile(r"[\s、。,.!?！？「」『』()（）・…ー〜~\-]+")


def normalise(text: str) -> str:
    """NFKC, punctuation and spaces removed: the form guards compare."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def is_silence_phrase(text: str, guards: GuardOptions) -> bool:
    """The whole utterance is one of the phrases Whisper invents on silence."""
    norm = normalise(text)
    return bool(norm) and any(norm == normalise(p) for p in guards.drop_phrases)


def repetition_cut(text: str, guards: GuardOptions) -> int | None:
    """Character index where a repetition loop starts repeating, or ``None``.

    A unit of 2 characters repeated more than ``max_repeats`` times in a row (a single
    character: more than twice that; 3-15 characters, a phrase: more than
    ``max_phrase_repeats`` times) is a decoding loop: people say はいはいはい, not
    植物は植物は植物は. A unit of digits is a loop only when
    the repeated run holds more digits than any identifier (``max_loop_digits``), so card
    numbers such as 4111 1111 1111 1111 are left alone; a short unit of digits with separators
    ("1-1-1-1-1-", "1、2、1、2、1、2、") repeated more than ``max_repeats`` times is a loop.
    """
    for match in _REPEAT.finditer(text):
        unit = match.group(1)
        norm = normalise(unit)
        repeats = len(match.group(0)) // len(unit)
        if not norm:
            continue
        if norm.isdigit():
            separated = len(norm) < len(unit)  # "1-", "1、2、": digits read out one by one
            if repeats * len(norm) <= guards.max_loop_digits and not (
                separated and repeats > guards.max_repeats
            ):
                continue
        elif repeats <= _allowed_repeats(norm, guards):
            continue
        return match.start() + len(unit)
    return None


def _allowed_repeats(unit: str, guards: GuardOptions) -> int:
    if len(unit) >= 3:
        return guards.max_phrase_repeats
    return guards.max_repeats if len(unit) == 2 else 2 * guards.max_repeats


# Three or more occurrences in a row; which of them is a loop is decided per unit length.
_REPEAT = re.compile(r"(.{1,15}?)\1{2,}", re.DOTALL)


def rejects(
    text: str, avg_logprob: float, no_speech_prob: float, guards: GuardOptions
) -> str | None:
    """Reason to drop a whole utterance, or ``None`` to keep it."""
    if not normalise(text):
        return "empty"
    if is_silence_phrase(text, guards):
        return "silence_phrase"
    if no_speech_prob > guards.no_speech_threshold and avg_logprob < guards.log_prob_threshold:
        return "no_speech"
    if compression_ratio(text) > guards.compression_ratio_threshold and (
        repetition_cut(text, guards) is None
    ):
        return "compression_ratio"
    return None
