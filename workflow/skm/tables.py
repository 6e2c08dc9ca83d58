"""Tabular contracts of the ingest stage, as pandera DataFrameModels.

`RawResponses` is an export after column mapping (every field still text, blank = missing);
`Responses` (inheriting) is data/processed/<unit>/<year>/responses.csv: one scored, PII-free
row per response. `Rejected` is rejected.csv. These are contract gates checked with
``lazy=True``; the row rules that span rows or columns (duplicates, period, no answers) are
computed vectorised in `skm.ingest`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from skm.domain import UNSUR_CODES

#: Fields an export column can be mapped to, in responses.csv order.
DEMOGRAPHIC_FIELDS: tuple[str, ...] = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")
MAPPED_FIELDS: tuple[str, ...] = ("timestamp", "layanan", *DEMOGRAPHIC_FIELDS, *UNSUR_CODES,
                                  "saran")

#: responses.csv columns, in order.
RESPONSE_COLUMNS: tuple[str, ...] = (
    "id", "file", "raw_row", "timestamp", "semester", "triwulan", "layanan",
    *DEMOGRAPHIC_FIELDS, *UNSUR_CODES, "saran",
)

#: rejected.csv columns, in order.
REJECTED_COLUMNS: tuple[str, ...] = ("file", "raw_row", "column", "value", "reason_code",
                                     "reason")

#: Stable reason codes of rejected.csv.
REASON_CODES: tuple[str, ...] = (
    "timestamp_unparseable", "timestamp_out_of_period", "answer_invalid", "no_answers",
    "duplicate",
)

ISO_LOCAL = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"

_TEXT = {"nullable": True}
_SCORE = {"nullable": True, "in_range": {"min_value": 1, "max_value": 4}}


class RawResponses(pa.DataFrameModel):
    """An export after column mapping: where it came from, then every mapped field as text."""

    file: Series[str] = pa.Field(str_length={"min_value": 1})
    raw_row: Series[int] = pa.Field(ge=1)
    timestamp: Series[str] = pa.Field(**_TEXT)
    layanan: Series[str] = pa.Field(**_TEXT)
    jenis_kelamin: Series[str] = pa.Field(**_TEXT)
    usia: Series[str] = pa.Field(**_TEXT)
    pendidikan: Series[str] = pa.Field(**_TEXT)
    pekerjaan: Series[str] = pa.Field(**_TEXT)
    U1: Series[str] = pa.Field(**_TEXT)
    U2: Series[str] = pa.Field(**_TEXT)
    U3: Series[str] = pa.Field(**_TEXT)
    U4: Series[str] = pa.Field(**_TEXT)
    U5: Series[str] = pa.Field(**_TEXT)
    U6: Series[str] = pa.Field(**_TEXT)
    U7: Series[str] = pa.Field(**_TEXT)
    U8: Series[str] = pa.Field(**_TEXT)
    U9: Series[str] = pa.Field(**_TEXT)
    saran: Series[str] = pa.Field(**_TEXT)

    class Config:
        """Exactly these columns; values coerced to text."""

        strict = True
        coerce = True


class Responses(RawResponses):
    """responses.csv: one scored response per row, sorted by (timestamp, file, raw_row)."""

    id: Series[str] = pa.Field(unique=True, str_matches=r"^R\d{5,}$")
    timestamp: Series[str] = pa.Field(str_matches=ISO_LOCAL)
    semester: Series[int] = pa.Field(isin=[1, 2])
    triwulan: Series[int] = pa.Field(isin=[1, 2, 3, 4])
    U1: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U2: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U3: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U4: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U5: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U6: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U7: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U8: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U9: Series[pd.Int64Dtype] = pa.Field(**_SCORE)

    @pa.dataframe_check
    def some_unsur_answered(cls, df: pd.DataFrame) -> Series[bool]:
        """A scored response answers at least one unsur."""
        return df[list(UNSUR_CODES)].notna().any(axis=1)


class Rejected(pa.DataFrameModel):
    """rejected.csv: one line per problem found in an export row."""

    file: Series[str] = pa.Field(str_length={"min_value": 1})
    raw_row: Series[int] = pa.Field(ge=1)
    column: Series[str] = pa.Field(nullable=True)
    value: Series[str] = pa.Field(nullable=True)
    reason_code: Series[str] = pa.Field(isin=list(REASON_CODES))
    reason: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        """Exactly these columns."""

        strict = True
        coerce = True


def read_responses(path: Path | str) -> pd.DataFrame:
    """Read a responses.csv written by the ingest and validate it against `Responses`."""
    dtypes = {name: "str" for name in RESPONSE_COLUMNS}
    dtypes.update({code: "Int64" for code in UNSUR_CODES})
    dtypes.update({"raw_row": "int64", "semester": "int64", "triwulan": "int64"})
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    return Responses.validate(frame, lazy=True)[list(RESPONSE_COLUMNS)]
