"""The search index over every phrasing of every entry, and the calibrated decision."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from scipy import sparse

from kiz_bot.knowledge.model import Catalogue
from kiz_bot.matching.features import NGRAM_PREFIX, WORD_PREFIX, features, sublinear
from kiz_bot.matching.normalize import normalize
from kiz_bot.matching.result import Candidate, Confidence, MatchResult

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class MatchParams:
    """Weights and thresholds; chosen on tests/data/devset.yaml (see docs/matching.md)."""

    word_weight: float = 1.0
    ngram_weight: float = 0.35
    keyword_factor: float = 0.9
    w_cosine: float = 0.5
    w_cover: float = 0.2
    w_query: float = 0.3
    w_fuzzy: float = 0.0
    answer_threshold: float = 0.45
    answer_margin: float = 0.05
    choices_threshold: float = 0.3
    rerank: int = 40
    max_candidates: int = 5


@dataclass(frozen=True, slots=True)
class _Phrase:
    entry: int
    language: str
    text: str
    keyword: bool


@dataclass
class _Matrices:
    vocab: dict[str, int]
    idf: FloatArray
    phrases_t: sparse.csr_matrix  # features x phrases, L2-normalised rows of phrases
    phrases_sq_t: sparse.csr_matrix  # the same, squared: a phrase's weight mass per feature
    entries_t: sparse.csr_matrix  # word features x entries, 1 where the entry uses the word
    phrase_entry: npt.NDArray[np.int32]
    entry_starts: npt.NDArray[np.int64]
    phrase_factor: FloatArray


@dataclass
class MatchIndex:
    """Answers 'which entries fit this question?' for one catalogue."""

    entry_ids: tuple[str, ...]
    phrases: tuple[_Phrase, ...]
    params: MatchParams
    matrices: _Matrices = field(repr=False)

    @classmethod
    def build(cls, catalogue: Catalogue, params: MatchParams | None = None) -> MatchIndex:
        """Index every question, alternative and keyword of every entry in every language."""
        params = params or MatchParams()
        phrases: list[_Phrase] = []
        entry_ids: list[str] = []
        for number, entry in enumerate(catalogue.entries):
            entry_ids.append(entry.id)
            for language, text in entry.texts.items():
                phrases.extend(_Phrase(number, language, p, False) for p in text.phrasings)
                phrases.extend(_Phrase(number, language, k, True) for k in text.keywords)
        return cls(tuple(entry_ids), tuple(phrases), params, _matrices(phrases, len(entry_ids), params))

    def match(self, text: str, limit: int | None = None) -> MatchResult:
        """Rank the entries for a question and decide: answer, choices or none."""
        scores, languages = self.scores(text)
        limit = limit or self.params.max_candidates
        if not scores.size or float(scores.max()) <= 0.0:
            return MatchResult(Confidence.NONE, ())
        top = np.argsort(-scores, kind="stable")[:limit]
        candidates = tuple(
            Candidate(self.entry_ids[i], round(float(scores[i]), 4), languages.get(int(i), ""))
            for i in top
            if scores[i] > 0
        )
        return MatchResult(self.decide(candidates), candidates)

    def decide(self, candidates: Sequence[Candidate]) -> Confidence:
        """Turn ranked scores into answer, choices or none."""
        if not candidates:
            return Confidence.NONE
        best = candidates[0].score
        second = candidates[1].score if len(candidates) > 1 else 0.0
        p = self.params
        if best >= p.answer_threshold and best - second >= p.answer_margin:
            return Confidence.ANSWER
        if best >= p.choices_threshold:
            return Confidence.CHOICES
        return Confidence.NONE

    def scores(self, text: str) -> tuple[FloatArray, dict[int, str]]:
        """Return a score per entry and the language of each entry's best phrasing."""
        m = self.matrices
        p = self.params
        counts = features(text)
        n_entries = len(self.entry_ids)
        empty: FloatArray = np.zeros(n_entries, dtype=np.float32)
        if not counts:
            return empty, {}
        max_idf = float(m.idf.max()) if m.idf.size else 1.0
        known_rows: list[int] = []
        known_weights: list[float] = []
        norm_sq = 0.0
        word_rows: list[int] = []
        word_idf: list[float] = []
        word_mass = 0.0
        for feature, count in counts.items():
            is_word = feature.startswith(WORD_PREFIX)
            group = p.word_weight if is_word else p.ngram_weight
            row = m.vocab.get(feature)
            idf = float(m.idf[row]) if row is not None else max_idf
            weight = sublinear(count) * idf * group
            norm_sq += weight * weight
            if is_word:
                word_mass += idf
                if row is not None:
                    word_rows.append(row)
                    word_idf.append(idf)
            if row is not None and weight > 0:
                known_rows.append(row)
                known_weights.append(weight)
        if not known_rows:
            return empty, {}
        q = np.asarray(known_weights, dtype=np.float32) / np.float32(math.sqrt(norm_sq))
        cosine = np.asarray(m.phrases_t[known_rows].T @ q).ravel() * m.phrase_factor
        indicator = np.ones(len(known_rows), dtype=np.float32)
        cover = np.asarray(m.phrases_sq_t[known_rows].T @ indicator).ravel() * m.phrase_factor
        phrase_score = p.w_cosine * cosine + p.w_cover * cover
        if p.w_fuzzy > 0:
            phrase_score = self._add_fuzzy(text, phrase_score)
        best_phrase = np.maximum.reduceat(phrase_score, m.entry_starts)
        entry_score = best_phrase.astype(np.float32)
        if word_rows and word_mass > 0:
            query_cover = np.asarray(
                m.entries_t[word_rows].T @ np.asarray(word_idf, dtype=np.float32)
            ).ravel()
            entry_score = entry_score + p.w_query * (query_cover / np.float32(word_mass))
        languages = self._best_languages(phrase_score, entry_score)
        return entry_score.astype(np.float32), languages

    def _add_fuzzy(self, text: str, phrase_score: FloatArray) -> FloatArray:
        top = np.argpartition(-phrase_score, min(self.params.rerank, len(phrase_score) - 1))
        query = normalize(text)
        boosted = phrase_score.copy()
        for i in top[: self.params.rerank]:
            ratio = fuzz.token_set_ratio(query, normalize(self.phrases[int(i)].text)) / 100.0
            boosted[i] += self.params.w_fuzzy * ratio
        return boosted

    def _best_languages(self, phrase_score: FloatArray, entry_score: FloatArray) -> dict[int, str]:
        top_entries = np.argsort(-entry_score)[: self.params.max_candidates]
        starts = self.matrices.entry_starts
        result: dict[int, str] = {}
        for entry in top_entries:
            begin = int(starts[entry])
            end = int(starts[entry + 1]) if entry + 1 < len(starts) else len(phrase_score)
            if end > begin:
                result[int(entry)] = self.phrases[begin + int(np.argmax(phrase_score[begin:end]))].language
        return result


