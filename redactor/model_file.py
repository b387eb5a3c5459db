"""Trained models shipped as JSON package data: one way to read, check and fingerprint them.

The speech-act model (``redactor.policy.act_model``) and the person candidate scorer
(``redactor.pii.person_model``) are small linear models saved as JSON (no pickle: loading a file
runs no code).  Both are read here, so a missing or corrupt file fails the same way: an error
naming the file and the field or position, never content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def canonical_sha256(payload: Mapping[str, Any], keys: Iterable[str]) -> str:
    """sha256 of ``payload``'s ``keys`` (what decides a model's output) in canonical JSON."""
    core = {k: payload[k] for k in keys}
    text = json.dumps(core, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def read_model(path: Path, build: Callable[[Any], T], error: type[Exception], what: str) -> T:
    """``build`` of the JSON at ``path``; ``error`` naming the file (as ``what``) when it is
    missing or not a valid model."""
    try:
        return build(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise error(f"{what} file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        # The reason names a field or a position, never content (the files hold no turn text).
        raise error(f"{what} file {path} is not a valid model ({type(exc).__name__}: {exc})") from None
