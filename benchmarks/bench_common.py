"""Shared pieces of the benchmarks: the corpus loader and the three systems compared.

A *system* turns a text into predicted spans.  Each predicted span carries the set of
catalogue types it may stand for: one type for our engine, several for a baseline label
that maps to more than one of our types (GiNZA's ``Date`` may be a birth date or a card
expiry, ``ID_Number`` any identifier).  That is deliberately generous to the baselines.

Systems:

- ``ours``: ``redactor.Redactor().analyze(text)`` → objects with ``.type/.start/.end``;
  the timed operation is ``Redactor().redact(text)``.
- ``ginza``: GiNZA NER alone, ``spacy.load("ja_ginza")``; every ``doc.ents`` span whose
  label is in :data:`GINZA_LABELS` (personal, contact, place, date and id labels).
- ``presidio``: Presidio's ``AnalyzerEngine`` over a ``SpacyNlpEngine`` (``ja``/``ja_ginza``)
  with the predefined recognizers loaded for ``ja`` and the default spaCy entity mapping,
  i.e. what a team gets by pointing stock Presidio at Japanese.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "samples" / "pii_dev.jsonl"

ENTITY_TYPES: tuple[str, ...] = (
    "PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "JP_ADDRESS", "JP_POSTAL_CODE",
    "DATE_OF_BIRTH", "CREDIT_CARD", "CARD_SECURITY_CODE", "CARD_EXPIRY", "JP_MY_NUMBER",
    "JP_CORPORATE_NUMBER", "JP_DRIVERS_LICENSE", "JP_PASSPORT", "JP_HEALTH_INSURANCE",
    "JP_PENSION_NUMBER", "JP_RESIDENCE_CARD", "JP_BANK_ACCOUNT",
)
# Every number-like identifier type: what a generic "ID" label may stand for.
ID_TYPES: frozenset[str] = frozenset({
    "CREDIT_CARD", "CARD_SECURITY_CODE", "JP_MY_NUMBER", "JP_CORPORATE_NUMBER",
    "JP_DRIVERS_LICENSE", "JP_PASSPORT", "JP_HEALTH_INSURANCE", "JP_PENSION_NUMBER",
    "JP_RESIDENCE_CARD", "JP_BANK_ACCOUNT",
})
DATE_TYPES: frozenset[str] = frozenset({"DATE_OF_BIRTH", "CARD_EXPIRY"})
ADDRESS_PART: frozenset[str] = frozenset({"JP_ADDRESS"})

# GiNZA (Sekine extended named entities) label → the catalogue types it may stand for.
GINZA_LABELS: dict[str, frozenset[str]] = {
    "Person": frozenset({"PERSON"}),
    "Phone_Number": frozenset({"PHONE_NUMBER"}),
    "Email": frozenset({"EMAIL_ADDRESS"}),
    "URL": frozenset({"EMAIL_ADDRESS"}),
    "Postal_Address": frozenset({"JP_ADDRESS", "JP_POSTAL_CODE"}),
    # GiNZA splits an address into places; count each piece as (part of) an address.
    "Province": ADDRESS_PART,
    "City": ADDRESS_PART,
    "County": ADDRESS_PART,
    "GPE_Other": ADDRESS_PART,
    "GOE_Other": ADDRESS_PART,
    "Location_Other": ADDRESS_PART,
    "Date": DATE_TYPES,
    "Era": DATE_TYPES,
    "ID_Number": ID_TYPES | {"PHONE_NUMBER", "JP_POSTAL_CODE"},
}

# Presidio entity type → catalogue types.  Anything not listed (IBAN_CODE, US_SSN, UUID, …)
# is taken to be some identifier.
PRESIDIO_TYPES: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"PERSON"}),
    "PHONE_NUMBER": frozenset({"PHONE_NUMBER"}),
    "EMAIL_ADDRESS": frozenset({"EMAIL_ADDRESS"}),
    "EMAIL": frozenset({"EMAIL_ADDRESS"}),
    "URL": frozenset({"EMAIL_ADDRESS"}),
    "CREDIT_CARD": frozenset({"CREDIT_CARD"}),
    "DATE_TIME": DATE_TYPES,
    "LOCATION": ADDRESS_PART,
    "IBAN_CODE": frozenset({"JP_BANK_ACCOUNT"}),
    "US_BANK_NUMBER": frozenset({"JP_BANK_ACCOUNT"}),
    "US_PASSPORT": frozenset({"JP_PASSPORT"}),
    "US_DRIVER_LICENSE": frozenset({"JP_DRIVERS_LICENSE"}),
}


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    types: frozenset[str]
    label: str  # the system's own label, for error listings


@dataclass
class System:
    """A loaded system: ``analyze`` gives spans, ``run`` is the operation to time."""

    name: str
    title: str
    analyze: Callable[[str], list[Span]]
    run: Callable[[str], Any]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (characters), for character error rates."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def load_corpus(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows[:limit] if limit else rows


def _ensure_repo_importable() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def load_ours() -> System:
    _ensure_repo_importable()
    from redactor import Redactor

    redactor = Redactor()

    def analyze(text: str) -> list[Span]:
        return [Span(e.start, e.end, frozenset({e.type}), e.type)
                for e in redactor.analyze(text)]

    return System("ours", "ours (redactor)", analyze, redactor.redact)


def load_ginza() -> System:
    import spacy

    nlp = spacy.load("ja_ginza")

    def analyze(text: str) -> list[Span]:
        return [Span(e.start_char, e.end_char, GINZA_LABELS[e.label_], e.label_)
                for e in nlp(text).ents if e.label_ in GINZA_LABELS]

    return System("ginza", "GiNZA NER alone", analyze, nlp)


def offline_tldextract() -> None:
    """Make Presidio's EmailRecognizer use tldextract's bundled suffix list (no network)."""
    import tldextract
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    email_recognizer.tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


def load_presidio() -> System:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    offline_tldextract()
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "ja", "model_name": "ja_ginza"}])
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["ja"])
    registry.load_predefined_recognizers(languages=["ja"], nlp_engine=nlp_engine)
    engine = AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["ja"])

    def run(text: str) -> Any:
        return engine.analyze(text=text, language="ja")

    def analyze(text: str) -> list[Span]:
        return [Span(r.start, r.end, PRESIDIO_TYPES.get(r.entity_type, ID_TYPES), r.entity_type)
                for r in run(text)]

    return System("presidio", "Presidio built-ins over ja_ginza", analyze, run)


LOADERS: dict[str, Callable[[], System]] = {
    "ours": load_ours,
    "ginza": load_ginza,
    "presidio": load_presidio,
}
# Safe order to load several systems in one process: stock Presidio must be built before
# redactor is imported (Presidio finds predefined recognizers by class name among all
# loaded subclasses, and a same-named class in redactor would be instantiated instead).
LOAD_ORDER: tuple[str, ...] = ("presidio", "ginza", "ours")


def write_or_check(path: Path, text: str, write: bool) -> int:
    """A training script's last step: write the model file, or check that the shipped one is
    what a fresh training run gives (bit for bit); the exit status."""
    if write:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text.encode()) // 1024} KiB)")
        return 0
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        print(f"{path} differs from a fresh training run", file=sys.stderr)
        return 1
    print(f"{path} matches a fresh training run")
    return 0
