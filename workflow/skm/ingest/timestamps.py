"""Parse the timestamp column of a Google Form export into local times of the unit's zone.

Recognised forms (docs/metodologi.md, M-13 and M-14):

- ``forms``: the Forms CSV download, ``2023/02/13 9:14:31 AM GMT+8``; it carries an offset and
  is converted to the unit's zone;
- ``sheets``: a Google Sheets export, ``13/02/2023 9:14:31`` (Indonesian locale, day first) or
  ``2/13/2023 9:14:31`` (month first); no offset: already local;
- ``iso``: ``2023-02-13 09:14:31`` (optionally with ``T``, an offset or ``Z``);
- ``excel-datetime``: a real date-time cell of an xlsx file (naive local time); the xlsx reader
  passes those as ISO text and tells `parse_timestamps` through `excel_datetime`.

Day/month order of the ``sheets`` form is decided once per column: from the values, then from
the row order, then from the unit's setting; it is never guessed (see `parse_timestamps`). Parsing is vectorised: each value is split at
its first space, the distinct dates (a few hundred) and distinct times of day (at most 86,400)
are matched with RE2 patterns through pyarrow, anything else is matched whole, and the
arithmetic is done with numpy. A million rows take a fraction of a second.

One module of about 530 lines on purpose: the parsing, the day/month-order decision and its
messages share the intermediate arrays (`_Items`, the two readings) and read as one procedure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from skm.errors import SkmInputError

STYLES: tuple[str, ...] = ("forms", "sheets", "iso", "excel-datetime")
DATE_ORDERS: tuple[str, ...] = ("day_first", "month_first")

#: Examples quoted in rejection reasons.
EXAMPLES = "2023/02/13 9:14:31 AM GMT+8, 13/02/2023 9:14:31 atau 2023-02-13 09:14:31"

_ZONE_HOURS = {"wib": 7, "wita": 8, "wit": 9}

# RE2 syntax (pyarrow). Every capturing group is named; absent groups come back as "".
_DATE = (
    r"(?:(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}))"
)
_TIME = r"(?P<hh>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<ss>\d{2})(?:[.,]\d+)?)?"
_AMPM = r"(?:(?P<ap>[ap])\.?m\.?)?"
_ZONE = (
    r"(?:(?P<z>z)"
    r"|(?:gmt|utc)?\s*(?P<tzs>[+-])(?P<tzh>\d{1,2})(?::?(?P<tzm>\d{2}))?"
    r"|(?P<gmt>gmt|utc)"
    r"|(?P<zone>wita|wib|wit))?"
)
#: A whole value: date, optional time, optional AM/PM, optional offset or zone.
PATTERN = rf"(?i)^\s*{_DATE}(?:(?:T|\s+|,\s*){_TIME})?\s*{_AMPM}\s*{_ZONE}\s*$"
#: The text before the first space, when it is a date alone.
_DATE_PART = rf"(?i)^{_DATE},?$"
#: The text after the first space: time, AM/PM, offset (all optional).
_REST_PART = rf"(?i)^\s*(?:{_TIME})?\s*{_AMPM}\s*{_ZONE}\s*$"

_INT_GROUPS = ("y1", "m1", "d1", "a", "b", "y2", "hh", "mi", "ss", "tzh", "tzm")
#: Slice end for 'to the end of the value' (binary_slice needs an explicit stop).
_END = 2**31 - 1
_DATE_KEYS = ("y1", "m1", "d1", "a", "b", "y2", "slash")
_REST_KEYS = ("hh", "mi", "ss", "ap", "tz_minutes", "has_offset", "tz_ok")


@dataclass(frozen=True)
class TimestampColumn:
    """A parsed timestamp column.

    `local` holds naive local times of the unit's zone (``datetime64[s]``, NaT where the value
    could not be read); `style` is the dominant style of the readable values (None if none);
    `date_order` is the day/month order used for ``sheets`` values (None when the column has
    none, since year-first forms are not ambiguous) and `date_order_rule` says in Indonesian
    how it was decided. When neither the values, the row order nor a setting decides,
    `alternative` holds the month-first reading (`local` then holds the day-first one) and the
    caller decides whether the difference matters (`skm.ingest.rows` stops the unit when it does).
    """

    local: np.ndarray
    style: str | None
    date_order: str | None
    date_order_rule: str
    alternative: np.ndarray | None = None
    #: What decided `date_order`: "data", "rows", "setting", "same", "ambiguous" or "none".
    basis: str = "none"

    @property
    def ok(self) -> np.ndarray:
        """Boolean mask of readable values."""
        return ~np.isnat(self.local)

    @property
    def ambiguous(self) -> bool:
        """True when both day/month readings remain (see `alternative`)."""
        return self.alternative is not None


def offset_text(utc_offset_hours: int) -> str:
    """ISO 8601 offset text, e.g. 8 -> ``+08:00``."""
    sign = "+" if utc_offset_hours >= 0 else "-"
    return f"{sign}{abs(int(utc_offset_hours)):02d}:00"


def _ints(struct: pa.StructArray, name: str) -> np.ndarray:
    field = struct.field(name)
    field = pc.if_else(pc.equal(field, ""), pa.scalar(None, pa.string()), field)
    return pc.fill_null(pc.cast(field, pa.int64()), -1).to_numpy(zero_copy_only=False)


def _is(struct: pa.StructArray, name: str, text: str) -> np.ndarray:
    field = pc.utf8_lower(pc.fill_null(struct.field(name), ""))
    return pc.equal(field, text).to_numpy(zero_copy_only=False)


def _extract(texts: pa.Array, pattern: str) -> dict[str, np.ndarray]:
    """Match `pattern` on (distinct) texts; integer fields (-1 absent) and derived flags.

    One extra entry is appended to every array for missing values (code -1).
    """
    struct = pc.extract_regex(texts, pattern)
    names = {struct.type.field(i).name for i in range(struct.type.num_fields)}
    out = {"matched": struct.is_valid().to_numpy(zero_copy_only=False)}
    for name in _INT_GROUPS:
        if name in names:
            out[name] = _ints(struct, name)
    if "s1" in names:
        out["slash"] = _is(struct, "s1", "/")
    if "ap" in names:
        out["ap"] = np.where(_is(struct, "ap", "a"), 1, np.where(_is(struct, "ap", "p"), 2, 0))
    if "tzs" in names:
        tzh, tzm = np.maximum(out["tzh"], 0), np.maximum(out["tzm"], 0)
        minutes = np.where(_is(struct, "tzs", "-"), -1, 1) * (tzh * 60 + tzm)
        has_offset = (out["tzh"] >= 0) | _is(struct, "z", "z") | ~_is(struct, "gmt", "")
        for zone, hours in _ZONE_HOURS.items():
            hit = _is(struct, "zone", zone)
            minutes = np.where(hit, hours * 60, minutes)
            has_offset |= hit
        out["tz_minutes"] = minutes
        out["has_offset"] = has_offset
        out["tz_ok"] = (tzh <= 14) & (tzm < 60)
    return {
        key: np.append(values, False if values.dtype == bool else -1) for key, values in out.items()
    }


def _codes(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Dictionary codes (-1 for null) and the distinct values."""
    encoded = pc.dictionary_encode(values)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
    return codes, encoded.dictionary


