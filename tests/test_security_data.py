"""Issue 13, data side: one redaction pass for every free text leaving the ingest, error
messages that never quote unparsed rows, redacted file and photo names, spreadsheet-safe
CSV cells (both directions), bounded XLSX reading and cell lengths."""

from __future__ import annotations

import csv
import hashlib
import inspect
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from hostile_exports import (
    OBFUSCATED,
    PII_FILE_NAME,
    assert_no_pii,
    needles_in,
    styled_xlsx,
    write_pii_export,
)
from skm.domain import UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest import fields, read_csv, read_xlsx
from skm.ingest.redact import PLACEHOLDER, redact
from skm.ingest.result import write_outputs
from skm.scoring.ikm import score
from skm.scoring.tables import read_responses
from test_ingest import GOOD, HEADER, make_settings, record, run, write_csv

# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    ("category", "form"), [(c, f) for c, forms in OBFUSCATED.items() for f in forms]
)
def test_every_obfuscated_form_is_redacted(category: str, form: str) -> None:
    out, count = redact(f"Terima kasih, {form} ya.")
    assert count >= 1, form
    assert PLACEHOLDER in out
    assert not needles_in(out), out
    assert out.startswith("Terima kasih, ") and out.endswith(" ya.")  # the rest kept as typed


@pytest.mark.parametrize(
    "text",
    [
        "Lainnya: Budi 0812-7319-4455",
        "Lainnya: budi@contoh.id",
        "Yang lain - Bapak Sutiyoso",
        "6472051207900003",
        "Ibu Siti, 0812 7319 4455",
    ],
)
def test_an_answer_with_personal_data_loses_all_after_its_prefix(text: str) -> None:
    from skm.ingest.redact import redact_answer

    out, count = redact_answer(text)
    assert count == 1 and PLACEHOLDER in out
    assert "Budi" not in out and "Siti" not in out and "Sutiyoso" not in out
    assert not any(ch.isdigit() for ch in out)


@pytest.mark.parametrize(
    "text",
    [
        "Lainnya: Pengurusan izin usaha",
        "Perizinan",
        "S1",
        "34 tahun",
        "Wiraswasta",
        "> 60",
        "Ibu Rumah Tangga",
        "Lainnya: Ibu Rumah Tangga",
        "Pak RT",
        "Bapak/Ibu",
    ],
)
def test_an_ordinary_answer_is_kept(text: str) -> None:
    from skm.ingest.redact import redact_answer

    assert redact_answer(text) == (text, 0)


@pytest.mark.parametrize(
    "text",
    [
        "atas nama pribadi saya puas",
        "nama baik instansi perlu dijaga",
        "Nama petugas ramah",
        "tanggal 08/12/2023 10:00",
        "nomor surat 800/123/2023",
        "SK 061/2023/0812/2023",
        "Rp 1.500.000/bulan",
        "pukul 08:12:34",
        "kode 0812_2023",
        "IKM 85,20/88,31",
        "Pelayanan at kantor baik",
        "email ke kantor. com",
        "Bapak Kepala Dinas ramah",
        # "di" and "titik" are everyday words: no e-mail address without a domain that is one
        "pelayanan di kantor titik pelayanan baik",
        "Petugas di loket titik antrean sudah ramah",
        "Mohon diperbaiki titik kumpul di halaman kantor",
        "antre di loket 3 titik tunggu",
        "Pelayanan di kantor.Petugas ramah",
        "sampaikan di lapor.go.id",
        "pengaduan di lapor titik go titik id",
        "info di website kaltimprov.go.id sudah lengkap",
        "di mana titik layanan informasi?",
        "Pelayanan di kantor cabang sudah baik titik",
        "parkir di depan titik api",
        "daftar di aplikasi titik com",
        "Москва и Αθήνα",
        "kunjungi kami di Samarinda. Terima kasih",
    ],
)
def test_ordinary_suggestions_are_kept(text: str) -> None:
    assert redact(text) == (text, 0)


