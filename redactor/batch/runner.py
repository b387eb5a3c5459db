"""Run the batch pipeline over many files: local process pool (default) or Ray.

Both engines run the same call task (``pipeline.transcribe_call``) in workers that each
load the speech model and the PII engine once; the driver probes every input first (an
unreadable file fails alone) and writes each call's outputs as it comes back. The JSON is
identical whichever engine ran it.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from redactor.asr.models import ModelError, resolve_model
from redactor.audio.decode import AudioError, decode_file
from redactor.batch.pipeline import BatchOptions, CallResult, transcribe_call
from redactor.batch.writers import write_call

TaskKey = int  # index of the file in the inputs
WARNING_FIELDS = ("kind", "severity", "channel", "segment_id", "time")


@dataclass(slots=True)
class FileOutcome:
    """What happened to one input (never carries transcript text).

    ``warnings`` keeps each call warning's kind, severity, channel, segment_id and time
    (for the QA report; the messages stay in ``NAME.json``).
    """

    source: Path
    ok: bool = False
    error: str | None = None
    duration: float = 0.0
    channels: int = 0
    entities: Counter = field(default_factory=Counter)
    outputs: list[Path] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """How to run: engine, number of workers and model threads per worker."""

    engine: str = "local"  # "local" | "ray"
    workers: int | None = None
    threads: int | None = None


def plan_workers(n_tasks: int, config: RunConfig) -> tuple[int, int]:
    """``(workers, threads per worker)``: fill the machine's cores, no more workers than tasks."""
    cpus = os.cpu_count() or 1
    workers = config.workers or max(1, min(cpus, n_tasks))
    threads = config.threads or max(1, cpus // workers)
    return workers, threads


def safe_call_task(
    key: TaskKey, source: str | bytes, name: str, options: BatchOptions
) -> tuple[TaskKey, CallResult | None, str | None]:
    """``transcribe_call`` that reports failure as a short message (no transcript text)."""
    try:
        return key, transcribe_call(source, name, options), None
    except (AudioError, ModelError) as exc:  # their messages never carry transcript text
        return key, None, str(exc)
    except Exception as exc:
        return key, None, f"{name}: failed ({type(exc).__name__})"


# ------------------------------------------------------------------ engines


class _LocalEngine:
    """Process pool (threads in-process when one worker is enough)."""

    def __init__(self, workers: int) -> None:
        if workers == 1:
            self.pool: Executor = ThreadPoolExecutor(max_workers=1)
        else:
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
        self.pending: dict[Future, tuple[TaskKey, str]] = {}

    def submit(self, key: TaskKey, path: Path, options: BatchOptions) -> None:
        fut = self.pool.submit(safe_call_task, key, str(path), path.name, options)
        self.pending[fut] = (key, path.name)

    def results(self) -> Iterator[tuple[TaskKey, CallResult | None, str | None]]:
        while self.pending:
            done, _ = wait(set(self.pending), return_when=FIRST_COMPLETED)
            for fut in done:
                key, name = self.pending.pop(fut)
                try:
                    yield fut.result()
                except Exception as exc:  # a worker died (out of memory, killed)
                    yield key, None, f"{name}: worker failed ({type(exc).__name__})"

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _RayEngine:
    """Ray actors, each loading the model once; files travel as bytes (no shared disk needed)."""

    def __init__(self, workers: int, threads: int, options: BatchOptions) -> None:
        import ray

        self.ray = ray
        address = os.environ.get("RAY_ADDRESS")
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=workers * threads,
                    include_dashboard=False,
                    log_to_driver=False,
                )
        worker_cls = ray.remote(num_cpus=threads)(_ChannelActor)
        self.actors = [worker_cls.remote(options) for _ in range(workers)]
        self.next = 0
        self.pending: list = []

    def submit(self, key: TaskKey, path: Path, options: BatchOptions) -> None:
        # Round-robin; the file travels as bytes through the object store.
        actor = self.actors[self.next % len(self.actors)]
        self.next += 1
        self.pending.append(actor.run.remote(key, path.read_bytes(), path.name))

    def results(self):
        while self.pending:
            done, self.pending = self.ray.wait(self.pending, num_returns=1)
            for ref in done:
                yield self.ray.get(ref)

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)


class _ChannelActor:
    """A Ray actor: loads the speech model and the PII engine once, then runs call tasks."""

    def __init__(self, options: BatchOptions) -> None:
        from redactor.batch.pipeline import worker_state

        self.options = options
        worker_state(options.asr)

    def run(self, key: TaskKey, source: bytes, name: str):
        return safe_call_task(key, source, name, self.options)


# ------------------------------------------------------------------ driver


def run_batch(
    inputs: list[Path],
    out_dir: Path,
    options: BatchOptions,
    config: RunConfig = RunConfig(),
    *,
    on_start: Callable[[float], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Redact every input into ``out_dir``; failures are reported in the outcomes.

    ``on_start(total_audio_seconds)``, ``on_progress(audio_seconds_done)`` and
    ``on_file(outcome)`` drive a progress display. Raises ``ModelError`` before any work
    when the configured speech model is missing or fails verification.
    """
    resolve_model(options.asr.model)  # a missing or corrupted model stops the run here
    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes = [FileOutcome(Path(p)) for p in inputs]
    for outcome in outcomes:  # probe: an unreadable file fails here, alone
        try:
            audio = decode_file(outcome.source)
            outcome.duration, outcome.channels = audio.duration, audio.channels
        except AudioError as exc:
            outcome.error = str(exc)
        except OSError as exc:
            outcome.error = f"{outcome.source.name}: cannot read ({type(exc).__name__})"
    todo = [i for i, o in enumerate(outcomes) if o.error is None]
    workers, threads = plan_workers(len(todo), config)
    options = replace(options, asr=replace(options.asr, cpu_threads=threads))
    if on_start:
        on_start(sum(outcomes[i].duration for i in todo))
    for o in outcomes:
        if o.error is not None and on_file:
            on_file(o)
    if not todo:
        return outcomes

    engine = (
        _RayEngine(workers, threads, options)
        if config.engine == "ray"
        else _LocalEngine(workers)
    )
    try:
        # Longest first: the pool finishes sooner when the big calls do not come last.
        for i in sorted(todo, key=lambda i: -outcomes[i].duration * outcomes[i].channels):
            engine.submit(i, outcomes[i].source, options)
        for i, call, error in engine.results():
            outcome = outcomes[i]
            if error is not None or call is None:
                outcome.error = error or f"{outcome.source.name}: failed"
            else:
                _finish(outcome, call, out_dir, options)
            if on_progress:
                on_progress(outcome.duration)
            if on_file:
                on_file(outcome)
    finally:
        engine.close()
    return outcomes


def _finish(outcome: FileOutcome, call: CallResult, out_dir: Path, options: BatchOptions) -> None:
    try:
        outcome.outputs = write_call(
            out_dir, outcome.source.stem, call, lambda: decode_file(outcome.source), options
        )
        outcome.ok = True
        for seg in call.segments:
            outcome.entities.update(e.type for e in seg.entities)
        outcome.warnings = [{k: w.get(k) for k in WARNING_FIELDS} for w in call.warnings]
    except (AudioError, OSError) as exc:
        outcome.error = f"{outcome.source.name}: cannot write outputs ({type(exc).__name__})"


def timed(fn: Callable[[], list[FileOutcome]]) -> tuple[list[FileOutcome], float]:
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0
