"""The sample calls' gold files, and the one form in which tests look for a leaked value.

A value is visible whatever the recogniser put between its parts: spaces, hyphens, commas,
long-vowel marks, parentheses, or a の (27年の8月 is the gold 27年8月; 090の1234 is 0901234).
Tests compare ``flat(gold string) in flat(output)``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

CALLS = Path(__file__).resolve().parents[1] / "samples" / "calls"
_BETWEEN = re.compile(r"[\s\-‐‑–—―−ー、。,.・()（）の]+")


def flat(text: str) -> str:
    """NFKC, case-folded, without the separators and の a transcript puts inside a value."""
    return _BETWEEN.sub("", unicodedata.normalize("NFKC", text).casefold())


@functools.cache
def gold(name: str) -> dict:
    """``samples/calls/<name>.gold.json``: the call's script and its PII (value, said, leaks)."""
    return json.loads((CALLS / f"{name}.gold.json").read_text(encoding="utf-8"))
