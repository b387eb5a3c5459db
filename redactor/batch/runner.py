"""Run the batch pipeline over many files: local process pool (default) or Ray.

Both engines run the same call task (``pipeline.transcribe_call``) in workers that each
load the speech model and the PII engine once; the driver probes every input first (an
unreadable file fails alone) and writes each call's outputs as it comes back. The JSON is
identical whichever engine ran it.
"""

from __future__ import annotations

import glob
import os
import queue
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from threadpoolctl import threadpool_limits

from redactor.asr.models import ModelError, resolve_model
from redactor.audio.decode import AudioError, probe_file
from redactor.batch.pipeline import BatchOptions, CallResult, transcribe_call
from redactor.batch.writers import OutputExists, check_outputs, output_names, write_call

TaskKey = int  # index of the file in the inputs
Result = tuple[TaskKey, CallResult | None, str | None]
WARNING_FIELDS = ("kind", "severity", "channel", "segment_id", "time")
# What a folder given as an input is expanded to (its files with these extensions, sorted).
AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac",
                    ".wma", ".webm", ".amr", ".aif", ".aiff", ".au", ".caf", ".mka")
POLL_S = 0.25  # how often the driver collects the workers' progress


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
    name: str = ""  # NAME of the outputs (writers.output_names)
    frames: int = 0
    decode_warnings: list[dict] = field(default_factory=list)  # e.g. truncated_audio


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


_progress_queue = None  # in a pool worker process: where progress goes (``_init_worker``)


def _init_worker(progress_queue) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def safe_call_task(
    key: TaskKey, source: str | bytes, name: str, options: BatchOptions,
    progress: Callable[[float], None] | None = None,
) -> Result:
    """``transcribe_call`` that reports failure as a short message (no transcript text).

    Progress (seconds of call audio processed) goes to ``progress``, or else to this worker
    process's progress queue as ``(key, seconds)``.
    """
    if progress is None and _progress_queue is not None:
        sink = _progress_queue

        def progress(seconds: float) -> None:
            sink.put((key, seconds))

    try:
        # numpy's BLAS (Whisper's features) on the worker's planned threads, as Ray's actors run it
        # (OMP_NUM_THREADS = their CPUs): more threads change float sums, and with them some decodes.
        with threadpool_limits(limits=options.asr.cpu_threads, user_api="blas"):
            return key, transcribe_call(source, name, options, progress), None
    except (AudioError, ModelError) as exc:  # their messages never carry transcript text
        return key, None, str(exc)
    except Exception as exc:
        return key, None, f"{name}: failed ({type(exc).__name__})"


# ------------------------------------------------------------------ engines


class _LocalEngine:
    """Process pool (threads in-process when one worker is enough); progress via a queue."""

    def __init__(self, workers: int) -> None:
        if workers == 1:
            self.queue = queue.SimpleQueue()
            self.pool: Executor = ThreadPoolExecutor(max_workers=1)
        else:
            ctx = get_context("spawn")
            self.queue = ctx.Queue()
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                            initializer=_init_worker, initargs=(self.queue,))
        self.threads = workers == 1
        self.pending: dict[Future, tuple[TaskKey, str]] = {}

    def submit(self, key: TaskKey, path: Path, options: BatchOptions) -> None:
        progress = None
        if self.threads:
            sink = self.queue

            def progress(seconds: float) -> None:
                sink.put((key, seconds))

        fut = self.pool.submit(safe_call_task, key, str(path), path.name, options, progress)
        self.pending[fut] = (key, path.name)

    def wait(self, timeout: float) -> list[Result]:
        done, _ = wait(set(self.pending), timeout=timeout, return_when=FIRST_COMPLETED)
        results = []
        for fut in done:
            key, name = self.pending.pop(fut)
            try:
                results.append(fut.result())
            except Exception as exc:  # a worker died (out of memory, killed)
                results.append((key, None, f"{name}: worker failed ({type(exc).__name__})"))
        return results

    def progress(self) -> list[tuple[TaskKey, float]]:
        items = []
        while True:
            try:
                items.append(self.queue.get_nowait())
            except (queue.Empty, OSError, ValueError):
                return items

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _RayEngine:
    """Ray actors, each loading the model once; files travel as bytes (no shared disk needed).

    Progress comes back through a Ray queue (an actor that needs no CPU).
    """

    def __init__(self, workers: int, threads: int, options: BatchOptions) -> None:
        import ray
        from ray.util.queue import Queue

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
        self.queue = Queue(actor_options={"num_cpus": 0})
        worker_cls = ray.remote(num_cpus=threads)(_ChannelActor)
        self.actors = [worker_cls.remote(options, self.queue) for _ in range(workers)]
        self.next = 0
        self.pending: list = []

    def submit(self, key: TaskKey, path: Path, options: BatchOptions) -> None:
        # Round-robin; the file travels as bytes through the object store.
        actor = self.actors[self.next % len(self.actors)]
        self.next += 1
        self.pending.append(actor.run.remote(key, path.read_bytes(), path.name))

    def wait(self, timeout: float) -> list[Result]:
        done, self.pending = self.ray.wait(self.pending, num_returns=1, timeout=timeout)
        return [self.ray.get(ref) for ref in done]

    def progress(self) -> list[tuple[TaskKey, float]]:
        from ray.util.queue import Empty

        items = []
        while True:
            try:
                items.append(self.queue.get_nowait())
            except Empty:
                return items

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        self.queue.shutdown()


