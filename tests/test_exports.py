"""Real exports as units download them (issue 12): zips, Microsoft Forms, day/month order,
per-field `columns:`, lettered answers, checkbox layanan, the rejected-share stop, `skm check`.

Every fixture export is built here from the documented formats: Google Forms' "Download
responses (.csv)" is ``<form title>.csv.zip`` holding ``<form title>.csv`` with a
``Timestamp`` column in ``2024/03/01 9:14:31 AM GMT+8``; Microsoft Forms' "Open results in
Excel" workbook starts with ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``
(real date-time cells), then one column per question, checkbox answers joined with ``;`` and
ending with one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import runpy
import types
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from hostile_exports import oversized_zip
from skm.audit.manifest import hash_entries
from skm.audit.provenance import unit_config
from skm.domain import DEFAULT_LABELS, UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest import values
from skm.ingest.check import check
from skm.ingest.result import IngestStopped
from skm.ingest.settings import load_config, load_unit_year
from skm.ingest.unit import ingest, ingest_unit
from skm.ingest.values import answer_score, propose_layanan
from skm.ingest.zips import ZIP_MAX_BYTES, ZIP_MAX_MEMBERS, zip_members
from skm.io import value_file
from skm.report.laporan import Laporan
from skm.scoring.ikm import score
from skm.scoring.tables import layanan_column

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config.yaml")
#: The default header of each field (the first config.yaml lists for it).
HEADER: dict[str, str] = {}
for _text, _field in CONFIG["columns"].items():
    HEADER.setdefault(_field, _text)
GOOD = [DEFAULT_LABELS[code][2] for code in UNSUR_CODES]
BEST = [DEFAULT_LABELS[code][3] for code in UNSUR_CODES]
FIELDS = [
    "timestamp",
    "Nama",
    "Alamat Email",
    "layanan",
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    *UNSUR_CODES,
    "saran",
]
UNIT_YAML = {"name": "Dinas Uji", "population": 500, "timezone": "WITA"}


def row(ts: str, answers: list[str] | None = None, **fields: str) -> dict:
    """One export row by field (names and e-mail always filled)."""
    out = {
        "timestamp": ts,
        "Nama": "Zulkarnaen Pratamaputra",
        "Alamat Email": "zulkarnaen.planted@contoh.id",
        "layanan": "Perizinan",
        "jenis_kelamin": "Laki-laki",
        "usia": "34",
        "pendidikan": "S1",
        "pekerjaan": "PNS",
        "saran": "",
    }
    out.update(zip(UNSUR_CODES, answers or GOOD, strict=True))
    out.update(fields)
    return out


def csv_bytes(
    rows: list[dict], headers: dict[str, str] | None = None, fields: list[str] | None = None
) -> bytes:
    """A Google Forms CSV export of `rows` (header text per field from config.yaml)."""
    fields = fields or FIELDS
    names = {**HEADER, **(headers or {})}
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([names.get(f, f) for f in fields])
    for r in rows:
        writer.writerow([r.get(f, "") for f in fields])
    return buffer.getvalue().encode("utf-8")


def make_unit(
    tmp_path: Path,
    files: dict[str, bytes],
    *,
    unit: dict | None = None,
    survei: dict | None = None,
    year: int = 2024,
) -> dict:
    """data/raw/dinas-uji/<year>/ with the files, unit.yaml and survei.yaml; the settings."""
    raw = tmp_path / "data" / "raw"
    year_dir = raw / "dinas-uji" / str(year)
    year_dir.mkdir(parents=True)
    (raw / "dinas-uji" / "unit.yaml").write_text(
        yaml.safe_dump({**UNIT_YAML, **(unit or {})}, allow_unicode=True), encoding="utf-8"
    )
    if survei:
        (year_dir / "survei.yaml").write_text(
            yaml.safe_dump(survei, allow_unicode=True), encoding="utf-8"
        )
    for name, data in files.items():
        (year_dir / name).write_bytes(data)
    return load_unit_year(raw, "dinas-uji", year, CONFIG)


def exports(settings: dict) -> list[Path]:
    folder = Path(settings["year_dir"])
    return sorted(p for p in folder.iterdir() if p.suffix in {".csv", ".xlsx", ".zip"})


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def forms_ts(day: dt.datetime) -> str:
    """Google Forms' CSV timestamp: 2024/03/01 9:14:31 AM GMT+8."""
    hour = day.hour % 12 or 12
    return f"{day:%Y/%m/%d} {hour}:{day:%M:%S} {'AM' if day.hour < 12 else 'PM'} GMT+8"


# --------------------------------------------------------------------------- 1. zips