def _matrices(phrases: list[_Phrase], n_entries: int, params: MatchParams) -> _Matrices:
    vocab: dict[str, int] = {}
    phrase_features = []
    entry_features: list[set[int]] = [set() for _ in range(n_entries)]
    for phrase in phrases:
        counts = features(phrase.text)
        encoded = {}
        for feature, count in counts.items():
            row = vocab.setdefault(feature, len(vocab))
            encoded[row] = count
            entry_features[phrase.entry].add(row)
        phrase_features.append(encoded)
    n_features = len(vocab)
    df = np.zeros(n_features, dtype=np.float64)
    for used in entry_features:
        df[list(used)] += 1
    idf = np.log(max(n_entries, 1) / np.maximum(df, 1)).astype(np.float32)
    is_word = np.zeros(n_features, dtype=bool)
    for feature, row in vocab.items():
        is_word[row] = feature.startswith(WORD_PREFIX)
    group = np.where(is_word, params.word_weight, params.ngram_weight).astype(np.float32)
    rows, cols, values = [], [], []
    for col, encoded in enumerate(phrase_features):
        weights = {r: sublinear(c) * float(idf[r] * group[r]) for r, c in encoded.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for r, w in weights.items():
            if w > 0:
                rows.append(r)
                cols.append(col)
                values.append(w / norm)
    shape = (n_features, len(phrases))
    phrases_t = sparse.csr_matrix(
        (np.asarray(values, dtype=np.float32), (rows, cols)), shape=shape
    )
    phrases_sq_t = phrases_t.multiply(phrases_t).tocsr()
    e_rows, e_cols = [], []
    for entry, used in enumerate(entry_features):
        for r in used:
            if is_word[r]:
                e_rows.append(r)
                e_cols.append(entry)
    entries_t = sparse.csr_matrix(
        (np.ones(len(e_rows), dtype=np.float32), (e_rows, e_cols)), shape=(n_features, n_entries)
    )
    phrase_entry = np.asarray([p.entry for p in phrases], dtype=np.int32)
    starts = np.searchsorted(phrase_entry, np.arange(n_entries)).astype(np.int64)
    factor = np.asarray([params.keyword_factor if p.keyword else 1.0 for p in phrases], dtype=np.float32)
    return _Matrices(vocab, idf, phrases_t, phrases_sq_t, entries_t, phrase_entry, starts, factor)
