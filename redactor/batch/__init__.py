"""Batch redaction of recorded calls: decode → ASR → PII → JSON/SRT/VTT + bleeped WAV."""
