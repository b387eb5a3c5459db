"""Evidence for PERSON: a name is masked when the parse supports it, not because a word might be one.

Candidates come from GiNZA's parse of the text (a spaCy ``Doc``):

- runs of tokens SudachiPy tags as personal names (名詞-固有名詞-人名-姓/名/一般), or that its
  dictionary lists only as names (``redactor.pii.lexicon``: the tag is one reading in context);
- GiNZA's ``Person`` entities (Sekine's extended named-entity labels);
- name shapes from the dictionary: a listed surname + the kanji of a given name (林文察), katakana
  words joined by ・/＝ with a part the dictionary does not know (ビル・ロマス), an unknown
  katakana word as a subject or as the source of a statement (シャマランは, エヴァニエによると), a
  listed name before a family word (クレーマー家);
- words next to a list's joiner, which become names only when the list holds a name (真田、佐渡;
  a katakana word too: ジェニー、ハニー、ロイ);
- an unknown katakana word before a person-only suffix or a title, or after a title and の/・
  (…亡き後, …夫妻, …伯爵, デザイナーの…), a Latin word after a title and の.

Each candidate is first made whole: a foreign name joined by ``・``/``＝`` (マット・ケイン,
ジャン=マリー・ルブリ) is one name, a kanji name continues over the single kanji SudachiPy
splits off (片山英木), a regnal number belongs to its name (ルイ15世), a given name takes the
surname SudachiPy did not recognise (南々見一也).  A list of kanji names joined by ``・``
(船田元・二階俊博) stays a list of names.

Then the evidence is weighed:

for   a name tag, a surname + given name shape, a foreign name of several parts (initials
      count: J・K・ローリング), GiNZA's Person label; a title or honorific next to it (大川薫社長,
      刑事ジョン・ブック, 田中様, also after の or ・: 記者の…, 女子高生・…; a foreign full name with an
      unknown part or a katakana proper noun glued after one: その息子エドモント・ブリスカス・ハルト,
      酋長マルコ) or a suffix only a person takes (…夫妻, …亡き後) decides on its own, and so does a
      credit glued to a full name (編曲大西幸三, 北村一夫採譜) and a name tag before a noun it
      modifies (シェークスピア作品, ジダーノフ批判);
against
      one kanji or a short hiragana word alone (藤, あみ), a word that is all the text says
      (a word clip: ツル), no name tag at all (GiNZA's Person on a common noun: 右投, トランペット),
      GiNZA's organisation/facility/product/event/place labels on the same tokens, a name that
      is only part of a compound (熊井鉄鋼, 森美術館, ボールドウィン社, 小沢艦隊, チェーンバーチェ),
      a 「work title」, an organisation's category or a club code before it (鉄鋼メーカー、ユジノール,
      CRヴァスコ・ダ・ガマ); a title does not make a place, a body or a country before its office
      a name (成田市長, 自由民主党総裁, イングランド代表); what the sentence says around it
      (``person_context``: a short quoted title, X の乱, X に完全移籍, a definition or an apposition
      calling it a thing, a club named after its city, …橋/…国際空港/…号 named after a person).

A word the sentence says is a person (``person_context.said_to_be_a_person``: Xの息子, Xと結婚,
Xは、日本の実業家。, Xは…で学んだ) is a name even when the dictionary knows it as a common word
(プラント, シャーマン) or the tagger split it (治山|正史), unless it is a title, a kinship word, a
pronoun, a place before its office, a work's title or part of a firm's or a place's name.

Each candidate leaves the weighing with a ``Verdict`` (``weigh``): the rule that decided and
what it found.  A trained scorer (``redactor.pii.person_model``; off in the product, #10 round 6)
may decide the verdicts that are not final, and then also sees ``_open_words``.

After the weighing: a found name mentioned again by its last part or its surname is the same
person (ジョルジュ・ドン … ドンは; not glued into a compound: …グリア駅), a word between two
names of a ``・`` list is a name (中塚一宏・階猛・黄川田徹), and so is a name taken in quotes
(「…」を名乗る).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from redactor.pii.lexicon import entry, full_name, names, near_names
from redactor.pii.recognizers.person_context import (
    AND_WORDS,
    FACILITY_HEAD,
    JOINERS,
    KIN,
    ORG_LABELS,
    assumed_names,
    defined_as_a_person,
    defined_as_a_thing,
    doc_text,
    event_named_after,
    is_calling,
    is_noun,
    is_numeral,
    next_text,
    organisation_deed,
    organisation_predicate,
    person_deed,
    person_predicate,
    place_predicate,
    product_before,
    said_to_be_a_person,
    split_parts,
    team,
    thing_as_predicate,
    thing_in_apposition,
    work_title,
)

# GiNZA labels that say "not a person" when they lie on a candidate (organisations, facilities,
# products and works, events, places).  Labels GiNZA scatters over foreign names at random
# (Dish, Food_Other, Clothing, Flora …) are not evidence either way.
# Organisations (``ORG_LABELS``): what a person may be "of" (ビートルズのジョン・レノン, ``_without_groups``).
_ORG_LABELS = ORG_LABELS
AGAINST_LABELS = _ORG_LABELS | frozenset({
    "Ethnic_Group_Other", "Nationality",
    # facilities
    "Facility_Other", "Facility_Part", "Museum", "Theater", "Station", "Airport", "Park", "Zoo", "Amusement_Park",
    "Worship_Place", "Sports_Facility", "Car_Stop", "Bridge", "Tunnel", "Road", "Railroad", "Line_Other", "Port",
    "Spa", "Archaeological_Place_Other", "Tumulus", "GOE_Other",
    # products and works
    "Product_Other", "N_Product", "Book", "Movie", "Music", "Magazine", "Newspaper", "Broadcast_Program", "Show",
    "Game", "Award", "Law", "Rule_Other", "Treaty", "Plan", "Printing_Other", "Art_Other", "Car", "Train",
    "Aircraft", "Ship", "Spaceship", "Vehicle_Other", "Weapon", "Drug", "Title_Other", "Style", "Doctrine_Method_Other",
    "Theory", "Religion", "Movement", "Culture", "Sport", "Offense", "Language_Other", "National_Language",
    # events
    "Event_Other", "Occasion_Other", "Conference", "Incident_Other", "War", "Earthquake", "Natural_Disaster",
    "Religious_Festival", "Era",
    # places
    "City", "Province", "Country", "County", "GPE_Other", "Location_Other", "Domestic_Region", "Continental_Region",
    "Region_Other", "Geological_Region_Other", "Island", "Mountain", "River", "Lake", "Sea", "Bay", "Canal",
    "Water_Route", "Astral_Body_Other", "Planet", "Constellation",
})
TITLE_LABEL = "Position_Vocation"
# Titles and roles next to a name (GiNZA's Position_Vocation label finds most; these are the
# common ones it misses).
TITLES = frozenset({
    "社長", "会長", "副社長", "専務", "常務", "代表", "代表取締役", "取締役", "監督", "投手", "捕手", "選手",
    "主将", "コーチ", "大統領", "副大統領", "首相", "総理", "大臣", "議員", "知事", "市長", "町長", "村長",
    "教授", "准教授", "博士", "講師", "医師", "弁護士", "作家", "記者", "部長", "課長", "係長", "室長", "所長",
    "店長", "院長", "理事長", "学長", "校長", "委員長", "総裁", "司令官", "長官", "大将", "中将", "少将",
    "大佐", "中佐", "少佐", "伯爵", "侯爵", "公爵", "男爵", "子爵", "国王", "女王", "皇帝", "法王", "教皇",
    "将軍", "提督", "刑事", "警部", "判事", "検事", "牧師", "神父", "僧侶", "師匠", "画家", "歌手", "俳優",
    "女優", "ライター", "編集長", "次官", "外相", "蔵相", "内相", "書記長", "主席", "総統", "議長", "会頭",
    "頭取", "棋士", "名人", "横綱", "大関", "関脇", "小結", "騎手", "アナウンサー", "王", "天皇", "帝", "殿下",
    "陛下", "公", "皇后", "皇太子", "親王", "上皇", "法皇", "船長", "艦長", "機長",
    # more callings and ranks an encyclopaedia or the news puts next to a name
    "内野手", "外野手", "一塁手", "二塁手", "三塁手", "遊撃手", "力士", "親方", "調教師", "元帥", "大尉", "中尉",
    "少尉", "准将", "軍曹", "司教", "大司教", "主教", "枢機卿", "卿", "女史", "王子", "王女", "王妃", "皇子",
    "皇女", "大公", "容疑者", "被告", "被告人", "名誉教授", "助教授", "教諭", "宰相", "大使", "公使", "総督",
    "副知事", "上院議員", "下院議員", "参議院議員", "衆議院議員", "編集者", "脚本家", "作曲家", "指揮者",
    "ピアニスト", "ギタリスト", "ボーカリスト", "プロデューサー", "デザイナー", "カメラマン", "声優",
    "総理大臣", "内閣総理大臣", "酋長", "族長", "候補", "館長", "CEO", "COO", "CFO",
})
# Credits glued to a full name in a work's credit line (編曲寺岡真三, 和田弘採譜): the person who
# did it.  Only before or after a full name (surname + given name): 監督官庁 or 作曲家協会 hold none.
_CREDITS = frozenset({"作詞", "作曲", "編曲", "採譜", "作画", "脚本", "原作", "演出", "振付", "監修", "撮影",
                      "翻訳", "脚色", "原案", "構成", "作詩", "補作", "訳詞", "唄", "歌", "指揮"})
# Roles a sentence may say has kin or deeds (美容院オーナーの母, ドライバーの息子): no name.
_ROLES = frozenset({"オーナー", "マネージャー", "メンバー", "スタッフ", "リーダー", "ファン", "パートナー", "ボス",
                    "マスター", "キャプテン", "ゲスト", "ユーザー", "オペレーター", "ドライバー", "クライアント",
                    "カスタマー", "ママ", "パパ",
                    # what a person is in a team or a story (スターは…と語った), listed as names in JMnedict too
                    "スター", "ジュニア", "エース", "ルーキー", "ベテラン", "ヒーロー", "ヒロイン", "キング",
                    "クイーン", "プリンス", "プリンセス", "レジェンド", "フォワード", "ディフェンダー", "ピッチャー",
                    "キャッチャー", "バッター", "ドクター", "ナース", "シスター", "ブラザー", "ベビー", "ボーイ",
                    "ガール", "レディ"})
# Words after a name that keep it a name (フェリージ家, 吉村ら, 万俵鉄平役).
NAME_SUFFIXES = frozenset({"家", "ら", "等", "一家", "夫妻", "兄弟", "姉妹", "父子", "母子", "親子", "一族", "役", "氏",
                           "さん", "様", "さま", "くん", "君", "ちゃん", "殿", "先生", "自身", "本人", "没後", "亡き",
                           "個人"})
# Honorifics after a name (``person`` and ``slot`` use the same tuple): only a person takes them.
HONORIFICS = ("さん", "様", "さま", "くん", "君", "ちゃん", "氏", "殿", "先生")
_HONORIFICS = frozenset(HONORIFICS)
# Words right after a name that only a person takes (バンナー亡き後, ケイン夫妻): as decisive as a title.
_PERSON_SUFFIXES = frozenset({"氏", "夫妻", "亡き", "没後", "一家", "兄弟", "姉妹", "父子", "母子", "親子", "自身",
                             "個人"})
# Nouns a name modifies without becoming an organisation (シェークスピア作品, ジダーノフ批判; not
# …派 or …政権, which name a group):
# a word the dictionary tags as a name keeps its evidence before them.
_PERSON_HEADS = frozenset({"作品", "批判", "夫人", "像", "邸", "門下", "監督作品",
                           # a life only a person has (徳三郎生涯の当たり役, ゴッホ晩年の作)
                           "生涯", "晩年"})
# Single kanji that end a compound rather than continue a name (…城, …社, …党).
_COMPOUND_KANJI = set("家等氏城社派軍朝党国県市町村区郡王帝公卿侯殿様君組団丸号寺院山川駅線港島橋園館局庁省府"
                      "部課室所店校大学会戦役隊艦湖海湾峠谷沢池宮塔門殿堂座場屋道街町通目像賞章記")
# Kinship words and 故 (the late) before a given name (弟俊介, 故・山田) are not its surname.
_KIN = KIN | {"故"}
# The last word of a foreign organisation's name (ギブソン・ギター・コーポレーション).
_ORG_TAIL = frozenset({
    "コーポレーション", "カンパニー", "アソシエイツ", "グループ", "ホールディングス", "インターナショナル",
    "エンタテインメント", "エンターテインメント", "ホテル", "タワー", "センター", "シティ", "クラブ",
    "スタジオ", "レコード", "レコーズ", "ユナイテッド", "エア", "モーターズ", "ブラザーズ",
    "プロダクション", "プロダクションズ", "システムズ", "テクノロジーズ", "インダストリーズ", "レーベル",
    "ラボ", "パートナーズ", "ネットワークス", "エンタープライズ", "ファンド", "リーグ",
    "クリエイツ", "ワークス", "ラボラトリーズ", "エレクトロニクス", "コミュニケーションズ", "ソリューションズ",
    # … and of a foreign place or building (レジスタン・スクエア): the head says what the thing is.
    # Heads that are also surnames (パーク, ホール, テンプル, ハーバー, モール, キャッスル, ブリッジ,
    # ストリート: フリッツ・ハーバー) are left out, and an honorific after the name overrides any head.
    "スクエア", "アベニュー", "スタジアム", "アリーナ", "ガーデンズ",
    "プラザ", "パレス", "ステーション", "エアポート", "カレッジ", "ユニバーシティ",
    "アカデミー", "スクール", "ミュージアム", "ギャラリー", "シアター", "カテドラル", "マドラサ", "モスク",
})
# A category noun of organisations in apposition before a name (不動産会社ゼウス, 鉄鋼メーカー、ユジノール).
_ORG_CATEGORY = re.compile(
    r"(?:会社|企業|メーカー|バンド|チーム|球団|クラブ|レーベル|出版社|新聞|雑誌|ブランド|ユニット)$")
# … and the categories that, with の, still name the body itself (自動車メーカーのスズキ); not
# チーム or バンド, whose members follow の (バンドのジョン).
_MAKER_CATEGORY = re.compile(r"(?:会社|企業|メーカー|球団|出版社|ブランド|レーベル)$")
# Player positions glued before a name (FW向井章人); other capitals glued before one name a
# club or a company (CRヴァスコ・ダ・ガマ, FCバルセロナ).
_POSITIONS = frozenset({"GK", "DF", "MF", "FW", "CF", "WG", "SB", "DH", "SS", "CB", "LB", "RB"})
# The first word of a band's or a work's name (ザ・ビートルズ).
_GROUP_HEAD = frozenset({"ザ", "ジ"})
# Case particles after a noun phrase: the word is used as a name in a sentence (行長は, 竹蔵の).
_PLACE_UNIT = frozenset("都道府県市区町村郡州省")
_LIST_JOINERS = frozenset({"、", "と", "や", "・", "，"})
_LIST_WORDS = _LIST_JOINERS - {"・"}
_SUBJECT = frozenset({"は", "が"})
_FAMILY = frozenset({"家", "一家", "夫妻", "氏", "ら", "兄弟", "姉妹"})
_CASE_PARTICLES = frozenset({"は", "が", "を", "の", "に", "と", "も", "へ", "や", "から", "より"})
# A self-introduction or a name given as a contract's name after the name.
# A self-introduction after the name; speech recognition writes でございます as へございます.
_INTRO_AFTER = re.compile(r"[ \u3000]?(?:[でへ]ござい|と申し|が承り|が担当|が契約者|です(?:。|$))")
_KANJI = re.compile(r"[一-龥々〆ヵヶ]+")
_KATAKANA_WORD = re.compile(r"[ァ-ヴー]+|[A-Z][A-Za-z.]*")
# What closes a name phrase in speech: the quoting particle of a self-introduction, a copula.
_PHRASE_END = frozenset({"と", "です", "でござい", "で"})
_HIRAGANA = re.compile(r"[ぁ-ゖー]+")
_LATIN_WORD = re.compile(r"[A-Z][a-z]{2,}")
_KATAKANA = re.compile(r"[ァ-ヴー]+")
_CONTENT = re.compile(r"[^\s、。,.!?！？「」…]")


def _is_name_tag(token: Token) -> bool:
    """Tagged as a personal name here, or a word the dictionary knows only as one (ナーセル, 行長)."""
    return "人名" in token.tag_ or (len(token.text) >= 2 and entry(token.text).only_person)


def _kind(token: Token) -> str:
    """姓, 名 or 一般 for a name token (the tag in context first, then the dictionary), else ""."""
    if "人名" in token.tag_:
        return token.tag_.rsplit("-", 1)[-1]
    found = entry(token.text) if len(token.text) >= 2 else None
    if found is None or not found.only_person:
        return ""
    return "姓" if found.surname else "名" if found.given else "一般"


def _unknown_foreign(token: Token) -> bool:
    """A katakana word the dictionary does not know: a foreign name more often than not (ロマス)."""
    return bool(re.fullmatch(r"[ァ-ヴー]{3,}", token.text)) and not entry(token.text).known


def _foreign(token: Token) -> bool:
    return bool(_KATAKANA_WORD.fullmatch(token.text))


class _Candidate:
    __slots__ = ("end", "extra", "ginza", "lexical", "said", "start")

    def __init__(self, start: int, end: int, ginza: bool, lexical: bool = False, said: bool = False,
                 extra: bool = False) -> None:
        # lexical: a name shape from the dictionary (surname + given name, a foreign chain)
        # said: only the sentence's say-so makes it a candidate (Xの息子, Xと結婚): nothing else counts
        # extra: proposed for the scorer only (``_open_words``): the rules never accept it
        self.start, self.end, self.ginza, self.lexical, self.said = start, end, ginza, lexical, said
        self.extra = extra


def _candidates(doc: Doc, open_words: bool = False) -> list[_Candidate]:
    """Name-tag runs and GiNZA Person entities, overlapping ones merged (token ranges)."""
    found: list[_Candidate] = []
    i = 0
    while i < len(doc):
        if _is_name_tag(doc[i]):
            j = i + 1
            while j < len(doc) and _is_name_tag(doc[j]) and not doc[j - 1].whitespace_:
                j += 1
            found.append(_Candidate(i, j, False))
            i = j
        else:
            i += 1
    for ent in doc.ents:
        if ent.label_ == "Person":
            start, end = _trim_entity(doc, ent)
            if start < end:
                found.append(_Candidate(start, end, True))
    found += _kanji_shapes(doc) + _foreign_chains(doc) + _foreign_words(doc) + _list_members(doc)
    found += _said_persons(doc)
    found.sort(key=lambda c: (c.start, -c.end))
    merged: list[_Candidate] = []
    for cand in found:
        last = merged[-1] if merged else None
        if last and cand.start < last.end:
            last.end = max(last.end, cand.end)
            last.ginza = last.ginza or cand.ginza
            last.lexical = last.lexical or cand.lexical
            last.said = last.said and cand.said
        else:
            merged.append(cand)
    return merged + _open_words(doc, merged) if open_words else merged


def _open_words(doc: Doc, taken: list[_Candidate]) -> list[_Candidate]:
    """Words no rule proposes that the scorer may still find names: a katakana word or chain
    the dictionary knows as a common word or a place (ラッフルズ, リンゴ・スター), a kanji word
    it lists as a surname among other readings (大島).  The rules never accept them alone."""
    found = []
    busy = [False] * len(doc)
    for c in taken:
        busy[c.start:c.end] = [True] * (c.end - c.start)
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and (_KATAKANA.fullmatch(doc[j].text) or (doc[j].text in JOINERS and j > i)) and (
                j == i or not doc[j - 1].whitespace_):
            j += 1
        while j > i and doc[j - 1].text in JOINERS:
            j -= 1
        glued = (i > 0 and not doc[i - 1].whitespace_ and _KATAKANA.search(doc[i - 1].text[-1:])) or (
            j < len(doc) and not doc[j - 1].whitespace_ and _KATAKANA.match(doc[j].text))
        if j > i and len(doc[i:j].text) >= 3 and not glued and not any(busy[i:j]):
            found.append(_Candidate(i, j, False, extra=True))
        elif j == i and (_KANJI.fullmatch(doc[i].text) and 2 <= len(doc[i].text) <= 3 and not busy[i]
                         and entry(doc[i].text).surname and "人名" not in doc[i].tag_):
            found.append(_Candidate(i, i + 1, False, extra=True))
        i = max(j, i + 1)
    return found


def _said_persons(doc: Doc) -> list[_Candidate]:
    """A word the sentence says is a person (Xの息子, Xと結婚, Xは、日本の実業家。) that nothing
    else made a candidate: a katakana word the dictionary knows as a common one (プラント), a
    Latin name (Dilys Eames), a kanji name the tagger split into common words (治山|正史)."""
    found = []
    for i, tok in enumerate(doc):
        start = i
        if _LATIN_WORD.fullmatch(tok.text):
            while start > 0 and doc[start - 1].whitespace_ and _LATIN_WORD.fullmatch(doc[start - 1].text):
                start -= 1  # Dilys Eames
        elif (i >= 1 and any(script.fullmatch(doc[i - 1].text + tok.text) for script in (_KANJI, _KATAKANA))
              and not doc[i - 1].whitespace_ and (
                  defined_as_a_person(doc, i - 1, i + 1)
                  or (_KATAKANA.fullmatch(doc[i - 1].text + tok.text) and (i < 2 or not _foreign(doc[i - 2]))
                      and person_deed(doc, i + 1, TITLES)))):
            # a topic the tagger split into common words (治山|正史は、, ハート|ウェルは、), or a katakana
            # subject of a person's deed (トラク|スタンは…に埋葬された)
            start = i - 1
        if said_to_be_a_person(doc, start, i + 1, TITLES) and _speakable(doc[start:i + 1], start < i):
            found.append(_Candidate(start, i + 1, False, said=True))
        elif start < i and said_to_be_a_person(doc, i, i + 1, TITLES) and _speakable(doc[i:i + 1]):
            found.append(_Candidate(i, i + 1, False, said=True))
    return found


def _speakable(tokens: Span, topic: bool = False) -> bool:
    """Words a sentence's say-so can make a name: katakana or Latin words, kanji words tagged
    or listed as names, proper nouns or words the dictionary does not know; kanji common words
    too when they are the ``topic`` a definition calls a person (治山正史は、日本の実業家。);
    never a title, a kinship word or a pronoun."""
    if not tokens or (tokens.start > 0 and _continues_a_compound(tokens)):
        return False
    for t in tokens:
        if t.text in TITLES or t.text in _KIN or t.text in _ROLES or "代名詞" in t.tag_ or "数詞" in t.tag_.split("-"):
            return False
        if (t.text in JOINERS and 0 < t.i - tokens.start < len(tokens) - 1) or _foreign(t) or (
                _KANJI.fullmatch(t.text) and (
                    "固有名詞" in t.tag_ or entry(t.text).kinds or not entry(t.text).known or topic)):
            continue
        return False
    return True


def _continues_a_compound(tokens: Span) -> bool:
    """The first word continues a compound of the same script (政治改革の父: not 改革)."""
    prev = tokens.doc[tokens.start - 1]
    first = tokens[0].text
    return not prev.whitespace_ and any(script.match(first) and script.search(prev.text[-1:])
                                        for script in (_KANJI, _KATAKANA))


def _given_part(token: Token) -> bool:
    """A kanji token that can be (part of) a given name after a surname."""
    if not _KANJI.fullmatch(token.text) or token.text in TITLES or token.text in NAME_SUFFIXES:
        return False
    if _kind(token) == "名" or not entry(token.text).known:
        return True
    if entry(token.text).given:  # 雅, 文; not a common word that is also a name (工事)
        return len(token.text) == 1 or "普通名詞" not in token.tag_
    return len(token.text) == 1 and token.text not in _COMPOUND_KANJI and "数詞" not in token.tag_


def _one_kanji_piece(token: Token) -> bool:
    """One kanji that is no title, no compound's head and no numeral: a piece of a name cut by the tagger."""
    text = token.text
    return (len(text) == 1 and bool(_KANJI.fullmatch(text)) and text not in TITLES and text not in _COMPOUND_KANJI
            and "数詞" not in token.tag_)


