"""What an utterance *does*: asks for a type, asks about data handling, offers more data.

The PII engine says which values were spoken; the warnings also need the speech acts around
them.  Privacy questions and offers are read from the structure of GiNZA's parse when the
utterance comes with one (``redactor.policy.clauses``: verb classes, object classes and the
predicate's form); the phrase rules below are the fallback without a parse and catch the
fixed expressions the parse adds nothing to.  Each detector works sentence by
sentence, because a Japanese request and its cue sit in one sentence
(「ご登録の電話番号を教えていただけますか」) while a refusal in the next sentence
(「セキュリティコードはお伺いしておりません」) must not read as a request.

Cue words come from the PII engine's ``CUES`` so both agree on what 電話番号 or マイナンバー
names, minus the generic ones (カード, 保険, 普通, 期限) that name too many things to be a
request on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from redactor.pii.cues import BUSINESS_NUMBERS, CUES, NOT_PII, CueIndex, describes_security_code
from redactor.pii.quantities import UNIT_AFTER
from redactor.policy import security_code
from redactor.policy.clauses import (
    IDENTIFYING,
    PROCEDURE,
    ClauseRules,
    about_the_product,
    clauses,
    other_card,
    text_views,
)
from redactor.policy.parse import Parse, join, kanji_view

# Cue words too generic to say which type an agent asks for.
_WEAK_REQUEST_CUES = frozenset({
    "カード", "クレジット", "保険", "被保険者", "年金", "在留", "免許", "普通", "当座", "支店", "有効", "期限",
    "まで有効", "裏面", "裏の", "裏側", "表の4桁", "表面の4桁", "アドレス", "メール", "生まれ", "携帯", "電話",
    "連絡先", "ご連絡先", "お電話", "名義", "契約者", "ご契約者", "読み方", "お読み", "お住まい", "送付先",
    "お届け先", "口座", "ゆうちょ",
})
_EXTRA_REQUEST_CUES: dict[str, tuple[str, ...]] = {
    "PHONE_NUMBER": ("お電話番号", "携帯電話の番号", "携帯の番号", "ご連絡先の番号", "連絡先の電話"),
    "CREDIT_CARD": ("クレジットカードの番号", "カードの16桁"),
    "CARD_SECURITY_CODE": ("カード裏面の3桁", "裏面の3桁", "裏の3桁", "セキュリティーコード", "セキュリティナンバー",
                           "セキュリティーナンバー"),
    # An account by its parts (お金を戻す先の、銀行と支店と番号): the bank with its branch is one.
    "JP_BANK_ACCOUNT": ("口座情報", "口座の番号", "振込先の口座", "引き落とし口座", "銀行と支店", "銀行名と支店",
                        "支店と番号", "支店名と番号", "支店と口座",
                        # the caller's own account (お口座のほうをお伺いしても), not where a payment failed
                        # (お口座から引き落としができませんでした…ご確認をお願い)
                        "お口座のほう", "お口座番号", "お口座の番号", "お口座情報", "お口座の情報"),
    "JP_HEALTH_INSURANCE": ("保険証の番号", "保険証の記号", "被保険者番号"),
    "JP_PENSION_NUMBER": ("年金の番号", "年金証書", "年金の手帳"),
    "JP_DRIVERS_LICENSE": ("免許証の番号", "免許の番号", "免許番号"),
    "JP_RESIDENCE_CARD": ("在留カードの番号",),
    # Also by its legal name's purpose (税と社会保障の番号).  Not by its length alone: a parcel's
    # tracking number has 12 digits too.
    "JP_MY_NUMBER": ("マイナンバーカードの番号", "個人番号カード", "税と社会保障", "社会保障と税",
                     "マイナのカード", "マイナカード", "通知カード"),  # its short name; the card that notified it
    "JP_PASSPORT": ("パスポートの番号",),
    "EMAIL_ADDRESS": ("メールアドレス", "メアド"),
    "JP_ADDRESS": ("ご住所",),
}


def _request_cues() -> dict[str, tuple[str, ...]]:
    cues: dict[str, tuple[str, ...]] = {}
    for owner, words in CUES.items():
        if owner == NOT_PII:
            continue
        strong = [w for w in words if w not in _WEAK_REQUEST_CUES]
        cues[owner] = tuple(dict.fromkeys([*strong, *_EXTRA_REQUEST_CUES.get(owner, ())]))
    cues[NOT_PII] = CUES[NOT_PII]  # so that 注文番号 is not read as 番号 of something else
    return cues


REQUEST_CUES = _request_cues()

_SENTENCE = re.compile(r"[^。？?！!\n]+[。？?！!]?")
# おめがい…: speech recognition's usual rendering of お願い (as the PII engine's CallContext reads it).
_REQUEST = re.compile(
    r"((教|おし)えて(いただ|頂|くだ|下さ|もら|もろ|ください|くれ(?!た|て))|お(願|ねが)い(でき|いた|し|致)|おめがい?(でき|いた|いい|か|し|致)|頂戴|ちょうだい|お伺い(でき|して|し|さ)|"
    r"伺(え|って(?!おりまし|いまし|おります|います)|わせ)|お聞かせ|お聞き(して|でき|し)|おっしゃって|仰って|お知らせ(いただ|くだ|下さ)|"
    r"お申し出|読み上げ|お伝え(いただ|くだ|下さ|願)|言(っ|う)て(いただ|もら|もろ|くだ|くれ(?!た|て)|ちょう)|ご提示|ご入力(いただ|くだ)|"
    r"(いただ|頂)け(ます|ません)(でしょう)?か|"
    # a practice trailing off as a soft request (そちらの番号も頂戴しておりまして)
    r"(お控え|頂戴|お伺い|お聞き)(いた)?して(おり|い)まして|"
    # a value asked with も/を and a polite permission question (口座番号もいいですか, not 〜でもいいですか)
    r"(?<!で)(を|も)(いい|よろしい)(です|でしょう)か|(?<=[一-龯ァ-ヶ])(いい|よろしい)(です|でしょう)か|いただいて(も|よろしい)|よろしいでしょうか|お教え|"
    r"で(ご)?(本人)?(確認|照合|お調べ)(いた|し|させ)|"
    # a request put as the procedure (マイナンバーもお伺いすることになっております)
    r"(お伺い|お聞き|頂戴|確認)(する|させていただく|いたす)ことに(なって|なり)|"
    # a practice for a class of callers (ご高齢のお客様には、年金の番号も伺っております); not 伺っております
    # alone, which also says a value was received (ご住所は伺っております)
    r"(方|お客様|お客さま|皆様|皆さま|場合)(には|は)、?[^。？?！!]{0,40}?(を|も)伺って(おり|い)ます|"
    # …or for a procedure (ご契約のご相談には、ご主人様の健康保険証の番号も伺っております)
    r"(相談|契約|申し?込み?|手続き?|審査|登録|予約|利用)(には|の際は|の際には|にあたり|にあたっては)、?"
    r"[^。？?！!]{0,40}?(を|も)伺って(おり|い)ます|"
    # written or sent in (マイナンバーを書いて送ってください, 保険証の番号をご記入ください)
    r"(書い|送っ|記入し|記載し|添付し|入力し)て(ください|下さい|くれ(?!た|て)|ちょうだい)|ご(記入|記載|送付|添付)(ください|下さい)|"
    # noting it down asks for it (マイナンバーカードの番号をこちらで控えさせてください)
    r"(控え|メモ|記録|お預かり)させて(ください|くだ|いただ|頂|もら))"
)
_NOT_A_REQUEST = re.compile(
    r"(しておりません|してません|しません|いたしません|不要|必要(あり|ござい)ません|結構です|いただかなくて|"
    r"なくて(も)?(大丈夫|結構|構いません|よろし|いい)|お控えください|控えて|言わないで|お伝えにならない|受け付けておりません|"
    r"お預かりしておりません|(伺|聞|頂戴|預か)[^。、]{0,3}(して(い)?ない|しない(?!と))|伺って(おり|い)ません|伺え(ない|ません)|(お?伺い|お聞き|頂戴|お預かり)(でき(ない|ません)|いたしかね|しかね|(いた)?しない))"
)
# A request for a procedure (有効期限が切れますので、お手続きをお願いいたします): not for the value
# its sentence names.
_PROCEDURE_REQUEST = re.compile(r"手続き?(を|の方を|のほうを)?(お(願|ねが)い|して(いただ|くだ|もら)|(いただ|くだ)さ)")
# A tag question states what it confirms (…朝の分だけでよろしかったですよね, 通院されてましたよね).
# Between two cues: one OR the other (マイナンバーか、保険証の…; 免許証またはパスポート).
_OR = re.compile(r"(の番号|番号|の記号と番号)?(か|または|もしくは|あるいは|か、もしくは)[、\s]*$")
_TAG_STATES = re.compile(r"(かった|でした|ました|てます|ています|ております)?(です|でした)?よね[?？。!！]*\s*$")
_IDENTITY_CHECK = re.compile(r"(ご)?本人(様)?(確認|かどうか)")
_IDENTITY_DONE = re.compile(
    r"((ご)?本人(様)?(確認|の確認)(が|を)?(取れ|とれ|でき|完了|させていただきました|済)|"
    r"確認(が|の方)?(取れ|とれ)ました|確認できました|確認させていただきました|一致(いた)?しました|"
    r"ご登録(の)?(内容|情報)と一致)"
)
_SELF_INTRO_AFTER = re.compile(r"\s{0,8}(でございます|と申します|が(承|うけたまわ|担当|対応)|です[。、]?\s*$|より)")
_BEFORE_WINDOW = 64  # characters a word-before-the-name pattern looks back
# An office or desk, then the agent's name and the introduction's end (…の担当、小川でございます).
_OFFICE_INTRO = re.compile(r"(担当|係|窓口|課|センター|室|事務局|相談所|デスク)(の|、|,|\s)*[^。、,\s]{1,10}"
                           r"(でございます|と申します)[。!！]?$")
# The mention as the desk's subject (難病医療費助成の担当、…): nothing but the desk's own words
# between it and the desk word, not a matter (…の件の担当, …の結果の担当, 、).
_OFFICE_SUBJECT = re.compile(r"(?:(?!件|こと|結果|相談)[^。、,\s？?！!]){0,24}?" + _OFFICE_INTRO.pattern)
# Someone addressed before the mention (山田様の、HIV…の担当): the fact is theirs, not the desk's.
_ADDRESSED = re.compile(r"様|さん")
_SELF_INTRO_BEFORE = re.compile(r"(担当|センター|窓口|サポート|デスク|部|課|係|の者|オペレーター)(の|、)?\s*$")

_PRIVACY_TOPIC = re.compile(r"(個人情報|情報|データ|番号|録音|記録|マイナンバー|住所|名前|電話番号|カード)")
_PRIVACY_HANDLING = re.compile(
    r"(管理|何に使|なにに使|何のため|なんのため|使(わ|い)?(れ|う|いま|って)|扱|漏れ|漏洩|流出|削除|消して|消去|"
    r"消え|破棄|保存|保管|残(る|ら|り|って|して|さな)|第三者|共有|悪用|売ら|渡(さ|る|し)|外部|聞かれ)"
)
_PRIVACY_ASK = re.compile(
    r"([?？]|か[。、]?\s*$|ですか|ますか|でしょうか|んですか|の[?？。]?\s*$|かな|かね|てください|て(もら|いただ)"
    r"(え|け)|てほしい|て欲しい|たいんです|大丈夫|心配|不安|怖い|ちゃんと)"
)
_PURPOSE_ASK = re.compile(r"(何に使|なにに使|何のため|なんのため|どうして必要|なぜ必要|なんで必要|何で必要|"
                          r"何に利用|どういう目的|利用目的)")

_OFFER_VERB = re.compile(
    r"(言い(ます|ましょうか|ましょか|まひょか)|言えます|お伝え(し|でき)(ます|ましょうか)|伝え(ます|ましょうか|られます)|"
    r"教え(ます|ましょうか|られます)|お教えし|お送り(し|でき)(ます|ましょうか)|送り(ます|ましょうか)|"
    r"読み上げ(ます|ましょうか)|出せます|出し(ます|ましょうか)|提供(し|でき)ます|お知らせ(し|でき)ます|"
    r"お見せ(し|でき)|見せ(ます|ましょうか|られます)|写真(送|撮)|"
    # volitionals (言おうか, 書いとこうか), also where the analyser's text misreads ようか as a date
    r"(言お|言っとこ|言っておこ|伝えよ|伝えとこ|教えよ|読み上げよ|送ろ|書こ|書いとこ|出そ|見せよ)うか|"
    # 関西/広島 forms (言うたろか, 言うちゃろか: I'll tell you) and kana (いえますけど, いいましょうか)
    r"(言う|いう|教え|伝え)(たろ|ちゃろ|てやろ)う?か|いえ(ます|る)|いいましょうか|おしえ(ます|ましょうか)|"
    r"つたえ(ます|ましょうか))"
)
# The caller refusing in the turn (出さないわよ, 嫌ですよ): a question about what is needed (そんなの
# 要るの？) then pushes back; it offers nothing.
_REFUSES = re.compile(r"(出さない|出しません|言わない(?!と)|言いません|言いたくない|教えない(?!と)|教えません|"
                      r"教えたくない|嫌です|いやです|嫌よ|嫌だ|イヤです|お断り)")
# Announcing a value nobody asked for (「番号とセキュリティコードを言いますね」) offers it too.
_ANNOUNCE_VERB = re.compile(r"(言いますね|お伝えしますね|伝えますね|読み上げますね|教えますね)")
_OFFER_SCOPE = re.compile(
    r"(必要(なら|であれば|でしたら|だったら|なら|やったら|じゃったら)|よければ|よろしければ|なんなら|なんやったら|"
    r"なんじゃったら|ついでに|他の|ほかの|他にも|"
    r"ほかにも|全部|何でも|なんでも|一緒に|追加で|念のため|も(言|お伝え|伝え|教え|お送り|送り|読み上げ|出|見せ|お見せ))"
)


# Unneeded identifiers described without their names (policy: the thing, and the context that
# places it, in one sentence).  My Number by its 12 digits with its face photo or issuing office, not
# by 12桁 alone (a parcel's tracking number has 12 digits); a passport as the red booklet of travel
# abroad, not 赤い手帳 alone (a disability or a maternity handbook may be red).
_TWELVE_DIGITS = r"(?<![0-9０-９])(?:12|１２|十二|じゅうに)(?:桁|けた|ケタ)"
# My Number's number itself (個人番号, its 12 digits, the bare word マイナンバー), not its card: what
# the law lets few collect, so asking for it is never excused as an alternative document.
MY_NUMBER_ITSELF = re.compile(rf"個人番号|{_TWELVE_DIGITS}|マイナンバー(?!カード|・?カード|の?カード)")
DESCRIBED_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # …or as the photo card the city issues (市役所で作られた、顔写真付きのカード): a licence has a photo
    # too, so the office must be said besides the photo (the context is read outside the thing).
    "JP_MY_NUMBER": (re.compile(rf"{_TWELVE_DIGITS}|"
                                r"(顔写真|顔の写真|写真)(付き|つき|入り)の?カード"),
                     re.compile(r"(顔写真|顔の写真|かおじゃしん|市役所|区役所|役所|役場|やくしょ|個人番号|通知カード|通知書)")),
    "JP_PASSPORT": (re.compile(r"(赤い|赤色の|あかい)\s?(手帳|冊子|の|やつ|てちょう)"),
                    re.compile(r"(海外|外国|旅行|出国|入国|渡航|空港|かいがい|がいこく|りょこう)")),
}
# A business number after the described thing (12桁の追跡番号) is that number, not the identifier.
_THEN_BUSINESS = re.compile(r"の?[^、。？?！!]{0,6}?(" + "|".join(map(re.escape, BUSINESS_NUMBERS)) + ")")


def described_types(sentence: str) -> list[str]:
    """Identifiers the sentence names by description (``DESCRIBED_TYPES``)."""
    found = []
    for owner, (thing, context) in DESCRIBED_TYPES.items():
        # The context outside the thing itself, searched once per sentence (per thing it was quadratic).
        said = [c.span() for c in context.finditer(sentence)]
        if any(not _THEN_BUSINESS.match(sentence, m.end())
               and any(b <= m.start() or a >= m.end() for a, b in said)
               for m in thing.finditer(sentence)):
            found.append(owner)
    return found


# A value read from the wrong document, named after it (…番号が58。あ、これ保険証だ; 4215…306789。ん、これ
# 年金の通知だったわ; 5277 2040 5600 ってあれこれマイナンバーカードのほうだ): the caller said that document's
# number, which the PII slot may not have typed.  これ/あれ/それ points at what was just read; a question
# (これ保険証ですか) asks, it does not correct.
_MISREAD = re.compile(r"(これ|あれ|それ)(は|って)?\s?(?P<doc>[^。、？?！!\s]{1,14}?)(の(ほう|方))?"
                      r"(だった|でした|だ|じゃん|やった|や|です)(?![^。、]{0,3}(か|[?？]))")
# Documents the request cues do not name alone (年金の通知 is the pension document read out).
_DOCUMENT_WORDS: dict[str, re.Pattern[str]] = {
    "JP_PENSION_NUMBER": re.compile(r"年金(の)?(通知|手帳|証書|はがき|ハガキ|定期便)"),
}
# A number read from the handbook in the basic pension number's shape, four digits then six (手帳の…1203の445198,
# この手帳さ書いてあるやつ、4127の、583906): the pension number, whatever the caller took it for.  Not a
# medicine, maternity, disability or care handbook (お薬手帳, 母子手帳, 障害者手帳, 療育手帳).
_HANDBOOK_NUMBER = re.compile(r"(?<!薬)(?<!母子)(?<!者)(?<!育)(?:手帳|てちょう)[^。？?！!\n]{0,30}?"
                              r"(?<!\d)[1-9]\d{3}[-‐の、,\s]{0,3}\d{6}(?!\d)")  # a phone's starts with 0
_ABOUT = re.compile(r"(話|件|こと|事)$")
_READ_DIGITS = 4  # digits said before the correction: a number was read, not a document named
_DIGIT_RUN = re.compile(r"\d+")


def misread_types(rules: ClauseRules, flat: str) -> list[str]:
    """Identifier types of documents the speaker says a number just read came from (``_MISREAD``), or
    a pension number read from the handbook in its shape (``_HANDBOOK_NUMBER``); ``flat``: the turn with
    digits as digits."""
    types: list[str] = []
    digits, counted = 0, 0  # digits before the match, counted once over the turn (not per match)
    for m in _MISREAD.finditer(flat):
        # A price, a time or a date said earlier (お会計は5000円でした) is no number read out.
        digits += sum(len(run.group(0)) for run in _DIGIT_RUN.finditer(flat, counted, m.start())
                      if not UNIT_AFTER.match(flat, run.end()))
        counted = m.start()
        if digits < _READ_DIGITS:
            continue
        doc = m.group("doc")
        if _ABOUT.search(doc):
            continue  # これ保険証の話だ: a topic, not a document in hand
        types += rules.identifier_types(doc) + [t for t, p in _DOCUMENT_WORDS.items() if p.search(doc)]
    if _HANDBOOK_NUMBER.search(flat):
        types.append("JP_PENSION_NUMBER")
    return list(dict.fromkeys(types))


# A refusal or a 'need not' covers its own clause and what came before it, not a request after it
# (マイナンバーは言わなくても大丈夫です、保険証の番号をお願いします): its clause ends at the next pause
# or a conjunction a few characters on.
_CLAUSE_END = re.compile(r"[^、。]{0,12}?(、|(です|ます)(が|けど|けれども|ので|から))")


def asked_part(sentence: str) -> str:
    """What of ``sentence`` a request may be in: what follows the last refusal's clause (all of it
    without a refusal; nothing when the refusal's clause runs to its end)."""
    start = 0
    while (refusal := _NOT_A_REQUEST.search(sentence, start)) is not None:
        end = _CLAUSE_END.match(sentence, refusal.end())
        if end is None:
            return ""
        start = end.end()
    return sentence[start:]


