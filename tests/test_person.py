"""PERSON needs evidence (issue #10): each false-mask and miss family, taken from the real sets
(benchmarks/real: Wikipedia sentences and transcripts of real speech)."""

from __future__ import annotations

import logging

import pytest


def persons(redactor, text: str, *, heard: bool = False) -> list[str]:
    """The PERSON masks of ``text``, read as written or (``heard``) as a transcript."""
    return [text[e.start:e.end] for e in redactor.analyze(text, heard=heard) if e.type == "PERSON"]


# False-mask families: nothing here is a person.
@pytest.mark.parametrize("text", [
    "あみ。", "道実。", "千葉子。",  # garbled common words in real speech (網, …)
    "マイナンバラも言いますよ、2345.6789万1,28です",  # マイナンバー as whisper wrote it (dev corpus)
])
def test_a_garbled_common_word_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


# A role before an honorific (blind12's 代表者様): one who does something, not a name; a name still is.
@pytest.mark.parametrize("text", [
    "代表者様のお名前とお電話番号をお願いします。",
    "申込者様と保護者様の署名が必要です。",
    "代理人様がお越しになる場合は委任状をお持ちください。",
])
def test_a_role_before_an_honorific_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_a_given_name_before_an_honorific_is_still_a_name(redactor) -> None:
    assert persons(redactor, "直人様のお名前でご予約です。") == ["直人"]


@pytest.mark.parametrize("text", [
    "藤。", "張。",  # single kanji transcribed from real speech
    "この宜陽の戦いは大激戦であったため、韓だけでなく、陥落させた秦も大きく疲弊する結果になってしまった。",
])
def test_a_single_kanji_is_not_a_name_on_its_own(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_a_title_is_not_a_name_and_stays_outside_the_mask(redactor) -> None:
    assert persons(redactor, "右投右打。") == []  # GiNZA's Person label on a common noun
    assert persons(redactor, "ものの歴代領主や代官の保護を受けていた。") == []
    assert persons(redactor, "代表 大川薫が挨拶した。") == ["大川薫"]  # no spill into 代表


@pytest.mark.parametrize("text", [
    "ボールドウィン社はギブソン・ギター・コーポレーションによって買われた。",
    "日本においては、2008年には東京、六本木の森美術館で展が開かれた。",
])
def test_an_organisation_or_facility_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


# Miss families: whole names, not fragments.
def test_a_foreign_full_name_is_masked_whole(redactor) -> None:
    text = "先発投手のマット・ケインやティム・リンスカムとのトレード交渉が進んでいると報じられた。"
    assert persons(redactor, text) == ["マット・ケイン", "ティム・リンスカム"]


def test_a_katakana_full_name_after_a_title_is_masked_whole(redactor) -> None:
    assert persons(redactor, "事件を担当する刑事ジョン・ブックは母子を連れて行った。") == ["ジョン・ブック"]


def test_a_name_before_a_title_is_masked_without_the_title(redactor) -> None:
    text = "ジョン・F・ケネディ大統領、ビル・クリントン大統領、ジョン・ケリー上院議員"
    assert persons(redactor, text) == ["ジョン・F・ケネディ", "ビル・クリントン", "ジョン・ケリー"]


def test_names_in_a_list_are_names_not_fragments(redactor) -> None:
    text = "中塚一宏・階猛・黄川田徹・平野達男らが離党した。"
    masked = "".join(persons(redactor, text))
    for name in ("中塚一宏", "黄川田徹", "平野達男"):
        assert name in masked


def test_a_name_split_off_by_the_tokenizer_is_masked_whole(redactor) -> None:
    assert persons(redactor, "解散時の理事長は片山英木。") == ["片山英木"]


def test_unmapped_ginza_labels_raise_no_presidio_warnings(redactor, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="presidio-analyzer"):
        redactor.analyze("ボールドウィン社はギブソン・ギター・コーポレーションによって買われた。")
    assert not [r for r in caplog.records if "not mapped" in r.getMessage()]


def test_kanji_names_in_a_list_are_masked_one_by_one(redactor) -> None:
    text = "黄川田徹・平野達男らが出席した"
    assert [(e.type, text[e.start:e.end]) for e in redactor.analyze(text)] == [
        ("PERSON", "黄川田徹"), ("PERSON", "平野達男")]


def test_an_agent_introducing_themselves_through_garbled_speech(redactor) -> None:
    """中村でございます as whisper wrote it on the wideband sample call, the pause after 窓口 lost."""
    assert persons(redactor, "お客様窓口中村へございます") == ["中村"]


@pytest.mark.parametrize("text", ["もしもし山田花粉と申します", "もしもし山田花粉 コート申します", "もしもし山田花粉"])
def test_a_caller_introducing_themselves_through_garbled_speech(redactor, text: str) -> None:
    """山田花子 as whisper heard it on the short sample call: the whole name, not the greeting."""
    assert persons(redactor, text) == ["山田花粉"]


# Issue #10 continued: families from the dev half (even lines) of benchmarks/real/text_persons.jsonl
# and from the transcripts of the real speech clips; the check half is never used in tests.
def _covered(masks: list[str], name: str) -> bool:
    return any(name in m for m in masks)


@pytest.mark.parametrize(("text", "names"), [
    # a foreign full name whose parts SudachiPy does not know (no tag, no GiNZA label)
    ("マン島の250ccクラスでGP初優勝を飾ったビル・ロマスは続けて350ccクラスでも勝利した。", ["ビル・ロマス"]),
    # a katakana surname alone that the dictionary does not know, as the subject
    ("12月に出たインタビューで、シャマランはその可能性を否定した。", ["シャマラン"]),
    # a listed name before a family word
    ("2006年9月にはクレーマー家で4匹の仔猫を産み、母猫として暮らしていた。", ["クレーマー"]),
])
def test_a_katakana_name_without_tags_is_found(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "name"), [
    ("そのころ、宗像は部下の大沢と共に、新幹線の線路を走っていた。", "宗像"),  # tagged as a place
    ("父の林文察は台湾に襲来した小刀会との戦いをきっかけに軍人の道を歩んだ。", "林文察"),  # 林 as a common noun
    ("元厚生労働省の官僚である中野雅至やフリーライターの中川淳一郎は説明している。", "中野雅至"),
    ("突如として彼らの目の前に南々見一也が現れた。", "南々見一也"),  # the surname split in two
    ("大正11年、和歌山県海草郡亀川村にて父・種次郎、母・タマエの間に生まれる。", "種次郎"),  # kinship
    ("行長はすぐに名護屋城に使いを走らせた。", "行長"),  # a word the dictionary knows only as a name
])
def test_a_name_the_tagger_reads_as_something_else_is_found_whole(redactor, text: str, name: str) -> None:
    assert name in persons(redactor, text)


def test_a_surname_with_a_kanji_numeral_is_a_name_not_a_floor(redactor) -> None:
    text = "小沢から離反した者として、船田元・岡田克也・二階俊博・野田毅らが挙げられる。"
    assert _covered(persons(redactor, text), "二階俊博")


def test_a_position_code_stays_outside_the_name(redactor) -> None:
    masks = persons(redactor, "その他、MF野田樹、FW向井章人、FWルーカス・ポドルスキが契約満了で退団。")
    assert "向井章人" in masks and "ルーカス・ポドルスキ" in masks
    assert not any(m.startswith(("FW", "MF")) for m in masks)


@pytest.mark.parametrize(("text", "kept"), [
    ("3日後の6月25日、友納知事は成田市長の藤倉武男へこの協議内容を正式に伝達している。", "成田"),
    ("但し手続きの関係から佐藤が第5代自由民主党総裁に就任したのは12月1日であった。", "自由民主党"),
    ("ピアニストとして活躍し、テノール歌手・藤原義江の専属伴奏者として世界演奏旅行をした。", "テノール"),
])
def test_a_place_body_or_common_word_before_a_title_is_not_a_name(redactor, text: str, kept: str) -> None:
    masks = persons(redactor, text)
    assert masks and not any(kept in m for m in masks)


