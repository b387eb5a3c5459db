"""The analyzer: Presidio's AnalyzerEngine over GiNZA with the Japanese recognizers."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from redactor.config import RedactorConfig
from redactor.pii.catalogue import GINZA_LABEL_TO_ENTITY, LANGUAGE
from redactor.pii.cues import CueIndex
from redactor.pii.recognizers import build_recognizers

GINZA_MODEL = "ja_ginza"


def build_nlp_engine() -> SpacyNlpEngine:
    """GiNZA with an explicit label mapping (Presidio's default expects OntoNotes labels)."""
    ner = NerModelConfiguration(model_to_presidio_entity_mapping=GINZA_LABEL_TO_ENTITY,
                                default_score=0.85)
    engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": GINZA_MODEL}],
                            ner_model_configuration=ner)
    engine.load()
    return engine


def build_analyzer(config: RedactorConfig, cues: CueIndex) -> AnalyzerEngine:
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(SpacyRecognizer(
        supported_language=LANGUAGE, supported_entities=sorted(set(GINZA_LABEL_TO_ENTITY.values()))
    ))
    for recognizer in build_recognizers(config, cues):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=build_nlp_engine(),
                          supported_languages=[LANGUAGE],
                          default_score_threshold=config.analyzer.score_threshold)
