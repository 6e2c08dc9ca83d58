"""Hostile text: respondents' suggestions (saran) that look like code are shown, never run.

One real snakemake run (module fixture) renders the Laporan SKM of a fixture unit whose export
holds suggestions with <script> tags and HTML, Markdown, Quarto shortcodes and inline code,
raw Typst (#panic, #read), raw LaTeX, pandoc attributes and raw blocks, 100 KB of text, emoji
and non-Latin scripts, plus a rejected row whose answer is such text (Lampiran 6 shows it in a
table). In the rendered HTML, PDF and DOCX every suggestion appears literally; nothing is
interpreted (no tag, no include, no file read, no code run, no page set-up changed); nothing is
lost (a character no shipped font has is a visible square in the PDF, and section 4.4 counts
it). The paths to include are a canary file made for the test and /etc/passwd.
"""

from __future__ import annotations

import html
import html.parser
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

from conftest import HtmlText, copy_project, run_snakemake
from skm.render import MISSING_GLYPH, missing_glyphs, replace_missing_glyphs
from skm.scoring.tables import read_table
from test_ingest import GOOD, record, write_csv

pytestmark = pytest.mark.workflow

UNIT, YEAR = "hostil", 2024
CANARY_TEXT = "KANARI-RAHASIA-tidak-boleh-muncul"
#: One sentence repeated to 100 KB: every copy must arrive in every format.
SENTENCE = "Pelayanan perlu ditingkatkan agar antrean tidak panjang lagi. "
N_SENTENCES = 100_000 // len(SENTENCE) + 1
SCRIPTS = (
    "Terima kasih 😀👍🏽 👨‍👩‍👧 مرحبا بكم 你好世界 สวัสดีครับ नमस्ते Привет Καλημέρα ☐ ✓ café naïve"
)


def hostile_saran(canary: Path, pwned: Path) -> dict[str, str]:
    """name -> suggestion. `canary` must never be read, `pwned` never be written."""
    return {
        "script": '<script>alert("xss")</script><script src="https://contoh.invalid/x.js">'
        "</script>",
        "html": f'<img src=x onerror=alert(1)> <iframe src="file://{canary}"></iframe> '
        '<b>tebal</b> <a href="javascript:alert(1)">klik</a> &amp; &lt; '
        "<!-- komentar -->",
        "markdown": "**tebal** _miring_ ~~coret~~ `kode` [tautan](javascript:alert(1)) "
        f"![gambar]({canary}) <https://contoh.invalid> | a | b |\n"
        "# bukan judul\n- bukan butir\n1. bukan nomor\n> bukan kutipan\n"
        "    bukan blok kode\n---\n[^1]: bukan catatan kaki",
        "quarto": f"{{{{< include {canary} >}}}} {{{{< include /etc/passwd >}}}} "
        "{{< meta title >}} {{< pagebreak >}} {{</* pagebreak */>}}",
        "inline-code": f'`{{python}} open("{canary}").read()` '
        f'`{{python}} __import__("pathlib").Path("{pwned}").write_text("x")`',
        "typst": f'#panic("boom") #read("{canary}") #read("/etc/passwd") '
        f'#include "{canary}" #image("/etc/passwd") #set page(width: 1cm) '
        "#{ 1 / 0 } $x^2$ <label> @ref #pagebreak()",
        "typst-raw-block": '```{=typst}\n#panic("raw")\n```\n`#panic("inline")`{=typst}',
        "latex": f"\\input{{{canary}}} \\include{{/etc/passwd}} \\documentclass{{article}} "
        "$\\alpha$ \\newpage \\verb|x| %komentar",
        "pandoc": '[teks]{.merah custom-style="Heading 1"} `<b>x</b>`{=html} ::: {.ttd}\n'
        "{#id .kelas} ^[catatan] @fig-nrr [@tbl-unsur] \\@ \\\\ \\",
        "long": "AWAL-TEKS-PANJANG " + SENTENCE * N_SENTENCES + "AKHIR-TEKS-PANJANG",
        "scripts": SCRIPTS,
    }


#: The answer of a rejected row (shown in Lampiran 6's table, cut to 80 characters).
REJECTED_ANSWER = '<script>alert(2)</script> **x** #panic("tabel") {{< pagebreak >}}'


