"""Tests for skm.render (qmd -> HTML/DOCX/PDF) and skm.report.markdown (safe markdown helpers).

The fixture report (tests/fixtures/render/laporan_mini.qmd) is rendered once per module to all
formats, and the tests read its documents: numbering and cross references (crossref.lua),
shortcodes, escaping. The other render tests start their own (small) kernels or fail before one. Run: ``pytest tests/test_render.py -q``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypandoc
import pytest

from conftest import HtmlText
from skm.render import TEMPLATES_DIR, RenderError, parse_qmd, render_qmd, replace_missing_glyphs
from skm.render.docx import fix_docx_tables
from skm.report.markdown import Raw, escape, pagebreak, table

FIXTURES = Path(__file__).parent / "fixtures" / "render"
EPOCH = 1_719_792_000  # 2024-07-01T00:00:00Z

HOSTILE_PARTS = [
    "<script>alert(1)</script>",
    "{{< include /etc/passwd >}}",
    '#panic("x")',
    '#read("/etc/passwd")',
    "\\input{/etc/passwd}",
    "[x]{.y}",
    "@ref",
    "@fig-nilai",  # a label of the document: from data it stays text
    "**bold**",
]
EMOJI, ARABIC, CHINESE = "😀", "مرحبا", "你好"
HOSTILE = " ".join(HOSTILE_PARTS + [EMOJI, ARABIC, CHINESE])
PARAMS = {"unit_name": "Dinas Dukcapil", "n_responden": 110, "hostile": HOSTILE}


def _make_logo(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 120), "white")
    ImageDraw.Draw(image).ellipse((10, 10, 110, 110), fill=(31, 58, 104))
    image.save(path)


def _render(tmp: Path, out: Path, formats=("html", "docx", "pdf", "md")) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    return render_qmd(
        tmp / "laporan_mini.qmd",
        {fmt: out / f"laporan.{fmt}" for fmt in formats},
        PARAMS,
        source_date_epoch=EPOCH,
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("render-src")
    shutil.copy(FIXTURES / "laporan_mini.qmd", tmp / "laporan_mini.qmd")
    _make_logo(tmp / "logo.png")
    return tmp


@pytest.fixture(scope="module")
def rendered(workspace, tmp_path_factory):
    out = tmp_path_factory.mktemp("render-out")
    result = _render(workspace, out)
    return out, result


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _html(path: Path) -> HtmlText:
    parser = HtmlText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _docx_text(path: Path) -> str:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    import html as html_lib

    return html_lib.unescape("".join(runs))


# --------------------------------------------------------------------------- full render


@pytest.mark.slow
def test_render_returns_stage_timings(rendered):
    out, result = rendered
    from skm.render.core import STAGES

    assert "pandoc_read" in STAGES  # the markdown read once (skm.render.pandoc)
    for stage in STAGES:  # every stage ran for a PDF, DOCX and HTML
        assert isinstance(result[stage], float) and result[stage] > 0, stage
    assert result["total"] < 60
    assert sorted(p.name for p in out.iterdir()) == [
        "laporan.docx",
        "laporan.html",
        "laporan.md",
        "laporan.pdf",
    ], "no temporary files or figure folders next to the outputs"


@pytest.mark.slow
def test_pdf_text_numbers_and_references(rendered):
    out, _ = rendered
    from pypdf import PdfReader

    reader = PdfReader(out / "laporan.pdf")
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = _pdf_text(out / "laporan.pdf")
    flat = _squash(text)
    for expected in (
        "Daftar Isi",
        "Dinas Dukcapil",
        "110 orang",
        "80,89",
        "Gambar 3.1",
        "Tabel 3.1",
        "Tabel 3.2",
        "Tabel L5.1",
        "Dinas Kependudukan dan Pencatatan Sipil",
    ):
        assert _squash(expected) in flat, expected
    # Table caption above its table, figure caption below (after the axis labels).
    assert flat.index("Tabel3.1Karakteristikresponden") < flat.index("Jeniskelamin")
    # what is left: the data's "@fig-nilai" (twice) and the code, code block and e-mail address
    assert (
        sorted(re.findall(r"@(?:fig|tbl)-[\w-]+", text))
        == ["@fig-nilai"] * 2 + ["@tbl-rencana"] * 3
    )
    # The cover page has no page number; the outline page is "i".
    first, second = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    assert not re.search(r"^\s*(i|1)\s*$", first, re.MULTILINE)
    assert re.search(r"^\s*i\s*$", second, re.MULTILINE)


@pytest.mark.slow
def test_markdown_intermediate_leaves_numbering_to_pandoc(rendered):
    out, _ = rendered
    md = (out / "laporan.md").read_text(encoding="utf-8")
    assert ": Karakteristik responden {#tbl-karakteristik}" in md
    assert "![Nilai rata-rata per unsur pelayanan](" in md
    assert "pada @tbl-lampiran." in md and "Tabel" not in md.split("---")[2]
    assert "Text(0" not in md  # the last expression of a figure cell is not printed


@pytest.mark.slow
def test_figures_and_tables_are_numbered_per_chapter_and_referenced(rendered):
    out, _ = rendered
    raw = (out / "laporan.html").read_text(encoding="utf-8")
    body = raw[raw.index("<main") :]
    text = re.sub(r"\s+", " ", "".join(_html(out / "laporan.html").text))
    # captions: per BAB chapter, "L" per Lampiran (also a level-2 heading under # LAMPIRAN),
    # plain under any other heading; tables printed by one cell with ": Caption {#tbl-x}"
    for caption in (
        "Tabel 3.1 Karakteristik responden",
        "Gambar 3.1 Nilai rata-rata per unsur pelayanan",
        "Tabel 3.2 Saran dan masukan responden",
        "Tabel L5.1 Nilai per unsur",
        "Tabel 1 Ringkasan penutup",
        "Tabel L6.1 Ringkasan hasil",
        "Tabel L6.2 Rencana",
        "Gambar L6.1 Grafik garis",
        "Gambar L6.2 Grafik garis turun",
    ):
        assert caption in text, caption
    links = re.findall(r'<a href="(#[^"]+)">([^<]*)</a>', re.sub(r"\s+", " ", body))
    for link in (
        ("#tbl-karakteristik", "Tabel 3.1"),
        ("#fig-nilai", "Gambar 3.1"),
        ("#tbl-saran", "Tabel 3.2"),  # written [@tbl-saran]
        ("#tbl-lampiran", "Tabel L5.1"),
        ("#tbl-rencana", "Tabel L6.2"),
        ("#tbl-ringkasan", "Tabel L6.1"),
        ("#fig-garis", "Gambar L6.1"),
    ):
        assert link in links, link
    for anchor in ("tbl-karakteristik", "fig-nilai", "tbl-rencana", "fig-garis"):
        assert f'id="{anchor}"' in body, anchor
    # not references: code, a code block, an e-mail address, and text from data
    assert "<code>@tbl-rencana</code>" in body and "@tbl-rencana dalam blok kode" in body
    assert "kami@tbl-rencana.id" in text
    assert not [href for href, label in links if label.startswith("@")]
    # alt texts: fig-alt with its reference as text; without fig-alt, the numbered caption
    alts = [a.get("alt") for tag, a in _html(out / "laporan.html").tags if tag == "img"]
    assert "Gambar L6.1 Grafik garis" in alts
    assert "Garis yang turun, kebalikan Gambar L6.1" in alts


@pytest.mark.slow
def test_shortcodes_in_code_and_escaped_stay_literal(rendered):
    out, _ = rendered
    raw = (out / "laporan.html").read_text(encoding="utf-8")
    assert "Teks <code>{{&lt; pagebreak &gt;}}</code> dan {{&lt; pagebreak &gt;}}" in raw


@pytest.mark.slow
def test_html_is_self_contained_and_accessible(rendered):
    out, _ = rendered
    raw = (out / "laporan.html").read_text(encoding="utf-8")
    assert '<html lang="id-ID"' in raw
    assert "http://" not in raw and "https://" not in raw
    parser = _html(out / "laporan.html")
    urls = [v for _, attrs in parser.tags for k, v in attrs.items() if k in ("src", "href")]
    urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", raw)
    assert urls, "expected some links/images"
    for url in urls:
        assert url.startswith(("#", "data:")), url
    assert not any(tag == "script" for tag, _ in parser.tags)
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert len(images) == 4  # logo + three figures
    assert all(a.get("alt") for a in images)
    assert any(a["alt"].startswith("Diagram batang nilai rata-rata") for a in images)
    text = "".join(parser.text)
    assert "Daftar Isi" in text and "Gambar 3.1" in text and "Tabel L5.1" in text
    assert any(tag == "div" and a.get("class") == "table-wrap" for tag, a in parser.tags)


@pytest.mark.slow
def test_docx_a4_toc_alt_text_and_page_break(rendered):
    import docx

    out, _ = rendered
    document = docx.Document(str(out / "laporan.docx"))
    section = document.sections[0]
    assert abs(section.page_width.mm - 210) < 0.5
    assert abs(section.page_height.mm - 297) < 0.5
    xml = zipfile.ZipFile(out / "laporan.docx").read("word/document.xml").decode("utf-8")
    text = _docx_text(out / "laporan.docx")
    assert "Daftar Isi" in text
    assert "Gambar 3.1" in text and "Tabel 3.1" in text and "Tabel L5.1" in text
    assert re.search(r'<wp:docPr [^>]*descr="Diagram batang nilai rata-rata', xml)
    assert '<w:br w:type="page"/>' in xml or '<w:br w:type="page" />' in xml
    assert "TOC \\o" in xml  # a real Word table of contents field


@pytest.mark.slow
def test_hostile_text_is_literal_everywhere(rendered):
    out, result = rendered
    html_text = _squash("".join(_html(out / "laporan.html").text))
    docx_text = _squash(_docx_text(out / "laporan.docx"))
    pdf_text = _squash(_pdf_text(out / "laporan.pdf"))
    for part in HOSTILE_PARTS:
        for name, text in (("html", html_text), ("docx", docx_text), ("pdf", pdf_text)):
            assert text.count(_squash(part)) >= 2, (name, part)  # asis cell + inline value
    for name, text in (("html", html_text), ("docx", docx_text)):
        assert EMOJI in text and ARABIC in text and CHINESE in text, name
    # PDF: Arabic is covered by the shipped fonts; emoji and CJK are not, and must not vanish
    # silently: each is drawn as a visible square and reported.
    assert ARABIC in pdf_text
    assert "□" in pdf_text
    assert result["missing_glyphs"] == {"你": 2, "好": 2, "😀": 2}
    raw_html = (out / "laporan.html").read_text(encoding="utf-8")
    assert "<script>" not in raw_html and "&lt;script&gt;alert(1)" in raw_html


@pytest.mark.slow
def test_two_renders_are_byte_identical(rendered, workspace, tmp_path):
    out, _ = rendered
    _render(workspace, tmp_path / "again", formats=("html", "docx", "pdf"))
    for fmt in ("html", "docx", "pdf"):
        first = (out / f"laporan.{fmt}").read_bytes()
        second = (tmp_path / "again" / f"laporan.{fmt}").read_bytes()
        assert first == second, fmt


@pytest.mark.slow
def test_unresolved_reference_fails_and_writes_nothing(tmp_path):
    target = tmp_path / "x.pdf"
    with pytest.raises(RenderError, match="@fig-missing"):
        render_qmd(
            FIXTURES / "unresolved.qmd",
            {"pdf": target, "html": tmp_path / "x.html"},
            {},
            source_date_epoch=EPOCH,
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cells_run_in_order_and_stop_at_the_first_error(tmp_path):
    """All cells of a notebook run in one kernel request (skm.render.kernel.DRIVER_CODE): each
    keeps its own outputs and execution count, and no cell after a failing one runs."""
    from skm.render import KernelSession
    from skm.render.kernel import SETUP_CODE, Exec

    after = tmp_path / "ran-after-the-error"
    cells = [
        Exec("setup", SETUP_CODE),
        Exec("code", "print('satu')"),
        Exec("code", "print('dua'); 2 + 2"),
        Exec("code", "raise ValueError('rusak')"),
        Exec("code", f"open({str(after)!r}, 'w').close()"),
    ]
    with KernelSession(tmp_path, EPOCH) as kernel, pytest.raises(RenderError, match="rusak"):
        kernel.run(cells, tmp_path, EPOCH, tmp_path / "x.qmd")
    assert [o["text"] for o in cells[1].outputs] == ["satu\n"]
    assert cells[2].outputs[0]["text"] == "dua\n"
    assert cells[2].outputs[1]["data"]["text/plain"] == "4"
    assert [c.execution_count for c in cells[:4]] == [1, 2, 3, 4]
    assert cells[3].outputs[0]["output_type"] == "error"
    assert not after.exists() and cells[4].outputs == []


@pytest.mark.slow
def test_cell_error_names_the_source_line(tmp_path):
    qmd = tmp_path / "broken.qmd"
    qmd.write_text(
        "---\ntitle: Rusak\n---\n\n# BAB I A\n\n"
        "```{python}\n#| label: tbl-x\nnilai = {}\n\nnilai['U1']\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(RenderError) as info:
        render_qmd(qmd, {"md": tmp_path / "out.md"}, {}, source_date_epoch=EPOCH)
    message = str(info.value)
    assert f"{qmd}:11" in message
    assert "nilai['U1']" in message and "KeyError" in message
    assert "Traceback" not in message and "\x1b[" not in message
    assert len(message.splitlines()) < 8
    assert not (tmp_path / "out.md").exists()


# --------------------------------------------------------------------------- unit tests


def _pandoc_ast(markdown_text: str) -> dict:
    out = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown-citations", "-t", "json"],
        input=markdown_text,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _walk(node):
    """Every dict in a pandoc JSON tree, depth first, in document order."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _inline_text(inlines: list[dict]) -> str:
    parts = []
    for node in inlines:
        kind = node["t"]
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Space", "SoftBreak"):
            parts.append(" ")
        elif kind == "LineBreak":
            parts.append("\n")
        else:
            parts.append(f"<{kind}>")
    return "".join(parts)


