"""The hasil olah data workbook: formulas an auditor can follow, with their cached values.

Written with XlsxWriter, which (unlike openpyxl) stores a formula's cached value, so viewers
that do not calculate still show the numbers. The layout follows the regulation step by step:
per unsur the SUM and COUNT of the answers (a blank is not counted), NRR = jumlah / jawaban,
NRR tertimbang = NRR / 9, IKM = the sum of the nine, IKM unit pelayanan = IKM x 25 rounded
half-up to two decimals (ROUND in Excel and LibreOffice rounds half away from zero on the
decimal value), and the mutu looked up in the regulation's table on the sheet "Kategori mutu".

Every cached value comes from the exact arithmetic of `skm.domain` (Fractions), never from a
float re-computation here. Every value that comes from an input (unit name, layanan, answers
of the demographic questions, saran, rejected values, file names) is written as a string cell:
only formulas composed here are formula cells, so an input starting with ``=`` stays text.

The zip is deterministic: fixed creation date, one fixed timestamp for every entry.
"""

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

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from skm.domain import BANDS, KONVERSI, UNSUR_CODES, UNSUR_NAMES, WEIGHT, classify, round_half_up
from skm.errors import SkmInputError
from skm.io import atomic_write_bytes
from skm.scoring.tables import layanan_label

__all__ = [
    "Book",
    "WorkbookLimitError",
    "normalize_zip",
    "olah_data_cells",
    "save_workbook",
    "write_olah_data",
]

#: Excel's limits: rows per sheet and UTF-16 code units per cell. A write past them makes
#: XlsxWriter return -1 (the cell is dropped) or -2 (the text cut without a mark): `Sheet`
#: checks every return code, cuts long text with a visible marker, and sheets of many rows
#: continue on further sheets (`Book.paged`).
MAX_ROWS = 1_048_576
MAX_CELL_CHARS = 32_767
#: Excel refuses a file holding a formula longer than this (XlsxWriter writes it anyway).
MAX_FORMULA_CHARS = 8_192


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
        marker = f" … [dipotong: {len(text) - keep:,} karakter tidak dimuat]".replace(",", ".")
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

    def __init__(self) -> None:
        super().__init__()
        self.xls_rowmax = MAX_ROWS

    def _checked(self, rc: int, row: int, col: int) -> int:
        if rc == -1:
            raise WorkbookLimitError(
                f"lembar kerja '{self.name}': sel baris {row + 1:,}, kolom {col + 1} tidak dapat "
                f"ditulis (batas Excel {MAX_ROWS:,} baris per lembar)".replace(",", ".")
            )
        return rc

    def write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        return self._checked(
            super().write_string(row, col, cut_text(string), cell_format), row, col
        )

    def write_number(self, row: int, col: int, number: Any, cell_format: Any = None) -> int:
        return self._checked(super().write_number(row, col, number, cell_format), row, col)

    def write_formula(
        self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0
    ) -> int:
        if isinstance(value, str):
            value = cut_text(value)
        if len(formula) > MAX_FORMULA_CHARS:
            raise WorkbookLimitError(
                f"lembar kerja '{self.name}': rumus sel baris {row + 1}, kolom {col + 1} "
                f"{nf_int(len(formula))} karakter, melebihi batas Excel "
                f"{nf_int(MAX_FORMULA_CHARS)} karakter (terlalu banyak layanan dalam daftar "
                "layanan unit.yaml?)"
            )
        return self._checked(super().write_formula(row, col, formula, cell_format, value), row, col)


#: Number formats (the viewer's locale decides the separators: 85,20 in an Indonesian locale).
#: Number formats tagged with the Indonesian locale (LCID 421): LibreOffice shows 1.234,50
#: whatever the computer's language; Excel keeps the computer's own separators.
FMT_INT = "[$-421]#,##0"
FMT_2 = "[$-421]#,##0.00"
FMT_3 = "[$-421]#,##0.000"

BAND_SHEET = "Kategori mutu"


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


