"""A small trained classifier for the speech acts whose phrasing varies most between speakers.

The rules of ``acts``/``clauses``/``sensitive`` are precise but each new author phrases privacy
questions, offers, special-care information and registered facts in families they have not
seen.  This linear model reads the same turn differently: binary features (character n-grams of
the normalised turn, GiNZA's lemmas of it and of the turn before) weighted per kind by logistic
regression trained on the labelled dialogue sets (``benchmarks/train_acts.py``).  The warning
engine raises a kind when the rules *or* the model's score passes its threshold (chosen by
leave-one-set-out cross-validation), once per call like every warning.

The weights ship as JSON (``act_model.json``, package data; no pickle): the vocabulary is
derived from the training sets only, never from live input.  Inference needs numpy alone and
reuses the parse the redactor already made.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from redactor.model_file import canonical_sha256, read_model
from redactor.pii.lexicon import entry
from redactor.policy import clauses, sensitive
from redactor.policy.parse import Parse, Word

MODEL_PATH = Path(__file__).with_name("act_model.json")
FORMAT = 1
# The kinds the model reads and whose turns: the customer's acts, and the agent's disclosures
# of registered facts (only while the identity check is not complete).
CUSTOMER_KINDS = ("privacy_question", "volunteered_info_offer", "sensitive_info")
AGENT_KINDS = ("identity_not_verified",)
# Punctuation and symbols carry no lemma worth a feature (the question mark stays a character).
_SKIP_POS = frozenset({"PUNCT", "SYM", "SPACE", "X"})
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM", "PRON"})
_DIGITS = re.compile(r"\d")


# A privacy question is about something done with data: its turn has a predicate of handling
# (keep, delete, pass on, use, see, tell, reach, become known, return; clauses.py's classes), a
# purpose (何のため) or asks what becomes of it (どうなる).  The model proposes, this structure is
# required: a request about the service (写真で目立たないようにしてもらえますか) or how to use a
# product (セキュリティ機能ってどうやってオンにするんですか) is no privacy question.
PRIVACY_PREDICATES = (clauses.HANDLING | clauses.HOLD | clauses.TAKE | clauses.STOP | clauses.DISCLOSE
                      | clauses.REACH | clauses.EXPOSE | clauses.SECRET | clauses.RETURN | clauses.LEAK
                      | frozenset({"分かる", "わかる", "配る", "通す", "ため"}))
_BECOMES = frozenset({"どう", "なる"})
# An offer gives or shows something: a predicate of telling or showing (clauses.TELL…), of needing
# (いります？) or having (持ってます), of the agent's noting or checking it (控える, 確認), or an
# alternative's acceptance or refusal, the words the rules read (保険証でもよろしいですか, …じゃだめですか).
OFFER_PREDICATES = (clauses.TELL | clauses.TELL_POTENTIAL | clauses.NEED | clauses.HAVE
                    | frozenset(clauses.ALTERNATIVE_ACCEPT) | frozenset(clauses.ALTERNATIVE_REFUSE)
                    | frozenset({"控える", "メモ", "確認", "照合", "調べる", "使う"}))


def plausible(kinds: Iterable[str], parse: Parse) -> tuple[str, ...]:
    """Those of ``kinds`` the turn's structure allows the model to raise (all without a parse)."""
    if not parse:
        return tuple(kinds)
    lemmas = {w.lemma for w in parse}
    barred = set()
    parts = clauses.clauses(parse)
    if not (lemmas & PRIVACY_PREDICATES or lemmas >= _BECOMES) or clauses.about_the_product(lemmas) or any(
            map(clauses.offers_to_tell, parts)) or not any(map(clauses.asks_or_worries, parts)) or all(
            map(clauses.delivery_to_the_caller, parts)):
        barred.add("privacy_question")
    if not lemmas & OFFER_PREDICATES:
        barred.add("volunteered_info_offer")
    return tuple(k for k in kinds if k not in barred)


def allowed(kinds: Iterable[str], parse: Parse) -> tuple[str, ...]:
    """Those of ``kinds`` the model may raise on the turn: ``plausible``'s, and sensitive_info only
    where a special-care topic is named (``sensitive.names_a_topic``): the model reads function
    n-grams too and alone raised everyday reasons about family (子どもの運動会が来週あるので…).
    A veto at inference, not a gate of the training rows: trained on topic turns only, the model's
    left-out sensitive recall fell (pooled 0.958 → 0.924, round 11), vetoed it lost none."""
    kinds = plausible(kinds, parse)
    if parse and not sensitive.names_a_topic(parse):
        kinds = tuple(k for k in kinds if k != "sensitive_info")
    return kinds