def _arrow_strings(
    values: Sequence[str | None] | pd.Series | np.ndarray | pa.Array | pa.ChunkedArray,
) -> pa.Array:
    if isinstance(values, (pa.Array, pa.ChunkedArray)) and (
        pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    ):
        arrow = values
    else:
        if not isinstance(values, pd.Series):
            values = pd.Series(list(values), dtype="str")
        arrow = values.astype("str").array.__arrow_array__()
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks() if arrow.num_chunks else pa.array([], pa.string())
    return arrow.cast(pa.string())


def _split(values: pa.Array) -> tuple[np.ndarray, pa.Array, np.ndarray, pa.Array]:
    """Codes and distinct values of the text before and after the first space of every
    trimmed value (as ``split_pattern(" ", max_splits=1)``; the part after is "" when there
    is no space); codes are -1 for missing values.

    The values are grouped by the byte position of their first space (a column has one or a
    few), so each part is a plain byte slice of the value.
    """
    n = len(values)
    trimmed = pc.utf8_trim_whitespace(values)
    space = pc.fill_null(pc.find_substring(trimmed, " "), -2).to_numpy(zero_copy_only=False)
    space = space.astype(np.int32, copy=False)
    counts = np.bincount(space + 2)
    positions = np.flatnonzero(counts) - 2
    binary = trimmed.view(pa.binary())
    date_codes = np.full(n, -1, dtype=np.int32)
    rest_codes = np.full(n, -1, dtype=np.int32)
    present = positions[positions > -2]
    if not len(present):
        return date_codes, pa.array([], pa.string()), rest_codes, pa.array([], pa.string())
    if len(positions) == 1:
        order = None
        groups = [(int(present[0]), binary)]
    else:
        order = np.argsort(space, kind="stable")
        order = order[counts[0] :]  # missing values (-2) sort first
        permuted = binary.take(pa.array(order))
        groups, offset = [], 0
        for pos in present:
            size = int(counts[pos + 2])
            groups.append((int(pos), permuted.slice(offset, size)))
            offset += size
    dates, rests = [], []
    for pos, part in groups:
        if pos < 0:
            dates.append(part)
            rests.append(pc.binary_slice(part, 0, 0))
        else:
            dates.append(pc.binary_slice(part, 0, pos))
            rests.append(pc.binary_slice(part, pos + 1, _END))
    date_part = pa.concat_arrays(dates).view(pa.string())
    rest_part = pa.concat_arrays(rests).view(pa.string())
    codes_d, date_uniques = _codes(date_part)
    codes_r, rest_uniques = _codes(rest_part)
    if order is None:
        return codes_d, date_uniques, codes_r, rest_uniques
    date_codes[order] = codes_d
    rest_codes[order] = codes_r
    return date_codes, date_uniques, rest_codes, rest_uniques