def run_validate_shim(tmp_path: Path, settings: dict) -> Path:
    """Run the validate_responses rule's script as Snakemake would, on the unit of `settings`;
    returns the folder of its outputs."""
    out = tmp_path / "out"
    out.mkdir()
    snake = types.SimpleNamespace(
        input=types.SimpleNamespace(
            exports=exports(settings),
            unit_yaml=[str(Path(settings["unit_dir"]) / "unit.yaml")],
            survei_yaml=[p for p in [Path(settings["year_dir"]) / "survei.yaml"] if p.exists()],
            unit_config=value_file(unit_config(CONFIG), "unit_config", tmp_path),
        ),
        wildcards=types.SimpleNamespace(unit="dinas-uji", year="2024"),
        output=types.SimpleNamespace(
            responses=str(out / "responses.csv"),
            rejected=str(out / "rejected.csv"),
            quality=str(out / "quality.json"),
            settings=str(out / "settings.json"),
        ),
        log=[str(tmp_path / "validate.log")],
    )
    runpy.run_path(
        str(ROOT / "workflow" / "scripts" / "validate_responses.py"),
        init_globals={"snakemake": snake},
    )
    return out


def test_google_forms_csv_zip_is_read_as_its_member(tmp_path) -> None:
    start = dt.datetime(2024, 3, 1, 9, 14, 31)
    rows = [row(forms_ts(start + dt.timedelta(days=i))) for i in range(5)]
    rows.append(row(forms_ts(start), ["a"] * 9))  # an invalid row, named by its member
    data = zip_of({"Survei SKM 2024.csv": csv_bytes(rows, {"timestamp": "Timestamp"})})
    settings = make_unit(tmp_path, {"Survei SKM 2024.csv.zip": data})
    result = ingest(exports(settings), settings)
    assert len(result.responses) == 5
    assert result.responses["timestamp"].iloc[0] == "2024-03-01T09:14:31+08:00"
    assert set(result.rejected["file"]) == {"Survei SKM 2024.csv.zip/Survei SKM 2024.csv"}
    assert set(result.responses["file"]) == {"Survei SKM 2024.csv.zip/Survei SKM 2024.csv"}
    text = result.responses.to_csv() + result.rejected.to_csv()
    assert "Zulkarnaen" not in text and "planted" not in text
    members = zip_members(Path(settings["year_dir"]) / "Survei SKM 2024.csv.zip")
    assert [m["name"] for m in members] == ["Survei SKM 2024.csv"]
    entry = hash_entries([Path(settings["year_dir"]) / "Survei SKM 2024.csv.zip"], tmp_path)[0]
    assert entry["members"] == members and len(entry["sha256"]) == 64


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"a.csv": b"x", "inner.zip": b"PK\x03\x04"}, ("zip lain", "inner.zip")),
        ({"a.csv": b"x", "catatan.txt": b"x"}, ("catatan.txt", "bukan file ekspor")),
        ({"../../etc/a.csv": b"x"}, ("tidak aman", "../../etc/a.csv")),
        ({"/abs/a.csv": b"x"}, ("tidak aman",)),
    ],
    ids=["nested-zip", "not-an-export", "dot-dot", "absolute"],
)
def test_unsafe_or_foreign_zip_members_are_refused(tmp_path, members, words) -> None:
    settings = make_unit(tmp_path, {"unduhan.zip": zip_of(members)})
    with pytest.raises(SkmInputError) as err:
        ingest(exports(settings), settings)
    message = str(err.value)
    assert "unduhan.zip" in message
    for word in words:
        assert word in message


def test_mac_metadata_in_a_zip_is_skipped_and_alone_is_no_export(tmp_path) -> None:
    body = csv_bytes([row(forms_ts(dt.datetime(2024, 3, 1, 9)))], {"timestamp": "Timestamp"})
    apple = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X"
    settings = make_unit(
        tmp_path,
        {
            "u.zip": zip_of(
                {
                    "Survei.csv": body,
                    "__MACOSX/._Survei.csv": apple,
                    "._Survei.csv": apple,
                    "__MACOSX/.DS_Store": apple,
                }
            )
        },
    )
    result = ingest(exports(settings), settings)
    assert set(result.responses["file"]) == {"u.zip/Survei.csv"}
    assert [m["name"] for m in zip_members(exports(settings)[0])] == ["Survei.csv"]
    (exports(settings)[0]).write_bytes(zip_of({"__MACOSX/._Survei.csv": apple}))
    with pytest.raises(SkmInputError, match="tidak ada file ekspor"):
        ingest(exports(settings), settings)


def test_damaged_zip_download_says_zip(tmp_path) -> None:
    settings = make_unit(tmp_path, {"unduhan.csv.zip": b"PK\x03\x04 terpotong"})
    with pytest.raises(SkmInputError, match="berkas zip tidak dapat dibuka"):
        ingest(exports(settings), settings)


