"""Shared fixtures: the real engine (GiNZA + Presidio), loaded once per test session."""

from __future__ import annotations

import pytest

from redactor import Redactor


@pytest.fixture(scope="session")
def redactor() -> Redactor:
    return Redactor()


def found(redactor: Redactor, text: str) -> list[tuple[str, str]]:
    """(type, covered text) for each entity ``redactor`` finds in ``text``."""
    return [(e.type, text[e.start:e.end]) for e in redactor.analyze(text)]
