"""PERSON: names from GiNZA's tokens plus the rules of Japanese self-introduction.

GiNZA's named-entity layer is one source (mapped in ``redactor.pii.analyzer``).  This
recognizer adds what its tokens and the conversation make clear:

- tokens tagged as personal names by SudachiPy (名詞-固有名詞-人名-姓/名);
- a proper noun or katakana word before an honorific (田中様, スミスさん): the honorific
  itself stays outside the span, so the masked text still reads politely;
- the phrase before と申します / と言います (わたくし、山田と申します).
"""

from __future__ import annotations

import re
import string
from typing import Literal

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.pii.catalogue import LANGUAGE
from redactor.pii.cues import CUES
from redactor.pii.lexicon import PERSONAL, entry, full_name, names, near_names
from redactor.pii.recognizers.base import HEARD_ONLY_KEY, WRITTEN_ONLY_KEY, rule_result
from redactor.pii.recognizers.person_context import JOINERS
from redactor.pii.recognizers.person_evidence import HONORIFICS, TITLES, Decide, Verdict, person_spans, weigh

_HONORIFIC_RE = re.compile("|".join(HONORIFICS))
# Words that take an honorific but are not names.
_NOT_NAMES = frozenset({"お客", "客", "皆", "みな", "奥", "お子", "ご主人", "旦那", "担当", "担当者",
                        "お母", "お父", "息子", "娘", "ご家族", "家族", "会員", "利用者", "契約者",
                        "ご本人", "本人", "名義人", "皆様", "お客様", "先方", "相手", "御社", "貴社",
                        "おじい", "おばあ", "お兄", "お姉", "医者", "お医者",
                        # a question for a count or a person (何名様でご利用ですか, どなた様)
                        "何名", "何人", "なんめい", "どなた", "どちら"})
_SELF_INTRODUCTION = re.compile(r"(?:と|って)(?:申します|申し上げます|言います|いいます|いう者|申す者)")
_INTRO_NAME = re.compile(r"[一-龥々ァ-ヴーぁ-ゖA-Za-z・ ]{1,20}$")
# (a spelling said before the name is no piece of it: カタカナでリンと申します)
_INTRO_STRIP = re.compile(r"^(?:もしもし|わたくし|私|わたし|僕|ぼく|あ|はい|えっと|えーと|あの|担当の?|こちら"
                          r"|(?:カタカナ|かたかな|ひらがな|平仮名|漢字|ローマ字|アルファベット)で)+")


# A surname inside a company name (伊藤水産, 株式会社渡辺鉱業) is not a person.
_COMPANY_BEFORE = re.compile(r"(?:株式会社|有限会社|合同会社|合資会社|\(株\)|㈱)\s*$")
_COMPANY_AFTER = re.compile(
    r"\s{0,8}[一-龥ァ-ヴー]{0,4}(?:株式会社|有限会社|合同会社|会社)|\s{0,8}(?:通信|株式会社|有限会社|合同会社|商事|商店|商会|水産|工業|建設|鉱業|農林|物産|産業|銀行|保険|情報|印刷|"
    r"不動産|電機|電気|製作所|製薬|食品|運輸|病院|医院|クリニック|事務所|ホールディングス|グループ|"
    r"ストア|工務店|興業|証券|信金|信用金庫|カスタマーセンター|サポートセンター|コールセンター|センター|窓口|"
    r"事業部|サービス|ネット|モバイル|でんき|ガス|"
    # trades a family firm is named by (小川珈琲, 森永製菓, 山田酒造, 名古屋瓦斯)
    r"珈琲|製菓|酒造|醸造|本舗|製麺|紡績|重工|化学|化成|製鉄|鉄鋼|製紙|自動車|電鉄|薬品|楽器|硝子|瓦斯|書房|"
    r"商船|海運|倉庫|紙業|製粉|製油|醤油|酒店|旅館)"
)
# In the answer to a name question (お名前は…, 名義は…, or the agent's question before the turn)
# a firm is only what a legal form says (株式会社ソラ): a trade word after a surname there
# (鈴木化学さん) is the name the caller gave, perhaps a given name speech recognition misheard.
# Elsewhere the trade reading stands, さん or not (鈴木化学さんに発注した: a firm addressed politely).
# A word of kanji only (a whole full name the tagger knows: ``_whole_name_word``).
_KANJI_WORD = re.compile(r"[一-龥々〆ヶ]+")
_LEGAL_FORM = re.compile(r"株式会社|有限会社|合同会社|合資会社|会社|\(株\)|㈱")
# What stands between a name cue and its answer (お名前様は、えーと、).
_LEAD = r"(?:様|さま)?(?:は|が|:|：)[、\s]*(?:えーと|えっと|ええと|あの|はい)?[、\s]*"
_ANSWER_LEAD = rf"{_LEAD}$"
_NAME_CUE = rf"(?:{'|'.join(CUES['PERSON'])}){_LEAD}"
_NAME_CUE_BEFORE = re.compile(rf"{_NAME_CUE}$")
# What makes a one-kanji surname the name said next (担当の林です, こちら泉です, 名義は森で).
_ONE_KANJI_NAME_BEFORE = re.compile(rf"(?:(?:担当|担当者)の|(?:^|[、。\s])こちら、?|{_NAME_CUE})$")
# The name of a firm, a shop or a product asked for (会社の名前は…): no person's name follows.
_THING_NAME_CUE = re.compile(
    rf"(?:会社|社|店|お店|商品|製品|団体|法人|組織|チーム|施設|学校|ブランド|サービス|番組)の(?:お?名前|名称|名義){_ANSWER_LEAD}")