def test_zip_limits_of_members_and_bytes(tmp_path) -> None:
    body = csv_bytes([row(forms_ts(dt.datetime(2024, 3, 1, 9)))], {"timestamp": "Timestamp"})
    many = zip_of({f"{i:02d}.csv": body for i in range(ZIP_MAX_MEMBERS + 1)})
    settings = make_unit(tmp_path / "banyak", {"u.zip": many})
    with pytest.raises(SkmInputError, match=f"lebih dari batas {ZIP_MAX_MEMBERS}"):
        ingest(exports(settings), settings)
    bomb = oversized_zip({"a.csv": body}, ZIP_MAX_BYTES + 1)
    settings = make_unit(tmp_path / "besar", {"u.zip": bomb})
    with pytest.raises(SkmInputError, match="bita"):
        ingest(exports(settings), settings)


def microsoft_forms_xlsx(rows: list[tuple[dt.datetime, str, list[str]]]) -> bytes:
    """A Microsoft Forms results workbook: ID, Start time, Completion time, Email, Name, then
    the questions (Jenis Layanan as a checkbox question: 'A;B;')."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            HEADER["layanan"],
            *(HEADER[c] for c in UNSUR_CODES),
        ]
    )
    for i, (done, layanan, answers) in enumerate(rows, start=1):
        sheet.append(
            [
                i,
                done - dt.timedelta(minutes=4),
                done,
                f"orang{i}@contoh.id",
                f"Responden Rahasia {i}",
                layanan,
                *answers,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_microsoft_forms_workbook_uses_completion_time_and_drops_personal_data(tmp_path) -> None:
    done = dt.datetime(2024, 3, 5, 10, 0, 0)
    rows = [
        (
            done + dt.timedelta(hours=i),
            "Perizinan;Konsultasi;" if i % 2 else "Perizinan;",
            BEST if i % 2 else GOOD,
        )
        for i in range(6)
    ]
    settings = make_unit(
        tmp_path,
        {"SKM 2024.xlsx": microsoft_forms_xlsx(rows)},
        unit={"layanan": ["Perizinan", "Konsultasi"]},
    )
    result = ingest(exports(settings), settings)
    assert result.responses["timestamp"].tolist()[:2] == [
        "2024-03-05T10:00:00+08:00",
        "2024-03-05T11:00:00+08:00",
    ]
    assert result.quality["files"][0]["columns"]["timestamp"] == "Completion time"
    text = result.responses.to_csv() + json.dumps(result.quality)
    assert "Rahasia" not in text and "contoh.id" not in text
    assert result.responses[layanan_column("Perizinan")].tolist() == [1] * 6
    assert result.responses[layanan_column("Konsultasi")].tolist() == [0, 1, 0, 1, 0, 1]


# --------------------------------------------------------------------------- 2. dates


def month_first_rows(count: int = 60) -> list[dict]:
    """English-locale sheet rows, month first, every day <= 12, March 1 to April 12."""
    days = [dt.date(2024, 3, d) for d in range(1, 13)] + [dt.date(2024, 4, d) for d in range(1, 13)]
    out, seen = [], {}
    for i in range(count):
        day = days[i * len(days) // count]
        k = seen[day] = seen.get(day, -1) + 1  # the day's k-th response, later each time
        out.append(row(f"{day.month}/{day.day}/{day.year} {9 + k}:{i % 60:02d}:31"))
    return out


def test_month_first_sheet_crossing_a_month_is_read_month_first(tmp_path) -> None:
    """The issue's case: 60 rows, `Timestamp`, month first, days all <= 12, period Mar-Apr."""
    data = csv_bytes(month_first_rows(), {"timestamp": "Timestamp"})
    settings = make_unit(
        tmp_path,
        {"Form Responses 1.csv": data},
        survei={"period": {"start": "2024-03-01", "end": "2024-04-30"}},
    )
    result = ingest_unit(exports(settings), settings)
    assert len(result.responses) == 60 and len(result.rejected) == 0
    assert result.responses["triwulan"].tolist() == [1] * 30 + [2] * 30
    info = result.quality["files"][0]
    assert info["date_order"] == "month_first"
    assert "urutan baris" in info["date_order_rule"]
    assert result.quality["date_order"] == {"setting": None, "source": None}


def test_one_edited_row_out_of_order_stops_with_both_readings(tmp_path) -> None:
    rows = month_first_rows()
    rows[40], rows[5] = rows[5], rows[40]  # a sheet sorted or edited by hand
    data = csv_bytes(rows, {"timestamp": "Timestamp"})
    settings = make_unit(
        tmp_path,
        {"Form Responses 1.csv": data},
        survei={"period": {"start": "2024-03-01", "end": "2024-04-30"}},
    )
    with pytest.raises(SkmInputError) as err:
        ingest(exports(settings), settings)
    message = str(err.value)
    assert "Form Responses 1.csv" in message and "kolom 'Timestamp'" in message
    assert "baris 2 ('3/1/2024 9:00:31')" in message
    assert "dibaca hari/bulan: 3 Januari 2024" in message
    assert "dibaca bulan/hari: 1 Maret 2024" in message
    assert "date_order: month_first" in message and "survei.yaml" in message


