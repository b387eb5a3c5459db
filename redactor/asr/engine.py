"""Speech engine: one shared faster-whisper model per process, utterances with word timings.

``SpeechEngine(options).transcribe(audio_16k)`` turns one channel into utterances with the
Silero VAD that faster-whisper ships. Window mode (default) packs the speech into 30-s windows
decoded with the previous window as prompt, then splits Whisper's segments at pauses;
utterance mode decodes each VAD utterance alone. Both are Japanese, with word timestamps and
the hallucination guards of ``guards.py``. Times are seconds from the start of the channel.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import ctranslate2
import numpy as np

from redactor.asr import guards as guard
from redactor.asr.junction import cut_before
from redactor.asr.models import ModelError, resolve_model
from redactor.asr.options import AsrOptions, SegmentationOptions

SAMPLE_RATE = 16000
ALIGN_SLACK_S = 0.5  # Whisper's word times and the VAD's utterance edges differ by up to this much
# No word (a token or two) lasts this long: the decoder skipped the speech under it (「が」 dated over
# 2.9 s where かしこまりました、メールアドレスを… was said). Of ~2,500 second-pass words on the sample
# calls 4 did, each in a decode that lost a line's words; 19 lasted 1-2 s (a pause put in a word).
SKIPPED_WORD_S = 2.0
log = logging.getLogger(__name__)

_models: dict[tuple, object] = {}
_models_lock = threading.Lock()


@dataclass(slots=True)
class Word:
    """A recognised word (Whisper token group) with its audio time in seconds.

    ``moved_s``: how far ``_split_at_pauses`` moved it forward (a short piece dated where the
    words after it begin); the decoder dated it ``moved_s`` earlier, and a first pass decoded
    alone may have too, so the second pass's masks test both times (``stream.revision``)."""

    text: str
    start: float
    end: float
    probability: float
    moved_s: float = 0.0

    def moved(self, seconds: float) -> Word:
        """This word dated ``seconds`` later (the decoder's date kept in ``moved_s``)."""
        return Word(self.text, self.start + seconds, self.end + seconds, self.probability, self.moved_s + seconds)

    def times(self) -> list[tuple[float, float]]:
        """Where it may have been said: its time, and the decoder's own if it was moved."""
        if not self.moved_s:
            return [(self.start, self.end)]
        return [(self.start, self.end), (self.start - self.moved_s, self.end - self.moved_s)]


@dataclass(slots=True)
class Utterance:
    """One voice-activity utterance: ``text`` is exactly the concatenation of ``words``."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


def get_model(options: AsrOptions):
    """The process-wide ``WhisperModel`` for these options (loaded once, then shared)."""
    key = (
        options.model,
        options.device,
        options.compute_type,
        options.cpu_threads,
        options.short_context,
        options.short_context_pad_s,
        options.nice,
    )
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = _load(options)
            _models[key] = model
        return model


def lower_priority(nice: int) -> None:
    """Lower the calling thread's OS priority by ``nice`` (Linux: niceness is per thread, and
    threads it starts inherit it). Elsewhere, or when refused, the thread keeps its priority."""
    if nice:
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(
                os.PRIO_PROCESS, threading.get_native_id()) + nice)


def _load(options: AsrOptions):
    """Load the model; with ``options.nice`` from a thread at that priority, so that the
    compute threads CTranslate2 starts for it inherit it."""
    if not options.nice:
        return _load_model(options)
    with ThreadPoolExecutor(max_workers=1, initializer=lower_priority, initargs=(options.nice,)) as pool:
        return pool.submit(_load_model, options).result()


def _load_model(options: AsrOptions):
    from faster_whisper import WhisperModel

    from redactor.asr.short_context import ShortContextWhisperModel

    path = resolve_model(options.model)
    kwargs = dict(
        device=options.device,
        compute_type=options.compute_type,
        cpu_threads=options.cpu_threads,
    )
    try:
        if options.short_context:
            pad = round(options.short_context_pad_s * 100)
            return ShortContextWhisperModel(path, pad_frames=pad, **kwargs)
        return WhisperModel(path, **kwargs)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ModelError(
            f"cannot load speech model {path!r} ({type(exc).__name__}: {exc}). Offline, use the "
            "bundled model: redactor models install whisper-base; a hub name such as "
            "large-v3 needs internet access."
        ) from None


def speech_spans(audio: np.ndarray, seg: SegmentationOptions) -> list[tuple[float, float]]:
    """Utterance spans (seconds) of one 16-kHz channel from the Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    vad = VadOptions(
        threshold=seg.threshold,
        min_speech_duration_ms=seg.min_speech_ms,
        min_silence_duration_ms=seg.min_silence_ms,
        speech_pad_ms=seg.speech_pad_ms,
        max_speech_duration_s=seg.max_utterance_s,
    )
    chunks = get_speech_timestamps(audio, vad, sampling_rate=SAMPLE_RATE)
    spans: list[tuple[float, float]] = []
    for chunk in chunks:
        start, end = chunk["start"] / SAMPLE_RATE, chunk["end"] / SAMPLE_RATE
        if (
            spans
            and start - spans[-1][1] < seg.merge_gap_s
            and end - spans[-1][0] <= seg.max_utterance_s
        ):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


