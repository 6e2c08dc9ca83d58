"""`skm init`'s reading of an export: every table (a CSV, each sheet of an XLSX, each member of a
zip, read by the ingest's own zip reader `skm.ingest.zips.zip_exports`) as header and text rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skm.errors import SkmInputError
from skm.ingest.draft.known import SCAN_ROWS
from skm.ingest.read_csv import sniff_delimiter
from skm.ingest.zips import is_zip_of_exports, zip_exports


@dataclass
class Table:
    """One table of an export: where it came from, its headers and its cells as text."""

    source: str
    headers: list[str]
    columns: list[list[str]]

    @property
    def rows(self) -> int:
        """Number of data rows."""
        return len(self.columns[0]) if self.columns else 0


def read_tables(path: Path) -> list[Table]:
    """The tables of an export: a CSV, every sheet of an XLSX, every CSV/XLSX in a zip.

    A zip is read by the ingest's own zip reader (`skm.ingest.zips.zip_exports`): the same
    limits of members and bytes, the same refusals (unsafe paths, nested zips, members that
    are not CSV/XLSX), the same Mac metadata skipped."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise SkmInputError(f"file tidak dapat dibuka ({exc.strerror})", file=str(path)) from None
    if not is_zip_of_exports(path, head):
        return _tables_of(path.name, path.read_bytes(), str(path))
    tables: list[Table] = []
    for shown, data in zip_exports(path):
        member = shown.relative_to(path).as_posix()
        tables += _tables_of(f"{path.name}/{member}", data, f"{path}/{member}")
    return tables


def _tables_of(name: str, data: bytes, shown: str) -> list[Table]:
    """The tables of one export held in memory (a zip's member, or a file)."""
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_tables(name, data, shown)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SkmInputError(
            "format Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau "
            "unduh ulang sebagai .csv",
            file=shown,
        )
    return [_csv_table(name, data, shown)]


def _csv_table(name: str, data: bytes, shown: str) -> Table:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if not text.strip():
        raise SkmInputError("file kosong (tidak ada judul kolom maupun data)", file=shown)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SkmInputError(f"file tidak dapat dibaca sebagai CSV ({exc})", file=shown) from None
    return _table(name, records[0], records[1:])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_tables(name: str, data: bytes, shown: str) -> list[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise SkmInputError(f"berkas Excel tidak dapat dibuka ({exc})", file=shown) from None
    tables = []
    try:
        for sheet in book.worksheets:
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            head = rows[:SCAN_ROWS]
            if not head:
                continue
            widths = [sum(1 for t in row if t.strip()) for row in head]
            at = int(np.argmax(widths))
            if widths[at] < 2:
                continue
            tables.append(_table(f"{name} (lembar '{sheet.title}')", rows[at], rows[at + 1 :]))
    finally:
        book.close()
    if not tables:
        raise SkmInputError("tidak ada lembar berisi tabel jawaban", file=shown)
    return tables


def _table(source: str, header: list[str], records: list[list[str]]) -> Table:
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    records = [r for r in records if any(c.strip() for c in r)]
    columns = [[r[i] if i < len(r) else "" for r in records] for i in range(width)]
    return Table(source=source, headers=[h.strip() for h in header[:width]], columns=columns)