@dataclass
class _Items:
    """Matched fields of distinct texts (date parts, rest parts or whole values) and, per
    row, which date item and which rest item it reads."""

    date: dict[str, np.ndarray]
    rest: dict[str, np.ndarray]
    date_index: np.ndarray
    rest_index: np.ndarray


def _concat(
    first: dict[str, np.ndarray], second: dict[str, np.ndarray], keys: tuple[str, ...]
) -> dict[str, np.ndarray]:
    return {key: np.concatenate([first[key], second[key]]) for key in ("matched", *keys)}


def _items(values: pa.Array) -> _Items:
    """Fields of every value: date and time parts are matched on their distinct values (few
    dates, at most 86,400 times of day); a value whose parts do not match is matched whole.
    Every table ends with an unmatched entry, which missing values point to (index -1)."""
    date_codes, date_uniques, rest_codes, rest_uniques = _split(values)
    date = _extract(date_uniques, _DATE_PART)
    rest = _extract(rest_uniques, _REST_PART)
    matched = date["matched"][date_codes] & rest["matched"][rest_codes]
    retry = np.flatnonzero(~matched & (date_codes >= 0))
    if len(retry):
        codes, uniques = _codes(values.take(pa.array(retry)))
        whole = _extract(uniques, PATTERN)
        date_size, rest_size = len(date["matched"]), len(rest["matched"])
        date = _concat(date, whole, _DATE_KEYS)
        rest = _concat(rest, whole, _REST_KEYS)
        # code -1 (missing) keeps pointing at the last entry, the unmatched one of `whole`
        date_codes[retry] = np.where(codes >= 0, codes + date_size, -1)
        rest_codes[retry] = np.where(codes >= 0, codes + rest_size, -1)
    return _Items(date, rest, date_codes, rest_codes)


def _calendar(date: dict[str, np.ndarray], day_first: bool) -> dict[str, np.ndarray]:
    """Per date item: readable date, day number since 1970-01-01, and style flags."""
    year_first = date["y1"] >= 0
    a, b = date["a"], date["b"]
    year = np.where(year_first, date["y1"], date["y2"])
    month = np.where(year_first, date["m1"], b if day_first else a)
    day = np.where(year_first, date["d1"], a if day_first else b)
    date_ok = (year >= 1900) & (year <= 2200) & (month >= 1) & (month <= 12) & (day >= 1)
    safe_year = np.where(date_ok, year, 1970)
    safe_month = np.where(date_ok, month, 1)
    months = ((safe_year - 1970) * 12 + (safe_month - 1)).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    days_in_month = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    date_ok &= day <= days_in_month
    day_number = first.astype(np.int64) + np.where(date_ok, day - 1, 0)
    sheets = a >= 0
    style = np.select(
        [sheets, year_first & date["slash"], year_first],
        [STYLES.index("sheets"), STYLES.index("forms"), STYLES.index("iso")],
        default=-1,
    )
    return {"ok": date["matched"] & date_ok, "day": day_number, "sheets": sheets, "style": style}