@pytest.mark.parametrize(
    "text",
    HOSTILE_PARTS
    + [
        HOSTILE,
        "1. bukan daftar",
        "- bukan butir",
        "# bukan judul",
        "> bukan kutipan",
        "| a | b |",
        "$x^2$ ~sub~ ^sup^ ~~coret~~",
        "<!-- komentar -->",
        "`kode`{=typst}",
        ":::: {.div}",
        "[^1] catatan",
        "&amp; &lt;",
        "http://contoh.go.id <https://contoh.go.id>",
        'Jum\'at "kutip" -- --- ...',
        "a\\b\\\\c\\",
    ],
)
def test_escape_is_literal_in_pandoc(text):
    blocks = _pandoc_ast(escape(text))["blocks"]
    assert len(blocks) == 1 and blocks[0]["t"] == "Para", blocks
    assert _inline_text(blocks[0]["c"]) == " ".join(text.split(" ")).strip()


def test_escape_newlines_controls_and_size():
    assert escape("a\nb") == "a\\\nb"
    assert escape("a\n\n  b\n") == "a\\\n\\\nb"
    assert escape("a\r\nb", newlines="space") == "a b"
    assert escape(None) == "" and escape(3.5) == "3\\.5"
    assert escape("x\x00y\x1bz") == "xyz"  # controls are removed (and counted)
    blocks = _pandoc_ast(escape("baris satu\n\n    kode?\n- butir"))["blocks"]
    assert [b["t"] for b in blocks] == ["Para"]
    assert _inline_text(blocks[0]["c"]) == "baris satu\n\nkode?\n- butir"
    big = ("Pelayanan 😀 مرحبا 你好 <b>*x*</b> {{< y >}} #z\n" * 2500)[:100_000]
    blocks = _pandoc_ast(escape(big))["blocks"]
    assert len(blocks) == 1
    assert _inline_text(blocks[0]["c"]).replace("\n", "") == big.replace("\n", "").rstrip()


