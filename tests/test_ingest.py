"""Ingest: reading exports, structural errors, row rejections, quality figures, PII safety."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import runpy
import string
import types
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from skm.audit.provenance import unit_config
from skm.contracts import SETTINGS
from skm.domain import DEFAULT_LABELS, UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest.read_csv import sniff_delimiter
from skm.ingest.redact import PLACEHOLDER
from skm.ingest.result import IngestResult, write_outputs
from skm.ingest.settings import load_config, load_unit_year
from skm.ingest.unit import DUPLICATE_RULE, ingest
from skm.io import value_file
from skm.scoring.tables import REASON_CODES, REJECTED_COLUMNS, RESPONSE_COLUMNS, Responses

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
HEADER: dict[str, str] = {}
for _text, _field in CONFIG["columns"].items():
    HEADER.setdefault(_field, _text)
HEADER["timestamp"] = "Stempel waktu"

#: Distinctive personal data planted in columns the mapping does not know.
PII = {
    "Alamat Email": "zulkarnaen.planted@contoh.id",
    "Nama": "Zulkarnaen Pratamaputra",
    "Nomor HP": "0813-9999-8877",
}
COLUMNS = [
    "timestamp",
    *PII,
    "layanan",
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    *UNSUR_CODES,
    "saran",
]
BEST = [DEFAULT_LABELS[code][3] for code in UNSUR_CODES]
GOOD = [DEFAULT_LABELS[code][2] for code in UNSUR_CODES]


def make_settings(**overrides) -> dict:
    """The dict `load_unit_year` returns, for a WITA unit surveyed February-April 2023
    (checked against settings.json's contract)."""
    base = {
        "unit": "dinas-uji",
        "year": 2023,
        "unit_dir": "raw/dinas-uji",
        "year_dir": "raw/dinas-uji/2023",
        "name": "Dinas Uji",
        "short_name": "Dinas Uji",
        "parent": "",
        "city": "Samarinda",
        "logo": None,
        "website": None,
        "timezone": "WITA",
        "utc_offset_hours": 8,
        "population": 500,
        "period": {"start": "2023-02-01", "end": "2023-04-30"},
        "period_is_default": False,
        "date_order": "day_first",
        "date_order_source": None,
        "columns": dict(CONFIG["columns"]),
        "not_asked": [],
        "accept_rejected": None,
        "labels": {code: list(DEFAULT_LABELS[code]) for code in UNSUR_CODES},
        "layanan": [],
        "history": [],
        "saran_tema": [],
        "demografi": copy.deepcopy(CONFIG["demografi"]),
        "survei": {},
    }
    base.update(overrides)
    return SETTINGS.check(base)


def record(ts: str = "13/02/2023 9:14:31", answers: list[str] | None = None, **fields) -> dict:
    """One export row as {column key: cell}; PII columns always filled."""
    row = {
        "timestamp": ts,
        **PII,
        "layanan": "Perizinan",
        "jenis_kelamin": "Laki-laki",
        "usia": "34",
        "pendidikan": "S1",
        "pekerjaan": "PNS",
        "saran": "",
    }
    row.update(dict(zip(UNSUR_CODES, answers or GOOD, strict=True)))
    row.update(fields)
    return row


def header_texts(columns: list[str]) -> list[str]:
    """Export header text of each column key."""
    return [HEADER.get(key, key) for key in columns]


def write_csv(
    path: Path,
    rows: list[dict],
    *,
    columns: list[str] | None = None,
    headers: list[str] | None = None,
    sep: str = ",",
    eol: str = "\n",
    encoding: str = "utf-8",
    bom: bool = False,
) -> Path:
    """Write an export as Google Forms/Sheets/Excel would."""
    columns = columns or COLUMNS
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep, lineterminator=eol)
    writer.writerow(headers or header_texts(columns))
    for row in rows:
        writer.writerow([row.get(key, "") for key in columns])
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def run(paths: list[Path], **overrides) -> IngestResult:
    """Ingest with the test settings (keys overridden as given)."""
    return ingest(paths, make_settings(**overrides))


def problems(result: IngestResult, code: str) -> pd.DataFrame:
    """The rejected lines with one reason code."""
    return result.rejected[result.rejected["reason_code"] == code]


def check_invariants(result: IngestResult) -> None:
    """What must hold for every result: counts add up, contracts hold."""
    q = result.quality
    assert q["n_raw"] == q["n_valid"] + q["n_rejected"]
    assert q["n_valid"] == len(result.responses)
    funnel = q["funnel"]
    assert funnel["diterima"] == q["n_raw"] and funnel["diolah"] == q["n_valid"]
    assert funnel["duplikat"] + funnel["di_luar_periode"] + funnel["tidak_valid"] == q["n_rejected"]
    assert sum(q["reason_counts"].values()) == len(result.rejected)
    assert set(q["reason_counts"]) == set(REASON_CODES)
    rejected_rows = result.rejected[["file", "raw_row"]].drop_duplicates()
    assert len(rejected_rows) == q["n_rejected"]
    assert [c for c in result.responses.columns if not c.startswith("layanan[")] == list(
        RESPONSE_COLUMNS
    )
    assert list(result.rejected.columns) == list(REJECTED_COLUMNS)
    Responses.validate(result.responses, lazy=True)
    assert sum(f["rows"] for f in q["files"]) == q["n_raw"]


# --------------------------------------------------------------------------- clean data


def test_clean_export_is_scored_sorted_and_normalised(tmp_path) -> None:
    rows = [
        record(
            "14/02/2023 10:00:00",
            BEST,
            jenis_kelamin="p",
            usia="19",
            pendidikan="sma",
            pekerjaan="Wiraswasta",
            saran="Mantap",
        ),
        record(
            "13/02/2023 9:14:31",
            GOOD,
            jenis_kelamin=" L ",
            usia="60 tahun",
            pendidikan="D3",
            pekerjaan="ASN",
        ),
        record("01/04/2023 8:00:00", [*GOOD[:8], ""], jenis_kelamin="", usia="20-29 tahun"),
    ]
    result = run([write_csv(tmp_path / "ekspor.csv", rows)])
    check_invariants(result)
    out = result.responses
    assert out["id"].tolist() == ["R00001", "R00002", "R00003"]
    assert out["raw_row"].tolist() == [3, 2, 4]
    assert out["file"].tolist() == ["ekspor.csv"] * 3
    assert out["timestamp"].tolist() == [
        "2023-02-13T09:14:31+08:00",
        "2023-02-14T10:00:00+08:00",
        "2023-04-01T08:00:00+08:00",
    ]
    assert out["semester"].tolist() == [1, 1, 1]
    assert out["triwulan"].tolist() == [1, 1, 2]
    assert out["jenis_kelamin"].tolist()[:2] == ["Laki-laki", "Perempuan"]
    assert pd.isna(out["jenis_kelamin"].iloc[2])
    assert out["usia"].tolist() == ["≥ 60 tahun", "< 20 tahun", "20–29 tahun"]
    assert out["pendidikan"].tolist() == ["D-I/D-II/D-III", "SLTA", "S1"]
    assert out["pekerjaan"].tolist() == ["PNS", "Wirausaha", "PNS"]
    assert out["U1"].tolist() == [3, 4, 3]
    assert out["U9"].isna().tolist() == [False, False, True]
    assert str(out["U1"].dtype) == "Int64"
    assert out["saran"].tolist()[1] == "Mantap"
    assert result.quality["item_nonresponse"]["U9"] == 1
    assert result.rejected.empty