def save_workbook(wb: Any, path: str | Path, when: dt.datetime) -> None:
    """Save an openpyxl workbook atomically with fixed metadata and zip timestamps."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = when.replace(tzinfo=None)
    wb.properties.modified = when.replace(tzinfo=None)
    wb.properties.creator = "skm-pipeline"
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    atomic_write_bytes(normalize_zip(buf.getvalue(), when), path)


def _num(value: Fraction | float) -> float:
    """The nearest double of an exact value (the cached value of a formula)."""
    return float(value)


class Book:
    """An XlsxWriter workbook written to a temporary file, saved deterministically.

    Rows are written in order (``constant_memory``), so a sheet of a million respondents does
    not hold its cells in memory. Text goes through `text` only: XlsxWriter's own conversions
    of strings to formulas, numbers or links are off.
    """

    def __init__(self, when: dt.datetime, title: str) -> None:
        self.when = when
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

    @staticmethod
    def pages(rows: int, header_row: int = 2) -> int:
        """How many sheets `rows` data rows under `header_row` need (at least one)."""
        per = MAX_ROWS - header_row - 1
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
        ``name (2)``, ... when a sheet is full (Excel holds MAX_ROWS rows per sheet). Yields
        (sheet, row) for each data row, in order."""
        per = MAX_ROWS - header_row - 1
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


def band_sheet(book: Book) -> tuple[str, str, str]:
    """The regulation's category table; returns the ranges (lower bounds, mutu, kinerja)."""
    ws = book.sheet(BAND_SHEET, 2, [16, 16, 8, 18], "Kategori mutu pelayanan (PermenPANRB 14/2017)")
    book.header(ws, 2, ["Nilai konversi dari", "sampai", "Mutu", "Kinerja unit pelayanan"])
    for i, band in enumerate(BANDS):
        r = 3 + i
        ws.write_number(r, 0, float(band.low), book.fmt(FMT_2))
        ws.write_number(r, 1, float(band.high), book.fmt(FMT_2))
        ws.write_string(r, 2, band.mutu, book.fmt(align="center"))
        ws.write_string(r, 3, band.kinerja)
    ws.write_string(
        8,
        0,
        "Nilai konversi yang sudah dibulatkan ke dua desimal dicari pada "
        "kolom pertama (nilai terbesar yang tidak melebihi nilai itu).",
    )
    first, last = 4, 3 + len(BANDS)
    q = f"'{BAND_SHEET}'!"
    return (f"{q}$A${first}:$A${last}", f"{q}$C${first}:$C${last}", f"{q}$D${first}:$D${last}")


@dataclass
class Bands:
    """Ranges of the category table, for LOOKUP formulas."""

    low: str
    mutu: str
    kinerja: str

    def mutu_of(self, cell: str) -> str:
        return f"LOOKUP({cell},{self.low},{self.mutu})"

    def kinerja_of(self, cell: str) -> str:
        return f"LOOKUP({cell},{self.low},{self.kinerja})"


def _cara_membaca(book: Book, name: str, year: Any, sheets: list[tuple[str, str]]) -> None:
    ws = book.sheet(
        "Cara membaca", 2, [22, 110], f"Cara membaca lembar kerja ini — {name}, tahun {year}"
    )
    book.header(ws, 2, ["Lembar", "Isi"])
    wrap = book.fmt(wrap=True)
    for i, (sheet, what) in enumerate(sheets):
        book.fit_row(ws, 3 + i, [(what, 110)])
        book.text(ws, 3 + i, 0, sheet, book.fmt(bold=True))
        book.text(ws, 3 + i, 1, what, wrap)
    r = 4 + len(sheets)
    notes = [
        (
            "Angka resmi adalah angka yang tercantum dalam Laporan SKM yang ditandatangani; lembar "
            "kerja ini disediakan agar perhitungannya dapat diperiksa ulang."
        ),
        (
            "Sel berwarna hitam biasa berisi data; sel angka hasil hitungan berisi rumus (klik sel "
            "untuk melihatnya). Nilai yang tersimpan di sel rumus dihitung oleh pipeline dengan "
            "pecahan eksak, sehingga sama dengan hasil rumus saat lembar kerja dihitung ulang."
        ),
        (
            "Jawaban kosong tidak dihitung sebagai 0: NRR suatu unsur = jumlah nilai / jumlah "
            "jawaban unsur itu (fungsi SUM dan COUNT)."
        ),
        (
            "Bobot tiap unsur tepat 1/9 (NRR tertimbang = NRR / 9); angka 0,111 yang sering dicetak "
            "hanya pembulatannya. IKM unit pelayanan = IKM x 25, dibulatkan sekali ke dua desimal "
            "(setengah ke atas, fungsi ROUND), lalu mutu ditentukan dari nilai yang dibulatkan itu "
            "menurut lembar 'Kategori mutu'."
        ),
        (
            "Format angka memakai pemisah Indonesia (85,20; 1.234); Microsoft Excel menampilkan "
            "pemisah menurut pengaturan bahasa komputer."
        ),
    ]
    for i, note in enumerate(notes):
        book.fit_row(ws, r + i, [(note, 110)])
        book.text(ws, r + i, 0, "Catatan" if i == 0 else "", book.fmt(bold=True))
        book.text(ws, r + i, 1, note, wrap)


