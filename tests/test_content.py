"""The content of the documents (issue 14): what the Laporan SKM and the Laporan Hasil Tindak
Lanjut say, checked on the functions that write it and on the session pipeline's documents.

Expected values are derived from the data (sums, the calendar) wherever the product computes
them; the original report's 84,37 / 85,20 / 84,34 case is a fixture.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
import yaml
from docx import Document

import artefacts
from conftest import docx_text, html_text, pdf_text
from skm import numfmt as nf
from skm.domain import UNSUR_CODES, round_half_up
from skm.ingest.images import processed_name
from skm.ingest.settings import load_config, load_unit_year
from skm.report import tindak_lanjut as tlj
from skm.report.kalender import hari_kerja
from skm.report.laporan import Laporan, cover_metadata, reconcile
from skm.scoring import tren as trn

ROOT = Path(__file__).resolve().parents[1]

#: The original report's integer sums (85 complete responses) and its published headline.
ORIGINAL_SUMS = (288, 291, 281, 290, 281, 287, 297, 284, 308)
ORIGINAL_N = 85
ORIGINAL_PUBLISHED = 84.37


def fake_ikm(sums=ORIGINAL_SUMS, n=ORIGINAL_N, year=2023, population=550) -> dict:
    """ikm.json, by `score`, of `n` respondents answering 3 or 4 with these per-unsur sums
    (unit `uji` surveyed February-April of `year`)."""
    columns = [
        [3] * (4 * n - total) + [4] * (total - 3 * n)
        for total in sums  # U1..U9
    ]
    settings = artefacts.settings(
        {"name": "Unit Uji", "population": population},
        {"period": {"start": f"{year}-02-01", "end": f"{year}-04-30"}},
        unit="uji",
        year=year,
    )
    return artefacts.ikm(artefacts.answers([list(r) for r in zip(*columns)]), settings)


def plain(markdown: str) -> str:
    """Markdown text without its backslash escapes."""
    return re.sub(r"\\(.)", r"\1", markdown)


def lap_of(
    ikm: dict,
    survei: dict | None = None,
    saran: list[str] | None = None,
    tema: list[dict] | None = None,
    tambahan: dict | None = None,
) -> Laporan:
    responses = pd.DataFrame({"saran": saran or []}, dtype="string")
    if tambahan:
        ikm = {**ikm, "analisis_tambahan": tambahan}
    return Laporan(
        ikm=ikm,
        quality=artefacts.quality(ikm["n_raw"]),
        settings=artefacts.settings(survei=survei or {}, saran_tema=tema or []),
        responses=responses,
        rejected=pd.DataFrame(),
        figdir=Path("."),
    )


@pytest.fixture(scope="module")
def docs(pipeline):
    """Text of the sample's documents in every format (the session run's outputs)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is needed")
    out = {}
    for key, year, stem in (
        ("skm", 2023, "laporan-skm-biro-umum-2023"),
        ("tl", 2022, "laporan-tindak-lanjut-biro-umum-2022"),
    ):
        base = pipeline.reports("biro-umum", year) / stem
        first = Document(base.with_suffix(".docx")).tables[0]
        out[key + "_docx_table1"] = re.sub(
            r"\s+", " ", " ".join(c.text for row in first.rows for c in row.cells)
        )
        out[key] = {
            "pdf": pdf_text(base.with_suffix(".pdf")),
            "html": html_text(base.with_suffix(".html")),
            "docx": docx_text(base.with_suffix(".docx")),
        }
    out["ikm23"] = json.loads(
        (pipeline.processed("biro-umum", 2023) / "ikm.json").read_text(encoding="utf-8")
    )
    return out


# --- 2.5 population, 2.1 team decree ---------------------------------------------------------


def test_population_is_the_estimate_per_year(docs):
    text = lap_of(fake_ikm()).sample_sentence()
    assert "dalam satu tahun" in text and "periode survei" not in text
    for fmt in ("pdf", "html", "docx"):
        assert (
            "penerima layanan Biro Umum Sekretariat Daerah Provinsi Kalimantan Timur dalam "
            "satu tahun, diperkirakan sebanyak 550 orang" in docs["skm"][fmt]
        )
        assert "dalam periode survei diperkirakan" not in docs["skm"][fmt]


