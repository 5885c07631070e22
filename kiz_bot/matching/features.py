"""Turn normalised text into weighted sparse features: words and character n-grams."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from kiz_bot.matching.normalize import tokens

NGRAM_SIZES = (3, 4, 5)
WORD_PREFIX = "w "
NGRAM_PREFIX = "c "


def word_features(toks: Iterable[str]) -> Counter[str]:
    """Return word features (one per distinct token occurrence)."""
    return Counter(WORD_PREFIX + t for t in toks)


def ngram_features(toks: Iterable[str]) -> Counter[str]:
    """Return character n-grams of each token, with word boundaries marked."""
    grams: Counter[str] = Counter()
    for tok in toks:
        padded = f"<{tok}>"
        for size in NGRAM_SIZES:
            if len(padded) < size:
                continue
            grams.update(NGRAM_PREFIX + padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def features(text: str) -> Counter[str]:
    """Return all features of a text."""
    toks = tokens(text)
    return word_features(toks) + ngram_features(toks)


def sublinear(count: int) -> float:
    """Dampen repeated features: 1 + ln(count)."""
    return 1.0 + math.log(count) if count > 0 else 0.0