def _clock(rest: dict[str, np.ndarray], utc_offset_hours: int) -> dict[str, np.ndarray]:
    """Per rest item: readable time of day and offset, and seconds to add to the day."""
    hour, minute, second = rest["hh"], rest["mi"], rest["ss"]
    has_time = hour >= 0
    hour = np.where(has_time, hour, 0)
    minute = np.where(has_time, minute, 0)
    second = np.where(second >= 0, second, 0)
    is_am, is_pm = rest["ap"] == 1, rest["ap"] == 2
    twelve = is_am | is_pm
    time_ok = np.where(twelve, has_time & (hour >= 1) & (hour <= 12), hour <= 23)
    time_ok &= (minute <= 59) & (second <= 59)
    hour = np.where(is_pm & (hour < 12), hour + 12, np.where(is_am & (hour == 12), 0, hour))
    shift = np.where(rest["has_offset"], utc_offset_hours * 60 - rest["tz_minutes"], 0)
    seconds = hour * 3600 + minute * 60 + second + shift * 60
    return {"ok": rest["matched"] & time_ok & rest["tz_ok"], "seconds": seconds}


def parse_timestamps(
    values: Sequence[str | None] | pd.Series | np.ndarray | pa.Array | pa.ChunkedArray,
    *,
    utc_offset_hours: int,
    date_order: str | None = None,
    date_order_source: str | None = None,
    rows: Sequence[int] | np.ndarray | None = None,
    file: str | None = None,
    column: str | None = None,
    excel_datetime: np.ndarray | None = None,
) -> TimestampColumn:
    """Parse one export's timestamp column into naive local times of the unit's zone.

    `values` are the raw cells (None/NaN/blank are unreadable). Values carrying an offset are
    converted to `utc_offset_hours`; values without one are taken as local already.

    The day/month order of ``sheets`` values (``3/1/2024``) is never guessed: the values
    decide first (a first field over 12: day first; a second one: month first); then the row
    order (exports list responses in submission order, so a reading under which the time goes
    back between consecutive rows at least once, while under the other it never does, is
    excluded); then `date_order` (set in `date_order_source`). When none decides, the column
    comes back with both readings (`TimestampColumn.alternative`). A column whose values need
    both orders raises SkmInputError naming `file`, `column` and example `rows` (spreadsheet
    row numbers). `excel_datetime` marks cells that were real xlsx date-times.
    """
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}, not {date_order!r}")
    arrow = _arrow_strings(values)
    n = len(arrow)
    if n == 0:
        return TimestampColumn(
            np.asarray([], dtype="datetime64[s]"), None, None, _rule_sentence("none")
        )
    items = _items(arrow)
    di, ri = items.date_index, items.rest_index
    matched = items.date["matched"][di] & items.rest["matched"][ri]
    a, b = items.date["a"], items.date["b"]
    day_item = (a > 12) & (b <= 12)
    month_item = (b > 12) & (a >= 0) & (a <= 12)
    day_ev = matched & day_item[di] if day_item.any() else None
    month_ev = matched & month_item[di] if month_item.any() else None
    has_day = day_ev is not None and bool(day_ev.any())
    has_month = month_ev is not None and bool(month_ev.any())
    if has_day and has_month:
        _raise_contradiction(arrow, rows, day_ev, month_ev, file, column)
    clock = _clock(items.rest, utc_offset_hours)
    alternative = None
    if has_day or has_month:
        order_used = "day_first" if has_day else "month_first"
        rule, basis = _rule_sentence("day" if has_day else "month"), "data"
        local, good, calendar = _reading(items, clock, matched, order_used)
    else:
        day_read = _reading(items, clock, matched, "day_first")
        month_read = _reading(items, clock, matched, "month_first")
        day_back, month_back = _goes_back(day_read[0]), _goes_back(month_read[0])
        if (day_read[0].view(np.int64) == month_read[0].view(np.int64)).all():
            order_used, rule, basis = "day_first", _rule_sentence("same"), "same"
            local, good, calendar = day_read
        elif (day_back is None) != (month_back is None):
            order_used = "month_first" if day_back is not None else "day_first"
            back = day_back if day_back is not None else month_back
            row_numbers = np.arange(2, n + 2) if rows is None else np.asarray(rows)
            rule = _rule_sentence("rows_" + order_used, row=int(row_numbers[back]))
            basis = "rows"
            local, good, calendar = month_read if order_used == "month_first" else day_read
        elif date_order is not None:
            order_used = date_order
            rule = _rule_sentence("setting", date_order, date_order_source)
            basis = "setting"
            local, good, calendar = month_read if order_used == "month_first" else day_read
        else:
            order_used, rule, basis = None, _rule_sentence("ambiguous"), "ambiguous"
            local, good, calendar = day_read
            alternative = month_read[0]

    # Style counts: readable rows per date item (its style), excel date-times apart.
    counted = good
    counts = np.zeros(len(STYLES), dtype=np.int64)
    if excel_datetime is not None:
        excel = np.asarray(excel_datetime, dtype=bool) & good
        counts[STYLES.index("excel-datetime")] = int(excel.sum())
        counted = good & ~excel
    per_item = np.bincount(di[counted], minlength=len(calendar["style"]))
    item_style = calendar["style"]
    counts[:3] += np.bincount(
        item_style[item_style >= 0], weights=per_item[item_style >= 0], minlength=3
    ).astype(np.int64)[:3]
    style = STYLES[int(np.argmax(counts))] if counts.sum() else None
    if not (good & calendar["sheets"][di]).any():
        kind = "excel" if style == "excel-datetime" else "none"
        order_used, rule, alternative, basis = None, _rule_sentence(kind), None, "none"
    return TimestampColumn(
        local=local,
        style=style,
        date_order=order_used,
        date_order_rule=rule,
        alternative=alternative,
        basis=basis,
    )


