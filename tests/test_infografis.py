"""The infographic: A4 PDF and 1080 x 1350 PNG from one notebook, numbers as ikm.json gives them.

Read back as a reader's tools read it: the PDF's text and glyph sizes with pypdf, the PNG's size
with Pillow, its QR code with the zxing-cpp decoder. The shipped sample comes from the
session's pipeline run; one extra snakemake run renders a unit with a logo, a report_url and
a name full of Typst and Markdown syntax.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

import artefacts
from conftest import copy_project, run_snakemake
from skm import numfmt as nf
from skm.domain import UNSUR_CODES
from skm.report.infografis import report_url, typst_string
from skm.scoring.ranking import lowest

URL = "https://ppid.example.go.id/skm/2023/laporan-skm-biro-umum-2023.pdf?v=1&x=%C3%A9"
#: Typst, Markdown and HTML syntax, then a right-to-left override, its pop and a BEL: the
#: syntax is shown literally, the three controls are removed (and counted in the log).
CONTROLS = "\u202eterbalik\u202c\x07"
HOSTILE_NAME = (
    'Biro #read("/etc/passwd") *Umum* $x^2$ <script>alert(1)</script> \\ "kutip" ' + CONTROLS
)
HOSTILE_RTL = (
    'Sosialisasi #read("/etc/passwd") *narahubung* $x$ <b>x</b> '
    + CONTROLS
    + " kepada pengguna layanan"
)


def without_controls(text: str) -> str:
    return text.replace("\u202e", "").replace("\u202c", "").replace("\x07", "")


def fragments(pdf: Path) -> tuple[list[tuple[float, float, float, str]], tuple[float, float]]:
    """(effective font size in pt, x, y, text) of every text run on the single page."""
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    out: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, _font, size):
        if not text.strip():
            return
        _, _, c, d, e, f = tm
        A, B, C, D, E, F = cm
        scale = abs(c * B + d * D)
        out.append((size * scale, e * A + f * C + E, e * B + f * D + F, text))

    page.extract_text(visitor_text=visit)
    box = page.mediabox
    return out, (float(box.width), float(box.height))


def page_text(pdf: Path) -> str:
    """The page's text as pypdf extracts it, white space collapsed."""
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def infographic(run_root: Path, unit: str, year: int, ext: str) -> Path:
    return run_root / "reports" / unit / str(year) / f"infografis-skm-{unit}-{year}.{ext}"


@pytest.mark.parametrize("year", [2022, 2023])
def test_pdf_holds_every_figure_as_ikm_json_gives_it(pipeline, year) -> None:
    ikm = json.loads((pipeline.processed("biro-umum", year) / "ikm.json").read_text())
    pdf = infographic(pipeline.root, "biro-umum", year, "pdf")
    frags, (w, h) = fragments(pdf)
    assert (round(w), round(h)) == (595, 842)  # A4 portrait
    text = page_text(pdf)
    assert f"(IKM) {nf.angka(ikm['display']['ikm_konversi'])}" in text
    assert f"Jumlah responden {nf.angka(ikm['n_valid'], 0)}" in text
    assert f"Kinerja unit pelayanan {ikm['kinerja']}" in text
    # The mutu letter stands alone, in the largest type but the IKM.
    assert any(f[3].strip() == ikm["mutu"] and f[0] >= 24 for f in frags)
    # The NRR column, top to bottom, is the nine NRR in ikm.json's order and format.
    values = [f for f in frags if re.fullmatch(r"\d,\d\d", f[3].strip()) and f[1] > 0.8 * w]
    values.sort(key=lambda f: -f[2])
    assert [v[3].strip() for v in values] == [nf.angka(u["display"]["nrr"]) for u in ikm["unsur"]]
    for u in ikm["unsur"]:  # the regulation's names, in full
        assert f"{u['code']} {u['name']}" in text, u["code"]
    # The lowest unsur are section 4.1's tie groups.
    for group in lowest(ikm["unsur"], 3):
        assert " dan ".join(f"{u['code']} {u['name']}" for u in group) in text
        assert f"NRR {nf.angka(group[0]['display']['nrr'])}" in text
    period = ikm["period"]
    assert nf.periode(period["start"], period["end"]) in text


def test_rtl_and_change_from_the_previous_year(pipeline) -> None:
    text = page_text(infographic(pipeline.root, "biro-umum", 2023, "pdf"))
    tren = json.loads((pipeline.processed("biro-umum", 2023) / "tren.json").read_text())
    change = tren["last_change"]
    assert "ANALISIS TAMBAHAN" in text and f"dari tahun {change['from']}" in text
    assert nf.angka(change["diff"].lstrip("-")) in text
    rtl = json.loads((pipeline.processed("biro-umum", 2023) / "rtl.json").read_text())
    plan = next(p for p in rtl["rtl"]["rencana"] if p["unsur"] == "U3")
    words = " ".join(plan["program"].split()).split()
    assert "RTL U3: " + " ".join(words[:5]) in " ".join(text.split())  # the plan's own text
    first = page_text(infographic(pipeline.root, "biro-umum", 2022, "pdf"))
    assert "ANALISIS TAMBAHAN" not in first  # no earlier year in the data


