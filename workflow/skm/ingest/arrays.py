"""Arrow and numpy helpers of the ingest: dictionary encoding (`factorize`), text columns built in
Arrow without Python objects, respondent ids and nullable scores."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STRING = pd.StringDtype("pyarrow", na_value=np.nan)


def factorize(values: pa.ChunkedArray | None, n: int) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 where missing) and the distinct values in order of first appearance, as
    `pandas.factorize` gives them, computed on the Arrow array (dictionary encoding)."""
    if values is None or len(values) == 0:
        return np.full(n, -1, dtype=np.int32), []
    encoded = values.dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    codes = indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return codes, encoded.dictionary.to_pylist()


def string_array(values: pa.Array | pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    return STRING.__from_arrow__(
        values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values], values.type)
    )


def take_strings(texts: Iterable[str | None], ids: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Strings by id (-1 gives a missing value), built in Arrow without Python objects."""
    dictionary = pa.array(list(texts), pa.large_string())
    indices = pa.array(ids.astype(np.int64), mask=ids < 0)
    return string_array(dictionary.take(indices))


def respondent_ids(count: int) -> pd.api.extensions.ExtensionArray:
    """R00001, R00002, ... (at least five digits, all of the same width)."""
    width = max(5, len(str(count)))
    # 10**width + i is "1" and i zero-padded to `width` digits: write it, then put the R
    # over the leading 1 (every id has the same width, so the bytes are a plain grid).
    numbers = pa.array(np.arange(1, count + 1, dtype=np.int64) + 10**width)
    text = pc.cast(numbers, pa.string())
    size = count * (width + 1)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=count + 1)
    if count and (text.offset or offsets[0] != 0 or offsets[-1] != size):  # pragma: no cover
        padded = pc.utf8_lpad(
            pc.cast(pa.array(np.arange(1, count + 1)), pa.string()), width=width, padding="0"
        )
        return string_array(pc.binary_join_element_wise("R", padded, ""))
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8, count=size).copy()
    data[:: width + 1] = ord("R")
    grid = np.arange(0, size + 1, width + 1, dtype=np.int64)
    return string_array(
        pa.LargeStringArray.from_buffers(count, pa.py_buffer(grid), pa.py_buffer(data))
    )


def answer_scores(keys: np.ndarray) -> pd.api.extensions.ExtensionArray:
    missing = keys <= 0
    values = keys.astype(np.int64)
    values[missing] = 0
    return pd.arrays.IntegerArray(values, missing)
