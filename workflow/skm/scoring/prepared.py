"""The arrays of one responses table that scoring shares: the numpy fast path of `score`.

`Prepared.scores()` serves the usual table (every unsur Int64 with answers 1..4); any other
table gets None and `skm.scoring.ikm` takes the general pandas path, with the same results.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor, Future

import numpy as np
import pandas as pd

from skm.domain import UNSUR_CODES


class Prepared:
    """Arrays of one responses table, computed once and shared by the parts of `score`.

    `scores()` is the fast path for the usual table (every unsur Int64 with answers 1..4):
    per unsur the values (0 where not answered), the answered mask and the count of each
    value 0..4. Anything else gets None, and the callers take the general pandas path.
    """

    def __init__(self, responses: pd.DataFrame, pool: Executor | None = None) -> None:
        self.responses = responses
        self._scores: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
        self._scores_done = False
        self._codes: dict[str, tuple[np.ndarray, pd.Index | np.ndarray]] = {}
        self._pending: dict[str, Future] = {}
        self._pool = pool

    def prefetch(self, cols: Iterable[str]) -> None:
        """Start `factorized` of text columns on the pool's worker threads."""
        if self._pool is None:
            return
        for col in cols:
            if (
                col in self.responses.columns
                and col not in self._pending
                and isinstance(self.responses[col].dtype, pd.StringDtype)
            ):
                self._pending[col] = self._pool.submit(
                    pd.factorize, self.responses[col], sort=True, use_na_sentinel=True
                )

    def scores(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] | None:
        """{code: (values, answered, counts of 0..4)}, or None off the fast path."""
        if not self._scores_done:
            self._scores_done = True
            self._scores = self._compute_scores()
        return self._scores

    def _compute_scores(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] | None:
        out = {}
        for code in UNSUR_CODES:
            column = self.responses[code]
            if not isinstance(column.dtype, pd.Int64Dtype):
                return None
            answered = column.notna().to_numpy(dtype=bool)
            values = column.to_numpy(dtype=np.int64, na_value=0)
            try:
                counts = np.bincount(values, minlength=5)
            except ValueError:  # a negative answer
                return None
            if len(counts) > 5 or counts[0] != len(values) - int(answered.sum()):
                return None  # an answer above 4, or of 0
            out[code] = (values, answered, counts)
        return out

    def factorized(self, col: str) -> tuple[np.ndarray, pd.Index | np.ndarray]:
        """``pandas.factorize(column, sort=True)`` (-1 for missing values), once per column."""
        if col not in self._codes and col in self._pending:
            self._codes[col] = self._pending.pop(col).result()
        if col not in self._codes:
            column = self.responses[col]
            self._codes[col] = (
                small_int_codes(column) if column.dtype == np.int64 else None
            ) or pd.factorize(column, sort=True, use_na_sentinel=True)
        return self._codes[col]


def small_int_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """``pandas.factorize(column, sort=True)`` of an int64 column of small non-negative
    values (semester, triwulan) by counting instead of hashing; None for other values."""
    values = column.to_numpy()
    if not len(values) or values.min() < 0 or values.max() > 10_000:
        return None
    present = np.bincount(values) > 0
    uniques = np.flatnonzero(present).astype(np.int64)
    rank = np.cumsum(present) - 1
    return rank[values].astype(np.intp), uniques