@dataclass
class Docs:
    """The rendered documents of the fixture unit."""

    root: Path
    saran: dict[str, str]
    canary: Path
    pwned: Path

    def path(self, ext: str) -> Path:
        return self.root / "reports" / UNIT / str(YEAR) / f"laporan-skm-{UNIT}-{YEAR}.{ext}"

    @cached_property
    def html_raw(self) -> str:
        return self.path("html").read_text(encoding="utf-8")

    @cached_property
    def html_parsed(self) -> HtmlText:
        parser = HtmlText()
        parser.feed(self.html_raw)
        return parser

    @cached_property
    def docx_xml(self) -> str:
        return zipfile.ZipFile(self.path("docx")).read("word/document.xml").decode("utf-8")

    @cached_property
    def pdf_pages(self) -> list:
        from pypdf import PdfReader

        return list(PdfReader(self.path("pdf")).pages)

    @cached_property
    def text(self) -> dict[str, str]:
        """Plain text of each format, white space removed (line breaks fall anywhere)."""
        docx = html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", self.docx_xml)))
        # Each page's text ends with its number (the footer): not part of the body text.
        pdf = "".join(
            re.sub(r"\n\s*(?:\d+|[ivxlcdm]+)\s*$", "\n", page.extract_text())
            for page in self.pdf_pages
        )
        return {
            "html": squash("".join(self.html_parsed.text)),
            "docx": squash(docx),
            "pdf": squash(pdf),
        }


def squash(text: str) -> str:
    """Without white space and zero-width characters (the PDF breaks long words in tables
    with zero-width spaces; a zero-width joiner draws nothing and is not extracted)."""
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff]+", "", text)


def expected(text: str, fmt: str) -> str:
    """What `text` must look like in `fmt` (squashed): the PDF draws a square for each
    character no shipped font has."""
    if fmt == "pdf":
        text = replace_missing_glyphs(text)[0]
    return squash(text)


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Docs:
    tmp = tmp_path_factory.mktemp("hostile")
    canary, pwned = tmp / "kanari.txt", tmp / "PWNED"
    canary.write_text(CANARY_TEXT + "\n", encoding="utf-8")
    saran = hostile_saran(canary, pwned)
    unit = tmp / "unit"
    (unit / str(YEAR)).mkdir(parents=True)
    (unit / "unit.yaml").write_text(
        "name: Dinas Uji Teks\npopulation: 40\ntimezone: WITA\n", encoding="utf-8"
    )
    (unit / str(YEAR) / "survei.yaml").write_text(
        "period:\n  start: 2024-01-01\n  end: 2024-06-30\n", encoding="utf-8"
    )
    rows = [
        record(f"{day:02d}/02/2024 9:00:00", saran=text)
        for day, text in enumerate(saran.values(), start=1)
    ]
    rows.append(record("20/02/2024 9:00:00", [REJECTED_ANSWER, *GOOD[1:]]))
    write_csv(unit / str(YEAR) / "Form Responses 1.csv", rows)
    root = copy_project(tmp / "p", units={UNIT: unit}, sample=False)
    run_snakemake(root)
    return Docs(root, saran, canary, pwned)


# --------------------------------------------------------------------------- literal


SARAN_NAMES = list(hostile_saran(Path("/c"), Path("/p")))


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
@pytest.mark.parametrize("name", SARAN_NAMES)
def test_every_suggestion_is_shown_literally(docs, name: str, fmt: str) -> None:
    text = docs.saran[name]
    if name == "long":  # checked copy by copy below
        text = text[:200]
    if fmt == "pdf" and name == "scripts":
        # PDF text comes out in visual order: right-to-left words are reversed. Word by word.
        for word in text.split():
            assert expected(word, fmt) in docs.text[fmt], word
        return
    assert expected(text, fmt) in docs.text[fmt], (name, fmt)


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_the_rejected_hostile_answer_is_literal_in_its_table(docs, fmt: str) -> None:
    assert expected(REJECTED_ANSWER, fmt) in docs.text[fmt]


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_100_kb_arrive_complete(docs, fmt: str) -> None:
    text = docs.text[fmt]
    start, end = text.index("AWAL-TEKS-PANJANG"), text.index("AKHIR-TEKS-PANJANG")
    assert text[start:end].count(squash(SENTENCE)) == N_SENTENCES


# --------------------------------------------------------------------------- not interpreted


def test_nothing_is_included_read_or_run(docs) -> None:
    passwd = Path("/etc/passwd")
    secrets = [CANARY_TEXT]
    if passwd.is_file():
        secrets += [line for line in passwd.read_text(errors="replace").splitlines()[:3] if line]
    blobs = {"html": docs.html_raw, "docx": docs.docx_xml, **docs.text}
    for name, blob in blobs.items():
        for secret in secrets:
            assert squash(secret) not in squash(blob), (name, secret)
    assert not docs.pwned.exists(), "an inline {python} expression in data was executed"


