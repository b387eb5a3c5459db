"""JP_ADDRESS: a street address as one span, prefecture → … → 丁目/番地/号 → building/room.

An address needs a municipality (市/区/町/村/郡) or 丁目 followed by a house number, so a
place in passing (大阪の店舗, 東京駅の近く) never matches.  Runs on normalised text, where
``2-8-1`` and ``二丁目八番一号`` have become digits.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redactor.pii.quantities import counter
from redactor.pii.recognizers.base import JapanesePatternRecognizer

_PREFECTURES = (
    "北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|東京都|"
    "神奈川県|新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府|"
    "大阪府|兵庫県|奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|"
    "福岡県|佐賀県|長崎県|熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)
_NAME = r"[一-龥々〆ヶケァ-ヴー]"
# (a kana name, not a demonstrative: この郡, その町)
_MUNICIPALITY = rf"(?:{_NAME}{{1,6}}?|(?!この|その|あの|どの)[ぁ-ゖ]{{2,5}})(?:市|区|郡|町|村)"
_TOWN = rf"(?:{_NAME}|[ぁ-ゖ]){{0,12}}?"  # 西新宿, みなとみらい, 大字…
# 丁目 as speech recognition writes it too (長目, 町目, ちょうめ); 晩 for 番.
# A number followed by a counter of something else is no house number (市長職は1999年, 景観100選,
# 無人地区は21地区, 3政令指定都市, 期間5ヵ月, 10社, 23階建て), nor one with a decimal part (住民は27.20%),
# nor an ordinal (第1工区, 第13師団), a road's (国道3号, 北海道道67号) or a railway line's number (地下鉄5号線).
# Counters by name, not "any kanji after the number": normalised, 銀座4-6-1銀座ビル is 461 before a
# building's name, and the house number it is.  A counter that may begin a building's name counts only at
# its word's end (3日間, 2両編成 too), so 4-6-1日本ビル and 1-2-3本町ハイツ keep their numbers; 年, 月, 万,
# 億, 円… count anywhere (1972年札幌オリンピック, 約15億円).
_COUNTERS = ("日人名千社世枚分時秒連両本度代機勝戦着便店点基種周発部校作票敗型期個週室割倍隻項"
             "車列選線輌組輪頭羽席球曲層団泊")
_NOT_A_HOUSE_NUMBER = (rf"{counter(_COUNTERS)}"
                       r"|[\d%％つ年月億万円歳回件位]|\.\d|[ヵヶかカケ]月|[年日月時分]間|年代|試合|得点|議席|連[覇勝敗]|輪車|平方|階|S?L?DK|号線|号室|地区|世帯|"
                       r"政令|工区|師団|か所|ヶ所|箇所|カ所")
# A number right before a building's name is its house number, whatever character that name begins
# with (1-2-3つばめ荘, 1-5円山ハイツ, 1-2-3万代シティビル: normalised, 123つばめ荘): not a span of time
# (3年間マンションに住んで) or a count (3つのビル).  Bounded: a name of up to 6 characters, then the building's word.
# The name is part of the address (2-8-1つばめ荘: the building too).  Not a count or a price before a
# building's word (2世帯住宅, 15階建マンション, 1億円マンション, 3LDKマンション).
_BUILDING_NAMED = (r"(?![年月日時分秒歳間回件位%％]|つ[のずでもはがをとにや]|階|棟|世帯|億|万円|戸|軒|S?L?DK|坪|畳"
                   r"|平米)(?:[ぁ-ゖ]{2,5}|[一-龥々ァ-ヴー]{1,6})"
                   r"(?:荘|ハイツ|マンション|ビル|館|寮|コーポ|アパート|レジデンス|ハウス|タワー|団地|住宅|ヒルズ|パレス|"
                   r"コート|テラス)")
_BLOCK = (r"(?<![第\d])(?<!国道|県道|道道|府道|都道)"
          rf"\d+(?:丁目|長目|町目|ちょうめ|番地|番|晩|号(?!線|室)|条|線|の|-|{_BUILDING_NAMED}|(?!{_NOT_A_HOUSE_NUMBER}))")
# Sapporo-style blocks put names between numbers: 北1条西2丁目3番地.
# Speech recognition puts spaces between the parts (北区梅田 3 丁目 4番).
_BLOCKS = rf"{_BLOCK}(?:\s?{_NAME}{{0,3}}\s?{_BLOCK}){{0,4}}"
# A building and room: 新宿ビル301号室, 駅前第3ビル12階, メゾン山田202.
# A pause may come before the building when its room is said (…2-8-1、メゾン桜502号室): a room
# number ends an address, never anything else.
_BUILDING = (rf"(?:\s?(?:{_NAME}|[A-Za-z0-9]|\s){{0,20}}?\d+(?:号室|階|F)"
             rf"|、\s?(?:{_NAME}|[A-Za-z]|[ぁ-ゖ・]|\s){{1,20}}?[、\s]?の?\d+号室"
             rf"|\s?(?:{_NAME}|[A-Za-z]){{1,15}}?\s?\d+)?")

# A public place whose address an encyclopaedia or a notice gives: the address is the place's,
# not a person's (…小学校は、兵庫県宝塚市…1丁目に所在する公立小学校。).  Homes (自宅, マンション,
# 実家) are not among them, so 自宅は…1丁目にあります stays masked.
_FACILITY = ("(?:小学校|中学校|高等学校|高校|学校|大学|学園|幼稚園|保育園|駅|寺|寺院|神社|神宮|大社|教会|"
             "大聖堂|病院|図書館|博物館|美術館|資料館|記念館|会館|劇場|公園|城|庁舎|役場|役所|公民館|"
             "体育館|競技場|球場|スタジアム|空港|灯台|古墳|遺跡|研究所|工場|本社|本店|本部|支社|支店|営業所)")
_LOCATED = re.compile(r"\s?に(?:所在|位置|鎮座|ある|あった|建つ|建って|置く|置かれ)")
# Only a firm or a body has a head office: its seat is no person's address (…1丁目に本社を置く企業);
# a shop or a works opened there is a business's (…8丁目77に呉服店「大文字屋」を開く).
_SEAT = re.compile(r"\s?に(?:(?:本社|本店|本部|本拠|本拠地|事務局)を(?:置|構え)"
                   r"|[一-龥ァ-ヴー]{0,6}(?:店|商店|工場|事務所|医院|診療所|工房|店舗)(?:「[^」]{1,20}」)?を"
                   r"(?:開|構え|設立|創業|建設))")
# A public place set up at the address, named after it (…山田村1番地に役場が置かれた, …2丁目に駅が
# 開業した): the place's address, as with _SEAT.  Only verbs of founding or placing: …に荷物が届く,
# …に住んでいる are no such thing.
_PLACED = re.compile(rf"\s?に(?:新たに|新しく)?{_FACILITY}が(?:置かれ|設置され|開設され|設けられ|建てられ|"
                     r"建設され|開校|開業|開館|開院|移転|創建され)")
_FACILITY_SUBJECT = re.compile(rf"{_FACILITY}(?:は|が)、?\s?$")
_PREDICATE_TAIL = re.compile(r"[ぁ-ゖ]{0,4}")  # する, した, る, ている
_FACILITY_HEAD = re.compile(rf"[^。、]{{0,20}}?{_FACILITY}(?:である|です|だ)?(?:。|$)")
_SENTENCE_END = re.compile(r"[。！？!?]")


def facility_location(text: str, start: int, end: int) -> bool:
    """Whether the address at ``text[start:end]`` is where a named public place stands."""
    if _SEAT.match(text, end) or _PLACED.match(text, end):
        return True
    located = _LOCATED.match(text, end)
    if not located:
        return False
    # The place is the sentence's subject, or the noun the location describes.
    head = _PREDICATE_TAIL.match(text, located.end())
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    return bool(_FACILITY_SUBJECT.search(text, sentence_start, start)
                or _FACILITY_HEAD.match(text, head.end() if head else located.end()))


class JpAddressRecognizer(JapanesePatternRecognizer):
    """Street addresses; structure stands in for a cue, so none is required.

    The score matches GiNZA's for names, so an address wins over a town name read as a
    person (白子町二つ室) by being the longer span.
    """

    ENTITY = "JP_ADDRESS"
    REJECT_UNIT_AFTER = False  # an address ends in units of its own (号室, 階)
    PATTERNS = (
        ("municipality and number",
         rf"(?:{_PREFECTURES})?(?:{_MUNICIPALITY}){{1,3}}{_TOWN}\s?{_BLOCKS}{_BUILDING}", 0.85),
        ("town and chome", rf"(?:{_PREFECTURES})?{_NAME}{{1,8}}\d+丁目(?:\d+番地?)?(?:\d+号)?"
                           rf"{_BUILDING}", 0.85),
    )

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        return [r for r in super().analyze(text, entities, nlp_artifacts, regex_flags)
                if not facility_location(text, r.start, r.end)]


# --- the rest of an address said with pauses or over several utterances -------------------------
# (…みなと市の、かいがんどおり、にちょうめ、ななのじゅうさん、かいがんハイツ、ごまるいち; 大阪府吹田市の /
# 千里山西 / 5の3の14 / 千里山マンション302号室): the recognizer above stops at the first pause, and an
# utterance after one holds no municipality.  A rest is pieces between pauses, each a word of letters
# and digits with no talk in it, and one of them at least holds a house number, a 丁目 or a building.
_PAUSE = re.compile(r"[、,\s]+|(?<=[^\d])の(?=[、,\s])")
_FILLER = re.compile(r"^(?:えーっと|えっと|ええと|えーと|えー|あのー|あの|んー|で、?)+")
_PIECE = re.compile(r"([一-龥々ァ-ヴーぁ-ゖA-Za-z0-9０-９〇-]{1,20}?)(?:です|でございます|になります|だ)?[。.]?")
_TALK = re.compile(r"ます|ません|ない|たい|ですか|けど|から|ので|って|ください|お願い|でしょう|かな|よね|そう|はい|ええ"
                   r"|うん|違|[？?！!]")
_HOUSE = re.compile(r"[0-9０-９〇一二三四五六七八九十]|丁目|ちょうめ|番地|ばんち|番|号|ごうしつ|荘|ハイツ|マンション"
                    r"|ビル"
                    r"|コーポ|アパート|レジデンス|ハウス|タワー|団地|住宅|ヒルズ|パレス|コート|テラス|メゾン"
                    r"|(?:いち|に|さん|よん|ご|ろく|なな|はち|きゅう|じゅう|ゼロ|まる)(?:の|$)"
                    # a municipality or ward, in kanji or as the recogniser writes it in kana (吹田市, こうほくく)
                    r"|[都道府県市区町村郡](?:の|$)|(?<![ぁ-ゖ])[ぁ-ゖ]{2,8}(?:けん|し|く|ちょう|まち|むら|ぐん)(?:の|$)")
# A word with a particle after it (電話番号は090, 3丁目に): a sentence, not an address's piece.
_PARTICLE = re.compile(r"[一-龥々ァ-ヴー0-9][はがをもにでへとや]")
_PLACE_NAME = re.compile(r"[一-龥々ァ-ヴー]{2,8}")
MAX_REST = 80  # characters: an address's rest is short; a long sentence is talk


def _pieces(text: str) -> list[str] | None:
    """The words of ``text`` between pauses and fillers, or None when any of them is talk."""
    if len(text) > MAX_REST:
        return None
    pieces = []
    for part in _PAUSE.split(text):
        part = _FILLER.sub("", part).removeprefix("の")
        if not part:
            continue
        piece = _PIECE.fullmatch(part)
        if piece is None or _TALK.search(part) or _PARTICLE.search(piece.group(1)):
            return None
        pieces.append(piece.group(1))
    return pieces


def _span(text: str, start: int, stop: int, first_piece: str) -> tuple[int, int]:
    """From ``first_piece`` to ``stop``, without the pause, の or copula that ends it."""
    body = _TAIL.sub("", text[start:stop])
    return text.index(first_piece, start), start + len(body)


def address_rest(text: str, start: int) -> tuple[int, int] | None:
    """The rest of an address that ``text`` goes on with at ``start`` (right after an address's
    span), up to its sentence's end, or None when what follows is no address."""
    end = _SENTENCE_END.search(text, start)
    stop = end.start() if end else len(text)
    if not text.startswith(("の", "、", " "), start):
        return None
    pieces = _pieces(text[start:stop])
    if not pieces or not any(_HOUSE.search(p) for p in pieces):
        return None
    return _span(text, start, stop, pieces[0])


def address_piece(text: str) -> tuple[int, int] | None:
    """The span of an utterance that is only a piece of an address going on from the one before
    (千里山西, 5の3の14, 千里山マンション302号室です), or None."""
    pieces = _pieces(text)
    if not pieces:
        return None
    if not any(_HOUSE.search(p) for p in pieces) and not (len(pieces) == 1 and _PLACE_NAME.fullmatch(pieces[0])):
        return None
    return _span(text, 0, len(text), pieces[0])


# What ends a piece but is not the address: a pause, の, the copula, the sentence's end.
_TAIL = re.compile(r"(?:[、,。.\s]|の|です|でございます|になります|だ)+$")
