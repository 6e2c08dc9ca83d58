"""Reusable builder of hostile exports: personal data planted in every free-text column, in
file names and in the obfuscated forms people type, and the check that none of it survives.

Used by tests/test_security_data.py and meant for the end-to-end hostile-corpus render: write
`write_pii_export(folder)` into a unit-year folder, run the pipeline, then
`assert_no_pii(paths)` over data/processed/ and the documents (their text, read as the
test reads them). `PII_NEEDLES` are the fragments that must never appear.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from skm.domain import DEFAULT_LABELS, UNSUR_CODES

#: Obfuscated forms of personal data, one per category (item 15 of issue 13 and friends).
OBFUSCATED: dict[str, list[str]] = {
    "email": [
        "budi.planted at gmail dot com",
        "budi.planted @ gmail . com",
        "budi.planted＠gmail．com",
        "BUDI.PLANTED [at] GMAIL [dot] COM",
        "budi.planted(at)gmail(dot)co(dot)id",
        "budi.planted@contoh.go.id",
        # Indonesian words and confusable letters (issue 13 audit)
        "budi.planted di gmail titik com",
        "budi.planted(di)gmail(titik)com",
        "budi.planted [di] gmail [titik] co [titik] id",
        "budi.planted di gmail.com",
        "BUDI.PLANTED DI YAHOO TITIK CO TITIK ID",
        "budi.planted di kaltimprov.go.id",
        "budi.planted@gm\u0430il.c\u03bfm",
        "budi.planted\uff20\uff47\uff4d\uff41\uff49\uff4c\uff0e\uff43\uff4f\uff4d",
    ],
    "phone": [
        "0812/7319/4455",
        "0812_7319_4455",
        "０８１２－７３１９－４４５５",
        "081273194455",
        "+62 812 7319 4455",
        "0812\u200b7319\u200b4455",
        "٠٨١٢٧٣١٩٤٤٥٥",
        "(0541) 7319445",
        "0812 - 7319 - 4455",
    ],
    "nik": [
        "6472051207900003",
        "6472 0512 0790 0003",
        "6472/0512/0790/0003",
        "6472_0512_0790_0003",
        "６４７２０５１２０７９００００３",
    ],
    "name": [
        "nama saya Sutiyoso Wirapranata",
        "atas nama Sutiyoso Wirapranata",
        "a.n. Sutiyoso Wirapranata",
        "Nama: Sutiyoso Wirapranata",
    ],
}

#: Fragments of the planted data that must not appear in any output (digits folded).
PII_NEEDLES: tuple[str, ...] = (
    "budi.planted",
    "7319",
    "4455",
    "0512",
    "0790",
    "Sutiyoso",
    "Wirapranata",
)

#: A file name carrying personal data.
PII_FILE_NAME = "Sutiyoso_081273194455.csv"

_FOLD = str.maketrans("０１２３４５６７８９٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def needles_in(text: str) -> list[str]:
    """The planted fragments found in `text` (full-width and Arabic-Indic digits folded,
    zero-width spaces removed, case ignored)."""
    folded = text.translate(_FOLD).replace("\u200b", "").casefold()
    return [n for n in PII_NEEDLES if n.casefold() in folded]


def pii_rows(headers: dict[str, str], ts: str = "13/02/2023 9:14:31") -> list[dict[str, str]]:
    """One export row per obfuscated form, in saran, layanan ('Lainnya: ...') and each
    demographic answer; every row has valid answers."""
    forms = [form for group in OBFUSCATED.values() for form in group]
    good = [DEFAULT_LABELS[code][2] for code in UNSUR_CODES]
    rows = []
    for i, form in enumerate(forms):
        row = {
            "timestamp": ts.replace("9:14:31", f"9:{14 + i // 60:02d}:{i % 60:02d}"),
            "saran": f"Pelayanan baik, hubungi {form} ya",
            "layanan": f"Lainnya: Sutiyoso {form}",
            "jenis_kelamin": "Laki-laki",
            "usia": form if i % 3 == 0 else "34",
            "pendidikan": f"Bapak Sutiyoso {form}" if i % 3 == 1 else "S1",
            "pekerjaan": f"Lainnya - {form}" if i % 3 == 2 else "PNS",
        }
        row.update(dict(zip(UNSUR_CODES, good, strict=True)))
        rows.append(row)
    return rows


def write_pii_export(folder: Path, headers: dict[str, str], name: str = PII_FILE_NAME) -> Path:
    """A CSV export named `name` in `folder` with `pii_rows` (headers: field -> header text;
    an unmapped 'Nama' and 'Email' column carry personal data as well)."""
    fields = [
        "timestamp",
        "layanan",
        "jenis_kelamin",
        "usia",
        "pendidikan",
        "pekerjaan",
        *UNSUR_CODES,
        "saran",
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Nama", "Email", *[headers[f] for f in fields]])
    for row in pii_rows(headers):
        writer.writerow(
            ["Sutiyoso Wirapranata", "budi.planted@gmail.com", *[row[f] for f in fields]]
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def assert_no_pii(paths: list[Path], texts: dict[str, str] | None = None) -> None:
    """No planted fragment in any of `paths` (read as UTF-8 text, binary files as Latin-1)
    nor in `texts` (name -> extracted document text)."""
    found = {}
    for path in paths:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        hits = needles_in(text)
        if hits:
            found[str(path)] = hits
    for name, text in (texts or {}).items():
        hits = needles_in(text)
        if hits:
            found[name] = hits
    assert not found, found


# --------------------------------------------------------------------------- styled XLSX


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def styled_xlsx(path: Path, header: list[str], rows: list[list[str]], width: int = 16_384) -> Path:
    """An XLSX whose every row carries styled empty cells up to column `width` (XFD), as
    a sheet formatted "to the end" is saved; values are inline strings."""
    letters = [_column_letter(i) for i in range(1, width + 1)]

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def row_xml(number: int, values: list[str]) -> str:
        cells = [
            f'<c r="{letters[i]}{number}" t="inlineStr"><is><t>{esc(v)}</t></is></c>'
            for i, v in enumerate(values)
        ]
        cells += [f'<c r="{letters[i]}{number}" s="1"/>' for i in range(len(values), width)]
        return f'<row r="{number}">{"".join(cells)}</row>'

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
        + row_xml(1, header)
        + "".join(row_xml(i + 2, r) for i, r in enumerate(rows))
        + "</sheetData></worksheet>"
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{ct}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
            f' ContentType="{ct}.worksheet+xml"/><Override PartName="/xl/styles.xml" '
            f'ContentType="{ct}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
            f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}">'
            '<sheets><sheet name="Form Responses 1" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
            f'Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
            f'Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{ns}"><fonts count="1">'
            '<font><sz val="11"/></font></fonts><fills count="3"><fill><patternFill '
            'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill>'
            '<patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill>'
            '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
            '</cellStyleXfs><cellXfs count="2"><xf/><xf fillId="2" applyFill="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def oversized_zip(members: dict[str, bytes], claimed: int) -> bytes:
    """A zip whose central directory claims `claimed` uncompressed bytes for its first member
    (as a zip bomb's does), its data small."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = bytearray(buffer.getvalue())
    entry = data.index(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = claimed.to_bytes(4, "little")
    return bytes(data)
