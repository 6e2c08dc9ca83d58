"""Build ``reference.docx``, the DOCX style reference for Laporan SKM, from pandoc's default.

Run from anywhere (the output lands next to this script)::

    python tools/make_reference_docx.py

Changes to pandoc's default reference document:

- page: A4 (pandoc's default is US letter), 2.5 cm margins, a centred PAGE number in the
  footer, no footer on the first page (the title page);
- fonts: Arial 11 pt for everything (Word and LibreOffice both have it or a metric twin),
  black headings, Indonesian as the proofing language;
- headings: Heading 1 is centred, bold, and starts a new page (so does the "Daftar Isi"
  heading, which is based on it); Heading 2/3 bold;
- body text justified; captions bold and centred (table captions stay with their table);
- tables: thin borders on every cell and a shaded header row;
- a "Pengantar Daftar" style (body text kept with the next paragraph) for a paragraph that
  introduces a list;
- a "Tanda Tangan" style for the signature block (left-aligned in the right half), cover
  styles in the PDF cover's order, TOC 1-4 entry styles with dotted page-number tabs, the
  note under "Daftar Isi";
- settings: ``updateFields``, so Word offers to refresh the fields (the page numbers of the
  daftar isi) when the document is opened.

The zip is written with fixed timestamps and a fixed member order, so running the script twice
gives the same bytes (for the same pandoc version).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pypandoc

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "reference.docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT = "Arial"

# 1 cm = 567 twips; A4 = 210 x 297 mm.
TEXT_WIDTH_TWIPS = 11906 - 2 * 1418
SECT_PR = (
    "<w:sectPr>"
    '<w:footerReference w:type="default" r:id="rIdSkmFooter" />'
    '<w:footerReference w:type="first" r:id="rIdSkmFooterFirst" />'
    '<w:footnotePr><w:numRestart w:val="eachSect" /></w:footnotePr>'
    '<w:pgSz w:w="11906" w:h="16838" />'
    '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" '
    'w:header="709" w:footer="709" w:gutter="0" />'
    '<w:cols w:space="708" />'
    "<w:titlePg />"
    "</w:sectPr>"
)

FOOTER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
    '<w:p><w:pPr><w:pStyle w:val="Footer" /><w:jc w:val="center" /></w:pPr>'
    '<w:r><w:fldChar w:fldCharType="begin" /></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate" /></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end" /></w:r>'
    "</w:p></w:ftr>"
)

FOOTER_FIRST = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
    '<w:p><w:pPr><w:pStyle w:val="Footer" /></w:pPr></w:p>'
    "</w:ftr>"
)

FOOTER_RELS = (
    '<Relationship Id="rIdSkmFooter" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
    'Target="footer1.xml" />'
    '<Relationship Id="rIdSkmFooterFirst" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
    'Target="footer2.xml" />'
)

FOOTER_TYPES = (
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" />'
    '<Override PartName="/word/footer2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" />'
)

FONTS = (
    f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsiaTheme="minorEastAsia" />'
)
HEADING_FONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" />'


def _heading(level: int, size_half_points: int, extra_ppr: str = "", extra_rpr: str = "") -> str:
    return (
        f'<w:style w:type="paragraph" w:styleId="Heading{level}">'
        f'<w:name w:val="heading {level}" /><w:basedOn w:val="Normal" />'
        f'<w:next w:val="BodyText" /><w:link w:val="Heading{level}Char" />'
        '<w:uiPriority w:val="9" /><w:qFormat />'
        f"<w:pPr><w:keepNext /><w:keepLines />{extra_ppr}"
        f'<w:outlineLvl w:val="{level - 1}" /></w:pPr>'
        f'<w:rPr>{HEADING_FONTS}<w:b /><w:bCs /><w:color w:val="000000" />{extra_rpr}'
        f'<w:sz w:val="{size_half_points}" /><w:szCs w:val="{size_half_points}" /></w:rPr>'
        "</w:style>"
    )


STYLES = {
    "Heading1": _heading(
        1,
        28,
        '<w:pageBreakBefore /><w:spacing w:before="0" w:after="360" /><w:jc w:val="center" />',
    ),
    "Heading2": _heading(2, 24, '<w:spacing w:before="360" w:after="120" />'),
    "Heading3": _heading(3, 22, '<w:spacing w:before="240" w:after="120" />'),
    "Heading4": _heading(4, 22, '<w:spacing w:before="200" w:after="80" />', "<w:i /><w:iCs />"),
    "Title": (
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title" />'
        '<w:basedOn w:val="Normal" /><w:next w:val="BodyText" /><w:link w:val="TitleChar" />'
        '<w:uiPriority w:val="10" /><w:qFormat />'
        '<w:pPr><w:keepNext /><w:spacing w:before="240" w:after="240" /><w:jc w:val="center" />'
        "</w:pPr>"
        f'<w:rPr>{HEADING_FONTS}<w:b /><w:bCs /><w:sz w:val="36" /><w:szCs w:val="36" /></w:rPr>'
        "</w:style>"
    ),
    "Subtitle": (
        '<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle" />'
        '<w:basedOn w:val="Title" /><w:next w:val="BodyText" /><w:link w:val="SubtitleChar" />'
        '<w:uiPriority w:val="11" /><w:qFormat />'
        '<w:pPr><w:spacing w:before="120" w:after="120" /></w:pPr>'
        '<w:rPr><w:sz w:val="28" /><w:szCs w:val="28" /></w:rPr>'
        "</w:style>"
    ),
    "TOCHeading": (
        '<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading" />'
        '<w:basedOn w:val="Heading1" /><w:next w:val="BodyText" />'
        '<w:uiPriority w:val="39" /><w:unhideWhenUsed /><w:qFormat />'
        '<w:pPr><w:outlineLvl w:val="9" /></w:pPr>'
        "</w:style>"
    ),
    "BodyText": (
        '<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text" />'
        '<w:basedOn w:val="Normal" /><w:link w:val="BodyTextChar" /><w:qFormat />'
        '<w:pPr><w:spacing w:before="0" w:after="160" w:line="300" w:lineRule="auto" />'
        '<w:jc w:val="both" /></w:pPr>'
        "</w:style>"
    ),
    "Compact": (
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Compact">'
        '<w:name w:val="Compact" /><w:basedOn w:val="BodyText" /><w:qFormat />'
        '<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto" />'
        '<w:jc w:val="left" /></w:pPr>'
        "</w:style>"
    ),
    "Caption": (
        '<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="Caption" />'
        '<w:basedOn w:val="Normal" /><w:link w:val="BodyTextChar" />'
        '<w:pPr><w:spacing w:before="120" w:after="160" /><w:jc w:val="center" /></w:pPr>'
        '<w:rPr><w:b /><w:bCs /><w:sz w:val="20" /><w:szCs w:val="20" /></w:rPr>'
        "</w:style>"
    ),
    "TableCaption": (
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableCaption">'
        '<w:name w:val="Table Caption" /><w:basedOn w:val="Caption" />'
        '<w:pPr><w:keepNext /><w:spacing w:before="240" w:after="80" /></w:pPr>'
        "</w:style>"
    ),
    "Figure": (
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Figure">'
        '<w:name w:val="Figure" /><w:basedOn w:val="Normal" />'
        '<w:pPr><w:spacing w:before="240" w:after="0" /><w:jc w:val="center" /></w:pPr>'
        "</w:style>"
    ),
    # Signature block (div .ttd): one paragraph per line, left-aligned (never justified) in the
    # right half of the text width, kept together on one page.
    "TandaTangan": (
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="TandaTangan">'
        '<w:name w:val="Tanda Tangan" /><w:basedOn w:val="Normal" /><w:qFormat />'
        "<w:pPr><w:keepNext /><w:keepLines />"
        '<w:spacing w:before="0" w:after="0" w:line="276" w:lineRule="auto" />'
        f'<w:ind w:left="{TEXT_WIDTH_TWIPS // 2}" w:right="0" w:firstLine="0" />'
        '<w:jc w:val="left" /></w:pPr>'
        "</w:style>"
    ),
    # The cover, in the PDF's order: agency, title, subtitle, period, logo, authors, unit,
    # address, year (Title and Subtitle are pandoc's own styles).
    **{
        f"Cover{part}": (
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="Cover{part}">'
            f'<w:name w:val="Cover {part}" /><w:basedOn w:val="Normal" />'
            '<w:next w:val="BodyText" /><w:qFormat />'
            f'<w:pPr><w:keepNext /><w:spacing w:before="{before}" w:after="{after}" />'
            '<w:jc w:val="center" /></w:pPr>'
            f"<w:rPr>{HEADING_FONTS}{'<w:b /><w:bCs />' if bold else ''}"
            f'<w:sz w:val="{size}" /><w:szCs w:val="{size}" /></w:rPr>'
            "</w:style>"
        )
        for part, before, after, size, bold in (
            ("Agency", 851, 340, 26, True),
            ("Period", 170, 0, 26, False),
            ("Logo", 3000, 3000, 22, False),  # the PDF's 1fr above and below
            ("Author", 0, 0, 24, False),
            ("Unit", 227, 227, 28, True),
            ("Address", 0, 227, 20, False),
            ("Year", 0, 0, 28, True),
        )
    },
    # Table of contents: entries with a dotted right tab for the page number.
    **{
        f"TOC{level}": (
            f'<w:style w:type="paragraph" w:styleId="TOC{level}">'
            f'<w:name w:val="toc {level}" /><w:basedOn w:val="Normal" />'
            '<w:next w:val="Normal" /><w:uiPriority w:val="39" /><w:unhideWhenUsed />'
            f'<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH_TWIPS}" />'
            f'</w:tabs><w:spacing w:before="{120 if level == 1 else 0}" w:after="60" />'
            f'<w:ind w:left="{440 * (level - 1)}" w:right="567" /></w:pPr>'
            f"{'<w:rPr><w:b /><w:bCs /></w:rPr>' if level == 1 else ''}"
            "</w:style>"
        )
        for level in (1, 2, 3, 4)
    },
    # A paragraph that introduces a list (docx.lua): body text kept with the list's first item,
    # so that it never stays alone at the bottom of a page.
    "PengantarDaftar": (
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="PengantarDaftar">'
        '<w:name w:val="Pengantar Daftar" /><w:basedOn w:val="BodyText" /><w:qFormat />'
        "<w:pPr><w:keepNext /></w:pPr>"
        "</w:style>"
    ),
    # The DOCX-only note under "Daftar Isi" on how to refresh the page numbers.
    "CatatanDaftarIsi": (
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="CatatanDaftarIsi">'
        '<w:name w:val="Catatan Daftar Isi" /><w:basedOn w:val="Normal" />'
        '<w:pPr><w:spacing w:before="0" w:after="240" /><w:jc w:val="left" /></w:pPr>'
        '<w:rPr><w:i /><w:iCs /><w:color w:val="595959" /><w:sz w:val="18" />'
        '<w:szCs w:val="18" /></w:rPr>'
        "</w:style>"
    ),
    "Table": (
        '<w:style w:type="table" w:default="1" w:styleId="Table"><w:name w:val="Table" />'
        '<w:basedOn w:val="TableNormal" /><w:uiPriority w:val="59" /><w:qFormat />'
        '<w:rPr><w:sz w:val="20" /><w:szCs w:val="20" /></w:rPr>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa" />'
        "<w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080" />'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
        '<w:tblCellMar><w:top w:w="40" w:type="dxa" /><w:left w:w="100" w:type="dxa" />'
        '<w:bottom w:w="40" w:type="dxa" /><w:right w:w="100" w:type="dxa" /></w:tblCellMar>'
        "</w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b /><w:bCs /></w:rPr>'
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E8E8E8" />'
        '<w:vAlign w:val="bottom" /></w:tcPr></w:tblStylePr>'
        "</w:style>"
    ),
}


def _replace_style(styles: str, style_id: str, new: str) -> str:
    pattern = re.compile(
        r'<w:style\b[^>]*\bw:styleId="' + re.escape(style_id) + r'"[^>]*>.*?</w:style>', re.DOTALL
    )
    if not pattern.search(styles):
        return styles.replace("</w:styles>", new + "</w:styles>")
    return pattern.sub(lambda _m: new, styles, count=1)


def patch_styles(styles: str) -> str:
    """Return pandoc's ``styles.xml`` with the house fonts, sizes and styles."""
    styles = re.sub(
        r"(<w:rPrDefault>\s*<w:rPr>\s*)<w:rFonts [^>]*/>", lambda m: m.group(1) + FONTS, styles
    )
    styles = re.sub(
        r'(<w:rPrDefault>.*?)<w:sz w:val="\d+" />\s*<w:szCs w:val="\d+" />',
        lambda m: m.group(1) + '<w:sz w:val="22" /><w:szCs w:val="22" />',
        styles,
        count=1,
        flags=re.DOTALL,
    )
    styles = styles.replace('w:lang w:val="en-US"', 'w:lang w:val="id-ID"')
    for style_id, xml in STYLES.items():
        styles = _replace_style(styles, style_id, xml)
    # Character styles linked to headings/title still name the theme fonts; make them plain.
    styles = re.sub(r"<w:rFonts w:asciiTheme=\"majorHAnsi\"[^>]*/>", HEADING_FONTS, styles)
    styles = re.sub(
        r'<w:color w:val="[0-9A-F]{6}" w:themeColor="accent1"\s*w:themeShade="BF"\s*/>',
        '<w:color w:val="000000" />',
        styles,
    )
    return styles