def _ikm_exact(sums: Sequence[int], ns: Sequence[int]) -> Fraction | None:
    if min(ns) == 0:
        return None
    return sum((Fraction(s, n) * WEIGHT for s, n in zip(sums, ns, strict=True)), Fraction(0))


@dataclass
class Group:
    """One row of a group sheet: the key shown in column A (a number or a string cell), the
    SUMPRODUCT condition selecting the group's rows of sheet 'Olah Data' (``{key}`` stands for
    the key's cell) and the group's responses (for the cached values)."""

    key: Any
    match: str
    frame: pd.DataFrame


def _group_sheet(
    book: Book,
    bands: Bands,
    name: str,
    title: str,
    key_title: str,
    groups: list[Group],
    first: int,
    last: int,
    note: str = "",
) -> None:
    """Per group: n, per unsur jumlah and jawaban (SUMPRODUCT over the Olah Data columns),
    the group's IKM unit pelayanan, rounded, and its mutu."""
    labels = [key_title, "Jumlah responden"]
    for c in UNSUR_CODES:
        labels += [f"{c} jumlah nilai", f"{c} jawaban"]
    labels += ["IKM unit pelayanan", "Dibulatkan", "Mutu"]
    ws = book.sheet(name, 2, [28, 11] + [8] * 18 + [13, 11, 7], title)
    if note:
        book.text(ws, 1, 0, note)
    book.header(ws, 2, labels)
    od = "'Olah Data'!"
    for i, group in enumerate(groups):
        r = 3 + i
        kcell = xl_rowcol_to_cell(r, 0, row_abs=False, col_abs=True)
        if isinstance(group.key, str):
            book.text(ws, r, 0, group.key)
        else:
            ws.write_number(r, 0, group.key)
        match = group.match.replace("{key}", kcell)
        sums, ns = _exact_sums(group.frame)
        ws.write_formula(r, 1, f"=SUMPRODUCT({match})", book.fmt(FMT_INT), len(group.frame))
        terms = []
        for j, _code in enumerate(UNSUR_CODES):
            col = xl_col_to_name(2 + j)
            values = f"{od}${col}${first}:${col}${last}"
            scell = xl_rowcol_to_cell(r, 2 + 2 * j)
            ncell = xl_rowcol_to_cell(r, 3 + 2 * j)
            ws.write_formula(
                r, 2 + 2 * j, f"=SUMPRODUCT({match},{values})", book.fmt(FMT_INT), sums[j]
            )
            ws.write_formula(
                r, 3 + 2 * j, f"=SUMPRODUCT({match},--ISNUMBER({values}))", book.fmt(FMT_INT), ns[j]
            )
            terms.append(f"{scell}/{ncell}")
        exact = _ikm_exact(sums, ns)
        konv_cell = xl_rowcol_to_cell(r, 20)
        round_cell = xl_rowcol_to_cell(r, 21)
        missing = "tidak dapat dihitung"
        if exact is None:
            cached: tuple[Any, Any, Any] = (missing, missing, "")
        else:
            konv = exact * KONVERSI
            cached = (_num(konv), _num(round_half_up(konv, 2)), classify(konv).mutu)
        ws.write_formula(
            r, 20, f'=IFERROR(({"+".join(terms)})/9*25,"{missing}")', book.fmt(FMT_2), cached[0]
        )
        ws.write_formula(
            r, 21, f'=IFERROR(ROUND({konv_cell},2),"{missing}")', book.fmt(FMT_2), cached[1]
        )
        ws.write_formula(
            r, 22, f'=IFERROR({bands.mutu_of(round_cell)},"")', book.fmt(align="center"), cached[2]
        )


@dataclass(frozen=True)
class OlahDataCells:
    """Where the regulation's figures sit on sheet 'Olah Data' (0-based rows, cols 2..10)."""

    first_data: int
    last_data: int
    sum_row: int
    count_row: int
    nrr_row: int
    nrrt_row: int
    konv_row: int
    konv_round_row: int
    mutu_row: int
    ikm_row: int
    ikm_konv_row: int
    ikm_round_row: int
    ikm_mutu_row: int
    ikm_kinerja_row: int