#: Latin letters and a look-alike from Cyrillic or Greek (folded back before matching).
_LOOKALIKE = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "c": "\u0441",
    "i": "\u0456",
    "p": "\u0440",
    "x": "\u0445",
    "y": "\u0443",
}
_GREEK = {"o": "\u03bf", "i": "\u03b9", "a": "\u03b1", "k": "\u03ba", "t": "\u03c4"}


@hypothesis_settings(max_examples=500, deadline=None)
@given(
    local=st.from_regex(r"[a-z]{2,8}[._-]?[a-z0-9]{0,6}", fullmatch=True),
    provider=st.sampled_from(["gmail", "yahoo", "hotmail", "outlook", "ymail", "icloud"]),
    tld=st.sampled_from(["com", "co.id", "net", "id", "go.id"]),
    at=st.sampled_from(
        [
            "@",
            " @ ",
            "[at]",
            "(at)",
            " at ",
            " di ",
            "(di)",
            "[di]",
            "{di}",
            " AT ",
            " DI ",
            " (di) ",
            "\uff20",
        ]
    ),
    dot=st.sampled_from(
        [
            ".",
            " . ",
            "[dot]",
            "(dot)",
            " dot ",
            " titik ",
            "(titik)",
            "[titik]",
            " TITIK ",
            " (titik) ",
            "\uff0e",
        ]
    ),
    letters=st.sampled_from(["latin", "cyrillic", "greek", "full-width"]),
    before=st.sampled_from(["", "email ", "hubungi saya di ", "Surel: ", "("]),
)
def test_any_obfuscated_address_disappears(local, provider, tld, at, dot, letters, before):
    domain = dot.join([provider, *tld.split(".")])
    if letters == "cyrillic":
        domain = "".join(_LOOKALIKE.get(ch, ch) for ch in domain)
    elif letters == "greek":
        domain = "".join(_GREEK.get(ch, ch) for ch in domain)
    elif letters == "full-width":
        domain = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in domain)
    address = local + at + domain
    out, count = redact(f"{before}{address} terima kasih")
    assert count >= 1, address
    assert out == f"{before}{PLACEHOLDER} terima kasih", (address, out)


#: Everyday words of suggestions, with "di" and "titik" often (no domain, no mail provider).
_WORDS = [
    "pelayanan",
    "kantor",
    "petugas",
    "loket",
    "antrean",
    "ramah",
    "baik",
    "cepat",
    "mohon",
    "ditingkatkan",
    "parkir",
    "ruang",
    "tunggu",
    "informasi",
    "layanan",
    "sudah",
    "belum",
    "perlu",
    "kumpul",
    "lokasi",
    "halaman",
    "depan",
    "sistem",
    "aplikasi",
    "website",
    "lapor",
    "pengaduan",
    "sampaikan",
    "kota",
    "desa",
    "Samarinda",
    "jalan",
    "Budi",
    "Bapak",
    "Ibu",
    "pagi",
    "siang",
    "nomor",
    "antri",
    "AC",
    "toilet",
    "kursi",
]


@hypothesis_settings(max_examples=500, deadline=None)
@given(
    words=st.lists(
        st.one_of(st.sampled_from(_WORDS), st.sampled_from(["di", "titik", "at", "dot", "DI"])),
        min_size=2,
        max_size=14,
    ),
    punct=st.sampled_from([" ", ", ", ". ", "."]),
)
def test_sentences_with_di_and_titik_are_kept(words, punct):
    text = " ".join(words[:-1]) + punct + words[-1]
    assert redact(text) == (text, 0), text


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=8, max_size=10),
    sep=st.sampled_from(["/", "_", " / ", "－", "\u200b", "．", " ", "-"]),
    wide=st.booleans(),
    before=st.sampled_from(["", "hp ", "WA: ", "(", "kontak "]),
)
def test_any_separated_or_full_width_mobile_number_disappears(digits, sep, wide, before):
    number = "08" + digits
    grouped = sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    if wide:
        grouped = grouped.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    out, count = redact(f"{before}{grouped} terima kasih")
    assert count >= 1, grouped
    assert out.endswith(" terima kasih")
    folded = out.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    assert number[-4:] not in folded.replace(sep, "").replace(" ", "")


