"""The search index over every phrasing of every entry, and the calibrated decision.

Two stages keep a query fast at 5,000 entries in eight languages. First, every entry's
text per language (one document each) is scored through sparse posting lists, together
with how much of the question's words the entry covers. Then the shortlisted entries are
re-scored phrasing by phrasing (cosine, and rapidfuzz on the closest phrasings).
Weights and thresholds are chosen on tests/data/devset.yaml by benchmarks/tune.py.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from kiz_bot.apart import start_apart
from kiz_bot.knowledge.model import Catalogue
from kiz_bot.matching.features import BARE, SKELETON, WORD, encode
from kiz_bot.matching.index_cache import IndexArrays, cache_key, load_arrays, save_arrays
from kiz_bot.matching.language import script_of
from kiz_bot.matching.loanwords import Lexicon, german_terms, loan_lexicon
from kiz_bot.matching.normalize import normalize
from kiz_bot.matching.postings import Postings
from kiz_bot.matching.result import Candidate, Confidence, MatchResult
from kiz_bot.matching.transliteration import (
    Signatures,
    signature_words,
    transliterated_language,
)

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
FUZZY_PHRASES = 3
POSTINGS_BUDGET = 100_000  # document postings read in the first stage, at most
PHRASE_POSTINGS_BUDGET = 100_000  # phrasing postings read to re-rank the shortlist, at most
DECLINED_SHORTLIST = 1  # not-covered kinds re-scored next to the shortlisted entries


@dataclass(frozen=True, slots=True)
class MatchParams:
    """Weights and thresholds, chosen on the development set (see docs/matching.md)."""

    word_weight: float = 1.0
    ngram_weight: float = 1.0
    skeleton_weight: float = 0.4
    stem_weight: float = 0.5
    keyword_factor: float = 0.9
    w_document: float = 0.7
    w_query: float = 0.2
    w_skeleton: float = 0.2
    w_phrase: float = 0.1
    w_fuzzy: float = 0.0
    w_length: float = 0.15
    exact_bonus: float = 0.3
    answer_threshold: float = 0.36
    answer_margin: float = 0.02
    decline_margin: float = 0.05
    kind_penalty: float = 0.5
    choices_threshold: float = 0.36
    transliterated_choices: float = 0.28
    shortlist: int = 5
    stage_one_features: int = 64
    max_candidates: int = 5
    follow_up_bonus: float = 0.15
    follow_up_words: int = 4
    last_entry_bonus: float = 0.03

    def kind_weights(self) -> FloatArray:
        """Return the weight of each feature kind, indexed by kind (WORD, NGRAM, ...)."""
        weights = [self.word_weight, self.ngram_weight, self.skeleton_weight, self.stem_weight]
        return np.asarray([*weights, self.word_weight], dtype=np.float32)  # BARE is a word


@dataclass(frozen=True, slots=True)
class Components:
    """Evidence per shortlisted entry, and about the question itself."""

    entries: IntArray
    document: FloatArray
    coverage: FloatArray
    skeleton: FloatArray
    phrase: FloatArray
    fuzzy: FloatArray
    languages: tuple[str, ...]
    length: float
    exact: FloatArray
    words: int = 0

    def combined(self, p: MatchParams) -> FloatArray:
        """Return the weighted score of every shortlisted entry.

        Long messages score lower for the same relevance (their personal context dilutes
        the similarity), so the question's length in words lifts every score a little. A
        message that repeats a stored phrasing gets that phrasing's entry.
        """
        combined: FloatArray = (
            p.w_document * self.document
            + p.w_query * self.coverage
            + p.w_skeleton * self.skeleton
            + p.w_phrase * self.phrase
            + p.w_fuzzy * self.fuzzy
            + p.w_length * self.length
            + p.exact_bonus * self.exact
        ).astype(np.float32)
        return combined


@dataclass(frozen=True, slots=True)
class Phrase:
    """One indexed phrasing: its entry (by position), language and text."""

    entry: int
    language: str
    text: str
    keyword: bool
    example: int = -1  # for a not-covered kind's example: which one (its n-th in every language)


@dataclass(frozen=True, slots=True)
class _Query:
    rows: IntArray
    weights: FloatArray
    word_rows: IntArray
    word_idf: FloatArray
    word_mass: float
    skeleton_rows: IntArray
    skeleton_idf: FloatArray
    skeleton_mass: float
    length: float


@dataclass
class MatchIndex:
    """Answers 'which entries fit this question?' for one catalogue."""

    entry_ids: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    params: MatchParams
    idf: FloatArray = field(repr=False)
    group: FloatArray = field(repr=False)
    vocabulary: IntArray = field(repr=False)  # sorted hashed features; a row is a position
    documents_t: Postings = field(repr=False)  # features x (entry, language) documents
    document_starts: IntArray = field(repr=False)
    document_language: tuple[str, ...] = field(repr=False)
    words_t: Postings = field(repr=False)  # word features x entries, 1 where used
    skeletons_t: Postings = field(repr=False)  # the same for skeleton features
    phrases_t: Postings = field(repr=False)  # features x phrases; phrases unit vectors
    entry_phrases: tuple[IntArray, ...] = field(repr=False)
    phrase_factor: FloatArray = field(repr=False)
    normalized: tuple[str, ...] = field(repr=False)
    exact_phrasings: dict[str, tuple[int, ...]] = field(repr=False)
    german_terms: Lexicon = field(default_factory=dict, repr=False)
    latin_signatures: Signatures = field(default_factory=dict, repr=False)
    max_idf: float = 1.0
    n_documents: int = 0
    not_covered: frozenset[str] = frozenset()
    _position: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._position = {entry: number for number, entry in enumerate(self.entry_ids)}

    @classmethod
    def build(
        cls,
        catalogue: Catalogue,
        params: MatchParams | None = None,
        cache: Path | None = None,
        *,
        apart: bool = True,
    ) -> MatchIndex:
        """Index every question, alternative and keyword of every entry in every language.

        With a cache folder, an index built before from the same phrasings by the same code
        is read from disk instead of built again (a restart takes a fraction of the time);
        one that is not there is built in a child process (`apart`) and read from disk too.
        """
        phrases: list[Phrase] = []
        for number, entry in enumerate(catalogue.entries):
            for language, text in entry.texts.items():
                phrases.extend(Phrase(number, language, p, False) for p in text.phrasings)
                phrases.extend(Phrase(number, language, k, True) for k in text.keywords)
        # Kinds of questions outside the centre's work compete like entries; when one wins,
        # the question is declined instead of answered with the nearest entry.
        first = len(catalogue.entries)
        for number, kind in enumerate(catalogue.not_covered, start=first):
            for language, examples in kind.examples.items():
                phrases.extend(
                    Phrase(number, language, p, False, n) for n, p in enumerate(examples)
                )
        entry_ids = tuple(e.id for e in catalogue.entries)
        declined = tuple(n.id for n in catalogue.not_covered)
        ids, all_phrases, chosen = entry_ids + declined, tuple(phrases), params or MatchParams()
        key = cache_key(ids, all_phrases, chosen) if cache is not None else ""
        stored = load_arrays(cache, key) if cache is not None else None
        # Built in a child process that writes the cache file, then read back here.
        child = (
            start_apart(_build_into_cache, ids, all_phrases, chosen, cache, key)
            if stored is None and cache is not None and apart
            else None
        )
        german_terms = loan_lexicon((ph.text, ph.language) for ph in all_phrases)  # meanwhile
        if child is not None and child.finished() and cache is not None:
            stored = load_arrays(cache, key)
        if stored is not None:
            index = _assemble(ids, all_phrases, chosen, stored)
        else:
            index = _assemble(ids, all_phrases, chosen, _built(ids, all_phrases, chosen))
            if cache is not None:
                save_arrays(cache, key, _arrays_of(index))
        index.not_covered = frozenset(declined)
        index.german_terms = german_terms
        index.latin_signatures = signature_words(
            (ph.text, ph.language, normalized)
            for ph, normalized in zip(all_phrases, index.normalized, strict=True)
        )
        return index

    def match(
        self,
        text: str,
        limit: int | None = None,
        related: Collection[str] = (),
        last: str | None = None,
    ) -> MatchResult:
        """Rank the entries for a question and decide: answer, choices or none.

        `related` are the entries of the conversation's subject (the topic of the entry shown
        last): a short follow-up such as "and what does it cost?" leans towards them, and a
        little more towards `last`, the entry shown last ("where do I apply for it?").
        """
        scored = self._scored(text, related, last)
        ranked = scored[: limit or self.params.max_candidates]
        answerable = tuple(c for c in ranked if c.entry_id not in self.not_covered)
        declined = next((c for c in scored if c.entry_id in self.not_covered), None)
        # A kind of question outside the centre's work that the best entry does not clearly
        # beat ("I need a paediatrician who speaks Arabic" against early-language-programmes)
        # is declined: a wrong answer costs a family more than a referral.
        if declined is not None and declined.score >= ranked[0].score - self.params.decline_margin:
            return MatchResult(Confidence.NONE, answerable, declined=declined)
        kind = declined.score if declined else 0.0
        confidence = self.decide(ranked, kind)
        if (
            confidence is Confidence.NONE
            and ranked
            and self.evidence(ranked[0].score, kind) >= self.params.transliterated_choices
            and self.transliterated(text)
        ):
            confidence = Confidence.CHOICES
        return MatchResult(confidence, answerable)

    def transliterated(self, text: str) -> bool:
        """Return whether a Latin-letter question is Russian, Ukrainian, Arabic or Persian.

        Typed in Latin letters ("ebni bado mosa3ade bel wajibat"), such a question meets its
        phrasings only through skeletons and n-grams and scores lower for the same fit; when
        its telling words (see transliteration.py) name one of these languages, a lower bar
        offers "did you mean" instead of "I don't know". The best phrasing may be in another
        language: "wein ba2dar a3mel integrationskurs" is met best by a German term.
        """
        return (
            script_of(text) == "latin"
            and transliterated_language(normalize(text), self.latin_signatures)[0] is not None
        )

    def decide(self, candidates: Sequence[Candidate], kind: float = 0.0) -> Confidence:
        """Turn ranked scores into answer, choices or none.

        `kind` is the score of the closest kind of out-of-scope question: the more a question
        also resembles one, the more evidence its best entry needs.
        """
        if not candidates:
            return Confidence.NONE
        p = self.params
        best = candidates[0].score
        second = candidates[1].score if len(candidates) > 1 else 0.0
        evidence = self.evidence(best, kind)
        if evidence >= p.answer_threshold and best - second >= p.answer_margin:
            return Confidence.ANSWER
        if evidence >= p.choices_threshold:
            return Confidence.CHOICES
        return Confidence.NONE

    def evidence(self, score: float, kind: float) -> float:
        """Return an entry's score less the penalty for the closest out-of-scope kind's score."""
        return score - self.params.kind_penalty * max(kind, 0.0)

    def rank(
        self, text: str, limit: int, related: Collection[str] = (), last: str | None = None
    ) -> tuple[Candidate, ...]:
        """Return the best entries for a text with their combined scores."""
        return self._scored(text, related, last)[:limit]

    def _scored(
        self, text: str, related: Collection[str] = (), last: str | None = None
    ) -> tuple[Candidate, ...]:
        """Return every shortlisted entry and kind for a text, best first, with its score."""
        p = self.params
        lifted = [self._position[e] for e in related if e in self._position]
        parts = self.components(text, p.shortlist, include=lifted)
        if parts is None:
            return ()
        scores = parts.combined(p)
        if lifted and parts.words <= p.follow_up_words:
            # Only short messages lean on the conversation; a longer one says what it means.
            scores = scores + p.follow_up_bonus * np.isin(parts.entries, lifted)
            if last in self._position:
                scores = scores + p.last_entry_bonus * (parts.entries == self._position[last])
        order = np.argsort(-scores, kind="stable")
        return tuple(
            Candidate(
                self.entry_ids[int(parts.entries[i])],
                round(float(scores[i]), 4),
                parts.languages[int(i)],
            )
            for i in order
        )

    def components(
        self, text: str, shortlist: int, include: Sequence[int] = ()
    ) -> Components | None:
        """Return the evidence for the shortlisted entries: documents, coverage, phrasings."""
        p = self.params
        query = self._query(text)
        if query is None:
            return None
        stage_one = np.argsort(-query.weights)[: p.stage_one_features]
        stage_one = _within_budget(
            self.documents_t, query.rows, stage_one, POSTINGS_BUDGET, p.stage_one_features
        )
        doc_scores = self.documents_t.weighted_sum(
            query.rows[stage_one], query.weights[stage_one], self.n_documents
        )
        entry_doc = np.maximum.reduceat(doc_scores, self.document_starts).astype(np.float32)
        n_entries = len(self.entry_ids)
        coverage = np.zeros(n_entries, dtype=np.float32)
        if query.word_rows.size and query.word_mass > 0:
            covered = self.words_t.weighted_sum(query.word_rows, query.word_idf, n_entries)
            coverage = (covered / query.word_mass).astype(np.float32)
        skeleton = np.zeros(n_entries, dtype=np.float32)
        if query.skeleton_rows.size and query.skeleton_mass > 0:
            found = self.skeletons_t.weighted_sum(
                query.skeleton_rows, query.skeleton_idf, n_entries
            )
            skeleton = (found / query.skeleton_mass).astype(np.float32)
        first = p.w_document * entry_doc + p.w_query * coverage + p.w_skeleton * skeleton
        # Not-covered kinds get their own places, so they never crowd out an entry.
        answerable = n_entries - len(self.not_covered)
        chosen = np.concatenate(
            [
                _top(first[:answerable], shortlist),
                answerable + _top(first[answerable:], DECLINED_SHORTLIST),
            ]
        )
        chosen = chosen[first[chosen] > 0]
        normalized = normalize(text)
        repeated = self.exact_phrasings.get(normalized, ())
        if repeated or include:
            chosen = np.union1d(chosen, np.asarray([*repeated, *include], dtype=np.int64))
        if not chosen.size:
            return None
        phrase = np.zeros(chosen.size, dtype=np.float32)
        fuzzy = np.zeros(chosen.size, dtype=np.float32)
        languages: list[str] = []
        for i, (sims, members) in enumerate(self._phrase_scores(chosen, query)):
            best = int(np.argmax(sims))
            phrase[i] = sims[best]
            languages.append(self._document_language(int(chosen[i]), doc_scores))
            if p.w_fuzzy > 0:  # tuned to 0 on the current devset; kept for re-tuning
                closest = np.argsort(-sims)[:FUZZY_PHRASES]
                ratios = (
                    fuzz.token_set_ratio(normalized, self.normalized[members[j]]) for j in closest
                )
                fuzzy[i] = max(ratios) / 100.0
        return Components(
            entries=chosen,
            document=entry_doc[chosen],
            coverage=coverage[chosen],
            skeleton=skeleton[chosen],
            phrase=phrase,
            fuzzy=fuzzy,
            languages=tuple(languages),
            length=float(np.log1p(query.length)),
            exact=np.isin(chosen, repeated).astype(np.float32),
            words=int(query.length),
        )

    def _document_language(self, entry: int, doc_scores: FloatArray) -> str:
        """Return the language whose document of this entry is closest to the question."""
        begin = int(self.document_starts[entry])
        end = (
            int(self.document_starts[entry + 1])
            if entry + 1 < self.document_starts.size
            else doc_scores.size
        )
        return self.document_language[begin + int(np.argmax(doc_scores[begin:end]))]

    def _phrase_scores(self, entries: IntArray, query: _Query) -> list[tuple[FloatArray, IntArray]]:
        """Return the cosine of the query with every phrasing of each shortlisted entry.

        Summed over the posting lists of the question's features, like the documents: they
        hold about a tenth of the features of the shortlisted entries' phrasings. In a large
        knowledge base the lightest features past a budget are left out, as in the first stage.
        """
        read = np.arange(query.rows.size)
        postings = self.phrases_t.lengths(query.rows)
        if int(postings.sum()) > PHRASE_POSTINGS_BUDGET:  # never for the bundled knowledge base
            heaviest = np.argsort(-query.weights)
            read = _within_budget(
                self.phrases_t, query.rows, heaviest, PHRASE_POSTINGS_BUDGET, heaviest.size
            )
        sims = self.phrases_t.weighted_sum(query.rows[read], query.weights[read], len(self.phrases))
        results = []
        for entry in entries:
            members = self.entry_phrases[int(entry)]
            if not members.size:
                results.append((np.zeros(0, dtype=np.float32), members))
                continue
            # An entry's phrasings are consecutive: one slice.
            first, last = int(members[0]), int(members[-1]) + 1
            results.append((sims[first:last] * self.phrase_factor[first:last], members))
        return results

    def _query(self, text: str) -> _Query | None:
        loans = german_terms(text, self.german_terms)
        terms = dict.fromkeys(term for found in loans.values() for term in found)
        hashed, counts, kinds = encode(" ".join([text, *terms]) if terms else text, query=True)
        if not hashed.size or not self.vocabulary.size:
            return None
        keys = np.minimum(np.searchsorted(self.vocabulary, hashed), self.vocabulary.size - 1)
        known = self.vocabulary[keys] == hashed
        idf = np.where(known, self.idf[keys], self.max_idf).astype(np.float32)
        weights = (1 + np.log(counts)) * idf * self.group_of(kinds)
        norm = float(np.sqrt(np.dot(weights, weights))) or 1.0
        use = known & (weights > 0)
        # A word in Arabic letters whose German term the index found ("كيندرجيلد":
        # Kindergeld) counts as that term in the word coverage, not as a second word.
        is_word = (kinds == WORD) | (kinds == BARE)
        if loans:
            is_word &= ~np.isin(hashed, _word_keys(loans))
        word_use = is_word & known
        word_mass = float(idf[is_word].sum())
        is_skeleton = kinds == SKELETON
        skeleton_use = is_skeleton & known
        return (
            _Query(
                rows=keys[use],
                weights=(weights[use] / norm).astype(np.float32),
                word_rows=keys[word_use],
                word_idf=idf[word_use],
                word_mass=word_mass,
                skeleton_rows=keys[skeleton_use],
                skeleton_idf=idf[skeleton_use],
                skeleton_mass=float(idf[is_skeleton].sum()),
                length=float(counts[kinds == WORD].sum()),
            )
            if use.any()
            else None
        )

    def group_of(self, kinds: npt.NDArray[np.int8]) -> FloatArray:
        """Return the weight of each feature kind."""
        return self.params.kind_weights()[kinds]


def _built(
    entry_ids: tuple[str, ...], phrases: tuple[Phrase, ...], params: MatchParams
) -> IndexArrays:
    """Compute the index arrays (SciPy is imported here, only when an index is built)."""
    from kiz_bot.matching.index_build import build_arrays

    return build_arrays(entry_ids, phrases, params)


def _build_into_cache(
    entry_ids: tuple[str, ...],
    phrases: tuple[Phrase, ...],
    params: MatchParams,
    folder: Path,
    key: str,
) -> None:
    """Build an index and store its arrays in the cache folder (run in a child process)."""
    if not save_arrays(folder, key, _built(entry_ids, phrases, params)):
        raise SystemExit(1)


def _assemble(
    entry_ids: tuple[str, ...], phrases: tuple[Phrase, ...], params: MatchParams, a: IndexArrays
) -> MatchIndex:
    """Return the index from its arrays, deriving what is cheap to derive from the phrasings."""
    phrase_entry = np.asarray([ph.entry for ph in phrases], dtype=np.int64)
    bounds = np.searchsorted(phrase_entry, np.arange(len(entry_ids) + 1))
    exact: dict[str, list[int]] = {}
    for ph, text in zip(phrases, a.normalized, strict=True):
        if not ph.keyword:
            exact.setdefault(text, []).append(ph.entry)
    return MatchIndex(
        entry_ids=entry_ids,
        phrases=phrases,
        params=params,
        idf=a.idf,
        group=a.group,
        vocabulary=a.vocabulary,
        documents_t=a.documents_t,
        document_starts=a.document_starts,
        document_language=a.document_language,
        words_t=a.words_t,
        skeletons_t=a.skeletons_t,
        phrases_t=a.phrases_t,
        entry_phrases=tuple(np.arange(bounds[e], bounds[e + 1]) for e in range(len(entry_ids))),
        phrase_factor=np.asarray(
            [params.keyword_factor if ph.keyword else 1.0 for ph in phrases], dtype=np.float32
        ),
        normalized=a.normalized,
        exact_phrasings={text: tuple(sorted(set(found))) for text, found in exact.items()},
        max_idf=float(a.idf.max()) if a.idf.size else 1.0,
        n_documents=len(a.document_language),
    )


def _arrays_of(index: MatchIndex) -> IndexArrays:
    """Return the arrays of an index that are worth keeping on disk."""
    return IndexArrays(
        idf=index.idf,
        group=index.group,
        vocabulary=index.vocabulary,
        documents_t=index.documents_t,
        document_starts=index.document_starts,
        document_language=index.document_language,
        words_t=index.words_t,
        skeletons_t=index.skeletons_t,
        phrases_t=index.phrases_t,
        normalized=index.normalized,
    )


def _word_keys(words: Collection[str]) -> IntArray:
    """Return the word features (with and without the article) of these words."""
    found = [encode(word, query=True) for word in words]
    return np.concatenate([keys[(kinds == WORD) | (kinds == BARE)] for keys, _, kinds in found])


def _top(scores: FloatArray, k: int) -> IntArray:
    """Return the positions of the k highest scores, in no particular order."""
    if k >= scores.size:
        return np.arange(scores.size, dtype=np.int64)
    return np.argpartition(-scores, k - 1)[:k].astype(np.int64)


def _within_budget(
    matrix: Postings, rows: IntArray, heaviest: IntArray, budget: int, share: int
) -> IntArray:
    """Return the positions among `heaviest` (heaviest first) whose postings fit a budget.

    Common character n-grams have posting lists as long as the knowledge base: past the
    budget the lightest of them are left out, except lists no longer than budget / share.
    This bounds the time of any question in a large knowledge base; the bundled one never
    reaches the budgets.
    """
    lengths = matrix.lengths(rows[heaviest])
    cheap = lengths <= budget // max(share, 1)
    within: IntArray = heaviest[(np.cumsum(lengths) <= budget) | cheap]
    return within
