"""Shared fixtures: the real engine (GiNZA + Presidio), loaded once per test session."""

from __future__ import annotations

import pytest

from redactor import Redactor
from redactor.engine import Engine, policies_of
from redactor.policy import WarningEngine


@pytest.fixture(scope="session")
def redactor() -> Redactor:
    return Redactor()


@pytest.fixture(scope="session")
def engine(redactor: Redactor) -> Engine:
    """The engine every mode builds (``redactor.engine.build_engine``), sharing the loaded model."""
    return Engine(redactor, WarningEngine(policies_of(redactor.config)))


def found(redactor: Redactor, text: str) -> list[tuple[str, str]]:
    """(type, covered text) for each entity ``redactor`` finds in ``text``."""
    return [(e.type, text[e.start:e.end]) for e in redactor.analyze(text)]