@pytest.mark.parametrize(
    ("field", "raw", "label"),
    [
        ("usia", "34", "30–39 tahun"),
        ("usia", "34 tahun", "30–39 tahun"),
        ("usia", "34.0", "30–39 tahun"),
        ("usia", "20 - 29 Tahun", "20–29 tahun"),
        ("usia", "≥60 tahun", "≥ 60 tahun"),
        ("usia", "> 60", "≥ 60 tahun"),
        ("usia", "60 tahun ke atas", "≥ 60 tahun"),
        ("usia", "<20 tahun", "< 20 tahun"),
        ("usia", "17", "< 20 tahun"),
        ("usia", "20-35", "20-35"),
        ("usia", "< 30", "< 30"),
        ("usia", "150", "150"),
        ("jenis_kelamin", "LAKI - LAKI", "Laki-laki"),
        ("jenis_kelamin", "wanita", "Perempuan"),
        ("pendidikan", "SMA / SMK", "SLTA"),
        ("pendidikan", "d-iii", "D-I/D-II/D-III"),
        ("pendidikan", "Diploma", "D-I/D-II/D-III"),
        ("pekerjaan", "pelajar/mahasiswa", "Lainnya"),
        ("pekerjaan", " Karyawan  Swasta ", "Swasta"),
        ("pekerjaan", "  Nelayan ", "Nelayan"),
    ],
)
def test_demographic_values_map_to_configured_labels(tmp_path, field, raw, label) -> None:
    result = run([write_csv(tmp_path / "a.csv", [record(**{field: raw})])])
    assert result.responses[field].tolist() == [label]


def test_field_the_form_does_not_ask_is_an_empty_column(tmp_path) -> None:
    columns = [c for c in COLUMNS if c not in {"pendidikan", "layanan", "saran"}]
    result = run([write_csv(tmp_path / "a.csv", [record()], columns=columns)])
    assert result.responses[["pendidikan", "layanan", "saran"]].isna().all().all()
    assert "pendidikan" not in result.quality["files"][0]["columns"]


def test_headers_match_ignoring_case_and_spacing(tmp_path) -> None:
    headers = [
        f"  {h.upper()}  " if i % 2 else h.lower().replace(" ", "  ")
        for i, h in enumerate(header_texts(COLUMNS))
    ]
    result = run([write_csv(tmp_path / "a.csv", [record()], headers=headers)])
    assert len(result.responses) == 1


def test_labels_with_odd_case_spacing_and_digits_are_scored(tmp_path) -> None:
    answers = [
        " sangat  SESUAI ",
        "kurang MUDAH",
        "4",
        "1.0",
        " 3 ",
        "Sangat\u00a0kompeten",
        "SOPAN DAN RAMAH",
        "ada tetapi tidak berfungsi",
        "Cukup",
    ]
    result = run([write_csv(tmp_path / "a.csv", [record(answers=answers)])])
    assert [int(result.responses[c].iloc[0]) for c in UNSUR_CODES] == [4, 2, 4, 1, 3, 4, 3, 2, 2]


def test_unit_specific_labels(tmp_path) -> None:
    labels = {code: list(DEFAULT_LABELS[code]) for code in UNSUR_CODES}
    labels["U4"] = ["Sangat mahal", "Mahal", "Murah", "Tidak dipungut biaya"]
    answers = [*GOOD[:3], "tidak dipungut  biaya", *GOOD[4:]]
    result = ingest(
        [write_csv(tmp_path / "a.csv", [record(answers=answers)])], make_settings(labels=labels)
    )
    assert int(result.responses["U4"].iloc[0]) == 4


# --------------------------------------------------------------------------- reading


def test_semicolon_bom_and_windows_line_ends(tmp_path) -> None:
    path = write_csv(
        tmp_path / "Tanggapan.csv",
        [record(), record("14/02/2023 9:00:00")],
        sep=";",
        eol="\r\n",
        bom=True,
    )
    result = run([path])
    info = result.quality["files"][0]
    assert (info["encoding"], info["delimiter"]) == ("utf-8-sig", ";")
    assert len(result.responses) == 2
    assert not result.responses["saran"].notna().any()


def test_cp1252_export(tmp_path) -> None:
    rows = [record(saran="Pelayanan café – bagus", pekerjaan="Pegawai Swasta")]
    path = write_csv(tmp_path / "excel.csv", rows, sep=";", eol="\r\n", encoding="cp1252")
    result = run([path])
    assert result.quality["files"][0]["encoding"] == "cp1252"
    assert result.responses["saran"].iloc[0] == "Pelayanan café – bagus"
    assert result.responses["pekerjaan"].iloc[0] == "Swasta"


@pytest.mark.parametrize("header", ["a,b;c", '"a;b",c,d', "a;b;c", "a\tb\tc", "abc"])
def test_delimiter_is_read_from_the_header_respecting_quotes(header: str) -> None:
    expected = {"a,b;c": ",", '"a;b",c,d': ",", "a;b;c": ";", "a\tb\tc": "\t", "abc": ","}
    assert sniff_delimiter(header) == expected[header]


def test_multiline_saran_counts_as_one_record(tmp_path) -> None:
    rows = [
        record(saran="Baris satu\r\nbaris dua\r\nbaris tiga"),
        record("14/02/2023 9:00:00", ["Sangat Puas", *GOOD[1:]]),
        record("15/02/2023 9:00:00", saran='Kata "kutip", koma'),
        record("16/02/2023 9:00:00", ["9", *GOOD[1:]]),
    ]
    result = run([write_csv(tmp_path / "a.csv", rows, eol="\r\n")])
    assert problems(result, "answer_invalid")["raw_row"].tolist() == [3, 5]
    saran = result.responses.set_index("raw_row")["saran"]
    assert saran[2] == "Baris satu\nbaris dua\nbaris tiga"
    assert saran[4] == 'Kata "kutip", koma'