def patch_settings(settings: str) -> str:
    """Return ``settings.xml`` with ``updateFields`` (in the schema's element order: before
    the footnote/endnote properties, compat and rsids)."""
    if "<w:updateFields" in settings:
        return settings
    flag = '<w:updateFields w:val="true" />'
    m = re.search(
        r"<w:(?:hdrShapeDefaults|footnotePr|endnotePr|compat|docVars|rsids|mathPr"
        r"|attachedSchema|themeFontLang|clrSchemeMapping)\b",
        settings,
    )
    at = m.start() if m else settings.index("</w:settings>")
    return settings[:at] + flag + settings[at:]


def patch_document(document: str) -> str:
    """Return ``document.xml`` with an empty body and the A4 section properties."""
    head = document[: document.index("<w:body>")]
    return head + "<w:body><w:p />" + SECT_PR + "</w:body></w:document>"


def build(output: Path = OUTPUT) -> Path:
    """Write the reference document to ``output`` and return its path."""
    pandoc = pypandoc.get_pandoc_path()
    with tempfile.TemporaryDirectory() as tmp:
        default = Path(tmp) / "default.docx"
        subprocess.run(
            [pandoc, "-o", str(default), "--print-default-data-file", "reference.docx"],
            check=True,
        )
        with zipfile.ZipFile(default) as zin:
            members = {info.filename: zin.read(info) for info in zin.infolist()}

    doc_ns = 'xmlns:r="' + R_NS + '"'
    document = members["word/document.xml"].decode("utf-8")
    if doc_ns not in document:
        document = document.replace("<w:document ", "<w:document " + doc_ns + " ", 1)
    members["word/document.xml"] = patch_document(document).encode("utf-8")
    members["word/styles.xml"] = patch_styles(members["word/styles.xml"].decode("utf-8")).encode(
        "utf-8"
    )
    members["word/settings.xml"] = patch_settings(
        members["word/settings.xml"].decode("utf-8")
    ).encode("utf-8")
    rels = members["word/_rels/document.xml.rels"].decode("utf-8")
    # Drop the sample hyperlink (http://example.com) of the default reference document.
    rels = re.sub(r"<Relationship [^>]*TargetMode=\"External\"[^>]*/>", "", rels)
    members["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", FOOTER_RELS + "</Relationships>"
    ).encode("utf-8")
    types = members["[Content_Types].xml"].decode("utf-8")
    members["[Content_Types].xml"] = types.replace("</Types>", FOOTER_TYPES + "</Types>").encode(
        "utf-8"
    )
    members["word/footer1.xml"] = FOOTER.encode("utf-8")
    members["word/footer2.xml"] = FOOTER_FIRST.encode("utf-8")

    order = ["[Content_Types].xml"] + sorted(m for m in members if m != "[Content_Types].xml")
    tmp_out = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(tmp_out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, members[name])
    tmp_out.replace(output)
    return output


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))
