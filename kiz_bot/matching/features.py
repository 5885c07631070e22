"""Turn normalised text into sparse features: words, character n-grams and skeletons.

Features are hashed into a fixed space so that no vocabulary dictionary is kept; each
distinct token's features are computed once and cached, since words repeat a lot.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import snowballstemmer

from kiz_bot.matching.language import script_of
from kiz_bot.matching.normalize import fold_word, without_article, words

NGRAM_SIZES = (3, 4, 5)
HASH_BITS = 21
HASH_MASK = (1 << HASH_BITS) - 1
# BARE is the word feature of an Arabic-letter word without its article ("بالكيتا" also
# brings the feature of "كيتا"): it counts as a word, except for a message's length.
WORD, NGRAM, SKELETON, STEM, BARE = 0, 1, 2, 3, 4
BARE_REST = 3  # letters left after the article, at least; fewer are too often another word
WORD_CACHE = 4096
# Snowball stemmers per language; Ukrainian has none, and the Russian one fits it well enough
# (both sides of a comparison are stemmed alike). A query's language is not known, so it
# is stemmed with every stemmer of its script.
STEMMERS = {
    "de": "german",
    "en": "english",
    "tr": "turkish",
    "pl": "polish",
    "ru": "russian",
    "uk": "russian",
    "ar": "arabic",
    "fa": "persian",
}
SCRIPT_STEMMERS = {
    "latin": ("german", "english", "turkish", "polish"),
    "cyrillic": ("russian",),
    "arabic": ("arabic", "persian"),
}
# Chat Arabic in Latin letters writes some sounds as digits ("3" for ain, "7" for ha).
# "9" is qaf in the Maghreb and sad in the Gulf and the Levant: both are tried.
_ARABIZI = str.maketrans({"2": "", "3": "", "7": "h", "5": "kh", "8": "gh"})
_VOWELS = re.compile("[aeiouyw]")

Keys = npt.NDArray[np.int64]
Kinds = npt.NDArray[np.int8]
FeatureList = tuple[list[int], list[int]]  # keys and kinds, before they become arrays


def skeletons(token: str) -> tuple[str, ...]:
    """Return a word without vowels, w and y (Latin typing of Arabic, Persian, Cyrillic).

    Twice when it has a 9: as q and as s.
    """
    bare = _VOWELS.sub("", token.translate(_ARABIZI))
    bare = bare[:-1] if bare.endswith("h") and len(bare) > 3 else bare
    if "9" not in bare:
        return (bare,) if len(bare) >= 2 else ()
    return tuple(dict.fromkeys(bare.replace("9", v) for v in "qs"))


def _key(feature: str) -> int:
    # crc32, not hash(): Python salts str hashes per process, and results must be repeatable.
    return zlib.crc32(feature.encode()) & HASH_MASK


def _token_features(token: str, with_skeleton: bool) -> tuple[Keys, Kinds]:
    """Return the hashed features of one token and their kinds (word, n-gram, skeleton)."""
    return _arrays(_token_feature_list(token, with_skeleton))


def _arrays(features: FeatureList) -> tuple[Keys, Kinds]:
    """Return a feature list as arrays of keys and kinds."""
    keys, kinds = features
    return np.asarray(keys, dtype=np.int64), np.asarray(kinds, dtype=np.int8)


def _token_feature_list(token: str, with_skeleton: bool) -> FeatureList:
    """Return the hashed features of one token and their kinds, as lists."""
    keys = [_key("w " + token)]
    kinds = [WORD]
    padded = f"<{token}>"
    for size in NGRAM_SIZES:
        for i in range(len(padded) - size + 1):
            keys.append(_key("c " + padded[i : i + size]))
            kinds.append(NGRAM)
    if with_skeleton and len(token) >= 3:
        for bare in skeletons(token):
            keys.append(_key("s " + bare))
            kinds.append(SKELETON)
    return keys, kinds


def bare_word(word: str) -> str:
    """Return the matching token of a cleaned word without its Arabic article, or ""."""
    rest = without_article(word, BARE_REST)
    return fold_word(rest) if rest != word else ""


def _bare_features(token: str) -> tuple[Keys, Kinds]:
    """Return the word feature of a token that was written with the Arabic article."""
    return _arrays(_bare_feature_list(token))


def _bare_feature_list(token: str) -> FeatureList:
    """Return the word feature of a token written with the Arabic article, as lists."""
    return [_key("w " + token)], [BARE]


@lru_cache(maxsize=16)
def _stemmer(algorithm: str) -> snowballstemmer.stemmer:
    stemmer = snowballstemmer.stemmer(algorithm)
    if hasattr(stemmer, "maxCacheSize"):
        stemmer.maxCacheSize = 0  # PyStemmer's own cache; stem_features is cached already
    return stemmer


def _stem(algorithm: str, word: str) -> str:
    """Return a word's stem; the Arabic stemmer is repeated until the word stops changing.

    One pass of Snowball's Arabic stemmer strips either the article or an ending, so
    "المدرسة" and "مدرسة" would get different stems; a second pass brings them together.
    """
    stemmer = _stemmer(algorithm)
    stem: str = stemmer.stemWord(word)
    for _ in range(2 if algorithm == "arabic" else 0):
        again: str = stemmer.stemWord(stem)
        if again == stem:
            break
        stem = again
    return stem


def _stem_features(word: str, algorithms: tuple[str, ...]) -> tuple[Keys, Kinds]:
    """Return the hashed stems of a native-script word, one per stemmer that changes it."""
    return _arrays(_stem_feature_list(word, algorithms))


def _stem_feature_list(word: str, algorithms: tuple[str, ...]) -> FeatureList:
    """Return the hashed stems of a native-script word and their kinds, as lists."""
    stems = {fold_word(_stem(a, word)) for a in algorithms}
    keys = [_key("t " + stem) for stem in stems if stem and len(stem) >= 2]
    return keys, [STEM] * len(keys)


# The features of the words of recent messages. Bounded: every typo is a new word, and a
# bot that runs for weeks meets hundreds of thousands of them. The index build does not use
# these caches; it numbers the distinct words of the knowledge base itself (_Units).
token_features = lru_cache(maxsize=WORD_CACHE)(_token_features)
stem_features = lru_cache(maxsize=WORD_CACHE)(_stem_features)

Encoded = tuple[Keys, npt.NDArray[np.float32], Kinds]


def encode(text: str, *, query: bool, language: str | None = None) -> Encoded:
    """Return a text's distinct feature keys, their counts and kinds.

    Skeletons are added to queries (which may be typed in Latin letters) and to phrasings in
    Cyrillic or Arabic script, so "madrese" meets "مدرسه" and "zapysaty" meets "записати".
    """
    keys, kinds = _features(text, query=query, language=language)
    unique, first, counts = np.unique(keys, return_index=True, return_counts=True)
    return unique, counts.astype(np.float32), kinds[first]


@dataclass(frozen=True, slots=True)
class Batch:
    """The distinct features of many texts, one after another.

    Text i holds positions indptr[i] to indptr[i + 1] of keys, counts and kinds, in the
    order of its keys, as `encode` returns them for that text alone.
    """

    keys: Keys
    counts: npt.NDArray[np.float32]
    kinds: Kinds
    indptr: Keys

    def text(self, i: int) -> Encoded:
        """Return the features of one text."""
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.keys[a:b], self.counts[a:b], self.kinds[a:b]


def encode_phrasings(
    texts: Sequence[tuple[str, str]], chunk: int = 4096
) -> tuple[Batch, list[str]]:
    """Encode many (text, language) phrasings, as `encode` does one by one, but faster.

    Each distinct word's features are looked up once; a phrasing is a list of word numbers,
    and a chunk's features are gathered and counted with a few array operations. Also
    returns each phrasing's matching form (`normalize`), made from the same words.
    """
    units = _Units()
    rows = [units.row(t, lang) for t, lang in texts]  # then every word's features, flattened once
    chunks = [
        _count_each(*units.gather(rows[start : start + chunk]))
        for start in range(0, len(texts), chunk)
    ]
    if not chunks:
        return _count_each(np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int64)), []
    offsets = np.cumsum([0] + [c.keys.size for c in chunks[:-1]])
    indptr = np.concatenate(
        [chunks[0].indptr[:1]] + [c.indptr[1:] + o for c, o in zip(chunks, offsets, strict=True)]
    )
    batch = Batch(
        np.concatenate([c.keys for c in chunks]),
        np.concatenate([c.counts for c in chunks]),
        np.concatenate([c.kinds for c in chunks]),
        indptr,
    )
    return batch, units.normalized


class _Units:
    """The feature arrays of every distinct word seen so far, numbered in order of appearance."""

    def __init__(self) -> None:
        self.number: dict[tuple[str, object], int] = {}
        self.keys: list[list[int]] = []
        self.kinds: list[list[int]] = []
        self.normalized: list[str] = []  # each row's text in matching form
        self._flat: tuple[Keys, Kinds, Keys, Keys] | None = None

    def _id(self, unit: tuple[str, object]) -> int:
        found = self.number.get(unit)
        if found is None:
            keys, kinds = _unit_features(unit)
            found = self.number[unit] = len(self.keys)
            self.keys.append(keys)
            self.kinds.append(kinds)
            self._flat = None
        return found

    def row(self, text: str, language: str) -> list[int]:
        """Return the word numbers of one phrasing: token features, then stems."""
        pairs = [(w, t) for w in words(text) if (t := fold_word(w))]
        self.normalized.append(" ".join(t for _, t in pairs))
        if not pairs:
            return []
        with_skeleton = script_of(text) in {"cyrillic", "arabic"}
        algorithms = (STEMMERS[language],) if language in STEMMERS else ()
        row = [self._id((t, with_skeleton)) for _, t in pairs]
        if algorithms:
            row += [self._id((w, algorithms)) for w, _ in pairs]
        row += [self._id((bare, BARE)) for w, _ in pairs if (bare := bare_word(w))]
        return row

    def gather(self, rows: list[list[int]]) -> tuple[Keys, Kinds, Keys]:
        """Return the features of several rows, one after another, and each row's size."""
        if self._flat is None:
            sizes = np.fromiter(map(len, self.keys), dtype=np.int64, count=len(self.keys))
            starts = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(sizes)[:-1]])
            total = int(sizes.sum())
            keys = np.fromiter(itertools.chain.from_iterable(self.keys), np.int64, count=total)
            kinds = np.fromiter(itertools.chain.from_iterable(self.kinds), np.int8, count=total)
            self._flat = (keys, kinds, starts, sizes)
        keys, kinds, starts, sizes = self._flat
        ids = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)
        lengths = sizes[ids]
        total = int(lengths.sum())
        shift = np.repeat(starts[ids] - (np.cumsum(lengths) - lengths), lengths)
        positions = shift + np.arange(total, dtype=np.int64)
        row_sizes = np.add.reduceat(
            np.append(lengths, 0), np.cumsum([0, *map(len, rows)])[:-1]
        ) * np.asarray([bool(r) for r in rows], dtype=np.int64)
        return keys[positions], kinds[positions], row_sizes


