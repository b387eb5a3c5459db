"""Batch redaction before/after: readable PII in the JSON, PII time replaced in the WAV, speed.

    .venv/bin/python benchmarks/batch_redaction.py --before-tree /tmp/redactor-before [--json]

Runs ``redactor batch`` (``python -m redactor.cli batch``, as a subprocess whose working
directory and ``PYTHONPATH`` are the source tree, so an old checkout's code runs with the same
virtual environment) on the sample calls with the same options for every tree, times the wall
clock (start-up and model loading included: it is a batch), and scores the outputs against
the gold files (``samples/calls/NAME.gold.json``) only:

- readable PII: a gold item whose ``leaks`` string is found in the masked text of its channel
  (all of the channel's segments in order, NFKC, case-folded, separators ``[\\s\\-、。,.ー]``
  removed, the same for the leak string);
- from ``NAME.redacted.wav`` against the original, per channel, in 10-ms frames: a sample is
  changed when it differs by more than ``--tolerance`` (PCM16 steps), a frame is replaced when
  most of its samples changed; a frame belongs to an interval when its centre lies in it.
  PII time replaced = replaced frames in the gold items' ``[audio_start, audio_end]`` (their
  union on each channel) / all those frames; an item is covered when ≥ 90 % of its frames are
  replaced. Other speech replaced = replaced frames in the script lines' ``[start, end]`` on
  their channel and outside every gold PII interval of that channel / all such frames;
- throughput = total audio seconds / wall seconds.

Every output directory keeps ``run.json`` (command, wall time, exit status, the module file
that ran), so ``--score-only --out-dir DIR`` can score an earlier run again without running it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CALLS_DIR = ROOT / "samples" / "calls"
CALLS = ["call_address_change", "call_card_payment", "call_wideband_support", "short_call"]
FRAME_S = 0.01
ITEM_COVERED = 0.9
SEPARATORS = re.compile(r"[\s\-、。,.ー]")


# ------------------------------------------------------------------ scoring (gold only)


def flat(text: str) -> str:
    """NFKC, case-folded, separators removed: how a leak string is looked for."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).casefold()


def read_wav(path: Path) -> tuple[int, np.ndarray]:
    """``(rate, samples)``: PCM16 samples as int32, shape (frames, channels)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path.name}: {8 * w.getsampwidth()}-bit samples, PCM16 expected")
        raw = w.readframes(w.getnframes())
        data = np.frombuffer(raw, dtype="<i2").astype(np.int32)
        return w.getframerate(), data.reshape(-1, w.getnchannels())


def replaced_frames(original: np.ndarray, redacted: np.ndarray, rate: int, tolerance: int) -> np.ndarray:
    """Bool (channels, frames of 10 ms): most of the frame's samples differ beyond ``tolerance``."""
    n = min(len(original), len(redacted))
    flen = round(rate * FRAME_S)
    frames = n // flen
    changed = np.abs(redacted[: frames * flen] - original[: frames * flen]) > tolerance
    per_frame = changed.reshape(frames, flen, -1).sum(axis=1)  # (frames, channels)
    return (per_frame * 2 > flen).T


def interval_mask(n_frames: int, intervals: list[tuple[float, float]]) -> np.ndarray:
    """Frames whose centre lies in any of ``intervals`` (seconds)."""
    centres = (np.arange(n_frames) + 0.5) * FRAME_S
    mask = np.zeros(n_frames, dtype=bool)
    for start, end in intervals:
        mask |= (centres >= start) & (centres < end)
    return mask


@dataclass
class ItemScore:
    id: str  # "call:TYPE@line N"
    type: str
    line: int
    channel: str
    readable: bool
    coverage: float | None  # share of the item's frames replaced (None: no WAV to score)


@dataclass
class CallScore:
    name: str
    duration: float
    items: list[ItemScore] = field(default_factory=list)
    pii_frames: int = 0
    pii_replaced: int = 0
    other_frames: int = 0
    other_replaced: int = 0
    error: str | None = None


