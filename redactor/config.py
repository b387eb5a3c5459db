"""Configuration: one TOML file, validated against a schema.

Everything a deployment changes without code lives here: the detection threshold, the
operator used per entity type, and organisation-specific identifiers (会員番号, 契約番号).
Errors name the file, the setting and what is wrong with it::

    redactor.toml: operators.CREDIT_CARD.type: Input should be 'replace', 'mask', ...

An example with every setting is ``samples/redactor.toml``.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from redactor.pii.catalogue import DIGITS, ENTITY_TYPES
from redactor.policy.policies import PolicyError, PolicySpec, build_policies


class ConfigError(ValueError):
    """The configuration is invalid; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReplaceOperator(_Strict):
    """Replace the value with ``new_value`` (default ``<TYPE>``)."""

    type: Literal["replace"] = "replace"
    new_value: str | None = None


class MaskOperator(_Strict):
    """Mask characters, keeping the last ``keep_last`` digits (PCI display rule for cards)."""

    type: Literal["mask"]
    masking_char: str = Field(default="*", min_length=1, max_length=1)
    keep_last: int = Field(default=4, ge=0)


class HashOperator(_Strict):
    """``<TYPE:token>`` from an HMAC-SHA256 of the value: same value, same token in a call."""

    type: Literal["hash"]
    salt_env: str = "REDACTOR_HASH_SALT"
    length: int = Field(default=10, ge=6, le=64)


class EncryptOperator(_Strict):
    """Reversible AES encryption for authorised review; the key comes from the environment."""

    type: Literal["encrypt"]
    key_env: str = "REDACTOR_ENCRYPTION_KEY"


class KeepOperator(_Strict):
    """Leave the value visible (still reported as an entity)."""

    type: Literal["keep"]


OperatorSpec = Annotated[
    ReplaceOperator | MaskOperator | HashOperator | EncryptOperator | KeepOperator,
    Field(discriminator="type"),
]


class IdentifierConfig(_Strict):
    """An organisation-specific identifier, recognised like the built-in ones."""

    name: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    patterns: list[str] = Field(min_length=1)
    context: list[str] = Field(default_factory=list)
    context_required: bool = False
    score: float = Field(default=0.7, gt=0, le=1)

    @field_validator("patterns")
    @classmethod
    def _compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return patterns

    @model_validator(mode="after")
    def _context_given(self) -> IdentifierConfig:
        if self.context_required and not self.context:
            raise ValueError("context_required is true but no context words are given")
        return self


class AnalyzerSettings(_Strict):
    score_threshold: float = Field(default=0.5, ge=0, le=1)
    context_before: int = Field(default=24, ge=0, le=200, description="cue window, characters")
    context_after: int = Field(default=8, ge=0, le=200)
    slots: bool = Field(default=True, description="mask garbled values after strong cues")
    entities: list[str] | None = Field(
        default=None, description="entity types to detect (default: all, including DIGITS)")


class RetentionSettings(_Strict):
    """How long masked call data is kept (the domain brief's disposal rule).

    ``events_hours``: a live call's masked events on the bus (Redis TTL), counted from the
    call's end. ``records_days``: call records written by ``serve --records DIR``, removed by
    ``redactor records purge``.
    """

    events_hours: float = Field(default=24, gt=0, le=24 * 366)
    records_days: float = Field(default=30, gt=0, le=3660)


class RedactorConfig(_Strict):
    analyzer: AnalyzerSettings = AnalyzerSettings()
    retention: RetentionSettings = RetentionSettings()
    operators: dict[str, OperatorSpec] = Field(default_factory=dict)
    identifiers: list[IdentifierConfig] = Field(default_factory=list)
    policies: dict[str, PolicySpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_types(self) -> RedactorConfig:
        custom = [identifier.name for identifier in self.identifiers]
        clash = sorted(set(custom) & set(ENTITY_TYPES))
        if clash:
            raise ValueError(f"identifiers redefine built-in entity types: {', '.join(clash)}")
        try:  # policies may name the configured identifiers, so they are checked here
            build_policies(self.policies, [*ENTITY_TYPES, *custom], source="policies")
        except PolicyError as exc:
            raise ValueError(str(exc).removeprefix("policies: ")) from None
        selectable = {*ENTITY_TYPES, *custom, DIGITS}
        if self.analyzer.entities is not None:
            wrong = [f"#{i + 1}" for i, name in enumerate(self.analyzer.entities) if name not in selectable]
            if wrong:  # positions, not values: the message must not echo what it cannot trust
                raise ValueError(f"analyzer.entities: unknown entity type at {', '.join(wrong)} "
                                 f"(known: {', '.join(sorted(selectable))})")
        known = {*ENTITY_TYPES, *custom, DIGITS, "default"}
        unknown = sorted(set(self.operators) - known)
        if unknown:
            raise ValueError(
                f"operators for unknown entity types: {', '.join(unknown)} "
                f"(known: default, {', '.join(sorted(known - {'default'}))})"
            )
        return self

    def operator_for(self, entity_type: str) -> OperatorSpec:
        return self.operators.get(entity_type) or self.operators.get("default") or ReplaceOperator()

    @property
    def entity_types(self) -> tuple[str, ...]:
        """Every type this configuration can detect (built-in and configured identifiers)."""
        return (*ENTITY_TYPES, *(identifier.name for identifier in self.identifiers))

    @property
    def selected_types(self) -> tuple[str, ...]:
        """The types to detect: ``analyzer.entities``, else all of them plus the ``DIGITS`` net."""
        if self.analyzer.entities is not None:
            return tuple(self.analyzer.entities)
        return (*self.entity_types, DIGITS)

    def with_selection(self, entities: list[str] | tuple[str, ...] | None = None,
                       score_threshold: float | None = None) -> RedactorConfig:
        """This configuration with a command line's ``--entities`` / ``--score-threshold`` applied
        (validated like the TOML: ``ConfigError`` names the option)."""
        analyzer = self.analyzer.model_dump()
        if entities is not None:
            analyzer["entities"] = list(entities)
        if score_threshold is not None:
            analyzer["score_threshold"] = score_threshold
        return parse_config({**self.model_dump(), "analyzer": analyzer}, "command line")


def _describe(error: ValidationError, source: str) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{source}: {where}: {message}" if where else f"{source}: {message}")
    return "\n".join(lines)


def parse_config(data: dict, source: str = "<config>") -> RedactorConfig:
    try:
        return RedactorConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


def load_config(path: str | Path | None) -> RedactorConfig:
    """Load and validate a TOML file; ``None`` gives the defaults."""
    if path is None:
        return RedactorConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, str(path))


def entity_list(value: str) -> list[str]:
    """``--entities TYPE,…`` as a list (checked against the configuration when the engine loads)."""
    return [v.strip() for v in value.split(",") if v.strip()]


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """The configuration and selection options every command shares."""
    parser.add_argument("--config", metavar="FILE",
                        help="TOML configuration (operators, identifiers, policies, analyzer)")
    parser.add_argument("--entities", type=entity_list, default=None, metavar="TYPE,…",
                        help="entity types to detect (default: all, and the DIGITS net)")
    parser.add_argument("--score-threshold", type=float, default=None, metavar="X",
                        help="minimum detection score, 0–1 (default from the configuration: 0.5)")