def _outputs(tmp_path: Path, result, settings: dict) -> list[Path]:
    out = tmp_path / "out"
    write_outputs(result, out / "responses.csv", out / "rejected.csv", out / "quality.json")
    (out / "ikm.json").write_text(
        json.dumps(
            score(read_responses(out / "responses.csv"), result.quality, settings),
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return sorted(out.iterdir())


def test_personal_data_in_answers_and_file_names_never_reaches_outputs(tmp_path) -> None:
    path = write_pii_export(tmp_path / "raw", HEADER)
    settings = make_settings()
    result = run([path])
    assert result.quality["n_valid"] == len(result.responses) > 20
    outputs = _outputs(tmp_path, result, settings)
    assert_no_pii(outputs)
    responses = read_responses(tmp_path / "out" / "responses.csv")
    assert responses["layanan"].eq(f"Lainnya: {PLACEHOLDER}").all()
    assert (responses["usia"] == PLACEHOLDER).sum() >= 5  # the NIK/phone typed as an age
    q = result.quality
    assert q["answers_redacted"]["layanan"] == len(responses)
    assert q["answers_redacted"]["usia"] >= 5 and q["answers_redacted"]["pendidikan"] >= 5
    # the file is named redacted, with the start of its SHA-256 (as manifest.json lists it)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert set(responses["file"]) == {f"{PLACEHOLDER}.csv (sha256 {digest})"}
    assert q["files"][0]["file"] == f"{PLACEHOLDER}.csv (sha256 {digest})"


def test_file_name_in_an_error_is_redacted(tmp_path) -> None:
    path = tmp_path / PII_FILE_NAME
    path.write_text("Stempel waktu,U1\n", encoding="utf-8")
    with pytest.raises(SkmInputError) as info:
        run([path])
    message = str(info.value)
    assert not needles_in(message), message
    assert "sha256 " + hashlib.sha256(path.read_bytes()).hexdigest()[:12] in message


def test_label_of_a_harmless_name_is_the_name() -> None:
    from skm.ingest.redact import file_label

    assert file_label("data/raw/dinas/2023/Form Responses 1.csv") == (
        "data/raw/dinas/2023/Form Responses 1.csv"
    )


# --------------------------------------------------------------------------- error messages


PLANTED_ROW = [
    "13/02/2023 9:14:31",
    "Sutiyoso Wirapranata",
    "budi.planted@gmail.com",
    "0812-7319-4455",
    *GOOD,
]


def _no_header_csv(path: Path) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for _ in range(3):
        writer.writerow(PLANTED_ROW)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _renamed_timestamp_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Waktu pengisian", "Nama", "Email", "HP", *[HEADER[c] for c in UNSUR_CODES]])
    for _ in range(3):
        sheet.append(PLANTED_ROW)
    book.save(path)
    return path


def _stray_file(path: Path) -> Path:
    path.write_text(
        "Sutiyoso Wirapranata;budi.planted@gmail.com;0812-7319-4455\n"
        "Sutiyoso Wirapranata;6472051207900003;Samarinda\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        (
            "tanpa-judul.csv",
            _no_header_csv,
            ["tidak memuat satu pun judul", "sel terisi", "unduh ulang"],
        ),
        (
            "judul-diganti.xlsx",
            _renamed_timestamp_xlsx,
            ["tidak ada kolom stempel waktu", "Waktu pengisian", "baris 1"],
        ),
        ("kontak.csv", _stray_file, ["tidak memuat satu pun judul", "keluarkan"]),
    ],
)
def test_errors_name_columns_and_rows_never_cells_of_unparsed_rows(
    tmp_path, name, make, words
) -> None:
    path = make(tmp_path / name)
    with pytest.raises(SkmInputError) as info:
        run([path])
    message = str(info.value)
    assert name in message
    assert not needles_in(message), message
    for word in words:
        assert word in message, (word, message)