def _unit_features(unit: tuple[str, object]) -> FeatureList:
    """Return a word's token features (skeleton flag), stems (algorithms) or bare feature."""
    text, how = unit
    if how == BARE:
        return _bare_feature_list(text)
    if isinstance(how, tuple):
        return _stem_feature_list(text, how)
    return _token_feature_list(text, bool(how))


def _count_each(keys: Keys, all_kinds: Kinds, sizes: Keys) -> Batch:
    """Count the distinct features of several texts with one sort (a chunk keeps it small)."""
    # The text's number above the feature bits keeps the texts apart in the one sort.
    owner = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    unique, first, counts = np.unique(
        (owner << HASH_BITS) | keys, return_index=True, return_counts=True
    )
    return Batch(
        (unique & HASH_MASK).astype(np.int64),
        counts.astype(np.float32),
        all_kinds[first].astype(np.int8),
        np.searchsorted(unique >> HASH_BITS, np.arange(sizes.size + 1)).astype(np.int64),
    )


def _features(text: str, *, query: bool, language: str | None) -> tuple[Keys, Kinds]:
    """Return every feature of a text with repeats, and their kinds."""
    native = words(text)
    pairs = [(w, t) for w in native if (t := fold_word(w))]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8)
    script = script_of(text)
    with_skeleton = query or script in {"cyrillic", "arabic"}
    if query:
        algorithms = SCRIPT_STEMMERS.get(script, ())
    else:
        algorithms = (STEMMERS[language],) if language in STEMMERS else ()
    parts = [token_features(t, with_skeleton) for _, t in pairs]
    if algorithms:
        parts += [stem_features(w, algorithms) for w, _ in pairs]
    parts += [_bare_features(bare) for w, _ in pairs if (bare := bare_word(w))]
    return np.concatenate([k for k, _ in parts]), np.concatenate([k for _, k in parts])


def clear_caches() -> None:
    """Forget the per-word caches filled while indexing; queries refill what they need."""
    token_features.cache_clear()
    stem_features.cache_clear()
    fold_word.cache_clear()


def sublinear(count: float) -> float:
    """Dampen repeated features: 1 + ln(count)."""
    return 1.0 + math.log(count) if count > 0 else 0.0
