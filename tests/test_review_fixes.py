"""Review findings on the shared PII code (#10 masks, #14 warnings), each with the sentences that
showed it and the hard negatives beside it, through the real engine (GiNZA + Presidio).

The values are made up; the My Numbers have valid check digits (weights 6,5,4,3,2,7,6,5,4,3,2,
worked out by hand), so that the reading, not chance, decides whether they are masked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from redactor.pii.context import CallContext
from redactor.pii.cues import CueIndex
from redactor.pii.normalize import normalize
from redactor.pii.recognizers.drivers_license import DriversLicenseRecognizer
from tests.conftest import found

CLI = [str(Path(sys.executable).with_name("redactor"))]

# --- 1. a kana digit after a particle is the value's first digit, not a glued particle ---------

@pytest.mark.parametrize(("text", "masked"), [
    # ご after は: 5689 1234 5676 (valid), read with no cue
    ("はい、番号はごろくはちきゅう、いちにさんよん、ごろくななろくです", "はい、番号は<JP_MY_NUMBER>です"),
    # し after は, every digit paused: 4312 0987 6540 (valid)
    ("マイナンバーはし、さん、いち、に、ゼロ、きゅう、はち、なな、ろく、ご、よん、ゼロです",
     "マイナンバーは<JP_MY_NUMBER>です"),
    # に after は: 263-0121
    ("郵便番号はにろくさん、ゼロいちにいちです", "郵便番号は<JP_POSTAL_CODE>です"),
    # く after が, ご after も
    ("セキュリティコードがくろくさんです", "セキュリティコードが<CARD_SECURITY_CODE>です"),
    ("口座番号もごろくはちいちにさんよんです", "口座番号も<JP_BANK_ACCOUNT>です"),
])
def test_a_value_starting_with_a_single_sound_after_a_particle_is_masked_whole(redactor, text: str,
                                                                               masked: str) -> None:
    assert redactor.redact(text).text == masked


@pytest.mark.parametrize(("text", "expected"), [
    ("番号はごろくはちきゅう、いちにさんよん", "番号は56891234"),
    ("郵便番号はにろくさん、ゼロいちにいち", "郵便番号は2630121"),
    ("それで、しさんいちにです", "それで、4312です"),
    # に glued to a noun or a place said in kana stays the particle
    ("窓口にゼロキューゼロいちにさんよんごろくななはちと書きました", "窓口に09012345678と書きました"),
    ("こちらにゼロキューゼロいちにさんよんごろくななはちにお電話ください", "こちらに09012345678にお電話ください"),
    ("センターにゼロいちにーさんよんです", "センターに01234です"),
])
def test_which_single_sound_is_a_digit(text: str, expected: str) -> None:
    assert normalize(text).text == expected


# --- 2. a confirmation or an apology after a value is no correction ---------------------------

@pytest.mark.parametrize(("text", "value"), [
    # The cue after the confirmation names a business number: it renamed the phone, which went unmasked.
    ("はい、08011112222、間違いないです、予約番号は5566です", "08011112222"),
    ("自宅は0467223344、間違いないです。予約番号は2233です", "0467223344"),
    ("09076543210、間違いありません。注文番号は2233です", "09076543210"),
    # A business cue after the value's sentence has ended names the next topic, not the value.
    ("はい、0298765432、失礼しました。ご注文番号の件ですが", "0298765432"),
    # …and where a cue before the value gives its slot, the phone stays masked as before
    ("ご連絡先は08011112222、間違いございません。注文番号は5566です", "08011112222"),
    ("携帯は08055556666、失礼しました、ご注文番号の件ですが", "08055556666"),
])
def test_a_confirmation_after_a_phone_number_renames_nothing(redactor, text: str, value: str) -> None:
    assert ("PHONE_NUMBER", value) in found(redactor, text)


def test_a_correction_naming_a_business_number_renames_nothing(redactor) -> None:
    """Only a personal type renames: a valid My Number (5689 1234 5676) said to be a booking number
    a long pause later stays masked rather than unmasked by the correction."""
    text = "5689 1234 5676、あ、すみません、違う、これ予約番号です"
    assert ("JP_MY_NUMBER", "5689 1234 5676") in found(redactor, text)


@pytest.mark.parametrize("answer", [
    "3012 0445 8100、あ、間違いです、免許証の番号でした",
    "3012 0445 8100、失礼、マイナンバーじゃなくて免許証でした",
    "3012 0445 8100、いや、違った、それ免許証です",
])
def test_a_correction_naming_the_licence_still_renames_the_value(redactor, answer: str) -> None:
    context = CallContext(redactor.cues)
    context.observe("マイナンバーカードの番号をお願いいたします。", "agent")
    entities = redactor.analyze(answer, prompt=context.prompt_for("customer"))
    covering = {e.type for e in entities if e.start == 0}
    assert covering == {"JP_DRIVERS_LICENSE"}, covering


def test_base_recognizers_ask_for_a_correction_once(redactor, monkeypatch) -> None:
    calls: list[int] = []
    original = CueIndex.renamed_after

    def counting(self, text: str, end: int) -> str | None:
        calls.append(end)
        return original(self, text, end)

    monkeypatch.setattr(CueIndex, "renamed_after", counting)
    text = "3012 0445 8100、あ、違う、これ免許証のほうだ"
    flat = normalize(text).text
    DriversLicenseRecognizer(redactor.cues).analyze(flat, ["JP_DRIVERS_LICENSE"])
    assert len(calls) == len(set(calls)) == 1, calls


# --- 3. a count cue ends where its noun goes on into another word ------------------------------

@pytest.mark.parametrize(("text", "entity_type", "value"), [
    ("振込先の口座の数字は7654321です", "JP_BANK_ACCOUNT", "7654321"),  # 数字: the digits, not a count
    ("口座数字は2345678です", "JP_BANK_ACCOUNT", "2345678"),
    # 発送先 is where a parcel goes (an address), not the business event 発送
    ("発送先は東京都千代田区丸の内1-2-3です", "JP_ADDRESS", "東京都千代田区丸の内1-2-3"),
])
def test_a_cue_that_goes_on_into_a_personal_word_is_that_word(redactor, text: str, entity_type: str,
                                                             value: str) -> None:
    assert (entity_type, value) in found(redactor, text)


@pytest.mark.parametrize("text", [
    "お持ちの口座の数は3つです", "口座数は2000000を超えました", "口座の数は7654321です", "支店数は1234567です",
    "発送は3月5日です",
])
def test_counts_and_business_events_stay_unmasked(redactor, text: str) -> None:
    assert found(redactor, text) == []


# --- 4. 人/台/本 glued to a value begin a place's name, not a count ------------------------------

@pytest.mark.parametrize(("text", "entity_type", "value"), [
    ("口座番号は2345678台東支店の普通預金です", "JP_BANK_ACCOUNT", "2345678"),
    ("口座番号は7654321人形町支店です", "JP_BANK_ACCOUNT", "7654321"),
    ("口座番号は3456789本店営業部です", "JP_BANK_ACCOUNT", "3456789"),
    ("はい、0312345678台東区の者です", "PHONE_NUMBER", "0312345678"),
    ("0471234567本町の者です", "PHONE_NUMBER", "0471234567"),
])
def test_a_value_glued_to_a_place_name_is_masked(redactor, text: str, entity_type: str, value: str) -> None:
    start = text.index(value)
    assert any(e.type == entity_type and e.start <= start and start + len(value) <= e.end
               for e in redactor.analyze(text)), found(redactor, text)


@pytest.mark.parametrize("text", [
    "口座は1234567人以上が利用しています", "工場の出荷は1234567台以上です", "利用者は2345678人程度です",
    "口座数は2台です", "鉛筆を1234567本分ください",
])
def test_counted_people_machines_and_things_stay_unmasked(redactor, text: str) -> None:
    assert found(redactor, text) == []


# --- 6. a lone surrogate is no character: replaced, never raised with the text in the exception -----

SURROGATE_TEXT = "ご連絡先は\ud800 07012348765、名前は\udfff高村です"


def test_normalising_a_lone_surrogate_keeps_offsets_and_leaves_no_surrogate() -> None:
    result = normalize(SURROGATE_TEXT)
    result.text.encode("utf-8")  # no lone surrogate left for the tokenizer
    assert result.text.count("\ufffd") == 2
    at = result.text.index("\ufffd")
    assert result.to_original(at, at + 1) == (SURROGATE_TEXT.index("\ud800"), SURROGATE_TEXT.index("\ud800") + 1)


def test_the_library_masks_around_a_lone_surrogate(redactor) -> None:
    assert ("PHONE_NUMBER", "07012348765") in found(redactor, SURROGATE_TEXT)


def test_a_conversation_turn_with_a_lone_surrogate_is_masked_and_writable(engine) -> None:
    """The live, batch and text paths all redact through Conversation.turn/revise."""
    conversation = engine.conversation("surrogate-call")
    for turn in (conversation.turn(SURROGATE_TEXT, "customer", segment_id="s1"),
                 conversation.revise(SURROGATE_TEXT, "customer", segment_id="s1")):
        turn.text.encode("utf-8")
        assert "07012348765" not in turn.text and "高村" not in turn.text, turn.text
        assert "\ufffd" in turn.text


def test_the_text_command_never_quotes_a_line_with_a_lone_surrogate() -> None:
    line = json.dumps({"id": "s", "text": SURROGATE_TEXT}).encode()  # ASCII: the surrogate as \ud800
    done = subprocess.run([*CLI, "text"], input=line + "\n電話は07012348765です\n".encode(),
                          capture_output=True, timeout=300)
    out, err = done.stdout.decode(), done.stderr.decode()
    for piece in ("07012348765", "高村", "ご連絡先"):
        assert piece not in out.splitlines()[0] and piece not in err, (out, err)
    assert "lone surrogate" in err
    assert json.loads(out.splitlines()[1])["text"] == "電話は<PHONE_NUMBER>です"


# --- overlapping spans of two types: the loser keeps what the winner does not cover --------------

def test_a_span_that_loses_an_overlap_keeps_the_rest_of_its_characters():
    """An address the phone number overlapped at its start was dropped whole, so every character
    of it after the number showed (review round 8)."""
    from redactor.pii.catalogue import Entity
    from redactor.pii.redactor import resolve_overlaps

    text = "連絡先は0312345678台東区台東1-2-3の田中です"
    kept = resolve_overlaps(text, [Entity("PHONE_NUMBER", 4, 14, 0.9),
                                   Entity("JP_ADDRESS", 4, 24, 0.6),
                                   Entity("PERSON", 25, 27, 0.85)])
    assert [(e.type, text[e.start:e.end]) for e in kept] == [
        ("PHONE_NUMBER", "0312345678"), ("JP_ADDRESS", "台東区台東1-2-3"), ("PERSON", "田中")]
    # a loser wholly inside the winner adds nothing; one spanning two winners keeps both gaps
    inside = resolve_overlaps(text, [Entity("PHONE_NUMBER", 4, 14, 0.9), Entity("JP_ADDRESS", 8, 12, 0.6)])
    assert [(e.type, e.start, e.end) for e in inside] == [("PHONE_NUMBER", 4, 14)]
    spanning = resolve_overlaps(text, [Entity("PHONE_NUMBER", 4, 14, 0.9), Entity("PERSON", 25, 27, 0.9),
                                       Entity("JP_ADDRESS", 0, 29, 0.5)])
    assert [(e.type, e.start, e.end) for e in spanning] == [
        ("JP_ADDRESS", 0, 4), ("PHONE_NUMBER", 4, 14), ("JP_ADDRESS", 14, 25), ("PERSON", 25, 27),
        ("JP_ADDRESS", 27, 29)]
    # a bare punctuation gap between two winners is no mask of its own
    comma = "0312345678、田中"
    gaps = resolve_overlaps(comma, [Entity("PHONE_NUMBER", 0, 10, 0.9), Entity("PERSON", 11, 13, 0.9),
                                    Entity("JP_ADDRESS", 0, 13, 0.5)])
    assert [e.type for e in gaps] == ["PHONE_NUMBER", "PERSON"]
    # a rest that could not be a value of its type alone stays visible: a phone read out of a name
    # (3等の佐藤) keeps no 3等の when the name wins; an address keeps no single letter
    junk = "3等の佐藤です"
    assert [(e.type, junk[e.start:e.end]) for e in resolve_overlaps(
        junk, [Entity("PERSON", 3, 5, 0.85), Entity("PHONE_NUMBER", 0, 5, 0.6)])] == [("PERSON", "佐藤")]


def test_a_number_keeps_its_rest_only_while_it_keeps_all_its_digits():
    """#10 round 10: the rule for a number type's rest.  One that lost digits to another type is no
    longer that number (a card's digits overlapped by a phone number leave no card); one that lost
    only letters still is (a name said before a garbled card wins the name, and the digits stay
    the card's, where they were dropped with the name and showed)."""
    from redactor.pii.catalogue import Entity
    from redactor.pii.redactor import resolve_overlaps

    digits = "090123456781234"
    cut = resolve_overlaps(digits, [Entity("PHONE_NUMBER", 0, 11, 0.9), Entity("CREDIT_CARD", 0, 15, 0.6)])
    assert [(e.type, e.start, e.end) for e in cut] == [("PHONE_NUMBER", 0, 11)]
    named = "ジョン、4123 5678 9012 345"
    rest = resolve_overlaps(named, [Entity("PERSON", 0, 3, 0.85), Entity("CREDIT_CARD", 0, len(named), 0.6)])
    assert [(e.type, named[e.start:e.end]) for e in rest] == [
        ("PERSON", "ジョン"), ("CREDIT_CARD", "4123 5678 9012 345")]


@pytest.mark.parametrize(("text", "value"), [
    ("カード番号はジョン、4123 5678 9012 345です", "4123 5678 9012 345"),  # the name wins its letters
    ("カード番号はマイク、4123 5678 9012 34です", "4123 5678 9012 34"),  # no name found: one card span
])
def test_a_garbled_card_after_a_name_stays_masked(redactor, text, value):
    found_here = [(e.type, text[e.start:e.end]) for e in redactor.analyze(text)]
    assert any(t == "CREDIT_CARD" and value in masked for t, masked in found_here), found_here


@pytest.mark.parametrize("prompt", ["運転免許証", "カード番号"])
def test_a_rest_fills_only_what_no_whole_span_claims(redactor, prompt):
    """After a licence or card question, the answer slot reads the name and the phone number as one
    garbled value; the name wins its letters, and what is left of the slot must not take the phone
    number a pattern found whole (it was labelled a licence or a card, and the identity check
    missed the phone)."""
    text = "山田一郎、090-1234-5678、カードは5105 1051 0510 5100です。"
    found_here = [(e.type, text[e.start:e.end]) for e in redactor.analyze(text, prompt=prompt)]
    assert ("PHONE_NUMBER", "090-1234-5678") in found_here, found_here
    assert ("PERSON", "山田一郎") in found_here, found_here


def test_rests_come_after_whole_spans():
    from redactor.pii.catalogue import Entity
    from redactor.pii.redactor import resolve_overlaps

    text = "山田一郎、090-1234-5678"
    kept = resolve_overlaps(text, [Entity("PERSON", 0, 4, 0.85), Entity("JP_DRIVERS_LICENSE", 0, 18, 0.6),
                                   Entity("PHONE_NUMBER", 5, 18, 0.6)])
    assert [(e.type, text[e.start:e.end]) for e in kept] == [("PERSON", "山田一郎"), ("PHONE_NUMBER", "090-1234-5678")]


# --- user17: a warning shown to the agent names no internal type ---------------------------------

_INTERNAL_NAME = re.compile(r"[A-Z]{5,}|[A-Z]+_[A-Z]+")  # not PCI DSS


def _every_message(engine, dialogues) -> list[str]:
    texts = []
    for n, dialogue in enumerate(dialogues):
        conversation = engine.conversation(f"labels-{n}", dialogue.get("policy"))
        for turn in dialogue["turns"]:
            for warning in conversation.turn(turn["text"], turn["speaker"]).warnings:
                texts += [warning.message, warning.suggestion or ""]
    return texts


def test_no_warning_shows_an_internal_type_name(engine) -> None:
    """Every warning of the development dialogues and the user's read-backs (ACCOUNT_RECORD,
    REGISTERED_VALUE, DOCUMENT_EXPIRY showed in 登録情報（…）) speaks Japanese to the agent."""
    root = Path(__file__).resolve().parent.parent
    dialogues = [json.loads(line) for line in (root / "samples" / "warnings_dev.jsonl").open(encoding="utf-8")]
    dialogues.append({"policy": "billing", "turns": [
        {"speaker": "agent", "text": "ヤマダタロウ様でいらっしゃいますね"},
        {"speaker": "agent", "text": "カード番号4111 1111 1111 1111、有効期限12月28年ですね"},
        {"speaker": "agent", "text": "お口座、みずほ銀行渋谷支店、普通、1234567で承っております"},
        {"speaker": "agent", "text": "お車の車検の満了日は来月15日となっております"},
        {"speaker": "agent", "text": "一次面接は合格となっております"},
        {"speaker": "agent", "text": "ハルさん、透析の送迎は火曜でよろしかったですよね"},
    ]})
    texts = _every_message(engine, dialogues)
    assert texts and not [t for t in texts if _INTERNAL_NAME.search(t)]


# --- review17: a code the warning reads is masked; a card's back described in everyday words ----

_CARD = ("agent", "カード番号をお願いします。")


@pytest.mark.parametrize(("call", "digits"), [
    # the caller names the code, then reads it at the start of the next turn (security_code.said_first)
    ([_CARD, ("customer", "4980 1234 5678 9012です。あと裏の数字ですか、えっと、"), ("agent", "はい。"),
      ("customer", "ろく、なな、ご。")], "ろく、なな、ご"),
    ([_CARD, ("customer", "4980 1234 5678 9012。裏の、なんていうの、三つの数字も要るんでしょ？"),
      ("agent", "はい、お願いします。"), ("customer", "えーと、ご、に、はち。")], "ご、に、はち"),
    ([_CARD, ("customer", "4980 1234 5678 9012です"), ("customer", "あ、セキュリティコードも言いましょうか"),
      ("agent", "はい、お願いします"), ("customer", "えーと、ファイブ、ワン、エイト")], "ファイブ、ワン、エイト"),
])
def test_a_code_read_at_the_start_of_the_next_turn_is_masked_where_it_is_warned(engine, call, digits) -> None:
    conversation = engine.conversation("code-next-turn", "general_support")
    for speaker, text in call:
        last = conversation.turn(text, speaker)
    assert "card_security_code" in [w.kind for w in last.warnings]
    assert digits not in last.text and "<CARD_SECURITY_CODE>" in last.text


@pytest.mark.parametrize(("text", "code"), [
    ("カードの裏の白い帯のところの数字は、147です", "147"),
    ("裏のシールの下の数字は852です", "852"),
    ("カードの裏の、黒い線の下の3桁は369です", "369"),
    ("クレジットカードの裏の右下にある3桁の数字は、123です", "123"),
    ("裏の上の方に書いてある番号は963です", "963"),
])
def test_a_card_s_back_described_in_everyday_words_still_names_its_code(redactor, text, code) -> None:
    assert ("CARD_SECURITY_CODE", code) in found(redactor, text)


@pytest.mark.parametrize("text", [
    "裏の会員番号は1234です",  # another number printed there
    "裏の棟の305にお住まいですか",  # a building's parts
    "裏の駐車場に3台停められます",
    "裏の番号が0417-2286です",  # more digits than a code has
])
def test_another_number_at_the_back_is_no_code(redactor, text) -> None:
    assert [f for f in found(redactor, text) if f[0] == "CARD_SECURITY_CODE"] == []


def test_a_business_word_in_kana_does_not_switch_the_digit_net_off(engine) -> None:
    said = engine.conversation("kana-business", "general_support").turn(
        "りょうきんの ひきおとし こうざは 1234567 です", "customer")
    assert "1234567" not in said.text


def test_a_code_asked_by_its_place_is_still_asked_after_the_request_is_revised(engine) -> None:
    conversation = engine.conversation("code-asked-revised", "general_support")
    conversation.turn("お支払いのカード番号をお願いします。", "agent", start=0.0, end=1.0, segment_id="a1")
    conversation.turn("4111 1111 1111 1111です", "customer", start=3.0, end=4.0, segment_id="c1")
    asked = "ありがとうございます。サインの横にある数字をお願いします"
    conversation.turn(asked, "agent", start=6.0, end=7.0, segment_id="a2")
    conversation.revise(asked + "。", "agent", start=6.0, segment_id="a2")
    answer = conversation.turn("えっと、ロク、ナナ、ゴです", "customer", start=9.0, end=10.0, segment_id="c2")
    assert "<CARD_SECURITY_CODE>" in answer.text and "card_security_code" in [w.kind for w in answer.warnings]


# --- user19: digits read one per turn, a caller holding the line, mono lines, a code read back -------

_CODE_ASKED = ("agent", "裏面の3桁のセキュリティコードをお願いします")


@pytest.mark.parametrize(("speakers", "call", "shown"), [
    # a digit with a particle, one per turn
    (True, [_CODE_ASKED, ("customer", "ななの"), ("customer", "にの"), ("customer", "ごです")], ["なな", "に", "ご"]),
    # the caller holds the line first: the request stays open
    (True, [_CODE_ASKED, ("customer", "はい、えっと、ちょっとまってください"), ("customer", "ごーごーいちです")],
     ["ごーごーいち"]),
    # the agent reads the code back and the caller corrects it
    (True, [_CODE_ASKED, ("customer", "ななの"), ("customer", "にの"), ("customer", "ごです"), ("agent", "725ですね"),
            ("customer", "あ、違った、726です")], ["725", "726"]),
    # a mono recording: speaker-less lines answer the request before them
    (False, [_CODE_ASKED, ("", "なな"), ("", "に"), ("", "ご")], ["なな", "に", "ご"]),
    (False, [("", "暗証番号をお願いします"), ("", "いち"), ("", "きゅう"), ("", "はち")], ["いち", "きゅう", "はち"]),
])
def test_a_value_read_over_turns_stays_masked(engine, speakers, call, shown) -> None:
    conversation = engine.conversation("over-turns", "billing")
    texts = [conversation.turn(text, speaker if speakers else None).text for speaker, text in call]
    answers = " / ".join(texts[1:])
    assert not [value for value in shown if value in answers], answers


@pytest.mark.parametrize("call", [
    # a hold with nothing asked, and a hold that names a value of its own, change nothing
    [("agent", "少々お待ちください。"), ("customer", "はい"), ("agent", "お待たせしました、来月の12日に伺います")],
    # mono: a line without digits closes the request; the price after it is no answer
    [("", "お支払い方法を教えていただけますか"), ("", "コンビニ払いでお願いします"), ("", "承知しました。")],
])
def test_holding_and_mono_lines_mask_no_ordinary_words(engine, call) -> None:
    conversation = engine.conversation("hold-plain", "general_support")
    for speaker, text in call:
        assert conversation.turn(text, speaker or None).text == text


# --- review17 7, 8: a count before a building's word is no house number; a building after a pause ---

@pytest.mark.parametrize("text", ["大阪市の2世帯住宅に住んでいます", "渋谷区に15階建マンションが建つそうです",
                                  "港区に1億円マンション", "東京都港区3LDKマンション"])
def test_a_count_before_a_building_s_word_is_no_house_number(redactor, text) -> None:
    assert [f for f in found(redactor, text) if f[0] == "JP_ADDRESS"] == []


@pytest.mark.parametrize(("text", "building"), [
    ("東京都新宿区西新宿2-8-1、さくらハイツ502号室です", "さくらハイツ502号室"),
    ("東京都新宿区西新宿2-8-1、ハイツさくらの502号室です", "ハイツさくらの502号室"),
    ("東京都新宿区西新宿2-8-1、メゾン・ド・桜 502号室です", "メゾン・ド・桜 502号室"),
    ("東京都新宿区西新宿2-8-1、コーポ桜、502号室です", "コーポ桜、502号室"),
    ("東京都新宿区西新宿2-8-1つばめ荘", "つばめ荘"),
    ("東京都中央区1-2-3万代シティビル5階", "万代シティビル5階"),
])
def test_the_building_and_room_after_the_number_are_the_address(redactor, text, building) -> None:
    start = text.index(building)
    spans = [(s, e) for t, s, e in ((e.type, e.start, e.end) for e in redactor.analyze(text)) if t == "JP_ADDRESS"]
    assert any(s <= start and start + len(building) <= e for s, e in spans), spans


@pytest.mark.parametrize(("call", "shown"), [
    # letter names said alone while a request is open: a document's letters
    ([("agent", "在留カードの番号を教えていただけますか"), ("customer", "エー、ビー")], "エー、ビー"),
    ([("agent", "パスポート番号をお願いします"), ("customer", "てぃー、けー")], "てぃー、けー"),
    # a passphrase in Kansai speech, its copula left
    ([("customer", "合言葉はたこやきやねんけど")], "たこやき"),
])
def test_letters_alone_and_a_dialect_passphrase_are_masked(engine, call, shown) -> None:
    conversation = engine.conversation("letters-alone", "general_support")
    for speaker, text in call:
        last = conversation.turn(text, speaker)
    assert shown not in last.text, last.text


@pytest.mark.parametrize("text", ["エー", "えー、はい", "オーケーです"])
def test_a_filler_or_one_letter_name_is_no_value(engine, text) -> None:
    conversation = engine.conversation("filler", "general_support")
    conversation.turn("在留カードの番号を教えていただけますか", "agent")
    assert conversation.turn(text, "customer").text == text


# --- user19 family I: a birth date said over turns, a backchannel or a filler between -------------

@pytest.mark.parametrize("between", [[("agent", "はい")], [("customer", "えーっと")], []])
def test_a_date_said_over_turns_stays_masked_across_a_backchannel(engine, between) -> None:
    conversation = engine.conversation("dob-over-turns", "general_support")
    for speaker, text in [("agent", "生年月日をお願いします"), ("customer", "昭和55年"), *between]:
        conversation.turn(text, speaker)
    assert "3月2日" not in conversation.turn("3月2日です", "customer").text


def test_a_closed_answer_does_not_colour_the_next_turn(engine) -> None:
    conversation = engine.conversation("dob-closed", "general_support")
    for speaker, text in [("agent", "生年月日をお願いします"), ("customer", "昭和55年3月2日です"),
                          ("agent", "はい、ありがとうございます。お届けは3月5日になります"), ("customer", "はい")]:
        conversation.turn(text, speaker)
    assert conversation.turn("4月1日に引っ越します", "customer").text == "4月1日に引っ越します"


# --- review17 5, 9: a code before a four-digit year's expiry; a garbled era's short year -----------

def test_a_code_before_an_expiry_with_a_four_digit_year_is_masked(engine) -> None:
    conversation = engine.conversation("code-expiry-year", "general_support")
    conversation.turn("カード番号と有効期限をお願いします", "agent")
    said = conversation.turn("裏の3桁は、7、3、1、2028年の12月まで", "customer")
    assert "7、3、1" not in said.text and "card_security_code" in [w.kind for w in said.warnings]


@pytest.mark.parametrize(("answer", "date"), [("平静15年3月2日です", "15年3月2日"), ("平静8年3月2日です", "8年3月2日"),
                                              ("相話55年4月12日です", "55年4月12日")])
def test_a_birth_date_with_a_garbled_era_is_read_in_the_era_it_may_be(engine, answer, date) -> None:
    conversation = engine.conversation("garbled-era", "general_support")
    conversation.turn("青年学期をお願いします", "agent")  # 生年月日 garbled
    assert date not in conversation.turn(answer, "customer").text


# --- review17 4: a code read in English digits never shows in a partial --------------------------

@pytest.mark.parametrize("text", ["サインの横のちっちゃい数字は、ファイブ、ワン、エイトです。それと住所も変わりました",
                                  "署名欄の横の小さい数字は、セブン、ツー、ナインです。あと住所も変わりました"])
def test_a_code_in_english_digits_never_shows_in_a_partial(engine, text) -> None:
    from redactor.stream.partial import partial_view

    conversation = engine.conversation("partial-english", "general_support")
    conversation.turn("カード番号をお願いします。", "agent")
    conversation.turn("4111 1111 1111 1111です", "customer")
    prompt = conversation.prompt_for("customer")
    final = conversation.turn(text, "customer")
    codes = [(e.start, e.end) for e in final.entities if e.type == "CARD_SECURITY_CODE"]
    assert codes, final.text
    for k in range(1, len(text) + 1):
        shown = partial_view(engine.redactor, text[:k], prompt=prompt, names=conversation.names).shown
        assert not [(a, b) for a, b in shown for s, e in codes if a < e and s < b], text[:k]


# --- user19 family H: a name said again as its part or in kana --------------------------------------

@pytest.mark.parametrize(("first", "again", "shown"), [
    ("山田花子です", "花子です、はなこ", "はなこ"),
    ("山田花子です", "ハナコって書いて予約したかも", "ハナコ"),
    ("いしかわゆきです", "はい、ゆきです", "ゆき"),
    ("佐藤はるかです", "はるかでいいですよ、みんなそう呼ぶんで", "はるか"),
])
def test_a_name_said_again_as_its_part_or_reading_stays_masked(engine, first, again, shown) -> None:
    conversation = engine.conversation("name-forms", "general_support")
    conversation.turn("お名前をお願いします", "agent")
    conversation.turn(first, "customer")
    assert shown not in conversation.turn(again, "customer").text


def test_a_name_s_reading_is_masked_only_as_a_word(engine) -> None:
    conversation = engine.conversation("name-forms-word", "general_support")
    conversation.turn("お名前をお願いします", "agent")
    conversation.turn("森です", "customer")
    assert conversation.turn("もりだくさんのプランですね", "agent").text == "もりだくさんのプランですね"


def test_a_statement_naming_a_secret_makes_no_answer_a_secret(engine) -> None:
    conversation = engine.conversation("secret-statement", "general_support")
    conversation.turn("ありがとうございます。暗証番号の再設定は、市役所の窓口で本人確認のうえ行います。", "agent")
    assert conversation.turn("窓口ですね。", "customer").text == "窓口ですね。"


def test_a_back_in_passing_opens_no_code_window(engine) -> None:
    conversation = engine.conversation("foot-back", "general_support")
    conversation.turn("ありがとうございます。足の裏の角質ケアもご一緒にいかがですか。", "agent")
    conversation.turn("あ、お願いします。", "customer")
    conversation.turn("初めての方には保険証の記号と番号を伺っておりますので、お願いできますか。", "agent")
    said = conversation.turn("記号が0712、番号が3058です。", "customer")
    assert "CARD_SECURITY_CODE" not in {e.type for e in said.entities}


def test_a_code_explained_by_its_place_and_size_is_asked_for(engine) -> None:
    """user19 SC4: the agent says where the code is and how long (右端の三桁の数字です) and the caller reads it."""
    conversation = engine.conversation("code-explained", "billing")
    conversation.turn("セキュリティコードは、カード裏面の、右端の三桁の数字です", "agent")
    said = conversation.turn("あ、これか、はちはちに", "customer")
    back = conversation.turn("882ですね、ありがとうございます", "agent")
    assert "はちはちに" not in said.text and "882" not in back.text
    assert "card_security_code" in [w.kind for w in said.warnings]


def test_cvv_as_speech_recognition_spells_it_names_the_code(redactor) -> None:
    assert ("CARD_SECURITY_CODE", "742") in found(redactor, "シーブイブイは742です")


# --- user19 E: a number read in kanji with positions, alone, answering a request --------------------

@pytest.mark.parametrize(("asked", "answer", "shown"), [
    ("セキュリティコードをお願いします", "四百五十二です", "四百五十二"),
    ("口座番号をお願いします", "七十六万五千四百三十二です", "七十六万五千四百三十二"),
])
def test_a_kanji_number_alone_answering_a_request_is_masked(engine, asked, answer, shown) -> None:
    conversation = engine.conversation("kanji-number", "billing")
    conversation.turn(asked, "agent")
    assert shown not in conversation.turn(answer, "customer").text


@pytest.mark.parametrize("text", ["何名様でご利用ですか", "何名様のご予約でしょうか", "どなた様でしょうか"])
def test_a_question_for_a_count_or_a_person_is_no_name(redactor, text) -> None:
    assert [f for f in found(redactor, text) if f[0] == "PERSON"] == []


def test_name_forms_from_several_threads_at_once() -> None:
    """review18 M5: one SudachiPy tokenizer shared by threads raised 'Already borrowed'."""
    from concurrent.futures import ThreadPoolExecutor

    from redactor.pii.lexicon import name_forms

    names = [f"山田花子{'の' * (i % 50)}{i}" for i in range(400)]  # all different: no cache answers
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(name_forms, names))
    assert "ハナコ" in name_forms("山田花子")
