"""One conversation engine: the only way any mode redacts an utterance.

Live calls, batch recordings and ``redactor text`` lines of one ``call_id`` are all a
sequence of turns; a ``Conversation`` is one call's memory and ``turn()`` the one decision::

    conversation = engine.conversation("call-1", "general_support")
    for text, speaker, start, end in turns:
        turn = conversation.turn(text, speaker, start=start, end=end)
        turn.text, turn.entities, turn.warnings, turn.identity, turn.audio_spans

What the call remembers, and why it cannot be per utterance:

* **the other side's question** (``CallContext``): 生年月日は? → 昭和58年4月12日です;
* **a number read out in groups** across utterances (090… / 3456… / 7812…): the next
  utterance of the same speaker soon after one that ended on a value continues it;
* **whether the call is about a card**: there, a month and year (27年の8月まで) in an answer
  to a request is the card's expiry even when the recogniser garbled the request
  (有効期限 → 有効機で) or ran it into the card number's utterance; before a card is named,
  only a year a card or document can still be valid to counts (a live revision may come before
  the card's cue is heard), so contract dates stay visible;
* **digit runs no recognizer could label** (``DIGITS``): speech recognition garbles the cue
  (カード番号 → 株番号) far more often than the digits, so a run of ``mask_digit_runs`` digits
  is masked anyway unless it is a quantity (3000円, 2019年) or a business number (注文番号);
* **the names it masked** (``names``): a name masked once is masked wherever the call says it
  again (in memory only, gone with the call), as speech recognition garbles the words around a
  name that made it one (南東の佐藤芽ごだいます); the live partials mask them too;
* **the warning state and the identity checklist** (``redactor.policy``);
* **the last ``REPLAY_TURNS`` turns' latest versions and what each followed** (raw text, words and
  parse, in memory only, gone with the call): a live revision of a turn re-reads the turns after
  it (an answer after a request recognised only in its revision) and replays the warnings, so
  the call's state is a function of every turn's latest version, not of their arrival order.

A ``Conversation`` is not thread-safe: every call of one conversation must come from one
thread (the live server runs them all in its single PII thread).
"""

from __future__ import annotations

import bisect
import copy
import datetime
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from redactor.pii.catalogue import DIGITS, Entity
from redactor.pii.checksums import luhn_valid
from redactor.pii.context import CallContext
from redactor.pii.cues import CUES, NOT_PII, WEAK_CUES, security_code_values
from redactor.pii.lexicon import name_forms
from redactor.pii.normalize import (
    ERA_BEFORE,
    NormalizedText,
    normalize,
    spelled_email,
    spoken_value,
    without_surrogates,
)
from redactor.pii.quantities import UNIT_AFTER
from redactor.pii.recognizers.address import address_piece, address_rest
from redactor.pii.recognizers.person import HONORIFICS
from redactor.pii.recognizers.slot import PLACE_CUES
from redactor.pii.redactor import RedactionResult, Redactor
from redactor.policy import CallState, Warning, WarningEngine, security_code
from redactor.policy.engine import REPLAY_TURNS, Observation

CARD_SECURITY_CODE = "CARD_SECURITY_CODE"
JP_ADDRESS = "JP_ADDRESS"
# What may follow a value the utterance leaves open (…吹田市の, 3丁目、, ケー、オー、ユー…): the next may go on with it.
_OPEN_AFTER = re.compile(r"[の、,\s…]*")
CREDENTIAL = "CREDENTIAL"
MIN_SECRET = 3  # characters of a secret masked again wherever said: shorter ones are words too (はい, いち)
EMAIL_ADDRESS = "EMAIL_ADDRESS"
SIDES = ("agent", "customer")  # the speakers a turn may name; any other channel is both or neither

if TYPE_CHECKING:  # speech recognition is not loaded for text
    from redactor.asr.engine import Word

# Values read out in digit groups; a name or an address does not continue into the next utterance.
CONTINUED = frozenset(t for t in CUES if t not in ("PERSON", "JP_ADDRESS", "EMAIL_ADDRESS"))
# Words after the last value: then the utterance did not end on it (です, ね and punctuation do not count).
_WORDS = re.compile(r"[^\s、。,.!?！？ですねよ]")
_DIGIT_END = re.compile(r"[0-9][\s、。,.!?！？ですねよ]*$")
# A turn that closes what it said (…です。): the next one of its speaker starts afresh.
_CLOSED = re.compile(r"です|でした|ます|[。？?！!]")
_MONTH_OR_DAY = re.compile(r"月|日|がつ|にち|ついたち|ふつか|みっか|よっか|いつか|むいか|なのか|ようか|ここのか"
                           r"|とおか|はつか")
# A backchannel or a filler said alone (はい / えーっと / うん): the other side listening, or the speaker
# thinking; a value said over several turns goes on across it (昭和55年 / はい / 3月2日です).
_BACKCHANNEL = re.compile(r"\A[\s、。,.…!?！？]*+(?:(?:はい|ええ|うん|はいはい|なるほど|えーっと|えっと|ええと|えーと"
                          r"|えー|あー|うーん|んー|あのー|あの)[\s、。,.…!?！？]*+){1,3}")
_HONORIFIC_AFTER = re.compile(rf"[ \u3000]?(?:{'|'.join(HONORIFICS)})")
# A birth date is plausible in a turn that states an age (35歳, 三十五才 once normalised).
_AGE = re.compile(r"\d{1,3}\s*(?:歳|才)")
# What a spoken value is made of: digits (written or kanji) and spelt letters (e-mail, IDs).
_VALUE_CHARS = re.compile(r"[0-9０-９〇一二三四五六七八九十A-Za-zＡ-Ｚａ-ｚ]")
# A year and a month with no day after them (normalised text): the shape of a card's expiry.
# The year may carry one stray kana the recogniser put between its digits (2つ7年 for 27年): the
# value is still readable, so it is still masked.
_MONTH_OF_YEAR = re.compile(
    r"(?<!\d)(?P<year>\d{2}(?:\d{2})?|\d[ぁ-ゖ]\d)\s*年\s*の?\s*\d{1,2}\s*月(?!\s*\d{1,2}\s*日)")
