"""Finish the DOCX that pandoc wrote, so that it opens in Word and LibreOffice ready to sign.

`finish_docx` rewrites ``word/document.xml`` and ``docProps/core.xml`` of a pandoc DOCX:

- **Daftar isi**: pandoc writes the TOC field without a result, which LibreOffice shows as an
  empty list and Word only fills after a field update. The field gets a cached result: every
  heading down to ``toc-depth``, in document order, each a hyperlink to the heading's bookmark
  with a PAGEREF field for its page number (the number itself is left to the word processor,
  which computes it on update; the field stays marked dirty and ``updateFields`` is set by the
  reference document). A DOCX-only line under the title says how to refresh the numbers.
- **No blank pages**: an explicit page break directly before a heading that starts a new page
  by its style (Heading 1, the TOC heading) would leave an empty page; the break is dropped.
- **Document properties**: docx.lua writes the cover itself (in the PDF's order) and removes
  the title block keys from pandoc's metadata, so the title and authors are written back here.

The archive keeps its entries, order, timestamps and compression: the bytes stay reproducible.
"""

from __future__ import annotations

import html
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skm.render.assemble import plain

#: The note under "Daftar Isi" (DOCX only: the PDF and HTML have their page numbers/links).
TOC_NOTE = (
    "Nomor halaman daftar isi dihitung oleh pengolah kata. Untuk memperbaruinya: di Microsoft "
    "Word pilih seluruh dokumen (Ctrl+A) lalu tekan F9; di LibreOffice pilih menu Alat › "
    "Perbarui › Perbarui Semua."
)
TOC_NOTE_STYLE = "CatatanDaftarIsi"
#: Paragraph styles that start a new page by themselves (reference.docx: pageBreakBefore).
BREAKING_STYLES = ("Heading1", "TOCHeading")

_PARA = re.compile(rb"<w:p\b[^>]*>(?:(?!</w:p>).)*?</w:p>|<w:p\b[^>]*/>", re.DOTALL)
_HEADING = re.compile(
    rb'<w:bookmarkStart w:id="[^"]*" w:name="([^"]+)" */>\s*'
    rb'(<w:p><w:pPr><w:pStyle w:val="Heading([1-9])" */>(?:(?!</w:p>).)*?</w:p>)',
    re.DOTALL,
)
_TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:tab */>")
_TOC_FIELD = re.compile(
    rb'<w:p><w:r><w:fldChar w:fldCharType="begin"(?P<dirty> w:dirty="true")? */>'
    rb'<w:instrText xml:space="preserve">(?P<instr>TOC [^<]*)</w:instrText>'
    rb'<w:fldChar w:fldCharType="separate" */><w:fldChar w:fldCharType="end" */></w:r></w:p>'
)
_TOC_HEADING = re.compile(
    rb'(<w:p><w:pPr><w:pStyle w:val="TOCHeading" */></w:pPr>(?:(?!</w:p>).)*?</w:p>)', re.DOTALL
)
_PAGE_BREAK = re.compile(
    rb'<w:p><w:r><w:br w:type="page" */></w:r></w:p>\s*'
    rb"(?=(?:<w:bookmark(?:Start|End)\b[^>]*/>\s*)*"
    rb'<w:p><w:pPr><w:pStyle w:val="(?:' + "|".join(BREAKING_STYLES).encode() + rb')" */>)'
)


def _xml(text: str) -> bytes:
    return html.escape(text, quote=False).encode("utf-8")


def headings(document: bytes, depth: int) -> list[tuple[int, str, bytes]]:
    """(level, bookmark, text as escaped XML) of every heading down to ``depth``, in order."""
    out = []
    for m in _HEADING.finditer(document):
        level = int(m.group(3))
        if level > depth:
            continue
        parts = [t.group(1) if t.group(1) is not None else b" " for t in _TEXT.finditer(m.group(2))]
        text = b"".join(parts).strip()
        if text:
            out.append((level, m.group(1).decode("utf-8"), text))
    return out


