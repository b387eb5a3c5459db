"""The batch pipeline for one call: channel task (ASR + PII) and call assembly.

The unit of work is one call (``transcribe_call``): it runs in a worker process or a Ray
actor that holds the shared speech model and the PII ``Redactor``, and it returns only
masked text, entity positions and audio times. The unmasked transcript exists
in that worker's memory only, unless ``BatchOptions.write_unmasked`` explicitly asks for it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from redactor.asr.options import AsrOptions
from redactor.audio.decode import DecodedAudio, decode_file
from redactor.conversation import Turn

if TYPE_CHECKING:
    from redactor.asr.engine import Utterance
    from redactor.engine import Engine


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What a batch run does with each call.

    Attributes:
      asr: speech engine options.
      channels: names of channels 0, 1, ... of a multi-channel file (agent first by default).
      mono_channel: the name of the only channel of a mono file.
      formats: outputs among json, srt, vtt, wav.
      bleep: ``tone`` or ``silence`` over PII spans in the redacted WAV.
      pad_s: seconds added on each side of an entity's word timings.
      policy: the calls' purpose policy (for warnings).
      write_unmasked: ALSO write ``NAME.unmasked.json`` with the raw transcript (explicit,
        off by default: it contains the PII this tool exists to remove).
      config: path of the TOML configuration (``None``: the defaults).
      entities: entity types to mask (``None``: all the configuration knows).
      score_threshold: minimum score to mask (``None``: the configuration's).
      audio_redaction: ``entity`` (the spoken value and its slot) or ``utterance`` (every
        utterance that carries PII) in the redacted WAV.
      overwrite: replace existing outputs (without it an input whose output exists is refused).
    """

    asr: AsrOptions = field(default_factory=AsrOptions)
    channels: tuple[str, ...] = ("agent", "customer")
    mono_channel: str = "mixed"
    formats: tuple[str, ...] = ("json", "wav")
    bleep: str = "tone"
    pad_s: float = 0.2
    policy: str | None = None
    write_unmasked: bool = False
    config: str | None = None
    entities: tuple[str, ...] | None = None
    score_threshold: float | None = None
    audio_redaction: str = "entity"
    overwrite: bool = False

    def channel_name(self, index: int, count: int) -> str:
        if count == 1:
            return self.mono_channel
        return self.channels[index] if index < len(self.channels) else f"channel{index}"


@dataclass(slots=True)
class EntitySpan:
    """An entity in a masked segment: ``start/end`` index the masked text."""

    type: str
    start: int
    end: int
    audio_start: float
    audio_end: float
    score: float = 0.0


@dataclass(slots=True)
class Segment:
    """One masked utterance of one channel."""

    channel: str
    start: float
    end: float
    text: str
    entities: list[EntitySpan] = field(default_factory=list)
    unmasked: str | None = None  # only with BatchOptions.write_unmasked
    # Audio silenced with no entity to show for it: an answer to a question for PII that
    # speech recognition garbled beyond recognition (``Turn.garbled_answer``).
    silenced: tuple[float, float] | None = None

    def to_json(self) -> dict:
        extra = {"silenced": [round(self.silenced[0], 2), round(self.silenced[1], 2)]} if self.silenced else {}
        return {
            "channel": self.channel,
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "text": self.text,
            **extra,
            "entities": [
                {
                    "type": e.type,
                    "start": e.start,
                    "end": e.end,
                    "audio_start": round(e.audio_start, 2),
                    "audio_end": round(e.audio_end, 2),
                }
                for e in self.entities
            ],
        }


# ------------------------------------------------------------------ worker-side state

_state: dict[tuple, tuple[object, object]] = {}


def worker_state(options: BatchOptions):
    """``(SpeechEngine, Engine)`` of this process for these options, created once."""
    key = (options.asr, options.config, options.entities, options.score_threshold)
    if key not in _state:
        from redactor.asr.engine import SpeechEngine
        from redactor.engine import build_engine

        _state[key] = (SpeechEngine(options.asr),
                       build_engine(options.config, entities=options.entities,
                                    score_threshold=options.score_threshold))
    return _state[key]


