"""redactor: real-time PII redaction for Japanese phone calls."""

from redactor.pii.catalogue import ENTITY_TYPES, Entity
from redactor.pii.redactor import RedactionResult, Redactor

__all__ = ["ENTITY_TYPES", "Entity", "RedactionResult", "Redactor"]
__version__ = "0.1.0"
