"""Tabular contracts of the ingest stage, as pandera DataFrameModels.

`RawResponses` is an export after column mapping (every field still text, blank = missing);
`Responses` (inheriting) is data/processed/<unit>/<year>/responses.csv: one scored, PII-free
row per response. `Rejected` is rejected.csv. These are contract gates checked with
``lazy=True``; the row rules that span rows or columns (duplicates, period, no answers) are
computed vectorised in `skm.ingest.unit`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import Series

from skm.domain import DEMOGRAPHIC_FIELDS, UNSUR_CODES

#: Fields an export column can be mapped to, in responses.csv order.
MAPPED_FIELDS: tuple[str, ...] = (
    "timestamp",
    "layanan",
    *DEMOGRAPHIC_FIELDS,
    *UNSUR_CODES,
    "saran",
)

#: responses.csv columns, in order.
RESPONSE_COLUMNS: tuple[str, ...] = (
    "id",
    "file",
    "raw_row",
    "timestamp",
    "semester",
    "triwulan",
    "layanan",
    *DEMOGRAPHIC_FIELDS,
    *UNSUR_CODES,
    "saran",
)

#: rejected.csv columns, in order.
REJECTED_COLUMNS: tuple[str, ...] = ("file", "raw_row", "column", "value", "reason_code", "reason")

#: Stable reason codes of rejected.csv.
REASON_CODES: tuple[str, ...] = (
    "timestamp_unparseable",
    "timestamp_out_of_period",
    "answer_invalid",
    "no_answers",
    "duplicate",
)

#: responses.csv has one 0/1 column per layanan of the unit's list, named by `layanan_column`.
LAYANAN_COLUMN = r"^layanan\[.+\]$"


def layanan_column(label: str) -> str:
    """Name of the 0/1 responses.csv column of one listed layanan: ``layanan[<label>]``."""
    return f"layanan[{label}]"


def layanan_label(column: str) -> str | None:
    """The layanan of a `layanan_column` name, or None for any other column."""
    return (
        column[len("layanan[") : -1]
        if column.startswith("layanan[") and column.endswith("]")
        else None
    )


ISO_LOCAL = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"
#: ISO_LOCAL position by position: "9" an ASCII digit, "±" a sign, anything else itself.
ISO_LOCAL_LAYOUT = "9999-99-99T99:99:99±99:99"
ID_PATTERN = r"^R\d{5,}$"

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
    """responses.csv: one scored response per row, sorted by (timestamp, file, raw_row).

    `id` must match ID_PATTERN and be unique, `timestamp` must match ISO_LOCAL; these checks
    are vectorised (`matches_layout`, `all_distinct`) so that a million rows cost little.
    """

    id: Series[str] = pa.Field()
    timestamp: Series[str] = pa.Field()
    semester: Series[int] = pa.Field(isin=[1, 2])
    triwulan: Series[int] = pa.Field(isin=[1, 2, 3, 4])
    #: 1 when the respondent ticked that layanan of the unit's list, else 0.
    layanan_ticked: Optional[Series[int]] = pa.Field(  # noqa: UP045 - pandera reads Optional
        alias=LAYANAN_COLUMN, regex=True, isin=[0, 1]
    )
    U1: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U2: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U3: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U4: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U5: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U6: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U7: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U8: Series[pd.Int64Dtype] = pa.Field(**_SCORE)
    U9: Series[pd.Int64Dtype] = pa.Field(**_SCORE)

    @pa.check("id", name="str_matches")
    def id_matches(cls, series: Series[str]) -> Series[bool]:
        """Every id matches ID_PATTERN (R and at least five digits)."""
        lengths = _byte_lengths(series)
        layout = f"R{'9' * (int(lengths[0]) - 1)}" if len(lengths) and lengths[0] >= 6 else ""
        return matches_layout(series, ID_PATTERN, layout)

    @pa.check("id", name="unique")
    def id_unique(cls, series: Series[str]) -> Series[bool] | bool:
        """No id appears twice."""
        return all_distinct(series)

    @pa.check("timestamp", name="str_matches")
    def timestamp_matches(cls, series: Series[str]) -> Series[bool]:
        """Every timestamp is ISO 8601 local time with an offset (ISO_LOCAL)."""
        return matches_layout(series, ISO_LOCAL, ISO_LOCAL_LAYOUT)

    @pa.dataframe_check
    def some_unsur_answered(cls, df: pd.DataFrame) -> Series[bool]:
        """A scored response answers at least one unsur."""
        answered = np.logical_or.reduce(
            [df[code].notna().to_numpy(dtype=bool) for code in UNSUR_CODES]
        )
        return pd.Series(answered, index=df.index)


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


#: Rows checked at a time by `matches_layout`.
_BLOCK = 1 << 15


def _arrow_text(series: pd.Series) -> pyarrow.Array | None:
    """The values as one Arrow string array when the Series is stored in Arrow, else None."""
    values = series.array
    if not hasattr(values, "__arrow_array__") or not isinstance(
        series.dtype, (pd.StringDtype, pd.ArrowDtype)
    ):
        return None
    arrow = values.__arrow_array__()
    if isinstance(arrow, pyarrow.ChunkedArray):
        arrow = arrow.combine_chunks() if arrow.num_chunks else pyarrow.array([], arrow.type)
    if not (pyarrow.types.is_string(arrow.type) or pyarrow.types.is_large_string(arrow.type)):
        return None
    return arrow.cast(pyarrow.large_string())


def _byte_lengths(series: pd.Series) -> np.ndarray:
    """UTF-8 length of every value (-1 where missing or not stored in Arrow)."""
    arrow = _arrow_text(series)
    if arrow is None:
        return np.full(len(series), -1, dtype=np.int64)
    return pc.fill_null(pc.binary_length(arrow), -1).to_numpy(zero_copy_only=False)


def matches_layout(series: pd.Series, pattern: str, layout: str) -> pd.Series:
    """``series.str.match(pattern, na=False)`` for a `pattern` of fixed width, vectorised.

    `layout` spells the pattern position by position ("9" an ASCII digit, "±" "+" or "-",
    anything else itself). Values of exactly that many bytes are checked byte by byte in
    numpy; every other value, and every value that fails the byte check (a non-ASCII digit
    or a final line break can still match `pattern`), is matched with `pattern` itself.
    An empty `layout` matches everything with `pattern`.
    """
    if any(ord(c) > 127 for c in layout.replace("±", "")):
        raise ValueError(f"layout must be ASCII apart from '±': {layout!r}")
    passed = np.zeros(len(series), dtype=bool)
    arrow = _arrow_text(series) if layout else None
    width = len(layout)
    if arrow is not None and len(arrow):
        lengths = pc.fill_null(pc.binary_length(arrow), -1).to_numpy(zero_copy_only=False)
        fixed = np.flatnonzero(lengths == width)
        if len(fixed):
            offsets = np.frombuffer(
                arrow.buffers()[1], dtype=np.int64, count=len(arrow) + 1, offset=arrow.offset * 8
            )
            data = np.frombuffer(arrow.buffers()[2], dtype=np.uint8)
            if len(fixed) == len(arrow):
                cells = data[offsets[0] : offsets[-1]].reshape(len(arrow), width)
            else:
                cells = data[offsets[fixed][:, None] + np.arange(width)]
            # Each byte must lie in its position's range (a digit, a sign, the character);
            # ranges are one comparison each way, then only offending bytes are looked at.
            low = np.asarray(
                [48 if c == "9" else 43 if c == "±" else ord(c) for c in layout], dtype=np.uint8
            )
            high = np.asarray(
                [57 if c == "9" else 45 if c == "±" else ord(c) for c in layout], dtype=np.uint8
            )
            ok = np.ones(len(fixed), dtype=bool)
            below = np.empty((min(_BLOCK, len(cells)), width), dtype=bool)
            above = np.empty_like(below)
            for start in range(0, len(cells), _BLOCK):  # in blocks: small temporaries
                block = cells[start : start + _BLOCK]
                low_out, high_out = below[: len(block)], above[: len(block)]
                np.less(block, low, out=low_out)
                np.greater(block, high, out=high_out)
                np.logical_or(low_out, high_out, out=low_out)
                if low_out.any():
                    ok[start + np.flatnonzero(low_out) // width] = False
            sign = np.flatnonzero(np.asarray([c == "±" for c in layout]))
            if len(sign):  # 43..45 also lets "," (44) through
                ok[(cells[:, sign] == ord(",")).any(axis=1)] = False
            passed[fixed] = ok
    rest = np.flatnonzero(~passed)
    if len(rest):
        passed[rest] = series.iloc[rest].str.match(pattern, na=False).to_numpy(dtype=bool)
    return pd.Series(passed, index=series.index)


def all_distinct(series: pd.Series) -> pd.Series | bool:
    """True when no value appears twice; otherwise False for every repeated value.

    Values in strictly increasing order (ids as written) are distinct without hashing.
    """
    arrow = _arrow_text(series)
    if (
        arrow is not None
        and arrow.null_count == 0
        and (
            len(arrow) < 2
            or pc.all(pc.less(arrow.slice(0, len(arrow) - 1), arrow.slice(1))).as_py()
        )
    ):
        return True
    return ~series.duplicated(keep=False)


# --------------------------------------------------------------------------- CSV cells

#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"),
#: and the quote that marks a neutralised cell (so a text starting with it is marked too).
_FORMULA_START = "=+-@\t\r"
_MARK = "'"
_NEUTRALISE = re.compile(f"^[{re.escape(_FORMULA_START + _MARK)}]")


def neutralise_cells(values: pd.Series) -> pd.Series:
    """Text cells as written to a processed CSV: a cell starting with =, +, -, @, tab or CR
    (or with the quote itself) gets a leading "'" (OWASP), so Excel and LibreOffice show it
    as text instead of running it. `restore_cells` undoes it exactly. Only text columns pass
    here: a negative number in a numeric column is a number, not text."""
    flagged = values.str.contains(_NEUTRALISE.pattern, regex=True, na=False).to_numpy(dtype=bool)
    if not flagged.any():
        return values
    out = values.copy()
    out[flagged] = _MARK + values[flagged]
    return out


def restore_cells(values: pd.Series) -> pd.Series:
    """The original text of cells `neutralise_cells` wrote (their leading "'" removed)."""
    flagged = values.str.startswith(_MARK, na=False).to_numpy(dtype=bool)
    if not flagged.any():
        return values
    out = values.copy()
    out[flagged] = values[flagged].str.slice(1)
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text column passed through `neutralise_cells` (a shallow copy)."""
    out = frame.copy(deep=False)
    for name in out.columns:
        if _is_text(out[name]):
            out[name] = neutralise_cells(out[name])
    return out


