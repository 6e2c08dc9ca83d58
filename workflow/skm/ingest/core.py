"""Read and validate one unit-year's Google Form exports into the clean responses table.

`ingest` reads every export (CSV or XLSX) of a unit-year, keeps only the mapped columns (names,
e-mail addresses and other unmapped columns are dropped at read time and never reach any
output), checks every row and returns an `IngestResult`:

- ``responses``: one PII-free row per scored response (the `skm.scoring.tables.Responses` contract);
- ``rejected``: one line per problem found (the `skm.scoring.tables.Rejected` contract);
- ``quality``: the data-quality figures (funnel, reasons, item non-response, how each file
  was read).

Structural problems (no export, unreadable or empty file, a required column missing, a
duplicated header, contradictory day/month order) stop the unit with one `SkmInputError`.
Row problems (unreadable or out-of-period timestamp, invalid answer, no answer at all, exact
duplicate) reject the row. Work is vectorised: values are normalised once per distinct value
(Arrow dictionary encoding, then map), never in a Python loop over the rows; columns are
kept as Arrow arrays, and the pure array work (encoding, building output columns) runs on two
worker threads while the calling thread validates and parses. A million-row export takes
about three times a plain `pandas.read_csv` of it (bench/bench_ingest.py).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pandas.util import hash_array

from skm.contracts import write_quality
from skm.domain import UNSUR_CODES, UNSUR_NAMES, round_half_up
from skm.errors import SkmInputError
from skm.ingest.redact import file_label, redact, redact_answer, redact_series
from skm.ingest.settings import normalise_text
from skm.ingest.timestamps import (
    EXAMPLES,
    TimestampColumn,
    format_date_id,
    format_local_arrow,
    order_text,
    parse_timestamps,
)
from skm.io import atomic_write_bytes
from skm.scoring.tables import (
    DEMOGRAPHIC_FIELDS,
    MAPPED_FIELDS,
    REASON_CODES,
    REJECTED_COLUMNS,
    RESPONSE_COLUMNS,
    RawResponses,
    Rejected,
    Responses,
    layanan_column,
    write_csv_bytes,
)

REQUIRED_FIELDS: tuple[str, ...] = ("timestamp", *UNSUR_CODES)
OPTIONAL_FIELDS: tuple[str, ...] = ("layanan", *DEMOGRAPHIC_FIELDS, "saran")
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

_HEAD_BYTES = 1 << 20
#: Worker threads for the pure array work of `ingest` (the calling thread works as well).
_WORKERS = 2
_STR = pd.StringDtype("pyarrow", na_value=np.nan)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_QUOTE_OR_EOL = re.compile(rb'["\r\n]')
_DIGIT_ANSWER = re.compile(r"([1-4])(?:[.,]0+)?")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_YEARS = r"\s*(?:tahun|thn|th)?\.?"
#: An age ("34", "34 tahun", "34.0"), a range ("20-29 tahun"), or an open range ("> 60",
#: ">= 60", "60+", "60 tahun ke atas", "< 20").
_AGE = re.compile(r"(?P<age>\d{1,3})(?:[.,]0+)?" + _YEARS)
_AGE_RANGE = re.compile(r"(?P<low>\d{1,3})-(?P<high>\d{1,3})" + _YEARS)
_AGE_OVER = re.compile(
    r"(?:(?P<op>>=?)(?P<a>\d{1,3})"
    + _YEARS
    + r"|(?P<b>\d{1,3})(?:\+|"
    + _YEARS
    + r"\s*(?:ke ?atas|lebih)))"
)
_AGE_UNDER = re.compile(r"(?:<|kurang dari)\s*(?P<age>\d{1,3})" + _YEARS)
_FIELD_LABELS = {
    "timestamp": "stempel waktu (timestamp)",
    "layanan": "jenis layanan",
    "jenis_kelamin": "jenis kelamin",
    "usia": "usia",
    "pendidikan": "pendidikan",
    "pekerjaan": "pekerjaan",
    "saran": "saran",
    **{code: f"{code} ({UNSUR_NAMES[code]})" for code in UNSUR_CODES},
}


@dataclass
class IngestResult:
    """What `ingest` returns: the clean table, the rejected lines and the quality figures."""

    responses: pd.DataFrame
    rejected: pd.DataFrame
    quality: dict


# --------------------------------------------------------------------------- text helpers


def category_key(value: object) -> str:
    """Key for matching category labels: `normalise_text`, one kind of dash, no spaces
    around '-' or '/' or after '<'/'>', and >=/<= for the symbols."""
    text = normalise_text(value).translate(_DASHES).replace("≥", ">=").replace("≤", "<=")
    text = re.sub(r"([<>]=?)\s*", r"\1", text)
    return re.sub(r"\s*([-/])\s*", r"\1", text)


def _quoted(texts: Iterable[str]) -> str:
    items = [f"'{' '.join(str(t).split())}'" for t in texts]
    return ", ".join(items) if items else "(tidak ada)"


def _quoted_headers(headers: Iterable[str]) -> str:
    """The texts of a row known to be a header row, each redacted and at most 80 characters
    (blank cells left out); for error messages."""
    shown = []
    for text in headers:
        text = " ".join(str(text).split())
        if not text:
            continue
        text = redact_answer(text)[0]
        shown.append(text if len(text) <= 80 else text[:79] + "…")
    return _quoted(shown)


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut to `limit` characters with a marker saying how much was left out."""
    if len(text) <= limit:
        return text, False
    left = len(text) - limit
    return f"{text[:limit]} … [dipotong: {left:,} karakter tidak dimuat]".replace(",", "."), True


def _too_many_rows(path: Path) -> SkmInputError:
    return SkmInputError(
        f"lebih dari {MAX_ROWS:,} baris data dalam satu file; ".replace(",", ".")
        + "pisahkan ekspornya per periode (misalnya per semester) menjadi beberapa file di "
        "folder yang sama, lalu jalankan lagi. (Too many rows.)",
        file=str(path),
    )


# --------------------------------------------------------------------------- header mapping


@dataclass(frozen=True)
class HeaderMap:
    """The columns mapping of the settings: normalised header text -> field."""

    fields: dict[str, str]
    expected: dict[str, list[str]]

    @classmethod
    def from_columns(cls, columns: dict[str, str]) -> HeaderMap:
        """Build from settings["columns"] (header text -> field)."""
        fields: dict[str, str] = {}
        expected: dict[str, list[str]] = {}
        for header, name in columns.items():
            fields.setdefault(normalise_text(header), name)
            expected.setdefault(name, []).append(header)
        return cls(fields, expected)

    def locate(
        self,
        headers: list[str],
        file: str,
        where: str = "",
        holds_timestamps: Callable[[int], bool] | None = None,
    ) -> dict[str, int]:
        """Position of each mapped field among `headers`; structural problems raise.

        A header may be used both as a time column of the form and as a question's title
        (Microsoft Forms' "Waktu penyelesaian" and a U3 titled "Waktu Penyelesaian"), so when
        a field is found in several columns, the columns' content decides where it can
        (`holds_timestamps(position)`: the first data rows are date-times): of several
        timestamp columns only those holding timestamps are kept; when no timestamp column is
        left and exactly one of several same-titled columns holds timestamps, it is the
        timestamp and the other is the question.
        """
        found: dict[str, list[int]] = {}
        for pos, header in enumerate(headers):
            name = self.fields.get(normalise_text(header))
            if name is not None:
                found.setdefault(name, []).append(pos)
        if holds_timestamps is not None:
            _by_content(found, headers, holds_timestamps)
        for name, positions in found.items():
            if len(positions) < 2:
                continue
            texts = [" ".join(str(headers[p]).split()) for p in positions]
            numbers = ", ".join(f"ke-{p + 1}" for p in positions)
            if len({normalise_text(t) for t in texts}) == 1:
                message = (
                    f"judul kolom '{texts[0]}' muncul {len(positions)} kali{where} "
                    f"(kolom {numbers}), jadi tidak jelas kolom mana yang berisi "
                    f"{_FIELD_LABELS[name]}. Hapus atau ganti nama kolom yang berlebih. "
                    "(Duplicated header.)"
                )
            else:
                message = (
                    f"kolom {_quoted(texts)}{where} (kolom {numbers}) sama-sama dipetakan ke "
                    f"{_FIELD_LABELS[name]}; sebuah file hanya boleh memuat satu di antaranya. "
                    "Hapus kolom yang berlebih atau perbaiki pemetaan `columns`. "
                    "(Two headers map to the same field.)"
                )
            raise SkmInputError(message, file=file, column=texts[1])
        missing = [name for name in REQUIRED_FIELDS if name not in found]
        if missing:
            lines = "\n".join(
                f"  - {_FIELD_LABELS[name]}: judul yang dikenali "
                f"{_quoted(self.expected.get(name, []))}"
                for name in missing
            )
            filled = sum(1 for h in headers if str(h).strip())
            if found:
                # A header row (some titles are known): its other titles are shown, redacted.
                seen = f"Judul kolom yang ada di file: {_quoted_headers(headers)}."
            else:
                # Nothing known: the first row may be an answer (an export without its
                # header row, or not an export at all), so its cells are not quoted.
                seen = (
                    f"Baris pertama file ({filled} sel terisi) tidak memuat satu pun judul "
                    "kolom yang dikenali, jadi isinya tidak dikutip di sini (bisa berupa "
                    "baris jawaban berisi data pribadi); buka file untuk memeriksanya. Jika "
                    "baris judulnya terhapus, unduh ulang ekspornya."
                )
            raise SkmInputError(
                f"kolom wajib tidak ditemukan{where}:\n{lines}\n{seen}\n"
                "Jika judul pertanyaan di formulir diubah, tambahkan judul barunya ke `columns` "
                "di unit.yaml (atau config.yaml); jika file bukan ekspor SKM, keluarkan dari "
                "folder. (Required column missing.)",
                file=file,
            )
        return {name: positions[0] for name, positions in found.items()}


def _by_content(
    found: dict[str, list[int]], headers: list[str], holds_timestamps: Callable[[int], bool]
) -> None:
    """`HeaderMap.locate`'s decision by content, in place on field -> positions."""
    stamps = found.get("timestamp", [])
    if len(stamps) > 1:
        kept = [pos for pos in stamps if holds_timestamps(pos)]
        if kept:
            found["timestamp"] = kept  # the others are not read: no field claims them
    if "timestamp" in found:
        return
    for name, positions in list(found.items()):
        titles = {normalise_text(headers[pos]) for pos in positions}
        if len(positions) < 2 or len(titles) > 1:
            continue
        timed = [pos for pos in positions if holds_timestamps(pos)]
        if len(timed) == 1:
            found["timestamp"] = timed
            found[name] = [pos for pos in positions if pos != timed[0]]
            return


#: Data rows looked at to tell whether a column holds timestamps (`HeaderMap.locate`).
PROBE_ROWS = 20


def _timestamp_share(values: list[object]) -> bool:
    """Whether nine in ten of the non-blank `values` (at least one) are timestamps: date-time
    cells, or text that `parse_timestamps` reads."""
    cells = [v for v in values if v is not None and str(v).strip()]
    if not cells:
        return False
    texts = []
    hits = 0
    for value in cells:
        if isinstance(value, (dt.datetime, dt.date)):
            hits += 1
        elif isinstance(value, str):
            texts.append(value)
    if texts:
        try:
            hits += int(parse_timestamps(texts, utc_offset_hours=7).ok.sum())
        except SkmInputError:  # both day/month orders in one column: still timestamps
            hits += len(texts)
    return hits * 10 >= len(cells) * 9