def test_irregular_rows_keep_spreadsheet_row_numbers(tmp_path) -> None:
    """Blank lines, short rows and long rows: numbering is what a spreadsheet shows."""

    def line(row: dict) -> str:
        return ",".join(f'"{row[key]}"' for key in COLUMNS)

    header = ",".join(f'"{h}"' for h in header_texts(COLUMNS))
    good = line(record())
    short = '"14/02/2023 9:00:00"'  # only the timestamp: no answers at all
    bad = line(record("15/02/2023 9:00:00", ["x", *GOOD[1:]]))
    multi = line(record("16/02/2023 9:00:00", saran="a\nb"))
    long = line(record("17/02/2023 9:00:00")) + ',"extra","cells"'
    text = f"{header}\n{good}\n\n{short}\n{multi}\n{bad}\n{long}\n"
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8")
    result = run([path])
    check_invariants(result)
    assert problems(result, "no_answers")["raw_row"].tolist() == [4]
    assert problems(result, "answer_invalid")["raw_row"].tolist() == [6]
    assert sorted(result.responses["raw_row"]) == [2, 5, 7]
    assert result.quality["files"][0]["blank_rows"] == 1


def test_blank_line_keeps_numbering(tmp_path) -> None:
    path = write_csv(tmp_path / "a.csv", [record(), {}, record("14/02/2023", ["x", *GOOD[1:]])])
    text = path.read_text(encoding="utf-8").splitlines()
    text[2] = ""  # a truly empty line, as left by hand editing
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run([path])
    assert problems(result, "answer_invalid")["raw_row"].tolist() == [4]
    assert result.quality["files"][0]["blank_rows"] == 1


def test_xlsx_responses_on_a_later_sheet_below_merged_titles(tmp_path) -> None:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Ringkasan"
    summary["A1"] = "Rekap SKM"
    summary["A2"] = "Jumlah responden"
    sheet = book.create_sheet("Form Responses 1")
    sheet["A1"] = "HASIL SURVEI KEPUASAN MASYARAKAT 2023"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "Dinas Uji"
    sheet.merge_cells("A2:H2")
    headers = header_texts(COLUMNS)
    for col, text in enumerate(headers, start=1):
        sheet.cell(row=4, column=col, value=text)
    data = [
        [
            dt.datetime(2023, 2, 13, 9, 14, 31),
            *PII.values(),
            "Perizinan",
            "Perempuan",
            34,
            "S1",
            "PNS",
            4,
            3.0,
            *GOOD[2:],
            None,
        ],
        [
            dt.datetime(2023, 5, 2, 8, 0, 0),
            *PII.values(),
            None,
            "L",
            25.0,
            "SMA",
            "Swasta",
            *BEST,
            "hubungi 0812 3456 7890",
        ],
        [
            dt.datetime(2023, 3, 1, 10, 0, 0),
            *PII.values(),
            None,
            "P",
            45,
            "S2",
            "TNI",
            "Sangat Puas",
            *BEST[1:],
            None,
        ],
        [
            dt.datetime(2023, 3, 2, 10, 0, 0, 999_999),
            *PII.values(),
            None,
            "P",
            45,
            "S2",
            "TNI",
            *BEST,
            None,
        ],
    ]
    for offset, values in enumerate(data):
        for col, value in enumerate(values, start=1):
            sheet.cell(row=5 + offset, column=col, value=value)
    sheet.cell(row=9, column=len(headers) + 2, value="catatan di luar tabel")
    path = tmp_path / "ekspor.xlsx"
    book.save(path)
    result = run([path])
    check_invariants(result)
    info = result.quality["files"][0]
    assert (info["sheet"], info["header_row"], info["timestamp_style"]) == (
        "Form Responses 1",
        4,
        "excel-datetime",
    )
    assert info["encoding"] is None and info["delimiter"] is None
    assert info["date_order"] is None and "Excel" in info["date_order_rule"]
    assert result.responses["raw_row"].tolist() == [5, 8]
    assert result.responses["timestamp"].tolist() == [
        "2023-02-13T09:14:31+08:00",
        "2023-03-02T10:00:01+08:00",
    ]
    first = result.responses.iloc[0]
    assert (int(first["U1"]), int(first["U2"])) == (4, 3)
    assert first["usia"] == "30–39 tahun"
    assert problems(result, "timestamp_out_of_period")["raw_row"].tolist() == [6]
    assert problems(result, "answer_invalid")["raw_row"].tolist() == [7]
    assert problems(result, "answer_invalid")["column"].tolist() == [HEADER["U1"]]


def test_xlsx_without_a_header_row_is_structural(tmp_path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active["A1"] = "Nama"
    book.active["B1"] = "Nilai"
    path = tmp_path / "lain.xlsx"
    book.save(path)
    with pytest.raises(SkmInputError) as info:
        run([path])
    message = str(info.value)
    assert "lain.xlsx" in message and "'Data'" in message and "baris 1, 2 sel" in message
    assert "Nama" not in message  # a row that is not a header row is never quoted
    assert "Stempel waktu" in message


# --------------------------------------------------------------------------- structural errors


def header_only(path: Path) -> Path:
    """An export with its header and no data row."""
    return write_csv(path, [])


def header_only_xlsx(path: Path) -> None:
    """A workbook with the header row and nothing below it."""
    book = openpyxl.Workbook()
    book.active.append(header_texts(COLUMNS))
    book.save(path)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("kosong.csv", b"", ["kosong"]),
        ("bom.csv", b"\xef\xbb\xbf \r\n", ["kosong"]),
        ("judul.csv", header_only, ["hanya berisi baris judul"]),
        ("judul-kosong.csv", lambda p: write_csv(p, [{}, {}]), ["hanya berisi baris judul"]),
        ("judul.xlsx", lambda p: header_only_xlsx(p), ["hanya berisi baris judul"]),
        (
            "rusak.csv",
            lambda p: p.write_bytes(
                ",".join(header_texts(COLUMNS)).encode() + b'\n13/02/2023 9:00,"tidak ditutup\n'
            ),
            ["tidak dapat dibaca"],
        ),
        ("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, [".xls", ".xlsx"]),
        ("rusak.xlsx", b"PK\x03\x04bukan zip", ["Excel"]),
        ("palsu.xlsx", b"Timestamp,Nama\n", [".xlsx", "bukan berkas Excel"]),
    ],
)
def test_structural_problems_stop_with_one_error(tmp_path, name, content, words) -> None:
    path = tmp_path / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    with pytest.raises(SkmInputError) as info:
        run([path])
    message = str(info.value)
    assert name in message
    for word in words:
        assert word in message


def test_problems_of_several_files_come_in_one_error(tmp_path) -> None:
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    only = header_only(tmp_path / "judul.csv")
    fine = write_csv(tmp_path / "baik.csv", [record()])
    with pytest.raises(SkmInputError) as info:
        run([fine, empty, only])
    message = str(info.value)
    assert message.startswith("2 file ekspor bermasalah")
    assert "1. file " in message and "judul.csv" in message and "kosong.csv" in message
    assert "baik.csv" not in message


