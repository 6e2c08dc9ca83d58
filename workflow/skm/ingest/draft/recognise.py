"""`recognise`: every field given to its best compatible column (each column and each field once,
equal candidates reported, never decided by position), then the timestamps' day/month order and
UTC offset and the layanan list read from the data (`Draft`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from skm.domain import UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest.draft.content import Content, column_content, compatible, header_key, header_scores
from skm.ingest.draft.known import (
    FIELDS,
    MAX_LAYANAN,
    OFFSET,
    OTHER_TIME_HEADER,
    PERSONAL_HEADER,
    REQUIRED,
    ZONE_BY_HOURS,
)
from skm.ingest.draft.tables import Table, read_tables
from skm.ingest.fields import category_key
from skm.ingest.settings import UTC_OFFSETS
from skm.ingest.timestamps import parse_timestamps
from skm.ingest.values import split_ticked


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
            if not compatible(name, col.content):
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
            c for c in columns if not c.field and not c.personal and compatible(name, c.content)
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
            content = column_content(table.columns[index], demografi, offset)
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
        match = OFFSET.search(text.strip())
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
        zone = ZONE_BY_HOURS.get(minutes / 60)
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
    if len(listed) > MAX_LAYANAN:
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
