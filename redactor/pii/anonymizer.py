"""Anonymisation: Presidio operators chosen per entity type by the configuration.

- ``replace`` (Presidio ``replace``): ``<PHONE_NUMBER>``, or ``new_value``.
- ``mask`` (``custom``): ``****-****-****-1111``, digits masked but the last ``keep_last``
  (the PCI display rule for cards); separators stay.
- ``hash`` (``custom``): ``<PHONE_NUMBER:3f9a0c1b2d>``, an HMAC-SHA256 of the canonical value
  keyed by a salt from the environment and the call id: the same number said twice in a
  call (090-1234-5678, ゼロキューゼロ…) gets the same token, and tokens do not link calls.
- ``encrypt`` (Presidio ``encrypt``): AES-CBC ciphertext (base64) for authorised review;
  ``decrypt_value`` reverses it.  The key comes from the environment.
- ``keep`` (Presidio ``keep``): the value unchanged, still reported as an entity.

Presidio's own ``hash`` operator hashes the written form; ours hashes the normalised one,
which is what makes spoken and written forms of one value agree.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Sequence

from presidio_anonymizer import AnonymizerEngine, DeanonymizeEngine
from presidio_anonymizer.entities import OperatorConfig, OperatorResult, RecognizerResult

from redactor.config import (
    ConfigError,
    EncryptOperator,
    HashOperator,
    KeepOperator,
    MaskOperator,
    RedactorConfig,
    ReplaceOperator,
)
from redactor.pii.catalogue import DIGITS, Entity
from redactor.pii.normalize import normalize

_AES_KEY_LENGTHS = (16, 24, 32)


def mask_keep_last(value: str, masking_char: str = "*", keep_last: int = 4) -> str:
    """Mask every letter and digit but the last ``keep_last`` ASCII digits; keep separators."""
    keep_from = len(value)
    remaining = keep_last
    while remaining and keep_from:
        keep_from -= 1
        remaining -= value[keep_from].isascii() and value[keep_from].isdigit()
    if remaining:  # fewer digits than we would keep (a spoken or garbled value): mask all
        keep_from = len(value)
    return "".join(masking_char if i < keep_from and c.isalnum() else c for i, c in enumerate(value))


def canonical_value(value: str) -> str:
    """The form two spellings of one value share: normalised, without spaces or dashes."""
    return "".join(c for c in normalize(value).text if c.isalnum() or c in "@.").lower()


def _env(name: str, setting: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"{setting}: environment variable {name} is not set")
    return value


class Anonymizer:
    """Applies the configured operator to each entity of a text."""

    def __init__(self, config: RedactorConfig) -> None:
        self.config = config
        self.engine = AnonymizerEngine()
        # Secrets are read once, and a missing one fails here rather than mid-call.
        self._secrets: dict[str, bytes] = {}
        for entity_type in (*config.entity_types, DIGITS, "default"):
            spec = config.operator_for(entity_type)
            setting = f"operators.{entity_type}"
            if isinstance(spec, HashOperator):
                self._secrets[entity_type] = _env(spec.salt_env, setting).encode()
            elif isinstance(spec, EncryptOperator):
                key = _env(spec.key_env, setting)
                if len(key.encode()) not in _AES_KEY_LENGTHS:
                    raise ConfigError(f"{setting}: {spec.key_env} must be 16, 24 or 32 bytes long")
                self._secrets[entity_type] = key.encode()

    def _operator(self, entity_type: str, call_id: str) -> OperatorConfig:
        spec = self.config.operator_for(entity_type)
        if isinstance(spec, ReplaceOperator):
            return OperatorConfig("replace", {"new_value": spec.new_value or f"<{entity_type}>"})
        if isinstance(spec, MaskOperator):
            return OperatorConfig("custom", {"lambda": _masker(spec)})
        if isinstance(spec, HashOperator):
            return OperatorConfig("custom", {"lambda": _hasher(
                entity_type, self._secrets[entity_type], call_id, spec.length)})
        if isinstance(spec, EncryptOperator):
            return OperatorConfig("encrypt", {"key": self._secrets[entity_type].decode()})
        assert isinstance(spec, KeepOperator)
        return OperatorConfig("keep", {})

    def anonymize(self, text: str, entities: Sequence[Entity],
                  call_id: str = "") -> tuple[str, list[Entity]]:
        """Masked text, and the entities with their placeholder positions in it.

        ``entities`` must not overlap (``Redactor`` resolves conflicts before this).
        """
        if not entities:
            return text, []
        ordered = sorted(entities, key=lambda e: e.start)
        operators = {t: self._operator(t, call_id) for t in {e.type for e in ordered}}
        result = self.engine.anonymize(
            text,
            [RecognizerResult(e.type, e.start, e.end, e.score) for e in ordered],
            operators=operators,
            merge_entities_with_spaces=False,
        )
        items: list[OperatorResult] = sorted(result.items, key=lambda item: item.start)
        if len(items) != len(ordered):  # an invariant of non-overlapping input
            raise RuntimeError("anonymizer merged entities; resolve conflicts first")
        masked = [Entity(e.type, e.start, e.end, e.score, item.start, item.end)
                  for e, item in zip(ordered, items, strict=True)]
        return result.text, masked


def _masker(spec: MaskOperator) -> Callable[[str], str]:
    return lambda value: mask_keep_last(value, spec.masking_char, spec.keep_last)


def _hasher(entity_type: str, salt: bytes, call_id: str, length: int) -> Callable[[str], str]:
    def token(value: str) -> str:
        message = f"{call_id}\x1f{canonical_value(value)}".encode()
        return f"<{entity_type}:{hmac.new(salt, message, hashlib.sha256).hexdigest()[:length]}>"
    return token


def decrypt_value(ciphertext: str, key: str) -> str:
    """Reverse the ``encrypt`` operator for authorised review."""
    engine = DeanonymizeEngine()
    result = engine.deanonymize(
        ciphertext,
        [OperatorResult(0, len(ciphertext), "ANY", ciphertext, "encrypt")],
        {"DEFAULT": OperatorConfig("decrypt", {"key": key})},
    )
    return result.text
