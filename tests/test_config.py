"""Configuration validation: errors say what is wrong and where."""

from __future__ import annotations

import pytest

from redactor.config import ConfigError, load_config, parse_config


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"operators": {"CREDIT_CARD": {"type": "masks"}}}, "x.toml: operators.CREDIT_CARD: "),
        ({"operators": {"CREDIT_CRAD": {"type": "mask"}}}, "unknown entity types: CREDIT_CRAD"),
        ({"operators": {"CREDIT_CARD": {"type": "mask", "keep_last": -1}}},
         "operators.CREDIT_CARD.mask.keep_last: Input should be greater than or equal to 0"),
        ({"analyzer": {"score_threshold": 2}}, "analyzer.score_threshold: Input should be less than or equal to 1"),
        ({"analyzer": {"treshold": 0.5}}, "analyzer.treshold: Extra inputs are not permitted"),
        ({"identifiers": [{"name": "MEMBER_ID", "patterns": ["("]}]},
         "identifiers.0.patterns: invalid regular expression '('"),
        ({"identifiers": [{"name": "member", "patterns": ["M\\d+"]}]}, "identifiers.0.name: String should match"),
        ({"identifiers": [{"name": "PERSON", "patterns": ["x"]}]}, "redefine built-in entity types: PERSON"),
        ({"identifiers": [{"name": "M_ID", "patterns": ["x"], "context_required": True}]},
         "context_required is true but no context words"),
    ],
)
def test_errors_name_the_setting(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(data, "x.toml")
    assert message in str(error.value)


def test_toml_file(tmp_path) -> None:
    path = tmp_path / "redactor.toml"
    path.write_text('[operators.CREDIT_CARD]\ntype = "mask"\nkeep_last = 4\n', encoding="utf-8")
    config = load_config(path)
    assert config.operator_for("CREDIT_CARD").type == "mask"
    assert config.operator_for("PERSON").type == "replace"


def test_broken_toml_and_missing_file(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[operators\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml")


def test_bundled_example_config_is_valid() -> None:
    config = load_config("samples/redactor.toml")
    assert config.operator_for("CREDIT_CARD").type == "mask"


def test_policies_are_checked_at_load() -> None:
    with pytest.raises(ConfigError, match=r"x\.toml: policies\.x\.needs: unknown entity types: PHONE"):
        parse_config({"policies": {"x": {"needs": ["PHONE"]}}}, "x.toml")
    config = parse_config({"identifiers": [{"name": "MEMBER_ID", "patterns": ["M\\d{8}"]}],
                           "policies": {"loyalty": {"extends": "general_support", "needs": ["MEMBER_ID"]}}})
    assert "loyalty" in config.policies


def test_selection_from_the_toml_and_the_command_line() -> None:
    from redactor.config import ConfigError, parse_config

    config = parse_config({"analyzer": {"entities": ["PERSON", "DIGITS"], "score_threshold": 0.7}})
    assert config.selected_types == ("PERSON", "DIGITS")
    override = config.with_selection(["PHONE_NUMBER"], 0.4)
    assert override.selected_types == ("PHONE_NUMBER",) and override.analyzer.score_threshold == 0.4
    assert "DIGITS" in parse_config({}).selected_types  # default: everything and the net
    with pytest.raises(ConfigError, match=r"analyzer\.entities: unknown entity type at #2") as error:
        parse_config({"analyzer": {"entities": ["PERSON", "PHONEE<script>"]}})
    assert "PHONEE" not in str(error.value)  # positions, not values
    with pytest.raises(ConfigError, match="score_threshold"):
        config.with_selection(None, 1.5)


def test_entity_selection_reaches_the_engine(engine) -> None:
    from redactor.engine import build_engine

    only_names = build_engine(entities=["PERSON"])
    turn = only_names.conversation("sel").turn("山田太郎です。電話番号は090-1234-5678です", "customer")
    assert turn.text == "<PERSON>です。電話番号は090-1234-5678です"
    everything = engine.conversation("all").turn("電話番号は090-1234-5678です", "customer")
    assert everything.text == "電話番号は<PHONE_NUMBER>です"
