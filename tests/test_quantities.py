"""#10: measurements and counts in ordinary text are quantities, not digit runs to mask, while
identifiers read with dots or after a cue stay masked.  All sentences are our own."""

from __future__ import annotations

import pytest

from redactor.engine import Engine

# Each failed before: the digit-run net masked the number (no unit it knew, or a decimal part
# between the digits and the unit).
QUANTITIES = [
    "山頂の標高は3776メートルで、日本で最も高い。",
    "湖の面積は2189.44平方キロメートルである。",
    "同作の累計発行部数は1200万部を超える。",
    "初版は5000部で、翌年には12000部が増刷された。",
    "貯水量は約1500リットルで、敷地は2500ヘクタールに及ぶ。",
    "全長は1234.5センチあります。",
    "シリーズは全1050巻で完結した。",
    "車両は1234両が製造され、応募は12345通に上った。",
    "最大離陸重量は12345ポンド、周波数は1134kHzである。",
    # An agent answering a question (the net reads every length there): packs, data, places.
    "はい、詰め合わせが1セット5,400円でございます。",
    "はい、1ギガ550円で、容量は5ギガまでです。",
    "駅前の2番乗り場から出て、3番出口の前で降りてください。",
    "3塁側の席と、お薬は1日2錠、30袋ずつお出しします。",
    "全部で3種類、2ヶ所に分けてお届けします。",
]


@pytest.mark.parametrize("text", QUANTITIES)
def test_a_measurement_or_count_stays_visible(engine: Engine, text: str) -> None:
    conversation = engine.conversation("quantities")
    conversation.turn("それって、ありますか？", "customer")  # a question open: the net takes any length
    turn = conversation.turn(text, "agent")
    assert turn.text == text


# Next to them, the same shapes that are identifiers: each stays masked.
IDENTIFIERS = [
    ("電話番号は03.1234.5678です", "1234"),   # dotted groups, no unit after them
    ("会員の方は8765 4321です", "8765"),        # the net's own case
    ("えっと、かけてほしいのは87654321部署の直通です", "87654321"),  # 部 starting a word is no unit
    ("番号は87654321通信会社の…", "87654321"),  # nor 通 starting one
    ("診察券は、2046番です", "2046"),           # a patient's number, not a place's
    ("番号は87654321袋井市の…", "87654321"),    # 袋 starting a place name
    # review16: a loanword unit across an ASR space, or starting a longer word, is no unit
    ("えっと、1234 5678 ギガプランの", "1234"),
    ("番号は87654321テラスハウスの…", "87654321"),
    ("番号は87654321 セットアップの…", "87654321"),
]


@pytest.mark.parametrize(("text", "digits"), IDENTIFIERS)
def test_identifier_shapes_stay_masked(engine: Engine, text: str, digits: str) -> None:
    turn = engine.conversation("identifiers").turn(text, "customer")
    assert digits not in turn.text and "<" in turn.text