def _is_text(values: pd.Series) -> bool:
    return (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object) and not (
        pd.api.types.is_bool_dtype(values.dtype)
    )


def write_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A processed CSV (UTF-8, LF line ends, text cells neutralised): the one writer.

    A cell holding a carriage return is quoted like one holding a line feed (Python's csv
    writer quotes only the characters of its line terminator), so no reader splits it.
    """
    frame = neutralise_frame(frame)
    has_cr = any(
        frame[name].str.contains("\r", regex=False, na=False).any()
        for name in frame.columns
        if _is_text(frame[name])
    )
    if not has_cr:
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    text = frame.to_csv(index=False, lineterminator="\r\n")
    # Record ends become LF; quoted fields ("..."; "" inside is two of them) are kept.
    text = re.sub(r'("[^"]*")|\r\n', lambda m: m.group(1) or "\n", text)
    return text.encode("utf-8")


def read_table(path: Path | str, **read_csv: Any) -> pd.DataFrame:
    """Read a processed CSV the pipeline wrote (`pandas.read_csv` with `read_csv`), every
    text cell restored to its original text: the one reader of the pipeline's CSVs."""
    frame = pd.read_csv(path, **read_csv)
    for name in frame.columns:
        if _is_text(frame[name]):
            frame[name] = restore_cells(frame[name])
    return frame


def read_responses(path: Path | str) -> pd.DataFrame:
    """Read a responses.csv written by the ingest and validate it against `Responses`."""
    dtypes = {name: "str" for name in RESPONSE_COLUMNS}
    dtypes.update({code: "Int64" for code in UNSUR_CODES})
    dtypes.update({"raw_row": "int64", "semester": "int64", "triwulan": "int64"})
    frame = read_table(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for column in frame.columns:
        if layanan_label(column) is not None:
            frame[column] = frame[column].astype("int64")
    kept = [c for c in frame.columns if c in RESPONSE_COLUMNS or layanan_label(c) is not None]
    return Responses.validate(frame[kept], lazy=True)


def read_rejected(path: Path | str) -> pd.DataFrame:
    """Read a rejected.csv written by the ingest (every column text but raw_row)."""
    return read_table(path, dtype=str, keep_default_na=False)
