"""The text of a document (PDF, DOCX, HTML, XLSX) and its comparison, for ``skm verify``.

The one HTML-to-text reader of the project (:class:`HtmlText`; the tests read HTML with it too).
"""

from __future__ import annotations

import html.parser
import re
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from skm.audit.manifest import AuditError
from skm.io import sha256

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


class HtmlText(html.parser.HTMLParser):
    """An HTML page's visible text (no script/style, no attribute values), and its tags.

    ``parts``: the text with a line break before each block tag (what :func:`document_text`
    joins); ``data``: the text nodes alone; ``tags``: every start tag with its attributes."""

    BLOCKS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "td", "th")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.data: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        """Record the tag; count script/style nesting; block tags start a new line."""
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        """Leave a script/style element."""
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        """Keep text outside script/style."""
        if not self._skip:
            self.parts.append(data)
            self.data.append(data)


def _docx_text(path: Path) -> str:
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    with zipfile.ZipFile(path) as z:
        parts = sorted(
            n
            for n in z.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", n)
        )
        for name in parts:
            root = ElementTree.fromstring(z.read(name))
            for para in root.iter(f"{w}p"):
                out.append("".join(t.text or "" for t in para.iter(f"{w}t")))
    return "\n".join(out)


def _xlsx_text(path: Path) -> str:
    """Every cell's cached value and, for a formula cell, its formula too."""
    from openpyxl import load_workbook

    values = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    out = []
    for ws, wf in zip(values.worksheets, formulas.worksheets, strict=True):
        out.append(f"# {ws.title}")
        for row, frow in zip(
            ws.iter_rows(values_only=True), wf.iter_rows(values_only=True), strict=False
        ):
            out.append(
                "\t".join(
                    ("" if v is None else str(v))
                    + (f" [{f}]" if isinstance(f, str) and f.startswith("=") and f != v else "")
                    for v, f in zip(row, frow, strict=False)
                )
            )
    values.close()
    formulas.close()
    return "\n".join(out)


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise AuditError(
            "pypdf belum terpasang (pip install pypdf): teks PDF tidak dapat dibandingkan."
        ) from None
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def document_text(path: str | Path) -> str:
    """The text of a PDF, DOCX, HTML, XLSX (cell values) or text file, whitespace-normalised."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".xlsx":
        text = _xlsx_text(path)
    elif suffix in (".html", ".htm"):
        parser = HtmlText()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        text = "".join(parser.parts)
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return " ".join(text.split())


def numbers(text: str) -> list[str]:
    """Every number in `text`, in order (digits with their . and , separators)."""
    return _NUMBER_RE.findall(text)


def compare_text(a: Path, b: Path) -> str | None:
    """None when the two documents have the same text and numbers, else what differs.

    A PNG (the infographic) has no text to compare: it must be identical byte for byte."""
    if Path(a).suffix.lower() == ".png":
        return None if sha256(a) == sha256(b) else "gambar berbeda (sha256)"
    ta, tb = document_text(a), document_text(b)
    if ta == tb:
        return None
    na, nb = numbers(ta), numbers(tb)
    if na != nb:
        i = next(
            (k for k, (x, y) in enumerate(zip(na, nb, strict=False)) if x != y),
            min(len(na), len(nb)),
        )
        x = na[i] if i < len(na) else "(tidak ada)"
        y = nb[i] if i < len(nb) else "(tidak ada)"
        return f"angka berbeda (angka ke-{i + 1}: {x} di arsip, {y} hasil ulang)"
    i = next(
        (k for k, (x, y) in enumerate(zip(ta, tb, strict=False)) if x != y), min(len(ta), len(tb))
    )
    return f"teks berbeda (angka sama), mulai di: «{ta[max(0, i - 30) : i + 30]}»"
