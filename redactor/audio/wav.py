"""Write PCM16 WAV files (any channel count, any rate) atomically."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """(channels, frames) float in [-1, 1] → interleaved int16 (frames, channels)."""
    x = np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767)
    return np.ascontiguousarray(x.astype(np.int16).T)


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """Write (channels, frames) float samples as PCM16; a partial file never remains."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    pcm = to_pcm16(samples)
    try:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(pcm.shape[1])
            w.setsampwidth(2)
            w.setframerate(int(rate))
            w.writeframes(pcm.tobytes())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
