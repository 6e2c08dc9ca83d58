"""Text from outside the code is inert in every document (issue 13: escaping, Typst root,
confined paths, project paths with spaces).

Property tests drive :mod:`skm.report.markdown` (the one escaping path) with random strings from a
hostile alphabet (Markdown, HTML, Typst, LaTeX, Quarto shortcodes, raw-format spans, full-width
forms, controls and bidi characters) and check the result through pandoc's own syntax tree and
each writer: the escaped text must parse as one paragraph of plain text (Str and Space nodes)
that reads back as the input, and the HTML, Typst (read back by pandoc's Typst reader) and DOCX
outputs must hold that text and nothing else. A pandoc Lua process (tests/pandoc_probe.lua)
serves every example, with the project's own Lua filters.
"""

from __future__ import annotations

import html.parser
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from skm.render import PANDOC_FROM, TEMPLATES_DIR
from skm.render.pandoc import pandoc_path
from skm.report import markdown as md

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- hostile alphabet

#: Characters every escaping rule must survive (single characters).
HOSTILE_CHARS = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r") + [
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u2029",  # no-break, ideographic space, separators
    "＃",
    "＊",
    "＜",
    "＞",
    "＄",
    "＠",
    "［",
    "］",
    "｛",
    "｝",
    "＼",
    "｀",
    "＿",
    "＝",  # full width
    "😀",
    "👨‍👩‍👧",
    "\u0301",
    "م",
    "你",
    "é",
    "ß",
    "Ω",
    "…",
    "–",
    "—",
    "’",
    "“",
    "\x00",
    "\x07",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9b",  # C0, DEL, C1
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",  # lone surrogates, non-characters
    "a",
    "Z",
    "0",
    "9",
    "x",
    "i",
    "v",
]

#: Multi-character tokens from each syntax the documents' formats know.
HOSTILE_TOKENS = [
    # Markdown / pandoc
    "**",
    "__",
    "~~",
    "```",
    "`x`",
    "[a](b)",
    "![i](/etc/passwd)",
    "<http://x>",
    "[^1]",
    "# ",
    "## ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "1) ",
    "i. ",
    "A. ",
    "(@) ",
    "> ",
    "    ",
    ": ",
    "| a | b |",
    "---",
    "===",
    "...",
    "--",
    "-?",
    "-1",
    "Mr. ",
    "'s",
    '"q"',
    "\\\n",
    "  \n",
    "[x]{.y}",
    '{#id .cls key="v"}',
    "`#panic()`{=typst}",
    "`<b>`{=html}",
    "{=openxml}",
    "```{=typst}\n",
    "::: {.x}\n",
    "\\",
    "\\\\",
    "&amp;",
    "&#x41;",
    "&lt;",
    "@fig-x",
    "@ref",
    # HTML
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">',
    "<img src=x onerror=y>",
    "<!--",
    "-->",
    "</p>",
    "<br>",
    "javascript:",
    # Typst
    '#read("/etc/passwd")',
    '#panic("x")',
    "#set page(width: 1cm)",
    "$x^2$",
    "$",
    "//",
    "/*",
    "*/",
    "<lbl>",
    "#{1/0}",
    "#let x = 1",
    "= ",
    "+ ",
    "~",
    "\\u{41}",
    # LaTeX
    "\\input{/etc/passwd}",
    "\\newpage",
    "\\verb|x|",
    "%",
    "$\\alpha$",
    "\\(",
    "\\[",
    # Quarto shortcodes
    "{{< include /etc/passwd >}}",
    "{{< meta title >}}",
    "{{< pagebreak >}}",
    "{{</* x */>}}",
    "`{python} 1`",
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_CHARS), st.sampled_from(HOSTILE_TOKENS), st.text(max_size=3)),
    max_size=24,
).map("".join)