def _kanji_shapes(doc: Doc) -> list[_Candidate]:
    """A word the dictionary knows as a surname, then one or two kanji of a given name, then
    the end of the word (林文察は, 中野雅至や, 平田玉蘊、): the tagger read the surname as a
    place or a common noun and split the given name it did not know."""
    found = []
    for i, tok in enumerate(doc):
        if (not _KANJI.fullmatch(tok.text) or len(tok.text) > 3 or tok.whitespace_ or "サ変" in tok.tag_
                or not (_kind(tok) == "姓" or entry(tok.text).surname)):
            continue
        titled = _title_before(doc, i)
        if i > 0 and not doc[i - 1].whitespace_ and _KANJI.search(doc[i - 1].text[-1:]) and not titled:
            continue  # the end of a longer compound (国務院長, 旭日重光)
        # after a title and の, any one-kanji piece may be the given name (大使の韓|丙|起は)
        j, chars = i + 1, 0
        while j < len(doc) and not doc[j - 1].whitespace_ and chars + len(doc[j].text) <= 2 and (
                _given_part(doc[j]) or (titled and _one_kanji_piece(doc[j]))):
            chars += len(doc[j].text)
            j += 1
        given = doc[i + 1:j]
        given_like = any(_kind(t) == "名" or entry(t.text).given or not entry(t.text).known for t in given)
        if titled and given and not given_like and next_text(doc, j) in _CASE_PARTICLES:
            found.append(_Candidate(i, j, False, lexical=True))
            continue
        if given and given[-1].tag_.startswith("接尾辞") and given[-1].text in _COMPOUND_KANJI:
            continue  # a place's suffix ends it (安芸|国), not a given name (蒼|国|来 goes on)
        # One of them must be a given name or a kanji the dictionary does not know (千葉子: no).
        if (chars and given_like and len(tok.text) + chars >= 3
                and (j == len(doc) or not _KANJI.match(doc[j].text)) and "人名" not in doc[i + 1].tag_ + tok.tag_):
            found.append(_Candidate(i, j, False, lexical=True))
    return found