def decode_source(source: str | Path | bytes, name: str) -> DecodedAudio:
    """Decode a path, or the bytes of a file (Ray workers on other machines get bytes)."""
    if isinstance(source, bytes):
        return decode_file(io.BytesIO(source), name=name)
    return decode_file(source)


# ------------------------------------------------------------------ call audio, settings (#9, #11)


class CallAudio:
    """A call's audio for the worker: one channel at a time, decoded straight to 16 kHz and
    handed to the speech engine in pieces of at most ~10 minutes (``speech_pieces``).

    A 1-hour stereo call never holds more than one piece of one channel at 16 kHz, nor any
    source-rate copy (#11). ``progress_of(index)`` turns the speech engine's position in
    channel ``index`` into increments of call seconds (each of C channels is 1/C of the call).
    """

    def __init__(self, source: str | Path | bytes, name: str,
                 progress: Callable[[float], None] | None = None) -> None:
        from redactor.audio.decode import audio_format

        self.source, self.name, self.progress = source, name, progress
        self.sample_rate, self.channels, self.declared = audio_format(source, name)
        self.frames: int | None = None
        self._done = [0.0] * self.channels  # call seconds reported per channel

    @property
    def duration(self) -> float:
        """The decoded length (known once a channel has been read; before: the declared one)."""
        if self.frames is None:
            return self.declared or 0.0
        return self.frames / self.sample_rate

    def pieces_16k(self, index: int) -> Iterator[tuple[int, np.ndarray]]:
        """``(offset in samples, samples)`` pieces of channel ``index`` at 16 kHz, in order."""
        from redactor.audio.decode import ChannelReader
        from redactor.audio.resample import ASR_RATE

        for done in range(index):  # the channels before this one are finished
            self._advance(done, math.inf)
        reader = ChannelReader(self.source, index, ASR_RATE, self.name)
        yield from speech_pieces(reader, ASR_RATE)
        self.frames = reader.frames

    def progress_of(self, index: int) -> Callable[[float], None] | None:
        if self.progress is None:
            return None
        return lambda seconds: self._advance(index, seconds)

    def _advance(self, index: int, seconds: float) -> None:
        if self.progress is None:
            return
        share = min(seconds, self.duration) / self.channels
        if share > self._done[index]:
            self.progress(share - self._done[index])
            self._done[index] = share


# The speech engine sees at most this much of a channel at once: faster-whisper runs the VAD
# encoder on up to 320 s at a time and computes the features of all the speech it is given in
# one go (an hour: gigabytes; 600-s pieces: +0.35 GB peaks; 120 s: small), #11.
PIECE_S = 120.0
CUT_SEARCH_S = 15.0  # a piece ends at the quietest half second this close to PIECE_S


