"""``redactor demo``: the real command, end to end, in a subprocess without a terminal.

The short sample call goes through the in-process server's Twilio adapter at 8× real time;
the plain (non-TTY) output must carry the finals, the end of the call and the summary, and
never a gold PII value of the call.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CALL = ROOT / "samples" / "calls" / "short_call.wav"
GOLD = json.loads((ROOT / "samples" / "calls" / "short_call.gold.json").read_text(encoding="utf-8"))
_SEPARATORS = re.compile(r"[\s\-‐−ー―、,.・()（）]")


def _normal(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


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
    assert re.search(r"http://127\.0\.0\.1:\d+/#call=CA[0-9a-f]{32}", out)
    assert re.search(r"agent token, 1 h\): \S+\.\S+\.\S+", out)  # a JWT
    assert "\x1b[" not in out  # no terminal: no escape codes, no transient frames


def test_demo_shows_masks_not_gold_values(demo) -> None:
    out = _normal(demo.stdout)
    assert "［" in demo.stdout  # at least one value is shown masked as a labelled chip
    for item in GOLD["pii"]:
        for needle in [item["value"], *item.get("leaks", [])]:
            assert _normal(needle) not in out, f"gold {item['type']} visible in the demo output"
