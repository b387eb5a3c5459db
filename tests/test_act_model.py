"""The trained speech-act model (``redactor/policy/act_model.py``) with the real GiNZA parse.

Sentences here are written for this file, in phrasings none of the labelled sets uses; the
model's weights come from ``benchmarks/train_acts.py`` over those sets.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from redactor.policy import WarningEngine, act_model
from redactor.policy.act_model import ActModelError, ActTurn
from tests.test_warnings import converse, kinds

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_model_is_the_training_scripts_output_on_the_data_in_the_repository() -> None:
    data = json.loads(act_model.MODEL_PATH.read_text(encoding="utf-8"))
    training = data["training"]
    assert training["model_sha256"] == act_model.digest(data)
    assert training["command"] == "benchmarks/train_acts.py --write"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import train_acts

    assert training["data_sha256"] == train_acts.data_hashes(), "data changed: retrain (train_acts.py --write)"
    model = act_model.shipped()
    assert set(model.kinds) == {"privacy_question", "volunteered_info_offer", "sensitive_info",
                                "identity_not_verified"}


def test_no_digit_becomes_a_feature() -> None:
    """A value said in a turn cannot end up in the vocabulary or match one: digits read as 0."""
    model = act_model.shipped()
    assert not any(ch.isdigit() and ch != "0" for feature in model.vocabulary for ch in feature)
    features = act_model.features(ActTurn("電話は09012345678です"), model.spec)
    assert not any(ch in feature for feature in features for ch in "123456789")


def test_names_are_read_as_their_type_not_as_themselves(redactor) -> None:
    """A proper noun is its type in the lemmas and one mark in the characters: a caller's or an
    invented dialogue's name never becomes a feature (and no name is evidence of an act)."""
    text = "三浦です。母が韓国出身です。"
    spec = act_model.shipped().spec
    found = act_model.features(ActTurn(text, tuple(redactor.redact(text).parse)), spec)
    assert {"l:<Person>", "l:<Country>", "e:Country"} <= found
    assert not any("三浦" in f or "韓国" in f or "浦" in f for f in found)


def test_no_name_of_the_training_dialogues_is_in_the_vocabulary() -> None:
    """Surnames the training sets use (invented) are not features: lemmas or characters."""
    vocabulary = act_model.shipped().vocabulary
    # 大橋: GiNZA reads it as a common noun in 担当の大橋でございます; the redactor's PERSON span
    # makes it a name (``with_names``).
    for surname in ("三浦", "中西", "藤田", "松田", "野口", "桜井", "小池", "岡本", "大橋"):
        assert not [f for f in vocabulary if surname in f], surname


def test_what_the_redactor_masked_as_a_person_is_read_as_a_name(redactor) -> None:
    """A surname GiNZA tags as a common noun becomes <Person> when the redactor masked it."""
    from redactor.policy.engine import Observation, named_parse

    text = "はい、けんこう通販、お客様センターの小山でございます。"
    result = redactor.redact(text)
    assert [text[e.start:e.end] for e in result.entities if e.type == "PERSON"] == ["小山"]
    found = act_model.features(ActTurn(text, named_parse(Observation(text=text, entities=result.entities,
                                                                     parse=tuple(result.parse)))),
                               act_model.shipped().spec)
    assert "l:<Person>" in found
    assert not any("小山" in f or "山で" in f for f in found)


