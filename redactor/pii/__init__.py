"""Japanese PII detection and masking."""
