"""What the sentence around a PERSON candidate says about it (see ``person_evidence``).

Counter-evidence from the words around a name-like word, not from the word itself: a short
quoted title (「詩人・X の世界」), an event named after a person (X の乱), what happens only to
organisations (X に完全移籍, X の解散), a definition or an apposition that calls it a thing or a
place (X は、…の小惑星である; 開拓地である X), a club named after its city (…・セインツ), the head
of a facility, vessel or prize named after a person (…橋, …国際空港, …号), what a topic naming
a thing or a maker is (最高のバンドはXである, 発売元はXだ), what only a maker has (Xの社員).

Evidence for: a name taken in quotes (「…」を名乗る), and what the sentence says only a person
has or does (``said_to_be_a_person``: Xの息子, Xと結婚, Xに師事, Xが監督し, X個人, a definition
calling it a person of some calling, the subject of 入院/卒業/就任… as its clause's predicate).
Small token helpers both modules use live here too.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from redactor.pii.lexicon import entry

# Kinship words: a person's relatives (Xの息子, 父・種次郎, 名義は母で), never a name themselves.
KIN = frozenset({
    "父", "母", "兄", "姉", "弟", "妹", "妻", "夫", "子", "娘", "息子", "孫", "祖父", "祖母", "長男", "次男", "三男",
    "長女", "次女", "三女", "叔父", "叔母", "伯父", "伯母", "甥", "姪", "嫁", "婿", "娘婿", "義父", "義母",
})
# "and" inside a chain names a firm (ジョンソン・エンド・ジョンソン, …・アンド・…).
AND_WORDS = frozenset({"アンド", "エンド"})
# GiNZA's labels for organisations.
ORG_LABELS = frozenset({
    "Company", "Company_Group", "Corporation_Other", "Organization_Other", "Political_Organization_Other",
    "Political_Party", "Government", "Cabinet", "Military", "International_Organization", "Public_Institution",
    "School", "Research_Institute", "Pro_Sports_Organization", "Sports_Organization_Other", "Sports_League",
    "Show_Organization",
})
# What joins the parts of one foreign name (マット・ケイン, ジャン=マリー, オカシオ゠コルテス).
JOINERS = frozenset({"・", "＝", "=", "･", "゠"})


def is_numeral(token: Token) -> bool:
    """A numeral (名詞-数詞), not a noun that can follow one as a counter (…-助数詞可能: 社, マイル)."""
    return token.tag_.startswith("名詞-数詞")


def is_noun(token: Token) -> bool:
    """A noun or a noun-like suffix, not a numeral."""
    return token.tag_.startswith(("名詞", "接尾辞-名詞的")) and not is_numeral(token)


def split_parts(run: Span) -> list[list[Token]]:
    """The parts of a foreign name between its joiners (マット・ケイン → [マット], [ケイン])."""
    parts: list[list[Token]] = [[]]
    for t in run:
        if t.text in JOINERS:
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


# The head of a facility, a vessel, a prize or a line named after a person.
FACILITY_HEAD = re.compile(
    r"^(?:国際)?(?:橋|大橋|港|空港|駅|号|丸|聖堂|大聖堂|教会|寺|神社|城|宮殿|館|美術館|博物館|記念館|賞|杯|記念杯|線|"
    r"通り|広場|公園|記念公園|病院|大学|学院|学園|学校|高校|劇場|ホール|スタジアム|球場|研究所|財団|基金|記念碑)$")


def next_text(doc: Doc, end: int) -> str:
    """The text of the token at ``end``, or "" past the end of the doc."""
    return doc[end].text if end < len(doc) else ""


_PLURAL_END = re.compile(r"(?:ズ|ツ|ス)$")


def team(tokens: Span) -> bool:
    """A club named after its city (ニューオーリンズ・セインツ, …・シティFC): a place first, then a
    plural nickname or a club code, not a person's name."""
    parts = split_parts(tokens)
    if len(parts) < 2:
        return False
    last = parts[-1]
    if re.fullmatch(r"[A-Z]{2,3}", last[-1].text):
        return True
    return ("地名" in parts[0][0].tag_ and bool(_PLURAL_END.search(last[-1].text))
            and not any("人名" in t.tag_ for t in last))


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per parse: spaCy joins every token again on each access, and the
    evidence reads it per candidate (quadratic on a long text)."""
    text = doc.user_data.get("redactor.text")
    if text is None:
        text = doc.user_data["redactor.text"] = doc.text
    return text


_QUOTE = re.compile(r"[「『]([^「『」』]*)[」』]")
_SELF_INTRO_IN = re.compile(r"(?:と|って)(?:申し|言い|いい)")
# How quoted speech ends (「田中です」, 「山田と申します」, 「やっぱり岩下に戻そうや」): not a title.
_SPEECH_END = re.compile(r"(?:です|ます|でございます|申します|さん|様|だ|た|よ|ね|か|や|わ|ぞ|ぜ)[。！？!?]?$")
# An event named after a person (平将門の乱, 本能寺の変): the event, not the person.
_EVENT_HEADS = frozenset({"乱", "変", "役", "陣", "戦い"})


def work_title(doc: Doc, start: int, end: int) -> bool:
    """The candidate fills a 「…」 quote (「モンコク・カルメン」) or lies inside a short one that reads
    as a title, not speech (「詩人・X の世界」, 「3年B組X先生」): a work, not a person."""
    if start > 0 and end < len(doc) and doc[start - 1].text in "「『" and doc[end].text in "」』":
        return True
    a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    return any(m.start(1) <= a and b <= m.end(1) and len(m.group(1)) <= 20
               and not re.search("[、。,]", m.group(1)) and not _SPEECH_END.search(m.group(1))
               for m in _QUOTE.finditer(doc_text(doc)))


# What is done to or by an organisation, never a person: joined, transferred to, disbanded,
# formed, made or sold (Xに移籍, Xを結成, Xの解散, Xが倒産, Xが販売, Xから発売), by the particle
# that links it.
_ORG_PREDICATES = {
    "に": frozenset({"移籍", "加入", "入団", "入社", "入部", "吸収", "合併"}),
    "へ": frozenset({"移籍", "加入", "入団", "入社"}),
    "を": frozenset({"結成", "解散", "設立", "買収", "退団", "退社", "脱退", "創業", "創設", "傘下"}),
    "の": frozenset({"解散", "結成", "傘下", "子会社", "本社", "本拠地", "株式", "創業者", "設立者", "親会社",
                    # what a maker has (ロッキード・マーティンの戦闘機, …の社員)
                    "社長", "社員", "従業員", "株主", "製品", "商品", "新製品", "新商品", "主力製品",
                    "旅客機", "戦闘機", "航空機", "自動車", "新型車", "車種"}),
    "が": frozenset({"解散", "倒産", "上場", "破産", "製造", "販売", "発売", "運営", "配給", "発行"}),
    "から": frozenset({"発売", "販売", "出版", "刊行", "配信", "発行"}),  # a label or a publisher
}
_ORG_PREDICATE_MODIFIERS = frozenset({"完全", "期限付き", "期限", "付き", "正式", "再"})


def organisation_predicate(doc: Doc, end: int) -> bool:
    """The candidate is what an organisation's predicate speaks of (…に完全移籍, …の解散)."""
    heads = _ORG_PREDICATES.get(next_text(doc, end))
    if not heads:
        return False
    i = end + 1
    while i < len(doc) and doc[i].text in _ORG_PREDICATE_MODIFIERS:
        i += 1
    if next_text(doc, end) == "の" and next_text(doc, i) in _MEMBERS:
        # a group's members (ビートルズのメンバー), not a compound (山田のメンバー登録)
        return not (i + 1 < len(doc) and not doc[i].whitespace_ and is_noun(doc[i + 1]))
    return next_text(doc, i) in heads