class SpeechEngine:
    """Transcribes one channel at a time with the process-wide shared model."""

    def __init__(self, options: AsrOptions | None = None) -> None:
        self.options = options or AsrOptions()
        self.model = get_model(self.options)
        # Utterances the guards dropped, by reason (each is also logged, with its time only).
        self.drops: collections.Counter[str] = collections.Counter()

    def transcribe(self, audio: np.ndarray,
                   progress: Callable[[float], None] | None = None) -> list[Utterance]:
        """All utterances of one mono 16-kHz float32 channel, in time order.

        ``progress(seconds)``, if given, is called as decoding moves on with the position
        (seconds of this channel) it has reached.
        """
        audio = np.asarray(audio, dtype=np.float32)
        if self.options.segmentation.mode == "window":
            return self.transcribe_windows(audio, progress)
        out: list[Utterance] = []
        for start, end in speech_spans(audio, self.options.segmentation):
            clip = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
            utt = self.transcribe_utterance(clip, offset=start)
            if utt is not None:
                out.append(utt)
            if progress is not None:
                progress(end)
        return out

    def transcribe_windows(self, audio: np.ndarray,
                           progress: Callable[[float], None] | None = None) -> list[Utterance]:
        """Window mode: the VAD's speech is packed into 30-s windows (faster-whisper's
        ``vad_filter``), decoded with the previous window's text as prompt, and split back
        into utterances at pauses between words."""
        seg = self.options.segmentation
        out: list[Utterance] = []
        for s in self._window_segments(audio):
            words = [Word(w.word, float(w.start), float(w.end), w.probability) for w in s.words or []]
            for group in _split_at_pauses(words, seg.split_gap_s):
                utt = self._guarded(group, s.avg_logprob, s.no_speech_prob, (s.start, s.end))
                if utt is not None:
                    out.append(utt)
            if progress is not None:
                progress(float(s.end))
        return out

    def _window_segments(self, audio: np.ndarray, prompt: str | None = None):
        """faster-whisper's segments of window mode (lazy: decoding happens as they are read)."""
        from faster_whisper.vad import VadOptions

        o, seg = self.options, self.options.segmentation
        ctranslate2.set_random_seed(o.seed)
        segments, _info = self.model.transcribe(
            audio,
            **self._decoding(),
            condition_on_previous_text=o.condition_on_previous_text,
            initial_prompt=prompt if prompt is not None else o.initial_prompt,
            word_timestamps=True,
            vad_filter=True,
            vad_parameters=VadOptions(
                threshold=seg.threshold,
                min_speech_duration_ms=seg.min_speech_ms,
                min_silence_duration_ms=seg.window_min_silence_ms,
                speech_pad_ms=seg.window_speech_pad_ms,
            ),
        )
        return segments

    def transcribe_utterance(self, clip: np.ndarray, *, offset: float = 0.0,
                             prompt: str | None = None) -> Utterance | None:
        """Decode one utterance (at most 30 s); ``None`` if the guards drop it.

        ``prompt`` (default: the options' ``initial_prompt``) is text the decoder reads as if
        it preceded the clip: a live call passes its last words so that each utterance is not
        decoded out of context.
        """
        prompt = prompt if prompt is not None else self.options.initial_prompt
        o, g = self.options, self.options.guards
        duration = clip.size / SAMPLE_RATE
        if duration < 0.1:
            return None
        budget = int(g.token_budget_base + g.tokens_per_second * duration)
        # Temperature fallback samples: a fixed seed per utterance makes every worker (process
        # pool or Ray actor) produce the same text for the same audio.
        ctranslate2.set_random_seed(o.seed)
        padding = getattr(self.model, "silence_padding", contextlib.nullcontext)
        with padding():
            return self._utterance(clip, offset, prompt, budget)

    def _utterance(self, clip: np.ndarray, offset: float, prompt: str | None, budget: int) -> Utterance | None:
        """``transcribe_utterance``'s decode (inside the model's silence padding)."""
        duration = clip.size / SAMPLE_RATE
        segments, _info = self.model.transcribe(
            clip,
            **self._decoding(),
            condition_on_previous_text=False,
            # With timestamp tokens the decoder can say where speech ends; without them it
            # went on into the padding and appended stray tokens (issue #12, RESULTS.md).
            without_timestamps=False,
            word_timestamps=True,
            vad_filter=False,
            initial_prompt=prompt,
            max_new_tokens=min(budget, 440 - (len(prompt or "") + 4)),
        )
        words: list[Word] = []
        logprobs, no_speech = [], 0.0
        for seg in segments:
            logprobs.append(seg.avg_logprob)
            no_speech = max(no_speech, seg.no_speech_prob)
            for w in seg.words or []:
                words.append(
                    Word(w.word, offset + float(w.start), offset + float(w.end), w.probability)
                )
        avg_logprob = float(np.mean(logprobs)) if logprobs else -10.0
        return self._guarded(words, avg_logprob, no_speech, (offset, offset + duration))

    def transcribe_spans(self, audio: np.ndarray, offset: float, spans: Sequence[tuple[float, float]], *,
                         prompt: str | None = None, full_context: bool = False) -> list[Utterance | None]:
        """Decode a stretch of a channel the way batch does (``transcribe_windows``: its speech
        packed by the VAD, previous text as prompt, word timestamps) and hand each of ``spans``
        (channel seconds, e.g. the utterances a live call has already finalised) the words
        said in it, or nearest to it (``_nearest_span``): no word is lost; ``audio`` starts at
        ``offset``. Per span: a guarded utterance, or ``None`` (no words, or a loop).
        ``full_context``: encode Whisper's whole 30-s window even with ``short_context`` (for
        a stretch of a few seconds, see ``ShortContextWhisperModel.full_context``).
        """
        full = getattr(self.model, "full_context", None) if full_context else None
        with full() if full is not None else contextlib.nullcontext():
            return self._spans(audio, offset, spans, prompt)

    def _spans(self, audio: np.ndarray, offset: float, spans: Sequence[tuple[float, float]],
               prompt: str | None) -> list[Utterance | None]:
        """``transcribe_spans``'s decode (inside the model's context setting)."""
        words: list[list[Word]] = [[] for _ in spans]
        stats: list[list[tuple[float, float]]] = [[] for _ in spans]
        gap = self.options.segmentation.split_gap_s
        for seg in self._window_segments(np.asarray(audio, dtype=np.float32), prompt):
            dated = [Word(w.word, offset + float(w.start), offset + float(w.end), w.probability)
                     for w in seg.words or []]
            # A short piece dated seconds before the words after it is theirs, as in batch
            # (``_split_at_pauses``): else it went to an earlier utterance of the channel.
            for w in (w for group in _split_at_pauses(dated, gap) for w in group):
                # Whisper's aligner puts a pause into the start of the word after it (あ 72.37–73.07
                # s for one kana): a point just before a word's end says where it was said.
                i = _nearest_span(spans, w.end - min(0.1, (w.end - w.start) / 2))
                words[i].append(Word(w.text, w.start, max(w.start, w.end), w.probability, w.moved_s))
                stats[i].append((seg.avg_logprob, seg.no_speech_prob))
        out: list[Utterance | None] = []
        for (a, b), span_words, span_stats in zip(spans, words, stats, strict=True):
            # Words the aligner could place on no audio at the end are the decoder running on
            # past the speech (またね! after the call's last words): not heard.
            while span_words and span_words[-1].end - span_words[-1].start < 0.02 and (
                    span_words[-1].probability < 0.5 or span_words[-1].start >= b - 0.02):
                span_words.pop()
            # No per-span length limit: Whisper's words spill over the VAD's edges, and a span
            # holding its neighbour's words looked like a loop (dropping it cost 5 points of
            # CER against batch); loops are the guards' business, as in batch.
            if not _readable(span_words, a, b, self.options.guards):  # the version shown stands
                out.append(None)
                continue
            logprob = float(np.mean([x for x, _ in span_stats]))
            no_speech = max(y for _, y in span_stats)
            out.append(self._guarded(span_words, logprob, no_speech, (a, b), count=False))
        return out

    def _decoding(self) -> dict[str, object]:
        """Decoding settings both modes share (language, beam, temperatures, guards)."""
        o, g = self.options, self.options.guards
        return {
            "language": o.language,
            "beam_size": o.beam_size,
            "temperature": list(o.temperatures),
            "compression_ratio_threshold": g.compression_ratio_threshold,
            "log_prob_threshold": g.log_prob_threshold,
            "no_speech_threshold": g.no_speech_threshold,
        }

    def _guarded(
        self,
        words: list[Word],
        avg_logprob: float,
        no_speech: float,
        span: tuple[float, float],
        *,
        count: bool = True,
    ) -> Utterance | None:
        """Apply the hallucination guards to a decoded utterance (``count``: a drop is counted
        in ``drops`` and logged: it loses an utterance; a second pass's drop loses nothing)."""
        g = self.options.guards
        words = _strip_leading_space(words)
        text = "".join(w.text for w in words)
        cut = guard.repetition_cut(text, g)
        if cut is not None:
            words = _cut_words(words, cut)
            text = "".join(w.text for w in words)
        reason = guard.rejects(text, avg_logprob, no_speech, g)
        if reason is not None:
            if count:
                log.info("dropped an utterance at %.2f s: %s", span[0], reason)
                self.drops[reason] += 1
            return None
        return Utterance(
            start=min(words[0].start, span[1]) if words else span[0],
            end=max(words[-1].end, words[0].start) if words else span[1],
            text=text,
            words=words,
            avg_logprob=avg_logprob,
            no_speech_prob=no_speech,
        )