# What escaping removes: C0 controls but tab and line breaks, DEL, C1, bidi controls, lone
# surrogates, U+FFFE/U+FFFF (independent of the module's own pattern).
_GONE = {
    *map(chr, range(0x09)),
    *map(chr, range(0x0B, 0x0D)),
    *map(chr, range(0x0E, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    *map(chr, range(0xD800, 0xE000)),
    "\ufffe",
    "\uffff",
}


def expected_lines(text: str) -> list[str]:
    """The lines a reader must see: removed characters gone, runs of spaces as one space, no
    white space (but U+00A0) at either end of a line."""
    kept = "".join(ch for ch in text if ch not in _GONE).replace("\t", " ")
    lines = [
        re.sub(r"^[^\S\u00a0]+|[^\S\u00a0]+$", "", re.sub(" +", " ", line))
        for line in re.split(r"\r\n|[\n\r\u2028\u2029]", kept)
    ]
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    while len(lines) > 1 and not lines[0]:
        lines.pop(0)
    return lines


def expected(text: str, newlines: str = "space") -> str:
    lines = expected_lines(text)
    if newlines == "space":
        return " ".join(line for line in lines if line)
    return "\n".join(lines)


# --------------------------------------------------------------------------- pandoc probe


class Probe:
    """One `pandoc lua` process answering a request per line (tests/pandoc_probe.lua)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.proc = subprocess.Popen(
            [pandoc_path(), "lua", str(HERE / "pandoc_probe.lua"), str(TEMPLATES_DIR)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, markdown: str, docx: bool = True) -> dict:
        req = {"markdown": markdown, "from": PANDOC_FROM}
        if docx:
            req["docx"] = str(self.tmp / "probe.docx")
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert "error" not in answer, answer.get("error")
        if docx:
            with zipfile.ZipFile(self.tmp / "probe.docx") as z:
                answer["document_xml"] = z.read("word/document.xml").decode("utf-8")
        return answer

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    p = Probe(tmp_path_factory.mktemp("probe"))
    yield p
    p.close()


def images_in(node) -> list:
    """The content of every Image node in a pandoc JSON syntax tree, in document order."""
    if isinstance(node, dict):
        found = [node["c"]] if node.get("t") == "Image" else []
        return found + [c for v in node.values() for c in images_in(v)]
    if isinstance(node, list):
        return [c for v in node for c in images_in(v)]
    return []


def inline_text(inlines: list[dict], breaks: bool) -> str:
    """The text of inlines that must be only Str, Space (and LineBreak when allowed)."""
    out = []
    for node in inlines:
        kind = node["t"]
        if kind == "Str":
            out.append(node["c"])
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "LineBreak" and breaks:
            out.append("\n")
        else:
            raise AssertionError(f"not plain text: {node}")
    return "".join(out)


def block_text(blocks: list[dict], breaks: bool) -> str:
    """The text of a document that must be nothing but one paragraph of plain text."""
    if not blocks:
        return ""
    assert len(blocks) == 1 and blocks[0]["t"] in ("Para", "Plain"), blocks
    return inline_text(blocks[0]["c"], breaks)


class HtmlProbe(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "br":
            self.parts.append("\x00")

    def handle_data(self, data):
        # Line ends in HTML source are white space (the writer wraps long lines)
        self.parts.append(data.replace("\n", " "))

    def handle_comment(self, data):
        raise AssertionError(f"HTML comment from data: {data!r}")


def html_text(source: str, allowed: set[str]) -> tuple[str, list]:
    p = HtmlProbe()
    p.feed(source)
    p.close()
    bad = [t for t in p.tags if t[0] not in allowed]
    assert not bad, bad
    text = re.sub(" ?\x00 ?", "\n", "".join(p.parts))
    return text, p.tags


def loose(text: str) -> str:
    """Runs of Unicode white space as one space (Typst reads U+3000 etc. as white space)."""
    return "\n".join(re.sub(r"[^\S\n\u00a0]+", " ", line).strip() for line in text.split("\n"))


def docx_text(xml: str) -> str:
    """Text of the body paragraphs of a DOCX's document.xml (w:br as a line break)."""
    body = xml.split("<w:body>", 1)[1]
    for forbidden in (
        "<w:hyperlink",
        "<w:drawing",
        "<w:instrText",
        "<w:fldSimple",
        "<w:object",
        "<w:altChunk",
        "r:id=",
    ):
        assert forbidden not in body, forbidden
    paras = re.findall(r"<w:p>.*?</w:p>|<w:p [^>]*>.*?</w:p>", body, re.DOTALL)
    texts = []
    for para in paras:
        tokens = re.findall(
            r"<w:t(?: [^>]*)?>(.*?)</w:t>|<w:(br|softHyphen|noBreakHyphen|tab) ?/>", para, re.DOTALL
        )
        special = {"br": "\n", "softHyphen": "\u00ad", "noBreakHyphen": "\u2011", "tab": "\t"}
        texts.append("".join(special[el] if el else t for t, el in tokens))
    import html as _html

    return _html.unescape("\n".join(t for t in texts if t))


# --------------------------------------------------------------------------- properties

PROPERTY = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(text=hostile_text, newlines=st.sampled_from(["space", "break"]))
# Found by CI: a wide space before a Typst marker at a line start (read back as a list).
@example(text="\u3000+", newlines="space")
@example(text="a\n\u2003- b\n\u3000= c\n\u20091. d", newlines="break")
def test_escape_is_one_literal_text_in_every_writer(probe, text, newlines):
    escaped = md.escape(text, newlines=newlines)
    want = expected(text, newlines)
    breaks = newlines == "break"
    answer = probe.ask(escaped)
    # pandoc's syntax tree: one paragraph of Str/Space (LineBreak) nodes, the input's text
    assert block_text(answer["ast"]["blocks"], breaks) == want
    # Typst: what pandoc's own Typst reader reads back from the writer's source
    assert loose(block_text(answer["typst_back"]["blocks"], breaks)) == loose(want)
    # HTML: nothing but <p> (and <br>), the text verbatim
    text_html, tags = html_text(answer["html"], {"p", "br"})
    assert text_html == want
    assert all(not attrs for _, attrs in tags)
    # DOCX: the body paragraph's runs hold the text; no link, field, image or object
    # (the DOCX writer drops a run of only soft hyphens, an invisible character)
    shy = str.maketrans("", "", "\u00ad")
    assert docx_text(answer["document_xml"]).translate(shy) == want.translate(shy)


def _typst_string_arg(source: str, name: str) -> str:
    """The value of the Typst string argument `name: "..."` in `source`."""
    m = re.search(name + r': "((?:[^"\\]|\\.)*)"', source)
    assert m, source
    return re.sub(r"\\(.)", r"\1", m.group(1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caption=hostile_text, alt=hostile_text)
def test_image_caption_and_alt_attribute_stay_literal(probe, caption, alt):
    """A photo caption (fig-alt attribute and figure caption) cannot leave its attribute."""
    source = md.image("foto/x.png", caption, alt=alt, width="70%")
    answer = probe.ask(source, docx=False)
    blocks = answer["ast"]["blocks"]
    assert len(blocks) == 1, blocks
    images = images_in(blocks)
    assert len(images) == 1, blocks
    (ident, classes, attrs), inlines, (src, _title) = images[0]
    assert src == "foto/x.png" and ident == "" and classes == []
    # (an attribute value has no white space, Unicode's too, at either end)
    assert attrs == [["fig-alt", expected(alt).strip()], ["width", "70%"]]
    assert inline_text(inlines, False) == expected(caption)
    # HTML alt: the fig-alt text (html.lua); the caption in <figcaption>; no other markup
    p = HtmlProbe()
    p.feed(answer["html"])
    assert {t for t, _ in p.tags} <= {"figure", "img", "figcaption", "p"}, p.tags
    img = dict(next(a for t, a in p.tags if t == "img"))
    assert img.get("alt", "") == expected(alt).strip() and img["src"] == "foto/x.png"
    if expected(alt).strip():  # Typst: the alt string argument of image() (typst.lua)
        assert _typst_string_arg(answer["typst"], "alt") == expected(alt).strip()


def _meta_text(value):
    if value["t"] == "MetaInlines":
        return inline_text(value["c"], False)
    if value["t"] == "MetaString":
        return value["c"]
    raise AssertionError(f"not plain text: {value}")


def _front_matter_read_back(probe, name, parent):
    """The front matter the renderer writes for this cover, as pandoc reads it back."""
    meta = md.metadata({"title": name, "cover": {"unit": name, "agency": parent, "n": 3}})
    answer = probe.ask(f"---\n{md.front_matter(meta)}---\n\nx\n", docx=False)
    return answer["ast"]["meta"]


# Words pandoc's YAML reader takes for another type when they stand plain (PyYAML writes
# y/n/1e3/0o17 plain: YAML 1.1 reads them as strings)
@pytest.mark.parametrize(
    "word", ["Y", "y", "N", "n", "yes", "On", "off", "true", "null", "~", "1e3", "0o17", "12"]
)
def test_front_matter_words_pandoc_reads_as_other_types_stay_text(probe, word):
    got = _front_matter_read_back(probe, word, word)
    assert _meta_text(got["title"]) == word
    assert _meta_text(got["cover"]["c"]["agency"]) == word
    assert _meta_text(got["cover"]["c"]["n"]) == "3"  # a number stays a number


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, parent=hostile_text)
def test_front_matter_from_data_is_literal(probe, name, parent):
    """unit.yaml name/parent reach the cover through the front matter as plain text."""
    got = _front_matter_read_back(probe, name, parent)
    for key, want in (("title", name),):
        if expected(want):
            assert _meta_text(got[key]) == expected(want)
    cover = got["cover"]["c"]
    if expected(name):
        assert _meta_text(cover["unit"]) == expected(name)
    if expected(parent):
        assert _meta_text(cover["agency"]) == expected(parent)


def test_controls_and_bidi_are_removed_and_counted():
    md.removed_controls(reset=True)
    text = "a\x00b\x1b[31mc\u202ed\u2066e\x85f\x9bg\ud800h\ufffei\tj"
    assert md.escape(text) == "ab\\[31mcdefghi j"
    assert md.removed_controls() == 8
    assert md.clean("x\u202ey") == "xy" and md.removed_controls(reset=True) == 9
    assert md.removed_controls() == 0


# --------------------------------------------------------------------------- end to end

CANARY_TEXT = "KANARI-RENDER-tidak-boleh-muncul"


class Rendered:
    """The documents of the hostile unit, rendered in a project folder whose path has a space
    and non-ASCII letters, and their text as pypdf, python-docx and an HTML parser read it."""

    def __init__(self, root: Path, unit, canary: Path) -> None:
        self.root, self.unit, self.canary = root, unit, canary
        from hostile_unit import UNIT, YEAR

        folder = root / "reports" / UNIT / str(YEAR)
        self.docs = {
            "laporan": {
                ext: folder / f"laporan-skm-{UNIT}-{YEAR}.{ext}" for ext in ("pdf", "docx", "html")
            },
            "tindak-lanjut": {
                ext: folder / f"laporan-tindak-lanjut-{UNIT}-{YEAR}.{ext}"
                for ext in ("pdf", "docx", "html")
            },
            "rekap": {
                ext: root / "reports" / "rekap" / str(YEAR) / f"rekap-ikm-{YEAR}.{ext}"
                for ext in ("pdf", "docx", "html")
            },
        }
        self._text: dict[tuple[str, str], str] = {}
        self._lines: dict[tuple[str, str], list[str]] = {}

    def pdf_lines(self, doc: str) -> list[str]:
        if (doc, "pdf-lines") not in self._lines:
            from pypdf import PdfReader

            pages = PdfReader(self.docs[doc]["pdf"]).pages
            text = "\n".join(p.extract_text() for p in pages)
            self._lines[(doc, "pdf-lines")] = [squash(line) for line in text.split("\n")]
        return self._lines[(doc, "pdf-lines")]

    def text(self, doc: str, fmt: str) -> str:
        key = (doc, fmt)
        if key not in self._text:
            path = self.docs[doc][fmt]
            if fmt == "pdf":
                from pypdf import PdfReader

                raw = "".join(page.extract_text() for page in PdfReader(path).pages)
            elif fmt == "docx":
                import docx

                d = docx.Document(str(path))
                parts = [p.text for p in d.paragraphs]
                for table in d.tables:
                    for row in table.rows:
                        parts.extend(cell.text for cell in row.cells)
                for section in d.sections:
                    parts.extend(p.text for p in section.header.paragraphs)
                raw = "\n".join(parts)
            else:
                from conftest import HtmlText

                parser = HtmlText()
                parser.feed(path.read_text(encoding="utf-8"))
                raw = "".join(parser.text)
            self._text[key] = squash(raw)
        return self._text[key]


def squash(text: str) -> str:
    """Without white space and zero-width characters (line breaks fall anywhere; the PDF breaks
    long words in table cells with zero-width spaces)."""
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff]+", "", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Rendered:
    from conftest import copy_project, run_snakemake
    from hostile_unit import build_hostile_unit, hostile_config

    tmp = tmp_path_factory.mktemp("render")
    canary = tmp / "kanari.txt"
    canary.write_text(CANARY_TEXT + "\n", encoding="utf-8")
    # A logo outside the unit folder is refused (tested below); this one is inside it.
    units = tmp / "units"
    unit = build_hostile_unit(units, canary)
    root = copy_project(
        tmp / "proyek uji é ünï", units={unit.folder.name: unit.folder}, sample=False
    )
    hostile_config(root, unit, canary)
    proc = run_snakemake(root, check=False)
    assert proc.returncode == 0, proc.stderr[-6000:]
    return Rendered(root, unit, canary)


#: Where each YAML/export text must appear (document -> fields by prefix). unit.short_name
#: and unit.city are not printed when survei.yaml names the signing place.
SHOWN_IN = {
    "laporan": (
        "unit.name",
        "unit.parent",
        "unit.layanan",
        "unit.history",
        "unit.columns",
        "unit.labels",
        "unit.saran_tema",
        "survei.",
        "rtl.",
        "export.",
        "config.demografi",
    ),
    # realisasi.yaml names its own signatory, so survei.yaml's is not printed there
    "tindak-lanjut": ("unit.name", "unit.parent", "rtl.", "realisasi."),
    "rekap": ("unit.name", "config.instansi"),
}
FORMATS = ("pdf", "docx", "html")


def pdf_holds(lines: list[str], want: str) -> bool:
    """Whether the extracted PDF text holds `want`: as one piece or, in a table, as a sequence
    of lines. pypdf reads a table row line by line across the cells, so a cell's lines come
    in order with the other cells' lines (and a page break's footer and repeated header)
    between them; a line may also start with a neighbouring cell's text ("✓") or end with
    the next cell's."""
    if want in "".join(lines):
        return True
    pos = 0
    for line in lines:
        rest = want[pos:]
        if not line:
            continue
        if rest.startswith(line):
            pos += len(line)
        elif line.startswith(rest):
            return True
        else:
            k = next(
                (k for k in range(min(len(line), len(rest)), 2, -1) if line.endswith(rest[:k])), 0
            )
            pos += k
        if pos == len(want):
            return True
    return False


#: Answer cells the ingest cuts after MAX_ANSWER_CHARS characters (with a "[dipotong: ...]"
#: marker): their categories are labels, not free text.
CUT_ANSWERS = {"export.jenis_kelamin", "export.usia", "export.pendidikan", "export.pekerjaan"}

CASES = [
    (doc, key)
    for doc in SHOWN_IN
    for key in (
        *__import__("hostile_unit").FIELDS,
        "config.instansi",
        "config.demografi.pekerjaan.label",
    )
    if key.startswith(SHOWN_IN[doc])
]


@pytest.mark.workflow
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("doc", "key"), CASES)
def test_every_yaml_and_export_text_is_printed_verbatim(rendered, doc, key, fmt):
    """Each field's hostile text reads back literally (after white space is removed). An
    answer cell is cut with a marker (a demographic answer after MAX_ANSWER_CHARS characters,
    a rejected row's value in Lampiran 6 after REJECTED_VALUE_CHARS): its start reads back."""
    from skm.ingest.fields import MAX_ANSWER_CHARS
    from skm.report.laporan import REJECTED_VALUE_CHARS

    text = expected(rendered.unit.texts[key])
    cut = {"export.rejected_answer": REJECTED_VALUE_CHARS}.get(
        key, MAX_ANSWER_CHARS if key in CUT_ANSWERS else None
    )
    if cut is not None:
        assert len(text) > cut  # the corpus is longer than the cap: the cut itself is tested
        text = text[: cut - 20]  # well inside the cut, whatever white space the reader folds
    want = squash(text)
    if fmt == "pdf":
        assert pdf_holds(rendered.pdf_lines(doc), want), key
        shown = "".join(rendered.pdf_lines(doc))
    else:
        shown = rendered.text(doc, fmt)
        assert want in shown, key
    assert cut is None or "[dipotong:" in shown or "…" in shown, key


