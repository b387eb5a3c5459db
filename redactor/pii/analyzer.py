"""The analyzer: Presidio's AnalyzerEngine over GiNZA with the Japanese recognizers."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

from redactor.config import RedactorConfig
from redactor.pii.catalogue import GINZA_LABEL_TO_ENTITY, LANGUAGE
from redactor.pii.cues import CueIndex
from redactor.pii.recognizers import build_recognizers

GINZA_MODEL = "ja_ginza"


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