def test_a_setting_decides_and_is_named_with_its_file(tmp_path) -> None:
    rows = month_first_rows()
    rows[40], rows[5] = rows[5], rows[40]
    data = csv_bytes(rows, {"timestamp": "Timestamp"})
    settings = make_unit(
        tmp_path,
        {"Form Responses 1.csv": data},
        unit={"date_order": "day_first"},
        survei={
            "period": {"start": "2024-03-01", "end": "2024-04-30"},
            "date_order": "month_first",
        },
    )
    assert settings["date_order"] == "month_first"
    assert settings["date_order_source"].endswith("2024/survei.yaml")
    result = ingest(exports(settings), settings)
    assert len(result.responses) == 60
    rule = result.quality["files"][0]["date_order_rule"]
    assert "date_order: month_first" in rule and "survei.yaml" in rule
    assert result.quality["date_order"]["source"].endswith("survei.yaml")


def test_setting_precedence_survei_then_unit_then_config(tmp_path) -> None:
    data = csv_bytes([row("13/03/2024 9:00")])
    settings = make_unit(tmp_path, {"a.csv": data}, unit={"date_order": "month_first"})
    assert (settings["date_order"], Path(settings["date_order_source"]).name) == (
        "month_first",
        "unit.yaml",
    )
    config = {**CONFIG, "date_order": "day_first"}
    raw = Path(settings["unit_dir"]).parent
    (Path(settings["unit_dir"]) / "unit.yaml").write_text(
        yaml.safe_dump(UNIT_YAML), encoding="utf-8"
    )
    again = load_unit_year(raw, "dinas-uji", 2024, config)
    assert (again["date_order"], again["date_order_source"]) == ("day_first", "config.yaml")
    assert load_unit_year(raw, "dinas-uji", 2024, CONFIG)["date_order"] is None


def test_ambiguous_dates_that_change_nothing_are_read_and_say_so(tmp_path) -> None:
    """3/1 .. 3/2 (day first: January; month first: March) both in triwulan I and in the
    default period: no figure depends on the order."""
    data = csv_bytes([row("3/1/2024 9:00"), row("3/2/2024 9:00")])
    settings = make_unit(tmp_path, {"a.csv": data})
    result = ingest(exports(settings), settings)
    assert len(result.responses) == 2
    assert (
        "semester, triwulan dan periode yang sama" in result.quality["files"][0]["date_order_rule"]
    )


def test_out_of_period_reason_says_which_order_was_used(tmp_path) -> None:
    data = csv_bytes([row("13/02/2024 9:00"), row("13/06/2024 9:00")])
    settings = make_unit(
        tmp_path, {"a.csv": data}, survei={"period": {"start": "2024-01-01", "end": "2024-03-31"}}
    )
    result = ingest(exports(settings), settings)
    reason = result.rejected["reason"].iloc[0]
    assert "setelah akhir periode; tanggal dibaca hari/bulan, disimpulkan dari data" in reason


# --------------------------------------------------------------------------- 3. columns


REWORDED = {
    code: f"{i}. Pertanyaan unsur {code} yang diubah" for i, code in enumerate(UNSUR_CODES, 1)
}


def test_unit_columns_add_to_the_defaults_per_field(tmp_path) -> None:
    data = csv_bytes([row("13/03/2024 9:00", saran="Ruang tunggu sempit")], REWORDED)
    unit = {"columns": {**{text: code for code, text in REWORDED.items()}}}
    settings = make_unit(tmp_path, {"a.csv": data}, unit=unit)
    result = ingest(exports(settings), settings)
    assert len(result.responses) == 1
    r = result.responses.iloc[0]
    assert (r["layanan"], r["jenis_kelamin"], r["saran"]) == (
        "Perizinan",
        "Laki-laki",
        "Ruang tunggu sempit",
    )
    assert result.quality["files"][0]["columns"]["timestamp"] == HEADER["timestamp"]
    # The default U1 header is not used once the unit maps U1 its own way.
    assert HEADER["U1"] not in settings["columns"]


def test_header_mapped_to_null_is_ignored(tmp_path) -> None:
    data = csv_bytes([row("13/03/2024 9:00")])
    settings = make_unit(tmp_path, {"a.csv": data}, unit={"columns": {HEADER["usia"]: None}})
    result = ingest(exports(settings), settings)
    assert result.responses["usia"].isna().all()
    assert result.quality["kolom_opsional"]["usia"] == "tidak_ditemukan"


