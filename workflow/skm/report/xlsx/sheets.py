"""The sheets of the hasil olah data workbook: 'Olah Data' (respondent x U1..U9 and the formula
rows), Ringkasan, Karakteristik, the group sheets (per layanan, semester, triwulan), Ditolak and
Saran."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from skm.domain import (
    KONVERSI,
    PROFILE_FIELDS,
    UNSUR_CODES,
    UNSUR_NAMES,
    WEIGHT,
    classify,
    round_half_up,
)
from skm.report.xlsx.bands import BAND_RANGES, Bands
from skm.report.xlsx.book import FMT_2, FMT_3, FMT_INT, Book, as_float
from skm.report.xlsx.cells import FLAG_COL, OlahDataCells, exact_sums, flag_columns, ikm_exact
from skm.scoring.tables import layanan_label


@dataclass
class Group:
    """One row of a group sheet: the key shown in column A (a number or a string cell), the
    SUMPRODUCT condition selecting the group's rows of sheet 'Olah Data' (``{key}`` stands for
    the key's cell) and the group's responses (for the cached values)."""

    key: Any
    match: str
    frame: pd.DataFrame


def group_sheet(
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
        sums, ns = exact_sums(group.frame)
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
        exact = ikm_exact(sums, ns)
        konv_cell = xl_rowcol_to_cell(r, 20)
        round_cell = xl_rowcol_to_cell(r, 21)
        missing = "tidak dapat dihitung"
        if exact is None:
            cached: tuple[Any, Any, Any] = (missing, missing, "")
        else:
            konv = exact * KONVERSI
            cached = (as_float(konv), as_float(round_half_up(konv, 2)), classify(konv).mutu)
        ws.write_formula(
            r, 20, f'=IFERROR(({"+".join(terms)})/9*25,"{missing}")', book.fmt(FMT_2), cached[0]
        )
        ws.write_formula(
            r, 21, f'=IFERROR(ROUND({konv_cell},2),"{missing}")', book.fmt(FMT_2), cached[1]
        )
        ws.write_formula(
            r, 22, f'=IFERROR({bands.mutu_of(round_cell)},"")', book.fmt(align="center"), cached[2]
        )


def olah_data_sheet(book: Book, ikm: dict, frame: pd.DataFrame, cells: OlahDataCells) -> Bands:
    """Sheet 'Olah Data': respondent x U1..U9 (with layanan, semester, triwulan and the
    layanan ticks), then the formula rows of the regulation; returns the band ranges."""
    bands = BAND_RANGES
    flags = flag_columns(frame)
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
            (f"={ref(cells.sum_row)}/{ref(cells.count_row)}", as_float(nrr), FMT_2)
        )
        rows[cells.nrrt_row].append((f"={ref(cells.nrr_row)}/9", as_float(nrr * WEIGHT), FMT_3))
        rows[cells.konv_row].append((f"={ref(cells.nrr_row)}*25", as_float(nrr * KONVERSI), FMT_2))
        rows[cells.konv_round_row].append(
            (f"=ROUND({ref(cells.konv_row)},2)", as_float(round_half_up(nrr * KONVERSI, 2)), FMT_2)
        )
        rows[cells.mutu_row].append(
            (f"={bands.mutu_of(ref(cells.konv_round_row))}", classify(nrr * KONVERSI).mutu, None)
        )
    for r, label in labels:
        book.text(ws, r, 1, label, bold)
        for j, (formula, cached, fmt) in enumerate(rows[r]):
            ws.write_formula(r, 2 + j, formula, book.fmt(fmt, align="center"), cached)
    exact = ikm_exact([u["sum"] for u in ikm["unsur"]], [u["n"] for u in ikm["unsur"]])
    konv = exact * KONVERSI
    nrrt = f"C{cells.nrrt_row + 1}:K{cells.nrrt_row + 1}"
    total = [
        (cells.ikm_row, "IKM = jumlah NRR tertimbang", f"=SUM({nrrt})", as_float(exact), FMT_3),
        (
            cells.ikm_konv_row,
            "IKM unit pelayanan = IKM x 25",
            f"=C{cells.ikm_row + 1}*25",
            as_float(konv),
            FMT_2,
        ),
        (
            cells.ikm_round_row,
            "IKM unit pelayanan dibulatkan (ROUND, 2 desimal)",
            f"=ROUND(C{cells.ikm_konv_row + 1},2)",
            as_float(round_half_up(konv, 2)),
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


def summary_sheet(book: Book, ikm: dict, cells: OlahDataCells, bands: Bands) -> None:
    """Sheet 'Ringkasan': per unsur and the IKM, each cell a reference to 'Olah Data'."""
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
                (cells.nrr_row, as_float(nrr), FMT_2),
                (cells.nrrt_row, as_float(nrr * WEIGHT), FMT_3),
                (cells.konv_round_row, as_float(round_half_up(nrr * KONVERSI, 2)), FMT_2),
                (cells.mutu_row, classify(nrr * KONVERSI).mutu, None),
            ]
        ):
            ws.write_formula(r, 2 + k, f"={od}{col}{row + 1}", book.fmt(fmt), cached)
    konv = Fraction(*ikm["exact"]["ikm_konversi"])
    r = 3 + len(UNSUR_CODES) + 1
    for k, (label, row, cached, fmt) in enumerate(
        [
            ("IKM", cells.ikm_row, as_float(konv / KONVERSI), FMT_3),
            ("IKM unit pelayanan", cells.ikm_round_row, as_float(round_half_up(konv, 2)), FMT_2),
            ("Mutu pelayanan", cells.ikm_mutu_row, classify(konv).mutu, None),
            ("Kinerja unit pelayanan", cells.ikm_kinerja_row, classify(konv).kinerja, None),
        ]
    ):
        ws.write_string(r + k, 1, label, book.fmt(bold=True))
        ws.write_formula(r + k, 2, f"={od}C{row + 1}", book.fmt(fmt, bold=True), cached)


def respondent_profile_sheet(book: Book, ikm: dict, cells: OlahDataCells) -> None:
    """Sheet 'Karakteristik': respondents per category, percentages of all respondents."""
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
    for field, field_name in PROFILE_FIELDS.items():
        title = field_name.capitalize()
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
                as_float(
                    round_half_up(Fraction(100 * cat["count"], info["n"]) if info["n"] else 0, 2)
                ),
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
            as_float(sum(round_half_up(Fraction(100 * c["count"], info["n"]), 2) for c in cats))
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


def rejected_sheet(book: Book, rejected: pd.DataFrame | None) -> None:
    """Sheet 'Ditolak' (and its continuations): rejected rows and their reasons."""
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


def saran_sheet(book: Book, frame: pd.DataFrame) -> None:
    """Sheet 'Saran' (and its continuations): the saran as redacted at ingest."""
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