# Words GiNZA sometimes tags as names.
_NOT_A_NAME = frozenset({"フリガナ", "ふりがな", "カタカナ", "ひらがな", "ですね", "こちら", "わたくし"})
# Michael S. Maurer氏: up to three words, a middle initial among them.
_ROMAJI_NAME = re.compile(
    r"[A-Z][a-z]+(?:[ \u3000](?:[A-Z]\.|[A-Z][a-z]+)){0,2}(?=[ \u3000]?(?:様|さん|さま|氏|です|と申|でござ|って言))"
)
# The agent's own name: …センターの鈴木でございます, 本日は高橋が承りました.
_AGENT_NAME = re.compile(
    r"(?:センターの|窓口の|担当の|部の|課の|係の|会社の|社の|本日は|わたくし、?|私、?)"
    r"((?:(?![はのが])[一-龥々ァ-ヴーぁ-ゖ]){1,6}?)(?=でございます|が承り|が担当|が伺い)"
)
# A kanji name before an honorific, even one GiNZA does not know (山愚痴さん, 今度さん).
_KANJI_BEFORE_HONORIFIC = re.compile(r"(?:^|(?<=[、。はのがをにと\s]))([一-龥々]{2,4})(?=さん|様|さま)")
_ROLES = frozenset({"担当", "担当者", "窓口", "店員", "運転手", "先生", "医者", "業者", "配達員", "大家",
                    "管理人", "係員", "受付", "営業", "社長", "部長", "課長", "上司", "同僚", "近所", "皆",
                    "お客", "客", "奥", "家族", "本人", "契約者", "名義人", "利用者", "会員", "相手", "先方",
                    "以上", "こちら", "当社", "弊社", "御社", "貴社", "サポート", "センター",
                    "代理人", "保証人", "受取人", "申込人", "相続人", "依頼人", "請求人"})


_ROLE_WORDS = _ROLES | _NOT_NAMES  # both lists, read as one


# 二名様でご予約: a count of guests (a run starts after a non-digit only: linear under search)
_HEADCOUNT = re.compile(r"(?<![一二三四五六七八九十百何数\d０-９])[一二三四五六七八九十百何数\d０-９]+名")


def is_role(word: str) -> bool:
    """A word that takes an honorific as a role, not a name: listed, one who does something (代表者様,
    申込者様, 保護者様: names do not end in 者), or a count of guests (二名様)."""
    return word in _ROLE_WORDS or word.endswith("者") or bool(_HEADCOUNT.fullmatch(word))


_SPACED_WORD_BEFORE = re.compile(r"[一-龥々ァ-ヴーぁ-ゖ]{1,8}[ \u3000]$")
_SPACED_WORD_AFTER = re.compile(r"[ \u3000][一-龥々ァ-ヴーぁ-ゖ]{1,6}?(?=です|でござ|様|さん|と申|が|、|。|$)")
_PARTICLE = re.compile(r"[はがのをにで]")


