#!/usr/bin/env python3
"""The documented telephone transform: 16-kHz speech → 8-kHz G.711 μ-law narrowband speech.

Steps, in this order, for one mono clip of float samples in [-1, 1]:

1. **Resample to 8 kHz** with soxr (``HQ``; its anti-alias low-pass sits just under 4 kHz).
2. **Band-limit to 300–3400 Hz**, the classic telephone (ITU-T G.712) voice band: a zero-phase
   filter applied in the frequency domain whose magnitude is that of a 4th-order Butterworth
   high-pass at 300 Hz times a 4th-order Butterworth low-pass at 3400 Hz,
   ``|H(f)| = 1/sqrt(1 + (300/f)^8) · 1/sqrt(1 + (f/3400)^8)`` (−3 dB at both edges, DC removed).
3. **Scale** so that the peak is at most −1 dBFS (a hot clip would otherwise clip in the codec);
   quieter clips are left as they are.
4. **μ-law encode and decode** (ITU-T G.711, 8 bits a sample: the segment/mantissa code with the
   standard bias 0x84 and clip 32635), i.e. exactly the quantisation a PSTN/SIP/Twilio leg applies.
5. **Save** the decoded samples as 8-kHz mono PCM16 WAV.

The codec is written out here (not imported from the project) so that the benchmark's input does
not depend on the code under test.

Usage::

    python benchmarks/real/make_telephone.py IN_DIR OUT_DIR    # every *.wav / *.flac in IN_DIR
    python benchmarks/real/make_telephone.py clip.wav out.wav
"""

from __future__ import annotations

import argparse
import sys
import wave
from pathlib import Path

import numpy as np

TELEPHONE_RATE = 8000
BAND = (300.0, 3400.0)
ORDER = 4
PEAK = 10 ** (-1 / 20)  # −1 dBFS
_BIAS, _CLIP = 0x84, 32635


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    import soxr

    x = np.asarray(samples, dtype=np.float32)
    return x if rate == target else soxr.resample(x, rate, target, quality="HQ").astype(np.float32)


def band_limit(samples: np.ndarray, rate: int, low: float = BAND[0], high: float = BAND[1],
               order: int = ORDER) -> np.ndarray:
    """Zero-phase Butterworth-shaped band-pass (magnitude of HP(low)·LP(high), both ``order``)."""
    x = np.asarray(samples, dtype=np.float64)
    n = x.size
    if n == 0:
        return x.astype(np.float32)
    size = 1 << int(np.ceil(np.log2(n + 2 * rate // 10)))  # padding: no circular wrap-around
    spectrum = np.fft.rfft(x, size)
    f = np.fft.rfftfreq(size, 1.0 / rate)
    with np.errstate(divide="ignore"):
        hp = 1.0 / np.sqrt(1.0 + (low / np.maximum(f, 1e-9)) ** (2 * order))
    lp = 1.0 / np.sqrt(1.0 + (f / high) ** (2 * order))
    hp[0] = 0.0
    return np.fft.irfft(spectrum * hp * lp, size)[:n].astype(np.float32)


def mulaw_encode(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] → G.711 μ-law bytes (uint8)."""
    pcm = np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.int32)
    sign = (pcm < 0).astype(np.int32)
    mag = np.minimum(np.abs(pcm), _CLIP) + _BIAS
    exponent = np.clip(np.floor(np.log2(mag)).astype(np.int32) - 7, 0, 7)
    mantissa = (mag >> (exponent + 3)) & 0x0F
    return (~((sign << 7) | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


def mulaw_decode(codes: np.ndarray) -> np.ndarray:
    """G.711 μ-law bytes → float samples in [-1, 1]."""
    u = ~np.asarray(codes, dtype=np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    mag = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return (np.where(u & 0x80, -mag, mag) / 32768.0).astype(np.float32)


def telephone(samples: np.ndarray, rate: int) -> np.ndarray:
    """One mono clip at ``rate`` → 8-kHz μ-law-degraded float32 samples (steps 1–4 above)."""
    x = band_limit(resample(samples, rate, TELEPHONE_RATE), TELEPHONE_RATE)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak > PEAK:
        x = x * (PEAK / peak)
    return mulaw_decode(mulaw_encode(x))


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples and rate of a WAV (stdlib) or any file PyAV decodes (FLAC…)."""
    if path.suffix.lower() == ".wav":
        with wave.open(str(path), "rb") as w:
            rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
            raw = w.readframes(w.getnframes())
        if width != 2:
            raise ValueError(f"{path.name}: only 16-bit PCM WAV is read here")
        x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        return x.reshape(-1, channels).mean(axis=1), rate
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        res = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = [o.to_ndarray().reshape(-1) for fr in container.decode(stream) for o in res.resample(fr)]
        chunks += [o.to_ndarray().reshape(-1) for o in res.resample(None)]
    return np.concatenate(chunks).astype(np.float32), rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def convert(src: Path, dst: Path) -> None:
    samples, rate = read_audio(src)
    write_wav(dst, telephone(samples, rate), TELEPHONE_RATE)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="16-kHz clips → 8-kHz μ-law telephone copies (WAV).")
    ap.add_argument("src", type=Path, help="a clip, or a folder of *.wav / *.flac")
    ap.add_argument("dst", type=Path, help="output WAV, or output folder")
    args = ap.parse_args(argv)
    if args.src.is_dir():
        clips = sorted(p for p in args.src.iterdir() if p.suffix.lower() in (".wav", ".flac"))
        for p in clips:
            convert(p, args.dst / (p.stem + ".wav"))
        print(f"{len(clips)} telephone copies in {args.dst}", file=sys.stderr)
    else:
        convert(args.src, args.dst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