# Cards run 5 years, residence cards and passports up to 10: an expiry lies this far ahead at most.
_EXPIRY_YEARS = 10
_CARD_CUES = frozenset({"CREDIT_CARD", "CARD_EXPIRY", "CARD_SECURITY_CODE"})
_SEPARATORS = re.compile(r"(?<=\d)[\s\-、,.]+(?=\d)")  # between a card number's groups
# Any digit run; a count (2つ) is left out by the caller: a lookahead here would make a long run
# that ends in つ quadratic (every later digit retried to the end).
_ANY_DIGITS = re.compile(r"\d(?:[-\s]?\d)*+")
# The turns after a card's code was asked for or said: three or four digits in them (725ですね, あ、違った、
# 726です) are the code read back or corrected, whoever says them (``Conversation._security_codes``).
CODE_WINDOW = 4
# Digits with Latin letters glued on both sides are a model's name (WH-1000XM5, SM-G991B), not a
# value someone reads out; letters on one side only may be an ID's prefix (A1234567): still masked.
_LETTERS_BEFORE = re.compile(r"[A-Za-z]-?$")
_LETTERS_AFTER = re.compile(r"-?[A-Za-z]")
_CODE_SIZED = re.compile(r"(?<![\d,.])\d{3,4}(?![\d,.])")
MAX_NAMES = 200  # names a call remembers: an endless call cannot make every turn slower without bound
# A masked name the call remembers: 2-24 letters (a foreign full name with ・/＝ included) or one kanji, no digits or
# spaces (not 様 alone, not a number, not a run-on the engine masked whole).
# A one-kanji surname (森, 関) too, said again only as a name is: with an honorific or the copula after
# it (森様, 森ですけど), and not inside a longer kanji word (青森様, 森林).
_NAME = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u4e00-\u9fffA-Za-z・＝]{2,24}|[\u4e00-\u9fff]")
_ONE_KANJI = re.compile(r"[\u4e00-\u9fff]")
_AFTER_ONE_KANJI_NAME = re.compile(rf"{_HONORIFIC_AFTER.pattern}|です|でござ|と申|と言い|といい")
_HIRAGANA = re.compile(r"[\u3041-\u3096]+")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]+")
# What may come before and after a name said in hiragana: a particle, an honorific or the copula (私はまりです,
# だからゆうって, まりだよ, ゆうじゃなくて), not the rest of a word (かしこまりました, ゆうちょ).  Each missing
# entry shows a remembered name, so the lists err long: a name masked inside another word costs less.
# A call (ねえまり, おいまり) ends in え or い before it.
_BEFORE_KANA_NAME = frozenset("はがのもとをにへでやねよらてしかなさえい")
_AFTER_KANA_NAME = re.compile(r"です|でし|だ|じゃ|っす|さん|さま|ちゃん|くん|たん|って|から|まで|より|しか|など|なら|"
                              r"みたい|くらい|ぐらい|こそ|ばっか|ばかり|だけ|[がはのとにもをやでへねよかなっわ]")


@dataclass(frozen=True, slots=True)
class ConversationOptions:
    """How a conversation carries state between turns.

    Attributes:
      continuation_gap_s: an utterance starting this soon after one of the same speaker that
        ended on a value continues that value (read out in groups with pauses).  Turns without
        times (text lines without ``start``/``end``) never continue one: nothing says how close
        they are, and the digit-run net still masks a lone group.
      mask_digit_runs: a run of at least this many digits that no recognizer labelled is
        masked as ``DIGITS`` (0 = off; also off when ``DIGITS`` is not among the selected types).
      uncertain_word_probability: a recognised word below this probability is uncertain: a
        short name-like fragment found only in uncertain words, with no honorific, cue or answer
        slot vouching for it, is not masked (speech recognition turns common words into
        name-like garbage: 代理 → 大利).
    """

    continuation_gap_s: float = 1.5
    mask_digit_runs: int = 4
    uncertain_word_probability: float = 0.4


@dataclass(frozen=True, slots=True)
class Identity:
    """The identity checklist of a call (the agent screen's 本人確認 panel)."""

    name_asked: bool
    name_given: bool
    phone_asked: bool
    phone_given: bool
    verified: bool
    policy: str

    @classmethod
    def of(cls, state: CallState) -> Identity:
        return cls(state.name_asked, state.name_given, state.phone_asked, state.phone_given,
                   state.verified, state.policy.name)


@dataclass(frozen=True, slots=True)
class Turn:
    """One redacted utterance.

    Attributes:
      text: the masked text.
      entities: what was masked; ``start/end`` index the input, ``masked_start/masked_end`` ``text``.
      warnings: warnings this turn raised (new ones only).
      identity: the identity checklist when this turn changed it (or is the call's first), else ``None``.
      audio_spans: per entity, the characters of the input whose speech must be silenced:
        the value, its slot (from the end of its cue, or the start of an answer to a question
        or request, or of a group continuing a number) and a name's honorific.
      garbled_answer: the utterance answers a question for personal information (or goes on
        answering it) and the engine recognised nothing in it: speech recognition garbled the
        value beyond recognition, so its audio is silenced whole (its text stays as heard).
      reread: for a revision, the later turns whose masking the re-read changed (to show again).
    """

    text: str
    entities: list[Entity]
    warnings: list[Warning] = field(default_factory=list)
    identity: Identity | None = None
    audio_spans: list[tuple[int, int]] = field(default_factory=list)
    garbled_answer: bool = False
    reread: list[Reread] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Reread:
    """A later turn masked again after a revision changed what it answers: its latest version's
    text masked as before and more (``entities`` as in ``Turn``)."""

    segment_id: str
    text: str
    entities: list[Entity]


