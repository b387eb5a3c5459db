"""The real batch on call_address_change.wav, judged from its outputs against the gold file only.

The redacted WAV is compared with the original sample by sample (stdlib ``wave``, not the
code under test): in 10-ms frames, a frame is replaced when most of its samples differ by more
than 2 PCM16 steps, and belongs to an interval when its centre lies in it. Every expected
value comes from ``call_address_change.gold.json``.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from gold import CALLS, flat, gold

from redactor.batch.pipeline import BatchOptions
from redactor.batch.runner import RunConfig, run_batch

NAME = "call_address_change"
GOLD = gold(NAME)
FRAME_S = 0.01
TOLERANCE = 2  # PCM16 steps

pytestmark = pytest.mark.slow


def _read(path: Path) -> tuple[int, np.ndarray]:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int32)
        return w.getframerate(), data.reshape(-1, w.getnchannels())


def _mask(n_frames: int, intervals: list[tuple[float, float]]) -> np.ndarray:
    centres = (np.arange(n_frames) + 0.5) * FRAME_S
    mask = np.zeros(n_frames, dtype=bool)
    for start, end in intervals:
        mask |= (centres >= start) & (centres < end)
    return mask


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("coverage")
    outcomes = run_batch([CALLS / f"{NAME}.wav"], out, BatchOptions(), RunConfig(workers=1, threads=2))
    assert [o.error for o in outcomes] == [None]
    return out


@pytest.fixture(scope="module")
def replaced(outputs: Path) -> np.ndarray:
    """Bool (channels, 10-ms frames): the frame's samples mostly changed."""
    rate, original = _read(CALLS / GOLD["source"])
    red_rate, redacted = _read(outputs / f"{NAME}.redacted.wav")
    assert (red_rate, redacted.shape) == (rate, original.shape)
    flen = round(rate * FRAME_S)
    frames = len(original) // flen
    changed = np.abs(redacted[: frames * flen] - original[: frames * flen]) > TOLERANCE
    return (changed.reshape(frames, flen, -1).sum(axis=1) * 2 > flen).T


def test_no_gold_pii_is_readable_in_the_json(outputs: Path) -> None:
    doc = json.loads((outputs / f"{NAME}.json").read_text(encoding="utf-8"))
    segments = sorted(doc["segments"], key=lambda s: s["start"])
    masked = {c: flat("".join(s["text"] for s in segments if s["channel"] == c)) for c in GOLD["channels"]}
    readable = [f"{item['type']}@line {item['line']}" for item in GOLD["pii"]
                if any(flat(leak) in masked[item["channel"]] for leak in item["leaks"])]
    assert readable == []


def test_pii_time_is_replaced_in_the_wav(replaced: np.ndarray) -> None:
    n = replaced.shape[1]
    short = []
    for item in GOLD["pii"]:
        row = replaced[GOLD["channels"].index(item["channel"])]
        mask = _mask(n, [(item["audio_start"], item["audio_end"])])
        coverage = row[mask].mean()
        if coverage < 0.9:
            short.append((item["type"], item["line"], round(float(coverage), 2)))
    assert len(short) <= 1, short
    done = total = 0
    for index, channel in enumerate(GOLD["channels"]):
        mask = _mask(n, [(i["audio_start"], i["audio_end"]) for i in GOLD["pii"] if i["channel"] == channel])
        done += int(replaced[index][mask].sum())
        total += int(mask.sum())
    assert done / total >= 0.9, (done, total)


def test_other_speech_is_mostly_kept(replaced: np.ndarray) -> None:
    n = replaced.shape[1]
    done = total = 0
    for index, channel in enumerate(GOLD["channels"]):
        pii = _mask(n, [(i["audio_start"], i["audio_end"]) for i in GOLD["pii"] if i["channel"] == channel])
        speech = _mask(n, [(s["start"], s["end"]) for s in GOLD["script"] if s["channel"] == channel])
        other = speech & ~pii
        done += int(replaced[index][other].sum())
        total += int(other.sum())
    assert done / total <= 0.15, (done, total)
