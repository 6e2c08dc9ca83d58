"""The rendered documents, read as their readers read them (PDF text, HTML text, DOCX text).

Every expected number comes from the run's own ikm.json, formatted the Indonesian way.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
import zlib

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import docx_text, html_text, pdf_text
from skm import numfmt as nf

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def laporan23(pipeline):
    folder = pipeline.reports("biro-umum", 2023)
    base = folder / "laporan-skm-biro-umum-2023"
    ikm = json.loads((pipeline.processed("biro-umum", 2023) / "ikm.json").read_text("utf-8"))
    return {
        "ikm": ikm,
        "pdf": pdf_text(base.with_suffix(".pdf")),
        "html": html_text(base.with_suffix(".html")),
        "html_raw": base.with_suffix(".html").read_text(encoding="utf-8"),
        "docx": docx_text(base.with_suffix(".docx")),
        "docx_path": base.with_suffix(".docx"),
    }


def headline_values(ikm: dict) -> list[str]:
    values = [
        nf.angka(ikm["display"]["ikm_konversi"]),
        f"mutu pelayanan {ikm['mutu']}",
        nf.angka(ikm["sample"]["required"], 0),
    ]
    values += [nf.angka(u["display"]["nrr"]) for u in ikm["unsur"]]
    values += [nf.persen(c["display_pct"]) for c in ikm["demografi"]["jenis_kelamin"]["categories"]]
    return values


@pytest.mark.parametrize("fmt", ["pdf", "html", "docx"])
def test_headline_numbers_in_every_format(laporan23, fmt):
    text = laporan23[fmt]
    for value in headline_values(laporan23["ikm"]):
        assert value in text, (fmt, value)
    assert "85,20" in text and "71,76%" in text and "28,24%" in text


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_structure_of_the_report(laporan23, fmt):
    text = laporan23[fmt]
    for heading in [
        "BAB I",
        "PENDAHULUAN",
        "BAB II",
        "2.5 Penentuan Jumlah Responden",
        "BAB III",
        "3.1 Jumlah dan Karakteristik Responden",
        "BAB IV",
        "4.2 Rencana Tindak Lanjut",
        "4.3 Tren Nilai SKM",
        "BAB V",
        "KESIMPULAN",
        "Lampiran 1",
        "Lampiran 2",
        "Lampiran 3",
        "Lampiran 4",
        "Lampiran 5",
        "Lampiran 6",
        "Lampiran 7",
        "Tabel 3.2",
        "Gambar 3.4",
        "19670719 199303 2 006",
        "Samarinda, 14 Juli 2023",
    ]:
        assert heading in text, (fmt, heading)


def test_narrative_names_the_right_unsur(laporan23):
    text = laporan23["pdf"]
    # Lowest: U3 and U5 tie at 281/85, then U8; highest: U9, U7, U2.
    assert "waktu penyelesaian dan produk layanan (U3 dan U5)" in text
    assert "penanganan pengaduan (U8) dengan NRR 3,34" in text
    assert "sarana dan prasarana (U9) dengan NRR 3,62" in text
    assert "prosedur (U2) dengan NRR 3,42" in text
    assert "belum terpenuhi" in text  # 85 < 226


def test_rtl_trend_and_previous_realisation(laporan23):
    text = laporan23["pdf"]
    assert "Forum Konsultasi Publik (FKP) pada 11 Mei 2023" in text
    assert "Pengenalan produk layanan secara lebih rinci melalui papan informasi digital" in text
    assert "84,15" in text and "85,20" in text  # trend 2022 -> 2023
    assert "Masih terdapat kesalahan dalam membagikan narahubung" in text  # Lampiran 4
    assert "100,00%" in text


def test_html_is_self_contained(laporan23):
    raw = laporan23["html_raw"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", raw)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", raw)
    assert "<script" not in raw.lower()
    assert 'lang="id-ID"' in raw
    assert re.search(r"<img[^>]+alt=\"[^\"]+\"", raw)
    assert 'name="viewport"' in raw


def pdf_alt_texts(path) -> list[str]:
    """The alt texts of a tagged PDF (Typst writes them into its compressed streams)."""
    data = path.read_bytes()
    found = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            found += re.findall(rb"/Alt\((.*?)\)", zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return sorted({a.decode("latin-1") for a in found})


def test_images_carry_their_alt_text_in_every_format(pipeline):
    base = pipeline.reports("biro-umum", 2023) / "laporan-skm-biro-umum-2023"
    chart = "Diagram batang NRR sembilan unsur pelayanan dengan latar pita mutu A, B, C dan D"
    # fig-alt of a photo (Lampiran 4): what it shows, from its caption in realisasi.yaml
    photo = (
        "Foto bukti 1 pelaksanaan rencana tindak lanjut 1: Sosialisasi narahubung pengelola "
        "layanan kepada pengguna layanan"
    )
    alts = pdf_alt_texts(base.with_suffix(".pdf"))
    assert chart in alts and photo in alts
    html = base.with_suffix(".html").read_text(encoding="utf-8")
    assert f'alt="{chart}"' in html and f'alt="{photo}"' in html and "data-fig-alt" not in html
    with zipfile.ZipFile(base.with_suffix(".docx")) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert f'descr="{chart}"' in body and f'descr="{photo}"' in body


def test_docx_opens_on_a4_with_daftar_isi(laporan23):
    doc = Document(laporan23["docx_path"])
    section = doc.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.1 and abs(section.page_height.cm - 29.7) < 0.1
    with zipfile.ZipFile(laporan23["docx_path"]) as zf:
        assert "Daftar Isi" in zf.read("word/document.xml").decode("utf-8")
    with zipfile.ZipFile(laporan23["docx_path"]) as z:
        body = z.read("word/document.xml").decode("utf-8")
    rows = body.count("<w:tr>")
    assert rows > 50 and body.count("<w:tr><w:trPr><w:cantSplit />") == rows  # no split rows


def test_realisation_report(pipeline):
    base = pipeline.reports("biro-umum", 2022) / "laporan-tindak-lanjut-biro-umum-2022"
    text = pdf_text(base.with_suffix(".pdf"))
    for needle in [
        "BAB III",
        "REALISASI RENCANA TINDAK LANJUT",
        "100,00%",
        "Membagikan informasi kanal pengaduan terpusat SP4N-LAPOR!",
        "Masyarakat belum banyak mengetahui media sosial Biro Umum",
        "Memanfaatkan digitalisasi dalam pengadaan sarana dan prasarana",
        "SKM tahun 2023",
        "dalam batas galat",
    ]:
        assert needle in text, needle
    assert "100,00%" in docx_text(base.with_suffix(".docx"))


def test_realisation_tables_are_numbered_and_referenced(pipeline, laporan23):
    base = pipeline.reports("biro-umum", 2022) / "laporan-tindak-lanjut-biro-umum-2022"
    captions = [
        "Tabel 2.1 Ringkasan hasil SKM tahun 2022",
        "Tabel 2.2 Rencana tindak lanjut hasil SKM tahun 2022",
        "Tabel 3.1 Realisasi rencana tindak lanjut",
        "Tabel 3.2 Perubahan NRR unsur sasaran dari SKM tahun 2022 ke tahun 2023",
        "Tabel 4.1 Strategi pelaksanaan rencana tindak lanjut",
    ]
    for text in (
        pdf_text(base.with_suffix(".pdf")),
        html_text(base.with_suffix(".html")),
        docx_text(base.with_suffix(".docx")),
    ):
        for caption in captions:
            assert caption in text, caption
        assert "disajikan pada Tabel 3.1" in text and "@tbl" not in text
    # Nested as Lampiran 4 of the next year's report, the same tables are numbered L4.n.
    for fmt in ("pdf", "html", "docx"):
        assert "Tabel L4.1 Ringkasan hasil SKM tahun 2022" in laporan23[fmt]
        assert "Tabel L4.5 Strategi pelaksanaan" in laporan23[fmt]


def test_no_pdf_page_ends_with_a_table_caption(pipeline):
    # A caption above a table moves to the next page with the table's first rows.
    caption = re.compile(r"^Tabel (L?\d+\.)?\d+ ")
    pdfs = sorted(pipeline.root.glob("reports/**/*.pdf"))
    assert len(pdfs) >= 5
    for pdf in pdfs:
        if shutil.which("pdftotext"):
            pages = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout.split("\f")
        else:
            pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
        for number, page in enumerate(pages, 1):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            body = lines[:-1]  # the last line is the page number
            assert not (body and caption.match(body[-1])), f"{pdf.name} page {number}: {body[-1]}"


def test_uji_report_lists_rejected_rows(pipeline):
    text = pdf_text(pipeline.reports("uji", 2024) / "laporan-skm-uji-2024.pdf")
    assert "Sangat Puas" in text and "Lampiran 6" in text
    assert "[disamarkan]" in text
    assert "Budi Santosa" not in text


def test_recap_document_shows_the_distribution_and_ranking(pipeline):
    rekap = json.loads(
        (pipeline.root / "data" / "processed" / "_rekap" / "2024" / "rekap.json").read_text(
            encoding="utf-8"
        )
    )
    base = pipeline.root / "reports" / "rekap" / "2024" / "rekap-ikm-2024"
    for text in (
        pdf_text(base.with_suffix(".pdf")),
        html_text(base.with_suffix(".html")),
        docx_text(base.with_suffix(".docx")),
    ):
        assert "Tabel 1.1 Sebaran mutu unit pelayanan" in text
        for row in rekap["sebaran"]:
            if row["n"]:
                assert f"{nf.angka(row['n'], 0)} unit mutu {row['mutu']}" in text
        unit = rekap["units"][0]
        assert nf.angka(unit["display"]) in text and unit["name"] in text
        assert nf.angka(rekap["province"]["pooled"]["display"]) in text
        assert "Gambar 2.1" in text and "Tabel 2.1 IKM unit pelayanan" in text
        assert "hilang" in text and "rusak" in text  # BAB III: missing and failed units


def test_no_pdf_page_ends_with_a_line_that_introduces_what_follows(pipeline):
    """A paragraph ending in ':' (it introduces a list) is never left alone at the bottom of a
    page, in any PDF of the run (typst.lua keeps it with its list)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is needed")
    pdfs = sorted(pipeline.root.glob("reports/*/*/laporan-*.pdf"))
    assert len(pdfs) >= 4
    stranded = []
    for pdf in pdfs:
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for number, page in enumerate(text.split("\f")[:-1], 1):
            lines = [
                line.strip()
                for line in page.splitlines()
                if line.strip() and not line.strip().isdigit()
            ]
            if lines and lines[-1].endswith(":"):
                stranded.append(f"{pdf.name} halaman {number}: {lines[-1]}")
    assert not stranded, stranded
