"""#10 round 7b: numbers and places in encyclopaedic text are not a caller's phone, account or
address, while the same values said in a call stay masked.  All sentences are our own."""

from __future__ import annotations

import pytest

from tests.conftest import found

# Numbers of statistics, titles, codes and history: no mask of any non-person type.
VISIBLE = [
    "同書の初版はISBN 978-4-06-123456-7として刊行された。",
    "人口は2015年の国勢調査で1234567人であった。",
    "この路線は1987年から2003年まで運行されていた。",
    "彼は1950-1960年代に活躍した。",
    "総工費は約3500000000円とされる。",
    "1999年には販売台数が0801234567台に達した。",
    "面積は12345678平方メートルである。",
    "同社の証券コードは1234で、発行済株式数は12345678株である。",
    "預金残高は12345678円であった。",
    "1997年に口座振替サービスを開始し、利用者は1234567人となった。",
    "同市の人口は2020年10月1日現在で12345678人である。",
    "1964年10月10日に東京オリンピックが開幕した。",
    "国道246号線は東京都千代田区から静岡県沼津市に至る。",
    "本社は大阪府大阪市北区梅田一丁目に置かれている。",
    # a public place founded or placed at the address (round 7b: address.py _PLACED)
    "1889年、山田郡山田村1番地に役場が置かれた。",
    "1925年には青葉市中町2丁目3番に駅が開業した。",
    "同年、北区本町4丁目5番地に新たに図書館が開館した。",
    # a count of accounts or branches after the account cue (round 8: how many, not one)
    "2010年末には口座数は1234567に達した。",
    "同行の口座の数は7654321で、支店数は1234567である。",
    "この口座は1234567件の振込に使われた。",
    # a date after a number's cue is when something happened, not the value (round 10: slot.py _DATE)
    "1876年にベルが電話を発明し、1877年には実用化された。",
    "携帯電話事業は1994年に開始され、2001年に第3世代へ移行した。",
    "郵便番号制度は1968年に導入された。",
    "ゆうちょ銀行は2007年10月1日に発足した。",
    "電話は3月5日に開通した。",
    "住所は1923年の震災で失われた。",
    "クレジットカードは1950年に米国で初めて発行された。",
    "マイナンバー制度は2016年1月に始まった。",
    "口座開設数は2010年には300万を超えた。",
    # a quantity with its unit or an ordinal after a number's cue is no value either
    "携帯電話の普及率は95.3%に達した。",
    "電話回線は全国で6000回線あった。",
    "携帯電話は3Gから4Gへ移行した。",
    "連絡先は第2営業部である。",
    "携帯電話は第3世代から第4世代へ移った。",
    "当時の普通預金金利は2.5％であった。",
    # a number after a place that is a count, an ordinal, a road's or a line's, not a house number
    "大阪市・堺市の2政令指定都市が共同で運営する。",
    "青森市の農家のために期間3ヵ月の講習を開いた。",
    "港区にあった45階建ての建物である。",
    "市街地再開発事業南第2工区に含まれる。",
    "高岡市内で国道8号に合流する。",
    "横浜市営地下鉄3号線の駅である。",
    # a clause before 生まれ is no birth date (a firm "was born")
    "1950年、合併によりいくつもの会社が整理され、東西交通という新しい会社が生まれた。",
    # the back of something else than a card (the security code's place cue 裏の)
    "裏の駐車場に3台停められます",
    "裏の家に2人住んでいます",
    # a count right after a district's name (dev3): 4輪車, 1つ are counters, not house numbers
    "中心市区に1つあり、3つ目は郊外にある。",
    # ... nor before a building's word: a count or a span of time (review16's rule keeps them visible)
    "渋谷区で3つのビルを管理しています",
    "新宿区に3年間マンションを借りていました",
    "同社の初期の港区工場で4輪車の開発責任者となった。",
]

