"""The ingest's fields, limits and message helpers: which mapped fields are required, optional or
categories, the bounds one export may ask for, the funnel stages, and the small text helpers the
ingest's Indonesian messages share (quoting, cutting to length, thousands)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from skm.domain import DEMOGRAPHIC_FIELDS, UNSUR_CODES, UNSUR_NAMES
from skm.errors import SkmInputError
from skm.ingest.redact import redact_answer
from skm.ingest.settings import normalise_text

CATEGORY_FIELDS: tuple[str, ...] = ("layanan", *DEMOGRAPHIC_FIELDS)


#: Rows of each sheet searched for the header row of an xlsx export.
HEADER_SCAN_ROWS = 30
#: Bounds of the work one export may ask for. Columns: header cells read (an XLSX row may
#: carry 16,384 styled empty cells; cells right of the last mapped column are never read).
#: Rows: data rows per export. Characters: a saran longer than MAX_SARAN_CHARS, or a
#: layanan/demographic answer longer than MAX_ANSWER_CHARS, is cut there with a marker
#: (counted in quality.json `truncated`); a rejected cell is quoted to MAX_QUOTED_CHARS.
MAX_COLUMNS = 1_000
MAX_ROWS = 2_000_000
MAX_SARAN_CHARS = 150_000
MAX_ANSWER_CHARS = 200
MAX_QUOTED_CHARS = 200

#: Funnel stage of each reason code; a row counts once, by FUNNEL_PRIORITY.
FUNNEL_STAGE: dict[str, str] = {
    "timestamp_unparseable": "tidak_valid",
    "answer_invalid": "tidak_valid",
    "no_answers": "tidak_valid",
    "timestamp_out_of_period": "di_luar_periode",
    "duplicate": "duplikat",
}
FUNNEL_PRIORITY: tuple[str, ...] = ("tidak_valid", "di_luar_periode", "duplikat")


DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


FIELD_LABELS = {
    "timestamp": "stempel waktu (timestamp)",
    "layanan": "jenis layanan",
    "jenis_kelamin": "jenis kelamin",
    "usia": "usia",
    "pendidikan": "pendidikan",
    "pekerjaan": "pekerjaan",
    "saran": "saran",
    **{code: f"{code} ({UNSUR_NAMES[code]})" for code in UNSUR_CODES},
}


def category_key(value: object) -> str:
    """Key for matching category labels: `normalise_text`, one kind of dash, no spaces
    around '-' or '/' or after '<'/'>', and >=/<= for the symbols."""
    text = normalise_text(value).translate(DASHES).replace("≥", ">=").replace("≤", "<=")
    text = re.sub(r"([<>]=?)\s*", r"\1", text)
    return re.sub(r"\s*([-/])\s*", r"\1", text)


def quoted(texts: Iterable[str]) -> str:
    items = [f"'{' '.join(str(t).split())}'" for t in texts]
    return ", ".join(items) if items else "(tidak ada)"


def quoted_headers(headers: Iterable[str]) -> str:
    """The texts of a row known to be a header row, each redacted and at most 80 characters
    (blank cells left out); for error messages."""
    shown = []
    for text in headers:
        text = " ".join(str(text).split())
        if not text:
            continue
        text = redact_answer(text)[0]
        shown.append(text if len(text) <= 80 else text[:79] + "…")
    return quoted(shown)


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut to `limit` characters with a marker saying how much was left out."""
    if len(text) <= limit:
        return text, False
    left = len(text) - limit
    return f"{text[:limit]} … [dipotong: {left:,} karakter tidak dimuat]".replace(",", "."), True


def too_many_rows(path: Path) -> SkmInputError:
    return SkmInputError(
        f"lebih dari {MAX_ROWS:,} baris data dalam satu file; ".replace(",", ".")
        + "pisahkan ekspornya per periode (misalnya per semester) menjadi beberapa file di "
        "folder yang sama, lalu jalankan lagi. (Too many rows.)",
        file=str(path),
    )


def thousands(value: int) -> str:
    """1234 -> '1.234' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")
