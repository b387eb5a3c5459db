"""Resampling with soxr (high quality, one shot for recorded audio)."""

from __future__ import annotations

import numpy as np

ASR_RATE = 16000


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """One channel of float samples at ``rate`` → float32 at 16 kHz for the ASR engine."""
    import soxr

    x = np.asarray(samples, dtype=np.float32)
    if rate == ASR_RATE:
        return x
    return soxr.resample(x, rate, ASR_RATE, quality="HQ").astype(np.float32, copy=False)