# Who belongs to a group: a band or a body has members, a person does not.
_MEMBERS = frozenset({"メンバー", "元メンバー", "構成員", "所属選手"})


# What a definition says a thing is (Xは、イギリス海軍の水上機母艦。): things, places and bodies.
_THING_CATEGORIES = re.compile(
    r"(?:社|企業|法人|団体|組織|機関|政党|球団|チーム|クラブ|バンド|グループ|ユニット|レーベル|ブランド|メーカー|"
    r"小惑星|惑星|衛星|恒星|星|銀河|艦|船|機|車|列車|駅|空港|港|橋|道路|線|都|町|村|市|区|郡|県|州|国|地区|地域|集落|"
    r"島|山|川|湖|半島|寺|神社|城|学校|大学|高校|病院|施設|建物|公園|教会|雑誌|新聞|番組|映画|作品|曲|楽曲|"
    r"アルバム|シングル|小説|漫画|ゲーム|製品|商品|品種|種|属|科|料理|菓子|言語|制度|法律|条約|事件|戦い|大会|賞)$")
_DEFINITION_END = frozenset({"。", "である", "だ", "です", "で", "あり", "ある", "と", "も"})


# Who makes, sells or runs a thing: a firm (発売元はX, 販売はX); not 製作 or 開発, which people do too.
_MAKER_TOPICS = re.compile(r"^(?:製造|販売|発売|運営|配給|発行)元?$")
_PREDICATE_NOUN_END = frozenset({"である", "だ", "です", "。", "で"})


