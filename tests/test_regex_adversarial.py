"""Every regular expression that meets inbound text runs in linear time on hostile input.

The patterns are collected, not listed: module-level compiled patterns of every module under
``redactor.pii``, ``redactor.policy``, ``redactor.stream``, ``redactor.asr``, ``redactor.server``
and ``redactor.batch`` and of ``redactor.conversation``, the ``PATTERNS`` of every pattern recognizer
(compiled as Presidio compiles them), and the patterns the cue index and the sensitive-topic
detector build.  A new pattern is covered without touching this file.  Each runs as a search
over the whole of each 16,000-character input (the worst way a pattern can be used), within
a budget a backtracking pattern cannot meet: the old spoken-e-mail pattern took 28 s on 16,000
digits, the kana-date and kanji-number ones 7-11 s on their runs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import time
from collections.abc import Iterator

import pytest
import regex

import redactor.asr
import redactor.batch
import redactor.conversation
import redactor.pii
import redactor.policy
import redactor.server
import redactor.stream
from redactor.pii.cues import CueIndex
from redactor.pii.recognizers.base import JapanesePatternRecognizer
from redactor.policy.sensitive import SensitiveDetector

N = 16_000
PATTERN_BUDGET_S = 0.2  # one pattern over one input; linear patterns take a few ms
REDACT_BUDGET_S = 1.0  # a whole line through the engine (these lines are cheap for GiNZA)
PRESIDIO_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE  # PatternRecognizer's default


def _cycle(unit: str, length: int = N) -> str:
    return (unit * (length // len(unit) + 1))[:length]


ADVERSARIAL = {
    "digits": _cycle("1"),
    "letters": _cycle("a"),
    "letter-dot": _cycle("a."),
    "digit-dash": _cycle("0-"),
    "digit-space": _cycle("1 "),
    "digit-comma": _cycle("1、"),
    "digit-no": _cycle("1の"),
    "letter-space": _cycle("a "),
    "spoken-dot": _cycle("a ドット "),
    "at-signs": _cycle("a@"),
    "spoken-at": _cycle("1 アット "),
    "kana-digits": _cycle("ゼロ1"),
    "kana-words": _cycle("いち2さん4"),
    "san": _cycle("さん"),
    "ni": _cycle("に"),
    "kanji-digits": _cycle("一"),
    "kanji-positional": _cycle("一十"),
    "ten": _cycle("十"),
    "cue-words": _cycle("電話番号は"),
    "cue-digit": _cycle("電話番号は1"),
    "names": _cycle("田中さん"),
    "sentences": _cycle("あ。"),
    "spaces": _cycle(" "),
    "ideographic-spaces": _cycle("\u3000"),
    "digits-then-at": _cycle("1", N - 20) + " アット example",
    "letters-then-at": _cycle("a", N - 20) + "@example",
    "san-then-nen": _cycle("さん", N - 2) + "ねん",
    "ten-then-nen": _cycle("十", N - 1) + "年",
    "letter-names": _cycle("ティー、"),
    "letter-names-digit": _cycle("エービー1、"),
    "spelled-letters": _cycle("a、"),
    "spelled-id": _cycle("マイナンバーT、K、1234567、"),
    "mixed": _cycle("ゼロキュー090の1234、えー、5678 アットマーク ドット com 生年月日は"),
}


def _patterns_of(owner: str, values: dict) -> Iterator[tuple[str, re.Pattern | regex.Pattern]]:
    for name, value in values.items():
        if isinstance(value, re.Pattern | regex.Pattern):
            yield f"{owner}.{name}", value
        elif isinstance(value, dict | list | tuple):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(item, re.Pattern | regex.Pattern):
                    yield f"{owner}.{name}[{key}]", item


def collect_patterns() -> dict[str, re.Pattern | regex.Pattern]:
    found: dict[str, re.Pattern | regex.Pattern] = dict(_patterns_of("redactor.conversation",
                                                                      vars(redactor.conversation)))
    # Every package whose patterns meet transcripts, frames or file names (inbound text).
    for package in (redactor.pii, redactor.policy, redactor.stream, redactor.asr, redactor.server, redactor.batch):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            found.update(_patterns_of(module.__name__, vars(module)))
            for cls in vars(module).values():
                if (inspect.isclass(cls) and issubclass(cls, JapanesePatternRecognizer)
                        and cls.__module__ == module.__name__ and "PATTERNS" in vars(cls)):
                    for name, pattern, _score in cls.PATTERNS:
                        found[f"{cls.__name__}.PATTERNS[{name}]"] = regex.compile(pattern, PRESIDIO_FLAGS)
    # Patterns built when an object is made: the cue index and the sensitive-topic lexicon.
    for instance in (CueIndex(), SensitiveDetector()):
        found.update(_patterns_of(type(instance).__name__, vars(instance)))
    return found


PATTERNS = collect_patterns()


def test_the_collection_is_complete() -> None:
    # The known hot spots, so that a change in collection cannot quietly skip them.
    for name in ("redactor.pii.normalize._SPOKEN_EMAIL", "redactor.pii.normalize._KANA_DATE_PART",
                 "redactor.pii.normalize._KANJI_POSITIONAL", "redactor.pii.recognizers.slot._GLUE",
                 "redactor.pii.normalize._SPELLED_LETTERS", "PassportRecognizer.PATTERNS[passport spelled]",
                 "CueIndex.pattern", "JpPhoneRecognizer.PATTERNS[mobile]"):
        assert name in PATTERNS or any(key.startswith(name.split("[")[0]) for key in PATTERNS), name
    assert len(PATTERNS) > 80


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_hostile_input(name: str) -> None:
    pattern = PATTERNS[name]
    slow = {}
    for label, text in ADVERSARIAL.items():
        started = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        elapsed = time.perf_counter() - started
        if elapsed > PATTERN_BUDGET_S:
            slow[label] = round(elapsed, 2)
    assert not slow, f"{name} is slow on {slow}"


@pytest.mark.parametrize("label", ["digits", "letters", "digit-dash", "kana-digits", "kana-words", "san",
                                   "kanji-digits", "digits-then-at", "letters-then-at", "san-then-nen"])
def test_redacting_a_hostile_line_is_fast(redactor, label: str) -> None:
    """The whole engine on 16,000 characters aimed at the patterns (the old code: 28 s on digits).

    These lines are few tokens for GiNZA; a line of many short words costs GiNZA itself
    about a millisecond a character, linear (see benchmarks/hostile_text.py).
    """
    redactor.redact("電話番号は090-1234-5678です")  # warm
    text = ADVERSARIAL[label]
    started = time.perf_counter()
    result = redactor.redact(text)
    elapsed = time.perf_counter() - started
    assert elapsed <= REDACT_BUDGET_S, f"{label}: {elapsed:.2f} s"
    assert len(result.text) <= len(text) + 64 * len(result.entities)