# A predicate before a space is not half of a name: speech recognition puts a space after a
# sentence (受けたまわりました 内徹の… was masked from けたまわりました on).
_PREDICATE_END = re.compile(r"(?:ます|ました|ません|ましょう|です|でした|ください|ございます)$")
# A title or role before a space is not half of a name (代表 大川薫).
_TITLE_END = re.compile(r"(?:長|員|者|官|師|士|手|家|代表|担当|監督|社長|教授|博士|選手|記者)$")
_REGNAL = re.compile(r"^[ァ-ヴー・]+\d{1,2}世$")
_KATAKANA_CHAR = re.compile(r"[ァ-ヴー]")


def extend_over_space(text: str, start: int, end: int) -> tuple[int, int]:
    """A name split by a space is one name: GiNZA often tags half (まえだ [あつし])."""
    before = _SPACED_WORD_BEFORE.search(text, max(0, start - 9), start)
    if before:
        word = before.group(0)
        cut = max((m.end() for m in _PARTICLE.finditer(word) if m.start() > 0), default=0)
        if (cut < len(word) - 1 and not _TITLE_END.search(word.rstrip()) and word.rstrip()[cut:] not in TITLES
                and not _PREDICATE_END.search(word.rstrip())):
            # 名義は意図 なおこ → 意図; はやし stays whole; 代表 大川薫 stays 大川薫
            start = before.start() + cut
    after = _SPACED_WORD_AFTER.match(text, end)
    if after:
        end = after.end()
    return start, end


def _company_inside(value: str) -> bool:
    """A company word inside the value (中島保険, ソラモバイルサポートセンター, ソラネット), not a short
    one that a part of a foreign full name only ends with (ジャネット・ジャクソン, フランシス・ホジソン・
    バーネット), nor katakana that a longer katakana word goes on after (ガストン, オーガスタス: a firm
    word ends its word)."""
    chain = any(joiner in value for joiner in JOINERS)
    return any(not (_KATAKANA_CHAR.match(m.group().strip()) and _KATAKANA_CHAR.match(m.group()[-1]) and (
        _KATAKANA_CHAR.match(value, m.end())
        or (len(m.group().strip()) <= 3 and m.start() > 0 and _KATAKANA_CHAR.match(value, m.start() - 1)
            and (value[m.end():m.end() + 1] in JOINERS or (chain and m.end() == len(value))))))
               for m in _COMPANY_AFTER.finditer(value))


# Initials with full stops before a katakana surname (H.A.リブリン, M.メドレー).
_INITIALS_NAME = re.compile(
    r"(?<![A-Za-z.])(?:[A-Z]\.\s?){1,3}[ァ-ヴ][ァ-ヴー]{1,15}(?:[・＝=][ァ-ヴ][ァ-ヴー]{1,15})*")
# A person named by a letter after a role (被害者C, 少年A): a person kept anonymous, still one.
_ANONYMOUS_ROLE = r"(?:被害者|容疑者|被告人?|原告|証人|少年|少女|受刑者)"
_LETTER_PERSON = re.compile(rf"{_ANONYMOUS_ROLE}([A-Z])(?![A-Za-z0-9])")
_ROLE_BEFORE = re.compile(rf"{_ANONYMOUS_ROLE}$")
# A child's hiragana name before ちゃん or くん (さくらちゃん, 母のゆうとくん): the whole kana run after a
# boundary or after a particle that follows a word; the tagger cuts such names into pieces (ゆう|と|
# くん).  Not さん or さま: spoken kana runs before them are words far more often (たくさん,
# ぎょうさん, ありがとさん, じいさん); not ちゃんと (properly).
_KANA_BEFORE_HONORIFIC = re.compile(
    r"(?:(?<![一-龥々ァ-ヴーぁ-ゖA-Za-z0-9])|(?<=[一-龥々ァ-ヴーA-Za-z0-9][はがをにともの]))"
    r"(?![をんっゃゅょぁぃぅぇぉゎ])([ぁ-ゖ][ぁ-ゖー]{1,4})(?=ちゃん(?!と)|くん)")
# Kana words before ちゃん or くん that are no name: kin (うちのじいちゃん ends so), babies, pronouns.
_KANA_KIN_ENDS = ("じい", "ばあ", "にい", "ねえ", "かあ", "とう", "あか", "ぼっ")
_KANA_NOT_NAMES = frozenset({"みんな", "あんた", "あなた", "だれ", "どなた", "まご", "むすめ", "むすこ", "いもうと",
                             "おとうと", "あね", "あに", "こども", "よめ", "むこ", "おまえ", "ぼく", "きみ"})