def thing_as_predicate(doc: Doc, start: int, end: int) -> bool:
    """The candidate is what a topic that names a thing or a maker is (最高のバンドはXである,
    発売元はXだ): a body, not a person."""
    i = start - 1
    if i >= 1 and doc[i].text == "、":
        i -= 1
    if i < 1 or doc[i].text != "は" or next_text(doc, end) not in _PREDICATE_NOUN_END:
        return False
    topic = doc[i - 1]
    words = doc[i - 2:i].text if topic.text == "元" and i >= 2 else topic.text  # 発売|元
    return is_noun(topic) and bool(_MAKER_TOPICS.search(words) or _THING_CATEGORIES.search(words))


def thing_in_apposition(doc: Doc, start: int) -> bool:
    """A category of things or places, then である, right before (…の開拓地であるペンビナ)."""
    if doc[start - 1:start].text == "である":
        i = start - 2
    elif doc[max(0, start - 2):start].text == "である":
        i = start - 3
    else:
        return False
    return i >= 0 and is_noun(doc[i]) and bool(_THING_CATEGORIES.search(doc[i].text) or doc[i].text.endswith("地"))


def defined_as_a_thing(doc: Doc, start: int, end: int) -> bool:
    """A sentence that opens with the candidate as its topic (Xは、 / Xとは) and ends by
    saying it is a thing, a place or a body (…の水上機母艦。, …に位置する小惑星である。)."""
    if start > 0 and doc[start - 1].text != "。":
        return False
    if next_text(doc, end) not in {"は", "とは"}:
        return False
    stop = next((t.i for t in doc[end:] if t.text == "。"), len(doc))
    i = stop - 1
    while i > end and (doc[i].text in _DEFINITION_END or doc[i].is_punct or "助動詞" in doc[i].tag_):
        i -= 1
    if i > end and is_noun(doc[i]) and bool(_THING_CATEGORIES.search(doc[i].text)):
        return True
    # The definition's first clause: Xは、…イギリスの会社、また…; not when the sentence ends by
    # saying what the topic did as a person (佐藤は後年の…映画、及び…で…役を演じている。)
    if any(_lemma_in(t, _PERSON_PREDICATES | _PERSON_DEEDS) and not is_noun(t) for t in doc[max(0, i - 2):i + 1]):
        return False
    first = end + 2 if next_text(doc, end + 1) == "、" else end + 1
    comma = next((t.i for t in doc[first:stop] if t.text == "、"), None)
    return (comma is not None and comma >= 2 and doc[comma - 2].text == "の" and is_noun(doc[comma - 1])
            and bool(_THING_CATEGORIES.search(doc[comma - 1].text)))


# What happens at or to a place, never to a person (高崎を出て, 岩崎に工場が建てられた, 大島で生まれ).
_PLACE_PREDICATES = {
    "を": ("出", "発", "経", "通過"),
    "に": ("到着", "移転", "移住", "移り住", "入港", "寄港", "所在", "位置", "本社", "本店", "工場", "建て", "建設",
           "上陸"),
    "へ": ("移転", "移住", "移り住", "入港", "寄港", "上陸"),
    "で": ("生まれ", "育", "開催", "開か", "行わ"),
}
# A category of products or works, then の, before the candidate (新製品のX): the product itself.
_PRODUCT_CATEGORY = re.compile(r"(?:製品|商品|新製品|新商品|新型|機種|車種|ブランド|ソフト|アルバム|シングル|楽曲)$")