def test_an_error_message_redacts_whatever_it_quotes() -> None:
    error = SkmInputError(
        "nilai 'hubungi 0812 7319 4455' tidak sah",
        file="a.csv",
        column="kolom budi.planted@gmail.com",
    )
    assert not needles_in(str(error)) and "a.csv" in str(error)


# --------------------------------------------------------------------------- CSV cells

HOSTILE_CELLS = [
    '=HYPERLINK("http://x","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tawal tab",
    "\rawal CR",
    "'sudah berkutip",
    "''dua kutip",
    "biasa",
    "=1",
    "-",
    "'",
]


def test_csv_cells_are_neutralised_and_restored_exactly() -> None:
    from skm.scoring.tables import neutralise_cells, restore_cells

    values = pd.Series(pd.array(HOSTILE_CELLS + [None], dtype="string"))
    written = neutralise_cells(values)
    for original, cell in zip(HOSTILE_CELLS, written[:-1], strict=True):
        if original[0] in "=+-@\t\r'":
            assert cell == "'" + original
        else:
            assert cell == original
    assert pd.isna(written.iloc[-1])
    assert restore_cells(written).iloc[:-1].tolist() == HOSTILE_CELLS


def test_processed_csvs_hold_no_live_formula_and_read_back_unchanged(tmp_path) -> None:
    from skm.scoring.tables import read_rejected

    typed = [t for t in HOSTILE_CELLS if not t[0].isspace()]  # the ingest trims white space
    rows = [
        record(f"13/02/2023 9:{10 + i}:00", saran=text, layanan=text)
        for i, text in enumerate(typed)
    ]
    rows.append(record("13/02/2023 9:59:00", answers=["-1", *GOOD[1:]]))
    path = write_csv(tmp_path / "a.csv", rows)
    result = run([path])
    out = tmp_path / "out"
    write_outputs(result, out / "responses.csv", out / "rejected.csv", out / "quality.json")
    for name in ("responses.csv", "rejected.csv"):
        with open(out / name, encoding="utf-8", newline="") as fh:
            cells = [cell for row in csv.reader(fh) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], name
    back = read_responses(out / "responses.csv")
    assert sorted(back["saran"].dropna()) == sorted(typed)
    assert sorted(back["layanan"].dropna()) == sorted(typed)
    assert back["U1"].dtype == "Int64" and back["U1"].min() >= 1  # numbers stay numbers
    rejected = read_rejected(out / "rejected.csv")
    assert rejected["value"].tolist() == ["-1"]  # the text cell "-1" comes back as typed
    raw = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    assert raw["value"].tolist() == ["'-1"] and raw["raw_row"].tolist() == [str(len(rows) + 1)]


def test_any_frame_round_trips_through_the_one_writer_and_reader(tmp_path) -> None:
    from skm.scoring.tables import read_table, write_csv_bytes

    frame = pd.DataFrame(
        {
            "teks": pd.array(HOSTILE_CELLS, dtype="string"),
            "angka": pd.array(range(-6, 6), dtype="Int64"),
            "pecahan": [-1.5] * 12,
        }
    )
    path = tmp_path / "t.csv"
    path.write_bytes(write_csv_bytes(frame))
    with open(path, encoding="utf-8", newline="") as fh:
        raw = list(csv.reader(fh))
    assert [row[0][:1] for row in raw[1:]] == [
        "'" if t[0] in "=+-@\t\r'" else t[0] for t in HOSTILE_CELLS
    ]
    assert [row[1] for row in raw[1:]][:2] == ["-6", "-5"]  # negative numbers stay numbers
    back = read_table(path, dtype={"teks": "string", "angka": "Int64"}, keep_default_na=False)
    assert back["teks"].tolist() == HOSTILE_CELLS
    assert back["angka"].tolist() == list(range(-6, 6)) and back["pecahan"].eq(-1.5).all()