def _foreign_words(doc: Doc) -> list[_Candidate]:
    """A katakana word standing as a noun phrase (…は, …が, …の) that the dictionary does not
    know (シャマランは, バザーリアが, エヴァニエによると), or knows as a name before a family word (クレーマー家)."""
    found = []
    for i, tok in enumerate(doc):
        nxt = next_text(doc, i + 1)
        if (not (_KATAKANA.fullmatch(tok.text) or _LATIN_WORD.fullmatch(tok.text)) or len(tok.text) < 3
                or tok.whitespace_):
            continue
        if i > 0 and not doc[i - 1].whitespace_ and (_KATAKANA.search(doc[i - 1].text[-1:]) or _foreign(doc[i - 1])):
            continue  # the end of a longer word
        # GiNZA's random labels on foreign words (Dish, Clothing …) say nothing; an organisation,
        # place or work label does.
        unlabelled = doc[i].ent_type_ not in AGAINST_LABELS
        regnal = "数詞" in doc[i + 1].tag_ and next_text(doc, i + 2) == "世" if i + 2 < len(doc) else False
        if ((_unknown_foreign(tok) and (nxt in _SUBJECT or regnal or _source_of_a_statement(doc, i + 1)
                                        or _opponent_in_a_bout(doc, i + 1))
             and unlabelled)
                or (entry(tok.text).kinds and (nxt in _FAMILY or regnal))
                # a word only a person takes after it, or a title and の before it (デザイナーの…)
                or (_unknown_foreign(tok) and (nxt in _PERSON_SUFFIXES or nxt in _FAMILY or _title_before(doc, i)
                                               or _title_after(doc, i + 1)))
                or (_LATIN_WORD.fullmatch(tok.text) and doc[i - 1].text == "の" and _title_before(doc, i))
                # a name JMnedict lists doing what a person does (ピールは…考えた): the common word
                # SudachiPy knows it as (peel) does not do that
                or _jm_person_acting(doc, i)
                # a word no dictionary knows whose vector sits among names, as a noun phrase
                or (near_names(tok.text) and nxt in _CASE_PARTICLES and unlabelled)
                or _proper_after_title(doc, i)):
            found.append(_Candidate(i, i + 1, False, lexical=True))
    return found


# What one does to an opponent in a bout, or suffers from one (…に技ありで敗れる, …を破って).
_BOUT_VERBS = frozenset({"敗れる", "破る", "下す", "勝つ", "負ける"})
_BOUT_WINDOW = 5  # tokens between the particle and the verb (…に技ありで敗れる, …を判定で下し)


def _opponent_in_a_bout(doc: Doc, i: int) -> bool:
    """に / を at token ``i``, then within a few words a verb of winning or losing a bout: the
    word before is the opponent (アグベニューに技ありで敗れる).  A club GiNZA labels or the
    dictionary knows is no unknown word and never gets here."""
    return (next_text(doc, i) in {"に", "を"}
            and any(t.lemma_ in _BOUT_VERBS for t in doc[i + 1:i + 1 + _BOUT_WINDOW]))


def _source_of_a_statement(doc: Doc, i: int) -> bool:
    """によると / によれば at token ``i``: what is said comes from the word before (エヴァニエによると);
    a publication or an agency there is a word the dictionary knows or GiNZA labels."""
    return (i + 2 < len(doc) and doc[i].text == "に" and doc[i + 1].lemma_ == "よる"
            and doc[i + 2].text in {"と", "ば"})


def _proper_after_title(doc: Doc, i: int) -> bool:
    """A katakana proper noun (not a place) glued right after a title (酋長ソラノ, …公ルノー).
    The title is its only evidence, so GiNZA reading it as anything but a person (社長トヨタ:
    Company; 会長ユニクロ: Clothing) or a firm's word after it (…ホールディングス) outweighs it,
    except after a territory's rank (アンティオキア公ルノー: a ruler's given name, whatever
    GiNZA's label)."""
    tok = doc[i]
    if not (i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].text in TITLES and bool(_KATAKANA.fullmatch(tok.text))
            and "固有名詞" in tok.tag_ and "地名" not in tok.tag_ and not _org_tail(doc, i + 1)):
        return False
    return tok.ent_type_ in ("", "Person") or _rank_of_territory(doc, i - 1)


def _rank_of_territory(doc: Doc, i: int) -> bool:
    """Token ``i`` is a rank glued as a suffix to a foreign place (アンティオキア公, ザクセン選帝侯);
    after kanji, 公 honours a lord by his own name (家康公)."""
    return (i > 0 and doc[i].tag_.startswith("接尾辞") and not doc[i - 1].whitespace_
            and "地名" in doc[i - 1].tag_ and bool(_KATAKANA.fullmatch(doc[i - 1].text)))


def _list_members(doc: Doc) -> list[_Candidate]:
    """Words next to a list's joiner that could be names (an unknown katakana word, a listed
    surname): no evidence alone, a name when the list holds a name (see ``_coordinated``)."""
    found = []
    for i in range(len(doc)):
        # (・ joins the parts of one foreign name too, so it does not make a list here)
        listed = (i > 0 and doc[i - 1].text in _LIST_WORDS) or next_text(doc, i + 1) in _LIST_WORDS
        if listed and _list_member(doc[i:i + 1]):
            found.append(_Candidate(i, i + 1, False))
    return found


def _initial(token: Token) -> bool:
    return bool(re.fullmatch(r"[A-Z]\.?", token.text))


def _name_like_part(token: Token) -> bool:
    """Unknown to the dictionary, listed as a name, or an initial (F・R・チェスニー)."""
    return (_initial(token) or _unknown_foreign(token)
            or bool(entry(token.text).kinds) or "人名" in token.tag_)


def _jm_named(tok: Token) -> bool:
    """Katakana JMnedict lists only as a person's name, classified as one (ピール, ブライ; not
    トヨタ, マクドナルド, nor the unclassified ライター).  Not a role (スター), a calling, a word
    GiNZA labels a body, a place or a work, nor a place by SudachiPy's reading (フランス) unless
    GiNZA calls it a person."""
    return (bool(_KATAKANA.fullmatch(tok.text)) and names(tok.text).only_classified_person
            and tok.ent_type_ not in AGAINST_LABELS and ("地名" not in tok.tag_ or tok.ent_type_ == "Person")
            and tok.text not in _ROLES and not is_calling(tok.text))


def _jm_person_acting(doc: Doc, i: int) -> bool:
    """Token ``i`` is a JMnedict name (``_jm_named``) the sentence has do or say what a person
    does (``person_predicate``: ピールは…考えた, ブライの提案)."""
    return _jm_named(doc[i]) and person_predicate(doc, i)


def _foreign_chains(doc: Doc) -> list[_Candidate]:
    """Katakana words joined by ・/＝ (ビル・ロマス, F・R・チェスニー) where one part is a word the
    dictionary does not know or knows only as a name: a foreign full name."""
    found = []
    i = 0
    while i < len(doc):
        j = i
        # (a title glued after the name ends it: ティム・クック|CEO)
        while j < len(doc) and (_foreign(doc[j]) or (doc[j].text in JOINERS and j > i)) and (
                j == i or (not doc[j - 1].whitespace_ and doc[j].text not in TITLES)):
            j += 1
        while j > i and doc[j - 1].text in JOINERS:
            j -= 1
        if j - i >= 2 and _position_code(doc, i):
            i += 1
        run = doc[i:j]
        parts = split_parts(run)
        # Every part a name-like word (ジュピラー・プロ・リーグ: プロ is a common word), one of them
        # unknown or known only as a name.
        initials = any(_initial(t) for t in run)
        if len(parts) >= 2 and (
                (all(any(_name_like_part(t) for t in part) for part in parts)
                 and any(_unknown_foreign(t) or (_kind(t) and len(t.text) >= 2) for t in run))
                # initials and katakana words (J・K・ローリング): initials are a person's
                # (one word a part, the initials first: not letters alone, 握手券A・B・C, or プランA・B・C)
                or (initials and all(len(p) == 1 for p in parts) and all(_initial(p[0]) for p in parts[:-1])
                    and bool(_KATAKANA.fullmatch(parts[-1][0].text)))):
            found.append(_Candidate(i, j, False, lexical=True))
        i = max(j, i + 1)
    return found


def _trim_entity(doc: Doc, ent: Span) -> tuple[int, int]:
    """GiNZA's Person span without titles, suffixes and common nouns at its edges (小沢艦隊 → 小沢)."""
    start, end = ent.start, ent.end
    named = [t.i for t in ent if _is_name_tag(t)]
    while start < end and (doc[start].text in TITLES or doc[start].text in JOINERS or doc[start].is_punct
                           or _in_label(doc, start, TITLE_LABEL) or (named and start < named[0] and is_noun(doc[start])
                                                                     and not _foreign(doc[start]))
                           # a katakana calling, ・, then a kanji name (シンガーソングライター・藤原さくら)
                           or (named and start + 1 < named[0] and "普通名詞" in doc[start].tag_
                               and doc[start + 1].text in JOINERS and bool(_KANJI.fullmatch(doc[named[0]].text)))):
        start += 1
    while end > start and (doc[end - 1].text in TITLES or doc[end - 1].text in NAME_SUFFIXES or doc[end - 1].is_punct
                           or (named and end - 1 > named[-1] and is_noun(doc[end - 1]) and not _foreign(doc[end - 1])
                               and "人名" not in doc[end - 1].tag_ and not _given_after_surname(doc, end - 1))):
        end -= 1
    # A position abbreviation glued before a name (FW向井章人, MFルーカス) is not part of it.
    if end - start >= 2 and _position_code(doc, start):
        start += 1
    return start, end