def place_predicate(doc: Doc, end: int) -> bool:
    """The candidate is where something happens or goes (…を出て, …に移転, …で生まれ)."""
    heads = _PLACE_PREDICATES.get(next_text(doc, end))
    return bool(heads) and doc[end + 1:end + 3].text.replace(" ", "").startswith(heads)


def product_before(doc: Doc, start: int) -> bool:
    """A product or work category and の right before (新製品のウォークマン)."""
    return (start >= 2 and doc[start - 1].text == "の" and is_noun(doc[start - 2])
            and bool(_PRODUCT_CATEGORY.search(doc[start - 2].text)))


def event_named_after(doc: Doc, end: int) -> bool:
    """X の乱 / X の変: an event named after the person."""
    return next_text(doc, end) == "の" and next_text(doc, end + 1) in _EVENT_HEADS


# A name someone takes or is given, in quotes: 「…」を名乗る, 「…」と改名 (a stage or pen name).
_ASSUMED_NAME = re.compile(r"[「『]([^「」『』、。]{2,12})[」』](?:を|と)(?:名乗|改名|称し)")


# A short kana name taken in quotes may end like speech does (「あや」, 「みわ」と名乗る).
_SHORT_KANA_NAME = re.compile(r"[ぁ-ゖァ-ヺー]{2,4}")


def assumed_names(text: str) -> list[tuple[int, int, float]]:
    """Spans of the names taken in quotes (not quoted speech: 「田中と申します」と名乗った)."""
    return [(m.start(1), m.end(1), 0.85) for m in _ASSUMED_NAME.finditer(text)
            if (_SHORT_KANA_NAME.fullmatch(m.group(1)) or not _SPEECH_END.search(m.group(1)))
            and not _SELF_INTRO_IN.search(m.group(1))]


# What only a person has or does, said right after the word: kin and remains after の (Xの息子,
# Xの墓所), marriage and study with it (Xと結婚, Xに師事), directing or starring in a work
# (Xが監督し, Xが主演), X個人.  Not what a band or an orchestra does too (作曲, 出演, 共演).
_PERSON_RELATIONS = (KIN - {"子"}) | frozenset({
    "弟子", "門弟", "墓", "墓所", "生家", "葬儀", "遺体", "遺骨", "肖像", "自伝", "伝記",
    "愛人", "恋人", "未亡人", "夫人", "妻子",
    # names only a person has besides the one used (Xの本名, Xの旧姓, Xの芸名, Xの幼名)
    "本名", "旧姓", "芸名", "幼名", "戒名", "法名", "諱",
})
# A life and what only a person writes (Xの晩年, Xのオペレッタ; not 作品 or アルバム: bands and firms
# have those): evidence only for a word the dictionary does not know as a common one (not ライブの日記).
_PERSON_WORKS = frozenset({"死", "晩年", "生涯", "少年時代", "幼少期", "小説", "戯曲", "詩集", "オペレッタ",
                           "交響曲", "協奏曲", "日記", "遺作", "処女作", "回想録", "遺言",
                           # who acts for one in law: firms have agents too (トヨタの代理人), hence here
                           "代理人", "弁護人", "後見人"})