def _toc_entry(
    level: int, bookmark: str, text: bytes, prefix: bytes = b"", suffix: bytes = b""
) -> bytes:
    name = _xml(bookmark)
    return (
        b'<w:p><w:pPr><w:pStyle w:val="TOC%d" /></w:pPr>' % level
        + prefix
        + b'<w:hyperlink w:anchor="'
        + name
        + b'" w:history="1">'
        + b'<w:r><w:t xml:space="preserve">'
        + text
        + b"</w:t></w:r>"
        + b"<w:r><w:tab /></w:r>"
        + b'<w:r><w:fldChar w:fldCharType="begin" /></w:r>'
        + b'<w:r><w:instrText xml:space="preserve"> PAGEREF '
        + name
        + b" \\h </w:instrText></w:r>"
        + b'<w:r><w:fldChar w:fldCharType="separate" /></w:r>'
        + b'<w:r><w:fldChar w:fldCharType="end" /></w:r>'
        + b"</w:hyperlink>"
        + suffix
        + b"</w:p>"
    )


def fill_toc(document: bytes, depth: int, note: str = TOC_NOTE) -> bytes:
    """Give the TOC field a cached result (see the module docstring) and add the note."""
    field = _TOC_FIELD.search(document)
    if field is None:
        return document
    entries = headings(document, depth)
    if not entries:
        return document
    begin = (
        b'<w:r><w:fldChar w:fldCharType="begin"'
        + (field.group("dirty") or b"")
        + b" /></w:r>"
        + b'<w:r><w:instrText xml:space="preserve">'
        + field.group("instr")
        + b"</w:instrText></w:r>"
        + b'<w:r><w:fldChar w:fldCharType="separate" /></w:r>'
    )
    end = b'<w:r><w:fldChar w:fldCharType="end" /></w:r>'
    paras = []
    for i, (level, bookmark, text) in enumerate(entries):
        paras.append(
            _toc_entry(
                min(level, 4),
                bookmark,
                text,
                prefix=begin if i == 0 else b"",
                suffix=end if i == len(entries) - 1 else b"",
            )
        )
    document = document[: field.start()] + b"".join(paras) + document[field.end() :]
    if note:
        para = (
            b'<w:p><w:pPr><w:pStyle w:val="' + TOC_NOTE_STYLE.encode() + b'" /></w:pPr>'
            b'<w:r><w:t xml:space="preserve">' + _xml(note) + b"</w:t></w:r></w:p>"
        )
        document = _TOC_HEADING.sub(lambda m: m.group(1) + para, document, count=1)
    return document


def drop_breaks_before_breaking_headings(document: bytes) -> bytes:
    """Remove explicit page breaks that directly precede a heading which breaks by its style."""
    return _PAGE_BREAK.sub(b"", document)


def _core_properties(core: bytes, title: str, creator: str) -> bytes:
    for tag, value in ((b"dc:title", title), (b"dc:creator", creator)):
        if not value:
            continue
        new = b"<" + tag + b">" + _xml(value) + b"</" + tag + b">"
        pattern = re.compile(b"<" + tag + b"(?: */>|>[^<]*</" + tag + b">)")
        if pattern.search(core):
            core = pattern.sub(lambda _m, new=new: new, core, count=1)
        else:
            core = core.replace(b"</cp:coreProperties>", new + b"</cp:coreProperties>")
    return core