def test_no_sentence_claims_an_attachment_that_is_not_there(docs, tmp_path):
    for fmt in ("pdf", "html", "docx"):
        assert "terlampir" not in docs["skm"][fmt].lower()
        assert "Keputusan Pembentukan Tim" not in docs["skm"][fmt]
    ikm = fake_ikm()
    named = {"number": "800/12/B.Um", "date": "2023-01-09"}
    text = plain(lap_of(ikm, {"team": "Tim dibentuk.", "team_decree": named}).team_sentence())
    assert "Nomor 800/12/B.Um tanggal 9 Januari 2023" in text and "Lampiran" not in text
    assert lap_of(ikm, {"team_decree": named}).decree_appendix(str(tmp_path)) == ""
    scan = {**named, "file": "sk-tim.jpg"}
    lap = lap_of(ikm, {"team_decree": scan})
    assert f"salinannya dimuat pada Lampiran {lap.DECREE_APPENDIX}" in lap.team_sentence()
    cleaned = tmp_path / processed_name("sk-tim.jpg")  # as the clean_photos rule names it
    cleaned.write_bytes(b"")
    # the path is percent-encoded by skm.report.markdown.image() (the renderer decodes it)
    from urllib.parse import quote

    assert f"({quote(cleaned.as_posix(), safe='/')})" in lap.decree_appendix(str(tmp_path))


def test_sample_texts_are_corrected():
    for year in (2022, 2023):
        text = (ROOT / "data" / "raw" / "biro-umum" / str(year) / "survei.yaml").read_text(
            encoding="utf-8"
        )
        assert "basis data Google Forms" in text and "imbauan" in text
        for wrong in ("base data", "google form ", "himbauan", "terlampir"):
            assert wrong not in text
    rtl = (ROOT / "data" / "raw" / "biro-umum" / "2023" / "rtl.yaml").read_text(encoding="utf-8")
    assert "narahubung" in rtl and "papan informasi digital" in rtl and "SP4N-LAPOR!" in rtl
    assert "contact person" not in rtl and "sosial\n      media" not in rtl


# --- 3.2 / 3.3 tables --------------------------------------------------------------------------


def test_table_3_2_footnote_explains_the_exact_sums(docs):
    ikm = docs["ikm23"]
    shown = sum(Decimal(u["display"]["nrr_tertimbang"]) for u in ikm["unsur"])
    assert shown != Decimal(ikm["display"]["ikm"])  # the sample's 3,406 against 3,408
    note = lap_of(ikm).unsur_note()
    assert f"({nf.angka(shown, 3)})" in note and f"IKM {nf.angka(ikm['display']['ikm'], 3)}" in note
    assert "nilai tepat" in note
    for fmt in ("pdf", "html", "docx"):
        assert f"tercetak ({nf.angka(shown, 3)}) berbeda dari IKM" in docs["skm"][fmt]
    even = fake_ikm(sums=(324,) * 9, n=90)  # every NRR 3,6: the rounded values add up
    assert "berbeda" not in lap_of(even).unsur_note()


def test_table_3_3_has_nilai_persepsi_and_nilai_interval(docs):
    table = plain(lap_of(fake_ikm()).mutu_table())
    assert "Nilai Persepsi" in table and "Nilai Interval (NI)" in table
    for cell in (
        "1,00 – 2,5996",
        "2,60 – 3,064",
        "3,0644 – 3,532",
        "3,5324 – 4,00",
        "88,31 – 100,00",
    ):
        assert cell in table
    for fmt in ("pdf", "html", "docx"):
        assert "2,5996" in docs["skm"][fmt] and "3,5324" in docs["skm"][fmt]


# --- reconciliation ----------------------------------------------------------------------------