# Each case: turns ("A"/"C") whose last must raise the kind.  Several are phrasings the rules
# alone do not catch (asserted below), so the model is what these test.
NEW_PHRASINGS = {
    "privacy_question": [
        [("C", "今しゃべったこと、あとで誰かが聞き直したりするんですか？")],
        [("C", "そっちに言ったことって、よその会社に知られちゃったりしませんかね。")],
        [("C", "やめたあとも、わたしのことはそちらに置いたままなんでしょうか？")],
    ],
    "volunteered_info_offer": [
        [("A", "お名前をお願いします。"), ("C", "山本です。ついでに勤め先の番号も言っときましょうか？")],
        [("A", "ご用件をお願いします。"), ("C", "年金の番号とかもいるなら今言えますけど。")],
    ],
    "sensitive_info": [
        [("C", "実は抗がん剤の治療中で、外出がなかなかできないんです。")],
        [("C", "母が認知症で、同じものを何度も頼んじゃうみたいなんです。")],
        [("C", "片耳がほとんど聞こえないので、ゆっくり話してもらえると助かります。")],
    ],
    "identity_not_verified": [
        [("C", "料金のことで聞きたいんですけど。"),
         ("A", "はい、お客様のところは先月から光回線の一番高いプランにされてますね。")],
        [("C", "荷物がまだ来ないんですけど。"),
         ("A", "小林様ですね、前回も同じマンションの三階宛てにお送りしております。")],
    ],
}
# Near misses that must stay quiet (one call each; none may raise the kind).
HARD_NEGATIVES = {
    "sensitive_info": [
        [("C", "うちの猫が腎臓を悪くしてて、通院の日と重なるので日にちを変えたいんです。")],
        [("C", "がん研究センター前の店舗って、何時まで開いてますか？")],
        [("C", "ハート薬局さんの隣にある営業所に行きたいんですけど。")],
    ],
    "privacy_question": [
        # a request about the service with a condition said: no data handled (round 7's gate)
        [("C", "息子が喘息持ちなので、教室の席を窓側にしてもらえますか？")],
        [("C", "腰を痛めてるので、作業は午前中にしてもらえると助かるんですけど、大丈夫ですか？")],
        [("C", "今月のデータ容量、あとどのくらい残ってますか？")],
        # how to use a product's security feature: no predicate of handling data (round 7: was a
        # known-wrong case of the model alone)
        [("C", "このルーターのセキュリティ機能って、どうやってオンにするんですか？")],
        [("C", "パスワードを忘れちゃったので、再設定の仕方を教えてください。")],
    ],
    "volunteered_info_offer": [
        [("A", "お電話番号をお願いします。"), ("C", "はい、080-2468-1357です。")],
    ],
    "identity_not_verified": [
        [("C", "住所が変わったので手続きしたいんです。新しい住所は札幌市中央区北一条西2丁目3番地です。"),
         ("A", "札幌市中央区北一条西2丁目3番地でございますね。")],
        [("C", "新しいプランについて聞きたいんですけど。"),
         ("A", "新しいプランは月額2,980円からご用意しております。")],
    ],
}


# Cases of the tables above the engine gets wrong (found when these tests were first run against
# the cross-validated model, not tuned away): kept visible, each must keep failing until a model
# or rule fixes it (strict xfail), and listed in the #14 results.
KNOWN_WRONG: dict[str, str] = {
    # (identity_not_verified-0, an agent's remark about the caller's plan, missed in round 9, is caught
    # again by round 10's retrained model at 0.625: no longer listed.)
    # (identity_not_verified-1, general price information with 月額…円, raised up to round 11, stays quiet
    # with round 12's model (blind9 a fold, threshold 0.75): no longer listed.)
    # (Raised again by round 14's model, blind10 a fold, identity threshold 0.5; quiet with round 16's
    # model, blind11 and probe16 folds, threshold 1.0: no longer listed.)
}


def _cases(table: dict, wrong: str) -> list:
    out = []
    for kind, cases in table.items():
        for n, turns in enumerate(cases):
            marks = ([pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[f"{kind}-{n}"])]
                     if KNOWN_WRONG.get(f"{kind}-{n}") == wrong else [])
            out.append(pytest.param(kind, turns, id=f"{kind}-{n}", marks=marks))
    return out


@pytest.mark.parametrize(("kind", "turns"), _cases(NEW_PHRASINGS, "new phrasing missed"))
def test_new_phrasings_fire_their_kind(engine, kind: str, turns) -> None:
    assert kind in kinds(converse(engine, turns))[-1]


@pytest.mark.parametrize(("kind", "turns"), _cases(HARD_NEGATIVES, "near miss raised"))
def test_near_misses_stay_quiet(engine, kind: str, turns) -> None:
    assert kind not in [k for turn in kinds(converse(engine, turns)) for k in turn]


def test_the_model_catches_what_the_rules_miss(engine) -> None:
    """The rules alone miss most of the new phrasings above: the model is what raises them."""
    rules_only = type(engine)(engine.redactor, WarningEngine(engine.policies, model=None), engine.options)
    missed = [(kind, turns) for kind, cases in NEW_PHRASINGS.items() for turns in cases
              if kind not in kinds(converse(rules_only, turns))[-1]]
    assert len(missed) >= 3, missed


def test_a_privacy_question_needs_a_predicate_of_handling_in_the_parse(redactor) -> None:
    """The model proposes, the structure decides: no handling, use, telling or keeping predicate in
    the turn, no privacy_question from the model (other kinds are untouched; no parse, no gate)."""
    kinds = ("privacy_question", "sensitive_info")
    request = tuple(redactor.redact("娘が喘息なので、席を窓側にしてもらえますか？").parse)
    handled = tuple(redactor.redact("娘の喘息のこと、学校の先生に伝わったりしますか？").parse)
    assert act_model.plausible(kinds, request) == ("sensitive_info",)
    assert act_model.plausible(kinds, handled) == kinds
    assert act_model.plausible(kinds, ()) == kinds


