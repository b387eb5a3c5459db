"""ASR speed and accuracy per engine configuration on the sample calls.

    python benchmarks/asr_speed.py [--calls short_call call_card_payment] [--configs NAME ...]

For each configuration (compute type, threads, beam, short-context encoder on/off and its
padding) it transcribes every channel of the given sample calls with ``SpeechEngine`` and
reports the real-time factor (processing seconds / channel-audio seconds, lower is faster)
and the character error rate against the script in ``samples/calls/*.gold.json``
(NFKC, punctuation and spaces removed). One process, one model load per configuration.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_common import edit_distance  # noqa: E402

from redactor.asr.engine import SpeechEngine  # noqa: E402
from redactor.asr.guards import normalise  # noqa: E402
from redactor.asr.options import CALL_CENTER_PROMPT, AsrOptions, SegmentationOptions  # noqa: E402
from redactor.audio import decode_file, to_16k  # noqa: E402

CALLS_DIR = ROOT / "samples" / "calls"
ALL_CALLS = ["short_call", "call_address_change", "call_card_payment", "call_wideband_support"]

CONFIGS: dict[str, AsrOptions | None] = {
    "faster-whisper-vad-baseline": None,  # int8, 2 threads, beam 5, built-in VAD, 30-s windows
    "win-int8-t2-b1-short1s": AsrOptions(cpu_threads=2, beam_size=1, short_context=True),
    "win-int8-t1-b1-short1s": AsrOptions(cpu_threads=1, beam_size=1, short_context=True),
    "win-f32-t2-b1-short1s": AsrOptions(
        compute_type="float32", cpu_threads=2, beam_size=1, short_context=True
    ),
    "win-int8-t2-b5-short1s": AsrOptions(cpu_threads=2, beam_size=5, short_context=True),
    "win-int8-t2-b1-full": AsrOptions(cpu_threads=2, beam_size=1, short_context=False),
    "win-int8-t2-b5-full": AsrOptions(cpu_threads=2, beam_size=5, short_context=False),
    "int8-t2-b1-full": AsrOptions(cpu_threads=2, beam_size=1, short_context=False),
    "int8-t2-b1-short1s": AsrOptions(cpu_threads=2, beam_size=1, short_context=True),
    "int8-t2-b1-short1s-prompt": AsrOptions(
        cpu_threads=2, beam_size=1, short_context=True, initial_prompt=CALL_CENTER_PROMPT
    ),
    "int8-t2-b1-short1s-fallback": AsrOptions(
        cpu_threads=2, beam_size=1, short_context=True, temperatures=(0.0, 0.4, 0.8)
    ),
    "int8-t2-b1-full-fallback": AsrOptions(
        cpu_threads=2, beam_size=1, short_context=False, temperatures=(0.0, 0.4, 0.8)
    ),
    "int8-t2-b1-short3s": AsrOptions(
        cpu_threads=2, beam_size=1, short_context=True, short_context_pad_s=3.0
    ),
    "int8-t2-b5-short1s": AsrOptions(cpu_threads=2, beam_size=5, short_context=True),
    "int8-t2-b5-full": AsrOptions(cpu_threads=2, beam_size=5, short_context=False),
    "int8-t1-b1-short1s": AsrOptions(cpu_threads=1, beam_size=1, short_context=True),
    "f32-t2-b1-short1s": AsrOptions(
        compute_type="float32", cpu_threads=2, beam_size=1, short_context=True
    ),
}

# Configurations without the "win-" prefix decode each VAD utterance alone.
_UTTERANCE = SegmentationOptions(mode="utterance")
CONFIGS = {
    name: (opts if opts is None or name.startswith("win-") else replace(opts, segmentation=_UTTERANCE))
    for name, opts in CONFIGS.items()
}


def load_calls(names: list[str]):
    calls = []
    for name in names:
        gold = json.loads((CALLS_DIR / f"{name}.gold.json").read_text(encoding="utf-8"))
        audio = decode_file(CALLS_DIR / gold["source"])
        channels = []
        for index, channel in enumerate(gold["channels"]):
            ref = "".join(s["text"] for s in gold["script"] if s["channel"] == channel)
            channels.append((to_16k(audio.samples[index], audio.sample_rate), normalise(ref)))
        calls.append((name, audio.duration, channels))
    return calls


class PlainFasterWhisper:
    """Baseline: faster-whisper as shipped (beam 5, its own VAD filter over the whole channel)."""

    def __init__(self, threads: int = 2) -> None:
        from faster_whisper import WhisperModel

        from redactor.asr.models import resolve_model

        self.model = WhisperModel(resolve_model(None), compute_type="int8", cpu_threads=threads)

    def transcribe(self, audio):
        segments, _ = self.model.transcribe(
            audio, language="ja", vad_filter=True, word_timestamps=True
        )
        return list(segments)


def run_config(options: AsrOptions | None, calls) -> dict:
    engine = SpeechEngine(options) if options is not None else PlainFasterWhisper()
    engine.transcribe(calls[0][2][0][0][: 16000 * 3])  # warm-up
    seconds = errors = ref_chars = 0
    elapsed = 0.0
    for _name, _duration, channels in calls:
        for audio, ref in channels:
            t0 = time.perf_counter()
            utterances = engine.transcribe(audio)
            elapsed += time.perf_counter() - t0
            hyp = normalise("".join(u.text for u in utterances))
            errors += edit_distance(ref, hyp)
            ref_chars += len(ref)
            seconds += audio.size / 16000
    return {
        "rtf": elapsed / seconds,
        "speed_x": seconds / elapsed,
        "cer": errors / max(1, ref_chars),
        "channel_audio_s": seconds,
        "elapsed_s": elapsed,
    }


def encoder_timing(threads: int = 2) -> None:
    """Encoder alone: 30 s of padded features vs the real length (the short-context idea)."""
    import numpy as np
    from faster_whisper import WhisperModel
    from faster_whisper.audio import pad_or_trim

    from redactor.asr.models import resolve_model

    model = WhisperModel(resolve_model(None), compute_type="int8", cpu_threads=threads)
    audio = np.random.default_rng(0).normal(0, 0.05, 16000 * 11).astype(np.float32)
    features = model.feature_extractor(audio)[:, :-1]
    print("| encoder input frames | seconds per encode |")
    print("|---|---|")
    for frames in (3000, 1200, 400):
        x = pad_or_trim(features, frames)
        model.encode(x)
        t0 = time.perf_counter()
        for _ in range(3):
            model.encode(x)
        print(f"| {frames} | {(time.perf_counter() - t0) / 3:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", nargs="+", default=ALL_CALLS)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--encoder", action="store_true", help="only time the encoder")
    args = parser.parse_args()
    if args.encoder:
        encoder_timing()
        return
    calls = load_calls(args.calls)
    print(f"# {platform.processor() or platform.machine()}, calls: {', '.join(args.calls)}")
    print("| configuration | RTF | x real time | CER |")
    print("|---|---|---|---|")
    results = {}
    for name in args.configs:
        r = run_config(CONFIGS[name], calls)
        results[name] = r
        print(f"| {name} | {r['rtf']:.3f} | {r['speed_x']:.1f} | {r['cer']:.1%} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