# The same kinds of values in a call: each must stay masked.
MASKED = [
    ("電話番号は090-1234-5678です。", "PHONE_NUMBER", "090-1234-5678"),
    ("はい 0903467812です", "PHONE_NUMBER", "0903467812"),
    ("電話番号はゼロキューゼロ、いちにさんよん、ごーろくななはちです", "PHONE_NUMBER",
     "ゼロキューゼロ、いちにさんよん、ごーろくななはち"),
    ("口座番号は1234567です。", "JP_BANK_ACCOUNT", "1234567"),
    ("口座は7654321です。", "JP_BANK_ACCOUNT", "7654321"),
    ("口座番号は1234567、口座数は一つだけです。", "JP_BANK_ACCOUNT", "1234567"),
    ("支店は新宿で、口座番号は2345678です。", "JP_BANK_ACCOUNT", "2345678"),
    ("自宅は東京都港区六本木1丁目2番3号にあります。", "JP_ADDRESS", "東京都港区六本木1丁目2番3号"),
    # a caller's address followed by what happens there (not a place founded there)
    ("青葉市中町2丁目3番に荷物が届く予定です。", "JP_ADDRESS", "青葉市中町2丁目3番"),
    ("北区本町4丁目5番地に住んでいます。", "JP_ADDRESS", "北区本町4丁目5番地"),
    ("生年月日は1980年4月5日です。", "DATE_OF_BIRTH", "1980年4月5日"),
    # a date is still the value of a date's slot, and a number after a date is still a value
    ("1980年4月5日が生年月日です。", "DATE_OF_BIRTH", "1980年4月5日"),
    ("有効期限は2028年12月です。", "CARD_EXPIRY", "2028年12月"),
    ("電話番号は、2019年から090-1234-5678です。", "PHONE_NUMBER", "090-1234-5678"),
    ("口座は、2007年に作った7654321です。", "JP_BANK_ACCOUNT", "7654321"),
    ("電話番号は0807日3日です。", "PHONE_NUMBER", "0807日3日"),  # garble: a year never begins with 0
    # digits right after a unit are garble inside one value, not a quantity
    ("カード番号は4111万1111 1111万1111です。", "CREDIT_CARD", "4111万1111 1111万1111"),
    ("ゆうちょの記号は18日123です。", "JP_BANK_ACCOUNT", "18日123"),
    ("免許証番号は第123456789012号です。", "JP_DRIVERS_LICENSE", "123456789012"),
    # the normaliser joins digit groups before a unit: 090 1234万 5678 is one garbled number (review 14)
    ("電話番号は090 1234万 5678です", "PHONE_NUMBER", "090 1234万 5678"),
    ("カード番号は4111万 1111 1111 1111です", "CREDIT_CARD", "4111万 1111 1111 1111"),
    ("カード番号は4111万、1111、1111、1111です", "CREDIT_CARD", "4111万、1111、1111、1111"),
    ("口座番号は1234万 567です", "JP_BANK_ACCOUNT", "1234万 567"),
    # a "date" with a leading 0 or digits right after it is garble inside a number
    ("電話番号は08月12日3456です", "PHONE_NUMBER", "08月12日3456"),
    ("口座番号は12月3日4567です", "JP_BANK_ACCOUNT", "12月3日4567"),
    # the code's place said at length before its number
    ("裏の署名欄の横の番号は123です", "CARD_SECURITY_CODE", "123"),
    ("裏側に小さく印字されている数字は789です", "CARD_SECURITY_CODE", "789"),
    # review15: a house number with a building or landmark glued after it (normalised, 4-6-1 is 461)
    ("送り先は中央区銀座4-6-1銀座ビルです", "JP_ADDRESS", "中央区銀座4-6-1"),
    ("自宅は北区梅田3の1の3大阪駅前ビルです", "JP_ADDRESS", "北区梅田3の1の3"),
    ("住まいは浦安市舞浜1-1東京ディズニーランドの隣です", "JP_ADDRESS", "浦安市舞浜1-1"),
    ("私の家、世田谷区成城6-15-2成城ハイツ305号室なんですけど", "JP_ADDRESS", "世田谷区成城6-15-2成城ハイツ305号室"),
    # ... and a building named after a counter's kanji (日, 本) keeps its number
    ("送り先は中央区銀座4-6-1日本生命ビルです", "JP_ADDRESS", "中央区銀座4-6-1"),
    ("自宅は港区本町1-2-3本町ハイツです", "JP_ADDRESS", "港区本町1-2-3"),
    # review15: a filler or a correction inside a birth date said before its cue is no clause
    ("1983年、エート、4月12日が生年月日です", "DATE_OF_BIRTH", "1983年、エート、4月12日"),
    ("平成2年、えっと、エー、5月3日が誕生日です", "DATE_OF_BIRTH", "平成2年、えっと、エー、5月3日"),
    ("1983年、いや間違えた、1984年4月12日が生年月日です", "DATE_OF_BIRTH", "1983年、いや間違えた、1984年4月12日"),
    # review16: a building whose name begins with つ, 円 or 万 keeps the house number before it
    ("家は港区芝1-2-3つばめ荘です", "JP_ADDRESS", "港区芝1-2-3"),
    ("家は札幌市中央区南1条西23丁目1-5円山ハイツなんですけど", "JP_ADDRESS", "23丁目1-5"),
    ("家は新潟市中央区万代1-2-3万代シティビルなんですけど", "JP_ADDRESS", "万代1-2-3"),
    # review16: a year said twice, with its calendar or precision between
    ("1983年、西暦で、4月12日が生年月日です", "DATE_OF_BIRTH", "1983年、西暦で、4月12日"),
    ("1989年、平成元年の4月12日が生年月日です", "DATE_OF_BIRTH", "1989年、平成元年の4月12日"),
    ("1983年、正確には4月12日が生年月日です", "DATE_OF_BIRTH", "1983年、正確には4月12日"),
]


@pytest.mark.parametrize("text", VISIBLE)
def test_encyclopaedic_numbers_and_places_stay_visible(redactor, text):
    assert [f for f in found(redactor, text) if f[0] != "PERSON"] == []


@pytest.mark.parametrize(("text", "entity", "value"), MASKED)
def test_the_same_values_in_a_call_stay_masked(redactor, text, entity, value):
    assert any(t == entity and value in covered for t, covered in found(redactor, text))


def test_placed_facility_check_is_linear(redactor):
    """A 50k-character near miss (an address, に, a facility, が and no verb) runs in well under 1 s."""
    import time

    from redactor.pii.recognizers.address import facility_location

    text = "北区本町4丁目5番地に" + "駅が" * 25_000
    start = time.perf_counter()
    assert facility_location(text, 0, 10) is False
    assert time.perf_counter() - start < 1.0
