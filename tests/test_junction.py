"""Window mode's junction repair (``redactor.asr.junction``) with SudachiPy's real dictionary:
the spaces Whisper puts before some words, and texts SudachiPy refuses."""

from __future__ import annotations

import pytest

from redactor.asr.engine import Word, _split_at_pauses
from redactor.asr.junction import cut_before


@pytest.mark.parametrize("texts", [
    ["はい", "あり", " がとう", "ござい"],  # the space on the word after the pause hid the cut
    [" はい", " あり", " がとう", " ござい"],
    ["はい", " あり", "がとう", "ござい"],
])
def test_a_words_leading_space_does_not_hide_a_cut_morpheme(texts: list[str]) -> None:
    assert cut_before(texts, 2) == 1


def test_a_word_of_spaces_alone_inside_the_morpheme_moves_with_its_head() -> None:
    assert cut_before(["はい", "あり", " ", "がとう"], 3) == 2  # あり and the space lie inside ありがとう
    assert cut_before(["はい", "あり", " ", "がとう"], 2) == 1


@pytest.mark.parametrize("texts", [["です", " よかった"], ["お名前", " を", " お願い"], ["card", " number"]])
def test_spaces_between_two_morphemes_still_move_nothing(texts: list[str]) -> None:
    """Dropping the spaces joins no two words into one: Japanese ones stay apart by their
    morphemes, two Latin words by the space kept between them (cardnumber would be one)."""
    assert cut_before(texts, len(texts) - 1) == 0


def test_a_text_sudachi_refuses_moves_nothing_and_raises_nothing() -> None:
    long = "あ" * 20_000  # SudachiPy refuses an input over 49,149 bytes
    assert len((long + "あ").encode()) > 49_149
    assert cut_before([long, "あ"], 1) == 0
    groups = _split_at_pauses([Word(long, 0.0, 30.0, 0.1), Word("あいうえお", 35.0, 35.2, 0.9)], gap=1.2)
    assert [[w.text for w in g] for g in groups] == [[long], ["あいうえお"]]


def test_a_spaced_head_of_a_cut_word_is_dated_after_the_pause() -> None:
    """The decoder's words with their spaces: 「あり」 goes to the utterance 「がとうございます」 opens."""
    words = [Word("できますか", 75.0, 78.7, 0.9), Word(" あり", 78.73, 79.43, 0.2),
             Word(" がとう", 83.42, 83.68, 0.9), Word("ございます", 83.68, 84.22, 0.9)]
    groups = _split_at_pauses(words, gap=1.2)
    assert [[w.text.strip() for w in g] for g in groups] == [["できますか"], ["あり", "がとう", "ございます"]]
    assert groups[1][0].end == pytest.approx(83.42)