@pytest.mark.parametrize("ext,minimum", [("pdf", 9.0), ("sosmed", 12.0)])
def test_no_text_under_the_minimum_size(pipeline, extra, ext, minimum) -> None:
    if ext == "pdf":
        pdfs = [infographic(pipeline.root, "biro-umum", y, "pdf") for y in (2022, 2023)]
        pdfs.append(infographic(extra, "biro-umum", 2023, "pdf"))
    else:
        pdfs = [extra / "sosmed.pdf"]
    for pdf in pdfs:
        frags, _ = fragments(pdf)
        assert len(frags) > 40
        small = [f for f in frags if f[0] < minimum - 1e-6]
        assert not small, (pdf.name, small[:5])


def test_png_is_1080_by_1350(pipeline) -> None:
    for year in (2022, 2023):
        png = infographic(pipeline.root, "biro-umum", year, "png")
        with Image.open(png) as im:
            assert im.size == (1080, 1350) and im.format == "PNG"


@pytest.fixture(scope="module")
def extra(tmp_path_factory) -> Path:
    """One extra run: the sample with a logo, a report_url and a hostile unit name."""
    root = copy_project(tmp_path_factory.mktemp("infografis"))
    unit = root / "data" / "raw" / "biro-umum"
    # A GIF logo in a file without an extension: told by its bytes, as the covers tell it.
    logo = Image.new("RGB", (120, 150), "white")
    logo.paste((31, 90, 160), (10, 10, 110, 140))
    logo.save(unit / "lambang", format="GIF")
    text = (unit / "unit.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", lambda _: "name: " + json.dumps(HOSTILE_NAME), text)
    (unit / "unit.yaml").write_text(
        text + "logo: lambang\nwebsite: https://unit.example.go.id\n", encoding="utf-8"
    )
    rtl = unit / "2023" / "rtl.yaml"
    text = rtl.read_text(encoding="utf-8")
    text, count = re.subn(
        r"(?m)^(    program: )Peningkatan sosialisasi.*$",
        lambda m: m.group(1) + json.dumps(HOSTILE_RTL),
        text,
    )
    assert count == 1
    rtl.write_text(text, encoding="utf-8")
    survei = unit / "2023" / "survei.yaml"
    survei.write_text(
        survei.read_text(encoding="utf-8") + f"report_url: {json.dumps(URL)}\n", encoding="utf-8"
    )
    target = "reports/biro-umum/2023/infografis-skm-biro-umum-2023.pdf"
    run_snakemake(root, target)
    # The PNG's layout as a PDF, to read its glyph sizes (same notebook, same inputs).
    from skm.report.infografis import render

    proc = root / "data" / "processed" / "biro-umum" / "2023"
    render(
        root / "notebooks" / "infografis-skm.qmd",
        {
            "ikm_path": str(proc / "ikm.json"),
            "settings_path": str(proc / "settings.json"),
            "tren_path": str(proc / "tren.json"),
            "rtl_path": str(proc / "rtl.json"),
        },
        {"sosmed_pdf": root / "sosmed.pdf"},
        source_date_epoch=1_700_000_000,
        logo=unit / "lambang",
    )
    return root


def test_qr_code_in_the_png_gives_the_report_url(extra) -> None:
    import zxingcpp

    png = infographic(extra, "biro-umum", 2023, "png")
    with Image.open(png) as im:
        assert im.size == (1080, 1350)
        found = zxingcpp.read_barcodes(im)
    assert [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode] == [URL]
    # The A4 page has the same code.
    import subprocess

    from pypdf import PdfReader as _R  # noqa: F401 - the PDF is checked as an image below

    pdf = infographic(extra, "biro-umum", 2023, "pdf")
    if shutil.which("pdftoppm"):
        raster = subprocess.run(
            ["pdftoppm", "-png", "-r", "150", str(pdf)], capture_output=True, check=True
        ).stdout
        codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(raster)))
        assert [b.text for b in codes] == [URL]