def test_reconciliation_of_the_original_report():
    ikm = fake_ikm()
    r = reconcile(ikm, {"year": 2023, "ikm_konversi": ORIGINAL_PUBLISHED, "source": "Laporan"})
    total = sum(Fraction(s, ORIGINAL_N) for s in ORIGINAL_SUMS)
    assert r["official"] == round_half_up(total / 9 * 25, 2) == Decimal("85.20")
    assert r["legacy"] == round_half_up(total * Fraction(11, 100) * 25, 2) == Decimal("84.34")
    assert r["verdict"] == "lain" and r["diff"] == Decimal("-0.83")
    assert (
        reconcile(ikm, {"year": 2023, "ikm_konversi": 84.34, "source": "x"})["verdict"] == "bobot"
    )
    assert reconcile(ikm, {"year": 2023, "ikm_konversi": 85.2, "source": "x"})["verdict"] == "sama"


def test_published_value_is_a_box_not_a_second_trend_point():
    ikm = {**fake_ikm(), "ikm_konversi": 85.196, "analisis_tambahan": {"se": 1.0}}
    prev = {**fake_ikm(year=2022), "ikm_konversi": 84.15, "analisis_tambahan": {"se": 1.2}}
    history = [
        {"year": 2023, "ikm_konversi": ORIGINAL_PUBLISHED, "source": "Laporan SKM 2023"},
        {"year": 2021, "ikm_konversi": 83.0, "source": "Laporan SKM 2021"},
    ]
    tren = trn.build([prev, ikm], history, 2023)
    assert [(r["year"], r["from_data"]) for r in tren["rows"]] == [
        (2021, False),
        (2022, True),
        (2023, True),
    ]
    assert tren["rows"][-1]["display"] == ikm["display"]["ikm_konversi"]
    assert tren["published"]["2023"]["display"] == "84.37"
    box = lap_of(ikm).reconciliation_md(tren)
    assert "84,37" in box and "85,20" in box and "84,34" in box
    assert "bobot lama, tidak berlaku" in box and "Laporan SKM 2023" in box
    assert "tidak dapat direproduksi dari data (selisih −0,83)" in box
    assert "Kesimpulan rekonsiliasi:" not in box and "):" not in box
    assert lap_of(ikm).reconciliation_md(trn.build([prev, ikm], history[1:], 2023)) == ""
    # a later year's published value never reaches an earlier report
    assert trn.build([prev], history, 2022)["published"] == {}


def test_reconciliation_box_in_every_format(docs):
    for fmt in ("pdf", "html", "docx"):
        text = docs["skm"][fmt]
        assert "Rekonsiliasi nilai IKM tahun 2023" in text
        assert "84,37" in text and "84,34" in text and "bobot lama, tidak berlaku" in text
        assert "tidak dapat direproduksi dari data (selisih −0,83)" in text


# --- ringkasan, 4.4 wording ---------------------------------------------------------------------


def test_ringkasan_after_the_cover_in_every_format(docs):
    ikm = docs["ikm23"]
    for fmt in ("pdf", "html", "docx"):
        text = docs["skm"][fmt]
        start = text.index("Ringkasan hasil Survei Kepuasan Masyarakat")
        assert "RINGKASAN" in text[:start]
        summary = text[start : text.index("1.1 Latar Belakang", start)]
        if fmt == "docx":  # python-docx gives the paragraphs first, the tables after them
            summary += docs["skm_docx_table1"]
        assert nf.angka(ikm["display"]["ikm_konversi"]) in summary
        assert f"sampel minimum {ikm['sample']['required']} responden" in summary
        assert "waktu penyelesaian dan produk layanan (U3 dan U5)" in summary
        assert "analisis tambahan" in summary and "1 Februari 2023 – 30 April 2023" in summary
    untested = {"last_change": {"from": 2022, "to": 2023, "diff": "0.22", "testable": False}}
    assert "tidak dapat diuji" in Laporan.change_summary(untested)


def test_interval_wording_follows_the_sample(docs):
    tambahan = {
        "ikm_konversi_ci95": [83.15, 87.24],
        "mutu_certain": True,
        "display": {"ci_low": "83.15", "ci_high": "87.24", "se": "1.04"},
    }
    text = lap_of(fake_ikm(), tambahan=tambahan).ci_sentence()
    assert "dapat dinyatakan pasti pada" not in text
    assert "belum memenuhi sampel minimum (subbab 2.5)" in text
    assert "secara acak" in text and "(subbab 2.3)" in text and "populasi terbatas" in text
    assert "dinyatakan pasti pada tingkat ketelitian" not in docs["skm"]["pdf"]