# A model number after the word (マーチンM-130): a product.  The letter is required: a name
# written against a phone number or a year (山田太郎-090-…, 鈴木一郎-1985年) is still a name.
_MODEL_NUMBER = re.compile(r"[A-Za-z]{1,3}[-‐－][0-9０-９]")


def _answers_name_question(text: str, start: int, asked: str | None) -> bool:
    """Only a name cue and its lead-in before ``start`` (お名前は、…), in the text or in the
    question the turn answers (``asked``: its cue, read as if the text began with it)."""
    head = f"{asked}は、{text[:start]}" if asked and start <= 24 else text[max(0, start - 24):start]
    return bool(_NAME_CUE_BEFORE.search(head)) and not _THING_NAME_CUE.search(head)


def plausible_person(text: str, start: int, end: int, asked: str | None = None) -> bool:
    """Whether ``text[start:end]``, tagged as a name, can be one (``asked``: the cue of the
    question the text answers, see ``Redactor.analyze``'s ``prompt``)."""
    value = text[start:end]
    if (any(c.isdigit() for c in value) and not _REGNAL.search(value)) or value in _NOT_A_NAME:
        return False
    letters = len(value) - len(value.rstrip(string.ascii_letters))
    if _MODEL_NUMBER.match(text, end - min(letters, 3)):  # its letters may be in the value (ダグラスDC|-3)
        return False
    if re.fullmatch(r"[A-Z]{1,5}", value) and not (
            len(value) == 1 and _ROLE_BEFORE.search(text[max(0, start - 4):start])):
        return False  # CVV (not 被害者C)
    firm_before = bool(_COMPANY_BEFORE.search(text, max(0, start - 64), start))
    if _answers_name_question(text, start, asked):
        return not (firm_before or _LEGAL_FORM.search(value) or _LEGAL_FORM.match(text, end))
    return not (firm_before or _company_inside(value) or _COMPANY_AFTER.match(text, end))  # 中島保険


def _is_name_like(token) -> bool:  # a spaCy token
    return (token.tag_.startswith("名詞-固有名詞") and "地名" not in token.tag_) or bool(
        re.fullmatch(r"[ァ-ヴー・]{2,}", token.text)
    )


# One-kanji words that take an honorific or follow 担当の without being a surname, though the
# dictionary lists most of them as one too (神様, 王様, 上様 on a receipt, 担当の方です).
_ONE_KANJI_NOT_NAMES = frozenset("神王姫奥方殿仏客皆主君様彼貴皇者件上大若俺")


_ONE_KANJI = re.compile(r"[一-龥]")
_ENDS_GLUING = re.compile(r"[一-龥々おご御]$")  # a kanji or an honorific prefix the next word is glued to


def _one_kanji_surname(tokens: list, i: int) -> bool:
    """``tokens[i]`` is one kanji the dictionary lists as a surname (林, 森, 関), not glued to a
    kanji or an お/ご before it (お客様, 皆様 are no names): the tagger calls 林 a grove, but before
    様 or after 担当の it is the surname a call uses most."""
    text = tokens[i].text
    glued = i > 0 and not tokens[i - 1].whitespace_ and _ENDS_GLUING.search(tokens[i - 1].text)
    return (bool(_ONE_KANJI.fullmatch(text)) and text not in _ONE_KANJI_NOT_NAMES
            and entry(text).surname and not glued)


class JpPersonRecognizer(EntityRecognizer):
    """PERSON from the parse's evidence (``person_evidence``) and from the phrasing rules below
    (honorifics, self-introductions, an agent's own name, initials), which stand on their own.

    A one-word name only the dictionaries vouch for, on readings that disagree, is marked
    ``WRITTEN_ONLY_KEY``: ``Redactor`` drops it from a transcript (``_doubtful_when_heard``).

    ``decide``: a trained scorer for the evidence's candidates (``person_model.shipped().decide``).
    Off by default: on cross-validation over the studied real text it ties the hand rules (#10
    round 6, ``benchmarks/train_person.py --cv``), so the rules decide.
    """

    ENTITY = "PERSON"

    def __init__(self, decide: Decide | None = None) -> None:
        self.decide = decide
        super().__init__(supported_entities=[self.ENTITY], supported_language=LANGUAGE,
                         name=type(self).__name__)

    def load(self) -> None:
        names("")  # the name lists read when the recognizer is built, not in a call's first turn
        full_name("")
        near_names("")

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
        # Names the parse gives evidence for (tags, GiNZA's labels, titles): person_evidence.
        verdicts = weigh(doc, open_words=self.decide is not None) if doc is not None else []
        spans = person_spans(doc, self.decide, verdicts) if doc is not None else []
        phrased = phrased_names(text, list(doc) if doc is not None else [])
        doubtful = _doubtful_when_heard(doc, verdicts, phrased) if doc is not None else []
        spans = [(start + _glued_word_before(text, start, end), end, score) for start, end, score in spans + phrased]
        results = []
        for start, end, score in spans:
            addressed = _addressed_no_name(doc, start, end) if doc is not None else None
            if addressed == "always":
                continue
            result = rule_result(self, self.ENTITY, start, end, score)
            if addressed == "written":
                result.recognition_metadata[HEARD_ONLY_KEY] = True
            if any(a < end and start < b for a, b in doubtful):
                result.recognition_metadata[WRITTEN_ONLY_KEY] = True
            results.append(result)
        return results