def test_name_logo_and_alt_text(extra) -> None:
    pdf = infographic(extra, "biro-umum", 2023, "pdf")
    text = page_text(pdf)
    # Literal: no Typst, Markdown or HTML syntax took effect; the controls are gone.
    assert " ".join(without_controls(HOSTILE_NAME).split()) in text
    assert f"RTL U3: {without_controls(HOSTILE_RTL)}" in text
    assert not set(CONTROLS) - set("terbalik") & set(text)
    raw = pdf.read_bytes()
    assert b"/Alt" in raw and b"/StructTreeRoot" in raw
    reader = PdfReader(pdf)
    images = [img for img in reader.pages[0].images]
    assert images, "the logo is embedded"
    alts = re.findall(rb"/Alt\s*\((.*?)\)\s*/", raw)
    assert alts or b"/Alt <" in raw or b"/Alt<" in raw
    log = (extra / "logs" / "biro-umum" / "2023" / "render_laporan.log").read_text("utf-8")
    m = re.search(r"infografis-skm\.qmd: (\d+) karakter kendali/bidi", log)
    # Three in the name, three in the programme, each counted once.
    assert m and int(m.group(1)) == 6, log[-2000:]
    # A shortened or left-out RTL (the page says so) is logged too.
    sosmed = page_text(extra / "sosmed.pdf")
    for what, says in (
        ("diringkas satu baris", "diringkas; selengkapnya di Laporan SKM"),
        ("tidak dimuat", "selengkapnya di Laporan SKM"),
    ):
        if says in sosmed:
            assert f"tata letak 'sosmed': program RTL {what}" in log, log[-2000:]
            break
    else:
        assert "tata letak 'sosmed'" not in log


def test_output_is_byte_identical_across_runs(pipeline, tmp_path) -> None:
    from skm.report.infografis import render

    proc = pipeline.processed("biro-umum", 2023)
    params = {
        "ikm_path": str(proc / "ikm.json"),
        "settings_path": str(proc / "settings.json"),
        "tren_path": str(proc / "tren.json"),
        "rtl_path": str(proc / "rtl.json"),
    }
    settings = json.loads((proc / "settings.json").read_text())
    from skm.audit.provenance import document_epoch

    render(
        pipeline.root / "notebooks" / "infografis-skm.qmd",
        params,
        {"pdf": tmp_path / "a.pdf", "png": tmp_path / "a.png"},
        source_date_epoch=document_epoch(settings),
    )
    for ext in ("pdf", "png"):
        assert (tmp_path / f"a.{ext}").read_bytes() == infographic(
            pipeline.root, "biro-umum", 2023, ext
        ).read_bytes()


def test_report_url_is_https_only() -> None:
    assert report_url({"survei": {"report_url": "https://a.go.id/x"}}) == "https://a.go.id/x"
    assert (
        report_url({"survei": {"report_url": "http://a.go.id/x"}, "website": "https://b.go.id"})
        == "https://b.go.id"
    )
    assert report_url({"survei": {}, "website": "javascript:alert(1)"}) is None
    assert report_url({"survei": {"report_url": "https://a b"}}) is None


@pytest.mark.parametrize("text", ['a"b', "a\\b", "é ✓ ب 😀", "#x $y$ `z` \n\t", "\\u{41}"])
def test_typst_string_literal_round_trips(text, tmp_path) -> None:
    import typst

    src = tmp_path / "t.typ"
    src.write_text(f"#let s = {typst_string(text)}\n#metadata(s) <s>\n", encoding="utf-8")
    got = json.loads(typst.query(str(src), "<s>", field="value", one=True))
    assert got == text


def test_every_text_handed_to_typst_is_cleaned_and_counted() -> None:
    from skm.report import markdown
    from skm.report.infografis import typst_data

    markdown.removed_controls(reset=True)
    block = typst_data({"name": "a" + CONTROLS, "nested": [{"x": "\x85b\u2066"}], "n": 3})
    payload = json.loads(json.loads(re.search(r"bytes\((\".*\")\)", block).group(1)))
    assert payload == {"name": "aterbalik", "nested": [{"x": "b"}], "n": 3}
    assert markdown.removed_controls(reset=True) == 5


def test_a_gif_logo_without_extension_is_accepted(tmp_path) -> None:
    from skm.errors import SkmInputError
    from skm.report.infografis import logo_path

    Image.new("RGB", (8, 8), "red").save(tmp_path / "lambang", format="GIF")
    (tmp_path / "fake.png").write_text("<svg/>")
    settings = {"unit_dir": str(tmp_path)}
    assert logo_path(dict(settings, logo="lambang")) == (tmp_path / "lambang").resolve()
    with pytest.raises(SkmInputError, match="logo"):
        logo_path(dict(settings, logo="fake.png"))
    with pytest.raises(SkmInputError):
        logo_path(dict(settings, logo="../lambang"))


def pdf_font_names(pdf: Path) -> set[str]:
    """The base names of the fonts embedded in a PDF (the subset tag ABCDEF+ dropped)."""
    names = set()
    for page in PdfReader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1])
            for sub in font.get("/DescendantFonts") or []:
                desc = sub.get_object().get("/FontDescriptor")
                assert desc is not None and (
                    "/FontFile2" in desc.get_object() or "/FontFile3" in desc.get_object()
                ), font
    return names


