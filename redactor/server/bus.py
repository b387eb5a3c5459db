"""The event bus: how a call's masked events reach the agents watching it.

One interface, :class:`EventBus`, two implementations:

* :class:`~redactor.server.hub.AgentHub` — in process (the default): the instance that ingests a
  call is the only one that can serve its agents;
* :class:`~redactor.server.redis_bus.RedisBus` — Redis Streams (``redactor serve --bus
  redis://HOST:PORT/DB`` or ``REDACTOR_BUS``): any instance serves any call (docs/scaling.md).

The call manager gets :meth:`EventBus.publish` as its ``publish`` callable; the server asks the
bus for agents (:meth:`EventBus.attach`) and for the list of active calls (``GET /calls``).
Events cross the bus in their agent wire format (``to_json``), so nothing but masked content
can travel: the types of :mod:`redactor.stream.events` carry nothing else.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import Any, Protocol

from redactor.conversation import Identity
from redactor.policy import Warning
from redactor.stream.events import AgentEvent, CallEnded, IdentityEvent, MaskSpan, Notice, Transcript, WarningEvent

audit_log = logging.getLogger("redactor.audit")
INSTANCE_VARIABLE = "REDACTOR_INSTANCE"
BUS_VARIABLE = "REDACTOR_BUS"


@dataclass(frozen=True, slots=True)
class CallInfo:
    """One active call as ``GET /calls`` lists it (docs/events.md, "Active calls")."""

    call_id: str
    policy: str | None
    started: float  # Unix seconds
    channels: tuple[str, ...]
    source: str  # twilio | audiohook | ingest
    instance: str  # the instance that ingests it
    viewers: int = 0

    def to_json(self) -> dict[str, object]:
        return {"call_id": self.call_id, "policy": self.policy, "started": round(self.started, 3),
                "channels": list(self.channels), "source": self.source, "instance": self.instance,
                "viewers": self.viewers}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallInfo:
        return cls(str(data["call_id"]), data.get("policy"), float(data["started"]), tuple(data["channels"]),
                   str(data["source"]), str(data["instance"]), int(data.get("viewers", 0)))


class EventBus(Protocol):
    """What the server needs from a bus; both implementations keep the hub's viewer rules
    (history first, partials coalesced for slow viewers, 1013 when finals alone overflow)."""

    instance: str

    def bind(self, calls: Any, metrics: Any = None) -> None:
        """The call manager whose live sessions this instance owns (and its metrics)."""

    def publish(self, call_id: str, event: AgentEvent) -> None:
        """Record ``event`` for ``call_id`` and pass it on; never blocks, never raises."""

    async def attach(self, ws: Any, call_id: str, claims: Any) -> None:
        """Serve one agent connection until the call ends or the agent leaves."""

    async def active_calls(self) -> list[CallInfo]:
        """Every active call this bus knows of, newest first."""

    def viewer_count(self, call_id: str | None = None) -> int:
        """Agent connections on this instance (to ``call_id``, or all)."""

    def backlog(self) -> int:
        """Events waiting to be written to the bus (0 in process)."""

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Write what is waiting (bounded in time) and release the bus."""


def instance_id() -> str:
    """This instance's name: ``REDACTOR_INSTANCE`` (e.g. the Kubernetes pod name), else host and pid."""
    return os.environ.get(INSTANCE_VARIABLE) or f"{socket.gethostname()}-{os.getpid()}"


def call_info(session: Any, instance: str, viewers: int = 0) -> CallInfo:
    """A live :class:`~redactor.stream.session.CallSession` as listed (its policy as it is now)."""
    state = getattr(getattr(session, "conversation", None), "state", None)
    policy = getattr(getattr(state, "policy", None), "name", None)
    started = time.time() - (time.monotonic() - session.started)  # the session keeps a monotonic start
    return CallInfo(session.call_id, policy, started, tuple(session.channels), session.source, instance, viewers)


def newest_first(calls: list[CallInfo]) -> list[CallInfo]:
    return sorted(calls, key=lambda c: (c.started, c.call_id), reverse=True)


def event_from_json(data: dict[str, Any]) -> AgentEvent:
    """The typed event of an agent wire object (the inverse of ``to_json``); ``ValueError`` if unknown."""
    kind, call_id = data.get("type"), str(data.get("call_id"))
    if kind == Transcript.TYPE:
        spans = tuple(MaskSpan(e["type"], e["start"], e["end"]) for e in data.get("entities", ()))
        return Transcript(call_id, data["channel"], data["segment_id"], bool(data["final"]), data["text"],
                          float(data["start"]), float(data["end"]), spans, data.get("revision"))
    if kind == WarningEvent.TYPE:
        return WarningEvent(call_id, Warning(data["kind"], data["severity"], data["message"], data["suggestion"],
                                             data.get("channel"), data.get("segment_id"), data.get("time")))
    if kind == IdentityEvent.TYPE:
        return IdentityEvent(call_id, Identity(data["name_asked"], data["name_given"], data["phone_asked"],
                                               data["phone_given"], data["verified"], data["policy"]))
    if kind == Notice.TYPE:
        return Notice(call_id, data["message"])
    if kind == CallEnded.TYPE:
        return CallEnded(call_id, data.get("reason", "stop"))
    raise ValueError("unknown event type")


def audit(event: str, **fields: object) -> None:
    """One audit line (who, which call, from which instance; never content)."""
    audit_log.info(event, extra={"audit": {"event": event, "time": time.time(), **fields}})


def check_url(url: str) -> None:
    """``ValueError`` (naming the option, not the value) unless ``url`` is a Redis URL."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("--bus must be a redis://, rediss:// or unix:// URL")


def open_bus(url: str | None, options: Any = None, *, instance: str | None = None) -> EventBus:
    """The bus of ``url`` (``redis://…``, ``rediss://…``), or the in-process hub when ``url`` is empty."""
    from redactor.server.hub import AgentHub, HubOptions

    options = options or HubOptions()
    instance = instance or instance_id()
    if not url:
        return AgentHub(options, instance=instance)
    check_url(url)
    from redactor.server.redis_bus import RedisBus

    return RedisBus(url, options, instance=instance)