def test_table_escapes_cells_and_sets_widths():
    md = table(
        [["a|b", Raw("**tebal**"), 3], ["<i>", "x\ny", 4.5]],
        headers=["Kolom *1*", "K2", "K3"],
        align="lcr",
        widths=[2, 1, 1],
    )
    blocks = _pandoc_ast(md)["blocks"]
    assert [b["t"] for b in blocks] == ["Table"]
    tbl = blocks[0]["c"]
    colspecs = tbl[2]
    assert [c[0]["t"] for c in colspecs] == ["AlignLeft", "AlignCenter", "AlignRight"]
    widths = [c[1]["c"] for c in colspecs]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.05)
    cells = [_inline_text(p["c"]) for p in _walk(tbl) if p.get("t") == "Plain"]
    assert cells == ["Kolom *1*", "K2", "K3", "a|b", "<Strong>", "3", "<i>", "x y", "4.5"]
    with pytest.raises(ValueError):
        table([[1, 2]], headers=["a"])
    raw = table([["**a**", escape("<b>")]], headers=["*H*", "K"], raw=True)
    cells = [_inline_text(p["c"]) for p in _walk(_pandoc_ast(raw)) if p.get("t") == "Plain"]
    assert cells == ["<Emph>", "K", "<Strong>", "<b>"]