@pytest.mark.parametrize(("text", "allowed"), [
    # A product's own feature with the customer's own content: the product is asked about.
    ("見守りカメラって、外出先からスマホで録画を見られるんですか？", False),
    ("このレコーダーの録画って、自分で消せるんですか？", False),
    ("作品の写真をSNSで友達に共有しても大丈夫ですか？", False),
    ("この機種って、写真を自動でバックアップしてくれるんですか？", False),
    ("スピーカーのボイスメモって、あとで録音を聞けるんですか？", False),
    # The company's side handles the customer's information: a privacy question.
    ("カメラの映像って、そちらの会社の人も見られるんですか？", True),
    ("アプリに登録した住所って、他の会社に渡したりしませんよね？", True),
    ("スピーカーに話しかけた声って、会社のほうで聞いてるんですか？", True),
    ("アプリの位置情報って、どこかに送られてるんですか？", True),
    ("駐車場の防犯カメラの映像って、いつまで残してるんですか？", True),
    ("録画した動画って、誰かに見られたりしませんか？", True),
])
def test_a_question_about_a_products_own_feature_is_no_privacy_question(redactor, text: str, allowed: bool) -> None:
    """Who handles what decides, not the words of handling: a device or app with the customer's own
    content (no company side, no personal information named) bars the model's privacy_question."""
    parse = tuple(redactor.redact(text).parse)
    assert ("privacy_question" in act_model.plausible(("privacy_question",), parse)) is allowed


@pytest.mark.parametrize(("text", "allowed"), [
    # A delivery asked to the caller's own address is the service (make run's address-change call:
    # the model raised privacy_question on it, live and in batch).
    ("請求書のメールも新しいアドレスに送ってほしいんです", False),
    ("明細は自宅へ郵送してください", False),
    ("カタログを新しい住所に届けてもらえますか", False),
    # Next to them, the caller's data going elsewhere or asked about: still a question for the model.
    ("私の住所を他の会社に送ったりしないですよね", True),
    ("登録した住所って、どこかに送られたりするんですか", True),
])
def test_a_delivery_to_the_callers_own_address_is_no_privacy_question(redactor, text: str, allowed: bool) -> None:
    parse = tuple(redactor.redact(text).parse)
    assert ("privacy_question" in act_model.plausible(("privacy_question",), parse)) is allowed


def test_an_offer_needs_a_predicate_of_telling_needing_or_having(redactor) -> None:
    """The model's offer: 言えます/要ります？/持ってます allow it, a change of a date does not."""
    kinds = ("volunteered_info_offer", "sensitive_info")
    change = tuple(redactor.redact("来月から引き落とし日を二十日に変えたいんです。").parse)
    offer = tuple(redactor.redact("年金手帳なら持ってますけど、番号いります？").parse)
    assert act_model.plausible(kinds, change) == ("sensitive_info",)
    assert act_model.plausible(kinds, offer) == kinds


@pytest.mark.parametrize("text", ["保険証の番号でもよろしいですか？", "免許証でも大丈夫ですか？",
                                  "パスポートでも構いませんか？", "在留カードじゃ無理ですか？"])
def test_an_alternative_offered_allows_the_models_offer(redactor, text: str) -> None:
    """The words the rules read as an alternative accepted or refused (clauses' _ALTERNATIVE)
    let the model's offer through as well (the gate lacked よろしい, 大丈夫, 構う, 無理)."""
    parse = tuple(redactor.redact(text).parse)
    assert act_model.plausible(("volunteered_info_offer",), parse) == ("volunteered_info_offer",)


def test_a_model_warning_names_no_value_and_reads_as_its_kind(engine) -> None:
    warning = converse(engine, NEW_PHRASINGS["sensitive_info"][0])[-1]
    [sensitive] = [w for w in warning if w["kind"] == "sensitive_info"]
    assert "要配慮個人情報" in sensitive["message"] and "抗がん剤" not in sensitive["message"]


def test_a_kind_is_raised_once_per_call_by_rules_or_model(engine) -> None:
    turns = [("C", "この電話の中身って、どこかに残るんですか？"),
             ("C", "あと、話したことって、よその会社に知られちゃったりしませんかね。")]
    per_turn = kinds(converse(engine, turns))
    assert [k for turn in per_turn for k in turn].count("privacy_question") == 1


@pytest.mark.parametrize(("content", "reason"), [
    ("", "JSONDecodeError"),
    ("{not json", "JSONDecodeError"),
    ('{"format": 99}', "format 99"),
    ('{"format": 1, "features": {}, "kinds": {"privacy_question": {"bias": 0, "threshold": 1, '
     '"weights": [1, 2]}}, "vocabulary": ["a"]}', "2 weights for 1 features"),
    ('{"format": 1, "features": {"wrong": 1}, "kinds": {}, "vocabulary": []}', "TypeError"),
    ('{"format": 1, "features": {}, "kinds": {"privacy_question": {"bias": NaN, "threshold": 1, '
     '"weights": [1]}}, "vocabulary": ["a"]}', "not a finite number"),
])
def test_a_corrupt_model_file_is_a_clear_error_naming_it(tmp_path, content: str, reason: str) -> None:
    path = tmp_path / "act_model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ActModelError, match="not a valid model") as caught:
        act_model.load(path)
    assert str(path) in str(caught.value) and reason in str(caught.value)