def _csv_probe(text: str, delimiter: str, truncated: bool) -> Callable[[int], bool]:
    """`holds_timestamps` for a CSV from its first decoded bytes."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        records = []
    rows = records[1:-1] if truncated else records[1:]
    rows = rows[:PROBE_ROWS]

    def probe(pos: int) -> bool:
        return _timestamp_share([r[pos] if pos < len(r) else "" for r in rows])

    return probe


# --------------------------------------------------------------------------- reading exports


@dataclass
class _Export:
    """One export as read: mapped fields as text (Arrow string arrays, in file order; a
    missing cell may be null), spreadsheet row numbers, how it was read."""

    path: Path
    columns: dict[str, pa.ChunkedArray]
    raw_rows: np.ndarray
    headers: dict[str, str]
    info: dict[str, Any]
    excel_datetime: np.ndarray | None = None
    #: How rejected.csv names a member of a zip (``file.zip/member.csv``), and the zip.
    label: str | None = None
    archive: Path | None = None

    @property
    def name(self) -> str:
        """The file as processed data, quality.json and documents name it: its name without
        directory (``file.zip/member.csv`` for a member of a zip), redacted with a SHA-256
        prefix (of the file, or of the zip that holds it) when it holds personal data."""
        return file_label(self.label or self.path.name, self.digest())

    def digest(self) -> str | None:
        """Start of the file's SHA-256, computed once, only when its name needs it."""
        if not hasattr(self, "_digest"):
            from skm.ingest.redact import file_digest, redact_name

            shown = self.label or self.path.name
            hit = any(redact_name(part)[1] for part in shown.split("/"))
            self._digest = file_digest(self.archive or self.path) if hit else None
        return self._digest


def read_export(path: Path | str, headers: HeaderMap) -> _Export:
    """Read one export (CSV or XLSX, told apart by content) keeping only mapped columns."""
    exports = read_exports(path, headers)
    if len(exports) != 1:
        raise SkmInputError(
            f"berisi {len(exports)} file ekspor; baca dengan read_exports", file=str(path)
        )
    return exports[0]


def read_exports(path: Path | str, headers: HeaderMap) -> list[_Export]:
    """Read one downloaded file: a CSV or XLSX export, or a .zip holding such exports (as
    Google Forms' "Download responses (.csv)" gives ``<form title>.csv.zip``), each member
    read in memory. An XLSX (itself a zip) is told from a zip of exports by its
    ``[Content_Types].xml``."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise SkmInputError("file tidak ditemukan", file=str(path)) from None
    except OSError as exc:
        raise SkmInputError(f"file tidak dapat dibuka ({exc.strerror})", file=str(path)) from None
    if is_zip_of_exports(path, head):
        exports = []
        for member_path, data in zip_exports(path):
            export = _read_bytes(member_path, data[:_HEAD_BYTES], headers, data)
            export.label = f"{path.name}/{member_path.relative_to(path).as_posix()}"
            export.archive = path
            exports.append(export)
        return exports
    return [_read_bytes(path, head, headers)]


def _read_bytes(path: Path, head: bytes, headers: HeaderMap, data: bytes | None = None) -> _Export:
    """One export from its first bytes (and all of them when it is held in memory)."""
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, headers, data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SkmInputError(
            "format Excel lama (.xls) tidak didukung; buka file lalu simpan sebagai .xlsx, "
            "atau unduh ulang hasil survei sebagai .csv",
            file=str(path),
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise SkmInputError(
            "berkas bernama .xlsx tetapi isinya bukan berkas Excel yang sah (mungkin rusak "
            "atau terpotong); unduh ulang hasil ekspor",
            file=str(path),
        )
    return _read_csv(path, head, headers, data)


#: Limits of a zip of exports (a Forms download holds one CSV; a unit may zip a few).
ZIP_MAX_MEMBERS = 50
ZIP_MAX_BYTES = 1 << 30  # uncompressed, all members together
EXPORT_SUFFIXES = (".csv", ".xlsx")


def _is_xlsx(path: Path | io.BytesIO) -> bool:
    """True when the zip is an Office Open XML workbook (it has ``[Content_Types].xml``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # not a readable zip: the xlsx reader says why


def _zip_kind(path: Path) -> str:
    """ "xlsx" (a workbook: it has ``[Content_Types].xml``), "exports" (a zip of exports) or
    "bad" (not a readable zip: a damaged workbook or download)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xlsx" if "[Content_Types].xml" in archive.namelist() else "exports"
    except (zipfile.BadZipFile, OSError, ValueError):
        return "bad"


def is_zip_of_exports(path: Path, head: bytes) -> bool:
    """Whether the file (whose first bytes are `head`) is read as a zip of exports: a zip
    without ``[Content_Types].xml``, or a damaged zip named ``.zip`` (`zip_exports` says
    why it cannot be read); a workbook is not."""
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return False
    kind = _zip_kind(path)
    return kind == "exports" or (kind == "bad" and path.suffix.lower() == ".zip")


def skipped_member(name: str) -> bool:
    """Whether a zip member is the metadata a Mac adds when it zips files (the ``__MACOSX/``
    folder, AppleDouble ``._<name>`` files, ``.DS_Store``): never read, never an export."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and (
        parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] == ".DS_Store"
    )


def _zip_infos(path: Path) -> list[zipfile.ZipInfo]:
    """The export members of a zip of exports, checked: paths, count, size, kind by name
    (Mac metadata skipped: `skipped_member`)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SkmInputError(
            f"berkas zip tidak dapat dibuka ({exc}); unduh ulang hasil ekspor", file=str(path)
        ) from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise SkmInputError(
                f"berkas zip memuat jalur yang tidak aman '{name}' (keluar dari folder zip); "
                "file ini tidak dibaca. Unduh ulang hasil ekspor dari formulir",
                file=str(path),
            )
    infos = [info for info in infos if not skipped_member(info.filename)]
    if not infos:
        raise SkmInputError(
            "berkas zip kosong (tidak ada file ekspor di dalamnya); unduh ulang hasil ekspor",
            file=str(path),
        )
    if len(infos) > ZIP_MAX_MEMBERS:
        raise SkmInputError(
            f"berkas zip berisi {len(infos)} file, lebih dari batas {ZIP_MAX_MEMBERS}; ekstrak "
            "dan taruh file ekspor (.csv atau .xlsx) langsung di folder tahun",
            file=str(path),
        )
    total = sum(info.file_size for info in infos)
    if total > ZIP_MAX_BYTES:
        raise SkmInputError(
            f"isi berkas zip {total:,} bita setelah diekstrak, lebih dari batas "
            f"{ZIP_MAX_BYTES:,} bita; periksa apakah ini benar hasil unduhan formulir".replace(
                ",", "."
            ),
            file=str(path),
        )
    for info in infos:
        name = info.filename
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".zip":
            raise SkmInputError(
                f"berkas zip berisi zip lain ('{name}'); ekstrak zip di dalamnya dan taruh file "
                "ekspornya (.csv atau .xlsx) langsung di folder tahun",
                file=str(path),
            )
        if suffix not in EXPORT_SUFFIXES:
            raise SkmInputError(
                f"berkas zip berisi '{name}', yang bukan file ekspor .csv atau .xlsx; keluarkan "
                "file itu dari zip atau ekstrak file ekspornya ke folder tahun",
                file=str(path),
            )
    return sorted(infos, key=lambda info: info.filename)


def zip_exports(path: Path) -> Iterator[tuple[Path, bytes]]:
    """(path shown as ``file.zip/member.csv``, bytes) of every export member of a zip of
    exports, checked (`_zip_infos`) and read in memory within ZIP_MAX_BYTES. The ingest and
    `skm init` both read zips through it."""
    infos = _zip_infos(path)
    budget = ZIP_MAX_BYTES
    with zipfile.ZipFile(path) as archive:
        for info in infos:
            shown = path / info.filename
            try:
                with archive.open(info) as fh:
                    data = fh.read(budget + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError) as exc:
                raise SkmInputError(
                    f"file '{info.filename}' di dalam zip tidak dapat dibaca "
                    f"({exc}); unduh ulang hasil ekspor",
                    file=str(path),
                ) from None
            budget -= len(data)
            if budget < 0:
                raise SkmInputError(
                    f"isi berkas zip lebih dari batas {ZIP_MAX_BYTES:,} bita setelah "
                    "diekstrak".replace(",", "."),
                    file=str(path),
                )
            if data.startswith(b"PK\x03\x04") and not _is_xlsx(io.BytesIO(data)):
                raise SkmInputError(
                    f"berkas zip berisi zip lain ('{info.filename}'); ekstrak dan taruh file "
                    "ekspornya langsung di folder tahun",
                    file=str(path),
                )
            yield shown, data


def zip_members(path: Path | str) -> list[dict]:
    """[{name, bytes, sha256}] of the export members of a zip of exports (for the manifest);
    [] for an XLSX or a zip that cannot be read as one."""
    import hashlib

    path = Path(path)
    try:
        if _is_xlsx(path):
            return []
        out = []
        for shown, data in zip_exports(path):
            out.append(
                {
                    "name": shown.relative_to(path).as_posix(),
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        return out
    except SkmInputError:
        return []


def _source(path: Path, data: bytes | None) -> Path | io.BytesIO:
    """What the readers open: the file, or its bytes when it is a member of a zip."""
    return path if data is None else io.BytesIO(data)


def _check_width(path: Path, header: list[str]) -> None:
    """A header row of more than MAX_COLUMNS filled cells is not a form export."""
    filled = sum(1 for h in header if h.strip())
    if filled > MAX_COLUMNS:
        raise SkmInputError(
            f"baris judul memuat {filled:,} kolom terisi, ".replace(",", ".")
            + f"lebih dari batas {MAX_COLUMNS:,} kolom".replace(",", ".")
            + "; ini bukan ekspor formulir SKM yang wajar. Unduh ulang hasil ekspor dari "
            "Google Forms/Sheets, atau keluarkan file ini dari folder. (Too many columns.)",
            file=str(path),
        )


def _record_end(data: bytes) -> int:
    """Offset of the end of the first CSV record (first line break outside quotes)."""
    in_quotes = False
    for match in _QUOTE_OR_EOL.finditer(data):
        if match.group() == b'"':
            in_quotes = not in_quotes
        elif not in_quotes:
            return match.start()
    return len(data)


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV header line: the most frequent of , ; tab outside quotes."""
    counts = {",": 0, ";": 0, "\t": 0}
    in_quotes = False
    for char in header:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _read_csv(path: Path, head: bytes, headers: HeaderMap, data: bytes | None = None) -> _Export:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _read_csv_utf16(path, head, headers, data)
    bom = head.startswith(codecs.BOM_UTF8)
    body = head[len(codecs.BOM_UTF8) :] if bom else head
    if not body.strip():
        raise SkmInputError(
            "file kosong (tidak ada judul kolom maupun data); unduh ulang hasil ekspor dari "
            "Google Forms/Sheets. (Empty file.)",
            file=str(path),
        )
    header_text, encoding = _decode(body[: _record_end(body)])
    delimiter = sniff_delimiter(header_text)
    try:
        header = next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise SkmInputError(
            f"baris judul kolom tidak dapat dibaca ({exc})", file=str(path)
        ) from None
    _check_width(path, header)

    def probe(pos: int) -> bool:
        return _csv_probe(_decode(body)[0], delimiter, len(head) >= _HEAD_BYTES)(pos)

    positions = headers.locate(header, str(path), holds_timestamps=probe)
    order = sorted(positions.items(), key=lambda item: item[1])
    arrays = None
    if encoding == "utf-8":
        arrays = _read_csv_fast(path, delimiter, header, [pos for _, pos in order], bom, data)
    if arrays is None and encoding == "utf-8":
        arrays = _read_csv_arrow(path, delimiter, len(header), [pos for _, pos in order], data)
    if arrays is None:
        frame, encoding = _read_csv_pandas(
            path, delimiter, [pos for _, pos in order], encoding, data
        )
        arrays = [_arrow_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
    columns = {name: values for (name, _), values in zip(order, arrays, strict=True)}
    if len(arrays[0]) > MAX_ROWS:
        raise _too_many_rows(path)
    if encoding == "utf-8" and bom:
        encoding = "utf-8-sig"
    info = {"encoding": encoding, "delimiter": delimiter, "sheet": None, "header_row": 1}
    return _Export(
        path=path,
        columns=columns,
        raw_rows=np.arange(2, len(arrays[0]) + 2, dtype=np.int64),
        headers={name: header[pos].strip() for name, pos in order},
        info=info,
    )


def _read_csv_utf16(
    path: Path, head: bytes, headers: HeaderMap, data: bytes | None = None
) -> _Export:
    """A UTF-16 export with its byte-order mark (Excel's "Unicode Text", tab-separated).

    Rare and small in practice, so it takes the plain pandas reader; rows and columns are
    numbered exactly as for any other CSV.
    """
    text = head[: len(head) - len(head) % 2].decode("utf-16", errors="ignore")
    if not text.strip():
        raise SkmInputError(
            "file kosong (tidak ada judul kolom maupun data); unduh ulang hasil ekspor dari "
            "Google Forms/Sheets. (Empty file.)",
            file=str(path),
        )
    header_text = text.encode("utf-8")[: _record_end(text.encode("utf-8"))].decode("utf-8")
    delimiter = sniff_delimiter(header_text)
    header = next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delimiter), [])
    _check_width(path, header)
    positions = headers.locate(
        header, str(path), holds_timestamps=_csv_probe(text, delimiter, len(head) >= _HEAD_BYTES)
    )
    order = sorted(positions.items(), key=lambda item: item[1])
    frame, encoding = _read_csv_pandas(path, delimiter, [pos for _, pos in order], "utf-16", data)
    arrays = [_arrow_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return _Export(
        path=path,
        columns={name: values for (name, _), values in zip(order, arrays, strict=True)},
        raw_rows=np.arange(2, len(arrays[0]) + 2, dtype=np.int64),
        headers={name: header[pos].strip() for name, pos in order},
        info={"encoding": encoding, "delimiter": delimiter, "sheet": None, "header_row": 1},
    )


def _arrow_text(series: pd.Series) -> pa.ChunkedArray:
    """A text column read by pandas as an Arrow string array (missing cells null)."""
    values = series.astype(_STR).array.__arrow_array__()
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    return values.cast(pa.large_string())


def _read_csv_fast(
    path: Path,
    delimiter: str,
    header: list[str],
    positions: list[int],
    bom: bool,
    data: bytes | None = None,
) -> list[pa.ChunkedArray] | None:
    """Fastest path: pandas' C reader (parallel on large files) into Arrow strings, every
    column kept as text (the unmapped ones are dropped straight away).

    It reads records exactly as `_read_csv_arrow` does when that one succeeds, and as
    `_read_csv_pandas` does otherwise (the same C tokenizer; short records and blank lines
    padded with ""). Returns None, leaving the file to those two, when the text is not
    UTF-8, a record is longer than the header, or the first record does not read as `header`.
    """
    width = len(header)
    names = [f"c{i}" for i in range(width)]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(
                _source(path, data),
                sep=delimiter,
                header=None,
                names=names,
                dtype=pd.ArrowDtype(pa.large_string()),
                na_filter=False,
                skip_blank_lines=False,
                encoding="utf-8-sig" if bom else "utf-8",
                engine="c",
                quotechar='"',
                doublequote=True,
                escapechar=None,
            )
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        ValueError,
        UnicodeError,
        OverflowError,
        OSError,
        csv.Error,
    ):
        return None
    if (
        caught
        or len(frame) == 0
        or list(frame.columns) != names
        or not isinstance(frame.index, pd.RangeIndex)
    ):
        return None
    columns = [frame[name].array.__arrow_array__() for name in names]
    if any(not pa.types.is_large_string(c.type) or c.null_count for c in columns):
        return None
    if [c[0].as_py() for c in columns] != header:
        return None
    return [columns[pos].slice(1) for pos in positions]