def test_unsur_change_interval_uses_the_finite_population_factor():
    before, after = fake_ikm(year=2022), fake_ikm(sums=(300,) * 9)
    wide = tlj.nrr_change({**before, "sample": {}}, {**after, "sample": {}}, "U1")
    narrow = tlj.nrr_change(before, after, "U1")
    factor = (550 - 85) / (550 - 1)
    assert narrow["se"] == pytest.approx(wide["se"] * factor**0.5)


# --- 4.1 saran, pengaduan, layanan -------------------------------------------------------------

TEMA = [
    {"tema": "Kecepatan pelayanan", "unsur": ["U3"], "kata_kunci": ["lebih cepat", "lama"]},
    {"tema": "Suhu ruangan", "unsur": ["U9"], "kata_kunci": ["sejuk", "AC"]},
    {"tema": "Apresiasi", "unsur": [], "kata_kunci": ["terima kasih"]},
]


def test_saran_grouped_by_theme():
    saran = [
        "Proses peminjaman agar lebih cepat",
        "Antrean masih LAMA",
        "AC kurang dingin",
        "Ruangan kurang sejuk",
        "Terima kasih",
        "Acara bagus",
        "Parkir sempit",
    ]
    lap = lap_of(fake_ikm(), saran=saran, tema=TEMA)
    groups, rest = lap.saran_themes()
    assert [(g["tema"], len(g["saran"])) for g in groups] == [
        ("Kecepatan pelayanan", 2),
        ("Suhu ruangan", 2),
        ("Apresiasi", 1),
    ]
    assert rest == ["Acara bagus", "Parkir sempit"]  # "Acara" is not the keyword "AC"
    table = lap.saran_theme_table()
    assert "| Kecepatan pelayanan | Waktu Penyelesaian (U3) | 2 |" in table.replace("  ", " ")
    assert "Parkir sempit" in lap.saran_unthemed()
    assert "masing-masing 2 saran" in lap.saran_sentence()


def test_unit_yaml_overrides_the_theme_dictionary(tmp_path):
    unit = tmp_path / "raw" / "u"
    (unit / "2024").mkdir(parents=True)
    (unit / "unit.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "U",
                "population": 10,
                "timezone": "WIB",
                "saran_tema": [{"tema": "Khusus", "kata_kunci": ["x"]}],
            }
        ),
        encoding="utf-8",
    )
    config = load_config(ROOT / "config.yaml")
    assert any(t["tema"] == "Kecepatan pelayanan" for t in config["saran_tema"])
    settings = load_unit_year(tmp_path / "raw", "u", 2024, config)
    assert [t["tema"] for t in settings["saran_tema"]] == ["Khusus"]


def test_saran_themes_in_the_sample_report(docs):
    for fmt in ("pdf", "html", "docx"):
        text = docs["skm"][fmt]
        assert "Saran dan masukan responden menurut tema" in text
        assert re.search(r"Kecepatan pelayanan \|? ?Waktu Penyelesaian \(U3\) \|? ?4", text)
        assert "Saran yang tidak termasuk tema mana pun (2)" in text


def test_complaints_show_channel_count_and_status():
    lap = lap_of(
        fake_ikm(),
        {
            "complaints": [
                "Air minum",
                {
                    "uraian": "Ruangan panas",
                    "kanal": "SP4N-LAPOR!",
                    "jumlah": 3,
                    "status": "selesai ditindaklanjuti",
                },
            ]
        },
    )
    assert [plain(x) for x in lap.complaints()] == [
        "Air minum",
        "Ruangan panas (melalui SP4N-LAPOR!; 3 kali; status: selesai ditindaklanjuti)",
    ]


def test_layanan_sentence_names_the_lowest_and_flags_small_samples(docs):
    by = docs["ikm23"]["by_layanan"]
    low = min(by, key=lambda k: Decimal(by[k]["display"]["ikm_konversi"]))
    value = nf.angka(by[low]["display"]["ikm_konversi"])
    smallest = min(by, key=lambda k: by[k]["n"])
    for fmt in ("pdf", "html", "docx"):
        text = docs["skm"][fmt]
        assert f"Nilai terendah diperoleh layanan {low} ({value}, mutu" in text
        assert f"{smallest} (mutu {by[smallest]['mutu']} dari {by[smallest]['n']} responden" in text