def olah_data_cells(n: int) -> OlahDataCells:
    """The layout of sheet 'Olah Data' for `n` respondents (header on row 3, data from 4)."""
    first, last = 3, 3 + max(n, 1) - 1
    s = last + 2
    return OlahDataCells(
        first,
        last,
        s,
        s + 1,
        s + 2,
        s + 3,
        s + 4,
        s + 5,
        s + 6,
        s + 8,
        s + 9,
        s + 10,
        s + 11,
        s + 12,
    )


#: The first 0-based column of sheet 'Olah Data' holding a layanan's 0/1 flags (after
#: No., ID, U1..U9, Layanan, Semester, Triwulan).
FLAG_COL = 14


def nf_int(value: int) -> str:
    """An integer with the Indonesian thousands separator (1.048.576)."""
    return f"{value:,}".replace(",", ".")


def _responses_frame(responses: pd.DataFrame) -> pd.DataFrame:
    frame = responses.copy()
    for col in ("layanan", "semester", "triwulan", "saran"):
        if col not in frame.columns:
            frame[col] = pd.NA
    return frame


def _flag_columns(frame: pd.DataFrame) -> list[str]:
    """The responses.csv 0/1 columns ``layanan[<name>]``, in the unit's order."""
    return [c for c in frame.columns if layanan_label(c) is not None]


def _checkbox(frame: pd.DataFrame) -> bool:
    """Whether `skm.scoring.ikm` grouped the layanan by the ticks (a checkbox question)."""
    from skm.scoring.ikm import checkbox_layanan

    return bool(_flag_columns(frame)) and checkbox_layanan(frame) is not None


def _exact_sums(frame: pd.DataFrame) -> tuple[list[int], list[int]]:
    sums, ns = [], []
    for c in UNSUR_CODES:
        col = pd.to_numeric(frame[c], errors="coerce").dropna()
        sums.append(int(col.sum()))
        ns.append(int(col.size))
    return sums, ns


