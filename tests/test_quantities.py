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
]


@pytest.mark.parametrize("text", QUANTITIES)
def test_a_measurement_or_count_stays_visible(engine: Engine, text: str) -> None:
    turn = engine.conversation("quantities").turn(text, "customer")
    assert turn.text == text


# Next to them, the same shapes that are identifiers: each stays masked.
IDENTIFIERS = [
    ("電話番号は03.1234.5678です", "1234"),   # dotted groups, no unit after them
    ("会員の方は8765 4321です", "8765"),        # the net's own case
    ("えっと、かけてほしいのは87654321部署の直通です", "87654321"),  # 部 starting a word is no unit
    ("番号は87654321通信会社の…", "87654321"),  # nor 通 starting one
]


@pytest.mark.parametrize(("text", "digits"), IDENTIFIERS)
def test_identifier_shapes_stay_masked(engine: Engine, text: str, digits: str) -> None:
    turn = engine.conversation("identifiers").turn(text, "customer")
    assert digits not in turn.text and "<" in turn.text
