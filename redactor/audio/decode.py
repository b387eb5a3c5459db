"""Decode any file PyAV reads into float32 samples, keeping channel layout and sample rate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np


class AudioError(RuntimeError):
    """A file could not be decoded as audio (the message names the file, never its content)."""


@dataclass(slots=True)
class DecodedAudio:
    """``samples`` is float32 of shape (channels, frames) in [-1, 1]."""

    samples: np.ndarray
    sample_rate: int

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / self.sample_rate


def decode_file(source: str | Path | BinaryIO, name: str | None = None) -> DecodedAudio:
    """Decode the first audio stream of a file (path or file object) to planar float32.

    ``name`` is used in error messages (default: the path's file name).
    """
    import av  # imported lazily: worker processes that never decode don't pay for it

    if isinstance(source, str | Path):
        name = name or Path(source).name
        source = str(source)
    name = name or "<stream>"
    try:
        with av.open(source, metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{name}: no audio stream")
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate or stream.rate
            channels = stream.codec_context.channels or 1
            resampler = av.AudioResampler(format="fltp", layout=stream.layout, rate=rate)
            chunks: list[np.ndarray] = []
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
    except AudioError:
        raise
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise AudioError(f"{name}: cannot decode audio ({type(exc).__name__})") from None
    if not chunks:
        raise AudioError(f"{name}: no audio samples")
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    if samples.shape[0] != channels:
        samples = samples[:channels]
    return DecodedAudio(np.ascontiguousarray(samples), int(rate))
