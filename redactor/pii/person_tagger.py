"""A token-level person tagger over GiNZA's own contextual vectors (#10 round 16).

Fifteen rounds of hand rules (``recognizers/person_evidence.py``) plateaued on a long tail of names
whose evidence the rules' features do not see.  GiNZA's tok2vec already reads every token in its
context: ``doc.tensor`` holds one 256-float row per token of the parse the redactor makes anyway.
This tagger is a logistic regression over the rows of a token and its neighbours plus a few cheap
categorical features (SudachiPy's name tags, GiNZA's entity label and IOB, script shape, the
particle around it), trained on the studied real text (``benchmarks/train_person_tagger.py``):
the probability that a token lies inside a person's name.

**Off in the product.**  Held out by whole sets (train two of dev/dev2/dev3, score the third), neither
way of joining it to the rules gained recall without losing PERSON character precision: a run the
tagger is sure of that no rule proposes, or a candidate the rules rejected that it is sure of, is
often a name inside a work's or an award's title, a role or a club's part (``--holdout`` figures
in ``benchmarks/RESULTS.md``, #10 round 16).  Nothing in ``redactor`` calls it; it is kept, with its
training script, as the measured baseline for a later tagger.

The weights ship as JSON package data (``person_tagger.json``; no pickle, validated on load like
``person_model.json``); inference is one matrix product with numpy over the existing parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from redactor.model_file import canonical_sha256, read_model
from redactor.pii.lexicon import names
from redactor.pii.recognizers.person_context import JOINERS, ORG_LABELS

TAGGER_PATH = Path(__file__).with_name("person_tagger.json")
FORMAT = 1
WIDTH = 256  # ja_ginza's tok2vec width
CONTEXT = 1  # neighbours each side whose rows are read

_PERSON_LABELS = frozenset({"Person"})
# GiNZA label groups (coarse: the vectors carry the rest).
_LABEL_GROUPS = {
    "org": frozenset({"Company", "Company_Group", "Corporation_Other", "Organization_Other",
                      "Political_Organization_Other", "Political_Party", "Government", "Military",
                      "International_Organization", "Public_Institution", "School", "Pro_Sports_Organization",
                      "Sports_Organization_Other", "Show_Organization", "Research_Institute"}),
    "place": frozenset({"City", "Province", "Country", "County", "GPE_Other", "Location_Other",
                        "Domestic_Region", "Continental_Region", "Region_Other", "Island", "Mountain", "River"}),
    "title": frozenset({"Position_Vocation"}),
}
# Particles and marks read before and after a token.
_AROUND = ("は", "が", "の", "を", "に", "と", "も", "で", "や", "、", "。", "・", "＝", "「", "」", "（", "）",
           "さん", "氏", "様", "ら", "家")
_KANJI = re.compile(r"[一-龥々〆ヵヶ]+")
_KATAKANA = re.compile(r"[ァ-ヴー・＝]+")
_HIRAGANA = re.compile(r"[ぁ-ゖー]+")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ.]+")


def _shape(text: str) -> str:
    for name, pattern in (("kanji", _KANJI), ("katakana", _KATAKANA), ("hiragana", _HIRAGANA), ("latin", _LATIN)):
        if pattern.fullmatch(text):
            return name
    return "digit" if text.isdigit() else "mixed"


def _categories() -> tuple[str, ...]:
    names = ["tag:人名", "tag:姓", "tag:名", "tag:地名", "tag:固有名詞", "tag:普通名詞", "tag:名詞", "tag:助詞",
             "tag:補助記号", "ent:Person", *(f"ent:{g}" for g in _LABEL_GROUPS), "ent:other", "iob:B", "iob:I",
             *(f"shape:{s}" for s in ("kanji", "katakana", "hiragana", "latin", "digit", "mixed")),
             "len:1", "len:2", "len:3-4", "len:5+"]
    names += [f"next:{w}" for w in _AROUND] + [f"prev:{w}" for w in _AROUND]
    return tuple(names)


CATEGORIES = _categories()
_CATEGORY_INDEX = {name: i for i, name in enumerate(CATEGORIES)}
DIMENSION = (2 * CONTEXT + 1) * WIDTH + len(CATEGORIES)


def _token_categories(token: Token) -> list[str]:
    """The categorical features of one token (names from ``CATEGORIES``)."""
    tag, label, text = token.tag_, token.ent_type_, token.text
    found = [f"tag:{part}" for part in ("人名", "地名", "固有名詞", "普通名詞", "助詞", "補助記号") if part in tag]
    found += ["tag:名詞"] if tag.startswith("名詞") else []
    found += ["tag:姓"] if tag.endswith("人名-姓") else ["tag:名"] if tag.endswith("人名-名") else []
    if label:
        group = next((g for g, labels in _LABEL_GROUPS.items() if label in labels), "other")
        found += ["ent:Person" if label in _PERSON_LABELS else f"ent:{group}", f"iob:{token.ent_iob_}"]
    size = len(text)
    found += [f"shape:{_shape(text)}", "len:1" if size == 1 else "len:2" if size == 2 else
              "len:3-4" if size <= 4 else "len:5+"]
    doc = token.doc
    if token.i + 1 < len(doc) and doc[token.i + 1].text in _AROUND:
        found.append(f"next:{doc[token.i + 1].text}")
    if token.i > 0 and doc[token.i - 1].text in _AROUND:
        found.append(f"prev:{doc[token.i - 1].text}")
    return found


def token_features(doc: Doc) -> np.ndarray | None:
    """One row per token: the tok2vec rows of the token and its ``CONTEXT`` neighbours each side
    (zeros past the text's ends) and the categorical features; ``None`` when the parse carries no
    tensor aligned with its tokens (a pipeline without tok2vec, a retokenised doc)."""
    tensor = doc.tensor
    n = len(doc)
    if n == 0 or tensor is None or tensor.ndim != 2 or tensor.shape != (n, WIDTH):
        return None
    padded = np.zeros((n + 2 * CONTEXT, WIDTH), dtype=np.float32)
    padded[CONTEXT:CONTEXT + n] = tensor
    rows = np.zeros((n, DIMENSION), dtype=np.float32)
    for k in range(2 * CONTEXT + 1):
        rows[:, k * WIDTH:(k + 1) * WIDTH] = padded[k:k + n]
    base = (2 * CONTEXT + 1) * WIDTH
    for token in doc:
        for name in _token_categories(token):
            rows[token.i, base + _CATEGORY_INDEX[name]] = 1.0
    return rows


# GiNZA's labels that say a span names a body, a building, a thing or an event (not places: GiNZA
# reads many foreign surnames as places, ランス, クリントン).
_THING_LABELS = ORG_LABELS | frozenset({
    "Facility_Other", "Facility_Part", "Museum", "Theater", "Station", "Airport", "Park", "Zoo", "Amusement_Park",
    "Worship_Place", "Sports_Facility", "Car_Stop", "Bridge", "Tunnel", "Road", "Railroad", "Line_Other", "Port",
    "Product_Other", "N_Product", "Book", "Movie", "Music", "Magazine", "Newspaper", "Broadcast_Program", "Show",
    "Game", "Award", "Law", "Rule_Other", "Treaty", "Plan", "Printing_Other", "Art_Other", "Car", "Train",
    "Aircraft", "Ship", "Spaceship", "Vehicle_Other", "Weapon", "Drug", "Title_Other", "Event_Other",
    "Occasion_Other", "Conference", "Incident_Other", "War", "Natural_Disaster", "Religious_Festival"})


def _inside(token: Token) -> bool:
    """A token a name's span may hold: a noun, a prefix or a joiner (not a particle, a verb or a mark)."""
    return token.tag_.startswith(("名詞", "接頭辞")) or token.text in JOINERS


def runs(doc: Doc, probabilities: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Token ranges of maximal runs above ``threshold``, joined across a glued ・/＝ between two runs
    (マット・ケイン), trimmed to the tokens a name holds."""
    above = [bool(p >= threshold) and _inside(t) for p, t in zip(probabilities, doc, strict=True)]
    for i in range(1, len(doc) - 1):
        if doc[i].text in JOINERS and above[i - 1] and above[i + 1]:
            above[i] = True
    found, start = [], None
    for i, on in enumerate([*above, False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            found.append(_without_joiners(doc, start, i))
            start = None
    return [(a, b) for a, b in found if b > a]


def _without_joiners(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A run without the ・/＝ at its ends (・カルメン: the joiner belongs to the name before)."""
    while start < end and doc[start].text in JOINERS:
        start += 1
    while end > start and doc[end - 1].text in JOINERS:
        end -= 1
    return start, end


def hard_negative(doc: Doc, start: int, end: int) -> bool:
    """What no probability overrides: one character, a number or a counter, GiNZA's label of a body,
    a building, a thing or an event on a token, a word JMnedict lists only as a firm's."""
    tokens = doc[start:end]
    return (len(tokens.text) < 2 or any("数詞" in t.tag_ or t.like_num for t in tokens)
            or any(t.ent_type_ in _THING_LABELS for t in tokens) or names(tokens.text).only_firm)


class PersonTaggerError(Exception):
    """The tagger file is missing, unreadable or not a tagger of this format."""


@dataclass(frozen=True, slots=True)
class PersonTagger:
    """Logistic regression weights over ``token_features`` (standardisation folded in) and the
    probability above which a token is read as part of a name (``threshold``)."""

    weights: np.ndarray
    bias: float
    threshold: float

    def probabilities(self, doc: Doc) -> np.ndarray | None:
        """P(token inside a person's name) per token; ``None`` without an aligned tensor."""
        rows = token_features(doc)
        if rows is None:
            return None
        return 1.0 / (1.0 + np.exp(-(rows @ self.weights + self.bias)))

    def to_json(self, training: dict[str, object]) -> dict[str, object]:
        return {"format": FORMAT, "width": WIDTH, "context": CONTEXT, "categories": list(CATEGORIES),
                "bias": self.bias, "threshold": self.threshold,
                "weights": [round(float(w), 7) for w in self.weights], "training": training}

    @classmethod
    def from_json(cls, data: dict) -> PersonTagger:
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        if data["width"] != WIDTH or data["context"] != CONTEXT or tuple(data["categories"]) != CATEGORIES:
            raise ValueError("features (width, context or categories) differ from this code's")
        if not isinstance(data["weights"], list) or not all(isinstance(w, int | float) for w in data["weights"]):
            raise ValueError("weights is not a list of numbers")
        weights = np.asarray(data["weights"], dtype=np.float32)
        if weights.shape != (DIMENSION,):
            raise ValueError(f"{weights.size} weights, expected {DIMENSION}")
        bias, threshold = float(data["bias"]), float(data["threshold"])
        if not (np.all(np.isfinite(weights)) and np.isfinite(bias) and 0.0 < threshold < 1.0):
            raise ValueError("a weight or the bias is not finite, or the threshold is not in (0, 1)")
        return cls(weights, bias, threshold)


def digest(payload: dict) -> str:
    """sha256 of what decides the output, canonical JSON."""
    return canonical_sha256(payload, ("format", "width", "context", "categories", "weights", "bias", "threshold"))


def load(path: Path = TAGGER_PATH) -> PersonTagger:
    """The tagger at ``path``; ``PersonTaggerError`` naming the file when it is missing or corrupt."""
    return read_model(path, PersonTagger.from_json, PersonTaggerError, "person tagger")


@cache
def shipped() -> PersonTagger:
    """The tagger shipped with the package, loaded once per process."""
    return load(TAGGER_PATH)
