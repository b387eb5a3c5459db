"""A plain copy of GiNZA's parse of an utterance, for the speech-act and sensitive rules.

The PII analyzer already parses every utterance with GiNZA (``Redactor._analyze_chunk``);
the warning rules read that same parse instead of parsing again.  spaCy frees the parse's
strings when the analyzer's memory zone closes, so what the rules need is copied out while
it is open: per token its surface, lemma, part of speech, dependency and head, inflection
and entity label.  About 40 small objects per utterance, a few microseconds to build.

The parse is of the analyser's text: normalised (NFKC, digits grouped) and with every digit
read as 0, which the rules never need.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Word:
    """One token: ``head`` and ``i`` index the ``Parse``'s words, ``sent`` its sentence."""

    i: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    inflection: str
    ent: str
    sent: int
    space: bool = False
    norm: str = ""  # Sudachi's normalised form (ばんごう → 番号), GiNZA's ``norm_``


Parse = tuple[Word, ...]


def snapshot(doc: Doc, skip_chars: int = 0) -> list[Word]:
    """The words of ``doc`` from character ``skip_chars`` on (a prompt before it is left out)."""
    first = next((t.i for t in doc if t.idx >= skip_chars), len(doc))
    sent_of = {}
    for n, sent in enumerate(doc.sents):
        for token in sent:
            sent_of[token.i] = n
    words = []
    for token in doc[first:]:
        head = token.head.i if token.head.i >= first else token.i
        inflection = ";".join(token.morph.get("Inflection"))
        words.append(Word(token.i - first, token.text, token.lemma_, token.pos_, token.tag_, token.dep_,
                          head - first, inflection, token.ent_type_, sent_of[token.i], bool(token.whitespace_),
                          token.norm_))
    return words


def join(parts: Iterable[Sequence[Word]]) -> Parse:
    """One parse of several windows' words, renumbered (text over ``CHUNK_CHARS`` is analysed
    in overlapping windows; a phrase in an overlap is read twice, which warnings, raised once
    per call, do not mind)."""
    out: list[Word] = []
    sent_base = 0
    for words in parts:
        if not words:
            continue
        base = len(out)
        index = {w.i: base + k for k, w in enumerate(words)}
        top = words[0].sent
        for w in words:
            out.append(Word(index[w.i], w.text, w.lemma, w.pos, w.tag, w.dep, index.get(w.head, index[w.i]),
                            w.inflection, w.ent, sent_base + w.sent - top, w.space, w.norm))
        sent_base = out[-1].sent + 1
    return tuple(out)


def sentences(parse: Parse) -> list[Parse]:
    """The parse's sentences, in order."""
    groups: dict[int, list[Word]] = {}
    for word in parse:
        groups.setdefault(word.sent, []).append(word)
    return [tuple(g) for g in groups.values()]


_HIRAGANA = re.compile(r"[ぁ-ゖー]{2,}")
_KANJI = re.compile(r"[一-龥]")
# Pronouns stay: the rules know them in kana (そちら, わたし, だれ) and 其方 would hide the company.
_CONTENT = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
# Light verbs and adjectives every turn has (する → 為る, ある → 有る, いい → 良い): no rule reads their
# kanji, and left in kana they spare nearly every turn a second reading.
_LIGHT = frozenset({"する", "ある", "いる", "なる", "できる", "くる", "いく", "おく", "しまう", "もらう", "もらえる",
                    "くれる", "あげる", "いう", "おる", "ござる", "いただく", "くださる", "やる", "いい",
                    "よい", "ない", "こと", "もの", "ところ", "とき", "ため", "よう", "ほう", "わけ", "はず"})


# Kana verbs whose Sudachi norm stays kana or names another word (おくる, きく → 菊, のせる → 乗せる,
# で of でますか): the handling verbs a caller says in plain hiragana, by their lemma as GiNZA gives it.
KANA_VERBS = {"おくる": "送る", "きく": "聞く", "きける": "聞ける", "きこえる": "聞こえる", "のせる": "載せる",
              "のる": "載る", "でる": "出る", "で": "出る", "だす": "出す", "しる": "知る", "はなす": "話す",
              "わたす": "渡す", "まわす": "回す", "もれる": "漏れる", "うる": "売る", "ばれる": "バレる",
              "とる": "取る", "もつ": "持つ", "かく": "書く", "のこす": "残す"}
# Kana nouns GiNZA reads as another word (こえ → 越える): by surface, as a noun.
KANA_NOUNS = {"こえ": "声", "かお": "顔"}


def _kana_lemma(w: Word) -> str | None:
    """The kanji lemma of a hiragana verb or noun the normalised form misses (``KANA_VERBS``)."""
    if not _KANA_WORD.fullmatch(w.text):
        return None
    if w.pos == "VERB" and w.lemma in KANA_VERBS:
        return KANA_VERBS[w.lemma]
    if w.pos == "AUX" and w.lemma == "みる":  # ほかの ひと みる: a learner's 見る after a noun, read as a copula
        return "見る"
    return KANA_NOUNS.get(w.text) if w.pos in ("NOUN", "VERB") else None