def write_olah_data(
    ikm: dict,
    responses: pd.DataFrame,
    path: str | Path,
    when: dt.datetime,
    rejected: pd.DataFrame | None = None,
) -> None:
    """The hasil olah data workbook of one unit-year.

    Sheets: Cara membaca; Olah Data (respondent x U1..U9 and the formula rows); Ringkasan;
    Karakteristik responden; Per layanan; Per semester; Per triwulan; Ditolak (rejected rows
    with their reasons); Saran (as redacted at ingest); Kategori mutu.

    `responses` holds the scored responses (id, U1..U9 and, when present, layanan, semester,
    triwulan, saran); `rejected` the rejected rows (file, raw_row, column, value, reason).
    """
    frame = _responses_frame(responses)
    n = len(frame)
    cells = olah_data_cells(n)
    name, year = ikm["name"], ikm["year"]
    if cells.ikm_kinerja_row >= MAX_ROWS:
        raise WorkbookLimitError(
            f"{name} ({ikm.get('unit', '')}) tahun {year}: {nf_int(n)} responden tidak muat di "
            f"lembar 'Olah Data' (batas Excel {nf_int(MAX_ROWS)} baris per lembar, termasuk "
            f"{nf_int(cells.ikm_kinerja_row + 1 - n)} baris judul dan rumus; rumus SUM dan COUNT "
            "memerlukan semua jawaban dalam satu kolom). Lembar olah data tidak dibuat. Bagi "
            "survei menjadi beberapa periode (survei.yaml: period) agar setiap periode di bawah "
            "batas itu, lalu jalankan lagi"
        )
    book = Book(when, f"Hasil olah data SKM {name} {year}")
    checkbox = _checkbox(frame)
    saran_rows = int((frame["saran"].astype("string").fillna("").str.strip() != "").sum())
    rejected_rows = 0 if rejected is None else len(rejected)

    def more(sheet: str, rows: int) -> str:
        pages = Book.pages(rows)
        if pages == 1:
            return ""
        return (
            f" Baris yang tidak muat di satu lembar (batas Excel {nf_int(MAX_ROWS)} baris) "
            f"berlanjut di lembar '{sheet} (2)' sampai '{sheet} ({pages})'."
        )

    sheets = [
        (
            "Olah Data",
            (
                "Nilai setiap responden (1–4) untuk unsur U1–U9, lalu baris rumus: jumlah "
                "nilai, jumlah jawaban, NRR, NRR tertimbang, konversi per unsur, IKM, IKM "
                "unit pelayanan dan mutu pelayanan."
            ),
        ),
        (
            "Ringkasan",
            (
                "Nilai per unsur dan IKM unit pelayanan, merujuk ke baris rumus di lembar "
                "Olah Data (untuk dicetak)."
            ),
        ),
        (
            "Karakteristik",
            (
                "Jumlah dan persentase responden menurut jenis kelamin, usia, "
                "pendidikan, pekerjaan dan jenis layanan."
            ),
        ),
        (
            "Per layanan",
            (
                "IKM unit pelayanan per jenis layanan (analisis tambahan), dihitung "
                + (
                    "dari kolom 'Layanan: ...' (1 = dicentang) di lembar Olah Data; "
                    "seorang responden dapat terhitung di beberapa layanan."
                    if checkbox
                    else "dari kolom Layanan di lembar Olah Data."
                )
            ),
        ),
        ("Per semester", "IKM unit pelayanan per semester menurut waktu pengisian."),
        ("Per triwulan", "IKM unit pelayanan per triwulan menurut waktu pengisian."),
        (
            "Ditolak",
            "Baris ekspor yang tidak diolah beserta alasannya (berkas, baris, kolom)."
            + more("Ditolak", rejected_rows),
        ),
        (
            "Saran",
            (
                "Saran dan masukan responden; data pribadi (nama, surel, nomor telepon) sudah "
                "disamarkan." + more("Saran", saran_rows)
            ),
        ),
        (BAND_SHEET, "Tabel kategori mutu dan kinerja unit pelayanan menurut PermenPANRB 14/2017."),
    ]
    _cara_membaca(book, name, year, sheets)
    bands = _olah_data_sheet(book, ikm, frame, cells)
    _ringkasan_sheet(book, ikm, cells, bands)
    _karakteristik_sheet(book, ikm, cells)
    first, last = cells.first_data + 1, cells.last_data + 1

    od = "'Olah Data'!"

    def rng(col: str) -> str:
        return f"{od}${col}${first}:${col}${last}"

    def text_groups(column: str, col: str) -> list[Group]:
        keyed = frame[column].astype("string")
        return [
            Group(v, f"--EXACT({rng(col)},{{key}})", frame[keyed == v])
            for v in sorted({str(v) for v in frame[column].dropna()})
        ]

    flags = _flag_columns(frame)
    if _checkbox(frame):
        # As skm.scoring.ikm.by_layanan_ticked: a respondent counts in every layanan ticked
        # (its flag column), and one who ticked none in the group of the text they gave.
        groups: dict[str, Group] = {}
        letters = [xl_col_to_name(FLAG_COL + k) for k in range(len(flags))]
        for column, letter in zip(flags, letters, strict=True):
            ticked = frame[column].to_numpy(dtype=np.int64) == 1
            if ticked.any():
                groups[str(layanan_label(column))] = Group(
                    str(layanan_label(column)), f"--({rng(letter)}=1)", frame[ticked]
                )
        none = sum(frame[c].to_numpy(dtype=np.int64) for c in flags) == 0
        no_tick = "(" + "+".join(rng(x) for x in letters) + ")=0"
        rest = frame[none]
        keyed = rest["layanan"].astype("string")
        for v in sorted({str(v) for v in rest["layanan"].dropna()}):
            groups.setdefault(
                v, Group(v, f"EXACT({rng('L')},{{key}})*({no_tick})", rest[keyed == v])
            )
        lay = [groups[k] for k in sorted(groups)]
        note = (
            "Pertanyaan jenis layanan berupa kotak centang: seorang responden dapat terhitung "
            "di beberapa layanan (kolom Layanan: ... di lembar Olah Data), sehingga jumlah "
            "responden semua layanan dapat melebihi jumlah responden."
        )
    else:
        lay = text_groups("layanan", "L")
        note = "Dikelompokkan menurut kolom Layanan di lembar Olah Data (analisis tambahan)."
    _group_sheet(
        book,
        bands,
        "Per layanan",
        f"IKM per jenis layanan — {name} {year}",
        "Jenis layanan",
        lay,
        first,
        last,
        note,
    )
    for col, label, letter in (("semester", "Semester", "M"), ("triwulan", "Triwulan", "N")):
        values = pd.to_numeric(frame[col], errors="coerce")
        keys = sorted({int(v) for v in values.dropna()})
        _group_sheet(
            book,
            bands,
            f"Per {col}",
            f"IKM per {col} — {name} {year}",
            label,
            [Group(k, f"--({rng(letter)}={{key}})", frame[values == k]) for k in keys],
            first,
            last,
        )
    _rejected_sheet(book, rejected)
    _saran_sheet(book, frame)
    # The band table is written last: constant_memory needs each sheet's rows in order, and
    # the formulas above only name its ranges.
    band_sheet(book)
    book.save(path)