_KIN_HONORIFICS = frozenset({"さん", "様", "さま", "ちゃん", "くん", "君"})
_SOLO = re.compile(r"ソロ・?(?:活動|アルバム|ツアー|デビュー|作品)")
_PERSON_GLUED = frozenset({"個人"})
_PERSON_VERBS = {
    "と": ("結婚", "離婚", "再婚", "婚約", "交際", "死別"),
    "に": ("師事",),
    "が": ("監督し", "監督を", "主演", "演じ", "師事"),
}
# What a definition says a person is (Xは、日本の実業家。, Xは…の俳優である。).
_PERSON_CATEGORIES = re.compile(
    r"(?:政治家|実業家|俳優|女優|声優|歌手|選手|作家|画家|小説家|漫画家|作曲家|音楽家|詩人|歌人|俳人|軍人|外交官|"
    r"官僚|貴族|武将|大名|公家|僧|僧侶|学者|研究者|医師|弁護士|ジャーナリスト|アナウンサー|タレント|"
    r"ミュージシャン|ギタリスト|ベーシスト|ドラマー|ピアニスト|ヴァイオリニスト|バイオリニスト|指揮者|"
    r"シンガーソングライター|歌手|ラッパー|脚本家|演出家|映画監督|騎手|棋士|力士|プロレスラー|ボクサー|"
    r"コメディアン|芸人|芸術家|彫刻家|写真家|建築家|評論家|批評家|思想家|活動家|宗教家|教育者|翻訳家|"
    r"編集者|経営者|技術者|発明家|探検家|天文学者|国王|女王|皇帝|王妃|皇后|王子|王女|天皇|教皇|枢機卿|"
    r"牧師|宣教師|将軍|提督|元帥|首相|大統領|投手|捕手|内野手|外野手|監督|コーチ|審判員|"
    r"哲学者|経済学者|物理学者|数学者|化学者|歴史家|歴史学者|生物学者|言語学者|社会学者|法学者|医学者|"
    # callings by their endings: …学者/研究者/指導者 (not 事業者, a firm), …家 of an art or a trade
    # (not 国家 or 王家), …手/…士/…師/…員/…優 (選手, 棋士, 教師, 議員, 声優), …人 (not 法人)
    r"[一-龥]{1,4}(?<!事業)(?<!通信)者|"
    r"(?:政治|実業|作|画|漫画|音楽|小説|建築|写真|評論|思想|活動|宗教|翻訳|発明|探検|冒険|芸術|彫刻|陶芸|書|"
    r"歴史|演出|脚本|声楽|落語|舞踊|料理|工芸|版画|随筆|童話|劇作|演奏|批評|登山|収集|慈善|投資|起業|銀行|"
    r"作詞|作曲|編曲|美術|教育|法律|外交|軍事|社会運動)家|"
    r"[一-龥]{1,3}(?:手|士|師|員|優)|[一-龥]{1,3}(?<!法)(?<!個)人|[ァ-ヴー]{2,8}人|"
    # what a person is by age or sex, or commands (少年・チェイス, 司令官アンデシュ・ビレ)
    r"少年|少女|青年|老人|男性|女性|司令官|船長|艦長|隊長|"
    r"ナレーター|タレント|ジャーナリスト|コラムニスト|エッセイスト|イラストレーター|デザイナー|プロデューサー|"
    r"ディレクター|アナウンサー|レスラー|ボクサー|ダンサー|シンガー|マジシャン|アスリート|スケーター|"
    r"スキーヤー|サーファー|クライマー|ライター|コメディアン|ミュージシャン|モデル)$")


def is_calling(word: str) -> bool:
    """A word that names what a person is (俳優, ドラマー, 実業家, 天才科学者)."""
    return bool(_PERSON_CATEGORIES.search(word))


def said_to_be_a_person(doc: Doc, start: int, end: int, titles: frozenset[str] = frozenset()) -> bool:
    """The sentence says the candidate is a person by what it has or does (Xの息子, Xと結婚,
    X に師事, X が監督し, X個人) or by defining it as one (Xは、日本の実業家。)."""
    nxt = next_text(doc, end)
    after = doc[end + 1:end + 3].text.replace(" ", "") if end + 1 < len(doc) else ""
    if nxt == "の" and end + 1 < len(doc):
        rel = doc[end + 1]
        after_rel = doc[end + 2] if end + 2 < len(doc) else None
        glued = (after_rel is not None and not rel.whitespace_ and is_noun(after_rel) and "人名" not in after_rel.tag_
                 and after_rel.text not in _KIN_HONORIFICS)  # 姉妹都市; not 息子さん
        if (rel.text in _PERSON_RELATIONS and not glued) or _SOLO.match(doc_text(doc), rel.idx):
            return True
        if rel.text in _PERSON_WORKS and not glued and all(
                (t.text in JOINERS or "人名" in t.tag_ or not entry(t.text).known or entry(t.text).kinds)
                and t.ent_type_ not in ORG_LABELS for t in doc[start:end]):
            return True
    if nxt in _PERSON_GLUED and not doc[end - 1].whitespace_ and not (
            end + 1 < len(doc) and doc[end + 1].tag_.startswith(("名詞", "接尾辞"))):
        return True  # X個人が; not ゴールド個人会員
    verbs = _PERSON_VERBS.get(nxt)
    compound = (end + 2 < len(doc) and doc[end + 2].tag_.startswith(("名詞", "接尾辞"))
                and not doc[end + 1].whitespace_)
    if verbs and after.startswith(verbs) and not compound:  # not プランと結婚割
        return True
    return defined_as_a_person(doc, start, end) or person_deed(doc, end, titles)


