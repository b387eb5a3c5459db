"""The trained PERSON candidate scorer (``redactor/pii/person_model.py``) with the real GiNZA parse.

Every sentence here was written for this file (none is taken from the real text sets or the
call corpus the model was trained on): katakana surnames that are also common words or places,
foreign full names joined by ・, names as bare subjects, and next to them the hard negatives the
scorer must leave alone (companies, places, works and products with a name's shape).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from redactor.pii import person_model
from redactor.pii.person_model import PersonModelError
from redactor.pii.recognizers.person import JpPersonRecognizer
from redactor.pii.recognizers.person_evidence import weigh
from redactor.pii.recognizers.person_features import features

ROOT = Path(__file__).resolve().parent.parent


def _persons(redactor, text: str) -> list[str]:
    return [text[e.start:e.end] for e in redactor.analyze(text) if e.type == "PERSON"]


def test_the_shipped_model_is_the_training_scripts_output_on_the_data_in_the_repository() -> None:
    """The file's digest is its own content's, and the data it was trained on is the repository's
    (``benchmarks/train_person.py --check`` retrains bit for bit; it takes ~2 minutes, run by hand)."""
    data = json.loads(person_model.MODEL_PATH.read_text(encoding="utf-8"))
    training = data["training"]
    assert training["model_sha256"] == person_model.digest(data)
    assert training["command"] == "benchmarks/train_person.py --write"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import train_person

    assert training["data_sha256"] == train_person.data_hashes(), "data changed: retrain (train_person.py --write)"
    model = person_model.shipped()
    assert len(model.vocabulary) == len(model.weights) > 50


def test_no_candidate_text_becomes_a_feature(redactor) -> None:
    """The scorer reads what is around a name, never the name: no feature holds its characters."""
    doc = redactor.nlp("キャメロンは首相として議会で演説した。")
    verdicts = weigh(doc, open_words=True)
    found = [features(doc, v, verdicts) for v in verdicts if doc[v.start:v.end].text == "キャメロン"]
    assert found, "キャメロン is a candidate"
    assert not any("キャメロン" in f or "キャ" in f for f in found[0])
    model = person_model.shipped()
    words = [f.split(":", 1)[1] for f in model.vocabulary if f.split(":", 1)[0] in {"p1l", "p2l", "n1l", "n2l", "h"}]
    assert words and not any(ch.isdigit() and ch != "0" for w in words for ch in w)  # GiNZA sees digits as 0


# Katakana surnames that are also words (グリーン, ローズ, ミラー) in what a person does; foreign
# full names with ・; names as the bare subject of a sentence; call-centre phrasing.
NAMES = [
    ("グリーンとスミスは大学で出会い、のちに結婚した。", ["グリーン", "スミス"]),
    ("ローズは翌年、歌手としてデビューした。", ["ローズ"]),
    ("ミラーは準決勝でスミスに敗れた。", ["ミラー", "スミス"]),
    ("キャメロンは首相として議会で演説した。", ["キャメロン"]),
    ("ジョージ・ワシントン・カーヴァーは農学者として知られる。", ["ジョージ・ワシントン・カーヴァー"]),
    ("マリア・ローザ・ゴンザレスは画家として知られる。", ["マリア・ローザ・ゴンザレス"]),
    ("ジョン・スミスは記者会見で辞任を発表した。", ["ジョン・スミス"]),
    ("田中一郎は大阪で生まれた。", ["田中一郎"]),
    ("鈴木は入社後、営業部に配属された。", ["鈴木"]),
    ("担当の佐藤です。", ["佐藤"]),
    ("佐藤と申します。", ["佐藤"]),
    ("山田花子さんはいらっしゃいますか。", ["山田花子"]),
]
# The same shapes as things: companies, places, works, products.
NOT_NAMES = [
    "佐藤商事に電話しました。",
    "鈴木建設は新社屋を建てた。",
    "ベイカー社の新製品が発売された。",
    "ワシントン州の州都はオリンピアである。",
    "ワシントンは米国の首都である。",
    "ハンター試験は毎年行われる。",
    "小説『ゴールドマン』が映画化された。",
    "新製品のギャラクシーが発売された。",
    "スターバックスは新店舗を出店した。",
    "トヨタは新型車を発表した。",
    "オレンジは果物である。",
]


def _recognizer(redactor) -> JpPersonRecognizer:
    return next(r for r in redactor.analyzer.registry.recognizers if isinstance(r, JpPersonRecognizer))


@pytest.fixture(params=["rules", "scorer"])
def deciding(request, redactor):
    """The product's rules (the default), then the shipped scorer in their place."""
    recognizer = _recognizer(redactor)
    before = recognizer.decide
    recognizer.decide = None if request.param == "rules" else person_model.shipped().decide
    yield redactor
    recognizer.decide = before


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_names_in_person_contexts_are_masked_whole(deciding, text: str, names: list[str]) -> None:
    assert sorted(_persons(deciding, text)) == sorted(names)


