"""Audio helpers: decoding, bleeping, WAV writing, entity-to-time mapping (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from redactor.asr.engine import Word
from redactor.audio.bleep import bleep, merge_spans
from redactor.audio.decode import AudioError, decode_file
from redactor.audio.wav import write_wav
from redactor.batch.align import char_span_to_time


def test_bleep_changes_only_the_span() -> None:
    rate = 8000
    x = (np.random.default_rng(0).normal(0, 0.1, rate * 2)).astype(np.float32)
    y = bleep(x, rate, [(0.5, 1.0)])
    i, j = int(0.5 * rate), int(1.0 * rate)
    assert np.array_equal(x[:i], y[:i]) and np.array_equal(x[j:], y[j:])
    spectrum = np.abs(np.fft.rfft(y[i:j]))
    freqs = np.fft.rfftfreq(j - i, 1 / rate)
    assert abs(freqs[np.argmax(spectrum)] - 1000) < 5
    assert np.all(bleep(x, rate, [(0.5, 1.0)], mode="silence")[i:j] == 0)


def test_merge_spans() -> None:
    assert merge_spans([(3, 4), (1, 2), (1.5, 2.5), (5, 5)]) == [(1, 2.5), (3, 4)]


def test_wav_roundtrip_mono_and_stereo(tmp_path) -> None:
    for channels, rate in ((1, 16000), (2, 8000)):
        x = np.round(np.random.default_rng(1).uniform(-0.5, 0.5, (channels, rate)) * 32768)
        x = (x / 32768).astype(np.float32)
        path = tmp_path / f"x{channels}.wav"
        write_wav(path, x, rate)
        d = decode_file(path)
        assert d.channels == channels and d.sample_rate == rate
        assert np.array_equal(d.samples, x)


def test_unreadable_file(tmp_path) -> None:
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF not really a wave file")
    with pytest.raises(AudioError, match=r"broken\.wav"):
        decode_file(bad)


def test_char_span_to_time_uses_overlapping_words() -> None:
    words = [Word("電話は", 1.0, 1.5, 1), Word("090", 1.6, 2.0, 1), Word("1234", 2.1, 2.8, 1),
             Word("です", 2.9, 3.1, 1)]
    t0, t1 = char_span_to_time(words, 3, 10, pad=0.1, utterance=(1.0, 3.1), duration=10)
    assert (round(t0, 2), round(t1, 2)) == (1.5, 2.9)


def test_channel_names_and_subtitles() -> None:
    from redactor.batch.pipeline import BatchOptions, CallResult, EntitySpan, Segment
    from redactor.batch.writers import to_srt, to_vtt

    opts = BatchOptions(channels=("customer", "agent"))
    assert [opts.channel_name(i, 2) for i in range(2)] == ["customer", "agent"]
    assert opts.channel_name(0, 1) == "mixed"
    call = CallResult("x.wav", 5.0, [
        Segment("agent", 0.5, 1.25, "<PERSON>です", [EntitySpan("PERSON", 0, 8, 0.4, 1.0)]),
    ], [])
    # Players read <PERSON> as a tag: subtitles show the Japanese label instead (#9).
    assert to_srt(call) == "1\n00:00:00,500 --> 00:00:01,250\n[agent] ［お名前］です\n"
    assert "00:00:00.500 --> 00:00:01.250\n<v agent>［お名前］です" in to_vtt(call)
    assert call.spans_by_channel() == {"agent": [(0.4, 1.0)]}