def test_a_missing_or_binary_model_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ActModelError, match="not found") as caught:
        act_model.load(tmp_path / "absent.json")
    assert str(tmp_path / "absent.json") in str(caught.value)
    binary = tmp_path / "binary.json"
    binary.write_bytes(hashlib.sha256(b"x").digest() * 4)
    with pytest.raises(ActModelError, match="not a valid model"):
        act_model.load(binary)


def test_a_truncated_shipped_model_fails_the_engine_with_the_files_name(tmp_path, monkeypatch) -> None:
    path = tmp_path / "act_model.json"
    path.write_bytes(act_model.MODEL_PATH.read_bytes()[:5000])
    monkeypatch.setattr(act_model, "MODEL_PATH", path)
    act_model.shipped.cache_clear()
    try:
        with pytest.raises(ActModelError, match=str(path)):
            WarningEngine()
    finally:
        act_model.shipped.cache_clear()


@pytest.mark.parametrize(("turn", "allowed"), [
    # A plain statement asks nothing: a complaint about a form that wants My Number is no question yet.
    ("役所からマイナンバー出せって封筒が届いて、会社にも知らせろって書いてあったんだわ。", False),
    ("通帳の番号、ここにメモしてあるんで、そちらに伝えましょうか？", False),  # an offer
    ("ロゴのデータって、そっちでずっと保存しといてもらえるんですよね？", False),  # the customer's own work
    # Questions and worries about the caller's data stay open to the model.
    ("マイナンバーって、会社の人にも見られたりするんですか？", True),
    ("払ってないこと、近所の人に知られたりしないですよねー", True),
])
def test_the_model_raises_privacy_only_on_a_question_about_handling(redactor, turn: str, allowed: bool) -> None:
    parse = redactor.redact(turn).parse
    assert ("privacy_question" in act_model.plausible(["privacy_question"], parse)) is allowed


@pytest.mark.parametrize("text", ["お電話ありがとうございます、さくら配送センター係の小池です。",
                                  "受付の小池と申します。", "担当の大橋でございます。"])
def test_an_agents_own_name_in_a_self_introduction_is_no_feature(redactor, text: str) -> None:
    """The redactor leaves an agent's own name visible and GiNZA may read it as a common noun (小池):
    it is still a name, never a lemma or character feature (#14 round 10: the eighth set's 係の小池です)."""
    spec = act_model.shipped().spec
    found = act_model.features(ActTurn(text, tuple(redactor.redact(text).parse)), spec)
    assert "l:<Person>" in found
    assert not [f for f in found if "小池" in f or "大橋" in f or "池" in f or "橋" in f]


def test_a_common_noun_after_no_stays_a_feature(redactor) -> None:
    text = "家の前の池です。"
    found = act_model.features(ActTurn(text, tuple(redactor.redact(text).parse)), act_model.shipped().spec)
    assert "l:池" in found


@pytest.mark.parametrize(("text", "allowed"), [
    # An everyday reason about family names no special-care topic: the model's sensitive_info is barred
    # (it read …なので/…があるので and raised on each of these, #14 round 11).
    ("子どもの運動会が来週あるので、配達を再来週にしてもらえますか", False),
    ("息子の授業参観なので午後は出られません", False),
    ("母の誕生日なので、その日に届けてほしいんです", False),
    ("夫が単身赴任中なので、平日は私しかいません", False),
    ("子どもが塾に通ってるので、夕方は電話に出られません", False),
    # Beside them, reasons that name a condition, a body part, a medicine, a practice, an origin or a
    # crime, some in hiragana (じんぞう: its normalised form), without a category word.
    ("父が腰を痛めてしまって、重いものが運べないので玄関まででお願いします", True),
    ("あたしはじんぞうが弱くて、塩を控えるように言われてるんです", True),
    ("うちの子、朝晩イーケプラ飲んでて、たまにぼーっとするんです", True),
    ("うちは毎朝お題目をあげてから一日が始まるので", True),
    ("前の夫から逃げてきたので、住所は出さないでほしいんです", True),
    ("母がベトナムの出身なので、書類はふりがなをお願いします", True),
])
def test_the_models_sensitive_info_needs_a_topic_named(redactor, text: str, allowed: bool) -> None:
    parse = tuple(redactor.redact(text).parse)
    assert ("sensitive_info" in act_model.allowed(("sensitive_info",), parse)) is allowed
    assert act_model.plausible(("sensitive_info",), parse) == ("sensitive_info",)  # trained on, vetoed after