def kanji_view(parse: Parse, nouns: frozenset[str] = frozenset()) -> Parse | None:
    """The parse with the lemma of each content word written in hiragana replaced by its normalised
    form (ばんごう → 番号, おしえる → 教える, ろくおん → 録音), or None when no word changes.

    GiNZA keeps a kana word's lemma in kana, so a question said in plain hiragana (そのばんごう、
    ほかのひとにおしえますか) matches no lexicon of the rules.  A word after て/で is an auxiliary
    (〜てみる, 〜てもらう) and keeps its lemma.  A second view beside the parse, not a change of it:
    the rules also read words they know in kana (できる, ほか).  ``nouns``: words the rules read
    whose hiragana GiNZA may cut in pieces (じゅうしょ → じゅう|しょ, 十 and a suffix): two or three
    hiragana words that spell one's reading are that noun (on the first; the rest keep theirs)."""
    changed = False
    words = list(parse)
    spelled = _spelled(nouns)
    for k, w in enumerate(parse):
        after_te = w.i > 0 and parse[w.i - 1].text in ("て", "で")
        kana = None if after_te else _kana_lemma(w)
        if kana is not None:
            pos = "NOUN" if w.text in KANA_NOUNS else "VERB" if w.pos == "AUX" else w.pos
            words[k] = replace(w, lemma=kana, pos=pos)
            changed = True
        elif (w.pos in _CONTENT and not after_te and w.lemma not in _LIGHT and _HIRAGANA.fullmatch(w.text)
                and _KANJI.search(w.norm) and w.norm != w.lemma):
            words[k] = replace(w, lemma=w.norm)
            changed = True
        for n in (2, 3):
            piece = "".join(x.text for x in parse[k:k + n])
            if len(parse[k:k + n]) == n and piece in spelled and all(map(_KANA_WORD.fullmatch, (x.text for x in
                                                                                                parse[k:k + n]))):
                words[k] = replace(w, lemma=spelled[piece], pos="NOUN")
                changed = True
    return tuple(words) if changed else None


_KANA_WORD = re.compile(r"[ぁ-ゖー]+")
_TOKENIZER_LOCK = threading.Lock()


@cache
def _tokenizer():
    """A tokenizer over the SudachiPy dictionary the PII lexicon already loaded (one per process)."""
    from redactor.pii.lexicon import _dictionary

    return _dictionary().create()


@cache
def reading(phrase: str) -> str:
    """``phrase``'s reading in hiragana, from SudachiPy's dictionary (住所 → じゅうしょ)."""
    with _TOKENIZER_LOCK:  # a SudachiPy tokenizer is not safe to share between threads
        katakana = "".join(m.reading_form() for m in _tokenizer().tokenize(phrase))
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


@cache
def _spelled(nouns: frozenset[str]) -> dict[str, str]:
    """Hiragana readings of four kana or more of ``nouns`` (shorter ones spell other words)."""
    found = {}
    for noun in sorted(nouns):
        kana = reading(noun) if _KANJI.search(noun) else ""
        if len(kana) >= 4 and _KANA_WORD.fullmatch(kana):
            found.setdefault(kana, noun)
    return found


# A turn in plain hiragana, as speech recognition or a caller's typing writes it (ねんきんてちょうの
# ばんごうなら…, ひつようなら めんきょしょうの…): spaces between kana are no word boundaries for the
# phrase rules, and GiNZA and Sudachi cut unknown hiragana compounds apart (めん|き|ょ|しょう).
_KANA_SPACE = re.compile(r"(?<=[ぁ-ゖー])[\s　]+(?=[ぁ-ゖー])")
_KANA_RUN = re.compile(r"[ぁ-ゖー]{4,}")  # a reading spelled is four kana or more (ざいりゅう|カード)


def unspaced(text: str) -> str:
    """``text`` without the spaces between kana (そのばんごう けして ください → …けしてください)."""
    return _KANA_SPACE.sub("", text)


def kana_text(text: str, words: frozenset[str]) -> str | None:
    """``text`` with the spaces between kana removed and the hiragana readings (4+ kana) of
    ``words`` written as the words (めんきょしょう → 免許証, ひつよう → 必要), or None when the
    text has no long hiragana run or nothing changes.  One path for every phrase rule that
    reads a turn's text: the readings come from SudachiPy's dictionary (``reading``)."""
    joined = unspaced(text)
    if not _KANA_RUN.search(joined):
        return None
    spelled = _spelled(words)
    pattern = _spelling_pattern(words)
    out = pattern.sub(lambda m: spelled[m.group(0)], joined) if pattern is not None else joined
    return out if out != text else None


@cache
def _spelling_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    spelled = _spelled(words)
    if not spelled:
        return None
    return re.compile("|".join(map(re.escape, sorted(spelled, key=len, reverse=True))))
