"""Replace time spans of audio with a tone or silence; samples outside the spans are untouched."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

TONE_HZ = 1000.0  # inside the 300-3400 Hz telephone band
TONE_LEVEL = 0.25  # about -12 dBFS
FADE_S = 0.005


def merge_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sort and merge overlapping or touching ``(start, end)`` spans in seconds."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted((s, e) for s, e in spans if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def bleep(
    samples: np.ndarray,
    rate: int,
    spans: Iterable[tuple[float, float]],
    *,
    mode: str = "tone",
    tone_hz: float = TONE_HZ,
    level: float = TONE_LEVEL,
) -> np.ndarray:
    """Return a copy of one channel with each span replaced by a tone (``mode="tone"``) or silence.

    The tone fades in and out over 5 ms inside the span, so there is no click and nothing
    outside the span changes.
    """
    if mode not in ("tone", "silence"):
        raise ValueError(f"unknown bleep mode {mode!r}")
    out = np.array(samples, copy=True)
    n = out.shape[-1]
    fade = max(1, int(FADE_S * rate))
    for start, end in merge_spans(spans):
        i, j = max(0, int(np.floor(start * rate))), min(n, int(np.ceil(end * rate)))
        if j <= i:
            continue
        if mode == "silence":
            out[i:j] = 0
            continue
        t = np.arange(i, j) / rate
        tone = level * np.sin(2 * np.pi * tone_hz * t)
        ramp = np.minimum(1.0, np.minimum(np.arange(j - i) + 1, np.arange(j - i, 0, -1)) / fade)
        out[i:j] = (tone * ramp).astype(out.dtype)
    return out