def speech_pieces(blocks: Iterable[np.ndarray], rate: int = 16000, piece_s: float = PIECE_S,
                  search_s: float = CUT_SEARCH_S) -> Iterator[tuple[int, np.ndarray]]:
    """``(offset, samples)``: a channel, arriving as blocks, in pieces of about ``piece_s``.

    A piece is cut at the quietest half second within ``search_s`` of its target (a pause,
    not a word), as soon as more than ``piece_s + search_s`` has arrived; the rest is the last
    piece. A channel no longer than ``piece_s + search_s`` is one piece (every sample call:
    the speech engine sees exactly what it saw before).
    """
    step, search = int(piece_s * rate), int(search_s * rate)
    frame = rate // 20  # 50 ms
    cap = step + search + 1  # one sample more than a piece may hold: then it is cut
    buf, size, offset = np.empty(cap, dtype=np.float32), 0, 0
    for block in blocks:
        pos = 0
        while pos < block.size:
            take = min(block.size - pos, cap - size)
            buf[size : size + take] = block[pos : pos + take]
            size, pos = size + take, pos + take
            if size < cap:
                continue
            window = buf[step - search : step + search]
            energy = np.square(window[: window.size // frame * frame]).reshape(-1, frame).mean(axis=1)
            smooth = np.convolve(energy, np.ones(10) / 10, mode="same")  # half a second
            cut = step - search + int(np.argmin(smooth)) * frame + frame // 2
            rest = np.empty(cap, dtype=np.float32)  # pages are touched as the next piece arrives
            rest[: size - cut] = buf[cut:size]
            piece, start = buf[:cut], offset
            buf, size, offset = rest, size - cut, offset + cut
            del window
            yield start, piece
            del piece
    if size:
        buf.resize(size, refcheck=False)
        yield offset, buf


def transcribe_long(speech, pieces: Iterable[tuple[int, np.ndarray]],
                    progress: Callable[[float], None] | None = None) -> list[Utterance]:
    """``speech.transcribe`` of each piece of a channel (``CallAudio.pieces_16k``), utterance
    and word times moved back to the channel's clock."""
    from dataclasses import replace

    from redactor.audio.resample import ASR_RATE

    out = []
    for start, samples in pieces:
        offset = start / ASR_RATE

        def moved(seconds: float, offset: float = offset) -> None:
            progress(offset + seconds)

        for utt in speech.transcribe(samples, moved if progress is not None else None):
            if offset:
                words = [replace(w, start=w.start + offset, end=w.end + offset) for w in utt.words]
                utt = replace(utt, start=utt.start + offset, end=utt.end + offset, words=words)
            out.append(utt)
        del samples
        _release_freed_memory()
    return out


def _release_freed_memory() -> None:
    """Give the C heap's freed pages back to the system (glibc keeps the ASR's transient
    buffers otherwise, and a long call's RSS creeps up piece after piece)."""
    import ctypes
    import sys
    from contextlib import suppress

    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):  # not glibc (musl): nothing to do
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def settings_of(options: BatchOptions, engine) -> dict:
    """The JSON's ``settings``: model, policy, entities, operators, audio_redaction, version
    (CONTRACTS.md, second round), from the options and the worker's loaded engine."""
    import os
    from importlib.metadata import PackageNotFoundError, version

    from redactor.asr.models import DEFAULT_MODEL

    try:
        release = version("redactor")
    except PackageNotFoundError:
        release = "unknown"
    return {
        "model": options.asr.model or os.environ.get("REDACTOR_ASR_MODEL") or DEFAULT_MODEL,
        **engine.settings(options.policy),
        "audio_redaction": options.audio_redaction,
        "version": release,
    }


def transcribe_call(
    source: str | Path | bytes, name: str, options: BatchOptions,
    progress: Callable[[float], None] | None = None,
) -> CallResult:
    """ASR of every channel, then PII redaction of all utterances in time order (a worker).

    The PII engine sees the conversation turn by turn across channels, so an answer inherits
    the cue of the other side's question (agent: 生年月日は? customer: 昭和58年…).
    Only masked text leaves this function (unless ``write_unmasked``).
    ``progress(seconds)`` receives increments of call audio processed (``CallAudio``).
    """
    audio = CallAudio(source, name, progress)  # one channel at a time, straight to 16 kHz (#11)
    speech, engine = worker_state(options)
    turns = []
    for index in range(audio.channels):
        channel = options.channel_name(index, audio.channels)
        for utt in transcribe_long(speech, audio.pieces_16k(index), audio.progress_of(index)):
            turns.append((utt.start, index, channel, utt))
    turns.sort(key=lambda t: (t[0], t[1]))
    segments, warnings = redact_turns(engine, name, [(c, u) for _s, _i, c, u in turns], audio.duration, options)
    return CallResult(name, audio.duration, segments, warnings, audio.channels,
                      settings=settings_of(options, engine))


def redact_turns(engine: Engine, name: str, turns: Sequence[tuple[str, Utterance]], duration: float,
                 options: BatchOptions) -> tuple[list[Segment], list[dict]]:
    """Redact a call's ``(channel, utterance)`` turns, in time order, through one ``Conversation``."""
    conversation = engine.conversation(name, options.policy)
    warnings: list[dict] = []
    segments = []
    counts: dict[str, int] = {}
    for channel, utt in turns:
        counts[channel] = counts.get(channel, 0) + 1
        try:
            turn = conversation.turn(utt.text, channel, start=utt.start, end=utt.end,
                                     segment_id=f"{channel}-{counts[channel]}", words=utt.words)
        except Exception as exc:  # never let a transcript travel in an exception
            raise RuntimeError(
                f"{name}: PII engine failed on a {channel} utterance at {utt.start:.1f} s "
                f"({type(exc).__name__})"
            ) from None
        warnings += [w.to_json() for w in turn.warnings]
        segments.append(_segment(utt, turn, channel, duration, options))
    return segments, warnings


def _segment(utt: Utterance, turn: Turn, channel: str, duration: float, options: BatchOptions) -> Segment:
    """A masked segment; each entity's audio time covers its spoken value and slot
    (``Turn.audio_spans``), or the whole utterance with ``audio_redaction="utterance"``."""
    from redactor.batch.align import char_span_to_time

    whole = _outward(utt.start - options.pad_s, utt.end + options.pad_s, duration)
    entities = []
    for ent, (c0, c1) in zip(turn.entities, turn.audio_spans, strict=True):
        if options.audio_redaction == "utterance":
            a0, a1 = whole
        else:
            a0, a1 = _outward(*char_span_to_time(utt.words, c0, c1, pad=options.pad_s,
                                                 utterance=(utt.start, utt.end), duration=duration), duration)
        entities.append(EntitySpan(ent.type, ent.masked_start, ent.masked_end, a0, a1, ent.score))
    return Segment(
        channel=channel,
        start=utt.start,
        end=utt.end,
        text=turn.text,
        entities=entities,
        unmasked=utt.text if options.write_unmasked else None,
        silenced=whole if turn.garbled_answer else None,
    )


def _outward(start: float, end: float, duration: float) -> tuple[float, float]:
    """A span clipped to the audio and rounded outwards to the JSON's 10 ms, so that the JSON
    and the bleep agree exactly."""
    return math.floor(max(0.0, start) * 100) / 100, min(math.ceil(end * 100) / 100, duration)


# ------------------------------------------------------------------ driver-side assembly


@dataclass(slots=True)
class CallResult:
    """A whole call, ready for the writers."""

    source: str
    duration: float
    segments: list[Segment]
    warnings: list[dict]
    channels: int = 1
    settings: dict | None = None  # settings_of: what produced the output
    decode_warnings: list[dict] = field(default_factory=list)  # e.g. truncated_audio (probe_file)

    def to_json(self) -> dict:
        doc = {
            "source": self.source,
            "duration": round(self.duration, 3),
            "segments": [s.to_json() for s in self.segments],
            "warnings": self.warnings,
        }
        if self.settings is not None:
            doc["settings"] = self.settings
        if self.decode_warnings:  # optional: only when the file is damaged
            doc["decode_warnings"] = self.decode_warnings
        return doc

    def spans_by_channel(self) -> dict[str, list[tuple[float, float]]]:
        spans: dict[str, list[tuple[float, float]]] = {}
        for seg in self.segments:
            for e in seg.entities:
                spans.setdefault(seg.channel, []).append((e.audio_start, e.audio_end))
            if seg.silenced:
                spans.setdefault(seg.channel, []).append(seg.silenced)
        return spans


def options_dict(options: BatchOptions) -> dict:
    return asdict(options)