# What only a person does or feels, said of the subject later in its clause (Xは…で学んだ,
# Xが…によって入院, Xは…を卒業, Xが…の町長に選ばれ, Xは…に落胆した).
# Not 引退, 生まれる or 死亡: racehorses do those too.
_PERSON_DEEDS = frozenset({
    "学ぶ", "入院", "退院", "死去", "逝去", "亡くなる", "卒業", "入学", "留学", "師事", "就任", "結婚", "離婚",
    "再婚", "婚約", "出家", "即位", "戦死", "病死", "亡命", "辞任", "任命", "昇進",
    "埋葬", "著す", "崩御", "薨去", "暗殺",  # buried, wrote (a book), died as a ruler, assassinated
})
# Feelings, as verbs only (ポーターは結果に落胆した); not 安心 or 喜ぶ, said of products too
# (サポートは安心して使えます, このサービスはお客様に喜ばれています).
_FEELINGS = frozenset({"激怒", "落胆", "後悔", "憤慨"})
_APPOINTED = ("選", "任命", "就任", "指名")
_CLAUSE_CHARS = 40  # dates and places between the subject and its predicate (…は1940年5月7日に…で亡くなった)


def _lemma_in(tok: Token, words: frozenset[str]) -> bool:
    """The word's dictionary form is one of ``words``, as SudachiPy gives it or as it is usually
    written (演じ: lemma 演ずる, normalised 演じる; 命じ: 命ずる, 命じる)."""
    return tok.lemma_ in words or tok.norm_ in words


