"""Agent events: what a live call sends to the agent's screen, as types.

One JSON object per websocket text frame (``to_json()``); the wire format is documented in
``docs/events.md``.  The call session creates them, the hub keeps and forwards them and
branches on their type, never on dictionary keys.

Every event carries masked content only: a ``Transcript`` is built from a ``Turn`` (final) or
a ``partial_view`` (partial), a ``WarningEvent`` names types, never values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from redactor.conversation import Identity
from redactor.pii.catalogue import Entity
from redactor.policy import Warning


@dataclass(frozen=True, slots=True)
class MaskSpan:
    """Where a placeholder stands in a transcript's masked text."""

    type: str
    start: int
    end: int

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> tuple[MaskSpan, ...]:
        """Placeholders of anonymised entities (their ``masked_start``/``masked_end``)."""
        return tuple(cls(e.type, e.masked_start, e.masked_end) for e in entities
                     if e.masked_start is not None and e.masked_end is not None)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A segment's text: partial (``final=False``, may change) or final (``revision`` ≥ 1 for a
    corrected final).  A later event with the same ``segment_id`` replaces the earlier one."""

    TYPE: ClassVar[str] = "transcript"
    call_id: str
    channel: str
    segment_id: str
    final: bool
    text: str
    start: float
    end: float
    entities: tuple[MaskSpan, ...] = ()
    revision: int | None = None

    def to_json(self) -> dict[str, object]:
        event: dict[str, object] = {
            "type": self.TYPE, "call_id": self.call_id, "channel": self.channel,
            "segment_id": self.segment_id, "final": self.final, "text": self.text,
            "start": round(self.start, 2), "end": round(self.end, 2),
            "entities": [{"type": e.type, "start": e.start, "end": e.end} for e in self.entities]}
        if self.revision:
            event["revision"] = self.revision
        return event


@dataclass(frozen=True, slots=True)
class WarningEvent:
    """A data-minimisation or sensitive-information warning (docs/events.md, "warning")."""

    TYPE: ClassVar[str] = "warning"
    call_id: str
    warning: Warning

    def to_json(self) -> dict[str, object]:
        return {"type": self.TYPE, "call_id": self.call_id, **self.warning.to_json()}


@dataclass(frozen=True, slots=True)
class IdentityEvent:
    """The identity checklist changed (only the latest one matters)."""

    TYPE: ClassVar[str] = "identity"
    call_id: str
    identity: Identity

    def to_json(self) -> dict[str, object]:
        i = self.identity
        return {"type": self.TYPE, "call_id": self.call_id, "name_asked": i.name_asked,
                "name_given": i.name_given, "phone_asked": i.phone_asked, "phone_given": i.phone_given,
                "verified": i.verified, "policy": i.policy}


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the agent should know about the connection (events were left out)."""

    TYPE: ClassVar[str] = "notice"
    call_id: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {"type": self.TYPE, "call_id": self.call_id, "message": self.message}


CALL_END_REASONS = ("stop", "disconnect", "timeout", "shutdown", "lost")


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The last event of a call; ``reason`` is one of ``CALL_END_REASONS``."""

    TYPE: ClassVar[str] = "call_ended"
    call_id: str
    reason: str = "stop"

    def to_json(self) -> dict[str, object]:
        return {"type": self.TYPE, "call_id": self.call_id, "reason": self.reason}


AgentEvent = Transcript | WarningEvent | IdentityEvent | Notice | CallEnded
