"""The DOCX a unit edits and signs, the HTML read on a phone, and the figures both show.

Read from the session's `pipeline` run (tests/conftest.py): the DOCX XML as Word and
LibreOffice read it, the HTML laid out by headless Chromium at 390 px and 1280 px, the figures
redrawn from the run's own ikm.json and settings.json.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from matplotlib.text import Text

from skm.render import parse_qmd
from skm.report import figures

pytestmark = pytest.mark.workflow

ROOT = Path(__file__).resolve().parents[1]
UNIT = "biro-umum"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --------------------------------------------------------------------------- helpers


def _docx(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {
            n: z.read(n).decode("utf-8")
            for n in ("word/document.xml", "word/styles.xml", "word/settings.xml")
        }


def _laporan(pipeline) -> Path:
    return pipeline.reports(UNIT, 2023) / f"laporan-skm-{UNIT}-2023"


def _tindak_lanjut(pipeline) -> Path:
    return pipeline.reports(UNIT, 2022) / f"laporan-tindak-lanjut-{UNIT}-2022"


def _paragraphs(xml: str) -> list[str]:
    return re.findall(r"<w:p\b(?:(?!</w:p>).)*?</w:p>|<w:p\b[^>]*/>", xml, re.DOTALL)


def _style_of(para: str) -> str | None:
    m = re.search(r'<w:pStyle w:val="([^"]+)"', para)
    return m.group(1) if m else None


def _text(xml: str) -> str:
    import html

    return html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def _style_props(styles: str, style_id: str) -> dict[str, str]:
    """jc, ind left and pageBreakBefore of a paragraph style, following basedOn."""
    props: dict[str, str] = {}
    while style_id:
        m = re.search(
            r'<w:style\b[^>]*w:styleId="' + re.escape(style_id) + r'"[^>]*>(.*?)</w:style>',
            styles,
            re.DOTALL,
        )
        if not m:
            break
        body = m.group(1)
        jc = re.search(r'<w:jc w:val="([^"]+)"', body)
        ind = re.search(r'<w:ind [^>]*w:(?:left|start)="(\d+)"', body)
        props.setdefault("jc", jc.group(1) if jc else None)
        props.setdefault("ind", ind.group(1) if ind else None)
        if "<w:pageBreakBefore" in body:
            props.setdefault("break", "1")
        based = re.search(r'<w:basedOn w:val="([^"]+)"', body)
        style_id = based.group(1) if based else ""
    return {k: v for k, v in props.items() if v is not None}


def _text_width_twips(document: str) -> int:
    size = re.search(r"<w:pgSz [^>]*>", document).group(0)
    margins = re.search(r"<w:pgMar [^>]*>", document).group(0)

    def twips(tag: str, name: str) -> int:
        return int(re.search(f'w:{name}="(\\d+)"', tag).group(1))

    return twips(size, "w") - twips(margins, "left") - twips(margins, "right")


# --------------------------------------------------------------------------- DOCX


@pytest.mark.parametrize("which", [_laporan, _tindak_lanjut], ids=["laporan", "tindak-lanjut"])
def test_signature_lines_are_left_aligned_paragraphs_in_the_right_half(pipeline, which):
    xml = _docx(which(pipeline).with_suffix(".docx"))
    document, styles = xml["word/document.xml"], xml["word/styles.xml"]
    signature = [p for p in _paragraphs(document) if "Hasliana" in _text(p)]
    assert len(signature) == 1, "the signatory's name is in exactly one paragraph"
    style = _style_of(signature[0])
    block = [p for p in _paragraphs(document) if _style_of(p) == style]
    texts = [_text(p) for p in block if _text(p).strip()]
    assert texts[0].startswith("Samarinda")
    assert any(t.startswith("Kepala Biro Umum") for t in texts)
    assert texts[-2:] == ["Ir. Hj. Lisa Hasliana, M.Si.", "NIP 19670719 199303 2 006"]
    for para in block:  # one line per paragraph, never stretched
        assert not re.search(r"<w:br(?! w:type=\"page\")[^>]*/>", para), para
        assert not re.search(r'<w:jc w:val="(both|distribute)"', para)
    props = _style_props(styles, style)
    assert props.get("jc") in ("left", "start"), props
    assert int(props.get("ind", 0)) >= _text_width_twips(document) // 2 - 10, props


def _toc_result(document: str) -> tuple[str, str]:
    """(instruction, cached result XML) of the TOC field."""
    m = re.search(
        r'<w:fldChar w:fldCharType="begin"[^>]*/></w:r><w:r><w:instrText[^>]*>'
        r"(TOC [^<]*)</w:instrText>",
        document,
    )
    assert m, "the document has a TOC field"
    rest = document[m.end() :]
    sep = rest.index('w:fldCharType="separate"')
    depth, pos, end = 0, sep, None
    for f in re.finditer(r'w:fldCharType="(begin|end)"', rest[sep:]):
        depth += 1 if f.group(1) == "begin" else -1
        if depth < 0:
            end = sep + f.start()
            break
    assert end is not None
    return m.group(1), rest[pos:end]


def _headings(document: str, depth: int) -> list[tuple[str, str]]:
    """(bookmark, text) of the body's headings down to `depth`, in order."""
    found = []
    for m in re.finditer(
        r'<w:bookmarkStart w:id="[^"]*" w:name="([^"]+)" */>\s*'
        r'(<w:p><w:pPr><w:pStyle w:val="Heading(\d)" */>.*?</w:p>)',
        document,
        re.DOTALL,
    ):
        if int(m.group(3)) <= depth:
            found.append((m.group(1), _text(m.group(2)).strip()))
    return found