def _position_code(doc: Doc, i: int) -> bool:
    """A player's position glued before the name (FW向井章人, MFルーカス・ポドルスキ)."""
    return (i + 1 < len(doc) and doc[i].text in _POSITIONS and not doc[i].whitespace_
            and doc[i + 1].text not in JOINERS and not re.match(r"[A-Za-z]", doc[i + 1].text))


def _organisation_before(doc: Doc, start: int) -> bool:
    """A club code (CRヴァスコ) or an organisation's category (不動産会社ゼウス) right before."""
    if start == 0:
        return False
    prev = doc[start - 1]
    if prev.text == "の" and start >= 2 and _KATAKANA.fullmatch(doc[start].text):
        return bool(_MAKER_CATEGORY.search(doc[start - 2].text))  # 自動車メーカーのスズキ
    if prev.text in {"、", "，"} and start >= 2:
        prev = doc[start - 2]
    elif prev.whitespace_:
        return False
    return bool(_ORG_CATEGORY.search(prev.text)) or (
        bool(re.fullmatch(r"[A-Z]{2,3}", prev.text)) and prev.text not in _POSITIONS and prev.i == start - 1)


def _given_after_surname(doc: Doc, i: int) -> bool:
    """A short kanji word right after a surname, inside GiNZA's Person span: the given name (楊秀麗);
    or a short hiragana word right after a kanji name (逢月|ひな, 神沢|あかね): a given name in kana."""
    word = doc[i].text
    if i == 0 or doc[i - 1].whitespace_:
        return False
    if (_HIRAGANA.fullmatch(word) and 2 <= len(word) <= 3 and word not in _KANA_NOUNS
            and "人名" in doc[i - 1].tag_ and bool(_KANJI.fullmatch(doc[i - 1].text))):
        return True
    return (_kind(doc[i - 1]) == "姓" and bool(_KANJI.fullmatch(word))
            and len(word) <= 2 and word[-1] not in _COMPOUND_KANJI and word not in TITLES)


# Kana nouns that follow a name without being part of it (佐藤ほか3名, 山田たち).
_KANA_NOUNS = frozenset({"ほか", "たち", "ども", "など", "こと", "もの", "とも", "さま", "さん", "くん", "ちゃん",
                         "かた", "がわ", "ところ", "ため", "まま", "よう", "うち"})


def _in_label(doc: Doc, i: int, label: str) -> bool:
    # The token's own entity tag: ``doc.ents`` builds every span again on each call, which made
    # a long text quadratic (one call per candidate).
    return doc[i].ent_type_ == label


def _entity_around(doc: Doc, i: int) -> tuple[int, int]:
    """The token span of the entity that holds token ``i`` (read from the IOB tags)."""
    start, end = i, i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end


def _extend(doc: Doc, cand: _Candidate) -> None:
    """Make the candidate the whole name (see the module docstring)."""
    # Foreign names: parts joined by ・/＝, when the candidate itself is foreign.
    if any(_foreign(doc[k]) for k in range(cand.start, cand.end)):
        while (cand.end + 1 < len(doc) and doc[cand.end].text in JOINERS and _foreign(doc[cand.end + 1])
               and not doc[cand.end - 1].whitespace_):
            cand.end += 2
        while (cand.start >= 2 and doc[cand.start - 1].text in JOINERS and _foreign(doc[cand.start - 2])
               and not doc[cand.start - 2].whitespace_):
            cand.start -= 2
    # A regnal number: ルイ15世, フセイン1世 (GiNZA's span may hold the number but not 世).
    if (cand.end + 1 < len(doc) and "数詞" in doc[cand.end].tag_ and doc[cand.end + 1].text == "世"
            and _foreign(doc[cand.end - 1])):
        cand.end += 2
    elif (cand.end < len(doc) and doc[cand.end].text == "世" and cand.end - cand.start >= 2
          and "数詞" in doc[cand.end - 1].tag_ and _foreign(doc[cand.end - 2])):
        cand.end += 1
    text = lambda a, b: "".join(doc[k].text for k in range(a, b))  # noqa: E731
    if not _KANJI.fullmatch(text(cand.start, cand.end)):
        _kana_given_name(doc, cand)  # GiNZA's person may hold the first kana piece (中山ち|ゑ)
        return
    # A kanji name continues over single kanji SudachiPy split off (片山英木, 兪啓威).
    end = cand.end
    # up to four kanji, or a listed surname and two kanji of a given name (名渡山|愛|順)
    limit = max(4, len(doc[cand.start].text) + 2) if _kind(doc[cand.start]) == "姓" else 4
    # (not over a title's first kanji: 金正日|総書記, 董|事長; a title may follow glued after the
    # last piece: 李万|建|党中央委員会副委員長)
    while (end < len(doc) and len(text(cand.start, end)) < limit and len(doc[end].text) == 1
           and _KANJI.fullmatch(doc[end].text) and doc[end].text not in _COMPOUND_KANJI | _AFTER_A_NAME
           and not doc[end - 1].whitespace_ and not _title_after(doc, end) and not _in_label(doc, end, TITLE_LABEL)):
        end += 1
    if end > cand.end and (end == len(doc) or not _KANJI.match(doc[end].text)
                           or _title_follows(doc, cand.start, end)):
        cand.end = end
    # A surname then a word that ends the utterance or the phrase: a given name speech
    # recognition garbled (もしもし山田花粉, 山田花粉と申します, 山田花粉 コート申します).
    last = doc[cand.end - 1]
    # Or a surname the tagger read as a place, which GiNZA calls a person, then a word the
    # dictionary lists as a given name too, before a case particle (梶原|一騎の; not 梶原|方面が):
    # the given name the tagger took for a common word.
    misread = (cand.ginza and cand.end - cand.start == 1 and "地名" in last.tag_ and entry(last.text).surname
               and cand.end + 1 < len(doc) and doc[cand.end + 1].text in _CASE_PARTICLES
               and entry(doc[cand.end].text).given
               and doc[cand.end].text not in TITLES | NAME_SUFFIXES | _PERSON_HEADS
               and not _in_label(doc, cand.end, TITLE_LABEL))
    if ((last.tag_.endswith("人名-姓") or misread) and cand.end < len(doc) and not last.whitespace_
            and _KANJI.fullmatch(doc[cand.end].text) and len(doc[cand.end].text) <= 2
            and doc[cand.end].text[-1] not in _COMPOUND_KANJI | _AFTER_A_NAME and is_noun(doc[cand.end])
            and (misread or cand.end + 1 == len(doc) or doc[cand.end + 1].is_punct or doc[cand.end].whitespace_
                 or doc[cand.end + 1].text in _PHRASE_END)):
        cand.end += 1
        cand.lexical = cand.lexical or misread  # a surname + given name shape
    _kana_given_name(doc, cand)
    _unknown_given_name(doc, cand)
    # A given name without its surname: the kanji before it (南々見一也, 車吉章).
    # Two pieces when the tokenizer split the surname too (南々|見, 伍|廷): the first one a
    # listed surname or a word the dictionary does not know.
    first = doc[cand.start]
    if first.tag_.endswith("人名-名") and cand.start >= 1:
        for pieces in (1, 2):
            start = cand.start - pieces
            if start < 0:
                break
            prevs = doc[start:cand.start]
            before = doc[start - 1].text if start >= 1 else ""
            if (all(_KANJI.fullmatch(p.text) and not p.whitespace_ and p.text not in TITLES and p.text not in _KIN
                    and "数詞" not in p.tag_ and not _in_label(doc, p.i, TITLE_LABEL) for p in prevs)
                    and len(prevs.text) <= 3 and not _KANJI.search(before[-1:])
                    and (pieces == 1 or entry(prevs[0].text).surname or not entry(prevs[0].text).known
                         or not entry(prevs.text).known)):  # 土|宮: together no word, a rare surname
                cand.start = start
                break
    elif _surname_before_given(doc, cand):
        cand.start -= 1


def _surname_before_given(doc: Doc, cand: _Candidate) -> bool:
    """A two-kanji name GiNZA calls a person, after one kanji the dictionary lists as a surname
    and no more kanji (月に吉|鴻昌は, その後、曹|鴻昌が): the surname of a Chinese or Korean full
    name the tagger read apart.  Not a title (王|金華 stays 金華), a former/current mark or a
    country's abbreviation (前|田中, 元|…)."""
    value = doc[cand.start:cand.end].text
    if not (cand.ginza and len(value) == 2 and _KANJI.fullmatch(value) and cand.start >= 1):
        return False
    prev = doc[cand.start - 1]
    before = doc[cand.start - 2].text[-1:] if cand.start >= 2 else ""
    return (len(prev.text) == 1 and _KANJI.fullmatch(prev.text) is not None and not prev.whitespace_
            and entry(prev.text).surname and prev.text not in TITLES | _KIN | _TITLE_PREFIX
            and "数詞" not in prev.tag_ and not _in_label(doc, prev.i, TITLE_LABEL) and not _KANJI.search(before))


# Kana a given name may be written in, with the marks the tagger leaves alone (ゑ, 〜).
_KANA_PIECE = re.compile(r"[ぁ-ゖァ-ヴー〜～ゐゑヰヱ]+")


def _kana_given_name(doc: Doc, cand: _Candidate) -> None:
    """A given name in kana after a tagged surname that the tagger cut into pieces of no word
    (中川カ|〜|ル, 中山ち|ゑ): two or more glued kana pieces, none a particle, an auxiliary, a
    suffix or a verb (佐藤さん, 田中かな, 山田です stay as they are), then a case particle or an
    honorific (中山ちゑさん).  The candidate may hold the first pieces already (GiNZA's person 中山ち,
    then ゑ)."""
    surname = cand.end - 1
    while surname > cand.start and _KANA_PIECE.fullmatch(doc[surname].text) and not doc[surname].whitespace_:
        surname -= 1
    last = doc[surname]
    if not (last.tag_.endswith("人名-姓") and _KANJI.fullmatch(last.text)) or last.whitespace_:
        return
    end, chars = surname + 1, 0
    while (end < len(doc) and _KANA_PIECE.fullmatch(doc[end].text) and chars + len(doc[end].text) <= 4
           and not doc[end].tag_.startswith(("助詞", "助動詞", "接尾辞", "動詞", "形容詞"))):
        chars += len(doc[end].text)
        end += 1
        if doc[end - 1].whitespace_:
            break
    if (chars >= 2 and end > surname + 2 and end >= cand.end
            and (next_text(doc, end) in _CASE_PARTICLES or next_text(doc, end) in _HONORIFICS)):
        cand.end = end


def _unknown_given_name(doc: Doc, cand: _Candidate) -> None:
    """One kanji tagged a surname, then one or two kanji the dictionary does not know, then a
    case particle or a title (趙|秉稷は, 李|炳鉄|党中央委員会第一副部長): a Chinese or Korean full
    name whose given name no dictionary lists.  The surname may be tagged a common noun when GiNZA
    calls it a person and the dictionary lists it as a surname too (尹|潽善|候補が)."""
    last = doc[cand.end - 1]
    if (cand.end - cand.start == 1 and len(last.text) == 1
            and (last.tag_.endswith("人名-姓") or (cand.ginza and entry(last.text).surname))
            and not last.whitespace_ and cand.end + 1 < len(doc) and _KANJI.fullmatch(doc[cand.end].text)
            and len(doc[cand.end].text) <= 2 and not entry(doc[cand.end].text).known
            and (doc[cand.end + 1].text in _CASE_PARTICLES or _title_follows(doc, cand.start, cand.end + 1))):
        cand.end += 1


