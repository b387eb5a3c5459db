"""The warning engine: one ``CallState`` per call turns redacted utterances into warnings.

    engine = WarningEngine(build_policies())
    state = engine.new_call("call-1", "general_support")
    for turn in call:
        result = redactor.redact(turn.text, ...)
        warnings = state.observe(text=turn.text, masked=result.text, entities=result.entities,
                                 speaker=turn.speaker, segment_id=turn.id)

A warning is raised once per call for each (kind, type): the agent needs to be told that
My Number is not needed, not reminded at every digit.  Warnings name types, never values.

A live call's second pass revises earlier turns (``state.revise``): the state is then
replayed from the revised turn on, over the latest version of every turn, so the checklist
and the warnings do not depend on the order in which versions arrived (an agent's request
garbled in the first pass and recognised in its revision makes the customer's answer after it
count).  For that the state keeps, in memory only, the last ``REPLAY_TURNS`` turns as observed
(raw text, its parse and entities: the rules read raw text) and drops them with the call; it
writes nothing.  Beyond that it keeps flags and keyed hashes (to recognise the agent repeating
what the customer said), never a value.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from redactor.pii.catalogue import Entity
from redactor.pii.cues import NOT_PII, says_security_code
from redactor.pii.normalize import NormalizedText, normalize
from redactor.policy import act_model, security_code
from redactor.policy.act_model import AGENT_KINDS, CUSTOMER_KINDS, ActModel, ActTurn
from redactor.policy.acts import MY_NUMBER_ITSELF, ActDetector
from redactor.policy.catalogue import IDENTITY_DOCUMENTS, REQUESTED, Severity, render
from redactor.policy.parse import Parse
from redactor.policy.policies import DEFAULT_POLICY, Policy, PolicySet, build_policies
from redactor.policy.sensitive import SensitiveDetector

# An agent's question that confirms what it names (…でよろしいでしょうか, …ですね？).
# An agent's bare yes to what the caller offered (はい、お願いします): a request for it.
_ACCEPTS = re.compile(r"^(?:(?:はい|ええ|あ|じゃあ|では)[、,\s]*)*(?:お願い(?:します|いたします|できますか)|どうぞ|"
                      r"(?:教えて|おっしゃって)(?:ください|いただけますか)|(?:お)?伺います)[。！!]?$")
_CONFIRMING = re.compile(r"(でよろし|でお間違い|で間違いな|ですね[?？]|でしょうか|ですか)")
# A name read as the registered one: the words before it (ご契約者様は, ご登録のお名前が).
_REGISTERED_NAME = re.compile(r"(登録|契約者|名義|申込者|加入者)")
_BEFORE_NAME = 24
# What marks a value as the caller's: honorific attribute nouns and registration words.
_POSSESSION = re.compile(r"((ご|お)(登録|契約|住所|住まい|届け先|電話|連絡先|口座|自宅|勤務先|生年月日|誕生日|名前|"
                         r"メール|携帯|カード|客様の|母様|父様|家族)|登録|契約|送付先|届け先|請求先|様の|名義|カードの)")
_SENTENCE_END = "。？?！!\n"
# A sentence that asks for the value (…のどちらですか, 新しいご住所は…) reads nothing registered out.
_ASKING = re.compile(r"(どちら|どこ|何|なん|いつ|どの|新しい|変更後|引っ?越し先)")
# The company's own places (当センターの所在地は…, 本社は…).
_BUSINESS_PLACE = re.compile(r"(所在地|当社|弊社|当店|当センター|当院|当行|本社|支社|支店|営業所|店舗|事務所|会場|"
                             r"窓口)")
# A person named in the agent's words (トミさん, 坂口様), not a generic お客様: whose fact it is.
_ADDRESSED = re.compile(r"(?<!お客)(?<!皆)(様|さん)")
_AMOUNT = re.compile(r"(?<![\d,])(\d[\d,]*)円")  # from the start of a run only: linear on long digit runs
# Business numbers an agent may read out freely (toll-free, navi-dial).
# Identifiers that are numbers: an answer to a request for one, read in a form no recognizer typed (免許は
# 第六〇一四九九二七三五〇号: kanji digits, masked only as DIGITS), is that number.
_NUMBERED = ("JP_DRIVERS_LICENSE", "JP_MY_NUMBER", "JP_PASSPORT", "JP_PENSION_NUMBER", "JP_RESIDENCE_CARD",
             "JP_HEALTH_INSURANCE", "JP_BANK_ACCOUNT", "CREDIT_CARD")
_DIGIT_RUN = re.compile(r"\d(?:[-\s]?\d)*+")
_OTHER_NUMBER = re.compile(r"[一-龯ァ-ヶ]番号")  # a number of a thing (製造番号, 注文番号) named before the run
_CODE_DIGITS = 4  # a card's security code: three digits, four on some brands
_ANSWER_DIGITS = 6  # a shorter run is a count, a date or a price, not an identifier read out
# A turn that stops on a particle or a comma (カードの裏面の, 運転免許証の番号を、) is cut mid-phrase.
_MID_PHRASE = ("の", "は", "を", "が", "に", "と", "、", ",")
_TRAILING = " \u3000…ー"
_CUT_CHARS = 120  # of the unfinished sentence, what the next turn is read after (a request's own words)
_BUSINESS_PHONE = re.compile(r"^(0120|0800|0570)")
# Per-process key: echo hashes cannot be compared across processes or reversed by lookup.
_ECHO_KEY = secrets.token_bytes(16)
# How many recent turns a revision can replay: a live revision reaches back 20-30 s of a channel
# (a dozen turns of both sides); an older turn's revision is observed where it arrives.
REPLAY_TURNS = 64
# The type a model-raised warning is keyed by (its label): the model says an act happened, not which
# category or registered fact; a kind the rules already raised in the call is not raised again.
MODEL_TYPES: dict[str, str | None] = {"privacy_question": None, "volunteered_info_offer": None,
                                      "sensitive_info": "unclassified", "identity_not_verified": "REGISTERED"}
# Parts of speech that carry a topic (a turn heard as が…て…まして names none).
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
# The call flags a turn is judged in: restored before a replay.
_FLAGS = ("name_asked", "phone_asked", "name_given", "name_said", "phone_given", "verified",
          "customer_spoke", "animals", "agent_asked", "card_named", "data_named", "agent_topic", "code_cued",
          "agent_disclosed", "reacting", "code_offered", "agent_cut")


@dataclass(frozen=True, slots=True)
class Warning:
    """One warning as CONTRACTS.md defines it; ``entity_type`` is the dedup key, not output."""

    kind: str
    severity: Severity
    message: str
    suggestion: str
    channel: str | None = None
    segment_id: str | None = None
    time: float | None = None
    entity_type: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message,
                "suggestion": self.suggestion, "channel": self.channel,
                "segment_id": self.segment_id, "time": self.time}


def _echo_keys(entity_type: str, value: str) -> set[bytes]:
    """Keyed hashes a later mention of the same value matches (digits, or name prefixes)."""
    text = normalize(value).text
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and entity_type != "PERSON":
        forms = {digits}
    else:
        compact = re.sub(r"[\s・]", "", text)
        forms = {compact[:n] for n in range(1, len(compact) + 1)} if entity_type == "PERSON" else {compact}
    return {_hash(entity_type, f) for f in forms}


def _echo_key(entity_type: str, value: str) -> bytes:
    """The one key an agent's mention of ``value`` is looked up by."""
    text = normalize(value).text
    digits = "".join(ch for ch in text if ch.isdigit())
    return _hash(entity_type, digits if digits and entity_type != "PERSON" else re.sub(r"[\s・]", "", text))