def test_no_export_at_all() -> None:
    with pytest.raises(SkmInputError, match="tidak ada file ekspor"):
        run([])


def test_missing_file() -> None:
    with pytest.raises(SkmInputError, match="tidak ditemukan"):
        run([Path("/nonexistent/ekspor.csv")])


def test_missing_mapped_column_lists_found_and_expected_headers(tmp_path) -> None:
    columns = [c for c in COLUMNS if c != "U3"]
    path = write_csv(tmp_path / "a.csv", [record()], columns=columns)
    with pytest.raises(SkmInputError) as info:
        run([path])
    message = str(info.value)
    assert "a.csv" in message
    assert "U3 (Waktu Penyelesaian)" in message
    assert HEADER["U3"] in message  # expected header text
    assert "'Nama'" in message and "'Stempel waktu'" in message  # headers found
    assert "columns" in message


@pytest.mark.parametrize(
    "second",
    [
        ("Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"),
        ("  bagaimana PENDAPAT saudara tentang kewajaran biaya/tarif dalam pelayanan? "),
    ],
)
def test_two_columns_with_the_same_header(tmp_path, second: str) -> None:
    columns = [*COLUMNS, "U4bis"]
    headers = [*header_texts(COLUMNS), second]
    path = write_csv(tmp_path / "a.csv", [record()], columns=columns, headers=headers)
    with pytest.raises(SkmInputError, match="muncul 2 kali") as info:
        run([path])
    assert "a.csv" in str(info.value)


def test_two_headers_mapping_to_the_same_field(tmp_path) -> None:
    columns = [*COLUMNS, "saran2"]
    headers = [*header_texts(COLUMNS), "Saran"]
    path = write_csv(tmp_path / "a.csv", [record()], columns=columns, headers=headers)
    with pytest.raises(SkmInputError, match="sama-sama dipetakan ke saran"):
        run([path])


def test_unmapped_duplicate_headers_are_harmless(tmp_path) -> None:
    columns = [*COLUMNS, "x1", "x2"]
    headers = [*header_texts(COLUMNS), "", ""]
    result = run([write_csv(tmp_path / "a.csv", [record()], columns=columns, headers=headers)])
    assert len(result.responses) == 1


def test_contradictory_day_month_order_is_structural(tmp_path) -> None:
    rows = [record("13/02/2023 9:00:00"), record("02/14/2023 9:00:00"), record("01/03/2023 9:00")]
    with pytest.raises(SkmInputError) as info:
        run([write_csv(tmp_path / "campur.csv", rows)])
    message = str(info.value)
    assert "campur.csv" in message and "Stempel waktu" in message
    assert "baris 2" in message and "baris 3" in message


# --------------------------------------------------------------------------- row rejections


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            "Sangat Puas",
            (
                "Jawaban 'Sangat Puas' tidak termasuk pilihan unsur U3 (Waktu "
                "Penyelesaian): Tidak cepat, Kurang cepat, Cepat, Sangat cepat"
            ),
        ),
        ("5", "Jawaban '5' di luar skala 1–4 untuk unsur U3 (Waktu Penyelesaian)"),
        ("0", "Jawaban '0' di luar skala 1–4 untuk unsur U3 (Waktu Penyelesaian)"),
        ("4.5", "Jawaban '4.5' di luar skala 1–4 untuk unsur U3 (Waktu Penyelesaian)"),
        ("Cepat sekali", "Jawaban 'Cepat sekali' tidak termasuk pilihan unsur U3"),
    ],
)
def test_invalid_answers(tmp_path, answer: str, reason: str) -> None:
    answers = [*GOOD[:2], answer, *GOOD[3:]]
    result = run([write_csv(tmp_path / "a.csv", [record(answers=answers), record("14/02/2023")])])
    check_invariants(result)
    bad = problems(result, "answer_invalid")
    assert len(bad) == 1
    line = bad.iloc[0]
    assert (line["file"], line["raw_row"], line["column"], line["value"]) == (
        "a.csv",
        2,
        HEADER["U3"],
        answer,
    )
    assert line["reason"].startswith(reason)
    assert result.quality["funnel"]["tidak_valid"] == 1


def test_blank_answers_are_not_errors_but_a_row_without_any_is(tmp_path) -> None:
    rows = [
        record(answers=[""] * 4 + GOOD[4:]),
        record("14/02/2023 9:00", [""] * 9),
        record("15/02/2023 9:00", ["  "] * 9, saran="hanya saran"),
    ]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    check_invariants(result)
    assert result.responses["raw_row"].tolist() == [2]
    none = problems(result, "no_answers")
    assert none["raw_row"].tolist() == [3, 4]
    assert (none["column"] == "").all() and (none["value"] == "").all()
    assert result.quality["item_nonresponse"] == {
        c: int(c in {"U1", "U2", "U3", "U4"}) for c in UNSUR_CODES
    }


def test_unparseable_timestamps(tmp_path) -> None:
    rows = [record("kemarin sore"), record(""), record("31/02/2023 10:00"), record("14/02/2023")]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    check_invariants(result)
    bad = problems(result, "timestamp_unparseable")
    assert bad["raw_row"].tolist() == [2, 3, 4]
    assert bad["column"].unique().tolist() == ["Stempel waktu"]
    assert bad["reason"].iloc[1] == "Stempel waktu kosong"
    assert bad["reason"].iloc[0].startswith("Stempel waktu 'kemarin sore' tidak dapat dibaca")
    assert bad["value"].iloc[2] == "31/02/2023 10:00"


def test_period_is_inclusive_and_checked_on_local_dates(tmp_path) -> None:
    rows = [
        record("01/02/2023 0:00:00"),
        record("30/04/2023 23:59:59"),
        record("31/01/2023 23:59:59"),
        record("01/05/2023 0:00:00"),
        record("02/05/2024 8:00:00"),
    ]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    check_invariants(result)
    assert result.responses["raw_row"].tolist() == [2, 3]
    out = problems(result, "timestamp_out_of_period")
    assert out["raw_row"].tolist() == [4, 5, 6]
    assert out["reason"].tolist() == [
        (
            "Stempel waktu 2023-01-31 di luar periode survei 1 Februari 2023 – 30 April 2023 "
            "(sebelum awal periode; tanggal dibaca hari/bulan, disimpulkan dari data)"
        ),
        (
            "Stempel waktu 2023-05-01 di luar periode survei 1 Februari 2023 – 30 April 2023 "
            "(setelah akhir periode; tanggal dibaca hari/bulan, disimpulkan dari data)"
        ),
        (
            "Stempel waktu 2024-05-02 di luar periode survei 1 Februari 2023 – 30 April 2023 "
            "(setelah akhir periode; tanggal dibaca hari/bulan, disimpulkan dari data)"
        ),
    ]
    assert result.quality["funnel"]["di_luar_periode"] == 3


