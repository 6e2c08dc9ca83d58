"""Reading a CSV export: encoding and delimiter from the header record, then only the mapped
columns as text, by the fastest reader that can take the file (a vectorised UTF-8 splitter,
Arrow's CSV reader, then pandas' C engine for other encodings and uneven records)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from skm.errors import SkmInputError
from skm.ingest.arrays import STRING
from skm.ingest.columns import HeaderMap, csv_probe
from skm.ingest.export import HEAD_BYTES, Export, check_width, export_source
from skm.ingest.fields import MAX_ROWS, too_many_rows

_QUOTE_OR_EOL = re.compile(rb'["\r\n]')


def _record_end(data: bytes) -> int:
    """Offset of the end of the first CSV record (first line break outside quotes)."""
    in_quotes = False
    for match in _QUOTE_OR_EOL.finditer(data):
        if match.group() == b'"':
            in_quotes = not in_quotes
        elif not in_quotes:
            return match.start()
    return len(data)


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV header line: the most frequent of , ; tab outside quotes."""
    counts = {",": 0, ";": 0, "\t": 0}
    in_quotes = False
    for char in header:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def read_csv(path: Path, head: bytes, headers: HeaderMap, data: bytes | None = None) -> Export:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _read_csv_utf16(path, head, headers, data)
    bom = head.startswith(codecs.BOM_UTF8)
    body = head[len(codecs.BOM_UTF8) :] if bom else head
    if not body.strip():
        raise SkmInputError(
            "file kosong (tidak ada judul kolom maupun data); unduh ulang hasil ekspor dari "
            "Google Forms/Sheets. (Empty file.)",
            file=str(path),
        )
    header_text, encoding = _decode(body[: _record_end(body)])
    delimiter = sniff_delimiter(header_text)
    try:
        header = next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise SkmInputError(
            f"baris judul kolom tidak dapat dibaca ({exc})", file=str(path)
        ) from None
    check_width(path, header)

    def probe(pos: int) -> bool:
        return csv_probe(_decode(body)[0], delimiter, len(head) >= HEAD_BYTES)(pos)

    positions = headers.locate(header, str(path), holds_timestamps=probe)
    order = sorted(positions.items(), key=lambda item: item[1])
    arrays = None
    if encoding == "utf-8":
        arrays = _read_csv_fast(path, delimiter, header, [pos for _, pos in order], bom, data)
    if arrays is None and encoding == "utf-8":
        arrays = _read_csv_arrow(path, delimiter, len(header), [pos for _, pos in order], data)
    if arrays is None:
        frame, encoding = _read_csv_pandas(
            path, delimiter, [pos for _, pos in order], encoding, data
        )
        arrays = [_arrow_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
    columns = {name: values for (name, _), values in zip(order, arrays, strict=True)}
    if len(arrays[0]) > MAX_ROWS:
        raise too_many_rows(path)
    if encoding == "utf-8" and bom:
        encoding = "utf-8-sig"
    info = {"encoding": encoding, "delimiter": delimiter, "sheet": None, "header_row": 1}
    return Export(
        path=path,
        columns=columns,
        raw_rows=np.arange(2, len(arrays[0]) + 2, dtype=np.int64),
        headers={name: header[pos].strip() for name, pos in order},
        info=info,
    )


def _read_csv_utf16(
    path: Path, head: bytes, headers: HeaderMap, data: bytes | None = None
) -> Export:
    """A UTF-16 export with its byte-order mark (Excel's "Unicode Text", tab-separated).

    Rare and small in practice, so it takes the plain pandas reader; rows and columns are
    numbered exactly as for any other CSV.
    """
    text = head[: len(head) - len(head) % 2].decode("utf-16", errors="ignore")
    if not text.strip():
        raise SkmInputError(
            "file kosong (tidak ada judul kolom maupun data); unduh ulang hasil ekspor dari "
            "Google Forms/Sheets. (Empty file.)",
            file=str(path),
        )
    header_text = text.encode("utf-8")[: _record_end(text.encode("utf-8"))].decode("utf-8")
    delimiter = sniff_delimiter(header_text)
    header = next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delimiter), [])
    check_width(path, header)
    positions = headers.locate(
        header, str(path), holds_timestamps=csv_probe(text, delimiter, len(head) >= HEAD_BYTES)
    )
    order = sorted(positions.items(), key=lambda item: item[1])
    frame, encoding = _read_csv_pandas(path, delimiter, [pos for _, pos in order], "utf-16", data)
    arrays = [_arrow_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return Export(
        path=path,
        columns={name: values for (name, _), values in zip(order, arrays, strict=True)},
        raw_rows=np.arange(2, len(arrays[0]) + 2, dtype=np.int64),
        headers={name: header[pos].strip() for name, pos in order},
        info={"encoding": encoding, "delimiter": delimiter, "sheet": None, "header_row": 1},
    )


def _arrow_text(series: pd.Series) -> pa.ChunkedArray:
    """A text column read by pandas as an Arrow string array (missing cells null)."""
    values = series.astype(STRING).array.__arrow_array__()
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    return values.cast(pa.large_string())


def _read_csv_fast(
    path: Path,
    delimiter: str,
    header: list[str],
    positions: list[int],
    bom: bool,
    data: bytes | None = None,
) -> list[pa.ChunkedArray] | None:
    """Fastest path: pandas' C reader (parallel on large files) into Arrow strings, every
    column kept as text (the unmapped ones are dropped straight away).

    It reads records exactly as `_read_csv_arrow` does when that one succeeds, and as
    `_read_csv_pandas` does otherwise (the same C tokenizer; short records and blank lines
    padded with ""). Returns None, leaving the file to those two, when the text is not
    UTF-8, a record is longer than the header, or the first record does not read as `header`.
    """
    width = len(header)
    names = [f"c{i}" for i in range(width)]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(
                export_source(path, data),
                sep=delimiter,
                header=None,
                names=names,
                dtype=pd.ArrowDtype(pa.large_string()),
                na_filter=False,
                skip_blank_lines=False,
                encoding="utf-8-sig" if bom else "utf-8",
                engine="c",
                quotechar='"',
                doublequote=True,
                escapechar=None,
            )
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        ValueError,
        UnicodeError,
        OverflowError,
        OSError,
        csv.Error,
    ):
        return None
    if (
        caught
        or len(frame) == 0
        or list(frame.columns) != names
        or not isinstance(frame.index, pd.RangeIndex)
    ):
        return None
    columns = [frame[name].array.__arrow_array__() for name in names]
    if any(not pa.types.is_large_string(c.type) or c.null_count for c in columns):
        return None
    if [c[0].as_py() for c in columns] != header:
        return None
    return [columns[pos].slice(1) for pos in positions]