def _sentence_of(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding the span ``start:end``."""
    left = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    ends = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    return text[left:min(ends) if ends else len(text)]


def _amounts(flat: str) -> list[str]:
    """The amounts of money in ``flat`` (normalised text), as digits."""
    return [m.group(1).replace(",", "") for m in _AMOUNT.finditer(flat)]


def _hash(entity_type: str, form: str) -> bytes:
    return hashlib.blake2b(f"{entity_type}\0{form}".encode(), key=_ECHO_KEY, digest_size=12).digest()


@dataclass(frozen=True, slots=True)
class Observation:
    """One version of an utterance as the rules read it (``CallState.observe``'s arguments)."""

    text: str | None = None
    masked: str | None = None
    entities: Sequence[Entity] = ()
    speaker: str | None = None
    segment_id: str | None = None
    time: float | None = None
    channel: str | None = None
    parse: Parse = ()
    # Character spans of ``text`` that speech recognition was unsure of (its words' probability
    # below ``ConversationOptions.uncertain_word_probability``); empty for typed text.
    uncertain: Sequence[tuple[int, int]] = ()


def _doubtful(utterance: Observation, flat: NormalizedText) -> list[bool]:
    """Per character of the parse's text (``flat``: the normalised turn, ``SensitiveDetector``'s
    offsets): whether it comes wholly from words the recogniser was unsure of; empty when none is."""
    if not utterance.uncertain or not utterance.text or not utterance.parse:
        return []
    if len(flat.text) != sum(len(w.text) + (1 if w.space else 0) for w in utterance.parse):
        return []  # the parse is of another text: nothing can be placed
    size = len(utterance.text)
    unsure = [False] * (size + 1)
    for a, b in utterance.uncertain:
        a, b = min(max(0, a), size), min(max(0, b), size)  # a span past the text must not grow the list
        unsure[a:b] = [True] * max(0, b - a)
    # A character of the normalised text may stand for several of the original (293 for にーきゅうさん).
    doubtful = [flat.starts[i] < flat.ends[i] and all(unsure[flat.starts[i]:flat.ends[i]])
                for i in range(len(flat.text))]
    return doubtful if any(doubtful) else []


def _unfinished(text: str) -> str:
    """The sentence ``text`` stops in, when it stops on a particle or a comma (``_MID_PHRASE``); else ""."""
    text = text.rstrip(_TRAILING)
    if not text.endswith(_MID_PHRASE):
        return ""
    start = max(text.rfind(ch) for ch in "。？?！!\n") + 1
    return text[start:][-_CUT_CHARS:]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _inside(start: int, end: int, doubtful: Sequence[bool]) -> bool:
    """``[start, end)`` lies wholly in characters the recogniser was unsure of."""
    return bool(doubtful) and start < end and all(doubtful[start:end])


def _without(turn: ActTurn, doubtful: Sequence[bool]) -> ActTurn:
    """The turn without its words lying in doubtful characters (offsets of its text and parse)."""
    kept, pos = [], 0
    for word in turn.parse:
        if not _inside(pos, pos + len(word.text), doubtful):
            kept.append(word)
        pos += len(word.text) + (1 if word.space else 0)
    flat = "".join(c for i, c in enumerate(turn.flat) if not (i < len(doubtful) and doubtful[i]))
    return replace(turn, flat=flat, parse=tuple(kept))


def named_parse(utterance: Observation) -> Parse:
    """The utterance's parse as the act model reads it: what the redactor masked as PERSON is a name."""
    spans = [(e.start, e.end) for e in utterance.entities if e.type == "PERSON"]
    return act_model.with_names(utterance.parse, utterance.text or "", spans)


@dataclass(slots=True)
class _Seen:
    """A recent turn: its latest version and the call flags it was judged in."""

    seq: int
    latest: Observation
    flags: tuple


@dataclass
class CallState:
    """What one call has shown so far: the identity check's progress and the warnings given."""

    call_id: str
    policy: Policy
    engine: WarningEngine
    name_asked: bool = False
    phone_asked: bool = False
    name_given: bool = False
    name_said: bool = False  # the caller named themself unasked (見積もりをお願いした田村ですけど)
    phone_given: bool = False
    verified: bool = False
    customer_spoke: bool = False
    animals: bool = False  # the call is about a pet (ペット保険, ワンちゃん): its illnesses are no one's
    agent_asked: tuple[str, ...] = ()  # types the agent's last utterance asked for
    card_named: bool = False  # a payment card was named in the call (a code said by its place alone)
    code_cued: bool = False  # the caller's last turn named the code with no value (its value may open the next)
    code_offered: bool = False  # the caller's last turn offered the code (セキュリティコード、いります？)
    agent_disclosed: bool = False  # the agent's last turn read a registered fact out before the check
    reacting: bool = False  # the caller's turn answers that disclosure and names no data of its own
    data_named: bool = False  # the caller's last turn named their data (its question may follow alone)
    agent_topic: tuple[str, ...] = ()  # types the agent's last turn named without asking (a bare request may follow)
    # The unfinished sentence of the agent's last turn, when it stopped mid-phrase (カードの裏面の): their next goes
    # on from it.  Text of the call: kept out of the state's repr.
    agent_cut: str = field(default="", repr=False)
    fired: set[tuple[str, str | None]] = field(default_factory=set)
    # What the customer said, as keyed hashes, each with the turn that first said it.
    _customer_values: dict[bytes, int] = field(default_factory=dict, repr=False)
    _recent: deque[_Seen] = field(default_factory=lambda: deque(maxlen=REPLAY_TURNS), repr=False)
    _seq: int = 0  # the turn being judged
    _verified_at: int | None = None  # the turn on which identity_verified was raised

    def observe(self, **utterance: Any) -> list[Warning]:
        """Warnings raised by one utterance (new ones only; each kind and type once per call).

        Arguments are ``Observation``'s.  ``text`` is the raw utterance (entity offsets index
        it); without it the masked text is used, which is enough for every rule except
        recognising the agent's echoes.  ``parse`` is GiNZA's parse of it from the redactor
        (``RedactionResult.parse``): with it privacy questions, offers and sensitive mentions
        are read from the sentence structure.
        """
        return self.add(Observation(**utterance))

    def revise(self, *versions: Observation) -> list[Warning]:
        """Warnings after new versions of earlier turns (matched by ``segment_id``): the state
        is replayed from the earliest of them on over every turn's latest version, from the
        flags that turn was judged in.  Warnings already raised are not raised again nor
        withdrawn; a check once verified (``identity_verified`` raised) stays verified from
        that turn on; the other checklist flags follow the latest versions.  A version of a turn
        older than the last ``REPLAY_TURNS`` (or without a segment id) is judged where it arrives,
        outside the window: a replay never reads it as a recent turn."""
        turns, warnings = list(self._recent), []
        index = {seen.latest.segment_id: i for i, seen in enumerate(turns) if seen.latest.segment_id is not None}
        first = len(turns)
        for version in versions:
            if version.segment_id in index:
                turns[index[version.segment_id]].latest = version
                first = min(first, index[version.segment_id])
        if first < len(turns):
            self._restore(turns[first].flags)
            self._customer_values = {k: seq for k, seq in self._customer_values.items() if seq < turns[first].seq}
            for seen in turns[first:]:
                seen.flags = self._flags()
                warnings += self._judge(seen)
        for version in versions:
            if version.segment_id not in index:
                warnings += self._late(version)
        return warnings

    def since(self, segment_id: str | None) -> list[Observation] | None:
        """The latest version of the turn ``segment_id`` and of every turn after it, or ``None``
        when it is not among the last ``REPLAY_TURNS``."""
        turns = list(self._recent)
        for i in range(len(turns) - 1, -1, -1):
            if segment_id is not None and turns[i].latest.segment_id == segment_id:
                return [seen.latest for seen in turns[i:]]
        return None

    def add(self, version: Observation) -> list[Warning]:
        """``observe`` for a version already built."""
        seen = _Seen(self._seq + 1, version, self._flags())
        self._recent.append(seen)
        return self._judge(seen)

    def _late(self, version: Observation) -> list[Warning]:
        """Judge a version of a turn older than the window in the current flags; what it says
        counts as said before every turn of the window (turn 0), so no replay forgets it."""
        latest = self._seq
        warnings = self._judge(_Seen(0, version, self._flags()))
        self._seq = latest
        return warnings

    def _flags(self) -> tuple:
        return tuple(getattr(self, name) for name in _FLAGS)

    def _restore(self, flags: tuple) -> None:
        for name, value in zip(_FLAGS, flags, strict=True):
            setattr(self, name, value)

    def _remember(self, keys: set[bytes]) -> None:
        """Add what the customer said (keyed hashes) as said by the turn being judged."""
        for key in keys:
            self._customer_values.setdefault(key, self._seq)

    def _judge(self, seen: _Seen) -> list[Warning]:
        """The rules on one turn's latest version, in the flags before it; updates them."""
        self._seq = seen.seq
        warnings = self._rules(seen.latest)
        if self._verified_at is None and any(w.kind == "identity_verified" for w in warnings):
            self._verified_at = seen.seq
        if self._verified_at is not None and seen.seq >= self._verified_at:
            self.verified = True  # the agent was told: a replay does not take it back
        return warnings

    def _rules(self, utterance: Observation) -> list[Warning]:
        text, entities, speaker, parse = utterance.text, utterance.entities, utterance.speaker, utterance.parse
        raw = text if text is not None else (utterance.masked or "")
        channel = utterance.channel if utterance.channel is not None else speaker
        found: list[tuple[str, str | None]] = []
        acts, engine = self.engine.acts, self.engine

        for entity in entities:
            if entity.type == "CARD_SECURITY_CODE":
                if not self._card_number_typed_as_code(raw, entity):
                    found.append(("card_security_code", None))
            elif not self.policy.allows(entity.type) and speaker != "agent":
                # What the agent says is their request, echo or disclosure: warned as such.
                found.append(("unneeded_pii", entity.type))
        normalized = normalize(raw)
        flat = normalized.text  # digits as digits, full-width folded: what the regexes read
        if speaker != "agent":
            # A number read from the wrong document (…58。あ、これ保険証だ): that document's value.
            typed = {e.type for e in entities}
            found += [("unneeded_pii", t) for t in acts.misread(flat) if not self.policy.allows(t) and t not in typed]
            found += [("unneeded_pii", t) for t in self._answered_untyped(flat, raw, entities)]
        doubtful = _doubtful(utterance, normalized)  # raw is the text whenever there are guesses
        self.card_named = self.card_named or security_code.names_a_card(flat) or any(
            e.type == "CREDIT_CARD" for e in entities)
        # The PII slot may have missed it: read by where it is printed, its digits one by one.
        # The raw text too: the normaliser joins a code and the expiry after it (7、3、1、12月 → 73112月).
        cued = speaker != "agent" and self.code_cued
        if says_security_code(flat) or any(security_code.read(t, card=self.card_named, cued=cued)
                                           for t in dict.fromkeys((flat, raw))):
            found.append(("card_security_code", None))
        if speaker != "agent":  # 裏の数字ですか、えっと、 / (はい。) / ろく、なな、ご。
            self.code_cued = security_code.cued(flat, card=self.card_named)
            self.code_offered = "CARD_SECURITY_CODE" in acts.offered_types(raw) or any(
                "CARD_SECURITY_CODE" in types for types, _ in acts.offers(parse))

        if speaker == "agent":
            # A request split over two utterances (カードの裏面の / 三桁の数字をお願いします: a pause cut it) is read
            # whole: the turn that stopped mid-phrase goes before this one.
            requested = acts.requested_types(self.agent_cut + raw, parse, card=self.card_named, topic=self.agent_topic)
            self.agent_cut = _unfinished(raw)
            if self.code_offered and _ACCEPTS.match(flat.strip()):  # the code offered, then accepted
                requested = [*requested, "CARD_SECURITY_CODE"]
            self.code_offered = False
            self.agent_asked = tuple(requested)
            self.agent_topic = tuple(acts.topic(raw))
            # A security code asked for raises the specific warning only (its own key: the
            # customer saying it later is a second act, with its own advice).
            # One of alternative identity documents the policy needs (マイナンバーか、保険証の番号を in a
            # tax call) is a request for what the call needs: the other is the caller's choice.  Only
            # a document of the same class is excused: never a card, an account or a security code.
            excused = {t for g in acts.alternatives(raw) if any(map(self.policy.allows, g & IDENTITY_DOCUMENTS))
                       for t in g & IDENTITY_DOCUMENTS}
            # My Number's card may prove who one is; its 12-digit number may be collected only where the law
            # allows (番号法: the tax_social purpose), so asking for the number is never excused as an
            # alternative (運転免許証か、マイナンバーカードの12桁の個人番号を).
            if MY_NUMBER_ITSELF.search(flat):
                excused.discard("JP_MY_NUMBER")
            # A card's number asked with its security code (カード番号と、裏面の3桁を…) is one act, the
            # card's details: warned once, as the code (the specific, critical warning).
            if "CARD_SECURITY_CODE" in requested:
                excused.add("CREDIT_CARD")
            found += [("card_security_code", REQUESTED) if t == "CARD_SECURITY_CODE"
                      else ("agent_requests_unneeded", t) for t in requested
                      if not self.policy.allows(t) and t not in excused]
            # Confirming a name or number (お電話は048から始まる番号でよろしいでしょうか) asks for it too.
            confirming = {e.type for e in entities} if _CONFIRMING.search(flat) else set()
            # 確認できました said of something else in the utterance that then asks for the name (お問い合わせ
            # 番号…確認できました。ご本人確認のため、お名前を) confirms no identity: only an earlier request counts.
            asked_before = self.name_asked or self.phone_asked
            self.name_asked |= "PERSON" in requested or "PERSON" in confirming
            self.phone_asked |= "PHONE_NUMBER" in requested or "PHONE_NUMBER" in confirming
            if not self.verified and acts.confirms_identity(raw) and asked_before:
                self.verified = True
                found.append(("identity_verified", None))
            if not self.verified and text is not None:
                found += [("identity_not_verified", e.type) for e in entities if self._discloses(text, e)]
                found += [("identity_not_verified", t) for t, word in acts.disclosed(parse)
                          if not self._echoes(t, word, flat)]
        elif text is not None:
            for entity in entities:
                self._remember(_echo_keys(entity.type, text[entity.start:entity.end]))
            self._remember({_hash("WORD", w.text) for w in parse})
            self._remember({_hash("AMOUNT", a) for a in _amounts(flat)})
        if speaker == "customer":
            self.customer_spoke = True
        if speaker == "customer" and not self.verified:
            types = {e.type for e in entities}
            self.name_said |= "PERSON" in types
            self.name_given |= self.name_asked and "PERSON" in types
            self.phone_given |= self.phone_asked and "PHONE_NUMBER" in types
            # A name said unasked counts once the registered phone, asked for, matches it.
            if (self.name_given or (self.name_said and not self.name_asked)) and self.phone_given:
                self.verified = True
                found.append(("identity_verified", None))

        # An agent's question presupposes what the caller has to tell: the warning waits for that.
        said, said_parse = acts.statements(raw, parse) if speaker == "agent" else (raw, parse)
        self.animals = self.animals or engine.sensitive.about_animals(raw)
        mentions = engine.sensitive.mentions(said, said_parse, animals=self.animals)
        # A recogniser's guess is no disclosure: a mention only in words it was unsure of (住所の変更
        # heard as 重症の…) does not raise alone.
        heard = [(m, w) for m, w in mentions if said is not raw or not _inside(m.start, m.end, doubtful)]
        if speaker == "agent":  # the desk the agent introduces themself from (難病医療費助成の担当、…)
            # or a class of data the firm passes on only with consent (通院先の情報は…同意…しか出しません)
            heard = [(m, w) for m, w in heard if not acts.in_office_name(said, m.start)
                     and not acts.in_handling_rule(said, m.start, m.end)]
        guessed = len(heard) < len(mentions)  # the model reads the same word: not from it either
        mentions = heard
        found += list(dict.fromkeys(("sensitive_info", m.category) for m, _ in mentions))
        if speaker != "agent":
            self._remember({_hash("SENSITIVE", words) for _, words in mentions})
        elif not self.verified and text is not None and _ADDRESSED.search(said):
            # The agent reading a named person's condition out before the check (トミさん、インスリンの
            # 注射…): a registered fact, unless the caller said it first.
            found += [("identity_not_verified", "SENSITIVE") for _, words in mentions
                      if _hash("SENSITIVE", words) not in self._customer_values][:1]
        if speaker != "agent":
            # A protest at what the agent just read out (いきなり言わんといてよ, 私が誰か確認しなくていいんですか)
            # is that disclosure's warning, not a question of how data is handled.
            self.reacting = self.agent_disclosed and not entities and not acts.names_data(parse)
            self.agent_disclosed = False
        if speaker != "agent":
            if not self.reacting and acts.asks_about_privacy(raw, parse, has_pii=bool(entities),
                                                             context=self.data_named):
                found.append(("privacy_question", None))
            self.data_named = bool(parse) and acts.names_data(parse)  # for the caller's next turn only
            # A security code offered with its value is that act's specific warning alone.
            if self._volunteers(raw, parse, {e.type for e in entities}) and ("card_security_code", None) not in found:
                found.append(("volunteered_info_offer", None))
        found += self._classified(utterance, flat, found, doubtful, guessed=guessed)
        if speaker == "agent":
            self.agent_disclosed = any(kind == "identity_not_verified" for kind, _ in found)
        return self._new(found, channel, utterance.segment_id, utterance.time)

    def _classified(self, utterance: Observation, flat: str, found: list[tuple[str, str | None]],
                    doubtful: Sequence[bool], *, guessed: bool) -> list[tuple[str, str | None]]:
        """The trained model's acts (``act_model``) of kinds neither the rules nor the model raised
        yet in this call: the customer's, and the agent's disclosures before the identity check
        (a pet's illness is no one's sensitive information).  ``doubtful``: the turn's guessed
        characters; ``guessed``: the rules read a sensitive mention only in guesses."""
        model = self.engine.act_model
        if model is None or utterance.text is None:
            return []
        raised = {kind for kind, _ in self.fired} | {kind for kind, _ in found}
        kinds = act_model.allowed((k for k in self.model_kinds(utterance, flat) if k not in raised), utterance.parse)
        if not kinds:
            return []
        turn = ActTurn(flat, named_parse(utterance), self._previous_parse())
        fired = model.fires(turn, kinds)
        # The topic words must be heard, not guessed: the turn is read again without the guesses.
        heard = _without(turn, doubtful) if doubtful else turn
        if "sensitive_info" in fired and doubtful and (
                guessed or not any(w.pos in _CONTENT_POS for w in heard.parse)  # no content word heard
                or not model.fires(turn, ("sensitive_info",), heard=heard)):
            fired = [k for k in fired if k != "sensitive_info"]
        return [(kind, MODEL_TYPES[kind]) for kind in fired]

    def model_kinds(self, utterance: Observation, flat: str) -> tuple[str, ...]:
        """The kinds the model may raise on this turn, in the call's flags after it: the agent's
        disclosures before the identity check; the customer's acts, but no sensitive kind in a
        call about a pet, and no offer when every identifier the turn names is one the policy
        needs or one it states (パスポートも要ります？ in an identity-document call; a value given
        is ``unneeded_pii``'s)."""
        if utterance.speaker == "agent":
            return () if self.verified else AGENT_KINDS
        kinds = tuple(k for k in CUSTOMER_KINDS if not (k == "sensitive_info" and self.animals)
                      and not (k == "privacy_question" and self.reacting))
        named = self.engine.acts.structure.identifier_types(flat)
        stated = {e.type for e in utterance.entities}
        if named and all(self.policy.allows(t) or t in stated for t in named):
            kinds = tuple(k for k in kinds if k != "volunteered_info_offer")
        return kinds

    @staticmethod
    def _card_number_typed_as_code(raw: str, entity: Entity) -> bool:
        """A code has three or four digits: a longer run typed as one (番号は3525 8776 9871 3469, read after a
        request for the number, the expiry and the code) is the card's number, masked all the same."""
        return len(_digits(normalize(raw[entity.start:entity.end]).text)) > _CODE_DIGITS

    def _answered_untyped(self, flat: str, raw: str, entities: Sequence[Entity]) -> list[str]:
        """Unneeded numbered identifiers (``_NUMBERED``) read as a long digit run no recognizer typed: the one
        the sentence names last before the run (免許は第六〇一四九九二七三五〇号), else the one the agent just
        asked for (``agent_asked``: the answer is that number)."""
        allows, cues = self.policy.allows, self.engine.acts.cues
        asked = [t for t in self.agent_asked if t in _NUMBERED and not allows(t)]
        stated = {e.type for e in entities}
        typed = "".join(_digits(normalize(raw[e.start:e.end]).text) for e in entities)
        found: list[str] = []
        for m in _DIGIT_RUN.finditer(flat):
            run = _digits(m.group(0))
            if len(run) < _ANSWER_DIGITS or run in typed:
                continue
            start = max(flat.rfind(ch, 0, m.start()) for ch in "。？?！!\n") + 1
            if _OTHER_NUMBER.search(flat, start, m.start()):
                continue  # 今の機種の製造番号は、35-2819…: another number named, not the one asked
            # Only numbers count: a name or an address named after the document (免許証の名前と同じで、番号は…)
            # names no number; another number named last (予約番号は…) is its own.
            named = [c for c in cues.find(flat[start:m.start()]) if c.owner in _NUMBERED or c.owner == NOT_PII]
            last = named[-1].owner if named else None
            kinds = [last] if last in _NUMBERED and not allows(last) else [] if named else asked
            found += [t for t in kinds[:1] if t not in stated and t not in found]
        return found

    def _previous_parse(self) -> Parse:
        """The parse of the turn before the one being judged (none before the first, or for a late one)."""
        for seen in reversed(self._recent):
            if seen.seq == self._seq - 1:
                return named_parse(seen.latest)
        return ()

    def _volunteers(self, raw: str, parse: Parse, stated: set[str]) -> bool:
        """The customer offers more than asked or what the call does not need: by the parse's
        offer forms, or by the phrase rules (an offer verb with its scope, an announced value)."""
        acts, allows = self.engine.acts, self.policy.allows
        # A question put while refusing (嫌ですよ。保険証の番号も要る？) pushes back: only an offer
        # verb (言えます) offers then.
        offers = [] if acts.refuses(raw) else acts.offers(parse)
        # An announced value said in the same turn (免許の番号、言います、1234…) is given, not offered.
        return (any(self._offers(types, more, stated) for types, more in offers)
                or bool(acts.offers_more(raw))
                or not all(allows(t) or t in stated for t in acts.offered_types(raw)))

    def _offers(self, types: list[str], more: bool, stated: set[str]) -> bool:
        """An offer of ``types`` goes beyond the request: a type the agent did not just ask for
        that the policy does not need, or *more* (も, とか, 必要なら) than what was asked when no
        type is named (他の情報も言えます).  More of a type the policy needs (パスポートも要ります？
        in an identity-document call) is no offer.  A type the utterance already states is not
        offered but given (``unneeded_pii`` covers it)."""
        if types and all(t in stated for t in types):
            return False
        fresh = [t for t in types if t not in self.agent_asked and t not in stated]
        return (more and not types) or any(not self.policy.allows(t) for t in fresh)

    def _echoes(self, entity_type: str, word: str, flat: str) -> bool:
        """A registered fact the caller said first: the same word, or every amount said again."""
        if entity_type == "ACCOUNT_AMOUNT":
            amounts = _amounts(flat)
            return bool(amounts) and all(_hash("AMOUNT", a) in self._customer_values for a in amounts)
        return bool(word) and _hash("WORD", word) in self._customer_values

    def _discloses(self, text: str, entity: Entity) -> bool:
        """An agent's entity is a disclosure when its sentence reads it as the caller's (ご登録の,
        ご住所, お届け先…) and it is not their own name, a business number or an echo; a name only
        when read as the registered one (ご契約者は…様): 〜様ですね addresses the caller."""
        value = text[entity.start:entity.end]
        sentence = _sentence_of(text, entity.start, entity.end)
        if not _POSSESSION.search(sentence) or _ASKING.search(sentence):
            return False  # 新宿区西新宿のビルの2階でございます: a place, nobody's registered data
        if entity.type == "PERSON" and (
            not _REGISTERED_NAME.search(text, max(0, entity.start - _BEFORE_NAME), entity.start)
            or self.engine.acts.is_self_introduction(text, entity.start, entity.end)
            # Before the customer has said a word, a name the agent says is their own
            # (speech recognition often garbles the 担当の… that would show it).
            or not self.customer_spoke
        ):
            return False
        if entity.type == "JP_ADDRESS" and _BUSINESS_PLACE.search(text, max(0, entity.start - _BEFORE_NAME),
                                                                  entity.start):
            return False  # 当センターの所在地は…: the company's own address
        if entity.type == "PHONE_NUMBER" and _BUSINESS_PHONE.match(
                "".join(ch for ch in normalize(value).text if ch.isdigit())):
            return False
        return _echo_key(entity.type, value) not in self._customer_values

    def _new(self, found: list[tuple[str, str | None]], channel: str | None, segment_id: str | None,
             time: float | None) -> list[Warning]:
        warnings = []
        for kind, entity_type in found:
            if (kind, entity_type) in self.fired:
                continue
            self.fired.add((kind, entity_type))
            severity, message, suggestion = render(kind, entity_type, self.policy.name)
            warnings.append(Warning(kind, severity, message, suggestion, channel, segment_id, time, entity_type))
        return warnings


class WarningEngine:
    """Policies plus the stateless detectors shared by every call (build once per process)."""

    def __init__(self, policies: PolicySet | None = None, model: ActModel | bool | None = True) -> None:
        """``model``: the trained speech-act model; ``True`` loads the shipped one (``ActModelError``
        naming the file when it is missing or corrupt), ``None`` or ``False`` runs the rules alone."""
        self.policies = policies or build_policies()
        self.acts = ActDetector()
        self.sensitive = SensitiveDetector()
        self.act_model: ActModel | None = act_model.shipped() if model is True else (model or None)

    def new_call(self, call_id: str, policy_name: str = DEFAULT_POLICY) -> CallState:
        """A fresh call; raises ``PolicyError`` for a policy nobody defined."""
        return CallState(call_id, self.policies.get(policy_name), self)

