"""Bad input: one catalogue of broken or odd inputs, one row each, and what becomes of them.

Every item ends in exactly one of three outcomes, and the table says which:

* ``Scored``: odd but valid input; every row is read and scored.
* ``Rejected``: the row is listed in rejected.csv with its file, row, column and a specific
  reason; the other rows are scored (n_raw = n_valid + n_rejected: nothing is dropped silently).
* ``Stops``: the unit's run stops with one SkmInputError whose message names the file, the row
  (or YAML key and line) and the column, and says what to do.

`process` runs a unit-year folder through the functions the workflow's scripts call, in their
order (config.yaml, unit.yaml + survei.yaml, the exports, rtl.yaml, realisasi.yaml), so each
item costs milliseconds. `test_broken_unit_beside_a_good_one` runs the real snakemake once:
a broken unit fails clearly while the good unit's documents are made. The RTL arithmetic
(realisation percentage, priority check) closes the module.

The export builders come from test_ingest.py (same public functions, no second copy).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import FIXTURES, ROOT, copy_project, run_snakemake
from skm.domain import UNSUR_CODES, UNSUR_NAMES, round_half_up
from skm.errors import SkmInputError
from skm.ingest.result import IngestResult, write_outputs
from skm.ingest.settings import load_config, load_unit_year
from skm.ingest.unit import ingest
from skm.numfmt import persen
from skm.report.tindak_lanjut import load_realisasi, load_rtl, priority_check, realisation_pct
from test_ingest import (
    BEST,
    COLUMNS,
    GOOD,
    HEADER,
    check_invariants,
    header_texts,
    record,
    write_csv,
)

UNIT, YEAR = "dinas-uji", 2023
UNIT_YAML = "name: Dinas Uji\npopulation: 500\ntimezone: WITA\n"
SURVEI_YAML = "period:\n  start: 2023-02-01\n  end: 2023-04-30\n"
RTL_YAML = """\
rencana:
  - id: antrian
    unsur: U3
    program: Sistem antrean daring
    triwulan: [1, 2]
    penanggung_jawab: Bagian Umum
  - id: pengaduan
    unsur: U8
    program: Kanal pengaduan WhatsApp
    triwulan: [2]
    penanggung_jawab: Bagian Umum
"""
REALISASI_YAML = """\
realisasi:
  - id: antrian
    status: sudah
  - id: pengaduan
    status: belum
"""
#: The first two data rows of every export: valid, scored.
TWO_GOOD = [record("13/02/2023 9:14:31"), record("14/02/2023 10:00:00", BEST)]


# --------------------------------------------------------------------------- the unit folder


@dataclass
class Unit:
    """A unit-year folder under `raw`, and the config.yaml it runs with."""

    raw: Path
    config: Path

    @property
    def unit_dir(self) -> Path:
        return self.raw / UNIT

    @property
    def year_dir(self) -> Path:
        return self.unit_dir / str(YEAR)

    def export(self, rows: list[dict], name: str = "ekspor.csv", **kwargs) -> int:
        """Write an export (test_ingest.write_csv); return its number of data rows."""
        write_csv(self.year_dir / name, rows, **kwargs)
        return len(rows)

    def write(self, name: str, text: str) -> None:
        """Write a text file of the unit (name relative to the year folder; '../' for the unit)."""
        path = (self.year_dir / name).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit_config(self, old: str, new: str) -> None:
        """Replace one piece of the shipped config.yaml."""
        text = self.config.read_text(encoding="utf-8")
        assert old in text, old
        self.config.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_unit(tmp_path: Path) -> Unit:
    """A valid unit-year: unit.yaml, survei.yaml, the shipped config.yaml (no export yet)."""
    unit = Unit(tmp_path / "raw", tmp_path / "config.yaml")
    unit.year_dir.mkdir(parents=True)
    (unit.unit_dir / "unit.yaml").write_text(UNIT_YAML, encoding="utf-8")
    (unit.year_dir / "survei.yaml").write_text(SURVEI_YAML, encoding="utf-8")
    unit.config.write_text((ROOT / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return unit


def process(unit: Unit) -> IngestResult:
    """The unit-year through the functions the workflow's scripts call, in their order."""
    settings = load_unit_year(unit.raw, UNIT, YEAR, load_config(unit.config))
    exports = sorted(p for p in unit.year_dir.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})
    result = ingest(exports, settings)
    rtl_path, realisasi_path = unit.year_dir / "rtl.yaml", unit.year_dir / "realisasi.yaml"
    if rtl_path.exists():
        rtl = load_rtl(rtl_path)
        if realisasi_path.exists():
            load_realisasi(realisasi_path, rtl)
    return result


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Scored:
    """Every data row is scored; `check` looks at the result more closely."""

    n: int
    check: Callable[[IngestResult], None] | None = None


