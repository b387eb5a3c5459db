"""Output writers: JSON, SRT, WebVTT (masked text only) and the redacted WAV.

Every file is written to a hidden temporary name in the output directory and renamed into
place, so an interrupted run never leaves a partial output behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from redactor.audio.bleep import bleep
from redactor.audio.decode import DecodedAudio
from redactor.audio.wav import write_wav
from redactor.batch.pipeline import BatchOptions, CallResult

FORMATS = ("json", "srt", "vtt", "wav")


def _atomic_text(path: Path, text: str, mode: int | None = None) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        if mode is not None:
            tmp.chmod(mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(call: CallResult) -> str:
    cues = []
    for i, seg in enumerate(call.segments, 1):
        cues.append(
            f"{i}\n{_clock(seg.start, ',')} --> {_clock(seg.end, ',')}\n"
            f"[{seg.channel}] {seg.text}\n"
        )
    return "\n".join(cues)


def to_vtt(call: CallResult) -> str:
    cues = ["WEBVTT\n"]
    for seg in call.segments:
        cues.append(
            f"{_clock(seg.start, '.')} --> {_clock(seg.end, '.')}\n<v {seg.channel}>{seg.text}\n"
        )
    return "\n".join(cues)


def redact_audio(audio: DecodedAudio, call: CallResult, options: BatchOptions):
    """The input samples with every entity span of each channel bleeped."""
    spans = call.spans_by_channel()
    out = audio.samples.copy()
    for index in range(audio.channels):
        channel = options.channel_name(index, audio.channels)
        if spans.get(channel):
            out[index] = bleep(out[index], audio.sample_rate, spans[channel], mode=options.bleep)
    return out


def write_call(
    out_dir: Path,
    stem: str,
    call: CallResult,
    audio: DecodedAudio | Callable[[], DecodedAudio],
    options: BatchOptions,
) -> list[Path]:
    """Write the requested formats for one call; returns the paths written."""
    written: list[Path] = []
    if "json" in options.formats:
        path = out_dir / f"{stem}.json"
        _atomic_text(path, json.dumps(call.to_json(), ensure_ascii=False, indent=1) + "\n")
        written.append(path)
    if "srt" in options.formats:
        path = out_dir / f"{stem}.srt"
        _atomic_text(path, to_srt(call))
        written.append(path)
    if "vtt" in options.formats:
        path = out_dir / f"{stem}.vtt"
        _atomic_text(path, to_vtt(call))
        written.append(path)
    if "wav" in options.formats:
        decoded = audio() if callable(audio) else audio
        path = out_dir / f"{stem}.redacted.wav"
        write_wav(path, redact_audio(decoded, call, options), decoded.sample_rate)
        written.append(path)
    if options.write_unmasked:
        path = out_dir / f"{stem}.unmasked.json"
        raw = [
            {"channel": s.channel, "start": round(s.start, 2), "end": round(s.end, 2),
             "text": s.unmasked}
            for s in call.segments
        ]
        _atomic_text(path, json.dumps(raw, ensure_ascii=False, indent=1) + "\n", mode=0o600)
        written.append(path)
    return written
