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
every instance dies. A while after an owned call ended its stream is rewritten to its history
(:meth:`RedisBus._compact`): readers replay the same events, Redis keeps about half.

Redis being slow or down never blocks a call: :meth:`RedisBus.publish` only appends to a bounded
queue (full: the event is dropped, counted, logged once per outage); the writer retries with
backoff. Log lines name the error type and counts, never an event.

What must not interleave runs in Redis as one script (:data:`SCRIPTS`): registering a call,
appending an event (each carries a sequence number, so a batch retried after Redis ran it but its
replies were lost appends nothing twice), the owner's heartbeat and the watcher's ``lost`` (an
owner that was cut off longer than ``owner_ttl_s`` finds its call ended and appends nothing more
to it: ``call_ended`` stays the last event).
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
from redis.exceptions import RedisError, WatchError

from redactor.server.bus import CallInfo, call_info, event_from_json, newest_first
from redactor.server.hub import History, HubOptions, Viewer, admit, count_viewers, release, serve_viewer
from redactor.stream.events import AgentEvent, CallEnded

log = logging.getLogger(__name__)
PREFIX = "redactor:"
CALLS = PREFIX + "calls"
WATCHER = PREFIX + "watcher"  # the instance that watches for lost calls (a lease)
BUS_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


def call_key(call_id: str, part: str) -> str:
    return f"{PREFIX}call:{call_id}:{part}"


# Lua scripts: each runs atomically in Redis. KEYS[1] is always the active-call set, ARGV[1] the call id.
SCRIPTS = {
    # A call this instance ingests. A fresh stream unless it is already listed as ours (a retried
    # registration must not delete what the first attempt wrote); an ended call's id may be reused.
    # KEYS: calls, owner, events, info; ARGV: id, instance, owner ttl ms, info json, info ttl s, started.
    "register": """
if redis.call('GET', KEYS[2]) ~= ARGV[2] or not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('DEL', KEYS[3], KEYS[4])
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[4], 'json', ARGV[4])
redis.call('EXPIRE', KEYS[4], ARGV[5])
redis.call('ZADD', KEYS[1], ARGV[6], ARGV[1])
return 1""",
    # One event of an active call, once: a sequence number not above the last this writer wrote is a
    # retry (per writer: two instances briefly holding one call id have clocks of their own).
    # KEYS: calls, events, info; ARGV: id, maxlen, event json, sequence number, instance.
    # 0: the call is not active.
    "append": """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local field = 'seq:' .. ARGV[5]
if tonumber(ARGV[4]) <= tonumber(redis.call('HGET', KEYS[3], field) or '0') then return 1 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3])
redis.call('HSET', KEYS[3], field, ARGV[4])
return 1""",
    # The owner is alive. 1: refreshed; 0: the call was ended elsewhere (lost) while this instance
    # was cut off; -1: its keys are gone (Redis lost its data): register it again.
    # KEYS: calls, owner, info, events; ARGV: id, instance, owner ttl ms, info json, ttl s.
    "heartbeat": """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
  return -1
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[3], 'json', ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[5])
redis.call('EXPIRE', KEYS[4], ARGV[5])
return 1""",
    # The call's owner is gone: end it as lost, once, unless its owner came back meanwhile.
    # KEYS: calls, owner, events, info, viewers; ARGV: id, maxlen, event json, retention s.
    "lost": """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3])
for i = 3, 5 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return 1""",
}


