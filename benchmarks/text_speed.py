#!/usr/bin/env python3
"""Text-path speed: model load time, per-utterance latency, throughput and peak memory.

For each system the utterances of the corpus are processed one by one (the way a live call
delivers them): ``ours`` times ``Redactor().redact(text)``, the baseline ``ginza`` times
``nlp(text)`` with ``spacy.load("ja_ginza")``, and the optional ``presidio`` baseline times
``AnalyzerEngine.analyze(text, language="ja")``.

Procedure per system: measure the load (constructor, plus the first call, since a lazy
engine may finish loading there), run ``--warmup`` utterances, then ``--passes`` passes over
the corpus timing each call with ``time.perf_counter``.  Per pass we take p50/p95/mean
latency and utterances per second; the table shows the median over passes.  Peak RSS is
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end.  Each system runs in a fresh
child process so its load time and peak memory are its own (``--in-process`` turns that
off).

Usage::

    python benchmarks/text_speed.py                     # ours and ginza
    python benchmarks/text_speed.py --system all --passes 5 --json /tmp/speed.json
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_common import DEFAULT_CORPUS, LOADERS, load_corpus


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile, q in [0, 100]."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def measure(name: str, texts: list[str], warmup: int, passes: int) -> dict[str, Any]:
    rss_before = peak_rss_mib()
    t0 = time.perf_counter()
    system = LOADERS[name]()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    system.run(texts[0])
    first_call_s = time.perf_counter() - t0
    for i in range(warmup):
        system.run(texts[i % len(texts)])
    per_pass = []
    for _ in range(passes):
        lat = []
        start = time.perf_counter()
        for text in texts:
            t = time.perf_counter()
            system.run(text)
            lat.append(time.perf_counter() - t)
        wall = time.perf_counter() - start
        per_pass.append({"p50_ms": 1000 * percentile(lat, 50),
                         "p95_ms": 1000 * percentile(lat, 95),
                         "mean_ms": 1000 * statistics.fmean(lat),
                         "max_ms": 1000 * max(lat),
                         "utt_per_s": len(texts) / wall})
    summary = {key: statistics.median(p[key] for p in per_pass) for key in per_pass[0]}
    return {
        "system": name,
        "title": system.title,
        "load_s": load_s,
        "first_call_ms": 1000 * first_call_s,
        **summary,
        "per_pass": per_pass,
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_load_mib": rss_before,
        "utterances": len(texts),
        "mean_chars": statistics.fmean(len(t) for t in texts),
    }


def run_child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name,
               "--child-out", str(out), "--corpus", str(args.corpus),
               "--warmup", str(args.warmup), "--passes", str(args.passes)]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip()
                               else f"exit status {proc.returncode}")
        return json.loads(out.read_text(encoding="utf-8"))


def print_table(results: list[dict[str, Any]], passes: int) -> None:
    cols = (("load s", "load_s", "{:8.2f}"), ("1st call ms", "first_call_ms", "{:12.1f}"),
            ("p50 ms", "p50_ms", "{:8.2f}"), ("p95 ms", "p95_ms", "{:8.2f}"),
            ("mean ms", "mean_ms", "{:8.2f}"), ("utt/s", "utt_per_s", "{:8.1f}"),
            ("peak RSS MiB", "peak_rss_mib", "{:13.0f}"))
    print(f"\n{'system':<34}" + "".join(f"{label:>{len(f.format(0))}}" for label, _, f in cols))
    for r in results:
        print(f"{r['title']:<34}" + "".join(f.format(r[key]) for _, key, f in cols))
    print(f"\n(latency: median over {passes} passes of per-pass percentiles; "
          f"{results[0]['utterances']} utterances, mean {results[0]['mean_chars']:.0f} chars)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--system", choices=(*LOADERS, "all"), default=None,
                        help="default: ours and ginza; all adds presidio")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--limit", type=int, help="only the first N utterances")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--in-process", action="store_true",
                        help="measure all systems in this process (RSS then accumulates)")
    parser.add_argument("--child", choices=tuple(LOADERS), help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    texts = [row["text"] for row in load_corpus(args.corpus, args.limit)]
    if args.child:
        result = measure(args.child, texts, args.warmup, args.passes)
        args.child_out.write_text(json.dumps(result), encoding="utf-8")
        return 0

    chosen = {None: ["ours", "ginza"], "all": list(LOADERS)}
    names = chosen.get(args.system, [args.system])
    results, failed = [], {}
    for name in names:
        print(f"[{name}] measuring…", file=sys.stderr)
        try:
            if args.in_process:
                results.append(measure(name, texts, args.warmup, args.passes))
            else:
                results.append(run_child(name, args))
        except Exception as exc:
            failed[name] = f"{type(exc).__name__}: {exc}"
            print(f"[{name}] unavailable: {failed[name]}", file=sys.stderr)
    print(f"\nMachine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; corpus {args.corpus}")
    if results:
        print_table(results, args.passes)
    if args.json:
        args.json.write_text(json.dumps({"results": results, "failed": failed}, indent=2) + "\n",
                             encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