# --- 2.4 working days --------------------------------------------------------------------------


def test_working_days_from_the_calendar():
    hk = hari_kerja("2023-02-01", "2023-04-30")
    weekdays = sum(1 for i in range(89) if (dt.date(2023, 2, 1) + dt.timedelta(i)).weekday() < 5)
    assert hk.weekdays == weekdays == 63
    removed = {d for d, _ in hk.removed}
    assert dt.date(2023, 3, 22) in removed  # Nyepi
    assert dt.date(2023, 4, 21) in removed  # cuti bersama Idul Fitri
    assert dt.date(2023, 4, 22) not in removed  # Idul Fitri on a Saturday is no weekday lost
    assert hk.days == hk.weekdays - len(hk.removed) < 60


def test_typed_working_days_that_disagree_give_a_warning(docs):
    hk = hari_kerja("2023-02-01", "2023-04-30")
    lap = lap_of(
        fake_ikm(),
        {
            "schedule": [
                {
                    "kegiatan": "Pengumpulan Data",
                    "mulai": "2023-02-01",
                    "selesai": "2023-04-30",
                    "hari_kerja": 60,
                },
                {"kegiatan": "Persiapan", "waktu": "Januari 2023", "hari_kerja": 8},
            ]
        },
    )
    table, note = lap.schedule_table(), lap.schedule_note()
    assert f"| {hk.days}¹ |" in table.replace("  ", " ") and "| 8 |" in table.replace("  ", " ")
    assert "1 Februari 2023 – 30 April 2023" in table
    assert (
        "Peringatan:" in note and "60 hari kerja" in note and f"memberikan {hk.days} hari" in note
    )
    assert "Hari Suci Nyepi (22 Maret 2023)" in note
    assert "Cuti Bersama Hari Raya Idul Fitri (19, 20, 21, 24, dan 25 April 2023)" in note
    for fmt in ("pdf", "html", "docx"):
        text = docs["skm"][fmt]
        assert re.search(rf"Februari–April 2023 \|? ?{hk.days}¹", text)
        assert "hari libur nasional dan cuti bersama" in text and "Peringatan:" not in text


# --- the realisation report --------------------------------------------------------------------


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def realisasi_case(tmp_path):
    (tmp_path / "dokumentasi").mkdir()
    for name in ("a.png", "b.png"):
        (tmp_path / "dokumentasi" / name).write_bytes(b"png")
    plan = [
        {
            "id": "cp",
            "unsur": "U3",
            "program": "Memberikan narahubung.",
            "triwulan": [1],
            "penanggung_jawab": "TU",
        },
        {
            "id": "lapor",
            "unsur": "U8",
            "program": "Sosialisasi SP4N-LAPOR!",
            "triwulan": [2],
            "penanggung_jawab": "TU",
        },
    ]
    rtl = _write(tmp_path / "rtl.yaml", {"rencana": plan})
    rtl_next = _write(tmp_path / "rtl-next.yaml", {"rencana": [plan[0]]})
    real = _write(
        tmp_path / "realisasi.yaml",
        {
            "realisasi": [
                {
                    "id": "cp",
                    "status": "sudah",
                    "tanggal": "2023-02-15",
                    "uraian": "memberikan   narahubung",
                    "bukti": [{"file": "dokumentasi/a.png", "caption": "Narahubung di loket"}],
                },
                {
                    "id": "lapor",
                    "status": "sudah",
                    "uraian": "Unggahan di media sosial",
                    "bukti": ["dokumentasi/b.png"],
                },
            ],
            "strategi": [
                {"rtl": "Pelayanan digital", "strategi": "x"},
                {"rtl": "cp", "strategi": "y"},
            ],
            "signatory": {"name": "Kepala", "date": "2023-04-28"},
        },
    )
    return rtl, real, rtl_next