def _predicate_noun(doc: Doc, i: int) -> bool:
    """A verbal noun used as the predicate (入院した, 入院を余儀なく, …に就任。), not as a modifier
    (入院時, 卒業シーズン); a feeling only as a verb (落胆した)."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if doc[i].text in _FEELINGS:
        return nxt is not None and nxt.lemma_ == "する"
    return nxt is None or nxt.lemma_ == "する" or nxt.text in {"を", "。", "、"}


# What a person says, thinks or lives through, though not only a person (a firm 述べる in a
# statement, a ship 訪れる a port): the predicate of a subject that other evidence says is a name
# (``person_predicate``).  Not what bodies and things do as often (支持, 反対, 認める, 解雇, 救う,
# 知られる, 移籍): measured on own sentences, ジュニアは…を支持, アートは…を救う, ナイフは…で知られる.
_PERSON_PREDICATES = frozenset({
    "語る", "述べる", "話す", "主張", "考える", "思う", "提案", "要求", "拒絶", "拒否", "命じる",
    "生まれる", "死去", "逝去", "亡くなる", "結婚", "師事", "学ぶ", "就任", "辞任", "指名", "任命", "選出",
    "会う", "出会う", "訪れる", "著す", "演じる", "歌う", "注目",
})


# What a person says or asks for, after Xの (ブライの提案, ロビーの発言): the same, as nouns.
_PERSON_STATEMENTS = frozenset({"提案", "主張", "発言", "命令", "指示", "要求", "助言", "見解", "意向"})


def person_predicate(doc: Doc, i: int) -> bool:
    """Token ``i`` is the subject (…は / …が) of a predicate a person typically has (ブラックは…に
    指名された, ピールは…に注目した: the parse's head of the word, not a word further on), or says
    or asks for what follows の (ブライの提案は…)."""
    tok = doc[i]
    nxt = next_text(doc, i + 1)
    if nxt == "の":
        return next_text(doc, i + 2) in _PERSON_STATEMENTS and not (
            i + 3 < len(doc) and not doc[i + 2].whitespace_ and is_noun(doc[i + 3]))  # not 提案書, 要求水準
    return nxt in {"は", "が"} and tok.head.i != i and _lemma_in(tok.head, _PERSON_PREDICATES)


def person_deed(doc: Doc, end: int, titles: frozenset[str]) -> bool:
    """The candidate is the subject (…は / …が) of what only a person does, within its clause:
    no 、 or 。 and no other subject between (a 、 right after は is the topic's own)."""
    for tok in _clause(doc, end):
        if (_lemma_in(tok, _PERSON_DEEDS) and not is_noun(tok)) or (
                tok.text in _PERSON_DEEDS | _FEELINGS and _predicate_noun(doc, tok.i)):
            return True
        if (tok.text in titles and next_text(doc, tok.i + 1) == "に"
                and next_text(doc, tok.i + 2).startswith(_APPOINTED)):
            return True  # …の町長に選ばれ: appointed to an office
    return False


def _clause(doc: Doc, end: int) -> list[Token]:
    """The words of the clause whose subject (…は / …が / …も) ends at ``end``, up to its predicate:
    no 、 or 。 and no other subject between (a 、 right after は is the topic's own, and one
    after a て-form goes on with the same subject: …を持って、…で設立された)."""
    if next_text(doc, end) not in {"は", "が", "も"}:
        return []
    first = end + 2 if doc[end].text in {"は", "も"} and next_text(doc, end + 1) == "、" else end + 1
    chars = 0
    words: list[Token] = []
    for tok in doc[first:]:
        te_form = tok.text == "、" and tok.i > 0 and doc[tok.i - 1].text in {"て", "で"} and (
            doc[tok.i - 1].tag_.startswith("助詞-接続助詞"))
        if (tok.text in {"、", "。", "は", "が"} and not te_form) or chars > _CLAUSE_CHARS:
            break
        words.append(tok)
        chars += len(tok.text)
    return words


# What only a body does, said of the subject later in its clause (Xは楽天市場にも出店している,
# Xが東証に上場した, Xは…で正式に設立された): opening shops, listing, merging, being founded.
# Not 解散 (a prime minister dissolves a house) or 破産/開業 (people go bankrupt, doctors open practices).
_BODY_DEEDS = frozenset({"出店", "上場", "倒産", "合併", "発足"})
_FOUNDED = frozenset({"設立", "創業", "創立", "結成"})


def organisation_deed(doc: Doc, end: int) -> bool:
    """The candidate is the subject (…は / …が) of what only a body does, within its clause (as
    ``person_deed``): a verbal noun used as a verb (出店している), or founded in the passive
    (設立された; a person founds, a body is founded)."""
    for tok in _clause(doc, end):
        if tok.i + 1 < len(doc) and doc[tok.i + 1].lemma_ == "する":
            passive = tok.i + 2 < len(doc) and doc[tok.i + 2].lemma_ in {"れる", "られる"}
            if ((tok.text in _BODY_DEEDS or (tok.text in _FOUNDED and passive))
                    and not _modifies_a_noun(doc, tok.i + 1)):
                return True
    return False


def _modifies_a_noun(doc: Doc, i: int) -> bool:
    """The verb at ``i`` and its auxiliaries end a relative clause: a noun follows
    (…で設立された連邦軍に入隊した: the subject joined, the army was founded)."""
    while i + 1 < len(doc) and (doc[i + 1].tag_.startswith(("助動詞", "動詞-非自立"))
                                or doc[i + 1].text in {"て", "い"}):
        i += 1
    return i + 1 < len(doc) and is_noun(doc[i + 1])


def defined_as_a_person(doc: Doc, start: int, end: int) -> bool:
    """A sentence that opens with the candidate as its topic (Xは、) and ends by saying it is a
    person of some calling (…の実業家。, …の俳優である。)."""
    if (start > 0 and doc[start - 1].text != "。") or next_text(doc, end) != "は":
        return False
    stop = next((t.i for t in doc[end:] if t.text == "。"), len(doc))
    i = stop - 1
    while i > end and (doc[i].text in _DEFINITION_END or doc[i].is_punct or "助動詞" in doc[i].tag_):
        i -= 1
    return i > end + 1 and is_noun(doc[i]) and bool(_PERSON_CATEGORIES.search(doc[i].text))