class _ChannelActor:
    """A Ray actor: loads the speech model and the PII engine once, then runs call tasks."""

    def __init__(self, options: BatchOptions, progress_queue=None) -> None:
        from redactor.batch.pipeline import worker_state

        self.options = options
        self.queue = progress_queue
        worker_state(options)

    def run(self, key: TaskKey, source: bytes, name: str):
        sink = self.queue

        def progress(seconds: float) -> None:
            if sink is not None:
                sink.put_nowait((key, seconds))

        return safe_call_task(key, source, name, self.options, progress)


# ------------------------------------------------------------------ inputs


def expand_inputs(inputs: Iterable[str | Path]) -> list[tuple[Path, str | None]]:
    """``(path, error)`` per input file: a folder gives its audio files (``AUDIO_EXTENSIONS``,
    sorted, not recursive), a glob pattern the shell did not expand gives its matches; a
    folder without audio, a pattern matching nothing or a missing file gives an error. The
    same file named twice is processed once."""
    out: list[tuple[Path, str | None]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append((path, None))

    def folder(path: Path) -> None:
        files = sorted(
            f for f in path.iterdir()
            if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in AUDIO_EXTENSIONS
        )
        if not files:
            out.append((path, f"{path}: a folder with no audio files in it "
                              f"({', '.join(e[1:] for e in AUDIO_EXTENSIONS[:5])}, …; not recursive)"))
        for f in files:
            add(f)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            folder(path)
        elif path.exists():
            add(path)
        elif glob.has_magic(str(path)):
            matches = sorted(glob.glob(str(path)))
            if not matches:
                out.append((path, f"{path}: no file matches this pattern"))
            for match in map(Path, matches):
                folder(match) if match.is_dir() else add(match)
        else:
            out.append((path, f"{path}: no such file or folder"))
    return out


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

    Inputs are expanded first (``expand_inputs``); each file is probed (an unreadable file
    fails alone; a truncated one gets a ``truncated_audio`` decode warning) and refused when
    an output of it already exists (unless ``options.overwrite``). ``on_start(total audio
    seconds)``, ``on_progress(audio seconds done)`` as the workers go through each call, and
    ``on_file(outcome)`` drive a progress display. Raises ``ModelError`` before any work
    when the configured speech model is missing or fails verification.
    """
    resolve_model(options.asr.model)  # a missing or corrupted model stops the run here
    out_dir.mkdir(parents=True, exist_ok=True)
    expanded = expand_inputs(inputs)
    outcomes = [FileOutcome(path, error=error) for path, error in expanded]
    names = iter(output_names([o.source for o in outcomes if o.error is None]))
    for outcome in outcomes:
        if outcome.error is not None:
            continue
        outcome.name = next(names)
        try:  # probe: an unreadable file fails here, alone
            info = probe_file(outcome.source)
            outcome.duration, outcome.channels, outcome.frames = info.duration, info.channels, info.frames
            outcome.decode_warnings = info.warnings
            check_outputs(out_dir, outcome.name, options)
        except (AudioError, OutputExists) as exc:
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
    reported = dict.fromkeys(todo, 0.0)  # progress seconds shown per running file

    def advance(key: TaskKey, seconds: float) -> None:
        seconds = min(seconds, outcomes[key].duration - reported[key])
        if seconds > 0:
            reported[key] += seconds
            if on_progress:
                on_progress(seconds)

    try:
        # Longest first: the pool finishes sooner when the big calls do not come last.
        for i in sorted(todo, key=lambda i: -outcomes[i].duration * outcomes[i].channels):
            engine.submit(i, outcomes[i].source, options)
        while engine.pending:
            results = engine.wait(POLL_S)
            for key, seconds in engine.progress():
                advance(key, seconds)
            for i, call, error in results:
                outcome = outcomes[i]
                if error is not None or call is None:
                    outcome.error = error or f"{outcome.source.name}: failed"
                else:
                    _finish(outcome, call, out_dir, options)
                advance(i, outcome.duration)  # the rest of the file (or all of a failed one)
                if on_file:
                    on_file(outcome)
    finally:
        engine.close()
    return outcomes


def _finish(outcome: FileOutcome, call: CallResult, out_dir: Path, options: BatchOptions) -> None:
    call.decode_warnings = outcome.decode_warnings
    try:
        outcome.outputs = write_call(out_dir, outcome.name, call, outcome.source, options, outcome.frames)
        outcome.ok = True
        for seg in call.segments:
            outcome.entities.update(e.type for e in seg.entities)
        outcome.warnings = [{k: w.get(k) for k in WARNING_FIELDS} for w in call.warnings]
    except OutputExists as exc:
        outcome.error = str(exc)
    except AudioError as exc:
        outcome.error = f"{outcome.source.name}: cannot write outputs ({exc})"
    except OSError as exc:
        outcome.error = f"{outcome.source.name}: cannot write outputs ({type(exc).__name__})"


def timed(fn: Callable[[], list[FileOutcome]]) -> tuple[list[FileOutcome], float]:
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0