def _olah_data_sheet(book: Book, ikm: dict, frame: pd.DataFrame, cells: OlahDataCells) -> Bands:
    q = f"'{BAND_SHEET}'!"
    bands = Bands(f"{q}$A$4:$A$7", f"{q}$C$4:$C$7", f"{q}$D$4:$D$7")
    flags = _flag_columns(frame)
    ws = book.sheet(
        "Olah Data",
        2,
        [7, 46] + [8] * 9 + [30, 10, 10] + [14] * len(flags),
        f"Hasil olah data SKM {ikm['name']} tahun {ikm['year']}",
    )
    period = ikm.get("period") or {}
    book.text(
        ws,
        1,
        0,
        f"Periode {period.get('start', '')} s.d. {period.get('end', '')}; "
        f"{len(frame)} responden"
        + ("; kolom 'Layanan: ...' = 1 bila layanan itu dicentang" if flags else ""),
    )
    book.header(
        ws,
        2,
        [
            "No.",
            "ID Responden",
            *UNSUR_CODES,
            "Layanan",
            "Semester",
            "Triwulan",
            *[f"Layanan: {layanan_label(c)}" for c in flags],
        ],
    )
    center = book.fmt(align="center")
    ticks = [frame[c].to_numpy(dtype=np.int64) for c in flags]
    for i, row in enumerate(frame.itertuples(index=False)):
        r = cells.first_data + i
        for k, values in enumerate(ticks):
            ws.write_number(r, FLAG_COL + k, int(values[i]), center)
        ws.write_number(r, 0, i + 1)
        book.text(ws, r, 1, row.id)
        for j, c in enumerate(UNSUR_CODES):
            v = getattr(row, c)
            if not pd.isna(v):
                ws.write_number(r, 2 + j, int(v), center)
        lay = row.layanan
        if not pd.isna(lay):
            book.text(ws, r, 11, lay)
        for k, col in ((12, "semester"), (13, "triwulan")):
            v = getattr(row, col)
            if not pd.isna(v):
                ws.write_number(r, k, int(v), center)
    first, last = cells.first_data + 1, cells.last_data + 1
    bold = book.fmt(bold=True)
    labels = [
        (cells.sum_row, "Jumlah nilai (SUM)"),
        (cells.count_row, "Jumlah jawaban (COUNT; kosong tidak dihitung)"),
        (cells.nrr_row, "NRR = jumlah nilai / jumlah jawaban"),
        (cells.nrrt_row, "NRR tertimbang = NRR / 9"),
        (cells.konv_row, "Konversi unsur = NRR x 25"),
        (cells.konv_round_row, "Konversi unsur dibulatkan (ROUND, 2 desimal)"),
        (cells.mutu_row, "Mutu unsur"),
    ]
    rows: dict[int, list[tuple[str, Any, str | None]]] = {r: [] for r, _ in labels}
    unsur = {u["code"]: u for u in ikm["unsur"]}
    for j, c in enumerate(UNSUR_CODES):
        col = xl_col_to_name(2 + j)
        u = unsur[c]
        nrr = Fraction(u["sum"], u["n"])

        def ref(row: int, col: str = col) -> str:
            return f"{col}{row + 1}"

        rows[cells.sum_row].append((f"=SUM({col}{first}:{col}{last})", u["sum"], FMT_INT))
        rows[cells.count_row].append((f"=COUNT({col}{first}:{col}{last})", u["n"], FMT_INT))
        rows[cells.nrr_row].append(
            (f"={ref(cells.sum_row)}/{ref(cells.count_row)}", _num(nrr), FMT_2)
        )
        rows[cells.nrrt_row].append((f"={ref(cells.nrr_row)}/9", _num(nrr * WEIGHT), FMT_3))
        rows[cells.konv_row].append((f"={ref(cells.nrr_row)}*25", _num(nrr * KONVERSI), FMT_2))
        rows[cells.konv_round_row].append(
            (f"=ROUND({ref(cells.konv_row)},2)", _num(round_half_up(nrr * KONVERSI, 2)), FMT_2)
        )
        rows[cells.mutu_row].append(
            (f"={bands.mutu_of(ref(cells.konv_round_row))}", classify(nrr * KONVERSI).mutu, None)
        )
    for r, label in labels:
        book.text(ws, r, 1, label, bold)
        for j, (formula, cached, fmt) in enumerate(rows[r]):
            ws.write_formula(r, 2 + j, formula, book.fmt(fmt, align="center"), cached)
    ikm_exact = _ikm_exact([u["sum"] for u in ikm["unsur"]], [u["n"] for u in ikm["unsur"]])
    konv = ikm_exact * KONVERSI
    nrrt = f"C{cells.nrrt_row + 1}:K{cells.nrrt_row + 1}"
    total = [
        (cells.ikm_row, "IKM = jumlah NRR tertimbang", f"=SUM({nrrt})", _num(ikm_exact), FMT_3),
        (
            cells.ikm_konv_row,
            "IKM unit pelayanan = IKM x 25",
            f"=C{cells.ikm_row + 1}*25",
            _num(konv),
            FMT_2,
        ),
        (
            cells.ikm_round_row,
            "IKM unit pelayanan dibulatkan (ROUND, 2 desimal)",
            f"=ROUND(C{cells.ikm_konv_row + 1},2)",
            _num(round_half_up(konv, 2)),
            FMT_2,
        ),
        (
            cells.ikm_mutu_row,
            "Mutu pelayanan",
            f"={bands.mutu_of(f'C{cells.ikm_round_row + 1}')}",
            classify(konv).mutu,
            None,
        ),
        (
            cells.ikm_kinerja_row,
            "Kinerja unit pelayanan",
            f"={bands.kinerja_of(f'C{cells.ikm_round_row + 1}')}",
            classify(konv).kinerja,
            None,
        ),
    ]
    for r, label, formula, cached, fmt in total:
        book.text(ws, r, 1, label, bold)
        ws.write_formula(r, 2, formula, book.fmt(fmt, bold=True), cached)
    return bands


