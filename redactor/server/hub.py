"""The agent hub: who watches which call, the masked history, and slow viewers.

Every event a call publishes is kept in the call's history (a transcript segment's later
events replace its earlier ones, so the history stays small) and offered to each viewer's
bounded queue. A late joiner first receives the history. A viewer that cannot keep up never
blocks ingest or the other viewers: partials waiting in its queue are coalesced (only the
newest per segment is kept), then dropped with a ``notice``; if finals alone overflow it,
the viewer is disconnected (close 1013) and reconnects to the history.

Every connection and disconnection is written to the audit log: who (token subject, role,
token id), which call, when, from where, served by which instance — never transcript content.

:class:`AgentHub` is the in-process :class:`~redactor.server.bus.EventBus`; the history
compaction (:class:`History`) and the viewer rules (:class:`Viewer`, :func:`admit`,
:func:`serve_viewer`) are shared with the Redis bus.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass

from websockets.exceptions import ConnectionClosed

from redactor.server.bus import CallInfo, audit, call_info, newest_first
from redactor.stream.events import AgentEvent, CallEnded, IdentityEvent, Notice, Transcript

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HubOptions:
    """Limits of the agent hub.

    Attributes:
      queue_size: events waiting per viewer before coalescing/dropping.
      max_viewers_per_call: further agent connections to a call are refused (1013).
      ended_calls_kept: calls whose history stays available after ``call_ended``.
      max_history: segments and warnings kept per call.
    """

    queue_size: int = 256
    max_viewers_per_call: int = 16
    ended_calls_kept: int = 64
    max_history: int = 5000


class History:
    """A call's events in order; a transcript segment keeps only its latest event (at the place
    of its first), the identity checklist only its latest.

    Given the bus entry ID of each event, it also keeps the ID of each kept event's place, so the
    Redis bus can rewrite an ended call's stream to exactly this history (:meth:`entries`).
    """

    def __init__(self, limit: int) -> None:
        self.events: collections.OrderedDict[str, AgentEvent] = collections.OrderedDict()
        self.ids: dict[str, str] = {}  # key -> entry ID of the place the key took
        self.limit = limit
        self._n = 0
        self.ended = False

    def add(self, event: AgentEvent, entry_id: str | None = None) -> None:
        if isinstance(event, Transcript):
            key = "t:" + event.segment_id
        elif isinstance(event, IdentityEvent):
            key = "identity"
            self.events.pop(key, None)
        else:
            self._n += 1
            key = f"e:{self._n}"
        if entry_id is not None and key not in self.events:
            self.ids[key] = entry_id
        self.events[key] = event
        if isinstance(event, CallEnded):
            self.ended = True
        while len(self.events) > self.limit:
            self.ids.pop(self.events.popitem(last=False)[0], None)

    def entries(self) -> list[tuple[str, AgentEvent]]:
        """(entry ID, event) of the kept events, in order (their IDs rise; all added with IDs)."""
        return [(self.ids[key], event) for key, event in self.events.items()]


class Viewer:
    """One agent connection's outgoing events: the call's history, then a bounded live queue.

    The history a late joiner gets is as long as the call (up to ``max_history``); only events
    that arrive while it is being sent count against ``size``, so a long call's history never
    makes its agent look too slow.
    """

    def __init__(self, ws, call_id: str, size: int) -> None:
        self.ws, self.call_id, self.size = ws, call_id, size
        self.history: collections.deque[AgentEvent] = collections.deque()
        self.queue: collections.deque[AgentEvent] = collections.deque()
        self.ready = asyncio.Event()
        self.overflowed = False
        self.dropped = 0

    def start(self, history) -> None:
        """Queue the call's history (sent before any live event)."""
        self.history.extend(history)
        self.ready.set()

    def offer(self, event: AgentEvent) -> None:
        if self.overflowed:
            return
        if len(self.queue) >= self.size:
            self._make_room(event)
            if self.overflowed:
                return
        self.queue.append(event)
        self.ready.set()

    def next_event(self) -> AgentEvent | None:
        """The next event to send: the history first; ``None`` when both are empty."""
        if self.history:
            return self.history.popleft()
        return self.queue.popleft() if self.queue else None

    def _make_room(self, event: AgentEvent) -> None:
        """Coalesce partials, then drop them with a notice; finals alone overflowing end the viewer."""
        newest = {e.segment_id: e for e in self.queue if isinstance(e, Transcript)}
        kept = collections.deque(e for e in self.queue if not (_is_partial(e) and newest[e.segment_id] is not e))
        if len(kept) >= self.size:
            kept = collections.deque(e for e in kept if not _is_partial(e))
        dropped = len(self.queue) - len(kept)
        self.queue = kept
        if dropped:
            self.dropped += dropped
            self.queue.append(Notice(self.call_id, "表示が追いつかないため、途中経過の一部を省略しました。"))
        if len(self.queue) >= self.size:
            self.overflowed = True
            self.ready.set()