@pytest.mark.parametrize("text", [
    "2015年12月28日にジュピラー・プロ・リーグのクラブ・ブルッヘと2年半の契約を結んだ。",  # a league: プロ
    "1989年の香港電影祭にて「モンコク・カルメン」の邦題で上映された。",  # a work's title in 「」
    "また、周辺地区は都市景観100選に選定されている。",
    "フランスの鉄鋼メーカー、ユジノールとの包括提携をまとめた。",  # a category in apposition
])
def test_organisations_and_titles_are_not_names(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_a_club_code_makes_a_club_not_a_name(redactor) -> None:
    text = "12月19日にアレクサンドロとのトレードでCRヴァスコ・ダ・ガマに期限付き移籍。"
    assert not any("ヴァスコ" in m for m in persons(redactor, text))


# Real speech (benchmarks/real/speech): whisper's transcripts of single common words.
@pytest.mark.parametrize("text", [
    "ツル", "ブロイ", "生月", "タズネル", "ダンガ", "マシロ",  # 釣る, 古い, 先月, 訪ねる, 弾丸, 寧ろ
    "チェーンバーチェ",  # 沈没: a name-like fragment of one katakana word
])
def test_a_word_alone_from_speech_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_a_full_name_alone_is_still_a_name(redactor) -> None:
    assert persons(redactor, "山田花子") == ["山田花子"]


# A live second pass can leave a segment holding only the customer's surname (seen on the card
# sample call: 伊藤 reached the agent unmasked); a word the dictionary knows only as a name is one.
@pytest.mark.parametrize("text", ["伊藤", "伊藤。", "高橋、", "佐藤"])
def test_a_surname_alone_that_is_only_a_name_is_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == [text.rstrip("。、")]


# Issue #10 round 3: families from the dev half, each tested on sentences written here.
@pytest.mark.parametrize(("text", "names"), [
    # a name mentioned again by its last part or as a whole: the same person
    ("翌年、ウィリアム・ペンバートンが社長に就任し、ペンバートンは工場を拡張した。",
     ["ウィリアム・ペンバートン", "ペンバートン"]),
    # a title, then の, then a name the dictionary does not know
    ("表紙を描いたのはイラストレーターのモリカワユウコである。", ["モリカワユウコ"]),
    ("編集を担当したのは記者のアサヒナトオルだった。", ["アサヒナトオル"]),
    # a name before a noun it modifies (works, criticism), not a compound organisation
    ("学生時代にドストエフスキー作品を読みふけった。", ["ドストエフスキー"]),
    ("ゴルバチョフ批判が党内で強まった。", ["ゴルバチョフ"]),
    # a katakana word in a list of names
    ("舞台にはジェニー、ハニー、ロイが並んで立った。", ["ジェニー", "ハニー", "ロイ"]),
    # a three-kanji surname keeps a given name SudachiPy split into two single kanji
    ("式には勅使河原宏順・田中正義らが出席した。", ["勅使河原宏順", "田中正義"]),
])
def test_round3_names_are_found_whole(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


def test_a_second_mention_glued_to_a_compound_is_not_a_name(redactor) -> None:
    """The station named after the person (…グリア駅) is a place, even with the person in the text."""
    text = "ジョン・ハーヴェイ・グリアの土地に駅が造られ、グリア駅と呼ばれた。"
    assert persons(redactor, text) == ["ジョン・ハーヴェイ・グリア"]


@pytest.mark.parametrize(("name", "is_team"), [
    ("ニューオーリンズ・セインツ", True), ("マンチェスター・シティFC", True),
    ("ジョルジュ・ドン", False), ("ジョン・ハーヴェイ・グリア", False),
])
def test_a_club_named_after_its_city_is_a_team(redactor, name: str, is_team: bool) -> None:
    """A place, then a plural nickname or a club code (GiNZA sometimes labels these Person)."""
    from redactor.pii.recognizers.person_context import team

    doc = redactor.nlp(f"{name}でプレーした。")
    span = doc.char_span(0, len(name))
    assert span is not None and team(span) is is_team


@pytest.mark.parametrize("text", [
    "翌年、劇団は「詩人・宮沢賢治の青春」を上演した。",  # a name inside a short quoted title
    "記念碑には「歌人石川啄木ここに眠る」と刻まれている。",
    "1637年、島原で天草四郎の乱が起こった。",  # an event named after a person
])
def test_a_name_inside_a_work_or_event_title_is_not_masked(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "names"), [
    ("田中は「山田です」と名乗った。", ["田中", "山田"]),  # quoted speech is no title
    ("受付で「鈴木様をお願いします」と言われた。", ["鈴木"]),
])
def test_a_name_in_quoted_speech_is_still_masked(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("J・K・ローリングは、その年に新作を発表した。", ["J・K・ローリング"]),  # initials make a person
    ("撮影を担当したのはカメラマンのTakumiである。", ["Takumi"]),  # a Latin name after a title and の
    ("左に動いたスペイン代表GKカシージャスがキャッチした。", ["カシージャス"]),  # the country stays visible
])
def test_round3_initials_latin_names_and_countries(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", ["J・リーグは1993年に開幕した。", "BBC Microは大ヒットした。"])
def test_initials_or_capitals_alone_make_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize("text", [
    "2019年、彼はパルメイラス・ノヴァに完全移籍した。",  # transferred to: a club
    "オルヴェニアは、火星と木星の間に位置する小惑星である。",  # a definition: a thing
])
def test_what_the_sentence_says_makes_a_club_or_a_thing_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_a_definition_of_a_person_keeps_the_name(redactor) -> None:
    assert persons(redactor, "マルティネスは、スペインの政治家。") == ["マルティネス"]


@pytest.mark.parametrize("text", [
    "北部最大の港町であるマルセリナは川の河口にある。",  # a place category, then である, before it
    "古くからの宿場町であるベルンハルトは交通の要所だった。",
    "彼は1985年に旭日重光章を受けた。",  # an award: a compound, though 重光 is a surname
])
def test_a_place_in_apposition_or_an_award_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_a_katakana_word_glued_to_a_title_is_not_a_name(redactor) -> None:
    assert persons(redactor, "プロジェクトはチーフプロデューサーの山本一郎が率いた。") == ["山本一郎"]


def test_a_word_between_two_names_of_a_list_is_a_name(redactor) -> None:
    text = "委員には岡本洋一・門真・吉田健太郎らが選ばれた。"  # 門真: a place to the tagger
    assert persons(redactor, text) == ["岡本洋一", "門真", "吉田健太郎"]


@pytest.mark.parametrize(("text", "name"), [
    ("大学時代は「桂亭小吉」を名乗り、寄席に出た。", "桂亭小吉"),  # a stage name taken
    ("翌年、「北斗星人」と改名した。", "北斗星人"),
])
def test_a_name_taken_in_quotes_is_a_name(redactor, text: str, name: str) -> None:
    assert name in persons(redactor, text)


def test_a_quoted_self_introduction_masks_the_name_only(redactor) -> None:
    assert persons(redactor, "駅前で「田中と申します」と名乗った。") == ["田中"]


def test_a_title_and_a_dot_before_a_split_surname(redactor) -> None:
    """女子高生・土宮美咲: 土|宮 are no surname to the dictionary, together no word at all."""
    assert persons(redactor, "主人公は女子高生・土宮美咲である。") == ["土宮美咲"]


@pytest.mark.parametrize("text", [
    "ベンジャミン・フランクリン橋が開通した。",  # a bridge, an airport, a ship, a cathedral named after a person
    "ジョン・F・ケネディ国際空港に到着した。",
    "クイーン・エリザベス号が就航した。",
    "サンタ・マリア・デル・フィオーレ大聖堂が完成した。",
    "ジョンソン・エンド・ジョンソンの日本法人である。",  # "and" in a chain: a firm
])
def test_a_facility_vessel_or_firm_named_after_people_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize("text", [
    "列車は高崎を出て前橋に向かった。",  # what happens at a place: left, moved to, built at
    "戦後、岩崎に工場が建てられた。",
    "新製品のウォークマンが発売された。",  # a product category and の before it
    "ヴィクトリアは州都である。",  # a short definition: X は <place> である
])
def test_a_place_or_product_in_its_predicate_is_not_a_name(redactor, text: str) -> None:
    assert persons(redactor, text) == []


# Issue #10 round 4: what the sentence says only a person has or does (sentences written here;
# each name below was missed before this round).
@pytest.mark.parametrize(("text", "names"), [
    ("森下正典は、日本の実業家である。", ["森下正典"]),  # a definition: a kanji name split into common words
    ("ホークの息子は後に市長となった。", ["ホーク"]),  # kin after の
    ("ホークの息子さんが来店した。", ["ホーク"]),
    ("巡礼者は今もサイゴウの墓所を訪れる。", ["サイゴウ"]),  # remains after の
    ("若い頃にグラントに師事し、絵画を学んだ。", ["グラント"]),  # studied under
    ("Marion Leighと結婚した翌年に渡米した。", ["Marion Leigh"]),  # married: a Latin name whole
    ("株式の3割を松本個人が保有していた。", ["松本"]),  # X個人: a person, not the place
    ("ハンマーのソロ・アルバムが話題になった。", ["ハンマー"]),  # a solo career is a person's
    # a given name alone as a noun phrase, read as a given name here though the dictionary
    # lists other readings too (and GiNZA labels it an organisation)
    ("翌年には光清が家督を継いだ。", ["光清"]),
    # the subject of what only a person does, later in its clause
    ("ポーターは地元の大学で法律を学んだ。", ["ポーター"]),
    ("ハンマーは1950年に音楽院を卒業した。", ["ハンマー"]),
    ("3月には大分が肺炎によって入院した。", ["大分"]),  # a surname that is also a city
    ("翌年、ランプがその町の町長に選ばれた。", ["ランプ"]),  # appointed to an office
    ("ポーターは結果に落胆した。", ["ポーター"]),  # a feeling
    ("広場のルイ14世像が修復された。", ["ルイ14世"]),  # a regnal number before 像
    ("翌年、ジャネット・ジャクソンが来日した。", ["ジャネット・ジャクソン"]),  # ends like …ネット, no firm
    ("ハートウェルは、アメリカ合衆国の物理学者。", ["ハートウェル"]),  # a definition, the name split in two
    ("ポーターは、日本の会社員。", ["ポーター"]),  # a calling by its ending (…員)
    ("式典にはウェリントン卿が出席した。", ["ウェリントン"]),  # a rank after the name
])
def test_round4_what_only_a_person_has_or_does_makes_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "政治改革の父と呼ばれた。",  # an epithet: a common noun before の父
    "父は日本の実業家。",  # a kinship word as a definition's topic
    "京都市はボストンの姉妹都市である。",  # 姉妹 glued to a noun: a twin city, no kin
    "ギターのソロが印象的だった。",  # a solo of an instrument
    "楽団はベルリン・フィルと共演した。",  # orchestras perform together too: 共演 says nothing
    "『野菊の墓』は映画化された。",  # a work's title
    "プラントは工場を閉鎖した。",  # what firms do
    "チームは翌年に解散した。",
    "ディープスカイは引退した。",  # racehorses retire and are born too
    "ブルームは東京で生まれた。",
    "構造改革が首相の就任で進んだ。",  # a common noun as the subject
    "市場は安心感に包まれた。",
    "サポートは安心して使えます。",  # said of a service in a call
    "このサービスはお客様に喜ばれています。",
    "このプランは安心です。",
    "アプリは来月卒業シーズン向けに更新されます。",  # a deed's noun as a modifier, not the predicate
    "カードは入院時にも使えます。",
    "ゴールド個人会員です。",  # 個人 inside a compound
    "プランと結婚割の併用はできません。",  # 結婚 inside a compound
    "ソラモバイルサポートセンターへのお問い合わせ。",  # katakana firm words inside a longer word
    "ソラネットは、日本の電気通信事業者。",  # 事業者 is a firm; …ネット a firm's name
    "ライスは、アメリカの法人。",
    "会場にはピアノ、ギター、ドラムが並んだ。",  # a list of things holds no name
    "プレミアシップに所属するラグビー選手。",  # a sport or a genre glued to a calling
    "テノール歌手として活躍した。",
    "イギリス大使が会見した。",  # a country's envoy
])
def test_round4_common_words_or_titles_before_those_words_stay_visible(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize("text", [
    "当時最高のバンドはジェフ・ロウランズである。",  # what a topic naming a thing is
    "発売元はハーヴィ・ミルトンだ。",  # a maker or a seller is a firm
    "このゲームはジェフ・ロウランドから発売された。",  # released from a label
    "この菓子はハーヴィ・ミルトンが販売していた。",  # sold by a firm
    # a definition whose first clause calls it a firm (…の会社、また…; …の出版社、…)
    "グリンデルは、旅行書を発行するイギリスの会社、またその書籍の名称である。",
    "ザルツァーは、ドイツの出版社、また同社の雑誌の名である。",
    # what a maker has after の: its staff, its products
    "空軍はハロルド・グランヴィルの戦闘機を採用した。",
    "ハロルド・グランヴィルの社員が来日した。",
    "ディズニーの新製品が発表された。",
])
def test_round4_what_makes_sells_or_is_a_band_is_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "names"), [
    ("監督はスコットである。", ["スコット"]),  # a person's role as the topic keeps the name
    ("ポーターは、イギリスの作家、また詩人である。", ["ポーター"]),
    ("アレックスの工場で働いた。", ["アレックス"]),  # a person may own a factory
    ("この小説はハーヴィ・ミルトンが執筆した。", ["ハーヴィ・ミルトン"]),  # people write books
])
def test_round4_a_role_or_a_persons_deed_keeps_the_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


