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

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from skm import numfmt as nf
from skm.report.xlsx.bands import BAND_SHEET, band_sheet, how_to_read_sheet
from skm.report.xlsx.book import EXCEL, Book, ExcelLimits, WorkbookLimitError
from skm.report.xlsx.cells import (
    FLAG_COL,
    flag_columns,
    is_checkbox,
    olah_data_cells,
    responses_frame,
)
from skm.report.xlsx.sheets import (
    Group,
    group_sheet,
    olah_data_sheet,
    rejected_sheet,
    respondent_profile_sheet,
    saran_sheet,
    summary_sheet,
)
from skm.scoring.tables import layanan_label


def write_olah_data(
    ikm: dict,
    responses: pd.DataFrame,
    path: str | Path,
    when: dt.datetime,
    rejected: pd.DataFrame | None = None,
    limits: ExcelLimits = EXCEL,
) -> None:
    """The hasil olah data workbook of one unit-year.

    Sheets: Cara membaca; Olah Data (respondent x U1..U9 and the formula rows); Ringkasan;
    Karakteristik responden; Per layanan; Per semester; Per triwulan; Ditolak (rejected rows
    with their reasons); Saran (as redacted at ingest); Kategori mutu.

    `responses` holds the scored responses (id, U1..U9 and, when present, layanan, semester,
    triwulan, saran); `rejected` the rejected rows (file, raw_row, column, value, reason);
    `limits` Excel's (`EXCEL`) unless a test asks for smaller ones.
    """
    frame = responses_frame(responses)
    n = len(frame)
    cells = olah_data_cells(n)
    name, year = ikm["name"], ikm["year"]
    if cells.ikm_kinerja_row >= limits.rows:
        raise WorkbookLimitError(
            f"{name} ({ikm.get('unit', '')}) tahun {year}: {nf.angka(n, 0)} responden tidak muat di "
            f"lembar 'Olah Data' (batas Excel {nf.angka(limits.rows, 0)} baris per lembar, termasuk "
            f"{nf.angka(cells.ikm_kinerja_row + 1 - n, 0)} baris judul dan rumus; rumus SUM dan COUNT "
            "memerlukan semua jawaban dalam satu kolom). Lembar olah data tidak dibuat. Bagi "
            "survei menjadi beberapa periode (survei.yaml: period) agar setiap periode di bawah "
            "batas itu, lalu jalankan lagi"
        )
    book = Book(when, f"Hasil olah data SKM {name} {year}", limits)
    checkbox = is_checkbox(frame)
    saran_rows = int((frame["saran"].astype("string").fillna("").str.strip() != "").sum())
    rejected_rows = 0 if rejected is None else len(rejected)

    def more(sheet: str, rows: int) -> str:
        pages = book.pages(rows)
        if pages == 1:
            return ""
        return (
            f" Baris yang tidak muat di satu lembar (batas Excel {nf.angka(limits.rows, 0)} baris) "
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
    how_to_read_sheet(book, name, year, sheets)
    bands = olah_data_sheet(book, ikm, frame, cells)
    summary_sheet(book, ikm, cells, bands)
    respondent_profile_sheet(book, ikm, cells)
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

    flags = flag_columns(frame)
    if is_checkbox(frame):
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
    group_sheet(
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
        group_sheet(
            book,
            bands,
            f"Per {col}",
            f"IKM per {col} — {name} {year}",
            label,
            [Group(k, f"--({rng(letter)}={{key}})", frame[values == k]) for k in keys],
            first,
            last,
        )
    rejected_sheet(book, rejected)
    saran_sheet(book, frame)
    # The band table is written last: constant_memory needs each sheet's rows in order, and
    # the formulas above only name its ranges.
    band_sheet(book)
    book.save(path)
