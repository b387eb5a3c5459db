"""The batch pipeline for one call: channel task (ASR + PII) and call assembly.

The unit of work is one call (``transcribe_call``): it runs in a worker process or a Ray
actor that holds the shared speech model and the PII ``Redactor``, and it returns only
masked text, entity positions and audio times. The unmasked transcript exists
in that worker's memory only, unless ``BatchOptions.write_unmasked`` explicitly asks for it.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from redactor.asr.options import AsrOptions
from redactor.audio.decode import DecodedAudio, decode_file
from redactor.audio.resample import to_16k
from redactor.batch.warnings import CallWarnings


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

    def to_json(self) -> dict:
        return {
            "channel": self.channel,
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "text": self.text,
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

_state: dict[AsrOptions, tuple[object, object]] = {}


def worker_state(asr: AsrOptions):
    """``(SpeechEngine, Redactor)`` of this process, created once."""
    if asr not in _state:
        from redactor import Redactor
        from redactor.asr.engine import SpeechEngine

        _state[asr] = (SpeechEngine(asr), Redactor())
    return _state[asr]


def decode_source(source: str | Path | bytes, name: str) -> DecodedAudio:
    """Decode a path, or the bytes of a file (Ray workers on other machines get bytes)."""
    if isinstance(source, bytes):
        return decode_file(io.BytesIO(source), name=name)
    return decode_file(source)


def transcribe_call(
    source: str | Path | bytes, name: str, options: BatchOptions
) -> CallResult:
    """ASR of every channel, then PII redaction of all utterances in time order (a worker).

    The PII engine sees the conversation turn by turn across channels, so an answer inherits
    the cue of the other side's question (agent: 生年月日は? customer: 昭和58年…).
    Only masked text leaves this function (unless ``write_unmasked``).
    """
    audio = decode_source(source, name)
    engine, redactor = worker_state(options.asr)
    turns = []
    for index in range(audio.channels):
        channel = options.channel_name(index, audio.channels)
        for utt in engine.transcribe(to_16k(audio.samples[index], audio.sample_rate)):
            turns.append((utt.start, index, channel, utt))
    turns.sort(key=lambda t: (t[0], t[1]))
    context = redactor.call_contexts(limit=1).get(name)
    warnings = CallWarnings(name, options.policy)
    segments = []
    counts: dict[str, int] = {}
    for _start, _index, channel, utt in turns:
        counts[channel] = counts.get(channel, 0) + 1
        try:
            result = redactor.redact(utt.text, call_id=name, prompt=context.prompt_for(channel))
            context.observe(utt.text, channel)
            warnings.observe(
                text=utt.text,
                masked=result.text,
                entities=result.entities,
                channel=channel,
                segment_id=f"{channel}-{counts[channel]}",
                time=utt.start,
            )
        except Exception as exc:  # never let a transcript travel in an exception
            raise RuntimeError(
                f"{name}: PII engine failed on a {channel} utterance at {utt.start:.1f} s "
                f"({type(exc).__name__})"
            ) from None
        segments.append(_segment(utt, result, channel, audio.duration, options))
    return CallResult(name, audio.duration, segments, warnings.warnings, audio.channels)


def _segment(utt, result, channel: str, duration: float, options: BatchOptions) -> Segment:
    from redactor.batch.align import char_span_to_time

    entities = []
    for ent in result.entities:
        a0, a1 = char_span_to_time(
            utt.words,
            ent.start,
            ent.end,
            pad=options.pad_s,
            utterance=(utt.start, utt.end),
            duration=duration,
        )
        # Round outwards to the JSON's 10 ms so that the JSON and the bleep agree exactly.
        a0 = math.floor(a0 * 100) / 100
        a1 = min(math.ceil(a1 * 100) / 100, duration)
        entities.append(EntitySpan(ent.type, ent.masked_start, ent.masked_end, a0, a1, ent.score))
    return Segment(
        channel=channel,
        start=utt.start,
        end=utt.end,
        text=result.text,
        entities=entities,
        unmasked=utt.text if options.write_unmasked else None,
    )


# ------------------------------------------------------------------ driver-side assembly


@dataclass(slots=True)
class CallResult:
    """A whole call, ready for the writers."""

    source: str
    duration: float
    segments: list[Segment]
    warnings: list[dict]
    channels: int = 1

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "duration": round(self.duration, 3),
            "segments": [s.to_json() for s in self.segments],
            "warnings": self.warnings,
        }

    def spans_by_channel(self) -> dict[str, list[tuple[float, float]]]:
        spans: dict[str, list[tuple[float, float]]] = {}
        for seg in self.segments:
            for e in seg.entities:
                spans.setdefault(seg.channel, []).append((e.audio_start, e.audio_end))
        return spans


def options_dict(options: BatchOptions) -> dict:
    return asdict(options)