@dataclass(slots=True)
class _Tail:
    """The value a speaker's last utterance ended on, which the next one may continue."""

    cue: str | None = None
    end: float | None = None
    answering: bool = False  # the utterance answered a question for PII with nothing recognised
    open_end: bool = False  # it stopped on the value, with no copula or sentence end (昭和55年 / …)
    # The type of a value it left open that the next utterance may go on with: an address (大阪府吹田市の /
    # 千里山西 / 5の3の14 / …) or an e-mail spelled out (ケー、ジェー、ドット / アットマーク、ハピネス…).
    goes_on: str | None = None


@dataclass(slots=True)
class _Heard:
    """What a recent turn followed, to read it again when an earlier turn is revised."""

    context: CallContext  # the call's context before it (a copy)
    continued: str | None  # the cue of the value it went on with (its own speaker's last one)
    still: bool  # it closely followed a garbled answer of its own speaker
    words: Sequence[Word] | None  # of its latest version (in memory only, like its text)
    versions: list[str] = field(default_factory=list, repr=False)  # its raw texts, oldest first (what each asked)
    masked: list[tuple[int, int, str]] = field(default_factory=list)  # of its latest version's text
    asks: str | None = None  # a cue it asked for in words no cue holds (``CallContext.asked``)
    transcript: bool = False  # its text is speech recognition's (``Conversation.turn``'s ``heard``)


def full_year(year: int, this_year: int) -> int:
    """A year as said (27 in 27年, or 2027) in full: a two-digit year is the reading closest to
    ``this_year`` in the last, this or the next century (in 2098, 01年 is 2101, not 2001)."""
    if year >= 100:
        return year
    century = this_year // 100 * 100
    return min((century + c + year for c in (-100, 0, 100)), key=lambda y: abs(y - this_year))


def _address_rests(text: str, entities: Sequence[Entity]) -> list[tuple[int, int]]:
    """The rest of each address said on after a pause (…みなと市の、かいがんどおり、にちょうめ、…)."""
    rests = (address_rest(text, e.end) for e in entities if e.type == JP_ADDRESS)
    return [rest for rest in rests if rest is not None]


def _left_open(text: str, entities: Sequence[Entity]) -> str | None:
    """The type of the value the utterance stops on and leaves open (大阪府吹田市の; ケー、オー、ユー), if an
    address or an e-mail: the next utterance of its speaker may go on with it."""
    last = max(entities, key=lambda e: e.end, default=None)
    if last is None or last.type not in (JP_ADDRESS, EMAIL_ADDRESS):
        return None
    return last.type if _OPEN_AFTER.fullmatch(text, last.end) else None