def test_pagebreak_has_a_raw_block_per_format():
    blocks = _pandoc_ast(pagebreak())["blocks"]
    assert [(b["t"], b["c"][0]) for b in blocks] == [
        ("RawBlock", "openxml"),
        ("RawBlock", "typst"),
        ("RawBlock", "html"),
    ]


def test_parse_qmd_cells_options_and_lines():
    doc = parse_qmd(FIXTURES / "laporan_mini.qmd")
    assert doc.meta["title"] == "Laporan Survei Kepuasan Masyarakat"
    code = [c for c in doc.chunks if c.kind == "code"]
    assert code[0].options == {"tags": ["parameters"]}
    fig = next(c for c in code if c.options.get("label") == "fig-nilai")
    assert fig.options["fig-alt"].startswith("Diagram batang")
    assert fig.code.startswith("fig, ax = plt.subplots")
    source = (FIXTURES / "laporan_mini.qmd").read_text(encoding="utf-8").split("\n")
    assert source[fig.line - 1].startswith("#| label: fig-nilai")


def test_unsupported_shortcode_is_an_error(tmp_path):
    qmd = tmp_path / "x.qmd"
    qmd.write_text("---\ntitle: x\n---\n\nTeks\n\nA {{< include y.md >}}\n", encoding="utf-8")
    with pytest.raises(RenderError, match=f"{qmd}:7: unsupported shortcode"):
        render_qmd(qmd, {"md": tmp_path / "x.md"}, {}, source_date_epoch=EPOCH)


