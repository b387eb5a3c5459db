"""The one place where call warnings plug into batch output.

``CallWarnings`` sees every turn of a call in time order, both channels, inside the worker
that holds the raw transcript (``pipeline.transcribe_call``), and feeds the policy engine's
per-call state.  Warnings name types, never values, so they may leave the worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from redactor.policy import DEFAULT_POLICY, WarningEngine

_engine: WarningEngine | None = None


def _warning_engine() -> WarningEngine:
    """One engine per worker process (its detectors are stateless and shared by calls)."""
    global _engine
    if _engine is None:
        _engine = WarningEngine()
    return _engine


class CallWarnings:
    """Warnings of one call, collected turn by turn."""

    def __init__(self, call_id: str, policy: str | None) -> None:
        self.state = _warning_engine().new_call(call_id, policy or DEFAULT_POLICY)
        self.warnings: list[dict] = []

    def observe(self, *, text: str, masked: str, entities: Sequence, channel: str, segment_id: str,
                time: float) -> None:
        """One redacted turn (``text`` is raw: read here, never stored or returned)."""
        found = self.state.observe(text=text, masked=masked, entities=entities, speaker=channel,
                                   segment_id=segment_id, time=round(time, 2), channel=channel)
        self.warnings += [warning.to_json() for warning in found]