def _readable(words: Sequence[Word], start: float, end: float, guards) -> bool:
    """Whether a window decode's ``words`` for the utterance ``start``–``end`` can replace the
    version shown: not nothing, not a decoding loop, not dated clear of the utterance (heard in
    a neighbour's audio), and no word over skipped speech (``SKIPPED_WORD_S``)."""
    return bool(words) and guard.repetition_cut("".join(w.text for w in words), guards) is None and (
        words[-1].end >= start - ALIGN_SLACK_S and words[0].start <= end + ALIGN_SLACK_S
        and all(w.end - w.start <= SKIPPED_WORD_S for w in words))


def _nearest_span(spans: Sequence[tuple[float, float]], t: float) -> int:
    """Index of the span that holds time ``t``, else the nearest one (the earlier on a tie).

    Every decoded word goes to some utterance: Whisper's word times and the VAD's edges differ
    by tenths of a second, and a word dropped for falling between two spans is a word lost
    (mapping by strict overlap cost the second pass 6 points of CER against batch)."""
    i = bisect.bisect_right([a for a, _b in spans], t) - 1
    if i < 0:
        return 0
    if t <= spans[i][1] or i + 1 == len(spans):
        return i
    return i if t - spans[i][1] <= spans[i + 1][0] - t else i + 1