@pytest.mark.workflow
@pytest.mark.parametrize("doc", list(SHOWN_IN))
def test_nothing_from_the_texts_runs_or_reads_a_file(rendered, doc):
    from conftest import HtmlText

    html_source = rendered.docs[doc]["html"].read_text(encoding="utf-8")
    parser = HtmlText()
    parser.feed(html_source)
    tags = parser.tags
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed", "b")]
    for tag, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "a":
            assert attrs.get("href", "").startswith("#"), attrs
        if tag == "img":
            assert attrs.get("src", "").startswith("data:image/"), attrs
    with zipfile.ZipFile(rendered.docs[doc]["docx"]) as z:
        rels = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".rels"))
        assert 'TargetMode="External"' not in rels
    for fmt in FORMATS:
        text = rendered.text(doc, fmt)
        assert CANARY_TEXT not in text and "root:x:0:0" not in text, fmt
    # the photos, the logo (cover) and the evidence photo are embedded in every format
    images = [a for t, a in tags if t == "img"]
    assert len(images) >= (1 if doc == "rekap" else 2)


@pytest.mark.workflow
def test_decree_scan_with_a_hostile_file_name_is_embedded(rendered):
    """The decree's scan (a name with quotes, brackets, '#', '$', a space and 'é', in a project
    folder with a space) is embedded in every format, its alt text literal."""
    from conftest import HtmlText

    parser = HtmlText()
    parser.feed(rendered.docs["laporan"]["html"].read_text(encoding="utf-8"))
    number = expected(rendered.unit.texts["survei.team_decree.number"])
    alts = [a.get("alt", "") for t, a in parser.tags if t == "img"]
    want = f"Pindaian Keputusan pembentukan tim pelaksana SKM Nomor {number} tanggal"
    scan = [a for a in alts if a.startswith(want)]
    assert len(scan) == 1, alts
    assert "Lampiran8.KeputusanPembentukanTimPelaksanaSKM" in rendered.text("laporan", "pdf")
    with zipfile.ZipFile(rendered.docs["laporan"]["docx"]) as z:
        docx_xml = z.read("word/document.xml").decode("utf-8")
    assert 'descr="Pindaian Keputusan' in docx_xml
    assert "tidak ditemukan di folder dokumentasi" not in rendered.text("laporan", "html")


