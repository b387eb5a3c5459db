"""``redactor demo``: the real command, end to end, in a subprocess without a terminal.

The short sample call goes through the in-process server's Twilio adapter at 8× real time;
the plain (non-TTY) output must carry the page URL and a token before the call streams, the
finals, the end of the call and the summary, masked values only as the Japanese labels of
``catalogue.TYPE_LABELS``, and never a gold PII value of the call.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gold import flat, gold

from redactor.policy.catalogue import TYPE_LABELS

ROOT = Path(__file__).resolve().parents[1]
CALL = ROOT / "samples" / "calls" / "short_call.wav"
GOLD = gold("short_call")


@pytest.fixture(scope="module")
def demo() -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "160", "PYTHONIOENCODING": "utf-8"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-m", "redactor.cli", "demo", str(CALL), "--speed", "8"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_demo_exits_cleanly(demo) -> None:
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "Traceback" not in demo.stderr


def test_demo_prints_finals_summary_and_page(demo) -> None:
    out = demo.stdout
    assert "call_ended" in out
    assert "エージェント" in out and "お客様" in out  # final lines of both speakers
    assert "まとめ (summary)" in out and "発話 (utterances):" in out
    match = re.search(r"発話 \(utterances\): (\d+)", out)
    assert match and int(match.group(1)) >= 2
    assert "\x1b[" not in out  # no terminal: no escape codes, no transient frames


def test_demo_prints_page_and_token_before_the_call(demo) -> None:
    out = demo.stdout
    page = re.search(r"http://127\.0\.0\.1:\d+/#call=CA[0-9a-f]{32}", out)
    token = re.search(r"agent token, 1 h\): \S+\.\S+\.\S+", out)  # a JWT
    assert page and token
    first_final = re.search(r"^\s*\d+\.\d+s (エージェント|お客様)", out, re.M)
    assert first_final, out[:2000]
    # Printed before anything of the call, so the page can be opened to watch it live.
    assert page.start() < first_final.start() and token.start() < first_final.start()
    assert out.count("agent token, 1 h)") == 1  # once: stdout stays tidy


def test_demo_labels_are_the_catalogue_labels(demo) -> None:
    chips = re.findall(r"［([^］]*)］", demo.stdout)
    assert chips, "no masked value in the demo output"
    assert set(chips) <= set(TYPE_LABELS.values()), set(chips) - set(TYPE_LABELS.values())
    assert not re.search(r"［[A-Z_]+］", demo.stdout)  # never a raw type name such as ［DIGITS］


def test_version_is_the_package_version() -> None:
    from importlib.metadata import version

    out = subprocess.run([sys.executable, "-m", "redactor.cli", "--version"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == f"redactor {version('redactor')}"


def test_demo_shows_masks_not_gold_values(demo) -> None:
    out = flat(demo.stdout)
    assert "［" in demo.stdout  # at least one value is shown masked as a labelled chip
    for item in GOLD["pii"]:
        for needle in [item["value"], *item.get("leaks", [])]:
            assert flat(needle) not in out, f"gold {item['type']} visible in the demo output"


def _final(segment: str, text: str, entities: list[dict], revision: int | None = None) -> dict:
    event = {"type": "transcript", "channel": "customer", "segment_id": segment, "final": True,
             "start": 4.6, "end": 6.0, "text": text, "entities": entities}
    if revision is not None:
        event["revision"] = revision
    return event


def test_a_revised_final_is_marked_and_replaces_its_line_in_the_counts() -> None:
    from redactor.demo import AgentView, transcript_line

    view = AgentView(call_id="CA1", speed=1.0)
    view.final(_final("customer-1", "もしもし<PERSON>", [{"type": "PERSON", "start": 4, "end": 12}]))
    revised = _final("customer-1", "<PERSON>です、<PHONE_NUMBER>",
                     [{"type": "PERSON", "start": 0, "end": 8}, {"type": "PHONE_NUMBER", "start": 11, "end": 25}], 1)
    view.final(revised)
    assert sum(view.finals.values()) == 1  # one utterance, corrected once
    assert view.revised == {"customer-1"}
    assert view.entities == {"PERSON": 1, "PHONE_NUMBER": 1}  # the latest version's masks, not both versions'
    assert "修正" in transcript_line(revised).plain
    assert "修正" not in transcript_line(_final("customer-2", "はい", [])).plain
    retracted = transcript_line(_final("customer-1", "", [], 2)).plain
    assert "修正" in retracted and "取り消し" in retracted