def test_font_coverage_reports_missing_glyphs():
    source, missing = replace_missing_glyphs("Pelayanan ☐ ✓ مرحبا 你 😀\u200d x")
    assert missing == {"你": 1, "😀": 1}
    assert "☐ ✓ مرحبا □ □\u200d x" in source


def test_docx_table_rows_are_kept_whole(tmp_path):
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=3, cols=2)
    table.rows[0]._tr.get_or_add_trPr()  # one row already has properties, two have none
    path = tmp_path / "t.docx"
    doc.save(path)
    before = [(i.filename, i.date_time, i.compress_type) for i in zipfile.ZipFile(path).infolist()]
    assert fix_docx_tables(path) == 3
    with zipfile.ZipFile(path) as z:
        assert [(i.filename, i.date_time, i.compress_type) for i in z.infolist()] == before
    rows = Document(path).tables[0].rows
    assert all(
        r._tr.trPr is not None
        and r._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit"
        )
        is not None
        for r in rows
    )


def test_typst_keeps_short_table_rows_whole_and_lets_tall_ones_break():
    tall = " ".join(["kata"] * 1500)  # far taller than a page in a half-width column
    md = f"| No | Isi |\n|---|---|\n| 1 | pendek |\n| 2 | {tall} |\n\n: Judul {{#tbl-x}}\n"
    out = subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "-f",
            "markdown-citations",
            "-t",
            "typst",
            "--lua-filter",
            str(TEMPLATES_DIR / "typst.lua"),
        ],
        input=md,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line for line in out.splitlines() if "[1]" in line or "[2]" in line]
    assert "table.cell(breakable: false)[1]" in rows[0]
    assert "table.cell(breakable: false)[pendek]" in rows[0]
    assert "breakable" not in rows[1]  # would be cut off at the page end if kept whole


