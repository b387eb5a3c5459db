"""Audio: decoding (PyAV), channel split, resampling (soxr), bleeping, WAV writing."""

from redactor.audio.decode import AudioError, DecodedAudio, decode_file
from redactor.audio.resample import to_16k

__all__ = ["AudioError", "DecodedAudio", "decode_file", "to_16k"]