class ActModelError(Exception):
    """The model file is missing, unreadable or not a model of this format."""


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Which features the model reads (stored with the weights: training and inference agree)."""

    char_min: int = 1
    char_max: int = 3
    lemmas: bool = True
    previous: bool = True
    content: bool = False  # lemmas of content words only (no particles or auxiliaries)
    # Proper nouns and named entities read as their type (三浦 → <Person>, 韓国 → <Country>) in the
    # lemmas and as one mark in the characters; a named entity's label is a feature of its own
    # (アリセプト → e:Drug).  A name is no evidence of an act, and no name of the training
    # dialogues should ship in the vocabulary.
    names: bool = False

    def to_json(self) -> dict[str, object]:
        return {"char_min": self.char_min, "char_max": self.char_max, "lemmas": self.lemmas,
                "previous": self.previous, "content": self.content, "names": self.names}


@dataclass(frozen=True, slots=True)
class ActTurn:
    """One turn as the model reads it: its normalised text and parse, and the turn before's parse."""

    flat: str
    parse: Parse = ()
    previous: Parse = ()


def _named(word: Word) -> bool:
    """A proper noun or a person's name (GiNZA tags some surnames as common nouns, 中島)."""
    return word.pos == "PROPN" or "固有名詞" in word.tag or word.ent == "Person"


_NAME_SLACK = 16  # characters a word may sit after the previous one (spaces, a window's seam)


def with_names(parse: Parse, text: str, spans: Iterable[tuple[int, int]]) -> Parse:
    """``parse`` with the words inside ``spans`` of ``text`` (what the redactor masked as PERSON)
    tagged as a person: GiNZA reads some surnames as common nouns (担当の大橋でございます), and a
    name must not become a feature.  Words are found in order, each a bounded look ahead."""
    spans = list(spans)
    if not spans:
        return parse
    out, cursor = [], 0
    for word in parse:
        at = text.find(word.text, cursor, cursor + len(word.text) + _NAME_SLACK)
        if at < 0:  # not where expected (a normalised form): left as it is
            out.append(word)
            continue
        cursor = at + len(word.text)
        inside = any(start <= at and cursor <= end for start, end in spans)
        out.append(replace(word, ent="Person") if inside and not word.ent else word)
    return tuple(out)


# An agent introducing themself (係の小池です, 担当の大橋でございます): the redactor leaves the agent's own
# name visible and GiNZA may read it as a common noun (小池, a pond), yet it is a name, never a feature.
_INTRODUCED_AFTER = frozenset({"です", "でござる", "と", "でございます"})


def _self_introduced(parse: Parse) -> Parse:
    """``parse`` with a word of two characters or more that the dictionary lists as a name, between の
    and です/でございます/と申します, tagged as a person (家の前の池です: 池 is a pond)."""
    out = list(parse)
    for k, word in enumerate(parse[1:-1], start=1):
        if (word.pos == "NOUN" and len(word.text) >= 2 and not word.ent and parse[k - 1].text == "の"
                and (parse[k + 1].lemma in _INTRODUCED_AFTER or parse[k + 1].text in _INTRODUCED_AFTER)):
            found = entry(word.text)
            if found.surname or found.given:
                out[k] = replace(word, ent="Person")
    return tuple(out)


def _lemma(word: Word, names: bool) -> str:
    return f"<{word.ent or 'PROPN'}>" if names and _named(word) else word.lemma


def _lemmas(parse: Parse, content: bool, names: bool = False) -> Iterable[str]:
    return (_lemma(w, names) for w in parse if (w.pos in _CONTENT_POS if content else w.pos not in _SKIP_POS))


def _characters(turn: ActTurn, names: bool) -> str:
    """The text the character n-grams read: the parse's, each name one mark (■), when there is
    a parse and names are typed; the normalised text otherwise."""
    if not (names and turn.parse):
        return turn.flat
    return "".join(("■" if _named(w) else w.text) + (" " if w.space else "") for w in turn.parse)


def features(turn: ActTurn, spec: FeatureSpec) -> set[str]:
    """The binary features of one turn (digits read as 0: no value becomes a feature)."""
    if spec.names:
        turn = ActTurn(turn.flat, _self_introduced(turn.parse), _self_introduced(turn.previous))
    text = _DIGITS.sub("0", _characters(turn, spec.names))
    found = {text[i:i + n] for n in range(spec.char_min, spec.char_max + 1) for i in range(len(text) - n + 1)}
    if spec.lemmas:
        found |= {"l:" + _DIGITS.sub("0", lemma) for lemma in _lemmas(turn.parse, spec.content, spec.names)}
    if spec.previous:
        found |= {"p:" + _DIGITS.sub("0", lemma) for lemma in _lemmas(turn.previous, spec.content, spec.names)}
    if spec.names:
        found |= {"e:" + w.ent for w in turn.parse if w.ent}
    return found