def test_html_has_no_injected_markup(docs) -> None:
    tags = docs.html_parsed.tags
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed")]
    for tag, attrs in tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src"):
            assert not str(attrs.get(key, "")).lower().startswith(("javascript:", "file:")), attrs
    headings = [t for t, _ in tags if re.fullmatch(r"h[1-6]", t)]
    text_of_headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", docs.html_raw, re.DOTALL)
    assert len(headings) == len(text_of_headings)
    assert not [h for h in text_of_headings if "bukan judul" in h or "teks" in h.lower()]
    raw = docs.html_raw
    assert "&lt;script&gt;alert(&quot;xss&quot;)" in raw or '&lt;script&gt;alert("xss")' in raw
    assert "<b>tebal</b>" not in raw


def test_docx_has_no_injected_structure(docs) -> None:
    xml = docs.docx_xml
    paragraphs = [
        p
        for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.DOTALL)
        if "bukan judul" in p or "[teks]{.merah" in p
    ]
    # two hostile saran, each printed in 4.1 (matching no theme) and in Lampiran 5
    assert len(paragraphs) == 4
    for para in paragraphs:
        style = re.search(r'<w:pStyle w:val="([^"]+)"', para)
        assert style is None or not style.group(1).startswith("Heading"), para[:300]
    assert "javascript:" not in zipfile.ZipFile(docs.path("docx")).read(
        "word/_rels/document.xml.rels"
    ).decode("utf-8")


def test_pdf_page_setup_is_untouched(docs) -> None:
    for page in docs.pdf_pages:
        width, height = (round(float(x)) for x in page.mediabox.upper_right)
        assert (width, height) == (595, 842)  # A4: '#set page(width: 1cm)' stayed text


# --------------------------------------------------------------------------- nothing lost


def test_missing_glyphs_are_visible_in_the_pdf_and_counted_in_4_4(docs) -> None:
    missing = missing_glyphs(SCRIPTS)
    assert {"你", "😀", "ส"} <= set(missing) and "م" not in missing and "П" not in missing
    pdf, html_text, docx = docs.text["pdf"], docs.text["html"], docs.text["docx"]
    assert MISSING_GLYPH in pdf and "مرحبا" in pdf and "Привет" in pdf and "Καλημέρα" in pdf
    assert "你" not in pdf and "😀" not in pdf
    for text in (html_text, docx):
        assert squash(SCRIPTS) in text  # HTML and DOCX keep every character
    total = sum(missing.values())
    sentence = (
        f"Sebanyak {total} karakter dalam isian responden tidak tersedia pada huruf "
        f"(font) dokumen PDF dan di sana ditampilkan sebagai {MISSING_GLYPH}"
    )
    first = next(iter(missing))
    for fmt, text in docs.text.items():
        assert squash(sentence) in text, fmt
        assert squash(f"(U+{ord(first):04X}, {missing[first]} kali)") in text, fmt
        start = text.rindex("4.4AnalisisTambahan")  # the heading, after the table of contents
        section = text[start : text.index("BABV", start)]
        assert squash(sentence) in section, fmt
    log = (docs.root / "logs" / UNIT / str(YEAR) / "render_laporan.log").read_text(encoding="utf-8")
    assert "Karakter yang tidak ada di font" in log


def test_render_log_has_no_error(docs) -> None:
    log = (docs.root / "logs" / UNIT / str(YEAR) / "render_laporan.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "RenderError" not in log


# --------------------------------------------------------------------------- figures


def test_figure_labels_from_data_are_literal(tmp_path) -> None:
    from skm.report.figures import fig_responden, save

    ikm = {
        "demografi": {
            "pekerjaan": {
                "n": 2,
                "categories": [
                    {"label": "PNS", "count": 1, "display_pct": "50", "matched": True},
                    {
                        "label": "Lainnya: $\\foo$ honor",
                        "count": 1,
                        "display_pct": "50",
                        "matched": False,
                    },
                ],
            }
        }
    }
    save(fig_responden(ikm, "pekerjaan"), tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 0


def test_ingest_keeps_every_suggestion_as_written(docs) -> None:
    import json

    processed = docs.root / "data" / "processed" / UNIT / str(YEAR)
    quality = json.loads((processed / "quality.json").read_text(encoding="utf-8"))
    assert (quality["n_valid"], quality["n_rejected"], quality["saran_redacted"]) == (
        len(docs.saran),
        1,
        0,
    )
    saran = read_table(processed / "responses.csv", dtype=str, keep_default_na=False)["saran"]
    assert saran.tolist() == list(docs.saran.values())