def test_documents_read_the_original_text(tmp_path) -> None:
    from skm.report.laporan import Laporan

    rows = [
        record(f"13/02/2023 9:{10 + i}:00", saran=text) for i, text in enumerate(HOSTILE_CELLS[:4])
    ]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    out = tmp_path / "out"
    write_outputs(result, out / "responses.csv", out / "rejected.csv", out / "quality.json")
    settings = make_settings()
    (out / "ikm.json").write_text(
        json.dumps(score(read_responses(out / "responses.csv"), result.quality, settings)),
        encoding="utf-8",
    )
    (out / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    lap = Laporan.load(
        out / "ikm.json",
        out / "quality.json",
        out / "settings.json",
        out / "responses.csv",
        out / "rejected.csv",
        str(tmp_path),
    )
    assert sorted(lap.responses["saran"].tolist()) == sorted(HOSTILE_CELLS[:4])


# --------------------------------------------------------------------------- photos


def test_photos_differing_only_by_extension_stay_distinct(tmp_path) -> None:
    from skm.ingest.images import clean_photos, photo_entry

    raw = tmp_path / "dokumentasi"
    raw.mkdir()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(raw / "kegiatan.jpg", "JPEG")
    Image.new("RGB", (8, 8), (0, 0, 255)).save(raw / "kegiatan.png", "PNG")
    out = tmp_path / "foto"
    clean_photos([raw / "kegiatan.jpg", raw / "kegiatan.png"], out)
    jpg, _ = photo_entry(out, raw / "kegiatan.jpg")
    png, _ = photo_entry(out, raw / "kegiatan.png")
    assert jpg != png and jpg.is_file() and png.is_file()
    assert Image.open(jpg).getpixel((4, 4))[0] > 200  # red stays red
    assert Image.open(png).getpixel((4, 4))[2] > 200  # blue stays blue


def test_photo_name_with_personal_data_is_redacted_with_its_hash(tmp_path) -> None:
    from skm.ingest.images import clean_photos, photo_entry

    raw = tmp_path / "budi_081273194455.png"
    Image.new("RGB", (8, 8), (0, 255, 0)).save(raw, "PNG")
    out = tmp_path / "foto"
    clean_photos([raw], out)
    path, label = photo_entry(out, raw)
    digest = hashlib.sha256(raw.read_bytes()).hexdigest()[:12]
    assert path.is_file() and not needles_in(path.name) and digest in path.name
    assert not needles_in(label) and f"sha256 {digest}" in label
    assert_no_pii(sorted(out.iterdir()))


# --------------------------------------------------------------------------- bounded work


def styled_export(tmp_path: Path) -> Path:
    """40 rows, each with 16,384 styled empty cells (a sheet formatted down to column XFD)."""
    header = [HEADER["timestamp"], *[HEADER[c] for c in UNSUR_CODES]]
    rows = [[f"13/02/2023 9:{i:02d}:00", *GOOD] for i in range(40)]
    path = styled_xlsx(tmp_path / "berwarna.xlsx", header, rows)
    assert path.stat().st_size > 1_500_000
    return path


def test_xlsx_with_16384_styled_cells_per_row_is_read(tmp_path) -> None:
    result = run([styled_export(tmp_path)])
    assert result.quality["n_valid"] == 40


def test_speed_of_xlsx_with_16384_styled_cells_per_row(tmp_path, benchmark) -> None:
    """Read in seconds (openpyxl's own sizing of such a sheet takes 22 s). A benchmark, skipped
    by default (the project runs with --benchmark-skip); run with ``pytest -o addopts= -k speed``."""
    path = styled_export(tmp_path)
    result = benchmark.pedantic(run, args=([path],), rounds=1, iterations=1)
    assert result.quality["n_valid"] == 40
    assert benchmark.stats.stats.max < 10


def test_xlsx_reading_keeps_types_and_row_numbers(tmp_path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Judul laporan"])
    sheet.append([])
    sheet.append([HEADER["timestamp"], HEADER["usia"], *[HEADER[c] for c in UNSUR_CODES]])
    import datetime as dt

    sheet.append([dt.datetime(2023, 2, 13, 9, 14, 31), 34, *[4] * 9])
    sheet.append([])
    sheet.append([dt.datetime(2023, 2, 14, 10, 0, 0), 41.0, *[3] * 9])
    path = tmp_path / "a.xlsx"
    book.save(path)
    result = run([path])
    assert result.responses["raw_row"].tolist() == [4, 6]
    assert result.responses["U1"].tolist() == [4, 3]
    assert result.quality["files"][0]["header_row"] == 3


def test_long_cells_are_cut_with_a_marker(tmp_path) -> None:
    long_saran = "Antrean panjang sekali. " * (fields.MAX_SARAN_CHARS // 20)
    rows = [
        record("13/02/2023 9:10:00", saran=long_saran, layanan="L" * 5_000),
        record("13/02/2023 9:11:00", answers=["x" * 100_000, *GOOD[1:]]),
    ]
    result = run([write_csv(tmp_path / "a.csv", rows)])
    saran = result.responses["saran"].iloc[0]
    assert saran.startswith("Antrean panjang") and "[dipotong:" in saran
    assert fields.MAX_SARAN_CHARS < len(saran) < fields.MAX_SARAN_CHARS + 100
    assert len(result.responses["layanan"].iloc[0]) < 300
    assert result.quality["truncated"]["saran"] == 1
    assert result.quality["truncated"]["layanan"] == 1
    rejected = result.rejected
    assert rejected["value"].str.len().max() < 300 and rejected["reason"].str.len().max() < 600


def test_too_many_columns_or_rows_stop_with_a_clear_message(tmp_path, monkeypatch) -> None:
    wide = tmp_path / "lebar.csv"
    wide.write_text(
        ",".join(f"k{i}" for i in range(1_500)) + "\n" + "," * 1_499 + "\n", encoding="utf-8"
    )
    with pytest.raises(SkmInputError, match="1.500 kolom terisi"):
        run([wide])
    for module in (fields, read_csv, read_xlsx):
        monkeypatch.setattr(module, "MAX_ROWS", 3)
    rows = [record(f"13/02/2023 9:1{i}:00") for i in range(4)]
    with pytest.raises(SkmInputError, match="lebih dari 3 baris"):
        run([write_csv(tmp_path / "panjang.csv", rows)])
    book = openpyxl.Workbook()
    book.active.append([HEADER["timestamp"], *[HEADER[c] for c in UNSUR_CODES]])
    for i in range(4):
        book.active.append([f"13/02/2023 9:1{i}:00", *GOOD])
    book.save(tmp_path / "panjang.xlsx")
    with pytest.raises(SkmInputError, match="lebih dari 3 baris"):
        run([tmp_path / "panjang.xlsx"])


def test_appendices_of_a_very_large_unit_are_bounded_and_say_where_the_rest_is() -> None:
    from skm.report import laporan

    n = laporan.APPENDIX_ROWS * 3
    responses = pd.DataFrame({"saran": [f"Saran nomor {i}" for i in range(n)]})
    rejected = pd.DataFrame(
        {
            "file": ["a.csv"] * n,
            "raw_row": range(2, n + 2),
            "column": [""] * n,
            "value": [""] * n,
            "reason_code": ["no_answers"] * n,
            "reason": ["x"] * n,
        }
    )
    lap = laporan.Laporan(
        ikm={}, quality={}, settings={}, responses=responses, rejected=rejected, figdir=Path(".")
    )
    assert len(lap.saran_appendix()) == laporan.APPENDIX_ROWS
    assert "3.000 saran" in lap.saran_note() and "data olahan" in lap.saran_note()
    assert lap.rejected_table().count("a\\.csv") == laporan.APPENDIX_ROWS
    assert "data olahan" in lap.rejected_note()
    long = laporan.Laporan(
        ikm={},
        quality={},
        settings={},
        rejected=rejected.head(0),
        responses=pd.DataFrame({"saran": ["x" * 100_000] * 10}),
        figdir=Path("."),
    )
    assert len(long.saran_appendix()) == laporan.APPENDIX_CHARS // 100_000
    small = laporan.Laporan(
        ikm={},
        quality={},
        settings={},
        rejected=rejected.head(3),
        responses=responses.head(5),
        figdir=Path("."),
    )
    assert small.saran_note() is None and small.rejected_note() is None
    assert small.saran_where() == "seluruhnya dimuat pada Lampiran 5"
    qmd = (Path(__file__).resolve().parents[1] / "notebooks" / "laporan-skm.qmd").read_text(
        encoding="utf-8"
    )
    for call in (
        "lap.saran_appendix()",
        "lap.saran_note()",
        "lap.rejected_note()",
        "lap.received_sentence()",
        "lap.saran_sentence()",
    ):
        assert call in qmd, call
    assert "self.saran_where()" in inspect.getsource(laporan.Laporan.saran_sentence)
    assert "self.rejected_where()" in inspect.getsource(laporan.Laporan.received_sentence)


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def pii_run(tmp_path_factory):
    """One workflow run of a small unit whose export is named with a phone number, whose
    answers carry personal data in every free-text column and obfuscated form, and whose
    documentation photo is named with a phone number."""
    from conftest import copy_project, run_snakemake

    src = tmp_path_factory.mktemp("pribadi-src") / "pribadi"
    year = src / "2023"
    write_pii_export(year, HEADER)
    (src / "unit.yaml").write_text(
        "name: Unit Data Pribadi\npopulation: 40\ntimezone: WITA\n", encoding="utf-8"
    )
    (year / "dokumentasi").mkdir(parents=True)
    Image.new("RGB", (40, 30), (30, 120, 200)).save(year / "dokumentasi" / "budi_081273194455.png")
    (year / "survei.yaml").write_text(
        "period:\n  start: '2023-02-01'\n  end: '2023-04-30'\ndocumentation:\n"
        "  - file: budi_081273194455.png\n    caption: Pelaksanaan survei di loket\n",
        encoding="utf-8",
    )
    root = copy_project(tmp_path_factory.mktemp("pribadi"), units={"pribadi": src}, sample=False)
    run_snakemake(root)
    return root


def _document_texts(root: Path) -> dict[str, str]:
    """Text a reader sees in every document and workbook (embedded images left out)."""
    import re
    import zipfile

    from pypdf import PdfReader

    texts = {}
    for path in sorted((root / "reports").rglob("*")):
        if path.suffix == ".pdf":
            texts[str(path)] = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
        elif path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as archive:
                texts[str(path)] = "\n".join(
                    archive.read(n).decode("utf-8", "replace")
                    for n in archive.namelist()
                    if n.endswith((".xml", ".rels"))
                )
        elif path.suffix == ".html":
            texts[str(path)] = re.sub(r"data:[^\"')\s]+", "", path.read_text(encoding="utf-8"))
    return texts


def test_no_personal_datum_survives_in_processed_data_logs_or_documents(pii_run) -> None:
    root = pii_run
    processed = root / "data" / "processed" / "pribadi" / "2023"
    responses = read_responses(processed / "responses.csv")
    assert len(responses) > 20
    # The audit trail keeps the real paths: manifest.json and the provenance it is made from;
    # settings.json holds the unit's own YAML (the photo's name as the unit typed it).
    kept = {"manifest.json", "provenance.json", "settings.json"}
    files = [
        p
        for base in ("data/processed", "logs")
        for p in sorted((root / base).rglob("*"))
        if p.is_file() and p.name not in kept and p.suffix != ".png"
    ]
    assert len(files) > 5
    texts = _document_texts(root)
    assert any(k.endswith("laporan-skm-pribadi-2023.pdf") for k in texts)
    assert_no_pii(files, texts)
    pdf = next(v for k, v in texts.items() if k.endswith("laporan-skm-pribadi-2023.pdf"))
    assert PLACEHOLDER.strip("[]") in pdf  # the redacted texts are there, marked
    assert "tidak ditemukan" not in pdf  # the photo named with a phone number is printed
    assert len(list((processed / "foto").glob("foto-*-png.png"))) == 1
    manifest = (root / "reports" / "pribadi" / "2023" / "manifest.json").read_text(encoding="utf-8")
    assert PII_FILE_NAME in manifest  # the manifest keeps the real path
