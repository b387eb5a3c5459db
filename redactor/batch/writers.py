"""Output writers: JSON, SRT, WebVTT (masked text only) and the redacted WAV.

Every file is written to a hidden temporary name in the output directory and renamed into
place, so an interrupted run never leaves a partial output behind; a call's JSON is written last.

Names: input ``NAME.ext`` gives ``NAME.json``, ``NAME.redacted.wav``, ``NAME.srt``,
``NAME.vtt``; when two inputs of one run share a stem (``a.mp3``, ``a.wav``) each keeps its
extension (``a.mp3.json``, ``a.wav.json``), and inputs that would still collide (the same file
name in two folders) get ``-2``, ``-3`` … in input order (``output_names``).

Subtitles: players read ``<PERSON>`` as a markup tag and hide it, so SRT and VTT show each
placeholder as a Japanese bracket label (［お名前］, ［電話番号］; the labels of
``redactor.policy.catalogue.TYPE_LABELS``, custom types keep their name); any other ``<``,
``>`` left in the text is escaped (VTT: ``&lt;`` ``&gt;`` ``&amp;``; SRT, which has no
escapes: full-width ＜ ＞).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from redactor.audio.bleep import bleep_into, merge_spans
from redactor.audio.decode import Source, iter_blocks
from redactor.audio.wav import write_wav_blocks
from redactor.batch.pipeline import BatchOptions, CallResult, Segment
from redactor.policy.catalogue import label_for

FORMATS = ("json", "srt", "vtt", "wav")


class OutputExists(FileExistsError):
    """An output of an input is already there and ``--overwrite`` was not given."""


def output_names(sources: Sequence[Path]) -> list[str]:
    """The NAME of each input's outputs (see the module docstring): unique within a run."""
    stems = [Path(s).stem for s in sources]
    shared = {s for s in stems if stems.count(s) > 1}
    names = [Path(src).name if stem in shared else stem for src, stem in zip(sources, stems, strict=True)]
    every, taken, out = set(names), set(), []
    for name in names:
        unique, k = name, 1
        while unique in taken or (unique != name and unique in every):
            k += 1
            unique = f"{name}-{k}"
        taken.add(unique)
        out.append(unique)
    return out


def output_paths(out_dir: Path, name: str, options: BatchOptions) -> list[Path]:
    """Every file ``write_call`` writes for an input, in the order it writes them."""
    suffixes = {"json": ".json", "srt": ".srt", "vtt": ".vtt", "wav": ".redacted.wav"}
    paths = [out_dir / f"{name}{suffixes[f]}" for f in FORMATS if f in options.formats]
    if options.write_unmasked:
        paths.append(out_dir / f"{name}.unmasked.json")
    return paths


def check_outputs(out_dir: Path, name: str, options: BatchOptions) -> None:
    """Raise ``OutputExists`` naming the first output already present (unless overwriting)."""
    if options.overwrite:
        return
    for path in output_paths(out_dir, name, options):
        if path.exists() or path.is_symlink():
            raise OutputExists(f"{path} already exists (use --overwrite to replace it)")


def _atomic_text(path: Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, created new with its final
    mode (an unmasked transcript is never readable by others, not even for a moment) and never
    through a link someone left at the temporary name."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)  # a stale file or a planted link: O_EXCL below refuses both
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644 if mode is None else mode)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def labelled(seg: Segment) -> list[tuple[str, bool]]:
    """The masked text as runs ``(text, is_label)``: each ``<TYPE>`` placeholder → ［ラベル］.

    Only spans that are exactly the default placeholder become labels; what another operator
    wrote (``****-1111``, ``<PHONE_NUMBER:…>``) stays as it is (and is escaped by the caller).
    """
    runs: list[tuple[str, bool]] = []
    pos = 0
    for e in sorted(seg.entities, key=lambda e: e.start):
        if e.start < pos or seg.text[e.start : e.end] != f"<{e.type}>":
            continue
        runs += [(seg.text[pos : e.start], False), (f"［{label_for(e.type)}］", True)]
        pos = e.end
    runs.append((seg.text[pos:], False))
    return [(text, is_label) for text, is_label in runs if text]


def _one_line(text: str) -> str:
    return " ".join(text.split())  # a blank line would end the cue


def srt_text(seg: Segment) -> str:
    return _one_line("".join(t if lab else t.replace("<", "＜").replace(">", "＞") for t, lab in labelled(seg)))


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt_text(seg: Segment) -> str:
    return _one_line("".join(t if lab else _vtt_escape(t) for t, lab in labelled(seg)))