def rows(found: set[str], index: dict[str, int]) -> list[int]:
    """The vocabulary rows of ``found``, sorted (out-of-vocabulary features are dropped)."""
    return sorted(index[f] for f in found if f in index)


@dataclass(frozen=True, slots=True)
class ActModel:
    """Weights per kind over one vocabulary; a turn's vector is binary and L2-normalised."""

    spec: FeatureSpec
    vocabulary: tuple[str, ...]
    kinds: tuple[str, ...]
    weights: np.ndarray  # len(vocabulary) x len(kinds)
    bias: np.ndarray  # len(kinds)
    thresholds: np.ndarray  # len(kinds), on the decision value
    index: dict[str, int]

    @classmethod
    def build(cls, spec: FeatureSpec, vocabulary: Sequence[str], kinds: Sequence[str], weights: np.ndarray,
              bias: Sequence[float], thresholds: Sequence[float]) -> ActModel:
        return cls(spec, tuple(vocabulary), tuple(kinds), np.asarray(weights, dtype=np.float64),
                   np.asarray(bias, dtype=np.float64), np.asarray(thresholds, dtype=np.float64),
                   {f: i for i, f in enumerate(vocabulary)})

    def decision(self, turn: ActTurn, heard: ActTurn | None = None) -> dict[str, float]:
        """The decision value per kind (positive: more likely the act than not, before thresholds).

        ``heard``: the turn without the words the recogniser was unsure of; only the features
        it shares with ``turn`` then count, at ``turn``'s scale (a guessed word adds nothing, and
        the words around it count no more than they did)."""
        found = rows(features(turn, self.spec), self.index)
        values = self.bias.copy()
        if found:
            kept = found if heard is None else sorted(set(found) & set(rows(features(heard, self.spec), self.index)))
            values += self.weights[kept].sum(axis=0) / math.sqrt(len(found))
        return dict(zip(self.kinds, values.tolist(), strict=True))

    def fires(self, turn: ActTurn, kinds: Iterable[str], heard: ActTurn | None = None) -> list[str]:
        """Those of ``kinds`` whose decision value reaches its threshold (``heard``: see ``decision``)."""
        wanted = [k for k in kinds if k in self.kinds]
        if not wanted:
            return []
        values = self.decision(turn, heard)
        return [k for k in wanted if values[k] >= self.thresholds[self.kinds.index(k)]]

    def to_json(self, training: dict[str, object]) -> dict[str, object]:
        return {
            "format": FORMAT,
            "features": self.spec.to_json(),
            "kinds": {k: {"bias": float(self.bias[j]), "threshold": float(self.thresholds[j]),
                          "weights": [float(w) for w in self.weights[:, j]]} for j, k in enumerate(self.kinds)},
            "vocabulary": list(self.vocabulary),
            "training": training,
        }

    @classmethod
    def from_json(cls, data: dict) -> ActModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        spec = FeatureSpec(**data["features"])
        vocabulary = data["vocabulary"]
        kinds = list(data["kinds"])
        if not kinds or not all(isinstance(f, str) for f in vocabulary):
            raise ValueError("no kinds, or a vocabulary entry that is not a string")
        columns = []
        for kind in kinds:
            weights = data["kinds"][kind]["weights"]
            if len(weights) != len(vocabulary):
                raise ValueError(f"{kind}: {len(weights)} weights for {len(vocabulary)} features")
            columns.append(weights)
        weights = np.array(columns, dtype=np.float64).T.reshape(len(vocabulary), len(kinds))
        bias = [float(data["kinds"][k]["bias"]) for k in kinds]
        thresholds = [float(data["kinds"][k]["threshold"]) for k in kinds]
        if not np.all(np.isfinite(weights)) or not np.all(np.isfinite(bias + thresholds)):
            raise ValueError("a weight, bias or threshold is not a finite number")
        return cls.build(spec, vocabulary, kinds, weights, bias, thresholds)


def digest(payload: dict) -> str:
    """sha256 of what decides the model's output (format, features, weights, vocabulary) in a
    canonical JSON form: the training script records it, a test recomputes it."""
    return canonical_sha256(payload, ("format", "features", "kinds", "vocabulary"))


def load(path: Path = MODEL_PATH) -> ActModel:
    """The model at ``path``; ``ActModelError`` naming the file when it is missing or corrupt."""
    return read_model(path, ActModel.from_json, ActModelError, "speech-act model")


@cache
def shipped() -> ActModel:
    """The model shipped with the package, loaded once per process."""
    return load(MODEL_PATH)
