"""CREDENTIAL: a PIN or password said on a call is masked next to its cue, and an agent who asks
for one is warned (no business needs it).  Real engine (GiNZA + Presidio); own sentences."""

from __future__ import annotations

import pytest

from redactor import Redactor
from redactor.engine import Engine
from tests.conftest import found

# (utterance, the exact text that must be masked as CREDENTIAL)
POSITIVES = [
    ("暗証番号は1234です。", "1234"),
    ("キャッシュカードの暗証番号は、えっと、4321です。", "4321"),
    ("暗証番号は、ええと、ななはちきゅうぜろ。", "ななはちきゅうぜろ"),
    ("パスワードはsakura2024です。", "sakura2024"),
    ("ログインパスワードは Abc-1234 です", "Abc-1234"),
    ("あんしょうばんごうは5678です", "5678"),
    ("PINコードは246810です", "246810"),
    ("えっと、パスコードが、いち、に、さん、よん、です", "いち、に、さん、よん"),
]

# Talk about a PIN or password that says none: nothing may be masked as one.
NEGATIVES = [
    "キャッシュカードの暗証番号を忘れてしまって。",
    "暗証番号は4桁です。",
    "パスワードは8文字以上で設定してください。",
    "暗証番号の再設定は、市役所の窓口で本人確認のうえ行います。",
    "ボックスの暗証番号は自分で決められるんですよね。",
    "端末の裏に書いてあるSSIDとパスワードって当日わかります？",
    "ログインのパスワードを三回間違えてロックされちゃったんです。",
    "暗証番号はお電話では絶対にお伺いしませんのでご注意ください。",
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_a_said_pin_or_password_is_masked(redactor: Redactor, text: str, value: str) -> None:
    spans = found(redactor, text)
    assert ("CREDENTIAL", value) in spans, spans


@pytest.mark.parametrize("text", NEGATIVES)
def test_talk_about_a_pin_masks_nothing_as_one(redactor: Redactor, text: str) -> None:
    assert [s for s in found(redactor, text) if s[0] == "CREDENTIAL"] == []


def test_an_agent_asking_for_the_pin_is_warned_and_the_answer_masked(engine: Engine) -> None:
    conversation = engine.conversation("pin", "general_support")
    asked = conversation.turn("恐れ入りますが、キャッシュカードの暗証番号を教えていただけますか。", "agent")
    answer = conversation.turn("はい、いちにいさんよんです。", "customer")
    assert [(w.kind, w.entity_type, w.severity) for w in asked.warnings] == [
        ("agent_requests_unneeded", "CREDENTIAL", "critical")]
    assert "いちにいさんよん" not in answer.text and "<CREDENTIAL>" in answer.text
    assert ("unneeded_pii", "CREDENTIAL") in {(w.kind, w.entity_type) for w in answer.warnings}


def test_an_agent_saying_the_pin_is_never_asked_is_not_warned(engine: Engine) -> None:
    conversation = engine.conversation("pin-never", "general_support")
    said = conversation.turn("暗証番号はお電話では絶対にお伺いしませんので、お伝えにならないでください。", "agent")
    assert said.warnings == []


@pytest.mark.parametrize(("call", "value"), [
    # the whole phrase after the cue, letters, kana words and symbols included
    ([("customer", "パスワードは、えっと、さくら、2024、びっくりマーク")], "さくら、2024、びっくりマーク"),
    ([("customer", "パスワードは、エス、エー、ケー、ユー、アール、エー、ハイフン、に、まる、に、よん")],
     "エス、エー、ケー、ユー、アール、エー、ハイフン、に、まる、に、よん"),
    ([("customer", "暗証番号は、いちきゅう、の、はちなな")], "いちきゅう、の、はちなな"),
    # a passphrase (合言葉), and an answer to the agent's request in the next turn
    ([("customer", "秘密の合言葉は、ポチです、うちの犬の名前")], "ポチ"),
    ([("agent", "パスワードをお願いできますか"), ("customer", "ひらがなで、たこやき、です")], "たこやき"),
    ([("agent", "合言葉をお願いします"), ("customer", "えーと、さくらんぼ")], "さくらんぼ"),
    # words that end like a verb or an adjective, or hold a talk word's letters, are secrets too (review18 H1)
    *[([("agent", "恐れ入りますが、ネットバンキングのパスワードをお願いできますか"), ("customer", answer)], value)
      for answer, value in [("みかんです", "みかん"), ("あおい", "あおい"), ("えっと、かるた、です", "かるた"),
                            ("たいようです", "たいよう"), ("ほうれんそう", "ほうれんそう"),
                            ("ロックンロールです", "ロックンロール"), ("きめつのやいば", "きめつのやいば"),
                            ("あいらぶゆー", "あいらぶゆー")]],
    ([("customer", "パスワードは、みかん")], "みかん"),
    ([("customer", "合言葉は、あおい")], "あおい"),
])
def test_a_secret_is_masked_whole_in_a_call(engine: Engine, call, value: str) -> None:
    conversation = engine.conversation("secret-whole", "general_support")
    for speaker, text in call:
        last = conversation.turn(text, speaker)
    assert value not in last.text and "<CREDENTIAL>" in last.text, last.text


@pytest.mark.parametrize("call", [
    [("agent", "パスワードの再設定のご案内をメールでお送りします。"), ("customer", "メールで届くんですね。")],
    [("agent", "暗証番号はお電話ではお伺いしておりません。"), ("customer", "あ、そうですか、安心しました")],
    [("agent", "合言葉の登録がまだのようですね。"), ("customer", "ええ、まだ登録してないです")],
    [("customer", "暗証番号は長いほうが安全ですか")],
    [("customer", "パスワードは、ちょっと今手元になくて")],
    [("customer", "ほなネットバンキングのパスワードも変えたいねんけど")],
    [("customer", "合言葉は結構です")],
    [("agent", "パスワードをお願いできますか"), ("customer", "すみません、忘れちゃって")],
    [("agent", "パスワードをお願いできますか"), ("customer", "それは言えません")],
    [("agent", "パスワードをお願いできますか"), ("customer", "ちょっと待ってください")],
    [("customer", "パスワードは何文字以上ですか")],
    [("agent", "暗証番号はお伺いしません")],  # user20 17: the agent's statement, no value
    [("agent", "パスワードは聞きませんので、大丈夫です")],
])
def test_talk_after_a_secret_s_name_stays_visible(engine: Engine, call) -> None:
    conversation = engine.conversation("secret-talk", "general_support")
    for speaker, text in call:
        last = conversation.turn(text, speaker)
    assert last.text == call[-1][1]


def test_a_secret_after_thinking_aloud_and_its_read_back_are_masked(engine: Engine) -> None:
    """user20: hesitation turns closed the request (the answer after them showed) and the agent's
    read-back showed the secret; an acknowledgement or 'I forgot' is no secret and raises nothing."""
    conversation = engine.conversation("secret-hesitation", "general_support")
    conversation.turn("合言葉をお願いします", "agent")
    for thinking in ("なんだっけ、カタカナでしたっけ", "え"):
        assert conversation.turn(thinking, "customer").text == thinking
    assert "さくらもち" not in conversation.turn("さくらもちです", "customer").text
    assert "さくらもち" not in conversation.turn("さくらもちですね", "agent").text


@pytest.mark.parametrize("answer", ["わかりません", "覚えてません", "わかりました。"])
def test_not_knowing_or_acknowledging_is_no_secret(engine: Engine, answer: str) -> None:
    conversation = engine.conversation("secret-ack", "general_support")
    conversation.turn("恐れ入りますが、ネットバンキングのパスワードをお願いできますか", "agent")
    turn = conversation.turn(answer, "customer")
    assert turn.text == answer and not any(w.entity_type == "CREDENTIAL" for w in turn.warnings)


def test_the_explaining_copula_after_a_pause_is_not_the_secret(engine: Engine) -> None:
    conversation = engine.conversation("secret-explaining", "general_support")
    text = "はい、今の暗証番号が、いちきゅうはちなな、なんですけど、誕生日なんで変えたくて"
    assert conversation.turn(text, "customer").text == text.replace("いちきゅうはちなな", "<CREDENTIAL>")
