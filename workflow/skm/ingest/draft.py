"""`skm init`: draft a new unit's settings from one export, so a unit can start alone.

`draft_unit` reads an export (CSV, XLSX, or a zip of them), recognises its columns by header
text and by answer content, and writes a draft ``data/raw/<unit>/unit.yaml`` and the year
folder holding a copy of the export. It never moves or changes the export, never overwrites a
file, and tells in Indonesian what it recognised and what the unit's staff must still add
(with the exact YAML line).

How columns are recognised, per column of every table in the export:

- the header is normalised (`skm.ingest.settings.normalise_text`, then question numbering such as
  ``1.``/``8)``/``a.`` and a trailing ``*`` removed) and compared with config.yaml's
  ``columns`` (exact), with the same texts by fuzzy ratio (rapidfuzz `token_sort_ratio`:
  close wording, words reordered, ``Anda`` for ``Saudara``) and with keywords per field
  (``persyaratan``, ``sarana``, ``pengaduan`` ...);
- the content decides what a column can be: timestamps (`skm.ingest.timestamps.parse_timestamps`),
  answers of an unsur (the labels of `skm.domain.DEFAULT_LABELS`, also lettered or numbered:
  ``a. Tidak sesuai``, ``4 - Sangat sesuai``, ``Sangat sesuai (4)``, or the digits 1..4),
  demographic categories (config.yaml ``demografi``), personal data (the patterns of
  `skm.ingest.redact`), free text;
- a field is given to the best compatible column (each column and each field once); equal
  candidates are never decided by position: they are reported.

Sarana (U9) and pengaduan (U8) have labels of their own, so their columns are told apart by
content whatever their headers; persyaratan (U1) and produk (U5) share their labels and need
the header; a linear-scale column (digits only) needs the header too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from skm import layout, numfmt
from skm.domain import DEFAULT_LABELS, UNSUR_CODES, UNSUR_NAMES
from skm.errors import SkmInputError
from skm.ingest.fields import category_key
from skm.ingest.read_csv import sniff_delimiter
from skm.ingest.redact import PATTERN as PERSONAL_PATTERN
from skm.ingest.settings import UTC_OFFSETS, load_config, normalise_text
from skm.ingest.timestamps import parse_timestamps
from skm.ingest.values import answer_score, split_ticked
from skm.ingest.zips import is_zip_of_exports, zip_exports

FIELDS: tuple[str, ...] = (
    "timestamp",
    *UNSUR_CODES,
    "layanan",
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    "saran",
)
REQUIRED: tuple[str, ...] = ("timestamp", *UNSUR_CODES)
DEMOGRAPHIC: tuple[str, ...] = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")

FIELD_TEXT: dict[str, str] = {
    "timestamp": "stempel waktu",
    **{code: f"{code} ({UNSUR_NAMES[code]})" for code in UNSUR_CODES},
    "layanan": "jenis layanan",
    "jenis_kelamin": "jenis kelamin",
    "usia": "usia",
    "pendidikan": "pendidikan",
    "pekerjaan": "pekerjaan",
    "saran": "saran/masukan",
}

#: Header keywords per field (regular expressions on the normalised header).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "timestamp": (
        r"\btimestamp\b",
        r"\bstempel waktu\b",
        r"\bcompletion time\b",
        r"^waktu (penyelesaian|selesai|pengisian)$",
        r"^tanggal pengisian$",
    ),
    "U1": (r"\bpersyaratan\b",),
    "U2": (r"\bprosedur\b", r"\bmekanisme\b", r"\balur (pelayanan|layanan)\b"),
    "U3": (
        r"\bkecepatan\b",
        r"\bwaktu (pelayanan|penyelesaian|penyelesaian pelayanan)\b",
        r"\bjangka waktu\b",
        r"\bketepatan waktu\b",
        r"\blama(nya)? (waktu|proses)\b",
    ),
    "U4": (r"\bbiaya\b", r"\btarif\b"),
    "U5": (r"\bproduk\b", r"\bspesifikasi\b", r"\bhasil (pelayanan|layanan)\b"),
    "U6": (r"\bkompeten", r"\bkemampuan (petugas|pelaksana)\b", r"\bkeahlian\b"),
    "U7": (r"\bperilaku\b", r"\bsopan", r"\bkesopanan\b", r"\bramah", r"\bkeramahan\b"),
    "U8": (r"\bpengaduan\b", r"\bkeluhan\b"),
    "U9": (r"\bsarana\b", r"\bprasarana\b", r"\bfasilitas\b"),
    "layanan": (
        r"^(jenis )?(layanan|pelayanan)\b",
        r"\bjenis (layanan|pelayanan)\b",
        r"\blayanan yang\b",
    ),
    "jenis_kelamin": (r"\bjenis kelamin\b", r"\bkelamin\b", r"^gender$", r"^sex$"),
    "usia": (r"\busia\b", r"\bumur\b", r"^age$"),
    "pendidikan": (r"\bpendidikan\b", r"^education$"),
    "pekerjaan": (r"\bpekerjaan\b", r"\bprofesi\b", r"^occupation$"),
    "saran": (r"\bsaran\b", r"\bkritik\b", r"\bmasukan\b", r"\bkomentar\b", r"\busulan\b"),
}

#: Headers of columns holding personal data (normalised, numbering removed).
PERSONAL_HEADER = re.compile(
    r"^(?:nama(?: lengkap| responden| anda| pengguna(?: layanan)?)?|name|full name|your name"
    r"|e-?mail(?: address)?|alamat (?:e-?mail|surel)|surel|id"
    r"|(?:no|nomor|nomer)\.? ?(?:hp|handphone|telp|telepon|telpon|wa|whatsapp|ponsel|kontak)"
    r"|(?:no|nomor)\.? ?(?:ktp|nik)|telepon|telpon|phone(?: number)?|whatsapp|wa|kontak"
    r"|nik|nomor induk kependudukan|alamat(?: rumah| lengkap)?|address)$"
)

#: Other time columns of Microsoft Forms (not the timestamp).
OTHER_TIME_HEADER = re.compile(
    r"^(?:start time|waktu mulai|last modified time|waktu modifikasi terakhir"
    r"|waktu terakhir diubah)$"
)

_NUMBERING = re.compile(
    r"^(?:no\.?\s*)?(?:\d{1,3}|[a-z]|[ivx]{1,4}|u\s?\d)\s*[.):\]-]\s*"
    r"|^(?:pertanyaan|soal|unsur)\s+\d{1,2}\s*[.:)-]?\s*"
)
_DIGIT = re.compile(r"([1-4])(?:[.,]0+)?")
_AGE = re.compile(
    r"(?:[<>]=?|≥|≤)?\s*\d{1,3}(?:\s*-\s*\d{1,3})?\s*(?:tahun|thn|th)?\.?"
    r"(?:\s*(?:ke ?atas|lebih|\+))?"
)
_OFFSET = re.compile(
    r"(?i)(?:(?:gmt|utc)\s*(?P<s1>[+-])(?P<h1>\d{1,2})(?::?(?P<m1>\d{2}))?"
    r"|\d(?P<s2>[+-])(?P<h2>\d{2}):?(?P<m2>\d{2})"
    r"|\b(?P<zone>wita|wib|wit)|\d(?P<z>z)|\b(?P<gmt>gmt|utc))\s*$"
)
_ZONE_BY_HOURS = {hours: zone for zone, hours in UTC_OFFSETS.items()}

#: Share of the non-blank cells a content kind must explain.
_CONTENT_SHARE = 0.9
_MAX_LAYANAN = 40
_SCAN_ROWS = 30


# --------------------------------------------------------------------------- reading


@dataclass
class Table:
    """One table of an export: where it came from, its headers and its cells as text."""

    source: str
    headers: list[str]
    columns: list[list[str]]

    @property
    def rows(self) -> int:
        """Number of data rows."""
        return len(self.columns[0]) if self.columns else 0


def read_tables(path: Path) -> list[Table]:
    """The tables of an export: a CSV, every sheet of an XLSX, every CSV/XLSX in a zip.

    A zip is read by the ingest's own zip reader (`skm.ingest.zips.zip_exports`): the same
    limits of members and bytes, the same refusals (unsafe paths, nested zips, members that
    are not CSV/XLSX), the same Mac metadata skipped."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise SkmInputError(f"file tidak dapat dibuka ({exc.strerror})", file=str(path)) from None
    if not is_zip_of_exports(path, head):
        return _tables_of(path.name, path.read_bytes(), str(path))
    tables: list[Table] = []
    for shown, data in zip_exports(path):
        member = shown.relative_to(path).as_posix()
        tables += _tables_of(f"{path.name}/{member}", data, f"{path}/{member}")
    return tables


