"""Purpose policies: which PII types a call's purpose actually needs.

The law limits collection to what the stated purpose needs (APPI Art. 17-18; My Number only
for social security and tax), so every call runs under a named policy and anything outside
it is a data-minimisation warning.  Built-ins follow CONTRACTS.md; an organisation adds or
overrides policies in its TOML configuration::

    [policies.general_support]          # override a built-in: replaces its list
    needs = ["PERSON", "PHONE_NUMBER"]

    [policies.member_support]           # a new one, on top of another
    extends = "general_support"
    needs = ["MEMBER_ID"]

Policies are resolved after merging, so overriding ``general_support`` also changes the
built-ins that extend it.  Errors name the file and the setting, like the rest of the config.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redactor.pii.catalogue import ENTITY_TYPES, IMPERSONAL_TYPES

DEFAULT_POLICY = "general_support"


class PolicyError(ValueError):
    """A policy definition or name is invalid; the message says where and why."""


class PolicySpec(BaseModel):
    """One ``[policies.NAME]`` table as written; nestable in ``RedactorConfig.policies``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    needs: list[str] = Field(default_factory=list, description="entity types the purpose needs")
    extends: str | None = Field(default=None, description="policy whose needs are included")


_GENERAL = ["PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_OF_BIRTH", "JP_ADDRESS", "JP_POSTAL_CODE"]

BUILTIN_POLICIES: dict[str, PolicySpec] = {
    "general_support": PolicySpec(needs=_GENERAL),
    "billing": PolicySpec(extends="general_support", needs=["CREDIT_CARD", "CARD_EXPIRY", "JP_BANK_ACCOUNT"]),
    "identity_document": PolicySpec(extends="general_support", needs=[
        "JP_DRIVERS_LICENSE", "JP_PASSPORT", "JP_HEALTH_INSURANCE", "JP_RESIDENCE_CARD"]),
    "tax_social": PolicySpec(extends="general_support", needs=["JP_MY_NUMBER", "JP_PENSION_NUMBER"]),
}


@dataclass(frozen=True, slots=True)
class Policy:
    """A resolved policy: its name and the full set of types it needs."""

    name: str
    needs: frozenset[str]

    def allows(self, entity_type: str) -> bool:
        """A type the purpose needs, or one that identifies no person (a firm's 法人番号 is public)."""
        return entity_type in self.needs or entity_type in IMPERSONAL_TYPES


class PolicySet:
    """Resolved policies by name; ``get`` fails clearly on a name nobody defined."""

    def __init__(self, policies: Mapping[str, Policy]) -> None:
        self._policies = dict(policies)

    def get(self, name: str) -> Policy:
        try:
            return self._policies[name]
        except KeyError:
            # The name is not repeated: it comes from a call or an input line, which a
            # message must never echo (the known names are the configuration's own).
            known = ", ".join(sorted(self._policies))
            raise PolicyError(f"unknown policy (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._policies

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._policies))


def build_policies(data: Mapping[str, PolicySpec | Mapping] | None = None,
                   entity_types: Iterable[str] = ENTITY_TYPES, source: str = "<config>") -> PolicySet:
    """Built-ins overridden/extended by ``data`` (the ``policies`` table), resolved and checked.

    ``entity_types`` are the types a policy may name: the built-in ones plus the
    organisation's own identifiers.  Raises ``PolicyError`` naming ``source`` and the setting.
    """
    specs = dict(BUILTIN_POLICIES)
    errors: list[str] = []
    for name, raw in (data or {}).items():
        try:
            specs[name] = raw if isinstance(raw, PolicySpec) else PolicySpec.model_validate(raw)
        except ValidationError as exc:
            for item in exc.errors():
                where = ".".join(str(part) for part in item["loc"])
                errors.append(f"{source}: policies.{name}.{where}: {item['msg']}")
    known = set(entity_types)
    for name, spec in specs.items():
        unknown = sorted(set(spec.needs) - known)
        if unknown:
            errors.append(f"{source}: policies.{name}.needs: unknown entity types: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known))})")
        if spec.extends is not None and spec.extends not in specs:
            errors.append(f'{source}: policies.{name}.extends: unknown policy "{spec.extends}" '
                          f"(known: {', '.join(sorted(specs))})")
    if errors:
        raise PolicyError("\n".join(errors))
    resolved = {name: Policy(name, _resolve(name, specs, source)) for name in specs}
    return PolicySet(resolved)


def _resolve(name: str, specs: Mapping[str, PolicySpec], source: str) -> frozenset[str]:
    chain: list[str] = []
    needs: set[str] = set()
    current: str | None = name
    while current is not None:
        if current in chain:
            cycle = " -> ".join([*chain[chain.index(current):], current])
            raise PolicyError(f"{source}: policies.{chain[-1]}.extends: cycle {cycle}")
        chain.append(current)
        needs.update(specs[current].needs)
        current = specs[current].extends
    return frozenset(needs)

