"""Short-context encoder: encode only the real length of a window, not 30 s of padding.

faster-whisper pads every window's log-Mel features to 3000 frames (30 s) before the encoder,
so a 3-s utterance costs as much as a 30-s one. The CTranslate2 encoder accepts shorter
inputs, and the decoder (cross-attention) and the word aligner (``num_frames``) work with
whatever encoder length they are given. ``ShortContextWhisperModel`` cuts the zero padding
that ``pad_or_trim`` appended, keeping ``pad_frames`` of it so the model still sees where the
audio ends. The padding is recognisable: real log-Mel columns are never all exactly zero.
"""

from __future__ import annotations

import numpy as np
from faster_whisper import WhisperModel

FULL_FRAMES = 3000


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

    def encode(self, features: np.ndarray):
        frames = features.shape[-1]
        if frames == FULL_FRAMES:
            keep = min(FULL_FRAMES, content_frames(features) + self.pad_frames)
            keep = max(keep + (keep % 2), 2)  # the encoder's convolution has stride 2
            if keep < frames:
                features = np.ascontiguousarray(features[..., :keep])
        return super().encode(features)