def test_a_firm_word_inside_a_katakana_word_still_names_a_firm(redactor) -> None:
    """Only short firm words a katakana name may end with (ネット of ジャネット) are let through."""
    assert persons(redactor, "はい、ソラモバイルサポートセンターの石井です。") == ["石井"]


# Issue #10 round 5: families from dev and dev2 (even lines of both real text sets), sentences
# written here; each name below was missed before this round.
@pytest.mark.parametrize(("text", "names"), [
    # a foreign first name that begins with a firm word (ガス…): the word goes on, so no firm
    ("翌年、ガストン・ルブランが来日した。", ["ガストン・ルブラン"]),
    ("オーガスタス・ペインが設計を担当した。", ["オーガスタス・ペイン"]),
    # a foreign full name whose first part is spelt like a country, before a title
    ("講演はチャド・ブラウン教授が行った。", ["チャド・ブラウン"]),
    # a full name after a work it made (アルバムの…が書いた): every part tagged as a name
    ("アルバムのジョン・スミスが書いた曲が3位に入った。", ["ジョン・スミス"]),
    # a surname the tagger reads as a place, which GiNZA calls a person, before a title
    ("会見で大村知事が説明した。", ["大村"]),
    # a name joined by ゠ (the katakana double hyphen), defined as a person
    ("ジャン゠ピエール・ルブランは、フランスの俳優。", ["ジャン゠ピエール・ルブラン"]),
])
def test_round5_foreign_full_names_and_surnames_before_titles(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "ガスの開栓をお願いします。",  # a firm word alone, in a call
    "東京ガスの窓口に電話しました。",
    "大村市長が説明した。",  # a place before its office (the mayor of 大村市)
    "フランス国王が来訪した。",  # a country before its ruler
    "新製品のエア・マックスが発売された。",  # a product after its category: not a name
])
def test_round5_firm_words_places_and_products_stay_visible(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "names"), [
    # a katakana calling, ・, then a kanji name: the calling stays visible
    ("「青い風」は、日本のシンガーソングライター・森山ゆかの楽曲。", ["森山ゆか"]),
    # an old province after a name (…国 is a suffix, not a given name)
    ("加藤清正は肥後国へと移封された。", ["加藤清正"]),
    # the subject of a person's deed across a て-form: the clause goes on after 、
    ("ポーターは病院に行って、入院した。", ["ポーター"]),
    # what people do in a call keeps the name (出社 is no body's deed)
    ("田中は本日出社しております。", ["田中"]),
    ("山田は会社を設立しました。", ["山田"]),  # a person founds (the body is founded)
    ("ハンス・ミュラーは新たに設立された会社に入社した。", ["ハンス・ミュラー"]),  # founded: a relative clause
])
def test_round5_callings_provinces_and_clauses(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "浅野トキワ劇場は2001年に閉館した。",  # a theatre named after a person, a word between
    "申込数は2万6千口に達した。",  # a counter glued to a number
    "なお、ベイクルーズは楽天市場にも出店している。",  # what only a body does: open shops
    "グリーンテックは2019年に東証に上場した。",
    "サクラネットは本日お休みをいただいております。",  # a firm in a call
])
def test_round5_facilities_counters_and_bodies_are_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "names"), [
    # what only a person undergoes or writes, said of the subject (a katakana subject the
    # tagger split in two too: ボイル|ドン), also with も
    ("ボイルドンは死後ロンドンの墓地に埋葬された。", ["ボイルドン"]),
    ("同じ日にリアドンも辞任した。", ["リアドン"]),
    # what only a person writes, after の
    ("ポツダムの劇場でメルカーのオペレッタが上演された。", ["メルカー"]),
    # a surname read as a place, then a word listed as a given name too
    ("親交を結んだ梶原一騎の事務所に入った。", ["梶原一騎"]),
])
def test_round5_deeds_works_and_misread_given_names(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "梶原方面が混雑しています。",  # a surname-like place, then a common noun
    "そのプランの晩年割もございます。",  # 晩年 inside a compound
    "サポートも終了いたしました。",  # も with a service's end
    "ライブの日記をブログに載せています。",  # a work after an event: no name
])
def test_round5_places_compounds_and_services_stay_visible(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "names"), [
    # a group's members after の: the group is no person, the person before it stays one
    ("ジョン・ケインをはじめビートルズのメンバーに気に入られた。", ["ジョン・ケイン"]),
    ("山田のメンバー登録をお願いします。", ["山田"]),  # a compound, in a call: the name stays
    ("J・K・ローリングが書いた。", ["J・K・ローリング"]),  # initials first, then the name
])
def test_round5_group_members_and_initials(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "プランA・B・Cからお選びください。",  # letters after a word, in a call: options, not initials
    "チケットA・B・Cの3種類がある。",
    "当時はダグラスDC-3やロッキードL-049が主力だった。",  # a model number after the word
])
def test_round5_options_and_model_numbers_are_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize("text", [
    # a role that has kin is no name (the kin evidence must not make one)
    "祖父は旅館オーナーの息子として育った。",
    "ドライバーの息子が来店した。",
    "オペレーターの娘さんから電話がありました。",  # in a call
])
def test_round5_a_role_with_kin_is_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_round5_a_university_with_a_title_glued_after_it_is_no_person(redactor) -> None:
    assert persons(redactor, "1975年に退社してタフツ大学客員研究員となった。") == []


@pytest.mark.parametrize(("text", "names"), [
    # initials with full stops before a katakana surname
    ("H.A.リブラは次のように述べている。", ["H.A.リブラ"]),
    ("P.ローレルは次のように述べている。", ["P.ローレル"]),
    # a person named by a letter after a role: kept anonymous, still a person
    ("事件の被害者Bは当時20歳だった。", ["B"]),
])
def test_round5_initials_with_stops_and_letter_persons(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "プランBに変更します。",  # a letter after a product word, in a call
    "A.B.C.の順に押してください。",  # letters alone
    "CVCは裏面の3桁です。",
])
def test_round5_letters_after_things_are_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_round5_a_given_name_in_kana_after_a_kanji_name(redactor) -> None:
    """A kana given name inside GiNZA's Person span stays with the name (逢月|ひな)."""
    assert persons(redactor, "当日は、神沢有紗、逢月ひならが出演した。") == ["神沢有紗", "逢月ひな"]
    assert persons(redactor, "山田たちが来た。") == ["山田"]  # a kana plural is no given name


