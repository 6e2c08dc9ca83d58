"""The hasil olah data workbook (respondent x U1..U9 with the summary rows), deterministic."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from skm.domain import UNSUR_CODES
from skm.io import atomic_write_bytes


def normalize_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip (xlsx/docx) with sorted-as-given entries and one fixed timestamp."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            dst.writestr(new, src.read(info.filename))
    return out.getvalue()


def save_workbook(wb: Workbook, path: str | Path, when: dt.datetime) -> None:
    """Save `wb` atomically with fixed metadata and zip timestamps (byte-identical reruns)."""
    wb.properties.created = when.replace(tzinfo=None)
    wb.properties.modified = when.replace(tzinfo=None)
    wb.properties.creator = "skm-pipeline"
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    atomic_write_bytes(normalize_zip(buf.getvalue(), when), path)


def write_olah_data(ikm: dict, responses: pd.DataFrame, path: str | Path,
                    when: dt.datetime) -> None:
    """Sheet 'Olah Data' (matrix + jumlah nilai, NRR, NRR tertimbang, IKM) and 'Ringkasan'."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Olah Data"
    bold = Font(bold=True)
    ws.append([f"Hasil olah data SKM {ikm['name']} tahun {ikm['year']}"])
    ws["A1"].font = bold
    ws.append(["No.", "ID Responden", *UNSUR_CODES])
    for cell in ws[2]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
    for i, row in enumerate(responses.itertuples(index=False), 1):
        values = [None if pd.isna(getattr(row, c)) else int(getattr(row, c)) for c in UNSUR_CODES]
        ws.append([i, row.id, *values])
    u = ikm["unsur"]
    summary = [
        ("Jumlah nilai", [x["sum"] for x in u], "0"),
        ("Jumlah responden menjawab", [x["n"] for x in u], "0"),
        ("NRR", [Decimal(x["display"]["nrr"]) for x in u], "0.00"),
        ("NRR tertimbang", [Decimal(x["display"]["nrr_tertimbang"]) for x in u], "0.000"),
        ("Konversi (NRR x 25)", [Decimal(x["display"]["konversi"]) for x in u], "0.00"),
        ("Mutu", [x["mutu"] for x in u], None),
    ]
    for label, values, fmt in summary:
        ws.append(["", label, *[float(v) if isinstance(v, Decimal) else v for v in values]])
        ws.cell(ws.max_row, 2).font = bold
        if fmt:
            for cell in ws[ws.max_row][2:]:
                cell.number_format = fmt
    ws.append(["", "IKM", float(Decimal(ikm["display"]["ikm"]))])
    ws.cell(ws.max_row, 3).number_format = "0.000"
    ws.append(["", "IKM unit pelayanan (x 25)", float(Decimal(ikm["display"]["ikm_konversi"])),
               ikm["mutu"], ikm["kinerja"]])
    ws.cell(ws.max_row, 3).number_format = "0.00"
    for row in ws.iter_rows(min_row=ws.max_row - 1):
        row[1].font = bold
    ws.column_dimensions["B"].width = 28
    ws.freeze_panes = "C3"

    s = wb.create_sheet("Ringkasan")
    s.append(["Kode", "Unsur", "n", "Jumlah nilai", "NRR", "NRR tertimbang", "Konversi", "Mutu"])
    for x in u:
        s.append([x["code"], x["name"], x["n"], x["sum"], float(Decimal(x["display"]["nrr"])),
                  float(Decimal(x["display"]["nrr_tertimbang"])),
                  float(Decimal(x["display"]["konversi"])), x["mutu"]])
    s.column_dimensions["B"].width = 40
    save_workbook(wb, path, when)
