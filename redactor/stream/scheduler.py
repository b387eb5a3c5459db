"""One shared speech model for every live call: a scheduler in front of it.

Decoding is the scarce resource (one CTranslate2 model, a couple of cores). Every call's
channels submit jobs here; one worker thread runs them:

* **finals** (an utterance has ended, or reached its maximum length) go first, oldest first,
  so every call stays near real time and no call can starve another;
* **revisions** (the second pass: a channel's recent utterances decoded together) use idle
  time: only the newest request of a channel is kept (it covers the older one's utterances),
  and one starts only when ``quiet()`` says that no utterance is about to end (a decode is not
  preemptible: started in a pause, it would delay that utterance's final), unless it has
  waited ``revision_wait_s``; one that has waited ``revision_drop_s`` is dropped, and none
  runs while the model was busy more than ``spare_below`` of the last ``UTILISATION_S``
  seconds (overload: the first pass stands, first finals keep their latency);
* **partials** only run when no final or due revision waits, and only the newest request of a
  channel is kept (an older partial is stale the moment a newer one is asked for). Under load
  they simply stop: the degradation the agent sees is fewer partials, never a late final.

A queued final or revision can be withdrawn (``cancel``): a speculative final whose utterance
went on after all.

``lag`` (the age of the oldest waiting final) and ``depth`` are exported as metrics.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from redactor.asr.engine import SpeechEngine

log = logging.getLogger(__name__)
UTILISATION_S = 20.0  # the window over which the model's load is judged


@dataclass(slots=True)
class _Job:
    decode: Callable[[], Any]
    future: asyncio.Future
    kind: str
    key: tuple[str, str] | None = None
    urgent: bool = False  # a revision at the end of a call: runs as soon as no final waits
    queued_at: float = field(default_factory=time.monotonic)


class AsrScheduler:
    """Finals first, then due revisions, then the newest partial per channel; one decode at a time."""

    def __init__(self, engine: SpeechEngine, *, quiet: Callable[[], bool] = lambda: True,
                 revision_wait_s: float = 2.5, revision_drop_s: float = 6.0, spare_below: float = 0.6) -> None:
        self.engine = engine
        self.quiet = quiet
        self.revision_wait_s, self.revision_drop_s = revision_wait_s, revision_drop_s
        self.spare_below = spare_below
        self._recent: collections.deque[tuple[float, float]] = collections.deque()  # decode (start, end)
        self.busy_by: collections.Counter[str] = collections.Counter()  # decoding seconds per kind
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asr")
        self._finals: collections.deque[_Job] = collections.deque()
        self._revisions: dict[tuple[str, str], _Job] = {}
        self._partials: dict[tuple[str, str], _Job] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.busy_s = 0.0  # decoding time so far (utilisation = busy_s / uptime)
        # Utterances with audio that produced no final, by reason ("too_short" before decoding;
        # the speech engine's guards count theirs): /metrics exports them with ``drops``.
        self.dropped: collections.Counter[str] = collections.Counter()

    def drops(self) -> dict[str, int]:
        """Utterances dropped so far, by reason (the session's and the speech engine's guards')."""
        return dict(self.dropped + self.engine.drops)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="asr-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def depth(self) -> int:
        """Jobs waiting (finals and partials)."""
        return len(self._finals) + len(self._revisions) + len(self._partials)

    @property
    def finals_waiting(self) -> int:
        return len(self._finals)

    def utilisation(self) -> float:
        """Share of the last ``UTILISATION_S`` seconds spent decoding."""
        now = time.monotonic()
        while self._recent and self._recent[0][1] < now - UTILISATION_S:
            self._recent.popleft()
        return sum(b - max(a, now - UTILISATION_S) for a, b in self._recent) / UTILISATION_S

    def has_spare_time(self) -> bool:
        """Room for optional work (revisions, speculative finals) without delaying first finals."""
        return not self._finals and self.utilisation() < self.spare_below

    def lag(self) -> float:
        """Seconds the oldest waiting final has waited (0 when none waits)."""
        return time.monotonic() - self._finals[0].queued_at if self._finals else 0.0

    def final(self, audio: np.ndarray, offset: float, prompt: str | None) -> asyncio.Future:
        """Decode an utterance for its final transcript (never dropped, unless ``cancel``led)."""
        job = self._job("final", self.engine.transcribe_utterance, audio, offset=offset, prompt=prompt)
        self._finals.append(job)
        self._wake.set()
        return job.future

    def revision(self, key: tuple[str, str], audio: np.ndarray, offset: float, spans: Sequence[tuple[float, float]],
                 prompt: str | None, *, urgent: bool = False) -> asyncio.Future:
        """Decode a stretch of a channel as batch does and split it over its utterances
        (``SpeechEngine.transcribe_spans``); resolves to ``None`` if a newer request of the
        channel superseded it (or it was dropped). ``urgent`` (the call has ended): it runs as
        soon as no final waits, and is never dropped."""
        job = self._job("revision", self.engine.transcribe_spans, audio, offset, spans, prompt=prompt, key=key)
        job.urgent = urgent
        return self._newest(self._revisions, key, job)

    def partial(self, key: tuple[str, str], audio: np.ndarray, offset: float,
                prompt: str | None) -> asyncio.Future:
        """Decode the open part of an utterance; resolves to ``None`` if superseded or dropped."""
        job = self._job("partial", self.engine.transcribe_utterance, audio, offset=offset, prompt=prompt, key=key)
        return self._newest(self._partials, key, job)

    def withdraw_revision(self, key: tuple[str, str]) -> None:
        """Drop a channel's queued revision (its future resolves to ``None``)."""
        job = self._revisions.pop(key, None)
        if job is not None and not job.future.done():
            job.future.set_result(None)

    def cancel(self, future: asyncio.Future) -> bool:
        """Withdraw a job that has not started (its future resolves to ``None``); ``False`` if it
        is running or done."""
        for job in self._finals:
            if job.future is future:
                self._finals.remove(job)
                future.set_result(None)
                return True
        return False

    def _job(self, kind: str, fn: Callable[..., Any], *args, key: tuple[str, str] | None = None,
             **kwargs) -> _Job:
        return _Job(lambda: fn(*args, **kwargs), asyncio.get_running_loop().create_future(), kind, key)

    def _newest(self, jobs: dict[tuple[str, str], _Job], key: tuple[str, str], job: _Job) -> asyncio.Future:
        old = jobs.pop(key, None)
        if old is not None and not old.future.done():
            old.future.set_result(None)
        jobs[key] = job
        self._wake.set()
        return job.future

    def _next(self) -> _Job | None:
        if self._finals:
            return self._finals.popleft()
        now = time.monotonic()
        for key in [k for k, job in self._revisions.items()
                    if not job.urgent and now - job.queued_at >= self.revision_drop_s]:
            self._revisions.pop(key).future.set_result(None)
        if self._revisions:
            key = min(self._revisions, key=lambda k: (not self._revisions[k].urgent, self._revisions[k].queued_at))
            job = self._revisions[key]
            if job.urgent or (self.utilisation() < self.spare_below
                              and (self.quiet() or now - job.queued_at >= self.revision_wait_s)):
                return self._revisions.pop(key)
        if self._partials:
            key = min(self._partials, key=lambda k: self._partials[k].queued_at)
            return self._partials.pop(key)
        return None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            job = self._next()
            if job is None:
                self._wake.clear()
                # A revision held back for a pause is looked at again soon.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 0.05 if self._revisions else None)
                continue
            if job.future.done():
                continue
            started = time.monotonic()
            try:
                result = await loop.run_in_executor(self._pool, job.decode)
            except Exception as exc:  # a decoding failure ends this job, not the scheduler
                log.error("speech decoding failed", extra={"error": type(exc).__name__})
                result = None
            ended = time.monotonic()
            self.busy_s += ended - started
            self.busy_by[job.kind] += ended - started
            self._recent.append((started, ended))
            if not job.future.done():
                job.future.set_result(result)