def test_unit_name_with_math_and_raw_spans_renders(rendered):
    """A `$...$` in a unit's name made every render fail; a raw Typst span read a file."""
    name = squash(expected(rendered.unit.name))
    assert "$x^2$" in name and "{=typst}" in name
    for fmt in FORMATS:
        assert name in rendered.text("laporan", fmt)


@pytest.mark.workflow
def test_removed_controls_are_counted_in_the_log(rendered):
    from hostile_unit import N_CONTROLS, UNIT, YEAR

    log = (rendered.root / "logs" / UNIT / str(YEAR) / "render_laporan.log").read_text("utf-8")
    m = re.search(r"(\d+) karakter kendali/bidi", log)
    assert m and int(m.group(1)) >= N_CONTROLS, log[-2000:]
    for fmt in FORMATS:
        assert "\u202e" not in rendered.text("laporan", fmt)


# --------------------------------------------------------------------------- confined paths

ROOT = HERE.parent


def _unit(tmp_path: Path, logo: str | None, documentation: str | None = None) -> Path:
    raw = tmp_path / "raw"
    unit = raw / "u1"
    (unit / "2024" / "dokumentasi").mkdir(parents=True)
    text = "name: Unit Satu\npopulation: 100\ntimezone: WIT\n"
    if logo is not None:
        text += f"logo: {json.dumps(logo)}\n"
    (unit / "unit.yaml").write_text(text, encoding="utf-8")
    if documentation is not None:
        (unit / "2024" / "survei.yaml").write_text(
            f"documentation:\n  - file: {json.dumps(documentation)}\n    caption: Foto\n",
            encoding="utf-8",
        )
    return raw