def _doubtful_when_heard(doc, verdicts: list[Verdict],
                         phrased: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Character ranges of the names a transcript cannot vouch for (``WRITTEN_ONLY_KEY``).

    One word accepted on the dictionaries' evidence alone (person_evidence's weighed branch, no
    other rule's evidence on it) whose readings disagree: GiNZA's label on a common or unknown
    word (平化, ワシント, 有礼), a name tag GiNZA reads otherwise (アルツハイマー: a disease; ケー: a
    city) or not at all (マイナ, エホバ).  Readings agree, and the word stays a name, for a surname
    the tagger reads here or lists (岡田, 三宅), a word GiNZA labels a person that the tagger (人名)
    or JMnedict (a known person: フォード) also reads as a name, and a whole full name the tagger
    knows as one word (石破茂, ネルソン・マンデラ: ``_whole_name_word``)."""
    def chars(v: Verdict) -> tuple[int, int]:
        return doc[v.start].idx, doc[v.end - 1].idx + len(doc[v.end - 1].text)

    other = [chars(v) for v in verdicts if v.accepted and v.branch != "weighed"] + [(a, b) for a, b, _ in phrased]
    found = []
    for v in verdicts:
        if not v.accepted or v.branch != "weighed" or v.extra or v.end - v.start != 1:
            continue
        a, b = chars(v)
        tag, word = doc[v.start].tag_, doc[v.start].text
        if (any(x < b and a < y for x, y in other) or tag.endswith("人名-姓") or entry(word).surname
                or ("人名" in tag and (v.ginza or _whole_name_word(word)))
                or (v.ginza and "person" in names(word).classes)):
            continue
        found.append((a, b))
    return found


def _whole_name_word(word: str) -> bool:
    """A whole full name the tagger knows as one word (石破茂, 織田信長, ネルソン・マンデラ), not a
    garbled sound: three kanji or more, or a foreign name with its joiner."""
    return (len(word) >= 3 and _KANJI_WORD.fullmatch(word) is not None) or any(j in word for j in JOINERS)


def _addressed_no_name(doc, start: int, end: int) -> Literal["always", "written"] | None:
    """When ``doc.text[start:end]``, before an honorific, is no name.

    ``"always"``: a firm JMnedict lists, which the dictionaries give no personal-name reading
    (ドコモさん, ソフトバンクさん: callers address firms so), the end of a known word (住吉|大社さん), a
    shop's trade, a common noun in 屋 (八百屋さん, 郵便屋さん; not a surname in 屋 the tagger reads as
    one: 土屋さん, 古屋さん), or a word with no name reading that GiNZA labels an occupation or position
    (生徒さん, ケアマネさん, 獣医さん, 職員さん: speech recognition does not garble a name into one).
    ``"written"``: another word the dictionaries know with no personal-name reading (工房さん,
    団員さん): no name in written text, but in a transcript as likely a name speech recognition
    garbled (``HEARD_ONLY_KEY``).  ``None``: a name as far as the word goes, and whatever the word
    when it answers a name cue (お名前は意図様でよろしいですか)."""
    span = doc.char_span(start, end)
    if span is None or span.end >= len(doc) or not _HONORIFIC_RE.fullmatch(doc[span.end].text):
        return None
    word = span.text
    # (the end of a longer word, whatever the tag on the end: 住吉|大社さん)
    prev = doc[span.start - 1] if span.start > 0 and not doc[span.start - 1].whitespace_ else None
    if prev is not None and _no_name_reading(prev.text + word):
        return "always"
    if any("人名" in t.tag_ for t in span):
        return None
    if word.endswith("屋"):
        return "always" if len(word) >= 2 and not entry(word).only_person else None
    if not _no_name_reading(word):
        return None
    if names(word).only_firm or all(t.ent_type_ == "Position_Vocation" for t in span):
        return "always"
    return None if _answers_name_question(doc.text, start, None) else "written"


def _no_name_reading(word: str) -> bool:
    """One word the dictionaries know, with no personal-name reading in SudachiPy or JMnedict."""
    found = entry(word)
    return found.known and not found.kinds and not names(word).classes & PERSONAL


# A word glued before a surname that the parse or a pattern took into the name: ただ今 / 只今
# (ただ今鈴木は席を外しております), 次 (次田中さん、どうぞ), 各, 某.  今 alone is a surname too (今東光).
_GLUED_BEFORE_A_NAME = re.compile(r"(?:(?<=ただ)今|(?<=只)今|只今|次|各|某)(?=[一-龥々]{2})")


def _glued_word_before(text: str, start: int, end: int) -> int:
    """How many characters at the start of the name ``text[start:end]`` are a word glued before
    its surname (0: none).  Not when the whole is a surname the dictionary lists, unless it is
    ただ今's 今 (ただ今田中は: SudachiPy lists 今田中 as a surname too)."""
    glued = _GLUED_BEFORE_A_NAME.match(text, start, end)
    if glued is None:
        return 0
    rest = text[glued.end():end]
    surname = next((k for k in (3, 2) if len(rest) >= k and entry(rest[:k]).surname), 0)
    if not surname:
        return 0
    tadaima = "今" in glued.group()
    return glued.end() - start if tadaima or not entry(text[start:glued.end() + surname]).surname else 0


