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
    """Character spans of ``text``'s shortest-unit morphemes; none for a text SudachiPy refuses
    (over ~49 kB: a long odd word must not abort a decode, its pause just moves nothing)."""
    from sudachipy import SplitMode
    from sudachipy.errors import SudachiError

    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = _dictionary().create(SplitMode.A)
    try:
        return [(m.begin(), m.end()) for m in tokenizer.tokenize(text)]
    except SudachiError:
        return []


def _latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _spaceless(texts: Sequence[str]) -> list[str]:
    """``texts`` without whitespace, one space kept between two Latin letters (card number).

    Whisper's words carry a leading space now and then, which in Japanese marks no word boundary
    but would split the morpheme a pause cuts (あり| がとう read as あり, " ", がとう)."""
    joined, out, pos = "".join(texts), [], 0
    for text in texts:
        out.append("".join(ch for i, ch in enumerate(text, pos) if not ch.isspace()
                           or (i > 0 and _latin(joined[i - 1]) and _latin(joined[i:].lstrip()[:1]))))
        pos += len(text)
    return out


def cut_before(texts: Sequence[str], at: int) -> int:
    """How many of the words before index ``at`` of ``texts`` belong to a morpheme that goes on
    after it (0: the pause falls between two morphemes).  Read without the words' spaces
    (``_spaceless``): offsets are in the spaceless text, and each word is walked back by its
    spaceless length, so a word of spaces alone moves only when it lies inside the morpheme."""
    lo = max(0, at - CONTEXT_WORDS)
    words = _spaceless(texts[lo:at + CONTEXT_WORDS])
    before, after = words[:at - lo], words[at - lo:]
    cut = len("".join(before))
    if not before or not "".join(after).strip():
        return 0
    head = next((a for a, b in _morphemes("".join(words)) if a < cut < b), None)
    if head is None:
        return 0
    pos, k = cut, 0
    for text in reversed(before):  # the words from the morpheme's first character on
        if pos <= head:
            break
        pos -= len(text)
        k += 1
    return k