def test_docx_tables_are_centred_and_followed_by_space(tmp_path):
    from docx import Document

    md = (
        "Sebelum tabel.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Judul {#tbl-x}\n\n"
        "Sesudah tabel.\n\n1. satu\n2. dua\n\nSesudah daftar.\n"
    )
    path = tmp_path / "t.docx"
    subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "-f",
            "markdown-citations",
            "-t",
            "docx",
            "-o",
            str(path),
            "--reference-doc",
            str(TEMPLATES_DIR / "reference.docx"),
        ],
        input=md,
        text=True,
        check=True,
    )
    fix_docx_tables(path)
    paragraphs = {p.text: p for p in Document(path).paragraphs}
    assert paragraphs["Sesudah tabel."].paragraph_format.space_before.pt == 8
    assert paragraphs["Sesudah daftar."].paragraph_format.space_before.pt == 8
    assert paragraphs["Sebelum tabel."].paragraph_format.space_before is None
    assert paragraphs["dua"].paragraph_format.space_before is None
    from docx.enum.table import WD_TABLE_ALIGNMENT

    assert Document(path).tables[0].alignment == WD_TABLE_ALIGNMENT.CENTER


# --------------------------------------------------------------------------- shared kernel


@pytest.mark.slow
def test_second_document_of_a_kernel_session_is_byte_identical(workspace, tmp_path, rendered):
    """render_laporan executes the Laporan and the infographic in one kernel: a document
    rendered after another in a KernelSession is the document rendered in a kernel of its own."""
    from skm.render import KernelSession

    own_out, _ = rendered
    with KernelSession(workspace, EPOCH) as kernel:
        for run in ("first", "second"):
            out = tmp_path / run
            out.mkdir()
            timings = render_qmd(
                workspace / "laporan_mini.qmd",
                {fmt: out / f"laporan.{fmt}" for fmt in ("html", "docx", "pdf")},
                PARAMS,
                source_date_epoch=EPOCH,
                kernel=kernel,
            )
    for fmt in ("html", "docx", "pdf"):
        own = (own_out / f"laporan.{fmt}").read_bytes()
        assert (tmp_path / "first" / f"laporan.{fmt}").read_bytes() == own, fmt
        assert (tmp_path / "second" / f"laporan.{fmt}").read_bytes() == own, fmt
    assert timings["kernel"] < 1.0  # the second one did not start a kernel


