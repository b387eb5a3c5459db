"""The analyzer: Presidio's AnalyzerEngine over GiNZA with the Japanese recognizers."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from redactor.config import RedactorConfig
from redactor.pii.catalogue import GINZA_LABEL_TO_ENTITY, LANGUAGE
from redactor.pii.cues import CueIndex
from redactor.pii.recognizers import build_recognizers

GINZA_MODEL = "ja_ginza"
# The longest sentence GiNZA parses as one.  Its bunsetu/clause step is quadratic or worse in a
# sentence's length: 1,600 characters of 「ティー、」 with no 。 took 186 s, a text of them
# minutes.  Real sentences stay well under it (Wikipedia: p99 94 tokens, longest 177), so the
# cap only cuts the endless run-ons an attacker or a broken transcript sends, at a pause.
MAX_SENTENCE_TOKENS = 150
_PAUSES = frozenset({"、", "，", ",", " ", "\u3000"})
_ENDS = frozenset({"。", "？", "！", "?", "!", "\n"})


@Language.component("sentence_cap")
def sentence_cap(doc: Doc) -> Doc:
    """Start a new sentence after a pause once one has run ``MAX_SENTENCE_TOKENS`` tokens
    (anywhere once it has run twice that).

    Runs before the parser, which keeps sentence starts set before it.
    """
    run = 0
    for token in doc:
        before = doc[token.i - 1].text if token.i else ""
        if before in _ENDS:
            run = 0
        elif (run >= MAX_SENTENCE_TOKENS and before in _PAUSES) or run >= 2 * MAX_SENTENCE_TOKENS:
            token.is_sent_start = True
            run = 0
        run += 1
    return doc


def build_nlp_engine() -> SpacyNlpEngine:
    """GiNZA with an explicit label mapping (Presidio's default expects OntoNotes labels).

    Every GiNZA label without a Presidio entity is ignored by Presidio (no "not mapped"
    warning per entity); the labels stay on the spaCy doc (``nlp_artifacts.tokens.ents``), where
    the PERSON evidence reads them (``redactor.pii.recognizers.person_evidence``).
    """
    ner = NerModelConfiguration(model_to_presidio_entity_mapping=GINZA_LABEL_TO_ENTITY,
                                default_score=0.85)
    engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": GINZA_MODEL}],
                            ner_model_configuration=ner)
    engine.load()
    engine.nlp[LANGUAGE].add_pipe("sentence_cap", before="parser")
    labels = engine.nlp[LANGUAGE].get_pipe("ner").labels
    engine.ner_model_configuration.labels_to_ignore = sorted(set(labels) - set(GINZA_LABEL_TO_ENTITY))
    return engine


def build_analyzer(config: RedactorConfig, cues: CueIndex) -> AnalyzerEngine:
    # GiNZA's Person label is not a recognizer of its own: it is one piece of evidence the
    # PERSON recognizer weighs (a Person label on 右投 or トランペット is not a name).
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in build_recognizers(config, cues):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=build_nlp_engine(),
                          supported_languages=[LANGUAGE],
                          default_score_threshold=config.analyzer.score_threshold)