def test_daftar_isi_lists_every_heading_as_a_link_with_its_page_field(pipeline):
    path = _laporan(pipeline).with_suffix(".docx")
    xml = _docx(path)
    document = xml["word/document.xml"]
    meta = parse_qmd(ROOT / "notebooks" / "laporan-skm.qmd").meta
    depth = int(meta.get("toc-depth", 2))
    instr, result = _toc_result(document)
    import html

    assert f'\\o "1-{depth}"' in html.unescape(instr)
    entries = re.findall(
        r'<w:hyperlink w:anchor="([^"]+)"[^>]*>(.*?)</w:hyperlink>', result, re.DOTALL
    )
    headings = _headings(document, depth)
    assert len(headings) >= 20
    assert [(a, _text(body).strip()) for a, body in entries] == headings
    for anchor, body in entries:
        assert re.search(
            r"<w:instrText[^>]*> PAGEREF " + re.escape(anchor) + r" \\h </w:instrText>", body
        ), anchor
    assert '<w:updateFields w:val="true"' in xml["word/settings.xml"]
    assert 'w:fldCharType="begin" w:dirty="true"' in document
    note = _text(document[document.index("TOCHeading") : document.index(entries[0][0])])
    assert "F9" in note and "Alat › Perbarui" in note


def test_no_empty_page_after_the_cover_and_cover_in_the_pdf_order(pipeline):
    base = _laporan(pipeline)
    xml = _docx(base.with_suffix(".docx"))
    document, styles = xml["word/document.xml"], xml["word/styles.xml"]
    body = document[document.index("<w:body>") :]
    # No explicit page break directly before a paragraph that breaks by its style.
    items = re.findall(r"<w:p\b(?:(?!</w:p>).)*?</w:p>|<w:p\b[^>]*/>", body, re.DOTALL)
    for before, after in itertools.pairwise(items):
        if re.search(r'<w:br w:type="page" */>', before) and not _text(before).strip():
            style = _style_of(after)
            assert not (style and _style_props(styles, style).get("break")), (
                f"explicit page break before {style}: {_text(after)[:60]}"
            )
    # The cover comes first, then the daftar isi (which starts its own page), nothing between.
    cover_end = body.index("<w:sdt>")
    cover = [p for p in _paragraphs(body[:cover_end]) if _text(p).strip()]
    lines = [_text(p).strip() for p in cover]
    assert lines[0] == "Pemerintah Provinsi Kalimantan Timur"
    assert "Laporan Survei Kepuasan Masyarakat" in lines
    assert "Periode 1 Februari 2023 – 30 April 2023" in lines and "Tahun 2023" in lines
    assert not any("2023 Tahun" in line for line in lines)  # period and year: separate lines
    assert not re.search(r'<w:br w:type="page"', body[:cover_end])
    pdf = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(base.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pdf_lines = [" ".join(line.split()) for line in pdf.splitlines() if line.strip()]
    assert [line for line in pdf_lines if line in lines] == lines  # same order as the PDF


def test_a_line_introducing_a_list_is_kept_with_it(pipeline):
    """A paragraph ending in ':' followed by a list keeps with the next paragraph (its style
    has keepNext), as typst.lua keeps it in the PDF."""
    for which in (_laporan, _tindak_lanjut):
        xml = _docx(which(pipeline).with_suffix(".docx"))
        document, styles = xml["word/document.xml"], xml["word/styles.xml"]
        paras = _paragraphs(document[document.index("<w:body>") :])
        intros = [
            (p, nxt)
            for p, nxt in itertools.pairwise(paras)
            if _text(p).strip().endswith(":") and "<w:numPr>" in nxt
        ]
        if which is _laporan:
            assert len(intros) >= 3, "4.1 and 4.4 introduce lists"
        for para, _ in intros:
            style = _style_of(para)
            body = re.search(
                r'<w:style\b[^>]*w:styleId="' + re.escape(style or "-") + r'"[^>]*>(.*?)</w:style>',
                styles,
                re.DOTALL,
            )
            kept = "<w:keepNext" in para or (body and "<w:keepNext" in body.group(1))
            assert kept, (style, _text(para))


# --------------------------------------------------------------------------- DOCX in LibreOffice


@pytest.fixture(scope="module")
def libreoffice_pdf(pipeline, tmp_path_factory) -> dict[str, Path]:
    """The session's two DOCX converted to PDF by headless LibreOffice Writer (as a unit's team
    opens them), in one soffice run with its own profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or not shutil.which("pdftotext"):
        message = (
            "LibreOffice Writer (soffice) and poppler-utils are needed: apt-get install "
            "libreoffice-writer-nogui poppler-utils"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # .ci/run installs them
        pytest.skip(message)
    out = tmp_path_factory.mktemp("libreoffice")
    docs = {
        "laporan": _laporan(pipeline).with_suffix(".docx"),
        "tindak-lanjut": _tindak_lanjut(pipeline).with_suffix(".docx"),
    }
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out / "pdf"),
            *[str(p) for p in docs.values()],
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    result = {k: out / "pdf" / (p.stem + ".pdf") for k, p in docs.items()}
    missing = [str(p) for p in result.values() if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout}{proc.stderr}"
    return result


def _pdf_pages(pdf: Path, layout: bool = False) -> list[str]:
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _words(pdf: Path, page: int) -> tuple[float, list[tuple[float, str]]]:
    """(page width, [(xMin, word)]) of one page, from pdftotext -bbox."""
    import html

    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    return width, [
        (float(x), html.unescape(w))
        for x, w in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', out)
    ]


def test_docx_in_libreoffice_cover_daftar_isi_and_no_empty_page(libreoffice_pdf):
    pages = _pdf_pages(libreoffice_pdf["laporan"])
    assert len(pages) >= 10
    cover = " ".join(pages[0].split())
    assert "Laporan Survei Kepuasan Masyarakat" in cover and "Tahun 2023" in cover
    for later in ("Daftar Isi", "RINGKASAN", "BAB I", "Nomor halaman"):  # page 1: the cover only
        assert later not in cover, later
    toc = [" ".join(line.split()) for line in pages[1].splitlines() if line.strip()]
    assert toc[0] == "Daftar Isi"
    entries = [re.sub(r"\.{3,}.*$", "", line).strip() for line in toc if "..." in line]
    for heading in (
        "RINGKASAN",
        "BAB I PENDAHULUAN",
        "2.4 Waktu Pelaksanaan SKM",
        "BAB V KESIMPULAN",
        "Lampiran 7. Catatan Reprodusibilitas",
    ):
        assert heading in entries, (heading, entries)
    for name, pdf in libreoffice_pdf.items():
        for number, page in enumerate(_pdf_pages(pdf), 1):
            words = [w for w in page.split() if not w.isdigit()]
            assert len(words) >= 5, f"{name}: page {number} is (nearly) empty: {page!r}"


@pytest.mark.parametrize("which", ["laporan", "tindak-lanjut"])
def test_docx_in_libreoffice_signature_right_of_centre_not_stretched(libreoffice_pdf, which):
    pdf = libreoffice_pdf[which]
    layout = _pdf_pages(pdf, layout=True)
    number = next(i for i, page in enumerate(layout, 1) if "Hasliana" in page)
    lines = [line for line in layout[number - 1].splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Samarinda,"))
    end = next(i for i, line in enumerate(lines) if line.strip().startswith("NIP "))
    block = lines[start : end + 1]
    assert 4 <= len(block) <= 7 and any("Hasliana" in line for line in block), block
    for line in block:  # each line as typed: one space between words, never justified
        assert "  " not in line.strip(), f"stretched signature line: {line!r}"
    assert re.fullmatch(r"Samarinda, \d{1,2} \w+ \d{4}", block[0].strip()), block[0]
    width, words = _words(pdf, number)
    firsts = {w: x for x, w in reversed(words)}  # each word's first occurrence
    for word in ("Samarinda,", "Kepala", "Ir.", "NIP"):
        xs = [x for x, w in words if w == word]
        assert xs and max(xs) >= width / 2 - 1, (word, xs, width)  # starts right of centre
    assert firsts["Samarinda,"] == pytest.approx(firsts["Ir."], abs=1)  # one left edge


# --------------------------------------------------------------------------- figures


@pytest.fixture(scope="module")
def run_data(pipeline):
    folder = pipeline.processed(UNIT, 2023)
    ikm = json.loads((folder / "ikm.json").read_text(encoding="utf-8"))
    settings = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    return folder, ikm, settings


def _crossed_labels(fig, line_x: float) -> list[str]:
    """Value labels (text on a box) whose extent the vertical line at `line_x` crosses."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    px = ax.transData.transform((line_x, 0))[0]
    crossed = []
    for text in ax.texts:
        if not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        patch = text.get_bbox_patch()
        if patch is not None:
            box = patch.get_window_extent(renderer)
        if box.x0 - 1 <= px <= box.x1 + 1:
            crossed.append(text.get_text())
    return crossed


@pytest.mark.parametrize("name", ["nrr", "layanan"])
def test_ikm_line_runs_through_no_value_label(run_data, name):
    _, ikm, _ = run_data
    if name == "nrr":
        fig, line_x = figures.fig_nrr_unsur(ikm), ikm["ikm"]
    else:
        fig, line_x = figures.fig_ikm_layanan(ikm), ikm["ikm_konversi"]
    assert _crossed_labels(fig, line_x) == []
    values = [t.get_text() for t in fig.axes[0].texts]
    assert len([v for v in values if "(" in v]) >= 4  # the labels are all still drawn


def test_answer_chart_names_each_unsur_level_4_by_its_own_label(run_data):
    _, ikm, settings = run_data
    fig = figures.fig_jawaban_unsur(ikm, None, settings["labels"])
    fig.draw_without_rendering()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(ticks) == 9
    for row, tick in zip(ikm["unsur"], ticks, strict=True):
        assert f"4 = {settings['labels'][row['code']][3]}" in " ".join(tick.split()), tick
    assert "4 = Gratis" in ticks[3]
    drawn = [t.get_text() for t in fig.findobj(Text)]
    assert not any("Sangat baik (4)" in t for t in drawn)


def test_svg_twins_are_deterministic_paths_without_date(run_data, tmp_path):
    folder, ikm, settings = run_data
    svgs = sorted((folder / "figures").glob("*.svg"))
    pngs = sorted((folder / "figures").glob("*.png"))
    assert [p.stem for p in svgs] == [p.stem for p in pngs] and len(svgs) >= 6
    assert (folder / "tren.svg").is_file()
    from skm.scoring.tables import read_responses

    responses = read_responses(folder / "responses.csv")
    figures.save_all(ikm, responses, tmp_path, settings["labels"])  # another process's salt
    for svg in svgs:
        data = svg.read_text(encoding="utf-8")
        assert "<text" not in data and "<dc:date" not in data, svg.name
        assert (tmp_path / svg.name).read_bytes() == svg.read_bytes(), svg.name


# --------------------------------------------------------------------------- HTML on a phone

CHECK = r"""
<script>
window.addEventListener('load', function () {
  var vw = document.documentElement.clientWidth, out = {vw: vw, bad: [], wraps: [],
      captions: [], figures: [], cues: 0};
  function scroller(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return p;
    }
    return null;
  }
  function visible(el) { return el && getComputedStyle(el).display !== 'none'
                                && el.getBoundingClientRect().height > 0; }
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 1 && !scroller(el))
      out.bad.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  });
  document.querySelectorAll('table').forEach(function (t) {
    var box = scroller(t), cap = t.querySelector('caption') ||
        document.getElementById(t.getAttribute('aria-labelledby') || '-');
    var scrolls = !!box && box.scrollWidth > box.clientWidth + 1, cue = false;
    for (var s = box ? box.previousElementSibling : null; s; s = s.previousElementSibling) {
      if (s.classList.contains('scroll-cue')) { cue = visible(s); break; }
      if (!s.classList.contains('table-caption')) break;
    }
    out.wraps.push({scrolls: scrolls, cue: cue});
    if (cap) {
      var r = cap.getBoundingClientRect();
      out.captions.push({text: cap.textContent.trim().slice(0, 40), whole: r.left >= -1 &&
                         r.right <= vw + 1 && !scroller(cap)});
    }
  });
  document.querySelectorAll('figure img').forEach(function (img) {
    var box = scroller(img), cue = img.closest('figure').querySelector('.scroll-cue');
    out.figures.push({svg: img.src.indexOf('data:image/svg+xml') === 0, alt: img.alt,
                      width: Math.round(img.getBoundingClientRect().width),
                      scrolls: !!box && box.scrollWidth > box.clientWidth + 1,
                      cue: visible(cue)});
  });
  out.cues = Array.prototype.filter.call(document.querySelectorAll('.scroll-cue'), visible).length;
  window.parent.postMessage(JSON.stringify(out), '*');
});
</script>
"""

HOST = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="page.html" style="border:0;width:{width}px;height:900px"></iframe>
<script>window.addEventListener('message', function (e) {{
  var p = document.createElement('pre'); p.id = 'skm-result'; p.textContent = e.data;
  document.body.appendChild(p); }});</script></body></html>"""


def _chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def layout(html_path: Path, width: int, tmp: Path) -> dict:
    """The page laid out by headless Chromium in a `width` px viewport (an iframe: the
    browser window itself cannot be narrower than 500 px), measured by CHECK."""
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    tmp.mkdir(parents=True, exist_ok=True)
    page = html_path.read_text(encoding="utf-8").replace("</body>", CHECK + "</body>")
    (tmp / "page.html").write_text(page, encoding="utf-8")
    (tmp / "host.html").write_text(HOST.format(width=width), encoding="utf-8")
    proc = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--window-size=1400,1000",
            "--virtual-time-budget=20000",
            "--dump-dom",
            (tmp / "host.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    m = re.search(r'<pre id="skm-result">(.*?)</pre>', proc.stdout, re.DOTALL)
    assert m, f"chromium gave no layout:\n{proc.stderr[-2000:]}"
    import html

    return json.loads(html.unescape(m.group(1)))


@pytest.fixture(scope="module")
def phone(pipeline, tmp_path_factory):
    return layout(_laporan(pipeline).with_suffix(".html"), 390, tmp_path_factory.mktemp("p390"))


def test_html_on_a_phone_scrolls_only_inside_scroll_boxes_with_a_cue(phone):
    assert phone["vw"] == 390
    assert phone["bad"] == []  # nothing widens the page
    assert len(phone["wraps"]) >= 10
    scrolling = [w for w in phone["wraps"] if w["scrolls"]]
    assert scrolling, "the sample has tables wider than a phone (Tabel 3.2, 4.1)"
    assert all(w["cue"] for w in scrolling), phone["wraps"]
    assert phone["captions"] and all(c["whole"] for c in phone["captions"]), phone["captions"]


def test_html_figures_are_svg_with_alt_text_readable_on_a_phone(phone):
    charts = [f for f in phone["figures"] if f["svg"]]
    assert len(charts) >= 7 and all(f["alt"] for f in charts)
    printed = round(16 / 2.54 * 96)  # 16 cm: the size its 7-8 pt text was drawn for
    for fig in charts:
        assert fig["width"] >= printed - 2, fig  # not shrunk to the screen (5 px text)
        assert fig["scrolls"] and fig["cue"], fig


def test_html_on_a_desktop_needs_no_cue(pipeline, tmp_path):
    wide = layout(_laporan(pipeline).with_suffix(".html"), 1280, tmp_path)
    assert wide["bad"] == [] and wide["cues"] == 0
    assert not any(w["scrolls"] for w in wide["wraps"])
    assert all(c["whole"] for c in wide["captions"])


# --------------------------------------------------------------------------- Lampiran 7


def test_lampiran_7_paths_copyable_all_inputs_listed_and_the_real_typst_version(pipeline):
    base = _laporan(pipeline)
    text = subprocess.run(
        ["pdftotext", str(base.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lampiran = text[text.rindex("Lampiran 7. Catatan Reprodusibilitas") :]
    paths_shown = [line for line in lampiran.splitlines() if "/" in line]
    assert any("biro-umum/" in re.sub("[\u200b-\u200d\u2060]", "", line) for line in paths_shown)
    assert not re.search("[\u200b-\u200d\u2060]", "".join(paths_shown)), (
        "paths carry zero-width spaces: a copied path would not open"
    )
    prov = json.loads((pipeline.processed(UNIT, 2023) / "provenance.json").read_text("utf-8"))
    paths = [i["path"] for i in prov["inputs"]]
    raw = ROOT / "data" / "raw" / UNIT
    for export in sorted((raw / "2022").glob("*.csv")):  # the trend recomputes 2022 from it
        assert f"data/raw/{UNIT}/2022/{export.name}" in paths
    for photo in sorted((raw / "2023" / "dokumentasi").glob("*.png")):
        assert f"data/raw/{UNIT}/2023/dokumentasi/{photo.name}" in paths
    for photo in sorted((raw / "2022" / "dokumentasi").glob("*.png")):  # Lampiran 4's evidence
        assert f"data/raw/{UNIT}/2022/dokumentasi/{photo.name}" in paths
    creator = subprocess.run(
        ["pdfinfo", str(base.with_suffix(".pdf"))], capture_output=True, text=True, check=True
    ).stdout
    made_by = re.search(r"Creator:\s+Typst (\S+)", creator).group(1)
    assert prov["versions"]["typst"] == made_by
    assert f"typst {made_by}" in " ".join(lampiran.split())
