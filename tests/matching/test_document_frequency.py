"""Document frequencies: each example of a not-covered kind is an owner of its own."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.knowledge.model import NotCovered, frozen_map
from kiz_bot.matching.features import WORD, encode
from kiz_bot.matching.index import MatchIndex
from kiz_bot.settings import BUNDLED_FAQ_DIR


def word_idf(index: MatchIndex, word: str) -> float:
    keys, _, kinds = encode(word, query=True)
    key = int(keys[kinds == WORD][0])
    row = int(np.searchsorted(index.vocabulary, key))
    assert index.vocabulary[row] == key
    return float(index.idf[row])


def test_a_word_of_many_out_of_scope_examples_weighs_less_than_one_of_a_single_example() -> None:
    catalogue = require_catalogue(BUNDLED_FAQ_DIR)
    # Two words no entry uses: one in three examples of a kind, one in a single example.
    kind = NotCovered(
        "pets",
        frozen_map(
            {
                "en": (
                    "hamster cage rabbit",
                    "hamster food where",
                    "hamster vet sunday",
                    "parrot toys cheap",
                )
            }
        ),
    )
    index = MatchIndex.build(replace(catalogue, not_covered=(kind,)), apart=False)
    # As one owner per kind, both words would be in one owner and weigh the same.
    assert word_idf(index, "hamster") < word_idf(index, "parrot")
    owners = len(catalogue.entries) + 4
    assert word_idf(index, "parrot") == pytest.approx(np.log(owners), rel=1e-6)