@pytest.mark.parametrize(
    ("raw", "zone", "offset", "kept", "stamp"),
    [
        ("2023/02/13 9:14:31 AM GMT+8", "WIB", 7, True, "2023-02-13T08:14:31+07:00"),
        ("2023/02/01 12:30:00 AM GMT+8", "WIB", 7, False, None),  # 31 Jan 23:30 WIB
        ("2023/04/30 11:30:00 PM GMT+8", "WIT", 9, False, None),  # 1 May 00:30 WIT
        ("2023/04/30 11:30:00 PM GMT+8", "WITA", 8, True, "2023-04-30T23:30:00+08:00"),
        ("2023/03/31 11:30:00 PM GMT+7", "WITA", 8, True, "2023-04-01T00:30:00+08:00"),
    ],
)
def test_forms_offsets_are_converted_to_the_unit_zone(
    tmp_path, raw, zone, offset, kept, stamp
) -> None:
    result = run(
        [write_csv(tmp_path / "forms.csv", [record(raw)])], timezone=zone, utc_offset_hours=offset
    )
    assert result.quality["files"][0]["timestamp_style"] == "forms"
    assert result.quality["files"][0]["date_order"] is None
    if kept:
        assert result.responses["timestamp"].tolist() == [stamp]
    else:
        assert problems(result, "timestamp_out_of_period")["raw_row"].tolist() == [2]


def test_semester_and_triwulan_come_from_the_local_time(tmp_path) -> None:
    rows = [record("2023/06/30 11:30:00 PM GMT+8"), record("2023/09/30 11:30:00 PM GMT+8")]
    result = run(
        [write_csv(tmp_path / "a.csv", rows)],
        timezone="WIT",
        utc_offset_hours=9,
        period={"start": "2023-01-01", "end": "2023-12-31"},
    )
    assert result.responses["timestamp"].tolist() == [
        "2023-07-01T00:30:00+09:00",
        "2023-10-01T00:30:00+09:00",
    ]
    assert result.responses["semester"].tolist() == [2, 2]
    assert result.responses["triwulan"].tolist() == [3, 4]


@pytest.mark.parametrize(
    ("values", "setting", "order", "first", "rule"),
    [
        (
            ["03/02/2023 9:00", "04/02/2023 9:00"],
            "day_first",
            "day_first",
            "2023-02-03",
            "mengikuti pengaturan date_order: day_first",
        ),
        (
            ["03/02/2023 9:00", "04/02/2023 9:00"],
            "month_first",
            "month_first",
            "2023-03-02",
            "mengikuti pengaturan date_order: month_first",
        ),
        (
            ["02/03/2023 9:00", "02/13/2023 9:00"],
            "day_first",
            "month_first",
            "2023-02-03",
            "disimpulkan dari data",
        ),
        (
            ["02/03/2023 9:00", "13/02/2023 9:00"],
            "month_first",
            "day_first",
            "2023-03-02",
            "disimpulkan dari data",
        ),
    ],
)
def test_day_month_order_is_decided_per_file_column(
    tmp_path, values, setting, order, first, rule
) -> None:
    result = run([write_csv(tmp_path / "a.csv", [record(v) for v in values])], date_order=setting)
    info = result.quality["files"][0]
    assert (info["date_order"], info["timestamp_style"]) == (order, "sheets")
    assert rule in info["date_order_rule"]
    assert result.responses.set_index("raw_row")["timestamp"][2].startswith(first)


def test_exact_duplicates_within_and_across_files(tmp_path) -> None:
    same = record("13/02/2023 9:14:31", saran="Sama persis")
    other = record("13/02/2023 9:14:31", saran="Beda saran")
    a = write_csv(tmp_path / "a.csv", [same, other, same])
    b = write_csv(tmp_path / "b.csv", [record("20/02/2023 10:00"), same], sep=";", bom=True)
    result = run([b, a])
    check_invariants(result)
    dup = problems(result, "duplicate")
    assert dup[["file", "raw_row"]].values.tolist() == [["a.csv", 4], ["b.csv", 3]]
    assert dup["reason"].unique().tolist() == [
        "Duplikat persis dari baris 2 (file a.csv)" + DUPLICATE_RULE
    ]
    assert result.quality["funnel"]["duplikat"] == 2
    assert sorted(zip(result.responses["file"], result.responses["raw_row"], strict=False)) == [
        ("a.csv", 2),
        ("a.csv", 3),
        ("b.csv", 2),
    ]


def test_same_response_in_two_formats_is_a_duplicate(tmp_path) -> None:
    forms = write_csv(tmp_path / "forms.csv", [record("2023/02/13 9:14:31 AM GMT+8")])
    sheets = write_csv(
        tmp_path / "sheets.csv", [record("13/02/2023 9:14:31", [a.upper() for a in GOOD])]
    )
    result = run([forms, sheets])
    assert problems(result, "duplicate")["reason"].tolist() == [
        "Duplikat persis dari baris 2 (file forms.csv)" + DUPLICATE_RULE
    ]


def test_funnel_counts_each_row_once_by_priority(tmp_path) -> None:
    late_bad = record("02/05/2023 9:00", ["x", *GOOD[1:]])
    late = record("03/05/2023 9:00")
    rows = [late_bad, late_bad, late, late, record("14/02/2023")]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    check_invariants(result)
    assert result.quality["funnel"] == {
        "diterima": 5,
        "duplikat": 0,
        "di_luar_periode": 2,
        "tidak_valid": 2,
        "diolah": 1,
    }
    assert result.quality["reason_counts"] == {
        "timestamp_unparseable": 0,
        "timestamp_out_of_period": 4,
        "answer_invalid": 2,
        "no_answers": 0,
        "duplicate": 2,
    }


def test_unknown_demographic_values_never_reject(tmp_path) -> None:
    rows = [
        record(
            jenis_kelamin="Tidak ingin menyebutkan", usia="  dirahasiakan ", pendidikan="Pesantren"
        ),
        record("14/02/2023 9:00", jenis_kelamin="Tidak ingin menyebutkan", usia="150"),
        record("15/02/2023 9:00", layanan="Layanan Baru"),
    ]
    result = run([write_csv(tmp_path / "a.csv", rows)], layanan=["Perizinan"])
    check_invariants(result)
    assert len(result.responses) == 3
    assert result.responses["jenis_kelamin"].tolist()[:2] == ["Tidak ingin menyebutkan"] * 2
    assert result.responses["usia"].tolist()[0] == "dirahasiakan"
    unmatched = result.quality["demografi_unmatched"]
    assert unmatched["jenis_kelamin"] == {"Tidak ingin menyebutkan": 2}
    assert unmatched["usia"] == {"150": 1, "dirahasiakan": 1}
    assert unmatched["pendidikan"] == {"Pesantren": 1}
    assert unmatched["layanan"] == {"Layanan Baru": 1}
    assert result.responses["layanan"].tolist() == ["Perizinan", "Perizinan", "Layanan Baru"]