def test_unit_mapping_of_a_default_header_wins_whatever_its_case_or_spacing(tmp_path) -> None:
    """A unit whose form titles its sarana question 'Saran' maps 'SARAN ' to U9: the default
    'Saran' -> saran is dropped (headers compared as the ingest compares them)."""
    from skm.ingest.settings import merge_columns

    merged = merge_columns(CONFIG["columns"], {"SARAN ": "U9", "\u200bUMUR": None})
    assert "Saran" not in merged and merged["SARAN "] == "U9"
    assert "Umur" not in merged and merged["Usia"] == "usia"
    fields = [f for f in FIELDS if f != "saran"]
    data = csv_bytes(
        [row("13/03/2024 9:00", BEST[:8] + [DEFAULT_LABELS["U9"][0]])],
        {"U9": "Saran"},
        fields=fields,
    )
    settings = make_unit(tmp_path, {"a.csv": data}, unit={"columns": {"SARAN ": "U9"}})
    result = ingest(exports(settings), settings)
    assert result.responses["U9"].tolist() == [1]
    assert result.quality["files"][0]["columns"]["U9"] == "Saran"


def test_missing_optional_column_warns_and_not_asked_does_not(tmp_path) -> None:
    fields = [f for f in FIELDS if f not in {"layanan", "saran"}]
    data = csv_bytes([row("13/03/2024 9:00")], fields=fields)
    settings = make_unit(tmp_path, {"a.csv": data}, unit={"not_asked": ["saran"]})
    q = ingest(exports(settings), settings).quality
    assert q["kolom_opsional"]["layanan"] == "tidak_ditemukan"
    assert q["kolom_opsional"]["saran"] == "tidak_ditanyakan"
    assert len(q["warnings"]) == 1 and "jenis layanan tidak ditemukan" in q["warnings"][0]
    assert "not_asked: [layanan]" in q["warnings"][0]
    lap = Laporan(
        ikm={"demografi": {}, "by_layanan": {}},
        quality=q,
        settings={},
        responses=pd.DataFrame(),
        rejected=pd.DataFrame(),
        figdir=tmp_path,
    )
    assert "kolom tidak ditemukan" in lap.group_table("by_layanan", "Jenis Layanan")
    table = lap.respondent_profile_table()
    assert "kolom tidak ditemukan" in table
    assert lap.column_status("saran") == "tidak ditanyakan dalam formulir"


# --------------------------------------------------------------------------- 4. labels


@pytest.mark.parametrize(
    "style",
    [
        "a. {label}",
        "A. {label}",
        "{n} - {label}",
        "{label} ({n})",
        "{label}",
        "{n}",
        "b) {label}",
        "(a) {label}",
        "a. {n} - {label}",
        "{n} {label}",
    ],
)
def test_lettered_and_numbered_options_score_by_label(tmp_path, style) -> None:
    def cell(code: str, n: int) -> str:
        return style.format(label=DEFAULT_LABELS[code][n - 1], n=n)

    rows = [
        row("13/03/2024 9:00", [cell(c, 4) for c in UNSUR_CODES]),
        row("14/03/2024 9:00", [cell(c, 1) for c in UNSUR_CODES]),
    ]
    settings = make_unit(tmp_path, {"a.csv": csv_bytes(rows)})
    result = ingest_unit(exports(settings), settings)
    assert len(result.rejected) == 0
    assert result.responses[list(UNSUR_CODES)].values.tolist() == [[4] * 9, [1] * 9]


def test_letter_is_ignored_and_a_disagreeing_digit_rejects_showing_both(tmp_path) -> None:
    lookup = {"tidak sesuai": 1, "kurang sesuai": 2, "sesuai": 3, "sangat sesuai": 4}
    assert answer_score("d. Tidak sesuai", lookup) == (1, None)  # lettered the other way
    assert answer_score("(d) Tidak sesuai", lookup) == (1, None)
    assert answer_score("a. 4 - Tidak sesuai", lookup) == (1, 4)  # the digit disagrees
    assert answer_score("4 Tidak sesuai", lookup) == (1, 4)
    assert answer_score("12 Sesuai", lookup) == (None, None)
    rows = [row("13/03/2024 9:00", ["2 - Sangat sesuai", *GOOD[1:]]), row("14/03/2024 9:00")]
    settings = make_unit(tmp_path, {"a.csv": csv_bytes(rows)})
    result = ingest(exports(settings), settings)
    bad = result.rejected[result.rejected["reason_code"] == "answer_invalid"]
    assert bad["raw_row"].tolist() == [2]
    assert "'2 - Sangat sesuai'" in bad["reason"].iloc[0]
    assert "angka 2" in bad["reason"].iloc[0] and "bernilai 4" in bad["reason"].iloc[0]


