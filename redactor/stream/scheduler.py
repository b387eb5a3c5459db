"""One shared speech model for every live call: a scheduler in front of it, with two lanes.

Decoding is the scarce resource (a couple of cores). Every call's channels submit jobs here;
two worker threads run them, one per lane:

* the **final lane** (the main model, all the model's threads, normal priority) runs only
  **finals** (an utterance has ended, or reached its maximum length), oldest first, so every
  call stays near real time and no call can starve another;
* the **low lane** (a second instance of the model, lowered OS priority: ``nice``) runs the
  optional work: **revisions** (the second pass: a channel's recent utterances decoded
  together) and **partials**, a partial after every ``revisions_per_partial`` revisions in a row
  (a corrected final matters more to the agent than a fresher partial). An **overdue** revision
  may postpone the partial's turn by at most ``revisions_per_partial`` more: overdue is measured
  in the lane, from the channel's oldest request the queued one replaced (its ``place``), not
  from a final's end: its revision work has waited ``revision_overdue_s`` there (the agent's
  corrected line is late; a partial's decode would make it later). Among revisions the earliest
  **deadline** goes first (a window that may bring a final its first correction on the screen
  should show by ``revision_target_s`` after the utterance; a window of looks at finals already
  corrected has none), then the oldest place; a revision with a deadline goes before any
  partial. The cap: on a loaded box
  every revision is soon overdue, and no partial ran while revisions kept coming. Only the
  newest request of a channel is kept (it covers the older one's utterances and takes its place
  in the lane; an older partial is stale the moment a newer one is asked for), so the lane holds
  at most one revision per channel and none is dropped for waiting (``revision_drop_s``, off by
  default: a dropped window left its finals to the channel's next final, seconds to tens of
  seconds later: late first revisions on a loaded box, benchmarks "#12 live, round 5").

A decode cannot be interrupted, so with one model a final that ended during a 20-s revision
waited for it (first-final p95 4–7 s, benchmarks/RESULTS.md "#12 live"). With two lanes a final
never queues behind optional work, and the OS scheduler gives the final lane's threads the
cores whenever both lanes decode: the low lane only gets what the finals leave (``nice`` 10:
about a tenth of the cores while they compete; all of them while no final decodes).

A queued final can be withdrawn (``cancel``): a speculative final whose utterance went on after
all. ``lag`` (the age of the oldest waiting final) and ``depth`` are exported as metrics.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from redactor.asr.engine import SpeechEngine, lower_priority

log = logging.getLogger(__name__)
UTILISATION_S = 20.0  # the window over which the final lane's load is judged


@dataclass(slots=True)
class _Job:
    decode: Callable[[], Any]
    future: asyncio.Future
    kind: str
    key: tuple[str, str] | None = None
    urgent: bool = False  # a revision at the end of a call: first in its lane, never dropped
    queued_at: float = field(default_factory=time.monotonic)
    # Its place in the lane: a request that supersedes its channel's older one takes over the older
    # one's place (it covers that work); with a place of its own, a channel asking again and again
    # (a call's live edge) went to the back every time and waited until the end of the call.
    place: float = field(default_factory=time.monotonic)
    # When its result should be on the agent's screen (monotonic; inf: none, e.g. a look at finals
    # already corrected there): revisions go earliest deadline first, missed ones included (a
    # missed one ranked after those still in time waited 14 s at p95 on a loaded box: #12 live,
    # round 8), then by place (``StreamOptions.revision_target_s``). A request that supersedes its
    # channel's older one keeps the earlier deadline (it covers that work).
    deadline: float = math.inf
    tag: str | None = None  # the requester's id of it in the debug timeline


class AsrScheduler:
    """Finals on their own lane; revisions, then the newest partial per channel, on a low-priority
    lane with its own model instance (``low_engine``; without one both lanes share ``engine``
    and a final may wait inside the model for a low-lane decode)."""

    def __init__(self, engine: SpeechEngine, *, low_engine: SpeechEngine | None = None, low_nice: int = 10,
                 revision_drop_s: float = float("inf"), spare_below: float = 0.6, revisions_per_partial: int = 1,
                 revision_overdue_s: float = float("inf")) -> None:
        self.engine = engine
        self.low_engine = low_engine or engine
        self.revision_drop_s = revision_drop_s
        self.revision_overdue_s = revision_overdue_s
        self.revisions_per_partial = max(1, revisions_per_partial)
        self.spare_below = spare_below  # final-lane load above which speculative finals wait
        self._recent: collections.deque[tuple[float, float]] = collections.deque()  # final lane (start, end)
        self.busy_by: collections.Counter[str] = collections.Counter()  # decoding seconds per kind
        self._final_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asr")
        self._low_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asr-low",
                                            initializer=lower_priority, initargs=(low_nice,))
        self._finals: collections.deque[_Job] = collections.deque()
        self._revisions: dict[tuple[str, str], _Job] = {}
        self._partials: dict[tuple[str, str], _Job] = {}
        self._low_run = 0  # revisions the low lane ran in a row (a waiting partial's turn comes after a few)
        self._wake = {"final": asyncio.Event(), "low": asyncio.Event()}
        self._tasks: list[asyncio.Task] = []
        self.busy_s = 0.0  # decoding time so far, both lanes (utilisation = busy_s / uptime)
        # Utterances with audio that produced no final, by reason ("too_short" before decoding;
        # the speech engine's guards count theirs): /metrics exports them with ``drops``.
        self.dropped: collections.Counter[str] = collections.Counter()
        # A debug timeline (benchmarks/stream_latency.py --timeline): called with one dict per step
        # of a revision or decode (ids, kinds, times, audio seconds); never text.
        self.timeline: Callable[[dict[str, Any]], None] | None = None

    def note(self, step: str, **fields: Any) -> None:
        """One step of the debug timeline (no-op unless ``timeline`` is set)."""
        if self.timeline is not None:
            self.timeline({"step": step, "t": time.monotonic(), **fields})

    def drops(self) -> dict[str, int]:
        """Utterances dropped so far, by reason (the session's and the speech engine's guards')."""
        return dict(self.dropped + self.engine.drops)

    def start(self) -> None:
        if not self._tasks:
            loop = asyncio.get_running_loop()
            self._tasks = [loop.create_task(self._run("final", self._final_pool, self._next_final),
                                            name="asr-final"),
                           loop.create_task(self._run("low", self._low_pool, self._next_low), name="asr-low")]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        for pool in (self._final_pool, self._low_pool):
            pool.shutdown(wait=False, cancel_futures=True)

    @property
    def depth(self) -> int:
        """Jobs waiting (finals, revisions and partials)."""
        return len(self._finals) + len(self._revisions) + len(self._partials)

    @property
    def finals_waiting(self) -> int:
        return len(self._finals)

    @property
    def revisions_waiting(self) -> int:
        return len(self._revisions)

    def utilisation(self) -> float:
        """Share of the last ``UTILISATION_S`` seconds the final lane spent decoding."""
        now = time.monotonic()
        while self._recent and self._recent[0][1] < now - UTILISATION_S:
            self._recent.popleft()
        return sum(b - max(a, now - UTILISATION_S) for a, b in self._recent) / UTILISATION_S

    def has_spare_time(self) -> bool:
        """Room on the final lane for a speculative final without delaying real ones."""
        return not self._finals and self.utilisation() < self.spare_below

    def lag(self) -> float:
        """Seconds the oldest waiting final has waited (0 when none waits)."""
        return time.monotonic() - self._finals[0].queued_at if self._finals else 0.0

    def final(self, audio: np.ndarray, offset: float, prompt: str | None) -> asyncio.Future:
        """Decode an utterance for its final transcript (never dropped, unless ``cancel``led)."""
        job = self._job("final", self.engine.transcribe_utterance, audio, offset=offset, prompt=prompt)
        self._finals.append(job)
        self._wake["final"].set()
        return job.future

    def revision(self, key: tuple[str, str], audio: np.ndarray, offset: float, spans: Sequence[tuple[float, float]],
                 prompt: str | None, *, urgent: bool = False, full_context: bool = False,
                 deadline: float = math.inf, tag: str | None = None) -> asyncio.Future:
        """Decode a stretch of a channel as batch does and split it over its utterances
        (``SpeechEngine.transcribe_spans``, with ``full_context`` for a short stretch); resolves to
        ``None`` if a newer request of the channel superseded it (or it was dropped). ``urgent``
        (the call has ended): first in the low lane, never dropped. ``deadline`` (monotonic): when
        the agent's screen stops taking its result; the earliest goes first. ``tag``: the
        requester's id of it in the debug timeline (its ``decoded`` step)."""
        job = self._job("revision", self.low_engine.transcribe_spans, audio, offset, spans, prompt=prompt,
                        full_context=full_context, key=key)
        job.urgent, job.deadline, job.tag = urgent, deadline, tag
        return self._newest(self._revisions, key, job)

    def partial(self, key: tuple[str, str], audio: np.ndarray, offset: float,
                prompt: str | None) -> asyncio.Future:
        """Decode the open part of an utterance; resolves to ``None`` if superseded or dropped."""
        job = self._job("partial", self.low_engine.transcribe_utterance, audio, offset=offset, prompt=prompt,
                        key=key)
        return self._newest(self._partials, key, job)

    def withdraw_revision(self, key: tuple[str, str]) -> None:
        """Drop a channel's queued revision (its future resolves to ``None``)."""
        job = self._revisions.pop(key, None)
        if job is not None and not job.future.done():
            job.future.set_result(None)

    def cancel(self, future: asyncio.Future) -> bool:
        """Withdraw a final that has not started (its future resolves to ``None``); ``False`` if it
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
            job.place, job.deadline = old.place, min(job.deadline, old.deadline)
        jobs[key] = job
        self._wake["low"].set()
        return job.future

    def _next_final(self) -> _Job | None:
        return self._finals.popleft() if self._finals else None

    def _next_low(self) -> _Job | None:
        """Revisions first (urgent ones first of all, then earliest ``deadline``), a waiting partial
        after every ``revisions_per_partial`` of them, or twice as many while the next revision is
        overdue (waited ``revision_overdue_s`` since its ``place``): a revision waits at most one
        partial's decode, a partial at most that many revisions'. An urgent revision, or one with a
        deadline (it may bring a final its first correction on the screen), goes before any
        partial: partials are cosmetic, and on a saturated lane their decodes made first
        corrections late (#12 live, round 7)."""
        now = time.monotonic()
        for key in [k for k, job in self._revisions.items()
                    if not job.urgent and now - job.queued_at >= self.revision_drop_s]:
            dropped = self._revisions.pop(key)
            self.note("revision_dropped", key=key, queued=dropped.queued_at)
            dropped.future.set_result(None)
        revision = min(self._revisions.values(), key=lambda j: (not j.urgent, j.deadline, j.place), default=None)
        partial = min(self._partials.values(), key=lambda j: j.place, default=None)
        overdue = revision is not None and now - revision.place >= self.revision_overdue_s
        turn = self.revisions_per_partial * (2 if overdue else 1)  # revisions in a row before a partial
        pressing = revision is not None and (revision.urgent or math.isfinite(revision.deadline))
        job = partial if partial is not None and (revision is None or (not pressing and self._low_run >= turn)) \
            else revision
        if job is not None:
            del (self._revisions if job is revision else self._partials)[job.key]
            self._low_run = self._low_run + 1 if job is revision else 0
        return job

    async def _run(self, lane: str, pool: ThreadPoolExecutor, pick: Callable[[], _Job | None]) -> None:
        loop, wake = asyncio.get_running_loop(), self._wake[lane]
        while True:
            job = pick()
            if job is None:
                wake.clear()
                await wake.wait()
                continue
            if job.future.done():
                continue
            started = time.monotonic()
            try:
                result = await loop.run_in_executor(pool, job.decode)
            except Exception as exc:  # a decoding failure ends this job, not the scheduler
                log.error("speech decoding failed", extra={"error": type(exc).__name__})
                result = None
            ended = time.monotonic()
            self.busy_s += ended - started
            self.busy_by[job.kind] += ended - started
            if lane == "final":
                self._recent.append((started, ended))
            if job.kind != "final":
                self.note("decoded", kind=job.kind, key=job.key, queued=job.queued_at, started=started, ended=ended,
                          tag=job.tag)
            if not job.future.done():
                job.future.set_result(result)