def test_realisation_report_items_and_warnings(realisasi_case, tmp_path):
    rtl, real, rtl_next = realisasi_case
    before, after = fake_ikm(year=2022), fake_ikm(sums=ORIGINAL_SUMS)
    tl = tlj.prepare(rtl, real, before, after, rtl_next)
    assert tl["period"] == ["2023-02-15", "2023-02-15"]
    assert tl["signatory"]["date"] == "2023-04-28"
    notes = plain(" ".join(tl["notes"]))
    assert "rencana 2 (Sosialisasi SP4N-LAPOR!) adalah sudah dilaksanakan, tetapi tanggal" in notes
    assert "rencana 1 (Memberikan narahubung) hanya mengulang teks rencananya" in notes
    assert '"Pelayanan digital" tidak merujuk' in notes and '"cp"' not in notes
    assert "tahun 2023 mengulang rencana 1 tahun 2022 (Waktu Penyelesaian, U3)" in notes
    body = plain(tlj.body_markdown(json.loads(json.dumps(tl)), before, tmp_path / "foto"))
    assert "![Bukti 1.1: Narahubung di loket]" in body
    assert "![Bukti 2.1: dokumentasi pelaksanaan rencana 2]" in body
    assert "a.png]" not in body and "b.png]" not in body
    assert "dilaksanakan pada 15 Februari 2023" in body
    assert "tanggal pelaksanaan tidak diisi" in body
    assert "100,00%" in body and "masih dalam batas galat pengambilan sampel" in body
    # 15 Februari lies inside the 2023 collection and the report is signed before it ended
    timing = " ".join(tl["timing"])
    assert (
        "rencana 1 (15 Februari 2023) dilaksanakan di dalam periode pengumpulan data SKM "
        "tahun 2023 (1 Februari 2023 – 30 April 2023)"
    ) in timing
    assert "sebelum perbaikan dilaksanakan dan sebagian sesudahnya" in timing
    assert (
        "ditandatangani pada 28 April 2023, sebelum pengumpulan data SKM tahun 2023 "
        "berakhir (30 April 2023)" in timing
    )
    dampak = body[body.index("{#tbl-tl-dampak}") : body.index("BAB IV")]
    assert "di dalam periode pengumpulan data SKM" in plain(dampak)
    assert "perlu dibaca bersama catatan pada BAB III" in body
    # dates before the collection and a signature after it: nothing to say
    ok = {
        **tl["realisasi"],
        "signatory": {"date": "2023-07-17"},
        "realisasi": [{**r, "tanggal": "2023-01-12"} for r in tl["realisasi"]["realisasi"]],
    }
    assert tlj.timing_notes(tl["rtl"], ok, after) == []
    late = {**ok, "realisasi": [{**r, "tanggal": "2023-05-02"} for r in ok["realisasi"]]}
    assert (
        "setelah pengumpulan data SKM tahun 2023 berakhir"
        in tlj.timing_notes(tl["rtl"], late, after)[0]
    )
    assert tlj.timing_notes(tl["rtl"], tl["realisasi"], None) == []
    cover = cover_metadata(
        {"period": {"start": "2022-02-01", "end": "2022-04-30"}, "name": "U", "year": 2022}, "T", tl
    )["cover"]
    assert cover["period"] == "Periode realisasi 15 Februari 2023 – 15 Februari 2023"
    assert cover["year"] == "Tindak lanjut hasil SKM tahun 2022"


def test_realisation_report_of_the_sample(docs):
    for fmt in ("pdf", "html", "docx"):
        text = docs["tl"][fmt]
        cover = text[: text.index("BAB I PENDAHULUAN")]  # the cover, in every format
        assert "Periode realisasi 12 Januari 2023 – 26 Januari 2023" in cover, (fmt, cover)
        assert "Tindak lanjut hasil SKM tahun 2022" in cover
        assert "Bukti 1.1: Sosialisasi narahubung pengelola layanan" in text
        assert "contact-person.png" not in text
        assert "Samarinda, 17 Juli 2023" in text
        assert "dilaksanakan pada 12 Januari 2023" in text
        # the sample's dates agree with the 2023 survey: no timing warning
        assert "di dalam periode pengumpulan data SKM" not in text
        assert "sebelum pengumpulan data SKM tahun 2023 berakhir" not in text
        assert "hanya mengulang teks rencananya" in text
        assert (
            "\u201cMelakukan pelayanan secara digital\u201d tidak merujuk" in text
            or '"Melakukan pelayanan secara digital" tidak merujuk' in text
        )
        assert "perubahan NRR semua unsur sasaran masih dalam batas galat" in text
    # the 2023 plan repeats the 2022 items whose unsur did not move: flagged in 4.2 as well
    text = docs["skm"]["pdf"]
    start = text.rindex("4.2 Rencana Tindak Lanjut")  # the section, not its daftar isi line
    plan = text[start : text.index("4.3 Tren Nilai SKM", start)]
    assert "Rencana tindak lanjut tahun 2023 mengulang rencana 1 tahun 2022" in plan