def _png(path: Path) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 4), (1, 2, 3)).save(path, format="PNG")
    return path


def _load(raw: Path):
    from skm.ingest.settings import load_config, load_unit_year

    return load_unit_year(raw, "u1", 2024, load_config(ROOT / "config.yaml"))


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink", "symlinked-folder"])
def test_logo_outside_the_unit_folder_is_refused(tmp_path, how):
    from skm.errors import SkmInputError

    outside = _png(tmp_path / "rahasia" / "logo-lain.png")
    raw = _unit(tmp_path, None)
    unit = raw / "u1"
    if how == "absolute":
        logo = str(outside)
    elif how == "dotdot":
        logo = "../../rahasia/logo-lain.png"
    elif how == "symlink":
        (unit / "logo.png").symlink_to(outside)
        logo = "logo.png"
    else:
        (unit / "gambar").symlink_to(outside.parent, target_is_directory=True)
        logo = "gambar/logo-lain.png"
    (unit / "unit.yaml").write_text(
        f"name: Unit Satu\npopulation: 100\ntimezone: WIT\nlogo: {json.dumps(logo)}\n",
        encoding="utf-8",
    )
    with pytest.raises(SkmInputError) as err:
        _load(raw)
    msg = str(err.value)
    assert "unit.yaml" in msg and "'logo'" in msg and "di luar folder" in msg and "baris 4" in msg


