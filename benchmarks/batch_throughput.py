"""Batch throughput (local process pool vs Ray), peak memory and end-to-end PII recall.

    python benchmarks/batch_throughput.py [--engines local ray] [--calls NAME ...]

For each engine it runs ``run_batch`` over the long sample calls (stereo, 60-120 s) and
reports call-audio seconds per wall second (model loading included: it is a batch), the
peak resident memory of the whole process tree (driver + workers, sampled every 0.2 s), and
from the outputs:

- PII recall: spoken PII items whose value is absent from the masked transcript / all items
  (also among the items the ASR did recognise, from an unmasked transcript written to a
  temporary directory that is deleted afterwards);
- audio coverage: gold PII time spans (known exactly from synthesis) covered >= 90% by the
  bleeped spans of the same channel, and the share of bleeped time outside any gold span.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redactor.batch.pipeline import BatchOptions  # noqa: E402
from redactor.batch.runner import RunConfig, run_batch  # noqa: E402

CALLS_DIR = ROOT / "samples" / "calls"
LONG_CALLS = ["call_address_change", "call_card_payment", "call_wideband_support"]
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def flat(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_KANJI_DIGITS)
    return re.sub(r"[\s\-、。,.・ー]", "", text).lower()


class TreeRss:
    """Peak RSS (bytes) of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak, self.interval, self._stop = 0, interval, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_rss(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        me, total = os.getpid(), 0
        for pid in rss:
            p = pid
            while p not in (0, 1) and p != me:
                p = parents.get(p, 0)
            if p == me:
                total += rss[pid]
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def evaluate(out: Path, names: list[str]) -> dict:
    items = leaked = recognised = recognised_leaked = 0
    covered = spans = 0
    bleeped = outside = 0.0
    for name in names:
        gold = json.loads((CALLS_DIR / f"{name}.gold.json").read_text(encoding="utf-8"))
        doc = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        raw = json.loads((out / f"{name}.unmasked.json").read_text(encoding="utf-8"))
        masked = {c: flat("".join(s["text"] for s in doc["segments"] if s["channel"] == c))
                  for c in gold["channels"]}
        unmasked = {c: flat("".join(s["text"] for s in raw if s["channel"] == c))
                    for c in gold["channels"]}
        bleeps = {c: [(e["audio_start"], e["audio_end"]) for s in doc["segments"]
                      if s["channel"] == c for e in s["entities"]] for c in gold["channels"]}
        for item in gold["pii"]:
            ch = item["channel"]
            leaks = [flat(x) for x in item["leaks"]]
            is_leaked = any(x in masked[ch] for x in leaks)
            is_recognised = any(x in unmasked[ch] for x in leaks)
            items += 1
            leaked += is_leaked
            recognised += is_recognised
            recognised_leaked += is_recognised and is_leaked
            a, b = item["audio_start"], item["audio_end"]
            overlap = sum(max(0.0, min(b, e) - max(a, s)) for s, e in _merge(bleeps[ch]))
            covered += overlap >= 0.9 * (b - a)
            spans += 1
        for ch, spans_ch in bleeps.items():
            gold_ch = [(i["audio_start"], i["audio_end"]) for i in gold["pii"]
                       if i["channel"] == ch]
            for s, e in _merge(spans_ch):
                bleeped += e - s
                inside = sum(max(0.0, min(e, b) - max(s, a)) for a, b in gold_ch)
                outside += (e - s) - inside
    return {
        "pii_items": items,
        "pii_recall": 1 - leaked / max(1, items),
        "asr_recognised_items": recognised,
        "recall_among_recognised": 1 - recognised_leaked / max(1, recognised),
        "audio_spans_covered": covered / max(1, spans),
        "bleeped_outside_gold_share": outside / bleeped if bleeped else 0.0,
    }


def _merge(spans):
    out = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["local", "ray"])
    parser.add_argument("--calls", nargs="+", default=LONG_CALLS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    inputs = [CALLS_DIR / f"{n}.wav" for n in args.calls]
    options = BatchOptions(formats=("json", "wav"), write_unmasked=True)
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, calls: {', '.join(args.calls)}")
    print("| engine | workers x threads | call audio s | wall s | x real time | peak RSS MiB |"
          " PII recall | recall (recognised) | spans covered | bleep outside gold |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for engine in args.engines:
        with tempfile.TemporaryDirectory() as tmp, TreeRss() as rss:
            t0 = time.perf_counter()
            outcomes = run_batch(inputs, Path(tmp), options,
                                 RunConfig(engine=engine, workers=args.workers,
                                           threads=args.threads))
            wall = time.perf_counter() - t0
            assert all(o.ok for o in outcomes), [o.error for o in outcomes]
            audio = sum(o.duration for o in outcomes)
            m = evaluate(Path(tmp), args.calls)
        print(f"| {engine} | {args.workers}x{args.threads} | {audio:.1f} | {wall:.1f} | "
              f"{audio / wall:.1f} | {rss.peak / 2**20:.0f} | {m['pii_recall']:.0%} "
              f"({m['pii_items']}) | {m['recall_among_recognised']:.0%} "
              f"({m['asr_recognised_items']}) | {m['audio_spans_covered']:.0%} | "
              f"{m['bleeped_outside_gold_share']:.0%} |", flush=True)


if __name__ == "__main__":
    main()