def test_kernel_session_gives_each_notebook_a_fresh_namespace(tmp_path):
    from skm.render import KernelSession
    from skm.render.kernel import SETUP_CODE, Exec

    def cells(code: str) -> list[Exec]:
        return [
            Exec("setup", SETUP_CODE),
            Exec("code", code),
            Exec("controls", "__skm_controls__()"),
        ]

    qmd = tmp_path / "x.qmd"
    with KernelSession(tmp_path, EPOCH) as kernel:
        first = cells("leak = 1\nfrom skm.report import markdown\nmarkdown.escape('a\\x00b')")
        kernel.run(first, tmp_path, EPOCH, qmd)
        second = cells("print('leak' in globals(), sorted(k for k in globals() if 'skm' in k))")
        kernel.run(second, tmp_path, EPOCH, qmd)
        with pytest.raises(RenderError, match="one folder and one SOURCE_DATE_EPOCH"):
            kernel.run(cells("1"), tmp_path / "elsewhere", EPOCH, qmd)
    printed = "".join(o.get("text", "") for o in second[1].outputs)
    assert printed == "False ['__skm_controls__', '__skm_inline__']\n"
    assert second[1].execution_count == first[1].execution_count == 2  # as in a fresh kernel
    removed = [
        o["data"]["application/vnd.skm.controls+json"]["removed"]
        for run in (first, second)
        for o in run[-1].outputs
        if "application/vnd.skm.controls+json" in o.get("data", {})
    ]
    assert removed == [1, 0]  # each notebook counts its own removed control characters


def test_pandoc_reads_the_markdown_once_and_writes_from_its_tree(tmp_path, monkeypatch):
    """One pandoc pass reads the markdown and runs crossref.lua into a JSON syntax tree; the
    HTML, DOCX and Typst writers read that tree (none reads the markdown or numbers again), and
    their outputs are those of a pass straight from the markdown."""
    from skm.render import pandoc

    calls = []
    real = pandoc._run_parallel

    def spy(jobs, cwd, env, result):
        calls.append({name: list(args) for name, args in jobs.items()})
        return real(jobs, cwd, env, result)

    monkeypatch.setattr(pandoc, "_run_parallel", spy)
    md = tmp_path / "document.md"
    md.write_text(
        '---\ntitle: "Uji"\n---\n\n# Bab {#sec-a}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
        ": Tabel uji {#tbl-a}\n\nLihat @tbl-a.\n",
        encoding="utf-8",
    )
    targets = {
        "html": tmp_path / "a.html",
        "docx": tmp_path / "a.docx",
        "typst": tmp_path / "a.typ",
    }
    result: dict = {}
    crossref = {"tbl-title": "Tabel"}  # the front matter's words reach the one crossref.lua pass
    pandoc.run_passes(md, md, tmp_path, targets, {}, crossref, {}, None, 0, result)
    assert [list(c) for c in calls] == [["read"], ["html", "docx", "typst"]]
    lua = str(TEMPLATES_DIR / "crossref.lua")
    assert lua in calls[0]["read"] and str(md) in calls[0]["read"]
    for args in calls[1].values():
        assert args[args.index("--from") + 1] == "json" and lua not in args
        assert str(md) not in args
    assert result["pandoc_read"] > 0 and "Tabel 1" in targets["html"].read_text(encoding="utf-8")
    direct = tmp_path / "direct.typ"
    writer = calls[1]["typst"]
    args = [writer[0], str(md), "--from", pandoc.PANDOC_FROM, *pandoc.crossref_args(crossref)]
    args += writer[writer.index("--resource-path") :]
    args[args.index("--output") + 1] = str(direct)
    subprocess.run(args, cwd=tmp_path, check=True, capture_output=True)
    assert direct.read_bytes() == targets["typst"].read_bytes()
