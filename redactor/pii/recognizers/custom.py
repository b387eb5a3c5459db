"""Organisation-specific identifiers (会員番号, 契約番号) declared in the configuration."""

from __future__ import annotations

from redactor.config import IdentifierConfig
from redactor.pii.cues import CueIndex
from redactor.pii.recognizers.base import JapanesePatternRecognizer


def identifier_recognizer(spec: IdentifierConfig, cues: CueIndex) -> JapanesePatternRecognizer:
    """A recognizer class for one configured identifier, built from its declaration."""
    cls = type(
        f"{spec.name.title().replace('_', '')}Recognizer",
        (JapanesePatternRecognizer,),
        {
            "__doc__": f"Configured identifier {spec.name}.",
            "ENTITY": spec.name,
            "PATTERNS": tuple((spec.name, pattern, spec.score) for pattern in spec.patterns),
            "CONTEXT_REQUIRED": spec.context_required,
            "REJECT_UNIT_AFTER": False,
        },
    )
    return cls(cues)
