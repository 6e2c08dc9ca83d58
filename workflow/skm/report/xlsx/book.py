"""Workbook primitives: Excel's limits, a sheet that never drops a cell, number formats, and
a deterministic XlsxWriter workbook (`Book`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from skm import numfmt as nf
from skm.errors import SkmInputError
from skm.io import atomic_write_bytes

#: Excel's limits: rows per sheet and UTF-16 code units per cell. A write past them makes
#: XlsxWriter return -1 (the cell is dropped) or -2 (the text cut without a mark): `Sheet`
#: checks every return code, cuts long text with a visible marker, and sheets of many rows
#: continue on further sheets (`Book.paged`).
MAX_ROWS = 1_048_576
MAX_CELL_CHARS = 32_767
#: Excel refuses a file holding a formula longer than this (XlsxWriter writes it anyway).
MAX_FORMULA_CHARS = 8_192


@dataclass(frozen=True)
class ExcelLimits:
    """The limits a workbook is written against: Excel's by default (`EXCEL`); smaller ones
    show on a small sample what a very large unit does."""

    rows: int = MAX_ROWS
    cell_chars: int = MAX_CELL_CHARS
    formula_chars: int = MAX_FORMULA_CHARS


EXCEL = ExcelLimits()


class WorkbookLimitError(SkmInputError):
    """A workbook cannot hold the data (Excel's limits): a message for the user, in Indonesian
    (the workflow's scripts print it without a traceback)."""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cut_text(text: str, limit: int | None = None) -> str:
    """`text` cut to fit one cell (`limit` UTF-16 code units, Excel's 32.767), marked as the
    ingest marks a cut saran: ``… [dipotong: N karakter tidak dimuat]``."""
    limit = MAX_CELL_CHARS if limit is None else limit
    if len(text) <= limit // 2 or _utf16_len(text) <= limit:
        return text
    keep = len(text)
    while True:
        marker = f" … [dipotong: {nf.angka(len(text) - keep, 0)} karakter tidak dimuat]"
        room = limit - _utf16_len(marker)
        # Shrink `keep` until the kept prefix and the marker fit (the marker's number changes).
        prefix = text[:keep]
        over = _utf16_len(prefix) - room
        if over <= 0:
            return prefix + marker
        keep -= max(1, over // 2)


class Sheet(Worksheet):
    """A worksheet that never drops or silently cuts a cell: text longer than a cell holds is
    cut with a marker, and any other refused write (a row past the limit, a row written out of
    order) raises instead of returning XlsxWriter's error code."""

    limits: ExcelLimits = EXCEL

    def __init__(self) -> None:
        super().__init__()
        self.xls_rowmax = self.limits.rows

    def limit_to(self, limits: ExcelLimits) -> None:
        """Write against `limits` (before the first cell)."""
        self.limits = limits
        self.xls_rowmax = limits.rows

    def _checked(self, rc: int, row: int, col: int) -> int:
        if rc == -1:
            raise WorkbookLimitError(
                f"lembar kerja '{self.name}': sel baris {nf.angka(row + 1, 0)}, kolom {col + 1} tidak "
                f"dapat ditulis (batas Excel {nf.angka(self.limits.rows, 0)} baris per lembar)"
            )
        return rc

    def write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        return self._checked(
            super().write_string(row, col, cut_text(string, self.limits.cell_chars), cell_format),
            row,
            col,
        )

    def write_number(self, row: int, col: int, number: Any, cell_format: Any = None) -> int:
        return self._checked(super().write_number(row, col, number, cell_format), row, col)

    def write_formula(
        self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0
    ) -> int:
        if isinstance(value, str):
            value = cut_text(value, self.limits.cell_chars)
        if len(formula) > self.limits.formula_chars:
            raise WorkbookLimitError(
                f"lembar kerja '{self.name}': rumus sel baris {row + 1}, kolom {col + 1} "
                f"{nf.angka(len(formula), 0)} karakter, melebihi batas Excel "
                f"{nf.angka(self.limits.formula_chars, 0)} karakter (terlalu banyak layanan dalam daftar "
                "layanan unit.yaml?)"
            )
        return self._checked(super().write_formula(row, col, formula, cell_format, value), row, col)


#: Number formats (the viewer's locale decides the separators: 85,20 in an Indonesian locale).
#: Number formats tagged with the Indonesian locale (LCID 421): LibreOffice shows 1.234,50
#: whatever the computer's language; Excel keeps the computer's own separators.
FMT_INT = "[$-421]#,##0"
FMT_2 = "[$-421]#,##0.00"
FMT_3 = "[$-421]#,##0.000"


def normalize_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip (xlsx/docx) with its entries in the given order and one fixed timestamp."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            dst.writestr(new, src.read(info.filename))
    return out.getvalue()


def as_float(value: Fraction | float) -> float:
    """The nearest double of an exact value (the cached value of a formula)."""
    return float(value)


class Book:
    """An XlsxWriter workbook written to a temporary file, saved deterministically.

    Rows are written in order (``constant_memory``), so a sheet of a million respondents does
    not hold its cells in memory. Text goes through `text` only: XlsxWriter's own conversions
    of strings to formulas, numbers or links are off.
    """

    def __init__(self, when: dt.datetime, title: str, limits: ExcelLimits = EXCEL) -> None:
        self.when = when
        self.limits = limits
        fd, self._tmp = tempfile.mkstemp(prefix="skm-xlsx-", suffix=".xlsx")
        os.close(fd)
        self.wb = xlsxwriter.Workbook(
            self._tmp,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_date_format": "dd/mm/yyyy",
            },
        )
        self.wb.set_properties(
            {
                "title": title,
                "author": "skm-pipeline",
                "company": "",
                "created": when.replace(tzinfo=None),
            }
        )
        self.wb.set_calc_mode("auto")
        self._formats: dict[tuple, Any] = {}

    def fmt(
        self,
        num_format: str | None = None,
        bold: bool = False,
        wrap: bool = False,
        align: str | None = None,
        size: int | None = None,
    ) -> Any:
        """A cached cell format."""
        key = (num_format, bold, wrap, align, size)
        if key not in self._formats:
            spec: dict[str, Any] = {"valign": "top"}
            if num_format:
                spec["num_format"] = num_format
            if bold:
                spec["bold"] = True
            if wrap:
                spec["text_wrap"] = True
            if align:
                spec["align"] = align
            if size:
                spec["font_size"] = size
            self._formats[key] = self.wb.add_format(spec)
        return self._formats[key]

    def sheet(self, name: str, header_row: int, widths: Sequence[float], title: str) -> Any:
        """A sheet: A4 landscape fit to the page width, header row frozen and printed on
        every page, column widths, the title in A1 (a string cell)."""
        ws = self.wb.add_worksheet(name, worksheet_class=Sheet)
        ws.limit_to(self.limits)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.repeat_rows(header_row)
        ws.freeze_panes(header_row + 1, 0)
        ws.set_footer("&C&P / &N")
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.write_string(0, 0, title, self.fmt(bold=True, size=12))
        return ws

    def pages(self, rows: int, header_row: int = 2) -> int:
        """How many sheets `rows` data rows under `header_row` need (at least one)."""
        per = self.limits.rows - header_row - 1
        return max(1, -(-rows // per))

    def paged(
        self,
        name: str,
        header_row: int,
        widths: Sequence[float],
        title: str,
        labels: Sequence[str],
        rows: int,
    ) -> Any:
        """Sheets for `rows` data rows: the first named `name`, each further one
        ``name (2)``, ... when a sheet is full (Excel holds `limits.rows` rows per sheet). Yields
        (sheet, row) for each data row, in order."""
        per = self.limits.rows - header_row - 1
        for page in range(self.pages(rows, header_row)):
            sheet_name = name if page == 0 else f"{name} ({page + 1})"
            ws = self.sheet(
                sheet_name,
                header_row,
                widths,
                title if page == 0 else f"{title} (lanjutan {page + 1})",
            )
            self.header(ws, header_row, labels)
            for i in range(page * per, min(rows, (page + 1) * per)):
                yield ws, header_row + 1 + i - page * per

    def text(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """A string cell (always: a value from an input never becomes a formula or number)."""
        ws.write_string(row, col, "" if value is None else str(value), fmt)

    def fit_row(self, ws: Any, row: int, cells: Sequence[tuple[Any, float]]) -> None:
        """Set the height of a row whose wrapped cells hold (text, column width) pairs:
        spreadsheets do not grow rows for wrapped text of a file they open. Call before the
        row's cells are written (constant_memory writes rows in order)."""
        lines = 1
        for text, width in cells:
            chars = len(str(text or ""))
            lines = max(lines, math.ceil(chars * 1.1 / max(width - 1, 1)))
        if lines > 1:
            ws.set_row(row, min(15 * lines, 409))  # 409 pt: the tallest row Excel allows

    def header(self, ws: Any, row: int, labels: Sequence[str]) -> None:
        """A bold, wrapped header row (two lines high)."""
        ws.set_row(row, 30)
        f = self.fmt(bold=True, wrap=True, align="center")
        for i, label in enumerate(labels):
            ws.write_string(row, i, label, f)

    def save(self, path: str | Path) -> None:
        """Close, normalise the zip (fixed timestamps) and move into place atomically."""
        try:
            self.wb.close()
            data = Path(self._tmp).read_bytes()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
        atomic_write_bytes(normalize_zip(data, self.when), path)
