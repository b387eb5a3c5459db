"""The one place where call warnings plug into batch output.

The policy engine (purpose policies, minimization and sensitive-information warnings) is
not written yet; when it is, ``call_warnings`` calls it with the call's masked segments (in
time order, both channels) and the policy name, and returns the warnings in the contract's
shape: ``{"kind", "severity", "message", "suggestion", "channel", "segment_id", "time"}``.
"""

from __future__ import annotations

from collections.abc import Sequence

from redactor.batch.pipeline import Segment


def call_warnings(segments: Sequence[Segment], policy: str | None) -> list[dict]:
    """Warnings for one call (empty until the policy engine exists)."""
    return []
