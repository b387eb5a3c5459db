"""The entity catalogue: canonical type names (CONTRACTS.md) and GiNZA label mapping."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGE = "ja"

# The shared catalogue (shared/design/CONTRACTS.md), which the development corpus covers.
CANONICAL_TYPES: tuple[str, ...] = (
    "PERSON",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "JP_ADDRESS",
    "JP_POSTAL_CODE",
    "DATE_OF_BIRTH",
    "CREDIT_CARD",
    "CARD_SECURITY_CODE",
    "CARD_EXPIRY",
    "JP_MY_NUMBER",
    "JP_CORPORATE_NUMBER",
    "JP_DRIVERS_LICENSE",
    "JP_PASSPORT",
    "JP_HEALTH_INSURANCE",
    "JP_PENSION_NUMBER",
    "JP_RESIDENCE_CARD",
    "JP_BANK_ACCOUNT",
)
# Its compatible extensions (docs/contracts.md): a PIN or password said next to its cue
# (``redactor.pii.recognizers.credential``; tests/test_credential.py).
EXTENSION_TYPES: tuple[str, ...] = ("CREDENTIAL",)
ENTITY_TYPES: tuple[str, ...] = CANONICAL_TYPES + EXTENSION_TYPES

# Types that identify no person: a firm's 法人番号 is published by the National Tax Agency.  Masked like
# the others (a transcript needs no number read out), never a data-minimisation warning (unneeded,
# requested, offered).
IMPERSONAL_TYPES = frozenset({"JP_CORPORATE_NUMBER"})

# Not a catalogue type: a run of digits no recognizer could label (its cue was garbled by speech
# recognition), masked by the conversation's safety net (``redactor.conversation``).
DIGITS = "DIGITS"

# GiNZA tags entities with Sekine's extended named-entity labels.  Only Person is mapped:
# places (City, Province, Station) are left out because a place in passing is not an
# address, and GiNZA's Phone_Number/Email/Postal_Address/ID_Number fire on order numbers
# and postal codes alike, where the Japanese recognizers are both stricter and complete.
GINZA_LABEL_TO_ENTITY: dict[str, str] = {
    "Person": "PERSON",
}


@dataclass(frozen=True, slots=True)
class Entity:
    """One detected entity.

    ``start``/``end`` are string indices (end exclusive) into the text that was analysed.
    ``masked_start``/``masked_end`` locate its placeholder in the masked text once it has
    been anonymised (``None`` before).
    """

    type: str
    start: int
    end: int
    score: float
    masked_start: int | None = None
    masked_end: int | None = None

    def to_json(self) -> dict[str, object]:
        return {"type": self.type, "start": self.start, "end": self.end,
                "score": round(self.score, 2)}
