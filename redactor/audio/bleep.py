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
    out = np.array(samples, copy=True)
    bleep_into(out, rate, merge_spans(spans), offset=0, total=out.shape[-1], mode=mode,
               tone_hz=tone_hz, level=level)
    return out


def bleep_into(
    block: np.ndarray,
    rate: int,
    merged: Iterable[tuple[float, float]],
    *,
    offset: int,
    total: int,
    mode: str = "tone",
    tone_hz: float = TONE_HZ,
    level: float = TONE_LEVEL,
) -> None:
    """Bleep, in place, the part of ``merged`` spans (``merge_spans``) that falls in ``block``.

    ``block`` holds samples ``offset`` … ``offset + len(block)`` of a channel of ``total``
    samples: a long file is bleeped block by block with exactly the samples ``bleep`` gives
    the whole channel (the tone's phase and fades are computed from absolute positions).
    """
    if mode not in ("tone", "silence"):
        raise ValueError(f"unknown bleep mode {mode!r}")
    n = block.shape[-1]
    fade = max(1, int(FADE_S * rate))
    for start, end in merged:
        i, j = max(0, int(np.floor(start * rate))), min(total, int(np.ceil(end * rate)))
        a, b = max(i, offset), min(j, offset + n)
        if b <= a:
            continue
        if mode == "silence":
            block[a - offset : b - offset] = 0
            continue
        g = np.arange(a, b)
        tone = level * np.sin(2 * np.pi * tone_hz * (g / rate))
        ramp = np.minimum(1.0, np.minimum(g - i + 1, j - g) / fade)
        block[a - offset : b - offset] = (tone * ramp).astype(block.dtype)
