#!/usr/bin/env python3
"""Memory of ``redactor text`` over a long stdin stream: RSS must stay flat.

Pipes N synthetic utterances (every one with fresh numbers and names, the worst case for
spaCy's string store) into the real console script and samples the child's resident set
size as lines come back.  Prints RSS at a few points and the growth over the run.

Usage::

    python benchmarks/stream_memory.py --lines 10000
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

SURNAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]


def utterance(rnd: random.Random) -> str:
    return (f"{rnd.choice(SURNAMES)}{rnd.choice('太郎花子一郎')}です。電話番号は090-{rnd.randint(1000, 9999)}-"
            f"{rnd.randint(1000, 9999)}、注文番号Z{rnd.randint(10**6, 10**7)}の件です。")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args(argv)
    cli = str(Path(sys.executable).with_name("redactor"))
    child = subprocess.Popen([cli, "text"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
    rnd = random.Random(7)

    def feed() -> None:
        for _ in range(args.lines):
            child.stdin.write((utterance(rnd) + "\n").encode())
        child.stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    marks = sorted({1, 100, args.lines // 10, args.lines // 2, args.lines})
    samples: dict[int, float] = {}
    started = time.perf_counter()
    for n, _ in enumerate(child.stdout, start=1):
        if n in marks:
            samples[n] = rss_mib(child.pid)
    child.wait()
    elapsed = time.perf_counter() - started
    print(f"{'lines out':>10}  {'RSS MiB':>8}")
    for n, mib in samples.items():
        print(f"{n:>10}  {mib:>8.1f}")
    first = samples[min(n for n in samples if n >= 100)]
    print(f"growth from line 100 to {args.lines}: {samples[args.lines] - first:+.1f} MiB "
          f"({args.lines / elapsed:.1f} lines/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
