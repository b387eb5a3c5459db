"""A trained scorer for PERSON candidates: the rules find and weigh, the scorer decides.

Five rounds of hand rules (``recognizers/person_evidence.py``) reached a plateau: each new family
of missed or false names was a one-off.  This linear model reads every candidate the rules
consider — the accepted ones and the rejected ones — through features that generalise
(``recognizers/person_features.py``: the rules' verdict and tallies, tags, context lemmas, entity
labels, dependency role, script shape; never the name's own surface) and decides the candidates
whose verdict is not final.  Strong evidence stays with the rules: a self-introduction, an
honorific right after the name, the answer to a name question are masked whatever the score;
one kanji, a counter or a lone word are never names on their own.

Logistic regression trained on the studied real text halves and the development call corpus
(``benchmarks/train_person.py``), thresholds chosen by cross-validation.  **Off in the product**:
on that cross-validation it ties the hand rules (same span recall, +0.1 point precision), so
``JpPersonRecognizer`` decides by the rules unless given ``shipped().decide``
(``benchmarks/accuracy_real.py --person-model`` measures it).  The weights ship as
JSON package data (``person_model.json``; no pickle); inference needs numpy alone and reuses
the parse the redactor already made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from redactor.model_file import canonical_sha256, read_model
from redactor.pii.recognizers.person_evidence import Verdict
from redactor.pii.recognizers.person_features import features

MODEL_PATH = Path(__file__).with_name("person_model.json")
FORMAT = 1


class PersonModelError(Exception):
    """The model file is missing, unreadable or not a model of this format."""


@dataclass(frozen=True, slots=True)
class PersonModel:
    """Weights over a vocabulary of binary features and two thresholds on the decision value
    (bias + the weights of the candidate's features): a candidate the rules accept stays a name
    unless its value falls below ``keep``; one they reject becomes a name only when its value
    reaches ``accept`` (a high score: the rules' counter-evidence is usually right)."""

    vocabulary: tuple[str, ...]
    weights: np.ndarray
    bias: float
    keep: float
    accept: float
    index: dict[str, int]

    @classmethod
    def build(cls, vocabulary: Sequence[str], weights: Sequence[float], bias: float,
              keep: float = 0.0, accept: float = 0.0) -> PersonModel:
        return cls(tuple(vocabulary), np.asarray(weights, dtype=np.float64), float(bias), float(keep),
                   float(accept), {f: i for i, f in enumerate(vocabulary)})

    def passes(self, value: float, verdict: Verdict) -> bool:
        """Whether a candidate with decision value ``value`` and the rules' ``verdict`` is a name."""
        return value >= (self.keep if verdict.accepted and not verdict.extra else self.accept)

    def value(self, found: Iterable[str]) -> float:
        """The decision value of a candidate with features ``found`` (unknown features add nothing)."""
        rows = sorted(self.index[f] for f in found if f in self.index)
        return self.bias + float(self.weights[rows].sum()) if rows else self.bias

    def decide(self, doc: Doc, verdict: Verdict, verdicts: list[Verdict]) -> bool:
        """``person_evidence.Decide``: whether the candidate is a name."""
        return self.passes(self.value(features(doc, verdict, verdicts)), verdict)

    def to_json(self, training: dict[str, object]) -> dict[str, object]:
        return {"format": FORMAT, "bias": self.bias, "keep": self.keep, "accept": self.accept,
                "vocabulary": list(self.vocabulary), "weights": [float(w) for w in self.weights],
                "training": training}

    @classmethod
    def from_json(cls, data: dict) -> PersonModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        vocabulary, weights = data["vocabulary"], data["weights"]
        if not all(isinstance(f, str) for f in vocabulary) or len(weights) != len(vocabulary):
            raise ValueError(f"{len(weights)} weights for {len(vocabulary)} features, or a feature not a string")
        model = cls.build(vocabulary, weights, data["bias"], data["keep"], data["accept"])
        if not np.all(np.isfinite(model.weights)) or not np.isfinite([model.bias, model.keep, model.accept]).all():
            raise ValueError("a weight, the bias or a threshold is not a finite number")
        return model


def digest(payload: dict) -> str:
    """sha256 of what decides the output (format, vocabulary, weights, bias, thresholds), canonical JSON."""
    return canonical_sha256(payload, ("format", "vocabulary", "weights", "bias", "keep", "accept"))


def load(path: Path = MODEL_PATH) -> PersonModel:
    """The model at ``path``; ``PersonModelError`` naming the file when it is missing or corrupt."""
    return read_model(path, PersonModel.from_json, PersonModelError, "person model")


@cache
def shipped() -> PersonModel:
    """The model shipped with the package, loaded once per process."""
    return load(MODEL_PATH)