def test_saran_is_redacted_and_counted(tmp_path) -> None:
    rows = [
        record(saran="Hubungi saya di 0812 3456 7890 atau budi@contoh.id"),
        record("14/02/2023", saran="NIK saya 6472 0512 3456 0001"),
    ]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    assert result.quality["saran_redacted"] == 3
    assert result.responses["saran"].tolist() == [
        f"Hubungi saya di {PLACEHOLDER} atau {PLACEHOLDER}",
        f"NIK saya {PLACEHOLDER}",
    ]


# --------------------------------------------------------------------------- outputs


def planted_everywhere(tmp_path: Path) -> list[Path]:
    """Exports whose unmapped columns (and some free text) carry distinctive PII."""
    rows = [
        record(),
        record("14/02/2023", ["Sangat Puas", *GOOD[1:]]),
        record("x"),
        record("02/05/2023"),
        record(),
        record("15/02/2023", [""] * 9),
        record("16/02/2023", [PII["Nomor HP"], *GOOD[1:]], saran=PII["Alamat Email"]),
    ]
    csv_path = write_csv(tmp_path / "raw" / "a.csv", rows)
    book = openpyxl.Workbook()
    sheet = book.active
    headers = header_texts(COLUMNS)
    sheet.append(headers)
    sheet.append([dt.datetime(2023, 3, 1, 9), *PII.values(), "", "P", 30, "S1", "PNS", *GOOD, ""])
    sheet.append([dt.datetime(2023, 3, 1, 9), *PII.values(), "", "P", 30, "S1", "PNS", *GOOD, ""])
    xlsx_path = tmp_path / "raw" / "b.xlsx"
    book.save(xlsx_path)
    return [csv_path, xlsx_path]


def test_pii_in_unmapped_columns_never_reaches_any_output(tmp_path) -> None:
    (tmp_path / "raw").mkdir()
    paths = planted_everywhere(tmp_path)
    result = run(paths)
    check_invariants(result)
    assert set(result.rejected["reason_code"]) == set(REASON_CODES)
    out = tmp_path / "out"
    write_outputs(result, out / "responses.csv", out / "rejected.csv", out / "quality.json")
    text = "".join(
        (out / name).read_text(encoding="utf-8")
        for name in ("responses.csv", "rejected.csv", "quality.json")
    )
    for planted in [*PII.values(), "zulkarnaen", "Pratamaputra", "9999", "8877", "contoh.id"]:
        assert planted.lower() not in text.lower()
    assert PLACEHOLDER in text


