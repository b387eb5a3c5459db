"""The engine, assembled in one place from one configuration: every mode builds it here.

    engine = build_engine("redactor.toml", entities=["PERSON", "PHONE_NUMBER"], score_threshold=0.6)
    conversation = engine.conversation("call-1", "billing")

``build_engine`` is what ``redactor text``, ``redactor batch`` (each worker, local or Ray) and
``redactor serve`` call: the PII ``Redactor`` (analyzer and operators), the purpose policies
(the configuration's ``[policies]`` over the built-ins) and the warning engine come from the
same ``RedactorConfig``, so an organisation's identifiers, operators, policies and selection
apply to every mode or fail loudly in every mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from redactor.config import RedactorConfig, load_config
from redactor.conversation import Conversation, ConversationOptions
from redactor.pii.redactor import Redactor
from redactor.policy import DEFAULT_POLICY, PolicySet, WarningEngine, build_policies


@dataclass(frozen=True, slots=True)
class Engine:
    """A loaded engine; share it between calls (thread-safe), give each call a ``Conversation``."""

    redactor: Redactor
    warnings: WarningEngine
    options: ConversationOptions = field(default_factory=ConversationOptions)

    @property
    def config(self) -> RedactorConfig:
        return self.redactor.config

    @property
    def policies(self) -> PolicySet:
        return self.warnings.policies

    def conversation(self, call_id: str, policy: str | None = None) -> Conversation:
        """A new call (``PolicyError`` for a policy nobody defined)."""
        return Conversation(self.redactor, self.warnings, call_id, policy or DEFAULT_POLICY, self.options)

    def settings(self, policy: str | None = None) -> dict[str, object]:
        """What produced an output: entity types, the operator per type, threshold and policy."""
        config = self.config
        return {"policy": policy or DEFAULT_POLICY,
                "entities": list(config.selected_types),
                "operators": {t: config.operator_for(t).type for t in config.selected_types},
                "score_threshold": config.analyzer.score_threshold}


def policies_of(config: RedactorConfig) -> PolicySet:
    """The configuration's ``[policies]`` over the built-ins (``PolicyError`` names the setting)."""
    return build_policies(config.policies, config.entity_types)


def build_engine(config: RedactorConfig | str | Path | None = None, *,
                 entities: list[str] | tuple[str, ...] | None = None,
                 score_threshold: float | None = None,
                 options: ConversationOptions | None = None) -> Engine:
    """Load the engine of ``config`` (a ``RedactorConfig``, a TOML path, or ``None`` for defaults)
    with a command line's selection applied; ``ConfigError``/``PolicyError`` say what is wrong."""
    if not isinstance(config, RedactorConfig):
        config = load_config(config)
    config = config.with_selection(entities, score_threshold)
    warnings = WarningEngine(policies_of(config))  # before the model loads: a bad policy fails fast
    return Engine(Redactor(config), warnings, options or ConversationOptions())
