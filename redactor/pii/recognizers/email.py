"""EMAIL_ADDRESS: written, full-width (after NFKC) or spoken (アットマーク/ドット)."""

from __future__ import annotations

import tldextract

from redactor.pii.recognizers.base import JapanesePatternRecognizer

# The bundled public-suffix snapshot: tldextract would otherwise download it (we are offline).
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class JpEmailRecognizer(JapanesePatternRecognizer):
    """E-mail addresses; ASCII boundaries instead of ``\\b``, which kana defeats."""

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = (
        ("email", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}"
                  r"(?![A-Za-z0-9])", 0.6),
    )
    REJECT_UNIT_AFTER = False

    def validate_result(self, pattern_text: str) -> bool | None:
        return bool(_TLD(pattern_text.rsplit("@", 1)[1]).suffix)