def _ringkasan_sheet(book: Book, ikm: dict, cells: OlahDataCells, bands: Bands) -> None:
    ws = book.sheet(
        "Ringkasan",
        2,
        [7, 40, 12, 12, 10, 14, 12, 8],
        f"Ringkasan nilai per unsur — {ikm['name']} {ikm['year']}",
    )
    book.header(
        ws,
        2,
        [
            "Kode",
            "Unsur",
            "Jumlah nilai",
            "Jumlah jawaban",
            "NRR",
            "NRR tertimbang",
            "Konversi",
            "Mutu",
        ],
    )
    od = "'Olah Data'!"
    unsur = {u["code"]: u for u in ikm["unsur"]}
    for j, c in enumerate(UNSUR_CODES):
        r = 3 + j
        col = xl_col_to_name(2 + j)
        u = unsur[c]
        nrr = Fraction(u["sum"], u["n"])
        ws.write_string(r, 0, c)
        ws.write_string(r, 1, UNSUR_NAMES[c])
        for k, (row, cached, fmt) in enumerate(
            [
                (cells.sum_row, u["sum"], FMT_INT),
                (cells.count_row, u["n"], FMT_INT),
                (cells.nrr_row, _num(nrr), FMT_2),
                (cells.nrrt_row, _num(nrr * WEIGHT), FMT_3),
                (cells.konv_round_row, _num(round_half_up(nrr * KONVERSI, 2)), FMT_2),
                (cells.mutu_row, classify(nrr * KONVERSI).mutu, None),
            ]
        ):
            ws.write_formula(r, 2 + k, f"={od}{col}{row + 1}", book.fmt(fmt), cached)
    konv = Fraction(*ikm["exact"]["ikm_konversi"])
    r = 3 + len(UNSUR_CODES) + 1
    for k, (label, row, cached, fmt) in enumerate(
        [
            ("IKM", cells.ikm_row, _num(konv / KONVERSI), FMT_3),
            ("IKM unit pelayanan", cells.ikm_round_row, _num(round_half_up(konv, 2)), FMT_2),
            ("Mutu pelayanan", cells.ikm_mutu_row, classify(konv).mutu, None),
            ("Kinerja unit pelayanan", cells.ikm_kinerja_row, classify(konv).kinerja, None),
        ]
    ):
        ws.write_string(r + k, 1, label, book.fmt(bold=True))
        ws.write_formula(r + k, 2, f"={od}C{row + 1}", book.fmt(fmt, bold=True), cached)


FIELD_TITLES = {
    "jenis_kelamin": "Jenis kelamin",
    "usia": "Usia",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pekerjaan",
    "layanan": "Jenis layanan",
}