def test_logo_inside_the_unit_folder_is_accepted_and_a_non_image_is_refused(tmp_path):
    from skm.errors import SkmInputError

    raw = _unit(tmp_path, "gambar/logo.png")
    _png(raw / "u1" / "gambar" / "logo.png")
    assert _load(raw)["logo"] == "gambar/logo.png"
    (raw / "u1" / "gambar" / "logo.png").write_text("<svg>bukan gambar PNG</svg>")
    with pytest.raises(SkmInputError) as err:
        _load(raw)
    assert "'logo'" in str(err.value) and "bukan gambar PNG, JPEG atau GIF" in str(err.value)


def test_documentation_photo_outside_dokumentasi_is_refused(tmp_path):
    from skm.errors import SkmInputError

    _png(tmp_path / "lain.png")
    raw = _unit(tmp_path, None, documentation="../../../../lain.png")
    with pytest.raises(SkmInputError) as err:
        _load(raw)
    assert "documentation.0.file" in str(err.value) and "survei.yaml" in str(err.value)
    # a photo not (yet) in dokumentasi/ is not an error: the document says it is missing
    (raw / "u1" / "2024" / "survei.yaml").write_text(
        "documentation:\n  - file: nanti.png\n    caption: Foto\n", encoding="utf-8"
    )
    assert _load(raw)["survei"]["documentation"][0]["file"] == "nanti.png"


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_team_decree_scan_outside_dokumentasi_is_refused(tmp_path, how):
    """survei.yaml `team_decree.file` was never confined (the photos were)."""
    from skm.errors import SkmInputError

    outside = _png(tmp_path / "rahasia" / "sk.png")
    raw = _unit(tmp_path, None)
    year = raw / "u1" / "2024"
    name = {"absolute": str(outside), "dotdot": "../../../rahasia/sk.png", "symlink": "sk.png"}[how]
    if how == "symlink":
        (year / "dokumentasi" / "sk.png").symlink_to(outside)
    survei = (
        "team: Tim dibentuk.\nteam_decree:\n  number: 800/1\n  date: 2024-01-02\n"
        f"  file: {json.dumps(name)}\n"
    )
    (year / "survei.yaml").write_text(survei, encoding="utf-8")
    with pytest.raises(SkmInputError) as err:
        _load(raw)
    msg = str(err.value)
    assert "survei.yaml" in msg and "'team_decree.file'" in msg and "baris 5" in msg
    assert "di luar folder dokumentasi/" in msg
    # inside dokumentasi/ (or not there yet) it is accepted
    (year / "survei.yaml").write_text(
        survei.replace(json.dumps(name), "sk-tim.png"), encoding="utf-8"
    )
    assert _load(raw)["survei"]["team_decree"]["file"] == "sk-tim.png"