@pytest.mark.parametrize("text", NOT_NAMES)
def test_things_with_a_names_shape_are_not_persons(deciding, text: str) -> None:
    assert _persons(deciding, text) == []


def test_the_product_decides_by_the_rules_alone(redactor) -> None:
    """The scorer ties the rules on cross-validation (#10 round 6): it is off unless asked for."""
    assert _recognizer(redactor).decide is None


def _constant(bias: float) -> person_model.PersonModel:
    """A scorer that gives every candidate the same decision value."""
    return person_model.PersonModel.build(["b:weighed"], [0.0], bias, keep=0.0, accept=0.0)


def test_the_scorer_decides_what_the_rules_leave_open_and_strong_evidence_stays(redactor) -> None:
    """A scorer that accepts everything finds an open word the rules never accept (ハンター, a
    common word, as someone's spouse); one that rejects everything drops a name the rules accepted
    on weaker evidence, while a self-introduction or an honorific stays masked."""
    recognizer = _recognizer(redactor)
    before = recognizer.decide
    try:
        recognizer.decide = _constant(+1.0).decide
        assert "ハンター" in _persons(redactor, "ハンターの妻は東京で生まれた。")
        recognizer.decide = _constant(-1.0).decide
        assert _persons(redactor, "キャメロンは首相として議会で演説した。") == []
        assert _persons(redactor, "佐藤と申します。") == ["佐藤"]
        assert _persons(redactor, "山田花子さんはいらっしゃいますか。") == ["山田花子"]
        recognizer.decide = None
        assert _persons(redactor, "ハンターの妻は東京で生まれた。") == []
        assert _persons(redactor, "キャメロンは首相として議会で演説した。") == ["キャメロン"]
    finally:
        recognizer.decide = before


@pytest.mark.parametrize(("content", "reason"), [
    ("{", "JSONDecodeError"),
    ('{"format": 99}', "format 99"),
    ('{"format": 1, "vocabulary": ["a", "b"], "weights": [0.5], "bias": 0, "keep": 0, "accept": 1}', "1 weights for 2"),
    ('{"format": 1, "vocabulary": ["a"], "weights": [NaN], "bias": 0, "keep": 0, "accept": 1}', "not a finite number"),
    ('{"format": 1, "vocabulary": ["a"], "weights": [1.0], "keep": 0, "accept": 1}', "KeyError"),
])
def test_a_corrupt_model_file_is_a_clear_error_naming_it(tmp_path, content: str, reason: str) -> None:
    path = tmp_path / "person_model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PersonModelError, match=reason) as caught:
        person_model.load(path)
    assert str(path) in str(caught.value)


def test_a_missing_or_binary_model_file_is_a_clear_error(tmp_path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(PersonModelError, match="not found") as caught:
        person_model.load(missing)
    assert str(missing) in str(caught.value)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PersonModelError, match="not a valid model"):
        person_model.load(binary)


def test_a_truncated_model_file_fails_with_the_files_name(tmp_path) -> None:
    broken = tmp_path / "person_model.json"
    broken.write_text(person_model.MODEL_PATH.read_text(encoding="utf-8")[:200], encoding="utf-8")
    with pytest.raises(PersonModelError, match=r"person_model\.json"):
        person_model.load(broken)