def score_call(name: str, out_dir: Path, calls_dir: Path, tolerance: int) -> CallScore:
    gold = json.loads((calls_dir / f"{name}.gold.json").read_text(encoding="utf-8"))
    score = CallScore(name, float(gold["duration"]))
    channels: list[str] = gold["channels"]
    json_path, wav_path = out_dir / f"{name}.json", out_dir / f"{name}.redacted.wav"
    masked: dict[str, str] = {}
    if json_path.exists():
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        segments = sorted(doc.get("segments", []), key=lambda s: (s.get("start", 0.0), s.get("end", 0.0)))
        masked = {c: flat("".join(s["text"] for s in segments if s.get("channel") == c)) for c in channels}
    else:
        score.error = f"{json_path.name} missing"
    replaced: np.ndarray | None = None
    if wav_path.exists():
        rate, original = read_wav(calls_dir / gold["source"])
        red_rate, redacted = read_wav(wav_path)
        if red_rate != rate or redacted.shape[1] != original.shape[1]:
            score.error = (f"{wav_path.name}: {red_rate} Hz x {redacted.shape[1]} channels, "
                           f"original {rate} Hz x {original.shape[1]}")
        else:
            if len(redacted) != len(original):
                score.error = f"{wav_path.name}: {len(redacted)} frames, original {len(original)}"
            replaced = replaced_frames(original, redacted, rate, tolerance)
    else:
        score.error = (score.error + "; " if score.error else "") + f"{wav_path.name} missing"

    for item in gold["pii"]:
        ch = item["channel"]
        readable = bool(masked) and any(flat(leak) and flat(leak) in masked.get(ch, "") for leak in item["leaks"])
        coverage = None
        if replaced is not None:
            mask = interval_mask(replaced.shape[1], [(item["audio_start"], item["audio_end"])])
            row = replaced[channels.index(ch)]
            coverage = float(row[mask].sum() / max(1, mask.sum()))
        # Without a JSON every item counts as readable: a failed run never passes.
        score.items.append(ItemScore(f"{name}:{item['type']}@line {item['line']}", item["type"],
                                     int(item["line"]), ch, readable or not masked, coverage))
    if replaced is not None:
        for index, ch in enumerate(channels):
            n = replaced.shape[1]
            pii = interval_mask(n, [(i["audio_start"], i["audio_end"]) for i in gold["pii"] if i["channel"] == ch])
            speech = interval_mask(n, [(s["start"], s["end"]) for s in gold["script"] if s["channel"] == ch])
            other = speech & ~pii
            score.pii_frames += int(pii.sum())
            score.pii_replaced += int(replaced[index][pii].sum())
            score.other_frames += int(other.sum())
            score.other_replaced += int(replaced[index][other].sum())
    return score


# ------------------------------------------------------------------ running a tree


@dataclass
class Run:
    label: str
    tree: str
    module_file: str
    command: str
    wall_s: float
    returncode: int
    stderr_tail: str