def to_srt(call: CallResult) -> str:
    cues = []
    for i, seg in enumerate(call.segments, 1):
        channel = seg.channel.replace("<", "＜").replace(">", "＞")
        cues.append(
            f"{i}\n{_clock(seg.start, ',')} --> {_clock(seg.end, ',')}\n"
            f"[{channel}] {srt_text(seg)}\n"
        )
    return "\n".join(cues)


def to_vtt(call: CallResult) -> str:
    cues = ["WEBVTT\n"]
    for seg in call.segments:
        cues.append(
            f"{_clock(seg.start, '.')} --> {_clock(seg.end, '.')}\n"
            f"<v {_vtt_escape(seg.channel)}>{vtt_text(seg)}\n"
        )
    return "\n".join(cues)


def redacted_blocks(source: Source, name: str, call: CallResult, options: BatchOptions,
                    frames: int) -> tuple[int, int, Iterator[np.ndarray]]:
    """``(rate, channels, blocks)``: the input decoded again block by block, each entity span
    of each channel bleeped (constant memory; same samples as bleeping whole channels)."""
    rate, channels, blocks = iter_blocks(source, name)
    spans = call.spans_by_channel()
    merged = {
        index: merge_spans(spans[channel])
        for index in range(channels)
        if spans.get(channel := options.channel_name(index, channels))
    }

    def gen() -> Iterator[np.ndarray]:
        offset = 0
        for block in blocks:
            if merged:
                block = np.array(block, copy=True)
                for index, spans_of in merged.items():
                    bleep_into(block[index], rate, spans_of, offset=offset, total=frames,
                               mode=options.bleep)
            offset += block.shape[1]
            yield block

    return rate, channels, gen()


def write_call(
    out_dir: Path,
    name: str,
    call: CallResult,
    source: Source,
    options: BatchOptions,
    frames: int,
) -> list[Path]:
    """Write the requested formats for one call; returns the paths written.

    ``name`` is the outputs' NAME (``output_names``), ``source`` the input (decoded again,
    block by block, for the redacted WAV) and ``frames`` its length in samples. Refuses
    (``OutputExists``, nothing written) when an output exists, unless ``options.overwrite``.
    """
    check_outputs(out_dir, name, options)
    written: list[Path] = []
    # Overwriting: the old set's JSON says "complete" until the new one is; gone first, an interrupted
    # rewrite cannot leave an old complete marker beside a half-new set (review18 L8).
    marker = out_dir / f"{name}.json"
    if marker in output_paths(out_dir, name, options):
        marker.unlink(missing_ok=True)
    try:
        _write_formats(out_dir, name, call, source, options, frames, written)
    except BaseException:
        # Interrupted (SIGTERM, a full disk) between two formats: no part of the set stays, so a
        # rerun redoes the file instead of refusing its first outputs as existing.
        for path in written:
            with contextlib.suppress(OSError):  # what stands there may be no file (a folder): the first error counts
                path.unlink(missing_ok=True)
        raise
    return written


def _write_formats(out_dir: Path, name: str, call: CallResult, source: Source, options: BatchOptions,
                   frames: int, written: list[Path]) -> None:
    """``write_call``'s formats, each appended to ``written`` as it is begun."""
    # The JSON last: present, it says the set is complete.
    for path in sorted(output_paths(out_dir, name, options), key=lambda p: p.name == f"{name}.json"):
        written.append(path)  # before it is written: an interruption while writing removes it too
        kind = path.name[len(name):]
        if kind == ".json":
            _atomic_text(path, json.dumps(call.to_json(), ensure_ascii=False, indent=1) + "\n")
        elif kind == ".srt":
            _atomic_text(path, to_srt(call))
        elif kind == ".vtt":
            _atomic_text(path, to_vtt(call))
        elif kind == ".redacted.wav":
            rate, channels, blocks = redacted_blocks(source, call.source, call, options, frames)
            write_wav_blocks(path, blocks, rate, channels)
        elif kind == ".unmasked.json":
            raw = [
                {"channel": s.channel, "start": round(s.start, 2), "end": round(s.end, 2),
                 "text": s.unmasked}
                for s in call.segments
            ]
            _atomic_text(path, json.dumps(raw, ensure_ascii=False, indent=1) + "\n", mode=0o600)
