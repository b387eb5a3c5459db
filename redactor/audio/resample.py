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


class StreamResampler:
    """Stateful resampling of one live channel to 16 kHz (no clicks at chunk edges)."""

    def __init__(self, rate: int) -> None:
        import soxr

        self.rate = rate
        self._stream = None if rate == ASR_RATE else soxr.ResampleStream(rate, ASR_RATE, 1, dtype="float32",
                                                                         quality="HQ")

    def push(self, samples: np.ndarray, *, last: bool = False) -> np.ndarray:
        x = np.asarray(samples, dtype=np.float32)
        if self._stream is None:
            return x
        return self._stream.resample_chunk(x, last=last)
