"""Reading an XLSX export: the header row is searched on every sheet (a title row above it is
allowed), and the mapped columns are streamed from the sheet's XML with lxml (openpyxl reads the
workbook's structure), so a sheet of styled empty cells costs little and memory stays flat."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from skm.errors import SkmInputError
from skm.ingest.columns import PROBE_ROWS, HeaderMap, timestamp_share
from skm.ingest.export import Export, export_source
from skm.ingest.fields import (
    FIELD_LABELS,
    HEADER_SCAN_ROWS,
    MAX_COLUMNS,
    MAX_ROWS,
    quoted,
    quoted_headers,
    too_many_rows,
)
from skm.ingest.redact import redact
from skm.ingest.settings import normalise_text
from skm.scoring.tables import MAPPED_FIELDS


def _cell_text(value: object) -> str:
    """Text of an xlsx cell as a spreadsheet shows it (numbers keep a '.0' if float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _excel_timestamp(value: object, epoch: dt.datetime) -> tuple[str, bool]:
    """Timestamp cell as ISO text; True when it was a real date-time (or date serial)."""
    from openpyxl.utils.datetime import from_excel

    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958465:
        value = from_excel(value, epoch)
    if isinstance(value, dt.datetime):
        if value.microsecond:
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return value.strftime("%Y-%m-%d %H:%M:%S"), True
    if isinstance(value, dt.date):
        return value.isoformat(), True
    return _cell_text(value), False


def read_xlsx(path: Path, headers: HeaderMap, data: bytes | None = None) -> Export:
    import openpyxl

    try:
        with warnings.catch_warnings(), _no_sheet_sizing():
            warnings.simplefilter("ignore")  # "no default style" and similar, harmless here
            book = openpyxl.load_workbook(export_source(path, data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise SkmInputError(
            f"berkas Excel tidak dapat dibuka ({type(exc).__name__}); buka lalu simpan "
            "ulang sebagai .xlsx, atau unduh ulang hasil survei sebagai .csv",
            file=str(path),
        ) from None
    try:
        return _read_workbook(book, path, headers)
    except SkmInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML surfaces while iterating
        raise SkmInputError(
            f"isi berkas Excel tidak dapat dibaca ({type(exc).__name__}); simpan ulang "
            "sebagai .xlsx atau unduh ulang sebagai .csv",
            file=str(path),
        ) from None
    finally:
        book.close()


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@contextmanager
def _no_sheet_sizing() -> Iterator[None]:
    """openpyxl's read-only sheets parse the whole sheet on opening when it lacks a
    `<dimension>` element (22 s for 40 rows of 16,384 styled cells); `_sheet_rows` needs no
    size, so that step is skipped while the workbook opens (openpyxl pinned in
    requirements.lock; tests/test_security_data.py checks the reading)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _column_number(ref: str) -> int:
    """1-based column of a cell reference ("C7" -> 3)."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _sheet_rows(
    book: Any, sheet: Any, max_col: int, min_row: int = 1, max_row: int | None = None
) -> Iterator[tuple[int, list[object]]]:
    """(row number, values of columns 1..max_col) of one sheet, streamed.

    openpyxl reads the workbook's structure (sheets, shared strings, date formats, epoch);
    the sheet's XML is streamed here with lxml, which hands over one `<row>` at a time and
    drops its cells beyond `max_col` unread, so a row of 16,384 styled empty cells costs
    little and memory stays flat. Values are what openpyxl's `values_only` reading gives
    (text, numbers, booleans, date-times for date-formatted numbers); blank rows are skipped.
    """
    from lxml import etree
    from openpyxl.utils.datetime import from_excel

    strings = sheet._shared_strings
    date_styles = book._date_formats
    epoch = book.epoch
    row_tag, cell_tag = f"{_SHEET_NS}row", f"{_SHEET_NS}c"
    value_tag, inline_tag, text_tag = f"{_SHEET_NS}v", f"{_SHEET_NS}is", f"{_SHEET_NS}t"
    row_no = 0
    with book._archive.open(sheet._worksheet_path) as source:
        parser = etree.iterparse(
            source,
            events=("end",),
            tag=row_tag,
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
        )
        for _, row in parser:
            number = row.get("r")
            row_no = int(float(number)) if number else row_no + 1
            if max_row is not None and row_no > max_row:
                break
            if row_no >= min_row:
                del row[max_col:]  # a cell's column is at least its position: keep the first
                values: list[object] = [None] * max_col
                col = 0
                for cell in row.iterchildren(cell_tag):
                    ref = cell.get("r")
                    col = _column_number(ref) if ref else col + 1
                    if col > max_col:
                        break
                    kind = cell.get("t", "n")
                    if kind == "inlineStr":
                        node = cell.find(inline_tag)
                        values[col - 1] = (
                            "".join(t.text or "" for t in node.iter(text_tag))
                            if node is not None
                            else None
                        )
                        continue
                    raw = cell.findtext(value_tag)
                    if raw is None:
                        continue
                    if kind == "s":
                        values[col - 1] = str(strings[int(raw)])
                    elif kind in ("str", "e"):
                        values[col - 1] = raw
                    elif kind == "b":
                        values[col - 1] = raw.strip() in ("1", "true")
                    elif kind == "d":
                        values[col - 1] = dt.datetime.fromisoformat(raw.strip())
                    else:
                        number_value = float(raw)
                        if int(cell.get("s", "0")) in date_styles:
                            values[col - 1] = from_excel(number_value, epoch)
                        elif number_value.is_integer() and "." not in raw and "E" not in raw:
                            values[col - 1] = int(number_value)
                        else:
                            values[col - 1] = number_value
                yield row_no, values
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]


def _read_workbook(book: Any, path: Path, headers: HeaderMap) -> Export:
    best: tuple[int, int, int] | None = None
    chosen: tuple[Any, int, list[str]] | None = None
    scanned: list[str] = []
    for sheet_no, sheet in enumerate(book.worksheets):
        title = redact(sheet.title)[0]
        first: tuple[int, list[str]] | None = None
        partial: tuple[int, list[str], set[str]] | None = None
        for row_no, row in _sheet_rows(book, sheet, MAX_COLUMNS, max_row=HEADER_SCAN_ROWS):
            texts = [_cell_text(v) for v in row]
            while texts and not texts[-1].strip():
                texts.pop()
            if first is None and any(t.strip() for t in texts):
                first = (row_no, texts)
            keys = [normalise_text(t) for t in texts if t.strip()]
            mapped = {headers.fields.get(k) for k in keys}
            mapped.discard(None)
            # Same-titled mapped columns: one may be the timestamp (`HeaderMap.locate`).
            twins = any(n > 1 for k, n in Counter(keys).items() if k in headers.fields)
            if "timestamp" in mapped or twins:
                rank = (-len(mapped), sheet_no, row_no)
                if best is None or rank < best:
                    best, chosen = rank, (sheet, row_no, texts)
            elif mapped and (partial is None or len(mapped) > len(partial[2])):
                partial = (row_no, texts, mapped)
        if partial is not None:
            known = ", ".join(
                FIELD_LABELS[name].split(" ")[0]
                for name in sorted(partial[2], key=MAPPED_FIELDS.index)
            )
            seen = (
                f"baris {partial[0]} memuat judul kolom yang dikenali ({known}) tetapi "
                "tidak ada kolom stempel waktu; judul-judul di baris itu: "
                f"{quoted_headers(partial[1])}"
            )
        elif first is not None:
            filled = sum(1 for t in first[1] if t.strip())
            seen = (
                f"baris terisi pertama (baris {first[0]}, {filled} sel) tidak memuat judul "
                "kolom yang dikenali; isinya tidak dikutip karena bisa berupa jawaban "
                "berisi data pribadi"
            )
        else:
            seen = "kosong"
        scanned.append(f"'{title}' ({seen})")
    if chosen is None:
        raise SkmInputError(
            "tidak ada lembar (sheet) yang memuat baris judul kolom dengan kolom stempel waktu "
            f"({quoted(headers.expected.get('timestamp', []))}) dalam {HEADER_SCAN_ROWS} baris "
            f"pertamanya. Lembar yang diperiksa: {'; '.join(scanned) or '(tidak ada)'}. "
            "Pastikan lembar jawaban formulir ada di file ini, atau tambahkan judul kolom stempel "
            "waktunya ke `columns` di unit.yaml. (Header row not found.)",
            file=str(path),
        )
    sheet, header_row, header = chosen
    where = f" (lembar '{redact(sheet.title)[0]}', baris judul {header_row})"

    def probe(pos: int) -> bool:
        rows = _sheet_rows(
            book, sheet, pos + 1, min_row=header_row + 1, max_row=header_row + PROBE_ROWS
        )
        return timestamp_share([row[pos] for _, row in rows])

    positions = headers.locate(header, str(path), where, holds_timestamps=probe)
    order = sorted(positions.items(), key=lambda item: item[1])
    values: dict[str, list[str]] = {name: [] for name, _ in order}
    excel_flags: list[bool] = []
    raw_rows: list[int] = []
    epoch = book.epoch
    ts_pos = positions["timestamp"]
    width = max(positions.values()) + 1
    last = header_row
    for row_no, row in _sheet_rows(book, sheet, width, min_row=header_row + 1):
        if len(raw_rows) >= MAX_ROWS:
            raise too_many_rows(path)
        # Rows absent from the sheet XML are blank rows: they keep their numbers.
        for blank in range(last + 1, row_no):
            raw_rows.append(blank)
            for name, _ in order:
                values[name].append("")
            excel_flags.append(False)
        last = row_no
        raw_rows.append(row_no)
        for name, pos in order:
            cell = row[pos]
            if pos == ts_pos:
                text, is_dt = _excel_timestamp(cell, epoch)
                excel_flags.append(is_dt)
            else:
                text = _cell_text(cell)
            values[name].append(text)
    columns = {
        name: pa.chunked_array([pa.array(vals, pa.large_string())]) for name, vals in values.items()
    }
    info = {
        "encoding": None,
        "delimiter": None,
        "sheet": redact(sheet.title)[0],
        "header_row": header_row,
    }
    return Export(
        path=path,
        columns=columns,
        raw_rows=np.asarray(raw_rows, dtype=np.int64),
        headers={name: str(header[pos]).strip() for name, pos in order},
        info=info,
        excel_datetime=np.asarray(excel_flags, dtype=bool),
    )