def test_outputs_are_atomic_and_deterministic(tmp_path) -> None:
    (tmp_path / "raw").mkdir()
    paths = planted_everywhere(tmp_path)
    first, second = tmp_path / "one", tmp_path / "two"
    for folder in (first, second):
        result = run(paths)
        write_outputs(
            result, folder / "responses.csv", folder / "rejected.csv", folder / "quality.json"
        )
    for name in ("responses.csv", "rejected.csv", "quality.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert sorted(p.name for p in first.iterdir()) == [
        "quality.json",
        "rejected.csv",
        "responses.csv",
    ]
    quality = json.loads((first / "quality.json").read_text(encoding="utf-8"))
    assert (first / "quality.json").read_text(encoding="utf-8") == json.dumps(
        quality, ensure_ascii=False, indent=2, sort_keys=True
    ) + "\n"
    back = pd.read_csv(first / "rejected.csv", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(REJECTED_COLUMNS)


def test_raw_folder_is_never_modified(tmp_path) -> None:
    (tmp_path / "raw").mkdir()
    paths = planted_everywhere(tmp_path)

    def snapshot() -> dict[str, tuple[str, int]]:
        return {
            p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted((tmp_path / "raw").iterdir())
        }

    before = snapshot()
    run(paths)
    assert snapshot() == before


def test_quality_figures_shape(tmp_path) -> None:
    result = run([write_csv(tmp_path / "a.csv", [record(), record("x")])])
    q = result.quality
    assert set(q) == {
        "n_raw",
        "n_valid",
        "n_rejected",
        "funnel",
        "reason_counts",
        "item_nonresponse",
        "demografi_unmatched",
        "saran_redacted",
        "answers_redacted",
        "truncated",
        "files",
        "date_order",
        "kolom_opsional",
        "layanan_ganda",
        "warnings",
    }
    assert set(q["item_nonresponse"]) == set(UNSUR_CODES)
    assert set(q["files"][0]) >= {
        "file",
        "rows",
        "encoding",
        "delimiter",
        "sheet",
        "header_row",
        "timestamp_style",
        "date_order",
        "date_order_rule",
    }
    json.dumps(q, allow_nan=False)


# --------------------------------------------------------------------------- real inputs


@pytest.mark.parametrize(("year", "n", "redacted"), [(2022, 68, 0), (2023, 85, 2)])
def test_shipped_sample_unit(year: int, n: int, redacted: int) -> None:
    raw = ROOT / "data" / "raw"
    folder = raw / "biro-umum" / str(year)
    if not folder.is_dir():
        pytest.skip("sample data not present")
    settings_ = load_unit_year(raw, "biro-umum", year, load_config(ROOT / "config.yaml"))
    result = ingest(sorted(folder.glob("*.csv")), settings_)
    check_invariants(result)
    assert result.quality["n_valid"] == n
    assert result.quality["saran_redacted"] == redacted
    for code in UNSUR_CODES:
        assert result.responses[code].notna().all()


def fake_snakemake(tmp_path: Path, exports: list[Path]) -> types.SimpleNamespace:
    """The `snakemake` object the script directive gives, for a unit folder in tmp_path."""
    raw = tmp_path / "raw"
    (raw / "dinas-uji").mkdir(parents=True, exist_ok=True)
    (raw / "dinas-uji" / "unit.yaml").write_text(
        "name: Dinas Uji\npopulation: 500\ntimezone: WITA\n", encoding="utf-8"
    )
    (raw / "dinas-uji" / "2023").mkdir(exist_ok=True)
    (raw / "dinas-uji" / "2023" / "survei.yaml").write_text(
        "period:\n  start: '2023-02-01'\n  end: '2023-04-30'\n", encoding="utf-8"
    )
    out = tmp_path / "processed"
    return types.SimpleNamespace(
        input=types.SimpleNamespace(
            exports=[str(p) for p in exports],
            unit_yaml=[str(raw / "dinas-uji" / "unit.yaml")],
            survei_yaml=[str(raw / "dinas-uji" / "2023" / "survei.yaml")],
            unit_config=value_file(
                unit_config(load_config(ROOT / "config.yaml")), "unit_config", tmp_path
            ),
        ),
        wildcards=types.SimpleNamespace(unit="dinas-uji", year="2023"),
        output=types.SimpleNamespace(
            responses=str(out / "responses.csv"),
            rejected=str(out / "rejected.csv"),
            quality=str(out / "quality.json"),
            settings=str(out / "settings.json"),
        ),
        log=[str(tmp_path / "validate.log")],
    )


SHIM = ROOT / "workflow" / "scripts" / "validate_responses.py"


def test_shim_writes_outputs_and_a_summary(tmp_path) -> None:
    export = write_csv(tmp_path / "a.csv", [record(), record("x")])
    snake = fake_snakemake(tmp_path, [export])
    runpy.run_path(str(SHIM), init_globals={"snakemake": snake})
    assert Path(snake.output.responses).exists()
    assert json.loads(Path(snake.output.quality).read_text(encoding="utf-8"))["n_valid"] == 1
    log = Path(snake.log[0]).read_text(encoding="utf-8")
    assert "1 diolah" in log and "1 ditolak" in log


def test_shim_records_bad_input_without_traceback(tmp_path, capsys) -> None:
    """validate_responses is a checkpoint: a unit that cannot be read records why (the recap
    lists it) and score_responses then stops that unit with the same message."""
    export = header_only(tmp_path / "kosong.csv")
    snake = fake_snakemake(tmp_path, [export])
    runpy.run_path(str(SHIM), init_globals={"snakemake": snake})
    quality = json.loads(Path(snake.output.quality).read_text(encoding="utf-8"))
    assert "kosong.csv" in quality["error"] and "hanya berisi baris judul" in quality["error"]
    log = Path(snake.log[0]).read_text(encoding="utf-8")
    assert "kosong.csv" in log and "hanya berisi baris judul" in log
    assert "Traceback" not in log + capsys.readouterr().err


# --------------------------------------------------------------------------- property test

_CELLS = st.one_of(
    st.sampled_from(
        [
            *BEST,
            *GOOD,
            "1",
            "4",
            "4.0",
            "5",
            "",
            " ",
            "sangat  baik",
            "L",
            "P",
            "25",
            "13/02/2023 9:14:31",
            "2023/02/13 9:14:31 AM GMT+8",
            "02/13/2023",
            "2023-02-13 09:14:31",
            "x\ny",
            '"',
            ";",
            ",",
            "0812 3456 7890",
        ]
    ),
    st.text(alphabet=string.printable + "éü–\u00a0", max_size=12),
)


@st.composite
def exports(draw) -> tuple[bytes, str]:
    """Random bytes, or a CSV whose headers are the mapped ones (odd case/space), a random
    selection of them, or random text, with random cells."""
    kind = draw(st.sampled_from(["mapped", "mapped", "mixed", "bytes", "xlsx"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300)), draw(st.sampled_from(["x.csv", "x.xlsx"]))
    if kind == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        for _ in range(draw(st.integers(0, 2))):
            sheet.append([draw(st.text(alphabet=string.ascii_letters, max_size=6))])
        sheet.append(header_texts(COLUMNS))
        cell = st.one_of(
            _CELLS,
            st.integers(-5, 50_000),
            st.floats(allow_nan=False, allow_infinity=False),
            st.datetimes(min_value=dt.datetime(2022, 12, 1), max_value=dt.datetime(2023, 6, 1)),
            st.none(),
        )
        for row in draw(st.lists(st.lists(cell, max_size=len(COLUMNS)), max_size=5)):
            sheet.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "x.xlsx"
    if kind == "mapped":
        keys = COLUMNS + draw(st.lists(st.sampled_from(["Catatan", ""]), max_size=2))
        headers = [draw(st.sampled_from([h, h.upper(), f" {h}  "])) for h in header_texts(keys)]
    else:
        keys = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=len(COLUMNS) + 3))
        headers = [draw(st.one_of(st.just(HEADER.get(k, k)), st.text(max_size=8))) for k in keys]
    width = len(keys)
    rows = draw(
        st.lists(
            st.lists(_CELLS, min_size=width - 1, max_size=width + 1),
            min_size=int(kind == "mapped"),
            max_size=6,
        )
    )
    if kind == "mapped" and draw(st.booleans()):  # mostly valid rows with a few odd cells
        valid = record()
        rows = [
            [
                cell if draw(st.integers(0, 9)) == 0 else valid.get(key, "")
                for key, cell in zip(keys, row, strict=False)
            ]
            for row in rows
        ]
    sep = draw(st.sampled_from([",", ";"]))
    buffer = io.StringIO(newline="")
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    writer = csv.writer(buffer, delimiter=sep, lineterminator=eol)
    writer.writerow(headers)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return buffer.getvalue().encode(encoding, errors="replace"), "x.csv"


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(export=exports(), date_order=st.sampled_from(["day_first", "month_first"]))
def test_any_input_ends_in_a_result_or_one_input_error(tmp_path, export, date_order) -> None:
    data, name = export
    path = tmp_path / name
    path.write_bytes(data)
    try:
        result = run([path], date_order=date_order)
    except SkmInputError as exc:
        assert str(exc)
        event("SkmInputError")
        return
    event(
        f"result with {result.quality['n_valid']} scored rows"
        if result.quality["n_valid"]
        else "result without scored rows"
    )
    check_invariants(result)


# --------------------------------------------------------------------------- fast paths


def forms_time(moment: dt.datetime) -> str:
    """A timestamp as Google Forms writes it in an Indonesian export (day first)."""
    return f"{moment.day}/{moment.month:02d}/{moment.year} {moment.hour}:{moment.minute:02d}:{moment.second:02d}"


