"""G.711 μ-law / A-law and 16-bit PCM, by lookup table.

Telephony sends 8-bit G.711 (Twilio: μ-law; AudioHook: PCMU) or 16-bit linear PCM
(AudioHook L16, ``/ingest`` ``pcm_s16le``: little-endian). Decoding is one numpy fancy
index into a 256-entry table, bit-exact with ITU-T G.711 and with the classic Sun
reference code that ``audioop`` used; encoding indexes a 65536-entry table built from the
same reference algorithm, so ``mulaw_encode`` equals ``audioop.lin2ulaw``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ALAW_TABLE",
    "MULAW_TABLE",
    "alaw_decode",
    "alaw_encode",
    "mulaw_decode",
    "mulaw_encode",
    "pcm16_from_bytes",
    "pcm16_to_bytes",
]


def _mulaw_decode_table() -> np.ndarray:
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(code & 0x80, -magnitude, magnitude).astype(np.int16)


def _alaw_decode_table() -> np.ndarray:
    code = np.arange(256, dtype=np.int32) ^ 0x55
    segment = (code & 0x70) >> 4
    value = (code & 0x0F) << 4
    value = np.where(segment == 0, value + 8, value + 0x108)
    value = np.where(segment > 1, value << np.maximum(segment - 1, 0), value)
    return np.where(code & 0x80, value, -value).astype(np.int16)


def _segment(value: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Index of the first segment end >= value (len(ends) when beyond the last)."""
    return np.searchsorted(ends, value, side="left")


def _mulaw_encode_table() -> np.ndarray:
    # Sun's reference encoder on 14-bit samples (what audioop.lin2ulaw does).
    pcm = np.arange(-32768, 32768, dtype=np.int32) >> 2
    mask = np.where(pcm < 0, 0x7F, 0xFF)
    pcm = np.minimum(np.abs(pcm), 8159) + 0x21
    segment = _segment(pcm, np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]))
    code = (segment << 4) | ((pcm >> (segment + 1)) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code)
    table = (code ^ mask).astype(np.uint8)
    return np.roll(table, -32768)  # index by the sample's uint16 bit pattern


def _alaw_encode_table() -> np.ndarray:
    # Sun's reference encoder on 13-bit samples (what audioop.lin2alaw does).
    pcm = np.arange(-32768, 32768, dtype=np.int32) >> 3
    mask = np.where(pcm >= 0, 0xD5, 0x55)
    pcm = np.where(pcm >= 0, pcm, -pcm - 1)
    segment = _segment(pcm, np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]))
    shift = np.where(segment < 2, 1, segment)
    code = (segment << 4) | ((pcm >> shift) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code)
    table = (code ^ mask).astype(np.uint8)
    return np.roll(table, -32768)


#: μ-law byte → int16 sample.
MULAW_TABLE = _mulaw_decode_table()
#: A-law byte → int16 sample.
ALAW_TABLE = _alaw_decode_table()
_MULAW_ENCODE = _mulaw_encode_table()
_ALAW_ENCODE = _alaw_encode_table()
for _table in (MULAW_TABLE, ALAW_TABLE, _MULAW_ENCODE, _ALAW_ENCODE):
    _table.flags.writeable = False


def mulaw_decode(data: bytes | bytearray | memoryview) -> np.ndarray:
    """μ-law bytes → int16 samples (one per byte)."""
    return MULAW_TABLE[np.frombuffer(data, dtype=np.uint8)]


def alaw_decode(data: bytes | bytearray | memoryview) -> np.ndarray:
    """A-law bytes → int16 samples (one per byte)."""
    return ALAW_TABLE[np.frombuffer(data, dtype=np.uint8)]


def _as_int16(samples: np.ndarray) -> np.ndarray:
    samples = np.asarray(samples)
    if samples.dtype != np.int16:
        raise TypeError("samples must be an int16 array")
    return samples


def mulaw_encode(samples: np.ndarray) -> bytes:
    """int16 samples → μ-law bytes (one per sample), as ``audioop.lin2ulaw`` would."""
    return _MULAW_ENCODE[_as_int16(samples).view(np.uint16)].tobytes()


def alaw_encode(samples: np.ndarray) -> bytes:
    """int16 samples → A-law bytes (one per sample), as ``audioop.lin2alaw`` would."""
    return _ALAW_ENCODE[_as_int16(samples).view(np.uint16)].tobytes()


def pcm16_from_bytes(data: bytes | bytearray | memoryview) -> np.ndarray:
    """Little-endian 16-bit PCM bytes → int16 samples in native byte order (a copy).

    Raises :exc:`ValueError` when the length is odd.
    """
    if len(data) % 2:
        raise ValueError("16-bit PCM data must have an even number of bytes")
    return np.frombuffer(data, dtype="<i2").astype(np.int16)


def pcm16_to_bytes(samples: np.ndarray) -> bytes:
    """int16 samples → little-endian 16-bit PCM bytes."""
    return _as_int16(samples).astype("<i2", copy=False).tobytes()
