"""Short-context encoder: encode only the real length of a window, not 30 s of padding.

faster-whisper pads every window's log-Mel features to 3000 frames (30 s) before the encoder,
so a 3-s utterance costs as much as a 30-s one. The CTranslate2 encoder accepts shorter
inputs, and the decoder (cross-attention) and the word aligner (``num_frames``) work with
whatever encoder length they are given. ``ShortContextWhisperModel`` cuts the zero padding
that ``pad_or_trim`` appended, keeping ``pad_frames`` of it so the model still sees where the
audio ends. The padding is recognisable: real log-Mel columns are never all exactly zero.

Inside ``silence_padding()`` (one utterance decoded alone) the kept padding is filled with
*silence* (issue #12). A zero log-Mel column is not silence: the feature extractor clamps the
log-Mel at 8 below its maximum, i.e. silence is the maximum − 2.0 after its (x + 4) / 4
scaling, and 0 sits well above that, a faint hiss that short utterances went on transcribing
(``…です行``, ``… ok``). Window decoding (batch, the live second pass) keeps the zeros: on
the sample calls silence there raised batch's kana CER from 24 % to 29 % (RESULTS.md #12).
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np
from faster_whisper import WhisperModel

FULL_FRAMES = 3000
SILENCE_BELOW_MAX = 2.0  # the extractor's floor: 8 (log10) below the maximum, scaled by 1/4


def content_frames(features: np.ndarray) -> int:
    """Number of leading frames before the all-zero padding (features: (..., mels, frames))."""
    columns = np.any(features.reshape(-1, features.shape[-1]) != 0, axis=0)
    nonzero = np.flatnonzero(columns)
    return int(nonzero[-1]) + 1 if nonzero.size else 0


class ShortContextWhisperModel(WhisperModel):
    """``WhisperModel`` whose encoder sees the real audio plus ``pad_frames`` of padding."""

    def __init__(self, *args, pad_frames: int = 100, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pad_frames = int(pad_frames)
        self.pad_silence = True  # False: zeros even in silence_padding() (benchmarks/stream_endings.py)
        self._local = threading.local()

    @contextlib.contextmanager
    def silence_padding(self):
        """Pad with silence in this thread while the block runs (iterate the segments inside it:
        faster-whisper encodes lazily)."""
        self._local.silence = True
        try:
            yield
        finally:
            self._local.silence = False

    @contextlib.contextmanager
    def full_context(self):
        """Encode the whole 30-s window in this thread while the block runs: a live second-pass
        window of a few seconds (a call's first words) read with the short context looped or
        kept the first pass's errors until a longer window came, 5-18 s later (#12, round 6)."""
        self._local.full = True
        try:
            yield
        finally:
            self._local.full = False

    def encode(self, features: np.ndarray):
        frames = features.shape[-1]
        if frames == FULL_FRAMES and not getattr(self._local, "full", False):
            content = content_frames(features)
            keep = min(FULL_FRAMES, content + self.pad_frames)
            keep = max(keep + (keep % 2), 2)  # the encoder's convolution has stride 2
            if keep < frames:
                features = np.array(features[..., :keep], dtype=features.dtype, copy=True)
                if content and self.pad_silence and getattr(self._local, "silence", False):
                    features[..., content:] = features[..., :content].max() - SILENCE_BELOW_MAX
        return super().encode(features)
