"""``redactor batch INPUT... --out DIR``: masked transcripts and bleeped audio of recorded calls.

See ``redactor/batch/README.md`` and the contract in the design's CONTRACTS.md.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from redactor.asr.models import ModelError
from redactor.asr.options import AsrOptions, SegmentationOptions
from redactor.batch.pipeline import BatchOptions
from redactor.batch.writers import FORMATS
from redactor.config import add_engine_arguments


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _formats(value: str) -> tuple[str, ...]:
    formats = _csv(value)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format(s): {', '.join(unknown)}")
    return formats


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "batch",
        help="redact recorded calls: masked JSON/SRT/VTT transcripts and bleeped audio",
        description="Transcribe recorded calls per channel, mask PII, bleep it in the audio.",
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                   help="audio files (wav/flac/mp3/ogg/m4a: anything PyAV decodes) or folders "
                        "of them (their audio files, sorted; not recursive)")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local process pool (default) or Ray (RAY_ADDRESS = existing cluster)")
    p.add_argument("--channels", type=_csv, default=("agent", "customer"),
                   help="names of channels 0,1 of a stereo file (default agent,customer)")
    p.add_argument("--mono-channel", default="mixed", help="name of a mono file's channel")
    p.add_argument("--format", type=_formats, default=("json", "wav"), dest="formats",
                   help="outputs: any of json,srt,vtt,wav (default json,wav)")
    p.add_argument("--policy", default=None, help="purpose policy of the calls (warnings)")
    add_engine_arguments(p)
    p.add_argument("--audio-redaction", choices=("entity", "utterance"), default="entity",
                   help="entity (default): bleep each spoken value and its slot; "
                        "utterance: bleep every utterance that carries PII")
    p.add_argument("--overwrite", action="store_true",
                   help="replace existing outputs (without it, an input whose output exists "
                        "is refused and the others still run)")
    p.add_argument("--workers", type=int, default=None, help="worker processes / Ray actors")
    p.add_argument("--threads", type=int, default=None, help="model threads per worker")
    p.add_argument("--model", default=None,
                   help="whisper-base (default), a CTranslate2 model directory, or a hub name")
    p.add_argument("--compute-type", default="int8", help="CTranslate2 compute type")
    p.add_argument("--beam-size", type=int, default=1, help="1 = greedy (default)")
    p.add_argument("--no-short-context", dest="short_context", action="store_false",
                   help="pad every window to Whisper's 30 s (slower, same accuracy here)")
    p.add_argument("--segmentation", choices=("window", "utterance"), default="window",
                   help="window: VAD speech packed into 30-s windows (default, best CER); "
                        "utterance: each VAD utterance decoded alone")
    p.add_argument("--bleep", choices=("tone", "silence"), default="tone",
                   help="what replaces PII in the redacted audio")
    p.add_argument("--pad", type=float, default=0.2, metavar="SECONDS",
                   help="audio padding on each side of an entity's words (default 0.2)")
    p.add_argument("--write-unmasked-transcript", dest="write_unmasked", action="store_true",
                   help="DANGER: also write NAME.unmasked.json with the raw transcript, PII "
                        "included (mode 0600). Never needed for normal use.")
    p.add_argument("--no-progress", dest="progress", action="store_false",
                   help="no progress bar (still prints the summary)")
    p.set_defaults(func=run)


def build_options(args: argparse.Namespace) -> BatchOptions:
    asr = AsrOptions(
        model=args.model,
        compute_type=args.compute_type,
        beam_size=args.beam_size,
        short_context=args.short_context,
        segmentation=SegmentationOptions(mode=args.segmentation),
    )
    return BatchOptions(
        asr=asr,
        channels=args.channels,
        mono_channel=args.mono_channel,
        formats=args.formats,
        bleep=args.bleep,
        pad_s=args.pad,
        policy=args.policy,
        write_unmasked=args.write_unmasked,
        config=args.config,
        entities=tuple(args.entities) if args.entities is not None else None,
        score_threshold=args.score_threshold,
        audio_redaction=args.audio_redaction,
        overwrite=args.overwrite,
    )


def run(args: argparse.Namespace) -> int:
    return execute(args)[0]


def execute(args: argparse.Namespace) -> tuple[int, list]:
    """The command: ``(exit status, the files' outcomes)`` (no outcomes when nothing ran).

    Ends with the summary table on stderr and ``DIR/report.md`` (``report.py``), both from
    the same ``summarize`` numbers.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from redactor.batch.report import summarize, write_report
    from redactor.batch.runner import RunConfig, run_batch
    from redactor.config import ConfigError, load_config
    from redactor.engine import policies_of
    from redactor.policy import PolicyError

    err = Console(stderr=True)
    try:  # a bad configuration or policy is a usage error before any audio is touched
        config = load_config(args.config).with_selection(args.entities, args.score_threshold)
        policies_of(config).get(args.policy or "general_support")
    except (ConfigError, PolicyError) as exc:
        err.print(f"redactor batch: {exc}", soft_wrap=True, highlight=False, markup=False)
        return 2, []
    options = build_options(args)
    run_config = RunConfig(engine=args.engine, workers=args.workers, threads=args.threads)
    progress = Progress(
        TextColumn("[bold]redacting"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s audio"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        disable=not args.progress,
    )
    task = progress.add_task("batch", total=1.0)

    def on_file(outcome) -> None:
        if outcome.error:
            progress.console.print(f"[red]failed[/red] {escape(outcome.error)}", soft_wrap=True)
        for warning in outcome.decode_warnings:
            progress.console.print(f"[yellow]warning[/yellow] {escape(outcome.source.name)}: "
                                   f"{escape(warning['message'])}", soft_wrap=True)

    start = time.perf_counter()
    previous = signal.signal(signal.SIGTERM, _interrupted)  # finally blocks run: no temporary file stays
    try:
        with progress:
            outcomes = run_batch(
                list(args.inputs),
                args.out,
                options,
                run_config,
                on_start=lambda total: progress.update(task, total=max(total, 0.001)),
                on_progress=lambda seconds: progress.advance(task, seconds),
                on_file=on_file,
            )
    except ModelError as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True, highlight=False)
        return 2, []
    except KeyboardInterrupt:
        err.print("redactor batch: interrupted; the files finished are complete, the one in progress "
                  "left no output (run again to do the rest)", soft_wrap=True, highlight=False)
        return 130, []
    finally:
        signal.signal(signal.SIGTERM, previous)
    wall = time.perf_counter() - start
    summary = summarize(outcomes, wall)
    _summary(err, outcomes, summary)
    try:
        report = write_report(args.out, outcomes, summary, overwrite=args.overwrite)
        err.print(f"report: {report}", soft_wrap=True, highlight=False)
    except OSError as exc:
        err.print(f"[red]cannot write the report:[/red] {type(exc).__name__}", highlight=False)
        return 1, outcomes
    return (0 if all(o.ok for o in outcomes) else 1), outcomes


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM as Ctrl-C: unwinds through the writers' cleanup


def _summary(console, outcomes, summary) -> None:
    from rich.markup import escape
    from rich.table import Table

    entities = summary.entities
    table = Table(title="redactor batch", show_header=False)
    table.add_row("files", f"{summary.files_ok} ok, {summary.files_failed} failed")
    table.add_row("audio", f"{summary.audio_s / 60:.2f} min")
    table.add_row("wall time", f"{summary.wall_s:.1f} s")
    table.add_row("speed", f"{summary.speed:.1f}x real time" if summary.speed is not None else "-")
    for kind, count in sorted(entities.items()):
        table.add_row(f"  {kind}", str(count))
    if not entities:
        table.add_row("entities", "none")
    console.print(table)
    for o in outcomes:
        if not o.ok:
            console.print(f"[red]failed:[/red] {escape(o.error or 'failed')}", highlight=False)
    sys.stderr.flush()
