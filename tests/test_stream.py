"""Streaming pieces on real audio: the incremental VAD and the shared ASR scheduler."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from redactor.audio.decode import decode_file
from redactor.audio.resample import StreamResampler, to_16k
from redactor.stream.vad import WINDOW, StreamingVad

CALL = Path(__file__).resolve().parents[1] / "samples/calls/short_call.wav"


@pytest.fixture(scope="module")
def customer_16k() -> np.ndarray:
    audio = decode_file(CALL)
    return to_16k(audio.samples[1], audio.sample_rate)


def test_streaming_vad_scores_exactly_like_the_batch_model(customer_16k):
    from faster_whisper.vad import get_vad_model

    x = customer_16k[: customer_16k.size - customer_16k.size % WINDOW]
    batch = get_vad_model()(x).reshape(-1)
    vad, scored = StreamingVad(), []
    step = vad._step
    vad._step = lambda p: (scored.append(p), step(p))[1]
    for i in range(0, x.size, 320):  # 20-ms frames, not aligned with the 32-ms windows
        vad.push(x[i:i + 320])
    np.testing.assert_allclose(scored, batch, atol=1e-5)


def test_streaming_vad_finds_the_customer_turns(customer_16k):
    vad, spans = StreamingVad(), []
    for i in range(0, customer_16k.size, 320):
        spans += vad.push(customer_16k[i:i + 320])
    spans += vad.flush()
    seconds = [(s.start / 16000, s.end / 16000) for s in spans]
    # The script: the customer speaks at 4.6–6.8 s and 10.8–15.2 s, silent otherwise.
    assert seconds and all(a > 4.0 and b < 16.0 for a, b in seconds)
    assert any(a < 5.0 < b for a, b in seconds) and any(a < 12.0 < b for a, b in seconds)
    assert not any(7.5 < a < 10.0 for a, _ in seconds)


def test_stream_resampler_matches_one_shot_resampling(customer_16k):
    audio = decode_file(CALL)
    x = audio.samples[1].astype(np.float32)
    stream = StreamResampler(audio.sample_rate)
    pieces = [stream.push(x[i:i + 160]) for i in range(0, x.size, 160)]
    pieces.append(stream.push(np.zeros(0, dtype=np.float32), last=True))
    joined = np.concatenate(pieces)
    assert abs(joined.size - customer_16k.size) <= 2
    n = min(joined.size, customer_16k.size) - 400
    assert np.max(np.abs(joined[400:n] - customer_16k[400:n])) < 0.02


@pytest.mark.slow
def test_scheduler_runs_finals_before_partials_and_drops_superseded_partials(customer_16k):
    from redactor.asr.engine import SpeechEngine
    from redactor.stream.scheduler import AsrScheduler

    clip = customer_16k[int(10.8 * 16000):int(15.2 * 16000)]
    done: list[str] = []

    async def run():
        scheduler = AsrScheduler(SpeechEngine())
        scheduler.start()
        first = scheduler.partial(("A", "customer"), clip[:16000], 10.8, None)
        second = scheduler.partial(("A", "customer"), clip[:32000], 10.8, None)  # supersedes the first
        final = scheduler.final(clip, 10.8, None)
        final.add_done_callback(lambda _f: done.append("final"))
        second.add_done_callback(lambda _f: done.append("partial"))
        results = await asyncio.gather(first, second, final)
        await scheduler.stop()
        return results

    superseded, partial, final = asyncio.run(run())
    assert superseded is None
    assert done == ["final", "partial"]
    assert final is not None and final.text and final.start >= 10.8
    assert partial is not None