def _karakteristik_sheet(book: Book, ikm: dict, cells: OlahDataCells) -> None:
    ws = book.sheet(
        "Karakteristik",
        2,
        [18, 40, 12, 14],
        f"Karakteristik responden — {ikm['name']} {ikm['year']}",
    )
    # The percentages are of all respondents (n, counted on sheet 'Olah Data'): the
    # categories of a checkbox question add up to more than n.
    n = int(ikm.get("n_valid", 0))
    book.text(ws, 1, 1, "Jumlah responden (n, dari lembar Olah Data)", book.fmt(bold=True))
    ids = f"'Olah Data'!$B${cells.first_data + 1}:$B${cells.last_data + 1}"
    ws.write_formula(1, 2, f"=COUNTA({ids})", book.fmt(FMT_INT, bold=True), n)
    ncell = "$C$2"
    book.header(ws, 2, ["Karakteristik", "Kategori", "Jumlah", "Persentase (%)"])
    r = 3
    for field, title in FIELD_TITLES.items():
        info = (ikm.get("demografi") or {}).get(field)
        if not info:
            continue
        cats = info["categories"]
        first = r
        for cat in cats:
            book.text(ws, r, 0, title if r == first else "")
            book.text(ws, r, 1, cat["label"])
            ws.write_number(r, 2, cat["count"], book.fmt(FMT_INT))
            ws.write_formula(
                r,
                3,
                f"=IFERROR(ROUND(C{r + 1}/{ncell}*100,2),0)",
                book.fmt(FMT_2),
                _num(round_half_up(Fraction(100 * cat["count"], info["n"]) if info["n"] else 0, 2)),
            )
            r += 1
        book.text(ws, r, 1, "Jumlah", book.fmt(bold=True))
        ws.write_formula(
            r,
            2,
            f"=SUM(C{first + 1}:C{r})",
            book.fmt(FMT_INT, bold=True),
            sum(c["count"] for c in cats),
        )
        ws.write_formula(
            r,
            3,
            f"=SUM(D{first + 1}:D{r})",
            book.fmt(FMT_2, bold=True),
            _num(sum(round_half_up(Fraction(100 * c["count"], info["n"]), 2) for c in cats))
            if info["n"]
            else 0.0,
        )
        r += 2


def _empty_sheet(
    book: Book, name: str, widths: list[int], title: str, labels: list[str], message: str
) -> None:
    """A list sheet with its header and one line saying the list is empty."""
    ws = book.sheet(name, 2, widths, title)
    book.header(ws, 2, labels)
    ws.write_string(3, 0, message)


def _rejected_sheet(book: Book, rejected: pd.DataFrame | None) -> None:
    widths, title = [28, 8, 24, 30, 50], "Baris yang tidak diolah dan alasannya"
    labels = ["Berkas", "Baris", "Kolom", "Nilai", "Alasan"]
    if rejected is None or rejected.empty:
        _empty_sheet(book, "Ditolak", widths, title, labels, "Tidak ada baris yang ditolak.")
        return
    wrap = book.fmt(wrap=True)
    places = book.paged("Ditolak", 2, widths, title, labels, len(rejected))
    for (ws, r), row in zip(places, rejected.itertuples(index=False), strict=True):
        book.fit_row(
            ws,
            r,
            [(_clean(getattr(row, "value", "")), 30), (_clean(getattr(row, "reason", "")), 50)],
        )
        book.text(ws, r, 0, _clean(getattr(row, "file", "")))
        book.text(ws, r, 1, _clean(getattr(row, "raw_row", "")))
        book.text(ws, r, 2, _clean(getattr(row, "column", "")))
        book.text(ws, r, 3, _clean(getattr(row, "value", "")), wrap)
        book.text(ws, r, 4, _clean(getattr(row, "reason", "")), wrap)


def _saran_sheet(book: Book, frame: pd.DataFrame) -> None:
    widths, title, labels = (
        [7, 13, 100],
        "Saran dan masukan responden",
        ["No.", "ID Responden", "Saran"],
    )
    saran = frame["saran"].astype("string").fillna("").str.strip()
    rows = frame.loc[saran != "", "id"].astype(str).tolist()
    texts = saran[saran != ""].tolist()
    if not texts:
        _empty_sheet(book, "Saran", widths, title, labels, "Tidak ada saran yang diisi.")
        return
    wrap = book.fmt(wrap=True)
    places = book.paged("Saran", 2, widths, title, labels, len(texts))
    for i, ((ws, r), rid, text) in enumerate(zip(places, rows, texts, strict=True)):
        book.fit_row(ws, r, [(text, 100)])
        ws.write_number(r, 0, i + 1)
        book.text(ws, r, 1, rid)
        book.text(ws, r, 2, text, wrap)


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value)