# Round 7: precision families (own sentences; the call-centre names next to them stay masked).
@pytest.mark.parametrize("text", [
    "ロビーからはオルムステッド・プラザの夜景を楽しめる。",  # a place's head after a foreign name
    "観光客はブレナン・スクエアの噴水を見に行く。",
    "会議はモントローズ・アカデミーの講堂で開かれた。",
    "ハミルトン・アリーナで決勝が行われた。",
    "新製品の広告はキャメロン・クリエイツが作った。",  # a firm's head
    "記録装置はハガティアソシエイツが開発した。",  # the head glued into one katakana word
    "通信販売はマルヤマクリエイツが行っている。",
])
def test_round7_a_foreign_name_with_a_building_or_firm_head_is_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "names"), [
    # what a full name is "of" is a band, a team or a firm: the group stays visible
    ("ビートルズのジョン・レノンが曲を書いた。", ["ジョン・レノン"]),
    ("株式会社ミドリの鈴木一郎と申します。", ["鈴木一郎"]),
    # a person's kin or staff come with a word between: both are names
    ("山田の妻花子が電話に出た。", ["山田", "花子"]),
    ("担当の佐藤です。", ["佐藤"]),
    ("山田様のお電話番号を伺えますか。", ["山田"]),
])
def test_round7_a_group_before_its_member_is_no_person(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a full name or a listed surname before の and a full name: a person too (a relation, a branch)
    ("山田太郎の山田花子です", ["山田太郎", "山田花子"]),
    ("担当は鈴木一郎の佐藤花子です", ["鈴木一郎", "佐藤花子"]),
    ("田中の山田花子と申します", ["田中", "山田花子"]),
    ("父の山田太郎の山田花子です", ["山田太郎", "山田花子"]),
    ("佐藤一郎の佐藤次郎と申します", ["佐藤一郎", "佐藤次郎"]),
    ("ジョン・スミスのジェーン・スミスです", ["ジョン・スミス", "ジェーン・スミス"]),
    # a firm the parse labels as one stays visible
    ("東西商事の山田花子です", ["山田花子"]),
])
def test_round7_a_name_before_a_full_name_stays_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # heads of places that are surnames too (Fritz Haber): the whole name, not its first part visible
    ("フリッツ・ハーバーさんから電話がありました", ["フリッツ・ハーバー"]),
    ("ジェーン・モールさんに代わります", ["ジェーン・モール"]),
    ("ジェーン・モールに代わります", ["ジェーン・モール"]),
    ("トーマス・キャッスル様のご住所を確認します", ["トーマス・キャッスル"]),
    ("ジョン・ブリッジ氏が来日した", ["ジョン・ブリッジ"]),
    ("ピーター・ストリート先生にお伝えします", ["ピーター・ストリート"]),
    # an honorific makes a person of any chain, whatever its head; the whole chain is masked
    ("アンナ・プラザさんにお電話です", ["アンナ・プラザ"]),
])
def test_round7_a_surname_like_head_keeps_the_whole_name_masked(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


def test_round7_a_name_answer_after_the_question_stays_masked(redactor) -> None:
    assert persons(redactor, "お名前をお願いします。高橋です。") == ["高橋"]


# Round 7: the same words elsewhere in the text.  (A rule that counted a word GiNZA labels a firm
# elsewhere against a bare mention of it — ギブソン時代では、ギブソンが開発した — was measured and
# dropped: it cost persons on the check parts of the real sets and won no precision there.)
@pytest.mark.parametrize(("text", "names"), [
    # an honorific elsewhere makes both mentions a person
    ("ハドソン様のご注文は、ハドソンが開発したソフトですね。", ["ハドソン", "ハドソン"]),
])
def test_round7_the_same_words_elsewhere_in_the_text(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


def test_round7_a_surname_that_is_also_a_place_elsewhere_stays_a_name(redactor) -> None:
    # Japanese surnames are place names too: a place elsewhere says nothing about them
    assert "東郷" in persons(redactor, "東郷の町に住む東郷さんから電話がありました。")


@pytest.mark.filterwarnings("ignore:.*Skipping unsupported user data")
def test_round7_a_long_text_is_weighed_word_by_word(redactor) -> None:
    """50k characters of one parse: every repetition gives the same names (repeated mentions and
    list members are looked up, not searched for per candidate)."""
    from spacy.tokens import Doc

    from redactor.pii.recognizers.person_evidence import person_spans

    unit = ["元ブルーリバー・ストンパーズのジョージ・ハリントンが加わった。", "担当の佐藤です。",
            "山田様のお電話番号を伺えますか。"]
    docs = list(redactor.nlp.pipe(unit))
    one = {doc.text: sorted(doc.text[a:b] for a, b, _ in person_spans(doc)) for doc in docs}
    repeat = 50_000 // sum(len(t) for t in unit) + 1
    doc = Doc.from_docs(docs * repeat)
    text = doc.text
    assert len(text) >= 50_000
    spans = person_spans(doc)
    assert sorted(text[a:b] for a, b, _ in spans) == sorted(
        one[t][k] for _ in range(repeat) for t in unit for k in range(len(one[t])))
    assert one[unit[0]] == ["ジョージ・ハリントン"] and one[unit[1]] == ["佐藤"] and one[unit[2]] == ["山田"]


@pytest.mark.parametrize(("text", "names"), [
    # a surname that is a place or a compound too, listed with a name: a name (a list holds one kind)
    ("昨年は大島と三浦が一軍に上がった。", ["大島", "三浦"]),
    ("この流派の画家には森川竹窓、福原五岳などがいる。", ["森川竹窓", "福原五岳"]),
    ("東京と大阪で開かれた。", []),  # places listed with places stay places
])
def test_round7_a_surname_listed_with_a_name_is_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# Issue #10 round 8: recall families from the study parts, tested on sentences written here.
@pytest.mark.parametrize(("text", "names"), [
    # a credit glued before or after a full name in a credit line (failed before)
    ("「北村一夫採譜大西幸三編曲」の楽譜が見つかった。", ["北村一夫", "大西幸三"]),
    ("「作詞北村一夫、作曲三浦俊雄、編曲大西幸三」と盤面に記されている。", ["北村一夫", "三浦俊雄", "大西幸三"]),
    # credit words inside a compound, with no full name next to them
    ("同社は監督官庁の指導を受けた。", []),
    ("作曲家協会が声明を出した。", []),
    ("編曲作業は翌年に終わった。", []),
    ("彼は作曲技法を独学で学んだ。", []),
])
def test_round8_a_credit_glued_to_a_full_name_makes_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a katakana proper noun glued after a title (酋長 now a title; failed before)
    ("部族の酋長マルコが条約に署名した。", ["マルコ"]),
    # a foreign full name with an unknown part after a kinship word (failed before)
    ("1901年、ハルトとその息子エドモント・ブリスカス・ハルトによって会社が作られた。",
     ["ハルト", "エドモント・ブリスカス・ハルト"]),
    # a place after a title stays a place
    ("大統領ワシントン訪問の日程が決まった。", []),
])
def test_round8_a_name_after_a_title_or_kin(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a given name alone as a later subject, after the full name (大地 is a common word too)
    ("山田大地は札幌で育った。大地は高校で野球を始めた。", ["山田大地", "大地"]),
    # the same word as a common noun after the full name, and before it
    ("山田大地は札幌で育った。大地の恵みに感謝した。", ["山田大地"]),
    ("大地が揺れた日、山田大地は札幌にいた。", ["山田大地"]),
])
def test_round8_a_given_name_after_the_full_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a surname glued to a trade is a family firm (masked as a name before)
    ("卸売は小川珈琲が、通信販売は別会社が担当する。", []),
    ("山田楽器で働く山田花子さんに会った。", ["山田花子"]),
    ("三浦書房から詩集が出た。", []),
    ("佐藤化学さんにお電話しました。", []),
    # the person of the firm stays a name
    ("創業者の森川健二は1950年に森川製菓を興した。", ["森川健二"]),
    ("鈴木自動車の鈴木です。", ["鈴木"]),
])
def test_round8_a_surname_glued_to_a_trade_is_a_firm(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# Issue #10 round 9, review findings: sentences written here.
@pytest.mark.parametrize(("text", "names"), [
    # a firm or a brand glued after a title is no name (masked as a name before)
    ("社長トヨタの車に乗っている。", []),
    ("部長ソニーのテレビを買った。", []),
    ("会長ユニクロの服を着ていた。", []),
    # a person after a title stays a name (社長|田|中: the tagger splits the surname; missed before)
    ("社長田中が説明した。", ["田中"]),
    ("部長田中は不在です。", ["田中"]),
    ("監督黒澤明の作品を観た。", ["黒澤明"]),
    ("部族の酋長マルコが条約に署名した。", ["マルコ"]),
    # common nouns after a title stay visible
    ("社長一行が到着した。", []),
    ("部長会議で決まった。", []),
])
def test_round9_what_follows_a_title(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


def test_round9_a_rulers_name_after_a_territorys_rank_whatever_ginzas_label(redactor) -> None:
    # ルノー is labelled a sports club here; after …公 it is a ruler's given name (lost by the
    # label check alone).  The territory itself is still masked: a rule for it cost check recall.
    assert "ルノー" in persons(redactor, "ノルマンディー公ルノーは和睦を受け入れた。")


@pytest.mark.parametrize(("text", "names"), [
    # the answer to a name question: a trade word after the surname does not make it a firm
    # (speech recognition may have misheard the given name; unmasked before)
    ("お名前は鈴木化学さんです。", ["鈴木化学"]),
    ("名義は、えーと、山田楽器です。", ["山田楽器"]),
    # a firm addressed politely, a firm's name asked for, a legal form said: firms
    ("鈴木化学さんに発注した。", []),
    ("会社の名前は鈴木化学です。", []),
    ("お名前は株式会社鈴木化学です。", []),
])
def test_round9_a_name_answer_is_a_name_even_with_a_trade_word(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("prompt", "names"), [("お名前", ["鈴木化学"]), (None, []), ("会社の名前", [])])
def test_round9_the_question_before_the_turn_makes_it_a_name_answer(redactor, prompt, names) -> None:
    text = "鈴木化学さんです。"
    assert [text[e.start:e.end] for e in redactor.analyze(text, prompt=prompt) if e.type == "PERSON"] == names


@pytest.mark.parametrize(("text", "names"), [
    # who acts for someone in law is a person's agent (an unknown word: unmasked before)
    ("裁判所はマルテノの後見人に叔父を選んだ。", ["マルテノ"]),
    # a firm's agent, whatever the dictionary's readings of the firm's name: the firm stays visible
    ("トヨタの代理人が出廷した。", []),
    ("ソニーの代理人と交渉した。", []),
    ("アップルの代理人は反論した。", []),
])
def test_round9_an_agent_in_law_is_a_persons(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a foreign full name listed next to one the tagger tags as a name in every part is a name,
    # whatever the dictionary makes of its parts (リンゴ, スター: common words; unmasked before)
    ("ジョン・レノンとリンゴ・スターが共演した。", ["ジョン・レノン", "リンゴ・スター"]),
    # one tagged part is enough (ジョン; ブック is a common word)
    ("ジョン・ブックとリンゴ・スターが共演した。", ["ジョン・ブック", "リンゴ・スター"]),
    # a firm's head word, a band's article or a place among the parts: not a person
    ("ジョン・スミスとゼネラル・モーターズが契約した。", ["ジョン・スミス"]),
    ("ジョン・スミスとザ・ロック・バンドが共演した。", ["ジョン・スミス"]),
    ("ジョン・スミスとロンドン・ブリッジを見た。", ["ジョン・スミス"]),
    # no tagged name in the list, or not listed with it: nothing to go by
    ("ホワイト・ハウスとブルー・スカイが並ぶ。", []),
    ("ジョン・スミスはクール・ミントとブルー・スカイを好んだ。", ["ジョン・スミス"]),
])
def test_round10_a_foreign_full_name_listed_with_a_tagged_one(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a verbal noun glued to する is a deed, whatever names the dictionary lists it as (下野: masked before)
    ("大統領選でミッテランに敗北し下野したが、翌年に復帰した。", ["ミッテラン"]),
    ("1997年の選挙でコールが敗北し下野した後、シュレーダーが首相となった。", ["シュレーダー"]),
    # the surname itself before an honorific stays a name
    ("下野さんが来た。", ["下野"]),
])
def test_round10_a_verbal_noun_with_suru_is_no_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # one kanji GiNZA calls a person, a listed surname, a title glued after it (unmasked before)
    ("チームの井監督は記者会見で語った。", ["井"]),
    ("試合後、森監督も「よく戦った」と話した。", ["森"]),
    # the end of a compound or a prefix before a title: no surname
    ("副監督は記者会見で語った。", []),
    ("新監督が就任した。", []),
    ("総監督の方針に従った。", []),
])
def test_round10_a_one_kanji_surname_before_a_title(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a subject and its person-only predicate with a date and a place between them (longer than
    # the 25 characters a clause was read for before: unmasked before)
    ("ブルーマウンテンは1899年の冬にパリ近郊の小さな町の診療所において、結核で死去した。", ["ブルーマウンテン"]),
    ("ストーンハウスは1931年10月2日にマンチェスター市内の自宅において、静かに亡くなった。", ["ストーンハウス"]),
    # another subject in between: the deed is its, not the topic's
    ("ストーンハウスは1931年10月2日にマンチェスター市内の病院で院長が死去したと発表した。", []),
])
def test_round10_a_persons_deed_after_a_long_adverbial(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # an unknown katakana word a statement is attributed to (…によると / …によれば): unmasked before
    ("ヴァルネシエによると、その計画は1920年に始まった。", ["ヴァルネシエ"]),
    ("トゥルガノワによれば、その計画は失敗した。", ["トゥルガノワ"]),
    # an agency or a document the dictionary knows or GiNZA labels
    ("ロイターによると、その計画は失敗した。", []),
    ("ガイドラインによると、申請は不要である。", []),
    ("レポートによれば、売上は増えた。", []),
])
def test_round10_the_source_of_a_statement(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "name"), [
    # speech recognition puts a space after a sentence: the predicate before it is no half of a name
    ("すべての変更を受けたまわりました 内徹の成就から反映されます", "内徹"),
    ("かしこまりました 山田様のお名前をお願いいたします", "山田"),
])
def test_a_predicate_before_a_space_is_no_half_of_a_name(redactor, text: str, name: str) -> None:
    assert persons(redactor, text) == [name]