class AgentHub:
    """The in-process :class:`~redactor.server.bus.EventBus`: publishes call events to the agents
    of this instance (the default without ``--bus``)."""

    def __init__(self, options: HubOptions | None = None, *, instance: str = "local") -> None:
        self.options = options or HubOptions()
        self.instance = instance
        self.histories: collections.OrderedDict[str, History] = collections.OrderedDict()
        self.viewers: dict[str, set[Viewer]] = {}
        self.calls = None  # the CallManager (bind)

    def bind(self, calls, metrics=None) -> None:
        self.calls = calls

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def backlog(self) -> int:
        return 0

    async def active_calls(self) -> list[CallInfo]:
        sessions = self.calls.calls.values() if self.calls is not None else ()
        return newest_first([call_info(s, self.instance, self.viewer_count(s.call_id)) for s in sessions])

    def viewer_count(self, call_id: str | None = None) -> int:
        return count_viewers(self.viewers, call_id)

    def publish(self, call_id: str, event: AgentEvent) -> None:
        """Record ``event`` and offer it to every viewer of ``call_id`` (never blocks)."""
        history = self.histories.get(call_id)
        if history is None or (history.ended and not isinstance(event, CallEnded)):
            history = self.histories[call_id] = History(self.options.max_history)
        history.add(event)
        self.histories.move_to_end(call_id)
        if history.ended:  # only an ending call can push an old history out
            self._forget_old()
        for viewer in list(self.viewers.get(call_id, ())):
            viewer.offer(event)

    def _forget_old(self) -> None:
        ended = [cid for cid, h in self.histories.items() if h.ended and not self.viewers.get(cid)]
        for cid in ended[: max(0, len(ended) - self.options.ended_calls_kept)]:
            del self.histories[cid]

    async def attach(self, ws, call_id: str, claims) -> None:
        """Serve one agent connection until the call ends or the agent leaves."""
        viewer = await admit(ws, call_id, self.viewers, self.options)
        if viewer is None:
            return
        history = self.histories.get(call_id)
        viewer.start(history.events.values() if history else ())
        try:
            await serve_viewer(viewer, claims, self.instance)
        finally:
            release(viewer, self.viewers)


async def admit(ws, call_id: str, viewers: dict[str, set[Viewer]], options: HubOptions) -> Viewer | None:
    """A new viewer of ``call_id``, registered in ``viewers``; ``None`` (closed 1013) at the viewer limit."""
    from websockets.frames import CloseCode

    watching = viewers.setdefault(call_id, set())
    if len(watching) >= options.max_viewers_per_call:
        await ws.close(CloseCode.TRY_AGAIN_LATER, "too many viewers for this call")
        return None
    viewer = Viewer(ws, call_id, options.queue_size)
    watching.add(viewer)
    return viewer


def count_viewers(viewers: dict[str, set[Viewer]], call_id: str | None = None) -> int:
    """This instance's agent connections to ``call_id``, or to every call."""
    if call_id is not None:
        return len(viewers.get(call_id, ()))
    return sum(len(v) for v in viewers.values())


def release(viewer: Viewer, viewers: dict[str, set[Viewer]]) -> None:
    watching = viewers.get(viewer.call_id, set())
    watching.discard(viewer)
    if not watching:
        viewers.pop(viewer.call_id, None)


async def serve_viewer(viewer: Viewer, claims, instance: str, feed: Coroutine | None = None) -> None:
    """Send ``viewer``'s queue until the call ends or the agent leaves; audit both ends.

    ``feed`` (the bus reader that offers events to the viewer) runs alongside; the connection
    ends when the pump has sent ``call_ended`` (or closed a slow viewer) or the agent leaves.
    """
    ws = viewer.ws
    remote = ws.remote_address[0] if ws.remote_address else None
    who = {"call_id": viewer.call_id, "subject": getattr(claims, "subject", None),
           "role": getattr(claims, "role", None), "token_id": getattr(claims, "token_id", None),
           "remote": remote, "instance": instance}
    audit("agent_connected", **who)
    started = time.monotonic()
    # Either side may end the connection: the call ends (the pump closes it) or the agent
    # leaves (the drain ends). Then the other task is cancelled, so the viewer is removed
    # at once and a closed connection never holds a handler (or the server's shutdown).
    tasks = [asyncio.ensure_future(_pump(viewer)), asyncio.ensure_future(_drain_incoming(ws))]
    if feed is not None:
        tasks.append(asyncio.ensure_future(feed))
    try:
        pending = set(tasks)
        while not (tasks[0].done() or tasks[1].done()):  # a feed that is done (call ended) ends nothing
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not isinstance(task.exception(), (ConnectionClosed, type(None))):
                    raise task.exception()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        audit("agent_disconnected", **who, seconds=round(time.monotonic() - started, 1),
              dropped_events=viewer.dropped)


async def _pump(viewer: Viewer) -> None:
    """Send the viewer's events until ``call_ended`` (close 1000) or an overflow (close 1013)."""
    from websockets.frames import CloseCode

    ws = viewer.ws
    while True:
        await viewer.ready.wait()
        viewer.ready.clear()  # before sending: an overflow or event offered meanwhile wakes the next round
        while not viewer.overflowed and (event := viewer.next_event()) is not None:
            await ws.send(json.dumps(event.to_json(), ensure_ascii=False))
            if isinstance(event, CallEnded):
                await ws.close(1000, "call ended")
                return
        if viewer.overflowed:
            await ws.close(CloseCode.TRY_AGAIN_LATER, "viewer too slow; reconnect for the history")
            return


async def _drain_incoming(ws) -> None:
    """Agents only listen; anything they send is ignored (but read, so pings flow)."""
    async for _message in ws:
        pass


def _is_partial(event: AgentEvent) -> bool:
    return isinstance(event, Transcript) and not event.final
