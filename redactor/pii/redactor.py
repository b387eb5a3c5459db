"""The public entry point: ``Redactor().redact(text)``.

normalise (offset map) → analyse (Presidio + GiNZA + Japanese recognizers) → map spans back
to the input → resolve overlaps → anonymise (Presidio operators per entity type).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from redactor.config import RedactorConfig, load_config
from redactor.pii.analyzer import build_analyzer
from redactor.pii.anonymizer import Anonymizer
from redactor.pii.catalogue import LANGUAGE, Entity
from redactor.pii.context import CallContexts
from redactor.pii.normalize import normalize
from redactor.pii.recognizers import cue_index
from redactor.pii.recognizers.person import HONORIFICS, extend_over_space, plausible_person

# Characters a span should not begin or end with once mapped back.
_EDGE = " \t\u3000、。,.・:：「」『』()（）"
_DIGIT = re.compile(r"[0-9]")
_TRAILING_HONORIFIC = re.compile(rf"(?:{'|'.join(HONORIFICS)})$")


@dataclass(slots=True)
class RedactionResult:
    """Masked text plus the entities found.

    ``entities[i].start/end`` index the input text; ``masked_start/masked_end`` index ``text``.
    """

    text: str
    entities: list[Entity] = field(default_factory=list)


class Redactor:
    """Loads the analyzer (GiNZA + Japanese recognizers) once and masks text.

    ``config`` is a ``RedactorConfig``, a path to a TOML file, or ``None`` for the defaults.
    Thread-safe for concurrent ``redact`` calls once constructed.
    """

    def __init__(self, config: RedactorConfig | str | Path | None = None) -> None:
        if not isinstance(config, RedactorConfig):
            config = load_config(config)
        self.config = config
        self.anonymizer = Anonymizer(config)  # first: a missing secret fails before the model loads
        self.cues = cue_index(config)  # one index: the recognizers and the call contexts share it
        self.analyzer = build_analyzer(config, self.cues)
        self.entity_types = list(config.entity_types)
        self.nlp = self.analyzer.nlp_engine.nlp[LANGUAGE]  # the GiNZA pipeline

    def analyze(self, text: str, *, prompt: str | None = None) -> list[Entity]:
        """Entities in ``text`` (indices into ``text``), without overlaps, in order.

        ``prompt`` is a cue the text answers (生年月日 when the agent just asked for the
        date of birth, see ``redactor.pii.context``): the text is read as if it began with it.
        """
        if not text.strip():
            return []
        normalized = normalize(text)
        analysed = (f"{prompt}は、" if prompt else "") + normalized.text
        lead = len(analysed) - len(normalized.text)
        # spaCy keeps every new string it meets: the memory zone frees them after each
        # utterance, and GiNZA sees every digit as 0 (same offsets) because its morphology
        # table keeps each new reading, which unique numbers would grow without bound.
        with self.nlp.memory_zone():
            artifacts = self.analyzer.nlp_engine.process_text(_DIGIT.sub("0", analysed), LANGUAGE)
            results = self.analyzer.analyze(analysed, language=LANGUAGE, entities=self.entity_types,
                                            nlp_artifacts=artifacts)
        found = []
        for result in results:
            if result.end <= lead:
                continue
            a, b = max(result.start, lead) - lead, result.end - lead
            start, end = normalized.to_original(a, b)
            entity = _trimmed(text, Entity(result.entity_type, start, end, result.score))
            if entity is not None:
                found.append(entity)
        return resolve_overlaps(text, found)

    def redact(self, text: str, *, call_id: str = "", prompt: str | None = None) -> RedactionResult:
        """Mask ``text``; ``call_id`` scopes hash tokens to one conversation."""
        masked, entities = self.anonymizer.anonymize(text, self.analyze(text, prompt=prompt), call_id)
        return RedactionResult(masked, entities)

    def call_contexts(self, limit: int = 10_000) -> CallContexts:
        """Per-call memory of questions, for redacting a conversation turn by turn."""
        return CallContexts(self.cues, limit)


def _trimmed(text: str, entity: Entity) -> Entity | None:
    start, end = entity.start, entity.end
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if entity.type == "PERSON":  # the honorific stays visible: 田中<PERSON>様 reads wrong
        start, end = extend_over_space(text, start, end)
        honorific = _TRAILING_HONORIFIC.search(text, start, end)
        if honorific and honorific.start() > start:
            end = honorific.start()
    if start >= end or (entity.type == "PERSON" and not plausible_person(text, start, end)):
        return None
    return Entity(entity.type, start, end, entity.score)


def _touching(text: str, left: Entity, right: Entity) -> bool:
    """Overlapping, adjacent, or names split by a space (カトウ　カズヤ)."""
    if right.start <= left.end:
        return True
    return left.type == "PERSON" and text[left.end:right.start] in (" ", "\u3000", "・")


def resolve_overlaps(text: str, entities: list[Entity]) -> list[Entity]:
    """Merge overlapping or touching spans of one type; between types the higher score wins.

    Merging matters for garbled values: a slot and a pattern may each cover part of one
    number, and the mask must cover both.  Between types, a tie goes to the longer span.
    """
    merged: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.type, e.start)):
        last = merged[-1] if merged else None
        if last and last.type == entity.type and _touching(text, last, entity):
            merged[-1] = Entity(last.type, last.start, max(last.end, entity.end),
                                max(last.score, entity.score))
        else:
            merged.append(entity)
    kept: list[Entity] = []
    for entity in sorted(merged, key=lambda e: (-e.score, -(e.end - e.start), e.start)):
        if all(entity.end <= k.start or entity.start >= k.end for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)