def test_fonts_are_the_shipped_ones(pipeline, extra) -> None:
    from fontTools.ttLib import TTFont

    from skm.render import FONTS_DIR

    shipped = {TTFont(f)["name"].getDebugName(6) for f in sorted(FONTS_DIR.glob("*.ttf"))}
    pdfs = [infographic(pipeline.root, "biro-umum", y, "pdf") for y in (2022, 2023)]
    pdfs += [
        infographic(extra, "biro-umum", 2023, "pdf"),
        extra / "sosmed.pdf",
        pipeline.root / "reports" / "rekap" / "2024" / "infografis-rekap-2024.pdf",
    ]
    for pdf in pdfs:
        used = pdf_font_names(pdf)
        assert used and used <= shipped, (pdf.name, used - shipped)


def test_verify_compares_the_png_by_hash(pipeline, tmp_path) -> None:
    from skm.audit.text import compare_text

    png = infographic(pipeline.root, "biro-umum", 2023, "png")
    same_pixels = tmp_path / png.name
    with Image.open(png) as im:
        im.save(same_pixels, optimize=True)
    assert same_pixels.read_bytes() != png.read_bytes()
    assert compare_text(png, png) is None
    assert compare_text(png, same_pixels) == "gambar berbeda (sha256)"


def test_recap_infographic(pipeline, tmp_path) -> None:

    from skm.report.infografis import render_rekap
    from skm.report.rekap import build

    # The pipeline's recap (one unit read, one broken, one badly named, one missing) ...
    rekap_dir = pipeline.root / "reports" / "rekap" / "2024"
    rekap = json.loads((pipeline.root / "data/processed/_rekap/2024/rekap.json").read_text())
    text = page_text(rekap_dir / "infografis-rekap-2024.pdf")
    not_read = len(rekap["failed"]) + len(
        rekap["missing"]
    )  # a broken, a badly named, a missing unit
    assert f"{not_read} unit tidak diolah" in text
    assert nf.angka(rekap["province"]["pooled"]["display"]) in text
    with Image.open(rekap_dir / "infografis-rekap-2024.png") as im:
        assert im.size == (1080, 1350)
    # ... and a province of five units in four mutu.
    ikms = []
    for i, (total, mutu) in enumerate([(310, "A"), (290, "B"), (285, "B"), (250, "C"), (200, "D")]):
        sums = [total - 10 * (code == "U3") for code in UNSUR_CODES]
        settings = artefacts.settings({"name": f"Dinas Nomor {i + 1}"}, unit=f"u{i}")
        ikm = artefacts.ikm(artefacts.answers_with_sums(sums, 85), settings)
        assert ikm["mutu"] == mutu
        ikms.append(ikm)
    rekap = build(2023, ikms, {}, [], [i["unit"] for i in ikms])
    (tmp_path / "rekap.json").write_text(json.dumps(dict(rekap, epoch_date="2023-12-31")))
    render_rekap(
        pipeline.root / "notebooks" / "infografis-rekap.qmd",
        {"rekap_path": str(tmp_path / "rekap.json"), "instansi": "Pemerintah Uji"},
        {"pdf": tmp_path / "r.pdf", "png": tmp_path / "r.png", "sosmed_pdf": tmp_path / "s.pdf"},
        source_date_epoch=1_700_000_000,
    )
    # Two runs give the same bytes.
    render_rekap(
        pipeline.root / "notebooks" / "infografis-rekap.qmd",
        {"rekap_path": str(tmp_path / "rekap.json"), "instansi": "Pemerintah Uji"},
        {"pdf": tmp_path / "r2.pdf", "png": tmp_path / "r2.png"},
        source_date_epoch=1_700_000_000,
    )
    for ext in ("pdf", "png"):
        assert (tmp_path / f"r2.{ext}").read_bytes() == (tmp_path / f"r.{ext}").read_bytes()
    text = page_text(tmp_path / "r.pdf")
    for row in rekap["sebaran"]:
        assert f"{row['n']} unit ({nf.persen(row['pct'])})" in text
    for key in ("mean_of_units", "pooled"):
        assert nf.angka(rekap["province"][key]["display"]) in text
    assert "Mutu B (2 unit): Dinas Nomor 2" in text
    assert "U3 Waktu Penyelesaian" in text and "terendah di unitnya: U3 di 5 unit" in text
    assert " di 0 unit" not in text  # an unsur lowest in no unit is not listed as such
    for pdf, minimum in ((tmp_path / "r.pdf", 9.0), (tmp_path / "s.pdf", 12.0)):
        frags, _ = fragments(pdf)
        assert not [f for f in frags if f[0] < minimum - 1e-6]