def test_every_row_rejected_still_fills_rejected_csv(tmp_path) -> None:
    """On 0caa897 a unit whose rows were all rejected got an empty rejected.csv."""
    rows = [row(f"2{i}/03/2024 9:00", ["e. Salah"] * 9) for i in range(3)]
    settings = make_unit(tmp_path, {"a.csv": csv_bytes(rows)})
    out = run_validate_shim(tmp_path, settings)
    rejected = pd.read_csv(out / "rejected.csv")
    assert sorted(set(rejected["raw_row"])) == [2, 3, 4]
    assert "error" in json.loads((out / "quality.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- 5. checkbox


def test_checkbox_layanan_counts_each_ticked_service(tmp_path) -> None:
    layanan = ["Perizinan", "Konsultasi, Pengaduan", "Legalisir"]
    rows = [
        row("13/03/2024 9:00", BEST, layanan="Perizinan, Legalisir"),
        row("14/03/2024 9:00", GOOD, layanan="Konsultasi, Pengaduan"),  # one label
        row("15/03/2024 9:00", GOOD, layanan="Perizinan"),
        row("16/03/2024 9:00", GOOD, layanan="Legalisir;Perizinan;"),
    ]
    settings = make_unit(tmp_path, {"a.csv": csv_bytes(rows)}, unit={"layanan": layanan})
    result = ingest(exports(settings), settings)
    flags = result.responses[[layanan_column(x) for x in layanan]].values.tolist()
    assert flags == [[1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1]]
    ikm = score(result.responses, result.quality, settings)
    assert {k: v["n"] for k, v in ikm["by_layanan"].items()} == {
        "Perizinan": 3,
        "Konsultasi, Pengaduan": 1,
        "Legalisir": 2,
    }
    demo = ikm["demografi"]["layanan"]
    assert demo["multiple"] is True and demo["n"] == 4
    assert [(c["label"], c["count"], c["display_pct"]) for c in demo["categories"]] == [
        ("Perizinan", 3, "75.00"),
        ("Konsultasi, Pengaduan", 1, "25.00"),
        ("Legalisir", 2, "50.00"),
    ]
    lap = Laporan(
        ikm=ikm,
        quality=result.quality,
        settings=settings,
        responses=result.responses,
        rejected=result.rejected,
        figdir=tmp_path,
    )
    assert "dihitung pada setiap layanan yang dipilihnya" in lap.respondent_profile_note()


def test_checkbox_cells_without_a_list_warn_and_a_list_is_proposed(tmp_path) -> None:
    rows = [
        row("13/03/2024 9:00", layanan="Perizinan"),
        row("14/03/2024 9:00", layanan="Legalisir"),
        row("15/03/2024 9:00", layanan="Perizinan, Legalisir"),
    ]
    settings = make_unit(tmp_path, {"a.csv": csv_bytes(rows)})
    q = ingest(exports(settings), settings).quality
    assert any("kotak centang" in w and "'Perizinan, Legalisir'" in w for w in q["warnings"])
    assert propose_layanan(["Perizinan", "Legalisir", "Perizinan, Legalisir", "A;B;"]) == (
        ["Perizinan", "Legalisir", "A;B;"],
        ["Perizinan, Legalisir"],
    )


# --------------------------------------------------------------------------- 6. share stop


def mostly_out_of_period() -> list[dict]:
    """10 rows in March, 12 in July (a year-long sheet), 3 duplicates of March rows."""
    march = [row(f"{d:02d}/03/2024 9:00") for d in range(13, 23)]
    july = [row(f"{d:02d}/07/2024 9:00", ["x"] * 9 if d < 15 else None) for d in range(13, 25)]
    return march + july + march[:3]


def test_more_than_half_rejected_stops_with_the_top_reasons(tmp_path) -> None:
    settings = make_unit(
        tmp_path,
        {"a.csv": csv_bytes(mostly_out_of_period())},
        survei={"period": {"start": "2024-01-01", "end": "2024-06-30"}},
    )
    with pytest.raises(IngestStopped) as err:
        ingest_unit(exports(settings), settings)
    message = str(err.value)
    assert "12 dari 22 baris" in message  # duplicates left out of both counts
    assert "di luar periode survei: 12 baris" in message
    assert "jawaban tidak sah: 2 baris" in message
    assert "accept_rejected" in message
    assert len(err.value.result.rejected) >= 12 + 2 * 9 + 3


def test_accept_rejected_lets_the_unit_through_with_its_reason(tmp_path) -> None:
    reason = "Laporan semester I dari lembar setahun"
    settings = make_unit(
        tmp_path,
        {"a.csv": csv_bytes(mostly_out_of_period())},
        survei={
            "period": {"start": "2024-01-01", "end": "2024-06-30"},
            "accept_rejected": {"max_share": 0.8, "reason": reason},
        },
    )
    result = ingest_unit(exports(settings), settings)
    assert result.quality["accept_rejected"]["reason"] == reason
    assert result.quality["accept_rejected"]["display_pct"] == "54.55"
    lap = Laporan(
        ikm={},
        quality=result.quality,
        settings=settings,
        responses=result.responses,
        rejected=result.rejected,
        figdir=tmp_path,
    )
    assert any(reason in line and "54,55%" in line for line in lap.date_rules())
    tight = make_unit(
        tmp_path / "b",
        {"a.csv": csv_bytes(mostly_out_of_period())},
        survei={
            "period": {"start": "2024-01-01", "end": "2024-06-30"},
            "accept_rejected": {"max_share": 0.52, "reason": reason},
        },
    )
    with pytest.raises(IngestStopped, match="max_share 0.52"):
        ingest_unit(exports(tight), tight)


# --------------------------------------------------------------------------- 7. skm check


def test_skm_check_prints_the_funnel_order_and_columns_and_writes_nothing(tmp_path) -> None:
    for name in ("config.yaml",):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    data = csv_bytes(month_first_rows(), {"timestamp": "Timestamp"})
    make_unit(
        tmp_path,
        {
            "Form Responses 1.csv": data
            + csv_bytes([row("x")])[csv_bytes([row("x")]).index(b"\n") + 1 :]
        },
        survei={"period": {"start": "2024-03-01", "end": "2024-04-30"}},
    )
    before = sorted(p for p in tmp_path.rglob("*"))
    lines: list[str] = []
    assert check(tmp_path, "dinas-uji", 2024, echo=lines.append) == 0
    text = "\n".join(lines)
    assert "baris dibaca                  61" in text
    assert "diolah (dihitung)             60" in text
    assert "stempel waktu tidak terbaca: 1" in text
    assert "Form Responses 1.csv: urutan bulan/hari disimpulkan dari urutan baris" in text
    assert "timestamp      <- 'Timestamp'" in text
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "data" / "processed").exists()


@pytest.mark.parametrize(
    "cells",
    [
        ["Perizinan, Konsultasi, Pengaduan", "Konsultasi, Pengaduan, Perizinan"],  # Google
        ["Perizinan;Konsultasi, Pengaduan;", "Konsultasi, Pengaduan;Perizinan;"],  # Microsoft
    ],
    ids=["google", "microsoft"],
)
def test_ticked_label_holding_a_comma_counts_in_its_layanan(tmp_path, cells) -> None:
    """A listed layanan that holds a comma is cut against the list, longest match first."""
    layanan = ["Perizinan", "Konsultasi, Pengaduan"]
    rows = [
        row("13/03/2024 9:00", layanan=cells[0]),
        row("14/03/2024 9:00", layanan=cells[1]),
        row("15/03/2024 9:00", layanan="Konsultasi, Pengaduan"),
        row("16/03/2024 9:00", layanan="Perizinan;"),
    ]
    settings = make_unit(tmp_path, {"a.csv": csv_bytes(rows)}, unit={"layanan": layanan})
    result = ingest(exports(settings), settings)
    flags = result.responses[[layanan_column(x) for x in layanan]].values.tolist()
    assert flags == [[1, 1], [1, 1], [0, 1], [1, 0]]
    assert result.quality["demografi_unmatched"]["layanan"] == {}
    assert not any("layanan" in w for w in result.quality["warnings"])


def test_layanan_matching_no_listed_one_warns(tmp_path) -> None:
    rows = [
        row("13/03/2024 9:00", layanan="Perizinan, Konsultasi"),
        row("14/03/2024 9:00", layanan="Perizinan"),
    ]
    settings = make_unit(
        tmp_path,
        {"a.csv": csv_bytes(rows)},
        unit={"layanan": ["Perizinan", "Konsultasi, Pengaduan"]},
    )
    q = ingest(exports(settings), settings).quality
    assert q["demografi_unmatched"]["layanan"] == {"Perizinan, Konsultasi": 1}
    assert any(
        "tidak cocok dengan daftar `layanan:`" in w and "'Perizinan, Konsultasi'" in w
        for w in q["warnings"]
    )


def test_init_and_ingest_cut_ticked_cells_with_one_function() -> None:
    from skm.ingest import draft

    assert draft.split_ticked is values.split_ticked


def microsoft_forms_id_xlsx(
    rows: list[tuple[dt.datetime, list[str]]], u3: str | None = None
) -> bytes:
    """Microsoft Forms' Excel download with an Indonesian interface (the names `skm init`
    recognises: ID, Waktu mulai, Waktu penyelesaian, Email, Nama); `u3` titles U3."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "ID",
            "Waktu mulai",
            "Waktu penyelesaian",
            "Email",
            "Nama",
            HEADER["layanan"],
            *(u3 if c == "U3" and u3 else HEADER[c] for c in UNSUR_CODES),
        ]
    )
    for i, (done, answers) in enumerate(rows, start=1):
        sheet.append(
            [
                i,
                done - dt.timedelta(minutes=4),
                done,
                f"orang{i}@contoh.id",
                f"Responden Rahasia {i}",
                "Perizinan",
                *answers,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MS_ROWS = [
    (dt.datetime(2024, 3, 5, 10, 0) + dt.timedelta(hours=i), BEST if i % 2 else GOOD)
    for i in range(6)
]


def test_microsoft_forms_indonesian_columns_read_completion_time(tmp_path) -> None:
    settings = make_unit(tmp_path, {"SKM.xlsx": microsoft_forms_id_xlsx(MS_ROWS)})
    result = ingest(exports(settings), settings)
    assert result.responses["timestamp"].tolist()[:2] == [
        "2024-03-05T10:00:00+08:00",
        "2024-03-05T11:00:00+08:00",
    ]
    assert result.quality["files"][0]["columns"]["timestamp"] == "Waktu penyelesaian"
    text = result.responses.to_csv() + json.dumps(result.quality)
    assert "Rahasia" not in text and "contoh.id" not in text


def test_a_question_titled_like_the_completion_time_is_told_apart_by_content(tmp_path) -> None:
    """U3 titled "Waktu Penyelesaian" beside Microsoft Forms' own "Waktu penyelesaian": the
    column of date-times is the timestamp, the other is U3 (mapped in unit.yaml)."""
    data = microsoft_forms_id_xlsx(MS_ROWS, u3="Waktu Penyelesaian")
    settings = make_unit(
        tmp_path, {"SKM.xlsx": data}, unit={"columns": {"Waktu Penyelesaian": "U3"}}
    )
    result = ingest(exports(settings), settings)
    assert result.responses["timestamp"].iloc[0] == "2024-03-05T10:00:00+08:00"
    assert result.responses["U3"].tolist() == [3, 4, 3, 4, 3, 4]


def test_google_form_with_u3_titled_waktu_penyelesaian(tmp_path) -> None:
    """'Stempel waktu' holds the times: a U3 titled 'Waktu Penyelesaian' is not a second
    timestamp; unmapped it is a missing U3 (with the line to add), mapped it is read."""
    rows = [row("13/03/2024 9:00"), row("14/03/2024 9:00", BEST)]
    data = csv_bytes(rows, {"timestamp": "Stempel waktu", "U3": "Waktu Penyelesaian"})
    settings = make_unit(tmp_path, {"a.csv": data})
    with pytest.raises(SkmInputError, match=r"U3 \(.*judul yang dikenali") as err:
        ingest(exports(settings), settings)
    assert "sama-sama dipetakan" not in str(err.value)
    (Path(settings["unit_dir"]) / "unit.yaml").write_text(
        yaml.safe_dump({**UNIT_YAML, "columns": {"Waktu Penyelesaian": "U3"}}), encoding="utf-8"
    )
    settings = load_unit_year(tmp_path / "data" / "raw", "dinas-uji", 2024, CONFIG)
    result = ingest(exports(settings), settings)
    assert result.responses["U3"].tolist() == [3, 4]


def test_validate_responses_does_not_read_the_logo_and_the_cover_checks_it(tmp_path) -> None:
    """The rule validate_responses does not declare the logo, so it must not read it; the
    covers (render rules, which declare it) refuse a logo that is not an image in the unit
    folder. On the old code the ingest stopped on the logo."""
    from skm.report.laporan import cover_metadata

    rows = [row("13/03/2024 9:00"), row("14/03/2024 9:00", BEST)]
    settings = make_unit(tmp_path, {"a.csv": csv_bytes(rows)})
    unit_yaml = Path(settings["unit_dir"]) / "unit.yaml"
    unit_yaml.write_text(yaml.safe_dump({**UNIT_YAML, "logo": "logo.png"}), encoding="utf-8")
    (Path(settings["unit_dir"]) / "logo.png").write_text("bukan gambar", encoding="utf-8")
    out = run_validate_shim(tmp_path, settings)
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    assert "error" not in quality and quality["n_valid"] == 2
    merged = json.loads((out / "settings.json").read_text(encoding="utf-8"))
    with pytest.raises(SkmInputError, match="bukan gambar PNG, JPEG atau GIF"):
        cover_metadata(merged, "Laporan")
    rules = (ROOT / "workflow" / "rules" / "ingest.smk").read_text(encoding="utf-8")
    assert "logo" not in rules.split("checkpoint validate_responses:")[1].split("output:")[0]
