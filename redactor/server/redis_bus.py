"""The event bus on Redis Streams: any ``redactor serve`` instance serves any call's agents.

Keys (``redactor:`` prefix, one Redis database per deployment):

=====================================  =====================================================
``redactor:call:{id}:events``          stream: the call's masked agent events, field ``e`` =
                                       the agent wire JSON; ``XADD … MAXLEN ~`` bounded
``redactor:call:{id}:info``            hash: what ``GET /calls`` lists (no transcript)
``redactor:call:{id}:owner``           string: the ingesting instance; TTL ``owner_ttl_s``,
                                       refreshed every ``heartbeat_s`` (liveness)
``redactor:call:{id}:viewers``         hash: instance → agent connections there
``redactor:calls``                     sorted set: active call ids, scored by start time
``redactor:instance:{name}``           string with TTL: the instance is alive
``redactor:watcher``                   string with TTL: the instance watching for lost calls
=====================================  =====================================================

The owner appends (one writer task, so the order is the order of ``publish``); viewers on any
instance read the stream: history by ``XRANGE`` (compacted like the hub's: the latest event per
segment), then live by ``XREAD BLOCK``, into the same per-viewer queue (partials coalesced, 1013
when finals alone overflow). One instance (a lease any instance takes over) watches the active
calls: one whose owner key expired (the owner died) is ended with ``call_ended`` reason ``lost``,
once (``ZREM`` decides who writes it). When a call ends its keys get ``EXPIRE retention``; while
it runs they are refreshed to ``retention + owner_ttl`` so that nothing outlives the rule even if
every instance dies.

Redis being slow or down never blocks a call: :meth:`RedisBus.publish` only appends to a bounded
queue (full: the event is dropped, counted, logged once per outage); the writer retries with
backoff. Log lines name the error type and counts, never an event.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import time
from dataclasses import dataclass, replace

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from redactor.server.bus import CallInfo, call_info, event_from_json, newest_first
from redactor.server.hub import HubOptions, Viewer, _History, admit, count_viewers, release, serve_viewer
from redactor.stream.events import AgentEvent, CallEnded

log = logging.getLogger(__name__)
PREFIX = "redactor:"
CALLS = PREFIX + "calls"
WATCHER = PREFIX + "watcher"  # the instance that watches for lost calls (a lease)
BUS_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


def call_key(call_id: str, part: str) -> str:
    return f"{PREFIX}call:{call_id}:{part}"


def instance_key(instance: str) -> str:
    return f"{PREFIX}instance:{instance}"


@dataclass(frozen=True, slots=True)
class BusSettings:
    """Timing and bounds of the Redis bus.

    Attributes:
      heartbeat_s: how often owner keys are refreshed and the active calls are watched.
      owner_ttl_s: an owner key not refreshed for this long marks its call lost, so a dead
        instance's calls end within ``owner_ttl_s + heartbeat_s`` (+ one round trip).
      queue_size: events waiting for Redis; beyond it new events are dropped (and counted).
      batch: events written per pipeline round trip.
      stream_maxlen: events kept per call stream (``MAXLEN ~``: Redis trims in whole nodes).
      retention_s: how long a call's keys live after it ended (``[retention] events_hours``).
      block_ms: one ``XREAD BLOCK`` wait (a viewer re-issues it; cancelling ends it).
      timeout_s: connect and command timeout (a stalled Redis is an error, not a hang).
    """

    heartbeat_s: float = 2.0
    owner_ttl_s: float = 6.0
    queue_size: int = 10_000
    batch: int = 256
    stream_maxlen: int = 20_000
    retention_s: float = 24 * 3600.0
    block_ms: int = 2000
    timeout_s: float = 5.0


class RedisBus:
    """:class:`~redactor.server.bus.EventBus` on Redis Streams (see the module docstring)."""

    def __init__(self, url: str, options: HubOptions | None = None, *, instance: str,
                 settings: BusSettings | None = None) -> None:
        self.options = options or HubOptions()
        self.instance = instance
        self.settings = settings or BusSettings()
        s = self.settings
        self.redis = aioredis.from_url(url, decode_responses=True, socket_connect_timeout=s.timeout_s,
                                       socket_timeout=s.timeout_s + s.block_ms / 1000)
        self.calls = None
        self.metrics = None
        self.viewers: dict[str, set[Viewer]] = {}
        self._queue: collections.deque[tuple[str, AgentEvent]] = collections.deque()
        self._infos: dict[str, CallInfo] = {}  # calls of this instance not yet registered on the bus
        self._owned: set[str] = set()  # registered, not ended
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._down_since: float | None = None
        self._dropped = 0
        self._closing = False

    # ------------------------------------------------------------------ EventBus

    def bind(self, calls, metrics=None) -> None:
        """The call manager (its sessions are this instance's calls) and the retention of its config."""
        self.calls, self.metrics = calls, metrics
        retention = getattr(getattr(getattr(calls, "engine", None), "config", None), "retention", None)
        if retention is not None:
            self.settings = replace(self.settings, retention_s=retention.events_hours * 3600.0)

    async def start(self) -> None:
        try:
            async with asyncio.timeout(self.settings.timeout_s):
                await self.redis.ping()
        except BUS_ERRORS as exc:  # calls go on; the writer retries (and says when it is back)
            self._bus_down(exc)
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        """Write what is waiting, then release the connection. The caller bounds the time: when it
        cancels, the writer is cancelled too and the connection still closed."""
        try:
            if self._task is not None:
                self._closing = True
                self._wake.set()
                await self._task
            with contextlib.suppress(*BUS_ERRORS):
                async with asyncio.timeout(self.settings.timeout_s):
                    await self.redis.delete(instance_key(self.instance))
                    if await self.redis.get(WATCHER) == self.instance:  # hand the watch on at once
                        await self.redis.delete(WATCHER)
        finally:
            if self._task is not None:
                self._task.cancel()
            await self.redis.aclose()

    def publish(self, call_id: str, event: AgentEvent) -> None:
        """Queue ``event`` for the writer (never blocks: a full queue drops it, counted and logged)."""
        if call_id not in self._owned and call_id not in self._infos:
            session = self.calls.calls.get(call_id) if self.calls is not None else None
            self._infos[call_id] = (call_info(session, self.instance) if session is not None
                                    else CallInfo(call_id, None, time.time(), (), "unknown", self.instance))
        if len(self._queue) >= self.settings.queue_size:
            self._dropped += 1
            if self.metrics is not None:
                self.metrics.bus_dropped.inc()
            if self._dropped == 1:
                log.warning("event bus queue full: dropping events", extra={"queue_size": self.settings.queue_size})
            return
        self._queue.append((call_id, event))
        self._wake.set()

    def backlog(self) -> int:
        return len(self._queue)

    def viewer_count(self, call_id: str | None = None) -> int:
        return count_viewers(self.viewers, call_id)

    async def active_calls(self) -> list[CallInfo]:
        """Every instance's active calls (this instance's, even if not yet registered), newest first."""
        ids = await self.redis.zrevrange(CALLS, 0, -1)
        pipe = self.redis.pipeline(transaction=False)
        for call_id in ids:
            pipe.hgetall(call_key(call_id, "info"))
            pipe.hgetall(call_key(call_id, "viewers"))
        replies = await pipe.execute()
        parsed = [(_info(info), counts) for info, counts in zip(replies[::2], replies[1::2], strict=True)]
        rows = [(info, counts) for info, counts in parsed if info is not None]
        instances = sorted({name for _, counts in rows for name in counts})
        alive = dict(zip(instances, await self.redis.mget([instance_key(i) for i in instances]), strict=True)) \
            if instances else {}
        listed = [_with_viewers(info, sum(int(n) for name, n in counts.items() if alive.get(name)))
                  for info, counts in rows]
        known = {c.call_id for c in listed}
        local = self.calls.calls.values() if self.calls is not None else ()
        listed += [call_info(s, self.instance, self.viewer_count(s.call_id)) for s in local if s.call_id not in known]
        return newest_first(listed)

    async def attach(self, ws, call_id: str, claims) -> None:
        """Serve one agent from the call's stream: history first, then live events."""
        viewer = await admit(ws, call_id, self.viewers, self.options)
        if viewer is None:
            return
        await self._count_viewer(call_id, 1)
        try:
            await serve_viewer(viewer, claims, self.instance, feed=self._feed(viewer))
        finally:
            release(viewer, self.viewers)
            await self._count_viewer(call_id, -1)

    # ------------------------------------------------------------------ viewers

    async def _feed(self, viewer: Viewer) -> None:
        key = call_key(viewer.call_id, "events")
        try:
            history, last = _History(self.options.max_history), "0-0"
            for entry_id, fields in await self.redis.xrange(key):
                last = entry_id
                event = _decode(fields)
                if event is not None:
                    history.add(event)
            viewer.queue.extend(history.events.values())
            viewer.ready.set()
            if history.ended:
                return
            while True:
                reply = await self.redis.xread({key: last}, count=self.settings.batch,
                                               block=self.settings.block_ms)
                for _stream, entries in reply or ():
                    for entry_id, fields in entries:
                        last = entry_id
                        event = _decode(fields)
                        if event is None:
                            continue
                        viewer.offer(event)
                        if isinstance(event, CallEnded):
                            return
        except BUS_ERRORS as exc:
            log.warning("agent feed lost the event bus", extra={"call_id": viewer.call_id,
                                                                "error": type(exc).__name__})
            if self.metrics is not None:
                self.metrics.bus_errors.inc()
            await viewer.ws.close(1013, "event bus unavailable; reconnect")

    async def _count_viewer(self, call_id: str, delta: int) -> None:
        key = call_key(call_id, "viewers")
        with contextlib.suppress(*BUS_ERRORS):
            async with asyncio.timeout(self.settings.timeout_s):
                pipe = self.redis.pipeline(transaction=False)
                pipe.hincrby(key, self.instance, delta)
                pipe.expire(key, int(self.settings.retention_s + self.settings.owner_ttl_s))
                await pipe.execute()

    # ------------------------------------------------------------------ the writer

    async def _run(self) -> None:
        """One task: register new calls, write events in order, heartbeat and watch for lost calls."""
        next_beat, failures = 0.0, 0
        loop = asyncio.get_running_loop()
        while True:
            if not self._queue and not self._closing:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(0.0, next_beat - loop.time())):
                        await self._wake.wait()
            self._wake.clear()
            try:
                async with asyncio.timeout(self.settings.timeout_s * 2):
                    await self._write()
                    if loop.time() >= next_beat:
                        await self._heartbeat()
                        await self._watch()
                        next_beat = loop.time() + self.settings.heartbeat_s
            except BUS_ERRORS as exc:
                failures += 1
                self._bus_down(exc)
                await asyncio.sleep(min(2.0, 0.1 * 2 ** failures))
                continue
            except Exception as exc:  # a bug must not end the writer: say so (type only) and go on
                failures += 1
                log.error("event bus writer failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(min(2.0, 0.1 * 2 ** failures))
                continue
            failures = 0
            self._bus_up()
            if self._closing and not self._queue:
                return

    async def _write(self) -> None:
        while self._queue:
            batch = [self._queue[i] for i in range(min(self.settings.batch, len(self._queue)))]
            pipe = self.redis.pipeline(transaction=False)
            ended, registered = [], []
            for call_id, event in batch:
                if call_id not in self._owned:
                    self._register(pipe, self._infos.get(call_id) or CallInfo(
                        call_id, None, time.time(), (), "unknown", self.instance))
                    self._owned.add(call_id)
                    registered.append(call_id)
                pipe.xadd(call_key(call_id, "events"), {"e": json.dumps(event.to_json(), ensure_ascii=False)},
                          maxlen=self.settings.stream_maxlen, approximate=True)
                if isinstance(event, CallEnded):
                    self._end(pipe, call_id)
                    ended.append(call_id)
            try:
                await pipe.execute()
            except BaseException:
                self._owned.difference_update(registered)  # registered again with the retry
                raise
            for _ in batch:  # written: only now leave the queue (a failed batch is retried whole)
                self._queue.popleft()
            for call_id in ended:
                self._owned.discard(call_id)
                self._infos.pop(call_id, None)
            if self.metrics is not None:
                self.metrics.bus_events.inc(len(batch))

    def _register(self, pipe, info: CallInfo) -> None:
        """A call this instance ingests: a fresh stream (an ended call's id may be reused), owner first."""
        call_id, live_ttl = info.call_id, self._live_ttl()
        pipe.delete(call_key(call_id, "events"))
        pipe.set(call_key(call_id, "owner"), self.instance, px=int(self.settings.owner_ttl_s * 1000))
        info_key = call_key(call_id, "info")
        pipe.delete(info_key)
        pipe.hset(info_key, mapping={"json": json.dumps(info.to_json(), ensure_ascii=False)})
        pipe.expire(info_key, live_ttl)
        pipe.zadd(CALLS, {call_id: info.started})

    def _end(self, pipe, call_id: str) -> None:
        """The call ended: off the active list, owner released (after the list: no false "lost"), keys expire."""
        pipe.zrem(CALLS, call_id)
        pipe.delete(call_key(call_id, "owner"))
        for part in ("events", "info", "viewers"):
            pipe.expire(call_key(call_id, part), max(1, round(self.settings.retention_s)))

    def _live_ttl(self) -> int:
        return max(1, round(self.settings.retention_s + self.settings.owner_ttl_s))

    async def _heartbeat(self) -> None:
        """This instance is alive; so are its calls (those not yet registered are registered now)."""
        local = list(self.calls.calls.values()) if self.calls is not None else []
        pipe = self.redis.pipeline(transaction=False)
        ttl_ms, live_ttl = int(self.settings.owner_ttl_s * 1000), self._live_ttl()
        queued = {call_id for call_id, _ in self._queue}  # the writer registers these before their events
        pipe.set(instance_key(self.instance), "1", px=ttl_ms)
        registered = []
        for session in local:
            call_id = session.call_id
            if call_id not in self._owned and call_id not in queued:
                self._register(pipe, call_info(session, self.instance))
                registered.append(call_id)
            elif call_id in self._owned:  # alive; its policy may have changed
                pipe.set(call_key(call_id, "owner"), self.instance, px=ttl_ms)
                info = call_info(session, self.instance)
                pipe.hset(call_key(call_id, "info"), mapping={"json": json.dumps(info.to_json(), ensure_ascii=False)})
                for part in ("events", "info"):
                    pipe.expire(call_key(call_id, part), live_ttl)
        await pipe.execute()
        self._owned.update(registered)
        # A call that left this instance without its call_ended reaching the bus (dropped in an
        # outage) is no longer ours: its owner key lapses and the watcher ends it as lost.
        gone = self._owned - {s.call_id for s in local} - queued
        self._owned -= gone
        for call_id in gone:
            self._infos.pop(call_id, None)

    async def _watch(self) -> None:
        """End the active calls whose owner is gone, with reason ``lost`` (one instance writes it).

        One instance at a time watches (a lease that expires like an owner key), so Redis checks
        each call once a round, not once per instance; a dead watcher's lease passes on within
        ``owner_ttl_s``, the same bound as a dead owner's calls.
        """
        ttl_ms = int(self.settings.owner_ttl_s * 1000)
        holder = await self.redis.set(WATCHER, self.instance, nx=True, px=ttl_ms, get=True)
        if holder is not None and holder != self.instance:
            return
        if holder == self.instance:
            await self.redis.pexpire(WATCHER, ttl_ms)
        ids = await self.redis.zrange(CALLS, 0, -1)
        if not ids:
            return
        owners = await self.redis.mget([call_key(call_id, "owner") for call_id in ids])
        for call_id, owner in zip(ids, owners, strict=True):
            if owner is not None or (self.calls is not None and call_id in self.calls.calls):
                continue
            if not await self.redis.zrem(CALLS, call_id):
                continue  # another instance wrote it, or the call ended meanwhile
            pipe = self.redis.pipeline(transaction=False)
            pipe.xadd(call_key(call_id, "events"), {"e": json.dumps(CallEnded(call_id, "lost").to_json())},
                      maxlen=self.settings.stream_maxlen, approximate=True)
            self._end(pipe, call_id)
            await pipe.execute()
            log.warning("call lost: its instance stopped heartbeating", extra={"call_id": call_id})
            if self.metrics is not None:
                self.metrics.bus_lost_calls.inc()

    # ------------------------------------------------------------------ outage bookkeeping

    def _bus_down(self, exc: BaseException) -> None:
        if self.metrics is not None:
            self.metrics.bus_errors.inc()
            self.metrics.bus_up.set(0)
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.error("event bus unavailable: events wait in a bounded queue",
                      extra={"error": type(exc).__name__, "queued": len(self._queue),
                             "queue_size": self.settings.queue_size})

    def _bus_up(self) -> None:
        if self.metrics is not None:
            self.metrics.bus_up.set(1)
        if self._down_since is not None or self._dropped:
            log.warning("event bus available again",
                        extra={"seconds_down": round(time.monotonic() - (self._down_since or time.monotonic()), 1),
                               "dropped_events": self._dropped})
            self._down_since, self._dropped = None, 0


def _decode(fields: dict[str, str]) -> AgentEvent | None:
    """An entry's event; ``None`` (logged, no content) for one that is not an agent event."""
    try:
        return event_from_json(json.loads(fields["e"]))
    except (KeyError, ValueError, TypeError):
        log.warning("skipped a malformed bus entry")
        return None


def _info(fields: dict[str, str]) -> CallInfo | None:
    try:
        return CallInfo.from_json(json.loads(fields["json"]))
    except (KeyError, ValueError, TypeError):
        return None


def _with_viewers(info: CallInfo, viewers: int) -> CallInfo:
    return replace(info, viewers=viewers)