# --- wording of signed text, saran matching, schedule checks (audit of issue 14) ---------------

#: Configuration files and keys, processed files (the exports' own names may be shown: 4.4 says
#: how each export's dates were read).
CONFIG_NAMES = re.compile(
    r"config\.yaml|unit\.yaml|survei\.yaml|realisasi\.yaml|rtl\.yaml|"
    r"saran_tema|date_order|accept_rejected|hari_kerja|signatory|"
    r"\w+\.json|(?:responses|rejected)\.csv"
)


def test_signed_text_names_no_configuration_file(docs):
    """The body a unit signs speaks of data and rules, not of configuration keys or files:
    only Lampiran 7 (for auditors) names files."""
    for key in ("skm", "tl"):
        for fmt in ("pdf", "html", "docx"):
            text = docs[key][fmt]
            if key == "skm":
                text = text[: text.rindex("Lampiran 7. Catatan Reprodusibilitas")]
            found = sorted(set(CONFIG_NAMES.findall(text)))
            assert not found, (key, fmt, found)


def test_reconciliation_sentences_read_cleanly(docs):
    ikm = fake_ikm()
    tren = {
        "published": {
            "2023": {"year": 2023, "ikm_konversi": ORIGINAL_PUBLISHED, "source": "Laporan SKM 2023"}
        },
        "rows": [],
    }
    lap = lap_of(ikm)
    box = lap.reconciliation_md(tren)
    closing = plain(box.split("\n\n")[-1])
    assert closing.count(":") == 0, closing
    bab5 = lap.reconciliation_conclusion(tren)
    assert "dibandingkan dengan data survei:" not in bab5 and ":" not in bab5
    assert (
        "84,37 tidak dapat direproduksi dari data (selisih −0,83 terhadap nilai resmi "
        "85,20)" in bab5
    )
    for fmt in ("pdf", "html", "docx"):
        text = docs["skm"][fmt]
        assert not re.search(r"\([^()]*\) \(lihat", text), fmt  # no "(…) (lihat …)"
        assert "Kesimpulan rekonsiliasi:" not in text
        assert "dibandingkan dengan data survei: tidak dapat" not in text
        assert (
            "84,37, tidak dapat direproduksi dari data (selisih −0,83 terhadap nilai resmi "
            "85,20); rekonsiliasi pada Tabel" in text
        )


def test_saran_keywords_match_the_text_as_written_and_4_1_is_bounded():
    tema = [
        {
            "tema": "Kanal pengaduan",
            "unsur": ["U8"],
            "kata_kunci": ["lapor.go.id", "SP4N-LAPOR!", "[pengaduan]"],
        }
    ]
    saran = [
        "Sosialisasikan lapor.go.id",
        "Gunakan SP4N-LAPOR! juga",
        "Kotak [pengaduan] rusak",
        "Parkir *sempit*",
        "Toilet kotor",
    ]
    lap = lap_of(fake_ikm(), saran=saran, tema=tema)
    groups, rest = lap.saran_themes()
    assert [len(g["saran"]) for g in groups] == [3]
    assert plain(groups[0]["saran"][0]) == "Sosialisasikan lapor.go.id"
    assert rest == [r"Parkir \*sempit\*", "Toilet kotor"]  # printed escaped
    lap = dataclasses.replace(lap_of(fake_ikm(), saran=saran, tema=tema), appendix_chars=15)
    text = lap.saran_unthemed()
    assert "Parkir" in text and "Toilet kotor" not in text
    assert "1 saran lainnya yang tidak termasuk tema mana pun" in text and "Lampiran 5" in text


