"""Map entity character spans of an utterance's text to audio time through word timestamps."""

from __future__ import annotations

from collections.abc import Sequence

from redactor.asr.engine import Word


def char_span_to_time(
    words: Sequence[Word],
    start: int,
    end: int,
    *,
    pad: float,
    utterance: tuple[float, float],
    duration: float,
) -> tuple[float, float]:
    """Audio span ``(t0, t1)`` covering characters ``[start, end)`` of ``"".join(words)``.

    Every word that overlaps the character span counts; the span is widened by ``pad`` on
    each side (word timings from Whisper are approximate) and clipped to the audio. With no
    word timings, the utterance's time is interpolated by character position.
    """
    t0, t1, pos = None, None, 0
    for w in words:
        w_end = pos + len(w.text)
        if w_end > start and pos < end:
            t0 = w.start if t0 is None else min(t0, w.start)
            t1 = w.end if t1 is None else max(t1, w.end)
        pos = w_end
    if t0 is None or t1 is None:
        u0, u1 = utterance
        total = max(1, pos)
        t0 = u0 + (u1 - u0) * start / total
        t1 = u0 + (u1 - u0) * end / total
    return max(0.0, t0 - pad), min(duration, max(t1, t0) + pad)