def _next_word(doc: Doc, end: int) -> Token | None:
    return doc[end] if end < len(doc) else None


# One kanji glued before a title that says whose or when (アイゼンハワー米大統領, …元首相): the
# title still follows the name.  Country abbreviations and former/current only.
_TITLE_PREFIX = frozenset("元前現米英仏独露伊中韓朝豪")


def _prefixed_title(word: str) -> bool:
    return len(word) >= 3 and word[0] in _TITLE_PREFIX and word[1:] in TITLES


def _title_after(doc: Doc, end: int) -> bool:
    nxt = _next_word(doc, end)
    if nxt is None:
        return False
    pair = nxt.text + (doc[end + 1].text if end + 1 < len(doc) else "")
    return (nxt.text in TITLES or pair in TITLES or _prefixed_title(nxt.text) or _prefixed_title(pair)
            or (_in_label(doc, end, TITLE_LABEL) and is_noun(nxt) and not _is_name_tag(nxt)))


# Tokens an organisation's name may take between a name and its title (柴山撮影所長,
# 李炳鉄党中央委員会第一副部長): the longest such compound read.
_TITLE_COMPOUND_SPAN = 8


def _compound_part(token: Token) -> bool:
    return is_noun(token) or is_numeral(token) or token.tag_.startswith("接頭辞")


def _title_follows(doc: Doc, start: int, end: int) -> bool:
    """A title right after the name ``start:end``, alone or ending an organisation's compound."""
    return _title_after(doc, end) or _title_ends_compound(doc, start, end)


def _title_ends_compound(doc: Doc, start: int, end: int) -> bool:
    """A title ends a compound glued after the name, and what stands between is a place or an
    organisation GiNZA names (柴山撮影所長, アンドロポフソ連書記長, 金洛兼朝鮮人民軍戦略軍司令官): whose
    title it is.  Unnamed words between are the name's own firm or more of the name (大倉組副頭取,
    山田商店店長, パイロット千奉植中尉); an entity that starts with the name and ends before the
    title is the firm named after someone (松下電器産業社長)."""
    compound: list[Token] = []
    for tok in doc[end:end + _TITLE_COMPOUND_SPAN]:
        if doc[tok.i - 1].whitespace_ or not _compound_part(tok):
            return False
        compound.append(tok)
        nxt = _next_word(doc, tok.i + 1)
        if nxt is None or tok.whitespace_ or not _compound_part(nxt) or nxt.text in NAME_SUFFIXES:
            break  # (a title inside a compound that goes on heads something else: 社長室)
    else:
        return False
    text = "".join(t.text for t in compound)
    # the longest title that ends it, with something before it (副委員長 over 委員長)
    title = next((text[k:] for k in range(1, len(text)) if text[k:] in TITLES), None)
    if title is None:
        return False
    # (the title may start inside a word: 撮影所|長 holds 所長)
    between = [t for t in compound if t.idx < compound[0].idx + len(text) - len(title)]
    return any(_names_a_body(t) for t in between) and not _firm_named_after(doc, start, end, len(text) - len(title))


def _names_a_body(token: Token) -> bool:
    """GiNZA names the word a place or an organisation (not a person, not a title)."""
    return "地名" in token.tag_ or token.ent_type_ not in {"", "Person", TITLE_LABEL}


def _firm_named_after(doc: Doc, start: int, end: int, before_title: int) -> bool:
    """A non-person entity starts with the name and goes on into the compound, but ends before
    the title (``before_title``: the compound's characters before the title).  A place right
    after the name starts the office's body instead (ブレジネフ|ソ連|共産党書記長, one label over
    the first two); a label that starts inside the name is misplaced (李万|建|党…, 建党 labelled)."""
    if doc[end - 1].ent_type_ not in AGAINST_LABELS or "地名" in doc[end].tag_:
        return False
    ent_start, ent_end = _entity_around(doc, end - 1)
    return ent_start <= start and end < ent_end and len(doc[end:ent_end].text) <= before_title


def _title_before(doc: Doc, start: int) -> bool:
    if start == 0:
        return False
    prev = doc[start - 1]
    if prev.text in _KIN or (prev.text in {"・", "の"} and start >= 2 and doc[start - 2].text in _KIN):
        return True  # kinship before a name: 父・種次郎, 母・タマエ, 父の林文察
    linked = prev.text in {"の", "・"} and start >= 2 and not doc[start - 2].whitespace_
    if linked:
        prev, start = doc[start - 2], start - 1  # a title, then の or ・: 代表の伍廷芳, 女子高生・…
    return prev.text in TITLES or (
        (_in_label(doc, start - 1, TITLE_LABEL) or (linked and is_calling(prev.text)))  # ドラマーの…
        and is_noun(prev) and not _is_name_tag(prev))


def _compound_after(doc: Doc, end: int) -> int:
    """The name is the first half of a compound: a noun follows with no particle (熊井鉄鋼, 森美術館);
    2 when that noun names an organisation or a place (…社, …城, …大学)."""
    nxt = _next_word(doc, end)
    if nxt is None or doc[end - 1].whitespace_ or nxt.text in NAME_SUFFIXES or nxt.text in TITLES:
        return 0
    if nxt.text in {"号", "丸"}:
        return 3  # a ship or a vehicle (クイーン・エリザベス号), tagged a counter
    if not is_noun(nxt) or nxt.text in _PERSON_HEADS:
        return 0
    head, glued = nxt.text, [nxt]
    for tok in doc[end + 1:end + 3]:
        if doc[tok.i - 1].whitespace_ or not is_noun(tok):
            break
        head += tok.text
        glued.append(tok)
    if FACILITY_HEAD.search(head) or any(FACILITY_HEAD.search(t.text) for t in glued):
        # named after the person: …橋, …国際空港, …号, …大聖堂 (a title label GiNZA puts over
        # the whole does not make it a person: パンプーリャ美術館; nor a word between: 飯田トキワ劇場)
        return 3
    if _title_after(doc, end) or _is_name_tag(nxt):
        return 0
    return 2 if nxt.text[-1] in _COMPOUND_KANJI or (len(nxt.text) >= 2 and "普通名詞" in nxt.tag_) else 1


def _compound_before(doc: Doc, start: int) -> bool:
    """A noun glued before a name in the same script: one compound (旭日重光章, 江戸城松之大廊下;
    チェーンバーチェ, speech recognition's rendering of one word)."""
    if start == 0:
        return False
    prev = doc[start - 1]
    if prev.whitespace_ or not is_noun(prev) or _is_name_tag(prev) or _title_before(doc, start):
        return False
    return any(script.match(doc[start].text) and script.fullmatch(prev.text) for script in (_KANJI, _KATAKANA))


def _lone(doc: Doc, start: int, end: int) -> bool:
    """The candidate is all the text says: one word on its own (a word clip, a garbled answer)."""
    text, end_char = doc_text(doc), doc[end - 1].idx + len(doc[end - 1].text)
    return not (_CONTENT.search(text, 0, doc[start].idx) or _CONTENT.search(text, end_char))


def _label_against(doc: Doc, start: int, end: int) -> int:
    """2 when a non-person entity holds the candidate and more (森美術館), 1 when it is the candidate."""
    worst = 0
    for i in range(start, end):
        if doc[i].ent_type_ in AGAINST_LABELS:
            ent_start, ent_end = _entity_around(doc, i)
            if ent_start == start - 1 and _position_code(doc, ent_start):
                ent_start = start  # (GiNZA's label over a player's position and the name: MF野村直輝)
            worst = max(worst, 2 if ent_start < start or ent_end > end else 1)
    return worst


def _org_tail(doc: Doc, end: int) -> bool:
    """The name ends with an organisation's or a building's head word, as a word of its own
    (ロッキード・コーポレーション) or glued to a katakana word the tagger did not split
    (シュガートアソシエイツ), and no honorific follows (…・ハーバーさん is a person)."""
    last = doc[end - 1].text
    return next_text(doc, end) not in _HONORIFICS and (last in _ORG_TAIL or (bool(_KATAKANA.fullmatch(last)) and any(
        len(tail) >= 4 and len(last) > len(tail) + 1 and last.endswith(tail) for tail in _ORG_TAIL)))


# A firm's word glued after a foreign name: the company (コーヴァルチック社は) or its make
# (ボールドウィン製の機関車).  社長 and 社員 are words of their own and do not count.
_FIRM_MARKS = frozenset({"社", "製"})


def _firm_mark(doc: Doc, start: int, end: int) -> bool:
    if end - start >= 2 and doc[end - 1].text == "社":
        end -= 1  # the extension took 社 into the candidate
    elif next_text(doc, end) not in _FIRM_MARKS or doc[end - 1].whitespace_:
        return False
    return bool(_KATAKANA_WORD.fullmatch(doc[end - 1].text))


def _surname_shape(tokens: Span) -> bool:
    """Kanji that begin with a listed surname (大島, 福原五岳): a name if a list holds a name,
    whatever a compound or a place reading says against it (``_coordinated``)."""
    return (2 <= len(tokens.text) <= 4 and bool(_KANJI.fullmatch(tokens.text))
            and len(tokens[0].text) >= 2 and entry(tokens[0].text).surname
            and not any(len(t.text) >= 2 and "普通名詞" in t.tag_ and not entry(t.text).kinds
                        for t in tokens[1:]))  # not a surname and an office (大村城主)


def _tagged_full_name(tokens: Span) -> bool:
    """Two words the tagger reads as a surname and then a given name here (西|律, 王|維)."""
    return (len(tokens) == 2 and tokens[0].tag_.endswith("人名-姓") and tokens[1].tag_.endswith("人名-名")
            and not tokens[0].whitespace_)


def _only_a_name(value: str) -> bool:
    """Two or more kanji the dictionary lists only as a personal name (伊藤; not 生月, 大島)."""
    return len(value) >= 2 and bool(_KANJI.fullmatch(value)) and entry(value).only_person


# After a katakana word GiNZA calls a person: a subject or topic (フォードは, グラントが) or a list
# member (チャーチルや…).  Not の, に or を: firms own, are given and are joined (スズキの, クルップに).
_NAME_ARGUMENT = frozenset({"は", "が", "も", "や", "と"})


def _katakana_name_argument(doc: Doc, token: Token) -> bool:
    """A katakana word GiNZA labels a person that the dictionary lists with a personal-name
    reading among others (フォード, グラント, チャーチル), as a subject, a topic or a list member:
    the label and the reading agree, and the sentence uses the word as an actor."""
    return (bool(_KATAKANA.fullmatch(token.text)) and bool(entry(token.text).kinds)
            and next_text(doc, token.i + 1) in _NAME_ARGUMENT)


def _listed_name(token: Token) -> bool:
    """A kanji word the dictionary lists as a name among other readings (宗像, 中野, 林)."""
    return bool(_KANJI.fullmatch(token.text)) and bool(entry(token.text).kinds)


def _common_word(tokens: Span) -> bool:
    """Only words the dictionary knows as common nouns (テノール歌手, チーフディレクター)."""
    return all("普通名詞" in t.tag_ and not entry(t.text).kinds for t in tokens)


_LATIN_NAME_PART = re.compile(r"[A-Z][a-z]+")
# The last word of a firm's or a body's Latin name (Tomato Records), never a family name.
_LATIN_ORG_TAIL = frozenset({"Records", "Recordings", "Music", "Entertainment", "Productions", "Pictures",
                             "Studio", "Studios", "Group", "Company", "Corporation", "Inc", "Ltd", "Club",
                             "School", "College", "University", "Press", "Books", "Times", "News", "Hotel",
                             "Church", "Center", "Centre", "Foundation", "Institute", "Band", "Orchestra"})