def test_decree_scan_caption_alt_and_path_stay_literal(tmp_path):
    """decree_appendix built its image by hand: a backslash stayed in the alt text, a quote became
    an apostrophe and the path was not encoded (a folder with a space broke the render)."""
    import pandas as pd
    import pypandoc

    from skm.ingest.images import processed_name
    from skm.report.laporan import Laporan

    number = 'SK "A" 800\\12 `#x`{=typst} ** [y]{.z} \\'
    decree = {"number": number, "date": "2024-01-09", "file": "sk tim.png"}
    lap = Laporan(
        ikm={},
        quality={},
        settings={"survei": {"team_decree": decree}},
        responses=pd.DataFrame(),
        rejected=pd.DataFrame(),
        figdir=Path("."),
    )
    foto = tmp_path / "folder dengan spasi é"
    foto.mkdir()
    (foto / processed_name("sk tim.png")).write_bytes(b"")
    md = lap.decree_appendix(str(foto))
    doc = json.loads(pypandoc.convert_text(md, "json", format="markdown"))
    images = images_in(doc["blocks"])
    assert len(images) == 1, md
    (_, _, attrs), caption, (url, _) = images[0]
    title = f"Keputusan pembentukan tim pelaksana SKM Nomor {number} tanggal 9 Januari 2024"
    assert inline_text(caption, breaks=False) == title
    assert dict(attrs)["fig-alt"] == "Pindaian " + title
    assert dict(attrs)["width"] == "90%"
    from urllib.parse import unquote

    assert " " not in url and unquote(url) == (foto / processed_name("sk tim.png")).as_posix()


def test_manifest_inputs_leave_out_a_logo_outside_the_unit(tmp_path):
    """write_manifest crashed (a path outside the project) on such a logo."""
    from skm.layout import raw_inputs

    _png(tmp_path / "luar.png")
    raw = _unit(tmp_path, "../../luar.png")
    files = raw_inputs("u1", 2024, raw=raw)
    assert files == [(raw / "u1" / "unit.yaml").as_posix()]


def test_render_refuses_a_non_image_logo_with_a_clear_message(tmp_path):
    from skm.render import RenderError, render_qmd

    (tmp_path / "logo.png").write_text("bukan gambar", encoding="utf-8")
    qmd = tmp_path / "x.qmd"
    qmd.write_text("---\ntitle: x\nlogo: logo.png\n---\n\nTeks.\n", encoding="utf-8")
    with pytest.raises(RenderError) as err:  # before any kernel is started
        render_qmd(qmd, {"md": tmp_path / "x.md"}, {}, source_date_epoch=0)
    assert "bukan gambar PNG, JPEG atau GIF" in str(err.value)
    assert not (tmp_path / "x.md").exists()


# --------------------------------------------------------------------------- Typst root


