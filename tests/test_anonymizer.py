"""Operators per entity type: replace, mask (PCI), hash (per call), encrypt (reversible), keep."""

from __future__ import annotations

import re

import pytest

from redactor import Redactor
from redactor.config import ConfigError, parse_config
from redactor.pii.anonymizer import decrypt_value, mask_keep_last

TEXT = "カード番号は4111-1111-1111-1111、電話番号は090-1234-5678です"


def test_default_replaces_with_type(redactor) -> None:
    result = redactor.redact(TEXT)
    assert result.text == "カード番号は<CREDIT_CARD>、電話番号は<PHONE_NUMBER>です"
    for entity in result.entities:  # placeholders are where the masked positions say
        assert result.text[entity.masked_start:entity.masked_end] == f"<{entity.type}>"


def test_mask_keeps_last_four_digits() -> None:
    assert mask_keep_last("4111-1111-1111-1234") == "****-****-****-1234"
    assert mask_keep_last("ゼロキュー") == "*****"  # no written digits: nothing is kept
    r = Redactor(parse_config({"operators": {"CREDIT_CARD": {"type": "mask"}}}))
    assert r.redact(TEXT).text.startswith("カード番号は****-****-****-1111、")


def test_hash_is_stable_within_a_call_and_differs_across_calls(monkeypatch) -> None:
    monkeypatch.setenv("REDACTOR_HASH_SALT", "a-salt-for-tests-only")
    r = Redactor(parse_config({"operators": {"default": {"type": "hash"}}}))
    written = r.redact("電話番号は090-1234-5678です", call_id="c1").text
    spoken = r.redact("電話番号はゼロキューゼロ、いちにさんよん、ごーろくななはちです", call_id="c1").text
    other_call = r.redact("電話番号は090-1234-5678です", call_id="c2").text
    token = re.search(r"<PHONE_NUMBER:[0-9a-f]{10}>", written).group(0)
    assert token in spoken
    assert token not in other_call
    assert "1234" not in written


def test_encrypt_round_trip(monkeypatch) -> None:
    key = "0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("REDACTOR_ENCRYPTION_KEY", key)
    r = Redactor(parse_config({"operators": {"PHONE_NUMBER": {"type": "encrypt"}}}))
    result = r.redact("電話番号は090-1234-5678です")
    (entity,) = result.entities
    ciphertext = result.text[entity.masked_start:entity.masked_end]
    assert "5678" not in result.text
    assert decrypt_value(ciphertext, key) == "090-1234-5678"


def test_keep_leaves_value_but_reports_it() -> None:
    r = Redactor(parse_config({"operators": {"PERSON": {"type": "keep"}}}))
    result = r.redact("お名前は鈴木花子です")
    assert result.text == "お名前は鈴木花子です"
    assert [e.type for e in result.entities] == ["PERSON"]


def test_missing_secret_fails_at_start(monkeypatch) -> None:
    monkeypatch.delenv("REDACTOR_ENCRYPTION_KEY", raising=False)
    with pytest.raises(ConfigError, match=r"operators\.CREDIT_CARD: environment variable REDACTOR_ENCRYPTION_KEY"):
        Redactor(parse_config({"operators": {"CREDIT_CARD": {"type": "encrypt"}}}))


def test_bad_key_length(monkeypatch) -> None:
    monkeypatch.setenv("REDACTOR_ENCRYPTION_KEY", "short")
    with pytest.raises(ConfigError, match="16, 24 or 32 bytes"):
        Redactor(parse_config({"operators": {"CREDIT_CARD": {"type": "encrypt"}}}))