class Conversation:
    """One call: its context, continuation, digit-run net, warnings and identity checklist."""

    def __init__(self, redactor: Redactor, warnings: WarningEngine, call_id: str, policy: str,
                 options: ConversationOptions) -> None:
        self.redactor, self.call_id, self.options = redactor, call_id, options
        self.state = warnings.new_call(call_id, policy)  # PolicyError for an unknown policy
        self.context = CallContext(redactor.cues)
        self._tails: dict[str | None, _Tail] = {}
        self._birth_date_cued = False  # some turn of the call named a birth date (生年月日, 誕生日…)
        self._card_cued = False  # some turn of the call named a card (カード番号, クレジット, 有効期限…)
        self._since_code = CODE_WINDOW  # turns since one asked for, named or said a card's code
        self._last_speaker: str | None = None  # who said the last turn that was more than a backchannel
        self._year = datetime.date.today().year  # an expiry's year is this year or a few after it
        self._identity: Identity | None = None  # the first turn reports the checklist
        # Per segment id: the cue it answered, whether it answered a request, and whether it was
        # an answer (what a revision of that segment is redacted with).
        self._asked: dict[str, tuple[str | None, bool, bool]] = {}
        self._heard: dict[str, _Heard] = {}  # the last REPLAY_TURNS turns with a segment id
        runs = options.mask_digit_runs if DIGITS in redactor.config.selected_types else 0
        self._digit_run = re.compile(rf"\d(?:[-\s]?\d){{{runs - 1}}}(?:[-\s]?\d)*") if runs else None
        # Names masked in this call, each with its parts and readings (in memory only, gone with the call).
        self._names: dict[str, frozenset[str]] = {}
        # PINs and passwords masked in this call (in memory only), masked again when read back (さくらもちですね).
        self._secrets: set[str] = set()

    @property
    def names(self) -> frozenset[str]:
        """The names masked so far in this call, masked again wherever they are said (partials too)."""
        return frozenset(form for forms in self._names.values() for form in forms)

    def set_policy(self, policy: str) -> None:
        """Switch the call's purpose policy (``PolicyError`` if unknown); warnings keep their history."""
        self.state.policy = self.state.engine.policies.get(policy)

    def prompt_for(self, speaker: str | None, start: float | None = None) -> str | None:
        """The cue an utterance answers: the value it continues, or the other side's question."""
        _, speaker = _side(None, speaker)
        tail = self._follows(speaker, start)
        if tail is not None and tail.cue is not None:
            return tail.cue
        return self.context.prompt_for(speaker)

    def turn(self, text: str, speaker: str | None = None, *, start: float | None = None,
             end: float | None = None, segment_id: str | None = None,
             channel: str | None = None, words: Sequence[Word] | None = None,
             heard: bool | None = None) -> Turn:
        """Redact one utterance of the call and update the call's state with it.

        ``words``: the recogniser's words (``text`` is their concatenation), whose probabilities
        tell which parts of the text speech recognition was unsure of.  ``heard``: ``text`` is a
        transcript of speech (see ``Redactor.analyze``); by default, when it comes with ``words``.
        """
        text = without_surrogates(text)  # a lone surrogate fails deep inside, quoting the text
        channel, speaker = _side(channel, speaker)
        tail = self._follows(speaker, start)
        heard = words is not None if heard is None else heard
        said = _Heard(copy.copy(self.context), tail.cue if tail else None, bool(tail and tail.answering), words,
                      [text], transcript=heard)
        prompt, requested, answering = self._reading(self.context, text, speaker, said)
        if segment_id is not None:
            self._asked[segment_id] = (prompt, requested, answering)
            self._heard[segment_id] = said
            if len(self._heard) > REPLAY_TURNS:
                del self._heard[next(iter(self._heard))]
        normalized = normalize(text)
        uncertain = self._uncertain(text, words)  # the turn's own words: with or without a segment id
        goes_on = tail.goes_on if tail is not None else None
        result, found = self._redact(text, normalized, prompt, requested, uncertain,
                                     heard=heard, email_open=goes_on == EMAIL_ADDRESS)
        piece = address_piece(text) if goes_on == JP_ADDRESS else None
        if piece is not None:  # the address the speaker's last utterance left open goes on
            result = self._masked_as(text, result, [piece], JP_ADDRESS)
        said.masked = _spans(result)
        garbled = answering and not result.entities and bool(text.strip())
        self._remember_tail(text, normalized, result.entities, speaker, prompt, end, garbled,
                            goes_on=JP_ADDRESS if piece is not None else _left_open(text, result.entities))
        self.context.observe(text, speaker)
        self._birth_date_cued |= any(c.owner == "DATE_OF_BIRTH" for c in self.redactor.cues.find(normalized.text))
        turn = self._decided(text, normalized, result, found, speaker, start, segment_id, channel, uncertain,
                             answered=prompt is not None or requested, garbled=garbled)
        if speaker == "agent" and CARD_SECURITY_CODE in self.state.agent_asked:
            # The warning rules read the code asked for by where it is printed: its answer is the code.
            said.asks = CUES[CARD_SECURITY_CODE][0]
            self.context.asked(said.asks, speaker)
        asked = self.context.prompt_for(_ANYONE)
        # The code's name opens the window when the caller names it (セキュリティコードですか / はい / 742です);
        # the agent's turn opens it only through the warning rules, which tell a request from a mention
        # (…はお伺いしませんのでご安心ください asks nothing: review18 M4).
        code = (any(w.kind == "card_security_code" for w in turn.warnings)
                or any(e.type == CARD_SECURITY_CODE for e in found)
                or (asked is not None and self.redactor.cues.owner_of.get(asked.lower()) == CARD_SECURITY_CODE
                    and asked not in PLACE_CUES and asked not in WEAK_CUES  # 足の裏の… names no code
                    and speaker != "agent"))
        self._since_code = 0 if code else self._since_code + 1
        return turn

    def revise(self, text: str, speaker: str | None = None, *, start: float | None = None,
               segment_id: str | None = None, channel: str | None = None, words: Sequence[Word] | None = None,
               keep: Sequence[tuple[int, int, str]] = ()) -> Turn:
        """Redact a corrected version of an earlier turn (a live call's second pass).

        The revision is redacted as its turn was, with the cue that turn answered (continuation
        and tails are not updated again), and with the call's nets (digit runs; a card's expiry,
        where a card named in the revision also marks the call as about a card: call-level
        knowledge a better decode may add); ``keep`` lists
        character spans ``(start, end, type)`` that an earlier version masked and that stay
        masked whatever the engine says now.  The call's state is then a function of every turn's
        latest version: the turns after this one (among the last ``REPLAY_TURNS``) are read again
        in the question context the revision gives them (``_reread``: a request recognised only in
        its revision makes the answer after it an answer to it), and warnings and the identity
        checklist are replayed from this turn on (``CallState.revise``).  A warning the earlier
        versions missed may fire now (on the turn that raises it); each is still raised once per
        call and none is withdrawn.  A turn read again whose masking changed is in ``reread``
        (masked as its shown version was, and more: a re-read never reveals), for the live call
        to show again as a revised final.
        """
        text = without_surrogates(text)
        channel, speaker = _side(channel, speaker)
        prompt, requested, answering = self._asked.get(segment_id, (None, False, False))
        normalized = normalize(text)
        carded = self._card_cued
        uncertain = self._uncertain(text, words)  # this version's words, even once its segment left ``_heard``
        result, found = self._redact(text, normalized, prompt, requested, uncertain, heard=words is not None)
        result = self._keep_masked(text, result, keep)
        garbled = answering and not result.entities and bool(text.strip())
        # A revision that first names the call's card re-reads every later answer: one redacted
        # before (27年の8月までです) escaped the expiry net (a live card call showed its expiry).
        later, shown = self._reread(segment_id, text, speaker, words, _spans(result),
                                    carded=self._card_cued and not carded)
        turn = self._decided(text, normalized, result, found, speaker, start, segment_id, channel, uncertain,
                             answered=prompt is not None or requested, garbled=garbled, revised=later)
        return replace(turn, reread=shown)

    def _reading(self, context: CallContext, text: str, speaker: str | None,
                 heard: _Heard) -> tuple[str | None, bool, bool]:
        """What an utterance answers in ``context``: the cue (the value it continues, or the other
        side's question), whether the other side asked for something, and whether it is an
        answer: for PII when a cue was heard, or whatever was asked when the answer holds digits
        (speech recognition garbles cues first), or going on with a garbled answer."""
        asked = context.prompt_for(speaker)
        requested = context.answers_request(speaker)
        answering = (requested and (asked is not None or bool(_VALUE_CHARS.search(text)))) or heard.still
        return (heard.continued if heard.continued is not None else asked), requested, answering

    def _reread(self, segment_id: str | None, text: str, speaker: str | None, words: Sequence[Word] | None,
                masked: list[tuple[int, int, str]], *, carded: bool = False) -> tuple[list[Observation], list[Reread]]:
        """The turns after a revised one, read again in the context its revision gives them:
        each one whose cue or request changed is redacted again (for the warning rules, and its
        own later revisions keep the new cue) with what its shown version masked kept masked,
        and returned to be shown again when its masked text changed; the call's context becomes
        the latest versions'.

        A re-read only ever adds to what a turn answers (``_asked_more``), and a turn asks what
        any of its versions asked (``_observed``): a second decode that cut a request short
        (有効期限をお願いいたします → 有効期限の, its words given to the next utterance) must not
        turn the answer after it (27年の8月までです) into a remark whose expiry shows."""
        heard, since = self._heard.get(segment_id or ""), self.state.since(segment_id)
        if heard is not None:
            heard.words, heard.masked = words, masked
            heard.versions.append(text)
        if heard is None or since is None:
            return [], []
        context = _observed(heard.context, heard.versions, speaker, heard.asks)
        reread, shown = [], []
        for turn in since[1:]:
            later = self._heard.get(turn.segment_id or "")
            if later is not None and turn.text is not None:
                later.context = copy.copy(context)
                before = self._asked.get(turn.segment_id or "")
                reading = _asked_more(before, self._reading(context, turn.text, turn.speaker, later))
                if reading != before or (carded and reading[1]):  # ``carded``: the expiry net applies now
                    self._asked[turn.segment_id or ""] = reading
                    result, found = self._redact(turn.text, normalize(turn.text), reading[0], reading[1],
                                                 self._uncertain(turn.text, later.words),
                                                 heard=later.transcript)
                    result = self._keep_masked(turn.text, result, later.masked)
                    later.masked = _spans(result)
                    reread.append(replace(turn, masked=result.text, entities=found, parse=result.parse))
                    if result.text != turn.masked and turn.segment_id is not None:
                        shown.append(Reread(turn.segment_id, result.text, result.entities))
                context = _observed(context, later.versions, turn.speaker, later.asks)
            else:
                context.observe(turn.text if turn.text is not None else turn.masked or "", turn.speaker)
        self.context = context
        return reread, shown

    def _redact(self, text: str, normalized: NormalizedText, prompt: str | None, requested: bool,
                uncertain: list[tuple[int, int]], *, heard: bool,
                email_open: bool = False) -> tuple[RedactionResult, list[Entity]]:
        """The engine's entities (what warnings are about) and the masked result (with the digit-run net);
        ``uncertain``: the character spans the recogniser was unsure of (``_uncertain``); ``heard``: the
        text is the recogniser's (it came with its words); ``email_open``: the speaker's last utterance
        left an e-mail address open."""
        result = self.redactor.redact(text, call_id=self.call_id, prompt=prompt,
                                      birth_dates=self._birth_date_plausible(normalized.text, requested),
                                      uncertain=uncertain, heard=heard)
        found = result.entities
        carded = self._about_a_card(normalized, result)  # every turn may name a card
        codes = self._security_codes(normalized, result, carded=carded)
        if codes:  # what warnings are about too: a code masked here is a code warned about
            result = self._with(text, result, codes)
            found = [*found, *codes]
        if self._digit_run is not None:
            result = self._with(text, result, self._digit_runs(normalized, result, any_length=requested))
            said = spoken_value(text) if requested and not result.entities else None
            if said is not None:  # いち / に / さん: a slow reader's number, a word or a few per utterance
                result = self._with(text, result, [Entity(DIGITS, *said, 0.5)])
        result = self._with(text, result, self._names_again(text, result))
        result = self._with(text, result, self._secrets_again(text, result))
        result = self._masked_as(text, result, _address_rests(text, result.entities), JP_ADDRESS)
        email_asked = email_open or any(c.owner == EMAIL_ADDRESS for c in self.redactor.cues.find(
            f"{prompt}は、{normalized.text}" if prompt else normalized.text))
        result = self._masked_as(text, result, spelled_email(text, asked=email_asked), EMAIL_ADDRESS)
        if requested:
            result = self._with(text, result, self._months_of_year(normalized, any_year=carded))
        return result, found

    def _decided(self, text: str, normalized: NormalizedText, result: RedactionResult, found: list[Entity],
                 speaker: str | None, start: float | None, segment_id: str | None, channel: str | None,
                 uncertain: list[tuple[int, int]], *, answered: bool, garbled: bool,
                 revised: Sequence[Observation] | None = None) -> Turn:
        """Warnings and the identity checklist for a redacted utterance (a new turn, or a revision
        with the ``revised`` turns after it read again), and its ``Turn``; ``uncertain`` as the
        utterance was redacted with (a guessed word is no disclosure)."""
        version = Observation(text, result.text, found, speaker, segment_id,
                              round(start, 2) if start is not None else None,
                              channel if channel is not None else speaker, result.parse, uncertain)
        warnings = self.state.add(version) if revised is None else self.state.revise(version, *revised)
        identity = Identity.of(self.state)
        changed = identity != self._identity
        self._identity = identity
        spans = self._audio_spans(text, normalized, result.entities, answered=answered)
        return Turn(result.text, result.entities, warnings, identity if changed else None, spans, garbled)

    # ------------------------------------------------------------------ state

    def _birth_date_plausible(self, normalized: str, requested: bool) -> bool:
        """A birth date may come up now: the call asked for one, the other side just asked
        for something (speech recognition garbles 生年月日 far more than …をお願いできますか),
        an identity check is in progress, or the turn states an age.  Otherwise a past date
        is an event's date."""
        state = self.state
        checking = (state.name_asked or state.phone_asked or state.name_given) and not state.verified
        return self._birth_date_cued or requested or checking or bool(_AGE.search(normalized))

    def _follows(self, speaker: str | None, start: float | None) -> _Tail | None:
        """The speaker's last utterance, when this one (starting at ``start``) follows it within
        ``continuation_gap_s``; for turns without times, when no one said more than a backchannel
        in between."""
        tail = self._tails.get(speaker)
        if tail is None:
            return None
        if start is not None and tail.end is not None:
            return tail if start - tail.end <= self.options.continuation_gap_s else None
        return tail if self._last_speaker == speaker and tail.open_end else None

    def _uncertain(self, text: str, words: Sequence[Word] | None) -> list[tuple[int, int]]:
        """Character spans of ``text`` covered by words the recogniser was unsure of."""
        if not words or "".join(w.text for w in words) != text:
            return []
        spans, pos = [], 0
        for word in words:
            if word.probability < self.options.uncertain_word_probability:
                spans.append((pos, pos + len(word.text)))
            pos += len(word.text)
        return spans

    def _remember_tail(self, text: str, normalized: NormalizedText, entities: Sequence[Entity],
                       speaker: str | None, prompt: str | None, end: float | None, garbled: bool, *,
                       goes_on: str | None = None) -> None:
        if _BACKCHANNEL.fullmatch(text):
            # はい / えーっと: the value said before goes on after it, whoever said it (the agent's はい
            # between the caller's year and its month and day bridges the pause as the caller's えーっと does).
            for side, tail in list(self._tails.items()):
                if tail.cue is not None or tail.goes_on:
                    self._tails[side] = replace(tail, end=end if end is not None else tail.end)
            return
        self._last_speaker = speaker
        last = entities[-1] if entities else None
        if last is not None and last.type in CONTINUED and not _WORDS.search(text, last.end):
            cue = CUES[last.type][0]
        elif prompt and (_DIGIT_END.search(normalized.text) or ERA_BEFORE.search(normalized.text)):
            # garbled digits answering a question, or an era said alone (昭和 / ごじゅうはちねん):
            # the next group answers it too
            cue = prompt
        else:
            cue = None
        # Only what follows the value closes it (はい、生年月日ですね、昭和55年 is open), and a birth year
        # alone is open whatever ends it (昭和55年です。 / はい / 3月2日です: the month and day are to come).
        open_end = not _CLOSED.search(text, last.end if last is not None else 0) or (
            cue is not None and last is not None and last.type == "DATE_OF_BIRTH"
            and not _MONTH_OR_DAY.search(text, last.start, last.end))
        self._tails[speaker] = _Tail(cue, end, garbled, open_end=open_end, goes_on=goes_on if open_end else None)

    def _keep_masked(self, text: str, result: RedactionResult,
                     keep: Sequence[tuple[int, int, str]]) -> RedactionResult:
        """Mask also the ``keep`` spans that no entity of ``result`` covers (overlaps are merged)."""
        extra = [Entity(kind, a, b, 1.0) for a, b, kind in keep
                 if a < b and not any(e.start <= a and b <= e.end for e in result.entities)]
        if not extra:
            return result
        entities = _disjoint(sorted([*result.entities, *extra], key=lambda e: e.start))
        masked, entities = self.redactor.anonymizer.anonymize(text, entities, self.call_id)
        return RedactionResult(masked, entities, result.parse)

    def _digit_runs(self, normalized: NormalizedText, result: RedactionResult, *,
                    any_length: bool = False) -> list[Entity]:
        """Digit runs the engine could not label (the cue was garbled), except quantities and
        business numbers, which are not personal; ``any_length``: in an answer to a request, the
        first digits of a value too (a postal code's 4-0 before the rest, its request garbled)."""
        assert self._digit_run is not None
        extra = []
        for match in (_ANY_DIGITS if any_length else self._digit_run).finditer(normalized.text):
            if UNIT_AFTER.match(normalized.text, match.end()):
                continue
            if any_length and normalized.text.startswith("つ", match.end()):  # a count (2つ)
                continue
            if (_LETTERS_BEFORE.search(normalized.text, max(0, match.start() - 2), match.start())
                    and _LETTERS_AFTER.match(normalized.text, match.end())):
                continue
            if self.redactor.cues.nearest_owner(normalized.text, match.start(), match.end()) == NOT_PII:
                continue
            extra.append(Entity(DIGITS, *normalized.to_original(match.start(), match.end()), 0.5))
        return extra

    def _security_codes(self, normalized: NormalizedText, result: RedactionResult, *,
                        carded: bool) -> list[Entity]:
        """A card's security code read after its name or where it is printed, which the slot
        recognizer missed (サインの横の数字、最後の三つは482です; 裏のは三・八・一じゃ in a card
        call): the same readings the card_security_code warning is raised on, so that a code the
        agent is warned about never shows in the transcript."""
        if CARD_SECURITY_CODE not in self.redactor.config.selected_types:
            return []
        flat, text = normalized.text, normalized.original
        # The caller's turn before named the code (裏の数字ですか、えっと、): this one may open with it.
        cued = self.state.code_cued
        spans = {normalized.to_original(a, b)
                 for a, b in [*security_code_values(flat), *_code_read(flat, carded, cued)]}
        # The raw text too, as the warning rules read it: the normaliser joins a code and the expiry
        # after it (7、3、1、12月 → 73112月).
        spans |= set(_code_read(text, carded, cued)) if text != flat else set()
        if self._since_code < CODE_WINDOW:
            spans |= {normalized.to_original(*m.span()) for m in _CODE_SIZED.finditer(flat)
                      if not UNIT_AFTER.match(flat, m.end())
                      and self.redactor.cues.nearest_owner(flat, *m.span()) in (None, CARD_SECURITY_CODE)}
        codes = [Entity(CARD_SECURITY_CODE, a, b, 0.8) for a, b in sorted(spans)]
        return _disjoint([c for c in codes if all(c.end <= e.start or c.start >= e.end for e in result.entities)])

    def _secrets_again(self, text: str, result: RedactionResult) -> list[Entity]:
        """A PIN or password masked once is masked wherever it is said again: the agent reading it back
        (さくらもちですね) has no cue before it."""
        for e in result.entities:
            value = text[e.start:e.end].strip("、, ")
            if e.type == CREDENTIAL and len(value) >= MIN_SECRET and len(self._secrets) < MAX_NAMES:
                self._secrets.add(value)
        spans = sorted(m.span() for secret in self._secrets for m in re.finditer(re.escape(secret), text))
        return _disjoint([Entity(CREDENTIAL, a, b, 0.9) for a, b in spans])

    def _names_again(self, text: str, result: RedactionResult) -> list[Entity]:
        """A name masked once in the call is masked wherever it is said again, whatever the
        engine makes of that mention: speech recognition garbles what surrounds a name
        (南東の佐藤芽ごだいます for 担当の佐藤でございます), which takes away the evidence a name
        needs, not the name."""
        for name in sorted(remembered(text, result.entities)):  # the same names kept in every run at the cap
            if name not in self._names and len(self._names) < MAX_NAMES:
                # Its parts and readings too (山田花子: 花子, はなこ, ハナコ; いしかわゆき: ゆき); the cap counts
                # names, not forms, so the 200th name is still remembered whole (review18 L6).
                self._names[name] = frozenset({name, *name_forms(name)})
        return [Entity("PERSON", a, b, 0.6) for a, b in mentions(self.names, text)]

    def _about_a_card(self, normalized: NormalizedText, result: RedactionResult) -> bool:
        """The call has named a card (カード番号, クレジット, 有効期限…) or read out a card
        number (found as one, or a digit run that passes the Luhn check: its cue was garbled)."""
        self._card_cued |= (any(c.owner in _CARD_CUES for c in self.redactor.cues.find(normalized.text))
                            or any(e.type == "CREDIT_CARD" for e in result.entities)
                            or any(13 <= len(run) <= 19 and luhn_valid(run)
                                   for run in re.findall(r"\d+", _SEPARATORS.sub("", normalized.text))))
        return self._card_cued

    def _months_of_year(self, normalized: NormalizedText, *, any_year: bool) -> list[Entity]:
        """A year and month without a day (27年の8月) in an answer: in a card call, the expiry.

        Before the call is known to be about a card (its cue misheard, バード番号, or named only
        in a later revision) an answer's year-month is still an expiry when its year is one a
        card or document is valid to (this year to ``_EXPIRY_YEARS`` ahead, no era name): a
        live revision must not show an expiry that a later re-read would mask.  Past dates
        (contracts, events) stay visible."""
        found = []
        for m in _MONTH_OF_YEAR.finditer(normalized.text):
            if any_year or self._expiry_year(normalized.text, m):
                found.append(Entity("CARD_EXPIRY", *normalized.to_original(m.start(), m.end()), 0.5))
        return found

    def _expiry_year(self, text: str, match: re.Match[str]) -> bool:
        """The year of ``match`` (27年, 2027年) is this year or one of the next ``_EXPIRY_YEARS``."""
        if ERA_BEFORE.search(text[max(0, match.start() - 8):match.start()]):
            return False
        year = full_year(int(re.sub(r"\D", "", match.group("year"))), self._year)
        return self._year <= year <= self._year + _EXPIRY_YEARS

    def _masked_as(self, text: str, result: RedactionResult, spans: Sequence[tuple[int, int]],
                   kind: str) -> RedactionResult:
        """``result`` with each span masked as one value of ``kind``: what lies inside it (the house number
        5の3の14 the digit net masked, a letter ケー taken for a name) is part of it, and what overlaps it
        is merged into it."""
        if not spans:
            return result
        kept = [e for e in result.entities if not any(a <= e.start and e.end <= b for a, b in spans)]
        entities = _disjoint(sorted([*kept, *(Entity(kind, a, b, 0.85) for a, b in spans)],
                                    key=lambda e: (e.start, e.type != kind)))
        masked, entities = self.redactor.anonymizer.anonymize(text, entities, self.call_id)
        return RedactionResult(masked, entities, result.parse)

    def _with(self, text: str, result: RedactionResult, extra: Sequence[Entity]) -> RedactionResult:
        """``result`` with the ``extra`` entities that no entity of it overlaps also masked."""
        extra = [x for x in extra if all(x.end <= e.start or x.start >= e.end for e in result.entities)]
        if not extra:
            return result
        entities = sorted([*result.entities, *extra], key=lambda e: e.start)
        masked, entities = self.redactor.anonymizer.anonymize(text, entities, self.call_id)
        return RedactionResult(masked, entities, result.parse)

    # ------------------------------------------------------------------ audio

    def _audio_spans(self, text: str, normalized: NormalizedText, entities: Sequence[Entity], *,
                     answered: bool) -> list[tuple[int, int]]:
        """What to silence for each entity: the value and the slot it fills.

        Speech recognition garbles values, so the words it got right are not the whole value:
        the slot runs from the end of the value's cue (or from the start of an answer to a
        question for it) to the end of the value.  A slot never reaches back over an earlier
        entity of the same utterance; a name keeps its honorific silenced with it.
        """
        cues = [c for c in self.redactor.cues.find(normalized.text) if c.owner != NOT_PII]
        window = self.redactor.config.analyzer.context_before
        spans, floor = [], 0
        for index, entity in enumerate(entities):
            start, end = entity.start, entity.end
            if entity.type == "PERSON":
                honorific = _HONORIFIC_AFTER.match(text, end)
                end = honorific.end() if honorific else end
            if index == 0 and answered:  # the whole answer up to its value, and what ends it
                start = 0
                if index == len(entities) - 1 and not _WORDS.search(text, end):
                    end = len(text)
            else:
                n_start = bisect.bisect_left(normalized.starts, start)
                before = [c for c in cues if c.end <= n_start and n_start - c.end <= window
                          and (c.owner == entity.type or entity.type == DIGITS)]
                if before:
                    cue_end = normalized.ends[before[-1].end - 1]
                    start = max(floor, min(start, cue_end))
            spans.append((start, end))
            floor = end
        return spans