def _read_csv_arrow(
    path: Path, delimiter: str, width: int, positions: list[int], data: bytes | None = None
) -> list[pa.ChunkedArray] | None:
    """Fast path (pyarrow's multi-threaded reader) for regular UTF-8 files.

    Returns None, so that `_read_csv_pandas` reads the file, whenever a record does not have
    exactly one field per header (the pandas reader then pads or ignores like a spreadsheet)
    or the text is not valid UTF-8. Blank lines are kept as empty records, so row numbers
    are those of the spreadsheet.
    """
    names = [f"c{i}" for i in range(width)]
    wanted = [names[pos] for pos in positions]
    try:
        # Memory-mapped: the parser reads the page cache in place instead of copying the
        # whole file through read() calls.
        with pa.memory_map(str(path)) if data is None else pa.BufferReader(data) as source:
            table = pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(column_names=names),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types=dict.fromkeys(wanted, pa.large_string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
    except (pa.ArrowException, ValueError, UnicodeError, OSError):
        return None  # a record with too few/many fields, or text that is not UTF-8
    if table.num_rows == 0:
        return None
    table = table.slice(1)  # the header record
    return [table.column(name) for name in wanted]


def _read_csv_pandas(
    path: Path, delimiter: str, positions: list[int], encoding: str, data: bytes | None = None
) -> tuple[pd.DataFrame, str]:
    """Read with pandas' C engine, everything as text, trying UTF-8, cp1252 then Latin-1."""
    candidates = ["utf-8", "cp1252", "latin-1"] if encoding != "utf-16" else ["utf-16"]
    for candidate in candidates[candidates.index(encoding) :]:
        try:
            frame = pd.read_csv(
                _source(path, data),
                sep=delimiter,
                header=0,
                usecols=positions,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                encoding=candidate,
                engine="c",
                quotechar='"',
                doublequote=True,
            )
        except UnicodeDecodeError:
            continue
        except (
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
            ValueError,
            csv.Error,
            OverflowError,
        ) as exc:
            raise SkmInputError(
                f"file tidak dapat dibaca sebagai CSV ({str(exc).strip()}); periksa apakah "
                "ada tanda kutip yang tidak ditutup, atau unduh ulang hasil ekspor. "
                "(Unreadable CSV.)",
                file=str(path),
            ) from None
        return frame, candidate
    raise SkmInputError("pengodean karakter file tidak dikenali", file=str(path))


def _cell_text(value: object) -> str:
    """Text of an xlsx cell as a spreadsheet shows it (numbers keep a '.0' if float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _excel_timestamp(value: object, epoch: dt.datetime) -> tuple[str, bool]:
    """Timestamp cell as ISO text; True when it was a real date-time (or date serial)."""
    from openpyxl.utils.datetime import from_excel

    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958465:
        value = from_excel(value, epoch)
    if isinstance(value, dt.datetime):
        if value.microsecond:
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return value.strftime("%Y-%m-%d %H:%M:%S"), True
    if isinstance(value, dt.date):
        return value.isoformat(), True
    return _cell_text(value), False


def _read_xlsx(path: Path, headers: HeaderMap, data: bytes | None = None) -> _Export:
    import openpyxl

    try:
        with warnings.catch_warnings(), _no_sheet_sizing():
            warnings.simplefilter("ignore")  # "no default style" and similar, harmless here
            book = openpyxl.load_workbook(_source(path, data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise SkmInputError(
            f"berkas Excel tidak dapat dibuka ({type(exc).__name__}); buka lalu simpan "
            "ulang sebagai .xlsx, atau unduh ulang hasil survei sebagai .csv",
            file=str(path),
        ) from None
    try:
        return _read_workbook(book, path, headers)
    except SkmInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML surfaces while iterating
        raise SkmInputError(
            f"isi berkas Excel tidak dapat dibaca ({type(exc).__name__}); simpan ulang "
            "sebagai .xlsx atau unduh ulang sebagai .csv",
            file=str(path),
        ) from None
    finally:
        book.close()


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@contextmanager
def _no_sheet_sizing() -> Iterator[None]:
    """openpyxl's read-only sheets parse the whole sheet on opening when it lacks a
    `<dimension>` element (22 s for 40 rows of 16,384 styled cells); `_sheet_rows` needs no
    size, so that step is skipped while the workbook opens (openpyxl pinned in
    requirements.lock; tests/test_security_data.py checks the reading)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _column_number(ref: str) -> int:
    """1-based column of a cell reference ("C7" -> 3)."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _sheet_rows(
    book: Any, sheet: Any, max_col: int, min_row: int = 1, max_row: int | None = None
) -> Iterator[tuple[int, list[object]]]:
    """(row number, values of columns 1..max_col) of one sheet, streamed.

    openpyxl reads the workbook's structure (sheets, shared strings, date formats, epoch);
    the sheet's XML is streamed here with lxml, which hands over one `<row>` at a time and
    drops its cells beyond `max_col` unread, so a row of 16,384 styled empty cells costs
    little and memory stays flat. Values are what openpyxl's `values_only` reading gives
    (text, numbers, booleans, date-times for date-formatted numbers); blank rows are skipped.
    """
    from lxml import etree
    from openpyxl.utils.datetime import from_excel

    strings = sheet._shared_strings
    date_styles = book._date_formats
    epoch = book.epoch
    row_tag, cell_tag = f"{_SHEET_NS}row", f"{_SHEET_NS}c"
    value_tag, inline_tag, text_tag = f"{_SHEET_NS}v", f"{_SHEET_NS}is", f"{_SHEET_NS}t"
    row_no = 0
    with book._archive.open(sheet._worksheet_path) as source:
        parser = etree.iterparse(
            source,
            events=("end",),
            tag=row_tag,
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
        )
        for _, row in parser:
            number = row.get("r")
            row_no = int(float(number)) if number else row_no + 1
            if max_row is not None and row_no > max_row:
                break
            if row_no >= min_row:
                del row[max_col:]  # a cell's column is at least its position: keep the first
                values: list[object] = [None] * max_col
                col = 0
                for cell in row.iterchildren(cell_tag):
                    ref = cell.get("r")
                    col = _column_number(ref) if ref else col + 1
                    if col > max_col:
                        break
                    kind = cell.get("t", "n")
                    if kind == "inlineStr":
                        node = cell.find(inline_tag)
                        values[col - 1] = (
                            "".join(t.text or "" for t in node.iter(text_tag))
                            if node is not None
                            else None
                        )
                        continue
                    raw = cell.findtext(value_tag)
                    if raw is None:
                        continue
                    if kind == "s":
                        values[col - 1] = str(strings[int(raw)])
                    elif kind in ("str", "e"):
                        values[col - 1] = raw
                    elif kind == "b":
                        values[col - 1] = raw.strip() in ("1", "true")
                    elif kind == "d":
                        values[col - 1] = dt.datetime.fromisoformat(raw.strip())
                    else:
                        number_value = float(raw)
                        if int(cell.get("s", "0")) in date_styles:
                            values[col - 1] = from_excel(number_value, epoch)
                        elif number_value.is_integer() and "." not in raw and "E" not in raw:
                            values[col - 1] = int(number_value)
                        else:
                            values[col - 1] = number_value
                yield row_no, values
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]


def _read_workbook(book: Any, path: Path, headers: HeaderMap) -> _Export:
    best: tuple[int, int, int] | None = None
    chosen: tuple[Any, int, list[str]] | None = None
    scanned: list[str] = []
    for sheet_no, sheet in enumerate(book.worksheets):
        title = redact(sheet.title)[0]
        first: tuple[int, list[str]] | None = None
        partial: tuple[int, list[str], set[str]] | None = None
        for row_no, row in _sheet_rows(book, sheet, MAX_COLUMNS, max_row=HEADER_SCAN_ROWS):
            texts = [_cell_text(v) for v in row]
            while texts and not texts[-1].strip():
                texts.pop()
            if first is None and any(t.strip() for t in texts):
                first = (row_no, texts)
            keys = [normalise_text(t) for t in texts if t.strip()]
            mapped = {headers.fields.get(k) for k in keys}
            mapped.discard(None)
            # Same-titled mapped columns: one may be the timestamp (`HeaderMap.locate`).
            twins = any(n > 1 for k, n in Counter(keys).items() if k in headers.fields)
            if "timestamp" in mapped or twins:
                rank = (-len(mapped), sheet_no, row_no)
                if best is None or rank < best:
                    best, chosen = rank, (sheet, row_no, texts)
            elif mapped and (partial is None or len(mapped) > len(partial[2])):
                partial = (row_no, texts, mapped)
        if partial is not None:
            known = ", ".join(
                _FIELD_LABELS[name].split(" ")[0]
                for name in sorted(partial[2], key=MAPPED_FIELDS.index)
            )
            seen = (
                f"baris {partial[0]} memuat judul kolom yang dikenali ({known}) tetapi "
                "tidak ada kolom stempel waktu; judul-judul di baris itu: "
                f"{_quoted_headers(partial[1])}"
            )
        elif first is not None:
            filled = sum(1 for t in first[1] if t.strip())
            seen = (
                f"baris terisi pertama (baris {first[0]}, {filled} sel) tidak memuat judul "
                "kolom yang dikenali; isinya tidak dikutip karena bisa berupa jawaban "
                "berisi data pribadi"
            )
        else:
            seen = "kosong"
        scanned.append(f"'{title}' ({seen})")
    if chosen is None:
        raise SkmInputError(
            "tidak ada lembar (sheet) yang memuat baris judul kolom dengan kolom stempel waktu "
            f"({_quoted(headers.expected.get('timestamp', []))}) dalam {HEADER_SCAN_ROWS} baris "
            f"pertamanya. Lembar yang diperiksa: {'; '.join(scanned) or '(tidak ada)'}. "
            "Pastikan lembar jawaban formulir ada di file ini, atau tambahkan judul kolom stempel "
            "waktunya ke `columns` di unit.yaml. (Header row not found.)",
            file=str(path),
        )
    sheet, header_row, header = chosen
    where = f" (lembar '{redact(sheet.title)[0]}', baris judul {header_row})"

    def probe(pos: int) -> bool:
        rows = _sheet_rows(
            book, sheet, pos + 1, min_row=header_row + 1, max_row=header_row + PROBE_ROWS
        )
        return _timestamp_share([row[pos] for _, row in rows])

    positions = headers.locate(header, str(path), where, holds_timestamps=probe)
    order = sorted(positions.items(), key=lambda item: item[1])
    values: dict[str, list[str]] = {name: [] for name, _ in order}
    excel_flags: list[bool] = []
    raw_rows: list[int] = []
    epoch = book.epoch
    ts_pos = positions["timestamp"]
    width = max(positions.values()) + 1
    last = header_row
    for row_no, row in _sheet_rows(book, sheet, width, min_row=header_row + 1):
        if len(raw_rows) >= MAX_ROWS:
            raise _too_many_rows(path)
        # Rows absent from the sheet XML are blank rows: they keep their numbers.
        for blank in range(last + 1, row_no):
            raw_rows.append(blank)
            for name, _ in order:
                values[name].append("")
            excel_flags.append(False)
        last = row_no
        raw_rows.append(row_no)
        for name, pos in order:
            cell = row[pos]
            if pos == ts_pos:
                text, is_dt = _excel_timestamp(cell, epoch)
                excel_flags.append(is_dt)
            else:
                text = _cell_text(cell)
            values[name].append(text)
    columns = {
        name: pa.chunked_array([pa.array(vals, pa.large_string())]) for name, vals in values.items()
    }
    info = {
        "encoding": None,
        "delimiter": None,
        "sheet": redact(sheet.title)[0],
        "header_row": header_row,
    }
    return _Export(
        path=path,
        columns=columns,
        raw_rows=np.asarray(raw_rows, dtype=np.int64),
        headers={name: str(header[pos]).strip() for name, pos in order},
        info=info,
        excel_datetime=np.asarray(excel_flags, dtype=bool),
    )


# --------------------------------------------------------------------------- normalising values


@dataclass
class _Context:
    """Lookups built once per ingest, and ids shared by all files of the unit-year."""

    offset: int
    date_order: str | None
    date_order_source: str | None
    start: np.datetime64
    end: np.datetime64
    period_text: str
    labels: dict[str, dict[str, int]]
    label_text: dict[str, str]
    categories: dict[str, dict[str, str]]
    checked: set[str]
    age_bins: list[tuple[int, str]]
    pool: Executor | None = None
    layanan: list[str] = field(default_factory=list)
    not_asked: set[str] = field(default_factory=set)
    #: Warnings for the run (Indonesian sentences), in the order found.
    warnings: list[str] = field(default_factory=list)
    #: Optional fields whose column is missing, with the files that lack it.
    missing: dict[str, list[str]] = field(default_factory=dict)
    #: Per layanan value id: the positions in `layanan` of the services it ticks.
    ticked: dict[int, tuple[int, ...]] = field(default_factory=dict)
    invalid_ids: dict[str, int] = field(default_factory=dict)
    unreadable_ids: dict[str, int] = field(default_factory=dict)
    value_ids: dict[str, dict[str, int]] = field(default_factory=dict)
    unmatched: dict[str, set[int]] = field(default_factory=dict)
    #: Ids of values whose personal data was replaced, and of values cut to length.
    redacted: dict[str, set[int]] = field(default_factory=dict)
    truncated: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: dict) -> _Context:
        """Build the lookups from the settings of `skm.ingest.settings.load_unit_year`."""
        start = dt.date.fromisoformat(str(settings["period"]["start"]))
        end = dt.date.fromisoformat(str(settings["period"]["end"]))
        labels = {
            code: {
                normalise_text(text): score
                for score, text in enumerate(settings["labels"][code], start=1)
            }
            for code in UNSUR_CODES
        }
        label_text = {code: ", ".join(settings["labels"][code]) for code in UNSUR_CODES}
        demografi = settings.get("demografi") or {}
        categories: dict[str, dict[str, str]] = {}
        checked: set[str] = set()
        for name in DEMOGRAPHIC_FIELDS:
            entries = demografi.get(name) or []
            lookup: dict[str, str] = {}
            for entry in entries:
                for text in [entry["label"], *(entry.get("alias") or [])]:
                    lookup.setdefault(category_key(text), entry["label"])
            categories[name] = lookup
            if entries:
                checked.add(name)
        layanan = settings.get("layanan") or []
        categories["layanan"] = {category_key(text): text for text in layanan}
        if layanan:
            checked.add("layanan")
        age_bins = sorted((int(e["min"]), e["label"]) for e in demografi.get("usia") or [])
        return cls(
            offset=int(settings["utc_offset_hours"]),
            date_order=settings.get("date_order") or None,
            date_order_source=settings.get("date_order_source"),
            layanan=list(layanan),
            not_asked=set(settings.get("not_asked") or ()),
            start=np.datetime64(start, "D"),
            end=np.datetime64(end, "D"),
            period_text=f"{format_date_id(start)} – {format_date_id(end)}",
            labels=labels,
            label_text=label_text,
            categories=categories,
            checked=checked,
            age_bins=age_bins,
            value_ids={name: {} for name in (*CATEGORY_FIELDS, "saran")},
            unmatched={name: set() for name in CATEGORY_FIELDS},
            redacted={name: set() for name in CATEGORY_FIELDS},
            truncated={name: set() for name in (*CATEGORY_FIELDS, "saran")},
        )

    def category(self, name: str, text: str) -> str | None:
        """The configured label `text` stands for, or None."""
        label = self.categories[name].get(category_key(text))
        if label is None and name == "usia" and self.age_bins:
            label = self._age_group(category_key(text))
        return label

    def _age_group(self, key: str) -> str | None:
        """Age group of a numeric age or an age range that fits in one group."""

        def group(age: int) -> str | None:
            fitting = [label for low, label in self.age_bins if low <= age]
            return fitting[-1] if fitting and 0 <= age <= 120 else None

        if match := _AGE.fullmatch(key):
            return group(int(match["age"]))
        if match := _AGE_RANGE.fullmatch(key):
            low, high = group(int(match["low"])), group(int(match["high"]))
            return low if low == high else None
        if match := _AGE_OVER.fullmatch(key):
            age = int(match["a"] or match["b"]) + (1 if match["op"] == ">" else 0)
            return group(age) if group(age) == self.age_bins[-1][1] else None
        if match := _AGE_UNDER.fullmatch(key):
            below = int(match["age"])
            fits = len(self.age_bins) == 1 or below <= self.age_bins[1][0]
            return self.age_bins[0][1] if fits and self.age_bins[0][0] == 0 else None
        return None

    def run(self, func: Callable[..., Any], *args: Any) -> Future:
        """`func(*args)` on the worker threads of `pool` (or right away without one).

        Only pure array work goes there (Arrow and numpy release the GIL); everything that
        assigns ids stays on the calling thread, in a fixed order.
        """
        if self.pool is not None:
            return self.pool.submit(func, *args)
        done: Future = Future()
        done.set_result(func(*args))
        return done

    def value_id(self, name: str, text: str) -> int:
        """Id of a (normalised) value of field `name`, shared by all files."""
        ids = self.value_ids[name]
        return ids.setdefault(text, len(ids))

    def values(self, name: str) -> np.ndarray:
        """Texts by id, with None appended for id -1 (blank)."""
        return np.asarray([*self.value_ids[name], None], dtype=object)


def _factorize(values: pa.ChunkedArray | None, n: int) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 where missing) and the distinct values in order of first appearance, as
    `pandas.factorize` gives them, computed on the Arrow array (dictionary encoding)."""
    if values is None or len(values) == 0:
        return np.full(n, -1, dtype=np.int32), []
    encoded = values.dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    codes = indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return codes, encoded.dictionary.to_pylist()


@dataclass
class _Answers:
    """One unsur column: answer key per row (0 blank, 1..4 score, >=5 invalid), and the raw
    text and rejection reason of each distinct value (through `codes`)."""

    keys: np.ndarray
    codes: np.ndarray
    uniques: list[str]
    reasons: np.ndarray

    def texts(self, rows: np.ndarray) -> list[str]:
        """Raw cell text of `rows`."""
        return [self.uniques[c] for c in self.codes[rows]]


#: A letter before the label, as the regulation's questionnaire letters options ("a. Tidak
#: sesuai", "A) Tidak sesuai", "(a) Tidak sesuai"); the letter is ignored, forms letter both
#: ways.
_LETTERED = re.compile(r"(?:\(\s*[a-d]\s*\)|[a-d]\s*[.)])\s*(?P<label>.+)")
#: The score before or after the label: "4 - Sangat sesuai", "4. Sangat sesuai",
#: "4 Sangat sesuai", "Sangat sesuai (4)", "Sangat sesuai - 4".
_NUMBERED = (
    re.compile(r"(?P<digit>[1-4])\s*[-.):=]\s*(?P<label>.+)"),
    re.compile(r"(?P<digit>[1-4])\s+(?P<label>[^\d\s].*)"),
    re.compile(r"(?P<label>.+?)\s*[(\[](?P<digit>[1-4])[)\]]"),
    re.compile(r"(?P<label>.+?)\s+[-:=]\s*(?P<digit>[1-4])"),
)


def answer_score(text: str, lookup: dict[str, int]) -> tuple[int | None, int | None]:
    """(score by label, digit written with it) of one answer cell; (None, None) when it is
    neither a label of the unsur (plain, lettered, numbered, or lettered and numbered:
    "a. 1 - Tidak sesuai") nor a digit 1..4.

    `lookup` maps `normalise_text` of each label to its score. The score comes from the label;
    a digit written with the label is returned so that the caller can reject a disagreement.
    `skm init` recognises answers with this same function.
    """
    norm = normalise_text(text).translate(_DASHES)
    score = lookup.get(norm)
    if score is not None:
        return score, None
    digit = _DIGIT_ANSWER.fullmatch(norm)
    if digit:
        return int(digit.group(1)), None
    lettered = _LETTERED.fullmatch(norm)
    unlettered = lettered["label"].strip() if lettered else None
    if unlettered in lookup:
        return lookup[unlettered], None
    for candidate in (norm, unlettered):
        if not candidate:
            continue
        for pattern in _NUMBERED:
            match = pattern.fullmatch(candidate)
            if not match:
                continue
            label = match["label"].strip()
            inner = _LETTERED.fullmatch(label)
            if label not in lookup and inner:
                label = inner["label"].strip()
            if label in lookup:
                return lookup[label], int(match["digit"])
    return None, None


def _answers(encoded: tuple[np.ndarray, list[str]], code: str, ctx: _Context) -> _Answers:
    """Answer keys of one unsur column (`_factorize`d) and the reason of every invalid
    distinct value."""
    codes, uniques = encoded
    keys = np.zeros(len(uniques) + 1, dtype=np.int32)
    reasons = np.full(len(uniques) + 1, None, dtype=object)
    lookup = ctx.labels[code]
    for i, raw in enumerate(uniques):
        norm = normalise_text(raw)
        if not norm:
            continue
        score, digit = answer_score(raw, lookup)
        if score is not None and (digit is None or digit == score):
            keys[i] = score
            continue
        keys[i] = 5 + ctx.invalid_ids.setdefault(norm, len(ctx.invalid_ids))
        shown = truncate(" ".join(raw.split()), 80)[0]
        if score is not None:
            reasons[i] = (
                f"Jawaban '{shown}' bertentangan untuk unsur {code} "
                f"({UNSUR_NAMES[code]}): angka {digit} tertulis bersama label yang "
                f"bernilai {score}; periksa pilihan jawaban di formulir"
            )
        elif _NUMBER.fullmatch(norm):
            reasons[i] = (
                f"Jawaban '{shown}' di luar skala 1–4 untuk unsur {code} ({UNSUR_NAMES[code]})"
            )
        else:
            reasons[i] = (
                f"Jawaban '{shown}' tidak termasuk pilihan unsur {code} "
                f"({UNSUR_NAMES[code]}): {ctx.label_text[code]}"
            )
    return _Answers(keys=keys[codes], codes=codes, uniques=uniques, reasons=reasons)


#: Pieces of a checkbox cell beyond which it is not cut (free text, not ticked options).
MAX_TICKED_PIECES = 40


def split_ticked(text: str, known: set[str] | dict[str, Any]) -> list[str] | None:
    """The options ticked in a checkbox cell, or None when the cell does not cut wholly into
    `known` options (keys of `category_key`).

    Google joins ticked options with ', ', Microsoft Forms with ';' (and ends with one). An
    option may itself hold a comma ("Konsultasi, Pengaduan"), so the cell is cut against the
    known options, longest match first: from the left, each option taken is the longest run
    of pieces that is a known option and leaves a rest that also cuts wholly. A cell that is
    one known option (also "Perizinan;") gives that option alone. The ingest cuts against the
    unit's `layanan:` list, `skm init` against the values that occur alone; both use this.
    """
    text = text.strip()
    seps = [sep for sep in ((";", ", ") if text.endswith(";") else (", ", ";")) if sep in text]
    for sep in seps or [", "]:
        options = _cut(text.rstrip(";").strip() if sep == ";" else text, sep, known)
        if options is not None:
            return options
    return None


def _cut(text: str, sep: str, known: set[str] | dict[str, Any]) -> list[str] | None:
    """`split_ticked` for one separator."""
    pieces = [p.strip() for p in text.split(sep)]
    count = len(pieces)
    if not all(pieces) or count > MAX_TICKED_PIECES:
        return None
    joined = [
        [
            category_key(sep.join(pieces[start:end])) if end > start else ""
            for end in range(count + 1)
        ]
        for start in range(count)
    ]
    # cuts[i]: the rest pieces[i:] cuts wholly into known options.
    cuts = [False] * count + [True]
    for start in range(count - 1, -1, -1):
        cuts[start] = any(
            cuts[end] and joined[start][end] in known for end in range(start + 1, count + 1)
        )
    if not cuts[0]:
        return None
    options, start = [], 0
    while start < count:
        end = next(
            end for end in range(count, start, -1) if cuts[end] and joined[start][end] in known
        )
        options.append(sep.join(pieces[start:end]))
        start = end
    return options


def propose_layanan(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(services, combinations) of a layanan column without a `layanan:` list.

    A cell is a combination when it cuts (`split_ticked`) into two or more values that each
    also occur alone; the services are the other distinct cells, in order of first
    appearance (what `skm init` proposes as the unit's `layanan:` list).
    """
    distinct = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    alone = {category_key(v) for v in distinct}
    combos = [v for v in distinct if len(split_ticked(v, alone - {category_key(v)}) or ()) > 1]
    services = [v for v in distinct if v not in set(combos)]
    return services, combos


def _categories(encoded: tuple[np.ndarray, list[str]], name: str, ctx: _Context) -> np.ndarray:
    """Ids of the normalised values of a category field (`_factorize`d; -1 blank).

    A value that is not a configured label is kept as typed, cut to MAX_ANSWER_CHARS and
    redacted (`skm.ingest.redact.redact_answer`: a "Lainnya: Budi 0812..." loses all after its
    prefix), so no personal datum reaches responses.csv, ikm.json, quality.json or a table.
    """
    codes, uniques = encoded
    ids = np.full(len(uniques) + 1, -1, dtype=np.int32)
    for i, raw in enumerate(uniques):
        shown = raw.strip()
        if not shown:
            continue
        cut = len(shown) > MAX_ANSWER_CHARS
        label = ctx.category(name, shown) if name in ctx.checked and not cut else None
        ticks: tuple[int, ...] = ()
        if name == "layanan" and name in ctx.checked and not cut:
            if label is not None:
                ticks = (ctx.layanan.index(label),)
            elif split := split_ticked(shown, ctx.categories[name]):
                parts = [ctx.category(name, part) for part in split]
                ticks = tuple(sorted({ctx.layanan.index(part) for part in parts}))
                label = "; ".join(ctx.layanan[t] for t in ticks)
        hit = 0
        if label is None:
            shown, cut = truncate(shown, MAX_ANSWER_CHARS)
            shown, hit = redact_answer(shown)
        ids[i] = ctx.value_id(name, label if label is not None else shown)
        if ticks:
            ctx.ticked[int(ids[i])] = ticks
        if label is None and name in ctx.checked:
            ctx.unmatched[name].add(int(ids[i]))
        if hit:
            ctx.redacted[name].add(int(ids[i]))
        if cut:
            ctx.truncated[name].add(int(ids[i]))
    return ids[codes]


def _saran(encoded: tuple[np.ndarray, list[str]], ctx: _Context) -> np.ndarray:
    """Ids of the cleaned suggestions (`_factorize`d; trimmed, line ends unified, cut to
    MAX_SARAN_CHARS; -1 blank). They are redacted once all files are read."""
    codes, uniques = encoded
    ids = np.full(len(uniques) + 1, -1, dtype=np.int32)
    for i, raw in enumerate(uniques):
        text = raw[: MAX_SARAN_CHARS * 4] if len(raw) > MAX_SARAN_CHARS * 4 else raw
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if text:
            if len(raw) > MAX_SARAN_CHARS:
                full = len(raw.replace("\r\n", "\n").strip())
                text = text[:MAX_SARAN_CHARS] if full > MAX_SARAN_CHARS else text
                if full > MAX_SARAN_CHARS:
                    left = f"{full - MAX_SARAN_CHARS:,}".replace(",", ".")
                    text = f"{text} … [dipotong: {left} karakter tidak dimuat]"
                    ids[i] = ctx.value_id("saran", text)
                    ctx.truncated["saran"].add(int(ids[i]))
                    continue
            ids[i] = ctx.value_id("saran", text)
    return ids[codes]


# --------------------------------------------------------------------------- per-file checks


@dataclass
class _Part:
    """One export after normalisation: integer arrays, one entry per non-blank row."""

    arrays: dict[str, np.ndarray]
    problems: list[pd.DataFrame]
    info: dict[str, Any]


def _problem_frame(
    file_no: int,
    rows: np.ndarray,
    order: int | np.ndarray,
    column: str,
    values: Iterable[str] | str,
    code: str,
    reasons: Iterable[str] | str,
) -> pd.DataFrame:
    count = len(rows)
    return pd.DataFrame(
        {
            "file_no": np.full(count, file_no, dtype=np.int64),
            "raw_row": np.asarray(rows, dtype=np.int64),
            "order": np.broadcast_to(np.asarray(order, dtype=np.int64), (count,)),
            "column": [column] * count,
            "value": [values] * count if isinstance(values, str) else list(values),
            "reason_code": [code] * count,
            "reason": [reasons] * count if isinstance(reasons, str) else list(reasons),
        }
    )


def _blank_text(series: pd.Series) -> np.ndarray:
    return series.fillna("").str.strip().eq("").to_numpy(dtype=bool)


def _text_rows(values: pa.ChunkedArray, rows: np.ndarray) -> pd.Series:
    """The cells of `rows` (positions in `values`) as a text Series (missing cells NaN)."""
    return pd.Series(_string_array(values.take(pa.array(rows, pa.int64()))))


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _order_note(stamps: TimestampColumn) -> str:
    """How the dates of a file were read, for the out-of-period reason."""
    if stamps.date_order is None:
        return "format tanggal tidak ambigu"
    basis = {
        "data": "disimpulkan dari data",
        "rows": "disimpulkan dari urutan baris",
        "same": "kedua urutan memberi semester, triwulan dan periode yang sama",
        "setting": "menurut pengaturan date_order",
    }.get(stamps.basis, stamps.basis)
    return f"tanggal dibaca {order_text(stamps.date_order)}, {basis}"


def _placing(local: np.ndarray, ctx: _Context) -> tuple[np.ndarray, np.ndarray]:
    """Triwulan (1..4) and in-period flag of local times."""
    quarter = local.astype("datetime64[M]").view(np.int64) % 12 // 3 + 1
    days = local.astype("datetime64[D]")
    return quarter, (days >= ctx.start) & (days <= ctx.end)


def _settle_order(
    stamps: TimestampColumn,
    ts_raw: pa.ChunkedArray,
    rows: np.ndarray,
    export: _Export,
    ctx: _Context,
) -> TimestampColumn:
    """A column whose day/month order neither its values, its row order nor a setting decide:
    read day first when both readings put every row in the same triwulan (hence semester)
    and on the same side of the period; otherwise stop the unit, showing a row read both ways
    and naming the setting that decides."""
    day, month = stamps.local, stamps.alternative
    both = ~np.isnat(day) & ~np.isnat(month)
    quarter_d, inside_d = _placing(day, ctx)
    quarter_m, inside_m = _placing(month, ctx)
    differs = both & ((quarter_d != quarter_m) | (inside_d != inside_m))
    if not differs.any():
        rule = (
            "tidak ada nilai > 12 dan urutan baris tidak menentukan, tetapi kedua urutan "
            "(hari/bulan dan bulan/hari) menempatkan setiap baris pada semester, triwulan "
            "dan periode yang sama; dibaca hari/bulan"
        )
        return replace(
            stamps, date_order="day_first", alternative=None, basis="same", date_order_rule=rule
        )
    i = int(np.flatnonzero(differs)[0])
    text = " ".join(str(_text_rows(ts_raw, np.asarray([i])).iloc[0]).split())

    def reading(local: np.ndarray, quarter: np.ndarray, inside: np.ndarray, order: str) -> str:
        day_value = local[i].astype("datetime64[D]").item()
        semester = 1 if quarter[i] <= 2 else 2
        where = "dalam" if inside[i] else "di luar"
        return (
            f"dibaca {order_text(order)}: {format_date_id(day_value)} (semester "
            f"{_ROMAN[semester]}, triwulan {_ROMAN[int(quarter[i])]}, {where} periode "
            "survei)"
        )

    raise SkmInputError(
        "urutan hari/bulan stempel waktu tidak dapat ditentukan: tidak ada nilai dengan hari "
        "> 12, dan urutan baris tidak menyingkirkan salah satu bacaan. Kedua bacaan memberi "
        f"hasil berbeda, misalnya baris {int(rows[i])} ('{text}') "
        f"{reading(day, quarter_d, inside_d, 'day_first')}, sedangkan "
        f"{reading(month, quarter_m, inside_m, 'month_first')}. Tetapkan urutannya dengan "
        "menambahkan baris `date_order: month_first` (bulan/hari, seperti ekspor berbahasa "
        "Inggris AS) atau `date_order: day_first` (hari/bulan) ke survei.yaml tahun ini (atau "
        "ke unit.yaml untuk semua tahun), lalu jalankan lagi. (Ambiguous day/month order.)",
        file=str(export.path),
        column=export.headers["timestamp"],
    )


def _process(export: _Export, file_no: int, ctx: _Context) -> _Part:
    columns, rows, n = export.columns, export.raw_rows, len(export.raw_rows)
    # Dictionary-encode the answer, category and suggestion columns on the worker threads
    # while this one validates the raw table and parses the timestamps.
    encoded = {
        name: ctx.run(_factorize, columns.get(name), n)
        for name in ("saran", *CATEGORY_FIELDS, *UNSUR_CODES)
    }
    RawResponses.validate(_raw_view(export), lazy=True, inplace=True)

    ts_raw = columns["timestamp"]
    stamps = parse_timestamps(
        ts_raw,
        utc_offset_hours=ctx.offset,
        date_order=ctx.date_order,
        date_order_source=ctx.date_order_source,
        rows=rows,
        file=str(export.path),
        column=export.headers["timestamp"],
        excel_datetime=export.excel_datetime,
    )
    if stamps.ambiguous:
        stamps = _settle_order(stamps, ts_raw, rows, export, ctx)
    for name in OPTIONAL_FIELDS:
        if name not in export.headers and name not in ctx.not_asked:
            ctx.missing.setdefault(name, []).append(export.name)
    local = stamps.local
    ok = stamps.ok
    bad = np.flatnonzero(~ok)
    ts_blank = np.zeros(n, dtype=bool)
    ts_key = local.astype(np.int64)
    if len(bad):
        raw_bad = _text_rows(ts_raw, bad)
        ts_blank[bad] = _blank_text(raw_bad)
        stripped = [" ".join(str(v).split()) for v in raw_bad.fillna("")]
        ts_key[bad] = [
            -1 - ctx.unreadable_ids.setdefault(t, len(ctx.unreadable_ids)) for t in stripped
        ]

    arrays: dict[str, np.ndarray] = {"ts_key": ts_key}
    answers: dict[str, _Answers] = {}
    for code in UNSUR_CODES:
        answers[code] = _answers(encoded[code].result(), code, ctx)
        arrays[code] = answers[code].keys
    for name in CATEGORY_FIELDS:
        arrays[name] = _categories(encoded[name].result(), name, ctx)
    arrays["saran"] = _saran(encoded["saran"].result(), ctx)

    # A row is blank when every field is; only a row with a blank timestamp can be.
    keep: np.ndarray | None = None  # None: every row kept
    if ts_blank.any():
        blank = ts_blank.copy()
        for name in (*UNSUR_CODES, *CATEGORY_FIELDS, "saran"):
            blank &= (arrays[name] == 0) if name in UNSUR_CODES else (arrays[name] < 0)
        keep = np.flatnonzero(~blank)
    if n == 0 or (keep is not None and len(keep) == 0):
        raise SkmInputError(
            "hanya berisi baris judul kolom, tidak ada baris jawaban; unduh ulang hasil "
            "ekspor setelah ada responden, atau keluarkan file ini dari folder. "
            "(Header only, no data rows.)",
            file=str(export.path),
        )
    if keep is not None and len(keep) < n:
        arrays = {key: values[keep] for key, values in arrays.items()}
        local, ok, ts_blank, rows = local[keep], ok[keep], ts_blank[keep], rows[keep]
    else:
        keep = None
    count = len(rows)

    def position(kept: np.ndarray) -> np.ndarray:
        """Positions in the export of rows numbered among the kept ones."""
        return kept if keep is None else keep[kept]

    arrays.update(file_no=np.full(count, file_no, dtype=np.int32), raw_row=rows, local=local)

    problems: list[pd.DataFrame] = []
    header = export.headers["timestamp"]
    bad = np.flatnonzero(~ok)
    if len(bad):
        raw_bad = _text_rows(ts_raw, position(bad)).fillna("")
        texts = [
            "Stempel waktu kosong"
            if blank_cell
            else f"Stempel waktu '{' '.join(str(v).split())}' tidak dapat dibaca "
            f"(format yang dikenali: {EXAMPLES})"
            for v, blank_cell in zip(raw_bad, ts_blank[bad], strict=True)
        ]
        problems.append(
            _problem_frame(
                file_no, rows[bad], 0, header, raw_bad.astype(str), "timestamp_unparseable", texts
            )
        )
    days = local.astype("datetime64[D]")
    before = ok & (days < ctx.start)
    after = ok & (days > ctx.end)
    out_of_period = before | after
    out = np.flatnonzero(out_of_period)
    if len(out):
        day_codes, day_uniques = pd.factorize(days[out])
        note = _order_note(stamps)
        side = np.where(
            before[out], f" (sebelum awal periode; {note})", f" (setelah akhir periode; {note})"
        ).astype(object)
        day_text = np.asarray(
            [
                f"Stempel waktu {str(d)[:10]} di luar periode survei {ctx.period_text}"
                for d in day_uniques
            ],
            dtype=object,
        )
        problems.append(
            _problem_frame(
                file_no,
                rows[out],
                0,
                header,
                _text_rows(ts_raw, position(out)).fillna("").astype(str),
                "timestamp_out_of_period",
                day_text[day_codes] + side,
            )
        )
    # Keys are 0 (blank), 1..4 (score) or >= 5 (invalid): the largest key of a row tells
    # whether it answered anything and whether any answer is invalid.
    top = arrays[UNSUR_CODES[0]].copy()
    for code in UNSUR_CODES[1:]:
        np.maximum(top, arrays[code], out=top)
    answered = top > 0
    any_invalid = top >= 5
    if any_invalid.any():
        for order, code in enumerate(UNSUR_CODES, start=1):
            invalid = np.flatnonzero(arrays[code] >= 5)
            if len(invalid):
                entry = answers[code]
                problems.append(
                    _problem_frame(
                        file_no,
                        rows[invalid],
                        order,
                        export.headers[code],
                        entry.texts(position(invalid)),
                        "answer_invalid",
                        entry.reasons[entry.codes[position(invalid)]],
                    )
                )
    none = np.flatnonzero(~answered)
    if len(none):
        problems.append(
            _problem_frame(
                file_no,
                rows[none],
                10,
                "",
                "",
                "no_answers",
                "Tidak ada satu pun unsur (U1–U9) yang dijawab",
            )
        )
    arrays["invalid"] = ~ok | ~answered | any_invalid
    arrays["out_of_period"] = out_of_period

    info = {
        "file": export.name,
        "rows": count,
        "blank_rows": int(n - count),
        **export.info,
        "timestamp_style": stamps.style,
        "date_order": stamps.date_order,
        "date_order_rule": stamps.date_order_rule,
        "columns": dict(export.headers),
    }
    return _Part(arrays=arrays, problems=problems, info=info)


def _raw_view(export: _Export) -> pd.DataFrame:
    """The export in the `RawResponses` shape (absent optional fields as empty columns)."""
    n = len(export.raw_rows)
    data: dict[str, Any] = {
        "file": _string_array(pa.repeat(export.name, n)),
        "raw_row": export.raw_rows,
    }
    for name in MAPPED_FIELDS:
        values = export.columns.get(name)
        data[name] = _string_array(values if values is not None else pa.nulls(n, pa.large_string()))
    return pd.DataFrame(data, copy=False)


# --------------------------------------------------------------------------- whole unit-year


def _first_occurrence(keys: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(is_duplicate, index of the first row with the same key) over all rows, in order.

    Only rows sharing their first key (the timestamp) with another row can be duplicates,
    so the full keys are compared among those rows only (`_first_occurrence_exact`).
    """
    columns = list(keys.values())
    first_key = columns[0]
    n = len(first_key)
    positions = np.arange(n, dtype=np.int64)
    if n > 1 and (first_key[1:] >= first_key[:-1]).all():
        # In order (as exports are, by time): equal first keys are neighbours.
        same_as_next = first_key[1:] == first_key[:-1]
        if not same_as_next.any():
            return np.zeros(n, dtype=bool), positions
        flagged = np.zeros(n, dtype=bool)
        flagged[1:] |= same_as_next
        flagged[:-1] |= same_as_next
        shared = np.flatnonzero(flagged)
    else:
        group, uniques = pd.factorize(first_key)
        if len(uniques) == n:
            return np.zeros(n, dtype=bool), positions
        shared = np.flatnonzero(np.bincount(group, minlength=len(uniques))[group] > 1)
    _, origin = _first_occurrence_exact({key: values[shared] for key, values in keys.items()})
    first = positions.copy()
    first[shared] = shared[origin]
    return first != positions, first


def _first_occurrence_exact(keys: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """`_first_occurrence` by hashing all keys.

    Rows are grouped by a 64-bit hash of their integer keys, then every candidate duplicate
    is compared exactly with its first row; a hash collision falls back to exact grouping.
    """
    columns = list(keys.values())
    n = len(columns[0])
    positions = np.arange(n, dtype=np.int64)
    combined = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for values in columns:
            combined = combined * np.uint64(1099511628211) ^ hash_array(values)
    group, uniques = pd.factorize(combined)
    first = np.empty(len(uniques), dtype=np.int64)
    first[group[::-1]] = positions[::-1]
    origin = first[group]
    candidates = np.flatnonzero(origin != positions)
    same = np.ones(len(candidates), dtype=bool)
    for values in columns:
        same &= values[candidates] == values[origin[candidates]]
    if not same.all():  # pragma: no cover - 64-bit collision
        frame = pd.DataFrame(keys, copy=False)
        group = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
        first = np.empty(group.max() + 1, dtype=np.int64)
        first[group[::-1]] = positions[::-1]
        origin = first[group]
    return origin != positions, origin


def _string_array(values: pa.Array | pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    return _STR.__from_arrow__(
        values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values], values.type)
    )


def _take_strings(texts: Iterable[str | None], ids: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Strings by id (-1 gives a missing value), built in Arrow without Python objects."""
    dictionary = pa.array(list(texts), pa.large_string())
    indices = pa.array(ids.astype(np.int64), mask=ids < 0)
    return _string_array(dictionary.take(indices))


def _ids(count: int) -> pd.api.extensions.ExtensionArray:
    """R00001, R00002, ... (at least five digits, all of the same width)."""
    width = max(5, len(str(count)))
    # 10**width + i is "1" and i zero-padded to `width` digits: write it, then put the R
    # over the leading 1 (every id has the same width, so the bytes are a plain grid).
    numbers = pa.array(np.arange(1, count + 1, dtype=np.int64) + 10**width)
    text = pc.cast(numbers, pa.string())
    size = count * (width + 1)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=count + 1)
    if count and (text.offset or offsets[0] != 0 or offsets[-1] != size):  # pragma: no cover
        padded = pc.utf8_lpad(
            pc.cast(pa.array(np.arange(1, count + 1)), pa.string()), width=width, padding="0"
        )
        return _string_array(pc.binary_join_element_wise("R", padded, ""))
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8, count=size).copy()
    data[:: width + 1] = ord("R")
    grid = np.arange(0, size + 1, width + 1, dtype=np.int64)
    return _string_array(
        pa.LargeStringArray.from_buffers(count, pa.py_buffer(grid), pa.py_buffer(data))
    )


def _scores(keys: np.ndarray) -> pd.api.extensions.ExtensionArray:
    missing = keys <= 0
    values = keys.astype(np.int64)
    values[missing] = 0
    return pd.arrays.IntegerArray(values, missing)


def _one_error(errors: list[SkmInputError]) -> SkmInputError:
    """All structural problems of the unit-year as one error (each names its file)."""
    if len(errors) == 1:
        return errors[0]
    listed = "\n".join(f"{i}. {error}" for i, error in enumerate(errors, start=1))
    return SkmInputError(
        f"{len(errors)} file ekspor bermasalah; perbaiki semuanya lalu jalankan lagi:\n{listed}"
    )


def ingest(export_paths: list[Path], settings: dict) -> IngestResult:
    """Read, validate and clean all exports of one unit-year (see the module docstring).

    `settings` is the dict of `skm.ingest.settings.load_unit_year`. Raises SkmInputError for a
    structural problem; row problems end in `IngestResult.rejected`.
    """
    paths = sorted({Path(p) for p in export_paths}, key=lambda p: (p.name, str(p)))
    if not paths:
        raise SkmInputError(
            "tidak ada file ekspor (.csv, .xlsx, atau .zip hasil unduhan formulir) untuk unit dan "
            "tahun ini; taruh hasil unduhan Google Forms/Sheets atau Microsoft Forms di folder "
            "ini lalu jalankan lagi. (No export found.)",
            file=str(settings.get("year_dir") or ""),
        )
    not_asked = set(settings.get("not_asked") or ())
    header_map = HeaderMap.from_columns(
        {header: name for header, name in settings["columns"].items() if name not in not_asked}
    )
    ctx = _Context.from_settings(settings)
    with (
        _gc_paused(),
        ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="skm-ingest") as pool,
    ):
        ctx.pool = pool
        return _ingest(paths, header_map, ctx)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a unit-year is ingested.

    The ingest allocates few Python objects but its libraries (pandera's schema copies)
    enough to trigger a full collection, which walks every object the imports created
    (~50 ms). Collection resumes afterwards (if it was on), catching up on any cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest(paths: list[Path], header_map: HeaderMap, ctx: _Context) -> IngestResult:
    errors: list[SkmInputError] = []
    exports: list[_Export] = []
    for path in paths:
        try:
            exports.extend(read_exports(path, header_map))
        except SkmInputError as exc:
            errors.append(exc)
    parts: list[_Part] = []
    for no, export in enumerate(exports):
        try:
            parts.append(_process(export, no, ctx))
        except SkmInputError as exc:
            errors.append(exc)
        export.columns = {}  # the text is no longer needed: free it for what follows
    if errors:
        raise _one_error(errors)
    names = np.asarray([export.name for export in exports], dtype=object)

    cat = {
        key: (
            np.concatenate([part.arrays[key] for part in parts])
            if len(parts) > 1
            else parts[0].arrays[key]
        )
        for key in parts[0].arrays
    }
    n_raw = len(cat["raw_row"])
    key_names = ("ts_key", *UNSUR_CODES, *CATEGORY_FIELDS, "saran")
    duplicate, origin = _first_occurrence({key: cat[key] for key in key_names})
    problems = [frame for part in parts for frame in part.problems]
    dup = np.flatnonzero(duplicate)
    if len(dup):
        src = origin[dup]
        reasons = [
            f"Duplikat persis dari baris {row} (file {name}){DUPLICATE_RULE}"
            for row, name in zip(cat["raw_row"][src], names[cat["file_no"][src]], strict=True)
        ]
        for file_no in np.unique(cat["file_no"][dup]):
            mine = cat["file_no"][dup] == file_no
            problems.append(
                _problem_frame(
                    int(file_no),
                    cat["raw_row"][dup][mine],
                    11,
                    "",
                    "",
                    "duplicate",
                    np.asarray(reasons, object)[mine],
                )
            )
    rejected = _rejected_frame(problems, names)

    # Funnel stage of each row (-1 kept): the first of FUNNEL_PRIORITY that applies.
    stage = np.full(n_raw, -1, dtype=np.int8)
    for number, applies in reversed(
        list(enumerate([cat["invalid"], cat["out_of_period"], duplicate]))
    ):
        stage[applies] = number
    valid = stage < 0
    responses, redacted = _responses_frame(cat, valid, names, ctx)
    counts = np.bincount(stage[~valid], minlength=len(FUNNEL_PRIORITY))
    quality = _quality(cat, valid, counts, rejected, redacted, parts, ctx, n_raw)
    return IngestResult(responses=responses, rejected=rejected, quality=quality)


def ingest_unit(export_paths: list[Path], settings: dict) -> IngestResult:
    """`ingest`, then the checks that stop a unit although its exports could be read: an
    unsur without any valid answer, or more than half of the rows rejected (`check_enough`).
    A stop raises `IngestStopped`, which carries the result (rejected.csv lists every row)."""
    result = ingest(export_paths, settings)
    check_enough(result, settings)
    return result


class IngestStopped(SkmInputError):
    """The exports were read, but the unit must not be reported from them; `result` holds
    what was read (rejected.csv is written from it, so that every rejected row is listed)."""

    def __init__(self, message: str, result: IngestResult, **where: Any) -> None:
        super().__init__(message, **where)
        self.result = result


DUPLICATE_RULE = (
    ": semua kolom yang diolah sama (stempel waktu, U1–U9, jenis layanan, data "
    "responden dan saran); nama, e-mail dan nomor telepon sudah dibuang sebelum "
    "pemeriksaan"
)

#: Above this share of rows rejected as invalid or out of period (duplicates left out), a
#: unit is stopped unless its survei.yaml accepts it (`accept_rejected`).
MAX_REJECTED_SHARE = Fraction(1, 2)
_REASON_TEXT = {
    "timestamp_unparseable": "stempel waktu tidak terbaca",
    "timestamp_out_of_period": "di luar periode survei",
    "answer_invalid": "jawaban tidak sah",
    "no_answers": "tidak ada unsur yang dijawab",
}


def check_enough(result: IngestResult, settings: dict) -> None:
    """Stop the unit when every answer of some unsur, or more than half of the rows read
    (duplicates left out), was rejected, unless survei.yaml's `accept_rejected` allows that
    share (its reason is then recorded in quality.json); the stop carries `result`."""
    q = result.quality
    empty = [code for code in UNSUR_CODES if result.responses[code].notna().sum() == 0]
    funnel = q["funnel"]
    rejected = funnel["tidak_valid"] + funnel["di_luar_periode"]
    read = funnel["diterima"] - funnel["duplikat"]
    share = Fraction(rejected, read) if read else Fraction(0)
    accepted = settings.get("accept_rejected")
    reasons = result.rejected[result.rejected["reason_code"] != "duplicate"]
    rows = reasons.drop_duplicates(["file", "raw_row", "reason_code"])
    top = rows["reason_code"].value_counts().head(3)
    listed = "; ".join(
        f"{_REASON_TEXT.get(code, code)}: {_thousands(count)} baris (mis. "
        f"{reasons[reasons['reason_code'] == code]['reason'].iloc[0]})"
        for code, count in top.items()
    )
    if empty:
        raise IngestStopped(
            f"tidak ada jawaban sah untuk unsur {', '.join(empty)} setelah validasi "
            f"({q['n_rejected']} dari {q['n_raw']} baris ditolak; alasan terbanyak: "
            f"{listed or '-'}; daftar lengkapnya di rejected.csv), sehingga IKM tidak dapat "
            "dihitung",
            result,
        )
    if share <= MAX_REJECTED_SHARE:
        return
    percent = str(round_half_up(share * 100, 1)).replace(".", ",")
    if accepted and share <= Fraction(str(accepted["max_share"])):
        q["accept_rejected"] = {
            "share": float(share),
            "max_share": accepted["max_share"],
            "display_pct": str(round_half_up(share * 100, 2)),
            "reason": accepted["reason"],
        }
        q["warnings"].append(
            f"{percent}% baris ditolak (tidak valid atau di luar periode); "
            f"diterima menurut accept_rejected di survei.yaml: "
            f"{accepted['reason']}"
        )
        return
    limit = (
        f"batas accept_rejected.max_share {accepted['max_share']} di survei.yaml"
        if accepted
        else "separuhnya"
    )
    raise IngestStopped(
        f"{_thousands(rejected)} dari {_thousands(read)} baris yang dibaca ({percent}%, "
        f"duplikat tidak dihitung) ditolak sebagai tidak valid atau di luar periode, lebih dari "
        f"{limit}; laporan dari sebagian kecil data tidak dibuat. Alasan terbanyak: {listed}. "
        "Daftar lengkapnya ada di rejected.csv. Perbaiki penyebabnya (periode survei, pemetaan "
        "kolom, label jawaban, urutan tanggal), atau bila memang disengaja (mis. satu semester "
        "dipotong dari lembar setahun) tambahkan ke survei.yaml: `accept_rejected: {max_share: "
        '0.8, reason: "..."}`. (Too many rows rejected.)',
        result,
    )


def _thousands(value: int) -> str:
    """1234 -> '1.234' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def _rejected_frame(problems: list[pd.DataFrame], names: np.ndarray) -> pd.DataFrame:
    if not problems:
        empty = {name: pd.array([], dtype=_STR) for name in REJECTED_COLUMNS}
        empty["raw_row"] = np.asarray([], dtype=np.int64)
        return Rejected.validate(pd.DataFrame(empty), lazy=True)
    frame = pd.concat(problems, ignore_index=True)
    frame = frame.sort_values(["file_no", "raw_row", "order"], kind="stable")
    frame.insert(0, "file", names[frame["file_no"].to_numpy()])
    frame = frame.drop(columns=["file_no", "order"]).reset_index(drop=True)
    for name in ("file", "column", "value", "reason_code", "reason"):
        frame[name] = pd.array(frame[name].to_numpy(dtype=object), dtype=_STR)
    long_cells = (frame["value"].str.len() > MAX_QUOTED_CHARS).fillna(False).to_numpy(bool)
    if long_cells.any():
        frame.loc[long_cells, "value"] = [
            truncate(v, MAX_QUOTED_CHARS)[0] for v in frame.loc[long_cells, "value"]
        ]
    frame["value"], _ = redact_series(frame["value"])
    frame["reason"], _ = redact_series(frame["reason"])
    frame["value"] = frame["value"].fillna("")
    frame["column"] = frame["column"].fillna("")
    return Rejected.validate(frame[list(REJECTED_COLUMNS)], lazy=True, inplace=True)


def _time_order(stamps: np.ndarray, file_no: np.ndarray, raw_row: np.ndarray) -> np.ndarray | slice:
    """Order of rows by (timestamp, file, raw_row); slice(None) when they are in order.

    Rows come in (file, raw_row) order, so a stable sort on the timestamp alone is enough
    (and nothing to do when the export is already in time order, as Forms writes it).
    """
    if len(stamps) < 2:
        return slice(None)
    in_file_order = (file_no[1:] > file_no[:-1]) | (
        (file_no[1:] == file_no[:-1]) & (raw_row[1:] > raw_row[:-1])
    )
    if not in_file_order.all():  # pragma: no cover - not produced by `_process`
        return np.lexsort((raw_row, file_no, stamps))
    if (stamps[1:] >= stamps[:-1]).all():
        return slice(None)
    return np.argsort(stamps, kind="stable")


def _redact_distinct(texts: list[str], ids: np.ndarray) -> tuple[list[str], int]:
    """`redact_series` applied to the texts by id (-1 none): each distinct text is redacted
    once, and the replacements are counted once per row holding it.

    `redact_series` treats every cell on its own, so its total is the sum over cells; texts
    held by the same number of rows are redacted together and their total multiplied.
    """
    held = np.bincount(ids[ids >= 0], minlength=len(texts))
    out = list(texts)
    total = 0
    used = np.flatnonzero(held)
    for times in np.unique(held[used]):
        members = used[held[used] == times]
        series = pd.Series(pd.array([texts[i] for i in members], dtype=_STR))
        redacted, count = redact_series(series)
        total += int(times) * int(count)
        for i, text in zip(members, redacted.tolist(), strict=True):
            out[i] = text
    return out, total


def _responses_frame(
    cat: dict[str, np.ndarray], valid: np.ndarray, names: np.ndarray, ctx: _Context
) -> tuple[pd.DataFrame, int]:
    count = int(valid.sum())
    # Rows as an index, or as slice(None) (a view, no copy) when every row is kept in order.
    rows: np.ndarray | slice = np.flatnonzero(valid) if count < len(valid) else slice(None)
    order = _time_order(
        cat["local"][rows].view(np.int64), cat["file_no"][rows], cat["raw_row"][rows]
    )
    if not isinstance(order, slice):
        rows = (np.arange(len(valid)) if isinstance(rows, slice) else rows)[order]
    local = cat["local"][rows]
    # Columns are built on the worker threads; the suggestions are redacted here meanwhile.
    jobs = {
        "id": ctx.run(_ids, count),
        "timestamp": ctx.run(lambda: _string_array(format_local_arrow(local, ctx.offset))),
        "file": ctx.run(_take_strings, list(names), cat["file_no"][rows]),
    }
    for name in CATEGORY_FIELDS:
        jobs[name] = ctx.run(_take_strings, list(ctx.value_ids[name]), cat[name][rows])
    for code in UNSUR_CODES:
        jobs[code] = ctx.run(_scores, cat[code][rows])
    saran_ids = cat["saran"][rows]
    saran, redacted = _redact_distinct(list(ctx.value_ids["saran"]), saran_ids)
    quarter = local.astype("datetime64[M]").view(np.int64) % 12  # month - 1
    quarter //= 3
    quarter += 1
    data: dict[str, Any] = {
        "raw_row": cat["raw_row"][rows].astype(np.int64),
        "semester": (quarter > 2).astype(np.int64) + 1,
        "triwulan": quarter,
        "saran": _take_strings(saran, saran_ids),
    }
    data.update({key: job.result() for key, job in jobs.items()})
    flags = _layanan_flags(cat["layanan"][rows], ctx)
    data.update(flags)
    order = list(RESPONSE_COLUMNS)
    order[order.index("layanan") + 1 : order.index("layanan") + 1] = list(flags)
    frame = pd.DataFrame(data, columns=order, copy=False)
    # In place: the frame is new, and every column already has its contract dtype.
    return Responses.validate(frame, lazy=True, inplace=True)[order], redacted


def _layanan_flags(ids: np.ndarray, ctx: _Context) -> dict[str, np.ndarray]:
    """One 0/1 column per listed layanan: whether the respondent ticked it (a checkbox
    question ticks several; a choice question one)."""
    if not ctx.layanan:
        return {}
    table = np.zeros((len(ctx.value_ids["layanan"]) + 1, len(ctx.layanan)), dtype=np.int64)
    for value_id, ticks in ctx.ticked.items():
        table[value_id, list(ticks)] = 1
    picked = table[np.where(ids >= 0, ids, len(table) - 1)]
    return {layanan_column(label): picked[:, j] for j, label in enumerate(ctx.layanan)}


def _quality(
    cat: dict[str, np.ndarray],
    valid: np.ndarray,
    stage_counts: np.ndarray,
    rejected: pd.DataFrame,
    redacted: int,
    parts: list[_Part],
    ctx: _Context,
    n_raw: int,
) -> dict:
    n_valid = int(valid.sum())
    stages = dict(zip(FUNNEL_PRIORITY, (int(c) for c in stage_counts), strict=True))
    reason_counts = rejected["reason_code"].value_counts()

    def kept(values: np.ndarray) -> np.ndarray:
        return values if n_valid == len(valid) else values[valid]

    def rows_holding(name: str, ids: set[int]) -> int:
        """Kept rows whose value of `name` is one of `ids`."""
        if not ids:
            return 0
        return int(np.isin(kept(cat[name]), np.fromiter(ids, dtype=np.int64)).sum())

    unmatched: dict[str, dict[str, int]] = {}
    for name in CATEGORY_FIELDS:
        if name not in ctx.checked and name == "layanan":
            continue
        wanted = sorted(ctx.unmatched.get(name, ()))
        if not wanted:
            unmatched[name] = {}
            continue
        ids = kept(cat[name])
        counts = np.bincount(ids[ids >= 0], minlength=len(ctx.value_ids[name]))
        texts = ctx.values(name)
        unmatched[name] = {str(texts[i]): int(counts[i]) for i in wanted if counts[i]}
    return {
        "n_raw": int(n_raw),
        "n_valid": n_valid,
        "n_rejected": int(n_raw - n_valid),
        "funnel": {
            "diterima": int(n_raw),
            "duplikat": stages["duplikat"],
            "di_luar_periode": stages["di_luar_periode"],
            "tidak_valid": stages["tidak_valid"],
            "diolah": n_valid,
        },
        "reason_counts": {code: int(reason_counts.get(code, 0)) for code in REASON_CODES},
        "item_nonresponse": {
            code: int(np.count_nonzero(kept(cat[code]) == 0)) for code in UNSUR_CODES
        },
        "demografi_unmatched": unmatched,
        "saran_redacted": int(redacted),
        "answers_redacted": {
            name: rows_holding(name, ctx.redacted[name]) for name in CATEGORY_FIELDS
        },
        "truncated": {
            name: rows_holding(name, ctx.truncated[name]) for name in (*CATEGORY_FIELDS, "saran")
        },
        "files": [part.info for part in parts],
        "date_order": {"setting": ctx.date_order, "source": ctx.date_order_source},
        "kolom_opsional": _optional_columns(ctx, parts),
        "layanan_ganda": int(
            np.count_nonzero(
                np.isin(kept(cat["layanan"]), [i for i, t in ctx.ticked.items() if len(t) > 1])
            )
        ),
        "warnings": _warnings(ctx, parts, unmatched.get("layanan") or {}),
    }


def _optional_columns(ctx: _Context, parts: list[_Part]) -> dict[str, str]:
    """Per optional field: "ada" (its column was found in some export), "tidak_ditemukan"
    (in none) or "tidak_ditanyakan" (unit.yaml lists it under `not_asked:`)."""
    out = {}
    for name in OPTIONAL_FIELDS:
        if name in ctx.not_asked:
            out[name] = "tidak_ditanyakan"
        elif len(ctx.missing.get(name, ())) == len(parts):
            out[name] = "tidak_ditemukan"
        else:
            out[name] = "ada"
    return out


def _warnings(ctx: _Context, parts: list[_Part], layanan_unmatched: dict[str, int]) -> list[str]:
    """The run's warnings: optional columns not found, checkbox-looking layanan cells,
    layanan answers that are none of (and do not cut into) the listed layanan."""
    out = list(ctx.warnings)
    if layanan_unmatched:
        shown = sorted(layanan_unmatched.items(), key=lambda item: (-item[1], item[0]))
        rows = sum(layanan_unmatched.values())
        out.append(
            f"{_thousands(rows)} jawaban jenis layanan tidak cocok dengan daftar `layanan:` di "
            f"unit.yaml, juga bila dipotong menjadi beberapa layanan yang dicentang "
            f"({_quoted(text for text, _ in shown[:3])}); masing-masing dihitung sebagai "
            "layanan tersendiri sebagaimana diisi. Tambahkan layanan itu ke daftar `layanan:` "
            "bila memang layanan unit, atau periksa ejaannya."
        )
    for name in OPTIONAL_FIELDS:
        files = ctx.missing.get(name)
        if files:
            out.append(
                f"kolom {_FIELD_LABELS[name]} tidak ditemukan di {', '.join(files)}; laporan "
                'menulis "kolom tidak ditemukan" di tempat tabelnya. Jika formulir memang '
                f"tidak menanyakannya, tambahkan `not_asked: [{name}]` ke unit.yaml; jika "
                f"judulnya lain, petakan judul itu ke {name} di `columns` unit.yaml."
            )
    if "layanan" not in ctx.checked and ctx.value_ids["layanan"]:
        services, combos = propose_layanan(ctx.value_ids["layanan"])
        if combos:
            out.append(
                "kolom jenis layanan tampaknya pertanyaan kotak centang: "
                f"{_quoted(combos[:3])} terdiri atas pilihan yang juga diisi sendiri-sendiri, "
                "tetapi tanpa daftar `layanan:` di unit.yaml setiap gabungan dihitung sebagai "
                "layanan tersendiri. Tambahkan daftar layanan ke unit.yaml, misalnya "
                f"`layanan: [{', '.join(services)}]`."
            )
    return out


# --------------------------------------------------------------------------- writing


def write_outputs(
    result: IngestResult, responses_csv: Path, rejected_csv: Path, quality_json: Path
) -> None:
    """Write responses.csv, rejected.csv (UTF-8, LF line ends, text cells neutralised against
    spreadsheet formulas: `skm.scoring.tables.write_csv_bytes`) and quality.json (sorted keys),
    each atomically (temporary file in the same folder, then os.replace)."""
    for frame, path in ((result.responses, responses_csv), (result.rejected, rejected_csv)):
        atomic_write_bytes(write_csv_bytes(frame), path)
    write_quality(quality_json, result.quality)
