"""JSON Lines output shared by every writer of one-object-per-line records.

``json.dumps(..., ensure_ascii=False)`` keeps U+2028 and U+2029 raw: valid JSON, but many
line splitters (JavaScript, ``str.splitlines``, some log shippers) take them for line breaks
and cut a record in two.  ``dumps_line`` writes them as ``\\u2028``/``\\u2029`` escapes, which
decode to the same text; everything else stays readable UTF-8.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps_line"]

_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps_line(record: Any, **kwargs: Any) -> str:
    """``record`` as one JSON line (without its newline) that no line splitter can cut.

    ``kwargs`` go to ``json.dumps`` (``default=str`` for a log formatter, for instance).
    The two characters can only occur inside JSON strings, where the escape means the same.
    """
    return json.dumps(record, ensure_ascii=False, **kwargs).translate(_LINE_BREAKS)