@dataclass(slots=True)
class _Owned:
    """A call this instance ingests, as the bus knows it."""

    info: CallInfo
    registered: bool = False  # on the bus (its registration succeeded)
    fenced: bool = False  # ended elsewhere as lost while this instance was cut off: nothing more is written


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
      compact_after_s: this long after an owned call's ``call_ended`` its stream is rewritten to
        its history (each segment's latest event): no reader can still be catching up by then.
    """

    heartbeat_s: float = 2.0
    owner_ttl_s: float = 6.0
    queue_size: int = 10_000
    batch: int = 256
    stream_maxlen: int = 20_000
    retention_s: float = 24 * 3600.0
    block_ms: int = 2000
    timeout_s: float = 5.0
    compact_after_s: float = 60.0


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
        self._queue: collections.deque[tuple[str, int, AgentEvent]] = collections.deque()  # call, seq, event
        self._owned: dict[str, _Owned] = {}  # this instance's calls until their call_ended is written
        self._seq = 0  # the last sequence number given: microseconds, rising across restarts
        self._counted: set[str] = set()  # calls whose viewer count this instance has written
        self._compactions: collections.deque[tuple[float, str]] = collections.deque()  # (when, call)
        self._shas: dict[str, str] | None = None  # SCRIPTS as loaded (again after any error: a restarted Redis forgets)
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
            if self._queue:  # the caller's deadline came first (Redis down or slow): say how many, not what
                log.error("event bus stopped with events unwritten", extra={"events": len(self._queue)})
            await self.redis.aclose()

    def publish(self, call_id: str, event: AgentEvent) -> None:
        """Queue ``event`` for the writer (never blocks: a full queue drops it, counted and logged)."""
        owned = self._own(call_id)
        if owned.fenced:  # its call_ended ("lost") is written: nothing may follow it
            self._drop()
            if isinstance(event, CallEnded):
                del self._owned[call_id]
            return
        if len(self._queue) >= self.settings.queue_size:
            self._drop()
            if self._dropped == 1:
                log.warning("event bus queue full: dropping events", extra={"queue_size": self.settings.queue_size})
            return
        self._seq = max(self._seq + 1, time.time_ns() // 1000)
        self._queue.append((call_id, self._seq, event))
        self._wake.set()

    def _drop(self) -> None:
        self._dropped += 1
        if self.metrics is not None:
            self.metrics.bus_dropped.inc()

    def _own(self, call_id: str) -> _Owned:
        """The bus state of a call this instance ingests (created at its first event)."""
        owned = self._owned.get(call_id)
        if owned is None:
            owned = self._owned[call_id] = _Owned(self._call_info(call_id))
        return owned

    def _call_info(self, call_id: str) -> CallInfo:
        """The call as ``GET /calls`` lists it (from the call table; bare if it is not there)."""
        session = self.calls.calls.get(call_id) if self.calls is not None else None
        if session is not None:
            return call_info(session, self.instance)
        return CallInfo(call_id, None, time.time(), (), "unknown", self.instance)

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
        await self._write_viewer_count(call_id)
        try:
            await serve_viewer(viewer, claims, self.instance, feed=self._feed(viewer))
        finally:
            release(viewer, self.viewers)
            await self._write_viewer_count(call_id)

    # ------------------------------------------------------------------ viewers

    async def _feed(self, viewer: Viewer) -> None:
        key = call_key(viewer.call_id, "events")
        try:
            history, last = await self._history(self.redis, key)
            viewer.start(history.events.values())
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

    async def _history(self, client, key: str) -> tuple[History, str]:
        """A stream's history (as agents are shown it) and its last entry ID, read in pages: a long
        call's stream is never one huge reply. An ended call's stream read while it was rewritten
        (:meth:`_compact`: its length changed under the pages) is read again."""
        for _attempt in range(3):
            history, last, page, pages = History(self.options.max_history), "0-0", self.settings.batch, 0
            length = await client.xlen(key)
            while True:
                entries = await client.xrange(key, min=f"({last}", count=page)
                pages += 1
                for entry_id, fields in entries:
                    last = entry_id
                    event = _decode(fields)
                    if event is not None:
                        history.add(event, entry_id)
                if len(entries) < page:
                    break
            if pages == 1 or not history.ended or await client.xlen(key) == length:
                break
        return history, last

    async def _write_viewer_count(self, call_id: str) -> None:
        """This instance's viewer count of the call, as a value (a missed update is not carried on:
        the heartbeat writes the counts again)."""
        with contextlib.suppress(*BUS_ERRORS):
            async with asyncio.timeout(self.settings.timeout_s):
                pipe = self.redis.pipeline(transaction=False)
                self._viewer_count(pipe, call_id)
                await pipe.execute()

    def _viewer_count(self, pipe, call_id: str) -> None:
        key, count = call_key(call_id, "viewers"), self.viewer_count(call_id)
        if count:
            pipe.hset(key, self.instance, count)
            pipe.expire(key, self._live_ttl())
            self._counted.add(call_id)
        else:
            pipe.hdel(key, self.instance)

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
                    if self._shas is None:
                        self._shas = {name: await self.redis.script_load(body) for name, body in SCRIPTS.items()}
                    await self._write()
                    if loop.time() >= next_beat:
                        await self._heartbeat()
                        await self._watch()
                        next_beat = loop.time() + self.settings.heartbeat_s
                    while self._compactions and self._compactions[0][0] <= time.monotonic():
                        await self._compact(self._compactions.popleft()[1])
            except BUS_ERRORS as exc:
                failures += 1
                self._shas = None
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
        """Write the queue in batches; a batch leaves the queue only once Redis answered it (a failed
        one is retried whole: the scripts make a retry append and register nothing twice)."""
        while self._queue:
            batch = [self._queue[i] for i in range(min(self.settings.batch, len(self._queue)))]
            pipe = self.redis.pipeline(transaction=False)
            registered, appends = [], []
            for call_id, seq, event in batch:
                owned = self._own(call_id)
                if not owned.registered:
                    self._register(pipe, owned)
                    registered.append(owned)
                appends.append(len(pipe))
                self._script(pipe, "append", [CALLS, call_key(call_id, "events"), call_key(call_id, "info")],
                             [call_id, self.settings.stream_maxlen, _entry(event), seq, self.instance])
                if isinstance(event, CallEnded):
                    self._end(pipe, call_id)
            try:
                replies = await pipe.execute()
            except BaseException:
                for owned in registered:  # registered again with the retry
                    owned.registered = False
                raise
            for _ in batch:
                self._queue.popleft()
            written = 0
            for (call_id, _seq, event), at in zip(batch, appends, strict=True):
                if replies[at]:
                    written += 1
                else:  # the call is no longer active on the bus (ended elsewhere as lost)
                    self._drop()
                if isinstance(event, CallEnded):
                    self._owned.pop(call_id, None)
                    if replies[at]:
                        self._compactions.append((time.monotonic() + self.settings.compact_after_s, call_id))
            if self.metrics is not None:
                self.metrics.bus_events.inc(written)

    def _script(self, client, name: str, keys: list[str], args: list):
        """Run (or, on a pipeline, queue) one of :data:`SCRIPTS` by its SHA (loaded by the writer)."""
        return client.evalsha(self._shas[name], len(keys), *keys, *args)

    def _register(self, pipe, owned: _Owned) -> None:
        """Queue in ``pipe`` putting a call this instance ingests on the bus; see ``SCRIPTS["register"]``."""
        call_id, info = owned.info.call_id, owned.info
        owned.registered = True
        self._script(pipe, "register",
                     [CALLS, call_key(call_id, "owner"), call_key(call_id, "events"), call_key(call_id, "info")],
                     [call_id, self.instance, int(self.settings.owner_ttl_s * 1000), _info_json(info),
                      self._live_ttl(), info.started])

    def _end(self, pipe, call_id: str) -> None:
        """The call ended: off the active list, owner released (after the list: no false "lost"), keys expire."""
        pipe.zrem(CALLS, call_id)
        pipe.delete(call_key(call_id, "owner"))
        for part in ("events", "info", "viewers"):
            pipe.expire(call_key(call_id, part), self._retention())

    async def _compact(self, call_id: str) -> None:
        """Rewrite an ended call's stream to its history, keeping entry IDs (a reader replays the
        same events in the same order; superseded partials and revisions free their memory).
        Optimistic: if the stream changes meanwhile (a new call took the id), it is left as it is."""
        key = call_key(call_id, "events")
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            history, _ = await self._history(pipe, key)
            kept, stored, ttl_ms = history.entries(), await pipe.xlen(key), await pipe.pttl(key)
            ids = [tuple(map(int, entry_id.split("-"))) for entry_id, _ in kept]
            if not history.ended or len(kept) >= stored or ids != sorted(set(ids)):
                return  # nothing to gain, or (never seen) places out of order: XADD would refuse some
            pipe.multi()
            pipe.delete(key)
            for entry_id, event in kept:
                pipe.xadd(key, {"e": _entry(event)}, id=entry_id)
            if ttl_ms > 0:
                pipe.pexpire(key, ttl_ms)
            with contextlib.suppress(WatchError):
                await pipe.execute()

    def _retention(self) -> int:
        return max(1, round(self.settings.retention_s))

    def _live_ttl(self) -> int:
        return max(1, round(self.settings.retention_s + self.settings.owner_ttl_s))

    async def _heartbeat(self) -> None:
        """This instance is alive; so are its calls (those not yet registered are registered now);
        its viewer counts are written again (one a missed update left wrong is set right)."""
        local = {s.call_id: s for s in self.calls.calls.values()} if self.calls is not None else {}
        queued = {call_id for call_id, _, _ in self._queue}  # the writer registers these before their events
        ttl_ms, live_ttl = int(self.settings.owner_ttl_s * 1000), self._live_ttl()
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(instance_key(self.instance), "1", px=ttl_ms)
        registered, beats = [], []
        for call_id, session in local.items():
            owned = self._own(call_id)
            if owned.fenced:
                continue
            if not owned.registered:
                if call_id not in queued:
                    self._register(pipe, owned)
                    registered.append(owned)
                continue
            owned.info = call_info(session, self.instance)  # alive; its policy may have changed
            beats.append((owned, len(pipe)))
            self._script(pipe, "heartbeat",
                         [CALLS, call_key(call_id, "owner"), call_key(call_id, "info"), call_key(call_id, "events")],
                         [call_id, self.instance, ttl_ms, _info_json(owned.info), live_ttl])
        counted = self._counted | set(self.viewers)
        self._counted = set()
        for call_id in counted:
            self._viewer_count(pipe, call_id)
        try:
            replies = await pipe.execute()
        except BaseException:
            for owned in registered:
                owned.registered = False
            self._counted |= counted
            raise
        for owned, at in beats:
            if replies[at] == 0:
                owned.fenced = True
                log.warning("call ended elsewhere as lost while this instance was cut off from the event bus; "
                            "its further events are not written", extra={"call_id": owned.info.call_id})
            elif replies[at] == -1:
                owned.registered = False  # Redis lost the call's keys: registered again next round
        # A call that left this instance without its call_ended reaching the bus (dropped in an
        # outage) is no longer ours: its owner key lapses and the watcher ends it as lost.
        for call_id in set(self._owned) - set(local) - queued:
            del self._owned[call_id]

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
            keys = [CALLS] + [call_key(call_id, part) for part in ("owner", "events", "info", "viewers")]
            lost = _entry(CallEnded(call_id, "lost"))
            ended = await self._script(self.redis, "lost", keys,
                                       [call_id, self.settings.stream_maxlen, lost, self._retention()])
            if not ended:
                continue  # its owner is back, another instance wrote it, or the call ended meanwhile
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


def _entry(event: AgentEvent) -> str:
    """An event as a stream entry stores it: its agent wire JSON."""
    return json.dumps(event.to_json(), ensure_ascii=False)


def _info_json(info: CallInfo) -> str:
    return json.dumps(info.to_json(), ensure_ascii=False)


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
