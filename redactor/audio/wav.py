"""Write PCM16 WAV files (any channel count, any rate) atomically."""

from __future__ import annotations

import os
import wave
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """(channels, frames) float in [-1, 1] → interleaved int16 (frames, channels)."""
    x = np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767)
    return np.ascontiguousarray(x.astype(np.int16).T)


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """Write (channels, frames) float samples as PCM16; a partial file never remains."""
    write_wav_blocks(path, [samples], rate, int(np.shape(samples)[0]))


def write_wav_blocks(path: str | Path, blocks: Iterable[np.ndarray], rate: int, channels: int) -> None:
    """Write (channels, n) float blocks, in order, as one PCM16 file (constant memory).

    The file is written under a hidden temporary name and renamed into place at the end: a
    partial file never remains, even if ``blocks`` raises.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(int(rate))
            for block in blocks:
                w.writeframes(to_pcm16(block).tobytes())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
