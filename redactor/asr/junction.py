"""Words that window mode dates on the wrong side of a pause.

In window mode faster-whisper decodes the VAD's speech chunks packed together and maps each
word back to the chunk holding its middle. The aligner often stretches the first word of a
chunk back over the junction, so its middle falls in the chunk before: ``あり`` of
「ありがとうございます」 comes out 4 s before ``がとう``, at the end of the previous utterance, and
that utterance gets a stray ``あり`` while the next one reads 「がとうございます」 (the sample calls'
live second pass lost the head of 8 lines this way, batch of 3).

A pause longer than the split gap in the middle of a morpheme cannot have been said: the words
before it that belong to a morpheme running on after it are re-dated to end where the words
after the pause begin. The morphemes are SudachiPy's shortest units (the dictionary GiNZA
ships), so only a pause inside one word moves anything (ありがとう, 大丈夫, すべて, a digit run).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

CONTEXT_WORDS = 3  # words read on each side of a pause (Whisper's words are a token or two)
_local = threading.local()  # a SudachiPy tokenizer is not safe to share between threads


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _morphemes(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text``'s shortest-unit morphemes."""
    from sudachipy import SplitMode

    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = _dictionary().create(SplitMode.A)
    return [(m.begin(), m.end()) for m in tokenizer.tokenize(text)]


def cut_before(texts: Sequence[str], at: int) -> int:
    """How many of the words before index ``at`` of ``texts`` belong to a morpheme that goes on
    after it (0: the pause falls between two morphemes)."""
    before = list(texts[max(0, at - CONTEXT_WORDS):at])
    after = list(texts[at:at + CONTEXT_WORDS])
    cut = len("".join(before))
    if not before or not after or not "".join(after).strip():
        return 0
    head = next((a for a, b in _morphemes("".join(before + after)) if a < cut < b), None)
    if head is None:
        return 0
    pos, k = cut, 0
    for text in reversed(before):  # the words from the morpheme's first character on
        if pos <= head:
            break
        pos -= len(text)
        k += 1
    return k