@pytest.mark.parametrize(("text", "names"), [
    # a katakana word GiNZA calls a person, listed with a name reading, as a subject or a list
    # member (unmasked before)
    ("その会談の後、フォードは記者団の質問に答えた。", ["フォード"]),
    ("グラントは翌朝、部隊を南へ進めた。", ["グラント"]),
    ("首相はチャーチルやアトリーとともに会議に出席した。", ["チャーチル", "アトリー"]),
    # the same words as firms: owned (の), joined (に), or after a maker's category and の
    ("フォードの新型車が売れた。", []),
    ("彼は卒業後フォードに入社した。", []),
    ("自動車メーカーのフォードと提携した。", []),
])
def test_round11_a_katakana_name_ginza_calls_a_person_as_an_actor(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a maker's or a publisher's category, then の: the firm itself (masked before)
    ("ゲーム会社のハドソンが開発した。", []),
    ("出版社のマクミランが刊行した。", []),
    # a team's or a band's member after の stays a name
    ("バンドのジョンが歌った。", ["ジョン"]),
    ("チームのハドソンが得点した。", ["ハドソン"]),
])
def test_round11_a_makers_category_and_no_before_a_katakana_word(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a name before a life only a person has (unmasked before)
    ("これは弥太郎生涯の大仕事であった。", ["弥太郎"]),
    ("この小説は漱石晩年の作品である。", ["漱石"]),
    # the life of no one named
    ("彼の生涯の仕事であった。", []),
    ("市の生涯学習センターで講演した。", []),
])
def test_round11_a_name_before_its_life(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # two kanji the tagger reads as a surname and a given name (unmasked before)
    ("西律が1985年に訪れた時には、古い井戸が残っていた。", ["西律"]),
    # two kanji not read so stay visible
    ("北進が1971年に調査した際には何もなかった。", []),
    ("西部が1971年に調査した際には何もなかった。", []),
])
def test_round11_two_kanji_tagged_as_a_full_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a given name in kana the tagger cut into pieces of no word (only the surname masked before)
    ("中川ゆ〜みが担当した。", ["中川ゆ〜み"]),
    ("デザインは田中カ〜ルが担当した。", ["田中カ〜ル"]),
    # an honorific, a particle or a copula after the surname is no part of the name
    ("田中さんが来た。", ["田中"]),
    ("田中かなと思った。", ["田中"]),
    ("山田ですが。", ["山田"]),
])
def test_round11_a_given_name_in_kana_pieces(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # one kanji tagged a surname, then a given name no dictionary lists (unmasked before)
    ("張秉稷は声明を出した。", ["張秉稷"]),
    # one kanji alone, or a surname's kanji starting a known word, is no name
    ("趙は声明を出した。", []),
    ("林業が盛んだ。", []),
])
def test_round11_a_one_kanji_surname_and_an_unlisted_given_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # an unknown foreign word one loses a bout to or beats (unmasked before)
    ("準決勝でマルシャノワに判定で敗れた。", ["マルシャノワ"]),
    ("初戦でクヴァラツヘリアを一本で破った。", ["クヴァラツヘリア"]),
    ("決勝ではドゥブロフスカヤに勝った。", ["ドゥブロフスカヤ"]),
    # clubs the dictionary knows or GiNZA labels
    ("決勝でバルセロナに敗れた。", []),
    ("初戦でユヴェントスを破った。", []),
    ("準決勝でレアル・マドリードに敗れた。", []),
])
def test_round11_an_opponent_in_a_bout(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a name before a title glued to a country's abbreviation or to 前/元 (unmasked before)
    ("ケネディ米大統領は演説で協力を求めた。", ["ケネディ"]),
    ("会見にはメルケル前首相も出席した。", ["メルケル"]),
    # a place or a firm before such a title is its office, not a name
    ("ナポリ前市長が来日した。", []),
    ("トヨタ元社長が講演した。", []),
    ("日本銀行前総裁が講演した。", []),
])
def test_round12_a_name_before_a_prefixed_title(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "name"), [
    # a full name the dictionary lists whole, or foreign parts all tagged as names, glued to a
    # credit (weighed otherwise before; 指揮 was no credit)
    ("「ゲゲゲの鬼太郎」は水木しげる原作のアニメ。", "水木しげる"),
    ("演奏はピエール・ブーレーズ指揮の楽団。", "ピエール・ブーレーズ"),  # (unmasked before)
])
def test_round12_a_credit_glued_to_a_whole_name(redactor, text: str, name: str) -> None:
    from redactor.pii.recognizers.person_evidence import weigh

    doc = redactor.nlp(text)
    branches = {doc[v.start:v.end].text: v.branch for v in weigh(doc)}
    assert branches.get(name) == "credit", branches
    assert name in persons(redactor, text)


@pytest.mark.parametrize("text", [
    # a credit after words that are no full name stays no person
    "オーケストラ指揮の経験がある。", "ロシア原作の映画が公開された。", "部隊指揮を執った。",
])
def test_round12_a_credit_after_no_name_is_no_person(redactor, text: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "names"), [
    # a Japanese full name GiNZA calls a person, alone in a quote: the name is spoken of
    # (unmasked before: a quote was always a work's title)
    ("初代は「佐藤ゆり子」と表記されていた。", ["佐藤ゆり子"]),
    ("「田中角栄」というペンネームで書いた。", ["田中角栄"]),
    # quoted titles stay works
    ("「東京物語」は名作だ。", []),
    ("「坊っちゃん」を読んだ。", []),
])
def test_round12_a_quoted_full_name_is_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a foreign name with 社 or 製 glued after it is the firm or its make (masked before)
    ("ヘンリー・フォード社の工場が完成した。", []),
    ("マイケル・ジョンソン社が販売した。", []),
    ("エンジンはウィリアム・ビアードモア製のものを載せた。", []),
    ("最後のジョン・ブラウン製の船が完成した。", []),
    # 社長, 社員 and a firm named apart leave the name a name
    ("ジョブズは会社を去った。", ["ジョブズ"]),
    ("スミス社員が来た。", ["スミス"]),
])
def test_round12_a_foreign_name_glued_to_sha_or_sei_is_a_firm(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a name, then a place or an organisation GiNZA names, then a title, all glued: whose
    # title it is (unmasked before)
    ("会談にはホーネッカー東ドイツ国家評議会議長が臨んだ。", ["ホーネッカー"]),
    ("会談の席でゴルバチョフソ連書記長が演説した。", ["ゴルバチョフ"]),
    ("演習には朴洙鎬朝鮮人民軍砲兵司令官らが立ち会った。", ["朴洙鎬"]),
    # a one-kanji surname and a given name no dictionary lists, before such a title (unmasked
    # before), and a piece the tagger split off before it (only 呂万 masked before)
    ("視察には韓徳洙国務院総理が同行した。", ["韓徳洙"]),
    ("会談には呂万建党中央委員会副委員長も同席した。", ["呂万建"]),
    # a firm or a shop named after someone, then a title: the firm's office, no name
    ("大倉組副頭取を務めた。", []),
    ("山田商店店長が来た。", []),
    ("松下電器産業社長に就いた。", []),
    ("本田技研工業社長に就いた。", []),
    ("ソニー銀行社長が語った。", []),
    ("彼は日本銀行総裁室長になった。", []),
    # a title's first kanji is not a piece of the name (董|事長 was masked before; 金正日 stays whole)
    ("上海の工場で董事長を務めた。", []),
    ("同国への寄付で金正日総書記の信頼を得た。", ["金正日"]),
])
def test_round13_a_name_before_an_organisation_and_its_title(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # one kanji the dictionary lists as a surname, glued before a two-kanji name GiNZA calls a
    # person: the surname the tagger read apart (only 鴻昌 masked before)
    ("4月に呂鴻昌は帰国した。", ["呂鴻昌"]),
    ("その後、曹鴻昌が後を継いだ。", ["曹鴻昌"]),
    # a title's kanji or a former/new mark before a name is no surname
    ("市長の前田中が語った。", ["田中"]),
    ("会場で旧山田と会った。", ["山田"]),
    # (a king's title glued after a place is no surname either; 副書記の王金華 is Wang Jinhua, the real
    # set's gold: tests/test_person.py round18)
    ("琉球王尚寧が薩摩に赴いた。", ["尚寧"]),
])
def test_round13_a_one_kanji_surname_read_apart(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "name"), [
    # a calling GiNZA does not label, then の, before a foreign full name: a title before it
    # (the name was weighed before, not read as titled)
    ("彼はドラマーのヨルマ・ハッキネンとも知り合いになった。", "ヨルマ・ハッキネン"),
    ("その後、ベーシストのアンティ・ラークソと組んだ。", "アンティ・ラークソ"),
])
def test_round13_a_calling_before_no_makes_a_title(redactor, text: str, name: str) -> None:
    from redactor.pii.recognizers.person_evidence import weigh

    doc = redactor.nlp(text)
    branches = {doc[v.start:v.end].text: v.branch for v in weigh(doc)}
    assert branches.get(name) == "title", branches
    assert persons(redactor, text) == [name]


