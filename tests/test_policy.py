"""Purpose policies: built-ins, TOML overrides and extensions, and errors that name the setting."""

from __future__ import annotations

import re

import pytest

from redactor.config import load_config, parse_config
from redactor.engine import policies_of
from redactor.policy import PolicyError, build_policies


def test_builtins_follow_the_contract() -> None:
    policies = build_policies()
    general = policies.get("general_support").needs
    assert general == {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_OF_BIRTH", "JP_ADDRESS", "JP_POSTAL_CODE"}
    assert policies.get("billing").needs == general | {"CREDIT_CARD", "CARD_EXPIRY", "JP_BANK_ACCOUNT"}
    assert policies.get("tax_social").needs == general | {"JP_MY_NUMBER", "JP_PENSION_NUMBER"}
    assert "JP_PASSPORT" in policies.get("identity_document").needs
    assert not any(policies.get(n).allows("CARD_SECURITY_CODE") for n in policies.names)


def test_override_reaches_the_builtins_that_extend_it(tmp_path) -> None:
    path = tmp_path / "redactor.toml"
    path.write_text('[policies.general_support]\nneeds = ["PERSON", "PHONE_NUMBER"]\n\n'
                    '[policies.member]\nextends = "billing"\nneeds = ["MEMBER_ID"]\n\n'
                    '[[identifiers]]\nname = "MEMBER_ID"\npatterns = ["M\\\\d{8}"]\n', encoding="utf-8")
    policies = policies_of(load_config(path))
    assert policies.get("general_support").needs == {"PERSON", "PHONE_NUMBER"}
    assert policies.get("billing").needs == {"PERSON", "PHONE_NUMBER", "CREDIT_CARD", "CARD_EXPIRY",
                                             "JP_BANK_ACCOUNT"}
    assert "MEMBER_ID" in policies.get("member").needs


@pytest.mark.parametrize(("table", "expected"), [
    ({"x": {"needs": ["PHONE"]}}, "f.toml: policies.x.needs: unknown entity types: PHONE"),
    ({"x": {"extends": "nope"}}, 'f.toml: policies.x.extends: unknown policy "nope"'),
    ({"x": {"needs": [], "colour": "red"}}, "f.toml: policies.x.colour: Extra inputs are not permitted"),
    ({"general_support": {"extends": "billing"}}, "extends: cycle"),
])
def test_invalid_policies_name_the_file_and_setting(table: dict, expected: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(expected)):
        build_policies(table, source="f.toml")


def test_unknown_policy_name_lists_the_known_ones() -> None:
    with pytest.raises(PolicyError, match=r"unknown policy \(known: .*general_support") as caught:
        build_policies().get("sales")
    assert "sales" not in str(caught.value)  # the name comes from input: never echoed


def test_policies_nest_in_the_redactor_config() -> None:
    config = parse_config({"policies": {"member": {"extends": "general_support", "needs": ["CREDIT_CARD"]}}})
    policies = build_policies(config.policies, config.entity_types)
    assert policies.get("member").allows("CREDIT_CARD")
