"""Streaming voice-activity detection: Silero (the model faster-whisper ships), one state per channel.

faster-whisper's ``get_speech_timestamps`` needs the whole recording. A live call arrives in
20-ms frames, so ``StreamingVad`` runs the same ONNX model incrementally: it keeps the LSTM
state and the 64-sample context between 32-ms windows, which gives the probabilities the
batch function would give, and turns them into utterance start/end events as audio arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000
WINDOW = 512  # samples per Silero window (32 ms at 16 kHz)
CONTEXT = 64  # samples of the previous window the model sees


@dataclass(frozen=True, slots=True)
class StreamVadOptions:
    """How speech probabilities become utterances.

    Attributes:
      threshold: probability above which a window is speech.
      neg_threshold: probability below which a window is silence (hysteresis in between).
      min_silence_ms: a pause this long ends an utterance (the issue's ~500 ms).
      min_speech_ms: shorter bursts (clicks, breaths) are dropped.
      speech_pad_ms: audio kept before the first and after the last speech window.
    """

    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_silence_ms: int = 500
    min_speech_ms: int = 200
    speech_pad_ms: int = 200


@dataclass(frozen=True, slots=True)
class Speech:
    """An utterance found by the VAD, in samples of the channel's 16-kHz clock."""

    start: int
    end: int


class StreamingVad:
    """Feed 16-kHz float32 audio with ``push``; get utterances back once their pause is long enough."""

    def __init__(self, options: StreamVadOptions | None = None) -> None:
        from faster_whisper.vad import get_vad_model

        self.options = options or StreamVadOptions()
        self._session = get_vad_model().session  # one ONNX session per process, shared
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._clock = 0  # samples already scored
        self._speech_start: int | None = None
        self._last_speech: int | None = None  # end of the last speech window

    @property
    def in_speech(self) -> bool:
        """Whether an utterance has started and not yet ended."""
        return self._speech_start is not None

    @property
    def speech_start(self) -> int | None:
        return self._speech_start

    @property
    def hearing_speech(self) -> bool:
        """Whether the last scored window was speech (a pause may be the utterance ending)."""
        return self._last_speech is not None and self._last_speech == self._clock

    @property
    def pause_samples(self) -> int:
        """Samples scored since the open utterance's last speech window (0 while speech is heard)."""
        return self._clock - self._last_speech if self._last_speech is not None else 0

    def tentative(self) -> Speech | None:
        """The open utterance as it would end if the current pause ends it: what ``push`` will
        return once the pause reaches ``min_silence_ms`` and no speech came back (the basis of
        speculative decoding), or ``None`` if nothing would be returned."""
        o = self.options
        start, end = self._speech_start, self._last_speech
        if start is None or end is None or end - start < o.min_speech_ms * SAMPLE_RATE // 1000:
            return None
        pad = o.speech_pad_ms * SAMPLE_RATE // 1000
        return Speech(max(0, start - pad), end + pad)

    def push(self, audio: np.ndarray) -> list[Speech]:
        """Score new audio; returns the utterances that ended in it."""
        audio = np.concatenate([self._pending, np.asarray(audio, dtype=np.float32)])
        usable = audio.size - audio.size % WINDOW
        self._pending = audio[usable:]
        if usable == 0:
            return []
        windows = audio[:usable].reshape(-1, WINDOW)
        contexts = np.concatenate([self._context[None, :], windows[:-1, -CONTEXT:]])
        self._context = windows[-1, -CONTEXT:].copy()
        batch = np.concatenate([contexts, windows], axis=1)
        probs, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        ended = []
        for prob in np.asarray(probs).reshape(-1):
            ended += self._step(float(prob))
        return ended

    def flush(self) -> list[Speech]:
        """End of the stream: an utterance still open ends where speech was last heard."""
        if self._speech_start is None:
            return []
        return self._end()

    def cut(self, at: int) -> None:
        """The session finalised the open utterance up to sample ``at``: it continues from there."""
        if self._speech_start is not None:
            self._speech_start = max(self._speech_start, at)

    def _step(self, prob: float) -> list[Speech]:
        o = self.options
        window_end = self._clock + WINDOW
        self._clock = window_end
        if prob >= o.threshold:
            if self._speech_start is None:
                self._speech_start = window_end - WINDOW
            self._last_speech = window_end
            return []
        if self._speech_start is None or prob >= o.neg_threshold:
            return []
        if window_end - self._last_speech >= o.min_silence_ms * SAMPLE_RATE // 1000:
            return self._end()
        return []

    def _end(self) -> list[Speech]:
        o = self.options
        start, end = self._speech_start, self._last_speech
        self._speech_start = self._last_speech = None
        if start is None or end is None or end - start < o.min_speech_ms * SAMPLE_RATE // 1000:
            return []
        pad = o.speech_pad_ms * SAMPLE_RATE // 1000
        return [Speech(max(0, start - pad), min(self._clock, end + pad))]