def _split_at_pauses(words: list[Word], gap: float, min_chars: int = 4) -> list[list[Word]]:
    """Split a Whisper segment's words where the pause between two words exceeds ``gap``.

    Whisper often dates the first character of a sentence too early, which looks like a
    pause after it; a piece shorter than ``min_chars`` characters is therefore joined to the
    next piece (or the previous one at the end), so that 昭|和58年… stays one utterance, and
    dated again to end where that piece begins. Its date was wrong: kept, the utterance began
    seconds before its speech, and in window mode a word at the junction of two packed VAD
    chunks is dated into the earlier one (the card call's 「はい。4111…」 began 8 s early, before
    the agent's request for the number, which batch then did not read as an answer). For the
    same reason the head of a word cut off its rest by a pause is moved after it first
    (``_rejoin_cut_words``).
    """
    words = _rejoin_cut_words(words, gap)
    groups: list[list[Word]] = []
    for w in words:
        if groups and w.start - groups[-1][-1].end <= gap:
            groups[-1].append(w)
        else:
            groups.append([w])
    merged: list[list[Word]] = []
    carry: list[Word] = []
    for group in groups:
        if carry and group[0].start - carry[-1].end > gap:
            shift = group[0].start - carry[-1].end
            carry = [w.moved(shift) for w in carry]
        group = carry + group
        carry = []
        if len("".join(w.text for w in group).strip()) < min_chars:
            carry = group
        else:
            merged.append(group)
    if carry:
        if merged:
            merged[-1].extend(carry)
        else:
            merged.append(carry)
    return merged


def _rejoin_cut_words(words: list[Word], gap: float) -> list[Word]:
    """``words`` with the head of a morpheme that a pause longer than ``gap`` cuts off its rest
    (あり … がとう) dated to end where the rest begins (``junction``)."""
    out = list(words)
    for i in range(1, len(out)):
        pause = out[i].start - out[i - 1].end
        if pause > gap:
            k = cut_before([w.text for w in out], i)
            out[i - k:i] = [w.moved(pause) for w in out[i - k:i]]
    return out


def _strip_leading_space(words: list[Word]) -> list[Word]:
    """Words without the leading space, and without the replacement character a multi-byte
    character cut by the token budget leaves."""
    for w in words:
        w.text = w.text.replace("\ufffd", "")
    if words:
        words[0].text = words[0].text.lstrip()
    return [w for w in words if w.text]


def _cut_words(words: list[Word], cut: int) -> list[Word]:
    """Keep the words that start before character ``cut`` of the concatenated text."""
    kept, pos = [], 0
    for w in words:
        if pos >= cut:
            break
        kept.append(w)
        pos += len(w.text)
    return kept