@pytest.mark.parametrize("in_time_order", [True, False])
def test_duplicates_are_the_rows_equal_in_every_mapped_column(tmp_path, in_time_order) -> None:
    """Many rows share a timestamp and only some of them are exact duplicates: the duplicates
    found are those a full comparison of the mapped columns finds (an export in time order, as
    Forms writes it, and a shuffled one), each pointing at the first row it repeats."""
    rng = np.random.default_rng(3)
    base = dt.datetime(2023, 2, 13, 9)
    minutes = [*range(1_000, 1_100), *rng.integers(0, 300, 2_900)]  # 100 unique timestamps
    if in_time_order:
        minutes = sorted(minutes)
    rows = []
    for minute in minutes:
        answers = [
            (BEST if rng.integers(0, 2) else GOOD)[i] if i < 3 else GOOD[i]
            for i in range(len(UNSUR_CODES))
        ]
        saran = ["", "Antrean cepat", "Ruang tunggu nyaman"][rng.integers(0, 3)]
        rows.append(
            record(forms_time(base + dt.timedelta(minutes=int(minute))), answers, saran=saran)
        )
    result = run([write_csv(tmp_path / "a.csv", rows)])
    mapped = [key for key in COLUMNS if key not in PII]
    table = pd.DataFrame(rows)[mapped]
    repeated = table.duplicated(keep="first")
    first_row = table.groupby(mapped, sort=False).ngroup()
    origin = {group: i + 2 for i, group in reversed(list(enumerate(first_row)))}
    assert repeated.any() and not repeated[: 100 if not in_time_order else 0].any()
    found = problems(result, "duplicate")
    expected_rows = [i + 2 for i in np.flatnonzero(repeated)]
    assert found["raw_row"].tolist() == expected_rows
    for raw_row, reason in zip(found["raw_row"], found["reason"], strict=True):
        assert reason.startswith(f"Duplikat persis dari baris {origin[first_row[raw_row - 2]]} ")
    assert result.quality["funnel"]["duplikat"] == len(expected_rows)


@pytest.mark.parametrize("sorted_stamps", [True, False])
def test_responses_are_in_time_order_then_file_then_row(tmp_path, sorted_stamps) -> None:
    """responses.csv lists rows by (timestamp, file, spreadsheet row), whatever the order of
    the exports' rows; an export already in time order keeps its order."""
    rng = np.random.default_rng(4)
    base = dt.datetime(2023, 2, 13, 9)
    minutes = rng.integers(0, 50, 1_200)
    if sorted_stamps:
        minutes = np.sort(minutes)
    expected = []
    paths = []
    for file_no, name in enumerate(("a.csv", "b.csv", "c.csv")):
        rows = []
        for i, minute in enumerate(minutes[file_no * 400 : (file_no + 1) * 400]):
            rows.append(
                record(
                    forms_time(base + dt.timedelta(minutes=int(minute))),
                    saran=f"Saran {file_no}-{i}",
                )
            )
            expected.append((int(minute), name, i + 2))
        paths.append(write_csv(tmp_path / name, rows))
    result = run(paths)
    assert result.quality["n_valid"] == 1_200
    got = list(zip(result.responses["file"], result.responses["raw_row"], strict=True))
    assert got == [(name, raw_row) for _, name, raw_row in sorted(expected)]


def test_suggestions_are_redacted_and_counted_per_row(tmp_path) -> None:
    """Each suggestion is redacted as `redact_series` redacts it on its own, and
    quality.json's saran_redacted counts the replacements of every row holding it (a text
    repeated on several rows counts on each)."""
    from skm.ingest.redact import redact_series

    texts = [
        "hubungi 0812 3456 7890",
        "bagus",
        "email a.b@contoh.id atau 0813-1111-2222",
        "NIK 3201 2345 6789 0123",
    ]
    ids = [0, 1, 2, 0, -1, 2, 2, 3, 1, -1, 0]
    base = dt.datetime(2023, 2, 13, 9)
    rows = [
        record(forms_time(base + dt.timedelta(minutes=i)), saran=texts[k] if k >= 0 else "")
        for i, k in enumerate(ids)
    ]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    cells = pd.Series(pd.array([texts[k] if k >= 0 else None for k in ids], dtype="str"))
    expected, expected_count = redact_series(cells)
    assert expected_count > len(ids) // 2
    assert result.quality["saran_redacted"] == expected_count
    assert [None if pd.isna(v) else v for v in result.responses["saran"]] == [
        None if pd.isna(v) else v for v in expected.tolist()
    ]


def test_garbage_collection_is_restored_after_ingest(tmp_path) -> None:
    import gc

    path = write_csv(tmp_path / "a.csv", [record()])
    assert gc.isenabled()
    run([path])
    assert gc.isenabled()
    with pytest.raises(SkmInputError):
        run([tmp_path / "tidak-ada.csv"])
    assert gc.isenabled()
    gc.disable()
    try:
        run([path])
        assert not gc.isenabled()
    finally:
        gc.enable()


# --------------------------------------------------------------------------- speed


def test_speed_against_read_csv(tmp_path, benchmark) -> None:
    """1,000,000 rows ingest within 3x `pandas.read_csv(dtype=str)`. Skipped by default (the
    project runs with --benchmark-skip); run with ``pytest -o addopts= -k speed``."""
    import time

    n = 1_000_000
    rng = np.random.default_rng(0)
    start = np.datetime64("2023-02-01T00:00:00")
    stamps = pd.Series(np.sort(start + rng.integers(0, 89 * 86400, n).astype("timedelta64[s]")))
    hour = stamps.dt.hour
    table = {
        HEADER["timestamp"]: stamps.dt.strftime("%d/%m/%Y ")
        + hour.astype(str)
        + stamps.dt.strftime(":%M:%S")
    }
    table.update({k: v for k, v in PII.items()})
    for key, choices in [
        ("layanan", ["A", "B"]),
        ("jenis_kelamin", ["L", "P"]),
        ("usia", ["25", "41"]),
        ("pendidikan", ["SMA", "S1"]),
        ("pekerjaan", ["PNS", "Swasta"]),
    ]:
        table[HEADER[key]] = np.asarray(choices)[rng.integers(0, 2, n)]
    for code in UNSUR_CODES:
        table[HEADER[code]] = np.asarray(DEFAULT_LABELS[code])[rng.integers(0, 4, n)]
    table[HEADER["saran"]] = np.asarray(["", "", "Bagus"])[rng.integers(0, 3, n)]
    path = tmp_path / "besar.csv"
    pd.DataFrame(table).to_csv(path, index=False)
    begin = time.perf_counter()
    pd.read_csv(path, dtype=str, keep_default_na=False)
    baseline = time.perf_counter() - begin
    result = benchmark.pedantic(run, args=([path],), rounds=1, iterations=1)
    assert result.quality["n_valid"] == n
    assert benchmark.stats.stats.max <= 3 * baseline


def test_value_file_names_its_content_and_is_dated_1970(tmp_path) -> None:
    """The config values a job reads come in a file named by the hash of its JSON: the same
    value is the same file (written once, dated 1970, so writing it again reruns nothing), a
    changed value a new name (Snakemake's `input` rerun trigger reruns the job)."""
    first = value_file({"b": 1, "a": [1, 2]}, "unit_config", tmp_path)
    assert value_file({"a": [1, 2], "b": 1}, "unit_config", tmp_path) == first
    assert json.loads(Path(first).read_text(encoding="utf-8")) == {"a": [1, 2], "b": 1}
    assert Path(first).stat().st_mtime == 0
    changed = value_file({"a": [1, 2], "b": 2}, "unit_config", tmp_path)
    assert changed != first and Path(changed).name.startswith("unit_config-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [Path(first).name, Path(changed).name]
    )