# A request with no object of its own (お手数ですがお願いできますか, では、そちらをお願いします): it asks
# for what the sentence or the agent's turn before named (健康保険証の番号なんですけど。…).
# Its own object marked by も or は (次回のご予約もお願いできますか) makes it no bare request.
_BARE_REQUEST = re.compile(r"^(?:では|それでは|はい|[^をにへもは]){0,16}?(?<!よろしく)"
                           r"(お(願|ねが)い(でき|いた|し|致)|(教|おし)えて|お聞かせ|"
                           r"お?伺(え|い(でき|して|し))|頂戴|読み上げ|お伝え)")


# A request pointing back at what the sentence before described (そちらをお願いします, その数字を…).
# A class of data (…の情報は, …に関する記録を), passed on (出す, 渡す, 伝える, 提供…) only with consent or
# not at all: how the firm handles such data, not the caller's record.
_DATA_CLASS = re.compile(r"(先|歴)?(の|に関する|についての)(情報|記録|データ|内容|書類|資料|カルテ)")
_PASSED_ON = re.compile(r"(出し|出す|出さ|渡し|渡す|渡さ|伝え|伝わ|提供|共有|開示|知らせ|送り|送る|送ら|"
                        r"お渡し|お伝え|お出し)")
_LIMITED = re.compile(r"(同意|了承|承諾|許可|ご希望|範囲|限り|限って|しか|以外|ません|ない|いたしかね|ず)")
# A request left unsaid after its object (…最後の三つの数字を。 裏面の三桁は？): said of the code described.
_ELLIPTICAL_ASK = re.compile(r"(を|は|も)[。？?\s]*$")
_POINTING = re.compile(r"(そちら|それ|その(数字|番号|3桁|三桁)|こちら)")


