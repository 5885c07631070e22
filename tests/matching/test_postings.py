"""Posting lists sum the weighted rows of a question exactly as a dense matrix product would."""

from __future__ import annotations

import numpy as np
import pytest

from kiz_bot.matching.postings import LONG_ROWS, Postings


def _postings(dense: np.ndarray) -> Postings:
    """Return the CSR posting lists of a dense features x texts matrix."""
    rows, cols = np.nonzero(dense)
    indptr = np.searchsorted(rows, np.arange(dense.shape[0] + 1))
    return Postings(
        dense[rows, cols].astype(np.float32), cols.astype(np.int32), indptr, dense.shape
    )


@pytest.mark.parametrize("texts", [40, 6 * LONG_ROWS])  # short lists gathered, long ones sliced
def test_the_weighted_sum_of_rows_equals_the_dense_product(texts: int) -> None:
    rng = np.random.default_rng(7)
    dense = rng.random((30, texts)) * (rng.random((30, texts)) < 0.5)
    rows = np.asarray([3, 17, 4, 29], dtype=np.int64)
    weights = np.asarray([0.5, 2.0, 1.0, 0.25], dtype=np.float32)
    postings = _postings(dense)
    summed = postings.weighted_sum(rows, weights, texts)
    assert int(postings.lengths(rows).sum()) > (LONG_ROWS * rows.size if texts > 40 else 0)
    np.testing.assert_allclose(summed, dense[rows].T @ weights, rtol=1e-5)


def test_rows_without_postings_sum_to_zero() -> None:
    postings = _postings(np.zeros((3, 5)))
    summed = postings.weighted_sum(np.asarray([0, 2], dtype=np.int64), np.ones(2, np.float32), 5)
    assert summed.tolist() == [0.0] * 5
