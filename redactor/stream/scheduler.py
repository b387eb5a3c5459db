"""One shared speech model for every live call: a scheduler in front of it.

Decoding is the scarce resource (one CTranslate2 model, a couple of cores). Every call's
channels submit jobs here; one worker thread runs them:

* **finals** (an utterance has ended, or reached its maximum length) go first, oldest first,
  so every call stays near real time and no call can starve another;
* **partials** only run when no final waits, and only the newest request of a channel is
  kept (an older partial is stale the moment a newer one is asked for). Under load they
  simply stop: the degradation the agent sees is fewer partials, never a late final.

``lag`` (the age of the oldest waiting final) and ``depth`` are exported as metrics.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from redactor.asr.engine import SpeechEngine, Utterance

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Job:
    audio: np.ndarray
    offset: float
    prompt: str | None
    future: asyncio.Future
    key: tuple[str, str] | None = None
    queued_at: float = field(default_factory=time.monotonic)


class AsrScheduler:
    """Finals first, newest partial per channel second, one decode at a time."""

    def __init__(self, engine: SpeechEngine) -> None:
        self.engine = engine
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asr")
        self._finals: collections.deque[_Job] = collections.deque()
        self._partials: dict[tuple[str, str], _Job] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.busy_s = 0.0  # decoding time so far (utilisation = busy_s / uptime)

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
        return len(self._finals) + len(self._partials)

    @property
    def finals_waiting(self) -> int:
        return len(self._finals)

    def lag(self) -> float:
        """Seconds the oldest waiting final has waited (0 when none waits)."""
        return time.monotonic() - self._finals[0].queued_at if self._finals else 0.0

    def final(self, audio: np.ndarray, offset: float, prompt: str | None) -> asyncio.Future:
        """Decode an utterance for its final transcript (never dropped)."""
        job = _Job(audio, offset, prompt, asyncio.get_running_loop().create_future())
        self._finals.append(job)
        self._wake.set()
        return job.future

    def partial(self, key: tuple[str, str], audio: np.ndarray, offset: float,
                prompt: str | None) -> asyncio.Future:
        """Decode the open part of an utterance; resolves to ``None`` if superseded or dropped."""
        job = _Job(audio, offset, prompt, asyncio.get_running_loop().create_future(), key)
        old = self._partials.pop(key, None)
        if old is not None and not old.future.done():
            old.future.set_result(None)
        self._partials[key] = job
        self._wake.set()
        return job.future

    def _next(self) -> _Job | None:
        if self._finals:
            return self._finals.popleft()
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
                await self._wake.wait()
                continue
            if job.future.done():
                continue
            started = time.monotonic()
            try:
                result = await loop.run_in_executor(self._pool, self._decode, job)
            except Exception as exc:  # a decoding failure ends this job, not the scheduler
                log.error("speech decoding failed", extra={"error": type(exc).__name__})
                result = None
            self.busy_s += time.monotonic() - started
            if not job.future.done():
                job.future.set_result(result)

    def _decode(self, job: _Job) -> Utterance | None:
        return self.engine.transcribe_utterance(job.audio, offset=job.offset, prompt=job.prompt)