def _code_read(text: str, card: bool, cued: bool) -> list[tuple[int, int]]:
    """The digits of a security code the warning rules read (``security_code.read``)."""
    read = security_code.read(text, card=card, cued=cued)
    return [read.span(1)] if read else []


def _side(channel: str | None, speaker: str | None) -> tuple[str | None, str | None]:
    """The channel a turn is reported on, and the side that spoke it: ``agent``, ``customer``, or
    ``None`` for a channel that carries both or neither (a mono recording's ``mixed``): such a turn
    is read as a speaker-less line, which answers the utterance before it whoever spoke it."""
    return (channel if channel is not None else speaker), (speaker if speaker in SIDES else None)


def remembered(text: str, entities: Iterable[Entity]) -> set[str]:
    """The names among ``entities`` (PERSON masks of ``text``) a call remembers (``_NAME``)."""
    return {name for e in entities if e.type == "PERSON" and _NAME.fullmatch(name := text[e.start:e.end])}


def mentions(names: Collection[str], text: str) -> list[tuple[int, int]]:
    """Where ``text`` says any of ``names``, the longest first (佐藤健 before 佐藤), without overlaps.

    A name in kana counts only as a word of its own: not inside a longer word of its script
    (アン in アンケート, まり in かしこまりました, ゆう in ゆうちょ).  Kanji names count anywhere:
    speech recognition glues garble to them (佐藤芽ございます), and 佐藤製薬 losing 佐藤 is the
    price of that; a one-kanji name only with an honorific or the copula after it (森様, 森です).
    """
    if not names:
        return []
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return [m.span() for m in re.finditer(pattern, text) if _stands_alone(text, *m.span())]


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether the kana or one-kanji name at ``text[start:end]`` is a word of its own (see ``mentions``)."""
    name = text[start:end]
    if _ONE_KANJI.fullmatch(name):
        return (not (start > 0 and _ONE_KANJI.match(text, start - 1))
                and bool(_AFTER_ONE_KANJI_NAME.match(text, end)))
    for script in (_HIRAGANA, _KATAKANA):
        if script.fullmatch(name):
            if start > 0 and script.fullmatch(before := text[start - 1]) and not (
                    script is _HIRAGANA and before in _BEFORE_KANA_NAME):
                return False
            return not (end < len(text) and script.fullmatch(text[end])
                        and not (script is _HIRAGANA and _AFTER_KANA_NAME.match(text, end)))
    return True


def _spans(result: RedactionResult) -> list[tuple[int, int, str]]:
    """What a redaction masked, as ``(start, end, type)`` of its input: kept by a re-read."""
    return [(e.start, e.end, e.type) for e in result.entities]


# A speaker no turn has: what a context asks of "the other side", whoever spoke last.
_ANYONE = "\x00anyone"


def _asks(context: CallContext) -> tuple[bool, bool]:
    """How much a context asks of the other side: a request open, a cue named."""
    return context.answers_request(_ANYONE), context.prompt_for(_ANYONE) is not None


def _observed(context: CallContext, versions: Sequence[str], speaker: str | None,
              asks: str | None = None) -> CallContext:
    """``context`` after a turn heard in several ``versions`` (oldest first): the latest one
    that asks most (a request open, a cue named), so that what any version asked stays asked;
    ``asks``: the cue the turn asked for in words no cue holds (``_Heard.asks``)."""
    best = None
    for text in reversed(versions):
        after = copy.copy(context)
        after.observe(text, speaker)
        if best is None or _asks(after) > _asks(best):
            best = after
    best = best if best is not None else copy.copy(context)
    if asks is not None:
        best.asked(asks, speaker)
    return best


def _asked_more(before: tuple[str | None, bool, bool] | None,
                now: tuple[str | None, bool, bool]) -> tuple[str | None, bool, bool]:
    """A turn's reading after a re-read: the new cue (or the old one when the new context names
    none), and a request or an answer once read stays read (a re-read may mask more, never less)."""
    if before is None:
        return now
    return now[0] if now[0] is not None else before[0], before[1] or now[1], before[2] or now[2]


def _disjoint(entities: list[Entity]) -> list[Entity]:
    """Sorted entities with overlaps merged (the first one's type wins)."""
    out: list[Entity] = []
    for e in entities:
        if out and e.start < out[-1].end:
            last = out[-1]
            out[-1] = Entity(last.type, last.start, max(last.end, e.end), max(last.score, e.score))
        else:
            out.append(e)
    return out
