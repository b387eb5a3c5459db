"""A partial never shows what its final version masks (issue #4's property), on real utterances.

Every prefix of each utterance is a partial; the final is the whole utterance through the same
engine. The check is exact: ``PartialView.shown`` lists the raw characters a partial displays,
and none of them may lie inside a span the final masks.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from redactor.stream.partial import PENDING, partial_view, stable_end

ROOT = Path(__file__).resolve().parents[1]


def _utterances() -> list[dict]:
    """A fixed, stratified sample: utterances of every entity type, negatives and the blind set."""
    dev = [json.loads(line) for line in (ROOT / "samples/pii_dev.jsonl").open(encoding="utf-8")]
    blind = [json.loads(line) for line in (ROOT / "benchmarks/blind_holdout.jsonl").open(encoding="utf-8")]
    rng = random.Random(4)
    by_type: dict[str, list[dict]] = {}
    for row in dev:
        for entity in row["entities"]:
            by_type.setdefault(entity["type"], []).append(row)
    picked = [row for rows in by_type.values() for row in rng.sample(rows, min(2, len(rows)))]
    picked += rng.sample([row for row in dev if not row["entities"]], 3)
    picked += rng.sample([row for row in blind if row.get("entities")], 8)
    return list({row["text"]: row for row in picked}.values())


@pytest.mark.slow
def test_no_partial_reveals_what_the_final_masks(redactor):
    checked = 0
    for row in _utterances():
        text = row["text"]
        masked = {i for e in redactor.analyze(text) for i in range(e.start, e.end)}
        for k in range(1, len(text) + 1):
            view = partial_view(redactor, text[:k])
            leaked = [i for a, b in view.shown for i in range(a, b) if i in masked]
            assert not leaked, f"{row['id']}: prefix of {k} characters shows final-masked characters"
            checked += 1
    assert checked > 500


def test_partial_view_masks_digits_and_holds_the_tail(redactor):
    view = partial_view(redactor, "お電話番号は090の1234の")
    assert "090" not in view.text and "1234" not in view.text
    assert view.text.startswith("お電話")
    assert any(span.type in (PENDING, "PHONE_NUMBER") for span in view.entities)
    for span in view.entities:
        assert view.text[span.start:span.end] == f"<{span.type}>"


def test_ordinary_words_stay_visible(redactor):
    text = "ありがとうございます。少々お待ちくださいませ。"
    view = partial_view(redactor, text)
    assert view.text == text[:stable_end(text)]
    assert view.entities == []