def _chinese_or_korean_name(tokens: Span) -> bool:
    """Three kanji, the first a listed one-kanji surname, the rest split where the dictionary
    knows no word (金|斗|鎔): a Chinese or Korean full name the tagger could not read."""
    value = tokens.text
    return (len(value) == 3 and bool(_KANJI.fullmatch(value)) and entry(value[0]).surname
            and any(not entry(t.text).known for t in tokens))


def _latin_full_name(tokens: Span) -> bool:
    """Two or three capitalised Latin words apart by spaces (Theodor Szanto, Peter Paul Brauer)."""
    return 2 <= len(tokens) <= 3 and all(_LATIN_NAME_PART.fullmatch(t.text) for t in tokens) and all(
        t.whitespace_ for t in tokens[:-1]) and tokens[-1].text not in _LATIN_ORG_TAIL


def _foreign_full_name(tokens: Span) -> bool:
    """Katakana parts joined by ・/＝, one the dictionary does not know, none a place
    (エリトット・トーランス・ガルト; not ロストフ・スーズダリ before its 公)."""
    return (any(t.text in JOINERS for t in tokens) and any(_unknown_foreign(t) for t in tokens)
            and all(_foreign(t) or t.text in JOINERS for t in tokens) and not any("地名" in t.tag_ for t in tokens))


def _a_work(doc: Doc, cand: _Candidate) -> bool:
    """The candidate names a work (``work_title``), unless the quote holds a Japanese full name
    GiNZA calls a person, alone or with a title after it: the name itself is spoken of
    (「赤木まり子」と表記, 「X」という ペンネーム, a character 「X」は) or someone is (「瀧本誠選手出る!!」)."""
    tokens = doc[cand.start:cand.end]
    full_name = (cand.ginza and _KANJI.match(tokens.text) is not None and len(tokens.text) >= 3
                 and any(_kind(t) == "姓" for t in tokens) and any(_kind(t) == "名" for t in tokens))
    spoken_name = full_name and (
        (cand.start > 0 and doc[cand.start - 1].text in {"「", "『"}
         and cand.end < len(doc) and doc[cand.end].text in {"」", "』"})
        or next_text(doc, cand.end) in TITLES)
    return work_title(doc, cand.start, cand.end) and not spoken_name


def _credited(doc: Doc, start: int, end: int) -> bool:
    """A credit glued before or after a full name (編曲寺岡真三, 和田弘採譜; a full name the
    dictionary lists whole: 手塚治虫原作; foreign parts all tagged as names: アンタル・ドラティ指揮)."""
    tokens = doc[start:end]
    parts = [t for t in tokens if t.text not in JOINERS]
    full = ((sum(1 for t in parts if "人名" in t.tag_) >= 2
             and (bool(_KANJI.fullmatch(tokens.text)) or all("人名" in t.tag_ for t in parts)))
            or (len(tokens) == 1 and tokens[0].tag_.endswith("人名-一般")))
    before = start > 0 and doc[start - 1].text in _CREDITS and not doc[start - 1].whitespace_
    after = end < len(doc) and doc[end].text in _CREDITS and not doc[end - 1].whitespace_
    return full and (before or after)


def _office_of_place(doc: Doc, cand: _Candidate) -> bool:
    """A place or body before its office (成田市長, 青森県議会議員, 自由民主党総裁): not a name."""
    last = doc[cand.end - 1]
    tokens = doc[cand.start:cand.end]
    # A name that ends like a place is still a name when GiNZA vouches for it: a lone listed surname
    # it calls a person (大村知事), or a listed given name it labels a person's (神|直道少佐).
    vouched_surname = cand.ginza and len(tokens) == 1 and entry(last.text).surname
    vouched_given = (len(tokens) >= 2 and len(last.text) >= 2 and last.ent_type_ == "Person"
                     and "名" in entry(last.text).kinds)
    if last.text[-1] in _COMPOUND_KANJI and "人名" not in last.tag_ and not (vouched_surname or vouched_given):
        return True
    if any(t.tag_.endswith("地名-国") for t in tokens) and not (
            any(t.text in JOINERS for t in tokens) and any("人名" in t.tag_ for t in tokens)):
        return True  # a country before its representative or ruler (イングランド代表, フランス国王;
        # not a foreign full name with a part spelt like a country: マリ・キュリー教授)
    nxt = next_text(doc, cand.end)
    return bool(nxt) and nxt[0] in _PLACE_UNIT and any("地名" in t.tag_ for t in doc[cand.start:cand.end])


def rules_only(doc: Doc, verdict: Verdict, verdicts: list[Verdict]) -> bool:
    """``Decide`` by the rules' verdict alone (the hand rules of rounds 1-5)."""
    return verdict.accepted and not verdict.extra


def person_spans(doc: Doc, decide: Decide | None = None,
                 verdicts: list[Verdict] | None = None) -> list[tuple[int, int, float]]:
    """Character spans ``(start, end, score)`` of the names the parse gives evidence for.

    ``decide`` (a trained scorer, ``person_model``) has the last word on every candidate whose
    verdict is not final, the open words included; without it the rules' verdicts stand.
    ``verdicts``: ``weigh(doc, …)`` made before (training weighs once, decides many times).
    """
    verdicts = weigh(doc, open_words=decide is not None) if verdicts is None else verdicts
    accepted: list[Verdict] = []
    weak: list[Span] = []
    for v in verdicts:
        if rules_only(doc, v, verdicts) if v.final or decide is None else decide(doc, v, verdicts):
            accepted.append(v)
        elif v.weak:
            weak.append(doc[v.start:v.end])
    spans = [(doc[v.start].idx, doc[v.end - 1].idx + len(doc[v.end - 1].text), 0.85)
             for v in _without_groups(doc, accepted)]
    spans += _listed_full_names(doc)
    spans += _coordinated(doc, spans, weak)
    spans += _chains_listed_with_names(doc, spans)
    spans += _between_names(doc, spans) + assumed_names(doc_text(doc))
    spans = _whole_words(doc, _whole_chains(doc, spans + _mentioned_again(doc, spans)))
    return spans + _surname_split_after_title(doc, spans)  # characters, not tokens: not widened


# The longest full name looked up in the dictionary's list, in tokens and in characters.
_FULL_NAME_TOKENS = 6
_FULL_NAME_CHARS = 12


def _listed_full_names(doc: Doc) -> list[tuple[int, int, float]]:
    """Full names JMnedict lists whole (``lexicon.full_name``: 大伴旅人, 横山剣, 金正恩), on word
    boundaries, however the parse split them into common words (文|鮮明, 横山|剣): public figures
    text about public life names.  Not the head of a compound (加藤健一事務所, 隈研吾都市設計事務所), a firm's or
    a body's name, or a name inside a work's title (「詩人・中原中也の世界」); a title after it is
    the person's (瀧本誠選手, 金正恩第一書記)."""
    found: list[tuple[int, int, float]] = []
    i = 0
    while i < len(doc):
        if i > 0 and _continues_a_compound(doc[i:i + 1]) and not _title_before(doc, i):
            i += 1
            continue
        longest, text = 0, ""
        for j in range(i, min(len(doc), i + _FULL_NAME_TOKENS)):
            text += doc[j].text
            if len(text) > _FULL_NAME_CHARS:
                break
            if full_name(text):
                longest = j + 1
            if doc[j].whitespace_:
                break
        if longest and not _listed_name_against(doc, i, longest):
            found.append((doc[i].idx, doc[longest - 1].idx + len(doc[longest - 1].text), 0.85))
            i = longest
        else:
            i += 1
    return found


def _listed_name_against(doc: Doc, start: int, end: int) -> bool:
    """What makes a listed full name at ``start:end`` a thing's name or part of one (an event named
    after the person too: 天草四郎の乱)."""
    return bool(_compound_after(doc, end) >= 2 or _org_tail(doc, end) or _firm_mark(doc, start, end)
                or _label_against(doc, start, end) == 2 or _a_work(doc, _Candidate(start, end, False))
                or event_named_after(doc, end))


# Branches whose evidence is about the candidate itself (said to marry, introduced as …).
_OWN_EVIDENCE = frozenset({"said", "intro", "person_head"})


def _without_groups(doc: Doc, accepted: list[Verdict]) -> list[Verdict]:
    """Drop a group's name directly followed by の and a full name (ビートルズのジョン・レノン,
    東西商事の山田花子): what a person is "of" is a band, a team or a firm; a person's kin or staff
    come with a word between (山田の妻花子).  A full name or a listed surname or given name
    before の stays a name (山田太郎の山田花子, 田中の山田花子)."""
    full = {v.start for v in accepted if _full_name(doc[v.start:v.end])}
    return [v for v in accepted
            if v.branch in _OWN_EVIDENCE or v.end + 1 >= len(doc) or v.start in full
            or not (doc[v.end].text == "の" and v.end + 1 in full and _group_word(doc[v.start:v.end]))]


def _full_name(tokens: Span) -> bool:
    """A foreign chain (ジョン・レノン) or two name words (山田|花子)."""
    return any(t.text in JOINERS for t in tokens) or sum("人名" in t.tag_ for t in tokens) >= 2


def _group_word(tokens: Span) -> bool:
    """A word that can name a group: katakana or Latin (ビートルズ) or labelled an organisation,
    and not begun by a listed surname or given name (田中, ミドリ: names of people first)."""
    first = tokens[0]
    if _kind(first) in {"姓", "名"} or {"姓", "名"} & entry(first.text).kinds:
        return False
    return all(_foreign(t) for t in tokens) or any(t.ent_type_ in _ORG_LABELS for t in tokens)