def rewrite_docx(path: Path, transforms: dict[str, Callable[[bytes], bytes]]) -> None:
    """Apply ``transforms`` ({member: bytes -> bytes}) to a DOCX, keeping entries, order,
    timestamps and compression."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    tmp = path.with_name(path.name + ".finish")
    with zipfile.ZipFile(tmp, "w") as dst:
        for info, data in entries:
            if info.filename in transforms:
                data = transforms[info.filename](data)
            dst.writestr(info, data, compress_type=info.compress_type)
    os.replace(tmp, path)


def finish_docx(path: Path, *, toc_depth: int | None, title: str = "", creator: str = "") -> None:
    """Finish a pandoc DOCX in place (see the module docstring); ``toc_depth`` None: no TOC."""

    def document(data: bytes) -> bytes:
        data = drop_breaks_before_breaking_headings(data)
        if toc_depth is not None:
            data = fill_toc(data, toc_depth)
        return data

    rewrite_docx(
        Path(path),
        {
            "word/document.xml": document,
            "docProps/core.xml": lambda data: _core_properties(data, title, creator),
        },
    )


_TR_OPEN = re.compile(rb"<w:tr>(<w:trPr>|<w:trPr */>)?")
# A body paragraph right after a table (bookmarks between them are not text).
_AFTER_TABLE = re.compile(
    rb"(</w:tbl>\s*(?:<w:bookmark(?:Start|End)\b[^>]*/>\s*)*"
    rb'<w:p><w:pPr><w:pStyle w:val="(?:BodyText|FirstParagraph|PengantarDaftar)" */>)'
)
_SPACE_ABOVE = b'<w:spacing w:before="160" />'  # 8 pt, half a line of body text
# A body paragraph right after a tight list (its items have almost no space below).
_AFTER_LIST = re.compile(
    rb'(<w:pStyle w:val="Compact" */><w:numPr>(?:(?!</w:p>).)*</w:p>\s*'
    rb'<w:p><w:pPr><w:pStyle w:val="(?:BodyText|FirstParagraph|PengantarDaftar)" */>)',
    re.DOTALL,
)
_TABLE_WIDTH = re.compile(rb"(<w:tblPr>(?:<w:tblStyle [^>]*/>)?<w:tblW [^>]*/>)(?!<w:jc )")


def fix_docx_tables(path: Path) -> int:
    """Make a DOCX's tables lay out like the PDF's, in Word and in LibreOffice.

    - Every table row is marked "do not split across pages" (``w:cantSplit``). Pandoc leaves
      rows splittable; LibreOffice then breaks a row that ends at the foot of a page and
      repeats the header over an empty remnant on the next page.
    - A body paragraph that follows a table or a tight list gets space above it; otherwise
      it touches the table's bottom border or the last item.
    - Tables are centred, as in the PDF (a table sized to its content is narrower than the
      page).

    The archive is rewritten with the same entries, order, timestamps and compression, so the
    file stays reproducible. Returns the number of rows marked.
    """
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    marked = 0

    def mark(match: re.Match[bytes]) -> bytes:
        nonlocal marked
        marked += 1
        open_trpr = match.group(1) == b"<w:trPr>"
        return b"<w:tr><w:trPr><w:cantSplit />" + (b"" if open_trpr else b"</w:trPr>")

    out = []
    for info, data in entries:
        if info.filename == "word/document.xml":
            data = _TR_OPEN.sub(mark, data)
            data = _AFTER_TABLE.sub(lambda m: m.group(1) + _SPACE_ABOVE, data)
            data = _AFTER_LIST.sub(lambda m: m.group(1) + _SPACE_ABOVE, data)
            data = _TABLE_WIDTH.sub(rb'\1<w:jc w:val="center" />', data)
        out.append((info, data))
    tmp = path.with_name(path.name + ".rows")
    with zipfile.ZipFile(tmp, "w") as dst:
        for info, data in out:
            dst.writestr(info, data, compress_type=info.compress_type)
    os.replace(tmp, path)
    return marked


def pass_meta(
    meta: dict[str, Any], logo: Path | None = None, toc_depth: int | None = None
) -> dict[str, Any]:
    """Metadata only the DOCX pass needs: the cover logo and the daftar isi's depth (docx.lua
    writes both)."""
    # the logo's name only: pandoc runs in the render folder, and the DOCX keeps the path
    # it was given (as the picture's description)
    extra: dict[str, Any] = {"skm-logo": logo.name} if logo is not None else {}
    if toc_depth is not None:
        extra["skm-toc-depth"] = toc_depth
    return extra


def finish(path: Path, meta: dict[str, Any], toc_depth: int | None) -> None:
    """fix_docx_tables, then finish_docx with the title and authors of the document properties."""
    fix_docx_tables(path)
    cover = meta.get("cover") if isinstance(meta.get("cover"), dict) else {}
    authors = meta.get("author") or [cover[k] for k in ("agency", "unit") if cover.get(k)]
    if isinstance(authors, str):
        authors = [authors]
    finish_docx(
        path,
        toc_depth=toc_depth,
        title=plain(str(meta.get("title") or "")),
        creator="; ".join(plain(str(a)) for a in authors),
    )
