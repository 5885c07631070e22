"""Building the match index: tf-idf matrices over every phrasing, document and entry.

Only a first start, a changed knowledge base or `/reload` builds an index (usually in a
child process that writes the cache file); the running bot reads the arrays back without
this module and without SciPy, whose sparse products only the build needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import sparse

from kiz_bot.matching.features import (
    BARE,
    HASH_MASK,
    NGRAM,
    SKELETON,
    STEM,
    WORD,
    encode_phrasings,
)
from kiz_bot.matching.index_cache import IndexArrays
from kiz_bot.matching.postings import Postings

if TYPE_CHECKING:
    from kiz_bot.matching.index import MatchParams, Phrase

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


def build_arrays(
    entry_ids: tuple[str, ...], phrases: Sequence[Phrase], params: MatchParams
) -> IndexArrays:
    """Compute the tf-idf matrices of every phrasing, document and entry, and their vocabulary."""
    # Every step works on the features of all phrasings at once, one after another
    # (a Batch), not phrasing by phrasing: the build is a large part of a first start.
    n_entries = len(entry_ids)
    batch, normalized = encode_phrasings([(ph.text, ph.language) for ph in phrases])
    # Rows are positions in the sorted vocabulary: arrays sized by what the texts use.
    vocabulary, columns = _numbered(batch.keys)
    n_features = vocabulary.size
    kind_of = np.full(n_features, NGRAM, dtype=np.int8)
    # Hashed features collide: of a skeleton and a stem, the later phrasing's kind is kept.
    marked = (batch.kinds == SKELETON) | (batch.kinds == STEM)
    _, last = np.unique(columns[marked][::-1], return_index=True)
    kind_of[columns[marked][::-1][last]] = batch.kinds[marked][::-1][last]
    # A word wins a hash collision with an n-gram; a word without its article is a word.
    kind_of[columns[(batch.kinds == WORD) | (batch.kinds == BARE)]] = WORD
    group = params.kind_weights()[kind_of]

    # Phrasings x features counts; summed over an entry's or a document's phrasings by one
    # sparse product each (a sort of all features would take several times the memory).
    n_phrases = len(phrases)
    counts = sparse.csr_matrix((batch.counts, columns, batch.indptr), shape=(n_phrases, n_features))
    del columns, batch

    # Document frequency over entries: a feature in every entry carries no evidence.
    phrase_entry = np.asarray([ph.entry for ph in phrases], dtype=np.int64)
    by_entry = _summed(phrase_entry, n_entries, counts)
    df, n_owners = _document_frequency(phrases, counts, by_entry)
    idf = np.where(df > 0, np.log(max(n_owners, 1) / np.maximum(df, 1)), 0).astype(np.float32)

    phrases_t = _unit_rows(counts.indices, counts.data, counts.indptr, idf * group).T.tocsr()

    # One document per (entry, language): the sum of its phrasings' counts.
    doc_keys = sorted({(ph.entry, ph.language) for ph in phrases})
    doc_number = {key: number for number, key in enumerate(doc_keys)}
    phrase_doc = np.asarray([doc_number[ph.entry, ph.language] for ph in phrases], dtype=np.int64)
    by_doc = _summed(phrase_doc, len(doc_keys), counts)
    documents = _unit_rows(by_doc.indices, by_doc.data, by_doc.indptr, idf * group)
    document_entry = np.asarray([k[0] for k in doc_keys], dtype=np.int64)

    def incidence(kind: int) -> sparse.csr_matrix:
        """Return features x entries, 1 where an entry's phrasings use a feature of this kind."""
        used = by_entry.copy()
        used.data = (kind_of[used.indices] == kind).astype(np.float32)
        used.eliminate_zeros()
        return used.T.tocsr()

    return IndexArrays(
        idf=idf,
        group=group,
        vocabulary=vocabulary,
        documents_t=_postings(documents.T.tocsr()),
        document_starts=np.searchsorted(document_entry, np.arange(n_entries)).astype(np.int64),
        document_language=tuple(k[1] for k in doc_keys),
        words_t=_postings(incidence(WORD)),
        skeletons_t=_postings(incidence(SKELETON)),
        phrases_t=_postings(phrases_t),
        normalized=tuple(normalized),
    )


def _document_frequency(
    phrases: Sequence[Phrase], counts: sparse.csr_matrix, by_entry: sparse.csr_matrix
) -> tuple[FloatArray, int]:
    """Return in how many owners each feature is used, and the number of owners.

    An entry is one owner; so is each example of a not-covered kind, with its translations.
    Words that many out-of-scope examples use ("cost", "doctor", "how long") thus weigh
    less as evidence for an entry.
    """
    n_owners = by_entry.shape[0]
    if any(ph.example >= 0 for ph in phrases):
        owners: dict[tuple[int, int], int] = {}
        owner = np.asarray(
            [owners.setdefault((ph.entry, ph.example), len(owners)) for ph in phrases],
            dtype=np.int64,
        )
        n_owners = len(owners)
        by_entry = _summed(owner, n_owners, counts)
    df = np.bincount(by_entry.indices, minlength=counts.shape[1]).astype(np.float32)
    return df, n_owners


def _numbered(keys: IntArray) -> tuple[IntArray, IntArray]:
    """Return the distinct keys in order and each key's position among them.

    As `np.unique` and `np.searchsorted` would, without sorting: keys are below
    2**HASH_BITS, so a table of that size marks the ones used, and its running count
    numbers them.
    """
    used = np.zeros(HASH_MASK + 1, dtype=bool)
    used[keys] = True
    vocabulary = np.flatnonzero(used).astype(np.int64)
    position = np.cumsum(used, dtype=np.int32) - 1
    return vocabulary, position[keys].astype(np.int64)


def _postings(matrix: sparse.csr_matrix) -> Postings:
    """Return a CSR matrix as the plain arrays the index reads."""
    rows, columns = matrix.shape
    return Postings(matrix.data, matrix.indices, matrix.indptr, (int(rows), int(columns)))


def _summed(owner: IntArray, n_owners: int, rows: sparse.csr_matrix) -> sparse.csr_matrix:
    """Return the sum of the rows of each owner (owner[i] owns row i), indices sorted."""
    n_rows = rows.shape[0]
    ones = np.ones(n_rows, dtype=np.float32)
    summing = sparse.csr_matrix((ones, (owner, np.arange(n_rows))), shape=(n_owners, n_rows))
    summed: sparse.csr_matrix = (summing @ rows).tocsr()
    summed.sort_indices()
    return summed


def _unit_rows(
    columns: IntArray, counts: FloatArray, indptr: IntArray, feature_weight: FloatArray
) -> sparse.csr_matrix:
    """Return tf-idf rows scaled to unit length, one per text of a batch (see `Batch`).

    `feature_weight` is each feature's idf times the weight of its kind; features that
    weigh nothing are left out.
    """
    n_rows = indptr.size - 1
    weight = ((1 + np.log(np.maximum(counts, 1))) * feature_weight[columns]).astype(np.float32)
    keep = weight > 0
    row = np.repeat(np.arange(n_rows), np.diff(indptr))[keep]
    weight = weight[keep]
    norm = np.sqrt(np.bincount(row, weights=np.square(weight, dtype=np.float64), minlength=n_rows))
    norm[norm == 0] = 1.0
    kept = np.zeros(n_rows + 1, dtype=np.int64)
    kept[1:] = np.cumsum(np.bincount(row, minlength=n_rows))
    values = (weight / norm[row]).astype(np.float32)
    shape = (n_rows, feature_weight.size)
    return sparse.csr_matrix((values, columns[keep].astype(np.int32), kept), shape=shape)