def phrased_names(text: str, tokens: list) -> list[tuple[int, int, float]]:
    """Names the phrasing makes certain: a name-like word before an honorific, a romaji name
    before one, initials, an anonymous role's letter, an agent's own name, a self-introduction."""
    spans = []
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if _HONORIFIC_RE.fullmatch(nxt) and (_is_name_like(token) or _one_kanji_surname(tokens, i)) and not is_role(
                token.text):
            spans.append((token.idx, token.idx + len(token.text), 0.8))
        elif (nxt in ("です", "でございます", "で", "。", "") and _one_kanji_surname(tokens, i)
              and _ONE_KANJI_NAME_BEFORE.search(text, max(0, token.idx - 24), token.idx)):
            # 担当の林です, こちら泉です: the agent's own name; 名義は森で: the answer to a name cue
            spans.append((token.idx, token.idx + len(token.text), 0.8))
    spans += [(m.start(), m.end(), 0.8) for m in _ROMAJI_NAME.finditer(text)]
    spans += [(m.start(), m.end(), 0.8) for m in _INITIALS_NAME.finditer(text)]
    spans += [(m.start(1), m.end(1), 0.8) for m in _LETTER_PERSON.finditer(text)]
    # (a long word the dictionary knows as no name is what the department offers: 営業部の当座預金で
    # ございます; a short one may be a name speech recognition garbled: 担当の意図でございます)
    spans += [(m.start(1), m.end(1), 0.7) for pattern in (_AGENT_NAME, _KANJI_BEFORE_HONORIFIC)
              for m in pattern.finditer(text) if not is_role(m.group(1))
              and not (len(m.group(1)) >= 3 and _no_name_reading(m.group(1)))]
    # (お/ご begins a word of respect, not a name: おばあちゃん, おにいちゃん)
    spans += [(m.start(1), m.end(1), 0.7) for m in _KANA_BEFORE_HONORIFIC.finditer(text)
              if m.group(1)[0] not in "おご" and m.group(1) not in _KANA_NOT_NAMES
              and not m.group(1).endswith(_KANA_KIN_ENDS) and not is_role(m.group(1))]
    for match in _SELF_INTRODUCTION.finditer(text):
        head = text[max(0, match.start() - 20):match.start()]
        head = re.split(r"[、。,.!?！？\u3000「」『』]|(?<![A-Za-z]) | (?![A-Za-z])|の|は", head)[-1]
        name = _INTRO_STRIP.sub("", head)
        if name and _INTRO_NAME.search(name) and not re.search(r"\d", name):
            spans.append((match.start() - len(name), match.start(), 0.8))
    return spans