# Asking whether the company tells (ほかのひとにおしえますか): a plain polite verb asked, not a volitional.
_ASKED_AFTER = re.compile(r"\s{0,3}(か|[?？])")  # bounded: linear under search too


def _offer_verb(sentence: str) -> bool:
    """An offer verb that the speaker does not ask about (教えますか asks the company; 教えましょうか
    offers)."""
    return any(not (m.group(0).endswith("ます") and _ASKED_AFTER.match(sentence, m.end()))
               for m in _OFFER_VERB.finditer(sentence))


def _only_procedure(sentence: str) -> bool:
    """The sentence's only request is for a procedure (更新のお手続きをお願いいたします); one that
    also asks for a value (お手続きをお願いしたいので、カード番号を教えてください) still asks."""
    return bool(_PROCEDURE_REQUEST.search(sentence)) and not _REQUEST.search(_PROCEDURE_REQUEST.sub("、", sentence))


def sentences(text: str) -> list[str]:
    """Split on sentence ends; a sentence keeps its end mark (the question mark matters)."""
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]


class ActDetector:
    """Speech-act rules over one utterance; holds only compiled patterns (thread-safe)."""

    def __init__(self) -> None:
        self.cues = CueIndex(REQUEST_CUES)
        self.structure = ClauseRules(self.cues)

    def requested_types(self, text: str, parse: Parse = (), *, card: bool = False,
                        topic: Sequence[str] = ()) -> list[str]:
        """Types the speaker asks the other side to give (cue + request form, not a refusal);
        with the parse also by the request's structure (``ClauseRules.requested``).  ``card``:
        a card was named earlier in the call (a security code asked for by its place alone);
        ``topic``: what the agent's turn before named without asking (``topic``), which a bare
        request (お願いできますか) asks for."""
        types: list[str] = []
        card = card or security_code.names_a_card(text)
        described = False  # the sentence before described the code (…3桁の数字がございます。そちらを…)
        for sentence in sentences(text):
            part = asked_part(sentence)
            described, before = (describes_security_code(part) or security_code.described(part, card=card)
                                 ), described
            named, topic = topic, self._topic(sentence, topic)
            if described and _ELLIPTICAL_ASK.search(part) and "CARD_SECURITY_CODE" not in types:
                types.append("CARD_SECURITY_CODE")  # 裏返していただいて、最後の三つの数字を。 / 裏面の三桁は。
            if not _REQUEST.search(part) or _only_procedure(part):
                continue
            if not self.cues.find(part) and (_BARE_REQUEST.search(part) or _POINTING.search(part)):
                types += [t for t in named if t not in types]
            if before and _POINTING.search(part) and "CARD_SECURITY_CODE" not in types:
                types.append("CARD_SECURITY_CODE")
            for cue in self.cues.find(part):
                if (cue.owner != NOT_PII and cue.owner not in types and not PROCEDURE.match(part, cue.end)
                        and not other_card(part, cue)):
                    types.append(cue.owner)
            types += [t for t in described_types(part) if t not in types]
            if described and "CARD_SECURITY_CODE" not in types:
                types.append("CARD_SECURITY_CODE")
        for clause in clauses(parse):
            if not (_NOT_A_REQUEST.search(clause.text) or _only_procedure(clause.text)):
                types += [t for t in self.structure.requested(clause) if t not in types]
        return types

    def misread(self, flat: str) -> list[str]:
        """Types of documents a number just read is said to have come from (``misread_types``)."""
        return misread_types(self.structure, flat)

    def topic(self, text: str, before: Sequence[str] = ()) -> list[str]:
        """The types the turn leaves named without asking or refusing them (健康保険証の番号なん
        ですけど。): what a bare request after it asks for."""
        for sentence in sentences(text):
            before = self._topic(sentence, before)
        return list(before)

    def _topic(self, sentence: str, before: Sequence[str]) -> list[str]:
        if _REQUEST.search(sentence) or _NOT_A_REQUEST.search(sentence):
            return []
        named = [c.owner for c in self.cues.find(sentence) if c.owner != NOT_PII
                 and not PROCEDURE.match(sentence, c.end)]
        return list(dict.fromkeys(named)) or list(before)

    def alternatives(self, text: str) -> list[set[str]]:
        """Types asked for as alternatives of one another (マイナンバーか、保険証の番号を…): per
        sentence, the cue types joined by か/または/もしくは."""
        groups: list[set[str]] = []
        for sentence in sentences(text):
            cues = [c for c in self.cues.find(sentence) if c.owner != NOT_PII]
            current: list[set[str]] = []  # fresh per sentence: no group joins across a sentence end
            for left, right in pairwise(cues):
                if _OR.match(sentence, left.end, right.start):
                    if current and left.owner in current[-1]:
                        current[-1].add(right.owner)
                    else:
                        current.append({left.owner, right.owner})
            groups += current
        return groups

    def is_identity_check(self, text: str) -> bool:
        """An utterance that opens the identity check (ご本人確認のため、…)."""
        return bool(_IDENTITY_CHECK.search(text)) and not _IDENTITY_DONE.search(text)

    def confirms_identity(self, text: str) -> bool:
        """The agent says the identity check is complete."""
        return bool(_IDENTITY_DONE.search(text))

    def is_self_introduction(self, text: str, start: int, end: int) -> bool:
        """A name the agent says about themself (センターの佐藤でございます), not the customer's."""
        # Matched in place and only over the last words before the name: slicing the text
        # and searching all of it for each name was quadratic on a long line of names.
        return bool(_SELF_INTRO_AFTER.match(text, end) and (
            _SELF_INTRO_BEFORE.search(text, max(0, start - _BEFORE_WINDOW), start) or "ございます" in text[end:end + 8]
            or "申します" in text[end:end + 6]))

    @staticmethod
    def in_office_name(text: str, start: int) -> bool:
        """A word at ``start`` is part of the office the agent introduces themself from (県保健所、
        難病医療費助成の担当、小川でございます): the desk's subject, no one's fact."""
        left = max(text.rfind(ch, 0, start) for ch in "。？?！!\n") + 1
        ends = [i for i in (text.find(ch, start) for ch in "。？?！!\n") if i >= 0]
        return bool(_OFFICE_SUBJECT.match(text, start, min(ends) + 1 if ends else len(text))) \
            and not _ADDRESSED.search(text, left, start)

    @staticmethod
    def in_handling_rule(text: str, start: int, end: int) -> bool:
        """The words at ``start:end`` name a class of data in a sentence that says how the firm passes
        such data on (通院先の情報は、ご依頼後、高森様の同意をいただいた範囲でしか相手方に出しません):
        the firm's practice, no one's fact read out."""
        left = max(text.rfind(ch, 0, start) for ch in "。？?！!\n") + 1
        ends = [i for i in (text.find(ch, end) for ch in "。？?！!\n") if i >= 0]
        sentence = text[left:min(ends) if ends else len(text)]
        return bool(_DATA_CLASS.match(text, end) and _PASSED_ON.search(sentence) and _LIMITED.search(sentence))

    def asks_about_privacy(self, text: str, parse: Parse = (), *, has_pii: bool = False,
                           context: bool = False) -> bool:
        """The customer asks how their data is used, kept, shared or deleted.

        ``parse``: GiNZA's parse of ``text``; ``has_pii``: the utterance states PII (so
        「それって保存されますか」 is about it); ``context``: the caller's turn before named their
        data (送った保険証の写真なんですけど / あれって、あとで消してもらえるんですか: one question
        over two short turns)."""
        if parse:  # the structure decides; the phrase rules only add the fixed purpose questions
            # A question in plain hiragana is read again with its words' kanji forms (parse.kanji_view).
            return any(self._privacy_in(view, has_pii, context) for view in (parse, kanji_view(parse, IDENTIFYING))
                       if view)
        for sentence in sentences(text):
            if _PURPOSE_ASK.search(sentence):
                return True
            if (_PRIVACY_TOPIC.search(sentence) and _PRIVACY_HANDLING.search(sentence)
                    and _PRIVACY_ASK.search(sentence)):
                return True
        return False

    def names_data(self, parse: Parse) -> bool:
        """The turn names the caller's data (a data noun, a PII cue, what they said or handed
        over): what a question in their next turn may leave unsaid."""
        return any(self.structure.data_object(c) or self.structure.names_handed(c)
                   for view in (parse, kanji_view(parse, IDENTIFYING)) if view for c in clauses(view))

    def _privacy_in(self, parse: Parse, has_pii: bool, context: bool = False) -> bool:
        if about_the_product({w.lemma for w in parse}):
            return False
        # The turn before's data is what this one leaves unsaid only if it names no thing of its own
        # (届いたパンって…冷凍保存して大丈夫ですか is about the bread).
        context = context and not any(self.structure.own_topic(c) for c in clauses(parse))
        # context: an earlier sentence (or the caller's turn before) named the data a later one leaves unsaid
        for clause in clauses(parse):
            if (self.structure.privacy_question(clause, has_pii=has_pii, context=context)
                    or _PURPOSE_ASK.search(clause.text)):
                return True
            context = context or self.structure.data_object(clause)
        return False

    def statements(self, text: str, parse: Parse = ()) -> tuple[str, Parse]:
        """``text`` and ``parse`` without their questions and requests: what the speaker states
        (an agent's ご入院の時期をお伺いできますか asks; the caller's answer states it)."""
        if parse:
            kept = [c for c in clauses(parse) if not ((c.is_question() and not _TAG_STATES.search(c.text))
                                                      or _REQUEST.search(c.text))]
            parse = join(c.words for c in kept)
            return "".join(w.text + (" " if w.space else "") for w in parse), parse
        asking = ("か。", "か", "？", "?")
        return "".join(s for s in sentences(text) if not (_REQUEST.search(s) or s.endswith(asking))), ()

    def disclosed(self, parse: Parse) -> list[tuple[str, str]]:
        """Registered facts an agent states without a maskable value (``ClauseRules.disclosed``),
        in a statement or a confirming question (…のご住所でよろしいでしょうか)."""
        # The agent's self-introduction names their office (ＪＡさくらやま本店、貯金窓口の村上でございます),
        # no registered fact.
        return [fact for c in clauses(parse) if not _OFFICE_INTRO.search(c.text.rstrip())
                for fact in self.structure.disclosed(c)]

    def offers_more(self, text: str) -> bool:
        """The customer offers information beyond what was asked (必要なら…も言いますよ), also
        said in plain hiragana (``text_views``)."""
        return any(_offer_verb(s) and _OFFER_SCOPE.search(s) for view in text_views(text) for s in sentences(view))

    def offers(self, parse: Parse) -> list[tuple[list[str], bool]]:
        """Offers read from the parse: per offering sentence, the types it names and whether it
        offers *more* (も, とか, 他の, a condition such as 必要なら).  A turn in plain hiragana is
        read again with its words' kanji forms (``parse.kanji_view``)."""
        view = kanji_view(parse, IDENTIFYING)
        return self._offers_in(parse) + (self._offers_in(view) if view else [])

    def _offers_in(self, parse: Parse) -> list[tuple[list[str], bool]]:
        found: list[tuple[list[str], bool]] = []
        named: list[str] = []  # types earlier sentences named: 在留カードならあります。番号、言いましょうか？
        for clause in clauses(parse):
            offer = self.structure.offered(clause, named)
            if offer is not None:
                types, more = offer
                found.append((types or named, more))
            named = self.structure.identifier_types(clause.text) or named
        return found

    def refuses(self, text: str) -> bool:
        """The speaker refuses to give something in the turn (``_REFUSES``)."""
        return bool(_REFUSES.search(text))

    def offered_types(self, text: str) -> list[str]:
        """Types the speaker offers or announces they will give (cue + offer verb in one sentence)."""
        types: list[str] = []
        for sentence in (s for view in text_views(text) for s in sentences(view)):
            if _offer_verb(sentence) or _ANNOUNCE_VERB.search(sentence):
                types += [c.owner for c in self.cues.find(sentence) if c.owner != NOT_PII and c.owner not in types]
        return types