@pytest.mark.parametrize(("text", "names"), [
    # a calling before what is no name stays no person
    ("ドラマーのスティックが折れた。", []),
    ("彼は作曲家の作品を演奏した。", []),
    # GiNZA's firm label over a player's position and the name is the name's own (unmasked before)
    ("ボールにMF野口直輝がスルーパスを送った。", ["野口直輝"]),
    ("MF部門で表彰された。", []),
])
def test_round13_a_calling_or_a_position_before_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # 候補 (an election's candidate) after a name is a title (unmasked before)
    ("山田候補が演説した。", ["山田"]),
    ("趙炳玉候補が演説した。", ["趙炳玉"]),
    ("朴興植候補が当選した。", ["朴興植"]),
    # a one-kanji surname GiNZA calls a person though the tagger reads it as a common noun,
    # then a given name no dictionary lists (unmasked before)
    ("尹炳善候補が演説した。", ["尹炳善"]),
    # after no name it stays a common word
    ("優勝候補のチームが敗れた。", []),
    ("大統領候補が演説した。", []),
    ("新人候補が当選した。", []),
    ("トヨタ候補が選ばれた。", []),
    ("アメリカ候補地が決まった。", []),
])
def test_round13_a_candidate_for_election_is_a_title(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a name only a person has besides the one used (本名, 旧姓, 芸名, 幼名) makes the word before
    # の a person: known common words and a place's name (ホワイト, ランス) were not masked before
    ("作家のマイク・ホワイトの旧姓はグリーンだった。", ["マイク・ホワイト"]),
    ("ランスの幼名はピエールといった。", ["ランス", "ピエール"]),
    ("俳優のジム・ベイカーの本名はジェームズである。", ["ジム・ベイカー", "ジェームズ"]),
    # the word glued into a compound (旧姓欄, 旧姓併記, 本名義) is no person's name
    ("申込書の旧姓欄に記入してください。", []),
    ("パスポートの旧姓併記を申請した。", []),
    ("会社の本名義で契約した。", []),
])
def test_round14_a_real_or_former_name_belongs_to_a_person(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# JMnedict's katakana words (#10 round 15: redactor/pii/data/jmnedict_katakana.tsv, built by
# benchmarks/build_names_lexicon.py): what a name names, as EDRDG classifies it.
@pytest.mark.parametrize(("word", "only_person", "only_firm"), [
    ("マイケル", True, False),  # masc
    ("ケネディ", True, False),  # surname
    ("トヨタ", False, True),  # company
    ("カージナルス", False, True),  # organization (a club)
    ("マクドナルド", False, False),  # a surname and a firm: either
    ("ニューヨーク", False, False),  # a place: neither (places are often named after people)
    ("ゼンゼンナイナマエ", False, False),  # not listed
])
def test_round15_jmnedict_says_what_a_katakana_name_names(word: str, only_person: bool, only_firm: bool) -> None:
    from redactor.pii.lexicon import names

    found = names(word)
    assert (found.only_person, found.only_firm) == (only_person, only_firm)


def test_round15_jmnedict_lexicon_keeps_a_persons_parts_not_a_firms() -> None:
    from benchmarks.build_names_lexicon import build

    lexicon = build([("ジョン＝スミス", frozenset({"person"})),
                     ("ロサンゼルス・ドジャース", frozenset({"organization"})),
                     ("東京", frozenset({"place"})), ("スミス", frozenset({"surname"}))])
    assert lexicon == {"ジョン・スミス": {"person"}, "ジョン": {"person"}, "スミス": {"person", "surname"},
                       "ロサンゼルス・ドジャース": {"organization"}}


def test_round15_jmnedict_lexicon_carries_its_attribution() -> None:
    from pathlib import Path

    import redactor.pii.lexicon as lexicon

    data = Path(lexicon.__file__).with_name("data")
    head = (data / "jmnedict_katakana.tsv").read_text(encoding="utf-8")[:2000]
    assert "EDRDG" in head and "CC BY-SA" in head
    assert "CC BY-SA" in (data / "NOTICE.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "names"), [
    # a katakana word SudachiPy knows as a common noun (peel, lobby, mint) that JMnedict lists only
    # as a person's name, as the subject of what a person says, thinks or lives through: unmasked before
    ("ピールはその年に新しい製法を考えた。", ["ピール"]),
    ("ロビーは記者団に経緯を語った。", ["ロビー"]),
    ("ミントは会議で増税を主張した。", ["ミント"]),
    # a firm, a product, a place (JMnedict: company, product, place) with the same predicates
    ("トヨタは記者会見で新型車について語った。", []),
    ("プレイステーションは多くの注目を集めた。", []),
    ("ニューヨークは多くの観光客が訪れる。", []),
    # JMnedict's unclassified names hold common words: no name by that listing alone
    ("アイドルは舞台で歌った。", []),
    ("センターは方針を述べた。", []),
    ("ライターは記事を書いた。", []),
    # what a person is (a star, a junior, a forward), listed as names too, and what bodies and
    # things do as often as people (支持, 反対, 救う, 知られる)
    ("スターは会見で引退を語った。", []),
    ("ジュニアは大会への出場を支持した。", []),
    ("フォワードは監督の指示に反対した。", []),
    ("アートは人々の心を救う。", []),
    ("ナイフは職人が描いた模様で知られる。", []),
    # what a person says or asks for after の (a place SudachiPy reads, GiNZA's person: ブライ)
    ("ブライの提案は退けられた。", ["ブライ"]),
    ("ロビーの発言が問題になった。", ["ロビー"]),
    ("ミントの主張は通らなかった。", ["ミント"]),
    # a country, a firm, a body, a compound after the noun (提案書, 要求水準)
    ("フランスの提案は採択された。", []),
    ("フランスは会議で反対を主張した。", []),
    ("トヨタの提案は採用された。", []),
    ("カージナルスは声明で方針を述べた。", []),  # a club (JMnedict: organization)
    ("ユベントスの要求は退けられた。", []),
    ("センターの指示に従ってください。", []),
    ("ロビーの提案書を読んだ。", []),
    ("シーズンの要求水準は高い。", []),
    # a title or a kinship word glued before it (母サリー, 監督ロビー); a firm's office and a lobby
    # after a title stay what they are
    ("彼女は母サリーと暮らした。", ["サリー"]),
    ("監督ロビーと話した。", ["ロビー"]),
    ("店長ロビーで待機してください。", []),
    ("専務シーズンの予定です。", []),
])
def test_round15_a_name_jmnedict_lists_acts_as_a_person(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# JMnedict's kanji full names of people (#10 round 17: redactor/pii/data/jmnedict_full_names.txt):
# sentences of the studied real sets (dev, dev2, dev3; CC BY-SA 3.0, benchmarks/real/README.md),
# shortened.  Each name was missed or cut before: the parse splits it into common words (文|鮮明,
# 横山|剣: a sword) or reads part of it as something else (金正|恩).
@pytest.mark.parametrize(("text", "names"), [
    ("1967年に文鮮明が「世界反共連合を設立するため」に来日した。", ["文鮮明"]),
    ("クレイジーケンバンドの横山剣が率いるバンドの別動隊として活動した。", ["横山剣"]),
    ("当時の言葉遣いから大伴旅人は呉音で読むことを想定した。", ["大伴旅人"]),
    ("金正恩第一書記から花輪が贈られた。", ["金正恩"]),  # the title after it stays visible
    ("引退試合を控えたアントニオ猪木と公開スパーリングを行った。", ["アントニオ猪木"]),
])
def test_round17_a_full_name_the_dictionary_lists_is_masked_whole(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# The same names heading a compound, a firm's name or a work's title name the thing, not the person.
@pytest.mark.parametrize("text", [
    "加藤健一事務所「夢一夜」に出演した。",
    "設計を隈研吾都市設計事務所が担当した。",
    "芝居「詩人・中原中也の世界」を上演した。",
])
def test_round17_a_listed_full_name_inside_a_things_name_stays(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_round17_the_full_name_list_holds_people_only() -> None:
    from pathlib import Path

    import redactor.pii.lexicon as lexicon
    from redactor.pii.lexicon import full_name

    assert full_name("大伴旅人") and full_name("横山剣") and full_name("金正恩")
    # places, bodies and words SudachiPy lists whole as something else are left out when built
    assert not any(full_name(word) for word in ("河内長野", "新選組", "浄土真宗", "大伴", "旅人", ""))
    head = (Path(lexicon.__file__).with_name("data") / "jmnedict_full_names.txt").read_text(encoding="utf-8")[:2000]
    assert "EDRDG" in head and "CC BY-SA" in head


def test_round17_full_name_list_is_built_from_people_only() -> None:
    from benchmarks.build_names_lexicon import full_names

    assert full_names([("大伴旅人", frozenset({"person"})), ("大伴旅人", frozenset({"masc"})),
                       ("河内長野", frozenset({"person"})),  # SudachiPy lists it as a place
                       ("蒼国来栄吉", frozenset({"person"})), ("豊田喜一郎", frozenset({"person", "company"})),
                       ("赤報隊", frozenset({"person"})), ("山田", frozenset({"surname"})),
                       ("マイク・タイソン", frozenset({"person"})), ("田中2世", frozenset({"person"})),
                       ("皇太子殿下", frozenset({"person"})), ("劇団民藝", frozenset({"person"}))]) == [
        "大伴旅人", "蒼国来栄吉"]


# A firm's word (ネット) ending the last part of a foreign full name is the name's (it masked nothing).
def test_round17_a_firm_word_ending_a_foreign_chain_is_part_of_the_name(redactor) -> None:
    text = "原作はフランシス・ホジソン・バーネットの「小公女」。"
    assert persons(redactor, text) == ["フランシス・ホジソン・バーネット"]
    assert persons(redactor, "ソラネットの料金について伺います。") == []


# A word the tagger calls a counter-capable noun (ケルビン: 名詞-普通名詞-助数詞可能) is no numeral: "数詞"
# matched inside "助数詞可能", and a foreign full name defined as a person was masked nowhere (dev3).
def test_round17_a_counter_capable_word_in_a_defined_name_is_no_numeral(redactor) -> None:
    assert persons(redactor, "ケルビン・ウー・キン・シウは香港の投資家、実業家。") == ["ケルビン・ウー・キン・シウ"]


# Round 18. A name the parse cut inside one word is masked as the whole word: a part left
# visible (王 of 王金華, 則 of 則巻千兵衛) gives the person away (real sets dev3, pieces of the sentences).
@pytest.mark.parametrize(("text", "names"), [
    ("中国共産党・蘇州市委員会副書記の王金華と会見した。", ["王金華"]),
    ("自称天才科学者の則巻千兵衛を主役にしようと考えていた。", ["則巻千兵衛"]),
    ("少女アンドロイドの則巻アラレを主役にし、千兵衛は脇役にした。", ["則巻アラレ", "千兵衛"]),
    ("大統領府に提出し、ナポリターノ大統領の立ち会いの下に宣誓式を執り行った。", ["ナポリターノ"]),
    ("水族館の運営に詳しい平田包定が、移設を提唱。", ["平田包定"]),
    ("この発射実験には最高指導者の金正恩党委員長の他、李万建党中央委員会副委員長が立ち会った。",
     ["金正恩", "李万建"]),
    ("家族の再登 たかしの分もお願いしたいんです。", ["再登 たかし"]),  # the dev corpus' d0792
])
def test_round18_a_name_cut_inside_a_word_is_masked_whole(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# … but not over kin, a time word, a team's place, a title, a suffix or an honorific prefix glued to it.
@pytest.mark.parametrize(("text", "names"), [
    ("ハワイに常駐していた光郎の弟俊介が帰国した。", ["光郎", "俊介"]),
    ("ある日梅原と香苗さんの策略により、二人は出会う。", ["梅原", "香苗"]),
    ("木村拓也プラス金銭で広島長冨浩志とのトレードを行った。", ["木村拓也", "長冨浩志"]),
    ("琉球の尚寧王は家康を警戒した。", ["尚寧", "家康"]),
    ("女子ダブルスの藤井瑞希・垣岩令佳組の銀メダル。", ["藤井瑞希", "垣岩令佳"]),
    ("日本代表本田圭佑が語った。", ["本田圭佑"]),
])
def test_round18_the_whole_word_stops_at_what_is_no_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# A given name GiNZA calls a person's, ending with a kanji places end with (道), before a title
# (dev3: 神直道少佐 was read as a place's office); a Latin full name after a role (dev3).
@pytest.mark.parametrize(("text", "names"), [
    ("第32軍航空担当参謀の神直道少佐によれば後任の牛島は悠々としていた。", ["神直道", "牛島"]),
    ("クイーンズ・ホールで初演され、ソリストのTheodor Szantoの華麗さに称賛が集まった。", ["Theodor Szanto"]),
])
def test_round18_a_name_before_or_after_a_title(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "プライベート・レーベルのTomato Recordsから500枚限定のシングルをリリース。",  # dev3: a label
    "国民政府では、1927年5月2日に福建省政府委員に任命された。",  # dev: a body's office
])
def test_round18_a_body_before_a_title_stays(redactor, text: str) -> None:
    assert persons(redactor, text) == []


# A kana given name after a surname, when GiNZA's person span already holds its first piece (dev2).
def test_round18_a_kana_given_name_completed_after_ginzas_span(redactor) -> None:
    assert persons(redactor, "1940年、6月9日、中山ちゑが青森県の知人宅で体調を崩し、急死。") == ["中山ちゑ"]


# A topic that the sentence ends by saying acted, not a thing a first clause defines (dev3: 映画、 was
# read as "佐藤 is a film"); 演じ's dictionary form is 演ずる, so 演じる was matched nowhere before.
def test_round18_a_topic_that_acted_is_no_thing(redactor) -> None:
    text = ("佐藤は後年の「ドラゴンボール改」以後の映画、及び「ドラゴンボール超」で"
            "正式にレギュラーに就任して亀仙人役を演じている。")
    assert persons(redactor, text)[:1] == ["佐藤"]


def test_round18_a_verbs_written_form_matches_its_dictionary_form(redactor) -> None:
    from redactor.pii.recognizers.person_context import _lemma_in

    doc = redactor.nlp("役を演じている。")
    assert doc[2].lemma_ == "演ずる" and _lemma_in(doc[2], frozenset({"演じる"}))
    assert not _lemma_in(doc[0], frozenset({"演じる"}))


# A name inside quoted speech (…や」と) is spoken of, not a work's title (dev3).
def test_round18_a_name_in_quoted_speech_is_no_title(redactor) -> None:
    assert persons(redactor, "岡田社長が「やっぱり岩下に戻そうや」と鶴の一声を発した。") == ["岡田", "岩下"]
    assert persons(redactor, "「岩下」は彼女の代表作である。") == []


# A people's name + 人 before the name is what the person is (dev3: ユダヤ人のガントマッハー), like 日本人の.
def test_round18_a_demonym_before_a_name_is_a_calling(redactor) -> None:
    from redactor.pii.recognizers.person_context import is_calling

    text = "ユダヤ人のガントマッハーは1914年、ウクライナからニューヨークに移民する。"
    assert persons(redactor, text) == ["ガントマッハー"]
    assert is_calling("アメリカ人") and is_calling("少年") and not is_calling("アメリカ")
    assert persons(redactor, "女性のファッションが変わった。") == []


# Review of round 18 (call-centre forms): a short kana name taken in quotes may end like speech
# (や, わ); a pronoun glued before a surname is no piece of it; 方 / 宛 after a name is the address's
# wording; a kana given name cut by the tagger is completed before an honorific too.
@pytest.mark.parametrize(("text", "names"), [
    ("「あや」と名乗る女性から電話がありました。", ["あや"]),
    ("「みわ」と名乗った。", ["みわ"]),
    ("僕佐藤ですけど。", ["佐藤"]),
    ("俺山田だけど、昨日の件で。", ["山田"]),
    ("山田太郎方に送付してください。", ["山田太郎"]),
    ("中山ちゑさんからお電話です。", ["中山ちゑ"]),
])
def test_round18_review_call_forms(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# A Chinese or Korean full name the tagger split into words it knows and does not (dev3): after a
# title and の (大使の韓|丙|起), or GiNZA's person of three kanji with a listed one-kanji surname (金斗|鎔).
@pytest.mark.parametrize(("text", "names"), [
    ("朴正煕の軍人時代の副官で元カナダ大使の韓丙起は、在玉の夫で義兄に当たる。", ["朴正煕", "韓丙起"]),
    ("金斗鎔は、労働者独自の運動に戻り、「労働者は祖国を持たない」と主張した。", ["金斗鎔"]),
])
def test_round19_a_cjk_full_name_split_by_the_tagger(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text)[:len(names)] == names


@pytest.mark.parametrize("text", [
    "社長の森林保護の方針が決まった。", "会長の金言を胸に刻む。", "部長の方針が変わった。",
])
def test_round19_a_title_before_common_words_stays(redactor, text: str) -> None:
    assert persons(redactor, text) == []


# Call-centre forms (warnings sets written by others): a one-kanji surname before 様 or after 担当の
# is the name the call uses (林様, 給与担当の森です); a child's kana name before ちゃん / くん whole.
@pytest.mark.parametrize(("text", "names"), [
    ("林様、確認できました。修理代は一万四千三百円です。", ["林"]),
    ("森様のご住所を確認いたします。", ["森"]),
    ("はい、ワークブリッジ人材サービス、給与担当の森です。", ["森"]),
    ("担当の関でございます。", ["関"]),
    ("こちら泉です。", ["泉"]),
    ("名義は森でお願いします。", ["森"]),
    ("さくらちゃんですね、ありがとうございます。", ["さくら"]),
    ("母のゆうとくんが熱を出しまして。", ["ゆうと"]),
    ("小林ひまりちゃんですね。ひまりちゃんは卵アレルギーの登録があります。", ["小林ひまり", "ひまり"]),
])
def test_round19_call_forms_of_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    "神様にお願いしました。", "王様のような扱いでした。", "お客様のご住所を確認します。",
    "領収書は上様でお願いします。",
    "担当の方です。", "担当の件です。", "皆様、こんにちは。", "こちら東口です。",
    "最近メールがたくさん来るんですけど。", "鍵ができたらちゃんと消してもらえるんですか？",
    "あのね、うちのじいちゃん、夜は酸素を吸ってるもんで。", "おばあちゃんが来ました。", "ほんだか、ありがとさん。",
    "東京オリンピックをはさんで大ヒットした。",
])
def test_round19_words_that_take_an_honorific_stay(redactor, text: str) -> None:
    assert persons(redactor, text) == []


# Katakana words no dictionary knows whose word vector sits among names (#10 round 20:
# redactor/pii/data/vector_name_words.txt, built by benchmarks/build_vector_names.py from ja_ginza's
# pruned chiVe vectors): a name reading, as a dictionary's would be.  From the studied real sets
# (dev2, dev3), unmasked before.
@pytest.mark.parametrize(("text", "names"), [
    ("投降前、ペトレイアスはスルターン・ハーシムに手紙を送り、「将軍の名誉のために」米軍に拘束されるのでは無く、"
     "投降するよう訴えた。", ["ペトレイアス", "スルターン・ハーシム"]),
    ("浅間神社の祭神がコノハナノサクヤビメとなった経緯としては、コノハナノサクヤビメの出産に関わりがあるとされ、"
     "火中出産から「火の神」とされることがある。", ["コノハナノサクヤビメ", "コノハナノサクヤビメ"]),
    ("ロンドンに帰還したクロウリーは、ファーたちにメイザースの昇格決定に従うよう要求した。",
     ["クロウリー", "メイザース"]),
])
def test_round20_an_unknown_word_clustered_with_names(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize("text", [
    # words the dictionary knows stay words, whatever their vector's neighbours (football players,
    # a coup's leaders)
    "ポジションはディフェンダー。",
    "1980年には軍事クーデターが起こり、二院制が一院制に変わった。",
    # an unknown word in a cluster of firms is no name (スリーコム sits with IBM and レノボ)
    "スリーコムの新製品が発表された。",
])
def test_round20_words_among_other_words_stay(redactor, text: str) -> None:
    assert persons(redactor, text) == []


def test_round20_vector_name_words_are_unknown_katakana_and_reproducible(redactor) -> None:
    from pathlib import Path

    import redactor.pii.lexicon as lexicon
    from benchmarks.build_vector_names import words

    data = Path(lexicon.__file__).with_name("data")
    text = (data / "vector_name_words.txt").read_text(encoding="utf-8")
    shipped = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(shipped) > 5_000 and shipped == sorted(shipped)
    assert all(len(w) >= 3 and all("ァ" <= c <= "ヴ" or c == "ー" for c in w) for w in shipped)
    assert not any(lexicon.entry(w).known for w in shipped[::50])
    assert lexicon.near_names("ペトレイアス") and not lexicon.near_names("グラント")  # グラント: SudachiPy knows it
    assert "chiVe" in text[:1000] and "Apache" in text[:1000] and "vector_name_words.txt" in (
        data / "NOTICE.txt").read_text(encoding="utf-8")
    # the shipped list is what the build script makes from the installed model's vectors
    assert words(redactor.nlp, 0.6, 3) == shipped


# Call-centre phrasing (#10 round 20): a word glued before a surname is no piece of the name —
# ただ今 / 只今 (SudachiPy reads 只|今田中 and lists 今田中 as a surname), 次, 各 — nor 宛 / 方 after it.
@pytest.mark.parametrize(("text", "names"), [
    ("ただ今田中は席を外しております。", ["田中"]),
    ("只今田中が参ります。", ["田中"]),
    ("ただ今鈴木は外出中です。", ["鈴木"]),
    ("次田中さんどうぞ。", ["田中"]),
    ("各田中さんに連絡します。", ["田中"]),
    ("田中宛にお送りします。", ["田中"]),
    ("鈴木方に届けます。", ["鈴木"]),
    # a surname that begins with one of those kanji stays whole
    ("今井田さんです。", ["今井田"]),
    ("今村さんと今野さん。", ["今村", "今野"]),
    ("今東光は小説家。", ["今東光"]),
    ("次郎さんです。", ["次郎"]),
])
def test_round20_a_word_glued_to_a_surname_is_no_piece_of_it(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# The answer after a name cue (#10 round 20, probing call phrases): the copula's で is no piece of
# the name (名義は山田で、… was masked 山田で), and who holds the account is no name (名義は父で、
# 契約者は母です, 名義は父の名前で were masked 父で, 母, 名前で).  A kana name may end in で (かえで).
@pytest.mark.parametrize(("text", "names"), [
    ("名義は山田で、番号は090-1234-5678です。", ["山田"]),
    ("お名前は田中で、生年月日は昭和50年です。", ["田中"]),
    ("名義は父で、岡田茂です。", ["岡田茂"]),
    ("名義は父の名前で、岡田茂です。", ["岡田茂"]),
    ("名義は主人です。", []),
    ("契約者は母です。", []),
    ("名義はかえでです。", ["かえで"]),
    ("契約者は母の高橋恵子です。", ["高橋恵子"]),
    ("契約者は私です。", []),
    ("お名前は結構です。", []),
    ("お名前はわたなべです。", ["わたなべ"]),
    ("お名前はまだです。", []),
])
def test_round20_a_name_cues_answer(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("住所は東京都世田谷区三軒茶屋1-2-3、田中方です。", ["田中"]),
    ("カタカナでリンと申します。", ["リン"]),
    ("ひらがなでかえでと申します。", ["かえで"]),
    ("もしもし山田花粉", ["山田花粉"]),  # a garbled given name after a surname stays the name's
])
def test_round20_words_around_a_name_in_a_call(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# A firm or a trade addressed with an honorific is no person (callers say ドコモさん, 八百屋さん):
# a word the dictionaries know with no personal-name reading, or a common noun in 屋.
@pytest.mark.parametrize(("text", "names"), [
    ("ドコモさんの回線です。", []),
    ("ソフトバンクさんに乗り換えます。", []),
    ("アマゾンさんから届きました。", []),
    ("八百屋さんで買いました。", []),
    ("郵便屋さんが来ました。", []),
    ("追加の一名様分、六千五百円です。", []),
    ("二名様でご予約ですね。", []),
    ("撮影のあとは住吉大社さんへ参拝に行かれるプランですね。", []),
    ("振込先は、ひばり銀行本店営業部の当座預金でございます。", []),
    # people's names stay names, in 屋 too, and foreign ones the dictionary lists as names
    ("椎名様です。", ["椎名"]),
    ("サポートセンターの鈴木でございます。", ["鈴木"]),
    ("担当の意図でございます。", ["意図"]),  # a name speech recognition garbled, in the agent's slot
    ("土屋さんに連絡しました。", ["土屋"]),
    ("古屋さんです。", ["古屋"]),
    ("グエンさんとナンシーさんが来ました。", ["グエン", "ナンシー"]),
    ("パクさんです。", ["パク"]),
])
def test_round20_a_business_addressed_politely(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# --- round 21: a common word before an honorific is no name in written text, a possible one in speech --

_WORDS_ADDRESSED = [
    ("工房さんで作りました。", "工房"),
    ("その名簿って、ほかの団員さんにも配られたりするんですか。", "団員"),
    # the sample call's live demo hears 山田様 as 移動さま, its words at 0.64-0.99
    ("移動さまですね、ご登録のお電話番号をお願いします。", "移動"),
]


@pytest.mark.parametrize(("text", "word"), _WORDS_ADDRESSED)
def test_round21_a_common_word_addressed_is_visible_in_written_text(redactor, text: str, word: str) -> None:
    assert persons(redactor, text) == []


@pytest.mark.parametrize(("text", "word"), _WORDS_ADDRESSED)
def test_round21_a_common_word_addressed_is_masked_in_a_transcript(redactor, text: str, word: str) -> None:
    """Speech recognition garbles names into common words with high word probabilities, so in
    a transcript the word before the honorific stays masked."""
    assert persons(redactor, text, heard=True) == [word]


@pytest.mark.parametrize(("text", "names"), [
    # an occupation GiNZA labels so (Position_Vocation) is no garbled name, heard or written
    ("ほかの生徒さんにも聴かれるんですか。", []),
    ("ケアマネさんに相談しました。", []),
    ("獣医さんに診てもらいました。", []),
    ("インストラクターさんが来ます。", []),
    ("植物園のほかの職員さんも見られるんですか。", []),
    ("鈴木さんに連絡しました。", ["鈴木"]),
    ("椎名様です。", ["椎名"]),
    ("ドコモさんの回線です。", []),  # a firm JMnedict lists is no name, heard or written
    ("八百屋さんで買いました。", []),
    ("二名様でご予約ですね。", []),
])
def test_round21_names_and_firms_read_alike_heard_or_written(redactor, text: str, names: list[str]) -> None:
    for heard in (False, True):
        assert persons(redactor, text, heard=heard) == names, heard


def test_round21_the_conversation_hears_a_transcript_by_its_words(engine) -> None:
    """A turn that comes with the recogniser's words (live, batch) is a transcript; a typed one
    (``redactor text``) is not: the one engine decides the same word both ways."""
    from redactor.asr.engine import Word

    text = "移動さまですね、ご登録のお電話番号をお願いします。"
    words = [Word(ch, i * 0.1, i * 0.1 + 0.1, 0.9) for i, ch in enumerate(text)]
    heard = engine.conversation("heard", "general_support").turn(text, "agent", start=1.0, end=3.0, words=words)
    typed = engine.conversation("typed", "general_support").turn(text, "agent", start=1.0, end=3.0)
    assert [text[e.start:e.end] for e in heard.entities if e.type == "PERSON"] == ["移動"]
    assert "移動" not in heard.text
    assert [e.type for e in typed.entities if e.type == "PERSON"] == []
    assert typed.text.startswith("移動さま")


def test_round21_a_partial_masks_what_its_final_transcript_masks(redactor) -> None:
    """A partial is speech too: it must not show the word its final version masks."""
    from redactor.stream.partial import partial_view

    text = "その名簿って、ほかの団員さんにも配られたりするんですか。"
    view = partial_view(redactor, text)
    assert "団員" not in view.text


# One list of kinship words (person_context.KIN) for the parse's evidence, the relations after a
# name and a name cue's answer: the answer knew only 16 of them (名義は長男で was masked 長男).
@pytest.mark.parametrize(("text", "names"), [
    ("名義は長男です。", []),
    ("契約者は叔母です。", []),
    ("名義は孫の佐藤翔太です。", ["佐藤翔太"]),
    ("契約者は義母の高橋恵子です。", ["高橋恵子"]),
    ("契約者は母の高橋恵子です。", ["高橋恵子"]),
])
def test_round21_a_relative_answering_a_name_cue(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


def test_round21_a_common_word_answering_a_name_cue_is_a_name_written_too(redactor) -> None:
    """The name cue vouches for the word (the dev corpus's garbled 意図様), heard or written."""
    text = "お名前は意図様でよろしいですか。"
    for heard in (False, True):
        assert [text[e.start:e.end] for e in redactor.analyze(text, heard=heard)] == ["意図"], heard


# --- round 22: one word only the dictionaries call a name is no name in a transcript --
# Real sentences read by real people (benchmarks/real/speech, Common Voice and FLEURS clips), as
# whisper-base heard them, and the repository's call texts: a sound the recogniser could not
# place comes out as a rare word that a dictionary reads as a name, with no honorific, cue or
# self-introduction to vouch for it.

@pytest.mark.parametrize(("text", "word"), [
    ("平化は議会で私の考えをそれとなく避難されました。", "平化"),  # 陛下は議会で (Common Voice)
    ("ワシントの内部関係者と思われるジンブスと、", "ワシント"),  # ワシントンの内部関係者 (FLEURS)
    ("やっぱりおばけは有礼じゃないんだ。", "有礼"),  # お化けや幽霊じゃないんだ (Common Voice)
    ("親父がパーキンソンでよ、足がもうほとんど前さ出ねえから。", "パーキンソン"),  # an illness (GiNZA: a disease)
    ("保険証とかマイナの番号も言ったほうがいい系？", "マイナ"),  # マイナンバー, shortened
    ("フォトラボ光陽、現像受付の荒木です。", "光陽"),  # a shop's name before the agent's
])
def test_round22_a_word_only_the_dictionaries_call_a_name_is_no_name_heard(redactor, text: str, word: str) -> None:
    heard = persons(redactor, text, heard=True)
    assert word not in heard
    assert word in persons(redactor, text)  # written text keeps the rules' reading (real-text figures)


@pytest.mark.parametrize(("text", "names"), [
    # surnames heard bare are the usual names of a call: the tagger reads or lists them as surnames
    ("三宅です、三宅由美子。", ["三宅", "三宅由美子"]),
    ("岡田や。岡田トシ子。", ["岡田", "岡田トシ子"]),
    ("岡田が折り返しご連絡します。", ["岡田"]),
    ("宮崎です、宮崎大輔", ["宮崎", "宮崎大輔"]),  # a surname that is a place too
    ("名前は安田、電話は0299-82-4410です。", ["安田"]),
    ("息子の健太が申し込みました。", ["健太"]),  # a given name GiNZA calls a person too
    ("健太が申し込みました。", ["健太"]),
    ("フォトラボ光陽、現像受付の荒木です。", ["荒木"]),
    ("ジョンさんが来ました。", ["ジョン"]),  # an honorific vouches for a katakana name
    ("ジョンが来ました。", ["ジョン"]),  # both readings call it a name (人名, GiNZA's Person)
    ("マイケルが電話に出ます。", ["マイケル"]),
    # a whole full name the tagger knows as one word, whatever GiNZA's label (real text, dev parts)
    ("1943年に、ネルソン・マンデラやオリバー・タンボと共に、ANC青年同盟に加入する。",
     ["ネルソン・マンデラ", "オリバー・タンボ"]),
    ("小池百合子・石破茂・西川太一郎らが離反した。", ["小池百合子", "石破茂", "西川太一郎"]),
    ("お名前はワシントさまでよろしいですか。", ["ワシント"]),  # so does a name cue
])
def test_round22_names_heard_bare_stay_masked(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text, heard=True) == names


def test_round22_the_conversation_drops_it_from_a_transcript_only(engine) -> None:
    """The turn with the recogniser's words is a transcript; the typed turn keeps the rules' reading."""
    from redactor.asr.engine import Word

    text = "平化は議会で私の考えをそれとなく避難されました。"
    words = [Word(ch, i * 0.1, i * 0.1 + 0.1, 0.9) for i, ch in enumerate(text)]
    heard = engine.conversation("heard22", "general_support").turn(text, "customer", start=1.0, end=3.0, words=words)
    typed = engine.conversation("typed22", "general_support").turn(text, "customer", start=1.0, end=3.0)
    assert [e for e in heard.entities if e.type == "PERSON"] == []
    assert heard.text == text
    assert [text[e.start:e.end] for e in typed.entities if e.type == "PERSON"] == ["平化"]


# --- round 23: a title glued after a foreign full name ends the name --
# A Latin title (CEO) matched the chain's Latin-word pattern and was read as part of the name
# (ニック・フライCEO), which GiNZA's labels then outweighed: the name and its title both went.
@pytest.mark.parametrize(("text", "names"), [
    ("支援を受けるホンダF1のニック・フライCEO、及びホンダ本社の", ["ニック・フライ"]),  # real text, dev3
    ("アップルのティム・クックCEOは語った。", ["ティム・クック"]),
    ("ジョン・スミス社長は語った。", ["ジョン・スミス"]),
    ("トヨタCEOが語った。", []),  # a firm's title, no name
    ("同社のCEOに就任した。", []),
])
def test_round23_a_title_glued_after_a_foreign_name_ends_it(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names


# A quoted line that names someone with a title (a cheer, a headline) is no work's title: the name
# in it is a person's (real text, dev3).  A quote that holds a name alone was already kept.
@pytest.mark.parametrize(("text", "names"), [
    ("実況の「瀧本誠選手出る!!」といったシーン", ["瀧本誠"]),
    ("「赤木まり子」と表記されることもある。", ["赤木まり子"]),
])
def test_round23_a_full_name_with_a_title_in_a_quote_is_a_name(redactor, text: str, names: list[str]) -> None:
    assert persons(redactor, text) == names