def _whole_chains(doc: Doc, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Each span widened to the foreign chain it is part of, and every chain before an honorific
    (フリッツ・ハーバーさん): where a part of a name is masked, the rest would give it away."""
    found = []
    for i, tok in enumerate(doc[:-1]):
        if doc[i + 1].text in _HONORIFICS and _foreign(tok):
            a, b = _chain(doc, i, i + 1)
            if b - a > 1:
                found.append((doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), 0.8))
    for start, end, score in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            a, b = _chain(doc, span.start, span.end)
            start, end = min(start, doc[a].idx), max(end, doc[b - 1].idx + len(doc[b - 1].text))
        found.append((start, end, score))
    return found


_WORD_MAX = 6  # characters of a kanji or katakana name written as one word (則巻千兵衛)


# One kanji glued before a name that is a word of its own, not the name's first character: kin,
# time, a prefix, a pronoun or a place unit (弟俊介, ある日梅原, 新董事長, 僕佐藤です, 村積山).
_NOT_A_FIRST_KANJI = frozenset("弟兄姉妹父母妻夫子娘孫嫁婿甥姪故亡御日年月新前元現旧各同当僕俺今次全両某") | _PLACE_UNIT
# One kanji glued after a name that says where mail goes or whose side (山田太郎方, 田中宛): no piece of it.
_AFTER_A_NAME = frozenset("方宛宅側")


def _name_piece(tok: Token, script: re.Pattern[str], before: bool, first: Token) -> bool:
    """A glued token that can be the rest of a name cut by the parse (``before``: on its left;
    ``first``: the name's first token): one kanji (王|金華, 則|巻), a surname or a word tagged or
    unknown as a name, any katakana word; never a title, a suffix, kin or a place."""
    text = tok.text
    if (text in NAME_SUFFIXES or text in _HONORIFICS or not script.fullmatch(text)
            or tok.tag_.startswith("接尾辞") or (not before and tok.tag_.startswith("接頭辞"))):
        return False
    if len(text) == 1 and script is _KANJI:
        # (a title that is a surname too begins a name: 副書記の王|金華)
        return (text not in _NOT_A_FIRST_KANJI and (text not in TITLES or entry(text).surname) if before
                else text not in _COMPOUND_KANJI and text not in _AFTER_A_NAME and text not in TITLES)
    if text in TITLES:
        return False
    if script is _KATAKANA:
        return True
    # a surname before a given name the parse read as a full name of its own (平田|包定), not a
    # word before a full name that has its surname (広島|長冨浩志: the team's name)
    surname = "人名-姓" in tok.tag_ or entry(text).surname
    return before and surname and not (len(first.text) >= 2 and _kind(first) == "姓")


def _script(char: str) -> re.Pattern[str] | None:
    return _KANJI if _KANJI.match(char) else _KATAKANA if _KATAKANA.match(char) else None


def _whole_words(doc: Doc, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Each name widened to the whole word it is cut from (王|金華, 則|巻アラレ, ナポリ|ターノ): the
    kanji or katakana glued to its ends, up to a particle, a mark, a title or a suffix, when that
    makes the whole word (日本代表|本田 stays: 代表 is no name's piece, so the word goes on)."""
    found = []
    for start, end, score in spans:
        span = doc.char_span(start, end)
        if span is None or len(span.text) > _WORD_MAX:
            found.append((start, end, score))
            continue
        a, b = span.start, span.end
        left, right = _script(span.text[0]), _script(span.text[-1])
        width = len(span.text)  # (the walk stops past the longest word: one pass per name, however long the run)
        while (left and a > 0 and width <= _WORD_MAX and not doc[a - 1].whitespace_
               and _name_piece(doc[a - 1], left, True, doc[a])):
            a -= 1
            width += len(doc[a].text)
        while (right and b < len(doc) and width <= _WORD_MAX and not doc[b - 1].whitespace_
               and _name_piece(doc[b], right, False, doc[a])):
            width += len(doc[b].text)
            b += 1
        left_open = bool(left) and a > 0 and not doc[a - 1].whitespace_ and bool(left.match(doc[a - 1].text[-1]))
        right_open = bool(right) and b < len(doc) and not doc[b - 1].whitespace_ and bool(
            right.match(doc[b].text[0])) and not (doc[b].text in TITLES or doc[b].text in NAME_SUFFIXES
                                                  or doc[b].tag_.startswith("接尾辞"))
        if (a, b) != (span.start, span.end) and not left_open and not right_open and width <= _WORD_MAX:
            start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        found.append((start, end, score))
    return found


def _chain(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Tokens ``start:end`` widened over glued joiners and the katakana or Latin words they join."""
    while (start >= 2 and doc[start - 1].text in JOINERS and _foreign(doc[start]) and _foreign(doc[start - 2])
           and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_):
        start -= 2
    while (end + 1 < len(doc) and doc[end].text in JOINERS and _foreign(doc[end - 1]) and _foreign(doc[end + 1])
           and not doc[end - 1].whitespace_ and not doc[end].whitespace_):
        end += 2
    return start, end


def _between_names(doc: Doc, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Kanji between two names of a ・ list (中塚一宏・階猛・黄川田徹): a name the tagger split into
    common words, since a list holds things of one kind."""
    found: list[tuple[int, int, float]] = []
    starts, ends = {a for a, _, _ in spans}, {b for _, b, _ in spans}
    for m in re.finditer(r"(?<=・)([一-龥々]{2,4})(?=・)", doc_text(doc)):
        a, b = m.span(1)
        if a - 1 in ends and b + 1 in starts and not any(x < b and a < y for x, y, _ in spans):
            found.append((a, b, 0.7))
    return found


# A title glued before kanji that end at a particle or a pause (社長田中が, 部長田中は).
_TITLE_THEN_KANJI = re.compile(
    rf"(?:{'|'.join(sorted(TITLES, key=len, reverse=True))})([一-龥々]{{2,4}})(?=[はがのをにもとへやで、。，\s]|$)")


def _surname_split_after_title(doc: Doc, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """A surname after a title that the tagger split into suffixes or merged with the title's
    last kanji (社長|田|中が, 部|長田中は): one or two kanji of a given name may follow.
    Only where no token there is a common noun (社長一行が, 部長会議で) and GiNZA labels none."""
    found: list[tuple[int, int, float]] = []
    starts: list[int] = []
    for m in _TITLE_THEN_KANJI.finditer(doc_text(doc)):
        a, b = m.span(1)
        if any(x < b and a < y for x, y, _ in spans):
            continue
        starts = starts or [t.idx for t in doc]  # once, for a long text with many titles
        tokens = doc[bisect.bisect_right(starts, a) - 1:bisect.bisect_left(starts, b)]
        if any(t.ent_type_ not in ("", "Person") or "普通名詞" in t.tag_ or not _KANJI.fullmatch(t.text)
               for t in tokens):
            continue
        value = m.group(1)
        if any(entry(value[:k]).surname and len(value) - k <= 2 for k in (2, 3) if k <= len(value)):
            found.append((a, b, 0.7))
    return found


def _one_kanji_surname_before_title(doc: Doc, cand: _Candidate) -> bool:
    """One kanji GiNZA calls a person, listed as a surname, a title glued after it and no kanji
    glued before (井監督も, 杜社長が): a one-character surname the title vouches for; not the
    end of a compound (副監督) nor a prefix (新監督: no person label)."""
    tok = doc[cand.start]
    return (cand.ginza and cand.end - cand.start == 1 and bool(_KANJI.fullmatch(tok.text))
            and not tok.whitespace_ and next_text(doc, cand.end) in TITLES and entry(tok.text).surname
            and not (cand.start > 0 and not doc[cand.start - 1].whitespace_
                     and _KANJI.search(doc[cand.start - 1].text[-1:])))


def _used_as_verb(doc: Doc, end: int) -> bool:
    """The candidate's last word is a verbal noun glued to する (下野した, 大成する): a deed, not a
    name, whatever readings the dictionary lists for it."""
    last = doc[end - 1]
    return (end < len(doc) and "サ変" in last.tag_ and not last.whitespace_ and doc[end].lemma_ == "する"
            and doc[end].tag_.startswith("動詞"))


def _katakana_chain(doc: Doc, i: int, step: int) -> tuple[int, int] | None:
    """The token range of a chain of katakana words joined by ・/＝ that begins (``step`` 1) or
    ends (``step`` -1) at token ``i``: at least two words, no place among them, no firm's or
    building's head word at its end, no band's article (ザ・…), no "and", no club, no title in
    quotes, and not part of a longer katakana word."""
    if not 0 <= i < len(doc) or not _KATAKANA.fullmatch(doc[i].text):
        return None
    a, b = i, i + 1
    if step > 0:
        while (b + 1 < len(doc) and doc[b].text in JOINERS and _KATAKANA.fullmatch(doc[b + 1].text)
               and not doc[b - 1].whitespace_):
            b += 2
    else:
        while (a >= 2 and doc[a - 1].text in JOINERS and _KATAKANA.fullmatch(doc[a - 2].text)
               and not doc[a - 2].whitespace_):
            a -= 2
    tokens = doc[a:b]
    glued = (b < len(doc) and not doc[b - 1].whitespace_ and bool(_KATAKANA.match(doc[b].text))) or (
        a > 0 and not doc[a - 1].whitespace_ and bool(_KATAKANA.search(doc[a - 1].text[-1:])))
    if (b - a < 3 or glued or any("地名" in t.tag_ or t.text in AND_WORDS for t in tokens) or _org_tail(doc, b)
            or tokens[0].text in _GROUP_HEAD or team(tokens) or work_title(doc, a, b)):
        return None
    return a, b


def _chains_listed_with_names(doc: Doc, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """A foreign full name listed (と/、/や) next to a found one with a part the tagger tags as a
    personal name (ヘンリー・ルースとブリトン・ハデン) is a person too, whatever the dictionary makes
    of its parts: a list holds things of one kind, and the tagged neighbour says which kind.
    (A neighbour with no tagged part says too little: measured, it let bands and works in.)"""
    starts, ends = set(), set()  # token bounds of the found foreign names with a tagged part
    for a, b, _score in spans:
        span = doc.char_span(a, b)
        if span is not None and any(t.text in JOINERS for t in span) and any("人名" in t.tag_ for t in span):
            starts.add(span.start)
            ends.add(span.end)
    found: list[tuple[int, int, float]] = []
    for k, tok in enumerate(doc[1:-1], start=1):
        if tok.text not in _LIST_WORDS:
            continue
        for chain in (_katakana_chain(doc, k + 1, 1) if k in ends else None,
                      _katakana_chain(doc, k - 1, -1) if k + 1 in starts else None):
            if chain is None:
                continue
            a, b = doc[chain[0]].idx, doc[chain[1] - 1].idx + len(doc[chain[1] - 1].text)
            if not any(x < b and a < y for x, y, _ in spans + found):
                found.append((a, b, 0.7))
    return found


def _list_member(tokens: Span) -> bool:
    """One word that can be a name in a list: a listed surname, or a katakana word that is
    unknown, listed as a name or no common noun or place (ムンムン, ガーネット)."""
    if len(tokens) != 1:
        return False
    tok = tokens[0]
    if _KANJI.fullmatch(tok.text):
        return len(tok.text) >= 2 and entry(tok.text).surname
    return bool(re.fullmatch(r"[ァ-ヴー]{3,}", tok.text)) and (
        _unknown_foreign(tok) or bool(entry(tok.text).kinds) or not re.search("普通名詞|地名", tok.tag_))


# Short particles of foreign names (ジョルジュ・ド・…, ヴァスコ・ダ・ガマ) are no name on their own.
_NAME_PARTICLES = frozenset({"ド", "ダ", "デ", "ディ", "デル", "ドゥ", "ラ", "ル", "フォン", "ファン", "ヴァン",
                             "ヴォン", "ベン", "アル"})


def _surname_of(doc: Doc, start: int, end: int) -> str:
    """The part of a found name it is mentioned again by: a foreign name's last part
    (ジョルジュ・ドン → ドン), a kanji full name's surname (木村拓也 → 木村), a one-word name itself."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ""
    parts = [p for p in split_parts(span) if p]
    if len(parts) >= 2:
        last = "".join(t.text for t in parts[-1])
        return last if len(last) >= 2 and last not in _NAME_PARTICLES else ""
    if len(span) >= 2 and _KANJI.fullmatch(span.text) and _kind(span[0]) == "姓":
        return span[0].text if len(span[0].text) >= 2 else ""
    return span.text if len(span) == 1 and len(span.text) >= 2 else ""


def _given_of(doc: Doc, start: int, end: int) -> str:
    """A kanji full name's given name (木村拓也 → 拓也): a text that named the person in full may
    go on by the given name alone.  Two kanji at least (not 明, 光), tagged as a given name."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) < 2 or not _KANJI.fullmatch(span.text) or _kind(span[0]) != "姓":
        return ""
    given = span[-1]
    return given.text if len(given.text) >= 2 and given.tag_.endswith("人名-名") else ""


def _mentioned_again(doc: Doc, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """A found name mentioned again by its surname or as a whole (フランコ・バザーリア … バザーリアが;
    木村拓也 … 木村は): the same person, whatever the tagger made of the second mention."""
    words = {w for a, b, _ in spans if (w := _surname_of(doc, a, b))}
    # given names, by where their full name ends: only a later subject or topic (拓也は, 拓也が)
    givens: dict[str, int] = {}
    for a, b, _ in sorted(spans):
        if (w := _given_of(doc, a, b)) and w not in words:
            givens.setdefault(w, b)
    found: list[tuple[int, int, float]] = []
    taken = [(a, b) for a, b, _ in spans]
    for tok in doc:
        given = tok.text in givens and tok.idx >= givens[tok.text] and next_text(doc, tok.i + 1) in _SUBJECT | {"も"}
        if (tok.text not in words and not given) or any(a <= tok.idx < b for a, b in taken):
            continue
        script = _KATAKANA if _KATAKANA.fullmatch(tok.text) else _KANJI
        prev = doc[tok.i - 1] if tok.i > 0 else None
        glued_before = prev is not None and not prev.whitespace_ and bool(script.fullmatch(prev.text[-1:]))
        glued_after = (not tok.whitespace_ and tok.i + 1 < len(doc)
                       and bool(script.match(doc[tok.i + 1].text)) and doc[tok.i + 1].text not in NAME_SUFFIXES)
        # a part of a longer foreign name (ウルグ・ベク・マドラサ) is that name's, not a mention
        in_chain = (prev is not None and prev.text in JOINERS) or (
            tok.i + 1 < len(doc) and doc[tok.i + 1].text in JOINERS)
        if not (glued_before or glued_after or in_chain or _compound_after(doc, tok.i + 1)
                or work_title(doc, tok.i, tok.i + 1)):
            found.append((tok.idx, tok.idx + len(tok.text), 0.7))
            taken.append((tok.idx, tok.idx + len(tok.text)))
    return found


def _coordinated(doc: Doc, spans: list[tuple[int, int, float]], weak: list[Span]) -> list[tuple[int, int, float]]:
    """A name-like word listed with a name (真田、佐渡; ムンムン、コスイネン、キョカンチン; 大島と柴田)
    is a name too: a list holds things of one kind."""
    found: list[tuple[int, int, float]] = []
    accepted = [(a, b) for a, b, _ in spans]
    for _ in range(len(weak)):
        added = False
        for cand in weak:
            if any(a == cand.start_char for a, _ in accepted):
                continue
            before = doc[cand.start - 2] if cand.start >= 2 and doc[cand.start - 1].text in _LIST_JOINERS else None
            after = doc[cand.end + 1] if cand.end + 1 < len(doc) and doc[cand.end].text in _LIST_JOINERS else None
            if any(t is not None and any(a <= t.idx < b for a, b in accepted) for t in (before, after)):
                accepted.append((cand.start_char, cand.end_char))
                found.append((cand.start_char, cand.end_char, 0.7))
                added = True
        if not added:
            break
    return found


@dataclass(slots=True)
class Verdict:
    """One candidate as the rules weighed it: the token range, the rule that decided
    (``branch``), whether it accepted, and the tallies of the support/against rule.

    ``final`` verdicts (a self-introduction accepted; one kanji, a counter, a lone word rejected)
    are never reopened; the rest the trained scorer (``person_model``) may decide again.
    """

    start: int
    end: int
    branch: str
    accepted: bool  # what the rules say (an ``extra`` candidate is never a name by them alone)
    ginza: bool = False
    lexical: bool = False
    said: bool = False
    support: int = 0
    against: int = 0
    weak: bool = False  # rejected, but a name if a list holds a name (``_coordinated``)
    final: bool = False
    extra: bool = False  # proposed for the scorer only (``_open_words``)


# Decides a candidate the rules did not settle for good: (doc, its verdict, all verdicts) → a name?
Decide = Callable[[Doc, Verdict, list[Verdict]], bool]


def weigh(doc: Doc, open_words: bool = False) -> list[Verdict]:
    """Every candidate with the rules' verdict on it (``open_words``: also the words only a
    trained scorer may accept, ``_open_words``)."""
    verdicts: list[Verdict] = []
    for cand in _candidates(doc, open_words):
        _extend(doc, cand)
        verdicts.append(_verdict(doc, cand))
    return verdicts


def _verdict(doc: Doc, cand: _Candidate) -> Verdict:
    """The rules' verdict on one (extended) candidate."""
    def verdict(branch: str, accepted: bool, final: bool = False, **tallies: int | bool) -> Verdict:
        return Verdict(cand.start, cand.end, branch, accepted, cand.ginza, cand.lexical,
                       cand.said, final=final, extra=cand.extra, **tallies)

    tokens = doc[cand.start:cand.end]
    value = tokens.text
    # With GiNZA's label or a name shape, the dictionary's readings count as much as the
    # tag chosen in context (宗像: tagged a place, listed as a surname too).
    vouched = cand.lexical or (cand.ginza and len(tokens) == 1)
    named = [t for t in tokens if _is_name_tag(t) or (vouched and _listed_name(t))
             or (cand.ginza and len(tokens) == 1 and _katakana_name_argument(doc, t))
             or (cand.lexical and len(tokens) == 1 and bool(_LATIN_WORD.fullmatch(t.text)))
             or (len(tokens) == 1 and _jm_person_acting(doc, t.i))
             or (len(tokens) == 1 and near_names(t.text))
             or ((cand.ginza or (cand.lexical and len(tokens) == 1)) and _unknown_foreign(t))
             or (cand.lexical and _KATAKANA.fullmatch(t.text) and next_text(doc, cand.end) in _FAMILY
                 and bool(entry(t.text).kinds))]
    if _INTRO_AFTER.match(doc_text(doc), tokens.end_char) and (named or cand.ginza):
        return verdict("intro", True, final=True)  # 林でございます: a self-introduction
    if len(value) == 1:
        if _one_kanji_surname_before_title(doc, cand):
            return verdict("title", True)  # 井監督も: GiNZA's person, a listed surname, a title glued after
        # one kanji is never a name on its own evidence (藤, 張); honorifics decide elsewhere
        return verdict("one_char", False, final=True)
    if cand.start > 0 and is_numeral(doc[cand.start - 1]) and not doc[cand.start - 1].whitespace_:
        # glued to a number: a quantity or a counter (2万6|千口), not a name
        return verdict("counter", False, final=True)
    if said_to_be_a_person(doc, cand.start, cand.end, TITLES) and _speakable(
            tokens, len(tokens) >= 2 and defined_as_a_person(doc, cand.start, cand.end)) and not (
            _a_work(doc, cand) or _label_against(doc, cand.start, cand.end) == 2
            or _compound_after(doc, cand.end) >= 2 or _org_tail(doc, cand.end) or team(tokens)
            or _office_of_place(doc, cand)):
        return verdict("said", True)  # Xの息子, Xと結婚, Xは、…の実業家。
    if cand.said:
        return verdict("said_only", False)
    if (next_text(doc, cand.end) in _PERSON_HEADS and not tokens[-1].whitespace_
            and any(_is_name_tag(t) for t in tokens)):
        return verdict("person_head", True)  # シェークスピア作品
    if _compound_after(doc, cand.end) == 3:
        return verdict("named_after", False)  # the name of a bridge, an airport or a ship named after the person
    if _credited(doc, cand.start, cand.end):
        return verdict("credit", True)  # 編曲寺岡真三, 和田弘採譜
    if (_title_after(doc, cand.end) or _title_before(doc, cand.start) or _title_ends_compound(doc, cand.start, cand.end)
            or next_text(doc, cand.end) in _PERSON_SUFFIXES):
        # (a katakana word GiNZA alone calls a name, glued to a katakana title: チーフディレクター)
        glued = (not named and len(tokens) == 1 and not tokens[0].whitespace_
                 and bool(_KATAKANA.fullmatch(value)) and bool(_KATAKANA.match(next_text(doc, cand.end))))
        if ((named or (cand.ginza and not _common_word(tokens)) or _foreign_full_name(tokens)
             or (cand.ginza and _latin_full_name(tokens))
             or (len(tokens) == 1 and (_proper_after_title(doc, cand.start) or _jm_named(tokens[0]))))
                and not _office_of_place(doc, cand)
                and not _a_work(doc, cand) and not glued):
            return verdict("title", True)
        return verdict("title_no", False)
    if _used_as_verb(doc, cand.end):
        return verdict("verb", False)  # 下野した: a verbal noun with する, whatever its name reading
    support = 0
    support += 1 if named else 0
    surname = any(_kind(t) == "姓" or (vouched and _KANJI.fullmatch(t.text) and entry(t.text).surname)
                  for t in named)
    given = any(_kind(t) == "名" for t in named)
    parts = sum(1 for t in tokens if _foreign(t))
    # (two kanji make a full name when the tagger reads them so in context: 西|律が)
    shape = ((surname and (given or cand.lexical) and (len(value) >= 3 or cand.ginza or _tagged_full_name(tokens)))
             or (cand.ginza and _chinese_or_korean_name(tokens)))
    initials = any(_initial(t) for t in tokens)
    chain = parts >= 2 and any(t.text in JOINERS for t in tokens) and (
        bool(named) or initials or any(_unknown_foreign(t) for t in tokens))
    support += 1 if shape or chain else 0
    # every part of a foreign full name tagged as a person's name (アルバムのリンダ・トンプソン
    # が書いた): a work or a product before it is what the person made, not the name's head
    tagged_chain = chain and all("人名" in t.tag_ for t in tokens if t.text not in JOINERS)
    # an initial in a foreign chain (F・R・チェスニー): a person's name, whatever GiNZA's label
    support += 1 if chain and initials else 0
    if _lone(doc, cand.start, cand.end) and not ((shape and given and len(value) >= 3) or chain
                                                  or _only_a_name(value)):
        # A word alone is no name without a full-name shape: speech recognition renders
        # common words as rare names (ツル, ブロイ, 生月); an answer to a name question
        # arrives with the question (the conversation's prompt) and is decided there. A
        # kanji word the dictionary knows only as a name (伊藤) is a name even alone: a
        # live utterance is often just the surname.
        return verdict("lone", False, final=True)
    support += 1 if cand.ginza else 0
    against = 0
    against += _compound_after(doc, cand.end)
    label = _label_against(doc, cand.start, cand.end)
    # GiNZA mixes up foreign names with places and teams: a label on exactly a tagged
    # name counts less than one over the name and more (森美術館).
    single = len(tokens) == 1 and len(named) == 1 and len(value) >= 2
    against += label if label == 2 or not single else 0
    # a compound noun before, and the candidate ends like a compound's head (旭日重光章): a compound
    against += (2 if value[-1] in _COMPOUND_KANJI else 1) if _compound_before(doc, cand.start) else 0
    against += 3 if (_org_tail(doc, cand.end) or _firm_mark(doc, cand.start, cand.end)
                     or tokens[0].text in _GROUP_HEAD or team(tokens)
                     or any(t.text in AND_WORDS for t in tokens)) else 0
    against += 3 if _a_work(doc, cand) or event_named_after(doc, cand.end) else 0
    against += 3 if (organisation_predicate(doc, cand.end) or organisation_deed(doc, cand.end)
                     or defined_as_a_thing(doc, cand.start, cand.end)
                     or thing_in_apposition(doc, cand.start) or place_predicate(doc, cand.end)
                     or thing_as_predicate(doc, cand.start, cand.end)
                     or (product_before(doc, cand.start) and not tagged_chain)) else 0
    against += 2 if _organisation_before(doc, cand.start) else 0
    # A given name alone (道実, a misheard word) needs GiNZA's label or a surname, unless
    # it stands as a noun phrase (行長は, 信包が) and the dictionary knows the word only as
    # a name or the tagger read it as a given name in this sentence.
    against += 1 if (named and all(_kind(t) == "名" for t in named) and not cand.ginza
                     and not (len(named) == 1 and len(value) >= 2
                              and (entry(named[0].text).only_person or named[0].tag_.endswith("人名-名"))
                              and next_text(doc, cand.end) in _CASE_PARTICLES)) else 0
    against += 1 if _HIRAGANA.fullmatch(value) and len(value) <= 2 else 0
    against += 1 if not named and not chain else 0
    against += 1 if any("地名" in t.tag_ for t in tokens) and not surname else 0
    weak = (((named or _list_member(tokens)) and against <= 1) or (_surname_shape(tokens) and against <= 3)) \
        and not _lone(doc, cand.start, cand.end)
    return verdict("weighed", support - against >= 1, support=support, against=against,
                   weak=bool(weak) and support - against < 1 and not cand.extra)