@pytest.mark.parametrize(
    "call",
    [
        '#read("{outside}")',
        '#image("{outside_png}")',
        '#read("../geheim.txt")',
        '#read("/etc/passwd")',
    ],
)
def test_typst_reads_no_file_outside_the_render_folder(tmp_path, call):
    from skm.render import RenderError
    from skm.render.typst import compile_typst

    (tmp_path / "geheim.txt").write_text(CANARY_TEXT, encoding="utf-8")
    outside_png = _png(tmp_path / "luar.png")
    work = tmp_path / "render"
    work.mkdir()
    typ = work / "document.typ"
    typ.write_text(
        call.format(outside=tmp_path / "geheim.txt", outside_png=outside_png) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(RenderError):
        compile_typst(typ, None, 0, Path("x.qmd"))
    # a file inside the folder (the copied images and logo) is read
    _png(work / "images" / "001.png")
    typ.write_text('#image("images/001.png")\n', encoding="utf-8")
    assert compile_typst(typ, None, 0, Path("x.qmd")).startswith(b"%PDF")


def test_images_are_copied_in_under_plain_names(tmp_path):
    """A folder with spaces or non-ASCII letters: pandoc's Typst writer looked for %20."""
    from skm.render.assemble import localize_images

    photo = _png(tmp_path / "proyek saya é" / "foto (1) ü.png")
    work = tmp_path / "work"
    work.mkdir()
    source = md.image(photo, "Foto 1. keterangan\\", alt="alt \\", width="70%")
    out = localize_images(source + "\n\n" + source, work, tmp_path)
    assert out.count("](images/001.png){") == 2
    assert (work / "images" / "001.png").read_bytes() == photo.read_bytes()
    # a relative path outside the resource folder is not copied
    assert (
        localize_images("![x](../etc/passwd)", work, tmp_path / "proyek saya é")
        == "![x](../etc/passwd)"
    )


def test_caller_front_matter_is_escaped_once(tmp_path):
    """The cover's name reaches pandoc escaped; a {{< meta >}} shortcode escapes the raw value
    (not the escaped one a second time); controls removed in this process are counted."""
    from skm.render import render_qmd

    qmd = tmp_path / "doc.qmd"
    qmd.write_text("---\ntitle: Judul\n---\n\nUnit: {{< meta cover.unit >}}\n", encoding="utf-8")
    out = tmp_path / "doc.md"
    name = 'Dinas $x$ `#read("/etc/passwd")`{=typst}\u202e'
    result = render_qmd(
        qmd,
        {"md": out},
        {},
        source_date_epoch=0,
        metadata={"title": "T", "cover": {"unit": name, "logo": None}},
    )
    text = out.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["cover"]["unit"] == md.escape(name, newlines="space")
    assert "Unit: " + md.escape(name) in text
    assert result["removed_controls"] == 2


#: Texts the pandoc Typst writer turns into Typst shorthands or smart quotes (two en dashes
#: became an em dash and a hyphen, U+2019 before a quote became U+2018) or that Typst markup
#: reads as syntax.
TYPST_TRICKY = [
    "––",
    "—–",
    "–—",
    '’"',
    "it's",
    '"kutip"',
    "‘a’",
    "x...y",
    "a -? b",
    "-1",
    "a -- b --- c",
    "***",
    "a ~ b",
    "a//b",
    "a/*b*/c",
    "$5$",
    "@ref",
    "<lbl>",
    '#read("/etc/passwd")',
    "= judul",
    "+ butir",
    "- butir",
    "/ istilah: x",
    "1. nomor",
    "\\u{41}",
    "\\",
    "`kode`",
    "_miring_",
    "*tebal*",
    "[x]",
    "{y}",
]


def test_typst_pdf_shows_tricky_text_as_written(tmp_path):
    """Through the real writer, typst.lua and Typst: each text reads back from the PDF."""
    from pypdf import PdfReader

    from skm.render.typst import compile_typst

    body = "\n\n".join(f"MULAI{i} {md.escape(t)} SELESAI{i}" for i, t in enumerate(TYPST_TRICKY))
    (tmp_path / "in.md").write_text(body + "\n", encoding="utf-8")
    typ = tmp_path / "document.typ"
    subprocess.run(
        [
            pandoc_path(),
            str(tmp_path / "in.md"),
            "--from",
            PANDOC_FROM,
            "--to",
            "typst",
            "--lua-filter",
            str(TEMPLATES_DIR / "typst.lua"),
            "--output",
            str(typ),
        ],
        check=True,
    )
    typ.write_text(
        '#set text(font: "Noto Sans")\n' + typ.read_text(encoding="utf-8"), encoding="utf-8"
    )
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(compile_typst(typ, None, 0, Path("x.qmd")))
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    for i, t in enumerate(TYPST_TRICKY):
        got = re.search(f"MULAI{i} (.*?) SELESAI{i}", text, re.DOTALL)
        assert got and got.group(1) == t, (t, got and got.group(1))