def module_file(python: str, tree: Path, env: dict[str, str]) -> str:
    """The ``redactor/__init__.py`` that ``python`` imports in ``tree`` with ``env``."""
    out = subprocess.run([python, "-c", "import redactor; print(redactor.__file__)"], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def run_tree(label: str, tree: Path, python: str, inputs: list[Path], out_dir: Path,
             extra: list[str], models_dir: Path | None) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if models_dir is not None:
        env["REDACTOR_MODELS_DIR"] = str(models_dir)
    imported = module_file(python, tree, env)
    if not Path(imported).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"{label}: {python} imports {imported}, not the code in {tree}")
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [python, "-m", "redactor.cli", "batch", *map(str, inputs), "--out", str(out_dir),
           "--no-progress", *extra]
    print(f"[{label}] {imported}\n[{label}] {shlex.join(cmd)}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    run = Run(label, str(tree), imported, shlex.join(cmd), wall, proc.returncode, proc.stderr[-3000:])
    (out_dir / "run.json").write_text(json.dumps(asdict(run), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"[{label}] exit {proc.returncode} in {wall:.1f} s", file=sys.stderr, flush=True)
    return run


# ------------------------------------------------------------------ report


def summarize(run: Run, scores: list[CallScore]) -> dict[str, Any]:
    items = [i for s in scores for i in s.items]
    scored = [i for i in items if i.coverage is not None]
    audio = sum(s.duration for s in scores)
    pii_frames = sum(s.pii_frames for s in scores)
    other_frames = sum(s.other_frames for s in scores)
    return {
        "label": run.label, "tree": run.tree, "module_file": run.module_file, "command": run.command,
        "returncode": run.returncode, "wall_s": run.wall_s, "audio_s": audio,
        "x_real_time": audio / run.wall_s if run.wall_s else None,
        "pii_items": len(items),
        "readable": [i.id for i in items if i.readable],
        "pii_time_replaced": sum(s.pii_replaced for s in scores) / pii_frames if pii_frames else None,
        "items_covered": sum(i.coverage >= ITEM_COVERED for i in scored),
        "items_scored": len(scored),
        "uncovered": [{"id": i.id, "coverage": i.coverage} for i in scored if i.coverage < ITEM_COVERED],
        "other_speech_replaced": sum(s.other_replaced for s in scores) / other_frames if other_frames else None,
        "errors": [f"{s.name}: {s.error}" for s in scores if s.error],
        "calls": [asdict(s) for s in scores],
        "stderr_tail": run.stderr_tail if run.returncode else "",
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def markdown(results: list[dict[str, Any]], machine: dict[str, Any], argv: list[str]) -> str:
    labels = [r["label"] for r in results]
    rows: list[tuple[str, list[str]]] = [
        ("code that ran", [f"`{r['module_file']}`" for r in results]),
        ("exit status", [str(r["returncode"]) for r in results]),
        ("PII items readable in the JSON (target 0)",
         [f"{len(r['readable'])} / {r['pii_items']}" for r in results]),
        ("PII speech time replaced in the WAV (target ≥ 95 %)", [_pct(r["pii_time_replaced"]) for r in results]),
        ("PII items ≥ 90 % replaced", [f"{r['items_covered']} / {r['items_scored']}" for r in results]),
        ("other speech replaced (target ≤ 10 %)", [_pct(r["other_speech_replaced"]) for r in results]),
        ("audio s / wall s", [f"{r['audio_s']:.1f} / {r['wall_s']:.1f}" for r in results]),
        ("throughput (target ≥ 15× real time)",
         [f"{r['x_real_time']:.1f}×" if r["x_real_time"] else "n/a" for r in results]),
    ]
    lines = [
        f"# Batch redaction: {' vs '.join(labels)}",
        "",
        f"{machine['date']}; {machine['cpu']}, {machine['cpus']} CPUs, Python {machine['python']}, "
        f"load average before {machine['load_before']}, after {machine['load_after']}.",
        "",
        f"Command: `{shlex.join(argv)}`",
        "",
        "| | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
        *[f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows],
        "",
    ]
    for r in results:
        lines.append(f"`{r['label']}` ran: `{r['command']}`")
        if r["readable"]:
            lines.append(f"- readable: {', '.join(r['readable'])}")
        if r["uncovered"]:
            lines.append("- under 90 % replaced: " + ", ".join(
                f"{u['id']} ({100 * u['coverage']:.0f} %)" for u in r["uncovered"]))
        for error in r["errors"]:
            lines.append(f"- error: {error}")
        if r["stderr_tail"]:
            lines.append("- stderr (end):\n\n```\n" + r["stderr_tail"][-1500:] + "\n```")
        lines.append("")
    return "\n".join(lines)


def machine_info() -> dict[str, Any]:
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "cpu": cpu,
            "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()), "load_after": ""}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before-tree", type=Path, default=None, help="a git worktree of the old commit")
    p.add_argument("--after-tree", type=Path, default=ROOT, help="the current tree (default: this repository)")
    p.add_argument("--python", default=sys.executable, help="interpreter of the virtual environment")
    p.add_argument("--models-dir", type=Path, default=ROOT / "models",
                   help="REDACTOR_MODELS_DIR for every tree (default: this repository's models/)")
    p.add_argument("--calls-dir", type=Path, default=CALLS_DIR)
    p.add_argument("--calls", nargs="+", default=CALLS, help="sample call names (NAME.wav + NAME.gold.json)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tolerance", type=int, default=2, help="PCM16 steps a sample may differ and count as kept")
    p.add_argument("--out-dir", type=Path, default=None,
                   help="keep the outputs here (LABEL/ under it; default: a temporary directory, deleted)")
    p.add_argument("--score-only", action="store_true",
                   help="do not run: score the outputs and run.json already in --out-dir/LABEL")
    p.add_argument("--only", choices=("before", "after"), default=None, help="run one tree only")
    p.add_argument("--json", action="store_true", help="print JSON instead of the markdown table")
    args = p.parse_args(argv)
    if args.score_only and args.out_dir is None:
        p.error("--score-only needs --out-dir")

    trees = [("before", args.before_tree), ("after", args.after_tree)]
    trees = [(label, tree) for label, tree in trees if tree is not None and args.only in (None, label)]
    inputs = [(args.calls_dir / f"{n}.wav").resolve() for n in args.calls]
    extra = ["--format", "json,wav", "--workers", str(args.workers), "--threads", str(args.threads)]
    machine = machine_info()
    root = args.out_dir or Path(tempfile.mkdtemp(prefix="batch_redaction."))
    results = []
    try:
        for label, tree in trees:
            out = root / label
            if args.score_only:
                run = Run(**json.loads((out / "run.json").read_text(encoding="utf-8")))
            else:
                if out.exists() and any(out.iterdir()):
                    raise SystemExit(f"{out} is not empty")
                run = run_tree(label, tree.resolve(), args.python, inputs, out, extra, args.models_dir.resolve())
            scores = [score_call(n, out, args.calls_dir, args.tolerance) for n in args.calls]
            results.append(summarize(run, scores))
    finally:
        if args.out_dir is None:
            shutil.rmtree(root, ignore_errors=True)
    machine["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    command = [Path(sys.executable).name, "benchmarks/batch_redaction.py", *argv]
    if args.json:
        print(json.dumps({"machine": machine, "command": shlex.join(command), "results": results},
                         ensure_ascii=False, indent=1))
    else:
        print(markdown(results, machine, command))
    return 0 if all(r["returncode"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
