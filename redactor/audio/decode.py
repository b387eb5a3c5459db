"""Decode any file PyAV reads into float32 samples, keeping channel layout and sample rate.

Three ways in, one decoding loop (``iter_blocks``):

- ``decode_file``: the whole file as one (channels, frames) array (short files, tests);
- ``decode_channel``: one channel, resampled to 16 kHz for the speech model, written into one
  preallocated array (a long call never holds its other channels or its source-rate copy);
- ``probe_file``: rate, channels and length without keeping any samples, and whether the
  file is truncated (``truncated_audio``: its header promises more audio than it holds).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

Source = str | Path | BinaryIO | bytes

# A file that ends this much (seconds) before its declared length is reported as truncated.
TRUNCATION_TOLERANCE_S = 0.1


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


@dataclass(slots=True)
class AudioInfo:
    """What ``probe_file`` learnt by decoding a file without keeping its samples.

    ``warnings``: JSON-ready dicts ``{"kind", "message", ...}`` (``truncated_audio``).
    """

    sample_rate: int
    channels: int
    frames: int
    warnings: list[dict] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate


def _name_and_input(source: Source, name: str | None) -> tuple[str, str | BinaryIO]:
    if isinstance(source, bytes):
        return name or "<stream>", io.BytesIO(source)
    if isinstance(source, str | Path):
        return name or Path(source).name, str(source)
    return name or "<stream>", source


class _Stream:
    """An open audio stream: its rate and channel count, then its blocks."""

    def __init__(self, source: Source, name: str | None) -> None:
        import av  # imported lazily: worker processes that never decode don't pay for it

        self.name, target = _name_and_input(source, name)
        self._av = av
        try:
            self.container = av.open(target, metadata_errors="ignore")
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            raise AudioError(f"{self.name}: cannot decode audio ({type(exc).__name__})") from None
        if not self.container.streams.audio:
            self.container.close()
            raise AudioError(f"{self.name}: no audio stream")
        self.stream = self.container.streams.audio[0]
        self.rate = int(self.stream.codec_context.sample_rate or self.stream.rate)
        self.channels = int(self.stream.codec_context.channels or 1)

    def declared_seconds(self) -> float | None:
        """The length the container declares (``None`` when it does not say)."""
        s = self.stream
        if s.duration is not None and s.time_base is not None:
            return float(s.duration * s.time_base)
        if self.container.duration is not None:
            return self.container.duration / 1_000_000
        return None

    def blocks(self) -> Iterator[np.ndarray]:
        """(channels, n) float32 blocks, in order; closes the file at the end."""
        av = self._av
        try:
            resampler = av.AudioResampler(format="fltp", layout=self.stream.layout, rate=self.rate)
            for frame in self.container.decode(self.stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    yield out.to_ndarray()[: self.channels]
            for out in resampler.resample(None):
                yield out.to_ndarray()[: self.channels]
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            raise AudioError(f"{self.name}: cannot decode audio ({type(exc).__name__})") from None
        finally:
            self.container.close()


def iter_blocks(source: Source, name: str | None = None) -> tuple[int, int, Iterator[np.ndarray]]:
    """``(sample_rate, channels, blocks)``: the file as float32 (channels, n) blocks in order."""
    stream = _Stream(source, name)
    return stream.rate, stream.channels, stream.blocks()


def decode_file(source: Source, name: str | None = None) -> DecodedAudio:
    """Decode the first audio stream of a file (path, bytes or file object) to planar float32.

    ``name`` is used in error messages (default: the path's file name).
    """
    stream = _Stream(source, name)
    chunks = list(stream.blocks())
    if not chunks or not sum(c.shape[1] for c in chunks):
        raise AudioError(f"{stream.name}: no audio samples")
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    return DecodedAudio(np.ascontiguousarray(samples), stream.rate)


class _Growing:
    """A float32 array filled block by block: preallocated from an estimate, no final copy."""

    def __init__(self, estimate: int) -> None:
        self.data = np.empty(max(estimate, 0), dtype=np.float32)
        self.size = 0
        self.overflow: list[np.ndarray] = []

    def append(self, x: np.ndarray) -> None:
        if self.overflow or self.size + x.size > self.data.size:
            self.overflow.append(np.array(x, dtype=np.float32))
            return
        self.data[self.size : self.size + x.size] = x
        self.size += x.size

    def result(self) -> np.ndarray:
        if self.overflow:  # the estimate was short (a container that under-declares)
            return np.concatenate([self.data[: self.size], *self.overflow])
        self.data.resize(self.size, refcheck=False)  # shrinks in place: no second copy
        return self.data


class ChannelReader:
    """Channel ``index`` of a file as float32 mono blocks, resampled to ``rate`` while decoding
    (soxr HQ, streaming: bit-identical to resampling the whole channel at once).

    Iterate once; ``frames`` then holds the file's length in source samples. Neither the
    other channels nor the source-rate channel is ever held whole.
    """

    def __init__(self, source: Source, index: int, rate: int | None = None,
                 name: str | None = None) -> None:
        self.stream = _Stream(source, name)
        if not 0 <= index < self.stream.channels:
            self.stream.container.close()
            raise AudioError(f"{self.stream.name}: no channel {index}")
        self.index = index
        self.rate = rate or self.stream.rate
        self.frames = 0

    def __iter__(self) -> Iterator[np.ndarray]:
        import soxr

        stream = self.stream
        resampler = (
            None if self.rate == stream.rate
            else soxr.ResampleStream(stream.rate, self.rate, 1, dtype="float32", quality="HQ")
        )
        for block in stream.blocks():
            self.frames += block.shape[1]
            x = np.ascontiguousarray(block[self.index])
            yield x if resampler is None else resampler.resample_chunk(x)
        if resampler is not None:
            yield resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
        if not self.frames:
            raise AudioError(f"{stream.name}: no audio samples")


def decode_channel(source: Source, index: int, rate: int | None = None,
                   name: str | None = None) -> tuple[np.ndarray, int]:
    """``(samples, source frames)``: channel ``index`` of a file as one float32 mono array
    (``ChannelReader``), written into one preallocated array. ``rate=None``: the source rate."""
    reader = ChannelReader(source, index, rate, name)
    declared = reader.stream.declared_seconds()
    out = _Growing(int(declared * reader.rate) + reader.rate if declared else 60 * reader.rate)
    for block in reader:
        out.append(block)
    return out.result(), reader.frames


def probe_file(source: Source, name: str | None = None) -> AudioInfo:
    """Rate, channels and decoded length of a file, keeping no samples; flags truncation."""
    stream = _Stream(source, name)
    declared = stream.declared_seconds()
    frames = sum(block.shape[1] for block in stream.blocks())
    if not frames:
        raise AudioError(f"{stream.name}: no audio samples")
    info = AudioInfo(stream.rate, stream.channels, frames)
    decoded = frames / stream.rate
    promised = max(filter(None, (declared, _wav_declared_seconds(source))), default=None)
    if promised is not None and promised - decoded > TRUNCATION_TOLERANCE_S:
        info.warnings.append({
            "kind": "truncated_audio",
            "message": f"truncated: the file ends at {decoded:.2f} s but declares "
                       f"{promised:.2f} s of audio",
            "declared_duration": round(promised, 3),
            "decoded_duration": round(decoded, 3),
        })
    return info


def _wav_declared_seconds(source: Source) -> float | None:
    """The length a RIFF/WAVE header declares (its ``data`` size), ``None`` if not a WAV.

    FFmpeg trims a WAV's length to the bytes present, so a file cut short is only visible
    by reading the header itself.
    """
    try:
        if isinstance(source, bytes):
            head = source[:65536]
        elif isinstance(source, str | Path):
            with open(source, "rb") as f:
                head = f.read(65536)
        else:
            return None
    except OSError:
        return None
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
        return None
    endian = "<" if head[:4] == b"RIFF" else ">"
    pos, byte_rate = 12, 0
    while pos + 8 <= len(head):
        chunk, size = head[pos : pos + 4], struct.unpack(endian + "I", head[pos + 4 : pos + 8])[0]
        if chunk == b"fmt " and pos + 16 <= len(head):
            byte_rate = struct.unpack(endian + "I", head[pos + 16 : pos + 20])[0]
        if chunk == b"data":
            if not byte_rate or size in (0, 0xFFFFFFFF):  # streaming writers leave it unknown
                return None
            return size / byte_rate
        pos += 8 + size + (size & 1)
    return None



def audio_format(source: Source, name: str | None = None) -> tuple[int, int, float | None]:
    """``(sample_rate, channels, declared seconds or None)`` of a file, from its header."""
    stream = _Stream(source, name)
    declared = stream.declared_seconds()
    stream.container.close()
    return stream.rate, stream.channels, declared
