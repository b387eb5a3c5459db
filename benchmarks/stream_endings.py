#!/usr/bin/env python3
"""Why live finals ended in stray tokens (issue #12): first-pass decoding settings, one at a time.

Every utterance the streaming VAD finds in the sample calls (both channels, exactly the clips a
live call decodes) goes through ``SpeechEngine.transcribe_utterance`` under each configuration:

* ``before``: as live decoding was (no timestamp tokens, zero-valued short-context padding,
  the call's last 48 characters of text as prompt);
* one change at a time: ``no prompt``, ``silence padding``, ``timestamps``;
* ``now``: the current code (timestamps, silence padding, no first-pass prompt).

A final *ends in a stray token* when its last recognised word is 1–2 characters that do not
occur in the channel's script (``… ok``, ``…です行``, ``e``). Reported: utterances with text,
stray endings, and the last words (with probability and end time) of each stray ending with
``--show``. No text is written anywhere but stdout.

Usage::

    python benchmarks/stream_endings.py [--show]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import time
import unicodedata
from pathlib import Path

import numpy as np

from redactor.asr.engine import SpeechEngine
from redactor.asr.options import AsrOptions
from redactor.audio.decode import decode_file
from redactor.audio.resample import to_16k
from redactor.stream.vad import StreamingVad

CALLS = Path(__file__).resolve().parents[1] / "samples" / "calls"
_PUNCT = re.compile(r"[\s、。，．,.!?！？「」『』（）()・…〜~ー-]")


def norm(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


def clips() -> list[tuple[str, str, float, np.ndarray, str]]:
    """(call, channel, offset s, 16-kHz clip, channel script) of every streaming-VAD utterance."""
    out = []
    for gold_path in sorted(CALLS.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        audio = decode_file(CALLS / gold["source"])
        for i, channel in enumerate(gold["channels"]):
            x = to_16k(audio.samples[i], audio.sample_rate)
            vad, spans = StreamingVad(), []
            for k in range(0, x.size, 320):
                spans += vad.push(x[k:k + 320])
            spans += vad.flush()
            script = norm("".join(s["text"] for s in gold["script"] if s["channel"] == channel))
            out += [(gold_path.stem, channel, s.start / 16000, x[s.start:s.end], script) for s in spans]
    return sorted(out, key=lambda c: (c[0], c[2]))


@contextlib.contextmanager
def settings(engine: SpeechEngine, *, timestamps: bool, silence: bool):
    """The first pass's decoding as it was (``timestamps=False``: no timestamp tokens;
    ``silence=False``: zero-valued padding), by wrapping the shared model for this run only."""
    model = engine.model
    transcribe = model.transcribe

    def patched(*args, **kwargs):
        if not timestamps and kwargs.get("without_timestamps") is False:
            kwargs["without_timestamps"] = True
        return transcribe(*args, **kwargs)

    model.transcribe, model.pad_silence = patched, silence
    try:
        yield
    finally:
        del model.transcribe
        model.pad_silence = True


def run(engine: SpeechEngine, cl, *, prompt: bool, show: bool) -> dict:
    texts = strays = 0
    recent, call = "", None
    t0 = time.perf_counter()
    for name, _channel, offset, clip, script in cl:
        if name != call:
            recent, call = "", name
        utt = engine.transcribe_utterance(clip, offset=offset, prompt=(recent[-48:] or None) if prompt else None)
        if utt is None or not utt.words:
            continue
        texts += 1
        recent += utt.text
        last = norm(utt.words[-1].text)
        if 0 < len(last) <= 2 and last not in script:
            strays += 1
            if show:
                print("   ", name, round(offset, 1), [(w.text, round(w.probability, 2), round(w.end - offset, 2))
                                                     for w in utt.words[-3:]], f"clip {clip.size / 16000:.2f} s")
    return {"utterances": len(cl), "with_text": texts, "stray_endings": strays,
            "seconds": round(time.perf_counter() - t0, 1)}


CONFIGS = {  # name: (timestamps, silence padding, prompt)
    "before": (False, False, True),
    "no prompt": (False, False, False),
    "silence padding": (False, True, True),
    "timestamps": (True, False, True),
    "now": (True, True, False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print the last words of each stray ending")
    args = parser.parse_args()
    cl = clips()
    engine = SpeechEngine(AsrOptions(cpu_threads=2))
    print("| first-pass decoding | utterances with text | stray endings | decode s |")
    print("|---|---|---|---|")
    for name, (timestamps, silence, prompt) in CONFIGS.items():
        with settings(engine, timestamps=timestamps, silence=silence):
            r = run(engine, cl, prompt=prompt, show=args.show)
        print(f"| {name} | {r['with_text']}/{r['utterances']} | {r['stray_endings']} | {r['seconds']} |", flush=True)


if __name__ == "__main__":
    main()