def _reading(
    items: _Items, clock: dict[str, np.ndarray], matched: np.ndarray, order: str
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Local times (NaT where unreadable), the readable mask and the per-item calendar of
    the column read in day/month `order`."""
    di, ri = items.date_index, items.rest_index
    calendar = _calendar(items.date, order != "month_first")
    good = matched & calendar["ok"][di] & clock["ok"][ri]
    # Row arrays are few and filled in place (a million rows: every temporary costs).
    local = np.take(calendar["day"] * 86400, di)
    local += np.take(clock["seconds"], ri)
    local[~good] = np.datetime64("NaT", "s").astype(np.int64)
    return local.view("datetime64[s]"), good, calendar


def _goes_back(local: np.ndarray) -> int | None:
    """Position of the first readable value earlier than the readable value before it."""
    readable = np.flatnonzero(~np.isnat(local))
    if len(readable) < 2:
        return None
    values = local[readable].view(np.int64)
    back = np.flatnonzero(values[1:] < values[:-1])
    return int(readable[back[0] + 1]) if len(back) else None


def order_text(order: str | None) -> str:
    """'hari/bulan' or 'bulan/hari' (Indonesian) of a day/month order."""
    return {"day_first": "hari/bulan", "month_first": "bulan/hari"}.get(order or "", "")


def _rule_sentence(
    kind: str, setting: str | None = None, source: str | None = None, row: int | None = None
) -> str:
    if kind == "setting":
        where = f" di {source}" if source else ""
        return (
            f"tidak ada nilai > 12 dan urutan baris tidak menentukan; mengikuti pengaturan "
            f"date_order: {setting} ({order_text(setting)}){where}"
        )
    if kind.startswith("rows_"):
        used = kind[len("rows_") :]
        other = "day_first" if used == "month_first" else "month_first"
        return (
            f"urutan {order_text(used)} disimpulkan dari urutan baris (tidak ada nilai > 12; "
            f"dibaca {order_text(other)}, stempel waktu baris {row} lebih awal dari baris "
            f"sebelumnya, sedangkan dibaca {order_text(used)} waktunya tidak pernah mundur)"
        )
    return {
        "day": "urutan hari/bulan disimpulkan dari data (ada nilai pertama > 12)",
        "month": "urutan bulan/hari disimpulkan dari data (ada nilai kedua > 12)",
        "same": "hari dan bulan setiap tanggal sama, sehingga urutan hari/bulan tidak berpengaruh",
        "ambiguous": "urutan hari/bulan tidak dapat ditentukan dari data",
        "none": "format tahun-bulan-tanggal tidak ambigu; pengaturan date_order tidak dipakai",
        "excel": "sel tanggal-waktu Excel tidak ambigu; pengaturan date_order tidak dipakai",
    }[kind]


def _raise_contradiction(arrow: pa.Array, rows, day_ev, month_ev, file, column) -> None:
    rows = np.arange(2, len(arrow) + 2) if rows is None else np.asarray(rows)

    def examples(mask: np.ndarray) -> str:
        picked = np.flatnonzero(mask)[:3]
        texts = arrow.take(pa.array(picked)).to_pylist()
        return ", ".join(f"baris {rows[i]} ('{t}')" for i, t in zip(picked, texts, strict=True))

    raise SkmInputError(
        "urutan hari/bulan pada stempel waktu bertentangan dalam satu kolom: "
        f"{examples(day_ev)} hanya masuk akal sebagai hari/bulan, sedangkan "
        f"{examples(month_ev)} hanya masuk akal sebagai bulan/hari. "
        "File ini tampaknya menggabungkan data dengan pengaturan lokal berbeda; seragamkan "
        "format tanggalnya (misalnya unduh ulang dari Google Forms) lalu jalankan lagi. "
        "(Contradictory day/month order in one column.)",
        file=file,
        column=column,
    )


def parse_timestamp(
    text: str, *, utc_offset_hours: int, date_order: str | None = "day_first"
) -> dt.datetime | None:
    """Parse one value into an aware datetime in the unit's zone (None if unreadable).

    A single value decides its own day/month order when one field is over 12.
    """
    col = parse_timestamps([text], utc_offset_hours=utc_offset_hours, date_order=date_order)
    if not col.ok[0]:
        return None
    naive = col.local[0].astype("datetime64[s]").item()
    return naive.replace(tzinfo=dt.timezone(dt.timedelta(hours=utc_offset_hours)))


def format_local_arrow(local: np.ndarray, utc_offset_hours: int) -> pa.Array:
    """Like `format_local`, as an Arrow string array (null for NaT); fast for a million rows."""
    stamps = pa.array(np.asarray(local, dtype="datetime64[s]"), type=pa.timestamp("s"))
    text = pc.cast(stamps, pa.string())
    suffix = offset_text(utc_offset_hours)
    fast = _format_grid(text, suffix)
    if fast is not None:
        return fast
    text = pc.replace_substring(text, " ", "T", max_replacements=1)
    return pc.binary_join_element_wise(text, suffix, "")


def _format_grid(text: pa.Array, suffix: str) -> pa.Array | None:
    """`format_local_arrow` for the usual column: every value "YYYY-MM-DD HH:MM:SS" (19
    bytes, no missing value), so the output is a byte grid built in numpy. None otherwise."""
    n = len(text)
    if not n or text.null_count or text.offset:
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=n + 1)
    if offsets[0] != 0 or not (np.diff(offsets) == 19).all():
        return None
    cells = np.frombuffer(text.buffers()[2], dtype=np.uint8, count=n * 19).reshape(n, 19)
    if not (cells[:, 10] == ord(" ")).all():  # pragma: no cover - cast output is fixed
        return None
    tail = np.frombuffer(suffix.encode("ascii"), dtype=np.uint8)
    width = 19 + len(tail)
    out = np.empty((n, width), dtype=np.uint8)
    out[:, :19] = cells
    out[:, 10] = ord("T")
    out[:, 19:] = tail
    grid = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(grid), pa.py_buffer(out))


def format_local(local: np.ndarray, utc_offset_hours: int) -> np.ndarray:
    """ISO 8601 text with the unit's offset (e.g. ``2023-02-13T09:14:31+08:00``); '' for NaT."""
    text = pc.fill_null(format_local_arrow(local, utc_offset_hours), "")
    return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
