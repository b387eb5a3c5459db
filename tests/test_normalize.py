"""Normalisation: canonical digits for every written and spoken form, exact offsets back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redactor.pii.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("090-1234-5678", "09012345678"),
        ("０９０－１２３４－５６７８", "09012345678"),
        ("〇九〇の一二三四の五六七八", "09012345678"),
        ("ゼロキューゼロ、いちにさんよん、ごーろくななはち", "09012345678"),
        ("ゼロきゅーゼロ、はちはちいちよん", "0908814"),
        ("090の、3344の、5566", "09033445566"),
        ("03、えー、5952、2585", "0359522585"),
        ("4,111,122,314,569", "4111122314569"),
        ("123万4,567", "1234567"),
        ("8兆4351億9420万4,081", "8435194204081"),
        ("1234.5678", "12345678"),
        ("4366の…3534の…4038", "436635344038"),
        ("yamada アットマーク example ドット com", "yamada@example.com"),
        ("taro アット イグザンプル ドット ジェーピー", "taro@example.jp"),
        ("昭和五十五年三月二日", "昭和55年3月2日"),
        ("へいせいしちねん、しがつにじゅうににち", "平成7年、4月22日"),
        ("せんきゅうひゃくはちじゅうにねんごがつみっか", "1982年5月3日"),
        ("西新宿二丁目八番一号", "西新宿2丁目8番1号"),
    ],
)
def test_forms_become_canonical(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "田中さんにお電話します",  # さん is an honorific, に a particle
        "午後にご連絡します",
        "ごごにじに伺います",
        "しごとは順調です",
        "47.5.9",  # a dotted date keeps its dots
        "12万円です",  # a price stays a price
        "1985/3/2",
    ],
)
def test_words_and_quantities_stay(text: str) -> None:
    assert normalize(text).text == text


@pytest.mark.parametrize(
    "text",
    [
        # issue #10, real text (Wikipedia): the surname 二階 became 2階, and the name was lost
        "羽田孜・船田元・岡田克也・二階俊博・野田毅",
        "二階さんに確認します",
        "加藤一二三は棋士",  # a given name written in kanji numerals
    ],
)
def test_kanji_numerals_inside_a_name_stay(text: str) -> None:
    assert normalize(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ビルの二階です", "ビルの2階です"),  # the same word as a floor
        ("五月十日生まれ", "5月10日生まれ"),  # 五月 is also a name: a date reads on
        ("電話は〇九〇の一二三四の五六七八です", "電話は09012345678です"),
    ],
)
def test_numbers_next_to_name_words_still_normalise(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_mapping_of_a_spoken_number_covers_its_words() -> None:
    text = "電話はゼロキューゼロに"
    n = normalize(text)
    start = n.text.index("090")
    a, b = n.to_original(start, start + 3)
    assert text[a:b] == "ゼロキューゼロ"
    assert n.text.endswith("に")  # the particle is not a digit


def test_unchanged_edges_keep_their_own_place() -> None:
    text = "〒672万2,148です"
    n = normalize(text)
    assert n.text == "〒6722148です"
    a, b = n.to_original(1, 8)
    assert text[a:b] == "672万2,148"


ALPHABET = st.sampled_from(
    [*"0123456789０１２３-－ー、の .,万億兆@",
     "ゼロ", "キュー", "いち", "に", "さん", "よん", "ごー", "はち", "〇", "九", "二", "十", "年", "月",
       "日", "丁目", "番", "号", "アットマーク", "ドット", "yamada", "com", "田中", "様", "です", "ｶﾞ", "ﾊﾟ",
       "じゅう", "せん", "ねん", "がつ", "にち", "みっか", "へいせい"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_offset_map_is_exact_and_monotone(text: str) -> None:
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for i in range(len(n.text)):
        assert 0 <= n.starts[i] < n.ends[i] <= len(text)
        if i:
            assert n.starts[i] >= n.starts[i - 1]
            assert n.ends[i] >= n.ends[i - 1]
    # Every span maps to a non-empty slice of the original, in order.
    for a in range(len(n.text)):
        for b in range(a + 1, len(n.text) + 1):
            start, end = n.to_original(a, b)
            assert 0 <= start < end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_any_text_normalises_with_a_valid_map(text: str) -> None:
    n = normalize(text)
    assert len(n.starts) == len(n.text)
    # A character the normaliser left alone maps to itself.
    for i, char in enumerate(n.text):
        source = text[n.starts[i]:n.ends[i]]
        assert source, (text, i)
        if len(source) == 1 and source == char:
            assert text[n.starts[i]] == char


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["", "はい、", "えっと、電話番号は", "田中です。", "ｶﾀｶﾅ "]),
    number=st.sampled_from(["090-1234-5678", "０９０１２３４５６７８", "〇九〇の一二三四の五六七八",
                            "ゼロキューゼロ、いちにさんよん、ごーろくななはち"]),
    suffix=st.sampled_from(["", "です。", "にお願いします", "、よろしく"]),
)
def test_a_number_inside_text_maps_back_to_exactly_itself(prefix: str, number: str, suffix: str) -> None:
    text = prefix + number + suffix
    n = normalize(text)
    at = n.text.index("09012345678")
    assert n.to_original(at, at + 11) == (len(prefix), len(prefix) + len(number))


# --- round 8 of #14: digits read in kana as transcripts write them ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("せきゅりてぃこーどは、にぃきゅうさんです", "せきゅりてぃこーどは、293です"),
        ("コードはゴォよんいちです", "コードは541です"),
        ("かーどのうらのさんけたはななにーごです", "かーどのうらの3桁は725です"),
        ("でんわはぜろはちぜろのななななにぃいちの、ごぉさんさんよん", "でんわは08077215334"),
        ("暗証番号はよんひゃくにじゅうです", "暗証番号は420です"),
        ("さんびゃくでいいです", "300でいいです"),
        ("よんひゃくにじゅう", "420"),
    ],
)
def test_spoken_digits_with_long_vowels_and_counted_numbers(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "さんまを焼きました", "にわに出ます", "いちごをください", "しちめんどうですね", "ごはんにします",
        "よろしくお願いします", "はい、そうです", "まるでうそみたい", "くじが当たりました", "おにいさんに聞きます",
        "佐藤さんにごれんらくします", "しせんを感じる", "くせんしました", "よせんで負けた", "しじゅうしゃべってる",
        "たくさんじゅうぶんです", "みなさんにじゅうぶん伝わった", "せんせいに聞きます", "じゅうしょを変えたい",
    ],
)
def test_kana_words_hold_no_digits(text: str) -> None:
    assert normalize(text).text == text


def test_a_counted_number_maps_back_to_its_words() -> None:
    text = "番号はよんひゃくにじゅうです"
    result = normalize(text)
    start = result.text.index("420")
    assert result.to_original(start, start + 3) == (3, 12)
    assert text[3:12] == "よんひゃくにじゅう"


@pytest.mark.parametrize("unit", ["よんひゃくにじゅう", "にーきゅうさん", "にぃ", "ごぉ、", "さんけた", "ひゃく",
                                  "のよんひゃく"])
def test_long_runs_of_kana_numbers_are_linear(unit: str) -> None:
    import time

    text = (unit * (50_000 // len(unit) + 1))[:50_000]
    began = time.perf_counter()
    normalize(text)
    assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize("text", [
    # A verb ending in けた is no digit count (避けた, しけた), nor are positions that do not fall.
    "車を裏によけたんですか", "よけた", "しけた", "せんせんせんせん", "じゅうひゃくせん",
])
def test_verbs_and_non_numbers_in_kana_stay(text: str) -> None:
    assert normalize(text).text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("さんけたです", "3桁です"), ("じゅうにけたです", "12桁です"), ("番号はよんひゃくにじゅうです", "番号は420です"),
    ("せんきゅうひゃくはちじゅうねん", "1980年"),
])
def test_counted_numbers_in_kana_still_normalise(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Kana digit words and lone kanji digits mixed in one reading (#14 round 10).
    ("ゼロ、ゼロ、四、八、一、九、二", "0048192"),
    ("なな、さん、ろく、に、の、ゼロ、一、九、四", "73620194"),
    # シー is the letter C, not シ (4) and a dash.
    ("エー、ビー、ゼロゼロ、よん、ご、ろく、なな、はち、きゅう、シー、ディー", "A、B、00456789、C、D"),
    # に before です is the digit 2, not the particle.
    ("なな、はち、いち、きゅう、にです", "78192です"),
    # の between the letters and the digits is a pause.
    ("ジェイ、エー、の、ゼロ、ゼロ、いち、にー、さん、よん、ご", "J、A、、0012345"),
])
def test_identifiers_read_in_mixed_scripts(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize("text", [
    "ご一緒に三人で", "さん、三十回", "に、三回", "加藤一二三さん",  # kanji counts, a name: the kanji step's
    "裏に七、四、一ってある",  # に glued to 裏 is the particle, not a 2 (the result is 裏に741)
    "エービーシー順に並べてください", "ティーケーシーの者です", "エー、ビール2本",  # letters without a number
])
def test_mixed_readings_leave_words_and_particles(text: str) -> None:
    result = normalize(text).text
    assert "2741" not in result and "ABC" not in result and "TKC" not in result and "B2" not in result
    if "裏に" not in text:
        assert result == text


@pytest.mark.parametrize("unit", ["ゼロ、四、", "シー、ディー、", "エー、の、", "に一、",
                                  "いちにさんにか", "ななはちにです"])  # a final に read in place, per run
def test_mixed_readings_are_linear(unit: str) -> None:
    import time

    text = (unit * (50_000 // len(unit) + 1))[:50_000]
    began = time.perf_counter()
    normalize(text)
    assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(("text", "expected"), [
    ("七百四十二です", "742です"),
    ("千二百三十四の、五千六百七十八", "12345678"),
    ("七十六万五千四百三十二です", "765432です"),
    ("番号は二千十です", "番号は2010です"),
    ("一億二千三百万", "123000000"),
])
def test_a_positional_kanji_number_alone_is_a_number(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize("text", [
    "千葉の五十嵐です", "八百屋さんの隣", "百パーセント", "三千円です", "十分ですね", "千と千尋", "万が一",
    "三十路", "一", "万一に備えて", "万全です",
])
def test_a_kanji_numeral_inside_a_word_stays_a_word(text: str) -> None:
    assert normalize(text).text == text


@pytest.mark.parametrize("text", ["それ聞くねん", "ほんまめんどくさい", "くさい", "しさいは後で", "しねんが強い"])
def test_a_single_sound_that_ends_a_word_is_no_number(text: str) -> None:
    assert normalize(text).text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("へいせいくねんです", "平成9年です"), ("平成くねん", "平成9年"), ("それはにねんまえ", "それは2年まえ"),
    ("子供はごさい", "子供は5歳"), ("しがつ", "4月"), ("ななじゅうさんねんごがつ", "73年5月"),
])
def test_a_single_sound_after_a_particle_era_or_unit_is_a_number(text: str, expected: str) -> None:
    assert normalize(text).text == expected
