"""Skeletons: how Latin-letter Arabic, Persian and Cyrillic meet their own script."""

from __future__ import annotations

import pytest

from kiz_bot.matching.features import skeletons
from kiz_bot.matching.normalize import fold_word


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("madrase", "مدرسه"),  # Finglish and Persian
        ("el madrasa", "ال مدرسة"),  # Arabizi and Arabic
        ("zapysaty", "записати"),  # Latin Ukrainian
        ("sa7ib", "صاحب"),  # Arabizi digits: 7 is ha
        ("5edma", "خدمة"),  # 5 is kha
    ],
)
def test_latin_typing_shares_a_skeleton_with_the_native_script(typed: str, written: str) -> None:
    latin = {s for word in typed.split() for s in skeletons(fold_word(word))}
    native = {s for word in written.split() for s in skeletons(fold_word(word))}
    assert latin & native


def test_nine_is_tried_as_qaf_and_as_sad() -> None:
    assert set(skeletons(fold_word("9anon"))) == set(skeletons(fold_word("قانون"))) | {"snn"}
    assert set(skeletons(fold_word("9af"))) >= set(skeletons(fold_word("صف")))


def test_vowels_and_a_final_h_are_dropped_and_short_words_have_none() -> None:
    assert skeletons("madraseh") == ("mdrs",)
    assert skeletons("ya") == ()