@dataclass(frozen=True)
class Rejected:
    """One row is in rejected.csv with this reason code, row, column and words in the reason."""

    code: str
    row: int
    column: str
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stops:
    """The run stops with one message naming `file`, every piece of `where` (row, key and line,
    column) and the advice `todo`."""

    file: str
    where: tuple[str, ...] = ()
    todo: str = ""


@dataclass(frozen=True)
class Case:
    """One catalogue item: how to break a valid unit, and what must become of it."""

    build: Callable[[Unit], int | None]  # returns the number of data rows written, if any
    expect: Scored | Rejected | Stops


# --------------------------------------------------------------------------- builders


def rows_plus(*rows: dict) -> Callable[[Unit], int]:
    """The two good rows, then `rows` (data rows 4, 5, ...: the header is row 1)."""
    return lambda u: u.export([*TWO_GOOD, *rows])


def xlsx(unit: Unit, *, first_sheet: bool, title_rows: bool) -> int:
    """An Excel export: responses on a later sheet and/or below merged title rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    if first_sheet:
        sheet.title = "Ringkasan"
        sheet["A1"], sheet["A2"], sheet["B2"] = "Rekap SKM 2023", "Jumlah responden", 3
        sheet = book.create_sheet("Form Responses 1")
    top = 1
    if title_rows:
        sheet["A1"] = "HASIL SURVEI KEPUASAN MASYARAKAT TAHUN 2023"
        sheet.merge_cells("A1:H1")
        sheet["A2"] = "Dinas Uji"
        sheet.merge_cells("A2:H2")
        top = 4
    for col, text in enumerate(header_texts(COLUMNS), start=1):
        sheet.cell(row=top, column=col, value=text)
    stamps = [
        dt.datetime(2023, 2, 13, 9, 14, 31),
        dt.datetime(2023, 2, 14, 10),
        dt.datetime(2023, 3, 1, 8),
    ]
    for i, stamp in enumerate(stamps, start=1):
        row = record(answers=BEST if i == 2 else GOOD)
        row["timestamp"] = stamp
        for col, key in enumerate(COLUMNS, start=1):
            sheet.cell(row=top + i, column=col, value=row.get(key, ""))
    book.save(unit.year_dir / "ekspor.xlsx")
    return len(stamps)


def without(key: str) -> list[str]:
    return [c for c in COLUMNS if c != key]


def yaml_case(*files: tuple[str, str]) -> Callable[[Unit], int]:
    """The two good rows, and each (name relative to the year folder, text) written."""

    def build(unit: Unit) -> int:
        for name, text in files:
            unit.write(name, text)
        return unit.export(TWO_GOOD)

    return build


def config_case(old: str, new: str) -> Callable[[Unit], int]:
    """The two good rows, and config.yaml with `old` replaced by `new`."""

    def build(unit: Unit) -> int:
        unit.edit_config(old, new)
        return unit.export(TWO_GOOD)

    return build


def answers(**by_code: str) -> list[str]:
    """GOOD answers with some unsur replaced, e.g. answers(U3='5')."""
    return [by_code.get(code, GOOD[i]) for i, code in enumerate(UNSUR_CODES)]


# --------------------------------------------------------------------------- checks


def saran_of(result: IngestResult, row: int) -> str:
    return result.responses.set_index("raw_row")["saran"][row]


def check_cp1252(result: IngestResult) -> None:
    assert result.quality["files"][0]["encoding"] == "cp1252"
    assert saran_of(result, 4) == "Pelayanan ‘café’ – “oke” … ¾ jam"


def check_sheet(sheet: str, header_row: int) -> Callable[[IngestResult], None]:
    def check(result: IngestResult) -> None:
        info = result.quality["files"][0]
        assert (info["sheet"], info["header_row"]) == (sheet, header_row)
        assert result.responses["timestamp"].tolist()[0] == "2023-02-13T09:14:31+08:00"

    return check


def check_file_format(encoding: str, delimiter: str) -> Callable[[IngestResult], None]:
    def check(result: IngestResult) -> None:
        info = result.quality["files"][0]
        assert (info["encoding"], info["delimiter"]) == (encoding, delimiter)
        assert result.responses["U9"].notna().all()
        assert saran_of(result, 4) == "Antre lama"  # the last cell: no stray \r, no BOM bytes

    return check


def check_multiline(result: IngestResult) -> None:
    assert saran_of(result, 4) == 'Baris satu,\nbaris "dua";\n\nbaris empat'
    assert result.responses["raw_row"].tolist() == [2, 3, 4, 5]  # row numbers after it hold


def check_odd_labels(result: IngestResult) -> None:
    scores = result.responses.set_index("raw_row").loc[4, list(UNSUR_CODES)]
    assert [int(v) for v in scores] == [4, 2, 4, 1, 3, 4, 3, 2, 3]


def check_blanks(result: IngestResult) -> None:
    row = result.responses.set_index("raw_row").loc[4]
    assert [c for c in UNSUR_CODES if pd.isna(row[c])] == ["U2", "U8"]  # excluded, not 0
    assert result.quality["item_nonresponse"] == {c: int(c in {"U2", "U8"}) for c in UNSUR_CODES}


def check_unmatched(result: IngestResult) -> None:
    row = result.responses.set_index("raw_row").loc[4]
    assert (row["jenis_kelamin"], row["pendidikan"]) == ("Tidak ingin menyebutkan", "Pesantren")
    unmatched = result.quality["demografi_unmatched"]
    assert unmatched["jenis_kelamin"] == {"Tidak ingin menyebutkan": 1}
    assert unmatched["pendidikan"] == {"Pesantren": 1}


# --------------------------------------------------------------------------- the catalogue

U3 = HEADER["U3"]
TS = "Stempel waktu"
TABLE_NAME = "Form Responses 1"
MULTILINE = 'Baris satu,\r\nbaris "dua";\r\n\r\nbaris empat'
CP1252 = "Pelayanan ‘café’ – “oke” … ¾ jam"
ODD = [
    " sangat  SESUAI ",
    "kurang MUDAH",
    "4",
    "1.0",
    " 3 ",
    "Sangat\u00a0kompeten",
    "SOPAN DAN RAMAH",
    "ada tetapi tidak berfungsi",
    "BAIK",
]


def _empty(unit: Unit) -> None:
    (unit.year_dir / "ekspor.csv").write_bytes(b"")


def _duplicate_header(unit: Unit) -> int:
    return unit.export(TWO_GOOD, columns=[*COLUMNS, "U3"], headers=header_texts([*COLUMNS, "U3"]))


def _utf16(unit: Unit) -> int:
    return unit.export(TWO_GOOD, sep="\t", eol="\r\n", encoding="utf-16")


CATALOGUE = [
    # --- the export file
    pytest.param(Case(_empty, Stops("ekspor.csv", todo="unduh ulang")), id="empty-file"),
    pytest.param(
        Case(lambda u: u.export([]), Stops("ekspor.csv", todo="unduh ulang")), id="header-only"
    ),
    pytest.param(
        Case(
            lambda u: u.export(TWO_GOOD, columns=without("U3")),
            Stops(
                "ekspor.csv",
                ("U3 (Waktu Penyelesaian)", U3),
                todo="tambahkan judul barunya ke `columns` di unit.yaml",
            ),
        ),
        id="mapped-column-missing",
    ),
    pytest.param(
        Case(
            _duplicate_header,
            Stops(
                "ekspor.csv",
                (f"kolom '{U3}'", "muncul 2 kali", "kolom ke-12, ke-20"),
                todo="Hapus atau ganti nama kolom",
            ),
        ),
        id="same-header-twice",
    ),
    pytest.param(
        Case(
            lambda u: u.export([*TWO_GOOD, record("15/02/2023 9:00", saran="Antre lama")], sep=";"),
            Scored(3, check_file_format("utf-8", ";")),
        ),
        id="semicolon-delimiter",
    ),
    pytest.param(
        Case(
            lambda u: u.export(
                [*TWO_GOOD, record("15/02/2023 9:00", saran="Antre lama")], bom=True
            ),
            Scored(3, check_file_format("utf-8-sig", ",")),
        ),
        id="bom",
    ),
    pytest.param(
        Case(
            lambda u: u.export(
                [*TWO_GOOD, record("15/02/2023 9:00", saran="Antre lama")], eol="\r\n"
            ),
            Scored(3, check_file_format("utf-8", ",")),
        ),
        id="windows-line-ends",
    ),
    pytest.param(
        Case(
            lambda u: u.export(
                [*TWO_GOOD, record("15/02/2023 9:00", saran=CP1252)],
                sep=";",
                eol="\r\n",
                encoding="cp1252",
            ),
            Scored(3, check_cp1252),
        ),
        id="latin-1-cp1252",
    ),
    pytest.param(
        Case(
            lambda u: xlsx(u, first_sheet=True, title_rows=False),
            Scored(3, check_sheet(TABLE_NAME, 1)),
        ),
        id="xlsx-not-first-sheet",
    ),
    pytest.param(
        Case(
            lambda u: xlsx(u, first_sheet=False, title_rows=True),
            Scored(3, check_sheet("Sheet", 4)),
        ),
        id="xlsx-merged-title-rows",
    ),
    pytest.param(
        Case(
            lambda u: u.export(
                [*TWO_GOOD, record("15/02/2023 9:00", saran=MULTILINE), record("16/02/2023 9:00")],
                eol="\r\n",
            ),
            Scored(4, check_multiline),
        ),
        id="saran-several-lines-in-quotes",
    ),
    # --- answers
    pytest.param(
        Case(rows_plus(record("15/02/2023 9:00", ODD)), Scored(3, check_odd_labels)),
        id="labels-odd-case-and-spacing",
    ),
    pytest.param(
        Case(
            rows_plus(record("15/02/2023 9:00", answers(U3="5"))),
            Rejected("answer_invalid", 4, U3, ("'5'", "di luar skala 1–4", "U3")),
        ),
        id="digit-above-4",
    ),
    pytest.param(
        Case(
            rows_plus(record("15/02/2023 9:00", answers(U3="0"))),
            Rejected("answer_invalid", 4, U3, ("'0'", "di luar skala 1–4", "U3")),
        ),
        id="digit-below-1",
    ),
    pytest.param(
        Case(
            rows_plus(record("15/02/2023 9:00", answers(U3="Sangat Puas"))),
            Rejected(
                "answer_invalid", 4, U3, ("'Sangat Puas'", "tidak termasuk pilihan", "Sangat cepat")
            ),
        ),
        id="unknown-label",
    ),
    pytest.param(
        Case(rows_plus(record("15/02/2023 9:00", answers(U2="", U8=" "))), Scored(3, check_blanks)),
        id="blank-answers",
    ),
    pytest.param(
        Case(
            rows_plus(record("15/02/2023 9:00", [""] * 9, saran="hanya saran")),
            Rejected("no_answers", 4, "", ("Tidak ada satu pun unsur",)),
        ),
        id="row-without-answers",
    ),
    pytest.param(
        Case(
            rows_plus(TWO_GOOD[0]), Rejected("duplicate", 4, "", ("Duplikat persis dari baris 2",))
        ),
        id="exact-duplicate",
    ),
    # --- timestamps
    pytest.param(
        Case(
            rows_plus(record("kemarin sore")),
            Rejected("timestamp_unparseable", 4, TS, ("'kemarin sore'", "format")),
        ),
        id="timestamp-unparseable",
    ),
    pytest.param(
        Case(
            rows_plus(record("31/01/2023 23:59:59")),
            Rejected("timestamp_out_of_period", 4, TS, ("sebelum awal periode",)),
        ),
        id="timestamp-before-period",
    ),
    pytest.param(
        Case(
            rows_plus(record("01/05/2023 0:00:00")),
            Rejected("timestamp_out_of_period", 4, TS, ("setelah akhir periode",)),
        ),
        id="timestamp-after-period",
    ),
    pytest.param(
        Case(
            rows_plus(record("02/15/2023 9:00:00")),
            Stops(
                "ekspor.csv",
                (f"kolom '{TS}'", "baris 2", "baris 4"),
                todo="seragamkan format tanggalnya",
            ),
        ),
        id="day-month-order-contradicts-itself",
    ),
    # --- demographics
    pytest.param(
        Case(
            rows_plus(
                record(
                    "15/02/2023 9:00",
                    jenis_kelamin="Tidak ingin menyebutkan",
                    pendidikan="Pesantren",
                )
            ),
            Scored(3, check_unmatched),
        ),
        id="unknown-demographic-value",
    ),
    # --- unit.yaml, survei.yaml
    pytest.param(
        Case(
            yaml_case(("../unit.yaml", UNIT_YAML + "populasi: 500\n")),
            Stops("unit.yaml", ("'populasi'", "baris 4"), todo="salah ketik"),
        ),
        id="unit-yaml-misspelt-key",
    ),
    pytest.param(
        Case(
            yaml_case(("../unit.yaml", UNIT_YAML.replace("500", "banyak"))),
            Stops("unit.yaml", ("'population'", "baris 2"), todo="harus integer"),
        ),
        id="unit-yaml-wrong-type",
    ),
    pytest.param(
        Case(
            yaml_case(("../unit.yaml", UNIT_YAML.replace("timezone: WITA\n", ""))),
            Stops("unit.yaml", ("'timezone'", "baris 1"), todo="kunci wajib tidak ada"),
        ),
        id="unit-yaml-missing-required-key",
    ),
    pytest.param(
        Case(
            yaml_case(("survei.yaml", SURVEI_YAML.replace("period:", "periode:"))),
            Stops("survei.yaml", ("'periode'", "baris 1"), todo="salah ketik"),
        ),
        id="survei-yaml-misspelt-key",
    ),
    pytest.param(
        Case(
            yaml_case(("survei.yaml", SURVEI_YAML + "population: lima ratus\n")),
            Stops("survei.yaml", ("'population'", "baris 4"), todo="harus integer"),
        ),
        id="survei-yaml-wrong-type",
    ),
    pytest.param(
        Case(
            yaml_case(("survei.yaml", SURVEI_YAML.replace("  end: 2023-04-30\n", ""))),
            Stops("survei.yaml", ("'period'", "'end'", "baris 1"), todo="kunci wajib tidak ada"),
        ),
        id="survei-yaml-missing-required-key",
    ),
    # --- config.yaml (the same validation the workflow runs at DAG load)
    pytest.param(
        Case(
            config_case("instansi:", "instansy:"),
            Stops("config.yaml", ("'instansy'", "baris"), todo="salah ketik"),
        ),
        id="config-yaml-misspelt-key",
    ),
    pytest.param(
        Case(
            config_case("years: []", "years: 2023"),
            Stops("config.yaml", ("'years'", "baris"), todo="harus array"),
        ),
        id="config-yaml-wrong-type",
    ),
    pytest.param(
        Case(
            config_case("\ndemografi:", "\ndemografi_lama:"),
            Stops("config.yaml", ("'demografi'",), todo="kunci wajib tidak ada"),
        ),
        id="config-yaml-missing-required-key",
    ),
    # --- rtl.yaml, realisasi.yaml
    pytest.param(
        Case(
            yaml_case(("rtl.yaml", RTL_YAML.replace("unsur: U8", "unsur: U10"))),
            Stops("rtl.yaml", ("'rencana.1.unsur'", "baris 8"), todo="pilihan"),
        ),
        id="rtl-unknown-unsur",
    ),
    pytest.param(
        Case(
            yaml_case(("rtl.yaml", RTL_YAML.replace("triwulan: [2]", "triwulan: [5]"))),
            Stops("rtl.yaml", ("'rencana.1.triwulan.0'", "baris 10"), todo="4"),
        ),
        id="rtl-quarter-5",
    ),
    pytest.param(
        Case(
            yaml_case(("rtl.yaml", RTL_YAML.replace("    program: Sistem antrean daring\n", ""))),
            Stops(
                "rtl.yaml", ("'rencana.0'", "'program'", "baris 2"), todo="kunci wajib tidak ada"
            ),
        ),
        id="rtl-missing-program",
    ),
    pytest.param(
        Case(
            yaml_case(
                ("rtl.yaml", RTL_YAML),
                ("realisasi.yaml", REALISASI_YAML.replace("id: pengaduan", "id: aduan")),
            ),
            Stops(
                "realisasi.yaml",
                ("'realisasi.1.id'", "baris 4"),
                todo="id yang ada: antrian, pengaduan",
            ),
        ),
        id="realisasi-id-without-plan-item",
    ),
    pytest.param(
        Case(
            yaml_case(
                ("rtl.yaml", RTL_YAML),
                (
                    "realisasi.yaml",
                    REALISASI_YAML.replace(
                        "status: sudah\n", "status: sudah\n    bukti: [dokumentasi/x.jpg]\n"
                    ),
                ),
            ),
            Stops("realisasi.yaml", ("'realisasi.0.bukti.0'", "baris 4"), todo="dokumentasi/x.jpg"),
        ),
        id="realisasi-bukti-missing",
    ),
    # --- found while writing this catalogue
    pytest.param(Case(_utf16, Scored(2)), id="utf-16-export"),
]


@pytest.mark.parametrize("case", CATALOGUE)
def test_bad_input(tmp_path, case: Case) -> None:
    unit = make_unit(tmp_path)
    written = case.build(unit)
    expect = case.expect
    try:
        result = process(unit)
    except SkmInputError as exc:
        message = str(exc)
        assert isinstance(expect, Stops), f"stopped, but expected {expect}:\n{message}"
        assert expect.file in message, message
        for piece in (*expect.where, expect.todo):
            assert piece in message, (piece, message)
        assert "Traceback" not in message and not message.startswith(" ")
        return
    assert not isinstance(expect, Stops), f"expected to stop naming {expect.file}"
    check_invariants(result)
    q = result.quality
    assert q["n_raw"] == written, "every data row is either scored or listed"
    out = tmp_path / "processed"
    write_outputs(result, out / "responses.csv", out / "rejected.csv", out / "quality.json")
    rejected = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    if isinstance(expect, Scored):
        assert (q["n_valid"], q["n_rejected"]) == (expect.n, 0), rejected.to_dict("records")
        if expect.check:
            expect.check(result)
        return
    assert (q["n_valid"], q["n_rejected"]) == (written - 1, 1), rejected.to_dict("records")
    listed = rejected[rejected["raw_row"] == str(expect.row)]
    assert len(listed) >= 1, rejected.to_dict("records")
    line = listed.iloc[0]
    assert (line["file"], line["reason_code"], line["column"]) == (
        "ekspor.csv",
        expect.code,
        expect.column,
    )
    for word in expect.words:
        assert word in line["reason"], (word, line["reason"])


def test_catalogue_covers_the_issue() -> None:
    """Every item the issue lists has a row (ids are the table of contents of this module)."""
    ids = {p.id for p in CATALOGUE}
    assert len(ids) == len(CATALOGUE)
    for wanted in (
        "empty-file",
        "header-only",
        "mapped-column-missing",
        "same-header-twice",
        "semicolon-delimiter",
        "bom",
        "windows-line-ends",
        "latin-1-cp1252",
        "xlsx-not-first-sheet",
        "xlsx-merged-title-rows",
        "saran-several-lines-in-quotes",
        "labels-odd-case-and-spacing",
        "digit-above-4",
        "digit-below-1",
        "unknown-label",
        "blank-answers",
        "row-without-answers",
        "exact-duplicate",
        "timestamp-unparseable",
        "timestamp-before-period",
        "timestamp-after-period",
        "day-month-order-contradicts-itself",
        "unknown-demographic-value",
        "rtl-unknown-unsur",
        "rtl-quarter-5",
        "rtl-missing-program",
        "realisasi-id-without-plan-item",
        "realisasi-bukti-missing",
    ):
        assert wanted in ids, wanted
    for name in ("unit-yaml", "survei-yaml", "config-yaml"):
        for kind in ("misspelt-key", "wrong-type", "missing-required-key"):
            assert f"{name}-{kind}" in ids


# --------------------------------------------------------------------------- the real workflow


@pytest.mark.workflow
def test_broken_unit_beside_a_good_one(tmp_path) -> None:
    """--keep-going: the good unit's documents are made; the broken unit stops with one message
    naming its file and column, no traceback, and nothing of it appears under reports/."""
    root = copy_project(tmp_path / "p", units={"uji": FIXTURES / "units" / "uji"}, sample=False)
    broken = root / "data" / "raw" / "rusak" / "2025"
    broken.mkdir(parents=True)
    (broken.parent / "unit.yaml").write_text(
        "name: Unit Rusak\npopulation: 30\ntimezone: WITA\n", encoding="utf-8"
    )
    renamed = "Bagaimana pendapat Saudara tentang kecepatan pelayanan?"  # the form was edited
    write_csv(
        broken / "Form Responses 1.csv",
        [record("13/02/2025 9:00:00"), record("14/02/2025 9:00:00")],
        headers=[renamed if h == U3 else h for h in header_texts(COLUMNS)],
    )
    proc = run_snakemake(root, "--keep-going", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Traceback" not in out
    assert "Form Responses 1.csv" in out and "U3 (Waktu Penyelesaian)" in out
    assert renamed in out  # the header found, so the unit sees what to map
    good = root / "reports" / "uji" / "2024"
    for ext in ("pdf", "docx", "html", "xlsx"):
        assert (good / f"laporan-skm-uji-2024.{ext}").stat().st_size > 0, ext
    assert not [
        p for p in (root / "reports").rglob("*") if "rusak" in p.name or "rusak" in p.parts
    ], "nothing of the broken unit under reports/"
    assert not list((root / "reports").rglob("*.part")), "no temporary file left in reports/"


@pytest.mark.workflow
def test_config_error_at_dag_load_is_one_short_message(tmp_path) -> None:
    root = copy_project(tmp_path / "p", sample=False)
    config = root / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("instansi:", "instansy:"), encoding="utf-8"
    )
    proc = run_snakemake(root, "--dry-run", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "instansy" in out and "Traceback" not in out
    assert re.search(r"config\.yaml.*instansy.*baris \d+", out, re.DOTALL), out[-2000:]
    assert len(out.splitlines()) < 40


# --------------------------------------------------------------------------- RTL arithmetic


def _unsur(sums: list[int], n: int = 68) -> list[dict]:
    """ikm.json-style unsur rows with exact NRR sum/n."""
    return [
        {"code": c, "name": UNSUR_NAMES[c], "exact": {"nrr": [s, n]}}
        for c, s in zip(UNSUR_CODES, sums, strict=True)
    ]


#: The 2022 sample's sums: U3 and U8 tied lowest (221/68), U5 and U6 tied next (223/68).
SUMS_2022 = [225, 227, 221, 229, 223, 223, 234, 221, 257]


def _plan(*codes: str) -> dict:
    return {
        "rencana": [
            {"id": f"r{i}", "unsur": c, "program": "x", "triwulan": [1], "penanggung_jawab": "y"}
            for i, c in enumerate(codes)
        ]
    }


def test_realisation_of_two_of_three_items_is_66_67_percent() -> None:
    plan = _plan("U3", "U8", "U5")
    done = {
        "realisasi": [
            {"id": "r0", "status": "sudah"},
            {"id": "r1", "status": "sudah"},
            {"id": "r2", "status": "dalam proses"},
        ]
    }
    pct = realisation_pct(plan, done)
    assert pct == Fraction(200, 3)
    assert persen(round_half_up(pct, 2)) == "66,67%"


@pytest.mark.parametrize(
    ("codes", "warned"),
    [
        (("U3", "U8", "U5"), None),  # U5 is one of the tied pair U5/U6: choosing from a tie is fine
        (("U3", "U8", "U6"), None),
        (("U8",), None),
        (("U3", "U8", "U9"), "Sarana dan Prasarana (U9)"),  # U9 is the highest
        (("U1",), "Persyaratan (U1)"),
    ],
)
def test_priority_check(codes, warned) -> None:
    warnings = priority_check(_plan(*codes), _unsur(SUMS_2022))
    if warned is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and warned in warnings[0]
        for low in ("(U3)", "(U8)", "(U5)", "(U6)"):
            assert low in warnings[0]  # the lowest, ties named together


def test_the_unbroken_unit_is_clean(tmp_path) -> None:
    """The valid unit every catalogue item breaks (with its rtl.yaml and realisasi.yaml) runs
    cleanly, so each broken variant fails for the one reason it was given."""
    unit = make_unit(tmp_path)
    yaml_case(("rtl.yaml", RTL_YAML), ("realisasi.yaml", REALISASI_YAML))(unit)
    result = process(unit)
    assert (result.quality["n_valid"], result.quality["n_rejected"]) == (2, 0)
    rtl = load_rtl(unit.year_dir / "rtl.yaml")
    assert realisation_pct(rtl, load_realisasi(unit.year_dir / "realisasi.yaml", rtl)) == 50
