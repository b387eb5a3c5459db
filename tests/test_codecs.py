"""G.711 tables and 16-bit PCM: bit-exact against the G.711 formulas and ``audioop``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from redactor.audio.codecs import (
    ALAW_TABLE,
    MULAW_TABLE,
    alaw_decode,
    alaw_encode,
    mulaw_decode,
    mulaw_encode,
    pcm16_from_bytes,
    pcm16_to_bytes,
)

ALL_BYTES = bytes(range(256))
ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int64).astype(np.int16)


def _audioop():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pytest.importorskip("audioop")  # gone in Python 3.13; the formula tests still run


def _mulaw_formula(code: int) -> int:
    """ITU-T G.711 μ-law expansion, written out from the standard's description."""
    code = ~code & 0xFF
    sign, exponent, mantissa = code & 0x80, (code >> 4) & 0x07, code & 0x0F
    magnitude = ((2 * mantissa + 33) << exponent) - 33  # in units of 1/4 of a 16-bit step
    return -(magnitude * 4) if sign else magnitude * 4


def _alaw_formula(code: int) -> int:
    """ITU-T G.711 A-law expansion, written out from the standard's description."""
    code ^= 0x55
    sign, exponent, mantissa = code & 0x80, (code >> 4) & 0x07, code & 0x0F
    magnitude = 2 * mantissa + 1 if exponent == 0 else (2 * mantissa + 33) << (exponent - 1)
    return magnitude * 8 if sign else -magnitude * 8


def test_mulaw_table_matches_the_g711_formula() -> None:
    assert [int(v) for v in MULAW_TABLE] == [_mulaw_formula(code) for code in range(256)]
    assert MULAW_TABLE[0xFF] == 0 and MULAW_TABLE[0x7F] == 0
    assert MULAW_TABLE[0x00] == -32124 and MULAW_TABLE[0x80] == 32124


def test_alaw_table_matches_the_g711_formula() -> None:
    assert [int(v) for v in ALAW_TABLE] == [_alaw_formula(code) for code in range(256)]
    assert ALAW_TABLE[0xD5] == 8 and ALAW_TABLE[0x55] == -8
    assert ALAW_TABLE[0xAA] == 32256 and ALAW_TABLE[0x2A] == -32256


def test_decoders_are_bit_exact_with_audioop() -> None:
    audioop = _audioop()
    assert np.array_equal(mulaw_decode(ALL_BYTES), np.frombuffer(audioop.ulaw2lin(ALL_BYTES, 2), "<i2"))
    assert np.array_equal(alaw_decode(ALL_BYTES), np.frombuffer(audioop.alaw2lin(ALL_BYTES, 2), "<i2"))


def test_encoders_are_bit_exact_with_audioop_for_every_sample() -> None:
    audioop = _audioop()
    pcm = ALL_SAMPLES.astype("<i2").tobytes()
    assert mulaw_encode(ALL_SAMPLES) == audioop.lin2ulaw(pcm, 2)
    assert alaw_encode(ALL_SAMPLES) == audioop.lin2alaw(pcm, 2)


def test_encode_then_decode_is_identity_on_codewords() -> None:
    # Every decoded level encodes back to a code that decodes to the same level.
    assert np.array_equal(mulaw_decode(mulaw_encode(MULAW_TABLE)), MULAW_TABLE)
    assert np.array_equal(alaw_decode(alaw_encode(ALAW_TABLE)), ALAW_TABLE)


def test_mulaw_roundtrip_error_is_within_the_quantisation_step() -> None:
    decoded = mulaw_decode(mulaw_encode(ALL_SAMPLES)).astype(np.int32)
    error = np.abs(decoded - ALL_SAMPLES.astype(np.int32))
    # The top segment's step is 1024: at most half a step, plus 3 from the encoder's 14-bit input.
    assert error[np.abs(ALL_SAMPLES.astype(np.int32)) <= 32124].max() <= 512 + 3
    assert mulaw_encode(np.array([0], dtype=np.int16)) == b"\xff"


def test_decoders_return_int16_one_sample_per_byte() -> None:
    for decode in (mulaw_decode, alaw_decode):
        samples = decode(b"\x00\x7f\x80\xff")
        assert samples.dtype == np.int16 and samples.shape == (4,)
    assert mulaw_decode(b"").shape == (0,)
    assert mulaw_decode(memoryview(b"\xff\xff")).tolist() == [0, 0]


def test_encoders_refuse_non_int16() -> None:
    with pytest.raises(TypeError):
        mulaw_encode(np.zeros(4, dtype=np.float32))
    with pytest.raises(TypeError):
        alaw_encode(np.zeros(4, dtype=np.int32))


def test_pcm16_is_little_endian() -> None:
    samples = pcm16_from_bytes(b"\x01\x00\xff\x7f\x00\x80\xfe\xff")
    assert samples.dtype == np.int16
    assert samples.tolist() == [1, 32767, -32768, -2]
    assert pcm16_to_bytes(samples) == b"\x01\x00\xff\x7f\x00\x80\xfe\xff"
    assert np.array_equal(pcm16_from_bytes(pcm16_to_bytes(ALL_SAMPLES)), ALL_SAMPLES)


def test_pcm16_refuses_odd_length() -> None:
    with pytest.raises(ValueError, match="even"):
        pcm16_from_bytes(b"\x00\x01\x02")