def test_layanan_interval_says_it_has_no_population_factor():
    ikm = fake_ikm()
    rows = []
    for layanan, k in (("A", 3), ("B", 3)):
        for i in range(k):
            rows.append(
                {
                    "layanan": layanan,
                    **{c: (4 if (i + j) % 2 else 3) for j, c in enumerate(UNSUR_CODES)},
                }
            )
    responses = pd.DataFrame(rows)
    responses["saran"] = pd.Series([""] * len(rows), dtype="string")
    ikm["by_layanan"] = {
        "A": {"n": 3, "ikm_konversi": 87.0, "mutu": "B", "display": {"ikm_konversi": "87.04"}},
        "B": {"n": 3, "ikm_konversi": 87.0, "mutu": "B", "display": {"ikm_konversi": "87.96"}},
    }
    lap = Laporan(
        ikm=ikm,
        quality={},
        settings={"survei": {}, "saran_tema": []},
        responses=responses,
        rejected=pd.DataFrame(),
        figdir=Path("."),
    )
    text = lap.layanan_sentence()
    assert "belum pasti" in text
    assert "tanpa faktor koreksi populasi terbatas" in text
    assert "jumlah penerima setiap jenis layanan tidak diketahui" in text


def _unit_with_schedule(tmp_path, schedule) -> Path:
    unit = tmp_path / "raw" / "u"
    (unit / "2023").mkdir(parents=True)
    (unit / "unit.yaml").write_text(
        yaml.safe_dump({"name": "U", "population": 10, "timezone": "WIB"}), encoding="utf-8"
    )
    (unit / "2023" / "survei.yaml").write_text(
        yaml.safe_dump({"schedule": schedule}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return tmp_path / "raw"


def test_schedule_ending_before_it_starts_is_refused_naming_file_and_row(tmp_path):
    from skm.errors import SkmInputError

    raw = _unit_with_schedule(
        tmp_path,
        [
            {"kegiatan": "Persiapan", "mulai": "2023-01-09", "selesai": "2023-01-20"},
            {"kegiatan": "Pengolahan", "mulai": "2023-05-15", "selesai": "2023-05-02"},
        ],
    )
    with pytest.raises(SkmInputError) as err:
        load_unit_year(raw, "u", 2023, load_config(ROOT / "config.yaml"))
    message = str(err.value)
    assert "survei.yaml" in message and "schedule.1.selesai" in message
    assert "Pengolahan" in message and "baris" in message and "lebih awal" in message


def test_schedule_in_a_year_without_cuti_bersama_says_so():
    from skm.report.kalender import years_without_cuti_bersama

    year = next(
        y for y in range(2024, 2100) if years_without_cuti_bersama(f"{y}-01-01", f"{y}-12-31")
    )
    assert years_without_cuti_bersama("2023-02-01", "2023-04-30") == []
    lap = lap_of(
        fake_ikm(),
        {
            "schedule": [
                {
                    "kegiatan": "Pengumpulan Data",
                    "mulai": f"{year}-02-01",
                    "selesai": f"{year}-04-30",
                }
            ]
        },
    )
    note = lap.schedule_note()
    assert f"belum memuat cuti bersama tahun {year}" in note
    sample = lap_of(
        fake_ikm(),
        {
            "schedule": [
                {"kegiatan": "Pengumpulan Data", "mulai": "2023-02-01", "selesai": "2023-04-30"}
            ]
        },
    )
    assert "belum memuat cuti bersama" not in sample.schedule_note()


def test_typed_working_days_that_disagree_are_logged(pipeline):
    log = (pipeline.root / "logs" / "uji" / "2024" / "validate_responses.log").read_text("utf-8")
    days = hari_kerja("2024-01-02", "2024-06-28").days
    assert (
        f"peringatan: survei.yaml (jadwal baris 1) mencantumkan 120 hari kerja untuk "
        f"kegiatan Pengumpulan Data, sedangkan kalender memberikan {days} hari kerja"
    ) in log