def _tables_of(name: str, data: bytes, shown: str) -> list[Table]:
    """The tables of one export held in memory (a zip's member, or a file)."""
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_tables(name, data, shown)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SkmInputError(
            "format Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau "
            "unduh ulang sebagai .csv",
            file=shown,
        )
    return [_csv_table(name, data, shown)]


def _csv_table(name: str, data: bytes, shown: str) -> Table:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if not text.strip():
        raise SkmInputError("file kosong (tidak ada judul kolom maupun data)", file=shown)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SkmInputError(f"file tidak dapat dibaca sebagai CSV ({exc})", file=shown) from None
    return _table(name, records[0], records[1:])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_tables(name: str, data: bytes, shown: str) -> list[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise SkmInputError(f"berkas Excel tidak dapat dibuka ({exc})", file=shown) from None
    tables = []
    try:
        for sheet in book.worksheets:
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            head = rows[:_SCAN_ROWS]
            if not head:
                continue
            widths = [sum(1 for t in row if t.strip()) for row in head]
            at = int(np.argmax(widths))
            if widths[at] < 2:
                continue
            tables.append(_table(f"{name} (lembar '{sheet.title}')", rows[at], rows[at + 1 :]))
    finally:
        book.close()
    if not tables:
        raise SkmInputError("tidak ada lembar berisi tabel jawaban", file=shown)
    return tables


def _table(source: str, header: list[str], records: list[list[str]]) -> Table:
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    records = [r for r in records if any(c.strip() for c in r)]
    columns = [[r[i] if i < len(r) else "" for r in records] for i in range(width)]
    return Table(source=source, headers=[h.strip() for h in header[:width]], columns=columns)


# --------------------------------------------------------------------------- recognising


def header_key(text: str) -> str:
    """A header for comparison: `normalise_text`, numbering and a trailing '*' removed."""
    key = normalise_text(text).rstrip("* ").strip()
    for _ in range(2):
        key = _NUMBERING.sub("", key, count=1).strip()
    return key


_LABEL_SCORE = {
    code: {normalise_text(t): i for i, t in enumerate(labels, start=1)}
    for code, labels in DEFAULT_LABELS.items()
}


@dataclass
class Content:
    """What a column's cells are."""

    kind: str  # "empty", "timestamp", "unsur", "scale", "category", "personal", "text"
    unsur: frozenset[str] = frozenset()
    category: str | None = None
    options: tuple[str, ...] = ()


def _content(values: list[str], demografi: dict, offset: int) -> Content:
    cells = [v for v in values if v.strip()]
    if not cells:
        return Content("empty")
    counts = Counter(cells)
    total = len(cells)

    def share(test) -> float:
        return sum(n for v, n in counts.items() if test(v)) / total

    if share(lambda v: bool(PERSONAL_PATTERN.fullmatch(v.strip()))) >= 0.5:
        return Content("personal")
    if share(lambda v: bool(_DIGIT.fullmatch(normalise_text(v)))) >= _CONTENT_SHARE:
        return Content("scale", frozenset(UNSUR_CODES))
    # The ingest's own answer reading (`skm.ingest.values.answer_score`): init and ingest agree.
    fitting = frozenset(
        code
        for code, scores in _LABEL_SCORE.items()
        if share(lambda v, s=scores: answer_score(v, s)[0] is not None) >= _CONTENT_SHARE
    )
    if fitting:
        return Content("unsur", fitting)
    distinct = list(counts)
    try:
        parsed = parse_timestamps(distinct, utc_offset_hours=offset, date_order="day_first")
        readable = dict(zip(distinct, parsed.ok.tolist(), strict=True))
    except SkmInputError:  # both orders in one column: still timestamps
        readable = {v: True for v in distinct}
    if share(lambda v: readable[v]) >= _CONTENT_SHARE:
        return Content("timestamp")
    for name in ("jenis_kelamin", "pendidikan", "pekerjaan"):
        keys = {
            category_key(t)
            for e in demografi.get(name) or []
            for t in [e["label"], *(e.get("alias") or [])]
        }
        if keys and share(lambda v, k=keys: category_key(v) in k) >= 0.8:
            return Content("category", category=name)
    if share(lambda v: bool(_AGE.fullmatch(category_key(v)))) >= 0.8:
        return Content("category", category="usia")
    if len(counts) <= max(3, total // 3):
        options = tuple(sorted({" ".join(v.split()) for v in counts}))
        return Content("category", options=options if len(options) <= 5 else ())
    return Content("text")


def _custom_answers(content: Content) -> bool:
    """A column of a few options that are not an unsur's standard labels (own wording)."""
    return (
        content.kind == "category" and content.category is None and 2 <= len(content.options) <= 5
    )


def _compatible(name: str, content: Content) -> bool:
    if content.kind in ("empty", "personal"):
        return False
    if name == "timestamp":
        return content.kind == "timestamp"
    if name in UNSUR_CODES:
        return (
            content.kind in ("unsur", "scale") and name in content.unsur or _custom_answers(content)
        )
    if content.kind in ("timestamp", "unsur", "scale"):
        return False
    if name in DEMOGRAPHIC:
        return content.kind == "category" and content.category in (None, name)
    if name == "layanan":
        return content.kind in ("category", "text") and content.category is None
    return content.kind in ("text", "category") and content.category is None  # saran


def header_scores(header: str, known: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Per field: (score 0..100, how) from the header text alone: 100 when its key is one
    of `known`'s, the rapidfuzz token_sort_ratio when that is at least 85, 75 for a keyword."""
    key = header_key(header)
    scores: dict[str, tuple[int, str]] = {}
    if not key:
        return scores
    for name in FIELDS:
        texts = known.get(name, [])
        if key in texts:
            scores[name] = (100, "judul kolom dikenali")
            continue
        best = max((fuzz.token_sort_ratio(key, t) for t in texts), default=0)
        if best >= 85:
            scores[name] = (int(best), f"judul kolom mirip ({int(best)}%)")
        elif any(re.search(p, key) for p in KEYWORDS.get(name, ())):
            scores[name] = (75, "kata kunci pada judul kolom")
    return scores


@dataclass
class Column:
    """One column of one table, with what was recognised about it."""

    table: Table
    index: int
    header: str
    content: Content
    header_scores: dict[str, tuple[int, str]]
    field: str | None = None
    how: str = ""
    personal: bool = False
    note: str = ""

    @property
    def values(self) -> list[str]:
        """The column's cells."""
        return self.table.columns[self.index]


@dataclass
class Draft:
    """Everything `skm init` found in one export, and the files it wrote."""

    export: Path
    unit: str
    tables: list[Table]
    columns: list[Column]
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)  # source -> header -> field
    missing: dict[str, list[Column]] = field(default_factory=dict)  # field -> candidates
    conflicts: list[Column] = field(default_factory=list)
    timezone: str | None = None
    timezone_note: str = ""
    year: int | None = None
    year_note: str = ""
    date_order_note: str = ""
    date_order_line: str | None = None
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    layanan: list[str] = field(default_factory=list)
    layanan_note: str = ""
    named_from_file: bool = False
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unit_yaml: str = ""

    def columns_of(self, name: str) -> list[Column]:
        """The columns mapped to field `name`."""
        return [c for c in self.columns if c.field == name]


def known_headers(config: dict) -> dict[str, list[str]]:
    """config.yaml's `columns` as field -> header keys (`header_key`)."""
    known: dict[str, list[str]] = {}
    for header, name in (config.get("columns") or {}).items():
        if name:
            known.setdefault(name, []).append(header_key(header))
    return known


def _assign(columns: list[Column]) -> tuple[dict[str, list[Column]], list[Column]]:
    """Give each field the best compatible column of the table (greedy on the score; a tie
    between columns is not decided). Returns the candidates of fields left open, and the
    columns whose header names a field their content rules out."""
    pairs: list[tuple[int, int, int, str]] = []
    for col in columns:
        if col.personal or col.note.startswith("stempel waktu lain"):
            continue
        for rank, name in enumerate(FIELDS):
            if not _compatible(name, col.content):
                continue
            score, how = col.header_scores.get(name, (0, ""))
            if col.content.kind == "unsur" and col.content.unsur == frozenset({name}):
                score, how = (
                    (score + 20, f"{how}; pilihan jawaban khas {name}")
                    if score
                    else (60, f"pilihan jawaban khas {name}")
                )
            elif col.content.category == name:
                score, how = (
                    (score + 20, f"{how}; isi kolom cocok")
                    if score
                    else (60, "isi kolom cocok dengan kategori config.yaml")
                )
            elif name == "timestamp" and not score:
                score, how = 50, "isi kolom berupa stempel waktu"
            elif score and col.content.kind in ("unsur", "scale", "timestamp"):
                how += "; isi kolom cocok"
            elif name in UNSUR_CODES and score < 75:
                score = 0  # own answer wording: only a header that names the unsur
            elif name in UNSUR_CODES:
                how += "; pilihan jawaban bukan pilihan baku"
            if score:
                pairs.append((-score, col.index, rank, how))
    pairs.sort()
    taken: set[int] = set()
    done: set[str] = set()
    tied: dict[str, list[Column]] = {}
    by_index = {c.index: c for c in columns}
    for neg, index, rank, how in pairs:
        name = FIELDS[rank]
        if index in taken or name in done or name in tied:
            continue
        rivals = [
            by_index[i]
            for s, i, r, _ in pairs
            if r == rank and s == neg and i != index and i not in taken
        ]
        if rivals:
            tied[name] = [by_index[index], *rivals]
            continue
        col = by_index[index]
        col.field, col.how = name, how
        taken.add(index)
        done.add(name)
    conflicts = []
    for col in columns:
        if col.field or col.personal:
            continue
        strong = [n for n, (s, _) in col.header_scores.items() if s >= 75 and n in REQUIRED]
        if (
            strong
            and col.content.kind in ("unsur", "scale")
            and not any(n in col.content.unsur for n in strong)
        ):
            conflicts.append(col)
    missing: dict[str, list[Column]] = {}
    for name in FIELDS:
        if name in done:
            continue
        free = [
            c for c in columns if not c.field and not c.personal and _compatible(name, c.content)
        ]
        if name in REQUIRED:  # columns whose content fits (labels shared by U1 and U5 ...)
            free = [
                c
                for c in free
                if c.content.kind == "timestamp"
                or len(c.content.unsur) < len(UNSUR_CODES)
                and c.content.kind == "unsur"
                or name in c.header_scores
            ]
        else:  # an optional field: only columns whose header names it
            free = [c for c in free if name in c.header_scores]
        missing[name] = tied.get(name) or free
    return missing, conflicts


def recognise(export: Path, unit: str, config: dict) -> Draft:
    """Read `export` and recognise its columns, time zone, year and layanan (writes nothing)."""
    tables = read_tables(export)
    known = known_headers(config)
    demografi = config.get("demografi") or {}
    offset = 7
    columns: list[Column] = []
    draft = Draft(export=export, unit=unit, tables=[], columns=[])
    usable = []
    open_fields: dict[str, list[Column]] = {}
    for table in tables:
        cols = []
        for index, header in enumerate(table.headers):
            content = _content(table.columns[index], demografi, offset)
            key = header_key(header)
            personal = bool(PERSONAL_HEADER.fullmatch(key)) or content.kind == "personal"
            col = Column(
                table, index, header, content, header_scores(header, known), personal=personal
            )
            if not personal and OTHER_TIME_HEADER.fullmatch(key):
                col.note = "stempel waktu lain, tidak dipakai"
                col.header_scores = {}
            cols.append(col)
        missing, conflicts = _assign(cols)
        if not any(c.field for c in cols):
            continue  # a sheet without any survey column (a summary, notes ...)
        usable.append(table)
        columns += cols
        draft.conflicts += conflicts
        for name, candidates in missing.items():
            open_fields.setdefault(name, []).extend(candidates)
    draft.missing = {
        name: candidates
        for name, candidates in open_fields.items()
        if not any(c.field == name for c in columns)
    }
    if not usable:
        raise SkmInputError(
            "tidak ada kolom survei SKM yang dikenali (stempel waktu, unsur U1–U9); pastikan "
            "file ini hasil unduhan jawaban formulir SKM",
            file=str(export),
        )
    draft.tables, draft.columns = usable, columns
    _timestamps(draft)
    _layanan(draft)
    return draft


def _timestamps(draft: Draft) -> None:
    """Time zone from the offsets, the year, the dates and the day/month order."""
    stamp_cols = draft.columns_of("timestamp")
    texts = [v for c in stamp_cols for v in c.values if v.strip()]
    if not texts:
        return
    offsets: Counter[int | None] = Counter()
    for text, n in Counter(texts).items():
        match = _OFFSET.search(text.strip())
        if match is None:
            offsets[None] += n
        elif match["zone"]:
            offsets[UTC_OFFSETS[match["zone"].upper()] * 60] += n
        elif match["z"] or match["gmt"]:
            offsets[0] += n
        else:
            sign = -1 if (match["s1"] or match["s2"]) == "-" else 1
            hours, minutes = int(match["h1"] or match["h2"]), int(match["m1"] or match["m2"] or 0)
            offsets[sign * (hours * 60 + minutes)] += n
    with_offset = {k: n for k, n in offsets.items() if k is not None}
    if with_offset:
        minutes = max(with_offset, key=lambda k: (with_offset[k], -k))
        zone = _ZONE_BY_HOURS.get(minutes / 60)
        shown = f"UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60}"
        if len(with_offset) > 1:
            draft.timezone_note = (
                f"stempel waktu memuat beberapa offset "
                f"({', '.join(sorted(str(k / 60) for k in with_offset))} jam); "
                "pilih zona waktu unit sendiri"
            )
        elif zone is None:
            draft.timezone_note = (
                f"stempel waktu memakai {shown}, bukan zona waktu Indonesia "
                "(pengaturan zona waktu formulir); pilih zona waktu unit"
            )
        else:
            draft.timezone = zone
            draft.timezone_note = f"dari offset {shown} pada stempel waktu"
    else:
        draft.timezone_note = (
            "stempel waktu tanpa offset zona waktu (waktu setempat); pilih zona waktu unit"
        )
    offset = UTC_OFFSETS.get(draft.timezone or "", 7)
    # One parse per column (values, then row order decide); an undecided column keeps both
    # readings: `local` is then day first and `alternative` month first.
    readings: dict[str, list[np.ndarray]] = {"day_first": [], "month_first": []}
    by_rows: set[str] = set()  # orders decided by the row order (the other runs back)
    for col in stamp_cols:
        try:
            parsed = parse_timestamps(col.values, utc_offset_hours=offset)
        except SkmInputError as exc:
            draft.date_order_note = str(exc)
            return
        readings["day_first"].append(parsed.local)
        readings["month_first"].append(
            parsed.local if parsed.alternative is None else parsed.alternative
        )
        if parsed.basis == "rows" and parsed.date_order:
            by_rows.add(parsed.date_order)
    readings = {k: np.concatenate(v) for k, v in readings.items()}
    local = readings["day_first"]
    ok = ~np.isnat(local)
    if not ok.any():
        return
    years = Counter(local[ok].astype("datetime64[Y]").astype(int) + 1970)
    draft.year = int(max(years, key=lambda y: (years[y], y)))
    if len(years) > 1:
        others = sum(n for y, n in years.items() if y != draft.year)
        draft.year_note = (
            f"{others} baris bertahun lain ({', '.join(str(y) for y in sorted(years) if y != draft.year)}) "
            "akan ditolak sebagai di luar periode kecuali periode survei diatur di "
            "survei.yaml"
        )
    same = np.array_equal(readings["day_first"], readings["month_first"])
    if same:
        days = local[ok].astype("datetime64[D]")
        if len(by_rows) == 1:
            chosen = next(iter(by_rows))
            draft.date_order_note = (
                f"urutan {'hari/bulan' if chosen == 'day_first' else 'bulan/hari'}: "
                "dengan urutan lainnya stempel waktu akan mundur di antara baris"
            )
    else:  # both readings remain in some column
        day, month = (
            readings[o][ok].astype("datetime64[M]").astype(int) % 12
            for o in ("day_first", "month_first")
        )
        if np.array_equal(day // 3, month // 3):
            days = local[ok].astype("datetime64[D]")
            draft.date_order_note = (
                "urutan hari/bulan tidak dapat dipastikan dari data, "
                "tetapi kedua kemungkinan memberi triwulan dan "
                "semester yang sama"
            )
        else:
            draft.date_order_note = (
                "urutan hari/bulan tidak dapat dipastikan dari data "
                "(tidak ada nilai di atas 12) dan kedua kemungkinan "
                "memberi triwulan berbeda"
            )
            draft.date_order_line = "date_order: day_first   # atau month_first"
            return  # the dates themselves depend on the order: none is shown
    draft.first_day = days.min().astype(dt.date)
    draft.last_day = days.max().astype(dt.date)


def _layanan(draft: Draft) -> None:
    """The layanan list from the values; a checkbox cell counts in each option ticked when
    every option also occurs alone (`split_ticked`)."""
    cells = Counter(
        " ".join(v.split()).rstrip(";").strip()
        for c in draft.columns_of("layanan")
        for v in c.values
        if v.strip()
    )
    if not cells:
        return
    alone = {category_key(t) for t in cells}
    counts: Counter[str] = Counter()
    combined = 0
    for text, n in cells.items():
        options = split_ticked(text, alone - {category_key(text)})
        if options and len(options) > 1:
            combined += n
            for option in options:
                counts[option] += n
        else:
            counts[text] += n
    listed = sorted(counts, key=lambda t: (-counts[t], t))
    if len(listed) > _MAX_LAYANAN:
        draft.layanan_note = (
            f"{len(listed)} isian berbeda: kolom ini tampaknya isian bebas; "
            "daftar layanan tidak ditulis, tulis sendiri di `layanan:`"
        )
        return
    draft.layanan = listed
    if combined:
        draft.layanan_note = (
            f"{combined} jawaban memilih lebih dari satu layanan (kotak "
            "centang); responden itu dihitung pada tiap layanan yang dipilih"
        )


# --------------------------------------------------------------------------- writing


def custom_label_lines(draft: Draft) -> list[str]:
    """`labels:` lines to complete for unsur answered with the form's own wording."""
    lines = []
    for code in UNSUR_CODES:
        for col in draft.columns_of(code):
            if _custom_answers(col.content):
                options = col.content.options
                note = (
                    f"  # hanya {len(options)} pilihan muncul di data; lengkapi"
                    if len(options) < 4
                    else ""
                )
                lines.append(f"  {code}: [{', '.join(_q(t) for t in options)}]{note}")
    return lines


def _short(text: str, width: int = 60) -> str:
    """A long header cut to `width` characters for the summary (the YAML keeps it whole)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def unit_yaml_text(draft: Draft, config: dict) -> str:
    """The draft unit.yaml: what was recognised, with TODO comments for the rest.

    `columns:` lists only the headers config.yaml's `columns` does not already give their
    field (compared as the ingest compares them, `normalise_text`)."""
    defaults: dict[str, set[str]] = {}
    for header, name in (config.get("columns") or {}).items():
        defaults.setdefault(str(name), set()).add(normalise_text(header))
    source = draft.export.name
    lines = [
        f"# Draf dari `skm init` untuk ekspor {_q(source)}. Periksa setiap baris dan isi yang",
        "# bertanda TODO; arti setiap kunci: workflow/schemas/unit.schema.yaml.",
        "",
        "# TODO: nama resmi unit seperti di sampul laporan, lalu hapus tanda # di depannya:",
        f"# name: {_q('Nama resmi unit')}",
        "# TODO: perkiraan jumlah pengguna layanan setahun (N untuk sampel Krejcie-Morgan):",
        "# population: 1000",
    ]
    if draft.timezone:
        lines.append(f"timezone: {draft.timezone}  # {draft.timezone_note}")
    else:
        lines += [f"# TODO: {draft.timezone_note}: WIB, WITA atau WIT", "# timezone: WIB"]
    if draft.date_order_line:
        lines += [
            "# TODO: urutan hari/bulan stempel waktu tidak dapat dipastikan dari data:",
            f"# {draft.date_order_line}",
        ]
    if draft.layanan:
        header = draft.columns_of("layanan")[0].header
        lines += [
            "",
            (
                f"# Dari isi kolom {_q(header)}, urut menurut jumlah jawaban; ubah "
                "urutannya bila perlu."
            ),
            "layanan:",
        ]
        lines += [f"  - {_q(t)}" for t in draft.layanan]
    mapped: list[tuple[str, str]] = []
    for col in draft.columns:
        known = defaults.get(col.field or "", set())
        pair = (col.header, col.field)
        if col.field and normalise_text(col.header) not in known and pair not in mapped:
            mapped.append(pair)
    if mapped:
        lines += [
            "",
            "# Judul kolom ekspor ini yang tidak sama persis dengan config.yaml.",
            "columns:",
        ]
        lines += [f"  {_q(h)}: {n}" for h, n in mapped]
    absent = [
        name
        for name in FIELDS
        if name not in REQUIRED and name in draft.missing and not draft.missing[name]
    ]
    if absent:
        lines += [
            "",
            "# TODO: kolom berikut tidak ditemukan di ekspor. Bila formulir memang tidak",
            '# menanyakannya, hapus tanda # (laporan lalu menulis "tidak ditanyakan dalam',
            '# formulir"); bila ada dengan judul lain, petakan di bawah `columns:`.',
            f"# not_asked: [{', '.join(absent)}]",
        ]
    custom = custom_label_lines(draft)
    if custom:
        lines += [
            "",
            "# TODO: pilihan jawaban formulir ini bukan pilihan baku; urutkan dari skor 1",
            "# sampai 4 (tepat empat), lalu hapus tanda # di depan baris-baris ini:",
            "# labels:",
        ]
        lines += [f"# {line}" for line in custom]
    personal = sorted({c.header for c in draft.columns if c.personal})
    if personal:
        lines += [
            "",
            "# Kolom data pribadi di ekspor, tidak dibaca dan tidak masuk ke hasil: "
            + ", ".join(_q(h) for h in personal),
        ]
    return "\n".join(lines) + "\n"


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; never replaces an existing file."""
    with open(path, "xb") as fh:
        fh.write(data)


def check_unit_name(name: str) -> None:
    """Refuse a unit folder name the workflow cannot use."""
    if layout.name_problem(name) or name.casefold() in layout.RESERVED:
        raise SkmInputError(
            f"nama unit '{name}' tidak dapat dipakai sebagai nama folder: gunakan huruf, angka, "
            "'-', '_' atau '.', diawali huruf atau angka, tanpa spasi, dan bukan 'rekap' "
            "(contoh: --unit dinas-kesehatan)"
        )


def unit_name_from(export: Path) -> str:
    """A unit folder name from an export's file name (lower case, words joined by '-')."""
    stem = export.name
    for suffix in (".zip", ".csv", ".xlsx"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    words = re.findall(r"[a-z0-9]+", stem.casefold().encode("ascii", "ignore").decode())
    return "-".join(words)


def draft_unit(export: Path | str, root: Path | str = ".", unit: str | None = None) -> Draft:
    """`skm init`: recognise `export` and write the draft unit.yaml and the year folder under
    `root`/data/raw/<unit>/ (copying the export). Existing files are never replaced."""
    export, root = Path(export), Path(root)
    if not export.is_file():
        raise SkmInputError("file ekspor tidak ditemukan", file=str(export))
    raw = root / layout.RAW
    config_path = root / "config.yaml"
    if not raw.is_dir() or not config_path.is_file():
        raise SkmInputError(
            f"folder proyek tidak ditemukan di '{root}' (harus berisi config.yaml dan "
            "data/raw/); jalankan dari folder proyek atau beri --root"
        )
    name = unit if unit is not None else unit_name_from(export)
    check_unit_name(name)
    config = load_config(config_path)
    draft = recognise(export, name, config)
    draft.named_from_file = unit is None
    unit_dir = raw / name
    draft.unit_yaml = unit_yaml_text(draft, config)
    if draft.year is None:
        raise SkmInputError(
            "tahun survei tidak dapat ditentukan: tidak ada stempel waktu yang terbaca",
            file=str(export),
        )
    year_dir = unit_dir / str(draft.year)
    target = year_dir / export.name
    if target.exists() and target.read_bytes() != export.read_bytes():
        raise SkmInputError(
            f"sudah ada file lain bernama '{export.name}' di {year_dir}; tidak ditimpa. Ganti "
            "nama salah satunya lalu jalankan lagi",
            file=str(target),
        )
    year_dir.mkdir(parents=True, exist_ok=True)
    unit_yaml = unit_dir / "unit.yaml"
    try:
        _write_new(unit_yaml, draft.unit_yaml.encode("utf-8"))
        draft.written.append(str(unit_yaml))
    except FileExistsError:
        draft.kept.append(str(unit_yaml))
    if target.exists():
        draft.kept.append(str(target))
    else:
        _write_new(target, export.read_bytes())
        shutil.copystat(export, target)
        draft.written.append(str(target))
    return draft


def report(draft: Draft) -> str:
    """What `skm init` recognised and what is still to do, in Indonesian."""
    out = []
    rows = sum(t.rows for t in draft.tables)
    out.append(
        f"Membaca {draft.export.name}: {rows} baris jawaban dalam {len(draft.tables)} tabel."
    )
    out.append("")
    out.append("Dikenali:")
    for name in FIELDS:
        for col in draft.columns_of(name):
            out.append(f"  - {FIELD_TEXT[name]}: kolom {_q(_short(col.header))} ({col.how})")
    if draft.timezone:
        out.append(f"  - zona waktu: {draft.timezone} ({draft.timezone_note})")
    if draft.year:
        out.append(
            f"  - tahun survei: {draft.year}" + (f" ({draft.year_note})" if draft.year_note else "")
        )
    if draft.first_day:
        out.append(
            f"  - tanggal jawaban: {numfmt.tanggal(draft.first_day)} – "
            f"{numfmt.tanggal(draft.last_day)}"
        )
    if draft.date_order_note and not draft.date_order_line:
        out.append(f"  - {draft.date_order_note}")
    if draft.layanan:
        out.append(
            f"  - daftar layanan ({len(draft.layanan)}): " + ", ".join(_q(t) for t in draft.layanan)
        )
    if draft.layanan_note:
        out.append(f"    {draft.layanan_note}")
    personal = sorted({c.header for c in draft.columns if c.personal})
    if personal:
        out.append(
            "Data pribadi (tidak dibaca, tidak pernah masuk ke hasil): "
            + ", ".join(_q(h) for h in personal)
        )
    ignored = [
        c
        for c in draft.columns
        if not c.field
        and not c.personal
        and c not in draft.conflicts
        and not any(c in v for v in draft.missing.values())
    ]
    if ignored:
        out.append(
            "Kolom lain (tidak dibaca): "
            + ", ".join(
                _q(c.header) + (f" ({c.note})" if c.note.startswith("stempel") else "")
                for c in ignored
            )
        )
    out.append("")
    todo = [
        'name: "Nama resmi unit"      # nama di sampul laporan',
        "population: 1000              # perkiraan jumlah pengguna layanan setahun",
    ]
    if not draft.timezone:
        todo.append(f"timezone: WITA                # {draft.timezone_note}: WIB, WITA atau WIT")
    if draft.date_order_line:
        todo.append(f"{draft.date_order_line}   # {draft.date_order_note}")
    out.append("Belum dapat diisi otomatis; tambahkan ke unit.yaml (ganti contoh nilainya):")
    out += [f"  {line}" for line in todo]
    custom = custom_label_lines(draft)
    if custom:
        out.append("  labels:   # pilihan jawaban bukan pilihan baku: urutkan dari skor 1 sampai 4")
        out += [f"  {line}" for line in custom]
    for col in draft.conflicts:
        named = [n for n, (s, _) in col.header_scores.items() if s >= 75 and n in REQUIRED]
        out.append(
            f"  - kolom {_q(col.header)}: judulnya menyebut {', '.join(named)}, tetapi "
            f"pilihan jawabannya milik {', '.join(sorted(col.content.unsur))}; periksa "
            f"formulir, lalu tulis di bawah `columns:` baris {_q(col.header)}: <unsur>"
        )
    for name, candidates in draft.missing.items():
        if name not in REQUIRED and not candidates:
            continue
        kind = "" if name in REQUIRED else " (isian pilihan)"
        if candidates:
            where = " atau ".join(_q(c.header) for c in candidates)
            out.append(
                f"  - {FIELD_TEXT[name]}{kind} tidak dapat dipastikan; kolom yang mungkin: "
                f"{where}. Tulis di bawah `columns:` yang benar, misalnya: "
                f"{_q(candidates[0].header)}: {name}"
            )
        else:
            out.append(
                f"  - {FIELD_TEXT[name]} tidak dikenali. Tulis di bawah `columns:` judul "
                f'kolomnya persis seperti di file: "<judul kolom>": {name}'
            )
    absent = [
        name
        for name in FIELDS
        if name not in REQUIRED and name in draft.missing and not draft.missing[name]
    ]
    if absent:
        out.append(
            f"  - tidak ditemukan: {', '.join(FIELD_TEXT[n] for n in absent)}. Bila "
            f"formulir memang tidak menanyakannya: not_asked: [{', '.join(absent)}]"
        )
    out.append("")
    if draft.named_from_file:
        out.append(
            f"Nama unit '{draft.unit}' diambil dari nama file ekspor; untuk nama lain, "
            "hapus folder yang baru dibuat dan jalankan lagi dengan --unit NAMA."
        )
    for path in draft.written:
        out.append(f"Ditulis: {path}")
    for path in draft.kept:
        out.append(f"Sudah ada, tidak diubah: {path}")
    if any(p.endswith("unit.yaml") for p in draft.kept):
        out.append("Draf unit.yaml yang diusulkan (bandingkan dengan milik Anda):")
        out += [f"    {line}" for line in draft.unit_yaml.splitlines()]
    out.append(f"File ekspor asli tidak diubah: {draft.export}")
    if draft.first_day and draft.year:
        out.append(
            f"Periode survei bawaan: seluruh tahun {draft.year}. Bila lain, tulis di "
            f"data/raw/{draft.unit}/{draft.year}/survei.yaml, misalnya:"
        )
        out.append(
            f"    period: {{start: {draft.first_day.replace(day=1).isoformat()}, "
            f"end: {draft.last_day.isoformat()}}}"
        )
    out.append(
        f"Langkah berikutnya: lengkapi unit.yaml, lalu jalankan  skm check {draft.unit} "
        f"{draft.year}"
    )
    return "\n".join(out)