def _read_csv_arrow(
    path: Path, delimiter: str, width: int, positions: list[int], data: bytes | None = None
) -> list[pa.ChunkedArray] | None:
    """Fast path (pyarrow's multi-threaded reader) for regular UTF-8 files.

    Returns None, so that `_read_csv_pandas` reads the file, whenever a record does not have
    exactly one field per header (the pandas reader then pads or ignores like a spreadsheet)
    or the text is not valid UTF-8. Blank lines are kept as empty records, so row numbers
    are those of the spreadsheet.
    """
    names = [f"c{i}" for i in range(width)]
    wanted = [names[pos] for pos in positions]
    try:
        # Memory-mapped: the parser reads the page cache in place instead of copying the
        # whole file through read() calls.
        with pa.memory_map(str(path)) if data is None else pa.BufferReader(data) as source:
            table = pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(column_names=names),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types=dict.fromkeys(wanted, pa.large_string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
    except (pa.ArrowException, ValueError, UnicodeError, OSError):
        return None  # a record with too few/many fields, or text that is not UTF-8
    if table.num_rows == 0:
        return None
    table = table.slice(1)  # the header record
    return [table.column(name) for name in wanted]


def _read_csv_pandas(
    path: Path, delimiter: str, positions: list[int], encoding: str, data: bytes | None = None
) -> tuple[pd.DataFrame, str]:
    """Read with pandas' C engine, everything as text, trying UTF-8, cp1252 then Latin-1."""
    candidates = ["utf-8", "cp1252", "latin-1"] if encoding != "utf-16" else ["utf-16"]
    for candidate in candidates[candidates.index(encoding) :]:
        try:
            frame = pd.read_csv(
                export_source(path, data),
                sep=delimiter,
                header=0,
                usecols=positions,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                encoding=candidate,
                engine="c",
                quotechar='"',
                doublequote=True,
            )
        except UnicodeDecodeError:
            continue
        except (
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
            ValueError,
            csv.Error,
            OverflowError,
        ) as exc:
            raise SkmInputError(
                f"file tidak dapat dibaca sebagai CSV ({str(exc).strip()}); periksa apakah "
                "ada tanda kutip yang tidak ditutup, atau unduh ulang hasil ekspor. "
                "(Unreadable CSV.)",
                file=str(path),
            ) from None
        return frame, candidate
    raise SkmInputError("pengodean karakter file tidak dikenali", file=str(path))
