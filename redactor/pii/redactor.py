"""The public entry point: ``Redactor().redact(text)``.  (Being written: API is fixed.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from redactor.pii.catalogue import Entity


@dataclass(slots=True)
class RedactionResult:
    """Masked text plus the entities found.

    ``entities[i].start/end`` index the input text; ``masked_start/masked_end`` index ``text``.
    """

    text: str
    entities: list[Entity] = field(default_factory=list)


class Redactor:
    """Loads the analyzer (GiNZA + Japanese recognizers) once and masks text."""

    def __init__(self, config=None) -> None:
        self.config = config

    def analyze(self, text: str) -> list[Entity]:
        raise NotImplementedError

    def redact(self, text: str, *, call_id: str | None = None) -> RedactionResult:
        raise NotImplementedError
